"""The HorizontalPodAutoscaler's replica arithmetic, as small pure functions.

Kubernetes v1.35. Upstream files read (stored index of kubernetes/kubernetes, no release tag
recorded; the replica calculator copy is recent: ``Tolerances`` of the ``HPAConfigurableTolerance``
gate, Beta and on in v1.35, and pod-level requests):

* ``pkg/controller/podautoscaler/replica_calculator.go`` (index id 4233727116):
  ``GetResourceReplicas``, ``calcPlainMetricReplicas``, ``groupPods``, ``Tolerances.isWithin``.
* ``pkg/controller/podautoscaler/metrics/utilization.go`` (copies with the requestsTotal == 0
  error): ``GetResourceUtilizationRatio``, ``GetMetricUsageRatio``.
* ``pkg/controller/podautoscaler/horizontal.go`` (index id 34180177761, an older copy; the
  functions below read the same in the recent copies seen, e.g. id 170952212):
  ``reconcileAutoscaler``'s preamble, ``stabilizeRecommendation``, ``normalizeDesiredReplicas``,
  ``convertDesiredReplicasWithRules``, ``calculateScaleUpLimit`` (scaleUpLimitFactor 2.0,
  scaleUpLimitMinimum 4.0).

What the source says, in our words:

* **Pods are counted by the target's selector** (``podLister.List(selector)``): for a Deployment
  every ReplicaSet's pods, so a rollout's surge pods count, while ``currentReplicas`` is the
  target's ``scale.spec.replicas``. ``groupPods``: a pod being deleted or Failed is *ignored*; a
  Pending pod is *unready*; a pod without a metric is *missing*; for CPU a pod is also unready
  when it has no Ready condition or start time, when within ``cpuInitializationPeriod``
  of its start it is not Ready or its sample predates Ready + the metric window, and after that
  period when it is not Ready and never was (its Ready condition changed within
  ``delayOfInitialReadinessStatus`` of its start); everything else is *ready*. The controller's
  defaults are 5 min and 30 s (``config/v1alpha1/defaults.go``); upstream's tests use 2 min, 10 s.
* **Utilization**: int32(Σ usage × 100 / Σ requests) over the ready pods that have metrics (an
  integer division), ratio = utilization / target as float64. ``isWithin(r)`` is
  ``1 − down ≤ r ≤ 1 + up`` (tolerances 0.1 by default, per-direction per HPA in v1.35).
* **GetResourceReplicas**: without unready pods during a scale-up and without missing pods:
  within tolerance → currentReplicas, else ``ceil(ratio × readyPodCount)``. Otherwise missing pods
  are filled in — on a scale-down (ratio < 1) at ``max(100, target)`` % of their request, on a
  scale-up (ratio > 1) at 0, at ratio exactly 1 not at all — and on a scale-up unready pods at 0;
  the ratio is recomputed; within tolerance, or a flipped direction, → currentReplicas; else
  ``ceil(newRatio × len(metrics))``, unless that moves against the direction (→ currentReplicas).
  Plain (Pods) metrics: the same with usage = Σ/len (integer) and missing pods at the target.
* **reconcileAutoscaler**: ``scale.spec.replicas == 0`` with minReplicas ≠ 0 disables scaling;
  above maxReplicas → maxReplicas, below minReplicas → minReplicas, without asking metrics;
  otherwise the metric's proposal is normalised. With ``spec.behavior`` nil:
  ``stabilizeRecommendation`` takes the **maximum** of the proposal and the recommendations
  recorded within the downscale window (``--horizontal-pod-autoscaler-downscale-stabilization``,
  300 s), replacing one expired record or appending; ``recordInitialRecommendation`` seeds the
  record with currentReplicas. ``convertDesiredReplicasWithRules`` clamps to
  [minReplicas, min(maxReplicas, max(2 × current, 4))].

Exact and float arithmetic. Upstream multiplies float64 ratios, so ``ceil(util/target × n)`` can
exceed the exact rational ceiling when the product is an integer (util 290, target 70, 7 pods:
29.000000000000004 → 30). The plain-Python functions here compute with float64 exactly as
upstream. The ``ops`` functions are integer arithmetic for the symbolic engines; where the
utilization is a constant of a branch (:func:`ceil_ratio_times`) they add the float excess from a
table over the bounded pod count, so they agree with upstream there too; where it is computed
from counts (the refill branch) they are exact-rational, and tests/model/test_hpa_util.py pins
their agreement with the float port over the grid the scopes use.

Not ported: ``spec.behavior`` policies and the scale-up window (``normalizeDesiredReplicasWith
Behaviors``), Object/External metrics, container metrics, the metrics API itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import attrs

from kubecheck.model.kernel.ops import CONCRETE, Ops, Value

# kube-controller-manager defaults (pkg/controller/podautoscaler/config/v1alpha1/defaults.go:
# RecommendedDefaultHPAControllerConfiguration); upstream's unit tests use 2 min and 10 s instead.
DOWNSCALE_STABILIZATION_SECONDS = 300
CPU_INITIALIZATION_PERIOD_SECONDS = 300
DELAY_OF_INITIAL_READINESS_STATUS_SECONDS = 30
SYNC_PERIOD_SECONDS = 15
SCALE_UP_LIMIT_FACTOR = 2
SCALE_UP_LIMIT_MINIMUM = 4

READY, UNREADY, MISSING, IGNORED = "ready", "unready", "missing", "ignored"


class ReplicaCalcError(ValueError):
    """The calculator's error (the metric is then invalid for this sync)."""


@attrs.frozen
class Tolerances:
    """Scale-down and scale-up tolerances in percent (upstream floats 0.1 = 10)."""

    down: int = 10
    up: int = 10

    def is_within(self, ratio: float) -> bool:
        """Tolerances.isWithin on float64, as upstream."""
        return (1.0 - self.down / 100) <= ratio <= (1.0 + self.up / 100)


# ---- groupPods ------------------------------------------------------------------------------


def is_cpu_sample_unready(
    ready_condition: bool | None,
    start_age: int | None,
    transition_age: int,
    metric_age: int,
    metric_window: int,
    periods: tuple[int, int] = (CPU_INITIALIZATION_PERIOD_SECONDS, DELAY_OF_INITIAL_READINESS_STATUS_SECONDS),
) -> bool:
    """groupPods' CPU rule. Ages are seconds before now (``ready_condition`` None: no Ready
    condition; ``start_age`` None: no start time); ``periods`` = (cpuInitializationPeriod,
    delayOfInitialReadinessStatus), the controller's flags."""
    initialization, delay = periods
    if ready_condition is None or start_age is None:
        return True
    if start_age < initialization:  # startTime + period After now
        # not Ready, or the sample was taken before lastTransition + window
        return ready_condition is False or metric_age > transition_age - metric_window
    # not Ready and never was: startTime + delay After lastTransitionTime
    return ready_condition is False and start_age - transition_age < delay


def group_pod(deleting: bool, phase: str, has_metric: bool, cpu_unready: bool = False) -> str:
    """groupPods for one pod: ignored, unready, missing or ready (``cpu_unready`` only for CPU)."""
    if deleting or phase == "Failed":
        return IGNORED
    if phase == "Pending":
        return UNREADY
    if not has_metric:
        return MISSING
    return UNREADY if cpu_unready else READY


# ---- the calculator on concrete pods (float64, as upstream) -----------------------------------


@attrs.frozen
class PodSample:
    """One pod the selector lists: its group, its request (milli, all containers) and its usage
    (milli; None when the metrics API returned none for it)."""

    group: str
    request: int | None
    usage: int | None = None


@attrs.frozen
class Recommendation:
    replicas: int
    utilization: int
    raw: int


def _utilization(metrics: dict[int, int], requests: dict[int, int]) -> tuple[int, int]:
    """GetResourceUtilizationRatio: (int32 utilization %, raw average), over pods with both."""
    total = sum(metrics[i] for i in metrics if i in requests)
    request_total = sum(requests[i] for i in metrics if i in requests)
    entries = sum(1 for i in metrics if i in requests)
    if request_total == 0:
        raise ReplicaCalcError("no metrics returned matched known pods")
    return (total * 100) // request_total, total // entries


def get_resource_replicas(
    current: int, target: int, tolerances: Tolerances, pods: Sequence[PodSample], extra_metrics: Sequence[int] = ()
) -> Recommendation:
    """GetResourceReplicas with a Utilization target. ``extra_metrics`` are samples the metrics
    API returned for pods the selector does not list: they have no request, so the utilization
    skips them, but they stay in len(metrics) as upstream's map keeps them."""
    if not pods:
        raise ReplicaCalcError("no pods returned by selector while calculating replica count")
    metrics = {i: p.usage for i, p in enumerate(pods) if p.usage is not None and p.group == READY}
    metrics.update({-1 - k: usage for k, usage in enumerate(extra_metrics)})
    if not metrics:
        raise ReplicaCalcError("did not receive metrics for targeted pods (pods might be unready)")
    if any(p.request is None for p in pods):
        raise ReplicaCalcError("missing request for cpu")
    requests = {i: p.request for i, p in enumerate(pods) if p.request is not None}
    ready_count = sum(1 for p in pods if p.group == READY)
    unready = [i for i, p in enumerate(pods) if p.group == UNREADY]
    missing = [i for i, p in enumerate(pods) if p.group == MISSING]
    utilization, raw = _utilization(metrics, requests)
    ratio = utilization / target
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        if tolerances.is_within(ratio):
            return Recommendation(current, utilization, raw)
        return Recommendation(math.ceil(ratio * ready_count), utilization, raw)
    if missing and ratio < 1.0:
        fallback = max(100, target)
        metrics.update({i: requests[i] * fallback // 100 for i in missing})
    elif missing and ratio > 1.0:
        metrics.update({i: 0 for i in missing})
    if scale_up_with_unready:
        metrics.update({i: 0 for i in unready})
    new_ratio = _utilization(metrics, requests)[0] / target
    if tolerances.is_within(new_ratio) or (ratio < 1.0 < new_ratio) or (new_ratio < 1.0 < ratio):
        return Recommendation(current, utilization, raw)
    new_replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
        return Recommendation(current, utilization, raw)
    return Recommendation(new_replicas, utilization, raw)


def calc_plain_metric_replicas(
    current: int, target_usage: int, tolerances: Tolerances, pods: Sequence[PodSample]
) -> tuple[int, int]:
    """calcPlainMetricReplicas (Pods metrics, AverageValue target): (replicas, usage)."""
    if not pods:
        raise ReplicaCalcError("no pods returned by selector while calculating replica count")
    metrics = {i: p.usage for i, p in enumerate(pods) if p.usage is not None and p.group == READY}
    if not metrics:
        raise ReplicaCalcError("did not receive metrics for targeted pods (pods might be unready)")
    ready_count = sum(1 for p in pods if p.group == READY)
    unready = [i for i, p in enumerate(pods) if p.group == UNREADY]
    missing = [i for i, p in enumerate(pods) if p.group == MISSING]
    usage = sum(metrics.values()) // len(metrics)
    ratio = usage / target_usage
    scale_up_with_unready = bool(unready) and ratio > 1.0
    if not scale_up_with_unready and not missing:
        return (current if tolerances.is_within(ratio) else math.ceil(ratio * ready_count)), usage
    if missing and ratio != 1.0:
        metrics.update({i: target_usage if ratio < 1.0 else 0 for i in missing})
    if scale_up_with_unready:
        metrics.update({i: 0 for i in unready})
    new_ratio = (sum(metrics.values()) // len(metrics)) / target_usage
    if tolerances.is_within(new_ratio) or (ratio < 1.0 < new_ratio) or (new_ratio < 1.0 < ratio):
        return current, usage
    new_replicas = math.ceil(new_ratio * len(metrics))
    if (new_ratio < 1.0 and new_replicas > current) or (new_ratio > 1.0 and new_replicas < current):
        return current, usage
    return new_replicas, usage


# ---- normalisation (spec.behavior nil) ----------------------------------------------------------


def calculate_scale_up_limit(ops: Ops, current: Value) -> Value:
    """calculateScaleUpLimit: max(2 × current, 4)."""
    return ops.max_(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM)


def convert_desired_replicas_with_rules(
    ops: Ops, current: Value, desired: Value, min_replicas: Value, max_replicas: Value
) -> Value:
    """convertDesiredReplicasWithRules: clamp to [minReplicas, min(maxReplicas, scaleUpLimit)]."""
    maximum = ops.min_(max_replicas, calculate_scale_up_limit(ops, current))
    return ops.ite(desired < min_replicas, min_replicas, ops.ite(desired > maximum, maximum, desired))


def limiting_condition(current: int, desired: int, min_replicas: int, max_replicas: int) -> str:
    """The ScalingLimited reason convertDesiredReplicasWithRules reports."""
    limit = calculate_scale_up_limit(CONCRETE, current)
    if desired < min_replicas:
        return "TooFewReplicas"
    if desired > min(max_replicas, limit):
        return "ScaleUpLimit" if max_replicas > limit else "TooManyReplicas"
    return "DesiredWithinRange"


def stabilize_recommendation_log(
    log: Sequence[tuple[int, int]], desired: int, window: int = DOWNSCALE_STABILIZATION_SECONDS
) -> tuple[int, list[tuple[int, int]]]:
    """stabilizeRecommendation on a log of (recommendation, age in seconds): the maximum of
    ``desired`` and the records not older than the window; the new log replaces the *last*
    expired record found, or appends."""
    result, expired = desired, None
    for i, (value, age) in enumerate(log):
        if age > window:
            expired = i
        elif value > result:
            result = value
    new_log = list(log)
    if expired is None:
        new_log.append((desired, 0))
    else:
        new_log[expired] = (desired, 0)
    return result, new_log


def stabilized_recommendation(ops: Ops, desired: Value, window: Sequence[Value], filled: Sequence[Value]) -> Value:
    """stabilizeRecommendation's result for guards: max(desired, the recorded recommendations
    still in the window). ``window[i]`` is slot i, ``filled[i]`` whether it holds a record."""
    return ops.max_(desired, *[ops.ite(f, w, 0) for w, f in zip(window, filled, strict=True)])


def window_record(ops: Ops, window: Sequence[Value], size: Value, desired: Value) -> tuple[list[Value], Value]:
    """Record ``desired`` in a window kept as a strictly decreasing queue (oldest first): records
    not greater than ``desired`` can never be the window's maximum again and are dropped, which
    leaves the stabilised value exactly as upstream's full log gives it (see the module's paper).
    Returns (slots, size); the slots must number more than the largest recommendation."""
    kept = ops.count(ops.and_(i < size, w > desired) for i, w in enumerate(window))
    slots = [ops.ite(i < kept, w, ops.ite(i == kept, desired, 0)) for i, w in enumerate(window)]
    return slots, kept + 1


def window_expire(ops: Ops, window: Sequence[Value], size: Value) -> tuple[list[Value], Value]:
    """The oldest record leaves the window (time passed: 300 s since it was recorded)."""
    slots = [*window[1:], 0]
    return [ops.ite(i < size - 1, s, 0) for i, s in enumerate(slots)], ops.max_(size - 1, 0)


def normalize_desired_replicas(
    ops: Ops,
    current: Value,
    proposal: Value,
    bounds: tuple[int, int],
    window: tuple[Sequence[Value], Sequence[Value]],
) -> Value:
    """normalizeDesiredReplicas (spec.behavior nil): the proposal stabilised over the window
    (``window`` = (slots, filled flags)), then clamped by convertDesiredReplicasWithRules to
    ``bounds`` = (minReplicas, maxReplicas) and the scale-up limit."""
    stabilized = stabilized_recommendation(ops, proposal, window[0], window[1])
    return convert_desired_replicas_with_rules(ops, current, stabilized, bounds[0], bounds[1])


def reconcile_desired(
    ops: Ops, spec_replicas: Value, min_replicas: int, max_replicas: int, normalized: Value
) -> tuple[Value, Value]:
    """reconcileAutoscaler's choice: (rescale, desired). Scaling disabled at 0 replicas when
    minReplicas ≠ 0; outside [min, max] the bound; otherwise ``normalized`` (the metric's
    proposal after stabilisation and the rules)."""
    disabled = ops.and_(spec_replicas == 0, min_replicas != 0)
    desired = ops.ite(
        spec_replicas > max_replicas,
        max_replicas,
        ops.ite(spec_replicas < min_replicas, min_replicas, normalized),
    )
    return ops.and_(ops.not_(disabled), desired != spec_replicas), ops.ite(disabled, spec_replicas, desired)


# ---- the calculator for guards: uniform pods, the load a constant of the branch ---------------


def ceil_ratio_times(ops: Ops, utilization: int, target: int, count: Value, bound: int) -> Value:
    """int32(math.Ceil(float64(utilization)/float64(target) × count)) for 0 ≤ count ≤ bound: the
    exact ceiling plus the float64 excess, tabulated over the bounded count."""
    exact = ops.ceil_div(utilization * count, target)
    excess = [k for k in range(bound + 1) if math.ceil(utilization / target * k) != -((-utilization * k) // target)]
    return exact + ops.count(count == k for k in excess)


def resource_replicas_uniform(
    ops: Ops, load: int, target: int, tolerances: Tolerances, counts: tuple[Value, Value, Value, Value], bound: int
) -> Value:
    """GetResourceReplicas when every ready pod uses ``load`` % of an equal request (the load a
    constant of the caller's branch) and pods request the same: ``counts`` = (currentReplicas,
    ready, unready, missing), each pod count at most ``bound``. Requires ready ≥ 1 (upstream
    errors without metrics); the refill branch divides by a pod count, tabulated up to 3 × bound."""
    current, ready, unready, missing = counts
    within = tolerances.is_within(load / target)
    up_with_unready = ops.and_(unready > 0, load > target)  # a constant comparison, kept in ops
    direct = ops.ite(within, current, ceil_ratio_times(ops, load, target, ready, bound))
    filled = 0 if load == target else missing  # at ratio exactly 1 missing pods stay out
    fill = max(100, target) if load < target else 0
    zeroed = ops.ite(up_with_unready, unready, 0)
    members = ready + filled + zeroed
    numerator = ready * load + filled * fill
    new_util = ops.sum_(ops.ite(members == k, ops.floor_div(numerator, k), 0) for k in range(1, 3 * bound + 1))
    new_within = ops.and_(
        (100 - tolerances.down) * target <= 100 * new_util, 100 * new_util <= (100 + tolerances.up) * target
    )
    flipped = ops.or_(ops.and_(load < target, new_util > target), ops.and_(load > target, new_util < target))
    new_replicas = ops.sum_(
        ops.ite(members == k, ops.ceil_div(new_util * k, target), 0) for k in range(1, 3 * bound + 1)
    )
    against = ops.or_(
        ops.and_(new_util < target, new_replicas > current), ops.and_(new_util > target, new_replicas < current)
    )
    refill = ops.ite(ops.or_(new_within, flipped, against), current, new_replicas)
    return ops.ite(ops.and_(ops.not_(up_with_unready), missing == 0), direct, refill)


def by_load(ops: Ops, load_index: Value, levels: Sequence[int], fn: Callable[[int], Value]) -> Value:
    """``fn(level)`` for the level ``load_index`` selects: a case split that keeps the load a
    constant inside each branch (so products stay linear for the symbolic engines)."""
    result = fn(levels[-1])
    for i in range(len(levels) - 2, -1, -1):
        result = ops.ite(load_index == i, fn(levels[i]), result)
    return result
