"""One sync of the StatefulSet controller (``updateStatefulSet``), as a pure function of the state.

Paraphrase of ``pkg/controller/statefulset/stateful_set_control.go`` (Kubernetes v1.35,
MaxUnavailableStatefulSet on by default; papers/statefulset-notes.md has the citations):

0. With owner references on (``orphan-deletes``/``foreign-pod``): ``getPodsForStatefulSet`` claims
   the pods (``ClaimPods``: orphans adopted unless the set or the pod is being deleted; another
   controller's pods ignored); the steps below see only the claimed pods, and creating a pod whose
   name another object holds creates its claim and then fails (AlreadyExists): OrderedReady stops
   there; Parallel finishes that slow-start batch and stops (no later batch, no condemned pod, no
   update).
1. The pods are split into *replicas* (index = ordinal - start < spec.replicas) and
   *condemned* (the rest, highest ordinal first); each empty replica slot gets a virtual pod
   at ``newVersionedStatefulSetPod``'s revision (current below the partition, else update).
2. A deleting StatefulSet only gets its status written.
3. ``processReplica`` in ascending order. A Failed pod (node-pressure eviction:
   :mod:`~kubecheck.model.controllers.failures`) is deleted and the sync waits for it to be gone
   (both policies; under Parallel the other replicas are still processed and the sync goes on, as
   ``runForAll`` without monotonic ignores the per-pod "exit"). OrderedReady (monotonic): a missing pod is created
   (after its claim; refused while the claim still carries an ownerRef to a previous pod — the
   stale-claim check of whenScaled=Delete) and the sync ends; a terminating, not Running+Ready,
   or not available pod ends the sync; a healthy pod gets its claim's ownerRefs fixed.
   Parallel: every missing pod is created and every claim fixed in the same sync, nothing blocks.
4. Condemned pods' claims get the ownerRef the retention policy wants (whenScaled=Delete: a
   reference to the pod, so the garbage collector deletes the claim once the pod is gone).
5. ``processCondemned``: OrderedReady deletes only the highest condemned pod, waits while it
   terminates, and deletes an unhealthy one only if it is the first unhealthy pod; then the
   sync ends. Parallel deletes every condemned pod that is not already terminating.
6. OnDelete stops here. RollingUpdate with the gate on (``updateStatefulSetAfterInvariantEstablished``):
   maxUnavailable (percent rounded down, at least 1) minus the unavailable replica slots
   (missing pods included) outdated, non-terminating pods are deleted from the highest index
   down to the partition. With the gate off: the highest outdated pod is deleted, or the sync
   waits at the first unavailable one.
7. Status from the pods as listed at the start: ``completeRollingUpdate`` moves
   status.currentRevision to the update revision when updated = ready = replicas = spec.replicas.

8. With ``revision-history`` (``UpdateStatefulSet`` around the steps above): first
   ``getStatefulSetRevisions`` finds or makes the update revision — the template's revision is
   kept if it is the newest, renumbered ``nextRevision`` if it is older (a revert or an undo
   reuses it), created numbered ``nextRevision`` if it has none; last ``truncateHistory`` deletes
   the oldest revisions that are *not live* — not status.currentRevision, not the update revision,
   not the revision of a pod listed at the start of the sync — until revisionHistoryLimit remain.
   Status gets updateRevision. A sync whose only write is to the history is the command
   ``update_revision_history``. Helpers: :mod:`~kubecheck.model.controllers.statefulset_util`
   (``get_statefulset_revisions``, ``truncate_history``).

A :class:`Plan` computes every decision with ``ops``; the commands in
:mod:`kubecheck.model.controllers.statefulset` name a sync after its most important outcome.
"""

from __future__ import annotations

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.ops import Ops, Value


class Plan:
    """Every decision of one sync, per ordinal slot (lists indexed by slot)."""

    def __init__(self, ops: Ops, sc: StatefulSetScope, s: StatefulSetState):
        self.ops, self.sc, self.s = ops, sc, s
        n = len(s.pod_phase)
        self.n = n
        active = ops.not_(s.set_deleted)
        upd = s.template
        # getStatefulSetRevisions: no status.currentRevision yet (never synced) -> current = update
        cur = ops.ite(s.status_written, s.current_rev, upd)
        self.cur = cur
        ws_delete = sc.when_scaled == su.DELETE
        ex = [cl.exists(s, i) for i in range(n)]
        # getPodsForStatefulSet: ClaimPods adopts matching orphans; the sync sees only the pods it owns.
        # A slot whose name another pod holds (another controller's, or an orphan being deleted) is empty to
        # the sync, and creating its pod fails (AlreadyExists) after its claim was created.
        self.adopt: list[Value] = [False] * n
        taken: list[Value] = [False] * n
        if sc.ownership:
            for i in range(n):
                claim = ow.claim_object(ops, s.pod_owner[i], True, s.set_deleted, s.pod_terminating[i])
                self.adopt[i] = ops.and_(ex[i], claim.adopt)
                taken[i] = ops.and_(ex[i], ops.not_(claim.claimed))
            ex = [ops.and_(ex[i], ops.not_(taken[i])) for i in range(n)]
        self.taken = taken
        term = [s.pod_terminating[i] for i in range(n)]
        self.in_range = [i < s.replicas for i in range(n)]
        healthy = [su.is_healthy(ops, ex[i], term[i], s.pod_phase[i] == cl.AVAILABLE) for i in range(n)]
        unavailable = [ops.not_(h) for h in healthy]
        stale = [ops.and_(ws_delete, s.pvc[i], s.pvc_pod_ref[i]) for i in range(n)]
        condemned = [ops.and_(ex[i], ops.not_(self.in_range[i])) for i in range(n)]
        self.vrev = [su.new_versioned_revision(sc.strategy, sc.partition, i, cur, upd) for i in range(n)]

        create, unref, mark = [False] * n, [False] * n, [False] * n
        fix: list[Value] = [False] * n  # where the sync brings the claim's refs up to date
        del_c = [False] * n
        # processReplica's first step: a Failed pod is deleted (once) and the sync waits for it to go
        failed = [s.pod_phase[i] == cl.FAILED for i in range(n)] if sc.failure_mode == fm.EVICTED else [False] * n
        del_f: list[Value] = [False] * n
        if sc.pod_management == su.ORDERED_READY:
            reach: Value = active
            for i in range(n):
                here = ops.and_(reach, self.in_range[i])
                del_f[i] = ops.and_(here, failed[i], ops.not_(term[i]))
                create[i] = ops.and_(here, ops.not_(ex[i]), ops.not_(stale[i]))
                unref[i] = ops.and_(here, healthy[i], s.pvc_pod_ref[i])
                fix[i] = ops.and_(here, healthy[i])
                reach = ops.and_(reach, ops.or_(ops.not_(self.in_range[i]), healthy[i]))
            replicas_done = reach
            fix = [ops.or_(fix[i], ops.and_(replicas_done, condemned[i])) for i in range(n)]
            mark = [ops.and_(replicas_done, ws_delete, condemned[i], ops.not_(s.pvc_pod_ref[i])) for i in range(n)]
            for j in range(n):
                top = ops.and_(condemned[j], *[ops.not_(condemned[k]) for k in range(j + 1, n)])
                first_unhealthy = ops.and_(
                    condemned[j], unavailable[j], *[ops.not_(ops.and_(condemned[k], unavailable[k])) for k in range(j)]
                )
                del_c[j] = ops.and_(replicas_done, top, ops.not_(term[j]), ops.or_(healthy[j], first_unhealthy))
            updates_reached = ops.and_(replicas_done, *[ops.not_(c) for c in condemned])
        else:
            blocked, after_replicas = self._slow_start_failures(active, ex, taken, stale)
            for i in range(n):
                here = (
                    ops.and_(active, self.in_range[i], ops.not_(blocked[i]))
                    if sc.ownership
                    else ops.and_(active, self.in_range[i])
                )
                del_f[i] = ops.and_(here, failed[i], ops.not_(term[i]))
                create[i] = ops.and_(here, ops.not_(ex[i]), ops.not_(stale[i]))
                unref[i] = ops.and_(here, ex[i], s.pvc_pod_ref[i])
                fix[i] = ops.or_(ops.and_(here, ex[i]), ops.and_(after_replicas, condemned[i]))
                mark[i] = ops.and_(after_replicas, ws_delete, condemned[i], ops.not_(s.pvc_pod_ref[i]))
                del_c[i] = ops.and_(after_replicas, condemned[i], ops.not_(term[i]))
            updates_reached = after_replicas
        if not sc.claims:
            unref, mark = [False] * n, [False] * n
        elif sc.ownership:  # isClaimOwnerUpToDate: a claim with a stale ref (a deleted incarnation's) is left alone
            keep = [s.pvc_set_ref[i] != ow.SET_REF_STALE for i in range(n)]
            unref = [ops.and_(u, k) for u, k in zip(unref, keep, strict=True)]
            mark = [ops.and_(m, k) for m, k in zip(mark, keep, strict=True)]
        restore: list[Value] = [False] * n
        if sc.ownership and sc.claims and sc.when_deleted == su.DELETE:
            # isClaimOwnerUpToDate/updateClaimOwnerRefForSetAndPod where the scan reaches a pod (and
            # CreateStatefulPod's UpdatePodClaimForRetentionPolicy): a claim orphaned by the garbage collector gets
            # the re-created set's ref back
            for i in range(n):
                refs = self._claim_refs(i)
                up = ow.is_claim_owner_up_to_date(ops, sc.when_scaled, sc.when_deleted, *refs)
                new_set, _ = ow.update_claim_owner_refs(ops, sc.when_scaled, sc.when_deleted, *refs)
                reached = ops.or_(fix[i], ops.and_(create[i], ops.not_(taken[i])))
                lost = s.pvc_set_ref[i] == ow.SET_REF_NONE
                restore[i] = ops.and_(lost, reached, ops.not_(up), new_set == ow.CONTROLLER_REF)
        self.restore = restore
        self.create, self.unref, self.mark, self.del_condemned = create, unref, mark, del_c
        self.del_failed = del_f
        self.del_update = self._rolling_update(updates_reached, ex, term, unavailable)

        created = ops.count(ex)
        if sc.ownership:
            ready = ops.count(ops.and_(ex[i], s.pod_phase[i] >= cl.READY) for i in range(n))
        else:
            ready = ops.count(s.pod_phase[i] >= cl.READY for i in range(n))
        updated = ops.count(ops.and_(ex[i], ops.not_(term[i]), s.pod_rev[i] == upd) for i in range(n))
        complete = su.complete_rolling_update(ops, sc.strategy, s.replicas, created, ready, updated)
        self.new_current = ops.ite(complete, upd, cur)
        self.rev_number, self.truncated = self._history(ex)

    def _slow_start_failures(self, active: Value, ex: list, taken: list, stale: list) -> tuple[list, Value]:
        """Parallel: ``runForAll`` without monotonic is ``slowStartBatch(1, replicas, processReplica)``.

        Replicas are processed in batches of 1, 2, 4, ... (index i in batch floor(log2(i + 1))); a batch with
        an error ends the loop, and the sync returns the error before condemned pods and updates. The only error
        the model has is AlreadyExists: a missing replica whose name another pod holds (owner references on).
        Returns, per slot, "an earlier batch failed" and "the replicas loop finished without an error".
        Example: a taken name at index 0 (batch 0) stops indices 1 and 2 (batch 1); at index 1 it stops 3..6.
        """
        ops, n = self.ops, self.n
        if not self.sc.ownership:
            return [False] * n, active
        fails = [ops.and_(active, self.in_range[i], ops.not_(ex[i]), ops.not_(stale[i]), taken[i]) for i in range(n)]
        batch = [(i + 1).bit_length() - 1 for i in range(n)]
        blocked = [ops.or_(*[fails[j] for j in range(n) if batch[j] < batch[i]]) for i in range(n)]
        return blocked, ops.and_(active, *[ops.not_(f) for f in fails])

    def _claim_refs(self, i: int) -> tuple[Value, Value, Value]:
        """(condemned, set ref, pod ref) of claim i as the model keeps them (ownership.NO_REF/CONTROLLER_REF).

        The pod ref is ``pvc_pod_ref``; the set ref is folded into the policy (whenDeleted=Delete,
        unless a whenScaled=Delete pod ref replaced it) unless the garbage collector orphaned it.
        """
        ops, sc, s = self.ops, self.sc, self.s
        folded = ops.and_(
            sc.when_deleted == su.DELETE,
            s.pvc_set_ref[i] == ow.SET_REF_POLICY,
            ops.not_(ops.and_(sc.when_scaled == su.DELETE, s.pvc_pod_ref[i])),
        )
        set_ref = ops.ite(
            s.pvc_set_ref[i] == ow.SET_REF_STALE, ow.STALE_REF, ops.ite(folded, ow.CONTROLLER_REF, ow.NO_REF)
        )
        return (ops.not_(self.in_range[i]), set_ref, ops.ite(s.pvc_pod_ref[i], ow.CONTROLLER_REF, ow.NO_REF))

    def _history(self, ex: list) -> tuple[list, list]:
        """getStatefulSetRevisions, then truncateHistory with the revisions as they were listed."""
        ops, sc, s = self.ops, self.sc, self.s
        if not sc.revision_history:
            return list(s.rev_number), [False] * len(s.rev_number)
        found = su.get_statefulset_revisions(ops, s.rev_number, s.template, sc.max_revision_number)
        live = [
            ops.or_(self.cur == t, s.template == t, *[ops.and_(ex[i], s.pod_rev[i] == t) for i in range(self.n)])
            for t in range(len(s.rev_number))
        ]
        deleted = su.truncate_history(ops, s.rev_number, live, sc.revision_history_limit)
        return [ops.ite(d, 0, n) for d, n in zip(deleted, found, strict=True)], deleted

    def _rolling_update(self, reached: Value, ex: list, term: list, unavailable: list) -> list:
        ops, sc, s, n = self.ops, self.sc, self.s, self.n
        sel: list[Value] = [False] * n
        if sc.strategy != su.ROLLING_UPDATE:
            return sel
        outdated = [ops.and_(ex[t], s.pod_rev[t] != s.template, ops.not_(term[t])) for t in range(n)]
        if sc.max_unavailable_gate:
            budget = su.get_statefulset_max_unavailable(ops, sc.effective_max_unavailable, s.replicas)
            budget = budget - ops.count(ops.and_(self.in_range[t], unavailable[t]) for t in range(n))
            chosen: Value = 0
            for t in reversed(range(sc.partition, n)):
                sel[t] = ops.and_(reached, self.in_range[t], outdated[t], chosen < budget)
                chosen = chosen + ops.ite(sel[t], 1, 0)
            return sel
        stopped: Value = False
        for t in reversed(range(sc.partition, n)):
            sel[t] = ops.and_(reached, self.in_range[t], ops.not_(stopped), outdated[t])
            stopped = ops.or_(stopped, sel[t], ops.and_(self.in_range[t], unavailable[t]))
        return sel

    # -- outcome flags (which command a sync is) ----------------------------------------------

    def any_adopt(self) -> Value:
        return self.ops.or_(*self.adopt)

    def any_create(self) -> Value:
        """A pod is created, or (its name taken) only its claim: a failed create that changes nothing is no step."""
        if not self.sc.ownership:
            return self.ops.or_(*self.create)
        ops, s = self.ops, self.s
        made = [
            ops.and_(c, ops.or_(ops.not_(t), ops.and_(self.sc.claims, ops.not_(s.pvc[i]))))
            for i, (c, t) in enumerate(zip(self.create, self.taken, strict=True))
        ]
        return ops.or_(*made)

    def any_delete_failed(self) -> Value:
        return self.ops.or_(*self.del_failed)

    def any_delete_condemned(self) -> Value:
        return self.ops.or_(*self.del_condemned)

    def any_delete_outdated(self) -> Value:
        return self.ops.or_(*self.del_update)

    def any_claim_change(self) -> Value:
        return self.ops.or_(*self.unref, *self.mark, *self.restore)

    def status_change(self) -> Value:
        return self.ops.or_(self.new_current != self.s.current_rev, self.ops.not_(self.s.status_written))

    def history_change(self) -> Value:
        """The sync writes the ControllerRevisions or status.updateRevision (revision-history only)."""
        if not self.sc.revision_history:
            return False
        s = self.s
        moved = [new != old for new, old in zip(self.rev_number, s.rev_number, strict=True)]
        return self.ops.or_(s.update_rev != s.template, *moved)

    # -- the sync's writes -----------------------------------------------------------------------

    def changes(self) -> dict:
        ops, s, n = self.ops, self.s, self.n
        phase, term, rev, pvc, ref = [], [], [], [], []
        for i in range(n):
            delete = ops.or_(self.del_condemned[i], self.del_update[i], self.del_failed[i])
            p, t = cl.graceful_delete(ops, s, i, delete)
            gone = ops.and_(delete, s.pod_phase[i] == cl.UNSCHEDULED)
            made = ops.and_(self.create[i], ops.not_(self.taken[i])) if self.sc.ownership else self.create[i]
            phase.append(ops.ite(made, cl.UNSCHEDULED, p))
            term.append(t)
            rev.append(ops.ite(made, self.vrev[i], ops.ite(gone, 0, s.pod_rev[i])))
            pvc.append(ops.or_(s.pvc[i], ops.and_(self.sc.claims, self.create[i])))
            ref.append(ops.ite(self.unref[i], False, ops.ite(self.mark[i], True, s.pvc_pod_ref[i])))
        history = {"rev_number": tuple(self.rev_number), "update_rev": s.template} if self.sc.revision_history else {}
        owners = {}
        if self.sc.ownership:
            owners = {
                "pod_owner": tuple(ops.ite(self.adopt[i], ow.OWNED, s.pod_owner[i]) for i in range(n)),
                # a whenScaled=Delete pod ref replaces the set ref: the claim is then canonical (the policy's refs)
                "pvc_set_ref": tuple(
                    ops.ite(ops.or_(self.restore[i], self.mark[i]), ow.SET_REF_POLICY, s.pvc_set_ref[i])
                    for i in range(n)
                ),
            }
        return {
            **history,
            **owners,
            "pod_phase": tuple(phase),
            "pod_terminating": tuple(term),
            "pod_rev": tuple(rev),
            "pvc": tuple(pvc),
            "pvc_pod_ref": tuple(ref),
            "current_rev": self.new_current,
            "status_written": True,
        }
