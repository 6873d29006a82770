"""What a Deployment rollout is expected to guarantee, and what it only seems to.

Each property names its upstream justification. Some are not guaranteed upstream; they stay
in the table because users believe them, and the checker's counterexample shows why they fail
(for example ``live_pods_within_surge``: maxSurge bounds ReplicaSet spec.replicas, not pods).
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import deployment_scope as sdc
from kubecheck.model.controllers import deployment_sync as dsync
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment_names import replicaset_name
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property, with_strong_fairness


def _fixed_replicas(sc: DeploymentScope) -> Value:
    return attrs.evolve(sc, scale_to=())


def _no_faults(sc: DeploymentScope) -> Value:
    return attrs.evolve(_fixed_replicas(sc), faults=frozenset())


def _crashes(sc: DeploymentScope) -> Value:
    return attrs.evolve(_fixed_replicas(sc), faults=frozenset({"crash"}), fault_budget=max(1, sc.fault_budget))


def _failing_release(sc: DeploymentScope) -> Value:
    """The scope's failing release, or (none set) an update whose pods never become Ready; no faults."""
    if sc.failure_mode != "none":
        return _no_faults(sc)
    return attrs.evolve(_no_faults(sc), pod_failure=sdc.NEVER_READY, failing_revision=sdc.UPDATE)


def _evicted_release(sc: DeploymentScope) -> Value:
    """The scope's failing release, or (none set) an update whose pods the kubelet evicts; no faults."""
    if sc.failure_mode != "none":
        return _no_faults(sc)
    return attrs.evolve(_no_faults(sc), pod_failure=sdc.EVICTED, failing_revision=sdc.UPDATE)


def _with_deadline(sc: DeploymentScope) -> Value:
    """The scope's progress deadline, or (none set) spec.progressDeadlineSeconds as written (the API's default
    600 unless check -f read another). The model keeps the Deployment's status only with a deadline, so a
    spec without one (2147483647, upstream's "no deadline") is checked at the default instead, which
    ``check -f`` reports as another configuration rather than answering for that manifest."""
    if sc.has_progress_deadline:
        return sc
    if not du.has_progress_deadline(sc.spec_progress_deadline):
        sc = attrs.evolve(sc, spec_progress_deadline=max(600, sc.min_ready_seconds + 1))
    return attrs.evolve(sc, progress_deadline_seconds=sc.spec_progress_deadline)


def _stuck_release(sc: DeploymentScope) -> Value:
    """A failing release (as _failing_release: the scope's, or an update never Ready) under a progress
    deadline; no pause (a paused Deployment is never timed out), no `rollout undo` (it would leave the
    release), no faults, replicas fixed; at least one template edit when the failing release is an update, none
    when it is the first (the Deployment is created with it)."""
    failing = _with_deadline(_failing_release(sc))
    if failing.starts_fresh:  # the first release fails: no edit (it would write a healthy template)
        return attrs.evolve(failing, pauses=0, rollbacks=0, edits=0, edit_to=())
    return attrs.evolve(failing, pauses=0, rollbacks=0, edits=max(1, failing.edits))


def _deadline_no_faults(sc: DeploymentScope) -> Value:
    """The scope with a progress deadline (600 s unless set), no faults, replicas fixed, no pause (a pause
    before the Deployment's next sync leaves DeploymentPaused until the user resumes), no `rollout undo`
    (with the Deployment's status as state it multiplies the small scope's states by 190: 17,324 -> 3,284,670)."""
    return attrs.evolve(_with_deadline(_no_faults(sc)), rollbacks=0, pauses=0)


def _with_rollback(sc: DeploymentScope) -> Value:
    return attrs.evolve(sc, edits=max(1, sc.edits), rollbacks=max(1, sc.rollbacks))


def _with_edit(sc: DeploymentScope) -> Value:
    return attrs.evolve(sc, edits=max(1, sc.edits))


def _scale_choice(sc: DeploymentScope) -> tuple[int, ...]:
    """The scope's scale targets, or one replica fewer (keeps the pod bound, so the state space, of the scope)."""
    return sc.scale_to or ((sc.replicas - 1,) if sc.replicas > 0 else (1,))


def _one_scale(sc: DeploymentScope) -> Value:
    """A `kubectl scale` (to the scope's targets, else replicas - 1); no faults, no pause."""
    return attrs.evolve(sc, scale_to=_scale_choice(sc), scales=max(1, sc.scales), faults=frozenset(), pauses=0)


def _faults_that_stop(sc: DeploymentScope) -> Value:
    """Crashes and evictions on, within the scope's fault budget (at least one): faults eventually
    stop. No `rollout undo` (it multiplies the small scope's states by 35; the rollout is the edit's)."""
    return attrs.evolve(
        _fixed_replicas(sc), faults=frozenset({"crash", "evict"}), fault_budget=max(1, sc.fault_budget), rollbacks=0
    )


def _paused_with_scale(sc: DeploymentScope) -> Value:
    """A template edit, a pause and a `kubectl scale` (as _one_scale); no faults, no `rollout undo`
    (refused while paused anyway; before the pause it multiplies the small scope's states by 70)."""
    return attrs.evolve(_one_scale(sc), edits=max(1, sc.edits), pauses=max(1, sc.pauses), rollbacks=0)


def _paused_rolling(sc: DeploymentScope) -> Value:
    """As _paused_with_scale, with the RollingUpdate strategy (only it scales proportionally)."""
    return attrs.evolve(_paused_with_scale(sc), strategy=du.ROLLING_UPDATE)


def replicas_within_surge(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return d.spec_total(ops, s) <= s.replicas + d.max_surge(ops, sc, s)


def surge_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why Σ spec.replicas ≤ replicas + maxSurge holds (candidates; see Property.lemmas).

    Nobody pauses (the scope has no pauses), so a sync scales proportionally only on a scaling
    event; once a second ReplicaSet exists, every ReplicaSet's desired-replicas annotation is
    spec.replicas (replicas never change), so no sync is a scaling event and only
    NewRSNewReplicas grows a ReplicaSet, up to replicas + maxSurge in total; before that, the one
    ReplicaSet has at least spec.replicas. The first ReplicaSet is never cleaned up while it is
    the only one.
    """
    k = len(s.rs_exists)
    rolled = ops.or_(*[s.rs_exists[j] for j in range(1, k)])
    out = [ops.not_(s.paused), s.rs_exists[0], ops.implies(ops.not_(rolled), s.rs_replicas[0] >= s.replicas)]
    for i in range(k):
        out += [
            ops.implies(rolled, s.rs_desired[i] >= s.replicas),
            ops.implies(ops.and_(rolled, s.replicas > 0), s.rs_desired[i] <= s.replicas),
        ]
    return out


#: Pod phases that count toward a ReplicaSet's active pods but are not (yet) available.
_NOT_AVAILABLE = ("unscheduled", "pending", "running", "ready")


def slot_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """What every reachable state's ReplicaSet slots look like (candidates shared by the stated lemmas below).

    Slot ``t`` holds the ReplicaSet of the template written by edit ``t``: a slot beyond the
    templates written so far was never created; a deleted ReplicaSet (sync.go:cleanupDeployment,
    then the garbage collector) keeps no spec, status nor active pod, only terminating ones; the
    Deployment's template is one written so far.
    """
    out = [s.template < s.templates_used]
    for t in range(len(s.rs_exists)):
        gone = ops.not_(s.rs_exists[t])
        out += [
            ops.implies(
                gone,
                ops.and_(
                    s.rs_replicas[t] == 0,
                    s.rs_status_replicas[t] == 0,
                    s.rs_status_available[t] == 0,
                    s.failed[t] == 0,
                ),
            ),
            ops.implies(gone, ops.sum_(d.in_phase(s, p, t) for p in _NOT_AVAILABLE + ("available",)) == 0),
            ops.implies(s.templates_used <= t, ops.and_(gone, d.in_phase(s, "terminating", t) == 0)),
        ]
    return out


def _unscaled_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Nobody pauses or scales: the first ReplicaSet is never cleaned up (with revisionHistoryLimit at least
    the old ones' count), and every ReplicaSet's desired-replicas annotation is spec.replicas, so no sync is a
    scaling event (sync.go:isScalingEvent) and each takes the rollout path."""
    k = len(s.rs_exists)
    out = [ops.not_(s.paused), s.rs_exists[0]]
    return out + [ops.implies(s.rs_exists[t], s.rs_desired[t] == s.replicas) for t in range(k)]


def live_pods_within_surge(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return d.live_pods(ops, s) <= s.replicas + d.max_surge(ops, sc, s)


def active_pods_within_surge(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.sum_(d.active_pods(s, t) for t in range(len(s.rs_exists))) <= s.replicas + d.max_surge(ops, sc, s)


def _explain_active(sc: DeploymentScope, s: DeploymentState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    active = sum(d.active_pods(s, t) for t in range(len(s.rs_exists)))
    return (
        f"pods not terminating (nor Failed) = {active}, {sum(s.terminating)} terminating; replicas + maxSurge = "
        f"{s.replicas} + {d.max_surge(c, sc, s)} = {s.replicas + d.max_surge(c, sc, s)}"
    )


def availability_floor(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return d.available_pods(ops, s) >= d.min_available(ops, sc, s)


def availability_floor_as_written(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return d.available_pods(ops, s) >= d.min_available_as_written(ops, sc, s)


def _explain_floor_as_written(sc: DeploymentScope, s: DeploymentState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    written = d.min_available_as_written(c, sc, s)
    return (
        f"available pods = {d.available_pods(c, s)}, replicas - maxUnavailable as written = "
        f"{s.replicas} - {s.replicas - written} = {written}; the controller's floor is "
        f"{d.min_available(c, sc, s)} (ResolveFenceposts, MaxUnavailable)"
    )


def failing_release_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why the floor holds while the new release's pods never become Ready (candidates; see Property.lemmas).

    The failing ReplicaSets' pods are never Ready, so they count no available pod and report none
    (status.availableReplicas 0). rolling.go:reconcileOldReplicaSets scales the old ReplicaSets down
    by at most maxScaledDown = Σ spec − minAvailable − (new spec − new available) = old spec −
    minAvailable in all (cleanupUnhealthyReplicas and scaleDownOldReplicaSetsForRollingUpdate
    together), so a healthy ReplicaSet that is old (or not yet replaced: no edit yet) keeps
    spec.replicas ≥ minAvailable; it is never scaled up while old, so all its active pods are
    available and at least its spec.replicas (replica_set.go:manageReplicas deletes only the excess).
    Once `rollout undo` makes it new again (one undo, one edit: the template cannot change after)
    it only grows: it has no more active pods than its spec, or is still the settled old one.
    """
    failing = sc.failing_slots()
    new = d.new_replicaset(ops, sc, s)
    floor = d.min_available(ops, sc, s)
    out = [s.rs_replicas[t] <= s.replicas for t in range(len(s.rs_exists))]
    for t in range(len(s.rs_exists)):
        if t in failing:
            out += [d.in_phase(s, "ready", t) == 0, d.in_phase(s, "available", t) == 0, s.rs_status_available[t] == 0]
            continue
        serving = ops.and_(s.rs_exists[t], ops.or_(ops.not_(new[t]), s.templates_used == 1))
        settled = ops.and_(
            ops.sum_(d.in_phase(s, p, t) for p in _NOT_AVAILABLE) == 0,
            d.in_phase(s, "available", t) >= s.rs_replicas[t],
        )
        out += [
            ops.implies(serving, settled),
            ops.implies(ops.and_(new[t], s.templates_used == 1), s.rs_replicas[t] == s.replicas),
            ops.implies(serving, s.rs_replicas[t] >= floor),
            ops.implies(ops.and_(new[t], s.templates_used > 1), s.rollbacks_left == 0),
            ops.implies(
                new[t],
                ops.or_(d.active_pods(s, t) <= s.rs_replicas[t], ops.and_(settled, s.rs_replicas[t] >= floor)),
            ),
        ]
    return out + _unscaled_lemmas(ops, sc, s) + slot_lemmas(ops, sc, s)


def revisions_unique(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    k = len(s.rs_exists)
    return ops.and_(
        *[
            ops.not_(ops.and_(s.rs_exists[a], s.rs_exists[b], s.rs_revision[a] == s.rs_revision[b]))
            for a in range(k)
            for b in range(a + 1, k)
        ]
    )


def _current_is_newest(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    k = len(s.rs_exists)
    new = d.new_replicaset(ops, sc, s)
    return ops.and_(
        *[
            ops.implies(ops.and_(new[t], s.rs_exists[u]), s.rs_revision[t] >= s.rs_revision[u])
            for t in range(k)
            for u in range(k)
        ]
    )


def rollback_restores_template(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.implies(ops.and_(ops.not_(s.paused), d.rollout_complete(ops, sc, s)), _current_is_newest(ops, sc, s))


def rollback_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why a complete rollout runs the newest revision (candidates; see Property.lemmas).

    Every sync of the Deployment controller starts with getNewReplicaSet, which gives the new
    ReplicaSet (created or found: after `rollout undo`, the chosen one) revision
    MaxRevision(old)+1 (sync.go, deployment_util.go:SetNewReplicaSetAnnotations), and only a sync
    sets observedGeneration; an edit or undo makes the generation unobserved. So once observed,
    the new ReplicaSet has the highest revision, and revisions are unique.
    """
    return [
        ops.implies(s.observed, _current_is_newest(ops, sc, s)),
        revisions_unique(ops, sc, s),
    ] + slot_lemmas(ops, sc, s)


def rollout_can_complete(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.and_(s.templates_used > 1, s.template == s.templates_used - 1, d.rollout_complete(ops, sc, s))


def rollback_can_happen(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    k = len(s.rs_exists)
    newer_exists = ops.or_(*[ops.and_(s.template < u, s.rs_exists[u]) for u in range(k)])
    return ops.and_(
        s.rollbacks_left < sc.rollbacks, newer_exists, d.rollout_complete(ops, sc, s), _current_is_newest(ops, sc, s)
    )


def failed_pod_replaced(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """A ReplicaSet has a Failed pod and, beside it, spec.replicas active pods, as its status reports."""
    return ops.or_(
        *[
            ops.and_(
                s.failed[t] > 0,
                s.rs_replicas[t] > 0,
                d.active_pods(s, t) == s.rs_replicas[t],
                s.rs_status_replicas[t] == s.rs_replicas[t],
            )
            for t in range(len(s.rs_exists))
        ]
    )


def replicaset_reused(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The Deployment's ReplicaSet is one it ran before: renumbered, its earlier revision in
    revision-history, and the rollout to it is complete."""
    new = d.new_replicaset(ops, sc, s)
    reused = ops.or_(*[ops.and_(new[t], s.rs_history[t] > 0) for t in range(len(new))])
    return ops.and_(reused, d.rollout_complete(ops, sc, s), _current_is_newest(ops, sc, s))


def _failing_template(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The Deployment's pod template is the failing release's."""
    return ops.or_(*[s.template == t for t in sc.failing_slots()])


def stuck_on_failing_release(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The Deployment's template is the failing release's and the user has no template edit or
    `rollout undo` left: its rollout can never complete (unless its pods do become available)."""
    return ops.and_(
        _failing_template(ops, sc, s),
        s.templates_used == sc.templates,
        s.rollbacks_left == 0,
        ops.not_(d.rollout_complete(ops, sc, s)),
    )


def reported_deadline_exceeded(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Progressing=False/ProgressDeadlineExceeded: `kubectl rollout status` exits with "deployment ...
    exceeded its progress deadline"."""
    return s.progressing == du.TIMED_OUT


def complete_and_running(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The rollout is complete (every replica of the current template available, reported by its
    ReplicaSet, nothing else running) and the Deployment is not paused."""
    return ops.and_(ops.not_(s.paused), d.rollout_complete(ops, sc, s))


def reported_complete(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Progressing=True/NewReplicaSetAvailable and `kubectl rollout status` says "successfully rolled out"."""
    return ops.and_(s.progressing == du.NEW_RS_AVAILABLE, d.rollout_status_done(ops, sc, s))


def timed_out_keeps_failed_pods(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """ProgressDeadlineExceeded is reported, the template is still the failing release's, and its
    ReplicaSet keeps its replicas and runs them all, as its status reports: nothing rolled back."""
    new = d.new_replicaset(ops, sc, s)
    keeps = ops.or_(
        *[
            ops.and_(
                new[t],
                s.rs_replicas[t] > 0,
                d.active_pods(s, t) == s.rs_replicas[t],
                s.rs_status_replicas[t] == s.rs_replicas[t],
            )
            for t in range(len(s.rs_exists))
        ]
    )
    return ops.and_(reported_deadline_exceeded(ops, sc, s), _failing_template(ops, sc, s), keeps)


def _explain_progress(sc: DeploymentScope, s: DeploymentState) -> str:
    answer = d.rollout_status(sc, s)
    said = "" if answer is None else (answer[2] or answer[0])
    return (
        f"Progressing {du.PROGRESSING_STATUS[s.progressing] or '(none)'}"
        f"{'/' + du.PROGRESSING_REASONS[s.progressing] if s.progressing else ''}; "
        f"`kubectl rollout status`: {said}; " + _explain_rollout(sc, s)
    )


def _explain_surge(sc: DeploymentScope, s: DeploymentState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    return (
        f"Σ ReplicaSet spec.replicas = {d.spec_total(c, s)}, replicas + maxSurge = "
        f"{s.replicas} + {d.max_surge(c, sc, s)} = {s.replicas + d.max_surge(c, sc, s)}"
    )


def _explain_live(sc: DeploymentScope, s: DeploymentState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    term = sum(s.terminating)
    return (
        f"pods = {d.live_pods(c, s)} ({term} terminating), replicas + maxSurge = "
        f"{s.replicas} + {d.max_surge(c, sc, s)} = {s.replicas + d.max_surge(c, sc, s)}"
    )


def _explain_floor(sc: DeploymentScope, s: DeploymentState) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    return (
        f"available pods = {d.available_pods(c, s)}, replicas - maxUnavailable = "
        f"{s.replicas} - {s.replicas - d.min_available(c, sc, s)} = {d.min_available(c, sc, s)}"
    )


def _explain_revisions(sc: DeploymentScope, s: DeploymentState) -> str:
    live = [f"{_rs_name(sc, t)} rev {r}" for t, (e, r) in enumerate(zip(s.rs_exists, s.rs_revision)) if e]
    return f"revisions: {', '.join(live)}; the Deployment's template is {_rs_name(sc, s.template)}'s"


def _rs_name(sc: DeploymentScope, t: int) -> str:
    """The name of slot ``t``'s ReplicaSet: from its template (slots of one template share a name)."""
    return replicaset_name(sc.template_value(t), sc.name)


def rollout_in_progress(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.and_(ops.not_(s.paused), ops.not_(d.rollout_complete(ops, sc, s)))


def rollout_settled(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    return ops.or_(s.paused, d.rollout_complete(ops, sc, s))


def scaled(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """The user has run `kubectl scale` (the scope's only scale left, or one of them)."""
    return s.scales_left < sc.scales


def _new_value(ops: Ops, sc: DeploymentScope, s: DeploymentState, values: tuple) -> Value:
    """The value for the ReplicaSet of the current template (0 if none exists)."""
    new = d.new_replicaset(ops, sc, s)
    return ops.sum_(ops.ite(new[t], values[t], 0) for t in range(len(values)))


def paused_creates_no_replicaset(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    return ops.implies(
        s.paused, ops.and_(*[ops.or_(s.rs_exists[i], ops.not_(t.rs_exists[i])) for i in range(len(s.rs_exists))])
    )


def paused_keeps_new_replicaset(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """While paused, the current template's ReplicaSet grows only on a scaling event (its
    desired-replicas annotation still differs from spec.replicas: the user has scaled)."""
    grown = _new_value(ops, sc, s, t.rs_replicas) > _new_value(ops, sc, s, s.rs_replicas)
    pending_scale = _new_value(ops, sc, s, s.rs_desired) != s.replicas
    return ops.implies(ops.and_(s.paused, t.paused, grown), pending_scale)


def paused_scaled_proportionally(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Paused, at least two ReplicaSets with replicas, every one of them scaled to the user's new count."""
    k = len(s.rs_exists)
    active = [ops.and_(s.rs_exists[t], s.rs_replicas[t] > 0) for t in range(k)]
    return ops.and_(
        s.paused,
        s.observed,
        s.replicas != sc.replicas,
        ops.count(active) >= 2,
        *[ops.implies(active[t], s.rs_desired[t] == s.replicas) for t in range(k)],
    )


def _explain_rollout(sc: DeploymentScope, s: DeploymentState) -> str:
    """spec.replicas and, per ReplicaSet, spec / desired-replicas annotation / status, as `kubectl get rs` shows."""
    from kubecheck.model.kernel.ops import CONCRETE as c

    parts = []
    for t, exists in enumerate(s.rs_exists):
        if not exists:
            continue
        role = "new" if d.new_replicaset(c, sc, s)[t] else "old"
        parts.append(
            f"{_rs_name(sc, t)} ({role}) spec.replicas {s.rs_replicas[t]} (desired-replicas annotation "
            f"{s.rs_desired[t]}), {d.active_pods(s, t)} pods, status {s.rs_status_available[t]} available"
        )
    status = "observed" if s.observed else "not yet observed"
    done = "complete" if d.rollout_complete(c, sc, s) else "not complete"
    return f"spec.replicas {s.replicas} ({status}), rollout {done}; " + "; ".join(parts)


def _explain_pause(sc: DeploymentScope, s: DeploymentState) -> str:
    word = "paused" if s.paused else "not paused"
    return f"the Deployment is {word}; " + _explain_rollout(sc, s)


#: ReplicaSet and Deployment controllers assumed strongly fair by the _under_strong_fairness variant.
_EVENT_DRIVEN = (
    "replicaset-controller.sync_replicaset",
    "deployment-controller.create_new_replicaset",
    "deployment-controller.scale_new_replicaset",
    "deployment-controller.scale_down_old_replicasets",
    "deployment-controller.scale_deployment",
)

#: As _EVENT_DRIVEN, and the status-only Deployment sync: deployment_controller.go:updateReplicaSet
#: enqueues the Deployment on every ReplicaSet status change, so a status the Deployment would write
#: again and again is written (weak fairness alone lets it ignore a count that keeps moving).
_STATUS_DRIVEN = _EVENT_DRIVEN + ("deployment-controller.sync_status",)


def _rolling(sc: DeploymentScope) -> Value:
    return attrs.evolve(sc, strategy=du.ROLLING_UPDATE)


def _spec_kept(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """The step is a sync on the rollout path of a Deployment whose spec it leaves as it is: no user
    change of replicas, template, strategy or pause, and no scaling event (isScalingEvent: an active
    ReplicaSet whose desired-replicas annotation differs from spec.replicas) that would take the
    sync() path and scale proportionally instead."""
    scaling = ops.or_(
        *[
            ops.and_(s.rs_exists[i], s.rs_replicas[i] > 0, s.rs_desired[i] != s.replicas)
            for i in range(len(s.rs_exists))
        ]
    )
    return ops.and_(
        s.replicas == t.replicas,
        s.template == t.template,
        s.strategy_edited == t.strategy_edited,
        ops.not_(s.paused),
        ops.not_(t.paused),
        ops.not_(scaling),
    )


def old_scale_down_budget(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """reconcileOldReplicaSets' maxScaledDown, from the ReplicaSets the sync read: Σ spec.replicas of
    every ReplicaSet (the new one as the step leaves it: it may create it) - MinAvailable - the new
    ReplicaSet's unavailable replicas (spec.replicas - status.availableReplicas)."""
    is_new = d.new_replicaset(ops, sc, t)
    k = len(s.rs_exists)
    old_spec = ops.sum_(ops.ite(ops.and_(s.rs_exists[i], ops.not_(is_new[i])), s.rs_replicas[i], 0) for i in range(k))
    new_spec = ops.sum_(ops.ite(is_new[i], t.rs_replicas[i], 0) for i in range(k))
    new_available = ops.sum_(ops.ite(is_new[i], s.rs_status_available[i], 0) for i in range(k))
    min_available = dsync.in_force(ops, sc, s, du.min_available, s.replicas)
    return old_spec + new_spec - min_available - (new_spec - new_available)


def old_scaled_down(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """How many replicas the step takes from the old ReplicaSets' spec.replicas (Σ of the decreases)."""
    is_new = d.new_replicaset(ops, sc, t)
    return ops.sum_(
        ops.ite(ops.and_(s.rs_exists[i], ops.not_(is_new[i])), ops.max_(s.rs_replicas[i] - t.rs_replicas[i], 0), 0)
        for i in range(len(s.rs_exists))
    )


def old_scale_down_within_budget(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    down = old_scaled_down(ops, sc, s, t)
    return ops.implies(_spec_kept(ops, sc, s, t), ops.or_(down == 0, down <= old_scale_down_budget(ops, sc, s, t)))


def _explain_scale_down(sc: DeploymentScope, s: DeploymentState) -> str:
    sizes = [f"{_rs_name(sc, t)}={s.rs_replicas[t]}" for t in range(len(s.rs_exists)) if s.rs_exists[t]]
    return f"ReplicaSet spec.replicas after the step: {', '.join(sizes)}"


#: Phases of an active pod that is not Ready (ActivePodsWithRanks puts them before Ready ones).
_NOT_READY = ("unscheduled", "pending", "running")


def _ready_count(s: DeploymentState, t: int) -> Value:
    return d.in_phase(s, "ready", t) + d.in_phase(s, "available", t)


def not_ready_pods_deleted_first(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """A step that deletes a Ready pod of a ReplicaSet (Ready count down, Terminating up, no fault paid)
    leaves that ReplicaSet no active pod that is not Ready."""
    return ops.and_(
        *[
            ops.implies(
                ops.and_(
                    s.faults_left == t.faults_left,
                    d.in_phase(t, "terminating", i) > d.in_phase(s, "terminating", i),
                    _ready_count(t, i) < _ready_count(s, i),
                ),
                ops.sum_(d.in_phase(t, phase, i) for phase in _NOT_READY) == 0,
            )
            for i in range(len(s.rs_exists))
        ]
    )


def _explain_deletion(sc: DeploymentScope, s: DeploymentState) -> str:
    rows = [
        f"{_rs_name(sc, t)}: {', '.join(f'{p} {d.in_phase(s, p, t)}' for p in (*_NOT_READY, 'ready', 'available'))}"
        for t in range(len(s.rs_exists))
        if s.rs_exists[t]
    ]
    return "; ".join(rows)


def _recreate(sc: DeploymentScope) -> Value:
    return attrs.evolve(sc, strategy=du.RECREATE, edits=max(1, sc.edits))


#: Phases of a pod whose containers may run (a terminating pod's until the kubelet stops them).
_STARTED = ("running", "ready", "available", "terminating")


def one_revision_running(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Pods of at most one pod template have containers that may run (started or terminating)."""
    values = sorted({sc.template_value(u) for u in range(len(s.rs_exists))})
    has = [
        ops.sum_(
            d.in_phase(s, phase, u) for u in range(len(s.rs_exists)) if sc.template_value(u) == v for phase in _STARTED
        )
        > 0
        for v in values
    ]
    return ops.and_(*[ops.not_(ops.and_(has[a], has[b])) for a in range(len(has)) for b in range(a + 1, len(has))])


def recreate_lemmas(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """Why Recreate runs one template at a time (candidates; see Property.lemmas).

    recreate.go:rolloutRecreate scales every old ReplicaSet to 0 and scales the new one up (or
    creates it) only when no old ReplicaSet is active and oldPodsRunning finds no pod of an old one
    that is not Succeeded or Failed (terminating ones included); a ReplicaSet with spec.replicas 0
    creates no pod. So at most one template has a ReplicaSet that is scaled up or has a pod; a
    cleaned-up ReplicaSet had no pod left (cleanup runs only after the wait).
    """
    k = len(s.rs_exists)

    def alive(t: int) -> Value:
        return ops.or_(
            s.rs_replicas[t] > 0,
            ops.sum_(d.in_phase(s, p, t) for p in _NOT_AVAILABLE + ("available", "terminating")) > 0,
        )

    out = [
        ops.not_(ops.and_(alive(a), alive(b)))
        for a in range(k)
        for b in range(a + 1, k)
        if sc.template_value(a) != sc.template_value(b)
    ]
    out += [ops.implies(ops.not_(s.rs_exists[t]), d.in_phase(s, "terminating", t) == 0) for t in range(k)]
    return out + _unscaled_lemmas(ops, sc, s) + slot_lemmas(ops, sc, s)


def _explain_revisions_running(sc: DeploymentScope, s: DeploymentState) -> str:
    rows = [
        f"{_rs_name(sc, t)}: {sum(d.in_phase(s, p, t) for p in _STARTED)} started or terminating"
        for t in range(len(s.rs_exists))
        if s.rs_exists[t] or d.in_phase(s, "terminating", t)
    ]
    return "; ".join(rows)


def replicaset_deleted_only_beyond_history(
    ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState
) -> Value:
    """A step that deletes a ReplicaSet deletes an old one that is empty (spec.replicas 0, status.replicas 0,
    its status observed) and among the oldest revisions beyond revisionHistoryLimit."""
    k = len(s.rs_exists)
    is_new = d.new_replicaset(ops, sc, s)
    old = [ops.and_(s.rs_exists[u], ops.not_(is_new[u])) for u in range(k)]
    beyond = ops.count(old) - sc.revision_history_limit
    conds = []
    for i in range(k):
        older = ops.count(
            ops.and_(
                old[u],
                ops.or_(s.rs_revision[u] < s.rs_revision[i], ops.and_(s.rs_revision[u] == s.rs_revision[i], u < i)),
            )
            for u in range(k)
            if u != i
        )
        conds.append(
            ops.implies(
                ops.and_(s.rs_exists[i], ops.not_(t.rs_exists[i])),
                ops.and_(old[i], s.rs_replicas[i] == 0, s.rs_status_replicas[i] == 0, s.rs_synced[i], older < beyond),
            )
        )
    return ops.and_(*conds)


def _explain_history(sc: DeploymentScope, s: DeploymentState) -> str:
    rows = [
        f"{_rs_name(sc, t)} rev {s.rs_revision[t]} spec.replicas {s.rs_replicas[t]}"
        for t in range(len(s.rs_exists))
        if s.rs_exists[t]
    ]
    return f"ReplicaSets after the step: {'; '.join(rows) or 'none'} (revisionHistoryLimit {sc.revision_history_limit})"


PROPERTIES = (
    Property(
        name="deployment.replicas_within_surge",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="Σ ReplicaSet spec.replicas never exceeds replicas + maxSurge",
        upstream="rolling.go:reconcileNewReplicaSet via deployment_util.go:NewRSNewReplicas (caps the new RS at "
        "replicas + maxSurge over all RS specs)",
        predicate=replicas_within_surge,
        adjust=_fixed_replicas,
        assumes="replicas not changed by the user",
        explain=_explain_surge,
        lemmas=surge_lemmas,
    ),
    Property(
        name="deployment.live_pods_within_surge",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="pods that exist (terminating included) never exceed replicas + maxSurge",
        upstream="not guaranteed: NewRSNewReplicas counts spec.replicas, and terminating pods are not active "
        "(controller_utils.go:FilterActivePods)",
        predicate=live_pods_within_surge,
        adjust=_fixed_replicas,
        assumes="replicas not changed by the user",
        explain=_explain_live,
    ),
    Property(
        name="deployment.active_pods_within_surge",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="pods that are not terminating (nor Failed) never exceed replicas + maxSurge",
        upstream="not guaranteed: NewRSNewReplicas bounds Σ spec.replicas, and a ReplicaSet scaled down keeps its "
        "pods until its own sync deletes them, while the new one may already have created its own "
        "(replica_set.go:manageReplicas; FilterActivePods). In v1.35 status.terminatingReplicas is published "
        "(DeploymentReplicaSetTerminatingReplicas, beta, on) but no decision reads it: "
        "DeploymentPodReplacementPolicy does not exist before v1.36",
        predicate=active_pods_within_surge,
        adjust=_fixed_replicas,
        assumes="replicas not changed by the user",
        explain=_explain_active,
    ),
    Property(
        name="deployment.availability_floor",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="available pods never drop below replicas - maxUnavailable (faults off)",
        upstream="rolling.go:reconcileOldReplicaSets keeps Σ status.availableReplicas above MinAvailable when it "
        "scales old ReplicaSets down",
        predicate=availability_floor,
        adjust=_no_faults,
        assumes="no faults; replicas not changed by the user",
        explain=_explain_floor,
    ),
    Property(
        name="deployment.availability_floor_with_crashes",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="available pods never drop below replicas - maxUnavailable, even when a ready pod may crash",
        upstream="not guaranteed: the controller only refrains from scaling down (rolling.go); it cannot prevent "
        "involuntary disruption",
        predicate=availability_floor,
        adjust=_crashes,
        assumes="one pod crash may happen; replicas not changed by the user",
        explain=_explain_floor,
    ),
    Property(
        name="deployment.availability_floor_as_written",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="available pods never drop below replicas - maxUnavailable as the manifest reads it (a percentage of "
        "replicas rounded down), faults off",
        upstream="not guaranteed: the controller keeps its own floor, deployment_util.go:MinAvailable via "
        "ResolveFenceposts, which turns maxUnavailable 0 into 1 when maxSurge also resolves to 0 (e.g. maxSurge 0%, "
        "maxUnavailable 10% of 3 replicas) so that a rollout can proceed",
        predicate=availability_floor_as_written,
        adjust=_no_faults,
        assumes="no faults; replicas not changed by the user",
        explain=_explain_floor_as_written,
    ),
    Property(
        name="deployment.availability_floor_with_failing_release",
        meaningful={"max-unavailable": "1"},
        kind="always",
        doc="available pods never drop below replicas - maxUnavailable while the new release's pods fail (the scope's "
        "pod-failure; none set: they never become Ready)",
        upstream="guaranteed only against pods that never become available: rolling.go:reconcileOldReplicaSets "
        "scales old ReplicaSets down against status.availableReplicas, so a release that never starts or is never "
        "Ready stalls with the old pods serving; pods that fail after being counted available (crash-after-ready, "
        "evicted: pkg/kubelet/eviction) take the floor down, as any involuntary disruption does",
        predicate=availability_floor,
        adjust=_failing_release,
        assumes="the new release's pods fail as pod-failure says (default never-ready); no faults; replicas not "
        "changed by the user",
        explain=_explain_floor,
        lemmas=failing_release_lemmas,
    ),
    Property(
        name="deployment.failed_pod_replaced",
        meaningful={},
        kind="sometimes",
        doc="a ReplicaSet with a Failed pod runs spec.replicas active pods beside it and reports them (witness)",
        upstream="controller_utils.go:FilterActivePods leaves out pods in phase Failed, so replica_set.go:"
        "manageReplicas creates their replacements and status.replicas does not count them; nothing deletes the "
        "Failed pod (the pod GC only past --terminated-pod-gc-threshold)",
        predicate=failed_pod_replaced,
        adjust=_evicted_release,
        assumes="the new release's pods fail as pod-failure says (default evicted); no faults",
    ),
    Property(
        name="deployment.revisions_unique",
        meaningful={"rollbacks": "1"},
        kind="always",
        doc="no two ReplicaSets of the Deployment carry the same revision number",
        upstream="sync.go:getNewReplicaSet gives a new or reused ReplicaSet MaxRevision(old)+1",
        predicate=revisions_unique,
        explain=_explain_revisions,
    ),
    Property(
        name="deployment.rollback_restores_template",
        meaningful={},
        kind="always",
        doc="once a rollout completes, the running ReplicaSet is the current template's and has the highest revision "
        "(after `rollout undo`, the chosen one)",
        upstream="kubectl rollback.go copies the chosen ReplicaSet's template; sync.go:getNewReplicaSet then reuses "
        "that ReplicaSet with revision max+1",
        predicate=rollback_restores_template,
        adjust=_with_rollback,
        assumes="at least one template edit and one rollout undo",
        explain=_explain_revisions,
        lemmas=rollback_lemmas,
    ),
    Property(
        name="deployment.rollout_can_complete",
        meaningful={},
        kind="sometimes",
        doc="a rollout to an edited template can complete (witness)",
        upstream="deployment_util.go:DeploymentComplete",
        predicate=rollout_can_complete,
        adjust=_with_edit,
        assumes="at least one template edit",
    ),
    Property(
        name="deployment.rollback_can_happen",
        meaningful={},
        kind="sometimes",
        doc="a `rollout undo` can bring the Deployment back to an older template and complete (witness)",
        upstream="kubectl polymorphichelpers/rollback.go; sync.go revision reuse",
        predicate=rollback_can_happen,
        adjust=_with_rollback,
        assumes="at least one template edit and one rollout undo",
    ),
    Property(
        name="deployment.replicaset_reused_with_new_revision",
        meaningful={},
        kind="sometimes",
        doc="going back to a template that still has a ReplicaSet (`rollout undo`, or an edit that writes it again) "
        "reuses that ReplicaSet: renumbered to the highest revision, the old number in its revision-history, and "
        "rolled out (witness)",
        upstream="sync.go:getNewReplicaSet → deployment_util.go:FindNewReplicaSet (the oldest ReplicaSet whose "
        "template equals the Deployment's, EqualIgnoreHash) and SetNewReplicaSetAnnotations (revision "
        "MaxRevision(old)+1, the previous one appended to revision-history)",
        predicate=replicaset_reused,
        adjust=_with_rollback,
        assumes="at least one template edit and one rollout undo",
        explain=_explain_revisions,
    ),
    Property(
        name="deployment.rollout_eventually_completes",
        meaningful={"max-unavailable": "1"},
        kind="leads_to",
        doc="a rollout in progress eventually completes (or the user pauses it)",
        upstream="rolling.go/recreate.go make progress whenever pods become available; nothing rolls back a failed "
        "release (progress.go only reports ProgressDeadlineExceeded)",
        predicate=rollout_in_progress,
        explain=None,
        target=rollout_settled,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="deployment.rollout_eventually_completes_under_strong_fairness",
        meaningful={"max-unavailable": "1"},
        kind="leads_to",
        doc="a rollout in progress eventually completes (or the user pauses it), even if the controllers take every "
        "chance they are offered: a counterexample here is not an artefact of a controller that ignores a readiness "
        "blip",
        upstream="replica_set.go:updatePod enqueues the ReplicaSet on every pod status change and "
        "deployment_controller.go:"
        "updateReplicaSet the Deployment on every ReplicaSet change, so a step enabled again and again is eventually "
        "taken; nothing rolls back a failed release (progress.go only reports ProgressDeadlineExceeded)",
        predicate=rollout_in_progress,
        explain=_explain_rollout,
        target=rollout_settled,
        fairness=with_strong_fairness(*_EVENT_DRIVEN, why="a crash-looping pod's moments of readiness are seen"),
        strong_fairness=_EVENT_DRIVEN,
    ),
    Property(
        name="deployment.rollout_eventually_completes_with_faults",
        meaningful={"max-unavailable": "1"},
        kind="leads_to",
        doc="a rollout in progress eventually completes (or the user pauses it) although pods crash or are evicted, "
        "a bounded number of times (faults eventually stop)",
        upstream="rolling.go/recreate.go scale on ReplicaSet status; replica_set.go:manageReplicas replaces evicted "
        "pods "
        "(terminating pods are not active, controller_utils.go:FilterActivePods); the kubelet restarts a crashed "
        "container",
        predicate=rollout_in_progress,
        adjust=_faults_that_stop,
        assumes="faults: crash and evict, at most fault-budget (>= 1) of them; "
        "replicas not changed by the user; no rollout undo",
        explain=_explain_rollout,
        target=rollout_settled,
        fairness=WEAK_FAIRNESS + "; faults stop once the fault budget is spent",
    ),
    Property(
        name="deployment.scale_eventually_completes",
        meaningful={"max-unavailable": "1"},
        kind="leads_to",
        doc="after `kubectl scale`, the Deployment eventually runs spec.replicas available pods of its template, "
        "nothing else, and its status has caught up (what `kubectl rollout status` waits for)",
        upstream="not guaranteed: sync.go:scale returns early when the only active ReplicaSet already has "
        "spec.replicas "
        "without refreshing its desired-replicas annotation, so isScalingEvent stays true and rolloutRolling never "
        "runs again (kubernetes/kubernetes#102551; fixes proposed in #102579, #138036, #138840)",
        predicate=scaled,
        adjust=_one_scale,
        assumes="one `kubectl scale` (to the scope's scale-to, else replicas - 1); no faults, no pause",
        explain=_explain_rollout,
        target=d.rollout_complete,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="deployment.stuck_rollout_reported",
        meaningful={},
        kind="leads_to",
        doc="a rollout that can never complete (its pods never become available) is eventually reported "
        "Progressing=False/ProgressDeadlineExceeded, so `kubectl rollout status` fails",
        upstream="progress.go:syncRolloutStatus sets ProgressDeadlineExceeded once DeploymentTimedOut "
        "(deployment_util.go: lastUpdateTime + progressDeadlineSeconds before now) and nothing counts as progress "
        "(DeploymentProgressing: more updated, ready or available replicas, fewer old ones); requeueStuckDeployment "
        "syncs the Deployment at the deadline. Guaranteed only when progress stops: pods that keep being replaced "
        "(evicted) or keep becoming Ready (crash-after-ready) refresh lastUpdateTime for ever, and a rollout once "
        "reported NewReplicaSetAvailable is never timed out",
        predicate=stuck_on_failing_release,
        adjust=_stuck_release,
        assumes="the release's pods fail as pod-failure says (default never-ready, on an update); a progress "
        "deadline (600 s unless set); no pause, no rollout undo, no faults; replicas not changed by the user",
        explain=_explain_progress,
        target=reported_deadline_exceeded,
        fairness=with_strong_fairness(
            *_STATUS_DRIVEN, why="the Deployment is resynced on every ReplicaSet status change it is offered"
        )
        + "; time passes (a Progressing condition not stamped again does time out)",
        strong_fairness=_STATUS_DRIVEN,
    ),
    Property(
        name="deployment.complete_rollout_reported",
        meaningful={},
        kind="leads_to",
        doc="a completed rollout is eventually reported Progressing=True/NewReplicaSetAvailable and `kubectl "
        "rollout status` says it successfully rolled out",
        upstream="progress.go:syncRolloutStatus sets NewReplicaSetAvailable when DeploymentComplete "
        "(deployment_util.go) on the status calculateStatus (sync.go) computes; kubectl polymorphichelpers/"
        "rollout_status.go:DeploymentStatusViewer.Status reads that status. Not if the user pauses first: "
        "sync.go:checkPausedConditions writes DeploymentPaused and a paused Deployment's sync() never runs "
        "syncRolloutStatus",
        predicate=complete_and_running,
        adjust=_deadline_no_faults,
        assumes="a progress deadline (600 s unless set); no faults, no pause, no rollout undo; replicas not changed by "
        "the user",
        explain=_explain_progress,
        target=reported_complete,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="deployment.timed_out_release_keeps_its_pods",
        meaningful={},
        kind="sometimes",
        doc="the progress deadline passes, ProgressDeadlineExceeded is reported, and the failing ReplicaSet keeps "
        "its replicas and runs them all: nothing rolls back by itself (witness)",
        upstream="progress.go:syncRolloutStatus only writes the condition; no controller acts on "
        "ProgressDeadlineExceeded (the rollout is not stopped or undone; `kubectl rollout undo` is the user's)",
        predicate=timed_out_keeps_failed_pods,
        adjust=_stuck_release,
        assumes="as stuck_rollout_reported",
        explain=_explain_progress,
    ),
    Property(
        name="deployment.paused_creates_no_replicaset",
        meaningful={},
        kind="step",
        doc="while the Deployment is paused, no ReplicaSet is created (a template edit is not rolled out)",
        upstream="deployment_controller.go:syncDeployment sends a paused Deployment to sync(), which calls "
        "getAllReplicaSetsAndSyncRevision with createIfNotExisted=false (sync.go)",
        predicate=paused_creates_no_replicaset,
        adjust=_paused_with_scale,
        assumes="a template edit, a pause and a `kubectl scale`; no faults, no rollout undo",
        explain=_explain_pause,
    ),
    Property(
        name="deployment.paused_keeps_new_replicaset",
        meaningful={},
        kind="step",
        doc="while the Deployment is paused, the new template's ReplicaSet is not scaled up except to follow a "
        "`kubectl scale`",
        upstream="not guaranteed: sync.go:scale fills replicas + maxSurge even when paused (proportional scaling with "
        "no "
        "scaling event) and gives the leftover to the largest ReplicaSet, newer first on ties (cf. "
        "kubernetes/kubernetes#115735)",
        predicate=paused_keeps_new_replicaset,
        adjust=_paused_with_scale,
        assumes="a template edit, a pause and a `kubectl scale`; no faults, no rollout undo",
        explain=_explain_pause,
    ),
    Property(
        name="deployment.paused_deployment_scales_proportionally",
        meaningful={},
        kind="sometimes",
        doc="a paused Deployment in mid-rollout is still scaled when the user scales it: every ReplicaSet with "
        "replicas "
        "is resized proportionally (witness)",
        upstream="sync.go:sync → scale (proportional branch, GetProportion); "
        "concepts/workloads/controllers/deployment.md "
        "'Proportional scaling'",
        predicate=paused_scaled_proportionally,
        adjust=_paused_rolling,
        assumes="RollingUpdate; a template edit, a pause and a `kubectl scale`; no faults, no rollout undo",
        explain=_explain_pause,
    ),
    Property(
        name="deployment.no_stuck_rollout",
        meaningful={"max-unavailable": "1"},
        kind="terminal",
        doc="whenever nothing more can happen, the rollout is complete or the Deployment is paused",
        upstream="rolling.go/recreate.go: a rollout proceeds while any step is possible; nothing else ends it",
        predicate=d.quiescent,
    ),
    Property(
        name="deployment.old_scale_down_within_budget",
        # crashes make old replicas unhealthy: cleanupUnhealthyReplicas' share of the budget is then exercised
        meaningful={"max-unavailable": "1", "faults": "crash"},
        kind="step",
        doc="a rollout step takes at most maxScaledDown replicas from the old ReplicaSets: Σ spec.replicas "
        "- MinAvailable - the new ReplicaSet's unavailable replicas, as the sync read them",
        upstream="rolling.go:reconcileOldReplicaSets (maxScaledDown; cleanupUnhealthyReplicas removes at most "
        "maxScaledDown unhealthy replicas, scaleDownOldReplicaSetsForRollingUpdate at most the available "
        "replicas above MinAvailable)",
        predicate=old_scale_down_within_budget,
        adjust=_rolling,
        assumes="RollingUpdate; steps that keep the spec (user scales, edits, pauses and scaling events' "
        "proportional scaling are not constrained)",
        explain=_explain_scale_down,
    ),
    Property(
        name="deployment.replicaset_deletes_not_ready_pods_first",
        kind="step",
        meaningful={"max-unavailable": "1", "faults": "crash"},
        doc="a ReplicaSet deletes a Ready pod only when none of its active pods is unscheduled, Pending or "
        "Running but not Ready",
        upstream="replica_set.go:getPodsToDelete sorts by controller_utils.go:ActivePodsWithRanks.Less "
        "(unassigned < assigned, Pending < Running, not Ready < Ready before deletion cost and rank) and deletes "
        "the first ones",
        predicate=not_ready_pods_deleted_first,
        explain=_explain_deletion,
    ),
    Property(
        name="deployment.recreate_runs_one_revision_at_a_time",
        kind="always",
        meaningful={"edits": "2", "rollbacks": "1", "faults": "evict"},
        doc="Recreate: containers of two pod templates never run at once (old pods, terminating ones included, are "
        "gone before a new one starts)",
        upstream="recreate.go:rolloutRecreate (scale every old ReplicaSet to 0, wait while oldPodsRunning: any "
        "pod of an old ReplicaSet not Succeeded or Failed, terminating ones included, then scale the new one up); "
        "documented: 'all existing Pods are killed before new ones are created'",
        predicate=one_revision_running,
        adjust=_recreate,
        assumes="Recreate; at least one template edit",
        explain=_explain_revisions_running,
        lemmas=recreate_lemmas,
    ),
    Property(
        name="deployment.replicaset_deleted_only_beyond_history",
        kind="step",
        meaningful={"revision-history-limit": "0", "rollbacks": "1"},
        doc="a ReplicaSet is deleted only when it is old, empty (spec.replicas and status.replicas 0, its status "
        "observed) and among the oldest revisions beyond revisionHistoryLimit",
        upstream="sync.go:cleanupDeployment (sorts the old ReplicaSets by revision and deletes among the first "
        "len - revisionHistoryLimit only those with spec.replicas 0, status.replicas 0 and observedGeneration "
        "caught up)",
        predicate=replicaset_deleted_only_beyond_history,
        explain=_explain_history,
    ),
)
