"""Disruption actors of the StatefulSet model: a PodDisruptionBudget, the eviction API and ``kubectl drain``
(issue 16, items 1, 2 and 7; the Deployment's twin is :mod:`~kubecheck.model.controllers.disruption`).

Kubernetes v1.35, kubectl v0.35.0. Every decision is the pure ports' — nothing is re-derived here:
:mod:`~kubecheck.model.controllers.disruption_util` (``pkg/controller/disruption/disruption.go``:
getExpectedPodCount, getExpectedScale with the ``getPodStatefulSet`` finder, countHealthyPods,
updatePdbStatus; ``pkg/registry/core/pod/storage/eviction.go``: EvictionREST.Create, canIgnorePDB,
checkAndDecrement) and :mod:`~kubecheck.model.controllers.drain_util` (kubectl ``pkg/drain/drain.go``:
GetPodsForDeletion, evictPods, waitForDelete; ``pkg/drain/cordon.go``: UpdateIfRequired). The budget's scope
parameters, the status write and the eviction answer are the budget layer's, written once for every
workload (:mod:`~kubecheck.model.controllers.budget`), read here through the pod view it takes
(:func:`evicted_pod`). This module
says what they do to the StatefulSet's per-ordinal pod slots and which actor takes each step:

* ``disruption-controller.sync_budget`` (weakly fair): the budget's status recomputed from the set's
  pods and written when it differs (``needs_status_write``). The budget selects every pod of the set
  (the scope's budget selects its template labels). A StatefulSet pod's controllerRef resolves through
  ``getPodStatefulSet`` to the set itself, so getExpectedScale is the set's ``spec.replicas`` once any of
  its pods exists (0 while none does: upstream learns a budget's controllers from their pods). An
  integer minAvailable counts the pod objects instead (terminating ones too). Healthy is Ready and not
  terminating; the recently-disrupted test removes nothing more, since an approved eviction sets the
  deletionTimestamp in the same step. Event-driven, so the lag is an interleaving, not a duration.
* ``kubectl.evict_pod`` (weakly fair per pod): one eviction call for a listed pod still on node-a and
  not yet terminating (after a 201 kubectl only waits). The answer comes from ``eviction_outcome``:
  201 deletes the pod gracefully and, on the checkAndDecrement path, writes disruptionsAllowed − 1 in
  the same step; 429 changes nothing and kubectl sleeps 5 s and calls again, for ever with the default
  ``--timeout`` 0 (the command stays enabled: a budget that never allows gives a lasso of 429s).
  canIgnorePDB: a ContainerCreating pod is phase Pending and a Failed pod is finished, both evicted
  without a look at the budget; a pod that is not Ready takes the unhealthyPodEvictionPolicy path.
  With ``pdb-second-budget`` every other pod gets the 500 of two budgets first, and the drain fails.
* ``kubectl.drain_finishes`` (weakly fair): waitForDelete saw every listed pod gone.
* ``user.drain_node`` / ``user.uncordon`` (scenario ``drain``): cordon node-a (spec.unschedulable), list its
  pods, evict; the uncordon only once the drain ended.
* ``node-pool-upgrade.drain_node`` / ``.replace_node`` / ``.uncordon_node`` (scenario ``node-upgrade``, weakly
  fair: the provider's automation proceeds by itself): the Deployment's design
  (:mod:`~kubecheck.model.controllers.disruption`), node by node: drain (as above, on the upgrade's node),
  replace the machine (a fresh Node object of the same name registers Ready, still cordoned), uncordon, next.
  What a StatefulSet adds is its claims: a ReadWriteOnce claim stays Bound through all of it (no one deletes
  a PVC; the recreated pod of the same ordinal mounts the same claim), but its volume is attached to the old
  machine. The replacement waits until the drained node has no volume attached (``node.status.volumesAttached``
  empty): Cluster API's Machine controller does so before it deletes the infrastructure (the Cluster API
  book's "Machine deletion process": drain, then wait for the node's volumes to detach, for ever while
  ``spec.nodeVolumeDetachTimeout`` is unset), so the attach/detach controller's detach (the kubelet unmounted:
  the listed pods are gone) comes first, and the replacement pod attaches the volume afresh wherever it is
  scheduled (the new machine, once uncordoned, or another node: Multi-Attach is refused meanwhile). Abstracted:
  a provider that deletes the VM without waiting (the cloud detaches the disk with it) and a finite
  ``nodeVolumeDetachTimeout``.

**waitForDelete and a pod's name.** kubectl polls each listed pod by name and counts it gone when
the GET says NotFound *or* returns a pod of that name with another UID (drain.go waitForDelete, read
at kubectl v0.35.0). A StatefulSet recreates ``web-1`` under the same name as soon as the old object is
gone, so the drain does not wait for the replacement, nor for it to become Ready: it finishes as
soon as the old incarnation's object is removed. The model has no UIDs; it needs none. The drain lists
node-a's pods in the step that cordons it, and from then on nothing binds to node-a (the scheduler's
NodeUnschedulable filter: ``can_bind`` below; StatefulSet pods do not tolerate the unschedulable taint)
and nothing uncordons it while the drain runs. So a pod *bound to node-a* in a later state is exactly a
listed pod whose object still exists, and a slot that exists elsewhere (or Pending) holds a pod of the
same name with another UID: ``is_pod_gone(found=exists, same_uid=bound to node-a)``.

Abstracted: after a 429 kubectl re-reads the pod by name and would evict a *replacement* of that name
if another actor had deleted and the controller recreated it meanwhile; in the drain scope only
evictions delete, and an evicted pod is never called again, so this cannot happen. Retry delays,
the poll interval, ``--timeout`` (0 modelled: a finite one would make a blocked drain fail instead of
hang), the budget's generation (no budget edit is modelled: observedGeneration is current). The
cluster layer's ``evict`` fault is another caller of the eviction API: with a budget it goes through
``eviction_outcome`` too (:func:`through_eviction_api`), as the Deployment's does. StatefulSet pods
have a controller and the scope mounts no emptyDir, so GetPodsForDeletion lists all of them
(:func:`drain_plan_fails` is False).
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import drain_util as dru
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value

#: drain_state values: the budget layer's (not running, evicting, drained, failed), and the upgrade's replaced node.
IDLE, EVICTING, DRAINED, FAILED = bu.IDLE, bu.EVICTING, bu.DRAINED, bu.FAILED
REPLACED = bu.REPLACED
DRAIN_STATE_NAMES = bu.UPGRADE_DRAIN_STATE_NAMES
#: The node ``kubectl drain`` works on in scenario drain (node-a).
DRAINED_NODE = bu.DRAINED_NODE
#: What the eviction call answers (the ``answer`` parameter of ``kubectl.evict_pod``).
EVICTED_201, REFUSED_429, FAILED_500, ANSWERS = bu.EVICTED_201, bu.REFUSED_429, bu.FAILED_500, bu.ANSWERS
#: The pods of a StatefulSet as kubectl's filters read them: a StatefulSet controller, nothing else.
STATEFULSET_POD = dru.PodFacts(controller_kind="StatefulSet")


def drain_plan_fails(sc: StatefulSetScope) -> bool:
    """GetPodsForDeletion with kubectl drain's default flags over the set's pods: True when a filter
    error fails the node before any eviction (never for these pods)."""
    return bool(dru.plan_node_drain([STATEFULSET_POD], dru.DrainFlags()).errors)


# -- counts over the per-ordinal slots ------------------------------------------------------------


def _is_selected(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, i: int) -> Value:
    """Slot ``i`` holds a pod the budget selects: any pod of the set's template (its own, an orphan, a deleted
    incarnation's), not another controller's pod that holds the name (owner references on: assumed not to carry
    the set's labels)."""
    if sc.ownership:
        return ops.and_(cl.exists(s, i), s.pod_owner[i] != ow.FOREIGN)
    return cl.exists(s, i)


def selected_pods(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Every pod object the budget's selector matches, in any phase, terminating ones too."""
    return ops.count(_is_selected(ops, sc, s, i) for i in range(len(s.pod_phase)))


def healthy_pods(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """countHealthyPods: selected, Ready (``>= READY``: the Ready condition, not availability), not terminating."""
    return ops.count(
        ops.and_(_is_selected(ops, sc, s, i), s.pod_phase[i] >= cl.READY, ops.not_(s.pod_terminating[i]))
        for i in range(len(s.pod_phase))
    )


def _uses_scale(sc: StatefulSetScope) -> bool:
    """getExpectedPodCount asks the finders (maxUnavailable, or a percentage minAvailable)."""
    bound = sc.pdb_min_available
    return sc.pdb_max_unavailable is not None or (bound is not None and bound.is_percent)


def _owned_by_live_set(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, i: int) -> Value:
    """getPodStatefulSet resolves slot ``i``'s controllerRef: the set's pod, and the set object exists."""
    return ops.and_(cl.exists(s, i), s.pod_owner[i] == ow.OWNED, ops.not_(s.set_deleted))


def _unresolvable(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Some selected pod has a controllerRef no finder resolves: the set was deleted (the background deletion
    removes the object at once), or the ref names a deleted incarnation's UID (the lister's set of that name has
    another UID, and so has its /scale). An orphan has no ref: unmanaged, skipped."""
    n = len(s.pod_phase)
    if not (sc.set_deletion or sc.ownership):
        return False
    lost = [ops.and_(cl.exists(s, i), s.pod_owner[i] == ow.OWNED, s.set_deleted) for i in range(n)]
    if sc.ownership:
        lost += [ops.and_(cl.exists(s, i), s.pod_owner[i] == ow.PREVIOUS) for i in range(n)]
    return ops.or_(*lost)


def expected_and_desired(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> tuple[Value, Value]:
    """getExpectedPodCount for the scope's budget: getPodStatefulSet resolves the set's pods to the set, whose
    spec.replicas is the scale (counted once, and only once one of its pods exists)."""
    selected = selected_pods(ops, sc, s)
    resolved = ops.count(_owned_by_live_set(ops, sc, s, i) for i in range(len(s.pod_phase)))
    scale = dsu.get_expected_scale(ops, [s.replicas], [resolved])
    return dsu.get_expected_pod_count(ops, sc.pdb_min_available, sc.pdb_max_unavailable, selected, scale)


def computed_status(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> bu.Status:
    """(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods) as a sync at ``s`` writes them; when a
    finder cannot resolve a selected pod's controller (scale-based bounds only) the sync fails and failSafe writes
    disruptionsAllowed 0, the other fields as they were."""
    expected, desired = expected_and_desired(ops, sc, s)
    status = bu.synced_status(ops, healthy_pods(ops, sc, s), desired, expected)
    if not _uses_scale(sc):
        return status
    lost = _unresolvable(ops, sc, s)
    failed = (0, *bu.written_status(s)[1:])
    return (
        ops.ite(lost, failed[0], status[0]),
        ops.ite(lost, failed[1], status[1]),
        ops.ite(lost, failed[2], status[2]),
        ops.ite(lost, failed[3], status[3]),
    )


def initial_fields(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict[str, Value]:
    """The budget's status as synced over the initial state (no pod yet: expectedPods 0, nothing allowed)
    and every node schedulable; nothing without a budget or a drain."""
    return bu.initial_fields(sc, lambda: computed_status(ops, sc, s), sc.nodes, sc.has_drain)


def is_schedulable(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, node: int) -> Value:
    """The scheduler's NodeUnschedulable filter: nothing binds to a cordoned node (True without a drain)."""
    return ops.not_(s.node_cordoned[node]) if sc.has_drain else True


def drained_node(sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The node the drain works on: node-a (scenario drain) or the upgrade's cursor (``nodes`` once done)."""
    return s.upgrade_node if sc.is_upgrade else DRAINED_NODE


def on_drained_node(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
    """Slot ``pod``'s object is bound to the drained node."""
    if not sc.is_upgrade:
        return cl.bound_to(ops, s, pod, DRAINED_NODE)
    return ops.or_(*[ops.and_(s.upgrade_node == n, cl.bound_to(ops, s, pod, n)) for n in range(sc.nodes)])


def listed_pods_left(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """How many listed pods waitForDelete still waits for (their object, same UID, is still on the drained node)."""
    return ops.count(
        ops.not_(dru.is_pod_gone(ops, cl.exists(s, i), on_drained_node(ops, sc, s, i))) for i in range(len(s.pod_phase))
    )


# -- disruption controller ------------------------------------------------------------------------


def _sync_guard(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return bu.sync_writes(ops, s, computed_status(ops, sc, s))


def _sync_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    return bu.status_fields(computed_status(ops, sc, s))


# -- the eviction API ---------------------------------------------------------------------------


def evicted_pod(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> bu.Eviction:
    """What the eviction API reads of slot ``pod``: canIgnorePDB for ContainerCreating (Pending), Failed or
    terminating, Ready for ``>= READY``, and not selected when another controller's pod holds the name (owner
    references on); the status is never stale (no budget edit is modelled: observedGeneration is current)."""
    phase = s.pod_phase[pod]
    ignores = dsu.can_ignore_pdb(ops, phase == cl.CREATING, phase == cl.FAILED, s.pod_terminating[pod])
    selected = ops.not_(s.pod_owner[pod] == ow.FOREIGN) if sc.ownership else True
    return bu.Eviction(ignores, phase >= cl.READY, selected)


def eviction_outcome(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
    """EvictionREST.Create's outcome for slot ``pod`` (disruption_util's constants), the status as last written."""
    return bu.eviction_outcome(ops, sc, s, evicted_pod(ops, sc, s, pod))


def eviction_goes_through(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
    """Another caller of the eviction API (the cluster layer's ``evict`` fault) deletes slot ``pod`` only on a
    201; True without a budget (EVICTED_NO_BUDGET)."""
    return bu.eviction_goes_through(ops, sc, s, evicted_pod(ops, sc, s, pod))


def budget_after_eviction(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> dict[str, Value]:
    """The budget's status after an approved eviction of slot ``pod`` (nothing without a budget)."""
    return bu.budget_after_eviction(ops, sc, s, evicted_pod(ops, sc, s, pod))


def through_eviction_api(command: Command) -> Command:
    """The cluster layer's ``fault.evict_pod`` as a caller of the eviction API: with a budget in the scope its
    guard adds ``eviction_goes_through`` and its effect the decrement (a refused call is no fault: it changes
    nothing and spends nothing); every other command, and every scope without a budget, as it is."""
    if command.name != "fault.evict_pod":
        return command
    guard, effect = command.guard, command.effect

    def guarded(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
        if not sc.has_budget:
            return guard(ops, sc, s, pod=pod)
        return ops.and_(guard(ops, sc, s, pod=pod), eviction_goes_through(ops, sc, s, pod))

    def effected(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> dict:
        return {**effect(ops, sc, s, pod=pod), **budget_after_eviction(ops, sc, s, pod)}

    return attrs.evolve(command, guard=guarded, effect=effected)


def _evict_guard(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int, answer: str) -> Value:
    return ops.and_(
        s.drain_state == EVICTING,
        on_drained_node(ops, sc, s, pod),
        ops.not_(s.pod_terminating[pod]),
        bu.is_answered(ops, sc, s, evicted_pod(ops, sc, s, pod), answer),
    )


def _evict_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int, answer: str) -> dict:
    """201: the pod is Terminating (bound: graceful) and the budget decremented; 429: nothing (kubectl retries);
    500: the drain fails (the budget layer's after_answer)."""
    deleted = {"pod_terminating": _set(s.pod_terminating, pod, True)}
    return bu.after_answer(ops, sc, s, evicted_pod(ops, sc, s, pod), answer, deleted)


_set = bu.set_at


# -- kubectl drain --------------------------------------------------------------------------------


def _drain_guard(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return s.drain_state == IDLE


def _drain_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    """RunDrain: cordon node-a (UpdateIfRequired: it is schedulable here), list its pods, evict."""
    return {
        "node_cordoned": _set(s.node_cordoned, DRAINED_NODE, True),
        "drain_state": FAILED if drain_plan_fails(sc) else EVICTING,
    }


def _finish_guard(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """waitForDelete: every listed pod is NotFound or its name holds a pod with another UID."""
    return ops.and_(s.drain_state == EVICTING, listed_pods_left(ops, sc, s) == 0)


def _finish_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    return {"drain_state": DRAINED}


# -- the node-pool upgrade (the Deployment's stages, disruption.py) ----------------------------------


def _upgrade_drain_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, node: int) -> dict:
    """RunDrain on the upgrade's node: cordon it (schedulable here), list its pods, evict."""
    return {
        "node_cordoned": _set(s.node_cordoned, node, True),
        "drain_state": FAILED if drain_plan_fails(sc) else EVICTING,
    }


def volumes_attached_to(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, node: int) -> Value:
    """How many of the set's volumes are attached to ``node`` (its ``status.volumesAttached``)."""
    return ops.count(vol.is_attached(s, sc.nodes, c, node) for c in range(sc.ordinals)) if sc.claims else 0


def _replace_guard(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, node: int) -> Value:
    """The drain ended and the node's volumes are detached (Cluster API waits for it before deleting the machine)."""
    return ops.and_(s.drain_state == DRAINED, s.upgrade_node == node, volumes_attached_to(ops, sc, s, node) == 0)


def _replace_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, node: int) -> dict:
    """The machine is replaced: a fresh Node of the same name registers Ready (still cordoned: the upgrade uncordons
    it next). No listed pod is left on it and no volume is attached to it, so no pod or claim changes; the claims
    stay Bound."""
    out: dict[str, Value] = {
        "drain_state": REPLACED,
        "node_state": _set(s.node_state, node, cl.NODE_READY),
        "node_exists": _set(s.node_exists, node, True),
    }
    if sc.out_of_service:
        out["node_oos"] = _set(s.node_oos, node, False)
    return out


def _nodes(sc: StatefulSetScope) -> range:
    return range(sc.nodes)


def _slots(sc: StatefulSetScope) -> range:
    return range(sc.ordinals)


def _user_drain(sc: StatefulSetScope) -> bool:
    return sc.has_drain and not sc.is_upgrade


COMMANDS: tuple[Command, ...] = (
    bu.sync_budget_command(_sync_guard, _sync_effect, "the set's pods"),
    bu.evict_pod_command(_evict_guard, _evict_effect, (("pod", _slots),), ("pod",)),
    Command(
        "kubectl.drain_finishes",
        _finish_guard,
        _finish_effect,
        "waitForDelete: every listed pod is NotFound or replaced (same name, another UID); node/node-a drained",
        enabled_in=lambda sc: sc.has_drain,
    ),
    Command(
        "user.drain_node",
        _drain_guard,
        _drain_effect,
        "kubectl drain node-a: cordon, list the node's pods once, evict each",
        kind="user",
        enabled_in=_user_drain,
    ),
    bu.uncordon_command(bu.uncordon_drained_guard, bu.uncordon_drained_effect, enabled_in=_user_drain),
    *bu.upgrade_commands(
        (bu.upgrade_drain_guard, _upgrade_drain_effect),
        (
            _replace_guard,
            _replace_effect,
            "once the drained node's volumes are detached, its machine is replaced: a fresh Node of the same name "
            "registers Ready",
        ),
        _nodes,
    ),
)
