"""Every StatefulSet command and property evaluates under Z3Ops and agrees with the concrete semantics.

A state whose slots are fresh z3 variables goes through every action's guard and effect and
every property predicate (statefulset and volume tables) under
:data:`kubecheck.model.kernel.ops.Z3`; then, on sampled reachable states, the terms evaluated at
the state's values equal what CONCRETE computes.

Then what the symbolic engines do with a StatefulSet's replica count (the model header says what
is claimed): the ordering and per-identity 1-inductive properties are PROVED by k-induction at
each replica count 1..5 (every count up to 20 with ``KUBECHECK_SLOW=1``) in the tiny
configuration, each size its own proof; explicit search refuses instances it cannot explore;
``auto`` proves at the real size and names what it left open; ``--for-all replicas`` is INCONCLUSIVE with the reason.
"""

from __future__ import annotations

import os

import attrs
import pytest
import z3

from kubecheck.checker import run
from kubecheck.checker.explicit.bfs import Budget
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import kinduction
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers.statefulset_scope import EXPLICIT_MAX_ORDINALS, PRESETS
from kubecheck.model.kernel.commands import apply
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.scopes import ScopeError
from kubecheck.properties import catalog
from kubecheck.properties import statefulset as sp
from kubecheck.properties import statefulset_disruption as sdp
from kubecheck.properties import volumes as vp

PROPERTIES = list(sp.PROPERTIES) + list(vp.PROPERTIES) + list(sdp.PROPERTIES)
SCOPES = {
    "tiny": PRESETS["tiny"],
    "small": PRESETS["small"],
    "parallel-faults": attrs.evolve(
        PRESETS["small"],
        pod_management=su.PARALLEL,
        faults=frozenset(cl.FAULTS),
        fault_budget=2,
        set_deletion=True,
        when_deleted=su.DELETE,
        pod_deletes=1,
        max_unavailable_gate=False,
        partition=1,
    ),
    "history": attrs.evolve(
        PRESETS["tiny"], revision_history=True, revision_history_limit=1, edits=2, reverts=1, undos=1
    ),
    # issue 16: a budget and a node-pool upgrade (model/controllers/statefulset_disruption.py)
    "budget-upgrade": attrs.evolve(
        PRESETS["tiny"], replicas=1, nodes=2, pdb_min_available=IntOrPercent(1), scenario="node-upgrade"
    ),
}


def symbolic_state(scope, tag="s"):
    schema = st.MODEL.schema(scope)
    variables = tuple(
        z3.Bool(f"{slot.label}@{tag}") if slot.kind == "bool" else z3.Int(f"{slot.label}@{tag}")
        for slot in schema.slots
    )
    return schema, variables, schema.state_cls(**schema.view_kwargs(variables))


def _value(term):
    if isinstance(term, (bool, int)):
        return term
    term = z3.simplify(term)
    if z3.is_true(term):
        return True
    if z3.is_false(term):
        return False
    return term.as_long()


def _at(term, subst):
    if isinstance(term, (bool, int)):
        return term
    return _value(z3.substitute(term, *subst))


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_every_command_and_property_is_symbolic(name):
    scope = SCOPES[name]
    schema, _variables, s = symbolic_state(scope)
    _, _, _t = symbolic_state(scope, "t")
    for action in st.MODEL.actions(scope):
        g = action.guard(Z3, scope, s)
        assert isinstance(g, bool) or z3.is_bool(g), action.label
        for index, value in schema.changes_to_slots(action.effect(Z3, scope, s)):
            slot = schema.slots[index]
            if slot.kind == "bool":
                assert isinstance(value, bool) or z3.is_bool(value), (action.label, slot.label)
            else:
                assert (isinstance(value, int) and not isinstance(value, bool)) or z3.is_int(value), (
                    action.label,
                    slot.label,
                )
    for prop in PROPERTIES:
        adjusted = prop.adjust(scope)
        _, _, ps = symbolic_state(adjusted)
        _, _, pt = symbolic_state(adjusted, "t")
        value = prop.predicate(Z3, adjusted, ps, pt) if prop.kind == "step" else prop.predicate(Z3, adjusted, ps)
        assert isinstance(value, bool) or z3.is_bool(value), prop.name


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_symbolic_agrees_with_concrete(name):
    scope = SCOPES[name]
    schema, variables, s = symbolic_state(scope)
    compiled = compile_model(st.MODEL, scope)
    seen, frontier = {compiled.initial}, [compiled.initial]
    while frontier and len(seen) < 400:
        frontier = [t for f in frontier for _, t in compiled.successors(f) if t not in seen and not seen.add(t)]
    sample = sorted(seen)[:: max(1, len(seen) // 60)]
    actions = st.MODEL.actions(scope)
    guards = [a.guard(Z3, scope, s) for a in actions]
    effects = [dict(schema.changes_to_slots(a.effect(Z3, scope, s))) for a in actions]
    state_props = [p for p in PROPERTIES if p.kind in ("always", "sometimes", "terminal") and p.adjust(scope) == scope]
    preds = [p.predicate(Z3, scope, s) for p in state_props]
    for flat in sample:
        subst = [(v, z3.BoolVal(x) if isinstance(x, bool) else z3.IntVal(x)) for v, x in zip(variables, flat)]
        concrete = schema.unflatten(flat)
        for a, g, eff in zip(actions, guards, effects):
            nxt = apply(a, scope, concrete)
            assert _at(g, subst) == (nxt is not None), a.label
            if nxt is not None:
                want = schema.flatten(nxt)
                for index, term in eff.items():
                    assert _at(term, subst) == want[index], (a.label, schema.slots[index].label)
        for p, term in zip(state_props, preds):
            assert _at(term, subst) == bool(p.predicate(CONCRETE, scope, concrete)), p.name


# -- fixed replica counts, one at a time (what a PROVED verdict about a StatefulSet covers) --------

#: The ordering property and the per-identity properties that are 1-inductive: one solver call proves each at a size.
ONE_INDUCTIVE = (
    "pods_created_in_ordinal_order",
    "at_most_one_pod_object_per_identity",
    "pods_removed_in_reverse_order",
    "claims_follow_retention_policy",
    "rwop_claim_used_by_one_pod",
)


SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="seconds each; set KUBECHECK_SLOW=1")


@pytest.mark.parametrize("replicas", [1, 2, 3, 4, 5] + [pytest.param(r, marks=SLOW) for r in range(6, 21)])
def test_ordering_and_identity_properties_proved_at_each_replica_count(replicas):
    """Each size is its own proof (the model header: fixed instances only; no cutoff is claimed)."""
    props = catalog.properties("statefulset", ONE_INDUCTIVE)
    base = attrs.evolve(PRESETS["tiny"], replicas=replicas, scale_to=(replicas - 1,))
    encoders = {}
    for prop in props:
        sc = prop.adjust(base)
        e = encoders.setdefault(sc, Encoder(st.MODEL, sc))
        r = kinduction.decide(e, prop, 0)
        assert r.verdict is Verdict.PROVED and r.note.startswith("PROVED (this instance): 1-inductive"), prop.name


def test_explicit_search_refuses_what_it_cannot_explore():
    big = attrs.evolve(PRESETS["tiny"], replicas=EXPLICIT_MAX_ORDINALS + 1)
    assert PRESETS["medium"].beyond_explicit_search() is None
    assert attrs.evolve(PRESETS["tiny"], replicas=EXPLICIT_MAX_ORDINALS).beyond_explicit_search() is None
    assert big.beyond_explicit_search().startswith("9 ordinals (replicas up to 9): explicit search would store")
    prop = catalog.properties("statefulset", ["pods_created_in_ordinal_order"])
    with pytest.raises(ScopeError, match="refused above 8 ordinals; use --engine kind or pdr"):
        run.check(Task(st.MODEL, big, prop))
    [r] = run.check(Task(st.MODEL, big, prop, budget=Budget(max_states=200)))  # with a budget it explores what it can
    assert r.verdict is Verdict.INCONCLUSIVE and r.stats.stop_reason == "max-states"


def test_auto_on_a_large_instance_proves_at_the_real_size_and_says_what_it_did_not_explore():
    big = attrs.evolve(PRESETS["tiny"], replicas=12, scale_to=(11,))
    props = catalog.properties("statefulset", ["pods_created_in_ordinal_order", "scale_eventually_completes"])
    proved, live = run.check(Task(st.MODEL, big, props, engine="auto"))
    assert (proved.verdict, proved.engine, proved.scope.replicas) == (Verdict.PROVED, "kind", 12)
    assert proved.note == "PROVED (this instance): 1-inductive with simple-path constraints"
    assert live.verdict is Verdict.INCONCLUSIVE and "12 ordinals" in live.note and "need explicit search" in live.note


def test_no_parameter_is_left_symbolic():
    """--for-all replicas on a per-ordinal model: BMC answers INCONCLUSIVE with the reason, never a proof
    for all values; auto, pdr and kind go to the ordinal reading, which proves it and says so."""
    props = catalog.properties("statefulset", ["pods_created_in_ordinal_order"])
    for engine in ("bmc",):
        [r] = run.check(Task(st.MODEL, PRESETS["tiny"], props, engine=engine, for_all=("replicas",)))
        assert r.verdict is Verdict.INCONCLUSIVE and r.engine == engine
        assert "one state slot per ordinal" in r.note
    for engine in ("auto", "pdr", "kind"):
        [r] = run.check(Task(st.MODEL, PRESETS["tiny"], props, engine=engine, for_all=("replicas",)))
        assert (r.verdict, r.engine) == (Verdict.PROVED, "ordinal") and r.claim.text() == "all replicas 1.."
    assert "cannot be left symbolic" in PRESETS["tiny"].not_symbolic("partition")


@pytest.mark.parametrize(
    "scope",
    [PRESETS["tiny"], PRESETS["small"], PRESETS["medium"]]
    + [attrs.evolve(PRESETS["small"], replicas=r, scale_to=(r - 1,)) for r in (1, 3, 4)]
    + [attrs.evolve(PRESETS["small"], revision_history=True, revision_history_limit=0, edits=2, undos=1)],
    ids=["tiny", "small", "medium", "small-1", "small-3", "small-4", "small-history"],
)
def test_no_step_leaves_the_declared_domains(scope):
    """What a symbolic verdict on a fixed scope assumes: from every in-domain state, every step stays in the domains."""
    e = Encoder(st.MODEL, scope)
    s = z3.Solver()
    s.add(e.domain(e.state(0)), e.trans(0), z3.Not(e.domain(e.state(1))))
    assert s.check() == z3.unsat
