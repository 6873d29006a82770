"""StatefulSets: the StatefulSet controller, its pods and claims, on nodes, with the user and faults.

Kubernetes v1.35, default feature gates: MaxUnavailableStatefulSet is **beta and on by default
in v1.35** (so RollingUpdate always goes through ``updateStatefulSetAfterInvariantEstablished``,
with maxUnavailable 1 when unset; the scope flag ``feature-max-unavailable-statefulset=false``
selects the older one-at-a-time loop); StatefulSetAutoDeletePVC (GA, locked on since v1.32),
StatefulSetStartOrdinal (GA since v1.31) and PodIndexLabel (GA since v1.32) are always on.
Gate states read in pkg/features/kube_features.go (papers/statefulset-notes.md §gates).

Upstream files and functions modelled (paraphrased):

* ``pkg/controller/statefulset/stateful_set_control.go:updateStatefulSet`` and its helpers —
  one sync per controller command; see :mod:`kubecheck.model.controllers.statefulset_sync`.
* ``getStatefulSetRevisions`` — the update revision is the revision of the current template;
  re-applying an older template *reuses* that revision (its number is bumped), so pods still
  at it count as updated. A revision is named by its template index (the hash label); by
  default numbers are not stored. With ``revision-history`` the ControllerRevisions are kept as
  upstream keeps them (``rev_number``: one slot per template value, its revision number or 0;
  ``update_rev``: status.updateRevision), with ``truncateHistory`` and ``revisionHistoryLimit``
  (:mod:`...statefulset_sync`, step 8), and ``undos`` enables ``kubectl rollout undo statefulset
  --to-revision=N`` (kubectl polymorphichelpers/rollback.go: StatefulSetRollbacker — findHistory
  by number, or the second-highest for ``--to-revision=0``, the default; skipped when the
  template already matches, else a patch restoring the revision's template). The collision count stays 0: the model's
  templates have distinct hashes, so CreateControllerRevision never collides.
* ``stateful_pod_control.go:CreateStatefulPod`` — claims are created before the pod and
  reused as they are when a pod is recreated; ``PodClaimIsStale`` blocks re-creation while a
  claim still names a previous pod as owner.
* Retention (``isClaimOwnerUpToDate`` / ``updateClaimOwnerRefForSetAndPod``) — ownerRefs, and
  the garbage collector deleting claims whose owner is gone: whenScaled=Delete marks the claim
  of a *condemned* pod with a pod ref (field ``pvc_pod_ref``; it is removed again if the
  ordinal comes back in range first); whenDeleted=Delete gives claims a set ref, which the
  model folds into the policy (claims carry it from creation) rather than storing it.
* StatefulSet deletion: the controller only writes status; the garbage collector deletes pods
  (no order) and set-owned claims.
* Owner references (scope ``orphan-deletes`` / ``foreign-pod``, off in every preset; field
  ``pod_owner``): ``stateful_set.go:getPodsForStatefulSet`` claims pods through
  ``controller_ref_manager.go:ClaimPods`` with the filter ``isMemberOf`` at the start of every
  sync — a sync that adopts an orphan is ``adopt_orphan_pods`` and goes on with it as its own; a
  pod of another controller (or an orphan being deleted) is not the set's, so its ordinal looks
  empty and ``CreateStatefulPod`` creates the claim, then fails on the taken name (AlreadyExists:
  the sync returns the error). ``user.delete_statefulset_orphan`` is ``kubectl delete sts
  --cascade=orphan`` with the garbage collector's ``orphanDependents`` (refs to the set leave its
  pods and, under whenDeleted=Delete, its claims: ``pvc_set_ref``); ``user.recreate_statefulset``
  applies the same manifest again (a new object without status, so the update revision is the
  current one and older adopted pods are outdated). After a background deletion
  (``user.delete_statefulset``) the set is re-created while the collector still deletes its
  predecessor's pods and claims: their refs name the old UID (``PREVIOUS`` pods, stale claim
  refs), which ``ClaimObject`` and ``isClaimOwnerUpToDate`` leave alone, and the collector deletes
  a claim whose only owner is gone as soon as no pod uses it — also after the new set's pod has
  come and gone. ControllerRevisions are orphaned and adopted
  back the same way (``adoptOrphanRevisions``), so ``rev_number`` does not change. The pure
  parts are :mod:`kubecheck.model.controllers.ownership`.
* The cluster (nodes, scheduler, kubelet, PodGC, faults) is :mod:`...cluster`; volumes and the
  attach/detach controller are :mod:`...volumes`.
* Issue 16 (scope ``pdb-*``, ``scenario=drain``; off in every preset): a PodDisruptionBudget over the
  set's pods (``pkg/controller/disruption/disruption.go``, the finder ``getPodStatefulSet``), the eviction
  API (``eviction.go``) and ``kubectl drain node-a`` (kubectl ``pkg/drain``) are
  :mod:`...statefulset_disruption`; the scheduler never binds to a cordoned node (``_can_bind``).

Representation: **per ordinal**, because identity and order are the point. Slot i is the pod
``<name>-<start+i>`` and the claim ``<claim-template>-<name>-<start+i>`` (one template is
modelled, named by the scope); its pod object (phase, terminating, node, revision) is kept
apart from containers that still run after the object vanished (``pod_ghost``), so force
deletion and node deletion can produce a second running instance of one identity. Absent pods
have node and revision 0 (canonical states).

Failure modes (scope ``failure`` and friends; ``broken-release`` is ``failure=never-ready`` on
edited templates) are the cluster layer's, :mod:`kubecheck.model.controllers.failures`: the
kubelet refuses to start or to report Ready a pod they hit, crashes it after Ready, or evicts it
to phase Failed; ``processReplica`` deletes a Failed pod and the sync waits for it to go (command
``delete_failed_pod``). The documented forced rollback ("Forced rollback", website
concepts/workloads/controllers/statefulset.md: after reverting a template whose pods never became
Running and Ready, delete the pods stuck at the bad revision) is the operator's step
``operator.delete_stuck_pod`` (scope ``forced-rollback``), which a property may assume: upstream
needs it, since ``processReplica`` returns at the first replica that is not Running and Ready
(monotonic) before ``updateStatefulSetAfterInvariantEstablished`` could delete the outdated pod;
a Failed pod needs no such step (processReplica deletes it and recreates it at the update
revision).

Abstracted away, and why: time (minReadySeconds, grace periods, the 6-minute force detach are
single steps); the Succeeded phase (restartPolicy Always; the Failed phase comes only from
node-pressure eviction); status fields other than currentRevision (no controller decision reads
them); ControllerRevision numbers and truncation unless ``revision-history`` is on (without
it no controller decision reads them); informer staleness and expectations (a sync sees the previous sync's writes);
``identityMatches``/``storageMatches`` repairs (nothing in the model corrupts labels); claim
ownerRef fixes of in-range pods happen only where the scan reaches them, as upstream.
Granularity: one command is one ``updateStatefulSet``; under OrderedReady that is at most one
create or one condemned delete (or up to maxUnavailable update deletes), as upstream.

**What a verdict covers.** The state has one slot per ordinal, so the replica count fixes the shape
of the state: ``replicas`` is never a symbolic parameter of this model's encoding, and a verdict of
explicit search, k-induction, PDR or BMC is about one replica count. **Every replica count**
(``--for-all replicas``, engine auto): the ordinal reading (``checker/symbolic/ordinal.py``,
``model/controllers/statefulset_ordinal.py``) proves the ordering, identity, claim and volume
properties for every N ≥ 1 — this model's own commands on one-ordinal windows over z3 arrays, plus
stated per-ordinal decision conditions of the sync, checked against this model at 1..4 ordinals;
beyond 4 it rests on this code treating every ordinal alike, which the row says
(papers/statefulset-every-size.md). Everything else stays per size.

* ``HOLDS`` (explicit search) and ``PROVED (this instance)`` (k-induction, PDR) are about the
  scope's own numbers: its replicas and scale-to values, nodes, edits and faults.
* ``--for-all replicas=LO..HI`` checks each replica count of the range as its own instance
  (k-induction or PDR at that size, at most 100 instances): "PROVED for each of replicas 1..20"
  means twenty fixed-size proofs, and nothing about 21. ``--for-all replicas`` without a range
  is INCONCLUSIVE with this reason. What was tried for every replica count and did not work
  (quantified array invariants with Spacer; see papers/statefulset-symbolic.md) is not offered.
* Above 8 ordinals explicit search is refused without a budget (``StatefulSetScope.beyond_explicit_search``);
  ``--set replicas=N`` up to 100 and manifests up to 64 replicas go to the symbolic engines at
  N itself. The properties that are *1-inductive* — every step from every state in the declared
  domains satisfies them, one solver call — are then PROVED at N: the ordering property
  ``pods_created_in_ordinal_order``, the per-identity ``at_most_one_pod_object_per_identity``,
  ``pods_removed_in_reverse_order``, ``claims_follow_retention_policy`` and the RWO/RWOP volume
  properties. A manifest with replicas 50 reads "PROVED, k-induction, replicas=50, nodes=2";
  what is not 1-inductive there (``pod_mounts_own_claim``) and every witness, liveness and
  terminal property is "explored with replicas=3 of 50".
* Like every symbolic verdict on a fixed scope, such a proof assumes that no step leaves the
  declared domains (:mod:`kubecheck.checker.symbolic.encoder`); a solver checks that for the presets and
  for replicas 1..4 of ``small`` (tests/model/test_statefulset_symbolic.py), not at every N.
* With pdr, k-induction or BMC, ``--for-all replicas`` without a range is INCONCLUSIVE with the
  reason; the 1-inductive properties are proved at each replica count 1..5 by default and every
  count up to 20 with ``KUBECHECK_SLOW=1``, each size its own proof. The every-size argument
  (uniformity in N of this Python code, whose loops over ``range(n)`` unroll into a different
  formula at every N) is the ordinal reading's, above, and checked only at 1..4 ordinals.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset_disruption as sd
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.statefulset_scope import PRESETS, StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value

KUBERNETES = "v1.35"


def initial_state(sc: StatefulSetScope) -> StatefulSetState:
    """A StatefulSet just created: spec.replicas set, no pods, no claims, every node Ready (and schedulable;
    a PodDisruptionBudget's status synced over no pod: issue 16, :mod:`...statefulset_disruption`)."""
    n, k = sc.ordinals, sc.nodes
    foreign = [i == sc.foreign_pod for i in range(n)]
    s = StatefulSetState(
        replicas=sc.replicas,
        template=0,
        templates_used=1,
        current_rev=0,
        status_written=False,
        set_deleted=False,
        scales_left=sc.scales if sc.scale_to else 0,
        reverts_left=sc.reverts,
        undos_left=sc.undos,
        rev_number=(0,) * sc.templates,
        update_rev=0,
        pod_deletes_left=sc.pod_deletes,
        faults_left=sc.fault_budget if sc.faults else 0,
        pod_phase=tuple(cl.UNSCHEDULED if f else cl.NONE for f in foreign),
        pod_terminating=(False,) * n,
        pod_node=(0,) * n,
        pod_ghost=(0,) * n,
        pod_rev=(0,) * n,
        pvc=(False,) * n,
        pvc_pod_ref=(False,) * n,
        attached=(False,) * (n * k),
        claim_home=(0,) * n,
        node_state=(cl.NODE_READY,) * k,
        node_exists=(True,) * k,
        node_oos=(False,) * k,
        failure_state=fm.initial_failure_state(sc),
        pod_owner=tuple(ow.FOREIGN if f else ow.OWNED for f in foreign),
        set_orphaned=False,
        orphan_deletes_left=sc.orphan_deletes,
        recreates_left=sc.recreates,
        pvc_set_ref=(ow.SET_REF_POLICY,) * n,
    )
    return attrs.evolve(s, **sd.initial_fields(CONCRETE, sc, s))


# -- derived quantities (commands, properties, traces) -----------------------------------------


def current_revision(ops: Ops, s: StatefulSetState) -> Value:
    """The current revision as the controller reads it (the update revision before the first status write)."""
    return ops.ite(s.status_written, s.current_rev, s.template)


def expected_revision(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, i: int) -> Value:
    return su.new_versioned_revision(sc.strategy, sc.partition, i, current_revision(ops, s), s.template)


def rolled_out(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Every in-range ordinal is available at its expected revision and nothing else exists."""
    parts = []
    for i in range(len(s.pod_phase)):
        healthy = ops.and_(s.pod_phase[i] == cl.AVAILABLE, ops.not_(s.pod_terminating[i]))
        rev_ok = True if sc.strategy == su.ON_DELETE else s.pod_rev[i] == expected_revision(ops, sc, s, i)
        if sc.ownership:  # a pod of another controller holds the name: in range the set is stuck, above it is not
            healthy = ops.and_(healthy, s.pod_owner[i] == ow.OWNED)
            gone = ops.or_(s.pod_phase[i] == cl.NONE, s.pod_owner[i] == ow.FOREIGN)
        else:
            gone = s.pod_phase[i] == cl.NONE
        parts.append(ops.ite(i < s.replicas, ops.and_(healthy, rev_ok), gone))
    return ops.and_(*parts)


def deleted_and_gone(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    claims_gone = ops.and_(*[ops.not_(c) for c in s.pvc]) if sc.when_deleted == su.DELETE else True
    return ops.and_(s.set_deleted, *[p == cl.NONE for p in s.pod_phase], claims_gone)


def quiescent(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """A finished run: the set is rolled out, or it was deleted and its pods (and owned claims) are gone, or it
    was deleted with --cascade=orphan (nothing controls its former pods any more)."""
    if sc.ownership:
        return ops.or_(rolled_out(ops, sc, s), deleted_and_gone(ops, sc, s), s.set_orphaned)
    return ops.or_(rolled_out(ops, sc, s), deleted_and_gone(ops, sc, s))


def _set(values: tuple, k: int, value: Value) -> tuple:
    return values[:k] + (value,) + values[k + 1 :]


# -- hooks into the cluster and volume commands ---------------------------------------------------


def _claim_bound(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, k: int, n: int) -> Value:
    """The scheduler waits for the pod's claim to exist (unbound PVC: unschedulable); RWOP holds by identity.

    A pod of another controller does not mount the set's claim."""
    if sc.claims and sc.ownership:
        return ops.or_(s.pod_owner[k] == ow.FOREIGN, s.pvc[k])
    return s.pvc[k] if sc.claims else True


def _can_bind(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, k: int, n: int) -> Value:
    """The scheduler's filters the cluster layer leaves to the model: the claim exists, and (issue 16) the node
    is not cordoned (NodeUnschedulable; True without a drain scenario)."""
    bound = _claim_bound(ops, sc, s, k, n)
    return ops.and_(bound, sd.is_schedulable(ops, sc, s, n)) if sc.has_drain else bound


def _volume_attached(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, k: int, n: int) -> Value:
    return vol.is_attached(s, sc.nodes, k, n) if sc.claims else True


def _wanted_on(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, c: int, n: int) -> Value:
    if sc.ownership:
        return ops.and_(cl.bound_to(ops, s, c, n), s.pod_owner[c] != ow.FOREIGN)
    return cl.bound_to(ops, s, c, n)


def _orphan_mount(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, c: int, n: int) -> Value:
    return s.pod_ghost[c] == n + 1


def _failing_slot(sc: StatefulSetScope, k: int) -> bool:
    """The failure hits slot k: every slot, or the one ``failing-ordinal`` names."""
    return sc.failing_ordinal < 0 or sc.failing_ordinal == k


FAILURES = fm.Failures(slots=lambda sc: range(sc.ordinals), slot_hit=_failing_slot)


def _can_start(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, k: int, n: int) -> Value:
    ours = ops.and_(_volume_attached(ops, sc, s, k, n), FAILURES.may_start(ops, sc, s, k, n))
    if sc.ownership:  # another controller's pod: none of the set's volumes or failure modes
        return ops.or_(s.pod_owner[k] == ow.FOREIGN, ours)
    return ours


PODS = cl.PodTable(
    slots=lambda sc: range(sc.ordinals),
    can_bind=_can_bind,
    can_start=_can_start,
    can_ready=FAILURES.may_become_ready,
    reset_on_remove=("pod_rev", "pod_owner"),
)
CLAIMS = vol.ClaimTable(claims=lambda sc: range(sc.ordinals), wanted_on=_wanted_on, mounted_by_orphan=_orphan_mount)


def _stuck_after_revert(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
    """The forced rollback's second step applies to ``pod``: the user has re-applied an older
    template, and the pod is at another revision, not terminating, and not Ready."""
    return ops.and_(
        s.reverts_left < sc.reverts,
        ops.not_(s.set_deleted),
        cl.exists(s, pod),
        ops.not_(s.pod_terminating[pod]),
        s.pod_rev[pod] != s.template,
        s.pod_phase[pod] < cl.READY,
    )


def _operator_delete_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> dict:
    return _delete_pod_changes(ops, s, pod)


# -- statefulset controller -------------------------------------------------------------------


def _outcome(kind: str) -> Value:
    base = ("create", "delete_failed", "delete_condemned", "delete_outdated", "claims", "status", "history")

    def guard(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
        plan = sync.Plan(ops, sc, s)
        order = (("adopt",) if sc.ownership else ()) + base
        flags = {
            "adopt": plan.any_adopt(),
            "create": plan.any_create(),
            "delete_failed": plan.any_delete_failed(),
            "delete_condemned": plan.any_delete_condemned(),
            "delete_outdated": plan.any_delete_outdated(),
            "claims": plan.any_claim_change(),
            "status": plan.status_change(),
            "history": plan.history_change(),
        }
        earlier = [ops.not_(flags[k]) for k in order[: order.index(kind)]]
        if sc.ownership:  # no set object (deleted with --cascade=orphan): no controller
            return ops.and_(ops.not_(s.set_orphaned), flags[kind], *earlier)
        return ops.and_(flags[kind], *earlier)

    return guard


def _sync_effect(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    return sync.Plan(ops, sc, s).changes()


# -- user and garbage collector -----------------------------------------------------------------


def _edit_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(s.templates_used < sc.templates, ops.not_(s.set_deleted))


def _edit_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    return {"template": s.templates_used, "templates_used": s.templates_used + 1}


def _revert_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> Value:
    return ops.and_(s.reverts_left > 0, to < s.templates_used, s.template != to, ops.not_(s.set_deleted))


def _revert_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> dict:
    return {"template": to, "reverts_left": s.reverts_left - 1}


def _scale_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> Value:
    return ops.and_(s.scales_left > 0, s.replicas != to, ops.not_(s.set_deleted))


def _scale_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> dict:
    return {"replicas": to, "scales_left": s.scales_left - 1}


def _delete_pod_changes(ops: Ops, s: StatefulSetState, pod: int) -> dict:
    phase, term = cl.graceful_delete(ops, s, pod, True)
    gone = s.pod_phase[pod] == cl.UNSCHEDULED
    return {
        "pod_phase": _set(s.pod_phase, pod, phase),
        "pod_terminating": _set(s.pod_terminating, pod, term),
        "pod_rev": _set(s.pod_rev, pod, ops.ite(gone, 0, s.pod_rev[pod])),
        "pod_owner": _set(s.pod_owner, pod, ops.ite(gone, ow.OWNED, s.pod_owner[pod])),
    }


def _user_delete_pod_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
    return ops.and_(s.pod_deletes_left > 0, cl.exists(s, pod), ops.not_(s.pod_terminating[pod]))


def _user_delete_pod_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> dict:
    return {**_delete_pod_changes(ops, s, pod), "pod_deletes_left": s.pod_deletes_left - 1}


def _delete_set_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.not_(s.set_deleted)


def _delete_set_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    return {"set_deleted": True}


def _gc_pod_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> Value:
    if sc.ownership:  # only dependents of a deleted set: not an orphan, nor another controller's pod
        dependent = ops.or_(ops.and_(s.set_deleted, s.pod_owner[pod] == ow.OWNED), s.pod_owner[pod] == ow.PREVIOUS)
        return ops.and_(dependent, cl.exists(s, pod), ops.not_(s.pod_terminating[pod]))
    return ops.and_(s.set_deleted, cl.exists(s, pod), ops.not_(s.pod_terminating[pod]))


def _gc_pod_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, pod: int) -> dict:
    return _delete_pod_changes(ops, s, pod)


def _gc_claim_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, claim: int) -> Value:
    set_ref = sc.when_deleted == su.DELETE
    if sc.ownership:  # orphanDependents removed the claim's ref to the set; a stale ref's owner is gone
        set_ref = ops.and_(set_ref, s.pvc_set_ref[claim] == ow.SET_REF_POLICY)
        owner_gone = ops.or_(
            s.pvc_pod_ref[claim], ops.and_(s.set_deleted, set_ref), s.pvc_set_ref[claim] == ow.SET_REF_STALE
        )
    else:
        owner_gone = ops.or_(s.pvc_pod_ref[claim], ops.and_(s.set_deleted, set_ref))
    detached = ops.not_(ops.or_(*[vol.is_attached(s, sc.nodes, claim, n) for n in range(sc.nodes)]))
    return ops.and_(s.pvc[claim], s.pod_phase[claim] == cl.NONE, detached, owner_gone)


def _gc_claim_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, claim: int) -> dict:
    refs = {"pvc_set_ref": _set(s.pvc_set_ref, claim, ow.SET_REF_POLICY)} if sc.ownership else {}
    return {
        "pvc": _set(s.pvc, claim, False),
        "pvc_pod_ref": _set(s.pvc_pod_ref, claim, False),
        "claim_home": _set(s.claim_home, claim, 0),
        **refs,
    }


def _slots(sc: StatefulSetScope) -> range:
    return range(sc.ordinals)


def _orphan_delete_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(s.orphan_deletes_left > 0, ops.not_(s.set_deleted))


def _orphan_delete_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    """The set is deleted with propagationPolicy Orphan and the collector's orphanDependents runs to its end.

    The orphan finalizer keeps the set (deleting: its controller adopts nothing, deletes nothing)
    until every dependent lost its ref; nothing the model's other actors do reads the refs in
    between, and the name stays taken, so the deletion and the orphaning are one step.
    """
    n = len(s.pod_phase)
    owners = tuple(ow.orphan_dependent(ops, s.pod_owner[i], cl.exists(s, i)) for i in range(n))
    return {
        "set_deleted": True,
        "set_orphaned": True,
        "orphan_deletes_left": s.orphan_deletes_left - 1,
        "pod_owner": owners,
        "pvc_set_ref": _claims_lose_set_ref(ops, sc, s, ow.SET_REF_NONE),
    }


def _claims_lose_set_ref(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> tuple:
    """Under whenDeleted=Delete, the claims whose ref to the set is the policy's (not replaced by a pod ref) get
    ``to``: none (orphanDependents) or stale (the set they name was deleted and applied again)."""
    if sc.when_deleted != su.DELETE:
        return s.pvc_set_ref
    n = len(s.pod_phase)
    has = [ops.and_(s.pvc[i], s.pvc_set_ref[i] == ow.SET_REF_POLICY, ops.not_(s.pvc_pod_ref[i])) for i in range(n)]
    return tuple(ops.ite(has[i], to, s.pvc_set_ref[i]) for i in range(n))


def _recreate_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The set object is gone: deleted with --cascade=orphan (the collector finished), or in the background
    (the object goes at once; the collector deletes its dependents afterwards)."""
    return ops.and_(s.recreates_left > 0, s.set_deleted)


def _recreate_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> dict:
    """kubectl apply of the same manifest: a new object (new UID, no status) with the same name, selector and spec.

    After a background deletion the old set's pods and claims still name the old UID.
    """
    n = len(s.pod_phase)
    background = ops.not_(s.set_orphaned)
    owners = tuple(
        ops.ite(background, ow.previous_incarnation(ops, s.pod_owner[i], cl.exists(s, i)), s.pod_owner[i])
        for i in range(n)
    )
    stale = _claims_lose_set_ref(ops, sc, s, ow.SET_REF_STALE)
    return {
        "set_deleted": False,
        "set_orphaned": False,
        "recreates_left": s.recreates_left - 1,
        "status_written": False,
        "current_rev": 0,
        "update_rev": 0,
        "pod_owner": owners,
        "pvc_set_ref": tuple(ops.ite(background, stale[i], s.pvc_set_ref[i]) for i in range(n)),
    }


def _undo_g(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> Value:
    found, template = su.find_history(ops, s.rev_number, to)
    return ops.and_(s.undos_left > 0, found, template != s.template, ops.not_(s.set_deleted))


def _undo_e(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, to: int) -> dict:
    _, template = su.find_history(ops, s.rev_number, to)
    return {"template": template, "undos_left": s.undos_left - 1}


def _controller(
    kind: str, name: str, doc: str, enabled_in: Callable[[StatefulSetScope], bool] | None = None
) -> Command:
    if enabled_in is None:
        return Command(f"statefulset-controller.{name}", _outcome(kind), _sync_effect, doc)
    return Command(f"statefulset-controller.{name}", _outcome(kind), _sync_effect, doc, enabled_in=enabled_in)


COMMANDS = (
    (
        _controller(
            "adopt",
            "adopt_orphan_pods",
            "getPodsForStatefulSet/ClaimPods: adopt the orphans whose name and labels match (a controller-ref patch), "
            "then sync with them",
            enabled_in=lambda sc: sc.ownership,
        ),
        _controller(
            "create",
            "create_pod",
            "updateStatefulSet: create the claim, then the missing pod (OrderedReady: the lowest one, then stop)",
        ),
        _controller(
            "delete_failed",
            "delete_failed_pod",
            "processReplica: a Failed pod is deleted (it is recreated once it is gone); OrderedReady waits there",
            enabled_in=lambda sc: sc.failure_mode == fm.EVICTED,
        ),
        _controller(
            "delete_condemned",
            "delete_condemned_pod",
            "updateStatefulSet: scale down (OrderedReady: the highest ordinal, one at a time)",
        ),
        _controller(
            "delete_outdated",
            "delete_outdated_pod",
            "updateStatefulSet: rolling update, outdated pods from the highest index down to the partition",
        ),
        _controller(
            "claims", "update_claim_owner_refs", "updateStatefulSet: set claim ownerRefs as the retention policy wants"
        ),
        _controller(
            "status",
            "complete_rolling_update",
            "updateStatefulSetStatus: status.currentRevision := updateRevision once all replicas are updated and ready",
        ),
        _controller(
            "history",
            "update_revision_history",
            "getStatefulSetRevisions/truncateHistory: make or renumber the update revision, delete old ones",
            enabled_in=lambda sc: sc.revision_history,
        ),
    )
    + tuple(sd.through_eviction_api(c) for c in cl.cluster_commands(PODS))  # issue 16: the evict fault asks the API
    + FAILURES.commands()
    + vol.volume_commands(CLAIMS, lambda sc: sc.claims)
    + sd.COMMANDS  # issue 16: the PodDisruptionBudget's controller, the eviction API through kubectl drain
    + (
        Command(
            "garbage-collector.delete_pod",
            _gc_pod_g,
            _gc_pod_e,
            "the StatefulSet is gone: delete its pods (no order)",
            params=(("pod", _slots),),
            enabled_in=lambda sc: sc.set_deletion,
        ),
        Command(
            "garbage-collector.delete_claim",
            _gc_claim_g,
            _gc_claim_e,
            "delete a claim whose owner (its pod, or the deleted set) is gone, once unused and detached",
            params=(("claim", _slots),),
            enabled_in=lambda sc: sc.claims and (sc.when_scaled == su.DELETE or sc.when_deleted == su.DELETE),
        ),
        Command(
            "user.edit_template",
            _edit_g,
            _edit_e,
            "kubectl apply with a new pod template (a new revision)",
            kind="user",
            enabled_in=lambda sc: sc.edits > 0,
        ),
        Command(
            "user.revert_template",
            _revert_g,
            _revert_e,
            "kubectl apply of an older template: its revision is reused",
            kind="user",
            params=(("to", lambda sc: range(sc.templates)),),
            enabled_in=lambda sc: sc.reverts > 0,
        ),
        Command(
            "user.rollout_undo",
            _undo_g,
            _undo_e,
            "kubectl rollout undo statefulset --to-revision=N (0: the previous revision): patch the template back",
            kind="user",
            params=(("to", lambda sc: range(sc.max_revision_number + 1)),),
            enabled_in=lambda sc: sc.undos > 0,
        ),
        Command(
            "user.scale",
            _scale_g,
            _scale_e,
            "kubectl scale sts --replicas=N",
            kind="user",
            params=(("to", lambda sc: sc.scale_to),),
            enabled_in=lambda sc: sc.scales > 0,
        ),
        Command(
            "user.delete_pod",
            _user_delete_pod_g,
            _user_delete_pod_e,
            "kubectl delete pod (graceful)",
            kind="user",
            params=(("pod", _slots),),
            enabled_in=lambda sc: sc.pod_deletes > 0,
        ),
        Command(
            "operator.delete_stuck_pod",
            _stuck_after_revert,
            _operator_delete_e,
            "forced rollback, second step: kubectl delete pod of a pod stuck at the bad revision after the revert "
            "(the scenario assumes the operator does it: forced-rollback=true)",
            params=(("pod", _slots),),
            enabled_in=lambda sc: sc.forced_rollback and sc.reverts > 0,
        ),
        Command(
            "user.delete_statefulset_orphan",
            _orphan_delete_g,
            _orphan_delete_e,
            "kubectl delete sts --cascade=orphan: the garbage collector removes the set's ownerReferences from its "
            "pods and claims, then the set is gone; the pods keep running",
            kind="user",
            enabled_in=lambda sc: sc.orphan_deletes > 0,
        ),
        Command(
            "user.recreate_statefulset",
            _recreate_g,
            _recreate_e,
            "kubectl apply of the deleted set's manifest: a new StatefulSet with the same name, selector and spec",
            kind="user",
            enabled_in=lambda sc: sc.recreates > 0,
        ),
        Command(
            "user.delete_statefulset",
            _delete_set_g,
            _delete_set_e,
            "kubectl delete sts (cascading, background)",
            kind="user",
            enabled_in=lambda sc: sc.set_deletion,
        ),
    )
)


@attrs.frozen
class Naming:
    """Kubernetes names for slots, claims and nodes of one scope (traces)."""

    def pod(self, sc: StatefulSetScope, i: int) -> str:
        return su.get_pod_name(sc.name, sc.ordinals_start + i)

    def claim(self, sc: StatefulSetScope, i: int) -> str:
        return su.get_persistent_volume_claim_name(sc.name, sc.claim_template, sc.ordinals_start + i)

    def node(self, sc: StatefulSetScope, n: int) -> str:
        return cl.node_name(n)

    def revision(self, sc: StatefulSetScope, t: int) -> str:
        """The ControllerRevision of template t, ``<set>-<hash>``; the hash is a stable stand-in.

        Upstream hashes the revision's data (controller.ComputeHash, rand.SafeEncodeString);
        here ten characters of that alphabet are drawn from ``sha1("statefulset/<set>/<t>")``.
        """
        return f"{sc.name}-" + cl.stand_in_hash(f"statefulset/{sc.name}/{t}")


NAMING = Naming()


MODEL = Model(
    name="statefulset",
    title="StatefulSet (controller, pods and claims per ordinal, nodes, attach/detach, user, faults)",
    kubernetes=KUBERNETES,
    state_cls=StatefulSetState,
    scope_cls=StatefulSetScope,
    init=initial_state,
    commands=COMMANDS,
    quiescent=quiescent,
    presets=PRESETS,
    naming=NAMING,
)
