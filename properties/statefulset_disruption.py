"""PodDisruptionBudgets, evictions, ``kubectl drain`` and node-pool upgrades around a StatefulSet (issue 16 items
1, 2 and 7).

The questions a StatefulSet's owner asks (a quorum of three behind ``maxUnavailable: 1``): "will
``kubectl drain`` of a node finish?", "does my budget keep my floor while the node is drained?", "can
my budget ever allow an eviction?", "does a node-pool upgrade finish, and keep my floor?" (the upgrade as
the Deployment's: drain, replace, uncordon, node by node; the node's volumes detached before its machine
goes). The actors are :mod:`kubecheck.model.controllers.statefulset_disruption` over the StatefulSet
model's per-ordinal pods on nodes (two unless set: an evicted pod's replacement
needs an uncordoned node).

Upstream (v1.35; kubectl v0.35.0), as the ports in ``disruption_util.py`` and ``drain_util.py`` read it:
``pkg/registry/core/pod/storage/eviction.go`` (checkAndDecrement: 429 while disruptionsAllowed is 0, else
disruptionsAllowed − 1 written with the deletion; canIgnorePDB for Pending, finished and terminating pods),
``pkg/controller/disruption/disruption.go`` (updatePdbStatus recomputes the status from the pods, with
lag; getPodStatefulSet: the expected scale is the set's spec.replicas), kubectl ``pkg/drain/drain.go``
(evictPods retries 429 every 5 s for ever with ``--timeout`` 0; waitForDelete counts a pod gone when it
is NotFound or its name holds a pod with another UID).

**Why the StatefulSet controller's own steps do not break the floor.** In these scopes nothing but
evictions disrupts: no template edit, scale, revert, undo, pod or set deletion, fault or failing release.
Then ``stateful_set_control.go:updateStatefulSet`` deletes nothing — a condemned pod needs a scale-down,
an outdated one an edit, a Failed one the ``evicted`` failure mode — it only *creates* the missing
ordinal (Parallel: every missing one; OrderedReady: the lowest, after its predecessors are Running and
Ready), which can only add healthy pods. So every drop of the healthy count is an eviction that
checkAndDecrement approved on a status whose disruptionsAllowed was never more than the real margin:
the healthy count falls only by approved evictions, each decrementing disruptionsAllowed in the same
write, and the expected count and desiredHealthy move only from 0 (no pod yet) to their value (a
status written while no pod existed allows nothing). OrderedReady matters for liveness, not for the
floor: it delays the replacement of ``web-0`` behind nothing (it is the lowest) and of a higher ordinal
behind its predecessors' readiness, which the drain does not wait for (waitForDelete and the UID).

The floor is a *step* property: a StatefulSet starts with no pods, so "healthy ≥ desiredHealthy" is
false before its pods are up, and a budget does not promise it then; it promises that a disruption
never takes the healthy count below desiredHealthy. So: every step that lowers the number of healthy
pods (Ready, not terminating: countHealthyPods) leaves it at or above desiredHealthy as getExpectedPodCount
computes it over the pods of the new state.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset_disruption as sd
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property
from kubecheck.properties import disruption as dp

# -- scopes -----------------------------------------------------------------------------------


def _with_budget(sc: StatefulSetScope) -> StatefulSetScope:
    """A budget over the set's pods: minAvailable 1 unless the user wrote a bound."""
    return sc if sc.has_budget else attrs.evolve(sc, pdb_min_available=IntOrPercent(1))


def _only_evictions(sc: StatefulSetScope) -> StatefulSetScope:
    """Nothing disrupts the pods but evictions: no template edit, revert, undo, scale, pod or set deletion,
    fault or failing release."""
    return attrs.evolve(
        sc,
        edits=0,
        reverts=0,
        undos=0,
        scale_to=(),
        scales=0,
        pod_deletes=0,
        set_deletion=False,
        faults=frozenset(),
        failure="none",
        broken_release=False,
        forced_rollback=False,
        out_of_service=False,
    )


def drain_alone(sc: StatefulSetScope) -> StatefulSetScope:
    """``kubectl drain node-a`` with a budget, and only evictions disrupting."""
    return _only_evictions(attrs.evolve(_with_budget(sc), scenario="drain"))


def node_upgrade(sc: StatefulSetScope) -> StatefulSetScope:
    """A node-pool upgrade over the nodes with a budget, only evictions disrupting."""
    return attrs.evolve(drain_alone(sc), scenario="node-upgrade")


def budget_alone(sc: StatefulSetScope) -> StatefulSetScope:
    """A budget over the set's pods and no user action or fault (fairness requires none of them, so they
    cannot make the budget allow an eviction on every fair run; the run that takes none is fair)."""
    return _only_evictions(_with_budget(sc))


_ASSUMES_DRAIN = (
    "a PodDisruptionBudget (minAvailable 1 unless set) selecting the StatefulSet's pods; pods placed on nodes (at "
    "least two nodes: two unless set); kubectl drain node-a; no template edit, scale, pod deletion or fault (only "
    "evictions disrupt); every Ready, schedulable node fits a pod"
)
_ASSUMES_UPGRADE = _ASSUMES_DRAIN.replace(
    "kubectl drain node-a",
    "a node-pool upgrade (drain, wait for the node's volumes to detach, replace, uncordon, node by node)",
)
_ASSUMES_BUDGET = (
    "a PodDisruptionBudget (minAvailable 1 unless set) selecting the StatefulSet's pods; no template edit, scale, "
    "pod deletion or fault (fairness requires none of them)"
)

# -- predicates -------------------------------------------------------------------------------


def no_disruption_below_floor(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A step that lowers the healthy count (Ready, not terminating) leaves it at or above desiredHealthy."""
    if not sc.has_budget:
        return ops.and_()
    _expected, desired = sd.expected_and_desired(ops, sc, t)
    after = sd.healthy_pods(ops, sc, t)
    return ops.or_(after >= sd.healthy_pods(ops, sc, s), after >= desired)


def draining(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """kubectl drain is evicting (node-a is cordoned and its pods listed)."""
    return s.drain_state == sd.EVICTING


def drained(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """kubectl drain printed node/node-a drained."""
    return s.drain_state == sd.DRAINED


def upgrade_done(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The node-pool upgrade has drained, replaced and uncordoned every node."""
    return s.upgrade_node == sc.nodes if sc.is_upgrade else ops.and_()


def explain(sc: StatefulSetScope, s: StatefulSetState) -> str:
    """The budget's status, the floor at ``s`` and where the drain is."""
    c = CONCRETE
    parts = []
    if sc.has_budget:
        _e, desired = sd.expected_and_desired(c, sc, s)
        parts.append(dp.status_words(s, sd.healthy_pods(c, sc, s), desired))
        parts += dp.second_budget_words(sc)
    if sc.has_drain:
        left = [f"{sc.name}-{sc.ordinals_start + i}" for i in range(sc.ordinals) if sd.on_drained_node(c, sc, s, i)]
        node = int(sd.drained_node(sc, s))
        if sc.is_upgrade and node >= sc.nodes:
            parts.append("node-pool upgrade done")
        else:
            parts.append(
                f"drain of {cl.node_name(node)}: {sd.DRAIN_STATE_NAMES[s.drain_state]}, "
                f"listed pods still there: {', '.join(left) or 'none'}"
            )
    return "; ".join(parts)


_FAIR = WEAK_FAIRNESS + "; kubectl's eviction retries (kubectl.evict_pod) and the budget's sync are among them"

PROPERTIES = (
    Property(
        name="statefulset.drain_eventually_completes",
        meaningful={"pdb-min-available": "2"},  # where it fails: a budget at the replicas
        kind="leads_to",
        doc="once kubectl drain node-a runs, it eventually prints node/node-a drained: every listed pod is evicted "
        "(429s retried) and gone or replaced under its name",
        upstream="kubectl pkg/drain/drain.go:evictPods retries 429 TooManyRequests every 5 s with no limit "
        "(--timeout 0) and waitForDelete counts a pod gone when NotFound or when its name holds another UID (the "
        "StatefulSet's replacement); eviction.go:checkAndDecrement answers 429 while disruptionsAllowed is 0; "
        "replacements schedule only on uncordoned nodes (NodeUnschedulable)",
        predicate=draining,
        target=drained,
        adjust=drain_alone,
        assumes=_ASSUMES_DRAIN,
        explain=explain,
        fairness=_FAIR,
        min_nodes=2,
    ),
    Property(
        name="statefulset.budget_floor_holds_under_evictions",
        meaningful={},  # its adjustment of tiny drains under a budget
        kind="step",
        doc="while only evictions disrupt, no step takes the healthy pods below the budget's desiredHealthy",
        upstream="eviction.go:checkAndDecrement approves an eviction only while the written status allows one and "
        "writes disruptionsAllowed − 1 with it; disruption.go:updatePdbStatus recomputes before it allows again; "
        "the unhealthy-pod path removes only pods that are not Ready; stateful_set_control.go:updateStatefulSet "
        "deletes no pod without a scale-down, an edit or a Failed pod (it only recreates)",
        predicate=no_disruption_below_floor,
        adjust=drain_alone,
        assumes=_ASSUMES_DRAIN,
        explain=explain,
        min_nodes=2,
    ),
    Property(
        name="statefulset.upgrade_completes",
        meaningful={"pdb-min-available": "2"},  # where it fails: a budget at the replicas
        kind="eventually",
        doc="a node-pool upgrade eventually drains, replaces and uncordons every node",
        upstream="each node's drain as kubectl pkg/drain/drain.go (429 retried for ever, waitForDelete done once the "
        "name holds another UID); an evicted pod's replacement schedules only on an uncordoned node "
        "(NodeUnschedulable) and keeps its ordinal's claim, whose ReadWriteOnce volume the attach/detach controller "
        "detaches from the drained node before the machine is replaced (Cluster API's Machine controller waits for "
        "it) and attaches where the pod lands; the upgrade proceeds node by node",
        predicate=upgrade_done,
        adjust=node_upgrade,
        assumes=_ASSUMES_UPGRADE,
        explain=explain,
        fairness=_FAIR + "; the upgrade's stages (node-pool-upgrade.*) too",
        min_nodes=2,
    ),
    Property(
        name="statefulset.upgrade_keeps_floor",
        meaningful={},  # its adjustment of tiny upgrades under a budget
        kind="step",
        doc="during a node-pool upgrade, no step takes the healthy pods below the budget's desiredHealthy",
        upstream="every pod leaves a node through eviction.go:checkAndDecrement (each node's drain); "
        "disruption.go:updatePdbStatus recomputes before allowing again; replacing a drained machine removes no "
        "pod; stateful_set_control.go:updateStatefulSet only recreates",
        predicate=no_disruption_below_floor,
        adjust=node_upgrade,
        assumes=_ASSUMES_UPGRADE,
        explain=explain,
        min_nodes=2,
    ),
    Property(
        name="statefulset.budget_can_allow_an_eviction",
        meaningful={"pdb-min-available": "2"},  # where it fails: desiredHealthy = replicas
        kind="eventually",
        doc="the budget eventually allows an eviction (disruptionsAllowed > 0); a budget that never does blocks "
        "every voluntary disruption of the set",
        upstream="disruption.go:updatePdbStatus: disruptionsAllowed = max(currentHealthy − desiredHealthy, 0), and 0 "
        "when expectedPods is 0; getPodStatefulSet makes the expected scale the set's spec.replicas; eviction.go "
        "refuses every eviction with 429 while it is 0",
        predicate=dp.budget_allows,
        adjust=budget_alone,
        assumes=_ASSUMES_BUDGET,
        explain=explain,
        fairness=WEAK_FAIRNESS,
    ),
)
