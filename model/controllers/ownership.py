"""Owner references: who controls a pod, adoption and release, and the garbage collector's orphaning.

Kubernetes v1.35. Paraphrased from:

* ``pkg/controller/controller_ref_manager.go``: ``BaseControllerRefManager.ClaimObject`` decides,
  for one object the controller listed, whether the controller now owns it —
  an object whose controller ref names *another* controller (another UID) is ignored;
  one that names this controller is kept if the selector (and the caller's filters) still match,
  and otherwise released (a patch deleting the ref) unless this controller is being deleted;
  an orphan (no controller ref) is adopted (a patch adding a controller ref) only if the selector
  matches, this controller is not being deleted, the object is not being deleted and, for a
  namespaced controller, it is in the controller's namespace. ``PodControllerRefManager.ClaimPods``
  applies it to every pod of the list with the filters; ``AdoptPod`` first calls ``CanAdopt``,
  which for the StatefulSet is ``RecheckDeletionTimestamp`` on a fresh read of the set (adoption
  is refused once the set has a deletionTimestamp or a different UID).
* ``pkg/controller/statefulset/stateful_set.go:getPodsForStatefulSet``: every pod of the set's
  namespace, claimed with the filter ``isMemberOf`` (the name's parent part is the set's name).
* ``pkg/controller/garbagecollector/garbagecollector.go``: ``kubectl delete sts --cascade=orphan``
  (propagationPolicy Orphan) puts the ``orphan`` finalizer on the set; the collector's
  ``orphanDependents`` removes, from every dependent, the ownerReferences that name the set, then
  removes the finalizer and the set is gone. Dependents are the objects with a reference to the
  set: its pods (controller refs), its claims under whenDeleted=Delete (a controller ref to the
  set) and its ControllerRevisions. A reference to something else (a claim's ref to its pod,
  another controller's ref) is left alone.

The model names the controller of a pod by one small integer per ordinal (``OWNED`` by the set as
it is now, ``ORPHAN``: no controller ref, ``FOREIGN``: another controller's ref, ``PREVIOUS``: a ref
to a deleted incarnation of this set — background deletion, then the manifest applied again
before the collector deleted the pod; ClaimObject ignores it as another UID). Every
function takes ``ops`` so the model's commands, its properties and the unit-test tables
(tests/model/test_controller_ref_manager.py, ported from controller_ref_manager_test.go) evaluate
the same code on ints and on z3 terms.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.ops import Ops, Value

#: The controller of a pod: this StatefulSet (also the value of an empty slot), none, another controller, a
#: deleted incarnation of this StatefulSet (same name, another UID: background deletion, then applied again).
OWNED, ORPHAN, FOREIGN, PREVIOUS = 0, 1, 2, 3
OWNER_NAMES = (
    "owned by the StatefulSet",
    "an orphan (no controller ref)",
    "owned by another controller",
    "owned by the deleted StatefulSet (another UID)",
)
#: What a claim's ref to the set is (field pvc_set_ref): what the retention policy gives it (whenDeleted=Delete:
#: a controller ref to the set as it is now), none (the collector orphaned it), a deleted incarnation's.
SET_REF_POLICY, SET_REF_NONE, SET_REF_STALE = 0, 1, 2


@attrs.frozen
class Claim:
    """What ``ClaimObject`` did with one object: ``claimed`` (the controller owns it now) and the patch it sent."""

    claimed: Value
    adopt: Value  # a patch adding this controller's controller ref
    release: Value  # a patch removing it


def claim_object(
    ops: Ops,
    owner: Value,
    matches: Value,
    controller_deleting: Value,
    object_deleting: Value,
    same_namespace: Value = True,
) -> Claim:
    """ClaimObject for one object whose controller is ``owner`` (OWNED, ORPHAN or FOREIGN).

    ``matches``: the selector and every filter match (ClaimPods' match function);
    ``controller_deleting``: the controller has a deletionTimestamp (also what CanAdopt's
    RecheckDeletionTimestamp refuses); ``object_deleting``: the object has one.

    Examples (controller_ref_manager_test.go, TestClaimPods): an orphan with the production label
    is adopted (one patch), one with the testing label is not; a controller marked for deletion
    adopts nothing but keeps the pods it owns; a pod owned by another controller is never
    claimed; an owned pod whose labels no longer match is released (one patch).
    """
    mine = owner == OWNED
    orphan = owner == ORPHAN
    keep = ops.and_(mine, matches)
    release = ops.and_(mine, ops.not_(matches), ops.not_(controller_deleting))
    adopt = ops.and_(orphan, matches, ops.not_(controller_deleting), ops.not_(object_deleting), same_namespace)
    return Claim(claimed=ops.or_(keep, adopt), adopt=adopt, release=release)


def is_member_of(set_name: str, pod_name: str) -> bool:
    """isMemberOf: the pod's name is ``<set name>-<ordinal>`` (getParentName equals the set's name)."""
    return su.parse_ordinal(pod_name)[0] == set_name


def previous_incarnation(ops: Ops, owner: Value, exists: Value) -> Value:
    """A pod of a set deleted in the background, seen by the set applied again: its ref names the old UID.

    Example: OWNED -> PREVIOUS (ignored by ClaimObject, still a dependent the collector deletes); ORPHAN,
    FOREIGN unchanged.
    """
    return ops.ite(ops.and_(exists, owner == OWNED), PREVIOUS, owner)


def orphan_dependent(ops: Ops, owner: Value, exists: Value) -> Value:
    """orphanDependents for one pod: a ref to the deleted set is removed; a foreign one stays.

    Example: OWNED -> ORPHAN; FOREIGN -> FOREIGN; an empty slot stays OWNED (its canonical value).
    """
    return ops.ite(ops.and_(exists, owner == OWNED), ORPHAN, owner)


# -- a claim's owner references (StatefulSetAutoDeletePVC, stateful_set_utils.go) --------------------
#
# What a claim's ownerReferences say about the set and about the claim's pod, one value each:
# no ref; a controller ref (this UID); a ref by UID that is not a controller ref; a stale ref (the
# kind and name match, the UID does not: a deleted incarnation). ``other_controller``: some other
# object is the claim's controller. Refs to unrelated objects that are not controllers change
# nothing upstream reads, so they have no value here.

NO_REF, CONTROLLER_REF, OWNER_REF, STALE_REF = 0, 1, 2, 3


def has_owner_ref(ops: Ops, ref: Value) -> Value:
    """hasOwnerRef: a ref with the owner's UID, controller or not."""
    return ops.or_(ref == CONTROLLER_REF, ref == OWNER_REF)


def has_non_controller_owner(ops: Ops, set_ref: Value, pod_ref: Value) -> Value:
    """hasNonControllerOwner: the set or the pod (by UID) is an owner but not the controller."""
    return ops.or_(set_ref == OWNER_REF, pod_ref == OWNER_REF)


def has_unexpected_controller(
    ops: Ops, when_scaled: str, when_deleted: str, set_ref: Value, pod_ref: Value, other_controller: Value
) -> Value:
    """hasUnexpectedController: with a retention policy other than Retain/Retain, a controller that is
    neither this set nor this pod, or a ref to the set or pod by name with another UID."""
    if when_scaled == su.RETAIN and when_deleted == su.RETAIN:
        return False
    return ops.or_(set_ref == STALE_REF, pod_ref == STALE_REF, other_controller)


def wants_pod_ref(ops: Ops, when_scaled: str, condemned: Value) -> Value:
    """The retention policy wants a pod controller ref: whenScaled=Delete and the pod is condemned."""
    return ops.and_(when_scaled == su.DELETE, condemned)


def wants_set_ref(ops: Ops, when_scaled: str, when_deleted: str, condemned: Value) -> Value:
    """The retention policy wants a set controller ref: whenDeleted=Delete, unless the pod ref replaces it."""
    return ops.and_(when_deleted == su.DELETE, ops.not_(wants_pod_ref(ops, when_scaled, condemned)))


def is_claim_owner_up_to_date(
    ops: Ops,
    when_scaled: str,
    when_deleted: str,
    condemned: Value,
    set_ref: Value,
    pod_ref: Value,
    other_controller: Value = False,
) -> Value:
    """isClaimOwnerUpToDate: the claim's refs need no update.

    A stale ref: up to date (a previous controller manages it; do not touch). An unexpected
    controller: up to date only if neither the set nor the pod is an owner. A non-controller ref
    of the set or pod: not up to date. Otherwise the refs must be what the policy wants (the
    table in the upstream comment: Retain/Retain none, whenDeleted=Delete the set, whenScaled=Delete
    the pod of a condemned ordinal).
    """
    stale = ops.or_(set_ref == STALE_REF, pod_ref == STALE_REF)
    has_set, has_pod = has_owner_ref(ops, set_ref), has_owner_ref(ops, pod_ref)
    unexpected = has_unexpected_controller(ops, when_scaled, when_deleted, set_ref, pod_ref, other_controller)
    policy = ops.and_(
        has_set == wants_set_ref(ops, when_scaled, when_deleted, condemned),
        has_pod == wants_pod_ref(ops, when_scaled, condemned),
    )
    return ops.ite(
        stale,
        True,
        ops.ite(
            unexpected,
            ops.not_(ops.or_(has_set, has_pod)),
            ops.and_(ops.not_(has_non_controller_owner(ops, set_ref, pod_ref)), policy),
        ),
    )


def update_claim_owner_refs(
    ops: Ops,
    when_scaled: str,
    when_deleted: str,
    condemned: Value,
    set_ref: Value,
    pod_ref: Value,
    other_controller: Value = False,
) -> tuple[Value, Value]:
    """updateClaimOwnerRefForSetAndPod: the (set ref, pod ref) after the update.

    Every ref to the set or the pod by name is scrubbed (stale ones too); with an unexpected
    controller nothing is added back, otherwise a controller ref to what the policy wants.
    Example (TestUpdateClaimControllerRef 'missing controller'): a non-controller set ref under
    Delete/Delete for an ordinal in range becomes a controller ref.
    """
    unexpected = has_unexpected_controller(ops, when_scaled, when_deleted, set_ref, pod_ref, other_controller)
    want_set = ops.and_(ops.not_(unexpected), wants_set_ref(ops, when_scaled, when_deleted, condemned))
    want_pod = ops.and_(ops.not_(unexpected), wants_pod_ref(ops, when_scaled, condemned))
    return ops.ite(want_set, CONTROLLER_REF, NO_REF), ops.ite(want_pod, CONTROLLER_REF, NO_REF)
