"""PodDisruptionBudgets, evictions, ``kubectl drain`` and node-pool upgrades around a DaemonSet (issue 16).

The questions a DaemonSet's owner asks when a chart ships a budget over a node agent (``maxUnavailable: 1`` is
the usual one): "can my budget ever allow an eviction?", "does it keep my floor?", "will ``kubectl drain``
finish?", "does a node-pool upgrade finish, and keep my floor?". The actors are
:mod:`kubecheck.model.controllers.daemonset_disruption` over the DaemonSet model's per-node pods.

Upstream (v1.35; kubectl v0.35.0), in our words: ``pkg/controller/disruption/disruption.go`` — no finder
resolves a DaemonSet (getScaleController: "daemonsets.apps does not implement the scale subresource"), so a
``maxUnavailable`` or percentage ``minAvailable`` budget fails every sync and failSafe keeps
disruptionsAllowed 0; an integer ``minAvailable`` counts the selected pods. ``pkg/registry/core/pod/storage/
eviction.go`` EvictionREST.Create answers 429 while disruptionsAllowed is 0. kubectl ``pkg/drain/filters.go``
daemonSetFilter skips DaemonSet pods with ``--ignore-daemonsets`` and fails the drain without it;
``pkg/controller/daemon/util/daemonset_util.go`` AddOrUpdateDaemonPodTolerations makes daemon pods tolerate the
cordon.

**The floor.** Upstream computes no desiredHealthy for a scale-based budget over DaemonSet pods (the sync fails).
The floor these rows check is the one the budget states: an integer minAvailable as written, and otherwise the
bound resolved against the DaemonSet's desiredNumberScheduled (the nodes that should run a pod), the scale a
finder would have given if DaemonSets had one. Only evictions and the upgrade disrupt in these scopes (no template
edit, node change, pod deletion or fault), so the DaemonSet controller only creates.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_disruption as dd
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.daemonset_state import DaemonSetState
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property

# -- scopes -----------------------------------------------------------------------------------


def _with_budget(sc: DaemonSetScope) -> DaemonSetScope:
    """A budget over the DaemonSet's pods: maxUnavailable 1 unless the user wrote a bound."""
    return sc if sc.has_budget else attrs.evolve(sc, pdb_max_unavailable=IntOrPercent(1))


def _only_evictions(sc: DaemonSetScope) -> DaemonSetScope:
    """Nothing disrupts the pods but evictions (and the upgrade): no template edit, node join, removal or relabel,
    pod deletion, fault or failure mode."""
    return attrs.evolve(
        sc,
        edits=0,
        joins=0,
        leaves=0,
        relabels=0,
        pod_deletes=0,
        faults=frozenset(),
        failure="none",
        out_of_service=False,
    )


def evict_alone(sc: DaemonSetScope) -> DaemonSetScope:
    """An eviction client evicting node-a's pod under a budget, only evictions disrupting."""
    return _only_evictions(attrs.evolve(_with_budget(sc), scenario="evict"))


def drain_alone(sc: DaemonSetScope) -> DaemonSetScope:
    """``kubectl drain node-a`` (``--ignore-daemonsets`` unless set false) with a budget, only evictions disrupting."""
    return _only_evictions(attrs.evolve(_with_budget(sc), scenario="drain"))


def node_upgrade(sc: DaemonSetScope) -> DaemonSetScope:
    """A node-pool upgrade over the nodes with a budget, only the upgrade disrupting."""
    return attrs.evolve(drain_alone(sc), scenario="node-upgrade")


_BUDGET = "a PodDisruptionBudget (maxUnavailable 1 unless set) selecting the DaemonSet's pods"
_NOTHING_ELSE = "no template edit, node change, pod deletion or fault"
_ASSUMES_EVICT = (
    f"{_BUDGET}; an eviction client evicts node-a's pod through the eviction API, retrying 429s; {_NOTHING_ELSE}"
)
_ASSUMES_DRAIN = (
    f"{_BUDGET}; kubectl drain node-a --ignore-daemonsets (unless ignore-daemonsets=false); {_NOTHING_ELSE}"
)
_ASSUMES_UPGRADE = (
    f"{_BUDGET}; a node-pool upgrade (kubectl drain --ignore-daemonsets unless ignore-daemonsets=false, replace the "
    f"machine, its DaemonSet pods with it, uncordon, node by node) over at least two nodes; {_NOTHING_ELSE}"
)

# -- predicates -------------------------------------------------------------------------------


def desired_number_scheduled(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """status.desiredNumberScheduled: the nodes that should run a daemon pod (NodeShouldRunDaemonPod)."""
    return ops.count(
        ds.should_run(ops, s, n, sc.tolerates_no_schedule, ds.out_of_service(ops, sc, s, n)) for n in range(sc.nodes)
    )


def stated_floor(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The floor the budget states: an integer minAvailable, or the bound resolved against desiredNumberScheduled
    (getExpectedPodCount's arithmetic with that as the scale)."""
    selected = dd.selected_pods(ops, sc, s)
    scale = desired_number_scheduled(ops, sc, s)
    _expected, desired = dsu.get_expected_pod_count(ops, sc.pdb_min_available, sc.pdb_max_unavailable, selected, scale)
    return desired


def no_disruption_below_floor(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, t: DaemonSetState) -> Value:
    """A step that lowers the healthy count (Ready, not terminating) leaves it at or above the stated floor."""
    if not sc.has_budget:
        return ops.and_()
    after = dd.healthy_pods(ops, sc, t)
    return ops.or_(after >= dd.healthy_pods(ops, sc, s), after >= stated_floor(ops, sc, t))


def budget_allows(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The budget's status says disruptionsAllowed > 0 (DisruptionAllowed True)."""
    if not sc.has_budget:
        return ops.and_()
    return s.pdb_allowed > 0


def listing(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """kubectl drain has cordoned node-a and lists its pods."""
    return s.drain_state == dd.LISTING


def drained(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """kubectl drain printed node/node-a drained."""
    return s.drain_state == dd.DRAINED


def upgrade_done(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The node-pool upgrade has drained, replaced and uncordoned every node."""
    return s.upgrade_node == sc.nodes if sc.is_upgrade else ops.and_()


def drained_node_keeps_its_pod(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """node-a is drained and cordoned and still runs an available daemon pod."""
    return ops.and_(
        s.drain_state == dd.DRAINED,
        s.node_cordoned[dd.DRAINED_NODE],
        ds.has_available_pod(ops, sc, s, dd.DRAINED_NODE, False),
    )


def explain(sc: DaemonSetScope, s: DaemonSetState) -> str:
    """The budget's status, the stated floor, and where the client or the drain is."""
    c = CONCRETE
    parts = []
    if sc.has_budget:
        why = " (every sync fails: daemonsets.apps has no /scale; failSafe)" if dd.uses_scale(sc) else ""
        parts.append(
            f"the PodDisruptionBudget: disruptionsAllowed {s.pdb_allowed}{why}, currentHealthy "
            f"{s.pdb_current_healthy}, desiredHealthy {s.pdb_desired_healthy} (status as last written); "
            f"{dd.healthy_pods(c, sc, s)} pods healthy now, stated floor {stated_floor(c, sc, s)}"
        )
    if sc.has_client:
        parts.append(f"eviction client: {'done' if s.client_evictions_left == 0 else 'still evicting'}")
    if sc.has_drain:
        node = int(dd.drained_node(sc, s))
        flag = "--ignore-daemonsets" if sc.ignore_daemonsets else "without --ignore-daemonsets"
        if sc.is_upgrade and node >= sc.nodes:
            parts.append("node-pool upgrade done")
        else:
            parts.append(f"kubectl drain {flag} of {cl.node_name(node)}: {dd.DRAIN_STATE_NAMES[s.drain_state]}")
    return "; ".join(parts)


_FAIR = WEAK_FAIRNESS + "; the eviction client's retries and the budget's sync are among them"
_MIN_ONE = {"pdb-min-available": "1", "pdb-max-unavailable": "none"}

PROPERTIES = (
    Property(
        name="daemonset.budget_can_allow_an_eviction",
        meaningful=_MIN_ONE,  # where it holds: an integer minAvailable below the pod count
        kind="eventually",
        doc="the budget over the DaemonSet's pods eventually allows an eviction (disruptionsAllowed > 0); with "
        "maxUnavailable or a percentage it never does (failSafe) and every eviction gets 429",
        upstream="disruption.go:getExpectedScale finds no controller for a DaemonSet pod (getScaleController: "
        "daemonsets.apps does not implement the scale subresource), the sync fails and failSafe writes "
        "disruptionsAllowed 0; an integer minAvailable counts the selected pods (getExpectedPodCount); "
        "eviction.go:checkAndDecrement answers 429 while disruptionsAllowed is 0",
        predicate=budget_allows,
        adjust=evict_alone,
        assumes=_ASSUMES_EVICT,
        explain=explain,
        fairness=_FAIR,
    ),
    Property(
        name="daemonset.budget_floor_holds_under_evictions",
        meaningful=_MIN_ONE,  # where evictions go through
        kind="step",
        doc="while only evictions disrupt, no step takes the healthy daemon pods below the floor the budget states",
        upstream="eviction.go:checkAndDecrement approves only while the written status allows and writes "
        "disruptionsAllowed − 1 with the deletion; failSafe (disruption.go) keeps it 0 for scale-based bounds over "
        "DaemonSet pods; the unhealthy-pod path removes only pods that are not Ready; daemon_controller.go:manage "
        "only creates when nothing else changes",
        predicate=no_disruption_below_floor,
        adjust=evict_alone,
        assumes=_ASSUMES_EVICT,
        explain=explain,
    ),
    Property(
        name="daemonset.drain_eventually_completes",
        meaningful={"ignore-daemonsets": "false"},  # where it fails: the drain errors on the DaemonSet's pods
        kind="leads_to",
        doc="once kubectl drain node-a --ignore-daemonsets has cordoned the node, it eventually prints node/node-a "
        "drained, leaving the DaemonSet's pods; without the flag it fails on them",
        upstream="kubectl pkg/drain/filters.go:daemonSetFilter skips a pod controlled by an apps/v1 DaemonSet with "
        "--ignore-daemonsets (warning) and errors without it; drain.go:DeleteOrEvictPods returns at once on an "
        "empty list, so the budget is never asked",
        predicate=listing,
        target=drained,
        adjust=drain_alone,
        assumes=_ASSUMES_DRAIN,
        explain=explain,
        fairness=WEAK_FAIRNESS + "; kubectl's listing (kubectl.list_pods) is among them",
    ),
    Property(
        name="daemonset.drained_node_keeps_its_pod",
        meaningful={},
        kind="sometimes",
        doc="kubectl drain --ignore-daemonsets finishes with node-a cordoned and its daemon pod still available",
        upstream="daemonset_util.go:AddOrUpdateDaemonPodTolerations adds the node.kubernetes.io/unschedulable "
        "toleration to every daemon pod, so a cordon keeps none off the node; daemonSetFilter skips them",
        predicate=drained_node_keeps_its_pod,
        adjust=drain_alone,
        assumes=_ASSUMES_DRAIN,
        explain=explain,
    ),
    Property(
        name="daemonset.upgrade_completes",
        meaningful={"ignore-daemonsets": "false"},  # where it fails: each node's drain errors
        kind="eventually",
        doc="a node-pool upgrade (kubectl drain --ignore-daemonsets on each node) eventually drains, replaces and "
        "uncordons every node",
        upstream="each node's drain as kubectl pkg/drain (daemonSetFilter skips the DaemonSet's pods with "
        "--ignore-daemonsets, fails without); the replaced machine's pods go with it and "
        "daemon_controller.go:manage creates one on the fresh node, which it tolerates while cordoned",
        predicate=upgrade_done,
        adjust=node_upgrade,
        assumes=_ASSUMES_UPGRADE,
        explain=explain,
        fairness=WEAK_FAIRNESS + "; kubectl's listing and the upgrade's stages (node-pool-upgrade.*) are among them",
    ),
    Property(
        name="daemonset.upgrade_keeps_floor",
        meaningful={},  # its adjustment upgrades under a budget
        kind="step",
        doc="during a node-pool upgrade, no step takes the healthy daemon pods below the floor the budget states "
        "(it does not: the drain skips them and the machine's replacement takes them, no eviction asked)",
        upstream="not guaranteed: kubectl pkg/drain/filters.go:daemonSetFilter skips DaemonSet pods "
        "(--ignore-daemonsets), so no eviction.go call reaches the budget; the upgrade moves on once a node is "
        "uncordoned, not once its new daemon pod is Ready",
        predicate=no_disruption_below_floor,
        adjust=node_upgrade,
        assumes=_ASSUMES_UPGRADE,
        explain=explain,
        min_nodes=2,
    ),
)
