"""Every StatefulSet command and property evaluates under Z3Ops and agrees with the concrete semantics.

A state whose slots are fresh z3 variables goes through every action's guard and effect and
every property predicate (statefulset and volume tables) under
:data:`kubecheck.model.kernel.ops.Z3`; then, on sampled reachable states, the terms evaluated at
the state's values equal what CONCRETE computes.
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.commands import apply
from kubecheck.model.kernel.compile import compile_model
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.scopes.statefulset import PRESETS
from kubecheck.properties import statefulset as sp
from kubecheck.properties import volumes as vp

PROPERTIES = list(sp.PROPERTIES) + list(vp.PROPERTIES)
SCOPES = {
    "tiny": PRESETS["tiny"],
    "small": PRESETS["small"],
    "parallel-faults": attrs.evolve(PRESETS["small"], pod_management=su.PARALLEL, faults=frozenset(cl.FAULTS),
                                    fault_budget=2, set_deletion=True, when_deleted=su.DELETE, pod_deletes=1,
                                    max_unavailable_gate=False, partition=1),
}


def symbolic_state(scope, tag="s"):
    schema = st.MODEL.schema(scope)
    variables = tuple(z3.Bool(f"{slot.label}@{tag}") if slot.kind == "bool" else z3.Int(f"{slot.label}@{tag}")
                      for slot in schema.slots)
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
    schema, variables, s = symbolic_state(scope)
    _, _, t = symbolic_state(scope, "t")
    for action in st.MODEL.actions(scope):
        g = action.guard(Z3, scope, s)
        assert isinstance(g, bool) or z3.is_bool(g), action.label
        for index, value in schema.changes_to_slots(action.effect(Z3, scope, s)):
            slot = schema.slots[index]
            if slot.kind == "bool":
                assert isinstance(value, bool) or z3.is_bool(value), (action.label, slot.label)
            else:
                assert (isinstance(value, int) and not isinstance(value, bool)) or z3.is_int(value), (action.label, slot.label)
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
