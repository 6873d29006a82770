"""Upstream unit-test rows for the claim owner references (model/controllers/ownership.py).

Source: ``pkg/controller/statefulset/stateful_set_utils_test.go``, stored-index snapshot
694144998 (ptr.To era): TestNonController (hasNonControllerOwner), TestHasUnexpectedController,
TestIsClaimOwnerUpToDate, TestClaimOwnerUpToDateEdgeCases, TestUpdateClaimOwnerRefForSetAndPod and
TestUpdateClaimControllerRef, every row. A claim's refs are written the way
:mod:`~kubecheck.model.controllers.ownership` reads them: per owner (the set, the pod) no ref, a
controller ref, a ref by UID that is not a controller (``OWNER_REF``), or a stale ref (kind and
name match, another UID); and whether another object is the claim's controller. A ref to an
unrelated object that is not a controller has no value (upstream reads nothing of it): rows that
add one (``useOtherRefs``, ``extraOwner``, 'other noncontroller') are the same row without it.

The StatefulSet sync calls ``is_claim_owner_up_to_date`` and ``update_claim_owner_refs`` where its
scan reaches a claim (statefulset_sync.Plan, owner references on). Rows run with CONCRETE and Z3.
"""

from __future__ import annotations

import itertools

import pytest
import z3

from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers.statefulset_util import DELETE, RETAIN
from kubecheck.model.kernel.ops import CONCRETE, Z3

NO, C, N, S = ow.NO_REF, ow.CONTROLLER_REF, ow.OWNER_REF, ow.STALE_REF


def _z3_value(build, set_ref: int, pod_ref: int):
    """Evaluate ``build(ops, set_ref, pod_ref)`` with the refs as z3 variables, substituted afterwards."""
    sv, pv = z3.Int("set_ref"), z3.Int("pod_ref")
    term = build(Z3, sv, pv)
    terms = term if isinstance(term, tuple) else (term,)
    out = []
    for t in terms:
        t = z3.simplify(
            z3.substitute(
                z3.IntVal(0) + t if isinstance(t, int) else t, (sv, z3.IntVal(set_ref)), (pv, z3.IntVal(pod_ref))
            )
        )
        out.append(z3.is_true(t) if z3.is_bool(t) else t.as_long())
    return tuple(out) if isinstance(term, tuple) else out[0]


# TestNonController: (name, set ref, pod ref, nonController)
NON_CONTROLLER_ROWS = [
    ("set and pod controller", C, C, False),
    ("set controller, pod noncontroller", C, N, True),
    ("set noncontroller, pod controller", N, C, True),
    ("set controller", C, NO, False),
    ("pod controller", NO, C, False),
    ("nothing", NO, NO, False),
    ("set noncontroller", N, NO, True),
    ("set noncontroller with ptr", N, NO, True),
    ("pod noncontroller", NO, N, True),
    ("other noncontroller", NO, NO, False),  # kind "pod" (lower case), another UID: unrelated
]


@pytest.mark.parametrize(
    ("name", "set_ref", "pod_ref", "expected"), NON_CONTROLLER_ROWS, ids=[r[0] for r in NON_CONTROLLER_ROWS]
)
def test_has_non_controller_owner(name: str, set_ref: int, pod_ref: int, expected: bool) -> None:
    """TestNonController."""
    assert ow.has_non_controller_owner(CONCRETE, set_ref, pod_ref) is expected
    assert _z3_value(lambda ops, s, p: ow.has_non_controller_owner(ops, s, p), set_ref, pod_ref) is expected


# TestHasUnexpectedController: (name, set ref, pod ref, other controller, shouldReportUnexpectedController)
UNEXPECTED_ROWS = [
    ("custom controller", NO, NO, True, True),
    ("custom non-controller", NO, NO, False, False),
    ("custom unspecified controller", NO, NO, False, False),
    ("other pod controller", NO, NO, True, True),  # a Pod named simon: not the claim's pod
    ("other set controller", NO, NO, True, True),
    ("own set controller", C, NO, False, False),
    ("own set controller, stale uid", S, NO, False, True),
    ("own pod controller", NO, C, False, False),
    ("own pod controller, stale uid", NO, S, False, True),
    ("own controller and another", NO, C, True, True),
    ("own controller and a non-controller", NO, C, False, False),
]
POLICIES = [(RETAIN, DELETE), (DELETE, RETAIN), (DELETE, DELETE)]  # (whenScaled, whenDeleted)


@pytest.mark.parametrize(
    ("name", "set_ref", "pod_ref", "other", "expected"), UNEXPECTED_ROWS, ids=[r[0] for r in UNEXPECTED_ROWS]
)
def test_has_unexpected_controller(name: str, set_ref: int, pod_ref: int, other: bool, expected: bool) -> None:
    """TestHasUnexpectedController: never under Retain/Retain (no policy), the row's answer under the other three."""
    assert ow.has_unexpected_controller(CONCRETE, RETAIN, RETAIN, set_ref, pod_ref, other) is False
    for when_scaled, when_deleted in POLICIES:
        got = ow.has_unexpected_controller(CONCRETE, when_scaled, when_deleted, set_ref, pod_ref, other)
        assert bool(got) is expected, (when_scaled, when_deleted)


# TestIsClaimOwnerUpToDate: (name, whenScaled, whenDeleted, needsPodRef, needsSetRef, condemned)
UP_TO_DATE_ROWS = [
    ("retain", RETAIN, RETAIN, False, False, True),  # replicas 0, pod-0: out of range
    ("on SS delete", RETAIN, DELETE, False, True, True),
    ("on scaledown only, condemned", DELETE, RETAIN, True, False, True),  # replicas 2, pod-2
    ("on scaledown only, remains", DELETE, RETAIN, False, False, False),  # replicas 2, pod-1
    ("on both, condemned", DELETE, DELETE, True, False, True),
    ("on both, remains", DELETE, DELETE, False, True, False),
]


@pytest.mark.parametrize(
    ("name", "when_scaled", "when_deleted", "needs_pod", "needs_set", "condemned"),
    UP_TO_DATE_ROWS,
    ids=[r[0] for r in UP_TO_DATE_ROWS],
)
def test_is_claim_owner_up_to_date(name, when_scaled, when_deleted, needs_pod, needs_set, condemned) -> None:
    """TestIsClaimOwnerUpToDate: every combination of a pod controller ref and a set controller ref."""
    for pod_has, set_has in itertools.product((False, True), repeat=2):
        set_ref, pod_ref = (C if set_has else NO), (C if pod_has else NO)
        expected = pod_has == needs_pod and set_has == needs_set
        got = ow.is_claim_owner_up_to_date(CONCRETE, when_scaled, when_deleted, condemned, set_ref, pod_ref)
        assert bool(got) is expected, (pod_has, set_has)
        sym = _z3_value(
            lambda ops, s, p: ow.is_claim_owner_up_to_date(ops, when_scaled, when_deleted, condemned, s, p),
            set_ref,
            pod_ref,
        )
        assert sym is expected


# TestClaimOwnerUpToDateEdgeCases (replicas 1, pod-1: condemned): (name, policy, set ref, pod ref, other, shouldMatch)
EDGE_ROWS = [
    ("normal controller, pod", (DELETE, DELETE), NO, C, False, True),
    ("non-controller causes policy mismatch, pod", (DELETE, DELETE), NO, N, False, False),
    ("stale controller does not affect policy, pod", (DELETE, DELETE), NO, S, False, True),
    ("unexpected controller causes policy mismatch, pod", (DELETE, DELETE), NO, C, True, False),
    ("normal controller, set", (RETAIN, DELETE), C, NO, False, True),
    ("non-controller causes policy mismatch, set", (RETAIN, DELETE), N, NO, False, False),  # apiVersion appsv1
    ("stale controller ignored, set", (RETAIN, DELETE), S, NO, False, True),
    ("unexpected controller causes policy mismatch, set", (RETAIN, DELETE), C, NO, True, False),
]


@pytest.mark.parametrize(
    ("name", "policy", "set_ref", "pod_ref", "other", "expected"), EDGE_ROWS, ids=[r[0] for r in EDGE_ROWS]
)
def test_claim_owner_up_to_date_edge_cases(name, policy, set_ref, pod_ref, other, expected) -> None:
    """TestClaimOwnerUpToDateEdgeCases."""
    when_scaled, when_deleted = policy
    got = ow.is_claim_owner_up_to_date(CONCRETE, when_scaled, when_deleted, True, set_ref, pod_ref, other)
    assert bool(got) is expected


# TestUpdateClaimOwnerRefForSetAndPod: (name, whenScaled, whenDeleted, condemned, needsPodRef, needsSetRef, unexpected)
UPDATE_ROWS = [
    ("retain", RETAIN, RETAIN, False, False, False, False),
    ("delete with set", RETAIN, DELETE, False, False, True, False),
    ("delete with scaledown, not condemned", DELETE, RETAIN, False, False, False, False),
    ("delete on scaledown, condemned", DELETE, RETAIN, True, True, False, False),
    ("delete on both, not condemned", DELETE, DELETE, False, False, True, False),
    ("delete on both, condemned", DELETE, DELETE, True, True, False, False),
    ("unexpected controller", DELETE, DELETE, True, False, False, True),
]


@pytest.mark.parametrize(
    ("name", "when_scaled", "when_deleted", "condemned", "needs_pod", "needs_set", "unexpected"),
    UPDATE_ROWS,
    ids=[r[0] for r in UPDATE_ROWS],
)
def test_update_claim_owner_ref_for_set_and_pod(
    name, when_scaled, when_deleted, condemned, needs_pod, needs_set, unexpected
) -> None:
    """TestUpdateClaimOwnerRefForSetAndPod: from every combination of existing controller refs, the
    specified owner ends as the only controller ref to the set or pod."""
    for pod_has, set_has in itertools.product((False, True), repeat=2):
        set_ref, pod_ref = (C if set_has else NO), (C if pod_has else NO)
        got = ow.update_claim_owner_refs(CONCRETE, when_scaled, when_deleted, condemned, set_ref, pod_ref, unexpected)
        assert got == ((C if needs_set else NO), (C if needs_pod else NO)), (pod_has, set_has)
        sym = _z3_value(
            lambda ops, s, p: ow.update_claim_owner_refs(ops, when_scaled, when_deleted, condemned, s, p, unexpected),
            set_ref,
            pod_ref,
        )
        assert sym == got


# TestUpdateClaimControllerRef (Delete/Delete, replicas 1, pod-0: in range): (name, set ref before, set ref after)
CONTROLLER_REF_ROWS = [
    ("set correctly", C, C),  # an unrelated non-controller ref stays
    ("missing controller", N, C),
    ("matching name but missing", NO, C),  # a ref named sts of another kind: unrelated, it stays
    ("not present", NO, C),
    ("controller, but no UID", S, NO),  # the missing UID reads as a stale ref: scrubbed, nothing added
    ("neither controller nor UID", S, NO),
]


@pytest.mark.parametrize(("name", "before", "after"), CONTROLLER_REF_ROWS, ids=[r[0] for r in CONTROLLER_REF_ROWS])
def test_update_claim_controller_ref(name: str, before: int, after: int) -> None:
    """TestUpdateClaimControllerRef."""
    assert ow.update_claim_owner_refs(CONCRETE, DELETE, DELETE, False, before, NO) == (after, NO)
