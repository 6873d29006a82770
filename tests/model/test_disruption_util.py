"""Upstream disruption-controller tests as cases driving model/controllers/disruption_util.py.

Source: ``pkg/controller/disruption/disruption_test.go`` (stored-index id 21427293024, commit
003e8629, the same snapshot as the disruption.go that was read). Upstream checks each sync with
``VerifyPdbStatus(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods, map)``; the
cases below keep that order in their ``Status`` tuples and run the sync through
:func:`~kubecheck.model.controllers.disruption_util.sync_status`, whose arithmetic is the module's
``ops`` helpers evaluated on ints. A second group evaluates those helpers on z3 terms and through
the explicit engine's SourceOps too, so all three readings of the arithmetic agree.

Upstream tests not transcribed, with the reason:

* TestInvalidSelectors — label-selector parsing is the manifest front end's validation; these
  helpers receive the pods a (valid) selector matched.
* TestPDBNotExist — a sync of a deleted budget is a no-op in the lister, no arithmetic.
* TestUpdatePDBStatusRetries — a resourceVersion conflict between the controller's status write
  and an eviction; the model takes each write as one atomic step (papers/disruption-actors.md).
* TestStalePodDisruption — the DisruptionTarget pod condition cleanup; no property reads it.
* TestMultipleControllers, third step — upstream comments its own assertion out ("TODO: Find
  out if this assert is still needed").
"""

from __future__ import annotations

import pytest
import z3
from ops_readings import compiled

from kubecheck.model.controllers import disruption_util as du
from kubecheck.model.controllers.disruption_util import BudgetStatus, ControllerObject, OwnerRef, PodView
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Z3

SRC = "disruption_test.go@003e8629"


def pct(n: int) -> IntOrPercent:
    return IntOrPercent(n, True)


def num(n: int) -> IntOrPercent:
    return IntOrPercent(n)


def status(allowed: int, current: int, desired: int, expected: int, disrupted: tuple[int, ...] = ()) -> BudgetStatus:
    """VerifyPdbStatus's argument order."""
    return BudgetStatus(allowed, current, desired, expected, disrupted)


RC_REF = OwnerRef("ReplicationController", "v1", "foobar", "rc-uid")
RS_REF = OwnerRef("ReplicaSet", "extensions/v1beta1", "foobar", "rs-uid")  # controllerKindRS's group
SS_REF = OwnerRef("StatefulSet", "apps/v1beta1", "foobar", "ss-uid")


def rc(replicas: int) -> dict:
    return {
        ("ReplicationController", "foobar"): ControllerObject(
            "ReplicationController", "foobar", "rc-uid", replicas, api_group=""
        )
    }


def rs(replicas: int) -> dict:
    return {("ReplicaSet", "foobar"): ControllerObject("ReplicaSet", "foobar", "rs-uid", replicas)}


def ss(replicas: int) -> dict:
    return {("StatefulSet", "foobar"): ControllerObject("StatefulSet", "foobar", "ss-uid", replicas)}


def ready(n: int, owner: OwnerRef | None = None) -> list[PodView]:
    return [PodView(owner) for _ in range(n)]


def unready(n: int, owner: OwnerRef | None = None) -> list[PodView]:
    return [PodView(owner, ready=False) for _ in range(n)]


# (case id, minAvailable, maxUnavailable, pods, controller objects, expected status)
SYNC_CASES = [
    ("TestNoSelector/no pods", num(3), None, [], {}, status(0, 0, 3, 0)),
    ("TestNoSelector/one pod", num(3), None, ready(1), {}, status(0, 1, 3, 1)),
    *[(f"TestUnavailable/{i} pods", num(3), None, ready(i), {}, status(0, i, 3, i)) for i in range(4)],
    ("TestUnavailable/4 pods", num(3), None, ready(4), {}, status(1, 4, 3, 4)),
    ("TestUnavailable/one made unavailable", num(3), None, unready(1) + ready(3), {}, status(0, 3, 3, 4)),
    ("TestIntegerMaxUnavailableWithScaling/rs 7", None, num(2), ready(1, RS_REF), rs(7), status(0, 1, 5, 7)),
    ("TestIntegerMaxUnavailableWithScaling/rs 5", None, num(2), ready(1, RS_REF), rs(5), status(0, 1, 3, 5)),
    ("TestPercentageMaxUnavailableWithScaling/rs 7", None, pct(30), ready(1, RS_REF), rs(7), status(0, 1, 4, 7)),
    ("TestPercentageMaxUnavailableWithScaling/rs 3", None, pct(30), ready(1, RS_REF), rs(3), status(0, 1, 2, 3)),
    ("TestReplicaSet", pct(20), None, ready(1, RS_REF), rs(10), status(0, 1, 2, 10)),
    # 34% of 3 rounds up to 2; the budget starts at 0 expected (it learns the RC from its pods).
    ("TestReplicationController/no pods", pct(34), None, [], rc(3), status(0, 0, 0, 0)),
    ("TestReplicationController/1 pod", pct(34), None, ready(1, RC_REF), rc(3), status(0, 1, 2, 3)),
    ("TestReplicationController/2 pods", pct(34), None, ready(2, RC_REF), rc(3), status(0, 2, 2, 3)),
    ("TestReplicationController/3 pods", pct(34), None, ready(3, RC_REF), rc(3), status(1, 3, 2, 3)),
    # the rogue pod has no controller: unmanaged, counted healthy, adds nothing to expected
    ("TestReplicationController/rogue", pct(34), None, ready(3, RC_REF) + ready(1), rc(3), status(2, 4, 2, 3)),
    ("TestStatefulSetController/no pods", pct(34), None, [], ss(3), status(0, 0, 0, 0)),
    ("TestStatefulSetController/1 pod", pct(34), None, ready(1, SS_REF), ss(3), status(0, 1, 2, 3)),
    ("TestStatefulSetController/2 pods", pct(34), None, ready(2, SS_REF), ss(3), status(0, 2, 2, 3)),
    ("TestStatefulSetController/3 pods", pct(34), None, ready(3, SS_REF), ss(3), status(1, 3, 2, 3)),
    ("TestKeepExistingPDBConditionDuringSync", num(3), None, [], {}, status(0, 0, 3, 0)),
]


@pytest.mark.parametrize(
    "min_available,max_unavailable,pods,objects,expected",
    [c[1:] for c in SYNC_CASES],
    ids=[c[0] for c in SYNC_CASES],
)
def test_sync_status_matches_upstream(min_available, max_unavailable, pods, objects, expected):
    assert du.sync_status(min_available, max_unavailable, pods, objects) == expected


@pytest.mark.parametrize(
    "case,min_available,max_unavailable,pods",
    [
        ("TestIntegerMaxUnavailable/no pods", None, num(1), []),
        ("TestIntegerMaxUnavailable/naked pod", None, num(1), ready(1)),
        ("TestNakedPod/no pods", pct(28), None, []),
        ("TestNakedPod/naked pod", pct(28), None, ready(1)),
        ("TestMultipleControllers/no controllers yet", pct(1), None, ready(2)),
    ],
)
def test_budget_without_known_controller_allows_nothing(case, min_available, max_unavailable, pods):
    """VerifyDisruptionAllowed(0): expectedCount 0 forces disruptionsAllowed to 0."""
    got = du.sync_status(min_available, max_unavailable, pods, {})
    assert got.disruptions_allowed == 0 and got.error is None, case


def test_multiple_controllers_one_rc_allows_one():
    """TestMultipleControllers, second step: one RC of 1 and two Ready pods: 200% > 1%."""
    got = du.sync_status(pct(1), None, ready(2, RC_REF), rc(1))
    assert got.disruptions_allowed == 1


def test_unmanaged_pod_is_reported_not_an_error():
    """TestStatusForUnmanagedPod / TestTotalUnmanagedPods: one unmanaged pod, no SyncFailed."""
    scale = du.get_expected_scale_of([None], {})
    assert scale == du.ExpectedScale(0, (0,), None)
    assert du.sync_status(pct(28), None, ready(1), {}).error is None


def test_unsupported_controller_fails_safe():
    """TestUnsupportedControllerPod: a controllerRef no finder resolves fails the sync and
    failSafe writes disruptionsAllowed 0 (upstream's event is CalculateExpectedPodCountFailed;
    its error comes from the REST mapper, ours from the finders running out)."""
    ref = OwnerRef("TestWorkload", "apps.test.io/v1", "fake-controller", "b7329742")
    previous = status(3, 5, 2, 5)
    got = du.sync_status(pct(28), None, ready(1, ref), {}, previous)
    assert got.disruptions_allowed == 0 and got.error is not None
    assert (got.current_healthy, got.desired_healthy, got.expected_pods) == (5, 2, 5)


def test_scale_resource():
    """TestScaleResource: a custom resource with a scale subresource of 10, four pods, maxUnavailable 5."""
    ref = OwnerRef("customresource", "custom.k8s.io/v1", "", "cr-uid")
    objects = {("customresource", ""): ControllerObject("customresource", "", "cr-uid", 10, api_group="custom.k8s.io")}
    # upstream: disruptionsAllowed = maxUnavailable - (replicas - pods) when positive, else 0
    assert du.sync_status(None, num(5), ready(4, ref), objects) == status(0, 4, 5, 10)


@pytest.mark.parametrize(
    "case,implements_scale,present",
    [
        ("TestScaleFinderNoResource/resource implements scale", True, False),
        ("TestScaleFinderNoResource/resource implements unsupported data format for scale subresource", False, True),
        ("TestScaleFinderNoResource/resource does not implement scale", False, True),
    ],
)
def test_scale_finder_no_resource(case, implements_scale, present):
    """A kind without /scale is an error; one with /scale but no object is simply not found.
    (Upstream tells the two unsupported cases apart through discovery; both are "no scale" here.)"""
    ref = OwnerRef("customresource", "custom.k8s.io/v1", "name", "uid")
    objects = {}
    if present:
        objects[("customresource", "name")] = ControllerObject(
            "customresource", "name", "uid", 3, scale_subresource=implements_scale, api_group="custom.k8s.io"
        )
    if implements_scale:
        assert du.find_controller(ref, objects) is None, case
    else:
        with pytest.raises(ValueError, match="does not implement the scale subresource"):
            du.find_controller(ref, objects)


def test_update_disrupted_pods():
    """TestUpdateDisruptedPods: p1 terminating (entry dropped), p2 3 min old (expired, dropped,
    counts healthy again), p3 1 min old (kept, not healthy); "notthere" has no pod (dropped)."""
    pods = [
        PodView(None, terminating=True, disruption_age=0),
        PodView(None, disruption_age=180),
        PodView(None, disruption_age=60),
    ]
    assert du.sync_status(num(1), None, pods, {}) == status(0, 1, 1, 3, (2,))


def test_disruption_timeout_boundary():
    """disruption.go: at exactly two minutes buildDisruptedPodMap keeps the entry (not Before
    now) while countHealthyPods already counts the pod (not After now)."""
    assert not du.is_disruption_expired(120) and not du.is_disruption_pending(120)
    assert du.sync_status(num(0), None, [PodView(None, disruption_age=120)], {}) == status(1, 1, 0, 1, (0,))


# ---- TestTwoControllers: upstream's loop, its expectations transcribed step by step ------------

COLLECTION, MIN_ONE, MIN_TWO = 11, 4, 7  # 28% of 11 rounds up to 4, of 22 to 7
D_REF = OwnerRef("ReplicaSet", "extensions/v1beta1", "rs", "rs2-uid")


def _two_controllers_steps():
    objects = {**rc(COLLECTION), ("ReplicaSet", "rs"): ControllerObject("ReplicaSet", "rs", "rs2-uid", COLLECTION)}
    objects[("Deployment", "d")] = ControllerObject("Deployment", "d", "d-uid", COLLECTION)  # no pod points to it
    steps = [("rc only, no pods", [], status(0, 0, 0, 0))]
    unavailable = COLLECTION - MIN_ONE - 1
    pods: list[PodView] = []
    for i in range(1, COLLECTION + 1):
        pods = pods + [PodView(RC_REF, ready=i > unavailable)]
        if i <= unavailable:
            want = status(0, 0, MIN_ONE, COLLECTION)
        elif i - unavailable <= MIN_ONE:
            want = status(0, i - unavailable, MIN_ONE, COLLECTION)
        else:
            want = status(1, i - unavailable, MIN_ONE, COLLECTION)
        steps.append((f"rc pod {i}", pods, want))
    unavailable = 2 * COLLECTION - (MIN_TWO + 2) - unavailable
    for i in range(1, COLLECTION + 1):
        pods = pods + [PodView(D_REF, ready=i > unavailable)]
        if i <= unavailable:
            want = status(0, MIN_ONE + 1, MIN_TWO, 2 * COLLECTION)
        elif i - unavailable <= MIN_TWO - (MIN_ONE + 1):
            want = status(0, MIN_ONE + 1 + i - unavailable, MIN_TWO, 2 * COLLECTION)
        else:
            allowed = i - unavailable - (MIN_TWO - (MIN_ONE + 1))
            want = status(allowed, MIN_ONE + 1 + i - unavailable, MIN_TWO, 2 * COLLECTION)
        steps.append((f"rs pod {i}", pods, want))
    last, second = COLLECTION - 1, COLLECTION - 2
    down_one = [attrs_ready(p, False) if k == last else p for k, p in enumerate(pods)]
    steps.append(("one pod down", down_one, status(1, 1 + MIN_TWO, MIN_TWO, 2 * COLLECTION)))
    down_two = [attrs_ready(p, False) if k == second else p for k, p in enumerate(down_one)]
    steps.append(("two pods down", down_two, status(0, MIN_TWO, MIN_TWO, 2 * COLLECTION)))
    up_again = [attrs_ready(p, True) if k == last else p for k, p in enumerate(down_two)]
    steps.append(("one back", up_again, status(1, 1 + MIN_TWO, MIN_TWO, 2 * COLLECTION)))
    return objects, steps


def attrs_ready(pod: PodView, value: bool) -> PodView:
    return PodView(pod.owner, value, pod.terminating, pod.disruption_age)


_TWO_OBJECTS, _TWO_STEPS = _two_controllers_steps()


@pytest.mark.parametrize(
    "pods,expected", [s[1:] for s in _TWO_STEPS], ids=[f"TestTwoControllers/{s[0]}" for s in _TWO_STEPS]
)
def test_two_controllers(pods, expected):
    assert du.sync_status(pct(28), None, pods, _TWO_OBJECTS) == expected


# ---- finders ------------------------------------------------------------------------------------


def _finder_objects():
    return {
        ("ReplicaSet", "foobar"): ControllerObject("ReplicaSet", "foobar", "rs-uid", 10),
        ("ReplicationController", "foobar"): ControllerObject(
            "ReplicationController", "foobar", "rc-uid", 12, api_group=""
        ),
        ("StatefulSet", "foobar"): ControllerObject("StatefulSet", "foobar", "ss-uid", 14),
    }


@pytest.mark.parametrize(
    "case,ref,expected",
    [
        (
            "replicaset controller with apps group",
            OwnerRef("ReplicaSet", "apps/v1", "foobar", "rs-uid"),
            ("rs-uid", 10),
        ),
        ("replicaset controller with invalid group", OwnerRef("ReplicaSet", "invalid/v1", "foobar", "rs-uid"), None),
        (
            "replicationcontroller with empty group",
            OwnerRef("ReplicationController", "/v1", "foobar", "rc-uid"),
            ("rc-uid", 12),
        ),
        (
            "replicationcontroller with invalid group",
            OwnerRef("ReplicationController", "apps/v1", "foobar", "rc-uid"),
            None,
        ),
        (
            "statefulset controller with extensions group",
            OwnerRef("StatefulSet", "apps/v1", "foobar", "ss-uid"),
            ("ss-uid", 14),
        ),
        ("statefulset controller with invalid kind", OwnerRef("ReplicaSet", "apps/v1", "foobar", "ss-uid"), None),
    ],
)
def test_basic_finder_functions(case, ref, expected):
    """TestBasicFinderFunctions. Upstream calls one finder; we run the whole chain, where a
    group the REST mapper does not know is an error instead of "not found" — both find no scale."""
    try:
        found = du.find_controller(ref, _finder_objects())
    except ValueError:
        found = None
    assert found == expected, case


@pytest.mark.parametrize(
    "case,rs_api,rs_kind,dep_api,dep_kind,finds",
    [
        ("happy path", "apps/v1", "ReplicaSet", "extensions/v1", "Deployment", True),
        ("invalid rs apiVersion", "invalid/v1", "ReplicaSet", "apps/v1", "Deployment", False),
        ("invalid rs kind", "apps/v1", "InvalidKind", "apps/v1", "Deployment", False),
        ("invalid deployment apiVersion", "extensions/v1", "ReplicaSet", "deployment/v1", "Deployment", False),
        ("invalid deployment kind", "apps/v1", "ReplicaSet", "extensions/v1", "InvalidKind", False),
    ],
)
def test_deployment_finder_function(case, rs_api, rs_kind, dep_api, dep_kind, finds):
    """TestDeploymentFinderFunction: a Deployment of 10 owns a ReplicaSet of 5; the pod's ref is
    the ReplicaSet's. "finds" = resolves to the Deployment's UID and scale (the chain may still
    resolve the ReplicaSet itself where upstream's single finder says nil)."""
    objects = {
        ("Deployment", "foobar"): ControllerObject("Deployment", "foobar", "dep-uid", 10),
        ("ReplicaSet", "foobar"): ControllerObject(
            "ReplicaSet", "foobar", "rs-uid", 5, owner=OwnerRef(dep_kind, dep_api, "foobar", "dep-uid")
        ),
    }
    try:
        found = du.find_controller(OwnerRef(rs_kind, rs_api, "foobar", "rs-uid"), objects)
    except ValueError:
        found = None
    assert (found == ("dep-uid", 10)) is finds, case


def test_rollout_counts_the_deployment_once():
    """getExpectedScale keys a ReplicaSet's pods by its Deployment: two ReplicaSets of one
    Deployment of 3 (a rollout with surge) give expectedCount 3, not the ReplicaSets' 2 + 2."""
    dep = OwnerRef("Deployment", "apps/v1", "web", "dep")
    objects = {
        ("Deployment", "web"): ControllerObject("Deployment", "web", "dep", 3),
        ("ReplicaSet", "web-a"): ControllerObject("ReplicaSet", "web-a", "a", 2, owner=dep),
        ("ReplicaSet", "web-b"): ControllerObject("ReplicaSet", "web-b", "b", 2, owner=dep),
    }
    pods = ready(2, OwnerRef("ReplicaSet", "apps/v1", "web-a", "a")) + ready(
        2, OwnerRef("ReplicaSet", "apps/v1", "web-b", "b")
    )
    assert du.sync_status(None, num(1), pods, objects) == status(2, 4, 2, 3)


# ---- the ops helpers read the same on ints and on z3 terms --------------------------------------


def _both(fn, *args):
    """fn on ints, and fn on z3 variables substituted by the same ints: both values."""
    symbols = [z3.Bool(f"a{i}") if isinstance(a, bool) else z3.Int(f"a{i}") for i, a in enumerate(args)]
    term = fn(Z3, *symbols)
    subs = [(s, z3.BoolVal(a) if isinstance(a, bool) else z3.IntVal(a)) for s, a in zip(symbols, args)]

    def ground(t):
        if isinstance(t, tuple):
            return tuple(ground(x) for x in t)
        if isinstance(t, (bool, int)):
            return t
        g = z3.simplify(z3.substitute(t, *subs))
        return z3.is_true(g) if z3.is_bool(g) else g.as_long()

    return fn(CONCRETE, *args), ground(term)


@pytest.mark.parametrize(
    "min_available,max_unavailable,pods,scale",
    [
        (num(3), None, 4, 0),
        (pct(34), None, 3, 3),
        (pct(28), None, 22, 22),
        (None, pct(30), 1, 7),
        (None, num(2), 1, 7),
        (None, num(5), 4, 10),
        (None, num(9), 4, 3),  # desired floored at 0
        (None, None, 4, 4),
    ],
)
def test_expected_pod_count_concrete_equals_symbolic(min_available, max_unavailable, pods, scale):
    fn = lambda ops, p, s: du.get_expected_pod_count(ops, min_available, max_unavailable, p, s)  # noqa: E731
    concrete, symbolic = _both(fn, pods, scale)
    assert concrete == symbolic == compiled(fn, 2)(pods, scale)


@pytest.mark.parametrize(
    "healthy,desired,expected,allowed",
    [(4, 3, 4, 1), (3, 3, 4, 0), (2, 3, 4, 0), (5, 0, 0, 0), (1, 0, 1, 1), (0, 0, 0, 0)],
)
def test_disruptions_allowed_concrete_equals_symbolic(healthy, desired, expected, allowed):
    """updatePdbStatus: the difference, 0 when not positive, 0 whenever expectedCount <= 0."""
    assert _both(du.disruptions_allowed, healthy, desired, expected) == (allowed, allowed)
    assert compiled(du.disruptions_allowed, 3)(healthy, desired, expected) == allowed


def test_expected_scale_counts_controllers_with_pods():
    concrete, symbolic = _both(lambda ops, a, b, na, nb: du.get_expected_scale(ops, [a, b], [na, nb]), 3, 5, 2, 0)
    assert concrete == symbolic == 3


def test_count_healthy_concrete_equals_symbolic():
    fn = lambda ops, *f: du.count_healthy_pods(ops, f[0:3], f[3:6], f[6:9])  # noqa: E731
    flags = (True, True, False, False, True, False, False, False, True)
    concrete, symbolic = _both(fn, *flags)
    assert concrete == symbolic == 1


@pytest.mark.parametrize(
    "case,written,computed,stale,writes",
    [
        ("everything matches: no write (a quiescent state stays quiescent)", (1, 4, 3, 4), (1, 4, 3, 4), False, False),
        ("a pod became unready", (1, 4, 3, 4), (0, 3, 3, 4), False, True),
        ("the spec was edited (generation > observedGeneration)", (1, 4, 3, 4), (1, 4, 3, 4), True, True),
    ],
)
def test_needs_status_write(case, written, computed, stale, writes):
    """updatePdbStatus's no-op check (the four counters and observedGeneration; conditions follow
    disruptionsAllowed, DisruptedPods needs no state in the model — papers/disruption-actors.md)."""
    fn = lambda ops, *a: du.needs_status_write(ops, a[0:4], a[4:8], a[8])  # noqa: E731
    args = (*written, *computed, stale)
    assert fn(CONCRETE, *args) is bool(writes)
    assert compiled(fn, 9)(*args) is bool(writes)
