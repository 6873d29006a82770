"""The node-pool upgrade's replacement node (model/controllers/disruption.py, ``node-pool-upgrade.replace_node``).

Upstream: a node-pool upgrade (cluster-autoscaler / a managed node pool) drains a node with
``kubectl drain``, deletes the machine and registers a fresh one under the same name; the kubelet
of the new machine creates the Node object (``pkg/kubelet/kubelet_node_status.go``,
``registerWithAPIServer``) and reports the Ready condition. With node faults on, the model keeps
each Node's readiness and whether its object exists: after the replacement the node is Ready and
its Node object exists, whatever a fault did to the old machine (a node partitioned before its
drain comes back Ready). The transitions are the
model's own (tests/behaviour/reach.py). Kills disruption ``_replace_effect`` 22.
"""

from __future__ import annotations

from reach import steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.scopes import with_settings

UPGRADE = {"nodes": "2", "scenario": "node-upgrade", "edits": "0", "pdb-min-available": "1"}
#: node-delete puts the nodes' readiness and Node objects in the state (the first replacement is
#: reached among the first 300 states, breadth first).
SCOPE = with_settings(MODEL.presets["tiny"], UPGRADE | {"faults": "node-delete", "fault-budget": "1"})


def test_a_replaced_node_registers_ready_with_its_node_object() -> None:
    assert SCOPE.has_node_faults
    replaced = 0
    for _s, action, t in steps(MODEL, SCOPE, limit=300):
        if action.name == "node-pool-upgrade.replace_node":
            node = action.kwargs["node"]
            assert t.node_exists[node] is True, action.label
            assert t.node_state[node] == cl.NODE_READY, action.label
            replaced += 1
    assert replaced
