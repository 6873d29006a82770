"""Verdicts of the disruption properties (issue 16 item 4), and what their traces show.

Pinned per scope (``tiny`` with a budget and nodes; each row's adjustment adds the drain or the
upgrade and, but for the rollout row, takes the template edit away): each property's verdict, the
states explored and the length of its shortest trace or lasso — read off runs of this tree; a
change is a change of semantics to explain. Then the behaviours the rows rest on, checked on the
traces and on the model's own guards:

* a budget whose desiredHealthy equals the replicas (minAvailable 2, maxUnavailable 0) blocks the
  drain for ever: the lasso is one eviction answered 429 Too Many Requests with disruptionsAllowed 0,
  retried for ever (kubectl's evictPods, ``--timeout`` 0);
* a rollout during the drain breaks the floor: the ReplicaSet controller deletes an old pod without
  consulting the budget, its status still counts that pod, and evictions approved on it take the rest;
* on one node the evicted pods' replacements cannot schedule (the node is cordoned), so the drain
  stops at the floor;
* the scheduler never binds to a cordoned node, and no controller step touches the budget's status;
* several workloads behind one budget: another workload's Ready pods count toward currentHealthy and
  expectedPods, so the budget approves evictions that take the Deployment below the floor it would
  have alone, while the budget's own floor holds;
* a budget edit: the status is stale until the disruption controller syncs, and every eviction meanwhile
  answers 429, so no eviction is approved on the old spec's disruptionsAllowed; relaxing a budget that
  blocked the drain lets it complete.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import disruption as dr
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog
from kubecheck.properties import disruption as dp

H, V = Verdict.HOLDS, Verdict.VIOLATED

SETTINGS = {
    "min1": {"pdb-min-available": "1", "nodes": "2"},
    "min2": {"pdb-min-available": "2", "nodes": "2"},
    "min1-one-node": {"pdb-min-available": "1", "nodes": "1"},
    "max0": {"pdb-max-unavailable": "0", "nodes": "2"},
    "half": {"pdb-min-available": "50%", "nodes": "2"},
    "max1-always-allow": {"pdb-max-unavailable": "1", "pdb-unhealthy-policy": "AlwaysAllow", "nodes": "2"},
    "min1-two-budgets": {"pdb-min-available": "1", "nodes": "2", "pdb-second-budget": "true"},
    # one pod of another workload behind the budget that may go NotReady and come back (pdb-other-churn)
    "min1-churn": {"pdb-min-available": "1", "nodes": "2", "pdb-other-pods": "1", "pdb-other-churn": "1"},
    "min2-churn": {"pdb-min-available": "2", "nodes": "2", "pdb-other-pods": "1", "pdb-other-churn": "1"},
}
SCOPES = {name: with_settings(PRESETS["tiny"], settings) for name, settings in SETTINGS.items()}

# property short name -> (verdict, states explored, shortest trace / lasso length or None), per scope
# (shared_budget_keeps_own_floor's adjustment adds one Ready pod of another workload behind the budget; the two
# edit rows' adjustments add the user's edit of the budget: relaxed to 1, or tightened to the replicas or to
# maxUnavailable 0)
EXPECTED: dict[str, dict[str, tuple[Verdict, int, int | None]]] = {
    "min1": {
        "drain_eventually_completes": (H, 457, None),
        "budget_floor_holds_under_evictions": (H, 457, None),
        "budget_floor_under_evictions_and_rollout": (V, 3101, 13),
        "shared_budget_keeps_own_floor": (V, 7, 3),
        "drain_completes_once_budget_relaxed": (H, 1371, None),
        "eviction_respects_edited_budget": (H, 1229, None),
        "upgrade_completes": (H, 1215, None),
        "upgrade_keeps_floor": (H, 1215, None),
        "budget_can_allow_an_eviction": (H, 1, None),
    },
    "min2": {  # desiredHealthy = replicas: disruptionsAllowed 0 unless a surge pod is Ready
        "drain_eventually_completes": (V, 2, 2),
        "budget_floor_holds_under_evictions": (H, 2, None),
        "budget_floor_under_evictions_and_rollout": (V, 314, 12),
        "shared_budget_keeps_own_floor": (V, 3, 2),
        "drain_completes_once_budget_relaxed": (H, 461, None),
        "eviction_respects_edited_budget": (H, 6, None),
        "upgrade_completes": (V, 2, 2),
        "upgrade_keeps_floor": (H, 2, None),
        "budget_can_allow_an_eviction": (V, 1, 0),
    },
    "min1-one-node": {  # replacements cannot schedule on the cordoned node
        "drain_eventually_completes": (V, 21, 7),
        "budget_floor_holds_under_evictions": (H, 21, None),
        "budget_floor_under_evictions_and_rollout": (V, 1055, 13),
        "shared_budget_keeps_own_floor": (V, 7, 3),
        "drain_completes_once_budget_relaxed": (V, 63, 8),
        "eviction_respects_edited_budget": (H, 57, None),
        "upgrade_completes": (V, 21, 7),
        "upgrade_keeps_floor": (H, 21, None),
        "budget_can_allow_an_eviction": (H, 1, None),
    },
    "max0": {
        "drain_eventually_completes": (V, 2, 2),
        "budget_floor_holds_under_evictions": (H, 2, None),
        "budget_floor_under_evictions_and_rollout": (V, 216, 12),
        "shared_budget_keeps_own_floor": (H, 2, None),
        "drain_completes_once_budget_relaxed": (H, 204, None),
        "eviction_respects_edited_budget": (H, 6, None),
        "upgrade_completes": (V, 2, 2),
        "upgrade_keeps_floor": (H, 2, None),
        "budget_can_allow_an_eviction": (V, 1, 0),
    },
    "half": {  # a percentage reads the Deployment's scale: expectedPods stays 2
        "drain_eventually_completes": (H, 200, None),
        "budget_floor_holds_under_evictions": (H, 200, None),
        "budget_floor_under_evictions_and_rollout": (V, 1671, 13),
        "shared_budget_keeps_own_floor": (H, 200, None),
        "drain_completes_once_budget_relaxed": (H, 857, None),
        "eviction_respects_edited_budget": (H, 715, None),
        "upgrade_completes": (H, 477, None),
        "upgrade_keeps_floor": (H, 477, None),
        "budget_can_allow_an_eviction": (H, 1, None),
    },
    "max1-always-allow": {
        "drain_eventually_completes": (H, 200, None),
        "budget_floor_holds_under_evictions": (H, 200, None),
        "budget_floor_under_evictions_and_rollout": (V, 1671, 13),
        "shared_budget_keeps_own_floor": (H, 200, None),
        "drain_completes_once_budget_relaxed": (H, 600, None),
        "eviction_respects_edited_budget": (H, 513, None),
        "upgrade_completes": (H, 477, None),
        "upgrade_keeps_floor": (H, 477, None),
        "budget_can_allow_an_eviction": (H, 1, None),
    },
    "min1-two-budgets": {  # a second budget over the same pods: every eviction of a Ready pod answers 500
        "drain_eventually_completes": (V, 4, 2),
        "budget_floor_holds_under_evictions": (H, 4, None),
        "budget_floor_under_evictions_and_rollout": (H, 8630, None),  # no eviction is approved: the rollout alone
        "shared_budget_keeps_own_floor": (H, 4, None),
        "drain_completes_once_budget_relaxed": (V, 12, 4),  # relaxing one budget does not help
        "eviction_respects_edited_budget": (H, 12, None),
        "upgrade_completes": (V, 3, 2),
        "upgrade_keeps_floor": (H, 3, None),
        "budget_can_allow_an_eviction": (H, 1, None),
    },
    # the other workload's pod goes NotReady after the last sync: evictions approved on the stale disruptionsAllowed
    # take the selected pods below desiredHealthy (every floor row, and the edited-budget step row, fail in 3-4
    # steps); the drain and the upgrade still complete (its pod comes back, weakly fair)
    "min1-churn": {
        "drain_eventually_completes": (H, 8876, None),
        "budget_floor_holds_under_evictions": (V, 19, 4),
        "budget_floor_under_evictions_and_rollout": (V, 45, 4),
        "shared_budget_keeps_own_floor": (V, 19, 3),
        "drain_completes_once_budget_relaxed": (H, 26628, None),
        "eviction_respects_edited_budget": (V, 36, 4),
        "upgrade_completes": (H, 32258, None),
        "upgrade_keeps_floor": (V, 19, 4),
        "budget_can_allow_an_eviction": (H, 1, None),  # no eviction: the churn is off
    },
    # desiredHealthy 2 of 3 selected pods: the drain needs the other pod Ready; one that keeps going NotReady and
    # coming back can answer every retry with 429 (the drain and the upgrade never complete on that run)
    "min2-churn": {
        "drain_eventually_completes": (V, 1448, 6),
        "budget_floor_holds_under_evictions": (V, 9, 3),
        "budget_floor_under_evictions_and_rollout": (V, 19, 3),
        "shared_budget_keeps_own_floor": (V, 9, 2),
        "drain_completes_once_budget_relaxed": (H, 11772, None),
        "eviction_respects_edited_budget": (V, 18, 3),
        "upgrade_completes": (V, 3818, 6),
        "upgrade_keeps_floor": (V, 9, 3),
        "budget_can_allow_an_eviction": (H, 1, None),  # no eviction: the churn is off
    },
}


@cache
def results(name: str) -> dict[str, Result]:
    """Every disruption property at one scope, checked once per test session."""
    return {r.property.short: r for r in run.check(Task(MODEL, SCOPES[name], list(dp.PROPERTIES)))}


def test_the_expected_tables_cover_the_property_table() -> None:
    names = sorted(p.short for p in dp.PROPERTIES)
    for table in EXPECTED.values():
        assert sorted(table) == names, "a property was added or removed: pin its verdicts here"


def test_the_rows_are_in_the_deployment_catalog() -> None:
    listed = [p.name for p in catalog.properties("deployment")]
    assert all(p.name in listed for p in dp.PROPERTIES)


def test_the_group_name_selects_the_rows_in_table_order() -> None:
    assert [p.name for p in catalog.properties("deployment", ["disruption"])] == [p.name for p in dp.PROPERTIES]
    mixed = catalog.properties("deployment", ["availability_floor", "disruption", "drain_eventually_completes"])
    assert [p.short for p in mixed] == ["availability_floor"] + [p.short for p in dp.PROPERTIES]


@pytest.mark.parametrize(("name", "short"), [(n, s) for n in EXPECTED for s in EXPECTED[n]])
def test_verdict_states_and_trace_length(name: str, short: str) -> None:
    r = results(name)[short]
    verdict, states, length = EXPECTED[name][short]
    assert r.verdict is verdict, f"{r.property.name} at {name}: {r.verdict.value} ({r.note})"
    assert r.stats.states == states
    assert (len(r.trace.steps) if r.trace is not None else None) == length
    assert r.scope == r.property.adjust(SCOPES[name])


@pytest.mark.parametrize("name", list(SCOPES))
def test_every_safety_trace_replays_and_fails_first_at_its_end(name: str) -> None:
    for r in results(name).values():
        if r.trace is None or r.property.kind != "always":
            continue
        again = replay(MODEL, r.scope, r.trace.labels())
        assert again.states == r.trace.states
        holds = [bool(r.property.predicate(CONCRETE, r.scope, s)) for s in again.states]
        assert holds[-1] is False and all(holds[:-1]), r.property.name


# -- the blocked drain: a lasso of 429s ---------------------------------------------------------


@pytest.mark.parametrize("name", ["min2", "max0"])
def test_a_budget_at_the_replicas_blocks_the_drain_with_429_for_ever(name: str) -> None:
    r = results(name)["drain_eventually_completes"]
    trace = r.trace
    assert r.verdict is V and trace.loop is not None
    drain, evict = trace.steps
    assert drain.action.name == "user.drain_node" and trace.states[1].node_cordoned[0]
    assert evict.action.name == "kubectl.evict_pod" and evict.action.kwargs["answer"] == dr.REFUSED_429
    assert evict.changes == {}  # a 429 changes nothing: kubectl retries the same call
    looping = trace.states[trace.loop]
    assert looping.pdb_allowed == 0 and looping.drain_state == dr.EVICTING
    assert dr.pods_on_node(CONCRETE, looping, 0) == 2
    assert "disruptionsAllowed 0" in r.property.explain(r.scope, looping)


def test_on_one_node_the_drain_stops_at_the_floor() -> None:
    """minAvailable 1 of 2: one eviction is allowed; its replacement cannot schedule (node-a is
    cordoned, there is no other node), so the second pod's eviction answers 429 for ever."""
    r = results("min1-one-node")["drain_eventually_completes"]
    names = [s.action.name for s in r.trace.steps]
    assert names.count("kubectl.evict_pod") >= 2
    evictions = [s.action.kwargs["answer"] for s in r.trace.steps if s.action.name == "kubectl.evict_pod"]
    assert evictions[0] == dr.EVICTED_201 and evictions[-1] == dr.REFUSED_429
    looping = r.trace.states[r.trace.loop]
    assert looping.pdb_allowed == 0 and sum(looping.unscheduled) == 1  # the replacement waits
    assert "scheduler.bind_pod" not in names[r.trace.loop :]


# -- the rollout during the drain: the controller bypasses the budget ------------------------------


def test_a_rollout_during_the_drain_deletes_a_pod_the_stale_status_still_counts() -> None:
    r = results("min1")["budget_floor_under_evictions_and_rollout"]
    states, steps = r.trace.states, r.trace.steps
    deletes = [
        i
        for i, step in enumerate(steps, start=1)
        if step.action.name == "replicaset-controller.sync_replicaset"
        and dr.healthy_pods(CONCRETE, states[i]) < dr.healthy_pods(CONCRETE, states[i - 1])
    ]
    assert deletes, "the ReplicaSet controller deletes a healthy pod in the trace"
    i = deletes[-1]
    assert all(getattr(states[i], f) == getattr(states[i - 1], f) for f in bu.STATUS_FIELDS)  # no budget consulted
    approved = [
        j
        for j, step in enumerate(steps, start=1)
        if j > i and step.action.name == "kubectl.evict_pod" and step.action.kwargs["answer"] == dr.EVICTED_201
    ]
    assert approved and all(
        states[j - 1].pdb_current_healthy > dr.healthy_pods(CONCRETE, states[j - 1]) for j in approved
    ), "the evictions after the deletion were approved on a status that still counted the deleted pod"
    assert r.trace.last.pdb_allowed >= 0 and dr.healthy_pods(CONCRETE, r.trace.last) < 1


# -- the model's own guards ------------------------------------------------------------------------


def _reachable(scope, limit: int):
    """The first ``limit`` reachable states in breadth-first order (compiled successors)."""
    compiled = compile_model(MODEL, scope)
    order, seen, i = [compiled.initial], {compiled.initial}, 0
    while i < len(order) and len(order) < limit:
        for _, nxt in compiled.successors(order[i]):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
        i += 1
    schema = Schema(MODEL.state_cls, scope)
    return [schema.unflatten(s) for s in order[:limit]]


def _drain_rollout_scope():
    [prop] = catalog.properties("deployment", ["budget_floor_under_evictions_and_rollout"])
    return prop.adjust(with_settings(PRESETS["tiny"], {"pdb-min-available": "2", "nodes": "2"}))


def test_the_scheduler_never_binds_to_a_cordoned_node_and_controllers_never_touch_the_budget() -> None:
    scope = _drain_rollout_scope()
    actions = MODEL.actions(scope)
    checked = 0
    for s in _reachable(scope, 1500):  # the rollout and the drain interleaved (1.3 million states in all)
        for a in actions:
            if not a.guard(CONCRETE, scope, s):
                continue
            if a.name == "scheduler.bind_pod":
                assert not s.node_cordoned[a.kwargs["node"]]
            changes = a.effect(CONCRETE, scope, s)
            if a.actor in ("replicaset-controller", "deployment-controller"):
                assert not set(changes) & set(bu.STATUS_FIELDS), a.label
                checked += 1
    assert checked > 100


@pytest.mark.parametrize(
    ("policy", "answer"),
    [
        # eviction_test.go TestEvictionIgnorePDB / unhealthyPodEvictionPolicy: a not-Ready pod of a budget
        # that is not healthy (currentHealthy < desiredHealthy) is refused under IfHealthyBudget and
        # evicted without touching the budget under AlwaysAllow
        ("IfHealthyBudget", dr.REFUSED_429),
        ("AlwaysAllow", dr.EVICTED_201),
    ],
)
def test_a_running_not_ready_pod_under_a_spent_budget(policy: str, answer: str) -> None:
    scope = with_settings(
        PRESETS["tiny"],
        {"pdb-min-available": "2", "nodes": "2", "edits": "0", "scenario": "drain", "pdb-unhealthy-policy": policy},
    )
    s = MODEL.init(scope)
    # one pod crashed (Running, not Ready) and the budget synced: healthy 1 < desired 2, allowed 0
    s = attrs.evolve(
        s,
        available=(1,) + s.available[1:],
        running=(1,) + s.running[1:],
        pdb_current_healthy=1,
        pdb_allowed=0,
        drain_state=dr.EVICTING,
        node_cordoned=(True, False),
    )
    [action] = [
        a
        for a in MODEL.actions(scope)
        if a.name == "kubectl.evict_pod" and a.kwargs["phase"] == "running" and a.kwargs["node"] == 0
        if a.guard(CONCRETE, scope, s)
    ]
    assert action.kwargs["answer"] == answer
    outcome = dr.eviction_outcome(CONCRETE, scope, s, "running")
    expected = dsu.EVICTED_UNHEALTHY if policy == "AlwaysAllow" else dsu.REFUSED_BUDGET
    assert outcome == expected
    assert action.effect(CONCRETE, scope, s).get("pdb_allowed", 0) == 0  # the unhealthy path decrements nothing


# -- the scope: the API server's validation ---------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"pdb-min-available": "1", "pdb-max-unavailable": "1"},
            "pdb-min-available/pdb-max-unavailable: spec: Invalid value: minAvailable and maxUnavailable cannot be "
            "both set",
        ),
        (
            {"pdb-max-unavailable": "120%"},
            "pdb-min-available/pdb-max-unavailable: spec.maxUnavailable: Invalid value: 120%: must not be greater "
            "than 100%",
        ),
        (
            {"scenario": "drain"},
            "nodes: expected 1 or 2 with scenario=drain (a drain needs pods placed on nodes), got 0",
        ),
    ],
)
def test_bad_budget_settings_are_refused_with_one_line(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ScopeError) as info:
        with_settings(PRESETS["tiny"], settings).validate()
    assert str(info.value) == message


def test_without_a_budget_or_a_scenario_the_new_fields_are_constant() -> None:
    schema = Schema(MODEL.state_cls, PRESETS["small"])
    new = ("pdb_allowed", "pdb_current_healthy", "pdb_desired_healthy", "pdb_expected", "drain_state", "upgrade_node")
    for slot in schema.slots:
        if slot.label.split("[")[0] in new:
            assert slot.lo == slot.hi == 0, slot.label
    assert MODEL.init(PRESETS["small"]).node_cordoned == ()


@pytest.mark.parametrize(("name", "occurred"), [("min1", True), ("min2", False), ("max0", False), ("half", True)])
def test_the_floor_holds_vacuously_where_no_eviction_is_ever_approved(name: str, occurred: bool) -> None:
    """A budget at the replicas answers every eviction 429: its floor HOLDS only because nothing was evicted."""
    props = catalog.properties("deployment", ["budget_floor_holds_under_evictions", "upgrade_keeps_floor"])
    for r in run.check(Task(MODEL, SCOPES[name], props)):
        assert r.verdict is H and r.vacuity is not None and r.vacuity.checked
        assert r.vacuity.occurred is occurred, f"{r.property.short} at {name}: {r.vacuity.reason}"


@pytest.mark.parametrize(("min_available", "evicted"), [("1", True), ("2", False)])
def test_the_evict_fault_goes_through_the_budget(min_available: str, evicted: bool) -> None:
    """fault.evict_pod is a call of the eviction API: with minAvailable 2 of 2 it is refused (nothing
    happens, no fault spent); with minAvailable 1 it deletes the pod and writes disruptionsAllowed − 1."""
    scope = with_settings(PRESETS["tiny"], {"faults": "evict", "pdb-min-available": min_available})
    s = MODEL.init(scope)
    [action] = [
        a
        for a in MODEL.actions(scope)
        if a.name == "fault.evict_pod" and a.kwargs["rs"] == 0 and a.kwargs["phase"] == "available"
    ]
    assert bool(action.guard(CONCRETE, scope, s)) is evicted
    if evicted:
        changes = action.effect(CONCRETE, scope, s)
        assert changes["pdb_allowed"] == s.pdb_allowed - 1 == 0


SHARED = with_settings(PRESETS["tiny"], {"pdb-min-available": "50%", "nodes": "2", "pdb-other-pods": "2"})


def test_several_workloads_behind_one_budget_the_budget_floor_holds_and_the_deployments_does_not() -> None:
    """minAvailable 50% over the Deployment's 2 pods and 2 Ready pods of another workload: getExpectedScale
    sums both controllers' scales (4), desiredHealthy 2, so both of the Deployment's pods may go."""
    props = catalog.properties(
        "deployment",
        ["drain_eventually_completes", "budget_floor_holds_under_evictions", "shared_budget_keeps_own_floor"],
    )
    got = {r.property.short: r for r in run.check(Task(MODEL, SHARED, props))}
    assert {k: (r.verdict, r.stats.states) for k, r in got.items()} == {
        "drain_eventually_completes": (H, 1421),
        "budget_floor_holds_under_evictions": (H, 1421),
        "shared_budget_keeps_own_floor": (V, 1421),
    }
    trace = got["shared_budget_keeps_own_floor"].trace
    assert trace is not None
    # the initial status counts the other workload's pods: 4 expected, 4 healthy, 2 desired, 2 allowed
    first = trace.states[0]
    assert (first.pdb_expected, first.pdb_current_healthy, first.pdb_desired_healthy, first.pdb_allowed) == (4, 4, 2, 2)
    assert [step.action.name for step in trace.steps] == ["user.drain_node", "kubectl.evict_pod", "kubectl.evict_pod"]
    last = trace.states[-1]
    assert dr.healthy_pods(CONCRETE, last) == 0 and dr.budget_healthy(CONCRETE, SHARED, last) == 2


def test_without_other_workloads_the_own_floor_is_the_budget_floor() -> None:
    """pdb-other-pods 0: the two predicates are one (the budget selects the Deployment's pods alone)."""
    sc = attrs.evolve(dp.drain_alone(SCOPES["half"]), pdb_other_pods=0)
    states = compile_model(MODEL, sc).reachable()
    schema = Schema(MODEL.state_cls, sc)
    for flat in states[:: max(1, len(states) // 200)]:
        s = schema.unflatten(flat)
        assert dp.own_floor(CONCRETE, sc, s) == dp.budget_floor(CONCRETE, sc, s)


def test_other_pods_need_a_budget() -> None:
    with pytest.raises(ScopeError) as info:
        with_settings(PRESETS["tiny"], {"pdb-other-pods": "1"}).validate()
    assert str(info.value) == (
        "pdb-other-pods: expected 0 without a PodDisruptionBudget (pdb-min-available or pdb-max-unavailable), got 1"
    )


def test_after_a_tightening_edit_the_stale_status_would_allow_what_the_new_spec_refuses_and_the_api_says_429() -> None:
    """minAvailable 1 → 2 mid-drain: some reachable state has the status still allowing an eviction
    (written under minAvailable 1) while the edited spec allows none; there the eviction API answers 429
    (status.observedGeneration behind metadata.generation), which is what keeps the edited budget."""
    sc = dp.tightened_budget(SCOPES["min1"])
    schema = Schema(MODEL.state_cls, sc)
    stale = []
    for flat in compile_model(MODEL, sc).reachable():
        s = schema.unflatten(flat)
        if s.pdb_stale and s.pdb_allowed > 0 and s.drain_state == dr.EVICTING:
            stale.append(s)
    assert stale, "no reachable state where the stale status still allows an eviction"
    for s in stale:
        _expected, desired = dr.expected_and_desired(CONCRETE, sc, s)
        assert dr.budget_healthy(CONCRETE, sc, s) <= desired  # the edited spec allows no eviction here
        assert dr.eviction_outcome(CONCRETE, sc, s, "available") == dsu.REFUSED_STALE


def test_relaxing_a_budget_that_blocks_the_drain_lets_it_complete() -> None:
    """minAvailable 2 of 2 blocks kubectl drain (a lasso of 429s); edited to 1, the drain completes once the
    disruption controller has synced the new generation."""
    blocked = catalog.properties("deployment", ["drain_eventually_completes"])
    relaxed = catalog.properties("deployment", ["drain_completes_once_budget_relaxed"])
    [before] = run.check(Task(MODEL, SCOPES["min2"], blocked))
    [after] = run.check(Task(MODEL, SCOPES["min2"], relaxed))
    assert (before.verdict, after.verdict) == (V, H)
    assert after.scope.pdb_min_available == IntOrPercent(2) and after.scope.pdb_edit_to == IntOrPercent(1)


def test_an_edit_needs_a_budget_and_a_valid_bound() -> None:
    with pytest.raises(ScopeError) as info:
        with_settings(PRESETS["tiny"], {"pdb-edit-to": "1"}).validate()
    assert str(info.value) == (
        "pdb-edit-to: expected none without a PodDisruptionBudget (pdb-min-available or pdb-max-unavailable), got 1"
    )
    with pytest.raises(ScopeError) as info:
        with_settings(PRESETS["tiny"], {"pdb-max-unavailable": "1", "pdb-edit-to": "120%"}).validate()
    assert str(info.value).startswith("pdb-edit-to: spec.maxUnavailable: Invalid value: 120%")


# -- other workloads' pods that go NotReady and come back (pdb-other-churn) ------------------------------------------

OTHERS = {"pdb-min-available": "2", "nodes": "2", "pdb-other-pods": "1"}


@pytest.mark.parametrize(("churn", "verdict"), [("0", H), ("1", V)])
def test_another_workloads_pod_going_not_ready_can_hold_the_drain_for_ever(churn: str, verdict: Verdict) -> None:
    """minAvailable 2 over the Deployment's 2 pods and 1 of another workload: while that pod stays Ready the budget
    allows one eviction at a time and the drain completes; when it may go NotReady, the sync after it writes
    disruptionsAllowed 0 (countHealthyPods counts Ready pods whatever their controller), and a run in which it keeps
    flapping answers every kubectl retry with 429."""
    scope = with_settings(PRESETS["tiny"], {**OTHERS, "pdb-other-churn": churn})
    [prop] = catalog.properties("deployment", ["drain_eventually_completes"])
    [r] = run.check(Task(MODEL, scope, [prop]))
    assert r.verdict is verdict, r.note
    if verdict is V:
        names = [st.action.name for st in r.trace.steps]
        assert {"other-workload.pod_not_ready", "other-workload.pod_ready"} <= set(names[r.trace.loop :])
        answers = [
            st.action.kwargs["answer"] for st in r.trace.steps[r.trace.loop :] if st.action.name == "kubectl.evict_pod"
        ]
        assert answers and set(answers) == {dr.REFUSED_429}


def test_the_sync_counts_only_the_other_workloads_ready_pods() -> None:
    """disruption.go:updatePdbStatus over every selected pod: a NotReady pod of another workload stays expected
    (its controller's scale) but leaves currentHealthy, and so disruptionsAllowed, one lower."""
    scope = with_settings(PRESETS["tiny"], {**OTHERS, "pdb-other-churn": "1", "scenario": "drain"})
    s = MODEL.init(scope)
    assert bu.written_status(s) == dr.computed_status(CONCRETE, scope, s) == (1, 3, 2, 3)
    flapped = attrs.evolve(s, pdb_other_not_ready=1)
    assert dr.computed_status(CONCRETE, scope, flapped) == (0, 2, 2, 3)  # allowed, healthy, desired, expected


def test_churn_needs_other_pods_and_is_off_by_default() -> None:
    with pytest.raises(ScopeError) as e:
        with_settings(
            PRESETS["tiny"], {"pdb-min-available": "1", "pdb-other-pods": "1", "pdb-other-churn": "2"}
        ).validate()
    assert str(e.value) == (
        "pdb-other-churn: expected at most pdb-other-pods (1: only the other workloads' pods behind the budget can go "
        "NotReady), got 2"
    )
    churn = {"other-workload.pod_not_ready", "other-workload.pod_ready"}
    # off by default, and inert where no eviction reads the budget's status (no drain scenario, no evict fault)
    for settings in (OTHERS, {**OTHERS, "pdb-other-churn": "1"}):
        off = with_settings(PRESETS["tiny"], settings)
        [slot] = [x for x in Schema(MODEL.state_cls, off).slots if x.label == "pdb_other_not_ready"]
        assert slot.lo == slot.hi == 0 and not off.has_other_churn
        assert not {c.name for c in MODEL.commands if c.enabled_in(off)} & churn
    on = with_settings(PRESETS["tiny"], {**OTHERS, "pdb-other-churn": "1", "faults": "evict"})
    assert on.has_other_churn and churn <= {c.name for c in MODEL.commands if c.enabled_in(on)}
