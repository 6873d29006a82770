"""The property record every table uses.

A property is named by a dotted sentence (``deployment.replicas_within_surge``), has a one-line
doc and the upstream reference that justifies it, and a predicate written with ``ops`` like
model code, so every engine reads it:

* ``always``: ``predicate(ops, scope, s)`` holds in every reachable state (an invariant);
* ``step``: ``predicate(ops, scope, s, t)`` holds for every transition s -> t;
* ``sometimes``: some reachable state satisfies ``predicate(ops, scope, s)`` (a witness;
  guards against vacuity);
* ``terminal``: every reachable state with no enabled action satisfies
  ``predicate(ops, scope, s)`` (tells a finished run from a stuck one);
* ``eventually``: on every fair run from the initial state, ``predicate`` holds at some point;
* ``leads_to``: on every fair run, whenever ``predicate`` holds, ``target`` holds then or later.

Liveness properties assume weak fairness of every ``system`` action (controllers, kubelet,
scheduler: an action that stays enabled is eventually taken); ``user`` and ``fault`` actions
are never required to happen, and a state where only they are enabled may be the last one
(the run stutters there for ever). ``strong_fairness`` names system commands the property
assumes *strongly* fair (taken when enabled infinitely often, even if never continuously),
on top of those the model declares (``Command.fairness``). ``fairness`` says all this in
words for the report, and must name every command of ``strong_fairness``.

``lemmas(ops, scope, s)`` (``always`` and ``step`` properties) states *why* the property holds:
a list of candidate invariant clauses written like the predicate, the way a TLA+ author writes
the conjuncts of ``IndInv`` next to ``Inv`` or an ESC/Java author annotates loop invariants. They
are never trusted. The PDR engine hands them to Houdini first
(:func:`kubecheck.checker.symbolic.pdr.check`): the clauses that are not inductive (together with the
property) are dropped, and only if the property survives (a step property: no step from a state
of the survivors breaks it) is it PROVED, by the survivors, with the usual fresh-solver re-check.
Otherwise discovery from scratch runs as if no lemma had been stated. A lemma that stops being
true after a model change costs time, never soundness.

``adjust`` maps the user's scope to the scope the property speaks about (the availability
floor *with faults off* turns faults off), and ``assumes`` says so in words. An adjustment
only fills in what the user left open: the runner refuses a property whose adjustment would
change a value the user set (``--set``, ``--faults``, a manifest's own fields) and names both
values, and a property whose adjustment moves a ``--for-all`` parameter is not decided for
every value of it (:mod:`kubecheck.checker.run`). So an adjustment states what the property
*needs* (``access_mode=ReadWriteOnce``) rather than overriding a choice, and one that only needs
"at least" something keeps the user's larger value (``edits=max(1, sc.edits)``). ``explain``
gives the values that matter at a state, for the last step of a counterexample.

``min_nodes`` (models whose pods are placed on named nodes) states the fewest nodes the question
needs (a pod that moves needs a second node): the adjustment raises ``nodes`` to it *before* the
property's own ``adjust`` runs and keeps the user's larger value, so every property also speaks
about ``--set nodes=3`` or more; a user's smaller value is refused by the runner like any other
setting the property would change ("needs nodes=2 …, but you set nodes=1"). A property states the
minimum here instead of fixing a count in its ``adjust`` (``needs`` says it in words for the row).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from kubecheck.model.kernel.ops import Value
from kubecheck.model.kernel.scopes import Scope

KINDS = ("always", "step", "sometimes", "terminal", "eventually", "leads_to")
LIVENESS = ("eventually", "leads_to")
WEAK_FAIRNESS = "weak fairness of controller, kubelet and scheduler actions; user actions and faults never required"


def with_strong_fairness(*commands: str, why: str = "") -> str:
    """The fairness text of a property that assumes ``commands`` strongly fair (see Property.strong_fairness)."""
    text = (
        f"{WEAK_FAIRNESS}; strong fairness of {', '.join(commands)} "
        f"(taken if enabled infinitely often, even intermittently)"
    )
    return f"{text}: {why}" if why else text


def _same(scope: Scope) -> Scope:
    return scope


def _at_least_nodes(adjust: Callable[..., Scope], count: int) -> Callable[..., Scope]:
    """``adjust`` applied to the scope with ``nodes`` raised to ``count`` (the user's larger value kept)."""

    def adjusted(scope: Scope) -> Scope:
        nodes = getattr(scope, "nodes", None)
        if nodes is None:
            raise TypeError(
                f"a property with min_nodes={count} speaks about a scope with nodes; {type(scope).__name__} has none"
            )
        return adjust(scope if nodes >= count else attrs.evolve(scope, nodes=count))  # type: ignore[misc]

    adjusted.min_nodes = count  # type: ignore[attr-defined]  # marks the wrapper: attrs.evolve does not wrap twice
    adjusted.inner = adjust  # type: ignore[attr-defined]
    return adjusted


def _settings(value: Mapping[str, str] | tuple[tuple[str, str], ...] | None) -> tuple[tuple[str, str], ...] | None:
    """A mapping of ``--set`` settings as a tuple of pairs (hashable, in the order written)."""
    return None if value is None else tuple(dict(value).items())


@attrs.frozen(kw_only=True)
class Trigger:
    """The behaviour a property constrains, so that a verdict can say when it never happened (vacuity).

    ``what`` says it in words ("a scale-down deletes a condemned pod"). ``when`` is the antecedent,
    written like the predicate: ``when(ops, scope, s)`` for an ``always`` property (a state where the
    implication's left side holds), ``when(ops, scope, s, t)`` for a ``step`` property (a transition
    it constrains). ``commands`` names commands whose firing the property constrains. The behaviour
    occurred in a search when the antecedent was true somewhere and one of the commands fired (each
    part only if given); a HOLDS where it never occurred is vacuous.
    """

    what: str
    when: Callable[..., Value] | None = None
    commands: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.when is None and not self.commands:
            raise ValueError(f"trigger {self.what!r}: give the antecedent (when), the commands, or both")


@attrs.frozen(kw_only=True)
class Property:
    """One row of a property table, built with keywords (``Property(name=..., kind=..., ...)``)."""

    name: str
    kind: str
    doc: str
    upstream: str
    # The callables take the model's own scope and state classes, which this record cannot
    # name (hence ``...``): predicate(ops, scope, s[, t]) -> Value, adjust(scope) -> scope,
    # explain(scope, s) -> text, target(ops, scope, s) -> Value, lemmas(ops, scope, s) -> [Value].
    predicate: Callable[..., Value]
    adjust: Callable[..., Scope] = _same
    assumes: str = ""
    explain: Callable[..., str] | None = None
    target: Callable[..., Value] | None = None
    fairness: str = ""
    strong_fairness: tuple[str, ...] = ()
    lemmas: Callable[..., list[Value]] | None = None
    trigger: Trigger | None = None  # the behaviour it constrains (vacuity): always and step properties
    # Where it is meaningful: the ``--set`` settings under which the behaviour it constrains happens
    # (``{"max-unavailable": "1"}``; ``{}``: the presets already exercise it; None: not stated).
    # The tests check each property there as well as at the presets (``kubecheck list`` shows it).
    meaningful: tuple[tuple[str, str], ...] | None = attrs.field(default=None, converter=_settings)
    # The fewest nodes the question needs (placed models): ``adjust`` raises ``nodes`` to it first.
    min_nodes: int = 1

    def __attrs_post_init__(self) -> None:
        if self.min_nodes < 1:
            raise ValueError(f"property {self.name}: min_nodes must be at least 1")
        if getattr(self.adjust, "min_nodes", 1) != self.min_nodes:  # set once, here (attrs.evolve keeps the wrapper)
            inner = getattr(self.adjust, "inner", self.adjust)
            wrapped = inner if self.min_nodes == 1 else _at_least_nodes(inner, self.min_nodes)
            object.__setattr__(self, "adjust", wrapped)
        if self.trigger is not None and self.kind not in ("always", "step"):
            raise ValueError(f"property {self.name}: a trigger goes with always and step properties")
        if self.kind not in KINDS:
            raise ValueError(f"property {self.name}: kind must be one of {KINDS}")
        if (self.kind == "leads_to") != (self.target is not None):
            raise ValueError(f"property {self.name}: a target predicate goes with kind leads_to, and only with it")
        if self.strong_fairness and self.kind not in LIVENESS:
            raise ValueError(f"property {self.name}: strong fairness is an assumption of liveness properties only")
        if self.lemmas is not None and self.kind not in ("always", "step"):
            raise ValueError(f"property {self.name}: stated lemmas go with always and step properties")
        unnamed = [c for c in self.strong_fairness if c not in self.fairness]
        if unnamed:
            raise ValueError(
                f"property {self.name}: the fairness text must name every strongly fair command "
                f"(missing {', '.join(unnamed)}; use with_strong_fairness)"
            )

    @property
    def needs(self) -> str:
        """The node count the property needs, for the row ("needs ≥ 2 nodes"; "" when one will do)."""
        return f"needs ≥ {self.min_nodes} nodes" if self.min_nodes > 1 else ""

    @property
    def is_liveness(self) -> bool:
        return self.kind in LIVENESS

    @property
    def model(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def short(self) -> str:
        return self.name.split(".", 1)[1]


def is_caveat(prop: Property) -> bool:
    """Upstream does not guarantee ``prop``: its row is shown, and counts only when strict."""
    return prop.upstream.startswith("not guaranteed")
