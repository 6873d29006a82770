"""The PodDisruptionBudget layer of the cluster, written once for every workload model (issue 16 item 1).

Kubernetes v1.35. A workload model (the Deployment's counters, the StatefulSet's ordinals) keeps the
budget's status in four state fields of the same names (``pdb_allowed``, ``pdb_current_healthy``,
``pdb_desired_healthy``, ``pdb_expected``) and says what it knows of its own pods; this module holds
what is the same for every workload:

* the budget's **scope parameters** (``pdb-min-available``, ``pdb-max-unavailable``,
  ``pdb-unhealthy-policy``, ``pdb-second-budget``), their words and their validation (the API server's
  ValidatePodDisruptionBudgetSpec, ``pkg/apis/policy/validation/validation.go``);
* the **status a sync writes** from what the model counts (healthy pods, expectedPods, desiredHealthy:
  ``pkg/controller/disruption/disruption.go`` updatePdbStatus), and whether a sync writes at all;
* the **eviction API's answer** for one pod (``pkg/registry/core/pod/storage/eviction.go``
  EvictionREST.Create, canIgnorePDB, getPodDisruptionBudgets, checkAndDecrement) over a small view of
  the pod, :class:`Eviction` — the model says whether canIgnorePDB lets the pod go, whether it is Ready,
  whether the budgets select it, and whether the budget's status is stale; and the decrement that an
  approved eviction writes in the same step;
* what ``kubectl drain``'s eviction loop makes of each answer (kubectl ``pkg/drain/drain.go`` evictPods):
  201 goes on to wait for the pod, 429 is retried, anything else fails the pod and with it the drain.

The arithmetic stays in :mod:`~kubecheck.model.controllers.disruption_util` and
:mod:`~kubecheck.model.controllers.drain_util`; nothing here is re-derived.

**Two budgets over one workload** (``pdb-second-budget``). EvictionREST.Create, read in the stored
kubernetes/kubernetes copy of ``eviction.go``, checks in this order: canIgnorePDB first (a Pending,
finished or terminating pod is deleted without a look at any budget); then the namespace's budgets are
listed and matched against the pod's labels, and more than one is answered at once with a 500
"This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." —
before the unhealthy-pod path (unhealthyPodEvictionPolicy), before checkAndDecrement, and so before its
DryRun test, which comes after the decrement inside checkAndDecrement: a dry run gets the same 500.
kubectl's evictPods treats a 500 as neither success, NotFound nor 429: the pod's loop returns the error
at once and the drain ends in error ("error when evicting pods/...") without retrying. The model reads
that 500 as the drain failing in the same step; upstream the other pods' loops run on until they end,
but they can only delete pods that canIgnorePDB lets go (Pending, finished or terminating: none of them
healthy), since every other pod of the workload gets the same 500. The second budget's own status is
not state: no eviction ever reads it past the 500. Its selector is assumed to select every pod the
first budget selects (two budgets over one workload, what a manifest with both shows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

import attrs

from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import drain_util as dru
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.scopes import ScopeError, param, parse_bool, parse_choice, parse_int_or_percent, show_bool

# -- scope parameters ---------------------------------------------------------------------------


def parse_budget_bound(raw: str) -> IntOrPercent | None:
    text = str(raw).strip()
    if text in ("", "none"):
        return None
    return parse_int_or_percent(text)


parse_budget_bound.__doc__ = "integer, percent or none"  # `kubecheck list` shows it as the value hint


def show_budget_bound(value: IntOrPercent | None) -> str:
    return "none" if value is None else str(value)


def min_available_param(workload: str) -> IntOrPercent | None:
    """The ``pdb-min-available`` scope parameter; ``workload`` names whose pods the budget selects."""
    return param(
        "pdb-min-available",
        f"a PodDisruptionBudget selecting the {workload}'s pods: spec.minAvailable as written (none: no such field)",
        parse_budget_bound,
        None,
        show_budget_bound,
    )


def max_unavailable_param() -> IntOrPercent | None:
    """The ``pdb-max-unavailable`` scope parameter."""
    return param(
        "pdb-max-unavailable",
        "the PodDisruptionBudget's spec.maxUnavailable as written (none: no such field; at most one of the two)",
        parse_budget_bound,
        None,
        show_budget_bound,
    )


def unhealthy_policy_param() -> str:
    """The ``pdb-unhealthy-policy`` scope parameter."""
    return param(
        "pdb-unhealthy-policy",
        "the PodDisruptionBudget's spec.unhealthyPodEvictionPolicy",
        parse_choice(dsu.UNHEALTHY_POD_EVICTION_POLICIES),
        dsu.IF_HEALTHY_BUDGET,
    )


def second_budget_param(workload: str) -> bool:
    """The ``pdb-second-budget`` scope parameter: another budget also selects the workload's pods."""
    return param(
        "pdb-second-budget",
        f"a second PodDisruptionBudget also selects the {workload}'s pods: the eviction API answers 500 for every pod "
        "it does not delete outright (all but Pending, finished or terminating ones), so kubectl drain fails",
        parse_bool,
        False,
        show_bool,
    )


class BudgetScope(Protocol):
    """What this layer reads of a workload scope."""

    @property
    def pdb_min_available(self) -> IntOrPercent | None: ...
    @property
    def pdb_max_unavailable(self) -> IntOrPercent | None: ...
    @property
    def pdb_unhealthy_policy(self) -> str: ...
    @property
    def pdb_second_budget(self) -> bool: ...
    @property
    def has_budget(self) -> bool: ...


def is_budget_set(sc: BudgetScope) -> bool:
    """A PodDisruptionBudget selects the workload's pods (one of its bounds is written): its status is state."""
    return sc.pdb_min_available is not None or sc.pdb_max_unavailable is not None


def validate_budget(sc: BudgetScope) -> None:
    """The API server's ValidatePodDisruptionBudgetSpec over the scope's budget, then what the second budget
    needs (a first one); a ScopeError naming the parameter otherwise."""
    spec = dsu.BudgetSpec(sc.pdb_min_available, sc.pdb_max_unavailable, sc.pdb_unhealthy_policy)
    errors = dsu.validate_budget_spec(spec)
    if errors:
        raise ScopeError(f"pdb-min-available/pdb-max-unavailable: {errors[0]}")
    if sc.pdb_second_budget and not sc.has_budget:
        raise ScopeError(
            "pdb-second-budget: expected false without a PodDisruptionBudget (pdb-min-available or "
            "pdb-max-unavailable), got true"
        )


def budget_count(sc: BudgetScope) -> int:
    """How many budgets select the workload's pods: 0, 1, or 2 with ``pdb-second-budget``."""
    if not sc.has_budget:
        return 0
    return 2 if sc.pdb_second_budget else 1


# -- the status the disruption controller writes ----------------------------------------------------

#: The state fields of the budget's status, in updatePdbStatus's order of the tuple below.
STATUS_FIELDS = ("pdb_allowed", "pdb_current_healthy", "pdb_desired_healthy", "pdb_expected")
Status = tuple[Value, Value, Value, Value]


def written_status(s: Any) -> Status:
    """(disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods) as last written into ``s``."""
    return s.pdb_allowed, s.pdb_current_healthy, s.pdb_desired_healthy, s.pdb_expected


def synced_status(ops: Ops, healthy: Value, desired: Value, expected: Value) -> Status:
    """The status updatePdbStatus writes from countHealthyPods and getExpectedPodCount's pair."""
    return dsu.disruptions_allowed(ops, healthy, desired, expected), healthy, desired, expected


def status_fields(status: Status) -> dict[str, Value]:
    """The state fields a write of ``status`` sets."""
    return dict(zip(STATUS_FIELDS, status, strict=True))


def sync_writes(ops: Ops, s: Any, computed: Status, stale: Value = False) -> Value:
    """A sync writes (the command is enabled) unless the written status already matches and is not stale."""
    return dsu.needs_status_write(ops, written_status(s), computed, stale)


def initial_fields(sc: Any, computed: Callable[[], Status], nodes: int, with_drain: bool) -> dict[str, Value]:
    """The budget's status as synced over the initial state (the budget exists before the check starts), and
    every node schedulable with a drain; nothing without a budget or a drain."""
    out: dict[str, Value] = {}
    if sc.has_budget:
        out.update(status_fields(computed()))
    if with_drain:
        out["node_cordoned"] = (False,) * nodes
    return out


# -- the eviction API --------------------------------------------------------------------------


@attrs.frozen
class Eviction:
    """What EvictionREST.Create reads for one pod: canIgnorePDB's verdict (Pending, finished or terminating),
    whether the pod is Ready, whether the scope's budgets select it, and whether the budget's status is stale
    (observedGeneration behind generation)."""

    ignores_pdb: Value
    ready: Value
    selected: Value = True
    stale: Value = False


def eviction_outcome(ops: Ops, sc: BudgetScope, s: Any, pod: Eviction) -> Value:
    """EvictionREST.Create's outcome for ``pod`` (disruption_util's constants), the budget read as last written."""
    budgets = ops.ite(pod.selected, budget_count(sc), 0)  # every op folds a Python bool
    status = (1, ops.ite(pod.stale, 0, 1), s.pdb_allowed, s.pdb_current_healthy, s.pdb_desired_healthy, 0)
    return dsu.eviction_outcome(ops, sc.pdb_unhealthy_policy, pod.ignores_pdb, budgets, pod.ready, status)


def eviction_goes_through(ops: Ops, sc: BudgetScope, s: Any, pod: Eviction) -> Value:
    """A caller of the eviction API (the ``evict`` fault) deletes ``pod`` only on a 201; True without a budget
    (EVICTED_NO_BUDGET)."""
    if not sc.has_budget:
        return True
    return dsu.is_evicted(ops, eviction_outcome(ops, sc, s, pod))


def budget_after_eviction(ops: Ops, sc: BudgetScope, s: Any, pod: Eviction) -> dict[str, Value]:
    """The budget's status after an approved eviction of ``pod`` (nothing without a budget)."""
    if not sc.has_budget:
        return {}
    return {"pdb_allowed": dsu.decremented_allowed(ops, eviction_outcome(ops, sc, s, pod), s.pdb_allowed)}


def through_eviction_api(command: Command, evicted: Callable[[Ops, Any, Any, int], Eviction]) -> Command:
    """The cluster layer's ``fault.evict_pod`` as a caller of the eviction API, ``evicted(ops, sc, s, pod)`` being
    the model's view of the pod: with a budget in the scope its guard adds :func:`eviction_goes_through` and its
    effect the decrement (a refused call is no fault: it changes nothing and spends nothing); every other command,
    and every scope without a budget, as it is."""
    if command.name != "fault.evict_pod":
        return command
    guard, effect = command.guard, command.effect

    def guarded(ops: Ops, sc: Any, s: Any, pod: int) -> Value:
        if not sc.has_budget:
            return guard(ops, sc, s, pod=pod)
        return ops.and_(guard(ops, sc, s, pod=pod), eviction_goes_through(ops, sc, s, evicted(ops, sc, s, pod)))

    def effected(ops: Ops, sc: Any, s: Any, pod: int) -> dict:
        return {**effect(ops, sc, s, pod=pod), **budget_after_eviction(ops, sc, s, evicted(ops, sc, s, pod))}

    return attrs.evolve(command, guard=guarded, effect=effected)


# -- kubectl drain's eviction loop -------------------------------------------------------------

#: drain_state values shared by every workload's drain (a model may add more after these).
IDLE, EVICTING, DRAINED, FAILED = range(4)
DRAIN_STATE_NAMES = ("not running", "evicting", "drained", "failed")
#: The node-pool upgrade's extra drain state, after DRAINED: the drained node's machine replaced.
REPLACED = 4
UPGRADE_DRAIN_STATE_NAMES = (*DRAIN_STATE_NAMES, "node replaced")
#: What the eviction call answers (the ``answer`` parameter of ``kubectl.evict_pod``).
EVICTED_201 = "201 Created: pod evicted"
REFUSED_429 = "eviction refused: 429 Too Many Requests"
FAILED_500 = "eviction failed: 500 Internal Server Error: the pod has more than one PodDisruptionBudget"
ANSWERS = (EVICTED_201, REFUSED_429)
_RESPONSES = {
    EVICTED_201: dru.RESPONSE_EVICTED,
    REFUSED_429: dru.RESPONSE_TOO_MANY_REQUESTS,
    FAILED_500: dru.RESPONSE_OTHER,
}


def answers(sc: BudgetScope) -> tuple[str, ...]:
    """The answers a scope's eviction calls can get: the 500 only with a second budget."""
    return (*ANSWERS, FAILED_500) if sc.has_budget and sc.pdb_second_budget else ANSWERS


def is_answered(ops: Ops, sc: BudgetScope, s: Any, pod: Eviction, answer: str) -> Value:
    """The eviction call for ``pod`` gets ``answer`` (what kubectl makes of the outcome: drain_util)."""
    return dru.response_of_outcome(ops, eviction_outcome(ops, sc, s, pod)) == _RESPONSES[answer]


def after_answer(
    ops: Ops, sc: BudgetScope, s: Any, pod: Eviction, answer: str, deleted: dict[str, Value]
) -> dict[str, Value]:
    """What one answer does: 201 applies ``deleted`` (the pod gracefully deleted) and the decrement; 429 changes
    nothing (kubectl sleeps 5 s and calls again: the command stays enabled); 500 fails the drain."""
    if answer == REFUSED_429:
        return {}
    if answer == FAILED_500:
        return {"drain_state": FAILED}
    return {**deleted, **budget_after_eviction(ops, sc, s, pod)}


def ended(ops: Ops, drain_state: Value) -> Value:
    """The drain has ended (drained or failed): the node may be uncordoned."""
    return ops.or_(drain_state == DRAINED, drain_state == FAILED)


def set_at(values: Sequence[Value], i: int, value: Value) -> tuple:
    """``values`` with position ``i`` replaced."""
    return (*values[:i], value, *values[i + 1 :])


# -- the commands every workload's budget and drain share ---------------------------------------


def sync_budget_command(guard: Callable[..., Value], effect: Callable[..., dict], pods: str) -> Command:
    """``disruption-controller.sync_budget`` (weakly fair) over the model's ``guard`` and ``effect``; ``pods`` says
    whose pods the status is recomputed from."""
    return Command(
        "disruption-controller.sync_budget",
        guard,
        effect,
        "trySync/updatePdbStatus: recompute expectedPods, desiredHealthy, currentHealthy and disruptionsAllowed "
        f"from {pods} and write them (only when they differ)",
        enabled_in=lambda sc: sc.has_budget,
    )


def uncordon_command(
    guard: Callable[..., Value],
    effect: Callable[..., dict],
    params: tuple = (),
    enabled_in: Callable[..., bool] = lambda sc: sc.has_drain,
) -> Command:
    """``user.uncordon``: ``kubectl uncordon node-a`` once the drain has ended (:func:`ended`)."""
    return Command(
        "user.uncordon",
        guard,
        effect,
        "kubectl uncordon node-a (after the drain ended)",
        kind="user",
        params=params,
        enabled_in=enabled_in,
    )


def evict_pod_command(
    guard: Callable[..., Value], effect: Callable[..., dict], params: tuple, fair_by: tuple[str, ...]
) -> Command:
    """``kubectl.evict_pod`` (weakly fair per ``fair_by``): one eviction call of kubectl drain's loop, its ``answer``
    among :func:`answers`."""
    return Command(
        "kubectl.evict_pod",
        guard,
        effect,
        "kubectl drain's evictPods: POST pods/<pod>/eviction for a listed pod; 201 deletes it gracefully (and "
        "decrements disruptionsAllowed), 429 is retried after 5 s for ever (--timeout 0), 500 (two budgets) fails "
        "the drain",
        params=(*params, ("answer", answers)),
        enabled_in=lambda sc: sc.has_drain,
        fair_by=fair_by,
    )


#: The node a user's ``kubectl drain`` empties where the pods are placed already (node-a: the StatefulSet's and the
#: DaemonSet's drain; the Deployment's drain command takes its node as a parameter).
DRAINED_NODE = 0


def uncordon_drained_guard(ops: Ops, sc: Any, s: Any) -> Value:
    """``kubectl uncordon node-a`` once its drain has ended (drained or failed)."""
    return ops.and_(s.node_cordoned[DRAINED_NODE], ended(ops, s.drain_state))


def uncordon_drained_effect(ops: Ops, sc: Any, s: Any) -> dict:
    return {"node_cordoned": set_at(s.node_cordoned, DRAINED_NODE, False)}


# -- the node-pool upgrade (drain, replace, uncordon, node by node) ------------------------------


def upgrade_drain_guard(ops: Ops, sc: Any, s: Any, node: int) -> Value:
    """The upgrade's turn has come to ``node`` and no drain is running: its drain starts."""
    return ops.and_(s.drain_state == IDLE, s.upgrade_node == node)


def upgrade_next_guard(ops: Ops, sc: Any, s: Any, node: int) -> Value:
    """The upgrade's node was replaced: it is uncordoned next."""
    return ops.and_(s.drain_state == REPLACED, s.upgrade_node == node)


def upgrade_next_effect(ops: Ops, sc: Any, s: Any, node: int) -> dict:
    """Uncordon the replaced node; the upgrade moves to the next node with no drain running."""
    return {"node_cordoned": set_at(s.node_cordoned, node, False), "drain_state": IDLE, "upgrade_node": node + 1}


def upgrade_commands(
    drain: tuple[Callable[..., Value], Callable[..., dict]],
    replace: tuple[Callable[..., Value], Callable[..., dict], str],
    nodes: Callable[[Any], range],
) -> tuple[Command, ...]:
    """The node-pool upgrade's three stages over ``nodes``, one node after another (``upgrade_node``):
    ``drain`` (guard, effect) runs kubectl drain on it, ``replace`` (guard, effect, description) swaps its
    machine for a fresh Node of the same name, and the shared last stage uncordons it."""
    params = (("node", nodes),)

    def upgrading(sc: Any) -> bool:
        return bool(sc.is_upgrade)

    return (
        Command(
            "node-pool-upgrade.drain_node",
            *drain,
            "the node-pool upgrade drains its next node (kubectl drain: cordon, list, evict)",
            params=params,
            enabled_in=upgrading,
        ),
        Command("node-pool-upgrade.replace_node", *replace, params=params, enabled_in=upgrading),
        Command(
            "node-pool-upgrade.uncordon_node",
            upgrade_next_guard,
            upgrade_next_effect,
            "the upgraded node is uncordoned; the upgrade moves to the next node",
            params=params,
            enabled_in=upgrading,
        ),
    )
