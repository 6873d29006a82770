"""The progress deadline as a user meets it: verdicts, lassos and traces (issue 13 item 2).

* ``stuck_rollout_reported`` HOLDS where the failing release stops making progress (pods never
  start, never Ready, crash before Ready; on an update or as the first release) and is VIOLATED
  where upstream never times out: evicted pods are replaced again and again, each replacement
  raising updatedReplicas, and crash-after-ready pods keep becoming available — every such sync is
  progress (DeploymentProgressing) and stamps lastUpdateTime anew, so the deadline, once passed, is
  never what the next sync sees. The lassos are read for exactly that.
* ``complete_rollout_reported`` HOLDS, and is VIOLATED when the user may pause: a pause just as
  the rollout completes, before the Deployment's next sync, leaves Progressing DeploymentPaused.
* ``timed_out_release_keeps_its_pods`` is WITNESSED: the trace says, in kubectl's words, that the
  deadline was exceeded while the failing ReplicaSet keeps every replica.
* Upstream facts the model reproduces: a paused Deployment is never timed out (checkPausedConditions
  / sync()); after `rollout undo` the Progressing condition still says NewReplicaSetAvailable while
  the rollout runs (getNewReplicaSet sets no condition on a reused ReplicaSet, and syncRolloutStatus
  sees no progress until its pods are counted); the Available condition turns False when a pod
  crashes below the floor.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.cli import trace_text
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

H, V, W = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED
TINY = PRESETS["tiny"]


@cache
def check(short: str, **settings: str):
    sc = with_settings(TINY, {k.replace("_", "-"): v for k, v in settings.items()})
    return run.check(Task(MODEL, sc, catalog.properties("deployment", [short])))[0]


@pytest.mark.parametrize(
    ("settings", "verdict"),
    [
        ({}, H),  # the adjusted default: an update never Ready
        ({"pod_failure": "never-start"}, H),
        ({"pod_failure": "crash-before-ready"}, H),
        ({"pod_failure": "never-ready", "failing_revision": "first"}, H),
        ({"pod_failure": "never-start", "strategy": "Recreate"}, H),
        ({"pod_failure": "crash-after-ready"}, V),
        ({"pod_failure": "evicted"}, V),
    ],
)
def test_a_stuck_rollout_is_reported_only_where_progress_stops(settings: dict, verdict: Verdict) -> None:
    r = check("stuck_rollout_reported", **settings)
    assert r.verdict is verdict, r.note
    assert r.scope.has_progress_deadline and r.scope.rollbacks == 0 and r.scope.pauses == 0


def _loop(r):
    return r.trace.states[r.trace.loop :], r.trace.steps[r.trace.loop :]


def test_evicted_replacements_count_as_progress_for_ever() -> None:
    r = check("stuck_rollout_reported", pod_failure="evicted")
    states, steps = _loop(r)
    assert all(s.progressing != du.TIMED_OUT for s in states)
    names = [step.action.name for step in steps]
    assert "kubelet.evict_pod_under_pressure" in names
    # on the loop the deadline passes, and a later sync sees progress (more updated replicas) first
    assert "clock.progress_deadline_passes" in names
    refreshed = [
        (a, b)
        for a, b in zip(r.trace.states[r.trace.loop :], r.trace.states[r.trace.loop + 1 :])
        if a.deadline_passed and not b.deadline_passed
    ]
    assert refreshed and all(
        b.progressing == du.RS_UPDATED and b.status_updated > a.status_updated for a, b in refreshed
    )


def test_crash_after_ready_pods_are_reported_complete_or_progressing_never_timed_out() -> None:
    r = check("stuck_rollout_reported", pod_failure="crash-after-ready")
    states, _steps = _loop(r)
    assert all(s.progressing in (du.RS_UPDATED, du.NEW_RS_AVAILABLE, du.NEW_RS_CREATED) for s in states)


def test_a_completed_rollout_is_reported_complete() -> None:
    r = check("complete_rollout_reported")
    assert r.verdict is H and r.scope.has_progress_deadline and r.scope.pauses == 0


def test_a_pause_just_as_the_rollout_completes_leaves_it_unreported() -> None:
    """Upstream does not guarantee the report when the user pauses before the Deployment's next sync:
    checkPausedConditions writes DeploymentPaused, and sync() never writes NewReplicaSetAvailable."""
    [prop] = catalog.properties("deployment", ["complete_rollout_reported"])
    sc = with_settings(TINY, {"progress-deadline": "600", "pauses": "1"})
    r = run.check(Task(MODEL, sc, [attrs.evolve(prop, adjust=lambda sc: sc)]))[0]
    assert r.verdict is V
    names = [step.action.name for step in r.trace.steps]
    assert names.index("user.pause") > max(
        i for i, n in enumerate(names) if n == "deployment-controller.scale_down_old_replicasets"
    )
    last = r.trace.last
    assert last.paused and last.progressing == du.PAUSED
    before_pause = r.trace.states[names.index("user.pause")]
    assert d.rollout_complete(CONCRETE, sc, before_pause) and before_pause.progressing != du.NEW_RS_AVAILABLE


def test_the_witness_says_deadline_exceeded_while_the_release_keeps_its_pods() -> None:
    r = check("timed_out_release_keeps_its_pods")
    assert r.verdict is W
    last = r.trace.last
    new = d.new_replicaset(CONCRETE, r.scope, last).index(True)
    assert last.template == new == 1 and last.rs_replicas[new] > 0 and d.active_pods(last, new) == last.rs_replicas[new]
    assert d.rollout_status(r.scope, last) == ("", False, 'deployment "web" exceeded its progress deadline')
    assert "user.rollout_undo" not in [s.action.name for s in r.trace.steps]
    text = "\n".join(trace_text.steps(r.trace))
    assert "[clock] progress_deadline_passes" in text
    assert "progressDeadlineSeconds (600) passed since the Progressing condition's lastUpdateTime" in text
    assert "Progressing True/NewReplicaSetCreated → False/ProgressDeadlineExceeded" in text
    assert 'kubectl rollout status: error: deployment "web" exceeded its progress deadline' in text
    assert 'kubectl rollout status: deployment "web" successfully rolled out' in text  # the initial state


def test_the_trace_shows_rollout_status_only_where_it_changes() -> None:
    r = check("timed_out_release_keeps_its_pods")
    lines = trace_text.steps(r.trace)
    answers = [line for line in lines if "kubectl rollout status:" in line]
    assert len(answers) == len({a.split("kubectl rollout status:")[1] for a in answers})


# -- upstream facts, on every reachable state or transition of small deadline scopes ------------


def _transitions(sc):
    c = compile_model(MODEL, sc)
    schema = Schema(MODEL.state_cls, sc)
    for flat in c.reachable():
        s = schema.unflatten(flat)
        for a, t in c.successors(flat):
            yield s, c.actions[a].name, schema.unflatten(t)


def test_a_paused_deployment_is_never_timed_out() -> None:
    """sync.go: a paused Deployment runs sync(), which writes no Progressing condition, and
    checkPausedConditions stamps DeploymentPaused (never over ProgressDeadlineExceeded)."""
    sc = with_settings(TINY, {"progress-deadline": "600", "pauses": "1", "pod-failure": "never-ready"})
    seen_paused = 0
    for s, _name, t in _transitions(sc):
        if s.paused and t.paused:
            seen_paused += 1
            assert not (t.progressing == du.TIMED_OUT and s.progressing != du.TIMED_OUT)
    assert seen_paused > 0


def test_after_rollout_undo_the_condition_still_says_new_replicaset_available() -> None:
    """sync.go getNewReplicaSet writes no condition for a reused ReplicaSet, and syncRolloutStatus sees no
    progress while the reused ReplicaSet reports no pods: Progressing stays NewReplicaSetAvailable,
    which DeploymentTimedOut never times out, while `kubectl rollout status` waits."""

    def stale(ops, sc, s):
        return ops.and_(
            s.rollbacks_left < sc.rollbacks,
            s.observed,
            s.progressing == du.NEW_RS_AVAILABLE,
            s.status_updated < s.replicas,
        )

    prop = Property(name="deployment.stale_complete", kind="sometimes", doc="-", upstream="-", predicate=stale)
    sc = with_settings(TINY, {"progress-deadline": "600", "rollbacks": "1"})
    [r] = run.check(Task(MODEL, sc, [prop]))
    assert r.verdict is W
    assert "user.rollout_undo" in [s.action.name for s in r.trace.steps]
    message, done, error = d.rollout_status(sc, r.trace.last)
    assert not done and not error and message.startswith('Waiting for deployment "web" rollout to finish')


def test_the_available_condition_turns_false_when_a_crash_takes_the_floor() -> None:
    """sync.go calculateStatus: Available False/MinimumReplicasUnavailable below replicas - MaxUnavailable."""
    sc = with_settings(TINY, {"progress-deadline": "600", "faults": "crash"})
    after = [t for s, name, t in _transitions(sc) if t.available_condition != s.available_condition]
    assert {t.available_condition for t in after} == {du.MIN_AVAILABLE, du.MIN_UNAVAILABLE}
    assert all(
        (t.available_condition == du.MIN_AVAILABLE) == (t.status_available >= t.replicas - 0) for t in after
    )  # tiny: maxUnavailable 0
