"""What a DaemonSet guarantees — one pod per node, surge bounds, an availability floor — and what it does not.

Each property names its upstream justification (papers/daemonset-notes.md has the snapshots).
Some are not guaranteed upstream; they stay because users rely on them, and the checker's
counterexample shows how they fail: a pod still running on a node whose labels no longer
match (the controller is level-triggered: it deletes on its next sync), three pod objects on a
surging node when a pod is evicted while another terminates, availability lost to a crash, a
rollout stuck behind a Pending pod on a node that got a NoSchedule taint, a node partitioned
for ever never getting the update.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.daemonset_state import DaemonSetState
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property
from kubecheck.properties.placement import pods_bound_only_to_ready_nodes

# -- scope adjustments -----------------------------------------------------------------------

#: The fewest nodes a question about a node that joins (next to one already there) or a node that
#: fails (next to one that keeps running) needs: the rows state it as ``min_nodes`` and never fix a
#: count, so ``--set nodes=3`` or 4 is kept.
TWO_NODES = 2


def _no_surge(sc: DaemonSetScope) -> Value:
    mu = sc.max_unavailable if not sc.max_unavailable.is_zero() else IntOrPercent(1)
    return attrs.evolve(sc, max_surge=IntOrPercent(0), max_unavailable=mu)


def _surging(sc: DaemonSetScope) -> Value:
    surge = sc.max_surge if not sc.max_surge.is_zero() else IntOrPercent(1)
    return attrs.evolve(
        sc, strategy=du.ROLLING_UPDATE, max_surge=surge, max_unavailable=IntOrPercent(0), edits=max(1, sc.edits)
    )


def _surging_with_evictions(sc: DaemonSetScope) -> Value:
    """Surge with eviction on the scope's nodes (one will do: the three pod objects are on one node),
    none joining, leaving or relabelled."""
    return attrs.evolve(
        _surging(sc),
        faults=sc.faults | {"evict"},
        fault_budget=max(1, sc.fault_budget),
        joins=0,
        leaves=0,
        relabels=0,
    )


def _relabels(sc: DaemonSetScope) -> Value:
    return attrs.evolve(sc, relabels=max(1, sc.relabels))


def _steady(sc: DaemonSetScope) -> Value:
    """A rolled-out DaemonSet updated by RollingUpdate on a fixed set of nodes, no faults."""
    return attrs.evolve(
        sc,
        strategy=du.ROLLING_UPDATE,
        start="rolled-out",
        joins=0,
        leaves=0,
        relabels=0,
        faults=frozenset(),
        edits=max(1, sc.edits),
        pod_deletes=0,
    )


def _steady_with_faults(sc: DaemonSetScope) -> Value:
    return attrs.evolve(_steady(sc), faults=frozenset({"crash", "partition"}), fault_budget=max(1, sc.fault_budget))


def _with_edit(sc: DaemonSetScope) -> Value:
    return attrs.evolve(sc, strategy=du.ROLLING_UPDATE, edits=max(1, sc.edits))


def _rollout(sc: DaemonSetScope) -> Value:
    """A rolling update on nodes whose labels and taints stay put (a relabel would only shortcut the witness)."""
    return attrs.evolve(_with_edit(sc), relabels=0)


def _with_join(sc: DaemonSetScope) -> Value:
    return attrs.evolve(sc, joins=max(1, sc.joins))


def _no_faults_fixed_classes(sc: DaemonSetScope) -> Value:
    return attrs.evolve(_with_edit(sc), faults=frozenset(), relabels=0)


def _no_faults(sc: DaemonSetScope) -> Value:
    return attrs.evolve(_relabels(_with_edit(sc)), faults=frozenset())


def _partition(sc: DaemonSetScope) -> Value:
    return attrs.evolve(_no_faults_fixed_classes(sc), faults=frozenset({"partition"}), fault_budget=1)


def _node_failure(intervention: bool) -> Callable[[DaemonSetScope], Value]:
    """One node failure on the scope's nodes and classes (a manifest's selector and tolerations kept); nothing
    else changes (no edit, join, leave, relabel or delete); ``intervention``:
    the administrator may taint the failed node out-of-service."""

    def adjust(sc: DaemonSetScope) -> Value:
        return attrs.evolve(
            sc,
            edits=0,
            joins=0,
            leaves=0,
            relabels=0,
            pod_deletes=0,
            faults=frozenset({"node-failure"}),
            fault_budget=1,
            out_of_service=intervention,
            failure=fm.NONE,
            failure_onset=fm.CREATED,
            failure_repair=fm.NEVER,
        )

    return adjust


# -- predicates --------------------------------------------------------------------------------


def _nodes(sc: DaemonSetScope) -> range:
    return range(sc.nodes)


def at_most_one_pod_per_node(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return ops.and_(*[ds.pods_on(ops, sc, s, n) <= 1 for n in _nodes(sc)])


def at_most_two_pods_per_node(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return ops.and_(*[ds.pods_on(ops, sc, s, n) <= 2 for n in _nodes(sc)])


def no_pod_on_ineligible_node(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return ops.and_(
        *[
            ops.implies(
                s.node_class[n] == du.INELIGIBLE,
                ops.and_(*[ops.or_(s.pod_phase[k] == cl.NONE, s.pod_terminating[k]) for k in ds.node_slots(sc, n)]),
            )
            for n in _nodes(sc)
        ]
    )


def created_only_where_should_run(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, t: DaemonSetState) -> Value:
    return ops.and_(
        *[
            ops.implies(
                ops.and_(s.pod_phase[k] == cl.NONE, t.pod_phase[k] != cl.NONE),
                ds.should_run(ops, s, sc.home(k), sc.tolerates_no_schedule),
            )
            for k in range(sc.pod_slots)
        ]
    )


def unavailable_nodes(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """Nodes that should run a pod and have no available, non-terminating one."""
    return ops.count(
        ops.and_(
            ds.should_run(ops, s, n, sc.tolerates_no_schedule), ops.not_(ds.has_available_pod(ops, sc, s, n, False))
        )
        for n in _nodes(sc)
    )


def max_unavailable(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    desired = ops.count(ds.should_run(ops, s, n, sc.tolerates_no_schedule) for n in _nodes(sc))
    _, mu = du.updated_desired_node_counts(ops, sc.strategy, sc.max_surge, sc.max_unavailable, desired)
    return mu


def availability_floor(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return unavailable_nodes(ops, sc, s) <= max_unavailable(ops, sc, s)


def _eligible(ops: Ops, s: DaemonSetState, n: int) -> Value:
    """The user's notion: the node exists and its labels and taints admit the DaemonSet (class eligible)."""
    return ops.and_(s.node_exists[n], s.node_class[n] == du.ELIGIBLE)


def eligible_node_lacks_update(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return ops.or_(
        *[ops.and_(_eligible(ops, s, n), ops.not_(ds.has_available_pod(ops, sc, s, n, True))) for n in _nodes(sc)]
    )


def every_eligible_node_updated(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return ops.not_(eligible_node_lacks_update(ops, sc, s))


def rollout_completed(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The last template is rolled out: some node is eligible, every eligible one runs exactly one available
    updated pod, and no live pod of an older revision is left anywhere (so a witness cannot finish by tainting
    the nodes it did not update)."""
    no_old = [
        ops.implies(ops.and_(cl.exists(s, k), ops.not_(s.pod_terminating[k])), s.pod_rev[k] == s.template)
        for k in range(sc.pod_slots)
    ]
    return ops.and_(
        s.template == sc.templates - 1,
        s.template > 0,
        ops.or_(*[_eligible(ops, s, n) for n in _nodes(sc)]),
        *[
            ops.implies(
                _eligible(ops, s, n),
                ops.and_(ds.pods_on(ops, sc, s, n) == 1, ds.has_available_pod(ops, sc, s, n, True)),
            )
            for n in _nodes(sc)
        ],
        *no_old,
    )


def new_node_runs_pod(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    joined = [n for n in _nodes(sc) if n >= sc.nodes - sc.joins]
    return ops.or_(*[ops.and_(s.node_exists[n], ds.has_available_pod(ops, sc, s, n, False)) for n in joined])


def node_failed(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The one node failure of the scenario has happened (the fault budget is spent)."""
    return s.faults_left == 0


def node_back_or_out_of_service(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """The node failure happened, and every node is Ready again or carries the out-of-service taint."""
    return ops.and_(
        node_failed(ops, sc, s),
        *[ops.or_(s.node_state[n] == cl.NODE_READY, s.node_oos[n]) for n in _nodes(sc)],
    )


def all_running_and_ready(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """Every node is settled (one available pod where one should run, none where none may stay) and every
    daemon pod object is Running, Ready and available, not terminating."""
    healthy = [
        ops.implies(cl.exists(s, k), ops.and_(s.pod_phase[k] == cl.AVAILABLE, ops.not_(s.pod_terminating[k])))
        for k in range(sc.pod_slots)
    ]
    return ops.and_(ds.quiescent(ops, sc, s), *healthy)


# -- explanations (last step of a counterexample) -----------------------------------------------


def _pod_words(sc: DaemonSetScope, s: DaemonSetState, k: int) -> str:
    naming = ds.NAMING
    term = " (Terminating)" if s.pod_terminating[k] else ""
    return (
        f"{naming.pod(sc, k)} {cl.phase_words(s.pod_phase[k], sc.has_min_ready)} at {naming.revision(sc, s.pod_rev[k])}"
        f"{term}"
    )


def _node_words(sc: DaemonSetScope, s: DaemonSetState, n: int) -> str:
    notes = [du.CLASS_NAMES[s.node_class[n]]]
    if not s.node_exists[n]:
        notes.append("no Node object")
    elif s.node_state[n] != cl.NODE_READY:
        notes.append("unreachable" if s.node_state[n] == cl.NODE_PARTITIONED else "down")
    if s.node_oos[n]:
        notes.append("out-of-service taint")
    return f"{cl.node_name(n)} ({', '.join(notes)})"


def _explain_nodes(sc: DaemonSetScope, s: DaemonSetState) -> str:
    parts = []
    for n in _nodes(sc):
        pods = [_pod_words(sc, s, k) for k in ds.node_slots(sc, n) if s.pod_phase[k] != cl.NONE]
        parts.append(f"{_node_words(sc, s, n)}: {', '.join(pods) or 'no pod'}")
    return f"update revision {ds.NAMING.revision(sc, s.template)}; " + "; ".join(parts)


def _explain_floor(sc: DaemonSetScope, s: DaemonSetState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    return (
        f"nodes without an available pod = {unavailable_nodes(c, sc, s)}, maxUnavailable = "
        f"{max_unavailable(c, sc, s)}; " + _explain_nodes(sc, s)
    )


def _why_waiting(sc: DaemonSetScope, s: DaemonSetState) -> list[str]:
    """What keeps the nodes from converging, in the two shapes the liveness counterexamples take."""
    naming, out = ds.NAMING, []
    for n in _nodes(sc):
        node = cl.node_name(n)
        if s.node_exists[n] and s.node_state[n] != cl.NODE_READY:
            out.append(
                f"{node} is unreachable: its pod is not Ready, and no new one starts there (the pod tolerates the "
                "node.kubernetes.io/unreachable NoSchedule taint, but no kubelet runs it) until it reconnects, which "
                "nothing requires"
                if sc.tolerates_no_schedule
                else f"{node} is unreachable: its pod is not Ready, and nothing new is scheduled there (the "
                "node.kubernetes.io/unreachable NoSchedule taint) until it reconnects, which nothing requires"
            )
        stuck = [
            naming.pod(sc, k)
            for k in ds.node_slots(sc, n)
            if s.pod_phase[k] == cl.UNSCHEDULED and not s.pod_terminating[k] and s.node_class[n] == du.NO_SCHEDULE
        ]
        if stuck:
            out.append(
                f"{', '.join(stuck)} stays Pending for ever: {node}'s NoSchedule taint keeps the scheduler away, "
                "the controller keeps the pod (the node may keep its daemon pod: shouldContinueRunning), and the "
                f"rolling update counts the node as unavailable; kubectl delete pod {stuck[0]} or removing the "
                "taint ends the wait"
            )
    return out


def _explain_recovery(sc: DaemonSetScope, s: DaemonSetState) -> str:
    out = _explain_nodes(sc, s)
    down = [
        cl.node_name(n)
        for n in _nodes(sc)
        if s.node_state[n] == cl.NODE_DOWN and s.node_exists[n] and not s.node_oos[n]
    ]
    if down:
        out += (
            f". {', '.join(down)} stays down: its daemon pod tolerates the unreachable/not-ready NoExecute taints for "
            "ever (AddOrUpdateDaemonPodTolerations), so nothing deletes it, and it is not Ready until the node "
            "returns or an administrator applies the out-of-service taint, neither of which anything requires"
        )
    return out


def _explain_lacking(sc: DaemonSetScope, s: DaemonSetState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    lacking = [
        cl.node_name(n) for n in _nodes(sc) if _eligible(c, s, n) and not ds.has_available_pod(c, sc, s, n, True)
    ]
    head = f"eligible nodes without an available pod at the update revision: {', '.join(lacking) or 'none'}; "
    return head + _explain_nodes(sc, s) + "".join(f". {why}" for why in _why_waiting(sc, s))


def _steady_surging(sc: DaemonSetScope) -> Value:
    """A rolled-out DaemonSet on fixed nodes and classes, no faults, updated with maxSurge (1 unless set)."""
    return _surging(_steady(sc))


def _surging_node(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, n: int) -> Value:
    """Node n runs an old available pod beside an updated one that is not available yet (a surge)."""
    slots = ds.node_slots(sc, n)
    live = [ops.and_(cl.exists(s, k), ops.not_(s.pod_terminating[k])) for k in slots]
    old_available = ops.or_(
        *[ops.and_(x, s.pod_rev[k] != s.template, s.pod_phase[k] == cl.AVAILABLE) for x, k in zip(live, slots)]
    )
    new_waiting = ops.or_(
        *[ops.and_(x, s.pod_rev[k] == s.template, s.pod_phase[k] != cl.AVAILABLE) for x, k in zip(live, slots)]
    )
    return ops.and_(old_available, new_waiting)


def surging_nodes_within_max_surge(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    desired = ops.count(ds.should_run(ops, s, n, sc.tolerates_no_schedule) for n in _nodes(sc))
    surge = du.surge_count(ops, sc.strategy, sc.max_surge, desired)
    return ops.count(_surging_node(ops, sc, s, n) for n in _nodes(sc)) <= surge


def _explain_surging(sc: DaemonSetScope, s: DaemonSetState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    nodes = [cl.node_name(n) for n in _nodes(sc) if _surging_node(c, sc, s, n)]
    return f"nodes with an old available pod and a new one not yet available: {', '.join(nodes) or 'none'}"


PROPERTIES = (
    Property(
        name="daemonset.at_most_one_pod_per_node",
        meaningful={},
        kind="always",
        doc="with maxSurge 0, a node never has more than one daemon pod object (a Terminating one included)",
        upstream="daemon_controller.go:podsShouldBeOnNode creates only where the node has no pod at all and prunes all "
        "but the oldest",
        predicate=at_most_one_pod_per_node,
        adjust=_no_surge,
        assumes="maxSurge 0",
        explain=_explain_nodes,
    ),
    Property(
        name="daemonset.at_most_two_pods_per_node_while_surging",
        meaningful={},
        kind="always",
        doc="with maxSurge > 0, a node never has more than two daemon pod objects (one old, one new)",
        upstream="update.go:rollingUpdate surges only onto a node with one old pod; podsShouldBeOnNode keeps the "
        "oldest new and oldest old",
        predicate=at_most_two_pods_per_node,
        adjust=_surging,
        assumes="maxSurge 1 (maxUnavailable 0), at least one edit",
        explain=_explain_nodes,
    ),
    Property(
        name="daemonset.at_most_two_pods_per_node_while_surging_with_evictions",
        meaningful={},
        kind="always",
        doc="with maxSurge > 0, a node never has more than two daemon pod objects even when a pod may be evicted",
        upstream="not guaranteed: Terminating pods are skipped by podsShouldBeOnNode, which creates a pod whenever no "
        "non-deleting one is left",
        predicate=at_most_two_pods_per_node,
        adjust=_surging_with_evictions,
        assumes="maxSurge 1, eviction on; no node joining, leaving or relabelled",
        explain=_explain_nodes,
    ),
    Property(
        name="daemonset.no_pod_on_ineligible_node",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="always",
        doc="no non-terminating daemon pod exists on a node whose labels or NoExecute taints exclude the DaemonSet",
        upstream="not guaranteed: the controller is level-triggered — podsShouldBeOnNode deletes such pods on its next "
        "sync (updateNode only enqueues)",
        predicate=no_pod_on_ineligible_node,
        adjust=_relabels,
        assumes="a node's class may change once",
        explain=_explain_nodes,
    ),
    Property(
        name="daemonset.pods_created_only_where_they_should_run",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="step",
        doc="the controller creates a daemon pod only for a node that exists and whose class and taints admit it "
        "(shouldRun)",
        upstream="daemon_controller.go:podsShouldBeOnNode / update.go:rollingUpdate create only for nodes with "
        "NodeShouldRunDaemonPod shouldRun",
        predicate=created_only_where_should_run,
        adjust=_relabels,
        assumes="a node's class may change once",
        explain=_explain_nodes,
    ),
    Property(
        name="daemonset.availability_floor",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="always",
        doc="during a rolling update, nodes that should run a pod but have no available one never exceed "
        "maxUnavailable (faults off)",
        upstream="update.go:rollingUpdate deletes old available pods only while numUnavailable < maxUnavailable "
        "(UnavailableCount rounds up)",
        predicate=availability_floor,
        adjust=_steady,
        assumes="rolled out; RollingUpdate; fixed nodes and classes; no faults",
        explain=_explain_floor,
    ),
    Property(
        name="daemonset.availability_floor_with_faults",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="always",
        doc="the availability floor (at most maxUnavailable nodes without an available pod) when a pod may crash or a "
        "node be partitioned",
        upstream="not guaranteed: the controller only refrains from deleting; it cannot prevent crashes or lost nodes",
        predicate=availability_floor,
        adjust=_steady_with_faults,
        assumes="rolled out; RollingUpdate; fixed nodes; crash and partition on",
        explain=_explain_floor,
    ),
    Property(
        name="daemonset.rollout_completes_on_every_eligible_node",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="sometimes",
        doc="a rolling update to an edited template completes: every eligible node runs exactly one available updated "
        "pod, no old pod is left (witness)",
        upstream="update.go:rollingUpdate + podsShouldBeOnNode",
        predicate=rollout_completed,
        adjust=_rollout,
        assumes="RollingUpdate; at least one edit; node classes fixed",
    ),
    Property(
        name="daemonset.new_node_gets_pod",
        meaningful={},
        kind="sometimes",
        doc="a node that joins the cluster ends up running an available daemon pod (witness)",
        upstream="daemon_controller.go:addNode enqueues the DaemonSet; podsShouldBeOnNode creates the pod",
        predicate=new_node_runs_pod,
        adjust=_with_join,
        min_nodes=TWO_NODES,
        assumes="one node may join (at least two nodes)",
    ),
    Property(
        name="daemonset.finished_or_stuck",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="terminal",
        doc="whenever nothing more can happen, every node that should run a pod runs exactly one available (updated) "
        "pod and no pod is left where it may not stay",
        upstream="daemon_controller.go/update.go: a sync makes progress while any step is possible",
        predicate=ds.quiescent,
        explain=_explain_lacking,
    ),
    Property(
        name="daemonset.runs_on_every_eligible_node",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="leads_to",
        doc="whenever an eligible node lacks an available updated pod, eventually every eligible node has one (no "
        "faults, fixed classes)",
        upstream="level-triggered manage + rollingUpdate; daemon pods tolerate lifecycle taints",
        predicate=eligible_node_lacks_update,
        adjust=_no_faults_fixed_classes,
        assumes="no faults; node classes fixed; at least one edit",
        explain=_explain_lacking,
        target=every_eligible_node_updated,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="daemonset.runs_on_every_eligible_node_with_relabels",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="leads_to",
        doc="whenever an eligible node lacks an available updated pod, eventually every eligible node has one, when a "
        "node's labels or taints may change",
        upstream="not guaranteed: a Pending pod on a node that got a NoSchedule taint counts as unavailable for ever "
        "(update.go) and is never deleted (shouldContinueRunning)",
        predicate=eligible_node_lacks_update,
        adjust=_no_faults,
        assumes="no faults; one class change; at least one edit",
        explain=_explain_lacking,
        target=every_eligible_node_updated,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="daemonset.runs_on_every_eligible_node_with_partition",
        meaningful={"max-surge": "1", "max-unavailable": "0"},
        kind="leads_to",
        doc="whenever an eligible node lacks an available updated pod, eventually every eligible node has one, when a "
        "node may be partitioned (and never required to come back)",
        upstream="not guaranteed: an unreachable node's pods are not Ready and its NoSchedule taint stops new pods "
        "(TaintNodesByCondition)",
        predicate=eligible_node_lacks_update,
        adjust=_partition,
        assumes="one partition; classes fixed; at least one edit",
        explain=_explain_lacking,
        target=every_eligible_node_updated,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="daemonset.recovers_after_node_failure",
        meaningful={},
        kind="leads_to",
        doc="after a node failure, once the node returns or carries the out-of-service taint, every daemon pod is "
        "again Running, Ready and available and every node that should run one has one",
        upstream="node returns: the kubelet reports the tolerating daemon pod Ready again; out-of-service: the pod "
        "does not tolerate node.kubernetes.io/out-of-service (util/daemonset_util.go:AddOrUpdateDaemonPodTolerations "
        "adds only the lifecycle and pressure tolerations), so taint eviction deletes it, podgc gcTerminating "
        "force-deletes it, and manage (NodeShouldRunDaemonPod: shouldContinueRunning false) leaves the node empty",
        predicate=node_back_or_out_of_service,
        adjust=_node_failure(True),
        min_nodes=TWO_NODES,
        assumes="at least two nodes; one node failure; the administrator may taint the failed node "
        "out-of-service; no edit, join, leave or relabel",
        explain=_explain_recovery,
        target=all_running_and_ready,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="daemonset.recovers_after_node_failure_without_intervention",
        meaningful={},
        kind="leads_to",
        doc="after a node failure, every daemon pod is eventually Running and Ready again even if the node never "
        "returns and nobody taints it (not guaranteed)",
        upstream="not guaranteed: daemon pods tolerate the unreachable and not-ready NoExecute taints without "
        "tolerationSeconds, so the pod of a down node stays, not Ready, and shouldContinueRunning keeps it "
        "(daemon_controller.go:podsShouldBeOnNode)",
        predicate=node_failed,
        adjust=_node_failure(False),
        min_nodes=TWO_NODES,
        assumes="at least two nodes; one node failure; no out-of-service taint; no edit, join, leave or relabel",
        explain=_explain_recovery,
        target=all_running_and_ready,
        fairness=WEAK_FAIRNESS,
    ),
    pods_bound_only_to_ready_nodes("daemonset", {"faults": "partition,node-failure"}),
    Property(
        name="daemonset.surging_nodes_within_max_surge",
        kind="always",
        meaningful={"nodes": "3"},
        doc="with maxSurge, at most maxSurge nodes run an old available pod beside a new one that is not yet available",
        upstream="daemon/update.go:rollingUpdate (surge: new pods beside available old ones only for "
        "max(0, maxSurge - numSurge) candidates; util.SurgeCount rounds a percent up)",
        predicate=surging_nodes_within_max_surge,
        adjust=_steady_surging,
        assumes="rolled out; RollingUpdate; maxSurge 1 unless set (maxUnavailable 0); fixed nodes and classes; "
        "no faults",
        explain=_explain_surging,
    ),
)
