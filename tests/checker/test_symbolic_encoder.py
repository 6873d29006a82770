"""The symbolic encoding equals the reference semantics (checker/symbolic.py).

* the initial-state constraint has exactly one solution, the model's initial state;
* explicit successors equal the solutions of T(s, ·): on states reached by hypothesis-drawn
  random walks, every model of T(s, x') is enumerated with blocking clauses and compared with
  ``kernel.commands.successors`` (action label and successor state) — for every model, and for
  the folded encoding of ``--for-all`` at ``small`` (choice variables decoded into labels);
* the encoder refuses a symbolic parameter that changes the action list.
"""

from __future__ import annotations

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from kubecheck.checker.symbolic.encoder import Encoder, EncodingError
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.commands import successors
from kubecheck.properties.deployment import PROPERTIES

TINY = MODEL.presets["tiny"]
SMALL = MODEL.presets["small"]
ENCODERS: dict[str, Encoder] = {}


def encoder(preset: str) -> Encoder:
    if preset not in ENCODERS:
        scope = MODEL.presets[preset]
        if preset == "small":  # the faults the availability property switches on, too
            scope = PROPERTIES[3].adjust(scope)
        ENCODERS[preset] = Encoder(MODEL, scope, stutter=False)
    return ENCODERS[preset]


def solutions_of_t(e: Encoder, flat: tuple, fixed: dict | None = None) -> set[tuple[str, tuple]]:
    """Every (action label, successor) with T(flat, x') and x' in its domain. Labels come from
    ``concrete_action`` (a folded action's choice value filled in); ``fixed`` pins the symbolic
    parameters to concrete values."""
    x, y = e.state(0), e.state(1)
    s = z3.Solver()
    s.add(*[_is(v, value) for v, value in zip(x, flat)])
    for name, term in e.param_terms(x).items():
        s.add(term == (fixed or {})[name])
    s.add(e.trans(0), e.domain(y))
    out = set()
    while s.check() == z3.sat:
        m = s.model()
        sel = m.eval(e.selector(0), model_completion=True).as_long()
        free = e.choice_names.get(sel, ())  # the choice variables this action reads (others are unconstrained)
        choices = [
            c == m.eval(c, model_completion=True) for c, name in zip(e.choices(0), sorted(e.choice_lo)) if name in free
        ]
        nxt = e.flat(m, 1)
        out.add((e.concrete_action(m, sel, 0).label, nxt))
        s.add(
            z3.Or(
                e.selector(0) != sel,
                *[z3.Not(c) for c in choices],
                *[not_is(v, value) for v, value in zip(y[: len(nxt)], nxt)],
            )
        )
        if not e.choice_names:
            assert len(out) <= e.n, "more solutions than actions: T is not a function of the action"
        assert len(out) <= 100 * e.n, "T keeps producing solutions"
    return out


def _is(v: z3.ExprRef, value: object) -> z3.ExprRef:
    return v == z3.BoolVal(value) if isinstance(value, bool) else v == value


def not_is(v: z3.ExprRef, value: object) -> z3.ExprRef:
    return z3.Not(_is(v, value))


def walk(preset: str, choices: list[int]) -> list:
    return model_walk(MODEL, encoder(preset).scope, choices)


def model_walk(model, scope, choices: list[int]) -> list:
    """The states along a walk that takes successor ``c mod n`` at each step."""
    state = model.init(scope)
    seen = [state]
    for c in choices:
        succ = successors(model, scope, state)
        if not succ:
            break
        state = succ[c % len(succ)][1]
        seen.append(state)
    return seen


def explicit_successors(e: Encoder, state: object) -> set[tuple[str, tuple]]:
    return {(a.label, e.schema.flatten(t)) for a, t in successors(MODEL, e.scope, state)}


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_init_constraint_has_exactly_the_initial_state(preset: str) -> None:
    e = encoder(preset)
    x = e.state(0)
    s = z3.Solver()
    s.add(e.init(x), e.domain(x))
    assert s.check() == z3.sat
    assert e.flat(s.model(), 0) == e.schema.flatten(MODEL.init(e.scope))
    s.add(z3.Or(*[not_is(v, value) for v, value in zip(x, e.flat(s.model(), 0))]))
    assert s.check() == z3.unsat


@settings(max_examples=12, deadline=None)
@given(choices=st.lists(st.integers(0, 1000), max_size=25), preset=st.sampled_from(["tiny", "small"]))
def test_explicit_successors_equal_solutions_of_t(choices: list[int], preset: str) -> None:
    e = encoder(preset)
    state = walk(preset, choices)[-1]
    assert solutions_of_t(e, e.schema.flatten(state)) == explicit_successors(e, state)


def test_successors_agree_along_one_long_walk() -> None:
    e = encoder("tiny")
    for state in walk("tiny", [7, 3, 11, 2, 5, 13, 1, 8, 4, 9, 6, 0, 10, 12, 3, 3, 1]):
        assert solutions_of_t(e, e.schema.flatten(state)) == explicit_successors(e, state)


def test_stutter_step_is_the_identity() -> None:
    e = Encoder(MODEL, TINY)
    x = e.state(0)
    s = z3.Solver()
    s.add(e.init(x), e.trans(0), e.selector(0) == e.n)
    assert s.check() == z3.sat
    assert e.flat(s.model(), 1) == e.flat(s.model(), 0)


def test_variables_are_named_field_at_step() -> None:
    e = Encoder(MODEL, TINY)
    names = [str(v) for v in e.state(3)]
    assert names[0] == "replicas@3"
    assert "rs_replicas[1]@3" in names
    assert str(e.selector(3)) == "action@3"


def test_symbolic_parameter_that_changes_the_actions_is_refused() -> None:
    # at minReadySeconds 0 the clock command (a Ready pod becomes available later) is absent
    with pytest.raises(EncodingError, match="depend on min_ready_seconds"):
        Encoder(MODEL, SMALL, for_all=("min_ready_seconds",))
    # an integer range that grows with replicas is folded instead (tests/checker/test_for_all_small.py)
    assert Encoder(MODEL, SMALL, for_all=("replicas",)).choice_names


def test_bounds_that_depend_on_a_symbolic_parameter_are_dropped() -> None:
    e = Encoder(MODEL, TINY, for_all=("replicas",))
    by_label = {v.label: v for v in e.vars}
    assert by_label["rs_replicas[0]"].hi is None  # pod_cap depends on replicas
    assert by_label["template"].hi == 1  # the number of templates does not
    assert by_label["param.replicas"].lo is None  # only API validation (in init) constrains it


# -- every model, and the folded encoding of --for-all (choice variables) ------------------------

FOLDED: dict[str, Encoder] = {}


@settings(max_examples=8, deadline=None)
@given(choices=st.lists(st.integers(0, 1000), max_size=25))
def test_folded_choice_encoding_has_exactly_the_explicit_successors(choices: list[int]) -> None:
    """--for-all at small folds sync_replicaset(from_ready=…) into one action with a choice
    variable: with the parameters pinned to the scope's values, T(s, ·) still has exactly the
    explicit successors, labels included (from_ready decoded)."""
    if "small" not in FOLDED:
        FOLDED["small"] = Encoder(MODEL, SMALL, for_all=("replicas", "max_surge", "max_unavailable"), stutter=False)
    e = FOLDED["small"]
    fixed = {
        "replicas": SMALL.replicas,
        "max_surge": SMALL.max_surge.value,
        "max_unavailable": SMALL.max_unavailable.value,
    }
    state = model_walk(MODEL, SMALL, choices)[-1]
    expected = {(a.label, e.schema.flatten(t)) for a, t in successors(MODEL, SMALL, state)}
    assert solutions_of_t(e, e.schema.flatten(state), fixed) == expected


WORKLOADS: dict[tuple[str, str], Encoder] = {}


@settings(max_examples=6, deadline=None)
@given(
    choices=st.lists(st.integers(0, 1000), max_size=30),
    which=st.sampled_from(
        [("statefulset", "tiny"), ("statefulset", "small"), ("daemonset", "tiny"), ("daemonset", "small")]
    ),
)
def test_explicit_successors_equal_solutions_of_t_for_every_model(choices: list[int], which: tuple[str, str]) -> None:
    from kubecheck.properties import catalog

    model = catalog.model(which[0])
    scope = model.presets[which[1]]
    if which not in WORKLOADS:
        WORKLOADS[which] = Encoder(model, scope, stutter=False)
    e = WORKLOADS[which]
    state = model_walk(model, scope, choices)[-1]
    expected = {(a.label, e.schema.flatten(t)) for a, t in successors(model, scope, state)}
    assert solutions_of_t(e, e.schema.flatten(state)) == expected


def test_an_invariant_with_a_disequality_whose_terms_are_all_on_the_right_renders() -> None:
    """pdr._relation flips a relation whose terms are all on the right; ≠ flips to itself (a KeyError before)."""
    import z3

    from kubecheck.checker.symbolic import pdr

    x = z3.Int("x")
    assert pdr._relation("≠", z3.IntVal(2), x, {"x": "replicas"}) == "replicas ≠ 2"
