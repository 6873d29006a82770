"""Owner references of a StatefulSet's pods and claims: adoption, orphaning, a foreign controller.

What a user relies on when they ``kubectl delete sts --cascade=orphan`` and apply the set again
(the documented way to change a field the API server does not let them edit, such as
volumeClaimTemplates), and what happens when another controller's pod holds one of the set's
pod names. Every row cites its upstream source:

* ``pkg/controller/controller_ref_manager.go``: ``ClaimObject`` / ``ClaimPods`` adopt matching
  orphans, ignore objects owned by another controller, and do neither while the controller is
  being deleted (``RecheckDeletionTimestamp``);
* ``pkg/controller/statefulset/stateful_set.go:getPodsForStatefulSet`` (``isMemberOf``) and
  ``stateful_pod_control.go:CreateStatefulPod`` (a name that is taken: AlreadyExists, the sync
  returns the error and the ordinal waits);
* ``pkg/controller/garbagecollector/garbagecollector.go``: ``orphanDependents`` (propagationPolicy
  Orphan removes the set's refs from its pods and claims) and background deletion (only
  dependents — objects with a ref to the set — are deleted).

The model is :mod:`kubecheck.model.controllers.statefulset` with ``orphan-deletes`` or
``foreign-pod`` on (:mod:`kubecheck.model.controllers.ownership`); every preset has both off, so
each row's adjustment switches on what it speaks about.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property, Trigger
from kubecheck.properties import statefulset as sp

# -- scope adjustments -------------------------------------------------------------------------


def _orphan_and_recreate(sc: StatefulSetScope) -> StatefulSetScope:
    """One orphan deletion and one re-creation at least."""
    return attrs.evolve(sc, orphan_deletes=max(1, sc.orphan_deletes), recreates=max(1, sc.recreates))


def _claims_across_recreate(orphan: bool):
    """whenDeleted=Delete, whenScaled=Retain (a scale-down deletes no claim); deleted with --cascade=orphan or in
    the background, then applied again."""

    def adjust(sc: StatefulSetScope) -> StatefulSetScope:
        return attrs.evolve(
            sc,
            when_deleted=su.DELETE,
            when_scaled=su.RETAIN,
            claims=True,
            orphan_deletes=max(1, sc.orphan_deletes) if orphan else 0,
            set_deletion=not orphan,
            recreates=max(1, sc.recreates),
        )

    return adjust


def _orphan_claims(sc: StatefulSetScope) -> StatefulSetScope:
    """whenDeleted=Delete (claims carry a ref to the set), an orphan deletion."""
    return attrs.evolve(_orphan_and_recreate(sc), when_deleted=su.DELETE, claims=True)


def _foreign_pod(sc: StatefulSetScope) -> StatefulSetScope:
    """The highest ordinal's name held by another controller's pod; the set may be deleted with --cascade=orphan
    and applied again; nobody deletes pods by hand, no faults. (A background deletion leaves the pod too:
    tests/behaviour/test_statefulset_ownership.py; with it here a three-replica manifest's search is 40 times
    larger.)"""
    slot = sc.foreign_pod if sc.foreign_pod >= 0 else sc.ordinals - 1
    return attrs.evolve(
        sc,
        foreign_pod=slot,
        faults=frozenset(),
        failure=fm.NONE,
        broken_release=False,
        pod_deletes=0,
        orphan_deletes=max(1, sc.orphan_deletes),
        recreates=max(1, sc.recreates),
        replicas=max(2, sc.replicas),
    )


def _foreign_pod_kept(sc: StatefulSetScope) -> StatefulSetScope:
    """As _foreign_pod without the set's deletions (a finished rollout is then the only end)."""
    return attrs.evolve(_foreign_pod(sc), set_deletion=False, orphan_deletes=sc.orphan_deletes, recreates=sc.recreates)


# -- predicates ----------------------------------------------------------------------------------


def _slots(s: StatefulSetState) -> range:
    return range(len(s.pod_phase))


def _foreign(ops: Ops, s: StatefulSetState, i: int) -> Value:
    return ops.and_(cl.exists(s, i), s.pod_owner[i] == ow.FOREIGN)


def _live_orphan(ops: Ops, s: StatefulSetState, i: int) -> Value:
    return ops.and_(cl.exists(s, i), s.pod_owner[i] == ow.ORPHAN, ops.not_(s.pod_terminating[i]))


def foreign_pod_untouched(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A pod of another controller stays: not deleted, not re-labelled, not adopted."""
    parts = []
    for i in _slots(s):
        kept = ops.and_(
            _foreign(ops, t, i),
            t.pod_terminating[i] == s.pod_terminating[i],
            t.pod_rev[i] == s.pod_rev[i],
        )
        parts.append(ops.implies(_foreign(ops, s, i), kept))
    return ops.and_(*parts)


def foreign_step(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A step from a state where another controller's pod exists (the trigger of foreign_pod_untouched)."""
    return ops.or_(*[_foreign(ops, s, i) for i in _slots(s)])


def live_orphan_under_a_set(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The set exists (not deleting) and a pod with no controller ref, not terminating, holds one of its names."""
    return ops.and_(ops.not_(s.set_deleted), ops.or_(*[_live_orphan(ops, s, i) for i in _slots(s)]))


def no_live_orphan(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Every pod of the set's names has a controller ref again, or the set is deleted again."""
    return ops.or_(s.set_deleted, ops.and_(*[ops.not_(_live_orphan(ops, s, i)) for i in _slots(s)]))


def recreated(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The set was deleted and applied again (and is not deleting)."""
    return ops.and_(s.recreates_left < sc.recreates, ops.not_(s.set_deleted))


def rolled_out_or_gone(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.or_(st.rolled_out(ops, sc, s), s.set_deleted)


def started(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Any state: the premise of a leads-to that starts at the initial state."""
    return ops.not_(s.set_deleted)


def orphaned_claims_kept(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """While the set is gone (orphan deletion), a claim that had only the set as owner is not deleted."""
    parts = [ops.implies(ops.and_(s.pvc[i], ops.not_(s.pvc_pod_ref[i])), t.pvc[i]) for i in _slots(s)]
    return ops.implies(s.set_orphaned, ops.and_(*parts))


def in_range_claims_kept_while_set_exists(
    ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState
) -> Value:
    """While the set exists (not deleting), a claim of an ordinal below spec.replicas is not deleted."""
    live = ops.and_(ops.not_(s.set_deleted), ops.not_(t.set_deleted))
    parts = [ops.implies(ops.and_(live, s.pvc[i], i < s.replicas, i < t.replicas), t.pvc[i]) for i in _slots(s)]
    return ops.and_(*parts)


def live_set_with_claim(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A step of a re-created set while an in-range claim exists (the trigger of the claim rows)."""
    return ops.and_(
        s.recreates_left < sc.recreates,
        ops.not_(s.set_deleted),
        ops.or_(*[ops.and_(s.pvc[i], i < s.replicas) for i in _slots(s)]),
    )


def orphaned_step(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    return ops.and_(s.set_orphaned, ops.or_(*[s.pvc[i] for i in _slots(s)]))


def outdated_orphan_under_recreated_set(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The set is back after an orphan deletion and an orphan of one of its names runs an older template."""
    return ops.and_(
        recreated(ops, sc, s),
        ops.or_(*[ops.and_(_live_orphan(ops, s, i), s.pod_rev[i] != s.template) for i in _slots(s)]),
    )


def _explain(sc: StatefulSetScope, s: StatefulSetState) -> str:
    parts = []
    for i in _slots(s):
        if s.pod_phase[i] != cl.NONE:
            name = st.NAMING.pod(sc, i)
            parts.append(f"{name} {ow.OWNER_NAMES[s.pod_owner[i]]}")
    where = "deleted (--cascade=orphan)" if s.set_orphaned else ("deleting" if s.set_deleted else "exists")
    return f"statefulset/{sc.name} {where}; " + ("; ".join(parts) or "no pods")


PROPERTIES = (
    Property(
        name="statefulset.foreign_pod_never_touched",
        meaningful={},
        kind="step",
        doc="a pod that another controller owns and that holds one of the set's pod names is never deleted, updated "
        "or adopted by the set, nor orphaned by the garbage collector when the set is deleted with --cascade=orphan",
        upstream="controller_ref_manager.go:ClaimObject ignores an object whose controller ref has another UID "
        "(TestClaimPods 'Controller can not claim pods owned by another controller'); "
        "garbagecollector.go:orphanDependents removes only the refs to the deleted owner",
        predicate=foreign_pod_untouched,
        adjust=_foreign_pod,
        assumes="foreign-pod: the highest ordinal's name is taken by another controller's pod; the user "
        "may delete the set with --cascade=orphan and apply it again; no faults, no kubectl delete pod",
        explain=_explain,
        trigger=Trigger(what="a step while another controller's pod holds a name", when=foreign_step),
    ),
    Property(
        name="statefulset.rollout_completes_despite_foreign_pod",
        meaningful={},
        kind="leads_to",
        doc="every ordinal eventually runs the set's own available pod even though another controller's pod holds "
        "one name (not guaranteed: that ordinal waits for ever; OrderedReady waits there, Parallel stops the "
        "slow-start batches after it)",
        upstream="not guaranteed: stateful_pod_control.go:CreateStatefulPod gets AlreadyExists for the taken name "
        "and stateful_set_control.go:processReplica returns the error, every sync (the claim is created first)",
        predicate=started,
        adjust=_foreign_pod_kept,
        assumes="as foreign_pod_never_touched, without the set's deletions",
        explain=_explain,
        target=rolled_out_or_gone,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.orphans_adopted_after_recreate",
        meaningful={},
        kind="leads_to",
        doc="after kubectl delete sts --cascade=orphan and re-creating the set, every pod of its names that has no "
        "controller ref (and is not terminating) is eventually adopted",
        upstream="stateful_set.go:getPodsForStatefulSet -> controller_ref_manager.go:ClaimPods adopts orphans whose "
        "labels match and isMemberOf holds (AdoptPod after CanAdopt: the set is not being deleted)",
        predicate=live_orphan_under_a_set,
        adjust=_orphan_and_recreate,
        assumes="the user may delete the set with --cascade=orphan once and apply it again",
        explain=_explain,
        target=no_live_orphan,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.recreated_set_rolls_out",
        meaningful={},
        kind="leads_to",
        doc="a re-created set brings the pods it adopted to its template and replica count: outdated ones are "
        "replaced, ordinals above spec.replicas deleted, missing ones created",
        upstream="stateful_set_control.go:updateStatefulSet treats adopted pods as its own (a new set has no "
        "status.currentRevision: the update revision is current, so older pods are outdated)",
        predicate=recreated,
        adjust=_orphan_and_recreate,
        assumes="the user may delete the set with --cascade=orphan once and apply it again",
        explain=_explain,
        target=rolled_out_or_gone,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.recreated_set_finds_outdated_orphan",
        meaningful={},
        kind="sometimes",
        doc="a re-created set finds an orphan of one of its names that runs an older template (it adopts it "
        "whatever its revision, then replaces it) (witness)",
        upstream="controller_ref_manager.go:ClaimPods adopts by labels and isMemberOf, whatever the pod's revision",
        predicate=outdated_orphan_under_recreated_set,
        adjust=_orphan_and_recreate,
        assumes="the user may delete the set with --cascade=orphan once and apply it again",
        explain=_explain,
    ),
    Property(
        name="statefulset.claims_kept_after_orphan_delete",
        meaningful={},
        kind="step",
        doc="whenDeleted=Delete: after kubectl delete sts --cascade=orphan the claims stay (they lost their ref to "
        "the set); only a claim owned by its condemned pod may go",
        upstream="garbagecollector.go:orphanDependents removes the set's ownerReferences from its dependents, claims "
        "included; stateful_set_utils.go:updateClaimOwnerRefForSetAndPod puts them back after re-creation",
        predicate=orphaned_claims_kept,
        adjust=_orphan_claims,
        assumes="whenDeleted=Delete; the user may delete the set with --cascade=orphan once and apply it again",
        explain=_explain,
        trigger=Trigger(what="a step while the set is deleted with its claims orphaned", when=orphaned_step),
    ),
    Property(
        name="statefulset.at_most_one_pod_object_per_identity_across_recreate",
        meaningful={},
        kind="step",
        doc="across an orphan deletion and a re-creation, a pod <set>-i is created only where none exists (an "
        "adopted orphan is never doubled)",
        upstream="pod names are unique in a namespace (the API server answers AlreadyExists); the re-created set "
        "adopts the orphan rather than creating a second one (ClaimPods)",
        predicate=sp.one_pod_object_per_identity,
        adjust=_orphan_and_recreate,
        assumes="the user may delete the set with --cascade=orphan once and apply it again",
        explain=_explain,
    ),
    Property(
        name="statefulset.claims_kept_across_orphan_delete_and_recreate",
        meaningful={},
        kind="step",
        doc="whenDeleted=Delete: deleting the set with --cascade=orphan and applying it again never costs an in-range "
        "ordinal its claim while the set exists",
        upstream="garbagecollector.go:orphanDependents removes the claims' ref to the set (nothing is left for the "
        "collector to delete); stateful_set_utils.go:updateClaimOwnerRefForSetAndPod gives them the new set's",
        predicate=in_range_claims_kept_while_set_exists,
        adjust=_claims_across_recreate(True),
        assumes="whenDeleted=Delete, whenScaled=Retain; the user may delete the set with --cascade=orphan and apply "
        "it again",
        explain=_explain,
        trigger=Trigger(what="a step of a re-created set with an in-range claim", when=live_set_with_claim),
    ),
    Property(
        name="statefulset.claims_kept_across_background_delete_and_recreate",
        meaningful={},
        kind="step",
        doc="whenDeleted=Delete: deleting the set (kubectl delete sts) and applying it again before the garbage "
        "collector is done never costs an in-range ordinal its claim while the new set exists (not guaranteed: "
        "the claim is deleted under the new set, even after its pod used it; --cascade=orphan keeps it)",
        upstream="not guaranteed: the claims keep the deleted set's controller ref (another UID); "
        "stateful_set_utils.go:isClaimOwnerUpToDate leaves a stale ref alone (hasStaleOwnerRef), and the collector "
        "deletes the claim once no pod uses it, although the new set's pod of that ordinal is about to use it",
        predicate=in_range_claims_kept_while_set_exists,
        adjust=_claims_across_recreate(False),
        assumes="whenDeleted=Delete, whenScaled=Retain; the user may delete the set (kubectl delete sts) and apply it "
        "again",
        explain=_explain,
        trigger=Trigger(what="a step of a re-created set with an in-range claim", when=live_set_with_claim),
    ),
)
