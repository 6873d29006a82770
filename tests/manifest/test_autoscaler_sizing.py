"""The autoscaler's rows (deployment.hpa.*) within a workload's time: sized on maxReplicas, said out loud.

The manifest is the Kubernetes documentation's HorizontalPodAutoscaler walkthrough
(kubernetes/website content/en/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough.md:
php-apache.yaml, a Deployment without spec.replicas, and the autoscaling/v2 form of
``kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10``). Before sizing on
maxReplicas its four rows were INCONCLUSIVE and the workload took 301 s against its 60 s.
"""

from __future__ import annotations

import attrs

from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget, Watchdog
from kubecheck.manifest import execute, fanout, load_workloads, sizing
from kubecheck.manifest.plan import Handoff

WALKTHROUGH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: php-apache
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: php-apache
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
"""


def _walkthrough(max_replicas: int = 10, replicas: int | None = None, min_replicas: int = 1):
    text = WALKTHROUGH.replace("maxReplicas: 10", f"maxReplicas: {max_replicas}")
    text = text.replace("minReplicas: 1", f"minReplicas: {min_replicas}")
    if replicas is not None:
        text = text.replace("spec:\n  selector:", f"spec:\n  replicas: {replicas}\n  selector:", 1)
    [w] = load_workloads(["-"], text)[0]
    return w


def _hpa_props(w):
    return [p for p in sizing.select(w)[0] if p.name.startswith("deployment.hpa.")]


def test_the_walkthrough_selects_three_autoscaler_rows_and_no_apply_fight_without_spec_replicas() -> None:
    w = _walkthrough()
    assert w.scope.hpa_max_replicas == 10 and w.scope.replicas == 1
    assert not w.obj.replicas_written
    assert [p.short for p in _hpa_props(w)] == [
        "hpa.replicas_within_max",
        "hpa.no_inflation_during_rollout",
        "hpa.no_inflation_under_total_demand",
    ]
    assert [s.reason for s in sizing.select(w)[1] if s.name == sizing.APPLY_FIGHT] == [sizing.NO_APPLY_FIGHT]


def test_a_manifest_that_writes_spec_replicas_gets_the_apply_fight_row() -> None:
    w = _walkthrough(replicas=1)
    assert w.obj.replicas_written
    assert [p.short for p in _hpa_props(w)][-1] == "hpa.autoscaler_undoes_apply"


def test_a_smaller_max_replicas_shrinks_min_replicas_and_replicas_and_says_so() -> None:
    w = _walkthrough(replicas=5, min_replicas=4)
    small = sizing._at_max_replicas(w.scope, 3)
    assert (small.replicas, small.hpa_min_replicas, small.hpa_max_replicas) == (3, 3, 3)
    small.validate()
    assert sizing._hpa_size_text(small, w.scope) == "replicas=3 of 5, minReplicas=3 of 4, maxReplicas=3 of 10"
    assert sizing._hpa_size_text(w.scope) == "replicas=5, maxReplicas=10"


def test_autoscaler_rows_are_planned_apart_at_a_reduced_max_replicas_without_pdr() -> None:
    w = _walkthrough()
    props = sizing.select(w)[0]
    p = sizing.plan(w, props, budget=Budget(timeout=60.0), calibrated=False)
    hpa_steps = [s for s in p.steps if any(q.name.startswith("deployment.hpa.") for q in s.task.properties)]
    assert all(q.name.startswith("deployment.hpa.") for s in hpa_steps for q in s.task.properties)
    [step] = hpa_steps  # maxReplicas 10 > HPA_FULL_MAX: no attempt at the manifest's size; not calibrated: the smallest
    assert step.task.engine == "explicit" and step.reduced and step.handoff is Handoff.KEEP
    assert step.task.scope.hpa_max_replicas == sizing.HPA_SMALLEST
    assert set(step.sizes) == {"replicas=1, maxReplicas=2 of 10"}
    assert "pdr" not in [s.task.engine for s in hpa_steps]
    # the other rows keep their plan, without the autoscaler, before the autoscaler's
    assert p.steps.index(step) == len(p.steps) - 1


def test_up_to_hpa_full_max_the_manifest_size_is_tried_first_and_hands_on() -> None:
    w = _walkthrough(max_replicas=sizing.HPA_FULL_MAX)
    p = sizing._autoscaler_plan(w, tuple(_hpa_props(w)), "auto", Budget(timeout=60.0), None, calibrated=False)
    first, second = p.steps
    assert first.handoff is Handoff.WITH_REASON and not first.reduced
    assert first.task.budget.max_states == sizing.HPA_FULL_STATES and first.task.scope == w.scope
    assert second.handoff is Handoff.KEEP and second.reduced
    assert second.sizes[0] == f"replicas=1, maxReplicas={sizing.HPA_SMALLEST} of {sizing.HPA_FULL_MAX}"


def test_the_smallest_max_replicas_is_explored_as_written() -> None:
    w = _walkthrough(max_replicas=2)
    p = sizing._autoscaler_plan(w, tuple(_hpa_props(w)), "auto", Budget(timeout=60.0), None, calibrated=True)
    [step] = p.steps
    assert not step.reduced and step.task.scope == w.scope and set(step.sizes) == {"replicas=1, maxReplicas=2"}


def test_another_engine_asked_for_runs_at_the_manifest_size() -> None:
    w = _walkthrough()
    p = sizing._autoscaler_plan(w, tuple(_hpa_props(w)), "pdr", Budget(timeout=60.0), None, calibrated=True)
    [step] = p.steps
    assert step.task.engine == "pdr" and not step.reduced and step.task.scope == w.scope


def test_planning_time_counts_against_the_workload_time() -> None:
    """A plan that took the workload's whole time runs nothing: every row is stopped by the budget."""
    w = _walkthrough()
    props = sizing.select(w)[0][:3]
    p = attrs.evolve(sizing.plan(w, props, calibrated=False), planning_seconds=60.0)
    rows = execute.execute_plan(p, 60.0)
    assert [r.result.verdict for r in rows] == [Verdict.INCONCLUSIVE] * 3
    assert {r.result.stats.stop_reason for r in rows} == {"timeout"}


def test_calibration_is_bounded_by_a_share_of_the_workload_time() -> None:
    assert sizing._calibration_seconds(None) == sizing.CALIBRATION_SECONDS
    assert sizing._calibration_seconds(8.0) == 8.0 * sizing.CALIBRATION_SHARE
    w = _walkthrough()
    props = [p for p in sizing.select(w)[0] if not p.name.startswith("deployment.hpa.")]
    cal = sizing.calibrate(w, props, seconds=1e-4)  # 25 µs: the calibration search stops on its time
    assert cal.factor == float("inf") and "did not finish in 2.5e-05 s" in cal.text


def test_a_small_budget_holds_for_the_autoscaler_rows() -> None:
    """With 3 s for the workload every autoscaler row is decided or INCONCLUSIVE stopped by the time, and names
    the reduced maxReplicas it was (or would have been) explored at."""
    w = _walkthrough()
    dog = Watchdog()
    try:
        report, stopped = fanout.check_one(w, frozenset(), "auto", Budget(), 3.0, watchdog=dog)
    finally:
        dog.close()
    assert stopped == ""
    hpa = [r for r in report.rows if r.result.property.name.startswith("deployment.hpa.")]
    assert len(hpa) == 3  # no apply fight: the walkthrough leaves spec.replicas out
    for r in hpa:
        assert r.result.verdict is not Verdict.INCONCLUSIVE or r.result.stats.stop_reason == "timeout", r
        assert r.reduced and r.size in ("replicas=1, maxReplicas=2 of 10", "replicas=1, maxReplicas=3 of 10")


def test_the_walkthrough_rows_are_decided_at_a_reduced_max_replicas() -> None:
    """The three rows (no apply fight: the walkthrough leaves spec.replicas out) at the size the calibration at
    maxReplicas 2 picks for the default 60 s (× 16 per step: 3): a VIOLATED there is a counterexample of the
    autoscaler with maxReplicas 3, and every row says so."""
    w = _walkthrough()
    props = _hpa_props(w)
    p = sizing.plan(w, props, budget=Budget(timeout=60.0))
    [step] = p.steps
    assert step.reduced and step.task.scope.hpa_max_replicas == 3
    rows = execute.execute_plan(p, None)  # the plan is sized by states; run without a clock, so load cannot stop it
    got = {r.result.property.short: (r.result.verdict, r.size, r.reduced) for r in rows}
    at = "replicas=1, maxReplicas=3 of 10"
    assert got == {
        "hpa.replicas_within_max": (Verdict.HOLDS, at, True),
        "hpa.no_inflation_during_rollout": (Verdict.VIOLATED, at, True),
        "hpa.no_inflation_under_total_demand": (Verdict.HOLDS, at, True),
    }
