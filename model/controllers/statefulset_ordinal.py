"""The StatefulSet sync read per ordinal: what one ``updateStatefulSet`` may do at ordinal i, for any size.

Upstream: ``pkg/controller/statefulset/stateful_set_control.go`` (Kubernetes v1.35) —
``updateStatefulSet``'s replica scan (``processReplica`` under ``monotonic``/OrderedReady or
``runForAll`` under Parallel), ``processCondemned`` (highest condemned ordinal first),
``updateStatefulSetAfterInvariantEstablished`` (outdated replicas from the highest index down to
the partition) and ``updateClaimOwnerRefForSetAndPod``. The per-slot reading of the same sync is
:class:`kubecheck.model.controllers.statefulset_sync.Plan`; this module does not replace it.

**What this module is for.** :mod:`kubecheck.checker.symbolic.ordinal` proves properties of the
StatefulSet model *for every number of ordinals*: its state is a function of an unbounded ordinal
``i`` (z3 arrays) and its transition relation is read off the model's own command table, one
ordinal at a time (every environment command's guard and effect, and the sync's per-slot writes,
are the model's own functions evaluated on a one-slot window). The one thing the per-slot code
cannot give for a symbolic ordinal is *which* slots a sync decides to create or delete: ``Plan``
computes that with Python loops over ``range(n)`` (a prefix scan, a suffix scan, a count). Here
each decision is a free boolean per ordinal constrained only by a **necessary condition** stated
once per decision (:func:`decision_conditions`), with the scans as quantifiers over ordinals that
the engine instantiates at the ordinals a query speaks about:

* OrderedReady: creating, deleting a Failed pod or fixing a claim at ``i`` needs ``i`` in range
  and every in-range ordinal ``j < i`` healthy (the monotonic scan returned before ``i``
  otherwise); deleting a condemned pod needs every in-range ordinal healthy and no condemned pod
  above it; a rolling-update delete needs every in-range ordinal healthy and nothing condemned.
* Parallel: the same without the scans.
* Dropped (an over-approximation: more syncs are allowed, never fewer): the maxUnavailable budget
  and the gate-off "stop at the first unavailable" rule of the rolling update, the stale-claim
  check under Parallel, and which of several decisions one sync takes together; the new
  status.currentRevision and the ControllerRevision numbers are free within their domains.

A proof over this reading is a proof about the model only where the reading over-approximates
it. The engine checks that on the model itself at sizes 1..K (the decisions ``Plan`` takes satisfy
these conditions, and its writes are the one-slot writes at every slot); beyond K it rests on the
per-slot code treating every slot alike (papers/statefulset-every-size.md).

Scopes read here: ``partition`` 0 and ``failing-ordinal`` -1 only (otherwise a slot's index
matters to the per-slot code; :func:`refusal` says so).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.ops import Ops, Value

#: The commands whose effect is one sync (``Plan.changes``): read per ordinal by :func:`slot_writes`.
CONTROLLER = "statefulset-controller."
#: The per-ordinal decisions of one sync (Plan's lists), in the order :func:`slot_writes` takes them.
DECISIONS = ("create", "del_failed", "del_condemned", "del_update", "unref", "mark")

#: A one-slot window of the state at an ordinal (``at(i)``), for any ordinal term.
At = Callable[[Value], StatefulSetState]


def refusal(sc: StatefulSetScope) -> str | None:
    """Why this reading does not apply to ``sc`` (None: it does)."""
    if sc.partition != 0:
        return (
            f"partition: the per-ordinal reading needs partition 0 (the per-slot code compares a slot's index "
            f"with it), got {sc.partition}"
        )
    if sc.failing_ordinal >= 0:
        return f"failing-ordinal: the per-ordinal reading needs -1 (every ordinal alike), got {sc.failing_ordinal}"
    if sc.has_budget or sc.has_drain:  # issue 16: statefulset_disruption counts over every ordinal at once
        return (
            "pdb-min-available/pdb-max-unavailable/scenario: the per-ordinal reading has no budget or drain (the "
            "PodDisruptionBudget's status counts the pods of every ordinal at once); check sizes one at a time"
        )
    return None


def _healthy(ops: Ops, s: StatefulSetState) -> Value:
    return su.is_healthy(ops, cl.exists(s, 0), s.pod_terminating[0], s.pod_phase[0] == cl.AVAILABLE)


def decision_conditions(
    ops: Ops, sc: StatefulSetScope, at: At, i: Value, ground: Sequence[Value], n: Value
) -> dict[str, Value]:
    """A necessary condition for each decision of one sync at ordinal ``i`` (``n`` ordinals).

    The scans over ordinals are instantiated at ``ground`` (every ordinal a query names; all of
    ``range(n)`` when the engine checks this against ``Plan`` at a fixed size).
    """
    s = at(i)
    active = ops.not_(s.set_deleted)
    replicas = s.replicas

    def in_range(j: Value) -> Value:
        return j < replicas

    def condemned(j: Value) -> Value:
        return ops.and_(cl.exists(at(j), 0), ops.not_(in_range(j)))

    def ordinal(j: Value) -> Value:
        return ops.and_(0 <= j, j < n)

    ex, term = cl.exists(s, 0), s.pod_terminating[0]
    healthy = _healthy(ops, s)
    stale = ops.and_(sc.when_scaled == su.DELETE, s.pvc[0], s.pvc_pod_ref[0])
    failed = s.pod_phase[0] == cl.FAILED if sc.failure_mode == fm.EVICTED else False
    outdated = ops.and_(ex, s.pod_rev[0] != s.template, ops.not_(term))
    here = ops.and_(active, in_range(i))
    if sc.pod_management == su.ORDERED_READY:
        below_ok = [
            ops.implies(ops.and_(ordinal(j), j < i), ops.or_(ops.not_(in_range(j)), _healthy(ops, at(j))))
            for j in ground
        ]
        all_ok = [ops.implies(ordinal(j), ops.or_(ops.not_(in_range(j)), _healthy(ops, at(j)))) for j in ground]
        done = ops.and_(active, *all_ok)
        none_above = [ops.implies(ops.and_(ordinal(j), i < j), ops.not_(condemned(j))) for j in ground]
        none_condemned = [ops.implies(ordinal(j), ops.not_(condemned(j))) for j in ground]
        conds = {
            "create": ops.and_(here, *below_ok, ops.not_(ex), ops.not_(stale)),
            "del_failed": ops.and_(here, *below_ok, failed, ops.not_(term)),
            "unref": ops.and_(here, *below_ok, healthy, s.pvc_pod_ref[0]),
            "mark": ops.and_(done, sc.when_scaled == su.DELETE, condemned(i), ops.not_(s.pvc_pod_ref[0])),
            "del_condemned": ops.and_(done, *none_above, condemned(i), ops.not_(term)),
            "del_update": ops.and_(done, *none_condemned, in_range(i), outdated),
        }
    else:
        conds = {
            "create": ops.and_(here, ops.not_(ex)),
            "del_failed": ops.and_(here, failed, ops.not_(term)),
            "unref": ops.and_(here, ex, s.pvc_pod_ref[0]),
            "mark": ops.and_(active, sc.when_scaled == su.DELETE, condemned(i), ops.not_(s.pvc_pod_ref[0])),
            "del_condemned": ops.and_(active, condemned(i), ops.not_(term)),
            "del_update": ops.and_(active, in_range(i), outdated),
        }
    if not sc.claims:
        conds["unref"] = conds["mark"] = False
    if sc.strategy != su.ROLLING_UPDATE:
        conds["del_update"] = False
    return conds


def plan_decisions(plan: sync.Plan, i: int) -> dict[str, Value]:
    """The decisions ``Plan`` took at slot ``i`` (to check :func:`decision_conditions` against them)."""
    return {
        "create": plan.create[i],
        "del_failed": plan.del_failed[i],
        "del_condemned": plan.del_condemned[i],
        "del_update": plan.del_update[i],
        "unref": plan.unref[i],
        "mark": plan.mark[i],
    }


def slot_writes(
    ops: Ops,
    sc: StatefulSetScope,
    s: StatefulSetState,
    decisions: dict[str, Value],
    new_current: Value,
    rev_number: Sequence[Value],
) -> dict:
    """``Plan.changes`` on a one-slot window ``s`` whose decisions are given: the sync's writes at one ordinal.

    The writes are the model's own code (``Plan`` built on the window, ``Plan.changes``); only the
    decisions, the new status.currentRevision and the revision numbers come from outside. Whatever
    else ``Plan`` computes per slot is computed on the window (the engine's conformance check
    compares the result with ``Plan`` at fixed sizes).
    """
    plan = sync.Plan(ops, sc, s)  # the one-slot Plan; its decisions are replaced by the given ones
    plan.create = [decisions["create"]]
    plan.del_failed = [decisions["del_failed"]]
    plan.del_condemned = [decisions["del_condemned"]]
    plan.del_update = [decisions["del_update"]]
    plan.unref = [decisions["unref"]]
    plan.mark = [decisions["mark"]]
    plan.new_current = new_current
    plan.rev_number = list(rev_number)
    return plan.changes()
