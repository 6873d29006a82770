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
