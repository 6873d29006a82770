"""Random walks of a user's own manifest at its real size: :func:`machine_for`.

``check -f`` explores a workload exhaustively when its size allows and otherwise at a reduced
size, saying so ("explored with replicas=3 of 50"). A random walk needs no reduction: it takes
one step at a time, so a StatefulSet of 50 or a Deployment of 200 is walked at exactly the
manifest's numbers, as deep as the test's ``stateful_step_count`` goes. It proves nothing (a walk
that finds nothing is not a verdict); it finds bugs that only show at real sizes.

:func:`machine_for` reads the manifest with the ``check -f`` front end
(:func:`kubecheck.manifest.read_workloads`: API defaults, validation, the workload's model and
scope at its numbers), takes the safety properties of the workload's default selection
(:func:`kubecheck.manifest.sizing.select`: the ones ``check -f`` checks — caveats only with
``strict``, as ``check -f --strict`` counts them) and builds a
:class:`hypothesis.stateful.RuleBasedStateMachine` (:mod:`kubecheck.testing.machines`):

* one rule per command of the model (the kubelet, the controllers, the scheduler, the user's
  template edit …), its binding drawn among the enabled ones;
* every ``always`` property is an ``@invariant`` of its own (named after it:
  ``statefulset__pod_mounts_own_claim``), checked in every state; ``step`` properties are checked
  on every transition and ``terminal`` ones wherever nothing is enabled, each as its own
  invariant too;
* a property that speaks about another scope than the manifest's (its ``adjust``: the faults it
  switches off, a user action it adds) is checked on a walk of that scope, interleaved with the
  others in the same machine.

A violation's message is a kubecheck trace: the workload, the property, every step taken in the
model's Kubernetes words (the describer of :mod:`kubecheck.cli.trace_text`) and what the last
state shows; hypothesis shrinks the walk first, so the trace printed is short. The trace is also
saved as ``kubecheck.trace/1`` JSON (under ``trace_dir``: ``.kubecheck/traces`` in the current
directory, or ``$KUBECHECK_TRACE_DIR``) and the message ends with the lines that reproduce it
(``kubecheck replay FILE``) and keep it as a regression test (``kubecheck export-test FILE``).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from hypothesis.stateful import invariant

from kubecheck import manifest
from kubecheck.cli import trace_text
from kubecheck.cli.manifest_text import scope_line
from kubecheck.manifest import sizing
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.property import Property
from kubecheck.properties import catalog
from kubecheck.testing.machines import CHECKABLE, ModelMachine, Walk, by_adjusted_scope, python_name, walks_machine

#: Where violations' traces are saved unless ``trace_dir`` or ``$KUBECHECK_TRACE_DIR`` says otherwise.
TRACE_DIR = Path(".kubecheck") / "traces"

Manifest = str | os.PathLike[str]


class PropertyViolated(AssertionError):
    """A property failed on a walk; the message (the rendered trace) is built when first read.

    Hypothesis meets many failures while it shrinks a walk and reads the message of the last one
    only, so rendering (and saving the trace) waits until then.
    """

    def __init__(self, render: Callable[[], str]):
        super().__init__()
        self._render: Callable[[], str] | None = render
        self._text = ""

    def __str__(self) -> str:
        if self._render is not None:
            self._text, self._render = self._render(), None
        return self._text


def _sources(manifest_: Manifest) -> tuple[list[str], str | None]:
    """(sources, stdin text): a path, or YAML text (a string with a newline)."""
    if isinstance(manifest_, str) and "\n" in manifest_:
        return ["-"], manifest_
    return [os.fspath(manifest_)], None


def load_workload(
    manifest_: Manifest, workload: str | None = None, nodes: int | None = None, assume_access_mode: str | None = None
) -> Workload:
    """The workload named ``workload`` (``statefulset/db``, ``StatefulSet/db`` or ``db``) of the manifests.

    ``manifest_`` is a file, a directory or YAML text; ``workload`` may be left out when there is one.
    Raises :class:`kubecheck.manifest.ManifestError` for bad input and ValueError when the name
    matches no workload or several (a claim of unknown access mode is checked one way per mode:
    give ``assume_access_mode``).
    """
    sources, text = _sources(manifest_)
    found = manifest.load_workloads(sources, text, nodes, assume_access_mode)[0]
    wanted = workload.lower() if workload else None
    chosen = [w for w in found if wanted is None or wanted in (w.ref.lower(), w.obj.meta.name.lower())]
    refs = ", ".join(dict.fromkeys(w.ref for w in found))
    if not chosen:
        raise ValueError(f"no workload {workload!r} in the manifests (they hold {refs})")
    if len(chosen) > 1:
        if len({w.ref for w in chosen}) == 1:
            said = "; ".join(w.assumption for w in chosen)
            raise ValueError(
                f"{chosen[0].ref} is checked under {len(chosen)} assumptions ({said}): give assume_access_mode"
            )
        raise ValueError(f"the manifests hold {len(chosen)} workloads ({refs}): name one")
    return chosen[0]


def walked_properties(
    workload: Workload, names: Sequence[str] | None = None, strict: bool = False, faults: Iterable[str] = ()
) -> list[Property]:
    """The properties a walk checks: the always/step/terminal ones of ``check -f``'s selection for the
    workload (caveats only when ``strict``), or those ``names`` (full or short; ValueError if one is
    not in the selection or cannot be walked)."""
    chosen, skipped = sizing.select(workload, frozenset(faults))
    if names is None:
        return [p for p in chosen if p.kind in CHECKABLE and (strict or not sizing.is_caveat(p))]
    wanted = catalog.properties(workload.model, [n.split(".", 1)[-1] if "." in n else n for n in names])
    out = []
    for prop in wanted:
        why = next((s.reason for s in skipped if s.name == prop.name), "")
        if why:
            raise ValueError(f"{prop.name} is not checked for {workload.ref}: {why}")
        if prop.kind not in CHECKABLE:
            raise ValueError(f"{prop.name}: a random walk checks always/step/terminal properties, not {prop.kind}")
        out.append(prop)
    return out


class ManifestMachine(ModelMachine):
    """A walk of one workload of a manifest; its violations read as kubecheck traces (module docstring)."""

    workload: ClassVar[Workload]
    trace_dir: ClassVar[Path | None] = None

    def invariants_hold(self) -> None:
        """Not an invariant here: each property is an invariant of its own."""

    def explain(self, walk: Walk, prop: Property) -> str:
        return render_violation(self.workload, walk.scope, prop, list(walk.labels), self.trace_dir)

    def check(self, walk: Walk, prop: Property) -> None:
        if not walk.holds(prop):
            labels, trace_dir = list(walk.labels), self.trace_dir
            raise PropertyViolated(lambda: render_violation(self.workload, walk.scope, prop, labels, trace_dir))


def trace_file(workload: Workload, prop: Property, trace_dir: Path | None) -> Path:
    """Where the trace of ``prop``'s violation on ``workload`` is saved."""
    base = trace_dir or Path(os.environ.get("KUBECHECK_TRACE_DIR") or TRACE_DIR)
    return base / f"{workload.ref.replace('/', '-')}.{prop.short}.trace.json"


def render_violation(
    workload: Workload, scope: Any, prop: Property, labels: list[str], trace_dir: Path | None = None
) -> str:
    """The message of a violation found by a walk: the trace in Kubernetes words, saved, and the reproduce lines."""
    model = catalog.MODELS[workload.model]
    trace = traces.replay(model, scope, labels)
    n = len(labels)
    where = workload.obj.meta.where
    lines = [
        f"{prop.name} VIOLATED after {n} step{'s' if n != 1 else ''} of a random walk of {workload.ref} ({where})",
        f"  {prop.doc}",
        f"  scope: {scope_line(workload)}",
    ]
    changed = trace_text.scope_changes(scope, workload.scope)
    if changed:
        lines.append(
            "  walked with " + " ".join(f"{k}={v}" for k, v in changed) + " (the scope the property speaks about)"
        )
    if workload.assumption:
        lines.append(f"  assumes: {workload.assumption}")
    lines += trace_text.steps(trace, "  ") + trace_text.conclusion_lines(prop, "VIOLATED", trace, "  ")
    path = trace_file(workload, prop, trace_dir)
    extra = {
        "property": prop.name,
        "kind": prop.kind,
        "verdict": "VIOLATED",
        "workload": workload.ref,
        "manifest": where,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(traces.to_json(trace, extra), indent=1) + "\n")
    except OSError as err:
        lines.append(f"  (the trace could not be saved to {path}: {err.strerror or err})")
        return "\n".join(lines)
    test = f"test_{python_name(workload.obj.meta.name)}_{prop.short}.py"
    lines += [
        f"  trace:     {path}",
        f"  reproduce: kubecheck replay {path}",
        f"  keep it:   kubecheck export-test {path} > {test}",
    ]
    return "\n".join(lines)


def _class_name(workload: Workload) -> str:
    words = re.split(r"[^0-9A-Za-z]+", f"{workload.obj.meta.kind} {workload.obj.meta.name}")
    name = "".join(w[:1].upper() + w[1:] for w in words if w)
    return (name if name[:1].isalpha() else "W" + name) + "Machine"


def _property_invariant(index: int, prop: Property) -> Any:
    def check(self: ManifestMachine) -> None:
        self.check(self.walks[index], prop)

    check.__name__ = check.__qualname__ = python_name(prop.name)
    check.__doc__ = f"{prop.name} ({prop.kind}): {prop.doc}"
    return invariant()(check)


def machine_for(
    manifest_: Manifest,
    workload: str | None = None,
    *,
    properties: Sequence[str] | None = None,
    strict: bool = False,
    faults: Iterable[str] = (),
    nodes: int | None = None,
    assume_access_mode: str | None = None,
    trace_dir: Manifest | None = None,
    compiled: bool = True,
    certify: bool = False,
) -> type[ManifestMachine]:
    """A RuleBasedStateMachine walking ``workload`` of the manifests at their real numbers, each safety
    property of ``check -f``'s selection an invariant (module docstring).

    ``manifest_`` is a file, a directory or YAML text; ``workload`` names the workload
    (``statefulset/db`` or ``db``; optional when there is one). ``properties`` narrows the
    invariants to these names; ``strict`` adds the caveats (properties Kubernetes does not
    guarantee); ``faults`` switches faults on as ``--faults`` does (and the properties that need
    them); ``nodes`` and ``assume_access_mode`` are ``check -f``'s options of the same names.
    ``trace_dir`` is where a violation's trace is saved. The walk steps with kubecheck's compiled
    successor function (``compiled``; the one exhaustive search uses, compiled once per scope:
    seconds at a StatefulSet of 50, then well under a millisecond a step) or with the reference
    semantics (about 10 ms a step there); ``certify`` computes both in every state and fails where
    they differ. Either way a violation's trace is replayed through the reference semantics
    before it is printed.
    """
    chosen_faults = frozenset(faults)
    w = load_workload(manifest_, workload, nodes, assume_access_mode)
    props = walked_properties(w, properties, strict, chosen_faults)
    if not props:
        raise ValueError(f"{w.ref}: no always/step/terminal property to walk")
    # a property's adjust switches on the faults it needs (select kept it only if they were asked for)
    walks = list(by_adjusted_scope(w.scope, props).items())
    namespace: dict[str, Any] = {
        "workload": w,
        "trace_dir": Path(trace_dir) if trace_dir is not None else None,
    }
    for i, (_sc, group) in enumerate(walks):
        for prop in group:
            namespace[python_name(prop.name)] = _property_invariant(i, prop)
    return walks_machine(
        catalog.MODELS[w.model],
        walks,
        certify=certify,
        compiled=compiled,
        name=_class_name(w),
        base=ManifestMachine,
        namespace=namespace,
    )  # type: ignore[return-value]
