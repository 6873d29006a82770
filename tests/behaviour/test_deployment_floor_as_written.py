"""The availability floor as the manifest reads it, beside the controller's (issue 13 item 6);
pods that are not terminating, beside every pod that exists (item 5).

A reader of ``maxUnavailable: 10%`` with 3 replicas expects at most 0 unavailable pods (10% of 3
rounded down). The controller's floor is ``deployment_util.go:MinAvailable``: ResolveFenceposts
turns maxUnavailable 0 into 1 when maxSurge also resolves to 0 (``maxSurge: 0%``), so that a
rollout can proceed at all. The model's ``min_available`` and ``min_available_as_written`` are
the two readings; the runner decides both properties on the same scope.
"""

from __future__ import annotations

import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

FENCEPOST = with_settings(PRESETS["tiny"], {"replicas": "3", "max-surge": "0%", "max-unavailable": "10%"})


def verdicts(scope) -> dict[str, object]:
    props = catalog.properties("deployment", ["availability_floor", "availability_floor_as_written"])
    return {r.property.short: r for r in run.check(Task(MODEL, scope, props, engine="explicit"))}


def test_the_0_0_fencepost_lets_one_pod_go_that_the_manifest_does_not() -> None:
    got = verdicts(FENCEPOST)
    assert got["availability_floor"].verdict is Verdict.HOLDS
    written = got["availability_floor_as_written"]
    assert written.verdict is Verdict.VIOLATED
    last = written.trace.last
    assert d.min_available(CONCRETE, FENCEPOST, last) == 2
    assert d.min_available_as_written(CONCRETE, FENCEPOST, last) == 3
    assert d.available_pods(CONCRETE, last) == 2


@pytest.mark.parametrize(
    "settings",
    [
        {"replicas": "3", "max-surge": "1", "max-unavailable": "50%"},  # 1.5 rounded down: 1 either way
        {"replicas": "2", "max-surge": "1", "max-unavailable": "0"},  # tiny
        {"replicas": "3", "max-surge": "0%", "max-unavailable": "10%", "strategy": "Recreate"},  # no floor
    ],
    ids=["percent rounded down", "integer", "Recreate"],
)
def test_where_the_readings_agree_so_do_the_verdicts(settings: dict) -> None:
    scope = with_settings(PRESETS["tiny"], settings)
    s0 = MODEL.init(scope)
    assert d.min_available(CONCRETE, scope, s0) == d.min_available_as_written(CONCRETE, scope, s0)
    got = verdicts(scope)
    assert got["availability_floor"].verdict is got["availability_floor_as_written"].verdict


# -- issue 13 item 5: pods that are not terminating, beside every pod that exists -----------------


def _check(scope, shorts):
    props = catalog.properties("deployment", shorts)
    return {r.property.short: r for r in run.check(Task(MODEL, scope, props, engine="explicit"))}


def test_active_pods_exceed_the_surge_before_the_old_replicaset_deletes_any() -> None:
    """RollingUpdate at tiny: the new ReplicaSet's pods exist before the scaled-down old one has
    synced, so active pods (none terminating) exceed replicas + maxSurge; Σ spec.replicas does not."""
    got = _check(PRESETS["tiny"], ["active_pods_within_surge", "replicas_within_surge"])
    assert got["replicas_within_surge"].verdict is Verdict.HOLDS
    result = got["active_pods_within_surge"]
    assert result.verdict is Verdict.VIOLATED
    last = result.trace.last
    assert sum(last.terminating) == 0
    assert sum(d.active_pods(last, t) for t in range(len(last.rs_exists))) > last.replicas + 1


def test_recreate_bounds_active_pods_but_not_the_terminating_ones() -> None:
    """Recreate waits until no old pod runs (oldPodsRunning counts terminating ones), so active pods
    stay within replicas; every pod that exists does not (live_pods_within_surge, small)."""
    scope = with_settings(PRESETS["small"], {"strategy": "Recreate"})
    got = _check(scope, ["active_pods_within_surge", "live_pods_within_surge"])
    assert got["active_pods_within_surge"].verdict is Verdict.HOLDS
    live = got["live_pods_within_surge"]
    assert live.verdict is Verdict.VIOLATED and sum(live.trace.last.terminating) > 0
