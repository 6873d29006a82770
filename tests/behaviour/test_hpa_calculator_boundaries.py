"""The HorizontalPodAutoscaler's replica calculator on pods a table of upstream tests does not
cover (model/controllers/hpa_util.py ``calc_plain_metric_replicas``, ``convert_desired_replicas_with_rules``).

Upstream: pkg/controller/podautoscaler/replica_calculator.go ``calcPlainMetricReplicas``
(Kubernetes v1.35). ``scaleUpWithUnready`` is ``len(unreadyPods) > 0 && usageRatio > 1.0``: only
when both hold are unready pods counted at 0 usage and the ratio computed again; otherwise, with no
pod missing its metric, the answer is ``currentReplicas`` within the tolerance and
``ceil(usageRatio * readyPodCount)`` outside it — a scale-down included, and even when ignored
(deleting, Failed) pods make readyPodCount smaller than currentReplicas. The pods' groups come
from the model's own ``group_pod`` (Pending: unready; deleting: ignored).
Kills hpa_util ``calc_plain_metric_replicas`` 30 (``and`` turned into ``or``).
"""

from __future__ import annotations

import pytest

from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers.hpa_util import PodSample, Tolerances


def _ready(usage: int) -> PodSample:
    return PodSample(hu.group_pod(False, "Running", True), 0, usage)


PENDING = PodSample(hu.group_pod(False, "Pending", False), 0, None)
DELETING = PodSample(hu.group_pod(True, "Running", True), 0, 20000)


@pytest.mark.parametrize(
    ("current", "pods", "target", "expected"),
    [
        # an unready (Pending) pod and usage below target, within the tolerance (9100 / 10000 = 0.91):
        # no re-computation with the unready pod at 0, so no change
        (3, [_ready(9000), _ready(9200), PENDING], 10000, (3, 9100)),
        # above target with no unready pod: ceil(1.5 * 1 ready pod) = 2, below the 3 current replicas
        (3, [_ready(15000), DELETING, DELETING], 10000, (2, 15000)),
        # above target with an unready pod: it counts at 0, (15000 + 0) // 2 = 7500 is below target,
        # the direction flips, so no change
        (2, [_ready(15000), PENDING], 10000, (2, 15000)),
    ],
)
def test_unready_pods_count_at_zero_only_on_a_scale_up(
    current: int, pods: list[PodSample], target: int, expected: tuple[int, int]
) -> None:
    assert (PENDING.group, DELETING.group) == (hu.UNREADY, hu.IGNORED)
    assert hu.calc_plain_metric_replicas(current, target, Tolerances(), pods) == expected
