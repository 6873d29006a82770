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
their agreement with the float port over the grid the scopes use. No table needs a bound on the pod
counts when the result is read through min(·, maxReplicas) (:func:`excess_bound`, the ``top``
argument of :func:`resource_replicas_uniform`): the symbolic engines can then leave the
Deployment's replicas and surge open (tests/model/test_hpa_unbounded_counts.py).

``spec.behavior`` (horizontal.go ``normalizeDesiredReplicasWithBehaviors`` and what it calls; the
defaults of ``pkg/apis/autoscaling/v2/defaults.go``): ported at the end of this module on concrete
values with upstream's timestamped logs as ages (tests/model/test_hpa_behavior.py runs upstream's
tables on them), and in the guards' form — the two windows as monotone queues and the scale events as
a queue of signed changes, each with the number of policy periods it has outlived — which that file
proves equal to the timed form. The Percent policies compute in float64 upstream (25 × 1.12 rounds up
to 29); the guard form adds the float error from a table over the bounded period start.

The per-direction ``tolerance`` of spec.behavior (KEP-4951). Read, in our words:
``pkg/features/kube_features.go`` (index id 378079260, the v1.35 versioned specs) lists
``HPAConfigurableTolerance`` Alpha off in 1.33 and **Beta, on by default, in 1.35**, so the field is kept:
the API server's ``dropDisabledFields`` (``pkg/registry/autoscaling/horizontalpodautoscaler/strategy.go``,
id 235012456) clears both directions' tolerance only when the gate is off and the old object had none.
``horizontal.go`` ``tolerancesForHpa`` (a recent copy, id 69753191866) starts from the controller's
``--horizontal-pod-autoscaler-tolerance`` both ways and, when spec.behavior is set and the gate on,
replaces a direction by its ``Tolerance.AsApproximateFloat64()``; every metric's calculator receives that
``Tolerances`` and ``isWithin`` compares the usage ratio with ``1 − scaleDown`` and ``1 + scaleUp`` in
float64. Validation refuses a negative tolerance (``validation_test.go``: "greater or equal to zero").
:func:`parse_quantity` ports ``resource.ParseQuantity`` (``staging/.../api/resource/quantity.go``) for the
decimal and binary forms, keeping the value exactly as the Quantity holds it, and
:meth:`Quantity.as_approximate_float64` its two roundings (float64 of the digits times ``math.Pow10``). The
guards never compare floats with counts: :meth:`Tolerances.utilization_band` turns the float64 test into
the interval of integer utilizations it accepts, so the model agrees with upstream at the boundaries too.

Not ported: Object/External metrics, container metrics, the metrics API itself.
"""

from __future__ import annotations

import fractions
import functools
import math
from collections.abc import Callable, Sequence

import attrs

from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.scopes import ScopeError

# kube-controller-manager defaults (pkg/controller/podautoscaler/config/v1alpha1/defaults.go:
# RecommendedDefaultHPAControllerConfiguration); upstream's unit tests use 2 min and 10 s instead.
DOWNSCALE_STABILIZATION_SECONDS = 300
CPU_INITIALIZATION_PERIOD_SECONDS = 300
DELAY_OF_INITIAL_READINESS_STATUS_SECONDS = 30
SYNC_PERIOD_SECONDS = 15
SCALE_UP_LIMIT_FACTOR = 2
SCALE_UP_LIMIT_MINIMUM = 4
#: --horizontal-pod-autoscaler-tolerance (defaults.go), both directions
DEFAULT_TOLERANCE = 0.1

READY, UNREADY, MISSING, IGNORED = "ready", "unready", "missing", "ignored"


class ReplicaCalcError(ValueError):
    """The calculator's error (the metric is then invalid for this sync)."""


@attrs.frozen
class Tolerances:
    """Tolerances{scaleDown, scaleUp}: the usage-ratio tolerances as float64, as upstream keeps them (0.1 each
    way is the controller's --horizontal-pod-autoscaler-tolerance default); :func:`tolerances_for_hpa` builds
    them from an autoscaler's spec.behavior."""

    down: float = DEFAULT_TOLERANCE
    up: float = DEFAULT_TOLERANCE

    def is_within(self, ratio: float) -> bool:
        """Tolerances.isWithin on float64, as upstream: 1 − scaleDown ≤ ratio ≤ 1 + scaleUp."""
        return (1.0 - self.down) <= ratio <= (1.0 + self.up)

    def utilization_band(self, target: int, top: int) -> tuple[int, int]:
        """(lo, hi): the integer utilizations u in 0..top whose ratio float64(u)/float64(target) is within,
        as lo <= u <= hi. The set is an interval (the division and both comparisons are monotone in u) and
        holds u = target (the ratio 1.0, tolerances being >= 0), so the guards compare a count with two
        integer constants and agree with upstream's float64 at every u, boundaries included."""
        return _utilization_band(self, target, top)


@functools.lru_cache(maxsize=4096)
def _utilization_band(tolerances: Tolerances, target: int, top: int) -> tuple[int, int]:
    inside = [u for u in range(max(top, target) + 1) if tolerances.is_within(u / target)]
    assert inside and inside == list(range(inside[0], inside[-1] + 1)), (tolerances, target)
    return inside[0], inside[-1]


def tolerances_for_hpa(
    behavior: bool,
    down: Quantity | None,
    up: Quantity | None,
    controller: float = DEFAULT_TOLERANCE,
    gate: bool = True,
) -> Tolerances:
    """tolerancesForHpa (horizontal.go): the controller's tolerance both ways; with spec.behavior set and the
    HPAConfigurableTolerance gate on (Beta, on by default in v1.35), each direction's ``tolerance`` that is set
    replaces it, as Quantity.AsApproximateFloat64."""
    if not behavior or not gate:
        return Tolerances(controller, controller)
    return Tolerances(
        controller if down is None else down.as_approximate_float64(),
        controller if up is None else up.as_approximate_float64(),
    )


# ---- resource.Quantity for a tolerance (k8s.io/apimachinery/pkg/api/resource/quantity.go) --------------------

#: ErrFormatWrong, ErrSuffix, ErrNumeric of quantity.go, as the API server reports a value it cannot decode
QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
QUANTITY_SUFFIX = "unable to parse quantity's suffix"
_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_NANO = -9


class QuantityError(ValueError):
    """ParseQuantity's error: the text is not a quantity."""


@attrs.frozen
class Quantity:
    """A parsed resource.Quantity: ``unscaled`` × 10^``exponent`` exactly (int64Amount{value, scale}, or the
    inf.Dec form rounded up to nano), and the text it was read from."""

    unscaled: int
    exponent: int
    text: str

    @property
    def exact(self) -> fractions.Fraction:
        return fractions.Fraction(self.unscaled) * fractions.Fraction(10) ** self.exponent

    def sign(self) -> int:
        return (self.unscaled > 0) - (self.unscaled < 0)

    def as_approximate_float64(self) -> float:
        """Quantity.AsApproximateFloat64: float64(unscaled) × math.Pow10(exponent), two roundings ("0.05" is 5 ×
        0.01 = 0.05, but "0.35" is 35 × 0.01 = 0.35000000000000003: that is the tolerance upstream compares with)."""
        try:
            base = float(self.unscaled)
        except OverflowError:
            return math.copysign(math.inf, self.unscaled)
        return base if self.exponent == 0 else base * _pow10(self.exponent)

    def __str__(self) -> str:
        return self.text


def _pow10(n: int) -> float:
    """math.Pow10 as Go computes it: a table of exact powers (1e0..1e31) times or divided by 1e(32k)."""
    if 0 <= n <= 308:
        return float(f"1e{n // 32 * 32}") * float(f"1e{n % 32}")
    if -323 <= n < 0:
        return float(f"1e-{-n // 32 * 32}") / float(f"1e{-n % 32}")
    return math.inf if n > 0 else 0.0


def _split_quantity(text: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, numerator without leading zeros, denominator, suffix)."""
    positive, pos, end = True, 0, len(text)
    if pos < end and text[0] in "+-":
        positive, pos = text[0] != "-", 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos].isdigit() and text[pos].isascii():
        pos += 1
    num = text[start:pos] or "0"
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos].isdigit() and text[pos].isascii():
            pos += 1
        denom = text[start:pos]
    value, suffix_start = text[:pos], pos
    while pos < end and text[pos] in "eEinumkKMGTP":
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos].isdigit() and text[pos].isascii():
        pos += 1
    if pos < end:
        raise QuantityError(QUANTITY_FORMAT)
    return positive, value, num, denom, text[suffix_start:]


def parse_quantity(text: str) -> Quantity:
    """resource.ParseQuantity for decimal and binary forms ("0.05", "50m", "5e-2", "1Ki"): the exact value it
    stores, which AsApproximateFloat64 then reads. Raises QuantityError with upstream's message."""
    if text == "":
        raise QuantityError(QUANTITY_FORMAT)
    if text == "0":
        return Quantity(0, 0, text)
    positive, value, num, denom, suffix = _split_quantity(text)
    sign = 1 if positive else -1
    if suffix in _DECIMAL_SUFFIXES:
        base, exponent, binary = 10, _DECIMAL_SUFFIXES[suffix], False
    elif suffix in _BINARY_SUFFIXES:
        base, exponent, binary = 2, _BINARY_SUFFIXES[suffix], True
    elif len(suffix) > 1 and suffix[0] in "eE" and _is_int(suffix[1:]):
        base, exponent, binary = 10, int(suffix[1:]), False
    else:
        raise QuantityError(QUANTITY_SUFFIX)
    if not binary and 18 - (len(num) + len(denom)) >= 0 and exponent - len(denom) >= _NANO:
        return Quantity(sign * int(num + denom), exponent - len(denom), text)  # int64Amount (the fast path)
    if binary and exponent >= 0 and not denom and 15 - len(num) - int(exponent * 3 / 10) - 1 >= 0:
        return Quantity(sign * (int(num) << exponent), 0, text)
    # inf.Dec: the digits at their scale (times 2^exponent for a binary suffix), rounded away from zero to nano
    digits = int(value.lstrip("+-").replace(".", "") or "0")
    amount = fractions.Fraction(digits, 10 ** len(denom)) * (base**exponent if base == 2 else 1)
    if base == 10:
        amount *= fractions.Fraction(10) ** exponent
    nanos = math.ceil(amount * 10**9)
    return Quantity(sign * nanos, 0 if nanos == 0 else _NANO, text)


def _is_int(text: str) -> bool:
    """strconv.ParseInt(text, 10, 64) succeeds."""
    body = text[1:] if text[:1] in "+-" else text
    return body.isascii() and body.isdigit() and -(2**63) <= int(text) < 2**63


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


def excess_bound(utilization: int, target: int, top: int) -> int:
    """The ready count up to which :func:`ceil_ratio_times` must tabulate the float64 excess when its result is
    read only through min(·, ``top``): beyond it the exact ceiling is above ``top`` already (u × k > top × target),
    and upstream's float64 ceiling is never below the exact one there (the product's rounding error, about
    2⁻⁵² of it, is far below the 1/target that separates a non-integer product from the next integer)."""
    return top * target // utilization if utilization > 0 else 0


def resource_replicas_uniform(
    ops: Ops,
    load: int,
    target: int,
    tolerances: Tolerances,
    counts: tuple[Value, Value, Value, Value],
    bound: int,
    top: int | None = None,
) -> Value:
    """GetResourceReplicas when every ready pod uses ``load`` % of an equal request (the load a
    constant of the caller's branch) and pods request the same: ``counts`` = (currentReplicas,
    ready, unready, missing). Requires ready ≥ 1 (upstream errors without metrics). The direct
    branch's float64 excess is tabulated for ready ≤ ``bound`` (:func:`ceil_ratio_times`; beyond it
    the exact ceiling). The refill branch holds for pod counts of any size: with ``top`` None exactly;
    with ``top`` set, the refilled proposal is min(·, top + 1), which changes nothing read through
    min(·, top) at currentReplicas ≤ top (the autoscaler's reads) and keeps its tables small."""
    current, ready, unready, missing = counts
    within = tolerances.is_within(load / target)
    up_with_unready = ops.and_(unready > 0, load > target)  # a constant comparison, kept in ops
    direct = ops.ite(within, current, ceil_ratio_times(ops, load, target, ready, bound))
    filled = 0 if load == target else missing  # at ratio exactly 1 missing pods stay out
    fill = max(100, target) if load < target else 0
    zeroed = ops.ite(up_with_unready, unready, 0)
    members = ready + filled + zeroed
    numerator = ready * load + filled * fill
    # new_util = floor(numerator / members) (members > 0) is a weighted mean of the constants load and fill (0 for
    # unready pods, which are counted only above the target, where fill is 0 too): load..fill below the target,
    # 0..load above it. Each comparison of it with a constant is linear in the counts (floor(n / m) >= c iff
    # n >= c * m), and new_replicas is read only outside the band without a flip: high + 1..load above the
    # target, load..low - 1 below it (at the target new_util is the load, within)
    low, high = tolerances.utilization_band(target, max(load, fill))  # new_util <= max(load, fill)
    new_within = ops.and_(low * members <= numerator, numerator < (high + 1) * members)
    below, above = numerator < target * members, numerator >= (target + 1) * members
    flipped = ops.or_(ops.and_(load < target, above), ops.and_(load > target, below))
    read = (high + 1, load) if load > target else (load, low - 1) if load < target else (1, 0)
    new_replicas = _refilled_replicas(ops, numerator, members, target, read, top)
    against = ops.or_(ops.and_(below, new_replicas > current), ops.and_(above, new_replicas < current))
    refill = ops.ite(ops.or_(new_within, flipped, against), current, new_replicas)
    return ops.ite(ops.and_(ops.not_(up_with_unready), missing == 0), direct, refill)


def _refilled_replicas(
    ops: Ops, numerator: Value, members: Value, target: int, read: tuple[int, int], top: int | None
) -> Value:
    """ceil(new_util × members / target) with new_util = floor(numerator / members), where new_util is in ``read``
    (elsewhere the value is not read), as finite tables of linear terms (no product of two counts, no division by
    a count). ``top`` None: a table over new_util's values. ``top`` set: min(·, top + 1), which is top + 1
    exactly when new_util × members > top × target =: C; a table over new_util ≤ r (r = isqrt(C)) and, above r,
    over members ≤ C // (r + 1) (beyond it the product passes C): at most about 2√C entries, whatever the pod
    counts."""
    a, b = read

    def util_is(u: int) -> Value:
        return ops.and_(u * members <= numerator, numerator < (u + 1) * members)

    if top is None:
        return ops.sum_(ops.ite(util_is(u), ops.ceil_div(u * members, target), 0) for u in range(max(a, 1), b + 1))
    cap, most = top + 1, top * target
    root = math.isqrt(most)
    low = ops.sum_(
        ops.ite(util_is(u), ops.min_(ops.ceil_div(u * members, target), cap), 0)
        for u in range(max(a, 1), min(b, root) + 1)
    )
    if b <= root:
        return low
    floor = max(a, root + 1)  # new_util at least this in the high part
    small = [
        (members == k, ops.min_(ops.ceil_div(ops.floor_div(numerator, k) * k, target), cap))
        for k in range(1, most // floor + 1)
    ]
    high: Value = cap  # members > C // floor and new_util >= floor: the product passes C
    for hit, value in reversed(small):
        high = ops.ite(hit, value, high)
    return high if a > root else ops.ite(numerator >= floor * members, high, low)


def by_load(ops: Ops, load_index: Value, levels: Sequence[int], fn: Callable[[int], Value]) -> Value:
    """``fn(level)`` for the level ``load_index`` selects: a case split that keeps the load a
    constant inside each branch (so products stay linear for the symbolic engines)."""
    result = fn(levels[-1])
    for i in range(len(levels) - 2, -1, -1):
        result = ops.ite(load_index == i, fn(levels[i]), result)
    return result


# ---- normalisation with spec.behavior ------------------------------------------------------------
#
# pkg/apis/autoscaling/v2/defaults.go (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules, applied by
# SetDefaults_HorizontalPodAutoscalerBehavior when spec.behavior is set) and horizontal.go
# (normalizeDesiredReplicasWithBehaviors, maybeInitScaleDownStabilizationWindow,
# stabilizeRecommendationWithBehaviors, convertDesiredReplicasWithBehaviorRate,
# calculateScaleUpLimitWithScalingRules, calculateScaleDownLimitWithBehaviors,
# getReplicasChangePerPeriod, storeScaleEvent, markScaleEventsOutdated, getLongestPolicyPeriod).

PODS_POLICY, PERCENT_POLICY = "Pods", "Percent"
MAX_POLICY, MIN_POLICY, DISABLED_POLICY = "Max", "Min", "Disabled"
SELECT_POLICIES = (MAX_POLICY, MIN_POLICY, DISABLED_POLICY)
#: defaults.go: the default policies' period (scaleUpPeriod / scaleDownPeriod)
DEFAULT_POLICY_PERIOD_SECONDS = 15
MAX_INT32, MIN_INT32 = 2**31 - 1, -(2**31)


@attrs.frozen
class ScalingPolicy:
    """One HPAScalingPolicy: ``kind`` Pods or Percent, ``value`` > 0, ``period`` seconds (1..1800)."""

    kind: str
    value: int
    period: int

    def __str__(self) -> str:
        return f"{self.value}{'pods' if self.kind == PODS_POLICY else '%'}/{self.period}s"


@attrs.frozen
class ScalingRules:
    """HPAScalingRules after defaulting: the stabilization window (seconds), selectPolicy and policies."""

    window: int
    select: str = MAX_POLICY
    policies: tuple[ScalingPolicy, ...] = ()

    @property
    def longest_period(self) -> int:
        """getLongestPolicyPeriod."""
        return max((p.period for p in self.policies), default=0)

    def __str__(self) -> str:
        """The scope's spelling, e.g. ``0s,max,4pods/15s,100%/15s`` (parse_scaling_rules reads it back)."""
        return ",".join([f"{self.window}s", self.select.lower(), *(str(p) for p in self.policies)])


def scale_up_rules(
    window: int | None = None, select: str | None = None, policies: Sequence[ScalingPolicy] | None = None
) -> ScalingRules:
    """GenerateHPAScaleUpRules: what the user left nil takes the default (window 0, Max of 4 pods and
    100 % per 15 s); a policy list, when given, replaces the default list whole (copyHPAScalingRules)."""
    default = (
        ScalingPolicy(PODS_POLICY, 4, DEFAULT_POLICY_PERIOD_SECONDS),
        ScalingPolicy(PERCENT_POLICY, 100, DEFAULT_POLICY_PERIOD_SECONDS),
    )
    return ScalingRules(
        0 if window is None else window, select or MAX_POLICY, default if policies is None else tuple(policies)
    )


def scale_down_rules(
    window: int | None = None,
    select: str | None = None,
    policies: Sequence[ScalingPolicy] | None = None,
    controller_window: int = DOWNSCALE_STABILIZATION_SECONDS,
) -> ScalingRules:
    """GenerateHPAScaleDownRules (Max of 100 % per 15 s) with maybeInitScaleDownStabilizationWindow: a nil
    window takes the controller's --horizontal-pod-autoscaler-downscale-stabilization (300 s by default)."""
    default = (ScalingPolicy(PERCENT_POLICY, 100, DEFAULT_POLICY_PERIOD_SECONDS),)
    return ScalingRules(
        controller_window if window is None else window,
        select or MAX_POLICY,
        default if policies is None else tuple(policies),
    )


def parse_scaling_rules(raw: str) -> ScalingRules | None:
    """The scope's spelling of one direction's rules: ``none`` (spec.behavior nil) or
    ``<window>s,<max|min|disabled>,<policy>,...`` with a policy ``<n>pods/<p>s`` or ``<n>%/<p>s``;
    the bounds are the API server's (window 0..3600, value > 0, period 1..1800, one policy at least)."""
    text = str(raw).strip()
    if text in ("", "none"):
        return None
    expected = "expected none or <window>s,<max|min|disabled>,<n>pods/<p>s|<n>%/<p>s,... (e.g. 0s,max,4pods/15s)"
    parts = [p.strip() for p in text.split(",")]
    if len(parts) < 3 or not parts[0].endswith("s") or not parts[0][:-1].isdigit():
        raise ScopeError(f"{expected}, got {text!r}")
    window = int(parts[0][:-1])
    if window > 3600:
        raise ScopeError(f"stabilizationWindowSeconds: expected 0..3600, got {window}")
    select = {s.lower(): s for s in SELECT_POLICIES}.get(parts[1].lower())
    if select is None:
        raise ScopeError(f"selectPolicy: expected one of max, min, disabled, got {parts[1]!r}")
    policies = []
    for word in parts[2:]:
        amount, _, period = word.partition("/")
        kind = PODS_POLICY if amount.endswith("pods") else PERCENT_POLICY if amount.endswith("%") else None
        number = amount.removesuffix("pods").removesuffix("%")
        if kind is None or not number.isdigit() or not period.endswith("s") or not period[:-1].isdigit():
            raise ScopeError(f"policy: expected <n>pods/<p>s or <n>%/<p>s, got {word!r}")
        value, seconds = int(number), int(period[:-1])
        if value < 1 or not 1 <= seconds <= 1800:
            raise ScopeError(f"policy {word}: expected a value > 0 and a period of 1..1800 s, got {value}, {seconds}")
        policies.append(ScalingPolicy(kind, value, seconds))
    return ScalingRules(window, select, tuple(policies))


def periods_of(up: ScalingRules | None, down: ScalingRules | None) -> tuple[int, ...]:
    """The distinct policy periods of both directions, ascending (the stages of a scale event's age)."""
    return tuple(sorted({p.period for r in (up, down) if r is not None for p in r.policies}))


def show_scaling_rules(rules: ScalingRules | None) -> str:
    return "none" if rules is None else str(rules)


# -- on concrete values: events and recommendations with their ages in seconds (upstream's logs) --


def get_replicas_change_per_period(period: int, events: Sequence[tuple[int, int]]) -> int:
    """getReplicasChangePerPeriod: the changes of the events (change, age) younger than ``period``."""
    return sum(change for change, age in events if age < period)


def scale_up_proposal(period_start: int, policy: ScalingPolicy) -> int:
    """One policy's scale-up bound from the replicas at the period's start (Percent: float64, rounded up)."""
    if policy.kind == PODS_POLICY:
        return period_start + policy.value
    return math.ceil(float(period_start) * (1 + float(policy.value) / 100))


def scale_down_proposal(period_start: int, policy: ScalingPolicy) -> int:
    """One policy's scale-down bound (Percent: float64 converted by int32(), which truncates toward zero)."""
    if policy.kind == PODS_POLICY:
        return period_start - policy.value
    return int(float(period_start) * (1 - float(policy.value) / 100))


def calculate_scale_up_limit_with_scaling_rules(
    current: int, up_events: Sequence[tuple[int, int]], down_events: Sequence[tuple[int, int]], rules: ScalingRules
) -> int:
    """calculateScaleUpLimitWithScalingRules: Disabled → current; else the Max (or Min) over the policies
    of each policy's bound from the replicas at its period's start."""
    if rules.select == DISABLED_POLICY:
        return current
    proposals = [
        scale_up_proposal(
            current
            - get_replicas_change_per_period(p.period, up_events)
            + get_replicas_change_per_period(p.period, down_events),
            p,
        )
        for p in rules.policies
    ]
    if rules.select == MIN_POLICY:
        return min(proposals, default=MAX_INT32)
    return max(proposals, default=MIN_INT32)


def calculate_scale_down_limit_with_behaviors(
    current: int, up_events: Sequence[tuple[int, int]], down_events: Sequence[tuple[int, int]], rules: ScalingRules
) -> int:
    """calculateScaleDownLimitWithBehaviors: Disabled → current; else the Min (Max for selectPolicy Min)
    over the policies of each policy's bound."""
    if rules.select == DISABLED_POLICY:
        return current
    proposals = [
        scale_down_proposal(
            current
            - get_replicas_change_per_period(p.period, up_events)
            + get_replicas_change_per_period(p.period, down_events),
            p,
        )
        for p in rules.policies
    ]
    if rules.select == MIN_POLICY:
        return max(proposals, default=MIN_INT32)
    return min(proposals, default=MAX_INT32)


@attrs.frozen
class BehaviorArgs:
    """NormalizationArg without the key: the two directions' rules and the HPA's bounds."""

    scale_up: ScalingRules
    scale_down: ScalingRules
    min_replicas: int
    max_replicas: int


def convert_desired_replicas_with_behavior_rate(
    args: BehaviorArgs,
    current: int,
    desired: int,
    up_events: Sequence[tuple[int, int]] = (),
    down_events: Sequence[tuple[int, int]] = (),
) -> tuple[int, str]:
    """convertDesiredReplicasWithBehaviorRate: (replicas, ScalingLimited reason)."""
    if desired > current:
        limit = max(
            calculate_scale_up_limit_with_scaling_rules(current, up_events, down_events, args.scale_up), current
        )
        maximum, reason = (
            (limit, "ScaleUpLimit") if args.max_replicas > limit else (args.max_replicas, "TooManyReplicas")
        )
        if desired > maximum:
            return maximum, reason
    elif desired < current:
        limit = min(
            calculate_scale_down_limit_with_behaviors(current, up_events, down_events, args.scale_down), current
        )
        minimum, reason = (
            (limit, "ScaleDownLimit") if args.min_replicas < limit else (args.min_replicas, "TooFewReplicas")
        )
        if desired < minimum:
            return minimum, reason
    return desired, "DesiredWithinRange"


def stabilize_recommendation_with_behaviors(
    log: Sequence[tuple[int, int]], current: int, desired: int, up_window: int, down_window: int
) -> tuple[int, str, list[tuple[int, int]]]:
    """stabilizeRecommendationWithBehaviors on a log of (recommendation, age): current brought up to the
    minimum of ``desired`` and the records younger than the scale-up window, then down to the maximum of
    ``desired`` and those younger than the scale-down window; ``desired`` replaces the last record older
    than both windows, or is appended. Returns (recommendation, reason, new log)."""
    up, down, old = desired, desired, None
    for i, (value, age) in enumerate(log):
        if age < up_window:
            up = min(up, value)
        if age < down_window:
            down = max(down, value)
        if age > up_window and age > down_window:
            old = i
    recommendation = min(max(current, up), down)
    new_log = list(log)
    if old is None:
        new_log.append((desired, 0))
    else:
        new_log[old] = (desired, 0)
    return recommendation, ("ScaleUpStabilized" if desired >= current else "ScaleDownStabilized"), new_log


def store_scale_event(
    events: Sequence[tuple[int, int, bool]], rules: ScalingRules | None, change: int
) -> list[tuple[int, int, bool]]:
    """storeScaleEvent for one direction's list of (change, age, outdated): nothing without a behavior;
    else markScaleEventsOutdated (older than the direction's longest period) and the new event replaces
    the last outdated one, or is appended."""
    if rules is None:
        return list(events)
    longest = rules.longest_period
    marked = [(c, age, outdated or age > longest) for c, age, outdated in events]
    old = max((i for i, (_, _, outdated) in enumerate(marked) if outdated), default=None)
    if old is None:
        return [*marked, (change, 0, False)]
    marked[old] = (change, 0, False)
    return marked


# -- for guards: the windows as queues, the scale events as a queue with ages in stages ------------


def up_window_record(ops: Ops, window: Sequence[Value], size: Value, desired: Value) -> tuple[list[Value], Value]:
    """Record ``desired`` in the scale-up window kept as a strictly *increasing* queue (oldest first): a
    record not smaller than a younger one can never be the window's minimum again and is dropped (the
    mirror of :func:`window_record`). Returns (slots, size)."""
    kept = ops.count(ops.and_(i < size, w < desired) for i, w in enumerate(window))
    slots = [ops.ite(i < kept, w, ops.ite(i == kept, desired, 0)) for i, w in enumerate(window)]
    return slots, kept + 1


def stabilized_with_behaviors(
    ops: Ops,
    current: Value,
    desired: Value,
    up: tuple[Sequence[Value], Sequence[Value]],
    down: tuple[Sequence[Value], Sequence[Value]],
) -> Value:
    """stabilizeRecommendationWithBehaviors' result for guards: current raised to min(desired, the
    scale-up window's records), then lowered to max(desired, the scale-down window's records).
    ``up``/``down`` = (slots, filled flags), both empty for a window of 0 s (no record is in it)."""
    low = ops.min_(desired, *[ops.ite(f, w, desired) for w, f in zip(*up, strict=True)])
    high = ops.max_(desired, *[ops.ite(f, w, desired) for w, f in zip(*down, strict=True)])
    raised = ops.ite(current < low, low, current)
    return ops.ite(raised > high, high, raised)


def percent_up(ops: Ops, period_start: Value, value: int, span: int) -> Value:
    """int32(math.Ceil(float64(periodStart) × (1 + value/100))) for |periodStart| ≤ span: the exact
    ceiling plus the float64 excess, tabulated (10 × 1.1 = 11.000000000000002 → 12)."""
    exact = ops.ceil_div(period_start * (100 + value), 100)
    odd = [(k, scale_up_proposal(k, ScalingPolicy(PERCENT_POLICY, value, 1))) for k in range(-span, span + 1)]
    odd = [(k, got - -((-k * (100 + value)) // 100)) for k, got in odd]
    return exact + ops.sum_(ops.ite(period_start == k, d, 0) for k, d in odd if d)


def percent_down(ops: Ops, period_start: Value, value: int, span: int) -> Value:
    """int32(float64(periodStart) × (1 − value/100)) for |periodStart| ≤ span: the exact quotient
    truncated toward zero plus the float64 error, tabulated."""
    numerator = period_start * (100 - value)
    exact = ops.ite(numerator >= 0, ops.floor_div(numerator, 100), ops.ceil_div(numerator, 100))

    def truncated(k: int) -> int:
        n = k * (100 - value)
        return n // 100 if n >= 0 else -((-n) // 100)

    odd = [
        (k, scale_down_proposal(k, ScalingPolicy(PERCENT_POLICY, value, 1)) - truncated(k))
        for k in range(-span, span + 1)
    ]
    return exact + ops.sum_(ops.ite(period_start == k, d, 0) for k, d in odd if d)


@attrs.frozen
class EventQueue:
    """The scale events as the model keeps them: ``changes[i]`` the signed change of slot i (+ a scale-up,
    − a scale-down, 0 an empty slot), oldest first; ``stages[i]`` how many of ``periods`` (the distinct
    policy periods of both directions, ascending) the event has outlived. An event counts toward a policy
    of period p while its stage is at most the index of p."""

    changes: Sequence[Value]
    stages: Sequence[Value]
    periods: tuple[int, ...]

    def counted(self, ops: Ops, period: int, sign: int) -> Value:
        """getReplicasChangePerPeriod over one direction's events (sign +1 up, −1 down)."""
        k = self.periods.index(period)
        return ops.sum_(
            ops.ite(ops.and_(s <= k, c * sign > 0), c * sign, 0) for c, s in zip(self.changes, self.stages, strict=True)
        )


def behavior_limit(ops: Ops, current: Value, events: EventQueue, rules: ScalingRules, up: bool, span: int) -> Value:
    """calculateScaleUpLimitWithScalingRules (``up``) or calculateScaleDownLimitWithBehaviors for guards."""
    if rules.select == DISABLED_POLICY:
        return current
    proposals = []
    for p in rules.policies:
        start = current - events.counted(ops, p.period, 1) + events.counted(ops, p.period, -1)
        if p.kind == PODS_POLICY:
            proposals.append(start + p.value if up else start - p.value)
        else:
            proposals.append(percent_up(ops, start, p.value, span) if up else percent_down(ops, start, p.value, span))
    wide = (rules.select == MIN_POLICY) != up  # up & Max, down & Min: the largest
    return ops.max_(*proposals) if wide else ops.min_(*proposals)


def behavior_rate(ops: Ops, args: BehaviorArgs, current: Value, desired: Value, events: EventQueue, span: int) -> Value:
    """convertDesiredReplicasWithBehaviorRate's replicas for guards."""
    up_limit = ops.max_(behavior_limit(ops, current, events, args.scale_up, True, span), current)
    down_limit = ops.min_(behavior_limit(ops, current, events, args.scale_down, False, span), current)
    maximum = ops.min_(args.max_replicas, up_limit)
    minimum = ops.max_(args.min_replicas, down_limit)
    return ops.ite(
        desired > current, ops.min_(desired, maximum), ops.ite(desired < current, ops.max_(desired, minimum), desired)
    )


def event_record(ops: Ops, events: EventQueue, change: Value, record: Value) -> tuple[list[Value], list[Value]]:
    """storeScaleEvent for guards: when ``record``, ``change`` goes into the first empty slot at stage 0
    (the slots outnumber the writes the scope allows, so one is free). Returns (changes, stages)."""
    used = ops.count(c != 0 for c in events.changes)
    at = [ops.and_(record, i == used) for i in range(len(events.changes))]
    return (
        [ops.ite(a, change, c) for a, c in zip(at, events.changes, strict=True)],
        [ops.ite(a, 0, s) for a, s in zip(at, events.stages, strict=True)],
    )


def event_remove(changes: Sequence[Value], stages: Sequence[Value], i: int) -> tuple[list[Value], list[Value]]:
    """The queue without slot ``i`` (later events move up, an empty slot at the end)."""
    return [*changes[:i], *changes[i + 1 :], 0], [*stages[:i], *stages[i + 1 :], 0]


def parse_tolerance(raw: str, field: str) -> Quantity | None:
    """The scope's spelling of ``field`` (spec.behavior.scaleUp|scaleDown.tolerance): none (unset: the controller's
    0.1) or a Quantity, >= 0 as validateScalingRules requires."""
    text = str(raw).strip()
    if text in ("", "none"):
        return None
    try:
        quantity = parse_quantity(text)
    except QuantityError as err:
        raise ScopeError(f"{field}: expected a quantity such as 0.05 or 50m, got {text!r} ({err})") from None
    if quantity.sign() < 0:
        raise ScopeError(f'{field}: Invalid value: "{text}": must be greater or equal to zero')
    return quantity


def show_tolerance(value: Quantity | None) -> str:
    return "none" if value is None else value.text
