"""Disruption actors of the DaemonSet model: a PodDisruptionBudget over its pods, the eviction API, an eviction
client, ``kubectl drain`` and a node-pool upgrade (issue 16; the StatefulSet's twin is
:mod:`~kubecheck.model.controllers.statefulset_disruption`).

Kubernetes v1.35, kubectl v0.35.0. The budget's scope parameters, the status write and the eviction API's answer
are the budget layer's (:mod:`~kubecheck.model.controllers.budget`), the arithmetic the pure ports'
(:mod:`~kubecheck.model.controllers.disruption_util`, :mod:`~kubecheck.model.controllers.drain_util`); this module
says what they do to the DaemonSet's per-node pod slots. Upstream, read in the stored kubernetes/kubernetes copies:

* **No finder resolves a DaemonSet's pod** (``pkg/controller/disruption/disruption.go``). getExpectedPodCount
  asks the controllers' scale only for ``maxUnavailable`` or a percentage ``minAvailable``; getExpectedScale
  tries, for each selected pod's controllerRef, the ReplicationController, Deployment, ReplicaSet and
  StatefulSet listers and then getScaleController, which maps apps/DaemonSet through the REST mapper, GETs
  ``daemonsets/<name>/scale``, gets NotFound, asks discovery whether the resource has a ``/scale`` subresource
  (implementsScale: it has none) and returns the error "daemonsets.apps does not implement the scale
  subresource". The sync fails and failSafe writes disruptionsAllowed 0 (DisruptionAllowed False, SyncFailed),
  every other status field as it was: the status the budget was created with when no sync ever succeeded, so
  zeros. With no selected pod the loop never runs, no error comes, the scale is 0 and disruptionsAllowed 0
  (expectedCount 0). An **integer** ``minAvailable`` never asks: expectedCount is the number of selected pods
  (terminating ones too), desiredHealthy the integer. :func:`computed_status`.
* **The eviction API** (``pkg/registry/core/pod/storage/eviction.go`` EvictionREST.Create): canIgnorePDB lets a
  Pending (unscheduled or ContainerCreating), Failed or terminating pod go without a look at the budget; a pod
  that is not Ready takes the unhealthyPodEvictionPolicy path (IfHealthyBudget: only while currentHealthy ≥
  desiredHealthy > 0 as written; AlwaysAllow: always); every other pod goes through checkAndDecrement: 429
  while disruptionsAllowed is 0, else 201 with disruptionsAllowed − 1 written in the same step. A DaemonSet
  budget with ``maxUnavailable`` or a percentage therefore answers 429 to every eviction of a Ready pod, for
  ever. :func:`evicted_pod`.
* **An eviction client** (scenario ``evict``: ``eviction-client.evict_pod``, weakly fair): a user's or a tool's
  eviction call for node-a's pod (``kubectl`` plugins, a descheduler, an autoscaler's scale-down), retried after
  a 429 as kubectl's evictPods does, once: a 201 ends it, and so does a 500 (two budgets: the caller gets an
  error). The cluster layer's ``evict`` fault is another caller (:func:`through_eviction_api`).
* **kubectl drain** (scenario ``drain``; kubectl ``pkg/drain/filters.go`` daemonSetFilter, ``drain.go``
  GetPodsForDeletion / DeleteOrEvictPods): ``user.drain_node`` cordons node-a (RunCordonOrUncordon comes
  first), then ``kubectl.list_pods`` (weakly fair) lists the pods bound to it. daemonSetFilter looks at a pod
  whose controllerRef is an apps/v1 DaemonSet that still exists: with ``--ignore-daemonsets`` it is skipped with
  the warning "ignoring DaemonSet-managed Pods", without it the listing fails ("DaemonSet-managed Pods (use
  --ignore-daemonsets to ignore)") and the drain ends in error with the node cordoned. Skipped pods are never
  evicted, so the budget is never asked, and DeleteOrEvictPods returns at once on an empty list: the drain is
  done. The DaemonSet's pods stay: the DaemonSet controller adds the ``node.kubernetes.io/unschedulable``
  NoSchedule toleration to every pod it creates (``pkg/controller/daemon/util/daemonset_util.go``
  AddOrUpdateDaemonPodTolerations), so neither NodeShouldRunDaemonPod's taint check nor the scheduler's
  NodeUnschedulable filter keeps a daemon pod off a cordoned node — nothing in the model reads
  ``node_cordoned`` but the uncordon.
* **A node-pool upgrade** (scenario ``node-upgrade``; the budget layer's stages, as the Deployment's and the
  StatefulSet's): node by node, drain (as above), replace the machine, uncordon. The node's DaemonSet pods go
  with its machine (the Node object goes, PodGC's gcOrphaned removes the pods bound to it; the fresh Node of the
  same name registers Ready, cordoned) and the DaemonSet controller creates one on the new node (it tolerates
  the cordon). No eviction is asked for them, so the budget never sees the upgrade: the replacement step is a
  disruption the budget cannot refuse.

Abstracted: the drain's handling of Failed DaemonSet pods (daemonSetFilter lets a finished pod be deleted; the
scope refuses a drain with a failure mode, which is what makes pods Failed), ``--force`` for a DaemonSet that is
gone (the DaemonSet is never deleted here), the retry delay, ``--timeout`` (0), the budget's generation (no
budget edit: observedGeneration is current), the 40 s PodGC quarantine and the seconds between a machine's
deletion and its successor's registration (one step).
"""

from __future__ import annotations

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import drain_util as dru
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.daemonset_state import DaemonSetState
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value

#: drain_state values: not running, listing (node cordoned, pods being listed), drained, failed, node replaced.
IDLE, LISTING, DRAINED, FAILED = bu.IDLE, bu.EVICTING, bu.DRAINED, bu.FAILED
REPLACED = bu.REPLACED
DRAIN_STATE_NAMES = ("not running", "cordoned, listing the node's pods", "drained", "failed", "node replaced")
#: The node ``kubectl drain`` and the eviction client work on in scenarios drain and evict (node-a).
DRAINED_NODE = bu.DRAINED_NODE
#: A pod of the DaemonSet as kubectl's filters read it: an apps/v1 DaemonSet controller that exists.
DAEMONSET_POD = dru.PodFacts(controller_kind="DaemonSet")
_set = bu.set_at


def drain_flags(sc: DaemonSetScope) -> dru.DrainFlags:
    """kubectl drain's flags: ``--ignore-daemonsets`` as the scope says, the rest at their defaults."""
    return dru.DrainFlags(ignore_daemonsets=sc.ignore_daemonsets)


def listing_fails(sc: DaemonSetScope) -> bool:
    """GetPodsForDeletion over a node with a DaemonSet pod: True when daemonSetFilter fails the drain (no
    ``--ignore-daemonsets``)."""
    return bool(dru.plan_node_drain([DAEMONSET_POD], drain_flags(sc)).errors)


def listing_evicts(sc: DaemonSetScope) -> bool:
    """GetPodsForDeletion lists a DaemonSet pod for eviction (never: skipped, or the listing fails)."""
    return bool(dru.plan_node_drain([DAEMONSET_POD], drain_flags(sc)).evict)


# -- the budget's status --------------------------------------------------------------------------


def selected_pods(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """Every pod object of the DaemonSet (the budget selects its template labels), terminating ones too."""
    return ops.count(cl.exists(s, k) for k in range(sc.pod_slots))


def healthy_pods(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """countHealthyPods: Ready (``>= READY``) and not terminating."""
    return ops.count(ops.and_(s.pod_phase[k] >= cl.READY, ops.not_(s.pod_terminating[k])) for k in range(sc.pod_slots))


def uses_scale(sc: DaemonSetScope) -> bool:
    """getExpectedPodCount asks the finders (maxUnavailable, or a percentage minAvailable): over DaemonSet pods
    every sync with a selected pod fails."""
    bound = sc.pdb_min_available
    return sc.pdb_max_unavailable is not None or (bound is not None and bound.is_percent)


def computed_status(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> bu.Status:
    """(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods) as a sync at ``s`` writes them: an integer
    minAvailable over the pod count; a scale-based bound fails on any selected pod (failSafe: disruptionsAllowed 0,
    the rest as written) and, with none, computes over a scale of 0."""
    selected = selected_pods(ops, sc, s)
    expected, desired = dsu.get_expected_pod_count(ops, sc.pdb_min_available, sc.pdb_max_unavailable, selected, 0)
    status = bu.synced_status(ops, healthy_pods(ops, sc, s), desired, expected)
    if not uses_scale(sc):
        return status
    lost = selected > 0
    failed = (0, *bu.written_status(s)[1:])
    return (
        ops.ite(lost, failed[0], status[0]),
        ops.ite(lost, failed[1], status[1]),
        ops.ite(lost, failed[2], status[2]),
        ops.ite(lost, failed[3], status[3]),
    )


def initial_fields(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> dict[str, Value]:
    """The budget's status as synced over the initial state (created with a zero status), every node schedulable,
    and the eviction client's one eviction; nothing when these are off."""
    out = bu.initial_fields(sc, lambda: computed_status(ops, sc, s), sc.nodes, sc.has_drain)
    if sc.has_client:
        out["client_evictions_left"] = 1
    return out


def _sync_guard(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return bu.sync_writes(ops, s, computed_status(ops, sc, s))


def _sync_effect(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> dict:
    return bu.status_fields(computed_status(ops, sc, s))


# -- the eviction API -----------------------------------------------------------------------------


def evicted_pod(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pod: int) -> bu.Eviction:
    """What the eviction API reads of slot ``pod``: canIgnorePDB for Pending (unscheduled or ContainerCreating),
    Failed or terminating, Ready for ``>= READY``; the budget selects every pod of the DaemonSet."""
    phase = s.pod_phase[pod]
    pending = ops.or_(phase == cl.UNSCHEDULED, phase == cl.CREATING)
    ignores = dsu.can_ignore_pdb(ops, pending, phase == cl.FAILED, s.pod_terminating[pod])
    return bu.Eviction(ignores, phase >= cl.READY)


def eviction_outcome(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pod: int) -> Value:
    """EvictionREST.Create's outcome for slot ``pod`` (disruption_util's constants), the status as last written."""
    return bu.eviction_outcome(ops, sc, s, evicted_pod(ops, sc, s, pod))


def through_eviction_api(command: Command) -> Command:
    """The cluster layer's ``fault.evict_pod`` as a caller of the eviction API (the budget layer's wrapper)."""
    return bu.through_eviction_api(command, evicted_pod)


def _deleted(ops: Ops, s: DaemonSetState, pod: int) -> dict[str, Value]:
    """A graceful delete of slot ``pod``: Terminating, or gone at once when never bound (its revision label with it)."""
    phase, term = cl.graceful_delete(ops, s, pod, True)
    gone = s.pod_phase[pod] == cl.UNSCHEDULED
    return {
        "pod_phase": _set(s.pod_phase, pod, phase),
        "pod_terminating": _set(s.pod_terminating, pod, term),
        "pod_rev": _set(s.pod_rev, pod, ops.ite(gone, 0, s.pod_rev[pod])),
    }


def _client_guard(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pod: int, answer: str) -> Value:
    return ops.and_(
        s.client_evictions_left > 0,
        cl.exists(s, pod),
        ops.not_(s.pod_terminating[pod]),
        bu.is_answered(ops, sc, s, evicted_pod(ops, sc, s, pod), answer),
    )


def _client_effect(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pod: int, answer: str) -> dict:
    """201: the pod deleted gracefully, the decrement, the client done; 429: nothing (it calls again); 500 (two
    budgets): the client gets an error and stops."""
    if answer == bu.REFUSED_429:
        return {}
    if answer == bu.FAILED_500:
        return {"client_evictions_left": 0}
    after = bu.budget_after_eviction(ops, sc, s, evicted_pod(ops, sc, s, pod))
    return {**_deleted(ops, s, pod), **after, "client_evictions_left": 0}


# -- kubectl drain ----------------------------------------------------------------------------


def drained_node(sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The node the drain works on: node-a (scenario drain) or the upgrade's cursor (``nodes`` once done)."""
    return s.upgrade_node if sc.is_upgrade else DRAINED_NODE


def pods_bound_to_drained_node(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """How many pod objects are bound to the drained node (what GetPodsForDeletion lists)."""
    per_node = [ops.count(cl.bound_to(ops, s, k, n) for k in range(sc.pod_slots)) for n in range(sc.nodes)]
    if not sc.is_upgrade:
        return per_node[DRAINED_NODE]
    return ops.sum_(ops.ite(s.upgrade_node == n, per_node[n], 0) for n in range(sc.nodes))


def _drain_guard(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return s.drain_state == IDLE


def _drain_effect(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> dict:
    """RunCordonOrUncordon: node-a is cordoned (it is schedulable here); the listing comes next."""
    return {"node_cordoned": _set(s.node_cordoned, DRAINED_NODE, True), "drain_state": LISTING}


def _list_guard(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return s.drain_state == LISTING


def _list_effect(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> dict:
    """GetPodsForDeletion: a DaemonSet pod on the node fails the drain without --ignore-daemonsets; with it every
    pod is skipped, DeleteOrEvictPods has nothing to do, and the node is drained."""
    if not listing_fails(sc):
        return {"drain_state": DRAINED}
    return {"drain_state": ops.ite(pods_bound_to_drained_node(ops, sc, s) > 0, FAILED, DRAINED)}


# -- the node-pool upgrade ------------------------------------------------------------------------


def _upgrade_drain_effect(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> dict:
    return {"node_cordoned": _set(s.node_cordoned, node, True), "drain_state": LISTING}


def _replace_guard(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> Value:
    return ops.and_(s.drain_state == DRAINED, s.upgrade_node == node)


def _replace_effect(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> dict:
    """The machine is replaced: the pods bound to it go with it (PodGC), a fresh Node of the same name registers
    Ready, still cordoned. Pods not yet bound (they target the node by nodeAffinity) stay and bind to the new one."""
    slots = range(node * sc.slots_per_node, (node + 1) * sc.slots_per_node)
    phase, term, where, rev = list(s.pod_phase), list(s.pod_terminating), list(s.pod_node), list(s.pod_rev)
    for k in slots:
        gone = cl.bound_to(ops, s, k, node)
        phase[k] = ops.ite(gone, cl.NONE, s.pod_phase[k])
        term[k] = ops.ite(gone, False, s.pod_terminating[k])
        where[k] = ops.ite(gone, 0, s.pod_node[k])
        rev[k] = ops.ite(gone, 0, s.pod_rev[k])
    out: dict[str, Value] = {
        "drain_state": REPLACED,
        "pod_phase": tuple(phase),
        "pod_terminating": tuple(term),
        "pod_node": tuple(where),
        "pod_rev": tuple(rev),
        "pod_ghost": tuple(ops.ite(g == node + 1, 0, g) for g in s.pod_ghost),
        "node_state": _set(s.node_state, node, cl.NODE_READY),
        "node_exists": _set(s.node_exists, node, True),
    }
    if sc.out_of_service:
        out["node_oos"] = _set(s.node_oos, node, False)
    return out


def _nodes(sc: DaemonSetScope) -> range:
    return range(sc.nodes)


def _node_a_slots(sc: DaemonSetScope) -> range:
    return range(DRAINED_NODE * sc.slots_per_node, (DRAINED_NODE + 1) * sc.slots_per_node)


def _user_drain(sc: DaemonSetScope) -> bool:
    return sc.has_drain and not sc.is_upgrade


COMMANDS: tuple[Command, ...] = (
    bu.sync_budget_command(_sync_guard, _sync_effect, "the DaemonSet's pods (failSafe for scale-based bounds)"),
    Command(
        "eviction-client.evict_pod",
        _client_guard,
        _client_effect,
        "an eviction client (a user's or a tool's) POSTs pods/<pod>/eviction for node-a's pod: 201 deletes it "
        "gracefully (and decrements disruptionsAllowed), 429 is retried, 500 (two budgets) ends the client in error",
        params=(("pod", _node_a_slots), ("answer", bu.answers)),
        enabled_in=lambda sc: sc.has_client,
        fair_by=("pod",),
    ),
    Command(
        "kubectl.list_pods",
        _list_guard,
        _list_effect,
        "GetPodsForDeletion: daemonSetFilter skips the DaemonSet's pods with --ignore-daemonsets (nothing to "
        "evict: drained) and fails the drain on them without it",
        enabled_in=lambda sc: sc.has_drain,
    ),
    Command(
        "user.drain_node",
        _drain_guard,
        _drain_effect,
        "kubectl drain node-a: cordon, then list the node's pods",
        kind="user",
        enabled_in=_user_drain,
    ),
    bu.uncordon_command(bu.uncordon_drained_guard, bu.uncordon_drained_effect, enabled_in=_user_drain),
    *bu.upgrade_commands(
        (bu.upgrade_drain_guard, _upgrade_drain_effect),
        (
            _replace_guard,
            _replace_effect,
            "the drained node's machine is replaced: its DaemonSet pods go with it, a fresh Node of the same name "
            "registers Ready",
        ),
        _nodes,
    ),
)
