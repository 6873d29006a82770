"""DaemonSet rolling-update arithmetic that no upstream table row pins (daemonset_util.py).

Upstream ``pkg/controller/daemon/update.go:updatedDesiredNodeCounts``: "if the daemonset returned
with an impossible configuration, obey the default of unavailable=1" — when
``desiredNumberScheduled > 0 && maxUnavailable == 0 && maxSurge == 0``.
"""

from __future__ import annotations

from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE

ZERO = IntOrPercent(0)


def test_one_node_with_zero_surge_and_zero_unavailable_may_still_lose_its_pod() -> None:
    assert du.updated_desired_node_counts(CONCRETE, du.ROLLING_UPDATE, ZERO, ZERO, 1) == (0, 1)


def test_no_node_to_run_on_needs_no_fallback() -> None:
    assert du.updated_desired_node_counts(CONCRETE, du.ROLLING_UPDATE, ZERO, ZERO, 0) == (0, 0)


def test_an_ondelete_daemonset_has_no_surge_and_no_unavailable_budget() -> None:
    # SurgeCount / UnavailableCount (pkg/controller/daemon/util/daemonset_util.go): 0 unless the
    # update strategy is RollingUpdate, whatever maxSurge/maxUnavailable say.
    for value in (IntOrPercent(0), IntOrPercent(1), IntOrPercent(50, True)):
        assert du.unavailable_count(CONCRETE, du.ON_DELETE, value, 3) == 0
        assert du.surge_count(CONCRETE, du.ON_DELETE, value, 3) == 0
    assert du.unavailable_count(CONCRETE, du.ROLLING_UPDATE, IntOrPercent(1), 3) == 1
