"""Upstream tables of the progress deadline, driving the model's own functions (issue 13 item 2).

Sources (Kubernetes v1.35 where the index holds it; the rows have not changed in years):

* ``pkg/controller/deployment/util/deployment_util_test.go`` (stored-index snapshot 695379464, the
  one tests/model/test_deployment_util.py reads): TestDeploymentProgressing (7 rows) and
  TestDeploymentTimedOut (5 rows) on ``deployment_util.deployment_progressing`` /
  ``deployment_timed_out`` (+ ``progress_deadline_passed``, the clock comparison the model keeps as a
  boolean). TestDeploymentComplete is in test_deployment_util.py.
* ``pkg/controller/deployment/progress_test.go`` (stored-index id 2375841171): TestSyncRolloutStatus
  (11 rows) through ``deployment_sync.progress_status`` — the status a rollout sync writes in the
  model — on a model state built from each row; TestRequeueStuckDeployment (11 rows, time-based) on
  ``deployment_util.requeue_stuck_deployment`` with the rows' times in seconds, and what of it the
  model keeps: which conditions a deadline can pass for.
* kubectl ``pkg/polymorphichelpers/rollout_status_test.go`` (stored-index id 22286602):
  TestDeploymentStatusViewerStatus (5 rows) on ``deployment_util.deployment_status_viewer_status``
  (messages without kubectl's trailing newline), and the model's ``rollout_status_done`` predicate
  agreeing with it on every reachable state.

Every helper that takes ``ops`` is evaluated with CONCRETE and with Z3 (on z3 constants,
simplified). The compiled successor function and the Z3 reading of every command are compared
with the reference interpreter on scopes with a progress deadline.
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any

import attrs
import pytest
import z3

from kubecheck.checker.explicit.compile import compile_model
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import deployment_sync as ds
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import ScopeError, with_settings

UTIL_TEST = "pkg/controller/deployment/util/deployment_util_test.go, snapshot 695379464"
PROGRESS_TEST = "pkg/controller/deployment/progress_test.go, stored-index id 2375841171"
KUBECTL_TEST = "kubectl pkg/polymorphichelpers/rollout_status_test.go, stored-index id 22286602"


def z3_value(term: Any) -> Any:
    """A closed Z3 term as a Python value."""
    value = z3.simplify(
        term if isinstance(term, z3.ExprRef) else z3.BoolVal(term) if isinstance(term, bool) else z3.IntVal(term)
    )
    if z3.is_bool(value):
        return z3.is_true(value)
    return value.as_long()


def both(fn: Any, *args: Any) -> Any:
    """``fn(ops, *args)`` with CONCRETE, checked equal to the same with Z3 on z3 constants."""
    concrete = fn(CONCRETE, *args)

    def lift(a: Any) -> Any:
        if isinstance(a, bool):
            return z3.BoolVal(a)
        if isinstance(a, int):
            return z3.IntVal(a)
        if isinstance(a, tuple):
            return tuple(lift(x) for x in a)
        return a

    symbolic = fn(Z3, *[lift(a) for a in args])
    if isinstance(concrete, tuple):
        assert tuple(z3_value(x) for x in symbolic) == tuple(concrete)
    else:
        assert z3_value(symbolic) == concrete
    return concrete


# -- TestDeploymentProgressing (source: UTIL_TEST) --------------------------------------------
# (replicas, updated, ready, available) of the Deployment's status, then of the new status.
PROGRESSING = [
    pytest.param((10, 4, 4, 4), (10, 6, 4, 4), True, id="TestDeploymentProgressing/progressing: updated pods"),
    pytest.param((10, 4, 4, 4), (10, 4, 4, 4), False, id="TestDeploymentProgressing/not progressing"),
    pytest.param((10, 4, 6, 6), (8, 4, 6, 6), True, id="TestDeploymentProgressing/progressing: old pods removed"),
    pytest.param((10, 7, 3, 3), (10, 6, 3, 3), False, id="TestDeploymentProgressing/not progressing: less new pods"),
    pytest.param(
        (10, 4, 7, 7), (8, 8, 5, 5), True, id="TestDeploymentProgressing/progressing: less overall but more new pods"
    ),
    pytest.param((10, 10, 9, 8), (10, 10, 10, 8), True, id="TestDeploymentProgressing/progressing: more ready pods"),
    pytest.param(
        (10, 10, 10, 9), (10, 10, 10, 10), True, id="TestDeploymentProgressing/progressing: more available pods"
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), PROGRESSING)
def test_deployment_progressing_upstream(old: tuple, new: tuple, expected: bool) -> None:
    assert both(du.deployment_progressing, old, new) is expected


# -- TestDeploymentTimedOut (source: UTIL_TEST) -----------------------------------------------
# (progressDeadlineSeconds or None, reason, lastUpdateTime as (min, sec), now as (min, sec) or None).
# The rows' reason "" is a condition with no reason: neither NewReplicaSetAvailable nor
# ProgressDeadlineExceeded, so the clock decides, as for every reason in du.CLOCKED; the model
# stores no empty reason, so it is read as ReplicaSetUpdated.
TIMED_OUT = [
    pytest.param(
        None, "", (1, 9), (1, 20), False, id="TestDeploymentTimedOut/nil progressDeadlineSeconds specified - no timeout"
    ),
    pytest.param(
        du.MAX_INT32,
        "",
        (1, 9),
        (1, 20),
        False,
        id="TestDeploymentTimedOut/infinite progressDeadlineSeconds specified - no timeout",
    ),
    pytest.param(
        10,
        "",
        (1, 9),
        (1, 20),
        True,
        id="TestDeploymentTimedOut/progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:09 => 11s",
    ),
    pytest.param(
        10,
        "",
        (1, 11),
        (1, 20),
        False,
        id="TestDeploymentTimedOut/progressDeadlineSeconds: 10s, now - started => 00:01:20 - 00:01:11 => 9s",
    ),
    pytest.param(
        None,
        "NewReplicaSetAvailable",
        (0, 0),
        None,
        False,
        id="TestDeploymentTimedOut/previous status was a complete deployment",
    ),
]


def _reason(text: str) -> int:
    return du.RS_UPDATED if text == "" else du.PROGRESSING_REASONS.index(text)


@pytest.mark.parametrize(("pds", "reason", "since", "now", "expected"), TIMED_OUT)
def test_deployment_timed_out_upstream(pds: int | None, reason: str, since: tuple, now: tuple | None, expected: bool):
    has_deadline = du.has_progress_deadline(pds)
    passed = (
        has_deadline
        and now is not None
        and du.progress_deadline_passed(60 * since[0] + since[1], pds, 60 * now[0] + now[1])
    )
    got = both(lambda ops, r, p: du.deployment_timed_out(ops, has_deadline, r, p), _reason(reason), bool(passed))
    assert got is expected


def test_timed_out_reads_the_clock_exactly_for_the_reasons_the_deadline_event_serves() -> None:
    """DeploymentTimedOut's answer depends on the clock for the clocked reasons and DeploymentPaused
    (which the rollout path never reads: checkPausedConditions replaces it first), and only for them."""
    clock_read = {
        r
        for r in range(len(du.PROGRESSING_REASONS))
        if du.deployment_timed_out(CONCRETE, True, r, True) != du.deployment_timed_out(CONCRETE, True, r, False)
    }
    assert clock_read == set(du.CLOCKED) | {du.PAUSED}
    assert du.deployment_timed_out(CONCRETE, True, du.TIMED_OUT, False) is True


# -- TestRequeueStuckDeployment (source: PROGRESS_TEST) ---------------------------------------
# Times in seconds after the "stuck" condition's lastUpdateTime (2017-02-15 18:49:00); progressDeadlineSeconds
# 60 unless None / MaxInt32. (pds, condition reason or None, status (replicas, updated, available), spec
# replicas, now, expected seconds).
STUCK = "ReplicaSetUpdated"  # the rows' "stuck" condition: Progressing True, no reason -> clocked
REQUEUE = [
    pytest.param(
        None, None, (3, 3, 2), 4, 0, -1, id="TestRequeueStuckDeployment/nil progressDeadlineSeconds specified"
    ),
    pytest.param(
        du.MAX_INT32,
        None,
        (3, 3, 2),
        4,
        0,
        -1,
        id="TestRequeueStuckDeployment/infinite progressDeadlineSeconds specified",
    ),
    pytest.param(60, None, (3, 3, 2), 4, 0, -1, id="TestRequeueStuckDeployment/no progressing condition found"),
    pytest.param(
        60, None, (3, 3, 3), 3, 0, -1, id="TestRequeueStuckDeployment/complete deployment does not need to be requeued"
    ),
    pytest.param(
        60,
        "ProgressDeadlineExceeded",
        (3, 3, 0),
        3,
        0,
        -1,
        id="TestRequeueStuckDeployment/already failed deployment does not need to be requeued",
    ),
    pytest.param(60, STUCK, (3, 3, 1), 3, 30, 30, id="TestRequeueStuckDeployment/stuck deployment - 30s"),
    pytest.param(60, STUCK, (3, 3, 1), 3, 59, 1, id="TestRequeueStuckDeployment/stuck deployment - 1s"),
    pytest.param(
        60,
        STUCK,
        (3, 3, 1),
        3,
        Fraction(59) + Fraction(1, 10**9),
        0,
        id="TestRequeueStuckDeployment/failed deployment - less than a second => now",
    ),
    pytest.param(60, STUCK, (3, 3, 1), 3, 60, 0, id="TestRequeueStuckDeployment/failed deployment - now"),
    pytest.param(60, STUCK, (3, 3, 1), 3, 61, 0, id="TestRequeueStuckDeployment/failed deployment - 1s after deadline"),
    pytest.param(
        60, STUCK, (3, 3, 1), 3, 120, 0, id="TestRequeueStuckDeployment/failed deployment - 60s after deadline"
    ),
]


@pytest.mark.parametrize(("pds", "reason", "status", "replicas", "now", "expected"), REQUEUE)
def test_requeue_stuck_deployment_upstream(pds, reason, status, replicas, now, expected) -> None:
    total, updated, available = status
    complete = du.deployment_complete(CONCRETE, replicas, updated, total, available)
    code = du.NO_CONDITION if reason is None else du.PROGRESSING_REASONS.index(reason)
    got = du.requeue_stuck_deployment(du.has_progress_deadline(pds), code, complete, 0, pds or 0, now)
    assert got == expected


def test_the_deadline_event_serves_the_conditions_requeue_schedules_a_check_for() -> None:
    """What the model keeps of requeueStuckDeployment: a Deployment not complete is requeued for its
    deadline under every condition but none and ProgressDeadlineExceeded; of those, the sync at the
    deadline can change something only where DeploymentTimedOut reads the clock, and DeploymentPaused
    is replaced before the rollout path reads it. What is left is exactly the set of conditions
    clock.progress_deadline_passes is enabled for (NewReplicaSetAvailable is requeued too, e.g. after a
    `rollout undo`, but never times out)."""
    scheduled = {
        r for r in range(len(du.PROGRESSING_REASONS)) if du.requeue_stuck_deployment(True, r, False, 0, 60, 0) != -1
    }
    assert scheduled == set(range(len(du.PROGRESSING_REASONS))) - {du.NO_CONDITION, du.TIMED_OUT}
    clock_read = {
        r
        for r in range(len(du.PROGRESSING_REASONS))
        if du.deployment_timed_out(CONCRETE, True, r, True) != du.deployment_timed_out(CONCRETE, True, r, False)
    }
    assert (scheduled & clock_read) - {du.PAUSED} == set(du.CLOCKED)


# -- TestSyncRolloutStatus (source: PROGRESS_TEST) --------------------------------------------
# Each row: the Deployment (progressDeadlineSeconds 60 or None, spec.replicas, status (replicas, updated,
# available), its Progressing condition), its ReplicaSets as (spec, status.replicas, available) — the
# old one (slot 0) or None, the new one (slot 1, the Deployment's template) or None — and the
# expected Progressing reason, and whether its lastUpdateTime is kept (None: the row does not say).
# Conditions with lastUpdateTime testTime (2017) are long past a 60 s deadline: deadline_passed.
ROLLOUT_STATUS = [
    pytest.param(
        None, 3, (2, 2, 2), "ReplicaSetUpdated", (0, 1, 1), (3, 2, 2), None, None,
        id="TestSyncRolloutStatus/General: remove Progressing condition and do not estimate progress if deployment "
        "has no Progress Deadline",
    ),
    pytest.param(
        60, 3, (3, 3, 3), "NewReplicaSetAvailable", (3, 3, 3), None, "NewReplicaSetAvailable", True,
        id="TestSyncRolloutStatus/General: do not estimate progress of deployment with only one active ReplicaSet",
    ),
    pytest.param(
        60, 3, (2, 2, 2), "ReplicaSetUpdated", (0, 1, 1), (3, 2, 2), "ReplicaSetUpdated", False,
        id="TestSyncRolloutStatus/DeploymentProgressing: dont update lastTransitionTime if deployment already has "
        "Progressing=True",
    ),
    pytest.param(
        60, 3, (2, 2, 2), "ProgressDeadlineExceeded", (0, 1, 1), (3, 2, 2), "ReplicaSetUpdated", False,
        id="TestSyncRolloutStatus/DeploymentProgressing: update everything if deployment has Progressing=False",
    ),
    pytest.param(
        60, 3, (2, 2, 2), "", (0, 1, 1), (3, 2, 2), "ReplicaSetUpdated", False,
        id="TestSyncRolloutStatus/DeploymentProgressing: create Progressing condition if it does not exist",
    ),
    pytest.param(
        60, 3, (3, 3, 3), "ReplicaSetUpdated", None, (3, 3, 3), "NewReplicaSetAvailable", False,
        id="TestSyncRolloutStatus/DeploymentComplete: dont update lastTransitionTime if deployment already has "
        "Progressing=True",
    ),
    pytest.param(
        60, 3, (3, 3, 3), "ProgressDeadlineExceeded", None, (3, 3, 3), "NewReplicaSetAvailable", False,
        id="TestSyncRolloutStatus/DeploymentComplete: update everything if deployment has Progressing=False",
    ),
    pytest.param(
        60, 3, (3, 3, 3), "", None, (3, 3, 3), "NewReplicaSetAvailable", False,
        id="TestSyncRolloutStatus/DeploymentComplete: create Progressing condition if it does not exist",
    ),
    pytest.param(
        60, 0, (3, 3, 3), "ReplicaSetUpdated", (0, 0, 0), None, "NewReplicaSetAvailable", False,
        id="TestSyncRolloutStatus/DeploymentComplete: defend against NPE when newRS=nil",
    ),
    pytest.param(
        60, 3, (2, 2, 2), "ReplicaSetUpdated", None, (3, 2, 2), "ProgressDeadlineExceeded", False,
        id="TestSyncRolloutStatus/DeploymentTimedOut: update status if rollout exceeds Progress Deadline",
    ),
    pytest.param(
        60, 3, (2, 2, 2), "ProgressDeadlineExceeded", None, (3, 2, 2), "ProgressDeadlineExceeded", True,
        id="TestSyncRolloutStatus/DeploymentTimedOut: do not update status if deployment has existing timedOut "
        "condition",
    ),
]  # fmt: skip


def rollout_scope(pds: int | None) -> Any:
    """The rows' Deployment: Recreate (currentDeployment), one edit (two slots); minReadySeconds 10 so that
    the rows' readyReplicas (0 throughout) is kept apart from availableReplicas."""
    settings = {"strategy": "Recreate", "edits": "1", "min-ready-seconds": "10", "replicas": "3"}
    if pds is not None:
        settings["progress-deadline"] = str(pds)
    return with_settings(PRESETS["tiny"], settings)


def row_state(sc: Any, replicas: int, status: tuple, reason: str, old: tuple | None, new: tuple | None) -> Any:
    """A model state holding the row's Deployment and ReplicaSets (pods as their statuses say)."""
    slots = (old, new)
    exists = tuple(rs is not None for rs in slots)
    spec = tuple(rs[0] if rs else 0 for rs in slots)
    status_replicas = tuple(rs[1] if rs else 0 for rs in slots)
    available = tuple(rs[2] if rs else 0 for rs in slots)
    zeros = (0, 0)
    s = DeploymentState(
        replicas=replicas,
        template=1,
        templates_used=2,
        paused=False,
        strategy_edited=False,
        strategy_edits_left=0,
        observed=True,
        scales_left=0,
        rollbacks_left=0,
        pauses_left=0,
        faults_left=0,
        rs_exists=exists,
        rs_revision=(1 if old else 0, 2 if new else 0),
        rs_history=zeros,
        rs_replicas=spec,
        rs_desired=tuple(replicas if e else 0 for e in exists),
        rs_max=tuple(replicas if e else 0 for e in exists),
        rs_synced=exists,
        rs_status_replicas=status_replicas,
        rs_status_available=available,
        unscheduled=zeros,
        pending=zeros,
        running=tuple(r - a for r, a in zip(status_replicas, available)),
        ready=zeros,
        available=available,
        terminating=zeros,
        failed=zeros,
        attached=(),
        claim_home=(),
    )
    if not sc.has_progress_deadline:
        return s
    code = du.NO_CONDITION if reason == "" else du.PROGRESSING_REASONS.index(reason)
    return attrs.evolve(
        s,
        rs_status_ready=zeros,
        status_replicas=status[0],
        status_updated=status[1],
        status_ready=0,
        status_available=status[2],
        progressing=code,
        deadline_passed=code in du.CLOCKED,  # lastUpdateTime testTime (2017): long past 60 s
    )


@pytest.mark.parametrize(("pds", "replicas", "status", "reason", "old", "new", "expected", "kept"), ROLLOUT_STATUS)
def test_sync_rollout_status_upstream(pds, replicas, status, reason, old, new, expected, kept) -> None:
    sc = rollout_scope(pds)
    s = row_state(sc, replicas, status, reason, old, new)
    for ops in (CONCRETE, Z3):
        plan = ds.Plan(ops, sc, s)
        written = ds.progress_status(plan, plan.start(), True, False)
        if pds is None:
            assert written == {}  # no deadline: the model keeps no Progressing condition (upstream removes it)
            continue
        got = written["progressing"] if ops is CONCRETE else z3_value(written["progressing"])
        assert du.PROGRESSING_REASONS[got] == expected
    if kept is not None:
        plan = ds.Plan(CONCRETE, sc, s)
        old_counts = (s.status_replicas, s.status_updated, s.status_ready, s.status_available)
        new_counts = ds.status_counts(plan, plan.start())
        _reason, stamped = du.sync_rollout_status(
            CONCRETE, True, s.progressing, s.deadline_passed, replicas, old_counts, new_counts
        )
        assert stamped is (not kept)


# -- TestDeploymentStatusViewerStatus (source: KUBECTL_TEST) ----------------------------------
# (generation, observedGeneration, spec.replicas, status (replicas, updated, available), message, done)
VIEWER = [
    pytest.param(
        0, 1, 1, (1, 0, 1),
        'Waiting for deployment "foo" rollout to finish: 0 out of 1 new replicas have been updated...', False,
        id="TestDeploymentStatusViewerStatus/test1",
    ),
    pytest.param(
        1, 1, 1, (2, 1, 2), 'Waiting for deployment "foo" rollout to finish: 1 old replicas are pending termination...',
        False, id="TestDeploymentStatusViewerStatus/test2",
    ),
    pytest.param(
        1, 1, 2, (2, 2, 1), 'Waiting for deployment "foo" rollout to finish: 1 of 2 updated replicas are available...',
        False, id="TestDeploymentStatusViewerStatus/test3",
    ),
    pytest.param(
        1, 1, 2, (2, 2, 2), 'deployment "foo" successfully rolled out', True,
        id="TestDeploymentStatusViewerStatus/test4",
    ),
    pytest.param(
        2, 1, 2, (2, 2, 2), "Waiting for deployment spec update to be observed...", False,
        id="TestDeploymentStatusViewerStatus/test5",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("generation", "observed", "replicas", "status", "message", "done"), VIEWER)
def test_deployment_status_viewer_upstream(generation, observed, replicas, status, message, done) -> None:
    total, updated, available = status
    got = du.deployment_status_viewer_status(
        "foo", generation <= observed, du.NO_CONDITION, replicas, total, updated, available
    )
    assert got == (message, done, "")


def test_deployment_status_viewer_reports_the_deadline_as_an_error() -> None:
    """rollout_status.go: a Progressing condition with reason ProgressDeadlineExceeded is an error, checked
    before the counts (an observed Deployment only)."""
    assert du.deployment_status_viewer_status("web", True, du.TIMED_OUT, 3, 3, 3, 3) == (
        "",
        False,
        'deployment "web" exceeded its progress deadline',
    )
    assert du.deployment_status_viewer_status("web", False, du.TIMED_OUT, 3, 3, 3, 3)[0].startswith("Waiting for")


# -- SetDeploymentCondition / checkPausedConditions / the Available condition -------------------


@pytest.mark.parametrize("current", range(len(du.PROGRESSING_REASONS)))
@pytest.mark.parametrize("new", range(1, len(du.PROGRESSING_REASONS)))
def test_set_deployment_condition_keeps_a_condition_with_the_same_reason(current: int, new: int) -> None:
    """deployment_util.go SetDeploymentCondition: same status and reason -> no-op (lastUpdateTime kept)."""
    assert both(du.set_deployment_condition, current, new) == (new, current != new)


PAUSED_ROWS = [
    # (reason, spec.paused) -> (reason, stamped); sync.go checkPausedConditions
    (du.RS_UPDATED, True, du.PAUSED, True),
    (du.PAUSED, True, du.PAUSED, False),
    (du.PAUSED, False, du.RESUMED, True),
    (du.TIMED_OUT, True, du.TIMED_OUT, False),  # "do not overwrite it with a paused condition"
    (du.NEW_RS_AVAILABLE, False, du.NEW_RS_AVAILABLE, False),
    (du.NO_CONDITION, True, du.PAUSED, True),
]


@pytest.mark.parametrize(("reason", "paused", "expected", "stamped"), PAUSED_ROWS)
def test_check_paused_conditions(reason: int, paused: bool, expected: int, stamped: bool) -> None:
    got = both(lambda ops, r, p: du.check_paused_conditions(ops, True, r, p), reason, paused)
    assert got == (expected, stamped)
    assert du.check_paused_conditions(CONCRETE, False, reason, paused) == (reason, False)


@pytest.mark.parametrize(
    ("available", "replicas", "max_unavailable", "expected"),
    [
        (2, 3, 1, du.MIN_AVAILABLE),
        (1, 3, 1, du.MIN_UNAVAILABLE),
        (3, 3, 0, du.MIN_AVAILABLE),
        (2, 3, 0, du.MIN_UNAVAILABLE),
    ],
)
def test_available_condition(available: int, replicas: int, max_unavailable: int, expected: int) -> None:
    """sync.go calculateStatus: Available iff availableReplicas >= replicas - MaxUnavailable."""
    assert both(du.available_condition, available, replicas, max_unavailable) == expected


# -- the scope and the model with a progress deadline ----------------------------------------


def test_progress_deadline_must_exceed_min_ready_seconds() -> None:
    """pkg/apis/apps/validation ValidateDeploymentSpec: progressDeadlineSeconds > minReadySeconds."""
    with pytest.raises(ScopeError, match=r"spec.progressDeadlineSeconds: Invalid value: 10: must be greater than"):
        with_settings(PRESETS["small"], {"progress-deadline": "10"}).validate()
    with_settings(PRESETS["small"], {"progress-deadline": "11"}).validate()


def test_off_and_max_int32_mean_no_deadline() -> None:
    assert not with_settings(PRESETS["tiny"], {"progress-deadline": "off"}).has_progress_deadline
    assert not with_settings(PRESETS["tiny"], {"progress-deadline": str(du.MAX_INT32)}).has_progress_deadline
    assert with_settings(PRESETS["tiny"], {"progress-deadline": "600"}).has_progress_deadline
    assert not PRESETS["small"].has_progress_deadline


DEADLINE_SCOPES = {
    "tiny-deadline": with_settings(PRESETS["tiny"], {"progress-deadline": "600", "pauses": "1"}),
    "tiny-deadline-min-ready": with_settings(
        PRESETS["tiny"], {"progress-deadline": "600", "min-ready-seconds": "5", "pod-failure": "crash-after-ready"}
    ),
    "tiny-deadline-recreate-first": with_settings(
        PRESETS["tiny"],
        {"progress-deadline": "600", "strategy": "Recreate", "pod-failure": "never-ready", "failing-revision": "first"},
    ),
}
SAMPLE = 300
#: States per scope whose every action is read under Z3 (about a second each).
Z3_SAMPLE = 3


@cache
def compiled(name: str) -> Any:
    return compile_model(MODEL, DEADLINE_SCOPES[name])


@pytest.mark.parametrize("name", list(DEADLINE_SCOPES))
def test_compiled_equals_reference_with_a_deadline(name: str) -> None:
    sc, c = DEADLINE_SCOPES[name], compiled(name)
    schema = Schema(MODEL.state_cls, sc)
    states = c.reachable()
    for flat in states[:: max(1, len(states) // SAMPLE)]:
        expect = {(a.label, schema.flatten(t)) for a, t in successors(MODEL, sc, schema.unflatten(flat))}
        assert {(c.actions[a].label, t) for a, t in c.successors(flat)} == expect


@pytest.mark.parametrize("name", list(DEADLINE_SCOPES))
def test_every_command_reads_the_same_under_z3_on_reachable_states(name: str) -> None:
    """Each enabled action's Z3 guard and effect, on a reachable state's values, give the reference's."""
    sc, c = DEADLINE_SCOPES[name], compiled(name)
    schema = Schema(MODEL.state_cls, sc)
    states = c.reachable()
    for flat in states[:: max(1, len(states) // Z3_SAMPLE)][:Z3_SAMPLE]:
        s = schema.unflatten(flat)
        lifted = schema.unflatten(tuple(z3.BoolVal(v) if isinstance(v, bool) else z3.IntVal(v) for v in flat))
        for action in MODEL.actions(sc):
            guard = action.guard(CONCRETE, sc, s)
            assert z3_value(action.guard(Z3, sc, lifted)) == bool(guard), action.label
            if guard:
                want = action.effect(CONCRETE, sc, s)
                got = action.effect(Z3, sc, lifted)
                for field, value in want.items():
                    sym = got[field]
                    if isinstance(value, tuple):
                        assert tuple(z3_value(x) for x in sym) == tuple(value), (action.label, field)
                    else:
                        assert z3_value(sym) == value, (action.label, field)


def test_the_deadline_scopes_fire_the_clock_and_every_condition() -> None:
    seen_reasons, fired = set(), set()
    for name, sc in DEADLINE_SCOPES.items():
        c = compiled(name)
        schema = Schema(MODEL.state_cls, sc)
        for flat in c.reachable():
            seen_reasons.add(schema.unflatten(flat).progressing)
            fired.update(c.actions[a].name for a, _ in c.successors(flat))
    assert "clock.progress_deadline_passes" in fired
    # FoundNewReplicaSet needs a Deployment whose new ReplicaSet exists but that has no Progressing condition
    # (progressDeadlineSeconds set on a running Deployment): no scope starts there
    assert seen_reasons == set(range(len(du.PROGRESSING_REASONS))) - {du.FOUND_NEW_RS}


def test_rollout_status_done_is_the_viewers_last_branch_on_every_reachable_state() -> None:
    for name, sc in DEADLINE_SCOPES.items():
        schema = Schema(MODEL.state_cls, sc)
        for flat in compiled(name).reachable():
            s = schema.unflatten(flat)
            _message, done, error = d.rollout_status(sc, s)
            assert d.rollout_status_done(CONCRETE, sc, s) == done
            assert bool(error) == (s.observed and s.progressing == du.TIMED_OUT)


def test_rollout_status_is_none_without_a_deadline() -> None:
    assert d.rollout_status(PRESETS["tiny"], MODEL.init(PRESETS["tiny"])) is None


def test_found_new_replicaset_when_a_deadline_meets_a_deployment_without_a_condition() -> None:
    """sync.go getNewReplicaSet: an existing new ReplicaSet and no Progressing condition (a deadline just
    set) -> Progressing True/FoundNewReplicaSet, stamped now; a sync that raises its revision returns first."""
    sc = with_settings(PRESETS["tiny"], {"progress-deadline": "600"})
    s = attrs.evolve(MODEL.init(sc), progressing=du.NO_CONDITION, observed=False)
    [(action, after)] = [(a, t) for a, t in successors(MODEL, sc, s) if a.name.startswith("deployment-controller")]
    assert action.name == "deployment-controller.sync_status"
    assert after.progressing == du.NEW_RS_AVAILABLE  # Found, then syncRolloutStatus: DeploymentComplete
    plan = ds.Plan(CONCRETE, sc, s)
    sync_path = ds.progress_status(plan, plan.start(), False, False)
    assert sync_path["progressing"] == du.FOUND_NEW_RS  # sync() leaves it there
