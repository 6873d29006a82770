"""Verdicts of the StatefulSet and volume properties at the tiny and small presets.

Pinned: verdict and explored states per property (the adjusted scope's exploration). The
counterexamples are also checked for what a StatefulSet user should recognise in them; the
liveness ones for their lasso shape and for the user action nobody takes.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.cli import trace_text
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.kernel.commands import Action, apply, enabled
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import WEAK_FAIRNESS
from kubecheck.properties import statefulset as sp
from kubecheck.properties import volumes as vp

PROPERTIES = list(sp.PROPERTIES) + list(vp.PROPERTIES)

H, V, W = "HOLDS", "VIOLATED", "WITNESSED"
EXPECTED = {  # name -> {preset: (verdict, states)}
    "at_most_one_pod_object_per_identity": {"tiny": (H, 169), "small": (H, 1362)},
    "at_most_one_running_instance": {"tiny": (H, 13046), "small": (H, 18496)},
    "at_most_one_running_instance_with_force_delete": {"tiny": (V, 802), "small": (V, 770)},
    "at_most_one_running_instance_with_node_delete": {"tiny": (V, 2410), "small": (V, 1860)},
    "pods_created_in_ordinal_order": {"tiny": (H, 169), "small": (H, 1362)},
    "pods_created_in_ordinal_order_under_parallel": {"tiny": (V, 68), "small": (V, 147)},
    "pods_removed_in_reverse_order": {"tiny": (H, 169), "small": (H, 1362)},
    "pod_mounts_own_claim": {"tiny": (H, 169), "small": (H, 1362)},
    "identity_stable_across_rescheduling": {"tiny": (H, 8690), "small": (H, 12438)},
    "partition_respected": {"tiny": (H, 109), "small": (H, 484)},
    "claims_follow_retention_policy": {"tiny": (H, 169), "small": (H, 1362)},
    "in_range_claims_kept": {"tiny": (V, 97), "small": (V, 227)},
    "set_deletion_is_unordered": {"tiny": (W, 152), "small": (W, 321)},
    "parallel_runs_ahead": {"tiny": (W, 68), "small": (W, 147)},
    "rolling_update_completes": {"tiny": (W, 169), "small": (W, 1362)},
    "pod_reattaches_claim_after_rescheduling": {"tiny": (W, 8690), "small": (W, 12438)},
    "rolling_update_eventually_completes": {"tiny": (H, 169), "small": (H, 1362)},
    "rolling_update_eventually_completes_with_broken_release": {"tiny": (V, 36), "small": (V, 129)},
    "scale_eventually_completes": {"tiny": (H, 169), "small": (H, 1362)},
    "condemned_claims_eventually_deleted": {"tiny": (V, 192), "small": (V, 1362)},
    "revert_converges_without_manual_delete": {"tiny": (V, 64), "small": (V, 260)},
    "revert_converges_with_forced_rollback": {"tiny": (H, 88), "small": (H, 398)},
    "scale_down_proceeds_while_a_pod_is_unhealthy": {"tiny": (V, 56), "small": (V, 188)},
    "scale_down_resumes_after_repair": {"tiny": (H, 102), "small": (H, 434)},
    "rolling_update_proceeds_while_a_pod_is_unhealthy": {"tiny": (V, 102), "small": (V, 646)},
    "rolling_update_resumes_after_repair": {"tiny": (H, 176), "small": (H, 1209)},
    "recovers_after_node_failure": {"tiny": (H, 1041), "small": (H, 1251)},
    "recovers_after_node_failure_without_intervention": {"tiny": (V, 633), "small": (V, 781)},
    "replacement_lands_on_another_node": {"tiny": (W, 315), "small": (W, 253)},  # shares its search with:
    "replacement_lands_on_its_old_node": {"tiny": (W, 315), "small": (W, 253)},
    "finished_or_deleted": {"tiny": (H, 169), "small": (H, 1362)},
    "live_revisions_kept": {"tiny": (H, 5664), "small": (H, 81016)},
    "history_truncated_oldest_first": {"tiny": (H, 5982), "small": (H, 86540)},
    "undo_reuses_revision": {"tiny": (W, 39), "small": (W, 61)},
    "rwo_volume_attached_to_one_node": {"tiny": (H, 8690), "small": (H, 12438)},
    "rwop_claim_used_by_one_pod": {"tiny": (H, 8690), "small": (H, 12438)},
    "no_writer_on_read_only_many": {"tiny": (V, 18), "small": (V, 23)},
    "pod_waits_for_multi_attach": {"tiny": (W, 8690), "small": (W, 12438)},
    "pod_waiting_for_volume_eventually_runs": {"tiny": (H, 8690), "small": (H, 12438)},
    "pod_waiting_for_volume_eventually_runs_after_force_delete": {"tiny": (H, 114250), "small": (H, 161828)},
    "pods_bound_only_to_ready_nodes": {"tiny": (H, 169), "small": (H, 1362)},  # no node fault at the presets
    "update_within_max_unavailable": {"tiny": (H, 169), "small": (H, 1362)},
}


@cache
def results(preset: str) -> dict:
    return {r.property.short: r for r in run.check(Task(st.MODEL, st.PRESETS[preset], PROPERTIES))}


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


# -- liveness ----------------------------------------------------------------------------------

LIVENESS = [p for p in sp.PROPERTIES if p.is_liveness]


def test_liveness_properties_name_weak_fairness():
    assert [p.short for p in LIVENESS] == [
        "rolling_update_eventually_completes",
        "rolling_update_eventually_completes_with_broken_release",
        "scale_eventually_completes",
        "condemned_claims_eventually_deleted",
        "revert_converges_without_manual_delete",
        "revert_converges_with_forced_rollback",
        "scale_down_proceeds_while_a_pod_is_unhealthy",
        "scale_down_resumes_after_repair",
        "rolling_update_proceeds_while_a_pod_is_unhealthy",
        "rolling_update_resumes_after_repair",
        "recovers_after_node_failure",
        "recovers_after_node_failure_without_intervention",
    ]
    for p in LIVENESS:
        assert p.kind == "leads_to" and p.fairness.startswith(WEAK_FAIRNESS), p.name
    broken = LIVENESS[1]
    assert "kubectl delete pod" in broken.fairness and "user action" in broken.fairness


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_broken_release_stalls_the_rolling_update_for_ever(preset):
    """OrderedReady: web-1 at the new revision never becomes Ready; nobody deletes it; the update stops."""
    r = results(preset)["rolling_update_eventually_completes_with_broken_release"]
    trace = r.trace
    labels = _labels(trace)
    assert trace.loop == len(trace.steps)  # a stutter: the run stays in its last state
    assert labels[-1] == "kubelet.start_pod(pod=1, node=0)"
    assert "user.edit_template" in labels and "statefulset-controller.delete_outdated_pod" in labels
    assert not any(x.startswith("user.delete_pod") or x.startswith("user.revert") for x in labels)
    last = trace.last
    assert last.pod_phase == (cl.AVAILABLE, cl.RUNNING) and last.pod_rev == (0, 1) and last.template == 1
    assert not [a for a in enabled(st.MODEL, trace.scope, last) if a.command.kind == "system"]
    words = trace_text.conclusion(r.property, "VIOLATED", trace)
    assert "web-1 runs a broken release" in words and "kubectl delete pod web-1" in words


def test_broken_release_is_also_found_by_the_main_property_and_names_the_idle_user_actions():
    scope = attrs.evolve(st.PRESETS["tiny"], broken_release=True, pod_deletes=1, reverts=1)
    [r] = run.check(Task(st.MODEL, scope, [LIVENESS[0]]))
    assert r.verdict.value == "VIOLATED"
    idle = [a.label for a in trace_text.idle_actions(r.trace)]
    assert "user.delete_pod(pod=0)" in idle and "user.revert_template(to=0)" in idle
    assert "kubectl delete pod web-0" in trace_text.conclusion(r.property, "VIOLATED", r.trace)


def test_condemned_claim_leaks_when_its_pod_was_missing_at_scale_down():
    trace = results("small")["condemned_claims_eventually_deleted"].trace
    labels = _labels(trace)
    scale = labels.index("user.scale(to=1)")
    assert trace.states[scale].pod_phase[1] == cl.NONE  # web-1 was being replaced when the user scaled down
    assert trace.last.pvc == (True, True) and trace.last.pvc_pod_ref == (False, False)


def test_scheduler_fairness_unit_is_the_pod_not_the_node():
    bind = st.MODEL.command("scheduler.bind_pod")
    assert (
        Action(bind, (("pod", 1), ("node", 0))).fairness_unit == Action(bind, (("pod", 1), ("node", 1))).fairness_unit
    )


def test_broken_release_switch_only_blocks_readiness_of_edited_templates():
    scope = attrs.evolve(st.PRESETS["tiny"], broken_release=True)
    ready = st.MODEL.command("kubelet.pod_ready")
    state = attrs.evolve(st.initial_state(scope), pod_phase=(cl.RUNNING, cl.RUNNING), pod_rev=(0, 1))
    assert apply(Action(ready, (("pod", 0), ("node", 0))), scope, state) is not None
    assert apply(Action(ready, (("pod", 1), ("node", 0))), scope, state) is None
    assert ready.guard(CONCRETE, attrs.evolve(scope, broken_release=False), state, pod=1, node=0)


# -- ControllerRevisions (revision-history) ---------------------------------------------------


def test_undo_witness_is_an_undo_then_a_renumbering_sync():
    """kubectl rollout undo (to the previous revision, 1) after an edit; the next sync renumbers revision 1 to 3."""
    trace = results("tiny")["undo_reuses_revision"].trace
    labels = _labels(trace)
    assert "user.rollout_undo(to=0)" in labels and "user.edit_template" in labels
    assert not any(x.startswith("user.revert") for x in labels)
    undo = labels.index("user.rollout_undo(to=0)")
    assert trace.states[undo].rev_number == (1, 2)  # revision 1 is the one before the newest
    assert trace.states[undo + 1].template == 0 and trace.states[undo + 1].rev_number == (1, 2)
    assert trace.last.rev_number == (3, 2) and trace.last.update_rev == 0
    assert labels[-1].startswith("statefulset-controller.")
    words = "\n".join(trace_text.steps(trace))
    assert "spec.template restored from ControllerRevision web-" in words and "(rollout undo)" in words
    assert "reused: revision 1 → 3" in words
    describe = trace_text.describer(st.MODEL, trace.scope)
    assert describe.user_command(trace.steps[undo].action) == "kubectl rollout undo statefulset web"
    to_one = Action(st.MODEL.command("user.rollout_undo"), (("to", 1),))
    assert describe.user_command(to_one) == "kubectl rollout undo statefulset web --to-revision=1"


def test_revisions_are_truncated_in_the_history_scope():
    """Not vacuous: in the scope history_truncated_oldest_first checks, ControllerRevisions do get deleted."""
    prop = next(p for p in sp.PROPERTIES if p.short == "history_truncated_oldest_first")
    never_deleted = attrs.evolve(
        prop,
        name="statefulset.no_revision_ever_deleted",
        predicate=lambda ops, sc, s, t: ops.and_(
            *[ops.implies(a > 0, b > 0) for a, b in zip(s.rev_number, t.rev_number, strict=True)]
        ),
    )
    [r] = run.check(Task(st.MODEL, st.PRESETS["tiny"], [never_deleted]))
    assert r.verdict.value == "VIOLATED"
    assert _labels(r.trace)[-1].startswith("statefulset-controller.")
    before, after = r.trace.states[-2], r.trace.last
    assert prop.predicate(CONCRETE, r.trace.scope, before, after)  # the real truncation obeys the property
    assert "deleted: revisionHistoryLimit 1" in trace_text.steps(r.trace)[-1]


# -- recovery (issue 14): failure modes of the cluster layer, forced rollback, node failure ------------------------


def _by_name(short: str):
    return next(p for p in sp.PROPERTIES if p.short == short)


def _check(short: str, scope, model=st.MODEL):
    """The property checked in ``scope`` as given (its own adjust switched off)."""
    return run.check(Task(model, scope, [attrs.evolve(_by_name(short), adjust=lambda sc: sc)]))[0]


def test_revert_without_manual_delete_stalls_at_the_pod_of_the_bad_revision():
    """upstream processReplica returns at the first replica that is not Running and Ready (monotonic), before the
    rolling update could delete it: after the revert the pod at the bad revision is never replaced."""
    r = results("tiny")["revert_converges_without_manual_delete"]
    labels = _labels(r.trace)
    assert "user.edit_template" in labels and labels[-1] == "user.revert_template(to=0)"
    assert not any(x.startswith(("user.delete_pod", "operator.")) for x in labels)
    last = r.trace.last
    stuck = [i for i in range(len(last.pod_phase)) if last.pod_phase[i] == cl.RUNNING and last.pod_rev[i] == 1]
    assert stuck and last.template == 0 and r.trace.loop == len(r.trace.steps)
    assert "kubectl delete pod" in r.property.explain(r.scope, last)


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_forced_rollback_is_what_makes_the_revert_converge(preset):
    """The same scenario with the operator's delete (forced-rollback=true) HOLDS; without it, VIOLATED."""
    assert results(preset)["revert_converges_with_forced_rollback"].verdict.value == H
    assert results(preset)["revert_converges_without_manual_delete"].verdict.value == V
    adjusted = _by_name("revert_converges_with_forced_rollback").adjust(st.PRESETS[preset])
    assert adjusted.forced_rollback and adjusted.failure == "never-ready" and adjusted.reverts == 1


def test_a_failed_pod_of_the_bad_release_heals_without_a_manual_delete():
    """With failure=evicted (phase Failed) processReplica deletes the pod itself and recreates it at the update
    revision, which the revert made the good one: no forced rollback needed (stateful_set_control.go:processReplica,
    'Delete and recreate pods which finished running')."""
    scope = attrs.evolve(
        _by_name("revert_converges_without_manual_delete").adjust(st.PRESETS["tiny"]), failure="evicted"
    )
    assert _check("revert_converges_without_manual_delete", scope).verdict.value == H


def test_scale_down_halts_while_the_current_revision_pod_is_unhealthy():
    """The trace: web-0 and web-1 Ready, web-0's readiness probe starts failing, the user scales to 1, and nothing
    deletes web-1 (processReplica stops at web-0 before processCondemned)."""
    r = results("tiny")["scale_down_proceeds_while_a_pod_is_unhealthy"]
    labels = _labels(r.trace)
    assert "fault.failure_begins" in labels and labels[-1] == "user.scale(to=1)"
    last = r.trace.last
    assert last.replicas == 1 and last.pod_phase == (cl.RUNNING, cl.AVAILABLE) and last.pod_rev == (0, 0)
    assert not any(last.pod_terminating) and r.trace.loop == len(r.trace.steps)
    assert "processReplica waits" in r.property.explain(r.scope, last)


def test_scale_down_does_not_halt_under_parallel():
    """Parallel: runForAll without monotonic never blocks, so processCondemned deletes web-1 although web-0 is not
    Ready (stateful_set_control.go:processCondemned, monotonic=false)."""
    scope = attrs.evolve(
        _by_name("scale_down_proceeds_while_a_pod_is_unhealthy").adjust(st.PRESETS["tiny"]), pod_management="Parallel"
    )
    assert _check("scale_down_proceeds_while_a_pod_is_unhealthy", scope).verdict.value == H


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_repair_resumes_what_the_unhealthy_pod_halted(preset):
    for halted, resumed in (
        ("scale_down_proceeds_while_a_pod_is_unhealthy", "scale_down_resumes_after_repair"),
        ("rolling_update_proceeds_while_a_pod_is_unhealthy", "rolling_update_resumes_after_repair"),
    ):
        assert results(preset)[halted].verdict.value == V
        assert results(preset)[resumed].verdict.value == H
        assert _by_name(resumed).adjust(st.PRESETS[preset]).failure_repair == "user"


def test_node_failure_recovery_needs_the_node_back_or_the_out_of_service_taint():
    bad = results("tiny")["recovers_after_node_failure_without_intervention"]
    labels = _labels(bad.trace)
    assert any(x.startswith("fault.fail_node") for x in labels)
    assert not any(x.startswith(("node.reconnect", "user.taint_out_of_service")) for x in labels)
    assert results("tiny")["recovers_after_node_failure"].verdict.value == H


def test_out_of_service_taint_alone_recovers_the_set():
    """Without node.reconnect (the node never returns), the out-of-service taint is enough: taint eviction, PodGC's
    gcTerminating force-delete, the 6-minute force detach, and the pod starts on the other node."""
    scope = _by_name("recovers_after_node_failure").adjust(st.PRESETS["tiny"])
    model = attrs.evolve(st.MODEL, commands=tuple(c for c in st.MODEL.commands if c.name != "node.reconnect"))
    assert _check("recovers_after_node_failure", scope, model).verdict.value == H
