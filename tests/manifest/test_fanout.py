"""``check -f --jobs N``: workloads checked in worker processes give the serial run's report.

The reports are compared as JSON with the seconds masked (wall time is the one thing a run in
parallel changes). The transport (names for models, commands and properties; proofs as text) is
tested on its own on a report that holds a trace and a proof.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.cli import manifest_json, manifest_text
from kubecheck.manifest import fanout

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: Two files, three kinds of verdict: a Deployment with a violation and a DaemonSet whose rollout sticks.
FILES = [str(EXAMPLES / "recreate-deployment.yaml"), str(EXAMPLES / "log-collector-daemonset.yaml")]


def _masked(report: manifest.ManifestReport) -> str:
    text = json.dumps(json.loads(manifest_json.render(report)), sort_keys=True, indent=1)
    return re.sub(r'"seconds": [0-9.e+-]+', '"seconds": 0', text)


def test_two_jobs_give_the_serial_report() -> None:
    serial = manifest.check_manifests(FILES)
    pooled = manifest.check_manifests(FILES, jobs=2)
    assert _masked(pooled) == _masked(serial)
    assert pooled.exit_code == serial.exit_code
    assert [w.workload.ref for w in pooled.workloads] == [w.workload.ref for w in serial.workloads]
    seconds = re.compile(r"\b\d+\.\d+\b")  # the seconds column and the summary's "in 12.4 s"
    assert seconds.sub("N", manifest_text.render(pooled)) == seconds.sub("N", manifest_text.render(serial))


def test_one_workload_or_one_job_runs_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: object, **kwargs: object) -> None:
        raise AssertionError("no pool for one workload")

    monkeypatch.setattr(fanout, "check_in_pool", no_pool)
    report = manifest.check_manifests(FILES[:1], jobs=4)
    assert len(report.workloads) == 1


@pytest.mark.parametrize("jobs", [0, -1, manifest.MAX_JOBS + 1])
def test_jobs_out_of_range_is_refused(jobs: int) -> None:
    with pytest.raises(manifest.ManifestError, match=r"^--jobs: expected an integer from 1 to 64, got"):
        manifest.check_manifests(FILES, jobs=jobs)


def test_a_spent_budget_leaves_the_workloads_inconclusive_in_the_pool() -> None:
    report = manifest.check_manifests(FILES, jobs=2, budget=Budget(timeout=1e-9))  # 0 means no limit
    rows = [r for w in report.workloads for r in w.rows]
    assert rows and all(r.result.verdict is Verdict.INCONCLUSIVE for r in rows)
    assert {r.result.stats.stop_reason for r in rows} == {"timeout"}


def test_a_report_with_a_trace_and_a_proof_travels_by_names() -> None:
    w = manifest.read_workloads(FILES[:1]).workloads[0]
    report, _ = fanout.check_one(w, frozenset(), "auto", Budget(), 60.0)
    traced = [r for r in report.rows if r.result.trace is not None]
    assert traced, "the example has a counterexample"
    back = fanout.loads(fanout.dumps(report), w, frozenset())
    assert back.workload is w
    for before, after in zip(report.rows, back.rows):
        assert after.result.property is before.result.property  # resolved to the parent's own object
        assert after.result.verdict is before.result.verdict
        assert (after.result.trace is None) == (before.result.trace is None)
        if before.result.trace is not None:
            assert after.result.trace.model is before.result.trace.model
            assert [s.action.command for s in after.result.trace.steps] == [
                s.action.command for s in before.result.trace.steps
            ]
            assert after.result.trace.steps[-1].state == before.result.trace.steps[-1].state
        if before.result.evidence is not None:
            assert after.result.evidence.text == before.result.evidence.text
            assert after.result.evidence.scope_claim == before.result.evidence.scope_claim
    assert manifest_text.trace_lines is not None


def test_a_name_the_parent_does_not_know_is_an_error_not_a_guess() -> None:
    import pickle

    w = manifest.read_workloads(FILES[:1]).workloads[0]
    report, _ = fanout.check_one(w, frozenset(), "auto", Budget(), 60.0)
    data = fanout.dumps(report)
    other = manifest.read_workloads(FILES[1:]).workloads[0]  # a DaemonSet: other model, other properties
    with pytest.raises(pickle.UnpicklingError, match="unknown to"):
        fanout.loads(data, other, frozenset())
