"""A node that fails under a Deployment: what the rollout still guarantees, and what it does not.

The question users ask: "if a node dies during the rollout, do I drop below my floor, and does
the rollout finish?" Each property speaks about the user's Deployment with its pods placed on
nodes (two unless the scope says one), minReadySeconds 0 (the placed model's limit) and a node
fault (the scope's, or ``partition``: the node becomes unreachable), at most fault-budget of them.
The model is :mod:`kubecheck.model.controllers.deployment_nodes` (the cluster layer's node
lifecycle over the pod counters).

Upstream (v1.35): pods of an unreachable node are marked not Ready
(``pkg/controller/util/node/controller_utils.go:MarkPodsNotReady``, from
``node_lifecycle_controller.go``) but stay active (``controller_utils.go:FilterActivePods``), so the
ReplicaSet does not replace them; the DefaultTolerationSeconds admission plugin gives them 300 s
of the unreachable/not-ready NoExecute taints, after which ``tainteviction/taint_eviction.go``
deletes them gracefully: Terminating, not active, replaced; they stay Terminating until the node
returns, is deleted (``podgc/gc_controller.go:gcOrphaned``), the pod is force-deleted, or the
out-of-service taint lets ``gcTerminating`` remove them. maxUnavailable bounds only the
controller's own scale-downs (``rolling.go:reconcileOldReplicaSets``), never a node's loss.

Two rows state why they hold (``Property.lemmas``), so they are PROVED for every replicas,
maxSurge and maxUnavailable by clauses Houdini keeps and fresh solvers re-check:

* ``surge_bound_under_node_failure``: a node's loss, its evictions and PodGC touch pods, never a
  ReplicaSet's spec.replicas or its desired-replicas annotation, so the argument of
  ``replicas_within_surge`` (:func:`kubecheck.properties.deployment.surge_lemmas`: no pause, no scale,
  so no sync is a scaling event and only NewRSNewReplicas grows a ReplicaSet, within the surge)
  carries over unchanged.
* ``no_ready_pod_on_lost_node``: with minReadySeconds 0 a Ready pod is available at once, so the
  ``ready`` counters stay 0 (:func:`lost_node_lemmas`); the fault marks a node's available pods
  Running in the same step (MarkPodsNotReady after the node monitor grace period), and only a
  reporting kubelet on a Ready node makes a pod Ready (``kubelet/status/status_manager.go``; the
  node lifecycle controller only ever sets Ready False), so the property is then inductive itself.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment_scope import NODE_FAULTS, DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property
from kubecheck.properties.deployment import (
    availability_floor,
    replicas_within_surge,
    rollout_in_progress,
    rollout_settled,
    surge_lemmas,
)


def lost_node(sc: DeploymentScope) -> Value:
    """The user's Deployment on its nodes (two unless set) with the scope's node faults (``partition`` unless
    one is set), at least one fault, replicas fixed, minReadySeconds 0 and no shared claim (the placed model's
    limits)."""
    faults = sc.faults if any(f in sc.faults for f in NODE_FAULTS) else sc.faults | {"partition"}
    return attrs.evolve(
        sc,
        scale_to=(),
        nodes=sc.nodes or 2,
        min_ready_seconds=0,
        claims=False,
        faults=frozenset(faults),
        fault_budget=max(1, sc.fault_budget),
    )


_ASSUMES = (
    "pods placed on nodes (two unless set), minReadySeconds 0; a node fault (partition unless set), at most "
    "fault-budget (>= 1) faults; replicas not changed by the user"
)


def _lost(ops: Ops, s: DeploymentState, n: int) -> Value:
    return ops.not_(cl.is_node_ready(s, n))


def no_ready_pod_on_lost_node(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """No pod on a node that is not Ready is counted Ready or available."""
    if not sc.has_node_faults:
        return ops.and_()
    return ops.and_(
        *[ops.implies(_lost(ops, s, n), d.on_node(s, n, ("ready", "available")) == 0) for n in range(sc.nodes)]
    )


def lost_node_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why no pod on a lost node counts Ready (candidates; see Property.lemmas).

    With minReadySeconds 0 a pod that turns Ready is available at once (the ``ready`` phase is
    never entered: deployment_util.go:IsPodAvailable needs no wait), so every ``ready`` counter
    stays 0; the node fault marks the node's available pods Running at once (MarkPodsNotReady),
    and only a Ready node's kubelet makes a pod Ready, so a lost node never gains an available pod.
    """
    if sc.has_min_ready:
        return []
    return [c == 0 for c in s.ready]


def pod_stranded_on_lost_node(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """A rollout is under way (a template edit made, not complete) and a pod is Terminating on a lost node while
    the Deployment still serves from another node."""
    if not sc.has_node_faults:
        return ops.or_()
    stranded = [
        ops.and_(_lost(ops, s, n), d.on_node(s, n, ("terminating",)) > 0, d.on_node(s, m, ("available",)) > 0)
        for n in range(sc.nodes)
        for m in range(sc.nodes)
        if m != n
    ]
    return ops.and_(s.templates_used > 1, rollout_in_progress(ops, sc, s), ops.or_(*stranded))


def in_progress_with_nodes_back(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """A rollout is in progress, every node is Ready (a lost one came back) and no fault is left."""
    back = [cl.is_node_ready(s, n) for n in range(len(s.node_state))]
    return ops.and_(rollout_in_progress(ops, sc, s), s.faults_left == 0, *back)


def _explain_nodes(sc: DeploymentScope, s: DeploymentState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    parts = []
    for n in range(sc.nodes):
        state = cl.NODE_STATE_NAMES[s.node_state[n]] if s.node_state else "Ready"
        counts = ", ".join(
            f"{d.on_node(s, n, (phase,))} {phase}" for phase in d.BOUND + ("terminating",) if d.on_node(s, n, (phase,))
        )
        parts.append(f"{cl.node_name(n)} {state}: {counts or 'no pods'}")
    floor = d.min_available(c, sc, s)
    return f"{d.available_pods(c, s)} available (floor {floor}); " + "; ".join(parts)


PROPERTIES = (
    Property(
        name="deployment.availability_floor_under_node_failure",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="available pods never drop below replicas - maxUnavailable, even when a node is lost mid-rollout",
        upstream="not guaranteed: maxUnavailable bounds only the controller's own scale-downs "
        "(rolling.go:reconcileOldReplicaSets); a lost node's pods are marked not Ready at once "
        "(controller_utils.go:MarkPodsNotReady)",
        predicate=availability_floor,
        adjust=lost_node,
        assumes=_ASSUMES,
        explain=_explain_nodes,
    ),
    Property(
        name="deployment.surge_bound_under_node_failure",
        meaningful={},
        kind="always",
        doc="Σ ReplicaSet spec.replicas never exceeds replicas + maxSurge when a node is lost: the lost pods are not "
        "replaced beyond the surge while they are active, and an evicted one is replaced within its ReplicaSet",
        upstream="rolling.go:reconcileNewReplicaSet via deployment_util.go:NewRSNewReplicas; pods of a lost node stay "
        "active (controller_utils.go:FilterActivePods) until taint_eviction.go deletes them; node faults change "
        "pods, never a ReplicaSet's spec.replicas, so replicas_within_surge's lemmas prove it",
        predicate=replicas_within_surge,
        adjust=lost_node,
        assumes=_ASSUMES,
        explain=_explain_nodes,
        lemmas=surge_lemmas,
    ),
    Property(
        name="deployment.no_ready_pod_on_lost_node",
        meaningful={"nodes": "2", "faults": "node-failure"},
        kind="always",
        doc="no pod on a node that is not Ready counts as Ready or available (a Service stops sending it traffic)",
        upstream="node_lifecycle_controller.go marks the pods of a node whose Ready condition is Unknown not Ready "
        "(controller_utils.go:MarkPodsNotReady); only a reporting kubelet sets Ready again, on a Ready node; with "
        "minReadySeconds 0 no pod waits Ready-but-unavailable (lemma: ready counters 0)",
        predicate=no_ready_pod_on_lost_node,
        adjust=lost_node,
        assumes=_ASSUMES,
        explain=_explain_nodes,
        lemmas=lost_node_lemmas,
    ),
    Property(
        name="deployment.pod_stranded_on_lost_node",
        meaningful={},
        kind="sometimes",
        doc="mid-rollout, a pod is stuck Terminating on a lost node while the Deployment serves from the other one",
        upstream="taint_eviction.go deletes the pods of a node tainted node.kubernetes.io/unreachable:NoExecute after "
        "the DefaultTolerationSeconds admission plugin's 300 s; only the node's kubelet confirms a graceful "
        "deletion (pkg/registry/core/pod/strategy.go)",
        predicate=pod_stranded_on_lost_node,
        adjust=lost_node,
        assumes=_ASSUMES,
        explain=_explain_nodes,
    ),
    Property(
        name="deployment.rollout_completes_despite_lost_node",
        meaningful={},
        kind="leads_to",
        doc="a rollout in progress eventually completes (or the user pauses it) although a node is lost and never "
        "returns: its pods are evicted and replaced on another node",
        upstream="taint_eviction.go deletes a lost node's pods once the 300 s tolerations run out (not for pods that "
        "tolerate the taints for ever: tolerates-unreachable); deleted pods are not active "
        "(controller_utils.go:FilterActivePods), so replica_set.go:manageReplicas replaces them on a Ready node",
        predicate=rollout_in_progress,
        adjust=lost_node,
        assumes=_ASSUMES,
        explain=_explain_nodes,
        target=rollout_settled,
        fairness=WEAK_FAIRNESS + "; the node's return (node.reconnect) is one of them",
    ),
    Property(
        name="deployment.rollout_completes_once_nodes_return",
        meaningful={},
        kind="leads_to",
        doc="once every lost node is back (and no fault is left), a rollout in progress eventually completes (or the "
        "user pauses it), even on one node and with pods that tolerate unreachable nodes for ever",
        upstream="the returning kubelet reports its pods Ready again and confirms their deletions "
        "(pkg/registry/core/pod/strategy.go); the node lifecycle controller removes the unreachable taints; "
        "rolling.go/recreate.go then proceed on ReplicaSet status",
        predicate=in_progress_with_nodes_back,
        adjust=lost_node,
        assumes=_ASSUMES,
        explain=_explain_nodes,
        target=rollout_settled,
        fairness=WEAK_FAIRNESS,
    ),
)
