"""StatefulSet properties for every replica count: the ordinal reading (checker/symbolic/ordinal.py).

The reading is the model's own command table on one-ordinal windows plus the sync's stated
decision conditions (model/controllers/statefulset_ordinal.py). These tests pin what it proves at
``tiny`` (each proof's queries re-checked from their SMT-LIB text), that what a fixed size
violates is never proved, that weakening a stated condition loses the proof, that the
conformance check finds a condition ``Plan`` breaks and a command that writes another ordinal,
what is refused, and the runner's route (``--engine auto --for-all replicas``).
"""

from __future__ import annotations

import os

import attrs
import pytest
import z3

from kubecheck.checker import run
from kubecheck.checker.result import ALL_VALUES, NOTHING, Verdict
from kubecheck.checker.symbolic import ordinal
from kubecheck.checker.symbolic import ordinal_houdini as oh
from kubecheck.checker.task import Task
from kubecheck.model.controllers import statefulset_ordinal as sto
from kubecheck.model.kernel.commands import Command
from kubecheck.properties import catalog

MODEL = catalog.model("statefulset")
TINY = MODEL.presets["tiny"]
BY_NAME = {p.short: p for p in catalog.properties("statefulset")}

PROVED_FOR_EVERY_SIZE = (
    "pods_created_in_ordinal_order",
    "pods_removed_in_reverse_order",
    "at_most_one_pod_object_per_identity",
    "claims_follow_retention_policy",
)


def decide(name: str, scope=TINY, sizes=ordinal.CONFORMANCE_SIZES):
    prop = BY_NAME[name]
    return ordinal.decide(MODEL, prop.adjust(scope), prop, sizes)


@pytest.mark.parametrize("name", PROVED_FOR_EVERY_SIZE)
def test_ordering_and_identity_properties_are_proved_for_every_replica_count(name: str) -> None:
    result = decide(name)
    assert result.verdict is Verdict.PROVED, result.note
    assert result.note.startswith("PROVED for every replicas >= 1 (ordinal invariant, re-checked)")
    assert "checked against the model at 1..4 ordinals" in result.note
    proof = result.evidence
    assert proof is not None and proof.queries
    for what, text in proof.queries:  # the certificate: every query unsat in a fresh solver
        solver = z3.Solver()
        solver.from_string(text)
        assert solver.check() == z3.unsat, what


@pytest.mark.parametrize(
    "name",
    [
        "pods_created_in_ordinal_order_under_parallel",
        "in_range_claims_kept",
        "no_writer_on_read_only_many",
        "at_most_one_running_instance_with_force_delete",
    ],
)
def test_a_property_a_fixed_size_violates_is_never_proved(name: str) -> None:
    result = decide(name)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "the query is satisfiable" in result.note and "not a counterexample" in result.note


def test_without_the_ordered_scan_creation_order_is_not_proved(monkeypatch: pytest.MonkeyPatch) -> None:
    stated = sto.decision_conditions

    def without_scan(ops, sc, at, i, ground, n):
        conds = stated(ops, sc, at, i, ground, n)
        s = at(i)
        conds["create"] = ops.and_(ops.not_(s.set_deleted), i < s.replicas, s.pod_phase[0] == 0)
        return conds

    monkeypatch.setattr(sto, "decision_conditions", without_scan)
    result = decide("pods_created_in_ordinal_order", sizes=(1,))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "statefulset-controller.sync" in result.note


def test_conformance_finds_a_decision_the_sync_takes_that_the_stated_condition_forbids(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stated = sto.decision_conditions

    def never_condemned(ops, sc, at, i, ground, n):
        return {**stated(ops, sc, at, i, ground, n), "del_condemned": False}

    monkeypatch.setattr(sto, "decision_conditions", never_condemned)
    prop = BY_NAME["pods_removed_in_reverse_order"]
    gaps = ordinal.conformance(ordinal.Reading(MODEL, prop.adjust(TINY)), (1, 2))
    assert [g for g in gaps if g.startswith("statefulset-controller.sync at 2 ordinals")]


def _poke_next_g(ops, sc, s, pod):
    return True


def _poke_next_e(ops, sc, s, pod):
    n = len(s.pod_terminating)
    k = (pod + 1) % n
    return {"pod_terminating": s.pod_terminating[:k] + (True,) + s.pod_terminating[k + 1 :]}


def test_conformance_finds_a_command_that_writes_another_ordinal() -> None:
    poke = Command(
        "user.poke_next_pod",
        _poke_next_g,
        _poke_next_e,
        "a mutant: marks the next ordinal's pod terminating",
        kind="user",
        params=(("pod", lambda sc: range(sc.ordinals)),),
    )
    mutant = attrs.evolve(MODEL, commands=MODEL.commands + (poke,))
    gaps = ordinal.conformance(ordinal.Reading(mutant, TINY), (1, 2))
    assert [g for g in gaps if g.startswith("user.poke_next_pod") and "at 2 ordinals" in g]
    assert not [g for g in gaps if "at 1 ordinals" in g]  # with one ordinal the next one is itself


def test_conformance_finds_a_command_switched_on_only_at_a_larger_size() -> None:
    late = Command(
        "user.poke_pod_when_large",
        _poke_next_g,
        lambda ops, sc, s, pod: {},
        "a mutant: exists only from 4 ordinals up",
        kind="user",
        params=(("pod", lambda sc: range(sc.ordinals)),),
        enabled_in=lambda sc: sc.ordinals >= 4,
    )
    mutant = attrs.evolve(MODEL, commands=MODEL.commands + (late,))
    gaps = ordinal.conformance(ordinal.Reading(mutant, TINY), (4,))
    assert "user.poke_pod_when_large at 4 ordinals: switched on there but not in the reading" in gaps


def test_the_unmutated_reading_covers_the_model_at_sizes_1_to_4() -> None:
    prop = BY_NAME["pods_created_in_ordinal_order"]
    assert ordinal.conformance(ordinal.Reading(MODEL, prop.adjust(TINY))) == []


@pytest.mark.parametrize(
    ("name", "width"),
    [("at_most_one_pod_object_per_identity", 1), ("pods_created_in_ordinal_order", 2), ("pod_mounts_own_claim", 1)],
)
def test_properties_are_read_on_windows_of_one_or_two_ordinals(name: str, width: int) -> None:
    prop = BY_NAME[name]
    assert ordinal.window_width(MODEL, prop, prop.adjust(TINY), (1, 2, 3)) == width


def test_a_property_that_counts_over_every_ordinal_is_refused() -> None:
    result = decide("update_within_max_unavailable", sizes=(1, 2, 3))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "not the conjunction of its value on windows of one or two ordinals" in result.note


def test_a_partition_is_refused_with_the_reason() -> None:
    result = decide("partition_respected")
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "partition: the per-ordinal reading needs partition 0" in result.note


def test_liveness_is_not_decided_for_every_replica_count() -> None:
    result = decide("scale_eventually_completes")
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "leads_to properties are not decided by the ordinal reading" in result.note


def test_auto_with_for_all_replicas_proves_for_every_replica_count_and_says_so() -> None:
    props = [BY_NAME["pods_created_in_ordinal_order"], BY_NAME["pods_removed_in_reverse_order"]]
    created, removed = run.check(Task(MODEL, TINY, props, engine="auto", for_all=("replicas",)))
    for result in (created, removed):
        assert (result.verdict, result.engine) == (Verdict.PROVED, "ordinal")
        assert result.claim is not None and result.claim.kind == ALL_VALUES
        assert result.claim.text() == "all replicas 1.."
    # its adjustment derives the scale target from replicas; the reading covers every target: nothing held
    assert removed.claim.held == ()


def test_bmc_with_for_all_replicas_still_refuses() -> None:
    """(pdr and kind go to the ordinal reading, like auto: tests/checker/test_ordinal_engines.py)"""
    task = Task(MODEL, TINY, [BY_NAME["pods_created_in_ordinal_order"]], engine="bmc", for_all=("replicas",))
    [result] = run.check(task)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.claim is not None and result.claim.kind == NOTHING


@pytest.mark.parametrize("name", ["pod_mounts_own_claim", "at_most_one_running_instance"])
def test_always_properties_are_proved_with_per_ordinal_clauses_found_by_houdini(name: str) -> None:
    result = decide(name)
    assert result.verdict is Verdict.PROVED, result.note
    assert result.evidence.lemmas and "per-ordinal clauses found by Houdini" in result.note
    for what, text in result.evidence.queries:
        solver = z3.Solver()
        solver.from_string(text)
        assert solver.check() == z3.unsat, what


def test_a_found_clause_is_checked_never_trusted() -> None:
    prop = BY_NAME["pod_mounts_own_claim"]
    reading = ordinal.Reading(MODEL, prop.adjust(TINY))
    every_pod_absent = (oh.Literal("pod_phase", 0, 0, True),)  # false once a pod is created
    answer, _, where = ordinal.prove(reading, prop, 1, [every_pod_absent])
    assert answer == "sat" and where.startswith("statefulset-controller.sync")


SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="seconds each; set KUBECHECK_SLOW=1")


@SLOW
@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_the_reading_covers_the_model_at_5_and_6_ordinals_too(preset: str) -> None:
    """Point 3 of the argument (every ordinal alike) checked at two more sizes, for the scopes proofs use."""
    scope = MODEL.presets[preset]
    for name in ("pods_removed_in_reverse_order", "at_most_one_running_instance"):
        reading = ordinal.Reading(MODEL, BY_NAME[name].adjust(scope))
        assert ordinal.conformance(reading, (5, 6)) == []
        assert ordinal.window_width(MODEL, BY_NAME[name], reading.scope, (5, 6)) in (1, 2)
