"""Pure helpers of the StatefulSet controller, named after their upstream twins.

Paraphrased from ``pkg/controller/statefulset/stateful_set_utils.go`` and
``stateful_set_control.go`` (Kubernetes v1.35; citations and versions in
papers/statefulset-notes.md). Each helper takes plain values or ``ops`` terms, so the unit-test
tables of tests/model/test_statefulset_util.py evaluate them with CONCRETE and with Z3.

Worked examples (from upstream tests and the API docs):

* ``get_pod_name("web", 2) == "web-2"``; ``get_persistent_volume_claim_name("web", "data", 2)
  == "data-web-2"``; ``parse_ordinal("web-10") == ("web", 10)``; ``parse_ordinal("web") ==
  ("", -1)``.
* ``get_statefulset_max_unavailable(IntOrPercent(50, True), 5)`` = floor(2.5) = 2;
  ``(IntOrPercent(10, True), 5)`` = floor(0.5) = 0, raised to 1; unset = 1.
* ``new_versioned_revision``: RollingUpdate with partition 2 → indices 0, 1 get the current
  revision and 2, 3, … the update revision; OnDelete → always the update revision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value

ORDERED_READY, PARALLEL = "OrderedReady", "Parallel"
ROLLING_UPDATE, ON_DELETE = "RollingUpdate", "OnDelete"
RETAIN, DELETE = "Retain", "Delete"

_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")


def get_pod_name(set_name: str, ordinal: int) -> str:
    """getPodName: ``<set>-<ordinal>``."""
    return f"{set_name}-{ordinal}"


def get_persistent_volume_claim_name(set_name: str, template: str, ordinal: int) -> str:
    """getPersistentVolumeClaimName: ``<claim template>-<set>-<ordinal>``."""
    return f"{template}-{set_name}-{ordinal}"


def parse_ordinal(pod_name: str) -> tuple[str, int]:
    """getParentNameAndOrdinal: (parent, ordinal), or ("", -1) when the name has no ordinal suffix."""
    m = _ORDINAL.match(pod_name)
    if m is None:
        return "", -1
    try:
        return m.group(1), int(m.group(2))
    except ValueError:  # pragma: no cover - the regex admits only digits
        return "", -1


def get_end_ordinal(start: int, replicas: int) -> int:
    """getEndOrdinal: the last valid ordinal, start + replicas - 1."""
    return start + replicas - 1


def pod_in_ordinal_range(ordinal: int, start: int, replicas: int) -> bool:
    """podInOrdinalRange: start <= ordinal <= end ordinal."""
    return start <= ordinal <= get_end_ordinal(start, replicas)


def get_statefulset_max_unavailable(ops: Ops, max_unavailable: IntOrPercent | None, replicas: Value) -> Value:
    """getStatefulSetMaxUnavailable: intstr scaled value rounded *down*, at least 1 (unset = 1)."""
    if max_unavailable is None:
        return 1
    return ops.max_(ops.scaled_value(max_unavailable, replicas, round_up=False), 1)


def new_versioned_revision(strategy: str, partition: int, index: int, current: Value, update: Value) -> Value:
    """newVersionedStatefulSetPod: the revision a missing pod is (re)created at.

    RollingUpdate (rollingUpdate always set after API defaulting): index < partition gets the
    *current* revision, the rest the update revision. OnDelete: the update revision. Partition
    and index are concrete (scope and command parameter), so this is a plain branch.
    """
    if strategy == ROLLING_UPDATE and index < partition:
        return current
    return update


def is_running_and_ready(phase_ready: Value) -> Value:
    """isRunningAndReady: phase Running and condition Ready (callers pass that boolean)."""
    return phase_ready


def is_healthy(ops: Ops, exists: Value, terminating: Value, available: Value) -> Value:
    """The predicate the OrderedReady scan waits for: created, not terminating, Running+Ready+Available."""
    return ops.and_(exists, ops.not_(terminating), available)


def is_unavailable(ops: Ops, exists: Value, terminating: Value, available: Value) -> Value:
    """isUnavailable(pod, minReadySeconds): not Running-and-available, or terminating (a missing pod counts)."""
    return ops.not_(is_healthy(ops, exists, terminating, available))


def complete_rolling_update(
    ops: Ops, strategy: str, replicas: Value, created: Value, ready: Value, updated: Value
) -> Value:
    """completeRollingUpdate: RollingUpdate and updated == ready == status.replicas == spec.replicas."""
    if strategy != ROLLING_UPDATE:
        return False
    return ops.and_(updated == created, ready == created, created == replicas)


def claim_wants_pod_ref(when_scaled: str, condemned: bool) -> bool:
    """isClaimOwnerUpToDate: should the claim carry a controller ownerRef to its pod?

    Only for whenScaled=Delete and only while the pod is condemned (its ordinal left the
    range by a scale-down); whenDeleted decides the ref to the set, which the model folds into
    the policy (papers/statefulset-notes.md §retention).
    """
    return when_scaled == DELETE and condemned


def claim_wants_set_ref(when_deleted: str, when_scaled: str, condemned: bool) -> bool:
    """isClaimOwnerUpToDate: should the claim carry an ownerRef to the StatefulSet?

    whenDeleted=Delete: yes, except a condemned pod's claim under whenScaled=Delete (there the
    pod ref replaces it).
    """
    if when_deleted != DELETE:
        return False
    return not (when_scaled == DELETE and condemned)


# -- ControllerRevisions (revision-history) ------------------------------------------------------
#
# A StatefulSet's history is a list of ControllerRevisions, each holding one pod template and a
# revision number. Two revisions with equal templates are equal (history.EqualRevision compares
# the hash label, then the data), and getStatefulSetRevisions never creates a second revision of
# a template that has one, so the model keeps the list as one slot per template value:
# ``numbers[t]`` is the revision number of template t's ControllerRevision, 0 when it has none.
# The slots, sorted by number, are history.SortControllerRevisions' order (numbers are distinct:
# each is handed out once, by nextRevision).


def next_revision(ops: Ops, numbers: Sequence[Value]) -> Value:
    """nextRevision: one more than the highest revision number, 1 for an empty history.

    Example: numbers (1, 0, 3) → 4; (0, 0) → 1.
    """
    return ops.max_(0, *numbers) + 1


def get_statefulset_revisions(ops: Ops, numbers: Sequence[Value], update: Value, cap: int | None = None) -> list[Value]:
    """getStatefulSetRevisions: the history after the update revision of template ``update`` is found or made.

    * the template's revision is the newest one: unchanged (the update revision has not changed);
    * it has an older revision: that revision is renumbered ``nextRevision`` (a rollback reuses it,
      UpdateControllerRevision);
    * it has none: a revision numbered ``nextRevision`` is created (CreateControllerRevision; the
      collision count stays 0, no two of the model's templates hash alike).

    Example (TestStatefulSetControl_getSetRevisions, "must rollback to a previous revision"):
    numbers (1, 2, 3), update template 1 → (1, 4, 3).

    ``cap`` (the model's bound on revision numbers, StatefulSetScope.max_revision_number) keeps
    ``nextRevision`` inside the declared domain from *every* state, as the symbolic engines
    assume; in reachable states it never bites (every number handed out is paid for by a
    template change the scope allows; tests/model/test_statefulset_history.py checks it by
    exhaustive search).
    """
    top = ops.max_(0, *numbers)
    nxt = top + 1 if cap is None else ops.min_(top + 1, cap)
    out = []
    for t, n in enumerate(numbers):
        newest = ops.and_(n > 0, n == top)
        out.append(ops.ite(update == t, ops.ite(newest, n, nxt), n))
    return out


def truncate_history(ops: Ops, numbers: Sequence[Value], live: Sequence[Value], limit: int) -> list[Value]:
    """truncateHistory: which revisions are deleted (a list of booleans, one per template).

    Revisions that are not live (live: status.currentRevision, the update revision, or the
    revision of a pod) are the history; when there are more than ``limit`` of them, the ones
    with the lowest numbers are deleted until ``limit`` remain. ``live`` is read as the sync
    found it (the pods listed and the current revision at its start).

    Example: numbers (1, 2, 3, 4), live (F, F, T, T), limit 1 → delete revision 1 only.
    """
    history = [ops.and_(n > 0, ops.not_(lv)) for n, lv in zip(numbers, live, strict=True)]
    excess = ops.count(history) - limit
    deleted = []
    slots = range(len(numbers))
    for t in slots:
        older = ops.count(ops.and_(history[u], numbers[u] < numbers[t]) for u in slots if u != t)
        deleted.append(ops.and_(history[t], older < excess))
    return deleted


def find_history(ops: Ops, numbers: Sequence[Value], to_revision: int) -> tuple[Value, Value]:
    """kubectl's findHistory: (found, the template of the revision to roll back to); the template is 0 when not found.

    ``to_revision`` N ≥ 1: the revision numbered N. 0 (plain ``kubectl rollout undo``): the one
    before the newest — the second-highest number — which needs at least two revisions ("no last
    revision to roll back to" otherwise).

    Examples: numbers (3, 2), N = 3 → (True, 0); N = 1 → (False, 0); N = 0 → (True, 1).
    """
    slots = range(len(numbers))
    if to_revision > 0:
        chosen = [numbers[t] == to_revision for t in slots]
    else:
        top = ops.max_(0, *numbers)
        chosen = [
            ops.and_(
                numbers[t] > 0,
                numbers[t] < top,
                *[ops.not_(ops.and_(numbers[u] > numbers[t], numbers[u] < top)) for u in slots if u != t],
            )
            for t in slots
        ]
    template: Value = 0
    for t in slots:
        template = ops.ite(chosen[t], t, template)
    return ops.or_(*chosen), template
