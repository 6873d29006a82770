"""Replica arithmetic of the Deployment controller, as small pure functions.

Each function is named after its upstream twin in
``pkg/controller/deployment/util/deployment_util.go`` (or the file named in its docstring) and
takes an ``ops`` first, so the same function computes on ints (explicit engine, tests) and on z3
terms (symbolic engine). Scope constants (maxSurge as written, the strategy) are plain Python
values; replica counts may be symbolic. Worked examples from upstream's unit tests are in
``tests/model/test_deployment_util.py``, each citing its table and case.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value

ROLLING_UPDATE = "RollingUpdate"
RECREATE = "Recreate"


def resolve_fenceposts(
    ops: Ops, max_surge: IntOrPercent, max_unavailable: IntOrPercent, desired: Value
) -> tuple[Value, Value]:
    """ResolveFenceposts: (surge, unavailable) for ``desired`` replicas.

    Surge rounds a percentage up, unavailable rounds down; if both come out 0, unavailable
    becomes 1 so that a rollout can always make progress (e.g. 10% of 3 with maxSurge 0%
    gives (0, 1)). Note this fallback applies even for ``desired = 0``.
    """
    surge = ops.scaled_value(max_surge, desired, round_up=True)
    unavailable = ops.scaled_value(max_unavailable, desired, round_up=False)
    unavailable = ops.ite(ops.and_(surge == 0, unavailable == 0), 1, unavailable)
    return surge, unavailable


def max_surge(ops: Ops, strategy: str, surge: IntOrPercent, unavailable: IntOrPercent, replicas: Value) -> Value:
    """MaxSurge: the resolved surge of a RollingUpdate Deployment, 0 for Recreate."""
    if strategy != ROLLING_UPDATE:
        return 0
    return resolve_fenceposts(ops, surge, unavailable, replicas)[0]


def max_unavailable(ops: Ops, strategy: str, surge: IntOrPercent, unavailable: IntOrPercent, replicas: Value) -> Value:
    """MaxUnavailable: resolved unavailability clamped to replicas; 0 for Recreate or replicas 0."""
    if strategy != ROLLING_UPDATE:
        return 0
    resolved = resolve_fenceposts(ops, surge, unavailable, replicas)[1]
    return ops.ite(replicas == 0, 0, ops.min_(resolved, replicas))


def min_available(ops: Ops, strategy: str, surge: IntOrPercent, unavailable: IntOrPercent, replicas: Value) -> Value:
    """MinAvailable: replicas - MaxUnavailable for RollingUpdate, 0 for Recreate."""
    if strategy != ROLLING_UPDATE:
        return 0
    return replicas - max_unavailable(ops, strategy, surge, unavailable, replicas)


def min_available_as_written(
    ops: Ops, strategy: str, surge: IntOrPercent, unavailable: IntOrPercent, replicas: Value
) -> Value:
    """The floor a reader of the manifest computes: replicas - maxUnavailable, a percentage of
    replicas rounded down (as the API documents), with neither ResolveFenceposts' fallback (both
    0 -> maxUnavailable 1) nor MaxUnavailable's clamp; 0 for Recreate. Not an upstream function:
    the user's reading, set beside ``min_available`` (the controller's) to show where they part."""
    if strategy != ROLLING_UPDATE:
        return 0
    return replicas - ops.scaled_value(unavailable, replicas, round_up=False)


def new_rs_new_replicas(
    ops: Ops, strategy: str, surge: IntOrPercent, replicas: Value, all_replicas: Value, new_replicas: Value
) -> Value:
    """NewRSNewReplicas: how many replicas the new ReplicaSet should have next.

    RollingUpdate resolves maxSurge directly (rounded up, *without* the both-zero fallback)
    and scales the new RS up by at most the room left under replicas + maxSurge, counted over
    ``all_replicas`` = the sum of spec.replicas of every ReplicaSet, and never past replicas.
    Recreate: replicas.
    """
    if strategy != ROLLING_UPDATE:
        return replicas
    max_total = replicas + ops.scaled_value(surge, replicas, round_up=True)
    scale_up = ops.min_(max_total - all_replicas, replicas - new_replicas)
    return ops.ite(all_replicas >= max_total, new_replicas, new_replicas + scale_up)


def set_replicas_annotations(
    ops: Ops, when: Value, desired: Value, max_replicas: Value, old_desired: Value, old_max: Value
) -> tuple[Value, Value]:
    """SetReplicasAnnotations: where ``when``, the ReplicaSet's desired-replicas and max-replicas
    annotations become ``desired`` and ``max_replicas`` (callers pass replicas and replicas +
    MaxSurge of the Deployment as it reads at the write); elsewhere they keep their values."""
    return ops.ite(when, desired, old_desired), ops.ite(when, max_replicas, old_max)


def find_new_replicaset(ops: Ops, exists: Sequence[Value], matches: Sequence[Value]) -> list[Value]:
    """FindNewReplicaSet, per slot: slots in creation order (oldest first); ``matches[t]`` says
    slot t's template equals the Deployment's (EqualIgnoreHash). The new ReplicaSet is the
    *oldest* existing match (ReplicaSetsByCreationTimestamp, then the first equal template)."""
    out = []
    earlier: Value = False
    for t in range(len(exists)):
        hit = ops.and_(exists[t], matches[t])
        out.append(ops.and_(hit, ops.not_(earlier)))
        earlier = ops.or_(earlier, hit)
    return out


def max_revision(ops: Ops, revisions: Sequence[Value], counted: Sequence[Value]) -> Value:
    """MaxRevision: the highest revision among the ReplicaSets ``counted`` (0 if none)."""
    return ops.max_(0, *[ops.ite(c, r, 0) for r, c in zip(revisions, counted)])


def set_new_replicaset_revision(
    ops: Ops, when: Value, revision: Value, history: Value, new_revision: Value, max_revision: int
) -> tuple[Value, Value]:
    """SetNewReplicaSetAnnotations on an existing ReplicaSet: where ``when`` and its revision is
    below ``new_revision``, the revision becomes ``new_revision`` and the old number is appended
    to revision-history (a set of revision numbers here, one bit each: the numbers an RS carries
    only grow, so the comma list is sorted and has no repeats; the 2000-character trim is beyond
    any scope). Returns (revision, history)."""
    raise_it = ops.and_(when, revision < new_revision)
    bit = ops.sum_(ops.ite(revision == r, 2**r, 0) for r in range(1, max_revision + 1))
    return ops.ite(raise_it, new_revision, revision), ops.ite(raise_it, history + bit, history)


def is_saturated(
    ops: Ops, replicas: Value, new_exists: Value, new_spec: Value, new_desired: Value, new_available: Value
) -> Value:
    """IsSaturated: the new RS has spec, desired-replicas annotation and availability all = replicas."""
    return ops.and_(new_exists, new_spec == replicas, new_desired == replicas, new_available == replicas)


def deployment_complete(ops: Ops, replicas: Value, updated: Value, total: Value, available: Value) -> Value:
    """DeploymentComplete: updated, total and available replicas all equal spec.replicas.

    Upstream also requires status.observedGeneration >= generation; the model computes the
    status afresh in every sync, so that part always holds (see the model's header).
    """
    return ops.and_(updated == replicas, total == replicas, available == replicas)


def replica_set_fraction(
    ops: Ops, spec: Value, replicas: Value, allowed: Value, annotated_max: Value, status_total: Value
) -> Value:
    """getReplicaSetFraction: the change a proportional scale would give this RS.

    ``allowed`` = replicas + MaxSurge; ``annotated_max`` = the RS's max-replicas annotation.
    With replicas 0 the RS goes to 0. A zero annotation falls back to the Deployment's
    status.replicas (``status_total``), and if that is 0 too the fraction is 0. The new size
    is spec * allowed / annotation, rounded half away from zero (RoundToInt32).
    """
    base = ops.ite(annotated_max > 0, annotated_max, status_total)
    safe = ops.max_(base, 1)
    scaled = ops.round_half_up_div(spec * allowed, safe) - spec
    return ops.ite(replicas == 0, -spec, ops.ite(base > 0, scaled, 0))


def get_proportion(ops: Ops, spec: Value, fraction: Value, to_add: Value, added: Value) -> Value:
    """GetProportion: this RS's share of ``to_add``, clamped so the total never overshoots."""
    clamped = ops.ite(to_add > 0, ops.min_(fraction, to_add - added), ops.max_(fraction, to_add - added))
    return ops.ite(ops.or_(spec == 0, to_add == 0, to_add == added), 0, clamped)


def rank_positions(ops: Ops, before: Sequence[Sequence[Value]]) -> list[Value]:
    """Sort positions from a precedence matrix: position[i] = how many j go before i.

    ``before[i][j]`` says element j sorts before element i (a strict total order). This is how
    the model sorts ReplicaSets by size or revision without branching on state.
    """
    n = len(before)
    return [ops.count(before[i][j] for j in range(n) if j != i) for i in range(n)]


# -- progress deadline and conditions ------------------------------------------------------
#
# Ports of ``util/deployment_util.go`` (DeploymentProgressing, DeploymentTimedOut,
# NewDeploymentCondition, SetDeploymentCondition, HasProgressDeadline), ``progress.go``
# (syncRolloutStatus, requeueStuckDeployment), ``sync.go`` (checkPausedConditions, the Available
# condition of calculateStatus) and kubectl's ``polymorphichelpers/rollout_status.go``
# (DeploymentStatusViewer.Status). A condition is stored by its reason (an int code below); its
# status follows from the reason (each reason goes with one status), its lastTransitionTime is
# read by nothing, and its lastUpdateTime is read only by DeploymentTimedOut (and by
# requeueStuckDeployment to schedule that read), through ``lastUpdateTime + progressDeadlineSeconds
# < now``: the model keeps that comparison as a boolean (``deadline_passed``), set by time passing
# and cleared whenever a condition is stamped anew (NewDeploymentCondition: lastUpdateTime = now).

#: The Progressing condition's reason, as the model stores it (0: no Progressing condition).
NO_CONDITION = 0
NEW_RS_CREATED, FOUND_NEW_RS, RS_UPDATED, NEW_RS_AVAILABLE, TIMED_OUT, PAUSED, RESUMED = range(1, 8)
PROGRESSING_REASONS = (
    "",
    "NewReplicaSetCreated",
    "FoundNewReplicaSet",
    "ReplicaSetUpdated",
    "NewReplicaSetAvailable",
    "ProgressDeadlineExceeded",
    "DeploymentPaused",
    "DeploymentResumed",
)
#: The condition status that goes with each reason (ConditionTrue / False / Unknown).
PROGRESSING_STATUS = ("", "True", "True", "True", "True", "False", "Unknown", "Unknown")
#: Reasons whose lastUpdateTime DeploymentTimedOut compares with the clock (not NewReplicaSetAvailable:
#: false at once; not ProgressDeadlineExceeded: true at once; not DeploymentPaused: a paused
#: Deployment's rollout path, where the check runs, does not run, and resuming stamps a new condition).
CLOCKED = (NEW_RS_CREATED, FOUND_NEW_RS, RS_UPDATED, RESUMED)
#: The Available condition (0: none yet), True with MinimumReplicasAvailable or False with
#: MinimumReplicasUnavailable.
NO_AVAILABLE, MIN_AVAILABLE, MIN_UNAVAILABLE = 0, 1, 2
AVAILABLE_REASONS = ("", "MinimumReplicasAvailable", "MinimumReplicasUnavailable")
AVAILABLE_STATUS = ("", "True", "False")
#: math.MaxInt32: progressDeadlineSeconds that means "no deadline" (HasProgressDeadline).
MAX_INT32 = 2**31 - 1


def has_progress_deadline(seconds: int | None) -> bool:
    """HasProgressDeadline: spec.progressDeadlineSeconds is set and is not MaxInt32."""
    return seconds is not None and seconds != MAX_INT32


def is_clocked(ops: Ops, reason: Value) -> Value:
    """The Progressing condition's lastUpdateTime can time out (see CLOCKED)."""
    return ops.or_(*[reason == r for r in CLOCKED])


def new_deployment_condition(reason: int) -> tuple[int, bool]:
    """NewDeploymentCondition: a condition with this reason, lastUpdateTime stamped now.
    Returns (reason, stamped now)."""
    return reason, True


def set_deployment_condition(ops: Ops, current: Value, reason: Value) -> tuple[Value, Value]:
    """SetDeploymentCondition of a new condition with ``reason`` over the ``current`` one: a no-op
    when status and reason are both unchanged (the old lastUpdateTime stays); otherwise the new
    condition replaces it (lastUpdateTime now). Returns (reason, stamped now)."""
    same = current == reason  # one status per reason: same reason <=> same status and reason
    return ops.ite(same, current, reason), ops.not_(same)


def progress_deadline_passed(last_update: Value, deadline_seconds: Value, now: Value) -> Value:
    """The clock comparison of DeploymentTimedOut: ``lastUpdateTime + progressDeadlineSeconds``
    strictly before now (time.Time.Before). Times in any one unit."""
    return last_update + deadline_seconds < now


def deployment_progressing(ops: Ops, old: Sequence[Value], new: Sequence[Value]) -> Value:
    """DeploymentProgressing: ``old`` is the status the Deployment carries, ``new`` the one this sync
    computed, each (replicas, updatedReplicas, readyReplicas, availableReplicas). Progress: more
    updated replicas, fewer old ones (replicas - updated), more ready or more available replicas."""
    old_total, old_updated, old_ready, old_available = old
    new_total, new_updated, new_ready, new_available = new
    return ops.or_(
        new_updated > old_updated,
        new_total - new_updated < old_total - old_updated,
        new_ready > old_ready,
        new_available > old_available,
    )


def deployment_timed_out(ops: Ops, has_deadline: bool, reason: Value, deadline_passed: Value) -> Value:
    """DeploymentTimedOut: with a deadline and a Progressing condition: false when its reason is
    NewReplicaSetAvailable, true when it is ProgressDeadlineExceeded, else whether
    lastUpdateTime + progressDeadlineSeconds is before now (``deadline_passed``)."""
    if not has_deadline:
        return False
    clocked = ops.and_(reason != NO_CONDITION, reason != NEW_RS_AVAILABLE, reason != TIMED_OUT, deadline_passed)
    return ops.or_(reason == TIMED_OUT, clocked)


def check_paused_conditions(ops: Ops, has_deadline: bool, reason: Value, paused: Value) -> tuple[Value, Value]:
    """checkPausedConditions (sync.go), before every sync: with a deadline and no
    ProgressDeadlineExceeded condition, a paused Deployment without a DeploymentPaused condition
    gets one, and a resumed Deployment that still carries it gets DeploymentResumed (Unknown,
    lastUpdateTime now: time spent paused is not counted). Returns (reason, stamped now)."""
    if not has_deadline:
        return reason, False
    open_ = reason != TIMED_OUT
    to_paused = ops.and_(open_, paused, reason != PAUSED)
    to_resumed = ops.and_(open_, ops.not_(paused), reason == PAUSED)
    return ops.ite(to_paused, PAUSED, ops.ite(to_resumed, RESUMED, reason)), ops.or_(to_paused, to_resumed)


def sync_rollout_status(
    ops: Ops,
    has_deadline: bool,
    reason: Value,
    deadline_passed: Value,
    replicas: Value,
    old: Sequence[Value],
    new: Sequence[Value],
) -> tuple[Value, Value]:
    """syncRolloutStatus (progress.go): the Progressing condition a rollout sync writes.

    ``reason`` and ``deadline_passed`` describe the condition the Deployment carries after this
    sync's earlier writes; ``old`` is its status counts and ``new`` the ones calculateStatus gives
    now, each (replicas, updatedReplicas, readyReplicas, availableReplicas). Without a deadline the
    condition is removed. A rollout reported complete (NewReplicaSetAvailable, replicas ==
    updatedReplicas) is left alone; otherwise the first of: DeploymentComplete →
    NewReplicaSetAvailable; DeploymentProgressing → ReplicaSetUpdated, always with lastUpdateTime now
    (the old condition is removed first); DeploymentTimedOut → ProgressDeadlineExceeded. Returns
    (reason, stamped now).
    """
    if not has_deadline:
        return NO_CONDITION, False
    new_total, new_updated, _new_ready, new_available = new
    reported_complete = ops.and_(new_total == new_updated, reason == NEW_RS_AVAILABLE)
    complete = deployment_complete(ops, replicas, new_updated, new_total, new_available)
    progressing = deployment_progressing(ops, old, new)
    timed_out = deployment_timed_out(ops, has_deadline, reason, deadline_passed)
    to_complete = ops.and_(ops.not_(reported_complete), complete)
    to_updated = ops.and_(ops.not_(reported_complete), ops.not_(complete), progressing)
    to_timed_out = ops.and_(ops.not_(reported_complete), ops.not_(complete), ops.not_(progressing), timed_out)
    as_complete, stamped_complete = set_deployment_condition(ops, reason, NEW_RS_AVAILABLE)
    as_timed_out, stamped_timed_out = set_deployment_condition(ops, reason, TIMED_OUT)
    out = ops.ite(
        to_complete, as_complete, ops.ite(to_updated, RS_UPDATED, ops.ite(to_timed_out, as_timed_out, reason))
    )
    stamped = ops.or_(ops.and_(to_complete, stamped_complete), to_updated, ops.and_(to_timed_out, stamped_timed_out))
    return out, stamped


def requeue_stuck_deployment(
    has_deadline: bool, reason: int, complete: bool, last_update: float, deadline_seconds: float, now: float
) -> float:
    """requeueStuckDeployment (progress.go): seconds until the Deployment is synced again for a
    progress check; -1 when none is needed (no deadline, no Progressing condition, complete, or
    already timed out), 0 for "now" (less than a second left). Concrete only: the model has no
    clock; it reads this as "a Deployment whose Progressing condition can time out is synced once
    the deadline has passed", which makes the sync after the deadline event a fair step."""
    if not has_deadline or reason == NO_CONDITION:
        return -1
    if complete or reason == TIMED_OUT:
        return -1
    after = last_update + deadline_seconds - now
    return 0 if after < 1 else after


def available_condition(ops: Ops, available: Value, replicas: Value, max_unavailable: Value) -> Value:
    """calculateStatus (sync.go): Available is True (MinimumReplicasAvailable) when availableReplicas
    >= spec.replicas - MaxUnavailable, else False (MinimumReplicasUnavailable). MaxUnavailable, not
    MinAvailable: for Recreate it is 0, so a Recreate Deployment needs every replica."""
    return ops.ite(available >= replicas - max_unavailable, MIN_AVAILABLE, MIN_UNAVAILABLE)


def deployment_status_viewer_status(
    name: str,
    observed: bool,
    reason: int,
    replicas: int,
    status_replicas: int,
    updated: int,
    available: int,
) -> tuple[str, bool, str]:
    """kubectl's DeploymentStatusViewer.Status (staging/src/k8s.io/kubectl/pkg/polymorphichelpers/
    rollout_status.go), without --revision: (message, done, error). Concrete only."""
    if not observed:
        return "Waiting for deployment spec update to be observed...", False, ""
    if reason == TIMED_OUT:
        return "", False, f'deployment "{name}" exceeded its progress deadline'
    if updated < replicas:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} new replicas have '
            "been updated...",
            False,
            "",
        )
    if status_replicas > updated:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {status_replicas - updated} old replicas are '
            "pending termination...",
            False,
            "",
        )
    if available < updated:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas are '
            "available...",
            False,
            "",
        )
    return f'deployment "{name}" successfully rolled out', True, ""
