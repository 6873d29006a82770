"""StatefulSet helpers no table row pins (model/controllers/statefulset_util.py).

Upstream: ``pkg/controller/statefulset/stateful_set_utils.go``: ``isUnavailable(pod,
minReadySeconds)`` is ``!isRunningAndAvailable(pod, minReadySeconds) || isTerminating(pod)``,
and a missing pod is unavailable (``stateful_set_control.go`` counts it so while rolling).
"""

from __future__ import annotations

import pytest

from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.ops import CONCRETE


@pytest.mark.parametrize(
    ("exists", "terminating", "available", "unavailable"),
    [
        (True, False, True, False),  # created, running and available: the one healthy case
        (False, False, False, True),  # missing
        (True, True, True, True),  # terminating, although still available
        (True, False, False, True),  # running but not yet available
    ],
)
def test_a_pod_is_unavailable_unless_created_available_and_not_terminating(
    exists: bool, terminating: bool, available: bool, unavailable: bool
) -> None:
    assert su.is_unavailable(CONCRETE, exists, terminating, available) is unavailable
    assert su.is_healthy(CONCRETE, exists, terminating, available) is not unavailable
