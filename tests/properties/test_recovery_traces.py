"""Recovery after a node failure, as traces a user can read (issue 14): the shortest run in which the node that runs
a pod fails while every pod is Ready, and every pod is Running and Ready again once the node returns (or, with the
node gone for good, once the administrator applies the out-of-service taint).

A liveness property that HOLDS has no trace, so the run is found by a staged breadth-first search over the model's
own commands (stage 0: every pod Ready, the fault not yet taken; stage 1: a node holding a pod failed; stage 2: the
property's target holds again), then replayed through the reference semantics (:func:`traces.replay`), which is
what ``kubecheck replay`` prints. ``python -m`` is not needed: the helper is :func:`recovery_run`.
"""

from __future__ import annotations

from collections import deque

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.kernel import traces
from kubecheck.model.kernel.ops import CONCRETE as C
from kubecheck.properties import catalog


def recovery_run(workload: str, short: str, require: str = "") -> traces.Trace:
    """The shortest recovery run; ``require``: a command the recovery must take (node.reconnect is then excluded)."""
    model = catalog.model(workload)
    prop = catalog.properties(workload, [f"{workload}.{short}"])[0]
    scope = prop.adjust(model.presets["tiny"])
    actions = [a for a in model.actions(scope) if not (require and a.name == "node.reconnect")]
    start = (model.init(scope), 0)
    prev: dict = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        s, stage = here
        if stage == 0 and s.faults_left == 1 and prop.target(C, scope, s):
            stage = 1
        for a in actions:
            if not a.guard(C, scope, s):
                continue
            t = attrs.evolve(s, **a.effect(C, scope, s))
            nxt = stage
            if stage == 1 and t.faults_left == 0:
                node = a.kwargs["node"]
                if not any(cl.bound_to(C, s, k, node) for k in range(len(s.pod_phase))):
                    continue  # the failed node must hold a pod
                nxt = 2
            elif stage == 2 and (not require or a.name == require):
                nxt = 3
            if nxt >= 2 and prop.predicate(C, scope, t) and prop.target(C, scope, t) and nxt == 3:
                labels = [a.label]
                k = here
                while prev[k] is not None:
                    k, label = prev[k]
                    labels.append(label)
                return traces.replay(model, scope, reversed(labels))
            key = (t, nxt)
            if key not in prev:
                prev[key] = (here, a.label)
                queue.append(key)
    raise AssertionError("no recovery run")


def _labels(trace: traces.Trace) -> list[str]:
    return trace.labels()


def test_statefulset_pod_is_ready_again_when_its_node_returns():
    trace = recovery_run("statefulset", "recovers_after_node_failure")
    labels = _labels(trace)
    assert labels[-3:] == ["fault.fail_node(node=0)", "node.reconnect(node=0)", "kubelet.pod_ready(pod=0, node=0)"]
    assert trace.last.pod_node[0] == 0  # the same node: the kubelet restarts the containers


def test_statefulset_pod_moves_to_another_node_after_the_out_of_service_taint():
    trace = recovery_run("statefulset", "recovers_after_node_failure", require="user.taint_out_of_service")
    tail = [x.split("(")[0] for x in _labels(trace)[_labels(trace).index("fault.fail_node(node=0)") :]]
    assert tail[:5] == [
        "fault.fail_node",
        "node-lifecycle.evict_pod",
        "user.taint_out_of_service",
        "pod-gc.delete_terminating_on_out_of_service_node",
        "statefulset-controller.create_pod",
    ]
    assert "attach-detach.force_detach_volume" in tail and tail[-1] == "kubelet.pod_ready"
    assert trace.last.pod_node[0] == 1 and trace.last.node_state[0] == cl.NODE_DOWN


def test_daemon_pod_is_ready_again_when_its_node_returns():
    labels = _labels(recovery_run("daemonset", "recovers_after_node_failure"))
    assert labels == ["fault.fail_node(node=0)", "node.reconnect(node=0)", "kubelet.pod_ready(pod=0, node=0)"]


def test_out_of_service_node_loses_its_daemon_pod():
    labels = _labels(recovery_run("daemonset", "recovers_after_node_failure", require="user.taint_out_of_service"))
    assert [x.split("(")[0] for x in labels] == [
        "fault.fail_node",
        "user.taint_out_of_service",
        "daemonset-controller.manage",
        "pod-gc.delete_terminating_on_out_of_service_node",
    ]


def test_traces_word_the_taint_the_failure_and_the_failed_pod():
    """The describers name what the new commands do in Kubernetes words (no raw field dumps)."""
    from kubecheck.cli import trace_text

    text = "\n".join(
        trace_text.steps(recovery_run("statefulset", "recovers_after_node_failure", "user.taint_out_of_service"))
    )
    assert "node/node-a tainted node.kubernetes.io/out-of-service=nodeshutdown:NoExecute" in text
    assert "node_oos" not in text and "failure_state" not in text

    scale = catalog.properties("statefulset", ["statefulset.scale_down_proceeds_while_a_pod_is_unhealthy"])[0]
    from kubecheck.checker import run
    from kubecheck.checker.task import Task

    r = run.check(Task(catalog.model("statefulset"), catalog.model("statefulset").presets["tiny"], [scale]))[0]
    text = " ".join("\n".join(trace_text.steps(r.trace)).split())
    assert (
        "failure never-ready: the readiness probe fails: Running, never Ready; pods of the first template "
        "(only web-0); from a fault step on; permanent" in text
    )
    assert "failure never-ready begins: the readiness probe fails: Running, never Ready" in text

    model = catalog.model("statefulset")
    from kubecheck.model.kernel.scopes import with_settings

    scope = with_settings(model.presets["tiny"], {"failure": "evicted", "failing-revision": "any"})
    evicted = traces.replay(
        model,
        scope,
        [
            "statefulset-controller.create_pod",
            "scheduler.bind_pod(pod=0, node=0)",
            "attach-detach.attach_volume(claim=0, node=0)",
            "kubelet.start_pod(pod=0, node=0)",
            "kubelet.evict_pod_under_pressure(pod=0, node=0)",
        ],
    )
    assert "pod/web-0 Running, not Ready → Failed (Evicted)" in "\n".join(trace_text.steps(evicted))
