"""Size honestly: plan each workload's check at the manifest's own numbers, and say so when that is not possible.

For each workload the property table of its model is filtered (:func:`select`), then
:func:`plan` decides how every property will be checked and returns a
:class:`~kubecheck.manifest.plan.WorkloadPlan`; it runs nothing but the calibration (below)
(:func:`kubecheck.manifest.execute.execute_plan` does). The decision is made from a **measured
cost model** before any engine runs: :func:`predict` gives the states and seconds explicit search
of the workload's properties takes at a size, from the table :mod:`kubecheck.manifest.costs`
(generated on this machine by ``benchmarks/sizing_costs.py``: per kind and *shape* — strategy,
the claims' attach class, minReadySeconds, pod management, a node selector — the cost at growing
*sizes*: a Deployment's replicas with its resolved maxSurge/maxUnavailable, a StatefulSet's
replicas × nodes, a DaemonSet's nodes). A size in the table is predicted as measured; another
from the shape's log-linear fit, never below a measured size it contains; a shape the table lacks
as the costliest shape it has. The plan says the prediction and why (``WorkloadPlan.why``):

* **explicit at the real size** when the predicted seconds × ``SAFETY`` fit the workload's time
  (``budget.timeout``: ``--workload-timeout``, 60 s by default, or what ``--timeout`` leaves) and
  the largest predicted exploration fits ``--max-states`` — exhaustive, HOLDS means "for this
  manifest";
* **a Deployment that does not fit**: its always/step/sometimes properties go, one step each, to
  IC3/PDR with ``replicas`` left symbolic (``for_all``), so a PROVED verdict holds for replicas
  50 and for every other count; what PDR leaves open, and liveness, is explored at the largest
  replica count whose predicted cost fits the time the proofs leave (``HANDOFF_SHARE``), and
  the row says ``explored with replicas=4 of 50``;
* **a StatefulSet that does not fit**: its state is per ordinal, so no symbolic replica count
  exists (``StatefulSetScope.not_symbolic``); instead its always/step properties go to
  k-induction *at the real size* (``kind``, k = 1: one solver call each; up to
  ``SYMBOLIC_LIMITS``), and a PROVED row says ``k-induction`` at ``replicas=50, nodes=2``: a
  proof for this manifest's numbers, not for other replica counts. What is not 1-inductive
  (``pod_mounts_own_claim`` needs a strengthening PDR only finds at small sizes), and every
  sometimes/liveness/terminal property, is explored at the largest size that fits (replicas
  first, then nodes, keeping two nodes when there are two) and the row says
  ``explored with replicas=5 of 50, nodes=2``;
* **a DaemonSet that does not fit**: explored on the most nodes that fit, ``explored with
  nodes=5 of 8`` (a node selector keeps one node that does not match). Never silently.
* **the autoscaler's rows** (deployment.hpa.*, a HorizontalPodAutoscaler targets the Deployment)
  are planned apart and run last (:func:`_autoscaler_plan`): their states grow about 16-fold per
  maxReplicas (the stabilisation window is a queue of maxReplicas + 1 slots), which the cost table
  does not measure, and PDR gives their scopes up. They are sized on maxReplicas from a search at
  maxReplicas 2, and a row explored below the manifest's says ``explored with replicas=1,
  maxReplicas=3 of 10``: a VIOLATED there is a counterexample of an autoscaler with maxReplicas 3.

**Calibrated at run time.** The table was measured on one version of the models and their
property tables; a property added since (a new user action, more state) makes every prediction
low. So before planning, :func:`calibrate` runs the explicit step of the workload's own
properties at its *smallest* instance (one replica, the fewest nodes; a fraction of a second) and
compares the states with the table's prediction there: predictions are multiplied by that ratio
when it is above ``CALIBRATION_TOLERANCE`` (never lowered), and the plan says so ("calibrated ×13.2 at replicas=1"). A
calibration that passes ``CALIBRATION_STATES`` states leaves only the smallest instance. The calibration is
bounded by states, not seconds, so that the plan does not depend on the machine's load (a busy
CI runner, or ``--jobs``: a worker compiles the model cold) — the same manifests give the same
plan; ``CALIBRATION_SECONDS`` only stops a machine far slower than any seen, and a calibration has at
most ``CALIBRATION_SHARE`` of the workload's time: the seconds planning takes count against that time
(``WorkloadPlan.planning_seconds``), so a workload ends within it.

The explicit task keeps the budget asked for: ``--max-states`` is honoured by the engine whatever
was predicted, and a prediction that was too low ends in INCONCLUSIVE "timeout", never in a
verdict that claims more. The table is measured without ``--faults``; properties that faults add
are not in it (their explorations come on top of the prediction).

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

import functools
import math
import time
from collections.abc import Callable, Sequence

import attrs

from kubecheck.checker import run
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Budget, Progress, Task
from kubecheck.manifest import costs, scenarios
from kubecheck.manifest.fixes import Fix
from kubecheck.manifest.plan import ENGINE_NAMES, HANDOFF_SHARE, Cost, Handoff, Step, WorkloadPlan
from kubecheck.manifest.workloads import FAILURE_FIELD, Workload, WorkloadScope
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.property import is_caveat as is_caveat  # re-exported: rows and renderers use it
from kubecheck.model.kernel.scopes import Scope, ScopeError
from kubecheck.properties import catalog

#: The autoscaler's fields, which the rows other than deployment.hpa.* leave out (:func:`without_autoscaler`).
AUTOSCALER_FIELDS = (
    "hpa_max_replicas",
    "hpa_min_replicas",
    "hpa_target_utilization",
    "hpa_scale_up",
    "hpa_scale_down",
    "hpa_scale_up_tolerance",
    "hpa_scale_down_tolerance",
)
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
        "tolerates_unreachable",
        "spec_progress_deadline",
        # the PodDisruptionBudget over its pods (manifest/budgets.py) and what the user does (--scenario)
        "pdb_min_available",
        "pdb_max_unavailable",
        "pdb_unhealthy_policy",
        "pdb_other_pods",
        "pdb_other_churn",
        "pdb_edit_to",
        "pdb_second_budget",
        "scenario",
        # the HorizontalPodAutoscaler targeting it (manifest/budgets.py; none: the hpa.* rows are left out)
        *AUTOSCALER_FIELDS,
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
        "revision_history_limit",
        "claims",
        "access_mode",
        "read_only_mount",
        "broken_release",
        # the PodDisruptionBudget over its pods (manifest/budgets.py) and what the user does (--scenario)
        "pdb_min_available",
        "pdb_max_unavailable",
        "pdb_unhealthy_policy",
        "pdb_second_budget",
        "scenario",
    ),
    "daemonset": (
        "strategy",
        "max_unavailable",
        "max_surge",
        "min_ready_seconds",
        "node_classes",
        "start",
        # the PodDisruptionBudget over its pods (manifest/budgets.py) and what the user does (--scenario drain,
        # node-upgrade); the eviction client of the budget rows is the environment they name (ROW_ENVIRONMENT)
        "pdb_min_available",
        "pdb_max_unavailable",
        "pdb_unhealthy_policy",
        "pdb_second_budget",
        "scenario",
    ),
}
#: Settings a row may add to a manifest's scope without speaking about another configuration: the environment
#: actor the row names, as the faults it assumes are. The DaemonSet's budget rows need an eviction client
#: (scenario evict: a user's or a tool's eviction call); its drain and upgrade rows wait for --scenario, as the
#: Deployment's and the StatefulSet's do.
ROW_ENVIRONMENT: dict[str, dict[str, tuple[str, str]]] = {"daemonset": {"scenario": ("none", "evict")}}
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
    fix: Fix | None = None  # for a violation: the nearest configuration under which it holds (manifest.fixes)

    @property
    def sizing_note(self) -> str:
        return f"explored with {self.size}" if self.reduced else ""


@attrs.frozen
class Skipped:
    """A property of the model's table left out for this workload, and why."""

    name: str
    reason: str


def without_autoscaler(prop: Property) -> Property:
    """``prop`` checked at the manifest's spec.replicas without its HorizontalPodAutoscaler: with the
    autoscaler in every row's scope, a Deployment's rows grow by the load levels, the stabilisation
    window and the autoscaler's writes, and none of them finishes in a workload's time (the
    autoscaled example: 29 INCONCLUSIVE in 182 s). The deployment.hpa.* rows keep the autoscaler as
    written; the workload's note says the others do not (manifest/workloads.py)."""
    inner = prop.adjust

    def adjust(scope: Scope) -> Scope:
        off = {f: None for f in AUTOSCALER_FIELDS if f not in ("hpa_min_replicas", "hpa_target_utilization")}
        return inner(attrs.evolve(scope, **off))  # type: ignore[misc]

    return attrs.evolve(prop, adjust=adjust)


def _changed(model: str, scope: Scope, adjusted: Scope, fixed: tuple[str, ...] = ()) -> list[str]:
    fields = MANIFEST_FIELDS[model] + fixed  # a scenario's fields are the user's (select)
    if getattr(scope, FAILURE_FIELD[model], "none") != "none":  # the user's --faults failure mode is theirs
        fields = (*fields, FAILURE_FIELD[model])
    fields = tuple(dict.fromkeys(fields))
    if getattr(adjusted, "hpa_max_replicas", 0) is None:  # the rows other than hpa.* leave the autoscaler out
        fields = tuple(f for f in fields if f not in AUTOSCALER_FIELDS)
    return [f for f in fields if hasattr(scope, f) and getattr(scope, f) != getattr(adjusted, f)]


def _adjusted(prop: Property, scope: WorkloadScope) -> WorkloadScope:
    """The scope ``prop`` speaks about (a workload model's properties keep its scope class)."""
    adjusted = prop.adjust(scope)
    if not isinstance(adjusted, type(scope)):
        raise TypeError(f"{prop.name}: adjusts a {type(scope).__name__} into a {type(adjusted).__name__}")
    validate = getattr(adjusted, "validate", None)
    if validate is not None:  # as checker.run does: a setting the scope refuses (ScopeError) is not checked
        validate()
    return adjusted


#: The apply/HPA fight's row, and why a manifest without spec.replicas cannot have that fight: kubectl
#: apply changes only the fields the manifest sets (client-side: the last-applied-configuration
#: annotation has no replicas; server-side: the applier does not own spec.replicas), so a re-apply
#: leaves the autoscaler's value in place (the HPA docs' advice for migrating to an autoscaler).
APPLY_FIGHT = "deployment.hpa.autoscaler_undoes_apply"
NO_APPLY_FIGHT = (
    "not applicable: the manifest does not set spec.replicas, so kubectl apply leaves the autoscaler's "
    "value alone (it changes only the fields the manifest sets)"
)


def select(
    workload: Workload, faults: frozenset[str] = frozenset(), scenario: str = ""
) -> tuple[list[Property], list[Skipped]]:
    """The properties that speak about this manifest, and the others with the reason they were left out.

    ``scenario`` (:mod:`kubecheck.manifest.scenarios`, already applied to ``workload`` by
    ``with_scenario``): the parameters it fixes are the user's, like the manifest's own fields, and
    the faults it switches on count as asked for.
    """
    scenario = scenario or workload.scenario  # the run's --scenario travels with the workload (scenarios.apply)
    fixed = scenarios.scenario_fields(workload, scenario) if scenario else ()
    also = scenarios.allowed_changes(attrs.evolve(workload, scenario=scenario)) if scenario else {}
    allowed = faults | (scenarios.scenario_faults(workload, scenario) if scenario else frozenset())
    chosen, skipped = [], []
    autoscaled = getattr(workload.scope, "hpa_max_replicas", None) is not None
    for prop in catalog.properties(workload.model):
        if prop.name.startswith("deployment.hpa.") and not autoscaled:
            skipped.append(Skipped(prop.name, "needs a HorizontalPodAutoscaler targeting the Deployment"))
            continue
        if autoscaled and not prop.name.startswith("deployment.hpa."):
            prop = without_autoscaler(prop)
        if prop.name == APPLY_FIGHT and not getattr(workload.obj, "replicas_written", True):
            skipped.append(Skipped(prop.name, NO_APPLY_FIGHT))
            continue
        try:
            adjusted = _adjusted(prop, workload.scope)
        except ScopeError as err:  # the property's setting cannot be combined with this manifest or scenario
            skipped.append(Skipped(prop.name, f"another configuration: {err}"))
            continue
        changed = _changed(workload.model, workload.scope, adjusted, fixed)
        changed = [c for c in changed if not (c in also and getattr(adjusted, c) == also[c])]
        environment = ROW_ENVIRONMENT.get(workload.model, {})
        changed = [c for c in changed if (getattr(workload.scope, c), getattr(adjusted, c)) != environment.get(c)]
        nodes = getattr(adjusted, "nodes", None)
        if workload.nodes_asked and nodes != getattr(workload.scope, "nodes", None):
            skipped.append(Skipped(prop.name, f"another configuration: nodes={nodes} (--nodes {workload.nodes_given})"))
        elif changed:
            skipped.append(
                Skipped(
                    prop.name,
                    "another configuration: "
                    + ", ".join(f"{c.replace('_', '-')}={getattr(adjusted, c)}" for c in changed),
                )
            )
        elif not adjusted.faults <= allowed:
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


# -- the cost model: predicted explicit cost from the measured table (kubecheck.manifest.costs) -----------

#: The numbers of a workload its explicit cost is tabulated against, per model (``Size``'s order).
SIZE_FIELDS = {
    "deployment": ("replicas", "surge", "unavailable"),
    "statefulset": ("replicas", "nodes"),
    "daemonset": ("nodes",),
}
#: A plan's explicit step must fit its time with this margin: predicted seconds × SAFETY ≤ the time
#: it has (the table is measured on a shared machine whose load varies, and a fitted figure can be
#: low: benchmarks/results/sizing_costs.md gives the worst under-prediction of the fit).
SAFETY = 2.0
#: The time a plan is sized for when the budget has none (``kubecheck.manifest.WORKLOAD_SECONDS``).
SIZING_SECONDS = 60.0
#: At most this many smaller sizes are tried per dimension when the manifest's does not fit.
_MAX_CANDIDATES = 64
_RIDGE = 1e-6

Shape = tuple[str, ...]
Size = tuple[int, ...]


def shape_and_size(scope: WorkloadScope) -> tuple[str, Shape, Size]:
    """(model, shape, size): what the cost table is keyed by for ``scope``.

    The *shape* is what the cost depends on but that is not a count (the strategy, the claims'
    attach class, minReadySeconds, the pod management policy, a node selector); the *size* is the
    counts of ``SIZE_FIELDS``. A Deployment's surge and unavailability are the resolved numbers
    (``ResolveFenceposts``: ``25%`` of 4 replicas is surge 1, unavailable 1; Recreate is 0, 0).
    """
    if isinstance(scope, DeploymentScope):
        args = (scope.strategy, scope.max_surge, scope.max_unavailable, scope.replicas)
        surge = int(du.max_surge(CONCRETE, *args))
        unavailable = int(du.max_unavailable(CONCRETE, *args))
        shape = (scope.strategy, _attach_class(scope.claims, scope.access_mode), _min_ready(scope.min_ready_seconds))
        return "deployment", shape, (scope.replicas, surge, unavailable)
    if isinstance(scope, StatefulSetScope):
        shape = (scope.pod_management, scope.strategy, _attach_class(scope.claims, scope.access_mode))
        return "statefulset", shape, (scope.replicas, scope.nodes)
    shape = (
        scope.strategy,
        "node-selector" if scope.node_classes else "every-node",
        "surge" if scope.surge else "no-surge",
    )
    return "daemonset", shape, (scope.nodes,)


def _attach_class(claims: bool, mode: str) -> str:
    if not claims:
        return "no-claims"
    return "multi-attach" if mode in (vol.RWX, vol.ROX) else "single-attach"


def _min_ready(seconds: int) -> str:
    return "min-ready" if seconds else "no-min-ready"


def _features(model: str, size: Size) -> list[float]:
    """The regressors of log(states), with ``L = log(replicas + 1)`` (or of nodes for a DaemonSet).

    A Deployment is a counter system: its states grow as a power of the replica count whose
    exponent grows with the resolved surge and unavailability (``L``, ``s·L``, ``u·L``); a
    StatefulSet's per-ordinal state grows geometrically in replicas with a base that grows with
    the nodes (``r``, ``r·n``), polynomially on one node (``L``); a DaemonSet's per node.
    """
    if model == "deployment":
        r, s, u = size
        big_l = math.log(r + 1)
        return [1.0, big_l, s, u, s * big_l, u * big_l]
    if model == "statefulset":
        r, n = size
        return [1.0, r, n, r * n, math.log(r + 1)]
    (n,) = size
    return [1.0, n, math.log(n + 1)]


def _least_squares(rows: Sequence[Sequence[float]], ys: Sequence[float]) -> list[float]:
    """Ridge-regularised least squares by the normal equations (a handful of regressors; no numpy here)."""
    k = len(rows[0])
    a = [[sum(r[i] * r[j] for r in rows) + (_RIDGE if i == j else 0.0) for j in range(k)] for i in range(k)]
    b = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(k)]
    for col in range(k):  # Gauss-Jordan with partial pivoting
        pivot = max(range(col, k), key=lambda i: abs(a[i][col]))
        a[col], a[pivot], b[col], b[pivot] = a[pivot], a[col], b[pivot], b[col]
        for i in range(k):
            if i != col and a[col][col]:
                f = a[i][col] / a[col][col]
                a[i] = [x - f * y for x, y in zip(a[i], a[col])]
                b[i] -= f * b[col]
    return [b[i] / a[i][i] if a[i][i] else 0.0 for i in range(k)]


@attrs.frozen
class _Fit:
    states: list[float]  # log(states) = states · features
    largest: list[float]  # log(largest) likewise
    points: int
    seconds: tuple[float, float]  # (overhead s, seconds per state): seconds = overhead + states × per state


def _seconds_fit(rows: Sequence[costs.Point]) -> tuple[float, float] | None:
    """Least squares of seconds on states, or None when the rows cannot say (too few, or no growth)."""
    if len(rows) < 3:
        return None
    over, per = _least_squares([[1.0, float(p[2])] for p in rows], [p[4] for p in rows])
    return (max(over, 0.0), per) if per > 0 else None


@functools.cache
def _fits(model: str) -> tuple[dict[Shape, _Fit], tuple[float, float]]:
    """Per shape, the fitted log-linear state counts and seconds per state; per model, the seconds fit of
    every shape together (for a shape with too few rows of its own)."""
    rows = [p for p in costs.POINTS.get(model, ()) if p[5]]
    every = _seconds_fit(rows) or (0.0, max((p[4] / p[2] for p in rows if p[2]), default=1e-5))
    fits = {}
    for shape in dict.fromkeys(p[0] for p in rows):
        mine = [p for p in rows if p[0] == shape]
        if len(mine) < 2:
            continue
        xs = [_features(model, p[1]) for p in mine]
        fits[shape] = _Fit(
            _least_squares(xs, [math.log(max(p[2], 1)) for p in mine]),
            _least_squares(xs, [math.log(max(p[3], 1)) for p in mine]),
            len(mine),
            _seconds_fit(mine) or every,
        )
    return fits, every


def _dominated(small: Size, big: Size) -> bool:
    return all(x <= y for x, y in zip(small, big))


def _predict_shape(model: str, shape: Shape, size: Size) -> Cost | None:
    """The cost at ``size`` from this shape's rows of the table, or None when the table has too few."""
    points = [p for p in costs.POINTS.get(model, ()) if p[0] == shape]
    exact = [p for p in points if p[1] == size and p[5]]
    if exact:
        p = exact[0]
        return Cost(p[2], p[3], p[4], "measured")
    fit = _fits(model)[0].get(shape)
    if fit is None:
        return None
    x = _features(model, size)
    states = math.exp(min(sum(w * v for w, v in zip(fit.states, x)), 60.0))
    largest = math.exp(min(sum(w * v for w, v in zip(fit.largest, x)), 60.0))
    # never below what the table saw at a size this one contains (a capped run: what it reached, in its time)
    floor = [p for p in points if _dominated(p[1], size)]
    states = max([states, *(p[2] for p in floor)])
    largest = min(states, max([largest, *(p[3] for p in floor)]))
    over, per = fit.seconds
    seconds = max([over + per * states, *(p[4] for p in floor)])
    return Cost(round(states), round(largest), seconds, f"fitted from {fit.points} points")


def predict(scope: WorkloadScope) -> Cost:
    """The predicted cost of explicit search of a workload's properties at ``scope`` (every property of
    the default selection, as ``check -f`` runs them): the measured row of the table when there is
    one, else the shape's log-linear fit (never below a measured smaller instance); a shape the
    table does not have is bounded by the costliest shape it has at that size, and says so."""
    model, shape, size = shape_and_size(scope)
    mine = _predict_shape(model, shape, size)
    if mine is not None:
        return mine
    others = [c for c in (_predict_shape(model, s, size) for s in _fits(model)[0]) if c is not None]
    if not others:
        return Cost(0, 0, math.inf, "no cost table for this model")
    worst = max(others, key=lambda c: c.seconds)
    return attrs.evolve(worst, basis=f"shape {'/'.join(shape)} not measured: the costliest measured shape")


#: States the calibration search at the smallest instance may explore (it usually needs a few thousand).
CALIBRATION_STATES = 200_000
#: A safety stop only: the plan must not depend on the load, so the calibration is bounded by states.
CALIBRATION_SECONDS = 120.0
#: A ratio up to this leaves the table as it is (SAFETY covers it; a property that adds a few states).
CALIBRATION_TOLERANCE = 1.1
#: The part of the workload's time a calibration may use at most (its time counts against the workload's:
#: :attr:`WorkloadPlan.planning_seconds`); it usually takes well under a second.
CALIBRATION_SHARE = 0.25


@attrs.frozen
class Calibration:
    """How far the table is from the models as they are: ``factor`` multiplies every prediction (≥ 1;
    ``math.inf`` when the calibration search did not finish), ``text`` says it for the plan."""

    factor: float = 1.0
    text: str = ""

    def apply(self, cost: Cost) -> Cost:
        if self.factor == 1.0:
            return cost
        if math.isinf(self.factor):
            return Cost(cost.states, cost.largest, math.inf, f"{cost.basis}; {self.text}")
        return Cost(
            round(cost.states * self.factor),
            round(cost.largest * self.factor),
            cost.seconds * self.factor,
            f"{cost.basis}, ×{self.factor:.1f} calibrated",
        )


def _smallest(sc: WorkloadScope) -> WorkloadScope:
    """The workload's smallest instance: one replica, the fewest nodes its placement needs."""
    if isinstance(sc, DeploymentScope):
        return _shrunk_scope(sc, 1, 0)
    if isinstance(sc, StatefulSetScope):
        return _shrunk_scope(sc, 1, min(sc.nodes, 2))
    return _shrunk_scope(sc, 0, min(sc.nodes, 2 if sc.node_classes else 1))


def _calibration_search(
    workload: Workload, scope: WorkloadScope, props: Sequence[Property], seconds: float | None
) -> tuple[list[Result], int]:
    """The explicit step of ``props`` on ``scope`` within the calibration's bounds: its results and the
    states counted as the table counts them (summed over the step's explorations, safety and liveness apart)."""
    task = Task(
        catalog.model(workload.model),
        scope,
        tuple(props),
        budget=Budget(CALIBRATION_STATES, _calibration_seconds(seconds)),
        engine="explicit",
    )
    results = run.check(task)
    explorations = {(r.engine, r.scope, r.property.kind in ("eventually", "leads_to")): r.stats.states for r in results}
    return results, sum(explorations.values())


def calibrate(workload: Workload, props: Sequence[Property], seconds: float | None = None) -> Calibration:
    """The explicit step of ``props`` at the workload's smallest instance, against the table's prediction there.

    States are counted as the table counts them (summed over the step's explorations, safety and
    liveness apart). The ratio scales predictions up, never down (a table that over-predicts only
    makes the plan cautious). ``seconds`` (the workload's time) bounds it to ``CALIBRATION_SHARE`` of that."""
    small = _smallest(workload.scope)
    expected = predict(small)
    if not props or expected.states <= 0:
        return Calibration()
    results, actual = _calibration_search(workload, small, props, seconds)
    where = _size_text(small, workload.model, {})
    stops = {r.stats.stop_reason for r in results if r.verdict is Verdict.INCONCLUSIVE}
    if "max-states" in stops:
        return Calibration(math.inf, f"calibration at {where} passed {CALIBRATION_STATES:,} states")
    if "timeout" in stops:
        return Calibration(math.inf, f"calibration at {where} did not finish in {_calibration_seconds(seconds):g} s")
    ratio = actual / expected.states
    if ratio <= CALIBRATION_TOLERANCE:
        return Calibration()
    return Calibration(
        ratio, f"calibrated ×{ratio:.1f} at {where}: {actual:,} states now, {expected.states:,} in the table"
    )


def _calibration_seconds(seconds: float | None) -> float:
    return CALIBRATION_SECONDS if seconds is None else min(CALIBRATION_SECONDS, seconds * CALIBRATION_SHARE)


def _fits_budget(cost: Cost, seconds: float, max_states: int | None) -> bool:
    if cost.seconds * SAFETY > seconds:
        return False
    margin = 1.0 if cost.basis == "measured" else SAFETY
    return max_states is None or cost.largest * margin <= max_states


def _shrunk_scope(sc: WorkloadScope, replicas: int, nodes: int) -> WorkloadScope:
    """``sc`` at ``replicas`` (Deployment, StatefulSet) and ``nodes`` (StatefulSet, DaemonSet)."""
    if isinstance(sc, DeploymentScope):
        return attrs.evolve(
            sc,
            replicas=replicas,
            max_surge=_capped(sc.max_surge, replicas),
            max_unavailable=_capped(sc.max_unavailable, replicas),
        )
    if isinstance(sc, StatefulSetScope):
        return attrs.evolve(sc, replicas=replicas, partition=min(sc.partition, replicas), nodes=nodes)
    classes = sc.node_classes[: nodes - 1] + sc.node_classes[-1:] if sc.node_classes else sc.node_classes
    return attrs.evolve(sc, nodes=nodes, node_classes=classes)


def _candidates(sc: WorkloadScope) -> list[tuple[int, int]]:
    """(replicas, nodes) of the smaller instances, largest first (replicas before nodes; a StatefulSet keeps
    two nodes when it has them, a DaemonSet with a node selector two nodes: one matching, one not)."""
    if isinstance(sc, DeploymentScope):
        return [(r, 0) for r in range(min(sc.replicas - 1, _MAX_CANDIDATES), 0, -1)]
    if isinstance(sc, StatefulSetScope):
        low = min(sc.nodes, 2)
        rs = range(min(sc.replicas, _MAX_CANDIDATES), 0, -1)
        ns = range(min(sc.nodes, _MAX_CANDIDATES), low - 1, -1)
        return [(r, n) for r in rs for n in ns if (r, n) != (sc.replicas, sc.nodes)]
    low = 2 if sc.node_classes else 1
    return [(0, n) for n in range(min(sc.nodes - 1, _MAX_CANDIDATES), low - 1, -1)]


def largest_fitting(
    sc: WorkloadScope, seconds: float, max_states: int | None, calibration: Calibration = Calibration()
) -> tuple[WorkloadScope, Cost]:
    """The largest instance smaller than ``sc`` whose predicted explicit cost (calibrated) fits ``seconds``
    (with ``SAFETY``) and ``max_states``; the smallest one when none fits (its rows may then time out)."""
    chosen: tuple[WorkloadScope, Cost] | None = None
    for replicas, nodes in _candidates(sc):
        small = _shrunk_scope(sc, replicas, nodes)
        cost = calibration.apply(predict(small))
        chosen = (small, cost)
        if _fits_budget(cost, seconds, max_states):
            return chosen
    if chosen is None:  # nothing smaller exists (a DaemonSet on its fewest nodes)
        return sc, calibration.apply(predict(sc))
    return chosen


def _shrunk(workload: Workload, reduced: WorkloadScope) -> dict[str, tuple[int, int]]:
    """{field: (explored, real)} for the fields ``reduced`` shrank."""
    real = _sizes(workload)
    out = {}
    for k, v in real.items():
        explored = getattr(reduced, k)
        if explored < v:
            out[k] = (explored, v)
    return out


def _fits_text(cost: Cost, seconds: float, max_states: int | None, fits: bool) -> str:
    text = f"predicted {cost.text()}; × {SAFETY:g} {'≤' if fits else '>'} {seconds:g} s"
    if max_states is not None:
        text += f", largest search {cost.largest:,} vs --max-states {max_states:,}"
    return text


def _adds_faults(prop: Property, scope: WorkloadScope) -> bool:
    """Whether ``prop`` speaks about ``scope`` with faults switched on that it does not have, or with an
    actor the calibration does not measure: the autoscaler (the deployment.hpa.* rows) or a drain or
    node-pool upgrade the manifest's scope has not."""
    adjusted = _adjusted(prop, scope)
    if getattr(adjusted, "hpa_max_replicas", None) is not None:
        return True
    if getattr(adjusted, "scenario", "none") != getattr(scope, "scenario", "none"):
        return True
    return not adjusted.faults <= scope.faults


def real_faults(p: WorkloadPlan) -> set[str]:
    """The faults the plan's steps explore with."""
    return {
        f
        for step in p.steps
        for prop in step.task.properties
        for f in getattr(prop.adjust(step.task.scope), "faults", ())
    }


# -- the autoscaler's rows (deployment.hpa.*): sized on maxReplicas ---------------------------------

#: The smallest maxReplicas the autoscaler's rows are explored at (and calibrated at).
HPA_SMALLEST = 2
#: States the autoscaler's rows may explore at the manifest's own maxReplicas (at most HPA_FULL_MAX) before
#: they are handed on to a reduced one: enough for a counterexample or witness (the php-apache walkthrough's:
#: 237 and 36 states at every maxReplicas), far from an exhaustive search (about 16× more states per step).
HPA_FULL_STATES = 100_000
#: The largest maxReplicas at which the autoscaler's rows are tried at the manifest's size before a reduced one:
#: the first states cost more with maxReplicas (the php-apache walkthrough's counterexample, 237 states, took
#: 2.9 s at maxReplicas 4, 5.7 s at 5 and 62 s at 10 on the shared 2-core machine, load 6).
HPA_FULL_MAX = 5
#: The states, summed over the explorations, the reduced step of the autoscaler's rows is sized for.
HPA_STATES = 400_000
#: Measured growth of the states per maxReplicas step (replicas 1, the default loads and rescales: 1,359 →
#: 21,078 → 329,270 states at maxReplicas 2, 3, 4 per-pod; 1,359 → 18,833 under total demand).
HPA_GROWTH = 16.0


def _is_autoscaled(prop: Property, scope: WorkloadScope) -> bool:
    return getattr(_adjusted(prop, scope), "hpa_max_replicas", None) is not None


def _at_max_replicas(sc: WorkloadScope, top: int) -> WorkloadScope:
    """``sc`` with its autoscaler's maxReplicas at ``top`` (minReplicas and spec.replicas at most that)."""
    assert isinstance(sc, DeploymentScope)
    small = _shrunk_scope(sc, min(sc.replicas, top), 0)
    assert isinstance(small, DeploymentScope)
    return attrs.evolve(small, hpa_max_replicas=top, hpa_min_replicas=min(sc.hpa_min_replicas, top))


def _hpa_size_text(sc: WorkloadScope, real: WorkloadScope | None = None) -> str:
    """``replicas=1, maxReplicas=10``; against the manifest's ``real`` scope, each smaller one ``3 of 10``."""
    fields = (("replicas", "replicas"), ("minReplicas", "hpa_min_replicas"), ("maxReplicas", "hpa_max_replicas"))
    parts = []
    for label, name in fields:
        value, was = getattr(sc, name), getattr(real if real is not None else sc, name)
        if label == "minReplicas" and value == was:
            continue
        parts.append(f"{label}={value} of {was}" if value != was else f"{label}={value}")
    return ", ".join(parts)


def _hpa_states(workload: Workload, props: Sequence[Property], seconds: float) -> tuple[int | None, str]:
    """The states (summed over the explorations) of ``props`` explored at maxReplicas ``HPA_SMALLEST``, or None
    when that search passed ``CALIBRATION_STATES`` or its time; and the words the plan says about it."""
    small = _at_max_replicas(workload.scope, HPA_SMALLEST)
    results, actual = _calibration_search(workload, small, props, seconds)
    where = _hpa_size_text(small)
    if any(r.verdict is Verdict.INCONCLUSIVE for r in results):
        return None, f"calibration at {where} did not finish ({CALIBRATION_STATES:,} states or its time)"
    return actual, f"{actual:,} states at {where}"


def _autoscaler_plan(
    workload: Workload,
    props: tuple[Property, ...],
    engine: str,
    budget: Budget,
    progress: ProgressCallback | None,
    calibrated: bool,
) -> WorkloadPlan:
    """The deployment.hpa.* rows, sized on maxReplicas: the states of an explicit search at ``HPA_SMALLEST``,
    times ``HPA_GROWTH`` per step, give the largest maxReplicas up to the manifest's whose predicted states fit
    ``HPA_STATES``. At the manifest's own the rows are explored there; below it, they are explored at the
    smaller one, after a search at the manifest's size within ``HPA_FULL_STATES`` when maxReplicas is at
    most ``HPA_FULL_MAX`` (where a counterexample or a witness is found in seconds). The autoscaler is not
    in the cost table (the table's calibration at one replica would explore the manifest's maxReplicas:
    minutes), and PDR gives these scopes up within a second (the window queue and the scale events), so
    neither runs.

    A reduced row names its size (``replicas=1, maxReplicas=3 of 10``) and is ``reduced``: a VIOLATED there is
    a counterexample of the autoscaler with that maxReplicas (not of the manifest's), a HOLDS says nothing of
    a larger one. Another engine asked for (``--engine``) runs at the manifest's size, as asked.
    """
    real = workload.scope
    assert isinstance(real, DeploymentScope) and real.hpa_max_replicas is not None
    top = real.hpa_max_replicas
    seconds = budget.timeout or SIZING_SECONDS
    here = _hpa_size_text(real)
    asked = Task(catalog.model(workload.model), real, props, budget=budget, progress=progress, engine=engine)
    states, said = None, ""
    if engine in ("auto", "explicit") and top > HPA_SMALLEST:
        if calibrated:
            states, said = _hpa_states(workload, props, seconds)
        else:
            said = "not calibrated: the run stopped before this workload"
    chosen = top if engine not in ("auto", "explicit") or top <= HPA_SMALLEST else HPA_SMALLEST
    if states is not None:
        while chosen < top and states * HPA_GROWTH ** (chosen + 1 - HPA_SMALLEST) <= HPA_STATES:
            chosen += 1
    guess = "" if states is None else f"{said}; × {HPA_GROWTH:g} per maxReplicas: "
    if chosen == top:
        task = attrs.evolve(asked, engine="explicit" if engine == "auto" else engine)
        predicted = "" if states is None else f"predicted {round(states * HPA_GROWTH ** (top - HPA_SMALLEST)):,} states"
        why = f"the autoscaler's rows at {here}" + (f" ({guess}{predicted} ≤ {HPA_STATES:,})" if states else "")
        route = f"{'explicit' if engine == 'auto' else ENGINE_NAMES.get(engine, engine)} at the manifest's size"
        return WorkloadPlan(workload, props, (Step(task, (here,) * len(props)),), why, route)
    steps = []
    cap = min(budget.max_states, HPA_FULL_STATES) if budget.max_states else HPA_FULL_STATES
    if top <= HPA_FULL_MAX:
        first = attrs.evolve(
            asked, engine="explicit", budget=attrs.evolve(budget, timeout=seconds * HANDOFF_SHARE, max_states=cap)
        )
        steps.append(Step(first, (here,) * len(props), handoff=Handoff.WITH_REASON, attempt=f"explicit at {here}"))
    reduced = _at_max_replicas(real, chosen)
    there = _hpa_size_text(reduced, real)
    steps.append(Step(attrs.evolve(asked, scope=reduced, engine="explicit"), (there,) * len(props), reduced=True))
    predicted = "" if states is None else f"predicted {round(states * HPA_GROWTH ** (chosen - HPA_SMALLEST)):,} states"
    why = (
        "the autoscaler's rows: "
        + (f"explicit at {here} within {cap:,} states, then " if len(steps) > 1 else "")
        + f"explored at {there.replace(' of ', '/')} ({guess or said + '; '}{predicted or 'the smallest'}"
        + (f" ≤ {HPA_STATES:,}" if states else "")
        + ")"
    )
    route = ("explicit at the manifest's size, then " if len(steps) > 1 else "") + "explicit at a smaller maxReplicas"
    return WorkloadPlan(workload, props, tuple(steps), why, route)


def plan(
    workload: Workload,
    props: Sequence[Property],
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: ProgressCallback | None = None,
    calibrated: bool = True,
) -> WorkloadPlan:
    """How every property of ``props`` will be decided for ``workload`` (:func:`_plan`), with the seconds
    making the plan took (its calibrations), which count against the workload's time."""
    started = time.perf_counter()
    made = _plan(workload, props, engine, budget, progress, calibrated)
    return attrs.evolve(made, planning_seconds=time.perf_counter() - started)


def _plan(
    workload: Workload,
    props: Sequence[Property],
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: ProgressCallback | None = None,
    calibrated: bool = True,
) -> WorkloadPlan:
    """How every property of ``props`` will be decided for ``workload`` (the module docstring's rules); runs only
    :func:`calibrate` (the explicit step at the smallest instance; not with ``calibrated=False``, for a
    workload that will not run: the time is spent or the run was interrupted). The autoscaler's rows are
    planned apart (:func:`_autoscaler_plan`) and run after the others.

    The explicit search runs at the manifest's size when its predicted cost (:func:`predict`) fits
    the workload's time (``budget.timeout``, else ``SIZING_SECONDS``) with ``SAFETY`` and
    ``budget.max_states``; otherwise the symbolic steps come first (they may use ``HANDOFF_SHARE``
    of the time) and the explicit step explores the largest smaller instance that fits the rest.
    ``budget.max_states`` stays on every explicit task: the engine honours it whatever was predicted.
    """
    props = tuple(props)
    real = workload.scope
    hpa = tuple(p for p in props if _is_autoscaled(p, real))
    if hpa:
        then = _autoscaler_plan(workload, hpa, engine, budget, progress, calibrated)
        if len(hpa) == len(props):
            return then
        first = _plan(workload, tuple(p for p in props if p not in hpa), engine, budget, progress, calibrated)
        return WorkloadPlan(
            workload,
            props,
            first.steps + then.steps,
            f"{first.why}; {then.why}",
            f"{first.route}, then the autoscaler's rows: {then.route}",
            first.predicted,
        )
    calm = tuple(p for p in props if not _adds_faults(p, real))
    if calm and len(calm) < len(props):
        # the cost table is measured without faults, and a fault multiplies a search far more than the
        # calibration's one factor says (a lost node: ×9 at one replica, ×30 at two): the properties that
        # switch faults on are planned apart and run after the others, so they cannot take their time
        faulty = tuple(p for p in props if p not in calm)
        first = _plan(workload, calm, engine, budget, progress, calibrated)
        then = _plan(workload, faulty, engine, budget, progress, calibrated)
        return WorkloadPlan(
            workload,
            props,
            first.steps + then.steps,
            f"{first.why}; the properties with faults ({', '.join(sorted(real_faults(then))) or 'none'}), an "
            f"autoscaler or a drain, planned apart: {then.why}",
            f"{first.route}, then with faults: {then.route}",
            first.predicted,
        )
    asked = Task(catalog.model(workload.model), real, props, budget=budget, progress=progress, engine=engine)
    seconds = budget.timeout or SIZING_SECONDS
    here = _size_text(real, workload.model, {})
    if calibrated:
        calibration = calibrate(workload, props, seconds)
    else:
        calibration = Calibration(1.0, "not calibrated: the run stopped before this workload")
    cost = calibration.apply(predict(real))
    said = f" ({calibration.text})" if calibration.text else ""
    if _fits_budget(cost, seconds, budget.max_states) or not props:
        task = attrs.evolve(asked, engine="explicit" if engine == "auto" else engine)
        why = f"explicit search at {here}: {_fits_text(cost, seconds, budget.max_states, True)}{said}"
        route = f"{'explicit' if engine == 'auto' else ENGINE_NAMES.get(engine, engine)} at the manifest's size"
        return WorkloadPlan(workload, props, (Step(task, (here,) * len(props)),), why, route, cost)
    steps: list[Step] = []
    if workload.model == "statefulset" and engine != "explicit":
        steps += _statefulset_at_size(workload, asked)
    if workload.model == "deployment" and engine != "explicit":
        steps += _deployment_for_all(workload, asked)
    left = seconds * (1 - HANDOFF_SHARE) if steps else seconds
    reduced, small_cost = largest_fitting(real, left, budget.max_states, calibration)
    shrunk = _shrunk(workload, reduced)
    there = _size_text(reduced, workload.model, shrunk)
    task = attrs.evolve(asked, scope=reduced, engine="explicit")
    steps.append(Step(task, (there,) * len(props), reduced=bool(shrunk)))
    fits = _fits_budget(small_cost, left, budget.max_states)
    why = (
        f"explicit search at {here}: {_fits_text(cost, seconds, budget.max_states, False)}; "
        + (f"{steps[0].attempt} first, then " if len(steps) > 1 else "")
        + f"explored at {there.replace(' of ', '/')}: {_fits_text(small_cost, left, budget.max_states, fits)}"
        + ("" if fits else " (the smallest instance; it may not finish)")
        + said
    )
    route = (
        {
            "deployment": "pdr for every replica count, then ",
            "statefulset": "k-induction at the manifest's size, then ",
        }[workload.model]
        if len(steps) > 1
        else ""
    ) + "explicit at a reduced size"
    return WorkloadPlan(workload, props, tuple(steps), why, route, small_cost)
