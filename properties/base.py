"""The property record every table uses.

A property is named by a dotted sentence (``deployment.replicas_within_surge``), has a one-line
doc and the upstream reference that justifies it, and a predicate written with ``ops`` like
model code, so every engine reads it:

* ``always``: ``predicate(ops, scope, s)`` holds in every reachable state (an invariant);
* ``step``: ``predicate(ops, scope, s, t)`` holds for every transition s -> t;
* ``sometimes``: some reachable state satisfies ``predicate(ops, scope, s)`` (a witness;
  guards against vacuity);
* ``terminal``: every reachable state with no enabled action satisfies
  ``predicate(ops, scope, s)`` (tells a finished run from a stuck one).

``adjust`` maps the user's scope to the scope the property speaks about (the availability
floor *with faults off* turns faults off), and ``assumes`` says so in words. ``explain``
gives the values that matter at a state, for the last step of a counterexample.
"""

from __future__ import annotations

from typing import Any, Callable

import attrs

KINDS = ("always", "step", "sometimes", "terminal")


def _same(scope: Any) -> Any:
    return scope


@attrs.frozen
class Property:
    name: str
    kind: str
    doc: str
    upstream: str
    predicate: Callable[..., Any]
    adjust: Callable[[Any], Any] = _same
    assumes: str = ""
    explain: Callable[[Any, Any], str] | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"property {self.name}: kind must be one of {KINDS}")

    @property
    def model(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short(self) -> str:
        return self.name.split(".", 1)[1]
