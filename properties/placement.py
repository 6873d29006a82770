"""Where the scheduler may put a pod, for the models whose pods are placed on named nodes.

Upstream: ``pkg/scheduler`` binds a pod only to a node that passes the filters, and
``pkg/controller/nodelifecycle/node_lifecycle_controller.go`` (doNoScheduleTaintingPass) taints a
node whose Ready condition is False or Unknown with ``node.kubernetes.io/not-ready`` or
``node.kubernetes.io/unreachable`` NoSchedule, which the TaintToleration filter refuses (daemon
pods tolerate those taints only with effect NoExecute:
``pkg/controller/daemon/util/daemonset_util.go:AddOrUpdateDaemonPodTolerations``); a pod whose
Node object is gone has nowhere to be bound (the NodeName filter and the node cache). The model's
scheduler is :func:`kubecheck.model.controllers.cluster.cluster_commands`' ``scheduler.bind_pod``;
this property says what it must never do, read on the pod slots, so it notices a bind that some
other command smuggles in as well as a wrong guard.
"""

from __future__ import annotations

from collections.abc import Mapping

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import Property


def bound_only_to_ready_nodes(ops: Ops, sc: cl.PlacedScope, s: cl.PlacedState, t: cl.PlacedState) -> Value:
    """A pod that the step binds (unscheduled before, on a node after) is bound to a node that was
    Ready and whose Node object existed."""
    return ops.and_(
        *[
            ops.implies(
                ops.and_(s.pod_phase[k] == cl.UNSCHEDULED, cl.bound_to(ops, t, k, n)),
                ops.and_(s.node_state[n] == cl.NODE_READY, s.node_exists[n]),
            )
            for k in range(len(s.pod_phase))
            for n in range(len(s.node_state))
        ]
    )


def _explain(sc: cl.PlacedScope, s: cl.PlacedState) -> str:
    nodes = [
        f"{cl.node_name(n)} {cl.NODE_STATE_NAMES[s.node_state[n]]}{'' if s.node_exists[n] else ' (no Node object)'}"
        for n in range(len(s.node_state))
    ]
    return f"nodes: {', '.join(nodes)}"


def pods_bound_only_to_ready_nodes(model: str, meaningful: Mapping[str, str]) -> Property:
    """The row of ``model`` (statefulset, daemonset): the scheduler binds pods only to Ready nodes;
    ``meaningful``: the settings under which nodes stop being Ready (node faults on)."""
    return Property(
        name=f"{model}.pods_bound_only_to_ready_nodes",
        kind="step",
        doc="the scheduler binds a pod only to a node that is Ready and whose Node object exists",
        upstream="node_lifecycle_controller.go taints NotReady/unreachable nodes NoSchedule (not-ready, "
        "unreachable); the scheduler's TaintToleration and NodeName filters refuse them",
        predicate=bound_only_to_ready_nodes,
        explain=_explain,
        meaningful=meaningful,
    )
