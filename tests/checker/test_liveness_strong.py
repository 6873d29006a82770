"""Strong fairness: toys with known answers, decided by the explicit engine and the BMC lasso search.

Strong fairness of a unit: if it is enabled infinitely often, it is taken infinitely often (weak
fairness asks that only of a unit enabled *continuously*). It matters where another actor keeps
undoing the enabling condition. The toys, by hand:

* ``blinking`` (from test_liveness_toys): ``controller.finish`` is enabled only while a system
  blinker has the light on. Weakly fair finish: the blinker may flip for ever — VIOLATED, loop of
  two flips. Strongly fair finish (declared on the command, or assumed by the property): every
  fair run finishes — HOLDS.
* ``detour``: from count 0 a clock goes to 1 (``tick``) or to 2 (``skip``), and ``back`` to 0;
  ``finish`` is enabled only at count 1. The strongly connected set {0, 1, 2} fails the strong
  test (finish enabled at 1, never taken inside), but a fair cycle hides inside it: skip, back,
  never visiting 1. Without the Streett refinement an engine would answer HOLDS; with it the
  answer is VIOLATED with the loop skip/back. If ``tick`` is strongly fair as well, the run must
  visit 1 infinitely often and then take finish: HOLDS.

The ranking proof assumes weak fairness only, which is sound (strong fairness allows fewer
runs) but incomplete: where only strong fairness makes a property hold, it stays INCONCLUSIVE.
"""

from __future__ import annotations

import attrs
import pytest
from test_liveness_toys import BLINKING, DONE, FLIP_SYSTEM, Scope, _e, _g, _model

from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic import ranking as liveness_proof
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.kernel.commands import Command, strongly_fair
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property, with_strong_fairness

H, V, P, INC = Verdict.HOLDS, Verdict.VIOLATED, Verdict.PROVED, Verdict.INCONCLUSIVE

STRONG_FINISH = Command(
    "controller.finish",
    _g(lambda ops, s: ops.and_(s.light, ops.not_(s.done))),
    _e(lambda ops, s: {"done": True}),
    "finish while the light is on",
    fairness="strong",
)
BLINKING_STRONG = _model("blinking_strong", STRONG_FINISH, FLIP_SYSTEM)
DONE_IF_FINISH_STRONG = attrs.evolve(
    DONE, fairness=with_strong_fairness("controller.finish"), strong_fairness=("controller.finish",)
)


def _detour(tick_fairness: str = "weak") -> object:
    return _model(
        "detour",
        Command(
            "clock.tick",
            _g(lambda ops, s: ops.and_(s.count == 0, ops.not_(s.done))),
            _e(lambda ops, s: {"count": 1}),
            "0 -> 1",
            fairness=tick_fairness,
        ),
        Command(
            "clock.skip",
            _g(lambda ops, s: ops.and_(s.count == 0, ops.not_(s.done))),
            _e(lambda ops, s: {"count": 2}),
            "0 -> 2",
        ),
        Command(
            "clock.back",
            _g(lambda ops, s: ops.and_(s.count >= 1, s.count <= 2, ops.not_(s.done))),
            _e(lambda ops, s: {"count": 0}),
            "back to 0",
        ),
        Command(
            "controller.finish",
            _g(lambda ops, s: ops.and_(s.count == 1, ops.not_(s.done))),
            _e(lambda ops, s: {"done": True}),
            "finish at 1",
            fairness="strong",
        ),
    )


DETOUR = _detour()
DETOUR_TICK_STRONG = _detour("strong")

#: name -> (model, property, explicit verdict, explicit loop labels or None, BMC (steps, loop index), proof verdict)
ANSWERS = {
    "blinking_weak": (BLINKING, DONE, V, ["blinker.flip", "blinker.flip"], (2, 0), INC),
    "blinking_strong_command": (BLINKING_STRONG, DONE, H, None, None, INC),
    "blinking_strong_property": (BLINKING, DONE_IF_FINISH_STRONG, H, None, None, INC),
    "detour_finish_strong": (DETOUR, DONE, V, ["clock.skip", "clock.back"], (2, 0), INC),
    "detour_tick_and_finish_strong": (DETOUR_TICK_STRONG, DONE, H, None, None, INC),
}
TOYS = sorted(ANSWERS)


@pytest.mark.parametrize("name", TOYS)
def test_explicit_engine_knows_the_answer(name: str) -> None:
    model, prop, verdict, loop, _, _ = ANSWERS[name]
    r = liveness.check(Task(model, Scope(), [prop]))[0]
    assert r.verdict is verdict, r.note
    if loop is not None:
        assert r.trace.labels()[r.trace.loop :] == loop
        assert lasso.check_lasso(model, Scope(), prop, r.trace) == ""


@pytest.mark.parametrize("name", TOYS)
def test_bmc_lasso_agrees_and_never_holds(name: str) -> None:
    model, prop, verdict, loop, shape, _ = ANSWERS[name]
    r = lasso.decide(Encoder(model, Scope()), prop, max_depth=8)
    if verdict is H:
        assert r.verdict is INC and "not a proof" in r.note
        return
    assert r.verdict is V
    assert (len(r.trace.steps), r.trace.loop) == shape
    assert r.trace.labels()[r.trace.loop :] == loop


@pytest.mark.parametrize("name", TOYS)
def test_ranking_proof_is_sound_under_strong_fairness_and_says_so(name: str) -> None:
    model, prop, _, _, _, proof_verdict = ANSWERS[name]
    r = liveness_proof.decide(Encoder(model, Scope()), prop, timeout=30)
    proof = r.evidence
    assert r.verdict is proof_verdict and proof is None


def test_a_fair_cycle_inside_a_component_that_fails_the_strong_test_is_found() -> None:
    """The detour's lasso avoids the state where the strongly fair finish is enabled."""
    r = liveness.check(Task(DETOUR, Scope(), [DONE]))[0]
    assert all(s.count != 1 for s in r.trace.states[r.trace.loop :])
    assert "1 strongly fair action(s)" not in r.note and "strongly fair" in r.note


def test_the_weak_lasso_is_not_a_strong_counterexample() -> None:
    """check_lasso rejects the blinking loop once finish is strongly fair, naming it; the weak
    verdict's note already names finish as enabled only intermittently and never taken."""
    weak = liveness.check(Task(BLINKING, Scope(), [DONE]))[0]
    assert weak.note.endswith(
        "enabled only intermittently on the loop and never taken (weak fairness allows this, "
        "strong fairness would not): controller.finish"
    )
    problem = lasso.check_lasso(BLINKING, Scope(), DONE_IF_FINISH_STRONG, weak.trace)
    assert problem.startswith("unfair loop: ('controller.finish', ()) is strongly fair")


def test_strong_fairness_is_only_for_system_commands_and_must_be_named() -> None:
    with pytest.raises(ValueError, match="only system commands are fair"):
        Command("user.flip", _g(lambda ops, s: True), _e(lambda ops, s: {}), "flip", kind="user", fairness="strong")
    with pytest.raises(ValueError, match="fairness must be one of"):
        Command("a.b", _g(lambda ops, s: True), _e(lambda ops, s: {}), "x", fairness="fair")
    with pytest.raises(ValueError, match="must name every strongly fair command"):
        Property(
            name="toy.x",
            kind="eventually",
            doc="x",
            upstream="-",
            predicate=DONE.predicate,
            fairness=WEAK_FAIRNESS,
            strong_fairness=("controller.finish",),
        )
    with pytest.raises(ValueError, match="liveness properties only"):
        Property(
            name="toy.y",
            kind="always",
            doc="y",
            upstream="-",
            predicate=DONE.predicate,
            fairness="controller.finish",
            strong_fairness=("controller.finish",),
        )
    assert strongly_fair(BLINKING_STRONG) == {"controller.finish"}
    assert strongly_fair(BLINKING, ("blinker.flip",)) == {"blinker.flip"}
    with pytest.raises(ValueError, match=r"no such command; system commands: controller\.finish, blinker\.flip"):
        strongly_fair(BLINKING, ("kubelet.start_pod",))
