"""Boundary cases of the Deployment helpers (model/controllers/deployment_util.py), worked from the
upstream code (pkg/controller/deployment/util/deployment_util.go, Kubernetes v1.35).

``NewRSNewReplicas`` (RollingUpdate): maxTotalPods = spec.replicas + maxSurge (rounded up); when
the ReplicaSets' spec.replicas already add up to maxTotalPods or more, "Cannot scale up" returns
the new ReplicaSet's own spec.replicas unchanged — even when it is above spec.replicas (the
Deployment was scaled down; reconcileNewReplicaSet scales it down, not this function).
Kills deployment_util ``new_rs_new_replicas`` 24 (>= turned into >).

``IsSaturated``: the new ReplicaSet's spec.replicas, its desired-replicas annotation and its
status.availableReplicas all equal the Deployment's spec.replicas; each one alone differing is
enough for "not saturated" (a ReplicaSet whose spec the sync has not yet written back, with the
annotation already at the new count). Kills deployment_util ``is_saturated`` 6 and 7 (spec, annotation not compared).
"""

from __future__ import annotations

import pytest

from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE


@pytest.mark.parametrize(
    ("surge", "replicas", "all_replicas", "new_replicas", "expected"),
    [
        # at maxTotalPods exactly: cannot scale up, the new ReplicaSet keeps its spec.replicas
        (IntOrPercent(1, False), 2, 3, 3, 3),
        (IntOrPercent(1, False), 2, 3, 1, 1),
        (IntOrPercent(25, True), 4, 5, 5, 5),  # maxSurge ceil(4 * 25 / 100) = 1
        # above maxTotalPods: the same
        (IntOrPercent(1, False), 2, 4, 3, 3),
        # below: scale up by the room left, never past spec.replicas
        (IntOrPercent(1, False), 2, 2, 1, 2),
        (IntOrPercent(2, False), 3, 3, 0, 2),
    ],
)
def test_new_rs_new_replicas_cannot_scale_up_at_or_above_max_total_pods(
    surge: IntOrPercent, replicas: int, all_replicas: int, new_replicas: int, expected: int
) -> None:
    got = du.new_rs_new_replicas(CONCRETE, du.ROLLING_UPDATE, surge, replicas, all_replicas, new_replicas)
    assert got == expected


@pytest.mark.parametrize(
    ("replicas", "new_exists", "new_spec", "new_desired", "new_available", "expected"),
    [
        (2, True, 2, 2, 2, True),
        (2, True, 3, 2, 2, False),  # spec.replicas still above the Deployment's
        (2, True, 1, 2, 2, False),  # spec.replicas below it
        (2, True, 2, 3, 2, False),  # the desired-replicas annotation differs
        (2, True, 2, 2, 1, False),  # not every replica available yet
        (2, False, 2, 2, 2, False),  # no new ReplicaSet (IsSaturated(nil) is false)
    ],
)
def test_is_saturated_needs_spec_annotation_and_availability_all_at_spec_replicas(
    replicas: int, new_exists: bool, new_spec: int, new_desired: int, new_available: int, expected: bool
) -> None:
    got = du.is_saturated(CONCRETE, replicas, new_exists, new_spec, new_desired, new_available)
    assert bool(got) is expected
