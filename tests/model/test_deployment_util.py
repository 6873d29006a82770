"""Worked examples and properties of the Deployment replica arithmetic (model/controllers/deployment_util.py).

Three kinds of test:

1. Upstream unit-test tables (transcribed in papers/upstream-tables-deployment.md), one pytest
   case per upstream row, id ``<UpstreamTest>/<case>``. Every case is evaluated twice: with
   CONCRETE on the row's ints, and with Z3 on fresh z3 variables, substituted afterwards.
2. Hypothesis properties: for each helper, the CONCRETE reading equals the Z3 reading.
3. Independent oracles: plain-Python references for resolve_fenceposts and new_rs_new_replicas,
   written from /work/shared/reference/k8s-semantics.md §1.1, §3.3 and §3.6, compared on drawn
   inputs; also replica_set_fraction and get_proportion from §1.4 and §3.10, because no upstream
   row pins the rounding of an exact half (TestScale "4 -> 5" has one, but the leftover step hides it).

Upstream rows that need something these helpers do not take (nil terminatingReplicas, the
DeploymentPodReplacementPolicy gate, API update failures, a guard that lives in rolling.go) are
listed in ``test_upstream_row_not_expressible`` and skipped with their reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import pytest
import z3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment_util import RECREATE, ROLLING_UPDATE
from kubecheck.model.kernel.intstr import IntOrPercent, InvalidValue
from kubecheck.model.kernel.ops import CONCRETE, Z3

# Sources, as papers/upstream-tables-deployment.md records them ("snapshot" = stored-index id).
# The tables file records no commit for deployment_util_test.go, only the snapshot id.
UTIL_TEST = "pkg/controller/deployment/util/deployment_util_test.go, snapshot 695379464 (no commit recorded)"
ROLLING_TEST = "pkg/controller/deployment/rolling_test.go, snapshot 4271180920; classic rows as in commit bb81beff"
SYNC_TEST = "pkg/controller/deployment/sync_test.go, snapshot 4461826708; classic rows as in commit 78fc8e44"

PROPERTY = settings(max_examples=50, deadline=None)


def p(raw: Any) -> IntOrPercent:
    """maxSurge / maxUnavailable as written in a Deployment (1, "25%")."""
    return IntOrPercent.parse(raw)


# Upstream ResolveFenceposts defaults an absent (nil) maxSurge/maxUnavailable to the int 0
# (intstr.ValueOrDefault(x, FromInt32(0)); k8s-semantics.md §3.3 "nil treated as 0"). Our helpers
# take no nil, so an absent value is passed as that default.
ABSENT = IntOrPercent(0)


# --------------------------------------------------------------------------------------------
# Evaluating a helper both ways


def _symbol(name: str, value: Any) -> Any:
    return z3.Bool(name) if isinstance(value, bool) else z3.Int(name)


def _z3_value(term: Any, subs: Sequence[tuple[Any, Any]]) -> Any:
    """The Python value of ``term`` once the variables in ``subs`` are replaced by constants."""
    if isinstance(term, tuple):
        return tuple(_z3_value(t, subs) for t in term)
    if isinstance(term, list):
        return [_z3_value(t, subs) for t in term]
    if isinstance(term, (bool, int)):
        return term
    ground = z3.simplify(z3.substitute(term, *subs)) if subs else z3.simplify(term)
    if z3.is_bool(ground):
        assert z3.is_true(ground) or z3.is_false(ground), f"not ground after substitution: {ground}"
        return z3.is_true(ground)
    assert z3.is_int_value(ground), f"not ground after substitution: {ground}"
    return ground.as_long()


def _same(a: Any, b: Any) -> bool:
    """Equal values, and a truth value on one side only if on both."""
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b and isinstance(a, bool) == isinstance(b, bool)


def both(fn: Callable[..., Any], consts: tuple, values: tuple) -> Any:
    """fn(CONCRETE, *consts, *values), after checking that the Z3 reading agrees with it.

    ``consts`` are scope constants (strategy, maxSurge as written); ``values`` are the state
    numbers (ints, or bools for flags), which the Z3 reading receives as fresh variables.
    """
    concrete = fn(CONCRETE, *consts, *values)
    symbols = [_symbol(f"v{i}", v) for i, v in enumerate(values)]
    symbolic = fn(Z3, *consts, *symbols)
    subs = [(s, z3.BoolVal(v) if isinstance(v, bool) else z3.IntVal(v)) for s, v in zip(symbols, values)]
    from_z3 = _z3_value(symbolic, subs)
    assert _same(from_z3, concrete), f"{fn.__name__}{consts + values}: CONCRETE {concrete!r} but Z3 {from_z3!r}"
    return concrete


# --------------------------------------------------------------------------------------------
# 1. Upstream tables

# TestResolveFenceposts — source: UTIL_TEST (every row below). Upstream names subtests "0".."6".
FENCEPOSTS = [
    pytest.param(p("0%"), p("0%"), 0, (0, 1), id="TestResolveFenceposts/0"),
    pytest.param(p("39%"), p("39%"), 10, (4, 3), id="TestResolveFenceposts/1"),
    pytest.param(ABSENT, p("39%"), 10, (0, 3), id="TestResolveFenceposts/4-maxSurge-absent"),
    pytest.param(p("39%"), ABSENT, 10, (4, 0), id="TestResolveFenceposts/5-maxUnavailable-absent"),
    pytest.param(ABSENT, ABSENT, 10, (0, 1), id="TestResolveFenceposts/6-both-absent"),
]


@pytest.mark.parametrize("surge, unavailable, desired, expected", FENCEPOSTS)
def test_resolve_fenceposts_upstream(surge, unavailable, desired, expected):
    assert both(du.resolve_fenceposts, (surge, unavailable), (desired,)) == expected


# Rows 2 and 3 expect an error from ResolveFenceposts. Here an invalid string cannot reach the
# helper: it is rejected when the Deployment's value is parsed. Source: UTIL_TEST.
FENCEPOSTS_INVALID = [
    pytest.param("oops", "39%", "oops", id="TestResolveFenceposts/2"),
    pytest.param("55%", "urg", "urg", id="TestResolveFenceposts/3"),
]


@pytest.mark.parametrize("surge, unavailable, invalid", FENCEPOSTS_INVALID)
def test_resolve_fenceposts_upstream_invalid_is_a_parse_error(surge, unavailable, invalid):
    for raw in (surge, unavailable):
        if raw == invalid:
            with pytest.raises(InvalidValue):
                IntOrPercent.parse(raw)
        else:
            IntOrPercent.parse(raw)


# TestNewRSNewReplicas — source: UTIL_TEST (every row below). allRSs holds only rs5 (spec 5);
# the new RS is not in allRSs, so all_replicas = 5. maxUnavailable 1 (not an input of the helper).
NEW_RS_NEW_REPLICAS = [
    pytest.param(ROLLING_UPDATE, 1, 5, 1, 5, id="TestNewRSNewReplicas/can not scale up - to newRSReplicas"),
    pytest.param(ROLLING_UPDATE, 6, 2, 10, 6, id="TestNewRSNewReplicas/scale up - to depReplicas"),
    pytest.param(RECREATE, 3, 1, 1, 3, id="TestNewRSNewReplicas/recreate - to depReplicas"),
]


@pytest.mark.parametrize("strategy, replicas, new_spec, surge, expected", NEW_RS_NEW_REPLICAS)
def test_new_rs_new_replicas_upstream(strategy, replicas, new_spec, surge, expected):
    all_replicas = 5
    got = both(du.new_rs_new_replicas, (strategy, p(surge)), (replicas, all_replicas, new_spec))
    assert got == expected


# TestMaxUnavailable — source: UTIL_TEST (every row below); maxSurge 1 (int) throughout.
# The Recreate row leaves replicas nil upstream; MaxUnavailable returns before reading it, and so
# does our helper, so replicas 1 (the API default) stands in.
MAX_UNAVAILABLE = [
    pytest.param(ROLLING_UPDATE, 10, 5, 5, id="TestMaxUnavailable/maxUnavailable less than replicas"),
    pytest.param(ROLLING_UPDATE, 10, 10, 10, id="TestMaxUnavailable/maxUnavailable equal replicas"),
    pytest.param(ROLLING_UPDATE, 5, 10, 5, id="TestMaxUnavailable/maxUnavailable greater than replicas"),
    pytest.param(ROLLING_UPDATE, 0, 10, 0, id="TestMaxUnavailable/maxUnavailable with replicas is 0"),
    pytest.param(RECREATE, 1, 0, 0, id="TestMaxUnavailable/maxUnavailable with Recreate deployment strategy"),
    pytest.param(ROLLING_UPDATE, 10, "50%", 5, id="TestMaxUnavailable/maxUnavailable less than replicas with percents"),
    pytest.param(ROLLING_UPDATE, 10, "100%", 10, id="TestMaxUnavailable/maxUnavailable equal replicas with percents"),
    pytest.param(
        ROLLING_UPDATE, 5, "100%", 5, id="TestMaxUnavailable/maxUnavailable greater than replicas with percents"
    ),
]


@pytest.mark.parametrize("strategy, replicas, unavailable, expected", MAX_UNAVAILABLE)
def test_max_unavailable_upstream(strategy, replicas, unavailable, expected):
    assert both(du.max_unavailable, (strategy, p(1), p(unavailable)), (replicas,)) == expected


# TestMinAvailable — source: UTIL_TEST (every row below); maxSurge 1 (int) throughout.
MIN_AVAILABLE = [
    pytest.param(ROLLING_UPDATE, 10, 5, 5, id="TestMinAvailable/replicas greater than maxUnavailable"),
    pytest.param(ROLLING_UPDATE, 10, 10, 0, id="TestMinAvailable/replicas equal maxUnavailable"),
    pytest.param(ROLLING_UPDATE, 5, 10, 0, id="TestMinAvailable/replicas less than maxUnavailable"),
    pytest.param(ROLLING_UPDATE, 0, 10, 0, id="TestMinAvailable/replicas is 0"),
    pytest.param(RECREATE, 10, 0, 0, id="TestMinAvailable/minAvailable with Recreate deployment strategy"),
    pytest.param(
        ROLLING_UPDATE, 10, "60%", 4, id="TestMinAvailable/replicas greater than maxUnavailable with percents"
    ),
    pytest.param(ROLLING_UPDATE, 10, "100%", 0, id="TestMinAvailable/replicas equal maxUnavailable with percents"),
    pytest.param(ROLLING_UPDATE, 5, "100%", 0, id="TestMinAvailable/replicas less than maxUnavailable with percents"),
]


@pytest.mark.parametrize("strategy, replicas, unavailable, expected", MIN_AVAILABLE)
def test_min_available_upstream(strategy, replicas, unavailable, expected):
    assert both(du.min_available, (strategy, p(1), p(unavailable)), (replicas,)) == expected


# TestDeploymentComplete — source: UTIL_TEST (every row below). Upstream tuple is (desired,
# status.replicas, status.updated, status.available, maxUnavailable, maxSurge); the last two do
# not enter DeploymentComplete, and observedGeneration 0 >= generation 0 holds.
DEPLOYMENT_COMPLETE = [
    pytest.param(
        (5, 5, 5, 4, 1, 0), False, id="TestDeploymentComplete/not complete: min but not all pods become available"
    ),
    pytest.param((5, 5, 5, 3, 1, 0), False, id="TestDeploymentComplete/not complete: min availability is not honored"),
    pytest.param((5, 5, 5, 5, 0, 0), True, id="TestDeploymentComplete/complete"),
    pytest.param(
        (5, 5, 4, 5, 0, 0), False, id="TestDeploymentComplete/not complete: all pods are available but not updated"
    ),
    pytest.param((1, 2, 1, 1, 0, 1), False, id="TestDeploymentComplete/not complete: still running old pods"),
    pytest.param(
        (1, 1, 1, 0, 1, 1), False, id="TestDeploymentComplete/not complete: one replica deployment never comes up"
    ),
]


@pytest.mark.parametrize("row, expected", DEPLOYMENT_COMPLETE)
def test_deployment_complete_upstream(row, expected):
    desired, total, updated, available, _max_unavailable, _max_surge = row
    assert both(du.deployment_complete, (), (desired, updated, total, available)) is expected


# IsSaturated: upstream has no TestIsSaturated table; the cases are TestAnnotationUtils/IsSaturated
# (source: UTIL_TEST) and the new RS of TestScale "saturated but broken new replica set does not
# affect old pods" (source: SYNC_TEST), which the scale test expects not to be saturated.
IS_SATURATED = [
    # R 1 (default); new RS: desired annotation "1", spec 1, available 1.
    pytest.param(1, True, 1, 1, 1, True, id="TestAnnotationUtils/IsSaturated"),
    # R 2; new RS foo-v2: spec 2, desired annotation 2 (the old R), available 0.
    pytest.param(2, True, 2, 2, 0, False, id="TestScale/saturated but broken new replica set does not affect old pods"),
]


@pytest.mark.parametrize("replicas, exists, spec, desired, available, expected", IS_SATURATED)
def test_is_saturated_upstream(replicas, exists, spec, desired, available, expected):
    assert both(du.is_saturated, (), (replicas, exists, spec, desired, available)) is expected


# TestGetReplicaSetFraction — source: UTIL_TEST (every row below); maxUnavailable 1, RollingUpdate.
# A missing max-replicas annotation is passed as 0: the helper takes the annotation as a number
# and treats 0 as upstream treats both "missing" and "0" (fall back to status.replicas).
MISSING = 0
REPLICA_SET_FRACTION = [
    pytest.param(0, 0, 0, 10, MISSING, -10, id="TestGetReplicaSetFraction/empty deployment always scales to 0"),
    pytest.param(
        10,
        0,
        0,
        5,
        MISSING,
        0,
        id="TestGetReplicaSetFraction/unsynced deployment does not scale when max-replicas annotation is missing "
        "(removed by a 3rd party)",
    ),
    pytest.param(
        10,
        0,
        0,
        5,
        0,
        0,
        id="TestGetReplicaSetFraction/unsynced deployment does not scale when max-replicas annotation is incorrectly "
        "set to 0 (by a 3rd party)",
    ),
    pytest.param(
        120,
        100,
        0,
        50,
        MISSING,
        10,
        id="TestGetReplicaSetFraction/scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation "
        "is missing (removed by a 3rd party)",
    ),
    pytest.param(
        120,
        100,
        0,
        50,
        0,
        10,
        id="TestGetReplicaSetFraction/scale up by 1/5 should increase RS replicas by 1/5 when max-replicas annotation "
        "is incorrectly set to 0 (by a 3rd party)",
    ),
    pytest.param(
        120, 0, 0, 50, 100, 10, id="TestGetReplicaSetFraction/scale up by 1/5 should increase RS replicas by 1/5"
    ),
    pytest.param(
        120,
        0,
        10,
        50,
        110,
        9,
        id="TestGetReplicaSetFraction/scale up with maxSurge by 1/5 should increase RS replicas approximately by 1/5",
    ),
    pytest.param(
        10, 0, 0, 6, 12, -1, id="TestGetReplicaSetFraction/scale down by 1/6 should decrease RS replicas by 1/6"
    ),
    pytest.param(
        100,
        0,
        10,
        50,
        130,
        -8,
        id="TestGetReplicaSetFraction/scale down with maxSurge by 1/6 should decrease RS replicas approximately by 1/6",
    ),
]


@pytest.mark.parametrize("replicas, status_replicas, surge, rs_spec, annotated_max, expected", REPLICA_SET_FRACTION)
def test_replica_set_fraction_upstream(replicas, status_replicas, surge, rs_spec, annotated_max, expected):
    resolved_surge = both(du.max_surge, (ROLLING_UPDATE, p(surge), p(1)), (replicas,))
    allowed = replicas + resolved_surge
    got = both(du.replica_set_fraction, (), (rs_spec, replicas, allowed, annotated_max, status_replicas))
    assert got == expected


# TestDeploymentController_reconcileNewReplicaSet — source: ROLLING_TEST (every row below).
# allRSs = [new foo-v2, old foo-v1], maxUnavailable 0. reconcileNewReplicaSet calls
# NewRSNewReplicas only when new.spec < R, which holds in these rows; "no scale" = unchanged.
RECONCILE_NEW = [
    pytest.param(
        10,
        0,
        10,
        0,
        0,
        id="TestDeploymentController_reconcileNewReplicaSet/should not scale up when old replica set is fully "
        "saturated",
    ),
    pytest.param(
        10,
        2,
        10,
        0,
        2,
        id="TestDeploymentController_reconcileNewReplicaSet/should scale up according to the maxSurge when old replica "
        "set is fully saturated",
    ),
    pytest.param(
        10, 2, 5, 0, 7, id="TestDeploymentController_reconcileNewReplicaSet/should scale up according to the maxSurge"
    ),
    pytest.param(
        10,
        2,
        10,
        2,
        2,
        id="TestDeploymentController_reconcileNewReplicaSet/should not scale when maxSurge is fully saturated",
    ),
]


@pytest.mark.parametrize("replicas, surge, old_spec, new_spec, expected", RECONCILE_NEW)
def test_reconcile_new_replica_set_upstream(replicas, surge, old_spec, new_spec, expected):
    assert new_spec < replicas  # the branch of reconcileNewReplicaSet that calls NewRSNewReplicas
    got = both(du.new_rs_new_replicas, (ROLLING_UPDATE, p(surge)), (replicas, old_spec + new_spec, new_spec))
    assert got == expected


# TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate, _reconcileOldReplicaSets and
# _cleanupUnhealthyReplicas (rolling_test.go) drive the model's own rolling.go steps in
# test_deployment_sync_upstream.py.


# TestScale (sync_test.go) drives the model's own sync.go:scale in test_deployment_sync_upstream.py.


# rank_positions, read both ways (the model sorts ReplicaSets with it in sync.go:scale and cleanupDeployment).


def rank_positions_both(before: list[list[bool]]) -> list[int]:
    """rank_positions on a concrete precedence matrix, checked against its Z3 reading."""
    n = len(before)
    concrete = du.rank_positions(CONCRETE, before)
    symbols = [[z3.Bool(f"b_{i}_{j}") for j in range(n)] for i in range(n)]
    subs = [(symbols[i][j], z3.BoolVal(before[i][j])) for i in range(n) for j in range(n)]
    assert _same(_z3_value(du.rank_positions(Z3, symbols), subs), concrete)
    return concrete


# Upstream rows these helpers cannot express. Listed so that the run shows them, with the reason.
NOT_EXPRESSIBLE = [
    pytest.param(
        "8 [PRP] rows need terminatingReplicas/status.replicas and the unreleased DeploymentPodReplacementPolicy; "
        "source: " + ROLLING_TEST,
        id="TestDeploymentController_reconcileNewReplicaSet/[PRP] rows",
    ),
    pytest.param(
        "[PRP] rows need terminatingReplicas and the replicaset-replicas-before-scale annotation; source: " + SYNC_TEST,
        id="TestScale/[PRP] rows",
    ),
    pytest.param(
        "GetReplicaCountForReplicaSets/annotation and template helpers have no counterpart in deployment_util.py "
        "(TestDeploymentProgressing and TestDeploymentTimedOut are in test_deployment_progress.py); source: "
        + UTIL_TEST,
        id="deployment_util_test.go/other tables",
    ),
]


@pytest.mark.parametrize("reason", NOT_EXPRESSIBLE)
def test_upstream_row_not_expressible(reason):
    pytest.skip(reason)


# --------------------------------------------------------------------------------------------
# 2. CONCRETE and Z3 agree on every helper

counts = st.integers(min_value=0, max_value=300)
signed = st.integers(min_value=-60, max_value=60)
int_or_percent = st.one_of(
    st.integers(min_value=0, max_value=50).map(p),
    st.integers(min_value=0, max_value=100).map(lambda n: p(f"{n}%")),
)
strategies = st.sampled_from([ROLLING_UPDATE, RECREATE])


@PROPERTY
@given(int_or_percent, int_or_percent, counts)
def test_resolve_fenceposts_concrete_equals_z3(surge, unavailable, desired):
    both(du.resolve_fenceposts, (surge, unavailable), (desired,))


@PROPERTY
@given(strategies, int_or_percent, int_or_percent, counts)
def test_max_surge_concrete_equals_z3(strategy, surge, unavailable, replicas):
    both(du.max_surge, (strategy, surge, unavailable), (replicas,))


@PROPERTY
@given(strategies, int_or_percent, int_or_percent, counts)
def test_max_unavailable_concrete_equals_z3(strategy, surge, unavailable, replicas):
    both(du.max_unavailable, (strategy, surge, unavailable), (replicas,))


@PROPERTY
@given(strategies, int_or_percent, int_or_percent, counts)
def test_min_available_concrete_equals_z3(strategy, surge, unavailable, replicas):
    both(du.min_available, (strategy, surge, unavailable), (replicas,))


@PROPERTY
@given(strategies, int_or_percent, counts, counts, counts)
def test_new_rs_new_replicas_concrete_equals_z3(strategy, surge, replicas, all_replicas, new_replicas):
    both(du.new_rs_new_replicas, (strategy, surge), (replicas, all_replicas, new_replicas))


@PROPERTY
@given(counts, st.booleans(), counts, counts, counts)
def test_is_saturated_concrete_equals_z3(replicas, exists, spec, desired, available):
    both(du.is_saturated, (), (replicas, exists, spec, desired, available))


@PROPERTY
@given(counts, counts, counts, counts)
def test_deployment_complete_concrete_equals_z3(replicas, updated, total, available):
    both(du.deployment_complete, (), (replicas, updated, total, available))


@PROPERTY
@given(counts, counts, counts, counts, counts)
def test_replica_set_fraction_concrete_equals_z3(spec, replicas, allowed, annotated_max, status_total):
    both(du.replica_set_fraction, (), (spec, replicas, allowed, annotated_max, status_total))


@PROPERTY
@given(counts, signed, signed, signed)
def test_get_proportion_concrete_equals_z3(spec, fraction, to_add, added):
    both(du.get_proportion, (), (spec, fraction, to_add, added))


@PROPERTY
@given(
    st.integers(min_value=1, max_value=5).flatmap(
        lambda n: st.lists(st.lists(st.booleans(), min_size=n, max_size=n), min_size=n, max_size=n)
    )
)
def test_rank_positions_concrete_equals_z3(before):
    rank_positions_both(before)


# --------------------------------------------------------------------------------------------
# 3. Independent oracles (k8s-semantics.md §1.1, §1.4, §3.3, §3.6, §3.10); maxSurge and
#    maxUnavailable are raw spec values here: an int, or "N%".


def oracle_scaled(raw: int | str, total: int, round_up: bool) -> int:
    if isinstance(raw, int):
        return raw  # an integer is used as written, never clamped
    quotient, remainder = divmod(int(raw[:-1]) * total, 100)
    return quotient + 1 if round_up and remainder else quotient


def oracle_fenceposts(surge: int | str, unavailable: int | str, desired: int) -> tuple[int, int]:
    up = oracle_scaled(surge, desired, round_up=True)
    down = oracle_scaled(unavailable, desired, round_up=False)
    return (up, 1) if up == down == 0 else (up, down)


def oracle_new_rs_size(strategy: str, surge: int | str, replicas: int, all_replicas: int, new_replicas: int) -> int:
    if strategy == RECREATE:
        return replicas
    ceiling = replicas + oracle_scaled(surge, replicas, round_up=True)
    if all_replicas >= ceiling:
        return new_replicas
    return new_replicas + min(ceiling - all_replicas, replicas - new_replicas)


raw_int_or_percent = st.one_of(
    st.integers(min_value=0, max_value=50),
    st.integers(min_value=0, max_value=100).map(lambda n: f"{n}%"),
)
replica_counts = st.integers(min_value=0, max_value=200)


@PROPERTY
@given(raw_int_or_percent, raw_int_or_percent, replica_counts)
@example("25%", "25%", 10)  # surge 3 (up), unavailable 2 (down)
@example("0%", 0, 7)  # both 0: unavailable becomes 1
def test_resolve_fenceposts_matches_oracle(surge, unavailable, desired):
    got = du.resolve_fenceposts(CONCRETE, p(surge), p(unavailable), desired)
    assert got == oracle_fenceposts(surge, unavailable, desired)


@st.composite
def new_rs_inputs(draw):
    """(strategy, maxSurge as written, R, all RS replicas, new RS replicas); all RS replicas is
    often drawn within a few of the cap R + surge, where a wrong rounding shows."""
    strategy = draw(st.sampled_from([ROLLING_UPDATE, ROLLING_UPDATE, ROLLING_UPDATE, RECREATE]))
    surge = draw(raw_int_or_percent)
    replicas = draw(replica_counts)
    new_replicas = draw(st.integers(min_value=0, max_value=250))
    cap = replicas + oracle_scaled(surge, replicas, round_up=True)
    others = draw(
        st.one_of(
            st.integers(min_value=0, max_value=400),
            st.sampled_from([-1, -1, 0, -2, 1, -3, 3]).map(lambda d: max(cap + d - new_replicas, 0)),
        )
    )
    return strategy, surge, replicas, new_replicas + others, new_replicas  # the new RS is one of all RSes


@PROPERTY
@given(new_rs_inputs())
# 25% of 10 is 2.5: the cap is 13 (surge rounds up), so 12 replicas in all leave room for one more.
@example((ROLLING_UPDATE, "25%", 10, 12, 2))
def test_new_rs_new_replicas_matches_oracle(inputs):
    strategy, surge, replicas, all_replicas, new_replicas = inputs
    got = du.new_rs_new_replicas(CONCRETE, strategy, p(surge), replicas, all_replicas, new_replicas)
    assert got == oracle_new_rs_size(strategy, surge, replicas, all_replicas, new_replicas)


def oracle_fraction(spec: int, replicas: int, allowed: int, annotated_max: int, status_total: int) -> int:
    if replicas == 0:
        return -spec
    base = annotated_max if annotated_max > 0 else status_total
    if base <= 0:
        return 0
    exact = Fraction(spec * allowed, base)
    whole = int(exact)  # exact >= 0 here, so int() is the floor
    return (whole + 1 if exact - whole >= Fraction(1, 2) else whole) - spec  # half away from zero


def oracle_proportion(spec: int, fraction: int, to_add: int, added: int) -> int:
    if spec == 0 or to_add == 0 or to_add == added:
        return 0
    room = to_add - added
    return min(fraction, room) if to_add > 0 else max(fraction, room)


@PROPERTY
@given(replica_counts, replica_counts, st.integers(min_value=0, max_value=250), replica_counts, replica_counts)
def test_replica_set_fraction_matches_oracle(spec, replicas, allowed, annotated_max, status_total):
    got = du.replica_set_fraction(CONCRETE, spec, replicas, allowed, annotated_max, status_total)
    assert got == oracle_fraction(spec, replicas, allowed, annotated_max, status_total)


def test_replica_set_fraction_rounds_half_away_from_zero():
    # 2 * 5 / 4 = 2.5 rounds to 3 (k8s-semantics.md §1.4, k8s.io/utils RoundToInt32); not an upstream row.
    assert du.replica_set_fraction(CONCRETE, 2, 5, 5, 4, 0) == oracle_fraction(2, 5, 5, 4, 0) == 1


@PROPERTY
@given(replica_counts, signed, signed, signed)
def test_get_proportion_matches_oracle(spec, fraction, to_add, added):
    assert du.get_proportion(CONCRETE, spec, fraction, to_add, added) == oracle_proportion(
        spec, fraction, to_add, added
    )
