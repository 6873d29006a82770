"""Verdicts of the StatefulSet and volume properties at the tiny and small presets.

Pinned: verdict and explored states per property (the adjusted scope's exploration). The
counterexamples are also checked for what a StatefulSet user should recognise in them.
"""

from __future__ import annotations

from functools import lru_cache

import pytest

from kubecheck.checker import run
from kubecheck.model.controllers import statefulset as st
from kubecheck.properties import statefulset as sp
from kubecheck.properties import volumes as vp

PROPERTIES = list(sp.PROPERTIES) + list(vp.PROPERTIES)

H, V, W = "HOLDS", "VIOLATED", "WITNESSED"
EXPECTED = {  # name -> {preset: (verdict, states)}
    "at_most_one_pod_object_per_identity": {"tiny": (H, 169), "small": (H, 1362)},
    "at_most_one_running_instance": {"tiny": (H, 13046), "small": (H, 18496)},
    "at_most_one_running_instance_with_force_delete": {"tiny": (V, 114250), "small": (V, 161828)},
    "at_most_one_running_instance_with_node_delete": {"tiny": (V, 83222), "small": (V, 117520)},
    "pods_created_in_ordinal_order": {"tiny": (H, 169), "small": (H, 1362)},
    "pods_created_in_ordinal_order_under_parallel": {"tiny": (V, 424), "small": (V, 3364)},
    "pods_removed_in_reverse_order": {"tiny": (H, 169), "small": (H, 1362)},
    "pod_mounts_own_claim": {"tiny": (H, 169), "small": (H, 1362)},
    "identity_stable_across_rescheduling": {"tiny": (H, 8690), "small": (H, 12438)},
    "partition_respected": {"tiny": (H, 109), "small": (H, 484)},
    "claims_follow_retention_policy": {"tiny": (H, 169), "small": (H, 1362)},
    "in_range_claims_kept": {"tiny": (V, 342), "small": (V, 2579)},
    "set_deletion_is_unordered": {"tiny": (W, 773), "small": (W, 7178)},
    "parallel_runs_ahead": {"tiny": (W, 424), "small": (W, 3364)},
    "rolling_update_completes": {"tiny": (W, 169), "small": (W, 1362)},
    "pod_reattaches_claim_after_rescheduling": {"tiny": (W, 8690), "small": (W, 12438)},
    "finished_or_deleted": {"tiny": (H, 169), "small": (H, 1362)},
    "rwo_volume_attached_to_one_node": {"tiny": (H, 8690), "small": (H, 12438)},
    "rwop_claim_used_by_one_pod": {"tiny": (H, 8690), "small": (H, 12438)},
    "no_writer_on_read_only_many": {"tiny": (V, 169), "small": (V, 2066)},
    "pod_waits_for_multi_attach": {"tiny": (W, 8690), "small": (W, 12438)},
}


@lru_cache(maxsize=None)
def results(preset: str) -> dict:
    return {r.property.short: r for r in run.check(st.MODEL, st.PRESETS[preset], PROPERTIES)}


def test_table_is_complete_and_documented():
    names = [p.name for p in PROPERTIES]
    assert len(names) == len(set(names))
    assert {p.short for p in PROPERTIES} == set(EXPECTED)
    for p in PROPERTIES:
        assert p.name.startswith("statefulset.") and p.doc and p.upstream
        assert p.adjust is sp.PROPERTIES[0].adjust or p.assumes, p.name


@pytest.mark.parametrize("preset", ["tiny", "small"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdict(preset, name):
    r = results(preset)[name]
    assert (r.verdict.value, r.stats.states) == EXPECTED[name][preset]


def _labels(trace) -> list[str]:
    return [step.action.label for step in trace.steps]


def test_force_delete_trace_shows_a_second_instance():
    r = results("small")["at_most_one_running_instance_with_force_delete"]
    labels = _labels(r.trace)
    assert any(x.startswith("fault.force_delete_pod") for x in labels)
    assert labels[-1].startswith("kubelet.start_pod")
    last = r.trace.last
    assert any(g != 0 for g in last.pod_ghost)


def test_node_delete_trace_goes_through_podgc():
    labels = _labels(results("small")["at_most_one_running_instance_with_node_delete"].trace)
    assert "fault.delete_node(node=0)" in labels and any(x.startswith("pod-gc.delete_orphaned_pod") for x in labels)


def test_parallel_trace_creates_two_pods_in_one_sync():
    trace = results("tiny")["pods_created_in_ordinal_order_under_parallel"].trace
    assert _labels(trace) == ["statefulset-controller.create_pod"]
    assert trace.last.pod_phase == (1, 1)


def test_in_range_claim_deleted_after_scale_down_and_up():
    labels = _labels(results("small")["in_range_claims_kept"].trace)
    assert labels[-1] == "garbage-collector.delete_claim(claim=1)"
    assert "user.scale(to=1)" in labels and "user.scale(to=2)" in labels
