"""The three readings of the StatefulSet model agree where owner references are on.

With ``orphan-deletes``, ``recreates`` or ``foreign-pod`` the model has commands and branches the
presets never reach (model/controllers/statefulset.py, ``statefulset_sync.Plan``). Here, on scopes
that switch them on:

* the compiled successor function (explicit search) equals the reference interpreter on reachable
  states (every state, or an even sample of 600), and no reachable state leaves its domains;
* between them the scopes fire every ownership command (adoption, both deletions, re-creation,
  the collector's deletions);
* every guard and effect built with Z3 (a state of fresh variables), evaluated at sampled
  reachable states, equals what CONCRETE computes (the symbolic engines read the same model).
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest
import z3

from kubecheck.checker.explicit.compile import Compiled, compile_model
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.commands import apply, successors
from kubecheck.model.kernel.ops import Z3

TINY = st.MODEL.presets["tiny"]
SCOPES = {
    "orphan-delete-claims": attrs.evolve(TINY, orphan_deletes=1, recreates=1, when_deleted=su.DELETE),
    "background-recreate": attrs.evolve(
        TINY, set_deletion=True, recreates=1, when_deleted=su.DELETE, when_scaled=su.DELETE
    ),
    "foreign-parallel": attrs.evolve(
        TINY, foreign_pod=0, pod_management=su.PARALLEL, set_deletion=True, orphan_deletes=1, recreates=1
    ),
    "both-deletions-history": attrs.evolve(
        TINY, set_deletion=True, orphan_deletes=1, recreates=2, revision_history=True, when_deleted=su.DELETE
    ),
}
SAMPLE = 600
OWNERSHIP_COMMANDS = {
    "statefulset-controller.adopt_orphan_pods",
    "user.delete_statefulset_orphan",
    "user.recreate_statefulset",
    "user.delete_statefulset",
    "garbage-collector.delete_pod",
    "garbage-collector.delete_claim",
}


@cache
def compiled(name: str) -> Compiled:
    return compile_model(st.MODEL, SCOPES[name])


@cache
def reachable(name: str) -> list[tuple]:
    return compiled(name).reachable()


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_compiled_equals_reference(name: str) -> None:
    scope, c = SCOPES[name], compiled(name)
    states = reachable(name)
    for flat in states[:: max(1, len(states) // SAMPLE)]:
        state = c.schema.unflatten(flat)
        assert not c.schema.out_of_domain(state)
        got = [(c.actions[a].label, t) for a, t in c.successors(flat)]
        want = [(a.label, c.schema.flatten(t)) for a, t in successors(st.MODEL, scope, state)]
        assert got == want, state


def test_the_scopes_fire_every_ownership_command() -> None:
    fired = set()
    for name in SCOPES:
        c = compiled(name)
        for flat in reachable(name):
            fired.update(c.actions[a].name for a, _ in c.successors(flat))
    assert fired >= OWNERSHIP_COMMANDS


def _symbolic_state(scope, tag: str = "s"):
    schema = st.MODEL.schema(scope)
    variables = tuple(
        z3.Bool(f"{slot.label}@{tag}") if slot.kind == "bool" else z3.Int(f"{slot.label}@{tag}")
        for slot in schema.slots
    )
    return schema, variables, schema.state_cls(**schema.view_kwargs(variables))


def _at(term, subst):
    if isinstance(term, (bool, int)):
        return term
    term = z3.simplify(z3.substitute(term, *subst))
    if z3.is_true(term):
        return True
    if z3.is_false(term):
        return False
    return term.as_long()


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_symbolic_agrees_with_concrete(name: str) -> None:
    scope = SCOPES[name]
    schema, variables, s = _symbolic_state(scope)
    states = reachable(name)
    sample = states[:: max(1, len(states) // 25)]
    actions = st.MODEL.actions(scope)
    guards = [a.guard(Z3, scope, s) for a in actions]
    effects = [dict(schema.changes_to_slots(a.effect(Z3, scope, s))) for a in actions]
    for flat in sample:
        subst = [(v, z3.BoolVal(x) if isinstance(x, bool) else z3.IntVal(x)) for v, x in zip(variables, flat)]
        concrete = schema.unflatten(flat)
        for a, g, eff in zip(actions, guards, effects, strict=True):
            nxt = apply(a, scope, concrete)
            assert _at(g, subst) == (nxt is not None), a.label
            if nxt is not None:
                want = schema.flatten(nxt)
                for index, term in eff.items():
                    assert _at(term, subst) == want[index], (a.label, schema.slots[index].label)
