"""The ordinal reading under ``--engine pdr`` and ``kind``, and its SMT-LIB certificate (issue 15).

``pdr`` and ``kind`` prove one replica count at a time; with an unbounded ``--for-all replicas`` on
the StatefulSet the runner hands the property to the ordinal reading, as ``auto`` does, and the
result names that engine and says it ran instead. The proof's queries, written as one SMT-LIB
script, are re-run by a fresh z3 context and every one answers unsat.
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.checker import run
from kubecheck.checker.certify import run_smtlib
from kubecheck.checker.result import ALL_VALUES, NOTHING, Result, Stats, Verdict
from kubecheck.checker.symbolic import ordinal, pdr
from kubecheck.checker.task import Task
from kubecheck.properties import catalog

STATEFULSET = catalog.model("statefulset")
[ORDER] = catalog.properties("statefulset", ["pods_created_in_ordinal_order"])


@pytest.fixture
def ordinal_calls(monkeypatch):
    """Calls of the ordinal engine; it answers PROVED at once (the routing is under test, not the proof)."""
    calls: list[Task] = []

    def fake(task: Task) -> list[Result]:
        calls.append(task)
        stats = Stats(0, 1, 0, 0.0, True, "proved")
        return [
            Result(p, Verdict.PROVED, task.scope, ordinal.ENGINE, stats, note="PROVED by the reading")
            for p in task.properties
        ]

    monkeypatch.setattr(ordinal, "check", fake)
    return calls


@pytest.mark.parametrize("engine", ["pdr", "kind", "auto"])
def test_an_unbounded_for_all_replicas_on_the_statefulset_goes_to_the_ordinal_reading(ordinal_calls, engine):
    task = Task(STATEFULSET, STATEFULSET.presets["tiny"], [ORDER], engine=engine, for_all=("replicas",))
    [result] = run.check(task)
    assert [t.for_all for t in ordinal_calls] == [("replicas",)]
    assert result.engine == "ordinal" and result.verdict is Verdict.PROVED
    assert result.claim is not None and result.claim.kind == ALL_VALUES
    assert result.claim.bounds == (("replicas", 1, None),)
    said = f"--engine {engine} with --for-all replicas runs the ordinal reading"
    assert (said in result.note) is (engine != "auto")


def test_bmc_with_for_all_replicas_on_the_statefulset_proves_nothing_and_does_not_call_the_reading(ordinal_calls):
    task = Task(STATEFULSET, STATEFULSET.presets["tiny"], [ORDER], engine="bmc", for_all=("replicas",))
    [result] = run.check(task)
    assert ordinal_calls == []
    assert result.verdict is Verdict.INCONCLUSIVE and result.claim is not None and result.claim.kind == NOTHING


def test_a_bounded_range_under_pdr_is_still_swept_instance_by_instance(ordinal_calls, monkeypatch):
    swept: list[Task] = []

    def fake_pdr(task: Task) -> list[Result]:
        swept.append(task)
        stats = Stats(0, 0, 0, 0.0, True, "proved")
        return [Result(p, Verdict.PROVED, task.scope, pdr.ENGINE, stats, note="PROVED") for p in task.properties]

    monkeypatch.setattr(pdr, "check", fake_pdr)
    task = Task(
        STATEFULSET,
        STATEFULSET.presets["tiny"],
        [ORDER],
        engine="pdr",
        for_all=("replicas",),
        bounds={"replicas": (1, 1)},
    )
    [result] = run.check(task)
    assert ordinal_calls == [] and [t.for_all for t in swept] == [()]
    assert result.engine == "pdr" and "for each of replicas 1..1" in result.note


@pytest.fixture(scope="module")
def proved() -> Result:
    """The ordinal proof of pods_created_in_ordinal_order at tiny (conformance at 1..4 ordinals included)."""
    return ordinal.decide(STATEFULSET, ORDER.adjust(STATEFULSET.presets["tiny"]), ORDER)


def test_the_ordinal_proof_is_a_certificate_a_fresh_z3_reruns_with_every_query_unsat(proved):
    assert proved.verdict is Verdict.PROVED
    proof = proved.evidence
    assert isinstance(proof, ordinal.OrdinalProof)
    text = proof.certificate(ORDER)
    assert text.startswith(
        "; kubecheck certificate: the ordinal reading, property statefulset.pods_created_in_ordinal_order"
    )
    assert text.count("(check-sat)") == len(proof.queries) > 0
    assert run_smtlib(text) == ["unsat"] * len(proof.queries)


def test_a_certificate_with_a_satisfiable_query_says_sat(proved):
    """The re-run reads the queries themselves: one that lost its negated goal is satisfiable."""
    proof = proved.evidence
    what, query = proof.queries[0]
    *given, _negated_goal = z3.parse_smt2_string(query)
    weakened = z3.Solver()
    weakened.add(*given)
    tampered = attrs.evolve(proof, queries=((what, weakened.to_smt2()),))
    assert run_smtlib(tampered.certificate(ORDER)) == ["sat"]
