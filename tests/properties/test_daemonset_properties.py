"""Verdicts of the DaemonSet properties at the tiny and small presets.

Pinned: verdict and explored states per property (the adjusted scope's exploration, which
stops once every property explored with it is decided, as TLC stops at a violation). The
counterexamples are also checked for what a DaemonSet user should recognise in them.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.properties import daemonset as dp

H, V, W = "HOLDS", "VIOLATED", "WITNESSED"
EXPECTED = {  # name -> {preset: (verdict, states)}
    "at_most_one_pod_per_node": {"tiny": (H, 181), "small": (H, 2360)},
    "at_most_two_pods_per_node_while_surging": {"tiny": (H, 310), "small": (H, 15674)},
    # small: the preset's three nodes since the property states no node count (it capped them at two: 33)
    "at_most_two_pods_per_node_while_surging_with_evictions": {"tiny": (V, 33), "small": (V, 50)},
    "no_pod_on_ineligible_node": {"tiny": (V, 181), "small": (V, 2360)},
    "pods_created_only_where_they_should_run": {"tiny": (H, 181), "small": (H, 2360)},
    "availability_floor": {"tiny": (H, 25), "small": (H, 81)},
    "availability_floor_with_faults": {"tiny": (V, 21), "small": (V, 35)},
    "rollout_completes_on_every_eligible_node": {"tiny": (W, 25), "small": (W, 187)},  # classes fixed, no old pod left
    "new_node_gets_pod": {"tiny": (W, 89), "small": (W, 2360)},
    "finished_or_stuck": {"tiny": (V, 181), "small": (V, 2360)},
    "runs_on_every_eligible_node": {"tiny": (H, 25), "small": (H, 242)},
    "runs_on_every_eligible_node_with_relabels": {"tiny": (V, 181), "small": (V, 2360)},
    # small: 2,315 states since a node slot that never joined can no longer "reconnect" (it did: 4,394)
    "runs_on_every_eligible_node_with_partition": {"tiny": (V, 170), "small": (V, 2315)},
    "recovers_after_node_failure": {"tiny": (H, 20), "small": (H, 32)},
    "recovers_after_node_failure_without_intervention": {"tiny": (V, 6), "small": (V, 11)},
    "pods_bound_only_to_ready_nodes": {"tiny": (H, 181), "small": (H, 2360)},  # no node fault at the presets
    "surging_nodes_within_max_surge": {"tiny": (H, 34), "small": (H, 163)},
}


@cache
def results(preset: str) -> dict:
    return {r.property.short: r for r in run.check(Task(ds.MODEL, ds.PRESETS[preset], dp.PROPERTIES))}


def test_table_is_complete_and_documented():
    names = [p.name for p in dp.PROPERTIES]
    assert len(names) == len(set(names))
    assert {p.short for p in dp.PROPERTIES} == set(EXPECTED)
    unadjusted = next(p for p in dp.PROPERTIES if p.short == "finished_or_stuck").adjust
    for p in dp.PROPERTIES:
        assert p.name.startswith("daemonset.") and p.doc and p.upstream
        assert p.adjust is unadjusted or p.assumes, p.name
        assert (p.fairness != "") == p.is_liveness


@pytest.mark.parametrize("preset", ["tiny", "small"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdict(preset, name):
    r = results(preset)[name]
    assert (r.verdict.value, r.stats.states) == EXPECTED[name][preset]


def _labels(trace) -> list[str]:
    return [step.action.label for step in trace.steps]


def test_relabel_leaves_pod_until_next_sync():
    labels = _labels(results("tiny")["no_pod_on_ineligible_node"].trace)
    assert labels == [f"user.relabel_node(node=0, to={du.INELIGIBLE})"]


def test_eviction_during_surge_gives_three_pod_objects():
    trace = results("small")["at_most_two_pods_per_node_while_surging_with_evictions"].trace
    labels = _labels(trace)
    assert labels[0].startswith("fault.evict_pod") and labels[-1].startswith("daemonset-controller.rolling_update")
    last, sc = trace.last, trace.scope
    crowded = [n for n in range(sc.nodes) if ds.pods_on(CONCRETE, sc, last, n) == 3]
    assert crowded and any(last.pod_terminating[k] for k in ds.node_slots(sc, crowded[0]))


def test_crash_breaks_the_floor_not_the_controller():
    labels = _labels(results("small")["availability_floor_with_faults"].trace)
    assert labels[-1].startswith("fault.")


def test_rollout_stuck_behind_pending_pod_on_no_schedule_node():
    r = results("tiny")["runs_on_every_eligible_node_with_relabels"]
    labels = _labels(r.trace)
    assert labels[-1] == f"user.relabel_node(node=0, to={du.NO_SCHEDULE})"
    last = r.trace.last
    assert last.pod_phase[0] == cl.UNSCHEDULED and last.pod_rev[0] == 1 and last.pod_rev[2] == 0
    assert r.trace.loop is None or r.trace.loop == len(labels)  # the run stutters there for ever


def test_partition_for_ever_blocks_the_update():
    labels = _labels(results("tiny")["runs_on_every_eligible_node_with_partition"].trace)
    assert labels == ["fault.partition_node(node=0)"]


# -- recovery after a node failure (issue 14) ---------------------------------------------------------------------


def test_a_down_node_keeps_its_not_ready_daemon_pod_until_someone_intervenes():
    """The daemon pod tolerates the unreachable/not-ready NoExecute taints for ever: nothing deletes it and it is
    not Ready while the node is down (the lasso stays there)."""
    r = results("tiny")["recovers_after_node_failure_without_intervention"]
    assert _labels(r.trace) == ["fault.fail_node(node=0)"]
    assert r.trace.last.pod_phase[0] == cl.RUNNING and not r.trace.last.pod_terminating[0]


def test_out_of_service_taint_empties_the_failed_node():
    """node.kubernetes.io/out-of-service is not among the daemon pod's tolerations: taint eviction, PodGC's
    gcTerminating and manage (shouldContinueRunning false) leave the node without a pod; with node.reconnect
    removed from the model the property still HOLDS."""
    prop = next(p for p in dp.PROPERTIES if p.short == "recovers_after_node_failure")
    scope = prop.adjust(ds.PRESETS["tiny"])
    model = attrs.evolve(ds.MODEL, commands=tuple(c for c in ds.MODEL.commands if c.name != "node.reconnect"))
    r = run.check(Task(model, scope, [attrs.evolve(prop, adjust=lambda sc: sc)]))[0]
    assert r.verdict.value == "HOLDS"


def test_a_template_that_tolerates_every_no_execute_taint_keeps_its_pod_on_an_out_of_service_node():
    """tolerates=NoExecute (a key-less Exists toleration): no taint eviction by the out-of-service taint, and
    manage keeps the pod; the node must return."""
    prop = next(p for p in dp.PROPERTIES if p.short == "recovers_after_node_failure")
    scope = attrs.evolve(prop.adjust(ds.PRESETS["tiny"]), tolerates=frozenset({"NoExecute"}))
    names = {a.name for a in ds.MODEL.actions(scope)}
    assert "user.taint_out_of_service" in names and "taint-eviction.evict_out_of_service_pod" not in names
    r = run.check(Task(ds.MODEL, scope, [attrs.evolve(prop, adjust=lambda sc: sc)]))[0]
    assert r.verdict.value == "VIOLATED"  # tainted, still down, the tolerating pod stays not Ready
