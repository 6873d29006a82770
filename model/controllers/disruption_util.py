"""PodDisruptionBudget arithmetic and the eviction decision, as small pure functions.

Kubernetes v1.35. Upstream files read (stored index of kubernetes/kubernetes; the snapshots are
recent — typed workqueues, ``controllerName``, the stale-DisruptionTarget worker — but the index
records no release tag, so "v1.35" means "the newest stored copy"):

* ``pkg/controller/disruption/disruption.go`` (index id 22066768447, commit 003e8629):
  ``getExpectedPodCount``, ``getExpectedScale`` and the finders (``getPodReplicationController``,
  ``getPodDeployment``, ``getPodReplicaSet``, ``getPodStatefulSet``, ``getScaleController``),
  ``countHealthyPods``, ``buildDisruptedPodMap``, ``updatePdbStatus``, ``failSafe``.
* ``pkg/registry/core/pod/storage/eviction.go`` (index id 282060706, the newest copy found: it has
  ``UnhealthyPodEvictionPolicy`` and still gates the DisruptionTarget condition on
  ``PodDisruptionConditions``, which is GA and always on by v1.35): ``Create``, ``canIgnorePDB``,
  ``checkAndDecrement``, ``getPodDisruptionBudgets``.
* ``pkg/apis/policy/validation/validation.go``: ``ValidatePodDisruptionBudgetSpec``.

What the source says, in our words:

* **Expected count and desired healthy** (``getExpectedPodCount``). ``maxUnavailable`` is looked
  at first: expected = the summed scale of the controllers owning the selected pods, desired =
  expected − maxUnavailable resolved against expected (a percentage rounded *up*), floored at 0.
  An *integer* ``minAvailable`` never asks a controller: expected = the number of selected pods
  (any phase, terminating ones too: the lister lists them all), desired = the integer. A
  *percentage* ``minAvailable`` uses the controllers' scale and rounds up. Neither set: 0 and 0.
  Example: maxUnavailable "30%" over a ReplicaSet of 7: ceil(2.1) = 3, desired 4.
* **The controllers' scale** (``getExpectedScale``): for each selected pod, its controllerRef is
  tried against five finders in order; the first hit gives (UID, scale). A pod of a ReplicaSet
  owned by a Deployment resolves to the *Deployment* (key: its UID, scale: its spec.replicas), so
  during a rollout the pods of two ReplicaSets count the Deployment once. A pod without
  controllerRef is "unmanaged": it adds nothing and the sync goes on (Warning event
  ``UnmanagedPods``). A controllerRef no finder resolves is an error: the sync fails and
  ``failSafe`` writes disruptionsAllowed 0. With no selected pod at all the sum is 0 (upstream's
  own test calls this "a known bug": a budget learns its controllers only from their pods).
* **Healthy** (``countHealthyPods``): Ready, no deletionTimestamp, and not in ``DisruptedPods``
  with ``disruptionTime + 2 min`` still after now. Phase is not looked at.
* **DisruptedPods** (``buildDisruptedPodMap``): an entry survives a sync only for a selected pod
  with no deletionTimestamp whose ``disruptionTime + 2 min`` is not before now.
* **disruptionsAllowed** (``updatePdbStatus``): currentHealthy − desiredHealthy, and 0 when that
  is ≤ 0 *or expectedCount ≤ 0*. ``observedGeneration`` is set to the generation the sync read.
* **Several budgets.** Each budget computes over every pod its selector matches, so a pod under
  two budgets counts in both. The controller's pod handlers enqueue only the first budget the
  lister returns (``getPdbForPod``, Warning event ``MultiplePodDisruptionBudgets``: "Chose ...
  arbitrarily"); the other still syncs on its own events. The eviction handler refuses such a
  pod with the 500 below.
* **Eviction** (``EvictionREST.Create``), in this order: (1) a pod that is Pending, Succeeded,
  Failed or already terminating is deleted without looking at any budget (``canIgnorePDB``);
  (2) the budgets of the namespace are *listed from the API* and matched against the pod's
  labels: more than one is a 500 "This pod has more than one PodDisruptionBudget, which the
  eviction subresource does not support." (the pod stays), none deletes the pod; (3) a pod that is
  not Ready is deleted without touching the budget when ``unhealthyPodEvictionPolicy`` is
  ``AlwaysAllow``, or (nil / ``IfHealthyBudget``) when status.currentHealthy ≥
  status.desiredHealthy and desiredHealthy > 0 — this path reads the status *without* the
  generation check; (4) otherwise ``checkAndDecrement``: observedGeneration < generation → 429
  (retry-after 10, "still being processed"); disruptionsAllowed < 0 → 403; more than 2000
  DisruptedPods → 403; disruptionsAllowed == 0 → 429 ("needs D healthy pods and has C
  currently"); else the budget's status is written with disruptionsAllowed − 1 and the pod in
  DisruptedPods, and the pod is deleted (gracefully: it becomes Terminating).

Abstracted away, and why: the conflict retries (``EvictionsRetry``, 20 × 500 ms) and the
resourceVersion preconditions only matter when the API server interleaves two writers inside
one eviction call; a model that takes one eviction as one step has no such interleaving (the
paper papers/disruption-actors.md argues this). Dry-run writes nothing and is not modelled.
Events and condition messages are words, kept only as constants for traces.

Functions whose first parameter is ``ops`` are read three ways (ints, compiled Python, z3 terms);
the others work on plain Python values (the manifest front end's finder logic, validation).
Worked examples from upstream's tests are in tests/model/test_disruption_util.py and
tests/model/test_eviction_util.py, each citing its test and case.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value

#: disruption.go DeletionTimeout: how long an approved eviction keeps a pod out of currentHealthy.
DELETION_TIMEOUT_SECONDS = 120
#: eviction.go MaxDisruptedPodSize: above this many DisruptedPods entries evictions get 403.
MAX_DISRUPTED_POD_SIZE = 2000

IF_HEALTHY_BUDGET = "IfHealthyBudget"
ALWAYS_ALLOW = "AlwaysAllow"
UNHEALTHY_POD_EVICTION_POLICIES = (IF_HEALTHY_BUDGET, ALWAYS_ALLOW)

# ---- eviction outcomes (ints, so a guard can compare them under every ops) ------------------
#: deleted without a budget lookup: Pending, Succeeded, Failed or terminating (canIgnorePDB)
EVICTED_IGNORING_BUDGET = 0
#: deleted: no budget selects the pod
EVICTED_NO_BUDGET = 1
#: deleted: the pod is not Ready and the unhealthy-pod policy lets it go; budget untouched
EVICTED_UNHEALTHY = 2
#: deleted after checkAndDecrement: disruptionsAllowed − 1 and a DisruptedPods entry
EVICTED_DECREMENTED = 3
#: 429, retry-after 10: status.observedGeneration < generation
REFUSED_STALE = 4
#: 429, retry-after 0: disruptionsAllowed is 0
REFUSED_BUDGET = 5
#: 403: disruptionsAllowed is negative (only a hand-written status can say so)
FORBIDDEN_NEGATIVE = 6
#: 403: more than MAX_DISRUPTED_POD_SIZE approved evictions not yet seen by the controller
FORBIDDEN_MAP_FULL = 7
#: 500: the pod matches more than one budget; it is not deleted
MULTIPLE_BUDGETS = 8

OUTCOME_NAMES = (
    "evicted (budget not consulted: pod Pending, finished or terminating)",
    "evicted (no PodDisruptionBudget selects the pod)",
    "evicted (pod not Ready; unhealthyPodEvictionPolicy lets it go)",
    "evicted (disruptionsAllowed decremented)",
    "429 TooManyRequests: the disruption budget is still being processed by the server",
    "429 TooManyRequests: Cannot evict pod as it would violate the pod's disruption budget",
    "403 Forbidden: pdb disruptions allowed is negative",
    "403 Forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller",
    "500: This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
)
#: the HTTP status each outcome answers with (201 Created for an eviction that deleted the pod)
OUTCOME_HTTP_STATUS = (201, 201, 201, 201, 429, 429, 403, 403, 500)


@attrs.frozen
class BudgetSpec:
    """A PodDisruptionBudget's spec as the model reads it (the selector is matched elsewhere)."""

    min_available: IntOrPercent | None = None
    max_unavailable: IntOrPercent | None = None
    unhealthy_pod_eviction_policy: str | None = None


def validate_budget_spec(spec: BudgetSpec, path: str = "spec") -> list[str]:
    """ValidatePodDisruptionBudgetSpec: the API server's messages for a bad spec (empty if valid).

    Both bounds set is refused; each must be a non-negative integer or a percentage of at most
    100%. The policy enum check follows the API type's two values (the newer validation that
    enforces it was not read; the two names are the type's constants)."""
    errors = []
    if spec.min_available is not None and spec.max_unavailable is not None:
        errors.append(f"{path}: Invalid value: minAvailable and maxUnavailable cannot be both set")
    for name, value in (("minAvailable", spec.min_available), ("maxUnavailable", spec.max_unavailable)):
        if value is None:
            continue
        if value.value < 0:
            errors.append(f"{path}.{name}: Invalid value: {value}: must be greater than or equal to 0")
        if value.is_percent and value.value > 100:
            errors.append(f"{path}.{name}: Invalid value: {value}: must not be greater than 100%")
    policy = spec.unhealthy_pod_eviction_policy
    if policy is not None and policy not in UNHEALTHY_POD_EVICTION_POLICIES:
        allowed = ", ".join(f'"{p}"' for p in UNHEALTHY_POD_EVICTION_POLICIES)
        errors.append(f'{path}.unhealthyPodEvictionPolicy: Unsupported value: "{policy}": supported values: {allowed}')
    return errors


# ---- the disruption controller ----------------------------------------------------------------


def get_expected_pod_count(
    ops: Ops,
    min_available: IntOrPercent | None,
    max_unavailable: IntOrPercent | None,
    selected_pods: Value,
    controller_scale: Value,
) -> tuple[Value, Value]:
    """getExpectedPodCount: (expectedCount, desiredHealthy) of a budget.

    ``min_available``/``max_unavailable`` are the spec as written (scope constants; None when
    unset). ``selected_pods`` = every pod the selector matches (any phase, terminating too);
    ``controller_scale`` = :func:`get_expected_scale` over those pods. maxUnavailable wins over
    minAvailable (validation forbids both); percentages round up.
    """
    if max_unavailable is not None:
        unavailable = ops.scaled_value(max_unavailable, controller_scale, round_up=True)
        return controller_scale, ops.max_(0, controller_scale - unavailable)
    if min_available is not None:
        if not min_available.is_percent:
            return selected_pods, min_available.value
        return controller_scale, ops.scaled_value(min_available, controller_scale, round_up=True)
    return 0, 0


def get_expected_scale(ops: Ops, scales: Sequence[Value], selected_pods: Sequence[Value]) -> Value:
    """getExpectedScale for workloads the model knows: Σ scale_i over the controllers that own at
    least one selected pod (each counted once, whatever number of its pods is selected).

    ``scales[i]`` is controller i's spec.replicas as the finder reads it (a Deployment's, not its
    ReplicaSets'); ``selected_pods[i]`` how many of its pods the budget selects."""
    return ops.sum_(ops.ite(n > 0, s, 0) for s, n in zip(scales, selected_pods, strict=True))


def count_healthy_pods(
    ops: Ops, ready: Sequence[Value], terminating: Sequence[Value], recently_disrupted: Sequence[Value]
) -> Value:
    """countHealthyPods: selected pods that are Ready, not terminating, and not in DisruptedPods
    with their two minutes still running (``recently_disrupted``)."""
    return ops.count(
        ops.and_(r, ops.not_(t), ops.not_(d)) for r, t, d in zip(ready, terminating, recently_disrupted, strict=True)
    )


def keeps_disrupted_entry(ops: Ops, selected: Value, terminating: Value, expired: Value) -> Value:
    """buildDisruptedPodMap, one entry: kept iff the pod is still selected, has no
    deletionTimestamp, and ``disruptionTime + 2 min`` is not before now (``expired`` false)."""
    return ops.and_(selected, ops.not_(terminating), ops.not_(expired))


def is_disruption_expired(age_seconds: int) -> bool:
    """buildDisruptedPodMap's test ``disruptionTime + DeletionTimeout`` Before now (strict)."""
    return age_seconds > DELETION_TIMEOUT_SECONDS


def is_disruption_pending(age_seconds: int) -> bool:
    """countHealthyPods' test ``disruptionTime + DeletionTimeout`` After now (strict): at exactly
    two minutes the entry is kept by buildDisruptedPodMap yet the pod already counts healthy."""
    return age_seconds < DELETION_TIMEOUT_SECONDS


def disruptions_allowed(ops: Ops, current_healthy: Value, desired_healthy: Value, expected_count: Value) -> Value:
    """updatePdbStatus: max(currentHealthy − desiredHealthy, 0), and 0 whenever expectedCount ≤ 0
    (a budget whose pods are not yet seen must not allow evictions)."""
    diff = current_healthy - desired_healthy
    return ops.ite(ops.or_(expected_count <= 0, diff <= 0), 0, diff)


def needs_status_write(ops: Ops, written: Sequence[Value], computed: Sequence[Value], stale: Value) -> Value:
    """updatePdbStatus writes unless every field already matches and observedGeneration is current
    (``stale`` false): the enabling condition of a sync that leaves a quiescent state alone.
    ``written``/``computed`` = (disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods)."""
    return ops.or_(stale, *[w != c for w, c in zip(written, computed, strict=True)])


def disruption_allowed_condition(ops: Ops, allowed: Value) -> Value:
    """UpdateDisruptionAllowedCondition: DisruptionAllowed is True (SufficientPods) iff > 0."""
    return allowed > 0


# ---- the finders (plain Python: the front end's view of which controllers a budget counts) ----


@attrs.frozen
class OwnerRef:
    """A controller ownerReference (``metav1.GetControllerOf``)."""

    kind: str
    api_version: str
    name: str
    uid: str


@attrs.frozen
class ControllerObject:
    """An object a finder can look up: its kind, API group, name, UID, spec.replicas (or
    scale.spec.replicas) and its own controller; ``scale_subresource`` False for a kind without
    ``/scale``. ``api_group`` is where the REST mapper finds the kind ("" for core kinds)."""

    kind: str
    name: str
    uid: str
    replicas: int
    owner: OwnerRef | None = None
    scale_subresource: bool = True
    api_group: str = "apps"


@attrs.frozen
class ExpectedScale:
    """getExpectedScale's results: the sum, the unmanaged pods' indexes, and the error (or None)."""

    expected_count: int
    unmanaged: tuple[int, ...] = ()
    error: str | None = None


class _GroupVersionError(ValueError):
    pass


def _group(api_version: str) -> str:
    """schema.ParseGroupVersion's group: "v1" → "", "apps/v1" → "apps"; more slashes is an error."""
    parts = api_version.split("/")
    if len(parts) > 2:
        raise _GroupVersionError(f"unexpected GroupVersion string: {api_version}")
    return parts[0] if len(parts) == 2 else ""


def _verify_group_kind(ref: OwnerRef, kind: str, groups: Sequence[str]) -> bool:
    return ref.kind == kind and _group(ref.api_version) in groups


def find_controller(ref: OwnerRef, objects: Mapping[tuple[str, str], ControllerObject]) -> tuple[str, int] | None:
    """The finders in upstream's order; (UID, scale) of the first that resolves ``ref``, or None.

    ``objects`` maps (kind, name) to the objects of the pod's namespace. Raises ValueError for an
    unparsable apiVersion and for a kind without a scale subresource (upstream's two errors)."""

    def lookup(kind: str, name: str, uid: str) -> ControllerObject | None:
        found = objects.get((kind, name))
        return found if found is not None and found.uid == uid else None

    if _verify_group_kind(ref, "ReplicationController", [""]):  # getPodReplicationController
        rc = lookup("ReplicationController", ref.name, ref.uid)
        if rc is not None:
            return rc.uid, rc.replicas
    if _verify_group_kind(ref, "ReplicaSet", ["apps", "extensions"]):
        rs = lookup("ReplicaSet", ref.name, ref.uid)
        owner = rs.owner if rs is not None else None
        if owner is not None and _verify_group_kind(owner, "Deployment", ["apps", "extensions"]):
            deployment = lookup("Deployment", owner.name, owner.uid)  # getPodDeployment
            if deployment is not None:
                return deployment.uid, deployment.replicas
        if rs is not None and (rs.owner is None or rs.owner.kind != "Deployment"):  # getPodReplicaSet
            return rs.uid, rs.replicas
    if _verify_group_kind(ref, "StatefulSet", ["apps"]):  # getPodStatefulSet
        ss = lookup("StatefulSet", ref.name, ref.uid)
        if ss is not None:
            return ss.uid, ss.replicas
    group = _group(ref.api_version)  # getScaleController: RESTMapping, then GET .../scale
    target = objects.get((ref.kind, ref.name))
    if target is not None and target.api_group != group:
        raise ValueError(f'no matches for kind "{ref.kind}" in group "{group}"')
    if target is not None and not target.scale_subresource:
        raise ValueError(f"{ref.kind} does not implement the scale subresource")
    if target is not None and target.uid == ref.uid:
        return target.uid, target.replicas
    return None


def get_expected_scale_of(
    pod_owners: Sequence[OwnerRef | None], objects: Mapping[tuple[str, str], ControllerObject]
) -> ExpectedScale:
    """getExpectedScale on concrete pods: ``pod_owners[i]`` is pod i's controllerRef (None: an
    unmanaged pod). Each resolved controller is counted once; an unresolvable ref is an error."""
    scale_by_uid: dict[str, int] = {}
    unmanaged = []
    for index, ref in enumerate(pod_owners):
        if ref is None:
            unmanaged.append(index)
            continue
        if ref.uid in scale_by_uid:
            continue
        try:
            found = find_controller(ref, objects)
        except ValueError as err:
            return ExpectedScale(0, tuple(unmanaged), str(err))
        if found is None:
            return ExpectedScale(0, tuple(unmanaged), f"found no controllers for pod at index {index}")
        scale_by_uid[found[0]] = found[1]
    return ExpectedScale(sum(scale_by_uid.values()), tuple(unmanaged))


# ---- the eviction subresource ---------------------------------------------------------------


def can_ignore_pdb(ops: Ops, pending: Value, finished: Value, terminating: Value) -> Value:
    """canIgnorePDB: Pending, Succeeded/Failed (``finished``), or already being deleted."""
    return ops.or_(pending, finished, terminating)


def check_and_decrement(
    ops: Ops,
    generation: Value,
    observed_generation: Value,
    allowed: Value,
    disrupted_entries: Value,
) -> Value:
    """checkAndDecrement's verdict, in its order: stale status, negative, map full, spent, or
    EVICTED_DECREMENTED (the caller then writes ``allowed − 1`` and adds the DisruptedPods entry)."""
    return ops.ite(
        observed_generation < generation,
        REFUSED_STALE,
        ops.ite(
            allowed < 0,
            FORBIDDEN_NEGATIVE,
            ops.ite(
                disrupted_entries > MAX_DISRUPTED_POD_SIZE,
                FORBIDDEN_MAP_FULL,
                ops.ite(allowed == 0, REFUSED_BUDGET, EVICTED_DECREMENTED),
            ),
        ),
    )


def eviction_outcome(
    ops: Ops,
    policy: str | None,
    ignores_pdb: Value,
    budgets: Value,
    ready: Value,
    status: tuple[Value, Value, Value, Value, Value, Value],
) -> Value:
    """EvictionREST.Create's decision for one pod: an outcome constant of this module.

    ``policy`` is the matching budget's unhealthyPodEvictionPolicy (a constant of the scope: None,
    IF_HEALTHY_BUDGET or ALWAYS_ALLOW); ``ignores_pdb`` is :func:`can_ignore_pdb`; ``budgets`` how
    many budgets select the pod; ``status`` the budget as the API returns it: (generation,
    observedGeneration, disruptionsAllowed, currentHealthy, desiredHealthy, DisruptedPods size).
    """
    generation, observed, allowed, current_healthy, desired_healthy, disrupted = status
    if policy == ALWAYS_ALLOW:
        unhealthy_goes = ops.not_(ready)
    else:  # nil and IfHealthyBudget: only while the application is not disrupted
        unhealthy_goes = ops.and_(ops.not_(ready), current_healthy >= desired_healthy, desired_healthy > 0)
    return ops.ite(
        ignores_pdb,
        EVICTED_IGNORING_BUDGET,
        ops.ite(
            budgets > 1,
            MULTIPLE_BUDGETS,
            ops.ite(
                budgets == 0,
                EVICTED_NO_BUDGET,
                ops.ite(
                    unhealthy_goes,
                    EVICTED_UNHEALTHY,
                    check_and_decrement(ops, generation, observed, allowed, disrupted),
                ),
            ),
        ),
    )


def is_evicted(ops: Ops, outcome: Value) -> Value:
    """The eviction deleted the pod (gracefully): one of the four 201 outcomes."""
    return outcome <= EVICTED_DECREMENTED


def is_too_many_requests(ops: Ops, outcome: Value) -> Value:
    """The eviction answered 429 — the one answer kubectl drain retries."""
    return ops.or_(outcome == REFUSED_STALE, outcome == REFUSED_BUDGET)


def decremented_allowed(ops: Ops, outcome: Value, allowed: Value) -> Value:
    """The budget's disruptionsAllowed after the eviction: one less iff it was decremented."""
    return ops.ite(outcome == EVICTED_DECREMENTED, allowed - 1, allowed)


# ---- trySync on concrete pods (the front end's and the tests' entry point) -------------------


@attrs.frozen
class PodView:
    """What the disruption controller reads of one selected pod. ``disruption_age`` is the
    seconds since the eviction handler put it in DisruptedPods (None: not in the map)."""

    owner: OwnerRef | None
    ready: bool = True
    terminating: bool = False
    disruption_age: int | None = None


@attrs.frozen
class BudgetStatus:
    """PodDisruptionBudgetStatus as written by a sync (``disrupted`` = indexes kept in the map)."""

    disruptions_allowed: int = 0
    current_healthy: int = 0
    desired_healthy: int = 0
    expected_pods: int = 0
    disrupted: tuple[int, ...] = ()
    error: str | None = None


def sync_status(
    min_available: IntOrPercent | None,
    max_unavailable: IntOrPercent | None,
    pods: Sequence[PodView],
    objects: Mapping[tuple[str, str], ControllerObject],
    previous: BudgetStatus | None = None,
) -> BudgetStatus:
    """trySync with CONCRETE ops: the status a sync writes, or failSafe's (disruptionsAllowed 0,
    every other field as ``previous`` had it, the error kept) when a controller cannot be found."""
    ops = CONCRETE
    uses_scale = max_unavailable is not None or (min_available is not None and min_available.is_percent)
    scale = ExpectedScale(0)
    if uses_scale:
        scale = get_expected_scale_of([p.owner for p in pods], objects)
    if scale.error is not None:
        return attrs.evolve(previous or BudgetStatus(), disruptions_allowed=0, error=scale.error)
    expected, desired = get_expected_pod_count(ops, min_available, max_unavailable, len(pods), scale.expected_count)
    kept = tuple(
        i
        for i, p in enumerate(pods)
        if p.disruption_age is not None
        and keeps_disrupted_entry(ops, True, p.terminating, is_disruption_expired(p.disruption_age))
    )
    pending = [i in kept and is_disruption_pending(p.disruption_age or 0) for i, p in enumerate(pods)]
    healthy = count_healthy_pods(ops, [p.ready for p in pods], [p.terminating for p in pods], pending)
    allowed = disruptions_allowed(ops, healthy, desired, expected)
    return BudgetStatus(allowed, healthy, desired, expected, kept)
