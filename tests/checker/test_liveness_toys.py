"""Toy models with known liveness answers, decided by all three liveness engines.

Each toy is small enough to check by hand; the table ``ANSWERS`` gives the verdict and the
shape of the shortest lasso (stem, loop) where there is one. The engines are the explicit
fair-cycle search (:mod:`kubecheck.checker.explicit.fair_cycles`), the BMC lasso search
(:mod:`kubecheck.checker.symbolic.lasso`) and the ranking proof (:mod:`kubecheck.checker.symbolic.ranking`).
Other test files import the toys from here.

* ``counter``: a controller counts 0 → 3; ``eventually count = 3`` holds (V = 3 - count).
* ``user_loop``: a user flips a switch for ever while ``controller.finish`` stays enabled: the
  cycle is unfair (finish is weakly fair), so ``eventually done`` holds.
* ``system_spin``: like user_loop, but a *system* action flips the switch: still unfair, holds.
* ``blinking``: ``controller.finish`` is enabled only while the light is on, and a system action
  blinks it: finish is never *continuously* enabled, so weak fairness does not force it — a fair
  cycle, VIOLATED with a 2-step loop (weak fairness is too weak here; strong fairness would not be).
* ``stutter``: a controller reaches count 1 and only the user could go on: the run may stop
  there, so ``eventually count = 2`` is VIOLATED by a stutter lasso (loop without steps).
* ``choice``: ``rs.sync(rs, pick)`` is enabled with pick = phase while ``spin`` alternates the
  phase. With ``fair_by=("rs",)`` the unit ``rs.sync(rs=0)`` is continuously enabled, under
  changing choices, so a run that only spins is unfair: HOLDS. Without it each pick is its own
  intermittently enabled unit: VIOLATED. (The ReplicaSet sync starved this way before fair_by.)
* ``request``: ``requested leads_to granted`` where a grant needs a token that a controller
  passes round; holds, and VIOLATED when the user may take the token away for ever.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic import ranking as liveness_proof
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property
from kubecheck.model.kernel.schema import bool_field, int_field


@attrs.frozen
class Scope:
    fair_by_rs: bool = True
    thief: bool = False


@attrs.frozen
class State:
    count: int = int_field(0, 3, doc="a counter")
    light: bool = bool_field(doc="a switch")
    done: bool = bool_field(doc="the goal")
    phase: int = int_field(0, 1, doc="which choice is enabled")


def _model(name: str, *commands: Command, init: Any = None) -> Model:
    return Model(
        name,
        name,
        "-",
        State,
        Scope,
        init or (lambda sc: State(0, False, False, 0)),
        commands,
        lambda ops, sc, s: True,
        {"tiny": Scope()},
    )


def _g(f: Any) -> Any:
    return lambda ops, sc, s, **p: f(ops, s, **p)


def _e(f: Any) -> Any:
    return lambda ops, sc, s, **p: f(ops, s, **p)


COUNTER = _model(
    "counter",
    Command(
        "controller.increment", _g(lambda ops, s: s.count < 3), _e(lambda ops, s: {"count": s.count + 1}), "count up"
    ),
)
FINISH = Command("controller.finish", _g(lambda ops, s: ops.not_(s.done)), _e(lambda ops, s: {"done": True}), "finish")
FLIP_USER = Command(
    "user.flip",
    _g(lambda ops, s: ops.not_(s.done)),
    _e(lambda ops, s: {"light": ops.not_(s.light)}),
    "flip the switch",
    kind="user",
)
FLIP_SYSTEM = Command(
    "blinker.flip",
    _g(lambda ops, s: ops.not_(s.done)),
    _e(lambda ops, s: {"light": ops.not_(s.light)}),
    "flip the switch",
)
USER_LOOP = _model("user_loop", FINISH, FLIP_USER)
SYSTEM_SPIN = _model("system_spin", FINISH, FLIP_SYSTEM)
BLINKING = _model(
    "blinking",
    Command(
        "controller.finish",
        _g(lambda ops, s: ops.and_(s.light, ops.not_(s.done))),
        _e(lambda ops, s: {"done": True}),
        "finish while the light is on",
    ),
    FLIP_SYSTEM,
)
STUTTER = _model(
    "stutter",
    Command(
        "controller.increment", _g(lambda ops, s: s.count < 1), _e(lambda ops, s: {"count": s.count + 1}), "count to 1"
    ),
    Command("user.bump", _g(lambda ops, s: s.count == 1), _e(lambda ops, s: {"count": 2}), "count to 2", kind="user"),
)


def _choice(fair_by: Any) -> Model:
    sync = Command(
        "rs.sync",
        lambda ops, sc, s, rs, pick: ops.and_(ops.not_(s.done), s.phase == pick),
        lambda ops, sc, s, rs, pick: {"done": True},
        "sync with a choice",
        params=(("rs", lambda sc: range(1)), ("pick", lambda sc: range(2))),
        fair_by=fair_by,
    )
    spin = Command(
        "clock.spin", _g(lambda ops, s: ops.not_(s.done)), _e(lambda ops, s: {"phase": 1 - s.phase}), "alternate"
    )
    return _model("choice", sync, spin)


CHOICE_FAIR_BY_RS = _choice(("rs",))
CHOICE_PER_PICK = _choice(None)

REQUEST = _model(
    "request",
    Command(
        "client.request",
        _g(lambda ops, s: ops.and_(ops.not_(s.light), ops.not_(s.done))),
        _e(lambda ops, s: {"light": True}),
        "ask",
    ),
    Command(
        "controller.pass_token",
        _g(lambda ops, s: s.count < 2),
        _e(lambda ops, s: {"count": s.count + 1}),
        "pass the token on",
    ),
    Command(
        "controller.grant",
        _g(lambda ops, s: ops.and_(s.light, s.count >= 2, ops.not_(s.done))),
        _e(lambda ops, s: {"done": True}),
        "grant with the token",
    ),
)
THIEF = _model(
    "request_with_thief",
    *REQUEST.commands,
    Command(
        "user.take_token",
        _g(lambda ops, s: s.count == 2),
        _e(lambda ops, s: {"count": 0}),
        "take the token",
        kind="user",
    ),
)


def eventually(name: str, goal: Any) -> Property:
    return Property(
        name=f"toy.{name}", kind="eventually", doc=name, upstream="-", predicate=goal, fairness=WEAK_FAIRNESS
    )


COUNT_3 = eventually("count_reaches_3", lambda ops, sc, s: s.count == 3)
COUNT_2 = eventually("count_reaches_2", lambda ops, sc, s: s.count == 2)
DONE = eventually("done", lambda ops, sc, s: s.done)
GRANTED = Property(
    name="toy.request_granted",
    kind="leads_to",
    doc="a request is granted",
    upstream="-",
    predicate=lambda ops, sc, s: s.light,
    target=lambda ops, sc, s: s.done,
    fairness=WEAK_FAIRNESS,
)

H, V, P, INC = Verdict.HOLDS, Verdict.VIOLATED, Verdict.PROVED, Verdict.INCONCLUSIVE

#: (model, property, explicit verdict, explicit (stem, loop) lengths, BMC steps and loop index, proof verdict)
ANSWERS = {
    "counter": (COUNTER, COUNT_3, H, None, None, P),
    "user_loop": (USER_LOOP, DONE, H, None, None, P),
    "system_spin": (SYSTEM_SPIN, DONE, H, None, None, P),
    "blinking": (BLINKING, DONE, V, (0, 2), (2, 0), INC),
    "stutter": (STUTTER, COUNT_2, V, (1, 0), (1, 1), INC),
    "choice_fair_by_rs": (CHOICE_FAIR_BY_RS, DONE, H, None, None, P),
    "choice_per_pick": (CHOICE_PER_PICK, DONE, V, (0, 2), (2, 0), INC),
    "request": (REQUEST, GRANTED, H, None, None, P),
    "request_with_thief": (THIEF, GRANTED, V, (1, 3), (4, 1), INC),
}
TOYS = sorted(ANSWERS)


@pytest.mark.parametrize("name", TOYS)
def test_explicit_engine_knows_the_answer(name: str) -> None:
    model, prop, verdict, shape, _, _ = ANSWERS[name]
    r = liveness.check(Task(model, Scope(), [prop]))[0]
    assert r.verdict is verdict, r.note
    if shape is not None:
        stem, loop = shape
        assert (r.trace.loop, len(r.trace.steps) - r.trace.loop) == (stem, loop)
        assert lasso.check_lasso(model, Scope(), prop, r.trace) == ""


@pytest.mark.parametrize("name", TOYS)
def test_bmc_lasso_agrees_with_the_explicit_engine(name: str) -> None:
    model, prop, verdict, shape, bmc_shape, _ = ANSWERS[name]
    r = lasso.decide(Encoder(model, Scope()), prop, max_depth=8)
    if verdict is H:
        assert r.verdict is INC and "not a proof" in r.note  # never HOLDS
        return
    assert r.verdict is V
    assert (len(r.trace.steps), r.trace.loop) == bmc_shape
    assert r.trace.states[r.trace.loop] == r.trace.states[-1]
    stem, loop = shape
    assert len(r.trace.steps) + (r.trace.loop == len(r.trace.steps)) <= stem + max(loop, 1)


@pytest.mark.parametrize("name", TOYS)
def test_ranking_proof_proves_what_holds_and_nothing_else(name: str) -> None:
    model, prop, _, _, _, proof_verdict = ANSWERS[name]
    r = liveness_proof.decide(Encoder(model, Scope()), prop, timeout=30)
    proof = r.evidence
    assert r.verdict is proof_verdict, r.note
    if proof is not None:
        goal = prop.target or prop.predicate
        assert proof.recheck(Encoder(model, Scope()), goal) == []


def test_an_unfair_cycle_is_closed_by_a_helpful_fair_unit() -> None:
    for model in (USER_LOOP, SYSTEM_SPIN):
        proof = liveness_proof.decide(Encoder(model, Scope()), DONE).evidence
        assert proof.components[-1].helper == ("controller.finish", ())
        assert "helped by weak fairness of controller.finish" in proof.text


def test_a_stuck_state_is_the_reason_a_proof_fails() -> None:
    r = liveness_proof.decide(Encoder(STUTTER, Scope()), COUNT_2)
    assert r.verdict is INC and "no system action enabled" in r.note
