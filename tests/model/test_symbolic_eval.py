"""Every command and every property evaluates under Z3Ops, and means what it means on ints.

DESIGN.md: "a test evaluates every command symbolically". For the Deployment model at the
``tiny`` and ``small`` presets (and the Recreate strategy, whose code paths differ):

1. a state whose slots are fresh z3 variables (``Int`` for int slots, ``Bool`` for bool slots,
   tuple fields as tuples of variables) goes through every action's guard and effect (every
   command, every parameter binding) and every property predicate under
   :data:`kubecheck.model.kernel.ops.Z3`: guards and predicates give z3 Booleans (or Python
   bools, where the scope decides), effects give z3 Int terms or Python ints for int slots and
   Booleans for bool slots — nothing raises, nothing silently turns a term into a Python value;
2. the symbolic terms *agree* with the reference semantics: on reachable concrete states, the
   terms evaluated at the state's values equal what :data:`~kubecheck.model.kernel.ops.CONCRETE`
   computes (guards, effects through :func:`kubecheck.model.kernel.commands.apply`,
   predicates). This is the transition relation the symbolic engines are built from, checked
   against the explicit semantics one disjunct at a time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from functools import cache
from typing import Any

import attrs
import pytest
import z3
from state_counts import HPA_BEHAVIOR, HPA_TOLERANCE

from kubecheck.checker.explicit.compile import compile_model
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import Action, apply
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

PROPERTIES = catalog.properties("deployment")

SCOPES = {
    "tiny": PRESETS["tiny"],
    "small": PRESETS["small"],
    "small-recreate": with_settings(PRESETS["small"], {"strategy": "Recreate"}),
    # every command switched on: faults, a broken release, scaling, pauses, cleanup, a strategy edit
    "tiny-everything": with_settings(
        PRESETS["tiny"],
        {
            "faults": "crash,evict",
            "broken-release": "true",
            "progress-deadline": "600",
            "scale-to": "1,3",
            "pauses": "1",
            "rollbacks": "1",
            "min-ready-seconds": "5",
            "revision-history-limit": "0",
            "strategy-edits": "1",
            "edited-max-surge": "0",
            "edited-max-unavailable": "1",
        },
    ),
    # failing releases (issue 13 item 1): evicted under node pressure; a first release never Ready
    "tiny-evicted": with_settings(PRESETS["tiny"], {"pod-failure": "evicted"}),
    "tiny-first-never-ready": with_settings(
        PRESETS["tiny"], {"pod-failure": "never-ready", "failing-revision": "first"}
    ),
    # pods on two nodes sharing one ReadWriteOnce claim: the spread deletions, attach and detach
    # (Recreate: every old pod goes, so the volume detaches and attaches where the new ones land)
    "tiny-placed": with_settings(
        PRESETS["tiny"], {"nodes": "2", "shared-claim": "true", "faults": "evict", "strategy": "Recreate"}
    ),
    # a node lost and back, deleted, force-deleted pods, the out-of-service taint (issue 13 item 3)
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
    # issue 16: a budget, kubectl drain during a rollout, and a node-pool upgrade (model/controllers/disruption.py)
    "tiny-drain": with_settings(PRESETS["tiny"], {"nodes": "2", "pdb-min-available": "1", "scenario": "drain"}),
    "tiny-two-budgets": with_settings(  # and a second budget: the eviction API's 500 (model/controllers/budget.py)
        PRESETS["tiny"], {"nodes": "2", "pdb-min-available": "1", "pdb-second-budget": "true", "scenario": "drain"}
    ),
    "tiny-other-churn": with_settings(  # another workload's pod behind the budget goes NotReady and comes back
        PRESETS["tiny"],
        {"nodes": "2", "pdb-min-available": "2", "pdb-other-pods": "1", "pdb-other-churn": "1", "scenario": "drain"},
    ),
    "tiny-upgrade": with_settings(
        PRESETS["tiny"],
        {
            "nodes": "2",
            "edits": "0",
            "pdb-max-unavailable": "1",
            "pdb-edit-to": "0",  # and the user's edit of the budget
            "scenario": "node-upgrade",
            "faults": "partition",
        },
    ),
    # the HorizontalPodAutoscaler (issue 16): its sync under both load models, the window, load changes, re-applies
    "tiny-hpa": with_settings(PRESETS["tiny"], {"hpa-max-replicas": "3", "applies": "1"}),
    "tiny-hpa-total-demand": with_settings(
        PRESETS["tiny"], {"hpa-max-replicas": "3", "hpa-load-model": "total-demand", "hpa-loads": "60,120"}
    ),
    # spec.behavior: both windows, the scale events' ages, the forgotten outdated event; with tiny's template edit
    # (the surge pods make live_pods_within_surge go both ways on the sample)
    "tiny-hpa-behavior": with_settings(PRESETS["tiny"], {k: v for k, v in HPA_BEHAVIOR.items() if k != "edits"}),
    # spec.behavior's per-direction tolerances, with tiny's template edit (1,778 states)
    "tiny-hpa-tolerance": with_settings(PRESETS["tiny"], {k: v for k, v in HPA_TOLERANCE.items() if k != "edits"}),
}
#: How many reachable states each agreement check samples (spread evenly over the BFS order).
SAMPLES = {
    "tiny": 200,
    "small": 120,
    "small-recreate": 80,
    "tiny-everything": 150,
    "tiny-evicted": 400,
    "tiny-first-never-ready": 100,
    "tiny-placed": 400,
    "tiny-lost-node": 300,
    "tiny-drain": 400,
    "tiny-two-budgets": 150,
    "tiny-other-churn": 200,
    "tiny-upgrade": 400,
    "tiny-hpa": 150,
    "tiny-hpa-total-demand": 100,
    "tiny-hpa-behavior": 150,
    "tiny-hpa-tolerance": 150,
}
#: The BFS that provides the sample stops after this many states.
BFS_LIMIT = 100_000


# -- symbolic states -------------------------------------------------------------------------


@attrs.frozen
class SymbolicState:
    schema: Schema
    variables: tuple  # one z3 constant per slot
    state: Any  # the model's state class holding those variables

    def substitution(self, flat: tuple) -> z3.ModelRef:
        """A z3 model giving each slot variable its value in ``flat``."""
        solver = z3.Solver()
        for var, value in zip(self.variables, flat):
            solver.add(var == (z3.BoolVal(value) if isinstance(value, bool) else z3.IntVal(value)))
        assert solver.check() == z3.sat
        return solver.model()


def symbolic_state(model: Any, scope: Any, suffix: str = "") -> SymbolicState:
    schema = Schema(model.state_cls, scope)
    variables = tuple(
        z3.Bool(f"{slot.label}{suffix}") if slot.kind == "bool" else z3.Int(f"{slot.label}{suffix}")
        for slot in schema.slots
    )
    return SymbolicState(schema, variables, model.state_cls(**schema.view_kwargs(variables)))


def is_bool_term(x: Any) -> bool:
    return isinstance(x, bool) or (isinstance(x, z3.ExprRef) and z3.is_bool(x))


def is_int_term(x: Any) -> bool:
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, z3.ExprRef) and z3.is_int(x))


def value_of(m: z3.ModelRef, x: Any) -> Any:
    """A term's value in model ``m`` as a Python int or bool (constants pass through)."""
    if isinstance(x, (bool, int)):
        return x
    v = m.eval(x, model_completion=True)
    if z3.is_true(v):
        return True
    if z3.is_false(v):
        return False
    assert z3.is_int_value(v), f"{x} did not evaluate to a constant: {v}"
    return v.as_long()


# -- reachable states --------------------------------------------------------------------------


@cache
def reachable_sample(scope: Any, count: int) -> tuple[tuple, ...]:
    """``count`` reachable flat states spread evenly over the BFS order (deterministic; the
    first BFS_LIMIT states where the state space is larger)."""
    compiled = compile_model(MODEL, scope)
    seen = {compiled.initial}
    order = [compiled.initial]
    queue = deque(order)
    while queue and len(order) < BFS_LIMIT:
        for _, nxt in compiled.successors(queue.popleft()):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
                queue.append(nxt)
    stride = max(1, len(order) // count)
    return tuple(order[::stride][:count] + [order[-1]])


# -- fixtures: symbolic readings, computed once per scope --------------------------------------


@attrs.frozen
class Reading:
    scope: Any
    sym: SymbolicState
    actions: tuple[Action, ...]
    guards: tuple
    effects: tuple  # per action: list of (slot index, term)


_READINGS: dict[str, Reading] = {}


def reading(name: str) -> Reading:
    if name not in _READINGS:
        scope = SCOPES[name]
        sym = symbolic_state(MODEL, scope)
        actions = tuple(MODEL.actions(scope))
        guards = tuple(a.guard(Z3, scope, sym.state) for a in actions)
        effects = tuple(list(sym.schema.changes_to_slots(a.effect(Z3, scope, sym.state))) for a in actions)
        _READINGS[name] = Reading(scope, sym, actions, guards, effects)
    return _READINGS[name]


# -- 1. everything evaluates under Z3 ---------------------------------------------------------


@pytest.mark.parametrize("name", list(SCOPES))
def test_every_command_evaluates_under_z3(name: str) -> None:
    r = reading(name)
    assert {a.name for a in r.actions} >= {
        "deployment-controller.create_new_replicaset",
        "replicaset-controller.sync_replicaset",
        "kubelet.pod_ready",
    }
    symbolic_guards = 0
    for action, guard, writes in zip(r.actions, r.guards, r.effects):
        assert is_bool_term(guard), f"{action.label}: guard is {type(guard).__name__}, not a Boolean"
        symbolic_guards += isinstance(guard, z3.ExprRef)
        assert writes or "429" in action.label, f"{action.label}: the effect changes nothing"
        for index, term in writes:
            slot = r.sym.schema.slots[index]
            ok = is_bool_term(term) if slot.kind == "bool" else is_int_term(term)
            assert ok, f"{action.label} writes {slot.label} ({slot.kind}) with {type(term).__name__} {term!r}"
    assert symbolic_guards == len(r.actions), "a guard folded to a constant: it does not read the state"


@pytest.mark.parametrize("name", list(SCOPES))
def test_every_property_evaluates_under_z3(name: str) -> None:
    scope = SCOPES[name]
    for prop in PROPERTIES:
        for sc in (scope, prop.adjust(scope)):
            s = symbolic_state(MODEL, sc, "@0")
            args = (s.state, symbolic_state(MODEL, sc, "@1").state) if prop.kind == "step" else (s.state,)
            for fn in (prop.predicate, prop.target) if prop.target else (prop.predicate,):
                value = fn(Z3, sc, *args)
                assert isinstance(value, z3.ExprRef) and z3.is_bool(value), f"{prop.name}: {type(value).__name__}"
    quiet = MODEL.quiescent(Z3, scope, symbolic_state(MODEL, scope).state)
    assert isinstance(quiet, z3.ExprRef) and z3.is_bool(quiet)


def test_the_scopes_switch_on_every_command() -> None:
    evaluated = {a.name for name in SCOPES for a in reading(name).actions}
    assert evaluated == {c.name for c in MODEL.commands}


def test_symbolic_state_has_one_variable_per_slot() -> None:
    sym = symbolic_state(MODEL, SCOPES["small"])
    assert len(sym.variables) == len(sym.schema.slots) == len(set(map(str, sym.variables)))
    assert sym.state.rs_replicas == tuple(sym.variables[i] for i in sym.schema.field_slots["rs_replicas"])
    assert all(z3.is_bool(v) == (slot.kind == "bool") for v, slot in zip(sym.variables, sym.schema.slots))


# -- 2. the terms mean what the reference semantics computes ---------------------------------


def disagreements(r: Reading, flats: Iterable[tuple]) -> tuple[list[str], set[str]]:
    """Where the z3 terms of ``r`` differ from the reference semantics on ``flats``.

    Returns (problems, labels of the actions enabled somewhere in the sample).
    """
    schema = r.sym.schema
    problems: list[str] = []
    enabled = set()
    for flat in flats:
        state = schema.unflatten(flat)
        m = r.sym.substitution(flat)
        for k, action in enumerate(r.actions):
            nxt = apply(action, r.scope, state)
            if value_of(m, r.guards[k]) is not (nxt is not None):
                problems.append(f"{action.label}: guard differs at {flat}")
                continue
            if nxt is None:
                continue
            enabled.add(action.label)
            got = list(flat)
            for index, term in r.effects[k]:
                got[index] = value_of(m, term)
            if tuple(got) != schema.flatten(nxt):
                problems.append(
                    f"{action.label}: effect differs at {flat}: z3 {tuple(got)}, reference {schema.flatten(nxt)}"
                )
    return problems, enabled


@pytest.mark.parametrize("name", list(SCOPES))
def test_guards_and_effects_agree_with_the_reference_semantics(name: str) -> None:
    r = reading(name)
    problems, enabled = disagreements(r, reachable_sample(r.scope, SAMPLES[name]))
    assert not problems, "\n".join(problems[:10])
    if r.scope.nodes:
        # most node-split choices of a ReplicaSet sync are never enabled (ranks force them):
        # every command, rather than half the actions, must be exercised
        placed = {
            "scheduler.bind_pod",
            "kubelet.start_pod",
            "replicaset-controller.sync_replicaset",
            "fault.evict_pod",
            "kubelet.pod_terminated",
            "attach-detach.attach_volume",
            "attach-detach.detach_volume",
        }
        placed &= {a.name for a in r.actions}  # no volume commands without a shared claim, no evict without it
        missing = placed - {label.split("(")[0] for label in enabled}
        assert not missing, f"never enabled in the sample: {sorted(missing)}"
    else:
        assert len(enabled) > len(r.actions) // 2, f"the sample hardly exercises the effects: {sorted(enabled)}"


def test_agreement_check_catches_a_wrong_term() -> None:
    """The comparison can fail: a guard or effect term that reads differently is reported."""
    r = reading("tiny")
    k = _labels(r.actions).index("kubelet.pod_ready(rs=1)")
    (i, term), *rest = r.effects[k]
    off_by_one = attrs.evolve(r, effects=r.effects[:k] + ([(i, term + 1)] + rest,) + r.effects[k + 1 :])
    negated = attrs.evolve(r, guards=r.guards[:k] + (z3.Not(r.guards[k]),) + r.guards[k + 1 :])
    flats = reachable_sample(r.scope, SAMPLES["tiny"])[:40]
    assert not disagreements(r, flats)[0]
    assert any("kubelet.pod_ready(rs=1): effect differs" in p for p in disagreements(off_by_one, flats)[0])
    assert any("kubelet.pod_ready(rs=1): guard differs" in p for p in disagreements(negated, flats)[0])


@pytest.mark.parametrize("name", list(SCOPES))
def test_properties_agree_with_the_reference_semantics(name: str) -> None:
    scope = SCOPES[name]
    sym = symbolic_state(MODEL, scope)
    predicates = [(p.name, p.predicate) for p in PROPERTIES if p.kind != "step"]
    predicates += [(f"{p.name} (target)", p.target) for p in PROPERTIES if p.target is not None]
    predicates.append(("quiescent", MODEL.quiescent))
    terms = [(label, fn, fn(Z3, scope, sym.state)) for label, fn in predicates]
    outcomes: dict[str, set] = {}
    for flat in reachable_sample(scope, SAMPLES[name]):
        state = sym.schema.unflatten(flat)
        m = sym.substitution(flat)
        for label, fn, term in terms:
            expect = bool(fn(CONCRETE, scope, state))
            assert value_of(m, term) is expect, f"{label} at {state}"
            outcomes.setdefault(label, set()).add(expect)
    # not vacuous: predicates that can go either way did, on the sample
    assert outcomes["quiescent"] == {True, False}
    assert outcomes["deployment.live_pods_within_surge"] == {True, False}


def test_step_properties_take_two_states() -> None:
    """Step properties (none in the Deployment table yet) are read over (s, t) pairs."""
    from kubecheck.model.kernel.property import Property

    grew = Property(
        name="deployment.replicas_never_grow",
        kind="step",
        doc="spec.replicas never grows",
        upstream="-",
        predicate=lambda ops, sc, s, t: t.replicas <= s.replicas,
    )
    scope = SCOPES["tiny"]
    s, t = symbolic_state(MODEL, scope, "@0"), symbolic_state(MODEL, scope, "@1")
    term = grew.predicate(Z3, scope, s.state, t.state)
    assert z3.is_bool(term)
    assert {str(v) for v in z3.z3util.get_vars(term)} == {"replicas@0", "replicas@1"}
    solver = z3.Solver()
    solver.add(z3.Not(term), s.variables[0] == 2)
    assert solver.check() == z3.sat and solver.model().eval(t.variables[0]).as_long() > 2


def _labels(actions: Iterable[Action]) -> list[str]:
    return [a.label for a in actions]
