"""spec.behavior changes the autoscaler rows' verdicts: pinned at tiny with maxReplicas 4, load 120 %, two writes.

Read off the traces and checked against horizontal.go by hand:

* without spec.behavior the surge pod inflates the count (VIOLATED in 7 steps: 2 replicas at 120 % recommend 3,
  with the Ready surge pod the selector lists 3 and the autoscaler writes 4, the nil path's scale-up limit
  max(2 x 2, 4) allowing it);
* a scale-up policy of one pod per 15 s (``calculateScaleUpLimitWithScalingRules``: periodStart + 1) caps every
  write at current + 1, the steady desired count included, so the rollout cannot write more than the settled
  Deployment would: HOLDS (for at most two writes, as every row of the scope); the apply/HPA fight still happens,
  one step later (the autoscaler climbs one pod per sync);
* scaleUp selectPolicy Disabled: the limit is currentReplicas, the load only ever asks for more, so the
  autoscaler never writes: the fight is UNREACHABLE and the step properties hold vacuously.
"""

from __future__ import annotations

from functools import cache

import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import hpa as hp

BY_NAME = {p.short.removeprefix("hpa."): p for p in hp.PROPERTIES}
BASE = {"hpa-max-replicas": "4", "hpa-loads": "120", "hpa-rescales": "2"}
DOWN = "300s,max,100%/15s"  # the scale-down defaults, written out
BEHAVIORS = {
    "nil": {},
    "up 1 pod": {"hpa-scale-up": "0s,max,1pods/15s", "hpa-scale-down": DOWN},
    "up disabled": {"hpa-scale-up": "0s,disabled,4pods/15s,100%/15s", "hpa-scale-down": DOWN},
}
V, H, W, U = Verdict.VIOLATED, Verdict.HOLDS, Verdict.WITNESSED, Verdict.UNREACHABLE
#: verdict, states, transitions, trace steps
EXPECTED = {
    ("nil", "no_inflation_during_rollout"): (V, 49, 73, 7),
    ("nil", "autoscaler_undoes_apply"): (W, 17, 18, 3),
    ("up 1 pod", "no_inflation_during_rollout"): (H, 31_591, 158_853, None),
    ("up 1 pod", "autoscaler_undoes_apply"): (W, 44, 60, 4),
    ("up disabled", "no_inflation_during_rollout"): (H, 461, 1_723, None),
    ("up disabled", "autoscaler_undoes_apply"): (U, 461, 1_723, None),
}


@cache
def result(behavior: str, short: str) -> Result:
    scope = with_settings(MODEL.presets["tiny"], {**BASE, **BEHAVIORS[behavior]})
    [r] = run.check(Task(MODEL, scope, [BY_NAME[short]]))
    return r


@pytest.mark.parametrize(("behavior", "short"), list(EXPECTED))
def test_behavior_changes_the_verdict(behavior: str, short: str) -> None:
    r = result(behavior, short)
    verdict, states, transitions, steps = EXPECTED[behavior, short]
    assert r.verdict is verdict, f"{short} with {behavior}: {r.verdict.value} {r.note}"
    assert (r.stats.states, r.stats.transitions) == (states, transitions)
    assert (len(r.trace.steps) if r.trace is not None else None) == steps
    assert r.scope.has_hpa_behavior is (behavior != "nil")


def test_one_pod_policy_climbs_one_pod_per_write_and_records_its_events() -> None:
    """The fight's witness with the 1-pod policy: every autoscaler write adds one pod, and each write is a scale
    event (+1) that counts toward the policy until time.scale_event_ages moves it past 15 s."""
    r = result("up 1 pod", "autoscaler_undoes_apply")
    states, labels = r.trace.states, r.trace.labels()
    writes = [(s, t) for s, t, label in zip(states, states[1:], labels) if label.startswith("hpa.reconcile")]
    assert writes and all(t.replicas - s.replicas in (0, 1) for s, t in writes)
    assert any(t.replicas == s.replicas + 1 and +1 in t.hpa_events for s, t in writes)
    assert "time.scale_event_ages(event=0)" in labels  # the event must leave the period before the next pod
