"""Upstream HPA tests as cases driving model/controllers/hpa_util.py.

Sources (stored index of kubernetes/kubernetes): ``pkg/controller/podautoscaler/
replica_calculator_test.go`` — the newest copy (index id 51982554829: TestReplicaCalcResourceScale's
table, the Tolerances tests, TestGroupPods with four groups), row values unchanged from the
classic per-test form (id 34824097860) whose names are kept where the new table has none;
``horizontal_test.go`` — TestConvertDesiredReplicasWithRules (index id 13794607517: minReplicas 0
stays 0, as the code without the old "1 is minLimit" floor does), TestNormalizeDesiredReplicas
(stabilizeRecommendation), TestZeroReplicas / TestTooFewReplicas / TestTooManyReplicas (id 82418915).

Fixture facts taken from upstream's test helpers: every pod has two containers, each requesting
the row's quantity and (``makePodMetricLevels``) reporting the row's level, so a pod requests and
uses twice the row's numbers; pods without a row level have no metric (missing); the fixture's
start time is the zero time unless hot (now) or cool (3 min ago); its Ready condition has a zero
lastTransitionTime and the samples a zero timestamp with a 1 min window.

Not transcribed, with the reason: container-metric rows ("...: container metric", "...container
metrics...", ``container`` set) — container metrics are not ported; Object/External/PerPod metric
tests and the overflow tests (MaxInt64 levels) — only Resource and Pods metrics are; the
``spec.behavior`` tables are in tests/model/test_hpa_behavior.py; TestCalculateRequests
(pod-level resources: the request is an input here).
"""

from __future__ import annotations

import fractions
import itertools
import re

import pytest
import z3
from ops_readings import compiled

from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers.hpa_util import PodSample, Recommendation, Tolerances
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.scopes import ScopeError

ZERO_TIME = 10**9  # the zero time.Time, seen as an age in seconds
# defaultTestingCPUInitializationPeriod, defaultTestingDelayOfInitialReadinessStatus (the tests'
# values; the controller's defaults are 5 min and 30 s)
TEST_PERIODS = (120, 10)
HOT, COOL = 0, 180


def fixture_pods(
    current, requests, levels, readiness=None, phases=None, deleting=None, starts=None, cpu=True
) -> list[PodSample]:
    """newFakePodClient + newFakeResourceMetricsClient: the pods the selector lists."""
    count = max(current, len(phases or ()))
    pods = []
    for i in range(count):
        ready = True if readiness is None or i >= len(readiness) else readiness[i]
        phase = "Running" if phases is None else phases[i]
        start = ZERO_TIME if starts is None else starts[i]
        usage = 2 * levels[i] if i < len(levels) else None
        unready = cpu and hu.is_cpu_sample_unready(ready, start, ZERO_TIME, ZERO_TIME, 60, TEST_PERIODS)
        group = hu.group_pod(bool(deleting and deleting[i]), phase, usage is not None, unready)
        request = 2 * requests[i] if i < len(requests) else None
        pods.append(PodSample(group, request, usage))
    return pods


T, F = True, False
R, P, X = "Running", "Pending", "Failed"

# (case, current, requests(m), levels(m), readiness, phases, deleting, starts, target, tolerances, expected)
RESOURCE_ROWS = [
    (
        "TestReplicaCalcResourceScale/scale up",
        3,
        [1000] * 3,
        [300, 500, 700],
        None,
        None,
        None,
        None,
        30,
        None,
        (5, 50, 1000),
    ),
    (
        "TestReplicaCalcResourceScale/scale up: unready pod scales less",
        3,
        [1000] * 3,
        [300, 500, 700],
        [F, T, T],
        None,
        None,
        None,
        30,
        None,
        (4, 60, 1200),
    ),
    (
        "TestReplicaCalcResourceScale/scale up: hot-CPU pod scales less",
        3,
        [1000] * 3,
        [300, 500, 700],
        None,
        None,
        None,
        [HOT, COOL, COOL],
        30,
        None,
        (4, 60, 1200),
    ),
    (
        "TestReplicaCalcResourceScale/no scale: unready pods ignored",
        3,
        [1000] * 3,
        [400, 500, 700],
        [T, F, F],
        None,
        None,
        None,
        30,
        None,
        (3, 40, 800),
    ),
    (
        "TestReplicaCalcResourceScale/no scale: hot-CPU pods ignored",
        3,
        [1000] * 3,
        [400, 500, 700],
        [T, F, F],
        None,
        None,
        [COOL, HOT, HOT],
        30,
        None,
        (3, 40, 800),
    ),
    (
        "TestReplicaCalcResourceScale/scale up: failed pods ignored",
        2,
        [1000] * 4,
        [500, 700],
        [T, T, F, F],
        [R, R, X, X],
        None,
        None,
        30,
        None,
        (4, 60, 1200),
    ),
    (
        "TestReplicaCalcResourceScale/scale up: pods being deleted are ignored",
        2,
        [1000] * 4,
        [500, 700],
        [T, T, F, F],
        [R] * 4,
        [F, F, T, T],
        None,
        30,
        None,
        (4, 60, 1200),
    ),
    (
        "TestReplicaCalcResourceScale/scale down",
        5,
        [1000] * 5,
        [100, 300, 500, 250, 250],
        None,
        None,
        None,
        None,
        50,
        None,
        (3, 28, 560),
    ),
    (
        "TestReplicaCalcResourceScale/scale down: exclude unready pods",
        5,
        [1000] * 5,
        [100, 300, 500, 250, 250],
        [T, T, T, F, F],
        None,
        None,
        None,
        50,
        None,
        (2, 30, 600),
    ),
    (
        "TestReplicaCalcResourceScale/scale down: exclude unscheduled pods",
        5,
        [1000] * 5,
        [100],
        [T, F, F, F, F],
        [R, P, P, P, P],
        None,
        None,
        50,
        None,
        (1, 10, 200),
    ),
    (
        "TestReplicaCalcResourceScale/scale down: ignore hot-CPU pods",
        5,
        [1000] * 5,
        [100, 300, 500, 250, 250],
        None,
        None,
        None,
        [COOL] * 3 + [HOT] * 2,
        50,
        None,
        (2, 30, 600),
    ),
    (
        "TestReplicaCalcResourceScale/scale down: failed pods ignored",
        5,
        [1000] * 7,
        [100, 300, 500, 250, 250],
        [T] * 5 + [F, F],
        [R] * 5 + [X, X],
        None,
        None,
        50,
        None,
        (3, 28, 560),
    ),
    (
        "TestReplicaCalcResourceScale/scale down: pods being deleted are ignored",
        5,
        [1000] * 7,
        [100, 300, 500, 250, 250],
        [T] * 5 + [F, F],
        [R] * 7,
        [F] * 5 + [T, T],
        None,
        50,
        None,
        (3, 28, 560),
    ),
    (
        "TestReplicaCalcTolerance",
        3,
        [900, 1000, 1100],
        [1010, 1030, 1020],
        None,
        None,
        None,
        None,
        100,
        None,
        (3, 102, 2040),
    ),
    (
        "TestReplicaCalcSuperfluousMetrics",
        4,
        [1000] * 4,
        [4000, 9500, 3000, 7000, 3200, 2000],
        None,
        None,
        None,
        None,
        100,
        None,
        (24, 587, 11750),
    ),
    ("TestReplicaCalcMissingMetrics", 4, [1000] * 4, [400, 95], None, None, None, None, 100, None, (3, 24, 495)),
    (
        "TestReplicaCalcMissingMetricsNoChangeEq",
        2,
        [1000] * 2,
        [1000],
        None,
        None,
        None,
        None,
        100,
        None,
        (2, 100, 2000),
    ),
    (
        "TestReplicaCalcMissingMetricsNoChangeGt",
        2,
        [1000] * 2,
        [1900],
        None,
        None,
        None,
        None,
        100,
        None,
        (2, 190, 3800),
    ),
    ("TestReplicaCalcMissingMetricsNoChangeLt", 2, [1000] * 2, [600], None, None, None, None, 100, None, (2, 60, 1200)),
    (
        "TestReplicaCalcMissingMetricsUnreadyChange",
        3,
        [1000] * 3,
        [100, 450],
        [F, T, T],
        None,
        None,
        None,
        50,
        None,
        (3, 45, 900),
    ),
    (
        "TestReplicaCalcMissingMetricsHotCpuNoChange",
        3,
        [1000] * 3,
        [100, 450],
        None,
        None,
        None,
        [HOT, COOL, COOL],
        50,
        None,
        (3, 45, 900),
    ),
    (
        "TestReplicaCalcMissingMetricsUnreadyScaleUp",
        3,
        [1000] * 3,
        [100, 2000],
        [F, T, T],
        None,
        None,
        None,
        50,
        None,
        (4, 200, 4000),
    ),
    (
        "TestReplicaCalcMissingMetricsHotCpuScaleUp",
        3,
        [1000] * 3,
        [100, 2000],
        [F, T, T],
        None,
        None,
        [HOT, COOL, COOL],
        50,
        None,
        (4, 200, 4000),
    ),
    (
        "TestReplicaCalcMissingMetricsUnreadyScaleDown",
        4,
        [1000] * 4,
        [100, 100, 100],
        [F, T, T, T],
        None,
        None,
        None,
        50,
        None,
        (3, 10, 200),
    ),
    (
        "TestReplicaCalcMissingMetricsScaleDownTargetOver100",
        4,
        [1000, 1000, 2000, 2000],
        [200, 100, 100],
        [F, T, T, T],
        None,
        None,
        None,
        300,
        None,
        (2, 6, 200),
    ),
    (
        "TestReplicaCalcDuringRollingUpdateWithMaxSurge",
        2,
        [1000] * 3,
        [100, 100],
        None,
        [R] * 3,
        None,
        None,
        50,
        None,
        (2, 10, 200),
    ),
    # TestReplicaCalcComputedToleranceAlgImplementation: upstream derives target int32(56.55...) = 56
    # and expects ceil(0.8839 * 10) = 9 replicas; then target 55 (inside the tolerance) keeps 10.
    (
        "TestReplicaCalcComputedToleranceAlgImplementation/scale",
        10,
        [400, 200, 310, 290, 302, 298, 301, 299, 300, 300],
        [150] * 10,
        None,
        None,
        None,
        None,
        56,
        None,
        (9, 50, 300),
    ),
    (
        "TestReplicaCalcComputedToleranceAlgImplementation/unscale",
        10,
        [400, 200, 310, 290, 302, 298, 301, 299, 300, 300],
        [150] * 10,
        None,
        None,
        None,
        None,
        55,
        None,
        (10, 50, 300),
    ),
    (
        "TestReplicaCalcConfigurableTolerance/Outside of a 0% tolerance",
        3,
        [900, 1000, 1100],
        [909, 1010, 1111],
        None,
        None,
        None,
        None,
        100,
        Tolerances(0.0, 0.0),
        (4, 101, 2020),
    ),
    (
        "TestReplicaCalcConfigurableTolerance/Within a 200% scale-up tolerance",
        3,
        [900, 1000, 1100],
        [1890, 1910, 1900],
        None,
        None,
        None,
        None,
        100,
        Tolerances(0.1, 2.0),
        (3, 190, 3800),
    ),
    (
        "TestReplicaCalcConfigurableTolerance/Outside 8% scale-up tolerance (and superfuous scale-down tolerance)",
        3,
        [900, 1000, 1100],
        [1100, 1080, 1090],
        None,
        None,
        None,
        None,
        100,
        Tolerances(2.0, 0.08),
        (4, 109, 2180),
    ),
    (
        "TestReplicaCalcConfigurableTolerance/Within a 36% scale-down tolerance",
        3,
        [900, 1000, 1100],
        [660, 640, 650],
        None,
        None,
        None,
        None,
        100,
        Tolerances(0.36, 0.1),
        (3, 65, 1300),
    ),
    (
        "TestReplicaCalcConfigurableTolerance/Outside a 34% scale-down tolerance",
        3,
        [900, 1000, 1100],
        [660, 640, 650],
        None,
        None,
        None,
        None,
        100,
        Tolerances(0.34, 0.1),
        (2, 65, 1300),
    ),
]


@pytest.mark.parametrize("row", RESOURCE_ROWS, ids=[r[0] for r in RESOURCE_ROWS])
def test_get_resource_replicas(row):
    _, current, requests, levels, readiness, phases, deleting, starts, target, tolerances, expected = row
    pods = fixture_pods(current, requests, levels, readiness, phases, deleting, starts)
    extra = [2 * level for level in levels[len(pods) :]]  # samples for pods the selector does not list
    got = hu.get_resource_replicas(current, target, tolerances or Tolerances(), pods, extra)
    assert got == Recommendation(*expected)


@pytest.mark.parametrize(
    "case,current,requests,levels,message",
    [
        ("TestReplicaCalcDisjointResourcesMetrics", 1, [1000], [], "no metrics returned matched known pods"),
        # upstream's error comes from the metrics client ("no metrics returned from resource metrics API");
        # with no sample at all the calculator's own check says so first here
        ("TestReplicaCalcEmptyMetrics", 4, [1000] * 4, [], "did not receive metrics for targeted pods"),
        ("TestReplicaCalcEmptyCPURequest", 1, [], [200], "missing request for"),
    ],
)
def test_get_resource_replicas_errors(case, current, requests, levels, message):
    pods = fixture_pods(current, requests, levels)
    extra = [200] if case == "TestReplicaCalcDisjointResourcesMetrics" else []  # "an-older-pod-name"
    with pytest.raises(hu.ReplicaCalcError, match=message):
        hu.get_resource_replicas(current, 100, Tolerances(), pods, extra)


# Pods metrics (GetMetricReplicas -> calcPlainMetricReplicas): no CPU readiness rule applies.
PLAIN_ROWS = [
    ("TestReplicaCalcScaleUpCM", 3, [20000, 10000, 30000], 15000, None, (4, 20000)),
    ("TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", 3, [50000, 10000, 30000], 15000, None, (6, 30000)),
    ("TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown", 3, [50000, 15000, 30000], 15000, None, (7, 31666)),
    ("TestReplicaCalcScaleUpCMExternalNoLabels", 1, [8600], 4400, None, (2, 8600)),
    ("TestReplicaCalcScaleDownCM", 5, [12000] * 5, 20000, None, (3, 12000)),
    ("TestReplicaCalcToleranceCM", 3, [20000, 21000, 21000], 20000, None, (3, 20666)),
    ("TestReplicaCalcConfigurableToleranceCM", 3, [20000, 21000, 21000], 20000, Tolerances(0.1, 0.01), (4, 20666)),
    ("TestPlainMetricReplicaCalcMissingMetricsNoChangeEq", 5, [20000, 19000, 21000], 20000, None, (5, 20000)),
    ("TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM", 2, [10000, 10000], 17000, None, (2, 10000)),
]


@pytest.mark.parametrize("row", PLAIN_ROWS, ids=[r[0] for r in PLAIN_ROWS])
def test_calc_plain_metric_replicas(row):
    case, current, levels, target, tolerances, expected = row
    count = 3 if case == "TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM" else current
    pods = [
        PodSample(hu.group_pod(False, "Running", i < len(levels)), 0, levels[i] if i < len(levels) else None)
        for i in range(count)
    ]
    assert hu.calc_plain_metric_replicas(current, target, tolerances or Tolerances(), pods) == expected


# TestGroupPods (newest: four groups). Row: (case, deleting, phase, has metric, cpu?, Ready
# condition, start age, transition age, metric age, window, group).
GROUP_ROWS = [
    ("count in a ready pod - memory", False, "Succeeded", True, False, None, None, 0, 0, 60, hu.READY),
    (
        "unready a pod without ready condition - CPU",
        False,
        "Succeeded",
        True,
        True,
        None,
        0,
        0,
        ZERO_TIME,
        0,
        hu.UNREADY,
    ),
    (
        "count in a ready pod with fresh metrics during initialization period - CPU",
        False,
        "Succeeded",
        True,
        True,
        True,
        60,
        30,
        0,
        30,
        hu.READY,
    ),
    (
        "unready a ready pod without fresh metrics during initialization period - CPU",
        False,
        "Succeeded",
        True,
        True,
        True,
        60,
        30,
        0,
        60,
        hu.UNREADY,
    ),
    (
        "unready an unready pod during initialization period - CPU",
        False,
        "Succeeded",
        True,
        True,
        False,
        600,
        594,
        ZERO_TIME,
        0,
        hu.UNREADY,
    ),
    (
        "count in a ready pod without fresh metrics after initialization period - CPU",
        False,
        "Succeeded",
        True,
        True,
        True,
        180,
        180,
        120,
        60,
        hu.READY,
    ),
    (
        "count in an unready pod that was ready after initialization period - CPU",
        False,
        "Succeeded",
        True,
        True,
        False,
        600,
        540,
        ZERO_TIME,
        0,
        hu.READY,
    ),
    (
        "unready pod that has never been ready after initialization period - CPU",
        False,
        "Succeeded",
        True,
        True,
        False,
        600,
        590,
        ZERO_TIME,
        0,
        hu.READY,
    ),
    ("a missing pod", False, "Succeeded", False, True, None, 180, 0, 0, 0, hu.MISSING),
    ("pending pods are unreadied", False, "Pending", False, True, None, None, 0, 0, 0, hu.UNREADY),
    ("ignore pods with deletion timestamps", True, "Pending", True, True, None, None, 0, 0, 0, hu.IGNORED),
    ("ignore pods in a failed state", False, "Failed", True, True, None, None, 0, 0, 0, hu.IGNORED),
]


@pytest.mark.parametrize("row", GROUP_ROWS, ids=[f"TestGroupPods/{r[0]}" for r in GROUP_ROWS])
def test_group_pods(row):
    _, deleting, phase, has_metric, cpu, ready, start, transition, metric_age, window, group = row
    unready = cpu and hu.is_cpu_sample_unready(ready, start, transition, metric_age, window, TEST_PERIODS)
    assert hu.group_pod(deleting, phase, has_metric, unready) == group


def test_group_pods_several():
    """TestGroupPods/several pods: lucretius (no condition) unready, niccolo ready, epicurus missing."""
    lucretius = hu.group_pod(False, "Succeeded", True, hu.is_cpu_sample_unready(None, 0, 0, ZERO_TIME, 0, TEST_PERIODS))
    niccolo = hu.group_pod(
        False, "Succeeded", True, hu.is_cpu_sample_unready(True, 180, 180, ZERO_TIME, 0, TEST_PERIODS)
    )
    epicurus = hu.group_pod(False, "Succeeded", False)
    assert (lucretius, niccolo, epicurus) == (hu.UNREADY, hu.READY, hu.MISSING)


# ---- normalisation --------------------------------------------------------------------------------


def _ground(term, subs):
    if isinstance(term, tuple):
        return tuple(_ground(t, subs) for t in term)
    if isinstance(term, (bool, int)):
        return term
    g = z3.simplify(z3.substitute(term, *subs))
    return z3.is_true(g) if z3.is_bool(g) else g.as_long()


def _both(fn, *args):
    symbols = [z3.Int(f"a{i}") for i in range(len(args))]
    subs = [(s, z3.IntVal(a)) for s, a in zip(symbols, args)]
    return fn(CONCRETE, *args), _ground(fn(Z3, *symbols), subs)


@pytest.mark.parametrize(
    "case,current,desired,min_replicas,max_replicas,expected,condition",
    [
        ("prenormalized desired replicas within range", 5, 7, 3, 8, 7, "DesiredWithinRange"),
        ("prenormalized desired replicas < minReplicas", 3, 1, 2, 8, 2, "TooFewReplicas"),
        ("prenormalized desired replicas within range (minReplicas 0)", 1, 0, 0, 10, 0, "DesiredWithinRange"),
        ("maxReplicas is the limit because maxReplicas < scaleUpLimit", 20, 1000, 1, 10, 10, "TooManyReplicas"),
        ("scaleUpLimit is the limit because scaleUpLimit < maxReplicas", 3, 1000, 1, 2000, 6, "ScaleUpLimit"),
    ],
)
def test_convert_desired_replicas_with_rules(case, current, desired, min_replicas, max_replicas, expected, condition):
    """TestConvertDesiredReplicasWithRules (calculateScaleUpLimit(3) = max(6, 4) = 6)."""
    assert _both(hu.convert_desired_replicas_with_rules, current, desired, min_replicas, max_replicas) == (
        expected,
        expected,
    )
    assert compiled(hu.convert_desired_replicas_with_rules, 4)(current, desired, min_replicas, max_replicas) == expected
    assert hu.limiting_condition(current, desired, min_replicas, max_replicas) == condition


@pytest.mark.parametrize(
    "case,log,desired,expected,length",
    [
        ("empty log", [], 5, 5, 1),
        ("stabilize", [(4, 120), (5, 60)], 3, 5, 3),
        ("no stabilize", [(1, 120), (2, 60)], 3, 3, 3),
        ("no stabilize - old recommendations", [(10, 600), (9, 540)], 3, 3, 2),
        ("stabilize - old recommendations", [(10, 600), (4, 60), (5, 120), (9, 540)], 3, 5, 4),
    ],
)
def test_normalize_desired_replicas(case, log, desired, expected, length):
    """TestNormalizeDesiredReplicas (stabilizeRecommendation, 5 min window; ages in seconds)."""
    result, new_log = hu.stabilize_recommendation_log(log, desired)
    assert (result, len(new_log)) == (expected, length)


@pytest.mark.parametrize(
    "case,spec,min_replicas,max_replicas,rescale,desired",
    [
        ("TestZeroReplicas", 0, 3, 5, False, 0),  # ScalingDisabled
        ("TestTooFewReplicas", 2, 3, 5, True, 3),
        ("TestTooManyReplicas", 10, 3, 5, True, 5),
    ],
)
def test_reconcile_bounds(case, spec, min_replicas, max_replicas, rescale, desired):
    """reconcileAutoscaler before any metric: disabled at 0, else clamped to [min, max]."""
    fn = lambda ops, s, n: hu.reconcile_desired(ops, s, min_replicas, max_replicas, n)  # noqa: E731
    assert _both(fn, spec, spec) == ((rescale, desired), (rescale, desired))


def _tuple(result):
    """(slots, size) as one flat tuple, the shape _compiled returns."""
    return (*result[0], result[1])


def _flat(values):
    return list(values[:-1]), values[-1]


def test_window_queue_equals_upstream_log():
    """The decreasing-queue window (window_record / window_expire) gives stabilizeRecommendation's
    value on every timed sequence of a small grid: proposals 0..3, 15 s or 400 s between syncs."""
    # the explicit engine's reading of the three window functions, run beside the CONCRETE one
    stabilized = compiled(lambda ops, d, *w: hu.stabilized_recommendation(ops, d, w[:5], w[5:]), 11)
    record = compiled(lambda ops, *a: _tuple(hu.window_record(ops, a[:5], a[5], a[6])), 7)
    expire = compiled(lambda ops, *a: _tuple(hu.window_expire(ops, a[:5], a[5])), 6)
    for proposals in itertools.product(range(4), repeat=4):
        for gaps in itertools.product((15, 400), repeat=4):
            log, queue, times, size = [(1, 0)], [1, 0, 0, 0, 0], [0], 1  # recordInitialRecommendation(1)
            now = 0
            for desired, gap in zip(proposals, gaps):
                now += gap
                log = [(v, a + gap) for v, a in log]
                while size and now - times[0] > hu.DOWNSCALE_STABILIZATION_SECONDS:
                    slots, new_size = hu.window_expire(CONCRETE, queue, size)
                    assert _flat(expire(*queue, size)) == (list(slots), new_size)
                    queue, size = list(slots), new_size
                    times = times[1:]
                want, log = hu.stabilize_recommendation_log(log, desired)
                got = hu.stabilized_recommendation(CONCRETE, desired, queue, [i < size for i in range(len(queue))])
                assert got == want, (proposals, gaps)
                kept = sum(1 for i in range(size) if queue[i] > desired)
                assert got == stabilized(desired, *queue, *[i < size for i in range(len(queue))])
                slots, new_size = hu.window_record(CONCRETE, queue, size, desired)
                assert _flat(record(*queue, size, desired)) == (list(slots), new_size)
                queue, size = list(slots), new_size
                times = times[:kept] + [now]


# ---- the guard form agrees with the float port ----------------------------------------------------

LOADS = (0, 30, 50, 60, 70, 90, 100, 110, 120, 150, 200, 290)
TARGETS = (50, 60, 70, 80, 100, 150)


def _uniform_pods(load, ready, unready, missing):
    pods = [PodSample(hu.READY, 1000, 10 * load) for _ in range(ready)]
    pods += [PodSample(hu.UNREADY, 1000, 10 * load) for _ in range(unready)]
    pods += [PodSample(hu.MISSING, 1000) for _ in range(missing)]
    return pods


@pytest.mark.parametrize("load", LOADS)
def test_uniform_form_equals_float_port(load):
    """resource_replicas_uniform (ints) == get_resource_replicas (float64) for every target,
    current and pod mix up to 4 of each kind: the float excess of the refill branch never shows
    on this grid, and the first branch's is tabulated."""
    bound = 4
    readings = {
        t: compiled(lambda ops, *c, t=t: hu.resource_replicas_uniform(ops, load, t, Tolerances(), c, bound), 4)
        for t in TARGETS
    }
    for target in TARGETS:
        for current, ready, unready, missing in itertools.product(
            range(1, 6), range(1, bound + 1), range(bound + 1), range(bound + 1)
        ):
            want = hu.get_resource_replicas(
                current, target, Tolerances(), _uniform_pods(load, ready, unready, missing)
            ).replicas
            got = hu.resource_replicas_uniform(
                CONCRETE, load, target, Tolerances(), (current, ready, unready, missing), bound
            )
            assert got == want, (load, target, current, ready, unready, missing)
            assert readings[target](current, ready, unready, missing) == want


@pytest.mark.parametrize("load,target", [(290, 70), (50, 60), (120, 80), (30, 100)])
def test_uniform_form_on_z3(load, target):
    """The same function on z3 terms, substituted afterwards, on a few mixes (290% of a 70% target
    over 7 ready pods is upstream's float excess: 29.000000000000004 -> 30)."""
    bound = 7
    names = z3.Ints("current ready unready missing")
    term = hu.resource_replicas_uniform(Z3, load, target, Tolerances(), tuple(names), bound)
    for counts in [(3, 7, 0, 0), (3, 2, 1, 0), (4, 3, 0, 1), (2, 1, 2, 2)]:
        subs = [(n, z3.IntVal(c)) for n, c in zip(names, counts)]
        want = hu.get_resource_replicas(counts[0], target, Tolerances(), _uniform_pods(load, *counts[1:])).replicas
        assert _ground(term, subs) == want, counts


def test_ceil_ratio_times_keeps_the_float_excess():
    assert hu.ceil_ratio_times(CONCRETE, 290, 70, 7, 12) == 30  # exact arithmetic says 29
    assert hu.ceil_ratio_times(CONCRETE, 290, 70, 6, 12) == 25


def test_by_load_selects_the_branch():
    fn = lambda ops, i: hu.by_load(ops, i, (60, 120, 200), lambda level: level * 2)  # noqa: E731
    assert [_both(fn, i) for i in range(3)] == [(120, 120), (240, 240), (400, 400)]


def test_controller_defaults_are_not_the_test_constants():
    """config/v1alpha1/defaults.go: cpuInitializationPeriod 5 min, initial readiness delay 30 s,
    downscale stabilization 5 min, tolerance 0.1. A Ready pod started 3 min ago whose sample predates
    Ready + window counts as ready with the tests' 2 min period and as unready with the default."""
    assert hu.is_cpu_sample_unready(True, 180, 180, 130, 60, TEST_PERIODS) is False
    assert hu.is_cpu_sample_unready(True, 180, 180, 130, 60) is True
    assert (hu.DOWNSCALE_STABILIZATION_SECONDS, Tolerances()) == (300, Tolerances(0.1, 0.1))


@pytest.mark.parametrize(
    "case,current,proposal,window,expected",
    [
        ("a scale-down held by a larger recommendation in the window", 5, 3, ((5, 4, 0), (True, True, False)), 5),
        ("the window expired: the scale-down goes through", 5, 3, ((0, 0, 0), (False, False, False)), 3),
        ("a scale-up capped by max(2 x current, 4)", 2, 9, ((2, 0, 0), (True, False, False)), 4),
        ("a scale-up capped by maxReplicas", 5, 9, ((5, 0, 0), (True, False, False)), 8),
        ("below minReplicas", 3, 1, ((0, 0, 0), (False, False, False)), 2),
    ],
)
def test_normalize_stabilizes_then_clamps(case, current, proposal, window, expected):
    """normalizeDesiredReplicas = stabilizeRecommendation then convertDesiredReplicasWithRules
    (minReplicas 2, maxReplicas 8), on ints, z3 and the compiled reading."""
    fn = lambda ops, c, p, *w: hu.normalize_desired_replicas(ops, c, p, (2, 8), (w[:3], w[3:]))  # noqa: E731
    args = (current, proposal, *window[0], *window[1])
    assert fn(CONCRETE, *args) == expected
    assert compiled(fn, len(args))(*args) == expected
    symbols = [z3.Bool(f"b{i}") if isinstance(a, bool) else z3.Int(f"i{i}") for i, a in enumerate(args)]
    subs = [(s, z3.BoolVal(a) if isinstance(a, bool) else z3.IntVal(a)) for s, a in zip(symbols, args)]
    assert _ground(fn(Z3, *symbols), subs) == expected


# -- spec.behavior.*.tolerance: resource.ParseQuantity, AsApproximateFloat64, tolerancesForHpa ------------------

# (text, unscaled, exponent): the value ParseQuantity stores (quantity.go, both paths: the
# int64Amount fast path for up to 18 digits at scale >= nano, else an inf.Dec rounded up to nano)
QUANTITY_ROWS = [
    ("0", 0, 0),
    ("0.05", 5, -2),
    ("50m", 50, -3),
    ("5e-2", 5, -2),
    (".08", 8, -2),
    ("0.100", 100, -3),
    ("+1", 1, 0),
    ("1Ki", 1024, 0),
    ("0.0000000001", 1, -9),  # below nano: rounded up, "if you want some resources, you should get some"
    ("0.10000000000000000001", 100000001, -9),
    ("-0.1", -1, -1),
]


@pytest.mark.parametrize("text,unscaled,exponent", QUANTITY_ROWS)
def test_parse_quantity_keeps_the_stored_value(text, unscaled, exponent):
    q = hu.parse_quantity(text)
    assert (q.unscaled, q.exponent) == (unscaled, exponent)


@pytest.mark.parametrize(
    "text,message",
    [("", hu.QUANTITY_FORMAT), ("1.5.5", hu.QUANTITY_FORMAT), ("abc", hu.QUANTITY_FORMAT), ("5mm", hu.QUANTITY_SUFFIX)],
)
def test_parse_quantity_refuses_what_the_api_server_cannot_decode(text, message):
    with pytest.raises(hu.QuantityError, match=re.escape(message)):
        hu.parse_quantity(text)


def test_approximate_float64_rounds_twice():
    """AsApproximateFloat64 = float64(unscaled) * math.Pow10(exponent): "0.35" is 35 * 0.01 in float64, one ulp
    above the literal 0.35; "50m" and "0.05" are the same value; "35e-2" the same float as "0.35"."""
    assert hu.parse_quantity("0.35").as_approximate_float64() == 0.35000000000000003 != 0.35
    assert hu.parse_quantity("50m").as_approximate_float64() == hu.parse_quantity("0.05").as_approximate_float64()
    assert hu.parse_quantity("35e-2").as_approximate_float64() == 0.35000000000000003


def test_tolerances_for_hpa_reads_each_direction():
    """tolerancesForHpa: without spec.behavior (or with the gate off) the controller's 0.1 both ways; with it,
    a set direction replaces the default, the other keeps 0.1."""
    zero = hu.parse_quantity("0")
    assert hu.tolerances_for_hpa(False, zero, zero) == Tolerances(0.1, 0.1)
    assert hu.tolerances_for_hpa(True, zero, zero, gate=False) == Tolerances(0.1, 0.1)
    assert hu.tolerances_for_hpa(True, None, zero) == Tolerances(0.1, 0.0)
    assert hu.tolerances_for_hpa(True, hu.parse_quantity("0.35"), None) == Tolerances(0.35000000000000003, 0.1)


@pytest.mark.parametrize("down,up", [(0.1, 0.1), (0.0, 0.0), (0.35000000000000003, 0.05), (0.07, 0.13), (2.0, 0.08)])
@pytest.mark.parametrize("target", [30, 50, 70, 80, 100, 150])
def test_utilization_band_is_the_float_test(down, up, target):
    """The integer band the guards use accepts exactly the utilizations upstream's float64 isWithin accepts."""
    tolerances = Tolerances(down, up)
    low, high = tolerances.utilization_band(target, 400)
    assert [u for u in range(401) if tolerances.is_within(u / target)] == list(range(low, high + 1))


def test_utilization_band_differs_from_exact_arithmetic_where_float_does():
    """At target 100 a scale-down tolerance "0.18" accepts 82% exactly (0.82 = 1 - 0.18), but upstream computes
    1.0 - 0.18 = 0.8200000000000001 in float64, so 82% is outside and scales down; a scale-up tolerance "0.36"
    accepts 136% exactly, but 1.0 + 0.36 = 1.3599999999999999 leaves it outside. The band is upstream's."""
    quantity = hu.parse_quantity("0.18")
    assert quantity.exact == fractions.Fraction(18, 100)
    assert Tolerances(quantity.as_approximate_float64(), 0.1).utilization_band(100, 200)[0] == 83
    assert Tolerances(0.1, hu.parse_quantity("0.36").as_approximate_float64()).utilization_band(100, 200)[1] == 135


@pytest.mark.parametrize("down,up", [(0.0, 0.0), (0.36, 0.1), (0.1, 2.0), (0.05, 0.01)])
@pytest.mark.parametrize("load", (50, 60, 90, 101, 109, 110, 120, 190))
def test_uniform_form_equals_float_port_with_configured_tolerances(load, down, up):
    """resource_replicas_uniform == get_resource_replicas with tolerances other than 0.1 (the refill branch's band
    included), over the pod mixes of the default-tolerance grid at target 100."""
    tolerances, bound, target = Tolerances(down, up), 3, 100
    for current, ready, unready, missing in itertools.product(
        range(1, 5), range(1, bound + 1), range(bound + 1), range(bound + 1)
    ):
        want = hu.get_resource_replicas(current, target, tolerances, _uniform_pods(load, ready, unready, missing))
        got = hu.resource_replicas_uniform(
            CONCRETE, load, target, tolerances, (current, ready, unready, missing), bound
        )
        assert got == want.replicas, (current, ready, unready, missing)


# validation_test.go TestValidateHorizontalPodAutoscalerConfigurableToleranceEnabled (index id 309033154): the
# tolerances validateScalingRules accepts (MustParse("0.1"), "10", "0", NewMilliQuantity(100), NewScaledQuantity(1,
# Milli) spelt "100m" and "1m") and refuses ("-0.001", NewMilliQuantity(-10) spelt "-10m": "greater or equal to zero")
@pytest.mark.parametrize("text,value", [("0.1", 0.1), ("10", 10.0), ("0", 0.0), ("100m", 0.1), ("1m", 0.001)])
def test_validation_accepts_these_tolerances(text, value):
    quantity = hu.parse_tolerance(text, "spec.behavior.scaleDown.tolerance")
    assert quantity is not None and quantity.as_approximate_float64() == value


@pytest.mark.parametrize("text", ["-0.001", "-10m"])
def test_validation_refuses_a_negative_tolerance(text):
    with pytest.raises(ScopeError, match="greater or equal to zero"):
        hu.parse_tolerance(text, "spec.behavior.scaleDown.tolerance")
