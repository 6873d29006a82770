"""The DaemonSet's budget, eviction, drain and upgrade commands read three times agree (issue 16).

As tests/model/test_compiled_semantics.py and test_symbolic_eval.py do for the Deployment: on the DaemonSet scopes
that switch the disruption actors on, the compiled successor function equals the reference interpreter on every
reachable state (memoized everywhere, nowhere and by default); every action's guard and effect and every row's
predicate evaluate under Z3 to terms of the right sort; and those terms, evaluated at each reachable state, equal
what the reference semantics computes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
import z3
from test_symbolic_eval import is_bool_term, is_int_term, symbolic_state, value_of

from kubecheck.checker.explicit.compile import Compiled, compile_model
from kubecheck.model.controllers import daemonset_disruption as dd
from kubecheck.model.controllers.daemonset import MODEL
from kubecheck.model.controllers.daemonset_scope import PRESETS
from kubecheck.model.kernel.commands import apply, successors
from kubecheck.model.kernel.ops import Z3
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import daemonset_disruption as dsdp

NONE = {"edits": "0", "relabels": "0"}
SCOPES = {
    "evict-max-unavailable": {**NONE, "pdb-max-unavailable": "1", "scenario": "evict"},
    "evict-min-available-always-allow": {
        **NONE,
        "pdb-min-available": "1",
        "pdb-unhealthy-policy": "AlwaysAllow",
        "scenario": "evict",
        "faults": "crash,evict",
    },
    "evict-two-budgets": {**NONE, "pdb-min-available": "1", "pdb-second-budget": "true", "scenario": "evict"},
    "drain-without-flag": {**NONE, "pdb-max-unavailable": "50%", "scenario": "drain", "ignore-daemonsets": "false"},
    "drain-with-fault": {**NONE, "pdb-min-available": "1", "scenario": "drain", "faults": "evict,crash"},
    "upgrade": {**NONE, "pdb-min-available": "1", "scenario": "node-upgrade", "faults": "crash"},
}
MEMO = {"default": 40, "memo-all": 0, "memo-none": 10**9}


def _scope(name: str) -> Any:
    return with_settings(PRESETS["tiny"], SCOPES[name])


@cache
def _compiled(name: str, memo: int) -> Compiled:
    return compile_model(MODEL, _scope(name), memo_lines=memo)


def _reference(scope: Any, flat: tuple) -> set[tuple[str, tuple]]:
    schema = Schema(MODEL.state_cls, scope)
    return {(a.label, schema.flatten(t)) for a, t in successors(MODEL, scope, schema.unflatten(flat))}


@pytest.mark.parametrize("name", list(SCOPES))
def test_compiled_successors_equal_the_reference_on_every_reachable_state(name: str) -> None:
    scope = _scope(name)
    states = _compiled(name, MEMO["default"]).reachable()
    assert len(states) < 20_000
    for flat in states:
        expect = _reference(scope, flat)
        for memo in MEMO.values():
            c = _compiled(name, memo)
            assert {(c.actions[a].label, t) for a, t in c.successors(flat)} == expect


@pytest.mark.parametrize("name", list(SCOPES))
def test_every_action_and_row_evaluates_under_z3_and_agrees_on_reachable_states(name: str) -> None:
    scope = _scope(name)
    sym = symbolic_state(MODEL, scope)
    actions = tuple(MODEL.actions(scope))
    guards = [a.guard(Z3, scope, sym.state) for a in actions]
    effects = [list(sym.schema.changes_to_slots(a.effect(Z3, scope, sym.state))) for a in actions]
    for action, guard, writes in zip(actions, guards, effects, strict=True):
        assert is_bool_term(guard), action.label
        for index, term in writes:
            slot = sym.schema.slots[index]
            assert is_bool_term(term) if slot.kind == "bool" else is_int_term(term), (action.label, slot.label)
    for prop in dsdp.PROPERTIES:
        sc = prop.adjust(scope)
        s = symbolic_state(MODEL, sc, "@0")
        args = (s.state, symbolic_state(MODEL, sc, "@1").state) if prop.kind == "step" else (s.state,)
        for fn in (prop.predicate, prop.target) if prop.target else (prop.predicate,):
            value = fn(Z3, sc, *args)
            assert isinstance(value, z3.ExprRef) and z3.is_bool(value), prop.name
    for flat in _compiled(name, MEMO["default"]).reachable():
        state = sym.schema.unflatten(flat)
        m = sym.substitution(flat)
        for k, action in enumerate(actions):
            nxt = apply(action, scope, state)
            assert value_of(m, guards[k]) is (nxt is not None), (action.label, flat)
            if nxt is None:
                continue
            got = list(flat)
            for index, term in effects[k]:
                got[index] = value_of(m, term)
            assert tuple(got) == sym.schema.flatten(nxt), (action.label, flat)


def test_the_scopes_fire_every_disruption_command() -> None:
    """Between them, the scopes above fire every command of daemonset_disruption on some reachable state."""
    fired = set()
    for name in SCOPES:
        c = _compiled(name, MEMO["default"])
        for flat in c.reachable():
            fired |= {c.actions[a].name for a, _ in c.successors(flat)}
    assert {c.name for c in dd.COMMANDS} <= fired
