"""A pod waiting for its volume eventually runs — and the 6-minute force detach is why, after a partition.

``statefulset.pod_waiting_for_volume_eventually_runs`` (properties/volumes.py): whenever a pod sits
in ContainerCreating because its ReadWriteOnce volume is still attached to another node, eventually
no pod is left in ContainerCreating. Per-ordinal claims: web-i's claim is used by web-i alone, and
a new web-i exists only once the old object is gone (name uniqueness), so the volume is no longer
wanted on the old node.

* Eviction (the old node is healthy): the kubelet unmounts, ``detach_volume`` is continuously
  enabled and weakly fair, then ``attach_volume`` on the new node, then ``start_pod``: HOLDS.
* Partition + force delete: the old node cannot unmount (its kubelet is unreachable, the orphaned
  containers may even still run), so the normal detach is never enabled. What frees the volume
  is ``force_detach_volume``: reconciler.go force-detaches from a node that is not Ready once
  maxWaitForUnmountDuration (6 min) has passed. It is continuously enabled while the node stays
  unreachable, so weak fairness suffices: HOLDS.
* Without the force detach (kube-controller-manager ``--disable-force-detach-on-timeout``; the
  model has no scope switch for it yet, so the test drops the command): VIOLATED — web-0 waits on
  node-b for ever while data-web-0 stays attached to the unreachable node-a; only the node coming
  back (``node.reconnect``, an environment action fairness never requires) would end it.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.task import Task
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.kernel.commands import enabled
from kubecheck.properties import volumes as vp

RUNS = next(p for p in vp.PROPERTIES if p.short == "pod_waiting_for_volume_eventually_runs")
AFTER_FORCE = next(p for p in vp.PROPERTIES if p.short == "pod_waiting_for_volume_eventually_runs_after_force_delete")
WAITS = next(p for p in vp.PROPERTIES if p.short == "pod_waits_for_multi_attach")
NO_FORCE_DETACH = attrs.evolve(
    st.MODEL, commands=tuple(c for c in st.MODEL.commands if c.name != "attach-detach.force_detach_volume")
)


@cache
def check(prop, preset: str, force_detach: bool = True):
    model = st.MODEL if force_detach else NO_FORCE_DETACH
    return liveness.check(Task(model, prop.adjust(model.presets[preset]), [prop]))[0]


@pytest.mark.parametrize("preset", ["tiny", "small"])
@pytest.mark.parametrize("prop", [RUNS, AFTER_FORCE], ids=lambda p: p.short)
def test_a_waiting_pod_eventually_runs(prop, preset: str) -> None:
    r = check(prop, preset)
    assert r.verdict is Verdict.HOLDS and r.stats.complete
    assert r.scope.access_mode == vol.RWO and r.scope.nodes == 2
    assert prop.fairness.startswith(vp.WEAK_FAIRNESS) and not prop.strong_fairness


def test_the_force_delete_variant_reaches_the_wait_and_frees_it_by_force_detach() -> None:
    """Not vacuous: the premise is reached, and the force detach is what fires."""
    r = check(AFTER_FORCE, "tiny")
    fired = dict(r.coverage.fired)
    assert fired["fault.partition_node"] > 0 and fired["fault.force_delete_pod"] > 0
    assert fired["attach-detach.force_detach_volume"] > 0
    [witness] = run.check(Task(st.MODEL, st.MODEL.presets["tiny"], [attrs.evolve(WAITS, adjust=AFTER_FORCE.adjust)]))
    assert witness.verdict is Verdict.WITNESSED and "fault.force_delete_pod" in [
        s.action.name for s in witness.trace.steps
    ]


def test_without_force_detach_the_pod_waits_for_ever_behind_a_partition() -> None:
    assert check(RUNS, "tiny", force_detach=False).verdict is Verdict.HOLDS  # eviction needs no force detach
    r = check(AFTER_FORCE, "tiny", force_detach=False)
    assert r.verdict is Verdict.VIOLATED and r.trace.loop == len(r.trace.steps)  # stuck, no loop steps
    assert r.trace.labels() == [
        "statefulset-controller.create_pod",
        "scheduler.bind_pod(pod=0, node=0)",
        "fault.partition_node(node=0)",
        "attach-detach.attach_volume(claim=0, node=0)",
        "fault.force_delete_pod(pod=0)",
        "statefulset-controller.create_pod",
        "scheduler.bind_pod(pod=0, node=1)",
    ]
    last, sc = r.trace.last, r.scope
    assert last.pod_phase[0] == cl.CREATING and last.pod_node[0] == 1
    assert vol.is_attached(last, sc.nodes, 0, 0) and not vol.is_attached(last, sc.nodes, 0, 1)
    assert last.node_state[0] == cl.NODE_PARTITIONED
    idle = [a.label for a in enabled(NO_FORCE_DETACH, sc, last) if a.command.kind != "system"]
    assert sorted(idle) == ["node.reconnect(node=0)", "user.edit_template", "user.scale(to=1)"]  # none required
    assert lasso.check_lasso(NO_FORCE_DETACH, sc, AFTER_FORCE, r.trace) == ""
    # the same prefix with force detach: the volume can leave node-a
    names = [a.name for a in enabled(st.MODEL, sc, last)]
    assert "attach-detach.force_detach_volume" in names
