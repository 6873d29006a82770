"""``check -f --faults MODE``: the pod failure modes of the edited release (model/controllers/failures.py)
reach the manifest front end: the scope's failure field is the user's, said in the assumption, and a
property that would check another failure mode is left out instead of replacing it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.manifest import sizing
from kubecheck.manifest.workloads import FAILURE_FIELD

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WEB = EXAMPLES / "web-deployment.yaml"  # a readinessProbe
GRAFANA = EXAMPLES / "recreate-deployment.yaml"


def _rows(report: manifest.ManifestReport) -> dict[str, Verdict]:
    return {r.result.property.name: r.result.verdict for w in report.workloads for r in w.rows}


def test_a_release_that_never_becomes_ready_stalls_the_rollout_and_the_deadline_reports_it() -> None:
    report = manifest.check_manifests([WEB], faults=frozenset({"never-ready"}))
    [wr] = report.workloads
    assert getattr(wr.workload.scope, FAILURE_FIELD["deployment"]) == "never-ready"
    assert wr.workload.assumption == (
        "the edited release fails: the readiness probe fails: Running, never Ready (--faults never-ready)"
    )
    rows = _rows(report)
    assert rows["deployment.rollout_eventually_completes"] is Verdict.VIOLATED
    assert rows["deployment.availability_floor"] is Verdict.HOLDS
    assert report.faults == frozenset({"never-ready"})


@pytest.mark.parametrize("mode", ["never-start", "crash-before-ready", "evicted"])
def test_every_workload_kind_takes_the_mode(mode: str) -> None:
    m = manifest.read_workloads([EXAMPLES])
    report = manifest.check_manifests([EXAMPLES / "database-statefulset.yaml"], faults=frozenset({mode}))
    [wr] = report.workloads
    assert wr.workload.scope.failure == mode
    assert len(m.workloads) > 1


def test_never_ready_needs_a_readiness_probe_and_says_so() -> None:
    [w] = manifest.read_workloads([GRAFANA]).workloads
    assert not w.obj.template.has_readiness_probe
    report = manifest.check_manifests([GRAFANA], faults=frozenset({"never-ready"}))
    [wr] = report.workloads
    assert wr.workload.scope.pod_failure == "none" and wr.workload.assumption == ""
    assert any(
        "--faults never-ready: not applied, the pod template has no readinessProbe" in n for n in wr.workload.notes
    )


def test_two_failure_modes_are_refused() -> None:
    with pytest.raises(manifest.ManifestError, match=r"^--faults: expected one pod failure mode at a time, got "):
        manifest.check_manifests([WEB], faults=frozenset({"never-ready", "evicted"}))


def test_a_property_that_checks_another_failure_mode_is_left_out_not_substituted() -> None:
    [w] = manifest.read_workloads([WEB]).workloads
    from kubecheck.manifest.workloads import with_failure

    failing = with_failure(w, "never-start")
    chosen, skipped = sizing.select(failing)
    for p in chosen:
        assert p.adjust(failing.scope).pod_failure == "never-start", p.name
    hpa = "needs a HorizontalPodAutoscaler targeting the Deployment"  # the hpa.* rows of a Deployment without one
    assert all(s.reason.startswith("another configuration") or "faults" in s.reason or s.reason == hpa for s in skipped)


def test_nodes_given_by_the_user_are_never_replaced_by_a_property() -> None:
    shared = EXAMPLES / "shared-claim-deployment.yaml"
    [w] = manifest.read_workloads([shared], nodes=1).workloads
    assert w.nodes_asked and w.scope.nodes == 1
    chosen, skipped = sizing.select(w)
    assert all(p.adjust(w.scope).nodes == 1 for p in chosen)
    reasons = {s.name: s.reason for s in skipped}
    assert reasons["deployment.pod_waits_for_multi_attach"] == "another configuration: nodes=2 (--nodes 1)"
    [default] = manifest.read_workloads([shared]).workloads  # without --nodes: the model's two nodes
    assert not default.nodes_asked and "deployment.pod_waits_for_multi_attach" in {
        p.name for p in sizing.select(default)[0]
    }
