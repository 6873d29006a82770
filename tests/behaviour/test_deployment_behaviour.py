"""Deployment model behaviours that the property verdicts at ``tiny`` do not reach.

Upstream: ``pkg/controller/deployment/recreate.go`` (``rolloutRecreate``: scale old ReplicaSets
to 0, wait until no old pod runs, then ``scaleUpNewReplicaSetForRecreate`` to spec.replicas) and
the kubelet's restart of a crashing container (CrashLoopBackOff: the pod stays, Running but not
Ready); ``pkg/controller/deployment/sync.go`` (``scale``: a Deployment scaled mid-rollout shares
spec.replicas + maxSurge among its active ReplicaSets). Each test walks the model with its own
commands (tests/behaviour/reach.py).
"""

from __future__ import annotations

import itertools
from typing import Any

import attrs
from reach import first_step, steps

from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings

TINY = PRESETS["tiny"]


def test_recreate_scales_a_reused_replicaset_up_to_spec_replicas_after_rollout_undo() -> None:
    scope = with_settings(TINY, {"strategy": "Recreate", "rollbacks": "1"})
    before, after = first_step(MODEL, scope, "deployment-controller.scale_new_replicaset")
    [t] = [t for t in range(len(before.rs_replicas)) if before.rs_replicas[t] != after.rs_replicas[t]]
    assert t == before.template and before.rs_exists[t]
    assert before.rs_replicas[t] < before.replicas and after.rs_replicas[t] == before.replicas


def test_a_crashing_container_turns_its_ready_pod_back_into_a_running_one() -> None:
    scope = attrs.evolve(TINY, broken_release=True)
    before, after = first_step(MODEL, scope, "kubelet.container_crashes")
    ready_before = sum(before.ready) + sum(before.available)
    ready_after = sum(after.ready) + sum(after.available)
    assert ready_after == ready_before - 1
    assert sum(after.running) == sum(before.running) + 1


def test_scaling_mid_rollout_shares_spec_replicas_plus_max_surge_among_the_active_replicasets() -> None:
    """sync.go ``scale`` with two or more active ReplicaSets (not saturated): every active one
    gets its proportion of ``deploymentReplicasToAdd`` and the leftover goes to the first in
    ``ReplicaSetsBySizeNewer`` (scaling up) / ``ReplicaSetsBySizeOlder`` (scaling down) order, so
    the active sizes add up to spec.replicas + maxSurge; of two equally large ones the newer
    (later template: slots are created in template order) gets the leftover when scaling up."""
    scope = with_settings(TINY, {"scale-to": "1,3"})
    found, ties = 0, 0
    for before, action, after in steps(MODEL, scope, limit=400):
        if action.command.name != "deployment-controller.scale_deployment":
            continue
        slots = range(len(before.rs_replicas))
        active = [t for t in slots if before.rs_replicas[t] > 0]
        if len(active) < 2 or sum(after.rs_replicas[t] > 0 for t in slots) < 2:
            continue  # one active ReplicaSet, or saturated: no proportional scaling
        found += 1
        surge = du.max_surge(CONCRETE, scope.strategy, scope.max_surge, scope.max_unavailable, before.replicas)
        assert sum(after.rs_replicas[t] for t in active) == before.replicas + surge, (before, after)
        for older, newer in itertools.pairwise(active):
            if before.rs_replicas[older] == before.rs_replicas[newer] and after.rs_replicas != before.rs_replicas:
                ties += 1
                assert after.rs_replicas[newer] >= after.rs_replicas[older], (before, after)
    assert found > 0 and ties > 0


EDITED_TWICE = with_settings(TINY, {"edits": "2"})


def _old_active(state: Any) -> list[int]:
    """The old ReplicaSets with replicas, oldest first (slots are created in template order)."""
    return [
        t for t in range(len(state.rs_replicas)) if t != state.template and state.rs_exists[t] and state.rs_replicas[t]
    ]


def test_an_old_replicaset_whose_pods_never_became_available_is_scaled_down_at_the_availability_floor() -> None:
    """rolling.go ``reconcileOldReplicaSets``: "Clean up unhealthy replicas first, otherwise
    unhealthy replicas will block deployment" — ``cleanupUnhealthyReplicas`` scales an old
    ReplicaSet down by its unavailable replicas although the available ones are at minAvailable,
    where ``scaleDownOldReplicaSetsForRollingUpdate`` may take nothing."""

    def unhealthy_at_floor(state: Any) -> bool:
        floor = du.min_available(
            CONCRETE, EDITED_TWICE.strategy, EDITED_TWICE.max_surge, EDITED_TWICE.max_unavailable, state.replicas
        )
        sick = [t for t in _old_active(state) if state.rs_status_available[t] < state.rs_replicas[t]]
        return bool(sick) and sum(state.rs_status_available) <= floor

    before, after = first_step(
        MODEL, EDITED_TWICE, "deployment-controller.scale_down_old_replicasets", when=unhealthy_at_floor, limit=400
    )
    sick = [t for t in _old_active(before) if before.rs_status_available[t] < before.rs_replicas[t]]
    assert any(after.rs_replicas[t] < before.rs_replicas[t] for t in sick)
    assert all(after.rs_replicas[t] >= before.rs_status_available[t] for t in sick)  # the available pods stay


def test_a_sync_that_meets_an_old_replicaset_with_a_stale_available_count_scales_no_old_replicaset() -> None:
    """rolling.go ``cleanupUnhealthyReplicas`` walks the old ReplicaSets oldest first; one whose
    published availableReplicas exceeds its spec (a scale-down the ReplicaSet controller has not
    reported yet) gives "invalid request to scale down" and the sync returns that error: no
    later old ReplicaSet is cleaned up and none is scaled down in that sync."""
    found = 0
    for before, action, after in steps(MODEL, EDITED_TWICE, limit=400):
        old = _old_active(before)
        if not action.command.name.startswith("deployment-controller.") or len(old) < 2:
            continue
        if before.rs_status_available[old[0]] <= before.rs_replicas[old[0]]:
            continue
        found += 1
        assert [after.rs_replicas[t] for t in old] == [before.rs_replicas[t] for t in old], (before, action)
    assert found > 0


def test_a_new_replicaset_is_created_with_the_next_revision() -> None:
    """sync.go ``getNewReplicaSet``: the ReplicaSet made for a new template carries the
    revision annotation MaxRevision(old ReplicaSets) + 1 from its creation."""
    before, after = first_step(MODEL, TINY, "deployment-controller.create_new_replicaset")
    existing = [t for t in range(len(before.rs_exists)) if before.rs_exists[t]]
    assert not before.rs_exists[after.template] and after.rs_exists[after.template]
    assert after.rs_revision[after.template] == max(before.rs_revision[t] for t in existing) + 1
