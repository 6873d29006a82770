"""Disruption actors of the Deployment model: a PodDisruptionBudget, the eviction API, ``kubectl drain``
and a node-pool upgrade (issue 16, items 1, 2 and 4; design in ``papers/disruption-actors.md`` 2.1-2.3).

Kubernetes v1.35, kubectl v0.35.0. The arithmetic is the pure ports' (no decision is re-derived
here): :mod:`~kubecheck.model.controllers.disruption_util` (``pkg/controller/disruption/disruption.go``:
getExpectedPodCount, getExpectedScale, countHealthyPods, updatePdbStatus;
``pkg/registry/core/pod/storage/eviction.go``: EvictionREST.Create, canIgnorePDB, checkAndDecrement)
and :mod:`~kubecheck.model.controllers.drain_util` (kubectl ``pkg/drain/{filters,drain,cordon}.go``:
GetPodsForDeletion, evictPods, waitForDelete, UpdateIfRequired). The budget's scope
parameters, the status write and the eviction answer are the budget layer's, written once for every
workload (:mod:`~kubecheck.model.controllers.budget`), read here through the pod view it takes
(:func:`evicted_pod`). This module only says what they do
to the Deployment's pod *counters* and which actor takes each step:

* ``disruption-controller.sync_budget`` (weakly fair): the budget's status recomputed from the pods
  (every pod of the Deployment is selected: the scope's budget selects its template's labels) and
  written when it differs (``needs_status_write``: a quiescent state stays quiescent). Its lag is the
  interleaving between pod changes and this step: the controller is event-driven, so staleness is
  an order of events, not a duration (paper 3.1).
* ``kubectl.evict_pod`` (weakly fair per pod class): one eviction call for one pod still on the
  drained node. ``answer`` is what the API server returns, from ``eviction_outcome``: 201 deletes the
  pod gracefully (Terminating) and, on the checkAndDecrement path, writes disruptionsAllowed − 1
  in the same step (paper 2.1: DisruptedPods needs no state); 429 changes nothing and kubectl
  retries (after 5 s, for ever with the default ``--timeout`` 0): the same command stays enabled.
  With ``pdb-second-budget`` a pod canIgnorePDB does not let go gets the 500 of two budgets, and the drain
  fails in that step (the budget layer's ``after_answer``). The 403s need a negative status or 2000
  unconfirmed evictions, which no scope reaches.
* ``kubectl.drain_finishes`` (weakly fair): waitForDelete saw every listed pod gone.
* ``user.drain_node`` / ``user.uncordon`` (scenario ``drain``, node-a): cordon (``spec.unschedulable``),
  list, evict; uncordon only once the drain has ended (``kubectl drain`` is still running before).
* ``node-pool-upgrade.drain_node`` / ``.replace_node`` / ``.uncordon_node`` (scenario ``node-upgrade``,
  weakly fair: the provider's upgrade automation proceeds by itself): node by node, drain, replace
  the machine (a fresh Ready Node object of the same name), uncordon, next.

Why the frozen drain list needs no state in the counter model: GetPodsForDeletion lists the pods
bound to the node once, in the step that cordons it. From then on the scheduler binds nothing
there (the scheduler's guard reads ``node_cordoned``; NodeUnschedulable), and nothing uncordons the
node while the drain runs, so the pods on the node at any later moment are exactly the listed pods
not yet gone: the list is the node's counters. A listed pod the ReplicaSet controller deletes
meanwhile is Terminating: its eviction is the canIgnorePDB 201 and waitForDelete waits for it, as
for an evicted one. Deployment pods have a controller, no emptyDir (the scope mounts no local
storage) and are neither DaemonSet nor mirror pods, so ``plan_node_drain`` lists all of them
(computed once per scope below). Failed pods are counted without their node: a drain scenario
refuses ``pod-failure=evicted``.

Controllers bypass the budget, as upstream: the ReplicaSet controller's deletions (rollout,
scale-down) stay plain deletes. The ``evict`` fault is another caller of the eviction API: with a
budget in the scope it goes through ``eviction_outcome`` too (:func:`eviction_goes_through`; a
refused call is no fault: it changes nothing and spends nothing).

Other workloads behind the budget (``pdb-other-pods``) are counted, not placed: their controllers' scale
is their count (getExpectedScale) and countHealthyPods takes their Ready ones. updatePdbStatus recomputes
over every selected pod whatever its controller, so one of theirs going NotReady lowers currentHealthy
and, at the next sync, disruptionsAllowed for our evictions too. With ``pdb-other-churn`` they may
(``other-workload.pod_not_ready``, a fault: never required; at most that many at a time, a counter)
and their controllers bring them back (``other-workload.pod_ready``, weakly fair) — only where an
eviction reads the status (a drain scenario or the evict fault; elsewhere nothing observes them and
the counter stays 0). The drain never evicts them: without their placement the model keeps them off
the drained node (named in the rows).
"""

from __future__ import annotations

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import drain_util as dru
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value

#: drain_state values: the budget layer's, and the upgrade's replaced node.
IDLE, EVICTING, DRAINED, FAILED = bu.IDLE, bu.EVICTING, bu.DRAINED, bu.FAILED
REPLACED = bu.REPLACED
DRAIN_STATE_NAMES = bu.UPGRADE_DRAIN_STATE_NAMES
#: Pod counters kept per node (the Deployment's bound phases, then Terminating).
BOUND = ("pending", "running", "ready", "available")
ON_NODE = BOUND + ("terminating",)
#: What the eviction call answers (the ``answer`` parameter of ``kubectl.evict_pod``): the budget layer's.
EVICTED_201, REFUSED_429, FAILED_500, ANSWERS = bu.EVICTED_201, bu.REFUSED_429, bu.FAILED_500, bu.ANSWERS
#: The pods of a Deployment as kubectl's filters read them: a ReplicaSet controller, nothing else.
DEPLOYMENT_POD = dru.PodFacts(controller_kind="ReplicaSet")


def drain_plan_fails(sc: DeploymentScope) -> bool:
    """GetPodsForDeletion over the Deployment's pods with kubectl drain's default flags: True when a
    filter error fails the node before any eviction (never for Deployment pods; kept as the hook
    for templates with local storage)."""
    return bool(dru.plan_node_drain([DEPLOYMENT_POD], dru.DrainFlags()).errors)


# -- counts over the Deployment's counters -------------------------------------------------------


def _placements(s: DeploymentState) -> int:
    return len(s.pending) // len(s.rs_exists)


def selected_pods(ops: Ops, s: DeploymentState) -> Value:
    """Every pod object of the Deployment the budget's selector matches: its pods in any phase."""
    per_node = [v for phase in ON_NODE for v in getattr(s, phase)]
    return ops.sum_(per_node + list(s.unscheduled) + list(s.failed))


def healthy_pods(ops: Ops, s: DeploymentState) -> Value:
    """countHealthyPods over the Deployment's counters: Ready (``ready``/``available``) and not
    terminating (a separate counter). No pod is in DisruptedPods without a deletionTimestamp (an
    eviction deletes it in the same step), so the recently-disrupted test removes nothing more
    (paper 2.1)."""
    return ops.sum_(list(s.ready) + list(s.available))


def budget_healthy(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """countHealthyPods over every pod the budget selects: the Deployment's healthy pods and the other
    workloads' Ready ones (``pdb-other-pods``, less those not Ready under ``pdb-other-churn``)."""
    if not sc.pdb_other_pods:
        return healthy_pods(ops, s)
    if sc.has_other_churn:
        return healthy_pods(ops, s) + (sc.pdb_other_pods - s.pdb_other_not_ready)
    return healthy_pods(ops, s) + sc.pdb_other_pods


def pods_on_node(ops: Ops, s: DeploymentState, node: int) -> Value:
    """Pod objects bound to ``node``, terminating ones included."""
    P = _placements(s)
    return ops.sum_(getattr(s, phase)[t * P + node] for t in range(len(s.rs_exists)) for phase in ON_NODE)


def expected_and_desired(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, *, alone: bool = False
) -> tuple[Value, Value]:
    """getExpectedPodCount for the scope's budget over ``s``: the finder resolves every pod of the
    Deployment, through its ReplicaSet, to the Deployment (getExpectedScale: its spec.replicas once),
    and the other workloads' pods (``pdb-other-pods``) to their controllers, whose scale is their count.
    ``alone``: as if the budget selected the Deployment's pods only (what the Deployment would get from
    a budget of its own with the same spec)."""
    selected = selected_pods(ops, s)
    other = 0 if alone else sc.pdb_other_pods
    if other:
        scale = dsu.get_expected_scale(ops, [s.replicas, other], [selected, other])
        selected = selected + other
    else:
        scale = dsu.get_expected_scale(ops, [s.replicas], [selected])
    written = dsu.get_expected_pod_count(ops, sc.pdb_min_available, sc.pdb_max_unavailable, selected, scale)
    if not sc.has_budget_edit:
        return written
    spec = sc.edited_budget_spec
    edited = dsu.get_expected_pod_count(ops, spec.min_available, spec.max_unavailable, selected, scale)
    return (ops.ite(s.pdb_edited == 1, edited[0], written[0]), ops.ite(s.pdb_edited == 1, edited[1], written[1]))


def computed_status(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> bu.Status:
    """(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods) as a sync at ``s`` writes them."""
    expected, desired = expected_and_desired(ops, sc, s)
    return bu.synced_status(ops, budget_healthy(ops, sc, s), desired, expected)


def initial_fields(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict[str, Value]:
    """The budget's status as synced over the initial pods (the budget exists before the check starts),
    and every node schedulable; nothing without a budget or a drain scenario."""
    return bu.initial_fields(sc, lambda: computed_status(ops, sc, s), sc.nodes, sc.has_drain)


def is_schedulable(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int | None) -> Value:
    """The scheduler's NodeUnschedulable filter: no pod is bound to a cordoned node (Deployment pods do
    not tolerate node.kubernetes.io/unschedulable)."""
    if not sc.has_drain or node is None:
        return True
    return ops.not_(s.node_cordoned[node])


def drained_node(sc: DeploymentScope, s: DeploymentState) -> Value:
    """The node the drain works on: node-a (scenario drain) or the upgrade's cursor."""
    return s.upgrade_node if sc.is_upgrade else 0


# -- disruption controller ------------------------------------------------------------------------


def _sync_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return bu.sync_writes(ops, s, computed_status(ops, sc, s), s.pdb_stale)


def _sync_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    return {**bu.status_fields(computed_status(ops, sc, s)), "pdb_stale": False}


# -- the other workloads behind the budget (pdb-other-churn) ---------------------------------------


def _other_not_ready_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.pdb_other_not_ready < sc.pdb_other_churn


def _other_not_ready_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    """One Ready pod of another workload loses its Ready condition (its rollout, a crash, an eviction of its
    own): the budget's currentHealthy counts it out at the next sync; the status keeps the old value till then."""
    return {"pdb_other_not_ready": s.pdb_other_not_ready + 1}


def _other_ready_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.pdb_other_not_ready > 0


def _other_ready_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    """Its controller and kubelet bring it back: a replacement or the restarted container passes readiness."""
    return {"pdb_other_not_ready": s.pdb_other_not_ready - 1}


# -- the user's edit of the budget ---------------------------------------------------------------


def _edit_budget_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return s.pdb_edited == 0


def _edit_budget_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> dict:
    """The API server takes the new spec and raises metadata.generation; the status keeps the old
    observedGeneration (stale) until the disruption controller's next sync rewrites it."""
    return {"pdb_edited": 1, "pdb_stale": True}


# -- the eviction API, called by kubectl drain ------------------------------------------------------


def evicted_pod(ops: Ops, s: DeploymentState, phase: str) -> bu.Eviction:
    """What the eviction API reads of a pod of ``phase``: canIgnorePDB for a Pending or terminating pod, Ready
    for ``ready``/``available``, and the budget's status stale while the user's edit is not synced."""
    ignores = dsu.can_ignore_pdb(ops, phase == "pending", False, phase == "terminating")
    return bu.Eviction(ignores, phase in ("ready", "available"), stale=s.pdb_stale)


def eviction_outcome(ops: Ops, sc: DeploymentScope, s: DeploymentState, phase: str) -> Value:
    """EvictionREST.Create's outcome for a pod of ``phase`` (disruption_util's constants)."""
    return bu.eviction_outcome(ops, sc, s, evicted_pod(ops, s, phase))


def eviction_goes_through(ops: Ops, sc: DeploymentScope, s: DeploymentState, phase: str) -> Value:
    """Another caller of the eviction API (the ``evict`` fault) deletes a pod of ``phase`` only on a 201."""
    return bu.eviction_goes_through(ops, sc, s, evicted_pod(ops, s, phase))


def budget_after_eviction(ops: Ops, sc: DeploymentScope, s: DeploymentState, phase: str) -> dict[str, Value]:
    """The budget's status after an approved eviction of a pod of ``phase`` (nothing without a budget)."""
    return bu.budget_after_eviction(ops, sc, s, evicted_pod(ops, s, phase))


def _evict_guard(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int, phase: str, answer: str
) -> Value:
    answered = bu.is_answered(ops, sc, s, evicted_pod(ops, s, phase), answer)
    here = getattr(s, phase)[rs * _placements(s) + node] > 0
    return ops.and_(s.drain_state == EVICTING, drained_node(sc, s) == node, here, answered)


def _evict_effect(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int, phase: str, answer: str
) -> dict:
    """201: the pod is Terminating (and the budget decremented); 429: nothing (kubectl retries); 500: the drain
    fails (the budget layer's after_answer)."""
    i = rs * _placements(s) + node
    deleted = {phase: _add(getattr(s, phase), i, -1), "terminating": _add(s.terminating, i, 1)}
    return bu.after_answer(ops, sc, s, evicted_pod(ops, s, phase), answer, deleted)


def _add(values: tuple, i: int, delta: Value) -> tuple:
    return values[:i] + (values[i] + delta,) + values[i + 1 :]


_set = bu.set_at


# -- kubectl drain and the node-pool upgrade ------------------------------------------------------


def _drain_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> Value:
    return ops.and_(s.drain_state == IDLE, drained_node(sc, s) == node)


def _drain_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> dict:
    """RunDrain: cordon (UpdateIfRequired: the node is schedulable here), list the node's pods, evict."""
    return {
        "node_cordoned": _set(s.node_cordoned, node, True),
        "drain_state": FAILED if drain_plan_fails(sc) else EVICTING,
    }


def _finish_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> Value:
    """waitForDelete saw every listed pod NotFound (is_pod_gone): the node holds none of them any more."""
    gone = dru.is_pod_gone(ops, pods_on_node(ops, s, node) > 0, True)
    return ops.and_(s.drain_state == EVICTING, drained_node(sc, s) == node, gone)


def _finish_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> dict:
    return {"drain_state": DRAINED}


def _uncordon_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> Value:
    return ops.and_(s.node_cordoned[node], bu.ended(ops, s.drain_state))


def _uncordon_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> dict:
    return {"node_cordoned": _set(s.node_cordoned, node, False)}


def _replace_guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> Value:
    return ops.and_(s.drain_state == DRAINED, s.upgrade_node == node)


def _replace_effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> dict:
    """The machine is replaced: a fresh Node of the same name registers Ready (still cordoned: the
    upgrade uncordons it next). The drained node holds no pod of the Deployment, so no pod changes."""
    out: dict[str, Value] = {"drain_state": REPLACED}
    if sc.has_node_faults:
        out["node_state"] = _set(s.node_state, node, cl.NODE_READY)
        out["node_exists"] = _set(s.node_exists, node, True)
        if sc.out_of_service:
            out["node_oos"] = _set(s.node_oos, node, False)
    return out


def _nodes(sc: DeploymentScope) -> range:
    return range(sc.nodes)


def _first_node(sc: DeploymentScope) -> range:
    return range(1)


def _slots(sc: DeploymentScope) -> range:
    return range(sc.templates)


def _phases(sc: DeploymentScope) -> tuple[str, ...]:
    return tuple(p for p in BOUND if p != "ready" or sc.has_min_ready)


COMMANDS: tuple[Command, ...] = (
    Command(
        "user.edit_budget",
        _edit_budget_guard,
        _edit_budget_effect,
        "kubectl apply of the PodDisruptionBudget with the bound changed (pdb-edit-to): a new generation, the status "
        "stale until the next sync (evictions answer 429 meanwhile)",
        kind="user",
        enabled_in=lambda sc: sc.has_budget_edit,
    ),
    bu.sync_budget_command(_sync_guard, _sync_effect, "the selected pods"),
    Command(
        "other-workload.pod_not_ready",
        _other_not_ready_guard,
        _other_not_ready_effect,
        "a Ready pod of another workload behind the budget goes NotReady (its own rollout, crash or eviction; at most "
        "pdb-other-churn at a time)",
        kind="fault",
        enabled_in=lambda sc: sc.has_other_churn,
    ),
    Command(
        "other-workload.pod_ready",
        _other_ready_guard,
        _other_ready_effect,
        "the other workload's controller and kubelet bring a NotReady pod of it back to Ready",
        enabled_in=lambda sc: sc.has_other_churn,
    ),
    bu.evict_pod_command(
        _evict_guard, _evict_effect, (("rs", _slots), ("node", _nodes), ("phase", _phases)), ("rs", "node", "phase")
    ),
    Command(
        "kubectl.drain_finishes",
        _finish_guard,
        _finish_effect,
        "waitForDelete: every listed pod is gone; kubectl prints node/<node> drained",
        params=(("node", _nodes),),
        enabled_in=lambda sc: sc.has_drain,
    ),
    Command(
        "user.drain_node",
        _drain_guard,
        _drain_effect,
        "kubectl drain node-a --ignore-daemonsets: cordon, list the node's pods once, evict each",
        kind="user",
        params=(("node", _first_node),),
        enabled_in=lambda sc: sc.has_drain and not sc.is_upgrade,
    ),
    bu.uncordon_command(
        _uncordon_guard, _uncordon_effect, (("node", _first_node),), lambda sc: sc.has_drain and not sc.is_upgrade
    ),
    *bu.upgrade_commands(
        (_drain_guard, _drain_effect),
        (
            _replace_guard,
            _replace_effect,
            "the drained node's machine is replaced: a fresh Node of the same name registers Ready",
        ),
        _nodes,
    ),
)
