"""Size honestly: plan each workload's check at the manifest's own numbers, and say so when that is not possible.

For each workload the property table of its model is filtered (:func:`select`), then
:func:`plan` decides how every property will be checked and returns a
:class:`~kubecheck.manifest.plan.WorkloadPlan`; it runs nothing
(:func:`kubecheck.manifest.execute.execute_plan` does):

* **explicit at the real size** when the instance is small enough (``EXPLICIT_LIMITS``:
  Deployment replicas ≤ 5, StatefulSet replicas ≤ 3 on ≤ 3 nodes, DaemonSet ≤ 4 nodes) —
  exhaustive, HOLDS means "for this manifest";
* **a Deployment above the limit**: its always/step/sometimes properties go, one step each, to
  IC3/PDR with ``replicas`` left symbolic (``for_all``), so a PROVED verdict holds for replicas
  50 and for every other count; what PDR leaves open, and liveness, is explored at the limit and
  the row says ``explored with replicas=5 of 50``;
* **a StatefulSet above the limit**: its state is per ordinal, so no symbolic replica count
  exists (``StatefulSetScope.not_symbolic``); instead its always/step properties go to
  k-induction *at the real size* (``kind``, k = 1: one solver call each; up to
  ``SYMBOLIC_LIMITS``), and a PROVED row says ``k-induction`` at ``replicas=50, nodes=2``: a
  proof for this manifest's numbers, not for other replica counts. What is not 1-inductive
  (``pod_mounts_own_claim`` needs a strengthening PDR only finds at small sizes), and every
  sometimes/liveness/terminal property, is explored at the limit and the row says
  ``explored with replicas=3 of 50, nodes=2``;
* **a DaemonSet above the limit**: explored at the limit, ``explored with nodes=4 of 8``.
  Never silently.

Measured here (2 shared cores; papers/statefulset-symbolic.md): replicas 50, two nodes,
one template edit — building the encoding about 25 s, each 1-inductive proof 10–25 s.

Property selection: a property whose scope adjustment changes a field that came from the
manifest (it speaks about Parallel when the manifest says OrderedReady, about ReadWriteOncePod
when the claim is ReadWriteOnce) is left out as *another configuration*; one that switches on
faults is left out unless those faults were asked for (``faults``, the CLI's ``--faults``).
User actions that properties add (a rollback, a scale-down) stay: they are what a user of this
manifest may do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from kubecheck.checker.result import Result
from kubecheck.checker.task import Budget, Progress, Task
from kubecheck.manifest.plan import ENGINE_NAMES, Handoff, Step, WorkloadPlan
from kubecheck.manifest.workloads import Workload, WorkloadScope
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope
from kubecheck.properties import catalog

#: The largest instance explored exhaustively, per model (above it: symbolic or reduced, and said so).
EXPLICIT_LIMITS = {"deployment": {"replicas": 5}, "statefulset": {"replicas": 3, "nodes": 3}, "daemonset": {"nodes": 4}}
#: Fields of each scope that come from the manifest (a property that changes one speaks about another configuration).
MANIFEST_FIELDS = {
    "deployment": (
        "replicas",
        "max_surge",
        "max_unavailable",
        "strategy",
        "min_ready_seconds",
        "revision_history_limit",
        "claims",
        "access_mode",
        "read_only_mount",
    ),
    "statefulset": (
        "replicas",
        "ordinals_start",
        "pod_management",
        "strategy",
        "partition",
        "max_unavailable",
        "min_ready_seconds",
        "when_deleted",
        "when_scaled",
        "claims",
        "access_mode",
        "read_only_mount",
        "broken_release",
    ),
    "daemonset": ("strategy", "max_unavailable", "max_surge", "min_ready_seconds", "node_classes", "start"),
}
#: Per property, for PDR (a Deployment's proof for every replica count, or --engine pdr at a StatefulSet's size).
PDR_SECONDS = 20.0
#: The largest StatefulSet checked symbolically at its own size (the encoding grows with ordinals × nodes,
#: quadratically in time: about 25 s to build at replicas 50 on two nodes).
SYMBOLIC_LIMITS = {"statefulset": {"replicas": 64, "nodes": 4}}
#: Per property, for the symbolic engines at a StatefulSet's real size (building the encoding not included).
KIND_SECONDS = 60.0
#: The kinds of property PDR decides for every replica count (a Deployment above the limit).
_FOR_ALL_KINDS = ("always", "step", "sometimes")
#: The kinds of property k-induction decides at a StatefulSet's real size.
_AT_SIZE_KINDS = ("always", "step")

ProgressCallback = Callable[[Progress], None]


@attrs.frozen
class Row:
    """One property of one workload: the Result, how it was obtained, and its role."""

    result: Result
    method: str  # "explicit", "pdr (all values of replicas)", …
    size: str  # "replicas=3" or "replicas=5 of 50" …
    reduced: bool  # explored at a smaller scope than the manifest's
    caveat: bool  # upstream does not guarantee it: shown, never fails the run (unless strict)

    @property
    def sizing_note(self) -> str:
        return f"explored with {self.size}" if self.reduced else ""


@attrs.frozen
class Skipped:
    """A property of the model's table left out for this workload, and why."""

    name: str
    reason: str


def is_caveat(prop: Property) -> bool:
    """Upstream does not guarantee ``prop``: its row is shown, and counts only when strict."""
    return prop.upstream.startswith("not guaranteed")


def _changed(model: str, scope: Scope, adjusted: Scope) -> list[str]:
    return [f for f in MANIFEST_FIELDS[model] if hasattr(scope, f) and getattr(scope, f) != getattr(adjusted, f)]


def _adjusted(prop: Property, scope: WorkloadScope) -> WorkloadScope:
    """The scope ``prop`` speaks about (a workload model's properties keep its scope class)."""
    adjusted = prop.adjust(scope)
    if not isinstance(adjusted, type(scope)):
        raise TypeError(f"{prop.name}: adjusts a {type(scope).__name__} into a {type(adjusted).__name__}")
    return adjusted


def select(workload: Workload, faults: frozenset[str] = frozenset()) -> tuple[list[Property], list[Skipped]]:
    """The properties that speak about this manifest, and the others with the reason they were left out."""
    chosen, skipped = [], []
    for prop in catalog.properties(workload.model):
        adjusted = _adjusted(prop, workload.scope)
        changed = _changed(workload.model, workload.scope, adjusted)
        if changed:
            skipped.append(
                Skipped(
                    prop.name,
                    "another configuration: "
                    + ", ".join(f"{c.replace('_', '-')}={getattr(adjusted, c)}" for c in changed),
                )
            )
        elif not adjusted.faults <= faults:
            needed = ",".join(sorted(adjusted.faults))
            skipped.append(Skipped(prop.name, f"needs faults: {needed} (--faults {needed})"))
        else:
            chosen.append(prop)
    return chosen, skipped


def _sizes(workload: Workload) -> dict[str, int]:
    sc = workload.scope
    if isinstance(sc, DeploymentScope):
        return {"replicas": sc.replicas}
    if isinstance(sc, StatefulSetScope):
        return {"replicas": sc.replicas, "nodes": workload.nodes_given}
    return {"nodes": workload.nodes_given}


def _capped(value: IntOrPercent, replicas: int) -> IntOrPercent:
    """An integer maxSurge/maxUnavailable above the explored replicas is capped to them (percentages scale)."""
    return IntOrPercent(replicas) if not value.is_percent and value.value > replicas else value


def _reduced_scope(workload: Workload) -> tuple[WorkloadScope, dict[str, tuple[int, int]]]:
    """The scope at the explicit limits, and {field: (explored, real)} for the fields that shrank."""
    limits = EXPLICIT_LIMITS[workload.model]
    shrunk = {k: (limits[k], v) for k, v in _sizes(workload).items() if v > limits[k]}
    sc = workload.scope
    if not shrunk:
        return sc, shrunk
    if isinstance(sc, DeploymentScope):
        r = limits["replicas"]
        return attrs.evolve(
            sc, replicas=r, max_surge=_capped(sc.max_surge, r), max_unavailable=_capped(sc.max_unavailable, r)
        ), shrunk
    if isinstance(sc, StatefulSetScope):
        replicas = limits["replicas"] if "replicas" in shrunk else sc.replicas
        partition = min(sc.partition, replicas) if "replicas" in shrunk else sc.partition
        nodes = limits["nodes"] if "nodes" in shrunk else sc.nodes
        return attrs.evolve(sc, replicas=replicas, partition=partition, nodes=nodes), shrunk
    n = limits["nodes"]
    classes = sc.node_classes[: n - 1] + sc.node_classes[-1:] if sc.node_classes else sc.node_classes
    return attrs.evolve(sc, nodes=n, node_classes=classes), shrunk


def _size_text(scope: Scope, model: str, shrunk: dict[str, tuple[int, int]]) -> str:
    keys = ("replicas", "nodes") if model == "statefulset" else (("replicas",) if model == "deployment" else ("nodes",))
    parts = []
    for k in keys:
        if k in shrunk:
            parts.append(f"{k}={shrunk[k][0]} of {shrunk[k][1]}")
        else:
            parts.append(f"{k}={getattr(scope, k)}")
    return ", ".join(parts)


def _within_symbolic_limits(workload: Workload) -> bool:
    limits = SYMBOLIC_LIMITS.get(workload.model)
    return limits is not None and all(v <= limits[k] for k, v in _sizes(workload).items())


def _limits_text(workload: Workload, shrunk: dict[str, tuple[int, int]]) -> str:
    """Why the plan is shaped so: the manifest's numbers against the explicit limits."""
    limits = EXPLICIT_LIMITS[workload.model]
    if not shrunk:
        return "within the explicit limits (" + ", ".join(f"{k} ≤ {v}" for k, v in limits.items()) + ")"
    return "above the explicit limits: " + ", ".join(f"{k} {real} > {lo}" for k, (lo, real) in shrunk.items())


def _statefulset_at_size(workload: Workload, asked: Task) -> list[Step]:
    """Always/step properties of a large StatefulSet by a symbolic engine at the manifest's size, in one step.

    ``asked`` is the whole question (the manifest's scope, every property, the engine and budget
    asked for). ``auto`` means k-induction with k = 1 (one solver call per property: a 1-inductive
    property is proved, anything else is handed on to the reduced explicit search); the step's time
    cap is ``KIND_SECONDS`` (``PDR_SECONDS`` for other engines) per property. Its rows name the
    instance each property was checked at (the property's adjustment of the manifest's scope).
    """
    real, budget = workload.scope, asked.budget
    sym = [p for p in asked.properties if p.kind in _AT_SIZE_KINDS]
    if not sym or not _within_symbolic_limits(workload):
        return []
    eng = "kind" if asked.engine == "auto" else asked.engine
    seconds = KIND_SECONDS if eng == "kind" else PDR_SECONDS
    cap = seconds * len(sym)
    part = attrs.evolve(budget, timeout=min(budget.timeout, cap) if budget.timeout else cap)
    task = attrs.evolve(asked, properties=sym, budget=part, engine=eng, depth=0 if eng == "kind" else None)
    sizes = tuple(_size_text(p.adjust(real), workload.model, {}) for p in sym)
    attempt = f"{ENGINE_NAMES.get(eng, eng)} at {_size_text(real, workload.model, {})}"
    return [Step(task, sizes, handoff=Handoff.WITH_REASON, attempt=attempt)]


def _deployment_for_all(workload: Workload, asked: Task) -> list[Step]:
    """Always/step/sometimes properties of a large Deployment by PDR for every replica count, one step each.

    ``auto`` and ``pdr`` leave ``replicas`` symbolic (a PROVED row reads ``replicas: all values``);
    another symbolic engine checks the manifest's size. Each step has ``PDR_SECONDS`` at most; what
    it leaves open is handed on to the reduced explicit search, whose row names the seconds spent.
    """
    for_all = ("replicas",) if asked.engine in ("auto", "pdr") else ()
    eng = "pdr" if asked.engine == "auto" else asked.engine
    part = attrs.evolve(asked.budget, timeout=min(asked.budget.timeout or PDR_SECONDS, PDR_SECONDS))
    size = _size_text(workload.scope, workload.model, {})
    return [
        Step(
            attrs.evolve(asked, properties=(p,), budget=part, engine=eng, for_all=for_all),
            (size,),
            proved_size="replicas: all values" if for_all else "",
            handoff=Handoff.AFTER_SECONDS,
            attempt=eng,
        )
        for p in asked.properties
        if p.kind in _FOR_ALL_KINDS
    ]


def plan(
    workload: Workload,
    props: Sequence[Property],
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: ProgressCallback | None = None,
) -> WorkloadPlan:
    """How every property of ``props`` will be decided for ``workload`` (the module docstring's rules); runs nothing."""
    props = tuple(props)
    real = workload.scope
    asked = Task(catalog.model(workload.model), real, props, budget=budget, progress=progress, engine=engine)
    reduced, shrunk = _reduced_scope(workload)
    why = _limits_text(workload, shrunk)
    if not shrunk:
        task = attrs.evolve(asked, engine="explicit" if engine == "auto" else engine)
        return WorkloadPlan(workload, props, (Step(task, (_size_text(real, workload.model, {}),) * len(props)),), why)
    steps: list[Step] = []
    if workload.model == "statefulset" and engine != "explicit":
        steps += _statefulset_at_size(workload, asked)
    if workload.model == "deployment" and engine != "explicit":
        steps += _deployment_for_all(workload, asked)
    task = attrs.evolve(asked, scope=reduced, engine="explicit")
    steps.append(Step(task, (_size_text(reduced, workload.model, shrunk),) * len(props), reduced=True))
    return WorkloadPlan(workload, props, tuple(steps), why)
