"""One sync of the Deployment controller, as a pure function of the model state.

Models ``pkg/controller/deployment`` of Kubernetes v1.35:

* ``deployment_controller.go:syncDeployment`` — the dispatch: paused → ``sync``; a scaling
  event → ``sync``; else ``rolloutRecreate`` or ``rolloutRolling``. (Deletion of the
  Deployment and the deprecated ``rollbackTo`` are not modelled: they do not change replica
  counts; progress conditions are, with a progress deadline, see below.)
* ``sync.go``: ``getAllReplicaSetsAndSyncRevision`` / ``getNewReplicaSet`` (a reused ReplicaSet
  — after ``rollout undo`` — has its revision raised to max(old)+1; a missing one is created
  with ``NewRSNewReplicas`` replicas and desired/max-replicas annotations), ``isScalingEvent``
  (an *active* RS whose desired-replicas annotation differs from spec.replicas), ``scale``
  (FindActiveOrLatest, IsSaturated, proportional scaling sorted by size with newer-first /
  older-first ties and the leftover to the largest), ``cleanupDeployment`` (the oldest
  revisions beyond revisionHistoryLimit, only among the first ``diff`` and only if spec = 0,
  status.replicas = 0 and the RS status has observed its generation).
* ``rolling.go``: ``rolloutRolling`` does one of: scale the new RS (``reconcileNewReplicaSet``),
  scale old RSes down (``reconcileOldReplicaSets`` = ``cleanupUnhealthyReplicas`` then
  ``scaleDownOldReplicaSetsForRollingUpdate``, oldest first), or clean up when complete.
  ``cleanupUnhealthyReplicas`` returns an error when an old RS reports more available pods than
  its spec (stale status); upstream swallows it after the scale-downs already written, and so
  does the model.
* ``recreate.go``: scale every active old RS to 0; wait while ``oldPodsRunning`` (old RS status
  replicas or any pod of an old RS in a non-terminal phase, terminating ones included); then
  create or scale the new RS to spec.replicas.

Every function reads ReplicaSet spec and *status* as upstream does: status is whatever the
ReplicaSet controller last published, so decisions can rest on stale availability.

Abstraction: of the Deployment's own status the model stores only whether
status.observedGeneration has caught up with the spec (``observed``: cleared by every user
change of the spec, set by every sync). Where upstream tests ``DeploymentComplete(d, &d.Status)``
(the status written by the previous sync) the model requires ``observed`` and computes the
counts from the ReplicaSets' current statuses, as if the previous sync had just run; this can
only move a cleanup one sync earlier. Without a progress deadline, status fields that decide
nothing (conditions, readyReplicas) are left out.

With a progress deadline (scope ``progress-deadline``) every sync ends by writing the status,
as upstream's do (:func:`progress_status`): ``checkPausedConditions`` first (sync.go), the
Progressing condition ``getNewReplicaSet`` writes when it creates the new ReplicaSet
(NewReplicaSetCreated) or finds it with no condition yet (FoundNewReplicaSet), then, on the
rollout path, ``progress.go:syncRolloutStatus`` (NewReplicaSetAvailable / ReplicaSetUpdated /
ProgressDeadlineExceeded), on the sync() path ``syncDeploymentStatus``; both write the counts of
``calculateStatus`` and its Available condition.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value

#: Per-ReplicaSet fields written by the Deployment controller.
RS_WRITES = (
    "rs_exists",
    "rs_revision",
    "rs_history",
    "rs_replicas",
    "rs_desired",
    "rs_max",
    "rs_synced",
    "rs_status_replicas",
    "rs_status_available",
    "rs_status_ready",
    "unscheduled",
    "pending",
    "running",
    "ready",
    "available",
    "terminating",
    "failed",
)


def in_force(ops: Ops, sc: DeploymentScope, s: DeploymentState, fn: Callable[..., Value], *args: Value) -> Value:
    """``fn(ops, strategy, maxSurge, maxUnavailable, *args)`` under spec.strategy as it reads in ``s``:
    the manifest's maxSurge/maxUnavailable, or the user's edit of them (``strategy_edited``)."""
    value = fn(ops, sc.strategy, *sc.rolling(False), *args)
    if not sc.edits_strategy:
        return value
    return ops.ite(s.strategy_edited, fn(ops, sc.strategy, *sc.rolling(True), *args), value)


def template_matches(ops: Ops, sc: DeploymentScope, template: Value, t: int) -> Value:
    """Slot ``t``'s pod template equals the one written to slot ``template`` (EqualIgnoreHash on
    template values: slots the scope's edit-to gives the same template)."""
    return ops.or_(*[template == u for u in sc.same_template(t)])


def new_replicaset(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> list[Value]:
    """FindNewReplicaSet per slot: the oldest existing ReplicaSet whose template is the Deployment's."""
    matches = [template_matches(ops, sc, s.template, t) for t in range(len(s.rs_exists))]
    return du.find_new_replicaset(ops, s.rs_exists, matches)


def _new_rs_new_replicas(
    ops: Ops, strategy: str, surge: IntOrPercent, _unavailable: IntOrPercent, *args: Value
) -> Value:
    return du.new_rs_new_replicas(ops, strategy, surge, *args)


class Plan:
    """Everything one sync decides, computed with ops from one state.

    ``flags`` hold the branch the sync takes; ``after`` holds the per-ReplicaSet fields after
    the sync (lists indexed by ReplicaSet slot = template index).
    """

    def __init__(self, ops: Ops, sc: DeploymentScope, s: DeploymentState):
        self.ops, self.sc, self.s = ops, sc, s
        self.k = len(s.rs_exists)
        k, R = self.k, s.replicas
        self.R = R
        self.is_current = [s.template == t for t in range(k)]
        self.is_new = new_replicaset(ops, sc, s)
        self.old = [ops.and_(s.rs_exists[t], ops.not_(self.is_new[t])) for t in range(k)]
        self.active = [ops.and_(s.rs_exists[t], s.rs_replicas[t] > 0) for t in range(k)]
        self.new_exists = ops.or_(*self.is_new)
        self.new_spec = self._pick_new(s.rs_replicas)
        self.max_surge = in_force(ops, sc, s, du.max_surge, R)
        self.min_available = in_force(ops, sc, s, du.min_available, R)
        self.max_old_revision = du.max_revision(ops, s.rs_revision, self.old)
        new_revision = self._pick_new(s.rs_revision)
        self.bump = ops.and_(self.new_exists, new_revision <= self.max_old_revision)
        self.scaling_event = ops.or_(*[ops.and_(self.active[t], s.rs_desired[t] != R) for t in range(k)])
        self.sync_path = ops.or_(s.paused, self.scaling_event)
        self.status_total = ops.sum_(s.rs_status_replicas)

    # -- small readers ---------------------------------------------------------------------

    def _pick_new(self, values: Value) -> Value:
        return self.ops.sum_(self.ops.ite(self.is_new[t], values[t], 0) for t in range(self.k))

    def new_rs_new_replicas(self, all_replicas: Value, new_replicas: Value) -> Value:
        """NewRSNewReplicas under the strategy in force."""
        return in_force(self.ops, self.sc, self.s, _new_rs_new_replicas, self.R, all_replicas, new_replicas)

    def start(self) -> dict[str, list]:
        """A working copy of the per-ReplicaSet fields, with the revision bump applied."""
        ops, s = self.ops, self.s
        w = {f: list(getattr(s, f)) for f in RS_WRITES}
        for t in range(self.k):
            w["rs_revision"][t], w["rs_history"][t] = du.set_new_replicaset_revision(
                ops, self.is_new[t], s.rs_revision[t], s.rs_history[t], self.max_old_revision + 1, self.sc.max_revision
            )
        return w

    def new_after(self, w: dict[str, list]) -> list[Value]:
        """The new ReplicaSet after ``w``'s writes: the one found, or the one this sync created."""
        ops = self.ops
        return [
            ops.or_(self.is_new[t], ops.and_(self.is_current[t], ops.not_(self.new_exists), w["rs_exists"][t]))
            for t in range(self.k)
        ]

    def complete(self, w: dict[str, list]) -> Value:
        """DeploymentComplete on the status calculateStatus would write from ``w``, which requires
        that the previous sync had observed the current generation (``observed``)."""
        ops = self.ops
        new = self.new_after(w)
        updated = ops.sum_(ops.ite(new[t], w["rs_status_replicas"][t], 0) for t in range(self.k))
        total = ops.sum_(w["rs_status_replicas"])
        available = ops.sum_(w["rs_status_available"])
        return ops.and_(self.s.observed, du.deployment_complete(ops, self.R, updated, total, available))

    # -- writes ----------------------------------------------------------------------------

    def scale(self, w: dict[str, list], t: int, when: Value, size: Value) -> None:
        """scaleReplicaSetAndRecordEvent: write size and annotations if the size changes."""
        ops = self.ops
        changes = ops.and_(when, w["rs_replicas"][t] != size)
        w["rs_replicas"][t] = ops.ite(changes, size, w["rs_replicas"][t])
        desired, max_replicas = du.set_replicas_annotations(
            ops, changes, self.R, self.R + self.max_surge, w["rs_desired"][t], w["rs_max"][t]
        )
        w["rs_desired"][t], w["rs_max"][t] = desired, max_replicas
        w["rs_synced"][t] = ops.ite(changes, False, w["rs_synced"][t])

    def create_new(self, w: dict[str, list], when: Value = True) -> None:
        """getNewReplicaSet(createIfNotExisted): a new RS for the current template."""
        ops = self.ops
        old_total = ops.sum_(ops.ite(self.old[t], self.s.rs_replicas[t], 0) for t in range(self.k))
        size = self.new_rs_new_replicas(old_total, 0)
        for t in range(self.k):
            make = ops.and_(when, self.is_current[t], ops.not_(self.new_exists))
            w["rs_exists"][t] = ops.or_(w["rs_exists"][t], make)
            w["rs_revision"][t] = ops.ite(make, self.max_old_revision + 1, w["rs_revision"][t])
            w["rs_replicas"][t] = ops.ite(make, size, w["rs_replicas"][t])
            desired, max_replicas = du.set_replicas_annotations(
                ops, make, self.R, self.R + self.max_surge, w["rs_desired"][t], w["rs_max"][t]
            )
            w["rs_desired"][t], w["rs_max"][t] = desired, max_replicas
            w["rs_synced"][t] = ops.and_(w["rs_synced"][t], ops.not_(make))

    def cleanup(self, w: dict[str, list], when: Value, view: dict[str, list] | None = None) -> Value:
        """cleanupDeployment: delete the oldest-revision old RSes beyond the history limit.

        ``view`` is the list of RS objects the sync read (spec/status it judges by); deletes
        are applied to ``w``. Returns whether anything is deleted.
        """
        ops, k = self.ops, self.k
        v = view or w
        limit = self.sc.revision_history_limit
        cleanable = self.old
        diff = ops.count(cleanable) - limit
        before = [
            [
                ops.and_(
                    cleanable[u],
                    ops.or_(
                        v["rs_revision"][u] < v["rs_revision"][t],
                        ops.and_(v["rs_revision"][u] == v["rs_revision"][t], u < t),
                    ),
                )
                for u in range(k)
            ]
            for t in range(k)
        ]
        rank = du.rank_positions(ops, before)
        deleted = []
        for t in range(k):
            gone = ops.and_(
                when,
                cleanable[t],
                rank[t] < diff,
                v["rs_replicas"][t] == 0,
                v["rs_status_replicas"][t] == 0,
                v["rs_synced"][t],
            )
            deleted.append(gone)
            self.delete(w, t, gone)
        return ops.or_(*deleted)

    def delete(self, w: dict[str, list], t: int, gone: Value) -> None:
        """Delete RS ``t``; the garbage collector deletes its pods (unscheduled ones at once)."""
        ops = self.ops
        for f in ("rs_revision", "rs_history", "rs_replicas", "rs_desired", "rs_max"):
            w[f][t] = ops.ite(gone, 0, w[f][t])
        for f in ("rs_status_replicas", "rs_status_available"):
            w[f][t] = ops.ite(gone, 0, w[f][t])
        if w["rs_status_ready"]:  # kept with a progress deadline and minReadySeconds > 0 only
            w["rs_status_ready"][t] = ops.ite(gone, 0, w["rs_status_ready"][t])
        w["rs_exists"][t] = ops.and_(w["rs_exists"][t], ops.not_(gone))
        w["rs_synced"][t] = ops.and_(w["rs_synced"][t], ops.not_(gone))
        w["unscheduled"][t] = ops.ite(gone, 0, w["unscheduled"][t])
        w["failed"][t] = ops.ite(gone, 0, w["failed"][t])  # no containers left to stop: gone at once
        P = len(w["pending"]) // self.k
        for i in range(t * P, (t + 1) * P):  # each node's pods of RS t
            dying = w["pending"][i] + w["running"][i] + w["ready"][i] + w["available"][i]
            w["terminating"][i] = ops.ite(gone, w["terminating"][i] + dying, w["terminating"][i])
            for f in ("pending", "running", "ready", "available"):
                w[f][i] = ops.ite(gone, 0, w[f][i])


#: The ReplicaSet objects' own fields; a sync that changes pods also changes one of these
#: (deleting an RS clears rs_exists), so comparing them tells whether a sync did anything.
RS_OBJECT = ("rs_exists", "rs_revision", "rs_history", "rs_replicas", "rs_desired", "rs_max", "rs_synced")


def changed(ops: Ops, s: DeploymentState, w: dict[str, list]) -> Value:
    """True where the sync wrote any ReplicaSet (scaled, annotated, created or deleted one)."""
    return ops.or_(*[a != b for f in RS_OBJECT for a, b in zip(getattr(s, f), w[f])])


def as_changes(w: dict[str, list]) -> dict[str, tuple]:
    return {f: tuple(v) for f, v in w.items()}


# -- sync(): paused deployments and scaling events ------------------------------------------


def sync_scale(p: Plan) -> tuple[dict[str, list], Value]:
    """sync(): scale() then, when paused, cleanupDeployment. Returns (after, changed?)."""
    ops, s, k, R = p.ops, p.s, p.k, p.R
    w = p.start()
    n_active = ops.count(p.active)
    # FindActiveOrLatest: the only active RS; with none, the new RS or else the newest old RS
    newest_old = [ops.and_(p.old[t], *[ops.not_(p.old[u]) for u in range(t + 1, k)]) for t in range(k)]
    none_target = [ops.ite(p.new_exists, ops.and_(p.is_new[t], s.rs_exists[t]), newest_old[t]) for t in range(k)]
    single = n_active <= 1
    for t in range(k):
        target = ops.ite(n_active == 0, none_target[t], p.active[t])
        p.scale(w, t, ops.and_(single, target), R)
    # IsSaturated: every active old RS to 0
    new_available = p._pick_new(s.rs_status_available)
    new_desired = p._pick_new(s.rs_desired)
    saturated = ops.and_(
        ops.not_(single), du.is_saturated(ops, R, p.new_exists, p.new_spec, new_desired, new_available)
    )
    for t in range(k):
        p.scale(w, t, ops.and_(saturated, p.old[t], p.active[t]), 0)
    if p.sc.strategy == du.ROLLING_UPDATE:
        proportional(p, w, ops.and_(ops.not_(single), ops.not_(saturated)))
    p.cleanup(w, s.paused, view={f: list(getattr(s, f)) for f in RS_WRITES})
    return w, changed(ops, s, w)


def proportional(p: Plan, w: dict[str, list], when: Value) -> None:
    """The proportional branch of scale(): share replicas + maxSurge among active RSes."""
    ops, s, k, R = p.ops, p.s, p.k, p.R
    spec = list(s.rs_replicas)
    allowed = ops.ite(R > 0, R + p.max_surge, 0)
    to_add = allowed - ops.sum_(ops.ite(p.active[t], spec[t], 0) for t in range(k))
    up = to_add > 0

    def goes_before(u: int, t: int) -> Value:
        # active first; then size descending; ties newer first when scaling up, older when down
        tie_break = ops.ite(up, u > t, u < t)
        by_size = ops.or_(spec[u] > spec[t], ops.and_(spec[u] == spec[t], tie_break))
        return ops.or_(ops.and_(p.active[u], ops.not_(p.active[t])), ops.and_(p.active[u] == p.active[t], by_size))

    pos = du.rank_positions(ops, [[goes_before(u, t) for u in range(k)] for t in range(k)])
    at = [[pos[t] == q for t in range(k)] for q in range(k)]

    def pick(q: int, values: Sequence[Value]) -> Value:
        return ops.sum_(ops.ite(at[q][t], values[t], 0) for t in range(k))

    added: Value = 0
    sizes = []
    for q in range(k):
        spec_q = pick(q, spec)
        # getReplicaSetFraction reads the max-replicas annotation the RS carries (written with the
        # maxSurge of its last write, which a strategy edit may since have changed)
        fraction = du.replica_set_fraction(ops, spec_q, R, R + p.max_surge, pick(q, s.rs_max), p.status_total)
        share = du.get_proportion(ops, spec_q, fraction, to_add, added)
        sizes.append(spec_q + share)
        added = added + share
    sizes[0] = ops.max_(sizes[0] + to_add - added, 0)
    for t in range(k):
        size = ops.sum_(ops.ite(at[q][t], sizes[q], 0) for q in range(k))
        write = ops.and_(when, p.active[t])
        # scaleReplicaSet writes when the size or the annotations differ (SetReplicasAnnotations:
        # desired-replicas = R, max-replicas = R + MaxSurge of the Deployment as it reads now)
        resized = ops.and_(write, spec[t] != size)
        w["rs_replicas"][t] = ops.ite(write, size, w["rs_replicas"][t])
        desired, max_replicas = du.set_replicas_annotations(
            ops, write, R, R + p.max_surge, w["rs_desired"][t], w["rs_max"][t]
        )
        w["rs_desired"][t], w["rs_max"][t] = desired, max_replicas
        w["rs_synced"][t] = ops.ite(resized, False, w["rs_synced"][t])


# -- rolloutRolling ----------------------------------------------------------------------


def reconcile_new(p: Plan, w: dict[str, list]) -> Value:
    """reconcileNewReplicaSet on an existing new RS. Returns whether it scaled."""
    ops, s, k, R = p.ops, p.s, p.k, p.R
    all_spec = ops.sum_(s.rs_replicas)
    grown = p.new_rs_new_replicas(all_spec, p.new_spec)
    target = ops.ite(p.new_spec > R, R, grown)
    scaled = ops.and_(p.new_exists, p.new_spec != R, target != p.new_spec)
    for t in range(k):
        p.scale(w, t, ops.and_(scaled, p.is_new[t]), target)
    return scaled


def reconcile_old(p: Plan, w: dict[str, list], when: Value) -> tuple[Value, Value]:
    """reconcileOldReplicaSets (cleanupUnhealthyReplicas, then scale-down).

    Returns (scaled, wrote): upstream's "scaled" result, and whether any old RS was written
    (they differ when cleanupUnhealthyReplicas fails after earlier scale-downs).
    """
    ops, s, k = p.ops, p.s, p.k
    spec = list(w["rs_replicas"])  # after a same-sync creation of the new RS
    status_av = list(s.rs_status_available)
    old_active = [ops.and_(p.old[t], spec[t] > 0) for t in range(k)]
    is_new_now = p.new_after(w)
    new_spec = ops.sum_(ops.ite(is_new_now[t], spec[t], 0) for t in range(k))
    new_av = ops.sum_(ops.ite(is_new_now[t], status_av[t], 0) for t in range(k))
    old_pods = ops.sum_(ops.ite(old_active[t], spec[t], 0) for t in range(k))
    all_pods = ops.sum_(ops.ite(w["rs_exists"][t], spec[t], 0) for t in range(k))
    max_scaled_down = all_pods - p.min_available - (new_spec - new_av)
    go = ops.and_(when, old_pods > 0, max_scaled_down > 0)
    total, failed = cleanup_unhealthy_replicas(p, w, spec, old_active, go, max_scaled_down)
    done = scale_down_old_replicasets_for_rolling_update(p, w, spec, old_active, new_av, ops.and_(go, ops.not_(failed)))
    return ops.and_(ops.not_(failed), total + done > 0), total + done > 0


def cleanup_unhealthy_replicas(
    p: Plan, w: dict[str, list], spec: list, old_active: list, when: Value, max_cleanup: Value
) -> tuple[Value, Value]:
    """cleanupUnhealthyReplicas: oldest first (slot order is creation order), scale each active old
    RS down by its unavailable replicas (spec - status.availableReplicas), at most ``max_cleanup``
    in all. A negative count (status reports more available than spec: stale) is upstream's
    error, which stops the loop. Writes ``w`` and ``spec``; returns (cleaned up, failed)."""
    ops, s = p.ops, p.s
    status_av = s.rs_status_available
    total: Value = 0
    failed: Value = False
    for t in range(p.k):
        applies = ops.and_(when, old_active[t], ops.not_(failed), total < max_cleanup, spec[t] != status_av[t])
        count = ops.min_(max_cleanup - total, spec[t] - status_av[t])
        failed = ops.or_(failed, ops.and_(applies, count < 0))
        do = ops.and_(applies, count >= 0)
        p.scale(w, t, do, spec[t] - count)
        spec[t] = ops.ite(do, spec[t] - count, spec[t])
        total = total + ops.ite(do, count, 0)
    return total, failed


def scale_down_old_replicasets_for_rolling_update(
    p: Plan, w: dict[str, list], spec: list, old_active: list, new_available: Value, when: Value
) -> Value:
    """scaleDownOldReplicaSetsForRollingUpdate: the available replicas of the new RS and the active
    old ones above MinAvailable are taken from the old RSes, oldest first. Returns how many."""
    ops, s = p.ops, p.s
    available = new_available + ops.sum_(ops.ite(old_active[t], s.rs_status_available[t], 0) for t in range(p.k))
    budget = available - p.min_available
    go = ops.and_(when, available > p.min_available)
    done: Value = 0
    for t in range(p.k):
        applies = ops.and_(go, old_active[t], done < budget, spec[t] > 0)
        count = ops.min_(spec[t], budget - done)
        p.scale(w, t, applies, spec[t] - count)
        done = done + ops.ite(applies, count, 0)
    return done


def sum_phases(count: Callable[[str, int], Value], t: int, phases: Sequence[str]) -> Value:
    """``count(phase, t)`` summed over ``phases``."""
    total = count(phases[0], t)
    for phase in phases[1:]:
        total = total + count(phase, t)
    return total


def old_pods_running(p: Plan) -> Value:
    """oldPodsRunning: an old RS reports replicas, or one of its pods is not yet gone (on any node: with
    pods placed, the bound phases are counted per ReplicaSet and node, ``t * placements + n``)."""
    ops, s = p.ops, p.s
    placed = len(s.pending) // len(s.rs_exists)

    def bound(phase: str, t: int) -> Value:
        counts = getattr(s, phase)[t * placed : (t + 1) * placed]
        total = counts[0]
        for c in counts[1:]:
            total = total + c
        return total

    pods = [
        s.unscheduled[t] + sum_phases(bound, t, ("pending", "running", "ready", "available", "terminating"))
        for t in range(p.k)
    ]
    return ops.or_(*[ops.and_(p.old[t], s.rs_status_replicas[t] + pods[t] > 0) for t in range(p.k)])


def sync_rolling(p: Plan) -> tuple[dict[str, list], dict[str, Value]]:
    """rolloutRolling: create the new RS / scale it / scale old RSes down / clean up."""
    ops, s = p.ops, p.s
    w = p.start()
    p.create_new(w)
    scaled_new = reconcile_new(p, w)
    scaled_old, wrote_old = reconcile_old(p, w, ops.not_(scaled_new))
    quiet = ops.and_(ops.not_(scaled_new), ops.not_(scaled_old))
    cleaned = p.cleanup(w, ops.and_(quiet, p.complete(w)), view={f: list(getattr(s, f)) for f in RS_WRITES})
    return w, {"scaled_new": scaled_new, "wrote_old": wrote_old, "cleaned": cleaned}


def sync_recreate(p: Plan) -> tuple[dict[str, list], dict[str, Value]]:
    """rolloutRecreate: old RSes to 0, wait for old pods, then create/scale the new RS."""
    ops, s, k = p.ops, p.s, p.k
    w = p.start()
    any_old_active = ops.or_(*[ops.and_(p.old[t], p.active[t]) for t in range(k)])
    for t in range(k):
        p.scale(w, t, ops.and_(p.old[t], p.active[t]), 0)
    proceed = ops.and_(ops.not_(any_old_active), ops.not_(old_pods_running(p)))
    make = ops.and_(proceed, ops.not_(p.new_exists))
    p.create_new(w, proceed)  # a new RS starts at NewRSNewReplicas = spec.replicas
    for t in range(k):
        p.scale(w, t, ops.and_(proceed, p.new_exists, p.is_new[t]), p.R)
    cleaned = p.cleanup(w, ops.and_(proceed, p.complete(w)), view={f: list(getattr(s, f)) for f in RS_WRITES})
    scaled_up = ops.and_(proceed, p.new_exists, p.new_spec != p.R)
    return w, {"scaled_old": any_old_active, "created": make, "scaled_new": scaled_up, "cleaned": cleaned}


# -- the Deployment's status and conditions (with a progress deadline) ------------------------


#: The fields :func:`progress_status` writes.
STATUS_FIELDS = (
    "status_replicas",
    "status_updated",
    "status_ready",
    "status_available",
    "progressing",
    "deadline_passed",
    "available_condition",
)


def status_counts(p: Plan, w: dict[str, list]) -> tuple[Value, Value, Value, Value]:
    """calculateStatus's counts from the ReplicaSets as ``w`` leaves them: (replicas, updatedReplicas,
    readyReplicas, availableReplicas) = Σ status.replicas, the new ReplicaSet's status.replicas,
    Σ status.readyReplicas (= availableReplicas where no pod is Ready before it is available),
    Σ status.availableReplicas."""
    ops = p.ops
    new = p.new_after(w)
    total = ops.sum_(w["rs_status_replicas"])
    updated = ops.sum_(ops.ite(new[t], w["rs_status_replicas"][t], 0) for t in range(p.k))
    available = ops.sum_(w["rs_status_available"])
    ready = ops.sum_(w["rs_status_ready"]) if w["rs_status_ready"] else available
    return total, updated, ready, available


def progress_status(p: Plan, w: dict[str, list], rollout: Value, created: Value) -> dict[str, Value]:
    """The Deployment status one sync writes, with a progress deadline (empty without one).

    ``w``: the ReplicaSets after the sync's writes; ``rollout``: the sync took the rollout path
    (rolloutRolling / rolloutRecreate end in syncRolloutStatus) rather than sync() (paused or a
    scaling event: syncDeploymentStatus, which leaves the Progressing condition alone);
    ``created``: the sync created the new ReplicaSet. ``deadline_passed`` survives only while the
    condition keeps its lastUpdateTime and is one DeploymentTimedOut times.
    """
    ops, s, sc = p.ops, p.s, p.sc
    if not sc.has_progress_deadline:
        return {}
    reason, stamped = du.check_paused_conditions(ops, True, s.progressing, s.paused)
    found = ops.and_(p.new_exists, ops.not_(p.bump), reason == du.NO_CONDITION)
    as_found, stamped_found = du.set_deployment_condition(ops, reason, du.FOUND_NEW_RS)
    as_created, stamped_created = du.set_deployment_condition(ops, reason, du.NEW_RS_CREATED)
    reason, stamped = (
        ops.ite(found, as_found, ops.ite(created, as_created, reason)),
        ops.or_(stamped, ops.and_(found, stamped_found), ops.and_(created, stamped_created)),
    )
    old = (s.status_replicas, s.status_updated, s.status_ready, s.status_available)
    new = status_counts(p, w)
    passed = ops.and_(s.deadline_passed, ops.not_(stamped))
    rolled, stamped_rolled = du.sync_rollout_status(ops, True, reason, passed, p.R, old, new)
    reason = ops.ite(rollout, rolled, reason)
    stamped = ops.or_(stamped, ops.and_(rollout, stamped_rolled))
    max_unavailable = in_force(ops, sc, s, du.max_unavailable, p.R)
    return {
        "status_replicas": new[0],
        "status_updated": new[1],
        "status_ready": new[2],
        "status_available": new[3],
        "progressing": reason,
        "deadline_passed": ops.and_(s.deadline_passed, ops.not_(stamped), du.is_clocked(ops, reason)),
        "available_condition": du.available_condition(ops, new[3], p.R, max_unavailable),
    }


def status_changes(ops: Ops, s: DeploymentState, status: dict[str, Value]) -> Value:
    """Whether writing ``status`` changes the Deployment's (False when it is empty)."""
    return ops.or_(*[getattr(s, f) != v for f, v in status.items()])
