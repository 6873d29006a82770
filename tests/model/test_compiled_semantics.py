"""The compiled successor function is the reference interpreter, only faster.

:func:`kubecheck.checker.explicit.compile.compile_model` reads the model a third time and writes
straight-line Python with memoized guard groups and effects. The explicit engine trusts it, so
here it is compared with :func:`kubecheck.model.kernel.commands.successors` (CONCRETE on attrs
states), as sets of (action label, successor):

* on every reachable state of ``tiny``, and on reachable states (all, or an even sample of
  1500) of variants that switch on the Recreate strategy, a broken release, faults, every user
  command, pods placed on two nodes sharing a ReadWriteOnce or ReadWriteOncePod claim, the
  HorizontalPodAutoscaler, and a PodDisruptionBudget (edited once) with a drain or a node-pool upgrade;
* on hypothesis-drawn states of ``small`` — every slot drawn from its declared domain, states
  whose pod counts are consistent, and reachable states with a few slots redrawn; none need be
  reachable — where an effect that leaves its domain must make the compiled
  function raise :class:`~kubecheck.checker.explicit.compile.DomainError` for the first such action,
  as the reference interpreter's out-of-domain successor says;
* with memoization everywhere (``memo_lines=0``), nowhere (``memo_lines=10**9``) and by default:
  memoization changes speed, never successors.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from state_counts import HPA_BEHAVIOR, HPA_TOLERANCE, row

from kubecheck.checker.explicit.compile import Compiled, DomainError, compile_model
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import with_settings

MEMO = {"default": 40, "memo-all": 0, "memo-none": 10**9}

TINY_SCOPES = {
    "tiny": PRESETS["tiny"],
    "tiny-recreate": with_settings(PRESETS["tiny"], {"strategy": "Recreate"}),
    "tiny-broken-release": with_settings(PRESETS["tiny"], {"broken-release": "true", "min-ready-seconds": "5"}),
    "tiny-faults": with_settings(
        PRESETS["tiny"], {"faults": "crash,evict", "fault-budget": "1", "min-ready-seconds": "5"}
    ),
    "tiny-user": with_settings(
        PRESETS["tiny"],
        {
            "replicas": "1",
            "max-surge": "50%",
            "max-unavailable": "50%",
            "scale-to": "0,2",
            "pauses": "1",
            "rollbacks": "1",
            "revision-history-limit": "0",
        },
    ),
    # a release evicted under node pressure (issue 13 item 1)
    "tiny-evicted": with_settings(PRESETS["tiny"], {"pod-failure": "evicted", "min-ready-seconds": "5"}),
    # a maxSurge/maxUnavailable edit mid-rollout and an edit back to the first template (issue 13 item 4)
    "tiny-bookkeeping": with_settings(
        PRESETS["tiny"],
        {
            "edits": "2",
            "edit-to": "1,0",
            "strategy-edits": "1",
            "edited-max-surge": "0",
            "edited-max-unavailable": "1",
        },
    ),
    "tiny-lost-node": with_settings(
        PRESETS["tiny"],
        {
            "replicas": "1",
            "nodes": "1",
            "faults": "partition,node-failure,node-delete,force-delete",
            "out-of-service": "true",
            "fault-budget": "2",
        },
    ),
    "tiny-rwo-two-nodes": with_settings(
        PRESETS["tiny"], {"nodes": "2", "shared-claim": "true", "faults": "evict,crash"}
    ),
    "tiny-rwop-recreate": with_settings(
        PRESETS["tiny"],
        {"nodes": "2", "shared-claim": "true", "access-mode": "ReadWriteOncePod", "strategy": "Recreate"},
    ),
    # the progress deadline and its clock, with a pause (issue 13 item 2)
    "tiny-progress-deadline": with_settings(PRESETS["tiny"], {"progress-deadline": "600", "pauses": "1"}),
    # the HorizontalPodAutoscaler (issue 16): its sync, the window's expiry, a load change, a manifest re-apply;
    # and under total demand (the case split by utilisation)
    "tiny-hpa": with_settings(
        PRESETS["tiny"], {"replicas": "1", "hpa-max-replicas": "2", "hpa-loads": "60,120", "applies": "1"}
    ),
    "tiny-hpa-total-demand": with_settings(
        PRESETS["tiny"],
        {"replicas": "1", "hpa-max-replicas": "2", "hpa-loads": "60,120", "hpa-load-model": "total-demand"},
    ),
    # spec.behavior: both windows, the scale events' ages, the forgotten outdated event (longest periods differ)
    "tiny-hpa-behavior": with_settings(PRESETS["tiny"], HPA_BEHAVIOR),
    # spec.behavior's per-direction tolerances (the calculator's integer band of the float64 test)
    "tiny-hpa-tolerance": with_settings(PRESETS["tiny"], HPA_TOLERANCE),
    # a PodDisruptionBudget, kubectl drain of node-a and a node-pool upgrade (issue 16); without tiny's template
    # edit (with it the two scopes reach 1.3 and 5.2 million states)
    "tiny-drain": with_settings(
        PRESETS["tiny"], {"nodes": "2", "edits": "0", "pdb-min-available": "1", "scenario": "drain"}
    ),
    "tiny-budget-edit": with_settings(
        PRESETS["tiny"],
        {"nodes": "2", "edits": "0", "pdb-min-available": "2", "pdb-edit-to": "1", "scenario": "drain"},
    ),
    "tiny-node-upgrade": with_settings(
        PRESETS["tiny"], {"nodes": "2", "edits": "0", "pdb-min-available": "1", "scenario": "node-upgrade"}
    ),
    # another workload's pod behind the budget goes NotReady and comes back (pdb-other-churn)
    "tiny-other-churn": with_settings(
        PRESETS["tiny"],
        {
            "nodes": "2",
            "edits": "0",
            "pdb-min-available": "2",
            "pdb-other-pods": "1",
            "pdb-other-churn": "1",
            "scenario": "drain",
        },
    ),
    # two budgets over the pods: the eviction API's 500 fails the drain (model/controllers/budget.py)
    "tiny-two-budgets": with_settings(
        PRESETS["tiny"],
        {"nodes": "2", "edits": "0", "pdb-min-available": "1", "pdb-second-budget": "true", "scenario": "drain"},
    ),
}
#: Scopes with more reachable states than this are compared on an even sample of that many.
SAMPLE = 1500
SMALL = PRESETS["small"]


@cache
def compiled(scope: Any, memo_lines: int) -> Compiled:
    return compile_model(MODEL, scope, memo_lines=memo_lines)


def reference(scope: Any, flat: tuple) -> set[tuple[str, tuple]]:
    schema = Schema(MODEL.state_cls, scope)
    return {(a.label, schema.flatten(t)) for a, t in successors(MODEL, scope, schema.unflatten(flat))}


def fast(c: Compiled, flat: tuple) -> set[tuple[str, tuple]]:
    out = c.successors(flat)
    assert len(out) == len({a for a, _ in out}), "an action appears twice"
    assert [a for a, _ in out] == sorted(a for a, _ in out), "successors are not in action order"
    return {(c.actions[a].label, t) for a, t in out}


def reachable(c: Compiled) -> list[tuple]:
    return c.reachable()


# -- every reachable state of the tiny scopes -----------------------------------------------


@pytest.mark.parametrize("name", list(TINY_SCOPES))
def test_compiled_equals_reference_on_reachable_states(name: str) -> None:
    scope = TINY_SCOPES[name]
    states = reachable(compiled(scope, MEMO["default"]))
    if name == "tiny":
        assert len(states) == row("deployment", "tiny").states  # every state
    states = states[:: max(1, len(states) // SAMPLE)]
    schema = Schema(MODEL.state_cls, scope)
    for flat in states:
        expect = reference(scope, flat)
        for memo, lines in MEMO.items():
            assert fast(compiled(scope, lines), flat) == expect, (
                f"{memo}: successors differ at {schema.unflatten(flat)}"
            )


def test_the_tiny_variants_reach_every_command() -> None:
    """Between them, the compared scopes fire every command of the model."""
    fired = set()
    for scope in TINY_SCOPES.values():
        c = compiled(scope, MEMO["default"])
        for flat in reachable(c)[::7]:
            fired.update(c.actions[a].name for a, _ in c.successors(flat))
    assert fired == {cmd.name for cmd in MODEL.commands}


def test_compiled_initial_state_is_the_models() -> None:
    for scope in (*TINY_SCOPES.values(), SMALL):
        c = compiled(scope, 40)
        assert c.initial == c.schema.flatten(MODEL.init(scope))
        assert [a.label for a in c.actions] == [a.label for a in MODEL.actions(scope)]


def test_memoization_is_actually_switched() -> None:
    """The three settings generate different code (so comparing them tests something)."""
    sources = {m: compiled(SMALL, n).source for m, n in MEMO.items()}
    assert "memo_guards_" in sources["memo-all"] and "memo_effect_" in sources["memo-all"]
    assert "memo_" not in sources["memo-none"]
    assert len(set(sources.values())) == 3


# -- drawn states of small -----------------------------------------------------------------


def slot_values(scope: Any) -> st.SearchStrategy[tuple]:
    """Every slot drawn from its declared domain, independently."""
    schema = Schema(MODEL.state_cls, scope)
    return st.tuples(*[st.booleans() if s.kind == "bool" else st.integers(s.lo, s.hi) for s in schema.slots])


@st.composite
def consistent_state(draw: st.DrawFn, scope: Any) -> tuple:
    """A state whose pod counts could coexist: per ReplicaSet, active pods within the pod cap
    and room left for every terminating pod a sync or a deletion can add."""
    schema = Schema(MODEL.state_cls, scope)
    k, cap, term_cap = scope.templates, scope.pod_cap, scope.terminating_cap
    flat = list(draw(slot_values(scope)))

    def put(field: str, values: list) -> None:
        for i, v in zip(schema.field_slots[field], values):
            flat[i] = v

    phases = ("unscheduled", "pending", "running", "ready", "available")
    counts = {p: [0] * k for p in phases}
    for t in range(k):
        total = draw(st.integers(0, cap))
        cuts = sorted(draw(st.lists(st.integers(0, total), min_size=4, max_size=4)))
        parts = [b - a for a, b in zip([0] + cuts, cuts + [total])]
        if not scope.has_min_ready:
            parts[4] += parts[3]
            parts[3] = 0
        for p, n in zip(phases, parts):
            counts[p][t] = n
    for p in phases:
        put(p, counts[p])
    put("terminating", [draw(st.integers(0, term_cap - 2 * cap)) for _ in range(k)])
    put("rs_revision", [draw(st.integers(0, scope.max_revision - 1)) for _ in range(k)])
    return tuple(flat)


@cache
def small_reachable_sample() -> tuple[tuple, ...]:
    states = reachable(compiled(SMALL, MEMO["default"]))
    return tuple(states[:: max(1, len(states) // 2000)])


@st.composite
def near_reachable_state(draw: st.DrawFn, scope: Any) -> tuple:
    """A reachable state of small with up to three slots redrawn from their domains."""
    assert scope == SMALL
    schema = Schema(MODEL.state_cls, scope)
    flat = list(draw(st.sampled_from(small_reachable_sample())))
    for index in draw(st.lists(st.integers(0, len(flat) - 1), max_size=3, unique=True)):
        slot = schema.slots[index]
        flat[index] = draw(st.booleans() if slot.kind == "bool" else st.integers(slot.lo, slot.hi))
    return tuple(flat)


def compare_drawn(scope: Any, flat: tuple, memo_lines: int) -> str:
    """Compare on a drawn state; returns "same" or "domain" (both agree an effect leaves its domain)."""
    c = compiled(scope, memo_lines)
    schema = c.schema
    state = schema.unflatten(flat)
    ref = successors(MODEL, scope, state)
    bad = [(k, a) for k, a in enumerate(c.actions) for b, t in ref if b == a and schema.out_of_domain(t)]
    try:
        got = fast(c, flat)
    except DomainError as err:
        assert bad, f"compiled raised {err.args} but every reference successor is in its domain at {state}"
        first = bad[0][0]
        assert err.action == first, f"compiled blamed {c.actions[err.action].label}, reference {c.actions[first].label}"
        succ = dict((a.label, t) for a, t in ref)[c.actions[first].label]
        assert schema.flatten(succ)[err.slot] == err.value
        slot = schema.slots[err.slot]
        assert not slot.lo <= err.value <= slot.hi
        return "domain"
    assert not bad, f"{bad[0][1].label} leaves its domain at {state} but the compiled function did not say so"
    assert got == {(a.label, schema.flatten(t)) for a, t in ref}, f"successors differ at {state}"
    return "same"


@pytest.mark.parametrize("memo", list(MEMO))
@given(data=st.data())
def test_compiled_equals_reference_on_drawn_states(memo: str, data: st.DataObject) -> None:
    flat = data.draw(slot_values(SMALL), label="state")
    compare_drawn(SMALL, flat, MEMO[memo])


@pytest.mark.parametrize("memo", list(MEMO))
@given(data=st.data())
def test_compiled_equals_reference_on_consistent_drawn_states(memo: str, data: st.DataObject) -> None:
    flat = data.draw(consistent_state(SMALL), label="state")
    compare_drawn(SMALL, flat, MEMO[memo])


@pytest.mark.parametrize("memo", list(MEMO))
@given(data=st.data())
def test_compiled_equals_reference_on_perturbed_reachable_states(memo: str, data: st.DataObject) -> None:
    flat = data.draw(near_reachable_state(SMALL), label="state")
    compare_drawn(SMALL, flat, MEMO[memo])


@given(data=st.data())
def test_memoization_never_changes_successors(data: st.DataObject) -> None:
    """Same drawn states through all three compilations, one after another (the memo tables
    fill up across examples, so a stale cache entry would show here)."""
    flat = data.draw(st.one_of(consistent_state(SMALL), near_reachable_state(SMALL)), label="state")

    def outcome(lines: int) -> Any:
        try:
            return fast(compiled(SMALL, lines), flat)
        except DomainError as err:
            return ("DomainError", err.action, err.slot, err.value)

    results = {m: outcome(n) for m, n in MEMO.items()}
    assert results["memo-all"] == results["memo-none"] == results["default"]


def test_consistent_states_enable_every_kind_of_action() -> None:
    """The drawn-state comparisons are not vacuous: drawn states enable every command that
    reachable states of small enable, and more."""
    seen: set[str] = set()
    outcomes: list[str] = []

    @settings(max_examples=400, derandomize=True, database=None)
    @given(st.one_of(consistent_state(SMALL), near_reachable_state(SMALL)))
    def collect(flat: tuple) -> None:
        outcome = compare_drawn(SMALL, flat, MEMO["default"])
        outcomes.append(outcome)
        if outcome == "same":
            seen.update(label.split("(")[0] for label, _ in fast(compiled(SMALL, 40), flat))

    collect()
    c = compiled(SMALL, 40)
    fire_when_reachable = {c.actions[a].name for flat in small_reachable_sample() for a, _ in c.successors(flat)}
    assert fire_when_reachable <= seen
    assert len(seen) > len(fire_when_reachable)  # and drawn states reach commands reachable states do not
    # mostly full comparisons, and the out-of-domain protocol is exercised too
    assert outcomes.count("same") > 0.6 * len(outcomes)
    assert "domain" in outcomes


def test_a_domain_escape_is_blamed_on_the_same_action() -> None:
    """An unreachable state (a max-replicas annotation far below spec) makes proportional
    scaling grow a ReplicaSet past the pod cap: the compiled function raises DomainError for
    the action whose reference successor leaves the domain (upstream GetProportion would
    compute the same: max(fraction, allowed) with a positive fraction while scaling down)."""
    schema = Schema(MODEL.state_cls, SMALL)
    state = schema.unflatten(schema.flatten(MODEL.init(SMALL)))
    state = attrs.evolve(
        state,
        replicas=2,
        rs_exists=(True, True),
        rs_revision=(0, 0),
        rs_replicas=(2, 2),
        rs_desired=(0, 0),
        rs_max=(1, 1),
        rs_synced=(False, False),
        rs_status_replicas=(0, 0),
        rs_status_available=(0, 0),
        available=(0, 0),
    )
    for memo in MEMO.values():
        assert compare_drawn(SMALL, schema.flatten(state), memo) == "domain"
