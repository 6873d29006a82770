"""Report formats: text table, JSON document, JUnit XML, ITF traces; exit codes; caveats."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import attrs
from manifest_texts import deployment

from kubecheck.checker.result import EXIT_OK, EXIT_SAFETY, Verdict
from kubecheck.cli import junit, manifest_json, manifest_text
from kubecheck.cli.documents import manifest_itf_documents
from kubecheck.manifest import check_manifests, exit_code

WEB = deployment(replicas=2, strategy="strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}")


def _report(**kw):
    return check_manifests(["-"], stdin_text=WEB, **kw)


def test_text_table_has_a_row_per_property_with_method_and_size() -> None:
    report = _report()
    text = manifest_text.render(report)
    lines = text.splitlines()
    assert lines[0].startswith("kubecheck check -f -: 1 workloads, 14 properties")
    assert "deployment/web  (<stdin> (document 1); model deployment;" in text
    header = next(line for line in lines if line.lstrip().startswith("property"))
    assert header.split() == ["property", "verdict", "method", "checked", "at", "states", "seconds"]
    row = next(line for line in lines if line.strip().startswith("deployment.replicas_within_surge"))
    assert row.split()[:4] == ["deployment.replicas_within_surge", "HOLDS", "explicit", "replicas=2"]
    assert re.search(r"deployment\.live_pods_within_surge +VIOLATED \*", text)
    assert "VIOLATED (caveat)  deployment/web: deployment.live_pods_within_surge" in text
    assert lines[-1].startswith("summary: ") and lines[-1].endswith("exit 0")


def test_caveats_do_not_fail_the_run_unless_strict() -> None:
    assert exit_code(_report()) == EXIT_OK
    assert exit_code(_report(strict=True)) == EXIT_SAFETY


def test_json_document() -> None:
    doc = json.loads(manifest_json.render(_report()))
    assert doc["format"] == "kubecheck.manifest-report/1" and doc["exit_code"] == 0
    [w] = doc["workloads"]
    assert (w["object"], w["model"], w["scope"]["replicas"]) == ("deployment/web", "deployment", "2")
    live = next(p for p in w["properties"] if p["property"] == "deployment.live_pods_within_surge")
    assert (live["verdict"], live["caveat"], live["checked_at"], live["reduced"]) == (
        "VIOLATED",
        True,
        "replicas=2",
        False,
    )
    assert live["trace"]["format"] == "kubecheck.trace/1" and live["trace"]["steps"]
    # a stateless Deployment: the crash variant needs faults, the shared-claim properties another configuration
    skipped = {s["property"]: s["reason"] for s in w["skipped"]}
    assert skipped == {
        "deployment.availability_floor_with_crashes": "needs faults: crash (--faults crash)",
        "deployment.rollout_eventually_completes_with_faults": "needs faults: crash,evict (--faults crash,evict)",
        **{
            f"deployment.{name}": "another configuration: claims=True"
            for name in (
                "rwo_volume_attached_to_one_node",
                "pod_waits_for_multi_attach",
                "rollout_completes_with_shared_claim",
            )
        },
        **{
            f"deployment.{name}": f"another configuration: claims=True, access-mode={mode}"
            for name, mode in (
                ("rwop_claim_used_by_one_pod", "ReadWriteOncePod"),
                ("no_writer_on_read_only_many", "ReadOnlyMany"),
            )
        },
    }


def test_junit_one_testcase_per_property() -> None:
    report = _report()
    root = ET.fromstring(junit.render(report))
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == 14 == int(root.get("tests"))
    assert root.get("failures") == "0" and root.get("skipped") == "0"
    live = next(c for c in cases if c.get("name") == "deployment.live_pods_within_surge")
    assert "caveat" in live.find("system-out").text
    strict = ET.fromstring(junit.render(attrs.evolve(report, strict=True)))
    assert strict.get("failures") == "2"  # the caveats: live_pods_within_surge and paused_keeps_new_replicaset
    failure = strict.find(".//testcase[@name='deployment.live_pods_within_surge']/failure")
    assert failure.get("type") == "VIOLATED" and "user.edit_template" in failure.text


def test_junit_inconclusive_is_skipped() -> None:
    report = _report()
    wr = report.workloads[0]
    row = wr.rows[0]
    stuck = attrs.evolve(row, result=attrs.evolve(row.result, verdict=Verdict.INCONCLUSIVE, note="budget"))
    report = attrs.evolve(report, workloads=(attrs.evolve(wr, rows=(stuck,) + wr.rows[1:]),))
    root = ET.fromstring(junit.render(report))
    assert root.get("skipped") == "1"
    assert root.find(".//skipped").get("message") == "INCONCLUSIVE: budget"
    assert report.exit_code == 10


def test_itf_one_document_per_violation_and_witness() -> None:
    docs = manifest_itf_documents(_report())
    stems = [s for s, _ in docs]
    assert "deployment-web-live_pods_within_surge" in stems
    doc = dict(docs)["deployment-web-live_pods_within_surge"]
    assert doc["#meta"]["object"] == "deployment/web" and doc["states"]
