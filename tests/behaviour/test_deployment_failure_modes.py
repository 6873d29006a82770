"""Releases that fail as they do in real clusters (scope ``pod-failure``, ``failing-revision``).

Upstream (v1.35): the kubelet (an image that cannot be pulled keeps the pod Pending:
ErrImagePull/ImagePullBackOff; a failing readiness probe keeps it Running and not Ready; a
container that exits is restarted with back-off, CrashLoopBackOff, the pod staying Running;
``pkg/kubelet/eviction`` ends a pod it evicts under node pressure in phase Failed);
``pkg/controller/controller_utils.go:FilterActivePods`` (a pod is active unless it is Failed or
Succeeded or has a deletionTimestamp), which ``replica_set.go`` uses for status.replicas and for
``manageReplicas``; ``pkg/api/v1/pod/util.go:IsPodAvailable`` (Ready for minReadySeconds), which
``rolling.go:reconcileOldReplicaSets`` reads through status.availableReplicas.

Each test takes states and steps from the model's own commands (tests/behaviour/reach.py) or
verdicts from the runner; none re-implements a controller.
"""

from __future__ import annotations

import attrs
import pytest
from reach import first_step, steps

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.properties import catalog

TINY, SMALL = PRESETS["tiny"], PRESETS["small"]
H, V, W, U = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED, Verdict.UNREACHABLE


def verdict(scope, short: str):
    [result] = run.check(Task(MODEL, scope, catalog.properties("deployment", [short]), engine="explicit"))
    return result


def failing(scope, mode: str, revision: str = "update"):
    return with_settings(scope, {"pod-failure": mode, "failing-revision": revision})


# -- the floor: guaranteed against pods that never become available, not against later failures --

FLOOR = [
    pytest.param("none", H, id="healthy release"),
    pytest.param("never-start", H, id="never-start: Pending for ever"),
    pytest.param("never-ready", H, id="never-ready: Running, not Ready"),
    pytest.param("crash-before-ready", H, id="crash-before-ready: CrashLoopBackOff, never Ready"),
    pytest.param("crash-after-ready", V, id="crash-after-ready: counted available, then crashes"),
    pytest.param("evicted", V, id="evicted: counted available, then Failed"),
]


@pytest.mark.parametrize("mode, expected", FLOOR)
def test_availability_floor_with_failing_release_at_tiny(mode: str, expected: Verdict) -> None:
    scope = TINY if mode == "none" else failing(TINY, mode)
    result = verdict(scope, "availability_floor_with_failing_release")
    assert result.verdict is expected
    if expected is V:
        # the controller did not scale below the floor: a pod of the failing release left it
        last = result.trace.steps[-1].action.command.name
        assert last in (
            "kubelet.container_crashes",
            "kubelet.evict_pod_under_pressure",
            "replicaset-controller.sync_replicaset",
        )


def test_a_release_that_is_never_ready_keeps_the_floor_at_small() -> None:
    """small (maxUnavailable 1, minReadySeconds 10, one rollout undo): the old ReplicaSet is scaled
    down by one, the new pods never count as available, and the floor holds; the rollout never
    completes (a lasso that stays with the new pods Running, not Ready)."""
    scope = failing(SMALL, "never-ready")
    assert verdict(scope, "availability_floor_with_failing_release").verdict is H
    live = verdict(scope, "rollout_eventually_completes")
    assert live.verdict is V
    end = live.trace.last
    new = d.new_replicaset(CONCRETE, scope, end)
    [t] = [t for t, n in enumerate(new) if n]
    assert t == 1 and d.in_phase(end, "running", t) > 0 and d.in_phase(end, "available", t) == 0


# -- stuck or cycling ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["never-start", "never-ready", "crash-before-ready"])
def test_a_release_that_never_becomes_ready_gets_stuck(mode: str) -> None:
    """Nothing more can happen and the rollout is not complete (no_stuck_rollout VIOLATED); with a
    healthy release it HOLDS (tests/properties/test_deployment_properties.py)."""
    result = verdict(failing(TINY, mode), "no_stuck_rollout")
    assert result.verdict is V
    end = result.trace.last
    phase = "pending" if mode == "never-start" else "running"
    assert d.in_phase(end, phase, 1) == 1 and d.in_phase(end, "available", 0) == 2


@pytest.mark.parametrize("mode", ["crash-after-ready", "evicted"])
def test_a_release_that_fails_after_starting_cycles_for_ever(mode: str) -> None:
    result = verdict(failing(TINY, mode), "rollout_eventually_completes")
    assert result.verdict is V
    assert result.trace.loop is not None


# -- active pods: Failed ones are replaced and stay; terminating ones are replaced ---------------


def test_a_failed_pod_is_not_active_so_its_replicaset_replaces_it() -> None:
    scope = failing(TINY, "evicted")
    assert verdict(scope, "failed_pod_replaced").verdict is W
    assert verdict(failing(TINY, "never-ready"), "failed_pod_replaced").verdict is U  # nothing ends Failed
    before, after = first_step(
        MODEL, scope, "replicaset-controller.sync_replicaset", when=lambda s: s.failed[1] > 0 and s.rs_synced[1]
    )
    # status.replicas counts active pods only (FilterActivePods); the Failed pod is not deleted
    assert after.rs_status_replicas[1] == d.active_pods(before, 1)
    assert after.failed[1] == before.failed[1]
    assert d.active_pods(after, 1) == before.rs_replicas[1]


def test_eviction_under_pressure_ends_a_started_pod_in_phase_failed_and_never_a_pending_one() -> None:
    scope = failing(TINY, "evicted")
    phases = set()
    for s, action, t in steps(MODEL, scope, limit=3_000):
        if action.command.name == "kubelet.evict_pod_under_pressure":
            phase = dict(action.params)["phase"]
            phases.add(phase)
            assert getattr(t, phase)[1] == getattr(s, phase)[1] - 1
            assert t.failed[1] == min(s.failed[1] + 1, scope.pod_cap)  # saturates: "that many or more"
            assert dict(action.params)["rs"] == 1  # only the edited template's pods fail
    assert phases == {"running", "available"}


# -- the first revision -----------------------------------------------------------------------------


def test_a_deployment_created_with_a_failing_release_starts_with_no_replicaset() -> None:
    scope = failing(TINY, "never-ready", "first")
    s0 = MODEL.init(scope)
    assert not any(s0.rs_exists) and d.live_pods(CONCRETE, s0) == 0
    before, after = first_step(MODEL, scope, "deployment-controller.create_new_replicaset")
    assert before == s0
    assert after.rs_exists[0] and after.rs_revision[0] == 1 and after.rs_replicas[0] == scope.replicas
    # the floor is not guaranteed while a Deployment is created: nothing is available yet
    assert len(verdict(scope, "availability_floor_with_failing_release").trace.steps) == 0


def test_the_edit_that_fixes_a_failing_first_release_completes() -> None:
    """failing-revision=first: template 0's pods are never Ready; the user's edit (template 1) is
    healthy, and its rollout can complete."""
    scope = failing(TINY, "never-ready", "first")
    assert verdict(scope, "rollout_can_complete").verdict is W


def test_broken_release_and_pod_failure_are_one_setting() -> None:
    scope = attrs.evolve(TINY, broken_release=True, pod_failure="never-ready")
    with pytest.raises(ScopeError, match="broken-release: expected false when pod-failure is set"):
        scope.validate()
