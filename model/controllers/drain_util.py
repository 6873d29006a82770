"""``kubectl drain`` and ``kubectl cordon``, as small pure functions.

Kubernetes v1.35's kubectl is kubernetes/kubectl at tag ``v0.35.0`` (fetched whole; read with
``git show v0.35.0:<path>``):

* ``pkg/drain/filters.go``: ``makeFilters`` (the order: skipDeleted, daemonSet, mirrorPod,
  localStorage, unreplicated, then the library's AdditionalFilters), each filter, ``hasLocalStorage``,
  ``isControllerRefDaemonSet``, ``shouldSkipPod``.
* ``pkg/drain/drain.go``: ``GetPodsForDeletion`` / ``filterPods`` (the first filter that says "do
  not delete" ends the chain; any Error status fails the node before a pod is touched),
  ``DeleteOrEvictPods`` (eviction when the server offers ``pods/eviction`` and
  ``--disable-eviction`` is off), ``evictPods`` (one goroutine per pod), ``waitForDelete``.
* ``pkg/drain/cordon.go``: ``UpdateIfRequired``. ``pkg/cmd/drain/drain.go``: ``RunDrain``,
  ``deleteOrEvictPodsSimple``.

What the source says, in our words:

* **Which pods a drain deletes.** The pods bound to the node (all namespaces) go through the
  filters. A pod whose controllerRef is a DaemonSet (``apps/v1``) is never deleted unless it has
  finished (Succeeded/Failed); with ``--ignore-daemonsets`` it is skipped with a warning, without
  it the drain fails ("DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"); if its
  DaemonSet is gone, ``--force`` deletes it with a warning, else the drain fails. A mirror pod
  (annotation ``kubernetes.io/config.mirror``) is skipped silently. A pod with an ``emptyDir``
  volume that has not finished needs ``--delete-emptydir-data`` (else the drain fails). A pod
  with no controllerRef that has not finished needs ``--force`` (else "cannot delete Pods that
  declare no controller (use --force to override)"). Finished pods pass every filter. With
  ``--skip-wait-for-delete-timeout=N`` a pod deleted more than N seconds ago is skipped.
* **Cordon first.** ``RunDrain`` cordons every node (``spec.unschedulable = true``, a patch only
  when the value differs) and never uncordons, also when the drain fails.
* **Evict, retry on 429.** Each listed pod gets its own loop: an eviction that succeeds goes on to
  wait for the pod to disappear; NotFound is success; **429 TooManyRequests is retried after 5 s
  (``EvictErrorRetryDelay``) for ever** — until ``--timeout``, whose default 0 means no limit; a
  403 with cause NamespaceTerminating is success if the pod already has a deletionTimestamp and a
  retry otherwise; **any other error (the 500 for a pod under two budgets, a 403) fails that pod
  at once**. After a retryable error the pod is read again.
* **What makes a drain finish.** ``waitForDelete`` polls every second until the pod is NotFound
  *or a pod of the same name has another UID* (a StatefulSet's replacement), or (skip-wait) was
  deleted long enough ago. The drain of a node succeeds when every listed pod is done; the list
  is computed once, so pods that land on the node afterwards (DaemonSet pods tolerate the
  unschedulable taint) are not its business.

Abstracted: the 5 s retry delay, the 1 s poll and ``--timeout`` are time (a retry is a step, the
timeout 0 default is modelled; a finite timeout would make a blocked drain *fail* instead of
hang, which a model can add as a user action); chunked listing, ``--pod-selector``, dry runs,
the grace period and the NamespaceTerminating path (no namespace is deleted in a scope).
Worked examples from upstream's tests are in tests/model/test_drain_util.py.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from kubecheck.model.controllers import disruption_util as du
from kubecheck.model.kernel.ops import Ops, Value

EVICT_ERROR_RETRY_DELAY_SECONDS = 5
WAIT_FOR_DELETE_INTERVAL_SECONDS = 1

OKAY, SKIP, WARNING, ERROR = "Okay", "Skip", "Warning", "Error"
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"


@attrs.frozen
class DrainFlags:
    """The ``kubectl drain`` flags the filters and the loop read (defaults as NewDrainCmdOptions)."""

    force: bool = False
    ignore_daemonsets: bool = False
    delete_emptydir_data: bool = False
    disable_eviction: bool = False
    skip_wait_for_delete_timeout: int = 0
    timeout: int = 0  # seconds; 0 = no limit


@attrs.frozen
class PodFacts:
    """What the filters read of one pod on the node."""

    controller_kind: str | None = None  # the controllerRef's kind, None: no controller
    controller_api_version: str = "apps/v1"
    controller_name: str = ""
    controller_exists: bool = True  # only read for a DaemonSet: does the GET find it?
    finished: bool = False  # phase Succeeded or Failed
    mirror: bool = False
    empty_dir: bool = False
    deletion_age: int | None = None  # seconds since deletionTimestamp; None: not terminating


@attrs.frozen
class PodDeleteStatus:
    """PodDeleteStatus: delete or not, why, and the message kubectl prints."""

    delete: bool
    reason: str = OKAY
    message: str = ""


_OKAY = PodDeleteStatus(True)


def should_skip_pod(facts: PodFacts, skip_wait_for_delete_timeout: int) -> bool:
    """shouldSkipPod: a threshold is set and the pod was deleted more than that many seconds ago."""
    age = facts.deletion_age
    return skip_wait_for_delete_timeout > 0 and age is not None and age > skip_wait_for_delete_timeout


def skip_deleted_filter(facts: PodFacts, flags: DrainFlags) -> PodDeleteStatus:
    return PodDeleteStatus(False, SKIP) if should_skip_pod(facts, flags.skip_wait_for_delete_timeout) else _OKAY


def daemonset_filter(facts: PodFacts, flags: DrainFlags) -> PodDeleteStatus:
    """daemonSetFilter: only a controllerRef of kind DaemonSet *and* apiVersion apps/v1 counts."""
    if facts.controller_kind != "DaemonSet" or facts.controller_api_version != "apps/v1" or facts.finished:
        return _OKAY
    if not facts.controller_exists:  # the GET's NotFound error text
        not_found = f'daemonsets.apps "{facts.controller_name}" not found'
        return PodDeleteStatus(flags.force, WARNING if flags.force else ERROR, not_found)
    if not flags.ignore_daemonsets:
        return PodDeleteStatus(False, ERROR, DAEMONSET_FATAL)
    return PodDeleteStatus(False, WARNING, DAEMONSET_WARNING)


def mirror_pod_filter(facts: PodFacts, flags: DrainFlags) -> PodDeleteStatus:
    return PodDeleteStatus(False, SKIP) if facts.mirror else _OKAY


def local_storage_filter(facts: PodFacts, flags: DrainFlags) -> PodDeleteStatus:
    if not facts.empty_dir or facts.finished:
        return _OKAY
    if not flags.delete_emptydir_data:
        return PodDeleteStatus(False, ERROR, LOCAL_STORAGE_FATAL)
    return PodDeleteStatus(True, WARNING, LOCAL_STORAGE_WARNING)


def unreplicated_filter(facts: PodFacts, flags: DrainFlags) -> PodDeleteStatus:
    if facts.finished or facts.controller_kind is not None:
        return _OKAY
    if flags.force:
        return PodDeleteStatus(True, WARNING, UNMANAGED_WARNING)
    return PodDeleteStatus(False, ERROR, UNMANAGED_FATAL)


PodFilter = Callable[[PodFacts, DrainFlags], PodDeleteStatus]
BASE_FILTERS: tuple[PodFilter, ...] = (
    skip_deleted_filter,
    daemonset_filter,
    mirror_pod_filter,
    local_storage_filter,
    unreplicated_filter,
)


def filter_pod(facts: PodFacts, flags: DrainFlags, additional: Sequence[PodFilter] = ()) -> PodDeleteStatus:
    """filterPods for one pod: the filters in order; the first "do not delete" ends the chain."""
    status = _OKAY
    for pod_filter in (*BASE_FILTERS, *additional):
        status = pod_filter(facts, flags)
        if not status.delete:
            break
    return status


@attrs.frozen
class DrainPlan:
    """GetPodsForDeletion's result: indexes of the pods to evict, the warnings and the errors
    (a non-empty ``errors`` fails the node before any pod is touched)."""

    evict: tuple[int, ...]
    warnings: tuple[str, ...]
    errors: tuple[str, ...]


def plan_node_drain(pods: Sequence[PodFacts], flags: DrainFlags, additional: Sequence[PodFilter] = ()) -> DrainPlan:
    """GetPodsForDeletion over the pods bound to the node."""
    statuses = [filter_pod(p, flags, additional) for p in pods]
    return DrainPlan(
        tuple(i for i, s in enumerate(statuses) if s.delete),
        tuple(s.message for s in statuses if s.reason == WARNING),
        tuple(s.message or "unexpected error" for s in statuses if s.reason == ERROR),
    )


def uses_eviction(eviction_supported: bool, flags: DrainFlags) -> bool:
    """DeleteOrEvictPods: the eviction API unless --disable-eviction or the server lacks it (then
    plain DELETE, which no PodDisruptionBudget can stop)."""
    return eviction_supported and not flags.disable_eviction


def update_if_required(unschedulable: bool, desired: bool) -> bool:
    """CordonHelper.UpdateIfRequired: a patch is sent only when spec.unschedulable differs."""
    return unschedulable != desired


# ---- the per-pod eviction loop, for guards --------------------------------------------------

# what kubectl sees of one eviction call
RESPONSE_EVICTED, RESPONSE_NOT_FOUND, RESPONSE_TOO_MANY_REQUESTS, RESPONSE_NAMESPACE_TERMINATING, RESPONSE_OTHER = (
    range(5)
)
# where the pod's goroutine goes next
NEXT_WAIT_FOR_DELETE, NEXT_DONE, NEXT_RETRY, NEXT_FAILED = range(4)


def response_of_outcome(ops: Ops, outcome: Value) -> Value:
    """What kubectl makes of an eviction outcome (disruption_util's constants): a 201 is success,
    a 429 is TooManyRequests, a 403 or the 500 of a pod under several budgets is "other"."""
    return ops.ite(
        du.is_evicted(ops, outcome),
        RESPONSE_EVICTED,
        ops.ite(du.is_too_many_requests(ops, outcome), RESPONSE_TOO_MANY_REQUESTS, RESPONSE_OTHER),
    )


def after_eviction_response(ops: Ops, response: Value, pod_terminating: Value) -> Value:
    """evictPods' loop body: what follows one eviction answer. Success waits for the pod to go;
    NotFound is done; 429 is retried (after EvictErrorRetryDelay); NamespaceTerminating is
    waited out if the pod already has a deletionTimestamp and retried otherwise; anything else
    fails the pod — and with it the drain."""
    return ops.ite(
        response == RESPONSE_EVICTED,
        NEXT_WAIT_FOR_DELETE,
        ops.ite(
            response == RESPONSE_NOT_FOUND,
            NEXT_DONE,
            ops.ite(
                response == RESPONSE_TOO_MANY_REQUESTS,
                NEXT_RETRY,
                ops.ite(
                    response == RESPONSE_NAMESPACE_TERMINATING,
                    ops.ite(pod_terminating, NEXT_WAIT_FOR_DELETE, NEXT_RETRY),
                    NEXT_FAILED,
                ),
            ),
        ),
    )


def is_pod_gone(ops: Ops, found: Value, same_uid: Value) -> Value:
    """waitForDelete's test: NotFound, or a pod of that name with another UID (a replacement)."""
    return ops.or_(ops.not_(found), ops.not_(same_uid))


def is_drain_complete(ops: Ops, pending: Sequence[Value], failed: Sequence[Value]) -> Value:
    """RunDrain prints "node/<name> drained" iff every listed pod is done and none failed."""
    return ops.and_(*[ops.not_(p) for p in pending], *[ops.not_(f) for f in failed])
