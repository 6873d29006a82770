"""The cluster layer's pod faults, read through the StatefulSet model (model/controllers/cluster.py).

Upstream (Kubernetes v1.35): ``kubectl delete pod --grace-period=0 --force`` removes the pod object
from the API at once, without waiting for the kubelet; the containers keep running until the
node's kubelet notices that the pod is gone (``HandlePodCleanups`` in ``pkg/kubelet/kubelet_pods.go``
kills running pods that have no API object), which it can only do while the node is reachable.
A container crash (the ``crash`` fault) restarts the container: the pod stays, Running, not
Ready, until the readiness probe passes again. A scope's fault budget bounds how many faults one
run may have. The transitions are the model's own (tests/behaviour/reach.py).
Kills cluster ``cluster_commands`` 158, 252, 257 (campaign 3's cluster.py names run by H5).
"""

from __future__ import annotations

import attrs
from reach import steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.kernel.ops import CONCRETE

MODEL = st.MODEL
TINY = MODEL.presets["tiny"]


def test_a_crash_fault_turns_a_ready_pod_running_and_uses_one_fault_up() -> None:
    sc = attrs.evolve(TINY, faults=frozenset({"crash"}), fault_budget=1)
    crashes = 0
    for s, action, t in steps(MODEL, sc, limit=400):
        if action.name != "fault.crash_pod":
            continue
        crashes += 1
        pod = action.kwargs["pod"]
        assert s.faults_left == 1 and t.faults_left == 0, action.label
        assert s.pod_phase[pod] >= cl.READY and t.pod_phase[pod] == cl.RUNNING, action.label
    assert crashes


def test_a_force_deleted_pods_containers_run_on_until_the_reachable_kubelet_kills_them() -> None:
    sc = attrs.evolve(TINY, faults=frozenset({"force-delete"}), fault_budget=1)
    forced = killed = 0
    for s, action, t in steps(MODEL, sc, limit=1500):
        pod = action.kwargs.get("pod")
        if action.name == "fault.force_delete_pod" and cl.containers_running(CONCRETE, s, pod):
            forced += 1
            assert not cl.containers_running(CONCRETE, t, pod) and t.pod_ghost[pod] == s.pod_node[pod] + 1
            assert cl.running_instances(CONCRETE, t, pod) == 1, action.label
        elif action.name == "kubelet.kill_orphan":
            killed += 1
            assert s.pod_ghost[pod] == action.kwargs["node"] + 1 and t.pod_ghost[pod] == 0, action.label
            assert cl.running_instances(CONCRETE, t, pod) == cl.running_instances(CONCRETE, s, pod) - 1
    assert forced and killed
