"""Explicit search, BMC, k-induction and PDR agree on the Deployment model.

Fast cases run by default; the full cross-check table (every always/sometimes property at
``tiny`` and ``small``, BMC to the explicit search's depth) takes minutes and runs with
``KUBECHECK_SLOW=1``. Timings are in papers/symbolic-notes.md, never asserted here.

Agreement means: no engine contradicts another (PROVED/HOLDS never meets VIOLATED), and where
BMC finds a counterexample or witness its depth is the breadth-first depth.
"""

from __future__ import annotations

import os

import pytest

from kubecheck.checker import bmc, explicit, kinduction, pdr
from kubecheck.checker.certify import run_smtlib
from kubecheck.checker.report import Verdict
from kubecheck.checker.symbolic import Encoder
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.properties.deployment import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES}
SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="minutes; set KUBECHECK_SLOW=1")
POSITIVE = {Verdict.HOLDS, Verdict.PROVED}
NEGATIVE = {Verdict.VIOLATED}


def scope_of(prop, preset: str):
    return prop.adjust(MODEL.presets[preset])


def bfs(prop, preset: str, stop_when_decided: bool = False):
    [result] = explicit.check(MODEL, scope_of(prop, preset), [prop], stop_when_decided=stop_when_decided)
    return result


@pytest.mark.parametrize(("preset", "name"), [
    ("tiny", "availability_floor_with_crashes"),
    ("tiny", "rollback_can_happen"),
    ("small", "live_pods_within_surge"),
    ("small", "rollback_can_happen"),
    pytest.param("small", "availability_floor_with_crashes", marks=SLOW),
    pytest.param("tiny", "live_pods_within_surge", marks=SLOW),
    pytest.param("tiny", "rollout_can_complete", marks=SLOW),
    pytest.param("small", "availability_floor", marks=SLOW),
])
def test_bfs_depth_equals_first_bmc_depth(preset: str, name: str) -> None:
    prop = BY_NAME[name]
    expected = bfs(prop, preset, stop_when_decided=True)
    found = bmc.check(Encoder(MODEL, scope_of(prop, preset)), prop, len(expected.trace.steps), timeout=300)
    assert found.verdict is expected.verdict
    assert len(found.trace.steps) == len(expected.trace.steps)
    # the trace is the interpreter's own (certified by replay) and really breaks the property
    [again] = explicit.check(MODEL, found.trace.scope, [prop])
    assert again.verdict is expected.verdict


def test_revisions_unique_agrees_across_engines_at_tiny() -> None:
    prop = BY_NAME["revisions_unique"]
    expected = bfs(prop, "tiny")
    e = Encoder(MODEL, scope_of(prop, "tiny"))
    assert expected.verdict is Verdict.HOLDS
    assert kinduction.check(e, prop, 2).verdict is Verdict.PROVED  # 1-inductive
    assert bmc.check(e, prop, 6).verdict is Verdict.INCONCLUSIVE  # never HOLDS
    result, proof = pdr.check(Encoder(MODEL, scope_of(prop, "tiny"), arith="linear"), prop, timeout=60)
    assert result.verdict is Verdict.PROVED and proof.check.ok


def test_crash_breaks_the_floor_in_every_engine_at_tiny() -> None:
    prop = BY_NAME["availability_floor_with_crashes"]
    e = Encoder(MODEL, scope_of(prop, "tiny"))
    verdicts = {bfs(prop, "tiny").verdict, kinduction.check(e, prop, 2).verdict,
                pdr.check(Encoder(MODEL, scope_of(prop, "tiny"), arith="linear"), prop, timeout=60)[0].verdict}
    assert verdicts == {Verdict.VIOLATED}


def test_surge_bound_proved_for_every_replica_count_at_tiny() -> None:
    """The issue's headline, in the tiny scope: maxSurge 1, maxUnavailable 0, one edit, no scaling."""
    prop = BY_NAME["replicas_within_surge"]
    e = Encoder(MODEL, scope_of(prop, "tiny"), for_all=("replicas",), arith="linear")
    result, proof = pdr.check(e, prop, timeout=120)
    assert result.verdict is Verdict.PROVED, result.note
    assert proof.scope_claim == "all values of replicas"
    assert "rs_replicas[0]" in proof.text  # typically rs_replicas[0] + rs_replicas[1] ≤ replicas + 1 ∧ …
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]
    # k-induction alone does not get there; strengthened by the proved invariant it is immediate
    exact = Encoder(MODEL, scope_of(prop, "tiny"), for_all=("replicas",))
    assert kinduction.check(exact, prop, 1).verdict is Verdict.INCONCLUSIVE
    assert kinduction.check(exact, prop, 1, lemmas=[proof.invariant]).verdict is Verdict.PROVED


def test_pdr_invariant_also_holds_for_the_exact_relation() -> None:
    """The linear over-approximation's invariant re-checks against the exact (non-linear) T."""
    from kubecheck.checker.certify import check_invariant

    prop = BY_NAME["revisions_unique"]
    sc = scope_of(prop, "tiny")
    _, proof = pdr.check(Encoder(MODEL, sc, arith="linear"), prop, timeout=60)
    assert check_invariant(Encoder(MODEL, sc), prop, proof.invariant).ok


@SLOW
@pytest.mark.parametrize("preset", ["tiny", "small"])
@pytest.mark.parametrize("name", [n for n, p in BY_NAME.items() if p.kind in ("always", "sometimes")])
def test_engines_agree(preset: str, name: str) -> None:
    prop = BY_NAME[name]
    expected = bfs(prop, preset)
    sc = scope_of(prop, preset)
    e = Encoder(MODEL, sc)
    verdicts = {"explicit": expected.verdict}
    found = bmc.check(e, prop, expected.stats.depth, timeout=300)
    verdicts["bmc"] = found.verdict
    if expected.trace is not None and found.trace is not None:
        assert len(found.trace.steps) == len(expected.trace.steps)
    if prop.kind == "always":
        verdicts["kind"] = kinduction.check(e, prop, 4, timeout=120).verdict
    verdicts["pdr"] = pdr.check(Encoder(MODEL, sc, arith="linear"), prop, timeout=300)[0].verdict
    decided = set(verdicts.values()) - {Verdict.INCONCLUSIVE}
    assert not (decided & POSITIVE and decided & NEGATIVE), verdicts
    if expected.verdict is Verdict.WITNESSED:
        assert verdicts["pdr"] in (Verdict.WITNESSED, Verdict.INCONCLUSIVE)
