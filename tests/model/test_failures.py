"""The failure modes of the cluster layer (model/controllers/failures.py) on the StatefulSet and DaemonSet models.

* one vocabulary: the names the Deployment's scope uses today are the cluster layer's;
* each mode does what the kubelet does, on the model's own commands (never a re-implementation): never-start
  refuses the start, never-ready / crash-before-ready refuse readiness, crash-after-ready crashes a Ready pod,
  evicted ends it Failed; the target (revision, one ordinal / node), the later onset and the user's repair;
* upstream tables driving the model's sync plans: stateful_set_control_test.go (TestStatefulSetControl's
  RecreatesFailedPod / RecreatesSucceededPod, Monotonic and Burst;
  TestStatefulSetControlRollingUpdateWithMaxUnavailableInOrderedModeVerifyInvariant), processReplica's and
  processCondemned's halting on an unhealthy pod, daemon_controller_test.go TestDaemonKillFailedPods;
* the z3 reading of the new commands agrees with the reference semantics on reachable states.
"""

from __future__ import annotations

from collections import deque

import attrs
import pytest
import z3

from kubecheck.checker.explicit.compile import compile_model
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_sync as dsync
from kubecheck.model.controllers import deployment_scope as deployment_words
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.commands import Action, apply
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import ScopeError, with_settings

C = CONCRETE
TINY = st.PRESETS["tiny"]


def act(model, name: str, **params) -> Action:
    return Action(model.command(name), tuple(params.items()))


def sts_state(scope, phases, revs=None, **fields):
    """A StatefulSet that has synced once: pods per slot with the given phases, on node-a, with claims."""
    n = scope.ordinals
    phases = tuple(phases) + (cl.NONE,) * (n - len(phases))
    revs = tuple(revs or (0,) * n) + (0,) * (n - len(revs or ()))
    s = st.initial_state(scope)
    base = dict(
        status_written=True,
        pod_phase=phases,
        pod_rev=tuple(r if p != cl.NONE else 0 for r, p in zip(revs, phases)),
        pvc=tuple(p != cl.NONE for p in phases),
    )
    return attrs.evolve(s, **{**base, **fields})


# -- the vocabulary ----------------------------------------------------------------------------------------------


def test_one_vocabulary_with_the_deployment():
    """The Deployment's scope spells the modes as the cluster layer does (it can import them from failures.py)."""
    assert fm.MODES == deployment_words.POD_FAILURES
    assert (fm.UPDATE, fm.FIRST) == (deployment_words.UPDATE, deployment_words.FIRST)
    assert fm.parse_revision("first") == fm.CURRENT
    assert set(fm.MODE_WORDS) == set(fm.REPAIR_WORDS) == set(fm.MODES) - {fm.NONE}


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"failure": "sometimes"}, "expected one of none, never-start"),
        ({"failing-revision": "edited"}, "expected one of update, current, any"),
        ({"failure-onset": "later"}, "expected the defaults (created, never) when failure=none"),
        ({"broken-release": "true", "failure": "evicted"}, "broken-release: expected false when failure is set"),
        ({"failure": "never-ready", "failing-ordinal": "2"}, "failing-ordinal: expected -1 or an index below 2"),
    ],
)
def test_statefulset_scope_refuses_with_one_line(settings, message):
    with pytest.raises(ScopeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        with_settings(TINY, settings)


def test_daemonset_scope_refuses_a_node_it_does_not_have():
    with pytest.raises(ScopeError, match="failing-node: expected -1 or a node below 2"):
        with_settings(ds.PRESETS["tiny"], {"failure": "evicted", "failing-node": "2"})


def test_broken_release_is_never_ready_on_updates():
    scope = attrs.evolve(TINY, broken_release=True)
    assert (scope.failure_mode, scope.failure_revision) == (fm.NEVER_READY, fm.UPDATE)
    assert st.initial_state(scope).failure_state == fm.ACTIVE
    assert st.initial_state(TINY).failure_state == fm.DORMANT


# -- what each mode does (StatefulSet) ----------------------------------------------------------------------------


def test_never_start_keeps_the_pod_container_creating_until_the_image_is_pullable():
    scope = with_settings(TINY, {"failure": "never-start", "failing-revision": "any", "failure-repair": "user"})
    s = sts_state(scope, (cl.CREATING,), attached=(True, False))
    assert apply(act(st.MODEL, "kubelet.start_pod", pod=0, node=0), scope, s) is None
    repaired = apply(act(st.MODEL, "user.repair_failure"), scope, s)
    assert repaired.failure_state == fm.REPAIRED
    assert apply(act(st.MODEL, "kubelet.start_pod", pod=0, node=0), scope, repaired).pod_phase[0] == cl.RUNNING


@pytest.mark.parametrize("mode", [fm.NEVER_READY, fm.CRASH_BEFORE_READY])
def test_not_ready_modes_refuse_readiness_only_to_the_revision_they_hit(mode):
    scope = with_settings(TINY, {"failure": mode, "failing-revision": "update"})
    s = sts_state(scope, (cl.RUNNING, cl.RUNNING), revs=(0, 1), template=1, templates_used=2)
    ready = st.MODEL.command("kubelet.pod_ready")
    assert ready.guard(C, scope, s, pod=0, node=0)
    assert not ready.guard(C, scope, s, pod=1, node=0)


def test_failing_ordinal_hits_one_identity_only():
    scope = with_settings(TINY, {"failure": "never-ready", "failing-revision": "current", "failing-ordinal": "1"})
    s = sts_state(scope, (cl.RUNNING, cl.RUNNING))
    ready = st.MODEL.command("kubelet.pod_ready")
    assert ready.guard(C, scope, s, pod=0, node=0) and not ready.guard(C, scope, s, pod=1, node=0)


def test_crash_after_ready_takes_a_ready_pod_back_to_running():
    scope = with_settings(TINY, {"failure": "crash-after-ready", "failing-revision": "current"})
    s = sts_state(scope, (cl.AVAILABLE, cl.RUNNING))
    t = apply(act(st.MODEL, "kubelet.container_crashes", pod=0, node=0), scope, s)
    assert t.pod_phase[0] == cl.RUNNING
    assert apply(act(st.MODEL, "kubelet.container_crashes", pod=1, node=0), scope, s) is None  # not Ready
    assert st.MODEL.command("kubelet.container_crashes").kind == "system"  # weakly fair: the crash comes back


def test_later_onset_demotes_the_ready_pods_it_hits_and_nothing_else():
    scope = with_settings(
        TINY,
        {"failure": "never-ready", "failing-revision": "current", "failing-ordinal": "0", "failure-onset": "later"},
    )
    s = sts_state(scope, (cl.AVAILABLE, cl.AVAILABLE))
    assert s.failure_state == fm.DORMANT
    t = apply(act(st.MODEL, "fault.failure_begins"), scope, s)
    assert t.failure_state == fm.ACTIVE and t.pod_phase == (cl.RUNNING, cl.AVAILABLE)
    assert apply(act(st.MODEL, "fault.failure_begins"), scope, t) is None  # once


def test_evicted_pod_is_failed_then_deleted_and_recreated_by_process_replica():
    scope = with_settings(TINY, {"failure": "evicted", "failing-revision": "any", "failing-ordinal": "0"})
    s = sts_state(scope, (cl.AVAILABLE, cl.AVAILABLE))
    failed = apply(act(st.MODEL, "kubelet.evict_pod_under_pressure", pod=0, node=0), scope, s)
    assert failed.pod_phase[0] == cl.FAILED and not failed.pod_terminating[0]
    assert not cl.containers_running(C, failed, 0) and cl.is_bound(failed, 0)
    deleting = apply(act(st.MODEL, "statefulset-controller.delete_failed_pod"), scope, failed)
    assert deleting.pod_terminating[0]
    gone = apply(act(st.MODEL, "kubelet.pod_terminated", pod=0, node=0), scope, deleting)
    assert gone.pod_phase[0] == cl.NONE
    again = apply(act(st.MODEL, "statefulset-controller.create_pod"), scope, gone)
    assert again.pod_phase[0] == cl.UNSCHEDULED and again.pvc[0]


def test_forced_rollback_step_only_after_a_revert_and_only_for_a_not_ready_pod_of_another_revision():
    scope = attrs.evolve(TINY, broken_release=True, reverts=1, forced_rollback=True)
    s = sts_state(scope, (cl.AVAILABLE, cl.RUNNING), revs=(0, 1), template=1, templates_used=2, reverts_left=1)
    delete = st.MODEL.command("operator.delete_stuck_pod")
    assert not delete.guard(C, scope, s, pod=1)  # no revert yet
    reverted = apply(act(st.MODEL, "user.revert_template", to=0), scope, s)
    assert delete.guard(C, scope, reverted, pod=1) and not delete.guard(C, scope, reverted, pod=0)
    assert delete.kind == "system"  # the scenario assumes the operator does it


# -- upstream: stateful_set_control_test.go ------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [su.ORDERED_READY, su.PARALLEL], ids=["Monotonic", "Burst"])
def test_recreates_failed_pod(policy):
    """TestStatefulSetControl/RecreatesFailedPod (and RecreatesSucceededPod: the model's terminal phase is Failed):
    the first pod ends in a terminal phase; one sync deletes it, and once it is gone the next creates it again.
    Monotonic: the first sync created one pod; Burst: all three (the others Pending)."""
    scope = attrs.evolve(TINY, replicas=3, scale_to=(), scales=0, pod_management=policy, failure="evicted")
    pending = (cl.UNSCHEDULED, cl.UNSCHEDULED) if policy == su.PARALLEL else ()
    s = sts_state(scope, (cl.FAILED,) + pending)
    plan = sync.Plan(C, scope, s)
    assert plan.del_failed == [True, False, False]
    assert not plan.any_create() and not plan.any_delete_outdated()
    gone = attrs.evolve(s, pod_phase=(cl.NONE,) + s.pod_phase[1:], pod_rev=(0,) + s.pod_rev[1:])
    again = sync.Plan(C, scope, gone)
    assert again.create[0] and not any(again.del_failed)


@pytest.mark.parametrize(
    "terminating",
    [(), (5,), (3,), (4,), (5, 4), (5, 3), (4, 3), (5, 4, 3), (2,), (1,)],
    ids=lambda t: f"terminating pod at ordinal {list(t)}",
)
def test_rolling_update_with_max_unavailable_in_ordered_mode_verify_invariant(terminating):
    """TestStatefulSetControlRollingUpdateWithMaxUnavailableInOrderedModeVerifyInvariant: 6 pods, partition 3,
    maxUnavailable 2, the template edited; updateStatefulSetAfterInvariantEstablished deletes
    max(0, 2 - terminating) pods (a terminating pod below the partition counts as unavailable too). Driven on the
    model's rolling-update step (Plan._rolling_update), as the upstream test calls that function directly."""
    scope = attrs.evolve(
        TINY, replicas=6, scale_to=(), scales=0, partition=3, max_unavailable=IntOrPercent(2), claims=False
    )
    s = sts_state(
        scope,
        (cl.AVAILABLE,) * 6,
        template=1,
        templates_used=2,
        pod_terminating=tuple(i in terminating for i in range(6)),
    )
    plan = sync.Plan(C, scope, s)
    ex = [cl.exists(s, i) for i in range(6)]
    unavailable = [not su.is_healthy(C, ex[i], s.pod_terminating[i], s.pod_phase[i] == cl.AVAILABLE) for i in range(6)]
    deleted = plan._rolling_update(True, ex, list(s.pod_terminating), unavailable)
    assert sum(bool(d) for d in deleted) == max(0, 2 - len(terminating))
    assert not any(deleted[i] for i in range(3))  # never below the partition


@pytest.mark.parametrize(
    ("policy", "phases", "replicas", "creates", "deletes_condemned"),
    [
        # processReplica: the first replica that is not Running and Ready ends a monotonic sync ...
        (su.ORDERED_READY, (cl.RUNNING, cl.NONE), 2, False, False),  # ... so web-1 is not created
        (su.ORDERED_READY, (cl.RUNNING, cl.AVAILABLE), 1, False, False),  # ... and web-1 is not deleted (scale-down)
        (su.ORDERED_READY, (cl.AVAILABLE, cl.RUNNING), 1, False, True),  # condemned web-1 is the first unhealthy one
        (su.ORDERED_READY, (cl.AVAILABLE, cl.AVAILABLE), 1, False, True),
        (su.ORDERED_READY, (cl.AVAILABLE, cl.NONE), 2, True, False),
        # Burst: runForAll without monotonic never stops at an unhealthy replica
        (su.PARALLEL, (cl.RUNNING, cl.NONE), 2, True, False),
        (su.PARALLEL, (cl.RUNNING, cl.AVAILABLE), 1, False, True),
    ],
)
def test_process_replica_halts_on_an_unhealthy_pod(policy, phases, replicas, creates, deletes_condemned):
    """stateful_set_control.go:processReplica ('we can not make progress' while a created pod is not Running and
    Ready, monotonic only) and processCondemned (a not-Ready condemned pod is deleted only if it is the first
    unhealthy pod): the invariants TestStatefulSetControl's ScalesUp/ScalesDown check with assertMonotonicInvariants
    and assertBurstInvariants, as single syncs of the model."""
    scope = attrs.evolve(TINY, pod_management=policy, edits=0)
    s = sts_state(scope, phases, replicas=replicas)
    plan = sync.Plan(C, scope, s)
    assert bool(plan.any_create()) is creates
    assert bool(plan.any_delete_condemned()) is deletes_condemned


# -- upstream: daemon_controller_test.go ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failed", "normal", "creates", "deletes"),
    [(0, 1, 0, 0), (0, 0, 1, 0), (1, 0, 0, 1), (1, 1, 0, 1)],
    ids=["normal (do nothing)", "no pods (create 1)", "1 failed pod (kill 1), 0 normal pod", "1 failed, 1 normal"],
)
def test_daemon_kill_failed_pods(failed, normal, creates, deletes):
    """TestDaemonKillFailedPods on one node: failed pods are deleted, and a replacement comes in a later sync (the
    rows with 3 normal or 2 failed pods need more pod slots per node than the model keeps: two without surge)."""
    scope = with_settings(ds.PRESETS["tiny"], {"failure": "evicted", "failing-revision": "any", "nodes": "1"})
    phases = (cl.FAILED,) * failed + (cl.AVAILABLE,) * normal
    k = scope.pod_slots
    phases = phases + (cl.NONE,) * (k - len(phases))
    s = attrs.evolve(
        ds.initial_state(scope),
        pod_phase=phases,
        pod_node=(0,) * k,
        pod_terminating=(False,) * k,
        pod_rev=(0,) * k,
        failure_state=fm.ACTIVE,
    )
    plan = dsync.Plan(C, scope, s)
    assert sum(bool(c) for c in plan.create_m) == creates
    assert sum(bool(d) for d in plan.delete_m) == deletes
    assert all(plan.delete_m[k_] for k_ in range(failed))  # the failed ones go


# -- the z3 reading agrees with the reference semantics ---------------------------------------------------------

AGREEMENT_SCOPES = {
    "sts-evicted": (st.MODEL, with_settings(TINY, {"failure": "evicted", "failing-revision": "any"})),
    "sts-later-repair": (
        st.MODEL,
        with_settings(
            TINY,
            {
                "failure": "never-start",
                "failing-revision": "current",
                "failing-ordinal": "1",
                "failure-onset": "later",
                "failure-repair": "user",
            },
        ),
    ),
    "sts-crash-after-ready-oos": (
        st.MODEL,
        with_settings(
            TINY,
            {"failure": "crash-after-ready", "nodes": "2", "faults": "node-failure", "out-of-service": "true"},
        ),
    ),
    "sts-forced-rollback": (
        st.MODEL,
        with_settings(TINY, {"broken-release": "true", "reverts": "1", "forced-rollback": "true"}),
    ),
    "ds-evicted-oos": (
        ds.MODEL,
        with_settings(
            ds.PRESETS["tiny"],
            {"failure": "evicted", "failing-node": "0", "faults": "node-failure", "out-of-service": "true"},
        ),
    ),
}
NEW_COMMANDS = {
    "fault.failure_begins",
    "user.repair_failure",
    "kubelet.container_crashes",
    "kubelet.evict_pod_under_pressure",
    "statefulset-controller.delete_failed_pod",
    "operator.delete_stuck_pod",
    "user.taint_out_of_service",
    "taint-eviction.evict_out_of_service_pod",
    "pod-gc.delete_terminating_on_out_of_service_node",
}


#: The new commands each agreement scope's sample enables (together: every one of NEW_COMMANDS).
EXERCISED = {
    "sts-evicted": {"kubelet.evict_pod_under_pressure", "statefulset-controller.delete_failed_pod"},
    "sts-later-repair": {"fault.failure_begins", "user.repair_failure"},
    "sts-crash-after-ready-oos": {
        "kubelet.container_crashes",
        "user.taint_out_of_service",
        "taint-eviction.evict_out_of_service_pod",
        "pod-gc.delete_terminating_on_out_of_service_node",
    },
    "sts-forced-rollback": {"operator.delete_stuck_pod"},
    "ds-evicted-oos": {
        "kubelet.evict_pod_under_pressure",
        "user.taint_out_of_service",
        "taint-eviction.evict_out_of_service_pod",
        "pod-gc.delete_terminating_on_out_of_service_node",
    },
}


def test_the_agreement_scopes_exercise_every_new_command():
    assert set().union(*EXERCISED.values()) == NEW_COMMANDS


def _sample(model, scope, count: int = 120) -> list[tuple]:
    compiled = compile_model(model, scope)
    order, seen, queue = [compiled.initial], {compiled.initial}, deque([compiled.initial])
    while queue and len(order) < 20_000:
        for _, nxt in compiled.successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
                queue.append(nxt)
    return order[:: max(1, len(order) // count)]


def _value(m, x):
    if isinstance(x, (bool, int)):
        return x
    v = m.eval(x, model_completion=True)
    return True if z3.is_true(v) else False if z3.is_false(v) else v.as_long()


@pytest.mark.parametrize("name", sorted(AGREEMENT_SCOPES))
def test_new_commands_read_the_same_under_z3(name):
    model, scope = AGREEMENT_SCOPES[name]
    schema = Schema(model.state_cls, scope)
    variables = tuple(z3.Bool(s.label) if s.kind == "bool" else z3.Int(s.label) for s in schema.slots)
    sym = model.state_cls(**schema.view_kwargs(variables))
    actions = [a for a in model.actions(scope) if a.name in NEW_COMMANDS]
    assert actions
    enabled = set()
    for flat in _sample(model, scope):
        solver = z3.Solver()
        solver.add(*[v == (z3.BoolVal(x) if isinstance(x, bool) else z3.IntVal(x)) for v, x in zip(variables, flat)])
        assert solver.check() == z3.sat
        m = solver.model()
        state = schema.unflatten(flat)
        for a in actions:
            nxt = apply(a, scope, state)
            assert _value(m, a.guard(Z3, scope, sym)) is (nxt is not None), f"{a.label}: guard differs at {flat}"
            if nxt is None:
                continue
            enabled.add(a.name)
            got = list(flat)
            for index, term in schema.changes_to_slots(a.effect(Z3, scope, sym)):
                got[index] = _value(m, term)
            assert tuple(got) == schema.flatten(nxt), f"{a.label}: effect differs at {flat}"
    assert enabled == EXERCISED[name], f"enabled in the sample: {sorted(enabled)}"
