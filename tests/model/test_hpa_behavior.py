"""Upstream's spec.behavior tests as cases driving model/controllers/hpa_util.py.

Source (stored index of kubernetes/kubernetes, commit 4e62298c, an autoscaling/v2beta2-era copy of
``pkg/controller/podautoscaler/horizontal_test.go``, index id 10056134; the functions it tests read the
same in the recent copy of horizontal.go, index id 315539203): TestScalingWithRules
(convertDesiredReplicasWithBehaviorRate, the rules completed by GenerateHPAScale{Up,Down}Rules),
TestCalculateScaleUpLimitWithScalingRules, TestCalculateScaleDownLimitWithBehaviors, TestStoreScaleEvents
(storeScaleEvent, getReplicasChangePerPeriod over 60 s) and TestNormalizeDesiredReplicasWithBehavior
(stabilizeRecommendationWithBehaviors). Upstream's helpers, as here: ``generateScalingRules(pods,
podsPeriod, percent, percentPeriod, window)`` makes a Max rule with a Pods policy when pods ≠ 0 and a
Percent policy when percent ≠ 0; ``generateEventsUniformDistribution(changes, period)`` puts event i at
age period − seg·(i+1) + seg/2 with seg = period / len(changes).

Not transcribed: the row marked ``testThis: true`` ("scaleDownLimit is the limit because scaleDownLimit >
minReplicas with user defined policies"), which upstream's loop skips; the condition messages.

Then the model's forms (the queues and the staged event queue of the guards) against these ports.
"""

from __future__ import annotations

import itertools

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers.hpa_util import PERCENT_POLICY, PODS_POLICY, BehaviorArgs, ScalingPolicy
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.scopes import ScopeError


def rules(pods, pods_period, percent, percent_period, window, select=hu.MAX_POLICY):
    """generateScalingRules (upstream's helper): the user's rules before defaulting."""
    policies = []
    if pods:
        policies.append(ScalingPolicy(PODS_POLICY, pods, pods_period))
    if percent:
        policies.append(ScalingPolicy(PERCENT_POLICY, percent, percent_period))
    return {"window": window, "select": select, "policies": policies or None}


def uniform(changes, period):
    """generateEventsUniformDistribution: (change, age in seconds)."""
    seg = period / len(changes)
    return [(c, period - seg * (i + 1) + seg / 2) for i, c in enumerate(changes)]


# TestScalingWithRules: (name, up events, down events, min, max, up rules, down rules, current, desired,
# expected replicas, expected condition)
SCALING_WITH_RULES = [
    ("prenormalized desired replicas within range", [], [], 3, 8, None, None, 5, 7, 7, "DesiredWithinRange"),
    ("prenormalized desired replicas < minReplicas", [], [], 2, 8, None, None, 3, 1, 2, "TooFewReplicas"),
    ("prenormalized desired replicas within range when minReplicas is 0", [], [], 0, 10, None, None, 1, 0, 0,
     "DesiredWithinRange"),
    ("maxReplicas is the limit because maxReplicas < scaleUpLimit", [], [], 1, 10, None, None, 20, 1000, 10,
     "TooManyReplicas"),
    ("desired replica count is more than the maximum replica count", [], [], 100, 150, None, None, 100, 1000, 150,
     "TooManyReplicas"),
    ("scaleUpLimit is the limit because scaleUpLimit < maxReplicas with user policies", [], [], 1, 2000,
     rules(0, 0, 1, 60, 0), None, 3, 1000, 4, "ScaleUpLimit"),
    ("scaleUp with default behavior", [], [], 1, 1000, None, None, 10, 50, 20, "ScaleUpLimit"),
    ("scaleUp with pods policy larger than percent policy", [], [], 1, 1000, rules(100, 60, 100, 60, 0), None, 10,
     500, 110, "ScaleUpLimit"),
    ("scaleUp with percent policy larger than pods policy", [], [], 1, 1000, rules(2, 60, 100, 60, 0), None, 10,
     500, 20, "ScaleUpLimit"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy", [], [], 1, 1000, rules(100, 60, 0, 0, 0),
     None, 10, 50, 50, "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy", [], [], 1, 1000,
     rules(10000, 60, 0, 0, 0), None, 10, 50, 50, "DesiredWithinRange"),
    ("scaleUp with pod policy limitation", [], [], 1, 1000, rules(30, 60, 0, 0, 0), None, 10, 50, 40,
     "ScaleUpLimit"),
    ("scaleUp with percent policy limitation", [], [], 1, 1000, rules(0, 0, 200, 60, 0), None, 10, 50, 30,
     "ScaleUpLimit"),
    ("scaleDown with percent policy larger than pod policy", [], [], 1, 1000, None, rules(20, 60, 1, 60, 300), 100,
     2, 80, "ScaleDownLimit"),
    ("scaleDown with pod policy larger than percent policy", [], [], 1, 1000, None, rules(2, 60, 1, 60, 300), 100,
     2, 98, "ScaleDownLimit"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy", [], [], 1, 1000, None,
     rules(100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy", [], [], 1, 1000, None,
     rules(100, 60, 0, 0, 300), 10, 0, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy", [], [], 5, 1000, None,
     rules(0, 0, 100, 60, 300), 10, 2, 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation", [], [], 1, 1000, None, rules(5, 60, 0, 0, 300), 10, 2, 5,
     "ScaleDownLimit"),
    ("scaleDown with percent policy limitation", [], [], 1, 1000, None, rules(0, 0, 50, 60, 300), 10, 5, 5,
     "DesiredWithinRange"),
    ("scaleUp with spec MaxReplicas limitation with large pod policy and events", uniform([1, 5, 9], 120), [], 1,
     200, rules(300, 60, 0, 0, 0), None, 100, 500, 200, "TooManyReplicas"),
    ("scaleUp with spec MaxReplicas limitation with large percent policy and events", uniform([1, 5, 9], 120), [],
     1, 200, rules(0, 0, 10000, 60, 0), None, 100, 500, 200, "TooManyReplicas"),
    ("scaleUp with currentReplicas limitation with rate.PeriodSeconds with a lot of recent scale up events",
     uniform([1, 5, 9], 120), [], 1, 1000, rules(5, 120, 0, 0, 0), None, 100, 500, 100, "ScaleUpLimit"),
    ("scaleUp with pod policy and previous scale up events", uniform([1, 5, 9], 120), [], 1, 1000,
     rules(150, 120, 0, 0, 0), None, 100, 500, 235, "ScaleUpLimit"),
    ("scaleUp with percent policy and previous scale up events", uniform([1, 5, 9], 120), [], 1, 1000,
     rules(0, 0, 200, 120, 0), None, 100, 500, 255, "ScaleUpLimit"),
    ("scaleDown with default policy and previous events", [], uniform([1, 5, 9], 120), 1, 1000, None, None, 10, 5,
     5, "DesiredWithinRange"),
    ("scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events", [],
     uniform([1, 5, 9], 120), 1, 1000, None, rules(115, 120, 0, 0, 300), 100, 0, 1, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large pod policy and previous events", [],
     uniform([1, 5, 9], 120), 5, 1000, None, rules(130, 120, 0, 0, 300), 100, 0, 5, "TooFewReplicas"),
    ("scaleDown with spec MinReplicas limitation with large percent policy and previous events", [],
     uniform([1, 5, 9], 120), 5, 1000, None, rules(0, 0, 100, 120, 300), 100, 2, 5, "TooFewReplicas"),
    ("scaleDown with pod policy limitation and previous events", [], uniform([1, 5, 9], 120), 1, 1000, None,
     rules(5, 120, 0, 0, 300), 100, 2, 100, "ScaleDownLimit"),
    ("scaleDown with percent policy limitation and previous events", [], uniform([2, 4, 6], 120), 1, 1000, None,
     rules(0, 0, 50, 120, 300), 100, 0, 56, "ScaleDownLimit"),
    ("scaleDown with previous events preventing further scale down", [], uniform([10, 10, 10], 120), 1, 1000, None,
     rules(0, 0, 10, 120, 300), 100, 0, 100, "ScaleDownLimit"),
    ("scaleDown with with previous events still allowing more scale down", [], uniform([10, 10, 10], 120), 1, 1000,
     None, rules(0, 0, 1000, 120, 300), 10, 5, 5, "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for up", uniform([8, 12, 9, 11], 120), [], 1, 1000,
     rules(1000, 60, 0, 0, 0), None, 100, 200, 200, "DesiredWithinRange"),
    ("check that events were not marked 'outdated' for two different policies in the behavior for up",
     uniform([8, 12, 9, 11], 120), [], 1, 1000, rules(1000, 120, 100, 60, 0), None, 100, 200, 200,
     "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for up",
     uniform([8, 12, 9, 11], 120), [], 1, 1000, rules(1000, 30, 100, 60, 0), None, 100, 200, 200,
     "DesiredWithinRange"),
    ("check 'outdated' flag for events for one behavior for down", [], uniform([8, 12, 9, 11], 120), 1, 1000, None,
     rules(1000, 60, 0, 0, 300), 100, 5, 5, "DesiredWithinRange"),
    ("check that events were not marked 'outdated' for two different policies in the behavior for down", [],
     uniform([8, 12, 9, 11], 120), 1, 1000, None, rules(1000, 120, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"),
    ("check that events were marked 'outdated' for two different policies in the behavior for down", [],
     uniform([8, 12, 9, 11], 120), 1, 1000, None, rules(1000, 30, 100, 60, 300), 100, 5, 5, "DesiredWithinRange"),
]  # fmt: skip


def behavior_args(up, down, lo, hi):
    return BehaviorArgs(hu.scale_up_rules(**(up or {})), hu.scale_down_rules(**(down or {})), lo, hi)


@pytest.mark.parametrize("row", SCALING_WITH_RULES, ids=[f"TestScalingWithRules/{r[0]}" for r in SCALING_WITH_RULES])
def test_scaling_with_rules(row):
    _, up_events, down_events, lo, hi, up, down, current, desired, expected, condition = row
    args = behavior_args(up, down, lo, hi)
    assert hu.convert_desired_replicas_with_behavior_rate(args, current, desired, up_events, down_events) == (
        expected,
        condition,
    )


def test_calculate_scale_limits_with_min_select():
    """TestCalculateScaleUpLimitWithScalingRules / TestCalculateScaleDownLimitWithBehaviors: selectPolicy Min of
    2 pods and 50 % per 60 s: up from 1 → min(3, ceil(1.5)) = 2; down from 5 → max(3, int(2.5)) = 3."""
    policies = (ScalingPolicy(PODS_POLICY, 2, 60), ScalingPolicy(PERCENT_POLICY, 50, 60))
    r = hu.ScalingRules(300, hu.MIN_POLICY, policies)
    assert hu.calculate_scale_up_limit_with_scaling_rules(1, [], [], r) == 2
    assert hu.calculate_scale_down_limit_with_behaviors(5, [], [], r) == 3


def test_disabled_select_policy_keeps_current():
    """selectPolicy Disabled: both limits are currentReplicas, so nothing scales that way."""
    r = hu.ScalingRules(0, hu.DISABLED_POLICY, (ScalingPolicy(PODS_POLICY, 4, 15),))
    assert hu.calculate_scale_up_limit_with_scaling_rules(3, [], [], r) == 3
    assert hu.calculate_scale_down_limit_with_behaviors(3, [], [], r) == 3
    args = BehaviorArgs(hu.scale_up_rules(), r, 1, 10)
    assert hu.convert_desired_replicas_with_behavior_rate(args, 6, 2) == (6, "ScaleDownLimit")


# TestStoreScaleEvents: (name, change, previous events (change, age, outdated), rules, new events, change in 60 s)
STORE_EVENTS = [
    ("empty entries with default behavior", 5, [], None, [], 0),
    ("empty entries with two-policy-behavior", 5, [], rules(10, 60, 100, 60, 0), [(5, False)], 0),
    ("one outdated entry to be kept untouched without behavior", 5, [(7, 61, False)], None, [(7, False)], 0),
    ("one outdated entry to be replaced with behavior", 5, [(7, 61, False)], rules(10, 60, 100, 60, 0), [(5, False)],
     0),
    ("one actual entry to be not touched with behavior", 5, [(7, 58, False)], rules(10, 60, 100, 60, 0),
     [(7, False), (5, False)], 7),
    ("two entries, one of them to be replaced", 5, [(7, 61, False), (6, 59, False)], rules(10, 60, 0, 0, 0),
     [(5, False), (6, False)], 6),
    ("replace one entry, use policies with different periods", 5,
     [(8, 29, False), (6, 59, False), (7, 61, False), (9, 61, False)], rules(10, 60, 100, 30, 0),
     [(8, False), (6, False), (7, True), (5, False)], 14),
    ("two entries, both actual", 5, [(7, 58, False), (6, 59, False)], rules(10, 120, 100, 30, 0),
     [(7, False), (6, False), (5, False)], 13),
]  # fmt: skip


@pytest.mark.parametrize("row", STORE_EVENTS, ids=[f"TestStoreScaleEvents/{r[0]}" for r in STORE_EVENTS])
def test_store_scale_events(row):
    _, change, previous, given_rules, expected, in_period = row
    assert hu.get_replicas_change_per_period(60, [(c, age) for c, age, _ in previous]) == in_period
    r = None if given_rules is None else hu.scale_up_rules(**given_rules)
    got = hu.store_scale_event(previous, r, change)
    assert [(c, outdated) for c, _, outdated in got] == expected


# TestNormalizeDesiredReplicasWithBehavior: (name, log (recommendation, age), current, desired, expected, stored
# recommendations, up window, down window); unset windows are 0 in upstream's table.
NORMALIZE_WITH_BEHAVIOR = [
    ("empty recommendations for scaling down", [], 100, 5, 5, [5], 0, 0),
    ("simple scale down stabilization", [(4, 120), (5, 60)], 100, 3, 5, [4, 5, 3], 0, 180),
    ("simple scale up stabilization", [(4, 120), (5, 60)], 1, 7, 4, [4, 5, 7], 300, 0),
    ("no scale down stabilization", [(1, 120), (2, 60)], 100, 3, 3, [1, 2, 3], 300, 0),
    ("no scale up stabilization", [(4, 120), (5, 60)], 1, 3, 3, [4, 5, 3], 0, 300),
    ("no scale down stabilization, reuse recommendation element", [(10, 600), (9, 540)], 100, 3, 3, [10, 3], 0, 0),
    ("no scale up stabilization, reuse recommendation element", [(10, 600), (9, 540)], 1, 100, 100, [10, 100], 0, 0),
    ("scale down stabilization, reuse one of obsolete recommendation element",
     [(10, 600), (4, 60), (5, 120), (9, 540)], 100, 3, 5, [10, 4, 5, 3], 0, 180),
    ("scale up stabilization, reuse one of obsolete recommendation element",
     [(10, 6000), (6, 60), (5, 120), (9, 180)], 1, 100, 5, [100, 6, 5, 9], 300, 0),
]  # fmt: skip


@pytest.mark.parametrize(
    "row",
    NORMALIZE_WITH_BEHAVIOR,
    ids=[f"TestNormalizeDesiredReplicasWithBehavior/{r[0]}" for r in NORMALIZE_WITH_BEHAVIOR],
)
def test_stabilize_recommendation_with_behaviors(row):
    _, log, current, desired, expected, stored, up_window, down_window = row
    got, _, new_log = hu.stabilize_recommendation_with_behaviors(log, current, desired, up_window, down_window)
    assert got == expected
    assert [value for value, _ in new_log] == stored


def test_defaults():
    """defaults.go: scaleUp window 0, Max of 4 pods and 100 % per 15 s; scaleDown Max of 100 % per 15 s with
    the controller's 300 s window; a given list replaces the default list whole."""
    assert str(hu.scale_up_rules()) == "0s,max,4pods/15s,100%/15s"
    assert str(hu.scale_down_rules()) == "300s,max,100%/15s"
    assert str(hu.scale_down_rules(select="Disabled")) == "300s,disabled,100%/15s"
    assert str(hu.scale_up_rules(policies=[ScalingPolicy(PODS_POLICY, 1, 60)])) == "0s,max,1pods/60s"


@pytest.mark.parametrize("text", ["0s,max,4pods/15s,100%/15s", "300s,disabled,100%/15s", "60s,min,1pods/60s"])
def test_scope_spelling_round_trips(text):
    assert str(hu.parse_scaling_rules(text)) == text


@pytest.mark.parametrize(
    "text,word",
    [("0s,max", "expected none"), ("5000s,max,1pods/15s", "0..3600"), ("0s,most,1pods/15s", "selectPolicy"),
     ("0s,max,1pod/15s", "policy"), ("0s,max,0pods/15s", "value > 0"), ("0s,max,1pods/2000s", "1..1800")],
)  # fmt: skip
def test_scope_spelling_errors_name_the_field(text, word):
    with pytest.raises(ScopeError, match=word):
        hu.parse_scaling_rules(text)


# ---- the model's forms against the ports ------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 10, 30, 50, 70, 100, 150, 200, 1000])
def test_percent_forms_equal_the_float_port(value):
    """percent_up/percent_down (exact arithmetic plus the tabulated float64 error) give upstream's float
    results for every period start in the span, on ints and on z3."""
    p = ScalingPolicy(PERCENT_POLICY, value, 15)
    x = z3.Int("x")
    for k in range(-20, 21):
        assert hu.percent_up(CONCRETE, k, value, 20) == hu.scale_up_proposal(k, p)
        assert hu.percent_down(CONCRETE, k, value, 20) == hu.scale_down_proposal(k, p)
    s = z3.Solver()
    s.add(x >= -20, x <= 20)
    s.add(
        z3.Or(
            *[
                z3.And(x == k, z3.Or(hu.percent_up(Z3, x, value, 20) != hu.scale_up_proposal(k, p),
                                     hu.percent_down(Z3, x, value, 20) != hu.scale_down_proposal(k, p)))
                for k in range(-20, 21)
            ]
        )
    )  # fmt: skip
    assert s.check() == z3.unsat


def test_float_error_is_upstreams():
    """float64 error kept: 25 replicas and 12 % up is 25 × 1.12 = 28.000000000000004, rounded up to 29 (exactly
    28); 25 and 56 % down is 25 × 0.44 = 10.999999999999998, truncated to 10 (exactly 11)."""
    assert hu.scale_up_proposal(25, ScalingPolicy(PERCENT_POLICY, 12, 15)) == 29
    assert hu.percent_up(CONCRETE, 25, 12, 30) == 29
    assert hu.scale_down_proposal(25, ScalingPolicy(PERCENT_POLICY, 56, 15)) == 10
    assert hu.percent_down(CONCRETE, 25, 56, 30) == 10


def _expire(queue, times, size, now, window):
    """Drop the head while it is at least ``window`` old (upstream counts a record while younger)."""
    while size and now - times[0] >= window:
        queue, times, size = [*queue[1:], 0], times[1:], size - 1
    return queue, times, size


@pytest.mark.parametrize("windows", [(60, 120), (120, 60), (0, 120), (60, 0), (45, 45)])
def test_window_queues_equal_upstream_log(windows):
    """Both windows as queues (the scale-down one decreasing, window_record; the scale-up one increasing,
    up_window_record), each dropping its head when its record leaves that window, give
    stabilizeRecommendationWithBehaviors' value on every timed sequence of a small grid: proposals 0..3,
    current 0..3, 15 s or 75 s between syncs, the log seeded with the current replicas."""
    up_w, down_w = windows
    n = 6
    for proposals in itertools.product(range(4), repeat=3):
        for gaps in itertools.product((15, 75), repeat=3):
            for current in range(4):
                log = [(current, 0)]
                up, up_t, up_n = [current, *[0] * (n - 1)], [0], 1
                down, down_t, down_n = [current, *[0] * (n - 1)], [0], 1
                now = 0
                for desired, gap in zip(proposals, gaps, strict=True):
                    now += gap
                    log = [(v, a + gap) for v, a in log]
                    up, up_t, up_n = _expire(up, up_t, up_n, now, up_w)
                    down, down_t, down_n = _expire(down, down_t, down_n, now, down_w)
                    want, _, log = hu.stabilize_recommendation_with_behaviors(log, current, desired, up_w, down_w)
                    got = hu.stabilized_with_behaviors(
                        CONCRETE,
                        current,
                        desired,
                        (up, [i < up_n for i in range(n)]),
                        (down, [i < down_n for i in range(n)]),
                    )
                    assert got == want, (proposals, gaps, current)
                    kept_up = sum(1 for i in range(up_n) if up[i] < desired)
                    kept_down = sum(1 for i in range(down_n) if down[i] > desired)
                    up, up_n = hu.up_window_record(CONCRETE, up, up_n, desired)
                    down, down_n = hu.window_record(CONCRETE, down, down_n, desired)
                    up_t, down_t = up_t[:kept_up] + [now], down_t[:kept_down] + [now]


POLICY = st.builds(
    ScalingPolicy, st.sampled_from([PODS_POLICY, PERCENT_POLICY]), st.integers(1, 150), st.sampled_from([15, 30, 60])
)
RULES = st.builds(
    hu.ScalingRules,
    st.just(0),
    st.sampled_from(hu.SELECT_POLICIES),
    st.lists(POLICY, min_size=1, max_size=3).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(
    up=RULES,
    down=RULES,
    events=st.lists(st.tuples(st.integers(-4, 4).filter(bool), st.integers(0, 70)), max_size=4),
    current=st.integers(0, 8),
    desired=st.integers(0, 12),
)
def test_staged_event_queue_equals_timed_events(up, down, events, current, desired):
    """The guards' event queue — signed changes oldest first, each with the number of the policies' periods
    it has outlived — gives convertDesiredReplicasWithBehaviorRate's result on the timed events."""
    events = sorted(events, key=lambda e: -e[1])
    periods = tuple(sorted({p.period for p in up.policies + down.policies}))
    queue = hu.EventQueue([c for c, _ in events], [sum(1 for p in periods if age >= p) for _, age in events], periods)
    ups = [(c, age) for c, age in events if c > 0]
    downs = [(-c, age) for c, age in events if c < 0]
    args = BehaviorArgs(up, down, 1, 10)
    want, _ = hu.convert_desired_replicas_with_behavior_rate(args, current, desired, ups, downs)
    assert hu.behavior_rate(CONCRETE, args, current, desired, queue, 30) == want
