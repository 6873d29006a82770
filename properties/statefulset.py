"""What a StatefulSet guarantees — stable identity, ordered scaling, stable storage — and what it does not.

Each property names its upstream justification (papers/statefulset-notes.md has the
citations). Some are not guaranteed upstream; they are in the table because users rely on them,
and the checker's counterexample shows how they fail: a second running instance of one identity
after a force deletion or a Node deletion during a partition, pods started out of order under
Parallel, a claim of an in-range ordinal deleted after a quick scale-down-and-up.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property
from kubecheck.properties.placement import pods_bound_only_to_ready_nodes

# -- scope adjustments -----------------------------------------------------------------------

_SPLIT_BRAIN = frozenset({"force-delete", "node-delete"})


#: The fewest nodes a question about a pod that moves (or a node that fails under a pod) needs: the
#: rows below state it as ``min_nodes`` and never fix a count, so ``--set nodes=3`` or 4 is kept.
MOVING = 2


def _without_split_brain_faults(sc: StatefulSetScope) -> Value:
    faults = (sc.faults - _SPLIT_BRAIN) | {"partition"}
    return attrs.evolve(sc, faults=faults, fault_budget=max(1, sc.fault_budget))


def _with_faults(*names: str) -> Value:
    def adjust(sc: StatefulSetScope) -> Value:
        return attrs.evolve(sc, faults=frozenset(names), fault_budget=max(len(names), sc.fault_budget))

    return adjust


def _ordered(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, pod_management=su.ORDERED_READY)


def _parallel(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, pod_management=su.PARALLEL)


def _ordered_scale_down(sc: StatefulSetScope) -> Value:
    down = tuple(v for v in sc.scale_to if v < sc.replicas) or (max(0, sc.replicas - 1),)
    return attrs.evolve(
        _ordered(sc), scale_to=down, scales=max(1, sc.scales), faults=frozenset(), set_deletion=False, pod_deletes=0
    )


def _partitioned_update(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, strategy=su.ROLLING_UPDATE, partition=max(1, sc.partition), edits=max(1, sc.edits))


def _scale_down_and_up(sc: StatefulSetScope) -> Value:
    r = max(2, sc.replicas)
    return attrs.evolve(sc, replicas=r, when_scaled=su.DELETE, scale_to=(r - 1, r), scales=2, claims=True)


def _set_deletion(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, set_deletion=True, replicas=max(2, sc.replicas))


def _with_edit(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, edits=max(1, sc.edits))


def _rescheduling(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, claims=True, faults=frozenset({"evict"}), fault_budget=max(1, sc.fault_budget))


def _rolling_update(sc: StatefulSetScope) -> Value:
    return attrs.evolve(sc, strategy=su.ROLLING_UPDATE, edits=max(1, sc.edits))


def _broken_release(sc: StatefulSetScope) -> Value:
    """An OrderedReady rolling update to a bad release; the user only edits (no scale, revert, pod or set deletion)."""
    return attrs.evolve(
        _rolling_update(_ordered(sc)),
        broken_release=True,
        failure=fm.NONE,
        failure_onset=fm.CREATED,
        failure_repair=fm.NEVER,
        reverts=0,
        pod_deletes=0,
        scales=0,
        set_deletion=False,
        faults=frozenset(),
    )


def _quiet(sc: StatefulSetScope) -> StatefulSetScope:
    """Only what a recovery property adds happens: no scale, edit, revert, undo, deletes or faults."""
    return attrs.evolve(
        sc,
        edits=0,
        reverts=0,
        undos=0,
        scales=0,
        pod_deletes=0,
        set_deletion=False,
        faults=frozenset(),
        broken_release=False,
        revision_history=False,
    )


def _broken_then_revert(forced: bool) -> Callable[[StatefulSetScope], Value]:
    """OrderedReady rolling update to a bad release (never Ready), then one revert to the first template;
    ``forced``: the operator deletes the stuck pod after the revert (forced-rollback)."""

    def adjust(sc: StatefulSetScope) -> Value:
        return attrs.evolve(
            _rolling_update(_ordered(_quiet(sc))),
            edits=1,
            reverts=1,
            replicas=max(2, sc.replicas),
            partition=0,
            failure=fm.NEVER_READY,
            failing_revision=fm.UPDATE,
            failing_ordinal=-1,
            failure_onset=fm.CREATED,
            failure_repair=fm.NEVER,
            forced_rollback=forced,
        )

    return adjust


def _unhealthy_current_pod(repair: str, change: str) -> Callable[[StatefulSetScope], Value]:
    """OrderedReady; from some moment on web-0 (the current revision) fails its readiness probe
    (``failure-onset=later``); ``change``: the user scales down by one, or edits the template."""

    def adjust(sc: StatefulSetScope) -> Value:
        r = max(2, sc.replicas)
        base = attrs.evolve(
            _ordered(_quiet(sc)),
            replicas=r,
            strategy=su.ROLLING_UPDATE,
            partition=0,
            failure=fm.NEVER_READY,
            failing_revision=fm.CURRENT,
            failing_ordinal=0,
            failure_onset=fm.LATER,
            failure_repair=repair,
        )
        if change == "scale":
            return attrs.evolve(base, scale_to=(r - 1,), scales=1)
        return attrs.evolve(base, edits=1)

    return adjust


def _node_failure(intervention: bool) -> Callable[[StatefulSetScope], Value]:
    """One node failure (the row needs ≥ 2 nodes); ``intervention``: the administrator may taint it out-of-service."""

    def adjust(sc: StatefulSetScope) -> Value:
        return attrs.evolve(
            _quiet(sc),
            faults=frozenset({"node-failure"}),
            fault_budget=1,
            out_of_service=intervention,
            failure=fm.NONE,
            failure_onset=fm.CREATED,
            failure_repair=fm.NEVER,
        )

    return adjust


def _node_failure_with_claims(sc: StatefulSetScope) -> Value:
    """As ``_node_failure(True)``, with claims: a claim remembers the node it was first attached to
    (``claim_home``), which is how a witness tells "back where it ran" from "on another node"."""
    return attrs.evolve(_node_failure(True)(sc), claims=True)


def _with_scale(sc: StatefulSetScope) -> Value:
    if sc.scale_to and sc.scales:
        return sc
    return attrs.evolve(sc, scale_to=(sc.replicas - 1 if sc.replicas > 0 else 1,), scales=1)


def _scale_down_deletes_claims(sc: StatefulSetScope) -> Value:
    """whenScaled=Delete, a scale-down, and a template edit (which replaces pods while the user scales)."""
    r = max(2, sc.replicas)
    down = tuple(v for v in sc.scale_to if v < r) or (r - 1,)
    return attrs.evolve(
        sc,
        replicas=r,
        claims=True,
        when_scaled=su.DELETE,
        scale_to=down,
        scales=max(1, sc.scales),
        edits=max(1, sc.edits),
    )


def _history(limit: int) -> Callable[[StatefulSetScope], Value]:
    """ControllerRevisions on, two template edits and an undo; revisionHistoryLimit at most ``limit``."""

    def adjust(sc: StatefulSetScope) -> Value:
        return attrs.evolve(
            sc,
            revision_history=True,
            edits=max(2, sc.edits),
            undos=max(1, sc.undos),
            revision_history_limit=min(limit, sc.revision_history_limit),
        )

    return adjust


def _undo_only(sc: StatefulSetScope) -> Value:
    """ControllerRevisions on, a template edit and an undo; no reverts (only the undo re-applies a template)."""
    return attrs.evolve(sc, revision_history=True, edits=max(1, sc.edits), undos=max(1, sc.undos), reverts=0)


# -- predicates --------------------------------------------------------------------------------


def _slots(s: StatefulSetState) -> range:
    return range(len(s.pod_phase))


def one_pod_object_per_identity(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A pod object is created only where none exists, and a terminating object is only ever removed."""
    parts = []
    for i in _slots(s):
        fresh = ops.and_(t.pod_phase[i] == cl.UNSCHEDULED, s.pod_phase[i] != cl.UNSCHEDULED)
        parts.append(ops.implies(fresh, s.pod_phase[i] == cl.NONE))
        parts.append(ops.implies(s.pod_terminating[i], ops.or_(t.pod_phase[i] == cl.NONE, t.pod_terminating[i])))
    return ops.and_(*parts)


def one_running_instance(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(*[cl.running_instances(ops, s, i) <= 1 for i in _slots(s)])


def _healthy(ops: Ops, s: StatefulSetState, i: int) -> Value:
    return ops.and_(s.pod_phase[i] == cl.AVAILABLE, ops.not_(s.pod_terminating[i]))


def _created(ops: Ops, s: StatefulSetState, t: StatefulSetState, i: int) -> Value:
    return ops.and_(s.pod_phase[i] == cl.NONE, t.pod_phase[i] == cl.UNSCHEDULED)


def created_in_ordinal_order(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    return ops.and_(
        *[ops.implies(_created(ops, s, t, i), ops.and_(*[_healthy(ops, s, j) for j in range(i)])) for i in _slots(s)]
    )


def removed_in_reverse_order(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    parts = []
    for j in _slots(s):
        deleted = ops.and_(
            s.pod_phase[j] != cl.NONE,
            ops.not_(s.pod_terminating[j]),
            ops.or_(t.pod_terminating[j], t.pod_phase[j] == cl.NONE),
        )
        condemned = j >= s.replicas
        higher_gone = ops.and_(*[s.pod_phase[k] == cl.NONE for k in range(j + 1, len(s.pod_phase))])
        parts.append(ops.implies(ops.and_(deleted, condemned), higher_gone))
    return ops.and_(*parts)


def _mounted(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, i: int) -> Value:
    return ops.and_(s.pvc[i], vol.attached_on(ops, s, sc.nodes, i, s.pod_node[i]))


def pod_mounts_own_claim(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    if not sc.claims:
        return True
    return ops.and_(*[ops.implies(cl.containers_running(ops, s, i), _mounted(ops, sc, s, i)) for i in _slots(s)])


def _moved(ops: Ops, s: StatefulSetState, i: int) -> Value:
    return ops.and_(s.claim_home[i] != 0, s.claim_home[i] != s.pod_node[i] + 1)


def identity_stable_across_rescheduling(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    if not sc.claims:
        return True
    return ops.and_(
        *[
            ops.implies(
                ops.and_(cl.containers_running(ops, s, i), s.claim_home[i] != s.pod_node[i] + 1),
                ops.and_(_mounted(ops, sc, s, i), s.claim_home[i] != 0),
            )
            for i in _slots(s)
        ]
    )


def partition_respected(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(
        *[
            ops.implies(
                ops.and_(s.pod_phase[i] != cl.NONE, ops.not_(s.pod_terminating[i])),
                s.pod_rev[i] == st.current_revision(ops, s),
            )
            for i in range(len(s.pod_phase))
            if i < sc.partition
        ]
    )


def claims_follow_retention_policy(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    by_scale = sc.when_scaled == su.DELETE
    by_delete = sc.when_deleted == su.DELETE
    return ops.and_(
        *[
            ops.implies(
                ops.and_(s.pvc[i], ops.not_(t.pvc[i])),
                ops.or_(ops.and_(by_scale, s.pvc_pod_ref[i]), ops.and_(by_delete, s.set_deleted)),
            )
            for i in _slots(s)
        ]
    )


def in_range_claims_kept(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    return ops.and_(
        *[
            ops.implies(ops.and_(s.pvc[i], ops.not_(t.pvc[i]), ops.not_(s.set_deleted)), i >= s.replicas)
            for i in _slots(s)
        ]
    )


def set_deletion_unordered(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    n = len(s.pod_phase)
    return ops.and_(
        s.set_deleted,
        ops.or_(
            *[
                ops.and_(s.pod_phase[i] == cl.NONE, s.pod_phase[j] != cl.NONE, s.pvc[i])
                for i in range(n)
                for j in range(i + 1, n)
            ]
        ),
    )


def parallel_runs_ahead(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    n = len(s.pod_phase)
    return ops.or_(
        *[ops.and_(s.pod_phase[j] >= cl.READY, s.pod_phase[i] < cl.READY) for j in range(n) for i in range(j)]
    )


def rolling_update_completes(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(
        s.templates_used > 1,
        s.template == s.templates_used - 1,
        s.status_written,
        s.current_rev == s.template,
        st.rolled_out(ops, sc, s),
        ops.not_(s.set_deleted),
    )


def template_edited(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The user has applied a new template at least once (the update revision may differ from the pods')."""
    return s.templates_used > 1


def update_starts_from_healthy_set(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The template was edited while every in-range pod is available at the set's first revision
    (status.currentRevision)."""
    healthy = [ops.implies(i < s.replicas, ops.and_(_healthy(ops, s, i), s.pod_rev[i] == 0)) for i in _slots(s)]
    return ops.and_(s.status_written, s.current_rev == 0, s.template != 0, *healthy)


def _updated_and_available(ops: Ops, s: StatefulSetState, i: int) -> Value:
    return ops.and_(_healthy(ops, s, i), s.pod_rev[i] == s.template)


def rolling_update_done(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Every in-range ordinal at or above the partition runs the update revision and is available
    (or the set is deleted)."""
    return ops.or_(
        s.set_deleted,
        ops.and_(
            *[
                ops.implies(i < s.replicas, _updated_and_available(ops, s, i))
                for i in range(len(s.pod_phase))
                if i >= sc.partition
            ]
        ),
    )


def _initial_scales(sc: StatefulSetScope) -> int:
    return sc.scales if sc.scale_to else 0


def scaled(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The user has scaled the StatefulSet at least once."""
    return s.scales_left < _initial_scales(sc)


def scale_done(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Pods match spec.replicas: ordinals 0..n-1 available with their claims, no pod above (or the set is deleted)."""
    parts = []
    for i in _slots(s):
        inside = ops.and_(_healthy(ops, s, i), s.pvc[i] if sc.claims else True)
        parts.append(ops.ite(i < s.replicas, inside, s.pod_phase[i] == cl.NONE))
    return ops.or_(s.set_deleted, ops.and_(*parts))


def claim_above_range(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Some claim of an ordinal i >= spec.replicas exists."""
    return ops.or_(*[ops.and_(i >= s.replicas, s.pvc[i]) for i in _slots(s)])


def no_claim_above_range(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.or_(s.set_deleted, ops.not_(claim_above_range(ops, sc, s)))


def pod_reattaches_claim(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.or_(
        *[ops.and_(cl.containers_running(ops, s, i), _mounted(ops, sc, s, i), _moved(ops, s, i)) for i in _slots(s)]
    )


def reverted(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The user has re-applied an older template (the spec is back at a revision it had before)."""
    return ops.and_(s.reverts_left < sc.reverts, ops.not_(s.set_deleted))


def scaled_down_while_failing(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The user has scaled down (and nothing repaired the failure yet)."""
    return ops.and_(scaled(ops, sc, s), s.replicas < sc.replicas, s.failure_state != fm.REPAIRED)


def no_pod_above_range(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """No pod object of an ordinal at or above spec.replicas exists (the scale-down is done)."""
    return ops.or_(
        s.set_deleted, ops.and_(*[ops.implies(i >= s.replicas, s.pod_phase[i] == cl.NONE) for i in _slots(s)])
    )


def repaired(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return s.failure_state == fm.REPAIRED


def scaled_and_repaired(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(scaled(ops, sc, s), repaired(ops, sc, s))


def edited_and_repaired(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(template_edited(ops, sc, s), repaired(ops, sc, s))


def edited_while_failing(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    return ops.and_(template_edited(ops, sc, s), s.failure_state != fm.REPAIRED)


def node_failed(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The one node failure of the scenario has happened (the fault budget is spent)."""
    return s.faults_left == 0


def node_back_or_out_of_service(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The node failure happened, and every node is Ready again or carries the out-of-service taint."""
    nodes = range(len(s.node_state))
    return ops.and_(node_failed(ops, sc, s), *[ops.or_(s.node_state[n] == cl.NODE_READY, s.node_oos[n]) for n in nodes])


def all_running_and_ready(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Every in-range ordinal is Running, Ready and available, not terminating, nothing above the range."""
    return st.rolled_out(ops, sc, s)


def _first_node_down(ops: Ops, s: StatefulSetState, i: int, n: int) -> Value:
    """Ordinal ``i``'s claim was first attached on node ``n``, which is now not Ready."""
    return ops.and_(s.claim_home[i] == n + 1, s.node_state[n] != cl.NODE_READY)


def replaced_on_another_node(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Some <set>-i runs, with its claim, on another node than the one its claim was first attached to,
    while that node is down (a pod object never changes node: this one is a replacement)."""
    return ops.or_(
        *[
            ops.and_(
                cl.containers_running(ops, s, i),
                _mounted(ops, sc, s, i),
                *[ops.implies(s.claim_home[i] == n + 1, s.pod_node[i] != n) for n in range(len(s.node_state))],
                ops.or_(*[_first_node_down(ops, s, i, n) for n in range(len(s.node_state))]),
            )
            for i in _slots(s)
        ]
    )


def replaced_on_its_old_node(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Some <set>-i is bound to the node its claim was first attached to while its volume is not attached
    there: a replacement waiting for the attach on its old node (the first pod of an ordinal is bound
    before its claim has a home, and a bound pod keeps its volume attached)."""
    return ops.or_(
        *[
            ops.and_(
                cl.is_bound(s, i),
                ops.not_(s.pod_terminating[i]),
                s.claim_home[i] == s.pod_node[i] + 1,
                ops.not_(vol.attached_on(ops, s, sc.nodes, i, s.pod_node[i])),
            )
            for i in _slots(s)
        ]
    )


# -- explanations (last step of a counterexample) -----------------------------------------------


def _name(sc: StatefulSetScope, i: int) -> str:
    return st.NAMING.pod(sc, i)


def _explain_instances(sc: StatefulSetScope, s: StatefulSetState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    parts = []
    for i in _slots(s):
        if cl.running_instances(c, s, i) > 1:
            parts.append(
                f"{_name(sc, i)}: pod object on {cl.node_name(s.pod_node[i])} running, "
                f"orphaned containers still running on {cl.node_name(s.pod_ghost[i] - 1)}"
            )
    return "; ".join(parts) or "every identity runs at most once"


def _explain_phases(sc: StatefulSetScope, s: StatefulSetState) -> str:
    return ", ".join(
        f"{_name(sc, i)}={cl.PHASE_NAMES[p]}{' (terminating)' if t else ''}"
        for i, (p, t) in enumerate(zip(s.pod_phase, s.pod_terminating))
    )


def _revision(sc: StatefulSetScope, t: int) -> str:
    return st.NAMING.revision(sc, t)


_PHASE_WORDS = {
    cl.UNSCHEDULED: "Pending",
    cl.CREATING: "ContainerCreating",
    cl.RUNNING: "Running, not Ready",
    cl.READY: "Ready, not yet available",
    cl.AVAILABLE: "Ready",
}


def _explain_rollout(sc: StatefulSetScope, s: StatefulSetState) -> str:
    """The ordinals that have not reached the update revision, and why a broken release keeps them there."""
    from kubecheck.model.kernel.ops import CONCRETE as c

    waiting, stuck = [], []
    for i in _slots(s):
        if i < sc.partition or i >= s.replicas:
            continue
        p, t, r = s.pod_phase[i], s.pod_terminating[i], s.pod_rev[i]
        if p == cl.AVAILABLE and not t and r == s.template:
            continue
        if p == cl.NONE:
            waiting.append(f"{_name(sc, i)} does not exist")
            continue
        phase = ("available" if p == cl.AVAILABLE and sc.has_min_ready else _PHASE_WORDS.get(p, str(p))) + (
            ", Terminating" if t else ""
        )
        waiting.append(f"{_name(sc, i)} is {phase} at {_revision(sc, r)}")
        if sc.failure_mode in fm.NOT_READY_MODES and st.FAILURES.hits(c, sc, s, i) and p == cl.RUNNING and not t:
            stuck.append(_name(sc, i))
    head = f"the update revision is {_revision(sc, s.template)}"
    if not waiting:
        return f"{head}, and every ordinal runs it"
    out = f"{head}; " + "; ".join(waiting)
    was_reverted = sc.reverts > 0 and s.reverts_left < sc.reverts
    if stuck and not was_reverted:
        pods = " ".join(stuck)
        out += (
            f". {', '.join(stuck)} runs a broken release: its readiness probe never passes, and the controller "
            "waits for it; only the forced rollback ends this (re-apply the old template, then kubectl delete pod "
            f"{pods})"
        )
    outdated = [
        _name(sc, i)
        for i in _slots(s)
        if i < s.replicas and s.pod_phase[i] == cl.RUNNING and not s.pod_terminating[i] and s.pod_rev[i] != s.template
    ]
    if outdated and was_reverted:
        out += (
            f". The template was reverted, but {', '.join(outdated)} still runs the bad revision and is not Ready: "
            "processReplica stops there before the rolling update could delete it (website statefulset.md, "
            f"'Forced rollback': kubectl delete pod {' '.join(outdated)})"
        )
    return out


def _explain_failure(sc: StatefulSetScope, s: StatefulSetState) -> str:
    """Which pods the failure mode holds back now, in the kubelet's words (empty when none)."""
    from kubecheck.model.kernel.ops import CONCRETE as c

    if sc.failure_mode == fm.NONE:
        return ""
    hit = [_name(sc, i) for i in _slots(s) if cl.exists(s, i) and st.FAILURES.hits(c, sc, s, i)]
    life = fm.STATE_WORDS[s.failure_state]
    head = f". Failure {sc.failure_mode} ({fm.MODE_WORDS[sc.failure_mode]}) is {life}"
    if not hit:
        return head
    waits = (
        "; OrderedReady: processReplica waits at the first pod that is not Running and Ready, so no higher "
        "ordinal is created, no condemned pod deleted and no pod updated"
        if sc.pod_management == su.ORDERED_READY
        else ""
    )
    return f"{head}: {', '.join(hit)}{waits}"


def _explain_scale_failing(sc: StatefulSetScope, s: StatefulSetState) -> str:
    return _explain_scale(sc, s) + _explain_failure(sc, s)


def _explain_rollout_failing(sc: StatefulSetScope, s: StatefulSetState) -> str:
    return _explain_rollout(sc, s) + _explain_failure(sc, s)


def _explain_nodes(sc: StatefulSetScope, s: StatefulSetState) -> str:
    nodes = []
    for n in range(sc.nodes):
        state = cl.NODE_STATE_NAMES[s.node_state[n]] + (", out-of-service taint" if s.node_oos[n] else "")
        nodes.append(f"{cl.node_name(n)} {state}")
    out = _explain_scale(sc, s) + "; nodes: " + ", ".join(nodes)
    down = [cl.node_name(n) for n in range(sc.nodes) if s.node_state[n] != cl.NODE_READY and not s.node_oos[n]]
    if down:
        out += (
            f". {', '.join(down)} stays down: its pods stay not Ready (or Terminating after the 300 s taint eviction, "
            "with no kubelet to confirm) until the node returns or an administrator applies the out-of-service taint, "
            "neither of which anything requires"
        )
    return out


def _explain_scale(sc: StatefulSetScope, s: StatefulSetState) -> str:
    def phase(i: int) -> str:
        p = s.pod_phase[i]
        word = "available" if p == cl.AVAILABLE and sc.has_min_ready else _PHASE_WORDS.get(p, str(p))
        return word + (", Terminating" if s.pod_terminating[i] else "")

    pods = [f"{_name(sc, i)} {phase(i)}" for i in _slots(s) if s.pod_phase[i] != cl.NONE]
    out = f"spec.replicas {s.replicas}; pods: {', '.join(pods) or 'none'}"
    if not sc.claims:
        return out
    claims = [st.NAMING.claim(sc, i) for i in _slots(s) if s.pvc[i]]
    out += f"; claims: {', '.join(claims) or 'none'}"
    for i in _slots(s):
        if i >= s.replicas and s.pvc[i] and s.pod_phase[i] == cl.NONE and not s.pvc_pod_ref[i]:
            out += (
                f". {st.NAMING.claim(sc, i)} is above spec.replicas and has no ownerReference to a pod "
                f"({_name(sc, i)} did not exist when the set was scaled down), so nothing will delete it"
            )
    return out


def _uses(ops: Ops, s: StatefulSetState, t: int) -> Value:
    """A pod object is labelled with template t's revision."""
    return ops.or_(*[ops.and_(cl.exists(s, i), s.pod_rev[i] == t) for i in _slots(s)])


def live_revisions_kept(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Every pod's revision, and status.currentRevision/updateRevision once written, have a ControllerRevision."""
    parts = []
    for t in range(len(s.rev_number)):
        kept = s.rev_number[t] > 0
        parts.append(ops.implies(_uses(ops, s, t), kept))
        named = ops.or_(s.current_rev == t, s.update_rev == t)
        parts.append(ops.implies(ops.and_(s.status_written, named), kept))
    return ops.and_(*parts)


def history_truncated_oldest_first(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A revision is deleted only if the sync found it unused, and only the oldest: exactly limit unused ones stay."""
    n = len(s.rev_number)
    current = st.current_revision(ops, s)
    unused = [
        ops.and_(s.rev_number[u] > 0, current != u, s.template != u, ops.not_(_uses(ops, s, u))) for u in range(n)
    ]
    parts = []
    for r in range(n):
        deleted = ops.and_(s.rev_number[r] > 0, t.rev_number[r] == 0)
        newer_kept = ops.count(
            ops.and_(unused[u], s.rev_number[u] > s.rev_number[r], t.rev_number[u] > 0) for u in range(n) if u != r
        )
        unused_kept = ops.count(ops.and_(unused[u], t.rev_number[u] > 0) for u in range(n))
        parts.append(ops.implies(deleted, ops.and_(unused[r], newer_kept >= sc.revision_history_limit)))
        parts.append(ops.implies(deleted, unused_kept == sc.revision_history_limit))
    return ops.and_(*parts)


def undo_reuses_revision(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """The update revision is an older template's ControllerRevision renumbered past the newer ones.

    Without a re-applied template, template t's revision is numbered at most t + 1 (templates are
    numbered in the order they are first synced); a higher number is a reuse.
    """
    return ops.or_(
        *[ops.and_(s.template == t, s.update_rev == t, s.rev_number[t] > t + 1) for t in range(len(s.rev_number))]
    )


def _explain_history(sc: StatefulSetScope, s: StatefulSetState) -> str:
    revs = ", ".join(f"template {t}: revision {n}" for t, n in enumerate(s.rev_number) if n) or "none"
    return (
        f"ControllerRevisions {revs}; spec template {s.template}; status current {s.current_rev} "
        f"update {s.update_rev}; pod revisions {list(s.pod_rev)}"
    )


#: What fairness does not promise (website statefulset.md, "Forced rollback").
_NOBODY_DELETES = (
    "; the forced rollback (re-apply the old template, then kubectl delete pod) is a user action, "
    "so nothing requires it"
)


def _updates_only(sc: StatefulSetScope) -> Value:
    """A RollingUpdate with at least one edit, and nothing else that takes a pod down: no faults, no failure
    mode, no manual pod or set deletion (replicas changes are left out by the predicate)."""
    return attrs.evolve(
        _rolling_update(sc),
        faults=frozenset(),
        failure=fm.NONE,
        broken_release=False,
        pod_deletes=0,
        set_deletion=False,
    )


def unavailable_replicas(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """Replica slots (index < spec.replicas) whose pod is missing, terminating or not available (isUnavailable)."""
    return ops.count(
        ops.and_(
            i < s.replicas,
            su.is_unavailable(ops, cl.exists(s, i), s.pod_terminating[i], s.pod_phase[i] == cl.AVAILABLE),
        )
        for i in range(len(s.pod_phase))
    )


def update_within_max_unavailable(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    before, after = unavailable_replicas(ops, sc, s), unavailable_replicas(ops, sc, t)
    budget = su.get_statefulset_max_unavailable(ops, sc.effective_max_unavailable, s.replicas)
    return ops.implies(ops.and_(s.replicas == t.replicas, after > before), after <= budget)


def _explain_unavailable(sc: StatefulSetScope, s: StatefulSetState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    budget = su.get_statefulset_max_unavailable(c, sc.effective_max_unavailable, s.replicas)
    return f"unavailable replicas: {unavailable_replicas(c, sc, s)} (maxUnavailable resolves to {budget})"


#: What the two replacement witnesses (another node / its old node) assume: one setting, two outcomes.
_REPLACEMENT_ASSUMES = (
    "at least two nodes; claims; one node failure; the administrator may taint the failed node out-of-service; "
    "no edit or scale"
)

PROPERTIES = (
    Property(
        name="statefulset.at_most_one_pod_object_per_identity",
        meaningful={"pod-management-policy": "Parallel"},
        kind="step",
        doc="a pod <set>-i is created only where no object <set>-i exists, and a terminating <set>-i is never replaced "
        "until it is gone",
        upstream="API server name uniqueness; stateful_set_control.go:updateStatefulSet creates only empty slots "
        "(isCreated)",
        predicate=one_pod_object_per_identity,
        explain=_explain_phases,
    ),
    Property(
        name="statefulset.at_most_one_running_instance",
        meaningful={},
        kind="always",
        doc="containers of <set>-i run in at most one place (partitions and evictions on; no force delete, no Node "
        "deletion)",
        upstream="website force-delete-stateful-set-pod.md: 'at most one' semantics — graceful deletion waits for the "
        "kubelet",
        predicate=one_running_instance,
        adjust=_without_split_brain_faults,
        min_nodes=MOVING,
        assumes="faults: partition (+ the scope's others minus force-delete/node-delete); at least two nodes",
        explain=_explain_instances,
    ),
    Property(
        name="statefulset.at_most_one_running_instance_with_force_delete",
        meaningful={},
        kind="always",
        doc="containers of <set>-i run in at most one place even when a pod on an unreachable node is force-deleted",
        upstream="not guaranteed: force deletion frees the name without kubelet confirmation "
        "(force-delete-stateful-set-pod.md)",
        predicate=one_running_instance,
        adjust=_with_faults("partition", "force-delete"),
        min_nodes=MOVING,
        assumes="faults: partition and force-delete (2); at least two nodes",
        explain=_explain_instances,
    ),
    Property(
        name="statefulset.at_most_one_running_instance_with_node_delete",
        meaningful={},
        kind="always",
        doc="containers of <set>-i run in at most one place even when the Node object of an unreachable node is "
        "deleted",
        upstream="not guaranteed: PodGC (podgc/gc_controller.go:gcOrphaned) deletes pods of deleted nodes without "
        "kubelet confirmation",
        predicate=one_running_instance,
        adjust=_with_faults("partition", "node-delete"),
        min_nodes=MOVING,
        assumes="faults: partition and node-delete (2); at least two nodes",
        explain=_explain_instances,
    ),
    Property(
        name="statefulset.pods_created_in_ordinal_order",
        meaningful={},
        kind="step",
        doc="OrderedReady: <set>-i is created only when <set>-0..<set>-(i-1) are Running, Ready, available and not "
        "terminating",
        upstream="stateful_set_control.go:processReplica (monotonic) blocks at the first unhealthy replica; issue "
        "#38418",
        predicate=created_in_ordinal_order,
        adjust=_ordered,
        assumes="podManagementPolicy OrderedReady",
        explain=_explain_phases,
    ),
    Property(
        name="statefulset.pods_created_in_ordinal_order_under_parallel",
        meaningful={},
        kind="step",
        doc="Parallel: the same ordering (not guaranteed: Parallel creates every missing pod at once)",
        upstream="not guaranteed: stateful_set_control.go:runForAll with monotonic=false (slowStartBatch) never blocks",
        predicate=created_in_ordinal_order,
        adjust=_parallel,
        assumes="podManagementPolicy Parallel",
        explain=_explain_phases,
    ),
    Property(
        name="statefulset.pods_removed_in_reverse_order",
        meaningful={"replicas": "3", "scale-to": "1"},
        kind="step",
        doc="OrderedReady scale-down deletes <set>-j only when every higher ordinal is fully gone",
        upstream="stateful_set_control.go:processCondemned (descending, blocks on terminating) and the monotonic "
        "return after one delete",
        predicate=removed_in_reverse_order,
        adjust=_ordered_scale_down,
        assumes="OrderedReady; a scale-down; no faults, no set deletion, no manual pod deletes",
        explain=_explain_phases,
    ),
    Property(
        name="statefulset.pod_mounts_own_claim",
        meaningful={},
        kind="always",
        doc="a running <set>-i always has its claim <template>-<set>-i bound and attached to its node",
        upstream="stateful_set_utils.go:getPersistentVolumeClaimName/updateStorage; kubelet waits for attach "
        "(volumes.py)",
        predicate=pod_mounts_own_claim,
    ),
    Property(
        name="statefulset.identity_stable_across_rescheduling",
        meaningful={},
        kind="always",
        doc="a <set>-i rescheduled to another node runs with the same claim <template>-<set>-i, moved to its new node",
        upstream="stateful_pod_control.go:CreateStatefulPod reuses existing claims; identity = name "
        "(stateful_set_utils.go:initIdentity)",
        predicate=identity_stable_across_rescheduling,
        adjust=_rescheduling,
        min_nodes=MOVING,
        assumes="at least two nodes; eviction on",
    ),
    Property(
        name="statefulset.partition_respected",
        meaningful={"replicas": "3", "max-unavailable": "2"},
        kind="always",
        doc="with RollingUpdate, pods below the partition that are not terminating stay at status.currentRevision",
        upstream="stateful_set_utils.go:newVersionedStatefulSetPod (index < partition: current revision); update loops "
        "stop at the partition",
        predicate=partition_respected,
        adjust=_partitioned_update,
        assumes="RollingUpdate, partition >= 1, at least one template edit",
    ),
    Property(
        name="statefulset.claims_follow_retention_policy",
        meaningful={"when-deleted": "Delete", "when-scaled": "Retain", "set-deletion": "true"},
        kind="step",
        doc="a claim disappears only when its pod was condemned under whenScaled=Delete or the set was deleted under "
        "whenDeleted=Delete",
        upstream="stateful_set_utils.go:isClaimOwnerUpToDate / updateClaimOwnerRefForSetAndPod + garbage collector",
        predicate=claims_follow_retention_policy,
    ),
    Property(
        name="statefulset.in_range_claims_kept",
        meaningful={"pod-management-policy": "Parallel"},
        kind="step",
        doc="the claim of an ordinal inside spec.replicas is never deleted (set not deleted)",
        upstream="not guaranteed: scale down then up before GC — PodClaimIsStale waits while the GC deletes the marked "
        "claim",
        predicate=in_range_claims_kept,
        adjust=_scale_down_and_up,
        assumes="whenScaled=Delete; scale to replicas-1 then back",
    ),
    Property(
        name="statefulset.set_deletion_is_unordered",
        meaningful={},
        kind="sometimes",
        doc="deleting the StatefulSet can remove a pod before one of a higher ordinal (<set>-0 before <set>-1; "
        "witness)",
        upstream="stateful_set_control.go:updateStatefulSet returns early for a deleting set; the garbage collector "
        "has no order",
        predicate=set_deletion_unordered,
        adjust=_set_deletion,
        assumes="the user may delete the StatefulSet",
    ),
    Property(
        name="statefulset.live_revisions_kept",
        meaningful={},
        kind="always",
        doc="every pod's revision, status.currentRevision and status.updateRevision have a ControllerRevision "
        "(revision history truncation never deletes a live one)",
        upstream="stateful_set_control.go:truncateHistory marks current, update and every pod's revision live "
        "and deletes only the rest",
        predicate=live_revisions_kept,
        adjust=_history(0),
        assumes="revision-history on, revisionHistoryLimit 0 (the tightest), two template edits and an undo",
        explain=_explain_history,
    ),
    Property(
        name="statefulset.history_truncated_oldest_first",
        meaningful={},
        kind="step",
        doc="a ControllerRevision is deleted only if unused when the sync began, oldest first, leaving exactly "
        "revisionHistoryLimit unused ones",
        upstream="stateful_set_control.go:truncateHistory (history sorted by Revision, history[:len-limit] "
        "deleted); TestStatefulSetControlLimitsHistory",
        predicate=history_truncated_oldest_first,
        adjust=_history(1),
        assumes="revision-history on, revisionHistoryLimit at most 1, two template edits and an undo",
        explain=_explain_history,
    ),
    Property(
        name="statefulset.undo_reuses_revision",
        meaningful={},
        kind="sometimes",
        doc="kubectl rollout undo to an older revision makes the controller reuse it, renumbered past the newer "
        "ones (witness)",
        upstream="stateful_set_control.go:getStatefulSetRevisions (an equal older revision gets nextRevision); "
        "kubectl rollback.go:StatefulSetRollbacker",
        predicate=undo_reuses_revision,
        adjust=_undo_only,
        assumes="revision-history on, a template edit and an undo, no reverts",
        explain=_explain_history,
    ),
    Property(
        name="statefulset.parallel_runs_ahead",
        meaningful={},
        kind="sometimes",
        doc="Parallel: a higher ordinal is Ready while a lower one is not (witness)",
        upstream="stateful_set_control.go:runForAll (monotonic=false)",
        predicate=parallel_runs_ahead,
        adjust=_parallel,
        assumes="podManagementPolicy Parallel",
    ),
    Property(
        name="statefulset.rolling_update_completes",
        meaningful={},
        kind="sometimes",
        doc="a rolling update to an edited template completes and status.currentRevision advances (witness)",
        upstream="stateful_set_utils.go:completeRollingUpdate",
        predicate=rolling_update_completes,
        adjust=_with_edit,
        assumes="at least one template edit",
    ),
    Property(
        name="statefulset.pod_reattaches_claim_after_rescheduling",
        meaningful={},
        kind="sometimes",
        doc="an evicted <set>-i comes back on another node with its old claim (witness)",
        upstream="stateful_pod_control.go:CreateStatefulPod reuses claims; attach/detach moves the volume",
        predicate=pod_reattaches_claim,
        adjust=_rescheduling,
        min_nodes=MOVING,
        assumes="at least two nodes; eviction on",
    ),
    Property(
        name="statefulset.rolling_update_eventually_completes",
        meaningful={"pod-management-policy": "Parallel", "max-unavailable": "2"},
        kind="leads_to",
        doc="after a template edit, every ordinal at or above the partition eventually runs the update revision and is "
        "available (or the set is deleted)",
        upstream="stateful_set_control.go:updateStatefulSet deletes outdated pods from the highest ordinal down to the "
        "partition "
        "and recreates them at the update revision (newVersionedStatefulSetPod)",
        predicate=template_edited,
        adjust=_rolling_update,
        assumes="RollingUpdate, at least one template edit",
        explain=_explain_rollout,
        target=rolling_update_done,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.rolling_update_eventually_completes_with_broken_release",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: a rolling update of a healthy set to an edited template whose pods never become Ready "
        "completes (not guaranteed: it waits for ever)",
        upstream="not guaranteed: processReplica waits for the broken pod to be Running and Ready, and the rolling "
        "update for "
        "it to be available; website statefulset.md 'Forced rollback': revert the template, then delete the pod by "
        "hand",
        predicate=update_starts_from_healthy_set,
        adjust=_broken_release,
        assumes="OrderedReady; RollingUpdate; broken-release (edited templates never pass readiness); the user only "
        "edits; "
        "no faults",
        explain=_explain_rollout,
        target=rolling_update_done,
        fairness=WEAK_FAIRNESS + _NOBODY_DELETES,
    ),
    Property(
        name="statefulset.scale_eventually_completes",
        meaningful={"pod-management-policy": "Parallel"},
        kind="leads_to",
        doc="after a kubectl scale, the pods eventually match spec.replicas: <set>-0..<set>-(n-1) available with their "
        "claims, "
        "no pod above (or the set is deleted)",
        upstream="stateful_set_control.go:updateStatefulSet creates missing replicas (claims first) and deletes "
        "condemned pods "
        "(processCondemned)",
        predicate=scaled,
        adjust=_with_scale,
        assumes="the user may scale",
        explain=_explain_scale,
        target=scale_done,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.condemned_claims_eventually_deleted",
        meaningful={"pod-management-policy": "Parallel"},
        kind="leads_to",
        doc="whenScaled=Delete: a claim <template>-<set>-i above spec.replicas is eventually deleted",
        upstream="not guaranteed: the claim only gets its pod ownerRef through a condemned pod that exists "
        "(isClaimOwnerUpToDate/updateClaimOwnerRefForSetAndPod); a scale-down while <set>-i is being replaced leaves "
        "<template>-<set>-i for ever (website statefulset.md: verify owner references when pods are missing)",
        predicate=claim_above_range,
        adjust=_scale_down_deletes_claims,
        assumes="whenScaled=Delete; a scale-down; a template edit",
        explain=_explain_scale,
        target=no_claim_above_range,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.revert_converges_without_manual_delete",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: after a bad release (never Ready) is reverted to the first template, every ordinal "
        "eventually runs it and is available, with no pod deleted by hand (not guaranteed: the stuck pod blocks)",
        upstream="not guaranteed: stateful_set_control.go:processReplica returns at the first pod that is not Running "
        "and Ready (monotonic), before updateStatefulSetAfterInvariantEstablished could delete the pod at the bad "
        "revision; website statefulset.md 'Forced rollback' (delete the pod after reverting)",
        predicate=reverted,
        adjust=_broken_then_revert(False),
        assumes="OrderedReady; RollingUpdate; failure=never-ready on edited templates; one edit, one revert to the "
        "first template; nobody deletes a pod",
        explain=_explain_rollout,
        target=rolling_update_done,
        fairness=WEAK_FAIRNESS + _NOBODY_DELETES,
    ),
    Property(
        name="statefulset.revert_converges_with_forced_rollback",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: after a bad release is reverted and the operator deletes the pod stuck at the bad revision "
        "(the documented forced rollback), every ordinal eventually runs the first template and is available",
        upstream="stateful_set_control.go:processReplica recreates a deleted replica at newVersionedStatefulSetPod's "
        "revision (the update revision = the reverted template); website statefulset.md 'Forced rollback'",
        predicate=reverted,
        adjust=_broken_then_revert(True),
        assumes="as revert_converges_without_manual_delete, plus forced-rollback: operator.delete_stuck_pod "
        "(kubectl delete pod of a not-Ready pod at another revision after the revert) is taken when it stays possible",
        explain=_explain_rollout,
        target=rolling_update_done,
        fairness=WEAK_FAIRNESS + "; the operator's forced-rollback delete is assumed (weakly fair)",
    ),
    Property(
        name="statefulset.scale_down_proceeds_while_a_pod_is_unhealthy",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: after a scale-down, the pods above spec.replicas are eventually gone even while <set>-0 "
        "(current revision) fails its readiness probe (not guaranteed: the scale-down halts)",
        upstream="not guaranteed: stateful_set_control.go:processReplica returns at the unhealthy replica "
        "(monotonic) before processCondemned runs (website statefulset.md: OrderedReady scale-down waits for "
        "every predecessor to be Running and Ready)",
        predicate=scaled_down_while_failing,
        adjust=_unhealthy_current_pod(fm.NEVER, "scale"),
        assumes="OrderedReady; failure=never-ready on the current revision of ordinal 0, from a fault step on, "
        "permanent; one scale-down by one",
        explain=_explain_scale_failing,
        target=no_pod_above_range,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.scale_down_resumes_after_repair",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: once the unhealthy pod's cause is repaired, a scale-down completes (pods match "
        "spec.replicas, available, with their claims)",
        upstream="stateful_set_control.go:processReplica passes a Running and Ready replica; processCondemned then "
        "deletes the highest condemned pod, one per sync",
        predicate=scaled_and_repaired,
        adjust=_unhealthy_current_pod(fm.USER, "scale"),
        assumes="as scale_down_proceeds_while_a_pod_is_unhealthy, with failure-repair=user (the premise: the user "
        "has repaired it)",
        explain=_explain_scale_failing,
        target=scale_done,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.rolling_update_proceeds_while_a_pod_is_unhealthy",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: after a template edit, every ordinal eventually runs the update revision even while "
        "<set>-0 (current revision) fails its readiness probe (not guaranteed: the update halts)",
        upstream="not guaranteed: processReplica returns at the unhealthy replica (monotonic), and "
        "updateStatefulSetAfterInvariantEstablished counts it against maxUnavailable",
        predicate=edited_while_failing,
        adjust=_unhealthy_current_pod(fm.NEVER, "edit"),
        assumes="OrderedReady; RollingUpdate; failure=never-ready on the current revision of ordinal 0, from a "
        "fault step on, permanent; one template edit",
        explain=_explain_rollout_failing,
        target=rolling_update_done,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.rolling_update_resumes_after_repair",
        meaningful={},
        kind="leads_to",
        doc="OrderedReady: once the unhealthy pod's cause is repaired, a rolling update completes",
        upstream="stateful_set_control.go:updateStatefulSetAfterInvariantEstablished deletes outdated pods from the "
        "highest ordinal once no replica is unavailable beyond maxUnavailable",
        predicate=edited_and_repaired,
        adjust=_unhealthy_current_pod(fm.USER, "edit"),
        assumes="as rolling_update_proceeds_while_a_pod_is_unhealthy, with failure-repair=user (the premise)",
        explain=_explain_rollout_failing,
        target=rolling_update_done,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.recovers_after_node_failure",
        meaningful={},
        kind="leads_to",
        doc="after a node failure, once the node returns or carries the out-of-service taint, every ordinal is again "
        "Running, Ready and available",
        upstream="node returns: the kubelet reports Ready again (or finishes the taint eviction's deletion) and "
        "processReplica recreates; out-of-service: taint eviction + podgc/gc_controller.go:gcTerminating "
        "force-delete the pods, attach-detach detaches (website node-shutdown.md, non-graceful node shutdown)",
        predicate=node_back_or_out_of_service,
        adjust=_node_failure(True),
        min_nodes=MOVING,
        assumes="at least two nodes; one node failure; the administrator may taint the failed node "
        "out-of-service; no edit or scale",
        explain=_explain_nodes,
        target=all_running_and_ready,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.recovers_after_node_failure_without_intervention",
        meaningful={},
        kind="leads_to",
        doc="after a node failure, every ordinal is eventually Running and Ready again even if the node never returns "
        "and nobody taints it (not guaranteed)",
        upstream="not guaranteed: the pods of a down node stay Terminating with no kubelet to confirm "
        "(website force-delete-stateful-set-pod.md), so processReplica never recreates them",
        predicate=node_failed,
        adjust=_node_failure(False),
        min_nodes=MOVING,
        assumes="at least two nodes; one node failure; no out-of-service taint; no edit or scale",
        explain=_explain_nodes,
        target=all_running_and_ready,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="statefulset.replacement_lands_on_another_node",
        meaningful={"nodes": "3"},
        kind="sometimes",
        doc="after a node failure, a <set>-i runs with its claim on another node than the failed one it first ran "
        "on (witness; with three nodes or more, on either survivor)",
        upstream="out-of-service: taint eviction + podgc/gc_controller.go:gcTerminating delete the pods, "
        "processReplica recreates them, the scheduler binds them to a Ready node (the failed one is tainted "
        "NoSchedule), attach-detach moves the volume (website node-shutdown.md)",
        predicate=replaced_on_another_node,
        adjust=_node_failure_with_claims,
        min_nodes=MOVING,
        assumes=_REPLACEMENT_ASSUMES,
        explain=_explain_nodes,
    ),
    Property(
        name="statefulset.replacement_lands_on_its_old_node",
        meaningful={"nodes": "3"},
        kind="sometimes",
        doc="after a node failure, the replacement <set>-i is bound to the failed node once it returns, and waits "
        "there for its volume (witness; the other outcome of replacement_lands_on_another_node)",
        upstream="the node returns Ready without the out-of-service taint (node-shutdown.md: the administrator "
        "removes it), the scheduler may bind the recreated pod to it; attach-detach attaches the volume again "
        "after the force detach (reconciler.go)",
        predicate=replaced_on_its_old_node,
        adjust=_node_failure_with_claims,
        min_nodes=MOVING,
        assumes=_REPLACEMENT_ASSUMES,
        explain=_explain_nodes,
    ),
    Property(
        name="statefulset.finished_or_deleted",
        meaningful={"pod-management-policy": "Parallel"},
        kind="terminal",
        doc="whenever nothing more can happen, every in-range pod is available at its expected revision and nothing "
        "else exists, or the set and its owned objects are gone",
        upstream="stateful_set_control.go: a sync makes progress while any step is possible",
        predicate=st.quiescent,
    ),
    Property(
        name="statefulset.update_within_max_unavailable",
        meaningful={"replicas": "3", "pod-management-policy": "Parallel", "max-unavailable": "2"},
        kind="step",
        doc="a step that takes a replica down (missing, terminating or not available) leaves at most maxUnavailable "
        "replicas unavailable, under either podManagementPolicy",
        upstream="stateful_set_control.go:updateStatefulSetAfterInvariantEstablished (MaxUnavailableStatefulSet, "
        "beta, on: deletes at most maxUnavailable minus the unavailable replicas, highest ordinal first; "
        "getStatefulSetMaxUnavailable rounds a percent down, at least 1); KEP-961",
        predicate=update_within_max_unavailable,
        adjust=_updates_only,
        assumes="RollingUpdate, at least one template edit; no faults, no failure mode, no manual pod or set "
        "deletion; steps that change replicas are not constrained",
        explain=_explain_unavailable,
    ),
    pods_bound_only_to_ready_nodes("statefulset", {"nodes": "2", "faults": "partition,node-failure"}),
)
