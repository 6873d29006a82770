"""spec.behavior's per-direction tolerance changes an autoscaler row's verdict: pinned at tiny with maxReplicas 4 and a
per-pod load of 105 %, inside the controller's default 10 % band.

Kubernetes v1.35 has HPAConfigurableTolerance Beta and on by default (pkg/features/kube_features.go), so the API
server keeps ``spec.behavior.scaleUp.tolerance`` and ``tolerancesForHpa`` (horizontal.go) hands it to the replica
calculator; ``Tolerances.isWithin`` (replica_calculator.go) compares the usage ratio with 1 + scaleUp in float64.
Read off the traces and checked against that code by hand:

* the default tolerance (none set): 105 % is within 1.1, the calculator keeps currentReplicas, the autoscaler never
  writes, and ``no_inflation_during_rollout`` holds vacuously (75 states: tiny's own, the autoscaler silent);
* ``tolerance: 0``: 105 % is outside; once the rollout's surge pod is Ready the selector lists 3 Ready pods and the
  autoscaler writes ceil(1.05 x 3) = 4 where the settled Deployment would get ceil(1.05 x 2) = 3: VIOLATED in 7 steps
  (BMC finds it at the same depth; PDR proves the default-tolerance instance);
* ``tolerance: 50m``: 1.0 + 0.05 and 105/100 are the same float64, so 105 % is within again (isWithin is <=);
  ``40m`` puts it outside: VIOLATED as with 0.
"""

from __future__ import annotations

from functools import cache

import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, with_settings
from kubecheck.properties import hpa as hp

ROW = {p.short: p for p in hp.PROPERTIES}["hpa.no_inflation_during_rollout"]
#: spec.behavior with the API's defaults written out (a tolerance is a field of spec.behavior)
BASE = {
    "hpa-max-replicas": "4",
    "hpa-loads": "105",
    "hpa-scale-up": "0s,max,4pods/15s,100%/15s",
    "hpa-scale-down": "300s,max,100%/15s",
}
V, H = Verdict.VIOLATED, Verdict.HOLDS
#: scale-up tolerance -> verdict, states, transitions, trace steps
EXPECTED = {
    "none": (H, 75, 147, None),
    "0": (V, 72, 126, 7),
    "50m": (H, 75, 147, None),
    "40m": (V, 72, 126, 7),
}


def scope(tolerance: str) -> Scope:
    return with_settings(MODEL.presets["tiny"], {**BASE, "hpa-scale-up-tolerance": tolerance})


@cache
def result(tolerance: str) -> Result:
    [r] = run.check(Task(MODEL, scope(tolerance), [ROW]))
    return r


@pytest.mark.parametrize("tolerance", list(EXPECTED))
def test_scale_up_tolerance_changes_the_verdict(tolerance: str) -> None:
    r = result(tolerance)
    verdict, states, transitions, steps = EXPECTED[tolerance]
    assert r.verdict is verdict, f"tolerance {tolerance}: {r.verdict.value} {r.note}"
    assert (r.stats.states, r.stats.transitions) == (states, transitions)
    assert (len(r.trace.steps) if r.trace is not None else None) == steps


def test_zero_tolerance_writes_the_surge_pods_share() -> None:
    """The violating write: 2 -> 4 with three Ready pods listed, where the settled Deployment's sync gives 3."""
    r = result("0")
    before, after = r.trace.states[-2], r.trace.states[-1]
    assert r.trace.labels()[-1].startswith("hpa.reconcile")
    assert (before.replicas, after.replicas) == (2, 4)
    assert hp.steady_desired(CONCRETE, r.scope, before) == 3


@pytest.mark.parametrize(("tolerance", "engine", "verdict"), [("none", "pdr", Verdict.PROVED), ("0", "bmc", V)])
def test_symbolic_engines_agree(tolerance: str, engine: str, verdict: Verdict) -> None:
    """The symbolic engines give the explicit search's answer: PDR proves the default-tolerance instance, BMC finds
    the zero-tolerance violation at the BFS depth (its trace replayed through the explicit semantics)."""
    depth = {"depth": EXPECTED[tolerance][3]} if engine == "bmc" else {}
    [r] = run.check(Task(MODEL, scope(tolerance), (ROW,), engine=engine, **depth))
    assert r.verdict is verdict, r.note
    if verdict is V:
        assert len(r.trace.steps) == EXPECTED[tolerance][3]


def _stays_at_one(ops: object, sc: Scope, s: DeploymentState) -> bool:
    return s.replicas == 1


STAYS_AT_ONE = Property(
    name="deployment.stays_at_one", kind="always", doc="spec.replicas stays 1", upstream="-", predicate=_stays_at_one
)
#: upstream's e2e "Horizontal pod autoscaling (configurable tolerance) with large configurable tolerance should not
#: scale" (test/e2e/autoscaling, index id 108499451): one pod, minReplicas 1, maxReplicas 10, a load for 7.5 pods
#: (usageForReplicas(8)), both directions' tolerance HPAScalingRuleWithToleranceMilli(10000), i.e. 10
E2E = {
    "replicas": "1",
    "edits": "0",
    "hpa-max-replicas": "10",
    "hpa-target-utilization": "50",
    "hpa-loads": "375",
    "hpa-load-changes": "0",
    "hpa-scale-up": "0s,max,4pods/15s,100%/15s",
    "hpa-scale-down": "300s,max,100%/15s",
}


@pytest.mark.parametrize(("tolerance", "verdict", "states"), [("none", V, 2), ("10000m", H, 1)])
def test_large_configurable_tolerance_should_not_scale(tolerance: str, verdict: Verdict, states: int) -> None:
    """The e2e's expectation on the model: a 7.5x load is within a tolerance of 10 (ratio 7.5 <= 11), so the
    autoscaler never writes and the Deployment stays at one replica; with the default 0.1 the first sync scales."""
    settings = {**E2E, "hpa-scale-up-tolerance": tolerance, "hpa-scale-down-tolerance": tolerance}
    [r] = run.check(Task(MODEL, with_settings(MODEL.presets["tiny"], settings), [STAYS_AT_ONE]))
    assert (r.verdict, r.stats.states) == (verdict, states)
