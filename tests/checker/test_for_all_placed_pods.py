"""Deployment properties that place pods on nodes, decided for every replicas, maxSurge and maxUnavailable.

Issue 15, item 2: the thirteen properties whose pods sit on two nodes were refused with the
parameters open, because the ReplicaSet sync's ``spread`` (each deletion class's share taken
from node-b: tuples over ``0..pod_cap``) has a domain that grows with replicas. The encoder now
folds such a tuple choice into one integer choice variable per element (the guard bounds each),
so the volume properties are PROVED with a re-checked invariant, and a sync's decoded label
carries the tuple it chose, which the concrete guard accepts.
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.checker.certify import run_smtlib
from kubecheck.checker.explicit import bfs
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import encoder as enc
from kubecheck.checker.symbolic import pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Budget
from kubecheck.model.controllers import disruption as dr
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import disruption as dp
from kubecheck.properties.catalog import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES["deployment"]}
ALL = ("replicas", "max_surge", "max_unavailable")
SMALL = MODEL.presets["small"]


def encoder(prop, arith: str = "linear") -> Encoder:  # the CLI's encoding (pdr.check)
    return Encoder(MODEL, prop.adjust(SMALL), for_all=ALL, arith=arith)


@pytest.mark.parametrize(
    "name",
    [
        "rwo_volume_attached_to_one_node",
        "rwop_claim_used_by_one_pod",
        "containers_run_where_claim_attached",
        "claim_detached_only_from_empty_node",
    ],
)
def test_volume_property_proved_for_every_replicas_max_surge_max_unavailable(name: str) -> None:
    prop = BY_NAME[name]
    e = encoder(prop)
    assert e.choice_width == {"spread": 3}
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    proof = result.evidence
    assert proof.check.ok
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"


@pytest.mark.parametrize(
    ("name", "least"),
    [
        ("no_writer_on_read_only_many", (1, 0, 1)),  # a ReadOnlyMany claim mounted read-write from the start
    ],
)
def test_violated_in_the_initial_state_at_the_least_parameters(name: str, least: tuple) -> None:
    prop = BY_NAME[name]
    result = pdr.decide(encoder(prop), prop, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    scope = result.trace.scope
    assert (scope.replicas, scope.max_surge.value, scope.max_unavailable.value) == least
    assert not result.trace.steps
    assert not prop.predicate(CONCRETE, scope, result.trace.last)


def test_a_decoded_sync_carries_the_spread_tuple_its_concrete_guard_accepts() -> None:
    """From a state with pods on both nodes and a ReplicaSet scaled down, the solver picks a spread;
    decoding writes it into the label as the explicit engine's tuple, and the concrete action with
    that tuple is enabled at the chosen parameters."""
    prop = BY_NAME["rwo_volume_attached_to_one_node"]
    e = encoder(prop)
    [sync] = [i for i, a in enumerate(e.actions) if a.name.endswith("sync_replicaset") and a.kwargs["rs"] == 0]
    x0, x1 = e.state(0), e.state(1)
    s = e.view(x0)
    s1 = e.view(x1)
    solver = z3.Solver()
    solver.add(e.domain(x0), e.disjunct(sync, 0))
    solver.add(s.available[0] >= 1, s.available[1] >= 1, s1.terminating[1] > s.terminating[1])  # a deletion on node-b
    # at replicas 3, with no more pods than that (a state of the concrete scope's domain)
    solver.add(e.param_terms(x0)["replicas"] == 3, s.available[0] + s.available[1] <= 3)
    solver.add(*[getattr(s, phase)[i] == 0 for phase in ("pending", "running", "ready") for i in (0, 1)])
    assert solver.check() == z3.sat
    m = solver.model()
    action = e.concrete_action(m, sync, 0)
    spread = action.kwargs["spread"]
    assert type(spread) is tuple and len(spread) == 3 and all(type(x) is int for x in spread)
    assert sum(spread) >= 1  # a pod deleted from node-b
    assert f"spread={spread}" in action.label
    params = {n: enc._number(m.eval(t, model_completion=True)) for n, t in e.param_terms(x0).items()}
    scope = e.concrete_scope(params)
    state = e.schema.unflatten(e.flat(m, 0))
    assert action in MODEL.actions(scope)  # a value of the concrete domain
    assert action.guard(CONCRETE, scope, state)


def test_tuple_domains_of_mixed_lengths_or_non_integers_are_not_folded() -> None:
    assert enc._int_tuple_width([0, 1, 2]) == 0
    assert enc._int_tuple_width([(0, 1, 0), (1, 0, 0)]) == 3
    assert enc._int_tuple_width([(0, 1), (1, 0, 0)]) is None
    assert enc._int_tuple_width([None]) is None
    assert enc._int_tuple_width([(0, None, 1)]) is None
    assert enc._component_lows([(2, 1, 3), (1, 4, 3)], 3) == (1, 1, 3)


def test_a_node_failure_breaks_the_availability_floor_at_one_replica_by_a_replayed_trace() -> None:
    """Sampling (the encoding's 81 variables are within pdr.MAX_DISCOVERY_VARIABLES) finds the failure
    in its breadth-first search: one step, node-a fails under the only pod, replayed by the reference
    interpreter. The least parameters: at replicas 0 the floor is 0, and maxUnavailable 1 at replicas
    1 makes it 0 too, so replicas 1, maxSurge 1, maxUnavailable 0 is the only instance of sum 2 that
    can break it (sum 1 has replicas 0 or both bounds 0, which the API server refuses)."""
    prop = BY_NAME["availability_floor_under_node_failure"]
    e = encoder(prop)
    assert len(e.vars) <= pdr.MAX_DISCOVERY_VARIABLES
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert "replayed by the reference interpreter" in result.note
    scope = result.trace.scope
    assert (scope.replicas, scope.max_surge.value, scope.max_unavailable.value) == (1, 1, 0)
    assert len(result.trace.steps) == 1
    assert not prop.predicate(CONCRETE, scope, result.trace.last)


#: The node-failure rows that state why they hold (properties/deployment_nodes.py): surge_bound_under_node_failure
#: reuses replicas_within_surge's lemmas (node faults never change a ReplicaSet's spec), no_ready_pod_on_lost_node
#: states that the ready counters stay 0 at minReadySeconds 0.
NODE_ROWS = ("surge_bound_under_node_failure", "no_ready_pod_on_lost_node")


@pytest.mark.parametrize("name", NODE_ROWS)
def test_a_node_failure_row_is_proved_for_every_parameter_by_all_its_stated_lemmas(name: str) -> None:
    """Houdini keeps every stated lemma, the invariant is the property and all of them, and the fresh
    solvers' re-check and the SMT-LIB certificate both pass."""
    prop = BY_NAME[name]
    e = encoder(prop)
    x = e.state(0)
    stated = prop.lemmas(e.ops, e.scope_of(x), e.view(x))
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    proof = result.evidence
    assert proof.method == "stated" and proof.check.ok
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"
    assert proof.lemmas[0].startswith(f"{prop.name}: ")
    assert len(proof.lemmas) == 1 + len(stated)  # the property, then every stated lemma kept
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]


@pytest.mark.parametrize("name", NODE_ROWS)
def test_a_node_failure_row_is_not_inductive_without_its_stated_lemmas(name: str) -> None:
    """The lemmas carry the proof: over the domain alone the property is not inductive (for
    no_ready_pod_on_lost_node, a state with a pod counted Ready on node-a breaks it when node-a is lost)."""
    prop = BY_NAME[name]
    e = encoder(prop)
    assert pdr.domain_proof(e, prop, e.claim, 0.0, timeout=30) is None


#: The budget rows (properties/disruption.py): the floor is claimed where spec.replicas reach desiredHealthy
#: (dp.within_reach), so replicas 0 under minAvailable 1 (unmet from the start, every eviction refused) no longer
#: breaks them in the initial state; the rows that hold are proved by their stated lemmas.
BUDGET_PROVED = ("budget_floor_holds_under_evictions", "upgrade_keeps_floor", "eviction_respects_edited_budget")


@pytest.mark.parametrize("name", BUDGET_PROVED)
def test_a_budget_row_is_proved_for_every_parameter_by_all_its_stated_lemmas(name: str) -> None:
    prop = BY_NAME[name]
    e = encoder(prop)
    x = e.state(0)
    stated = prop.lemmas(e.ops, e.scope_of(x), e.view(x))
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    proof = result.evidence
    assert proof.method == "stated" and proof.check.ok
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"
    assert proof.lemmas[0].startswith(f"{prop.name}: ")
    assert len(proof.lemmas) == 1 + len(stated)  # the property (a step property: its head), every stated lemma kept
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]


@pytest.mark.parametrize(
    "budget",
    [
        {"pdb-min-available": "2"},  # replicas 0 and 1 are out of reach
        # a percentage and maxUnavailable read spec.replicas only while a pod is selected: the lemma's floor is
        # the one read from spec.replicas (dp._steady_desired), which the healthy pods never leave
        {"pdb-min-available": "50%"},
        {"pdb-max-unavailable": "1"},
    ],
)
def test_the_floor_row_is_proved_by_its_stated_lemmas_under_other_budget_specs(budget: dict[str, str]) -> None:
    prop = BY_NAME["budget_floor_holds_under_evictions"]
    e = Encoder(MODEL, prop.adjust(with_settings(SMALL, budget)), for_all=ALL, arith="linear")
    result = pdr.decide(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    assert result.evidence.method == "stated" and result.evidence.check.ok


@pytest.mark.parametrize("name", BUDGET_PROVED)
def test_a_budget_row_is_not_proved_over_the_domain_alone(name: str) -> None:
    """The lemmas carry the proof: from some in-domain state (a ReplicaSet sync deleting Ready pods in excess,
    a disruptionsAllowed above the healthy pods) a step breaks the property."""
    prop = BY_NAME[name]
    e = encoder(prop)
    assert pdr.domain_proof(e, prop, e.claim, 0.0, timeout=30) is None


def test_the_floor_lemmas_do_not_prove_the_floor_during_a_rollout() -> None:
    """The same lemmas stated for the rollout row (the ReplicaSet controller deletes old Ready pods without
    consulting the budget) are dropped by Houdini: stated lemmas prove nothing that does not hold."""
    prop = attrs.evolve(BY_NAME["budget_floor_under_evictions_and_rollout"], lemmas=dp.floor_lemmas)
    e = encoder(prop)
    assert pdr.stated_proof(e, prop, e.claim, 0.0, timeout=60) is None


@pytest.mark.parametrize(
    ("name", "steps"),
    [
        # maxUnavailable 1 at replicas 1: the rollout deletes the only old Ready pod before the new one is Ready
        ("budget_floor_under_evictions_and_rollout", 3),
        # the other workload's Ready pod keeps disruptionsAllowed at 1: the drain evicts the only own pod
        ("shared_budget_keeps_own_floor", 2),
    ],
)
def test_a_budget_row_that_upstream_does_not_guarantee_is_violated_at_the_least_values(name: str, steps: int) -> None:
    prop = BY_NAME[name]
    result = pdr.decide(encoder(prop), prop, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert "the least values by their sum" in result.note and "replayed by the reference interpreter" in result.note
    scope = result.trace.scope
    assert (scope.replicas, scope.max_surge.value, scope.max_unavailable.value) == (1, 0, 1)
    [found] = bfs.explore(MODEL, scope, [prop], Budget(timeout=120))
    assert len(result.trace.steps) == len(found.trace.steps) == steps
    assert not prop.predicate(CONCRETE, scope, result.trace.last)


def test_below_the_floor_from_the_start_the_floor_rows_claim_nothing() -> None:
    """replicas 0 under minAvailable 1: no pod, desiredHealthy 1, the budget synced with disruptionsAllowed 0
    (every eviction refused). The state is below the floor, and out of the rows' range (dp.within_reach)."""
    prop = BY_NAME["budget_floor_holds_under_evictions"]
    scope = attrs.evolve(prop.adjust(SMALL), replicas=0)
    s = MODEL.init(scope)
    assert dr.healthy_pods(CONCRETE, s) == 0 and dr.expected_and_desired(CONCRETE, scope, s)[1] == 1
    assert s.pdb_allowed == 0
    assert not dp.within_reach(CONCRETE, scope, s, 1)
    assert prop.predicate(CONCRETE, scope, s)
    one = attrs.evolve(scope, replicas=1)
    assert dp.within_reach(CONCRETE, one, MODEL.init(one), 1)


def test_stated_lemmas_go_with_always_and_step_properties_only() -> None:
    assert BY_NAME["eviction_respects_edited_budget"].kind == "step"
    with pytest.raises(ValueError, match="stated lemmas go with always and step properties"):
        attrs.evolve(BY_NAME["drain_eventually_completes"], lemmas=dp.floor_lemmas)
