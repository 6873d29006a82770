"""Upstream unit-test rows for the controller ref manager (model/controllers/ownership.py).

Source: ``pkg/controller/controller_ref_manager_test.go``, TestClaimPods (stored-index snapshot
978017114, the context/finalizers era; every row of its table). Each row lists pods with their
label (``production`` matches the selector, ``testing`` does not), their controller ref (this
controller, none, another controller), whether they are being deleted and whether they are in
the controller's namespace; the expected result is the pods claimed and the number of patches
(an adoption or a release is one patch each). ``ClaimPods`` is ``claim_object`` for every pod of
the list, which is how the StatefulSet model's sync calls it
(:class:`kubecheck.model.controllers.statefulset_sync.Plan`).

Each row is evaluated with CONCRETE and with Z3 (the owner a z3 variable, substituted
afterwards), so the function reads the same to the explicit and the symbolic engines.
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.model.controllers import ownership as ow
from kubecheck.model.kernel.ops import CONCRETE, Z3

SOURCE = "controller_ref_manager_test.go TestClaimPods"
PRODUCTION, TESTING = True, False  # the pod's labels match the selector type=production


@attrs.frozen
class Pod:
    name: str
    matches: bool
    owner: int  # ow.OWNED (the controller under test), ow.ORPHAN (nil), ow.FOREIGN (controller2)
    deleting: bool = False
    same_namespace: bool = True


@attrs.frozen
class Row:
    name: str
    pods: tuple[Pod, ...]
    claimed: tuple[str, ...]
    patches: int
    controller_deleting: bool = False


ROWS = [
    Row(
        "Claim pods with correct label",
        (Pod("pod1", PRODUCTION, ow.ORPHAN), Pod("pod2", TESTING, ow.ORPHAN)),
        claimed=("pod1",),
        patches=1,
    ),
    Row(
        "Controller marked for deletion can not claim pods",
        (Pod("pod1", PRODUCTION, ow.ORPHAN), Pod("pod2", PRODUCTION, ow.ORPHAN)),
        claimed=(),
        patches=0,
        controller_deleting=True,
    ),
    Row(
        "Controller marked for deletion can not claim new pods",
        (Pod("pod1", PRODUCTION, ow.OWNED), Pod("pod2", PRODUCTION, ow.ORPHAN)),
        claimed=("pod1",),
        patches=0,
        controller_deleting=True,
    ),
    Row(
        "Controller can not claim pods owned by another controller",
        (Pod("pod1", PRODUCTION, ow.OWNED), Pod("pod2", PRODUCTION, ow.FOREIGN)),
        claimed=("pod1",),
        patches=0,
    ),
    Row(
        "Controller releases claimed pods when selector doesn't match",
        (Pod("pod1", PRODUCTION, ow.OWNED), Pod("pod2", TESTING, ow.OWNED)),
        claimed=("pod1",),
        patches=1,
    ),
    Row(
        "Controller does not claim orphaned pods marked for deletion",
        (Pod("pod1", PRODUCTION, ow.OWNED, deleting=True), Pod("pod2", PRODUCTION, ow.ORPHAN, deleting=True)),
        claimed=("pod1",),
        patches=0,
    ),
    Row(
        "Controller claims or release pods according to selector with finalizers",
        (Pod("pod1", PRODUCTION, ow.OWNED), Pod("pod2", TESTING, ow.OWNED), Pod("pod3", PRODUCTION, ow.ORPHAN)),
        claimed=("pod1", "pod3"),
        patches=2,
    ),
    Row(
        "Controller does not claim pods of different namespace",
        (Pod("pod1", PRODUCTION, ow.ORPHAN), Pod("pod2", PRODUCTION, ow.ORPHAN, same_namespace=False)),
        claimed=("pod1",),
        patches=1,
    ),
    Row(  # a cluster-scoped controller (namespace ""): every namespace is its own
        "Cluster scoped controller claims pods of specified namespace",
        (Pod("pod1", PRODUCTION, ow.ORPHAN), Pod("pod2", PRODUCTION, ow.ORPHAN)),
        claimed=("pod1", "pod2"),
        patches=2,
    ),
]


def _claim_pods_concrete(row: Row) -> tuple[tuple[str, ...], int]:
    claimed, patches = [], 0
    for pod in row.pods:
        c = ow.claim_object(CONCRETE, pod.owner, pod.matches, row.controller_deleting, pod.deleting, pod.same_namespace)
        if c.claimed:
            claimed.append(pod.name)
        patches += int(bool(c.adopt)) + int(bool(c.release))
    return tuple(claimed), patches


def _claim_pods_z3(row: Row) -> tuple[tuple[str, ...], int]:
    owner = z3.Int("owner")
    claimed, patches = [], 0
    for pod in row.pods:
        c = ow.claim_object(Z3, owner, pod.matches, row.controller_deleting, pod.deleting, pod.same_namespace)

        def value(term, pod=pod):
            return z3.is_true(z3.simplify(z3.substitute(z3.BoolVal(True) == term, (owner, z3.IntVal(pod.owner)))))

        if value(c.claimed):
            claimed.append(pod.name)
        patches += int(value(c.adopt)) + int(value(c.release))
    return tuple(claimed), patches


@pytest.mark.parametrize("row", ROWS, ids=[f"TestClaimPods/{r.name}" for r in ROWS])
def test_claim_pods(row: Row) -> None:
    assert _claim_pods_concrete(row) == (row.claimed, row.patches), SOURCE
    assert _claim_pods_z3(row) == (row.claimed, row.patches), SOURCE


@pytest.mark.parametrize(
    ("set_name", "pod_name", "member"),
    [("web", "web-0", True), ("web", "web-10", True), ("web", "webx-0", False), ("web", "web", False)],
)
def test_is_member_of_reads_the_parent_name(set_name: str, pod_name: str, member: bool) -> None:
    """isMemberOf (stateful_set_utils.go): getParentName(pod) == set.Name; getParentName as in
    TestGetParentNameAndOrdinal (``web`` has no ordinal, so no parent)."""
    assert ow.is_member_of(set_name, pod_name) is member


@pytest.mark.parametrize(
    ("owner", "exists", "after"),
    [
        (ow.OWNED, True, ow.ORPHAN),  # the set's pod loses its controller ref
        (ow.FOREIGN, True, ow.FOREIGN),  # another controller's ref is not the deleted set's
        (ow.ORPHAN, True, ow.ORPHAN),
        (ow.OWNED, False, ow.OWNED),  # an empty slot keeps its canonical value
    ],
)
def test_orphan_dependents_removes_only_refs_to_the_deleted_owner(owner: int, exists: bool, after: int) -> None:
    """garbagecollector.go orphanDependents: the refs naming the deleted owner are removed, nothing else."""
    assert ow.orphan_dependent(CONCRETE, owner, exists) == after
