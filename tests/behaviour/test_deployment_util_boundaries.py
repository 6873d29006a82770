"""Boundary cases of the Deployment helpers (model/controllers/deployment_util.py), worked from the
upstream code (pkg/controller/deployment/util/deployment_util.go, Kubernetes v1.35).

``NewRSNewReplicas`` (RollingUpdate): maxTotalPods = spec.replicas + maxSurge (rounded up); when
the ReplicaSets' spec.replicas already add up to maxTotalPods or more, "Cannot scale up" returns
the new ReplicaSet's own spec.replicas unchanged — even when it is above spec.replicas (the
Deployment was scaled down; reconcileNewReplicaSet scales it down, not this function).
Kills deployment_util ``new_rs_new_replicas`` 24 (>= turned into >).
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
