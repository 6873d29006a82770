"""Explicit search, BMC, k-induction and PDR agree on the Deployment model.

The availability floor is decided for every replicas / maxSurge / maxUnavailable: PROVED at
``tiny`` (Houdini lemmas, certificate re-run), VIOLATED with crashes (least parameters) and at
``small`` (a rollback). Fast cases run by default; the full cross-check table (every always/sometimes property at
``tiny`` and ``small``, BMC to the explicit search's depth) takes minutes and runs with
``KUBECHECK_SLOW=1``. Timings are in papers/symbolic-notes.md, never asserted here.

Agreement means: no engine contradicts another (PROVED/HOLDS never meets VIOLATED), and where
BMC finds a counterexample or witness its depth is the breadth-first depth.
"""

from __future__ import annotations

import functools
import os

import pytest
import z3

from kubecheck.checker.certify import check_invariant, run_smtlib
from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import bmc, kinduction, pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.properties.deployment import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES}
SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="minutes; set KUBECHECK_SLOW=1")
POSITIVE = {Verdict.HOLDS, Verdict.PROVED}
NEGATIVE = {Verdict.VIOLATED}


def scope_of(prop, preset: str):
    return prop.adjust(MODEL.presets[preset])


def bfs(prop, preset: str, stop_when_decided: bool = False):
    [result] = explicit.explore(MODEL, scope_of(prop, preset), [prop], stop_when_decided=stop_when_decided)
    return result


@pytest.mark.parametrize(
    ("preset", "name"),
    [
        ("tiny", "availability_floor_with_crashes"),
        ("tiny", "rollback_can_happen"),
        ("small", "live_pods_within_surge"),
        ("small", "rollback_can_happen"),
        pytest.param("small", "availability_floor_with_crashes", marks=SLOW),
        pytest.param("tiny", "live_pods_within_surge", marks=SLOW),
        pytest.param("tiny", "rollout_can_complete", marks=SLOW),
        pytest.param("small", "availability_floor", marks=SLOW),
    ],
)
def test_bfs_depth_equals_first_bmc_depth(preset: str, name: str) -> None:
    prop = BY_NAME[name]
    expected = bfs(prop, preset, stop_when_decided=True)
    found = bmc.decide(Encoder(MODEL, scope_of(prop, preset)), prop, len(expected.trace.steps), timeout=300)
    assert found.verdict is expected.verdict
    assert len(found.trace.steps) == len(expected.trace.steps)
    # the trace is the interpreter's own (certified by replay) and really breaks the property
    [again] = explicit.explore(MODEL, found.trace.scope, [prop])
    assert again.verdict is expected.verdict


def test_revisions_unique_agrees_across_engines_at_tiny() -> None:
    prop = BY_NAME["revisions_unique"]
    expected = bfs(prop, "tiny")
    e = Encoder(MODEL, scope_of(prop, "tiny"))
    assert expected.verdict is Verdict.HOLDS
    assert kinduction.decide(e, prop, 2).verdict is Verdict.PROVED  # 1-inductive
    assert bmc.decide(e, prop, 6).verdict is Verdict.INCONCLUSIVE  # never HOLDS
    result = pdr.decide(Encoder(MODEL, scope_of(prop, "tiny"), arith="linear"), prop, timeout=60)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED and proof.check.ok


def test_crash_breaks_the_floor_in_every_engine_at_tiny() -> None:
    prop = BY_NAME["availability_floor_with_crashes"]
    e = Encoder(MODEL, scope_of(prop, "tiny"))
    verdicts = {
        bfs(prop, "tiny").verdict,
        kinduction.decide(e, prop, 2).verdict,
        pdr.decide(Encoder(MODEL, scope_of(prop, "tiny"), arith="linear"), prop, timeout=60).verdict,
    }
    assert verdicts == {Verdict.VIOLATED}


def test_surge_bound_proved_for_every_replica_count_at_tiny() -> None:
    """The surge bound, in the tiny scope: maxSurge 1, maxUnavailable 0, one edit, no scaling."""
    prop = BY_NAME["replicas_within_surge"]
    e = Encoder(MODEL, scope_of(prop, "tiny"), for_all=("replicas",), arith="linear")
    result = pdr.decide(e, prop, timeout=120)
    proof = result.evidence
    assert result.verdict is Verdict.PROVED, result.note
    assert proof.scope_claim == "all values of replicas"
    assert "rs_replicas[0]" in proof.text  # typically rs_replicas[0] + rs_replicas[1] ≤ replicas + 1 ∧ …
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]
    # k-induction alone does not get there; strengthened by the proved invariant it is immediate
    exact = Encoder(MODEL, scope_of(prop, "tiny"), for_all=("replicas",))
    assert kinduction.decide(exact, prop, 1, strengthen=False).verdict is Verdict.INCONCLUSIVE
    assert kinduction.decide(exact, prop, 1, lemmas=[proof.invariant]).verdict is Verdict.PROVED


def test_pdr_invariant_also_holds_for_the_exact_relation() -> None:
    """The linear over-approximation's invariant re-checks against the exact (non-linear) T."""
    prop = BY_NAME["revisions_unique"]
    sc = scope_of(prop, "tiny")
    proof = pdr.decide(Encoder(MODEL, sc, arith="linear"), prop, timeout=60).evidence
    assert check_invariant(Encoder(MODEL, sc), prop, proof.invariant, lifted=proof.lifted).ok


# -- the availability floor for every replicas / maxSurge / maxUnavailable -----------------------

ALL_PARAMETERS = ("replicas", "max_surge", "max_unavailable")


@functools.lru_cache(maxsize=1)
def floor_proof_at_tiny():
    prop = BY_NAME["availability_floor"]
    e = Encoder(MODEL, scope_of(prop, "tiny"), for_all=ALL_PARAMETERS, arith="linear")
    result = pdr.decide(e, prop, timeout=300)
    proof = result.evidence
    return prop, e, result, proof


def test_availability_floor_proved_for_every_parameter_value_at_tiny() -> None:
    prop, e, result, proof = floor_proof_at_tiny()
    assert result.verdict is Verdict.PROVED, result.note
    assert proof.scope_claim == "all values of replicas, max_surge, max_unavailable"
    assert proof.method == "houdini" and proof.check.ok
    # the property first, in the model's field names, then the lemmas it rests on
    assert proof.lemmas[0] == "available[0] + available[1] ≥ replicas - ⟨1⟩"
    assert proof.lemmas[-1].startswith("where ⟨1⟩ = (if (replicas = 0) then 0 else min(")
    assert "param.replicas = replicas" in proof.lemmas
    assert run_smtlib(proof.smtlib(e, prop)) == ["unsat", "unsat", "unsat"]
    # the linear over-approximation's invariant holds for the exact relation too
    exact = Encoder(MODEL, e.scope, for_all=ALL_PARAMETERS)
    assert check_invariant(exact, prop, proof.invariant, lifted=proof.lifted).ok


def test_the_floor_alone_or_without_its_status_lemmas_is_not_inductive() -> None:
    """The certificate can fail: the property alone, or the proof without every lemma about the
    published status.availableReplicas (the controller decides on status; the floor is about pods)."""
    prop, e, _, proof = floor_proof_at_tiny()
    goal, *lemmas = proof.invariant.children()
    alone = check_invariant(e, prop, goal, lifted=proof.lifted)
    assert alone.initiation == "unsat" and alone.consecution == "sat"
    status = [str(x) for x, v in zip(e.state(0), e.vars) if v.label.startswith("rs_status_available")]
    blind = [lem for lem in lemmas if not any(name in str(lem) for name in status)]
    assert 0 < len(blind) < len(lemmas)
    assert check_invariant(e, prop, z3.And(goal, *blind), lifted=proof.lifted).consecution == "sat"


def test_availability_floor_with_crashes_is_violated_with_the_least_parameters() -> None:
    prop = BY_NAME["availability_floor_with_crashes"]
    e = Encoder(MODEL, scope_of(prop, "tiny"), for_all=ALL_PARAMETERS, arith="linear")
    result = pdr.decide(e, prop, timeout=300)
    proof = result.evidence
    assert result.verdict is Verdict.VIOLATED and proof is None
    assert [s.action.name for s in result.trace.steps] == ["fault.crash_pod"]
    assert prop.predicate(CONCRETE, result.trace.scope, result.trace.initial)
    assert not prop.predicate(CONCRETE, result.trace.scope, result.trace.last)
    [again] = explicit.explore(MODEL, result.trace.scope, [prop])  # the same instance, searched exhaustively
    assert again.verdict is Verdict.VIOLATED and len(again.trace.steps) == 1


def test_availability_floor_is_violated_at_small_after_a_rollback() -> None:
    """small adds minReadySeconds and `rollout undo`: the ReplicaSet brought back counts stale
    status.availableReplicas, and the old one is scaled down below the floor (17 steps)."""
    prop = BY_NAME["availability_floor"]
    result = pdr.decide(Encoder(MODEL, scope_of(prop, "small"), arith="linear"), prop, timeout=300)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert len(result.trace.steps) == len(bfs(prop, "small", stop_when_decided=True).trace.steps) == 17
    assert "user.rollout_undo" in [s.action.name for s in result.trace.steps]


def test_k_induction_strengthened_by_discovered_lemmas_proves_the_floor() -> None:
    prop = BY_NAME["availability_floor"]
    e = Encoder(MODEL, scope_of(prop, "tiny"), for_all=ALL_PARAMETERS)
    assert kinduction.decide(e, prop, 1, strengthen=False).verdict is Verdict.INCONCLUSIVE
    result = kinduction.decide(e, prop, 2, strengthen=True, timeout=300)
    assert result.verdict is Verdict.PROVED, result.note
    assert "re-checked inductive" in result.note


@SLOW
@pytest.mark.parametrize("preset", ["tiny", "small"])
@pytest.mark.parametrize("name", [n for n, p in BY_NAME.items() if p.kind in ("always", "sometimes")])
def test_engines_agree(preset: str, name: str) -> None:
    prop = BY_NAME[name]
    expected = bfs(prop, preset)
    sc = scope_of(prop, preset)
    e = Encoder(MODEL, sc)
    verdicts = {"explicit": expected.verdict}
    found = bmc.decide(e, prop, expected.stats.depth, timeout=300)
    verdicts["bmc"] = found.verdict
    if expected.trace is not None and found.trace is not None:
        assert len(found.trace.steps) == len(expected.trace.steps)
    if prop.kind == "always":
        verdicts["kind"] = kinduction.decide(e, prop, 4, timeout=120).verdict
    verdicts["pdr"] = pdr.decide(Encoder(MODEL, sc, arith="linear"), prop, timeout=300).verdict
    decided = set(verdicts.values()) - {Verdict.INCONCLUSIVE}
    assert not (decided & POSITIVE and decided & NEGATIVE), verdicts
    if expected.verdict is Verdict.WITNESSED:
        assert verdicts["pdr"] in (Verdict.WITNESSED, Verdict.INCONCLUSIVE)


# Issue 13 item 4: the ReplicaSet bookkeeping scopes (strategy edits, a template written again).
# BMC to the full search depth (the HOLDS / UNREACHABLE rows) takes minutes: thorough tier only.
# Issue 13 item 1 rows: failing releases (the floor against pods that never / do become available,
# the Failed pod replaced, a stuck rollout is not a safety property: no_stuck_rollout is terminal).
BOOKKEEPING = [
    ("availability_floor_with_failing_release", {}),
    ("availability_floor_with_failing_release", {"pod-failure": "never-start"}),
    ("availability_floor_with_failing_release", {"pod-failure": "crash-after-ready"}),
    ("availability_floor_with_failing_release", {"pod-failure": "evicted"}),
    ("availability_floor_with_failing_release", {"pod-failure": "never-ready", "failing-revision": "first"}),
    ("failed_pod_replaced", {"pod-failure": "evicted"}),
    ("active_pods_within_surge", {}),
    pytest.param("active_pods_within_surge", {"strategy": "Recreate"}, marks=SLOW),
    ("availability_floor_as_written", {"replicas": "3", "max-surge": "0%", "max-unavailable": "10%"}),
    pytest.param("availability_floor_as_written", {}, marks=SLOW),
    ("failed_pod_replaced", {}),
    ("failed_pod_replaced", {"pod-failure": "never-ready"}),
    ("replicas_within_surge", {"strategy-edits": "1", "edited-max-surge": "0", "edited-max-unavailable": "1"}),
    pytest.param("replicas_within_surge", {"strategy-edits": "1", "edited-max-surge": "2"}, marks=SLOW),
    ("replicaset_reused_with_new_revision", {"edits": "2", "edit-to": "1,0"}),
    ("replicaset_reused_with_new_revision", {}),
]


@pytest.mark.parametrize(("name", "settings"), BOOKKEEPING)
def test_issue_13_scopes_agree_across_engines_at_tiny(name: str, settings: dict) -> None:
    """Explicit search and BMC (to the search's depth, or to its shortest trace) give the same
    verdict on the bookkeeping scopes; a violation or witness is found at the same depth."""
    from kubecheck.model.kernel.scopes import with_settings

    prop = BY_NAME[name]
    sc = with_settings(prop.adjust(MODEL.presets["tiny"]), settings)
    [expected] = explicit.explore(MODEL, sc, [prop])
    depth = len(expected.trace.steps) if expected.trace is not None else expected.stats.depth
    found = bmc.decide(Encoder(MODEL, sc), prop, depth, timeout=300)
    if expected.verdict in (Verdict.VIOLATED, Verdict.WITNESSED):
        assert found.verdict is expected.verdict
        assert len(found.trace.steps) == depth
    else:  # HOLDS / UNREACHABLE: BMC finds nothing to the full search depth, so it cannot contradict it
        assert found.verdict not in (Verdict.VIOLATED, Verdict.WITNESSED), found.note
