"""Nodes that fail under a Deployment (issue 13 item 3): the cluster layer's node lifecycle over pod counters.

Upstream (v1.35): ``pkg/controller/util/node/controller_utils.go:MarkPodsNotReady`` (from
``node_lifecycle_controller.go``) marks a lost node's pods not Ready; ``controller_utils.go:FilterActivePods``
still counts them active, so the ReplicaSet does not replace them; the DefaultTolerationSeconds
admission plugin's 300 s run out and ``tainteviction/taint_eviction.go`` deletes them gracefully
(Terminating: not active, replaced); only the node's kubelet confirms the deletion, so they stay
Terminating until the node returns, ``podgc/gc_controller.go:gcOrphaned`` removes them after the Node
object is deleted, the user force-deletes them, or ``gcTerminating`` removes them from a shut-down
node with the out-of-service taint.

Each test takes states and steps from the model's own commands (reach.py) or verdicts from the
runner; none re-implements a controller.
"""

from __future__ import annotations

import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.properties import catalog
from kubecheck.properties.deployment_nodes import lost_node

TINY = PRESETS["tiny"]
ONE_NODE = with_settings(TINY, {"nodes": "1", "faults": "partition"})
TWO_NODES = with_settings(TINY, {"nodes": "2", "faults": "partition"})


def verdict(scope, short: str):
    [result] = run.check(Task(MODEL, scope, catalog.properties("deployment", [short]), engine="explicit"))
    return result


def names(scope, state) -> list[str]:
    return [a.command.name for a, _ in successors(MODEL, scope, state)]


def after(scope, state, name: str, **params):
    for action, nxt in successors(MODEL, scope, state):
        if action.command.name == name and all(dict(action.params).get(k) == v for k, v in params.items()):
            return nxt
    raise AssertionError(f"{name}{params} is not enabled")


# -- scope: node faults need placed pods -----------------------------------------------------------


@pytest.mark.parametrize("fault", ["partition", "node-failure", "node-delete", "force-delete"])
def test_a_node_fault_without_nodes_is_refused_naming_the_field(fault: str) -> None:
    with pytest.raises(ScopeError, match=f"nodes: expected 1 or 2 with the fault {fault} .*got 0"):
        with_settings(TINY, {"faults": fault}).validate()


def test_the_out_of_service_taint_needs_the_node_failure_fault() -> None:
    with pytest.raises(ScopeError, match="out-of-service: expected false unless faults has node-failure"):
        with_settings(TINY, {"nodes": "1", "faults": "partition", "out-of-service": "true"}).validate()


def test_without_a_node_fault_the_state_has_no_node_fields() -> None:
    s = MODEL.init(with_settings(TINY, {"nodes": "2"}))
    assert (s.node_state, s.node_exists, s.node_oos) == ((), (), ())


# -- the lifecycle, step by step --------------------------------------------------------------------


def test_a_partition_marks_the_nodes_pods_not_ready_and_they_stay_active() -> None:
    s = after(ONE_NODE, MODEL.init(ONE_NODE), "fault.partition_node", node=0)
    assert s.node_state == (cl.NODE_PARTITIONED,)
    assert (d.in_phase(s, "available", 0), d.in_phase(s, "running", 0)) == (0, 2)
    assert d.active_pods(s, 0) == 2  # FilterActivePods: not replaced while merely unreachable
    synced = after(ONE_NODE, s, "replicaset-controller.sync_replicaset", rs=0)
    assert (synced.rs_status_available[0], synced.unscheduled[0]) == (0, 0)  # status follows, no replacement


def test_an_unreachable_pod_is_evicted_then_replaced_but_stays_terminating_until_the_node_returns() -> None:
    s = after(ONE_NODE, MODEL.init(ONE_NODE), "fault.partition_node", node=0)
    s = after(ONE_NODE, s, "node-lifecycle.evict_pod", rs=0, node=0, phase="running")
    assert (d.in_phase(s, "terminating", 0), d.active_pods(s, 0)) == (1, 1)
    assert "kubelet.pod_terminated" not in names(ONE_NODE, s)  # no kubelet confirms
    replaced = after(ONE_NODE, s, "replicaset-controller.sync_replicaset", rs=0)
    assert replaced.unscheduled[0] == 1
    assert "scheduler.bind_pod" not in names(ONE_NODE, replaced)  # the only node is not Ready
    back = after(ONE_NODE, replaced, "node.reconnect", node=0)
    assert "kubelet.pod_terminated" in names(ONE_NODE, back)
    assert "scheduler.bind_pod" in names(ONE_NODE, back)


def test_pods_that_tolerate_unreachable_for_ever_are_never_evicted() -> None:
    scope = with_settings(ONE_NODE, {"tolerates-unreachable": "true"})
    lost = after(scope, MODEL.init(scope), "fault.partition_node", node=0)
    assert "node-lifecycle.evict_pod" not in names(scope, lost)
    assert "node-lifecycle.evict_pod" in names(ONE_NODE, after(ONE_NODE, MODEL.init(ONE_NODE), "fault.partition_node"))


def test_force_delete_removes_a_pod_stuck_terminating_on_a_lost_node() -> None:
    scope = with_settings(TINY, {"nodes": "1", "faults": "partition,force-delete", "fault-budget": "2"})
    s = after(scope, MODEL.init(scope), "fault.partition_node", node=0)
    s = after(scope, s, "node-lifecycle.evict_pod", rs=0, node=0, phase="running")
    gone = after(scope, s, "fault.force_delete_pod", rs=0, node=0, phase="terminating")
    assert d.in_phase(gone, "terminating", 0) == 0
    assert gone.faults_left == 0


def test_the_out_of_service_taint_lets_podgc_remove_terminating_pods_of_a_shut_down_node() -> None:
    scope = with_settings(TINY, {"nodes": "1", "faults": "node-failure", "out-of-service": "true"})
    s = after(scope, MODEL.init(scope), "fault.fail_node", node=0)
    assert s.node_state == (cl.NODE_DOWN,)
    s = after(scope, s, "user.taint_out_of_service", node=0)
    s = after(scope, s, "taint-eviction.evict_out_of_service_pod", rs=0, node=0, phase="running")
    s = after(scope, s, "pod-gc.delete_terminating_on_out_of_service_node", rs=0, node=0, phase="terminating")
    assert d.in_phase(s, "terminating", 0) == 0
    assert after(scope, s, "node.reconnect", node=0).node_oos == (False,)  # the administrator removes the taint


def test_deleting_the_node_object_lets_podgc_remove_its_pods() -> None:
    scope = with_settings(TINY, {"nodes": "1", "faults": "partition,node-delete", "fault-budget": "2"})
    s = after(scope, MODEL.init(scope), "fault.partition_node", node=0)
    s = after(scope, s, "fault.delete_node", node=0)
    s = after(scope, s, "pod-gc.delete_orphaned_pod", rs=0, node=0, phase="running")
    assert d.active_pods(s, 0) == 1 and d.in_phase(s, "terminating", 0) == 0


def test_the_shared_commands_speak_the_cluster_layers_words() -> None:
    ours = {c.name: c.doc for c in MODEL.commands if c.name in cl.WORDS}
    assert ours == {name: cl.WORDS[name] for name in ours} and len(ours) == len(cl.WORDS)


# -- verdicts ----------------------------------------------------------------------------------------

ONE_NODE_VERDICTS = [
    ("availability_floor_under_node_failure", Verdict.VIOLATED),
    ("surge_bound_under_node_failure", Verdict.HOLDS),
    ("no_ready_pod_on_lost_node", Verdict.HOLDS),
    ("pod_stranded_on_lost_node", Verdict.UNREACHABLE),  # it needs a second node to serve from
    ("rollout_completes_despite_lost_node", Verdict.VIOLATED),  # no other node: only the node's return helps
]


@pytest.mark.parametrize(("short", "expected"), ONE_NODE_VERDICTS, ids=[n for n, _ in ONE_NODE_VERDICTS])
def test_verdicts_on_one_node(short: str, expected: Verdict) -> None:
    assert verdict(ONE_NODE, short).verdict is expected


def test_the_floor_breaks_at_the_partition_itself() -> None:
    result = verdict(ONE_NODE, "availability_floor_under_node_failure")
    assert [s.action.command.name for s in result.trace.steps] == ["fault.partition_node"]


def test_a_pod_is_stranded_on_the_lost_node_mid_rollout() -> None:
    result = verdict(TWO_NODES, "pod_stranded_on_lost_node")
    assert result.verdict is Verdict.WITNESSED
    taken = [(s.action.command.name, dict(s.action.params).get("node")) for s in result.trace.steps]
    assert ("fault.partition_node", 1) in taken and ("node-lifecycle.evict_pod", 1) in taken


def test_the_rollout_completes_on_the_other_node() -> None:
    assert verdict(TWO_NODES, "rollout_completes_despite_lost_node").verdict is Verdict.HOLDS


def test_the_rollout_waits_for_the_node_when_pods_tolerate_unreachable_for_ever() -> None:
    scope = with_settings(TWO_NODES, {"tolerates-unreachable": "true"})
    assert verdict(scope, "rollout_completes_despite_lost_node").verdict is Verdict.VIOLATED


def test_the_adjustment_keeps_the_users_node_faults_and_nodes() -> None:
    scope = lost_node(with_settings(TINY, {"nodes": "1", "faults": "node-failure"}))
    assert (scope.nodes, scope.faults, scope.min_ready_seconds) == (1, frozenset({"node-failure"}), 0)
    assert lost_node(PRESETS["small"]).faults == frozenset({"partition"}) and lost_node(PRESETS["small"]).nodes == 2


# -- the compiled successor function (the explicit engine's) is the reference one on node scopes ----

EVERY_NODE_FAULT = with_settings(
    TINY,
    {
        "nodes": "1",
        "faults": "partition,node-failure,node-delete,force-delete",
        "out-of-service": "true",
        "fault-budget": "2",
    },
)


def test_compiled_successors_equal_the_reference_interpreters_and_fire_every_node_command() -> None:
    """On an even sample of the reachable states of a scope with every node fault (the test of
    tests/model/test_compiled_semantics.py, for the commands this item adds)."""
    from kubecheck.checker.explicit.compile import compile_model
    from kubecheck.model.kernel.schema import Schema

    c = compile_model(MODEL, EVERY_NODE_FAULT)
    schema = Schema(MODEL.state_cls, EVERY_NODE_FAULT)
    states = c.reachable()
    fired = set()
    for flat in states[:: max(1, len(states) // 300)]:
        expect = {(a.label, schema.flatten(t)) for a, t in successors(MODEL, EVERY_NODE_FAULT, schema.unflatten(flat))}
        got = {(c.actions[a].label, t) for a, t in c.successors(flat)}
        assert got == expect, f"successors differ at {schema.unflatten(flat)}"
        fired.update(c.actions[a].name for a, _ in c.successors(flat))
    assert set(cl.WORDS) <= fired


@pytest.mark.parametrize(
    "scope",
    [ONE_NODE, with_settings(TWO_NODES, {"tolerates-unreachable": "true"})],
    ids=["one node", "two nodes, pods tolerate unreachable for ever"],
)
def test_the_rollout_completes_once_the_node_is_back(scope) -> None:
    assert verdict(scope, "rollout_completes_once_nodes_return").verdict is Verdict.HOLDS
