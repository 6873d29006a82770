"""Report formats: text table, JSON document, JUnit XML, ITF traces; exit codes; caveats."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import attrs
from manifest_texts import deployment

from kubecheck.checker.result import EXIT_OK, EXIT_SAFETY, EXIT_UNWITNESSED, Verdict
from kubecheck.cli import junit, manifest_json, manifest_text
from kubecheck.cli.documents import manifest_itf_documents
from kubecheck.manifest import check_manifests, exit_code, sizing

WEB = deployment(replicas=2, strategy="strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}")


def _report(**kw):
    return check_manifests(["-"], stdin_text=WEB, **kw)


def test_text_table_has_a_row_per_property_with_method_and_size() -> None:
    report = _report()
    text = manifest_text.render(report)
    lines = text.splitlines()
    selected = len(sizing.select(report.workloads[0].workload)[0])  # the Deployment table, as check -f selects it
    assert selected >= 14 and lines[0].startswith(f"kubecheck check -f -: 1 workload, {selected} properties")
    assert "deployment/web  (<stdin> (document 1); model deployment;" in text
    header = next(line for line in lines if line.lstrip().startswith("property"))
    assert header.split() == ["property", "verdict", "method", "checked", "at", "states", "seconds"]
    row = next(line for line in lines if line.strip().startswith("deployment.replicas_within_surge"))
    assert row.split()[:4] == ["deployment.replicas_within_surge", "HOLDS", "explicit", "replicas=2"]
    assert re.search(r"deployment\.live_pods_within_surge +VIOLATED \*", text)
    # one run breaks both pod bounds (live and active pods): one trace, both named after `breaks:`
    assert "trace 1  VIOLATED  deployment/web: one run breaks 2 properties" in text
    assert "  breaks: deployment.live_pods_within_surge (caveat) — " in text
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
                "containers_run_where_claim_attached",
                "claim_detached_only_from_empty_node",
            )
        },
        "deployment.recreate_runs_one_revision_at_a_time": "another configuration: strategy=Recreate",
        **{
            f"deployment.{name}": "needs faults: partition (--faults partition)"
            for name in (
                "availability_floor_under_node_failure",
                "surge_bound_under_node_failure",
                "no_ready_pod_on_lost_node",
                "pod_stranded_on_lost_node",
                "rollout_completes_despite_lost_node",
                "rollout_completes_once_nodes_return",
            )
        },
        **{
            f"deployment.{name}": f"another configuration: claims=True, access-mode={mode}"
            for name, mode in (
                ("rwop_claim_used_by_one_pod", "ReadWriteOncePod"),
                ("no_writer_on_read_only_many", "ReadOnlyMany"),
            )
        },
        # no PodDisruptionBudget and no HorizontalPodAutoscaler in the manifest: their rows need another configuration
        "deployment.budget_can_allow_an_eviction": "another configuration: pdb-min-available=1",
        "deployment.drain_completes_once_budget_relaxed": (
            "another configuration: pdb-min-available=2, pdb-edit-to=1, scenario=drain"
        ),
        "deployment.eviction_respects_edited_budget": (
            "another configuration: pdb-min-available=1, pdb-edit-to=2, scenario=drain"
        ),
        "deployment.shared_budget_keeps_own_floor": (
            "another configuration: pdb-min-available=1, pdb-other-pods=1, scenario=drain"
        ),
        **{
            f"deployment.{name}": f"another configuration: pdb-min-available=1, scenario={scenario}"
            for name, scenario in (
                ("drain_eventually_completes", "drain"),
                ("budget_floor_holds_under_evictions", "drain"),
                ("budget_floor_under_evictions_and_rollout", "drain"),
                ("upgrade_completes", "node-upgrade"),
                ("upgrade_keeps_floor", "node-upgrade"),
            )
        },
        **{
            f"deployment.hpa.{name}": "needs a HorizontalPodAutoscaler targeting the Deployment"
            for name in (
                "replicas_within_max",
                "no_inflation_during_rollout",
                "no_inflation_under_total_demand",
                "autoscaler_undoes_apply",
            )
        },
    }


def test_junit_one_testcase_per_property() -> None:
    report = _report()
    root = ET.fromstring(junit.render(report))
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(sizing.select(report.workloads[0].workload)[0]) == int(root.get("tests"))
    assert root.get("failures") == "0" and root.get("skipped") == "0"
    live = next(c for c in cases if c.get("name") == "deployment.live_pods_within_surge")
    assert "caveat" in live.find("system-out").text
    strict = ET.fromstring(junit.render(attrs.evolve(report, strict=True)))
    # the caveats: live_pods_within_surge, active_pods_within_surge and paused_keeps_new_replicaset
    assert strict.get("failures") == "3"
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


# A Deployment with one replica: no run reaches deployment.paused_deployment_scales_proportionally.
SOLO = deployment(name="solo", replicas=1)
PROPORTIONAL = "deployment.paused_deployment_scales_proportionally"
NOT_APPLICABLE = (
    "not applicable: not reached in any run of this configuration (exhaustive search at replicas=1); the property "
    "assumes RollingUpdate; a template edit, a pause and a `kubectl scale`; no faults, no rollout undo"
)


def _solo(**kw):
    return check_manifests(["-"], stdin_text=SOLO, **kw)


def _row(report, name):
    return next(r for r in report.workloads[0].rows if r.result.property.name == name)


def test_a_witness_one_replica_cannot_reach_is_not_applicable_and_does_not_fail_the_run() -> None:
    report = _solo()
    row = _row(report, PROPORTIONAL)
    assert (row.result.verdict, row.reduced) == (Verdict.UNREACHABLE, False)
    st = report.standing(row)
    assert (st.verdict, st.role, st.applicable, st.counted, st.note) == (
        Verdict.UNREACHABLE,
        "witness",
        False,
        False,
        NOT_APPLICABLE,
    )
    assert report.exit_code == EXIT_OK


def test_strict_counts_an_unreachable_witness_as_exit_14() -> None:
    report = _solo(strict=True)
    assert report.standing(_row(report, PROPORTIONAL)).counted
    assert report.exit_code == EXIT_UNWITNESSED


def test_a_witness_the_configuration_reaches_is_still_witnessed() -> None:
    report = _report()
    st = report.standing(_row(report, PROPORTIONAL))
    assert (st.verdict, st.role, st.applicable, st.counted, st.note) == (Verdict.WITNESSED, "witness", True, True, "")
    text = manifest_text.render(report)
    assert re.search(rf"{PROPORTIONAL} +WITNESSED ", text) and "N/A" not in text


def test_text_shows_n_a_a_note_line_and_the_legend_once() -> None:
    lines = manifest_text.render(_solo()).splitlines()
    row = next(line for line in lines if line.strip().startswith(PROPORTIONAL + " "))
    assert row.split()[:4] == [PROPORTIONAL, "N/A", "explicit", "replicas=1"]
    assert f"  {PROPORTIONAL}: {NOT_APPLICABLE}" in lines
    legend = (
        "N/A not applicable: a witness (a `sometimes` property) that no run of this configuration reaches; "
        "not counted in the exit code"
    )
    assert lines.count(legend) == 1
    assert lines[-1].startswith("summary: 19 HOLDS (1 vacuous), 5 WITNESSED, 1 not applicable in ") and lines[
        -1
    ].endswith("; exit 0")
    strict = manifest_text.render(_solo(strict=True)).splitlines()
    row = next(line for line in strict if line.strip().startswith(PROPORTIONAL + " "))
    assert row.split()[1] == "UNREACHABLE" and f"  {PROPORTIONAL}: {NOT_APPLICABLE}" in strict
    assert (
        "N/A not applicable: a witness (a `sometimes` property) that no run of this configuration reaches; "
        "counted in the exit code as UNREACHABLE (strict)"
    ) in strict
    assert strict[-1].startswith("summary: 19 HOLDS (1 vacuous), 5 WITNESSED, 1 UNREACHABLE in ") and strict[
        -1
    ].endswith("exit 14")


def test_json_row_of_a_witness_not_applicable() -> None:
    doc = json.loads(manifest_json.render(_solo()))
    assert doc["exit_code"] == 0
    props = {p["property"]: p for p in doc["workloads"][0]["properties"]}
    p = props[PROPORTIONAL]
    assert (p["verdict"], p["role"], p["applicable"], p["counted"], p["note"]) == (
        "UNREACHABLE",
        "witness",
        False,
        False,
        NOT_APPLICABLE,
    )
    assert (props["deployment.replicas_within_surge"]["role"], props["deployment.live_pods_within_surge"]["role"]) == (
        "guarantee",
        "caveat",
    )
    assert props["deployment.live_pods_within_surge"]["counted"] is False
    strict = json.loads(manifest_json.render(_solo(strict=True)))
    assert strict["exit_code"] == 14
    assert next(p for p in strict["workloads"][0]["properties"] if p["property"] == PROPORTIONAL)["counted"] is True


def test_junit_skips_a_witness_not_applicable_with_the_reason_and_fails_it_when_strict() -> None:
    root = ET.fromstring(junit.render(_solo()))
    assert (root.get("failures"), root.get("skipped")) == ("0", "1")
    assert root.find(f".//testcase[@name='{PROPORTIONAL}']/skipped").get("message") == NOT_APPLICABLE
    strict = ET.fromstring(junit.render(_solo(strict=True)))
    failure = strict.find(f".//testcase[@name='{PROPORTIONAL}']/failure")
    assert failure.get("type") == "UNREACHABLE" and strict.find(".//skipped") is None


def test_a_witness_unreached_at_a_reduced_size_is_inconclusive_never_not_applicable_and_counts_only_when_strict() -> (
    None
):
    report = _solo()
    wr = report.workloads[0]
    rows = tuple(
        attrs.evolve(r, size="replicas=5 of 8", reduced=True) if r.result.property.name == PROPORTIONAL else r
        for r in wr.rows
    )
    for strict in (False, True):
        reduced = attrs.evolve(report, workloads=(attrs.evolve(wr, rows=rows),), strict=strict)
        st = reduced.standing(_row(reduced, PROPORTIONAL))
        assert (st.verdict, st.applicable, st.counted) == (Verdict.INCONCLUSIVE, True, strict)
        assert st.note.startswith(
            "not reached at the reduced size (replicas=5 of 8); the manifest's own size may reach it"
        )
        assert st.note.endswith("may reach it" if strict else "counted only under --strict)")
        counted = [r.property.name for r in reduced.counted() if r.verdict is Verdict.INCONCLUSIVE]
        assert counted == ([PROPORTIONAL] if strict else [])
    assert attrs.evolve(report, workloads=(attrs.evolve(wr, rows=rows),)).exit_code == report.exit_code == EXIT_OK
    reduced = attrs.evolve(report, workloads=(attrs.evolve(wr, rows=rows),))
    st = reduced.standing(_row(reduced, PROPORTIONAL))
    row = next(line for line in manifest_text.render(reduced).splitlines() if line.strip().startswith(PROPORTIONAL))
    assert row.split()[:2] == [PROPORTIONAL, "INCONCLUSIVE"]
    skipped = ET.fromstring(junit.render(reduced)).find(f".//testcase[@name='{PROPORTIONAL}']/skipped")
    assert skipped.get("message") == f"INCONCLUSIVE: {st.note}"
    doc = json.loads(manifest_json.render(reduced))
    p = next(p for p in doc["workloads"][0]["properties"] if p["property"] == PROPORTIONAL)
    assert (p["verdict"], p["applicable"], p["note"]) == ("INCONCLUSIVE", True, st.note)
