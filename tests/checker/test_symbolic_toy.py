"""BMC, k-induction, PDR and certification on a toy rollout whose parameters stay symbolic.

The toy is the Deployment's surge arithmetic reduced to two counters: ``old`` pods scale down
while ``new`` pods scale up, within ``n + surge`` pods and above ``n - unavailable``. The scope's
``n``, ``surge`` and ``unavailable`` are left symbolic (``for_all``), so a PROVED verdict holds
for every value: the invariant has the parameters as arguments.
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.checker.certify import EncoderBug, certificate_smtlib, certify_trace, check_invariant, run_smtlib
from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import bmc, kinduction, pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import int_field


@attrs.frozen
class Scope:
    n: int = 3
    surge: int = 1
    unavailable: int = 0

    def symbolic_constraints(self, ops, values):
        """The toy's "API validation": counts are non-negative."""
        return [v >= 0 for v in values.values()]


@attrs.frozen
class State:
    n: int = int_field(0, lambda sc: sc.n, doc="desired replicas (set from the scope, never changed)")
    old: int = int_field(0, lambda sc: sc.n + sc.surge, doc="old pods")
    new: int = int_field(0, lambda sc: sc.n + sc.surge, doc="new pods")


def _up_guard(ops, sc, s):
    return ops.and_(s.old + s.new < s.n + sc.surge, s.new < s.n)


def _down_guard(ops, sc, s):
    return ops.and_(s.old > 0, s.old + s.new > s.n - sc.unavailable)


TOY = Model(
    "toy",
    "two-counter rollout",
    "-",
    State,
    Scope,
    lambda sc: State(sc.n, sc.n, 0),
    (
        Command("controller.scale_up", _up_guard, lambda ops, sc, s: {"new": s.new + 1}, "one more new pod"),
        Command("controller.scale_down", _down_guard, lambda ops, sc, s: {"old": s.old - 1}, "one old pod fewer"),
    ),
    lambda ops, sc, s: True,
    {"tiny": Scope()},
)
WITHIN_SURGE = Property(
    name="toy.within_surge",
    kind="always",
    doc="old + new ≤ n + surge",
    upstream="-",
    predicate=lambda ops, sc, s: s.old + s.new <= s.n + sc.surge,
)
WITHIN_N = Property(
    name="toy.within_n",
    kind="always",
    doc="old + new ≤ n (false: surge is used)",
    upstream="-",
    predicate=lambda ops, sc, s: s.old + s.new <= s.n,
)
ABOVE_FLOOR = Property(
    name="toy.above_floor",
    kind="always",
    doc="old + new ≥ n - unavailable",
    upstream="-",
    predicate=lambda ops, sc, s: s.old + s.new >= s.n - sc.unavailable,
)
DONE = Property(
    name="toy.done",
    kind="sometimes",
    doc="all new",
    upstream="-",
    predicate=lambda ops, sc, s: ops.and_(s.new == s.n, s.old == 0),
)
NEVER_SHRINKS = Property(
    name="toy.new_never_shrinks",
    kind="step",
    doc="new pods are never removed",
    upstream="-",
    predicate=lambda ops, sc, s, t: t.new >= s.new,
)
ALL = ("n", "surge", "unavailable")


def test_pdr_proves_surge_bound_for_every_parameter_value() -> None:
    e = Encoder(TOY, Scope(), for_all=ALL)
    result = pdr.decide(e, WITHIN_SURGE, timeout=30)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED
    assert proof is not None and proof.check.ok
    assert proof.scope_claim == "all values of n, surge, unavailable"
    assert (
        "new" in proof.text and "old" in proof.text
    )  # Spacer's wording varies run to run (e.g. new + old ≤ n + param.surge)
    assert run_smtlib(proof.smtlib(e, WITHIN_SURGE)) == ["unsat", "unsat", "unsat"]


def test_pdr_proves_the_floor_and_a_step_property_for_every_value() -> None:
    e = Encoder(TOY, Scope(), for_all=ALL)
    for prop in (ABOVE_FLOOR, NEVER_SHRINKS):
        result = pdr.decide(e, prop, timeout=30)
        proof = result.evidence
        assert result.verdict is Verdict.PROVED, result.note
        assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]


def test_pdr_violation_comes_with_a_certified_trace_and_chosen_parameters() -> None:
    e = Encoder(TOY, Scope(), for_all=ALL)
    result = pdr.decide(e, WITHIN_N, timeout=30)
    proof = result.evidence
    assert result.verdict is Verdict.VIOLATED and proof is None
    sc = result.trace.scope
    assert result.trace.labels() == ["controller.scale_up"]
    assert sc.surge >= 1 and sc.n >= 1  # what the solver chose; the trace replays in that scope
    [again] = explicit.explore(TOY, sc, [WITHIN_N])
    assert again.verdict is Verdict.VIOLATED


def test_bmc_is_shortest_first_and_never_holds() -> None:
    e = Encoder(TOY, Scope(n=3))
    done = bmc.decide(e, DONE, 10)
    assert done.verdict is Verdict.WITNESSED and len(done.trace.steps) == 6  # 3 up, 3 down
    [bfs] = explicit.explore(TOY, Scope(n=3), [DONE])
    assert len(bfs.trace.steps) == len(done.trace.steps)
    holds = bmc.decide(e, WITHIN_SURGE, 8)
    assert holds.verdict is Verdict.INCONCLUSIVE and "up to depth 8" in holds.note


def test_k_induction_proves_for_every_value_and_finds_base_violations() -> None:
    e = Encoder(TOY, Scope(), for_all=ALL)
    assert kinduction.decide(e, WITHIN_SURGE, 3).verdict is Verdict.PROVED
    bad = kinduction.decide(e, WITHIN_N, 3)
    assert bad.verdict is Verdict.VIOLATED and bad.trace is not None


OVERFULL = Property(
    name="toy.overfull",
    kind="sometimes",
    doc="more pods than n + surge (never)",
    upstream="-",
    predicate=lambda ops, sc, s: s.old + s.new > s.n + sc.surge,
)


def test_k_induction_decides_sometimes_properties_on_their_negation() -> None:
    e = Encoder(TOY, Scope(n=3))
    done = kinduction.decide(e, DONE, 8, strengthen=False)
    assert done.verdict is Verdict.WITNESSED and len(done.trace.steps) == 6  # the base case is BMC: shortest
    never = kinduction.decide(Encoder(TOY, Scope(), for_all=ALL), OVERFULL, 3, strengthen=False)
    assert never.verdict is Verdict.UNREACHABLE and "all values of n, surge, unavailable" in never.note


def test_bounded_parameters_restrict_the_claim_and_the_counterexample() -> None:
    e = Encoder(TOY, Scope(), for_all=("n",), bounds={"n": (2, 5)})
    assert e.claim == "all values of n in 2..5"
    proved = kinduction.decide(e, WITHIN_SURGE, 3)
    assert proved.verdict is Verdict.PROVED and "(all values of n in 2..5)" in proved.note
    bad = bmc.decide(Encoder(TOY, Scope(), for_all=("n",), bounds={"n": (2, 5)}), WITHIN_N, 4)
    assert bad.verdict is Verdict.VIOLATED and bad.trace.scope.n == 2  # the least value in the range


def test_k_induction_uses_lemmas() -> None:
    # a proved lemma (new ≤ n) is assumed at every step of the induction path
    e = Encoder(TOY, Scope(), for_all=ALL)
    lemma = e.state(0)[2] <= e.state(0)[0]  # new ≤ n, itself proved below
    assert (
        pdr.decide(
            e,
            Property(
                name="toy.new_le_n", kind="always", doc="", upstream="", predicate=lambda ops, sc, s: s.new <= s.n
            ),
        ).verdict
        is Verdict.PROVED
    )
    assert kinduction.decide(e, WITHIN_SURGE, 1, lemmas=[lemma]).verdict is Verdict.PROVED


def test_a_wrong_invariant_fails_its_recheck() -> None:
    e = Encoder(TOY, Scope(), for_all=ALL)
    x = e.state(0)
    too_weak = x[1] + x[2] <= x[0] + 5  # implies nothing about surge 0
    check = check_invariant(e, WITHIN_SURGE, too_weak)
    assert not check.ok and check.consecution == "sat"
    text = certificate_smtlib(e, WITHIN_SURGE, too_weak)
    assert run_smtlib(text) == ["unsat", "sat", "sat"]


def test_a_trace_that_does_not_replay_is_an_encoder_bug() -> None:
    e = Encoder(TOY, Scope())
    with pytest.raises(EncoderBug, match="does not replay"):
        certify_trace(
            e, ["controller.scale_down"], [(3, 3, 0), (3, 2, 0)], {}
        )  # guard false at surge 1 / unavailable 0
    with pytest.raises(EncoderBug, match="differs"):
        certify_trace(e, ["controller.scale_up"], [(3, 3, 0), (3, 3, 2)], {})


def test_certificate_is_plain_smtlib() -> None:
    e = Encoder(TOY, Scope(), for_all=ALL)
    proof = pdr.decide(e, WITHIN_SURGE).evidence
    text = proof.smtlib(e, WITHIN_SURGE)
    assert text.count("(check-sat)") == 3 and "(define-fun Inv" in text
    assert "|old@0|" in text or "old@0" in text
    # any solver can re-run it; here a fresh z3 context in which nothing else was declared
    assert run_smtlib(text) == ["unsat"] * 3
    assert z3.Solver().check() == z3.sat
