"""Deployment model behaviours that the property verdicts at ``tiny`` do not reach.

Upstream: ``pkg/controller/deployment/recreate.go`` (``rolloutRecreate``: scale old ReplicaSets
to 0, wait until no old pod runs, then ``scaleUpNewReplicaSetForRecreate`` to spec.replicas) and
the kubelet's restart of a crashing container (CrashLoopBackOff: the pod stays, Running but not
Ready). Each test walks the model with its own commands (tests/behaviour/reach.py).
"""

from __future__ import annotations

import attrs
from reach import first_step

from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
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
