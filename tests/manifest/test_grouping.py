"""Violations with one root cause are grouped: one trace, the properties it breaks, every row kept.

The runs are real: ``examples/shared-claim-deployment.yaml`` (two replicas sharing one ReadWriteOnce
claim) is checked by the model, and its stuck rollout (a new pod waits in ContainerCreating on a
Multi-Attach error) breaks four properties that used to be printed as four traces. Whether a trace
breaks a property is decided by the property's own predicate and the engines' own lasso check.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import attrs
import pytest

from kubecheck.checker.result import Verdict
from kubecheck.cli import help_command, junit, manifest_json, manifest_text
from kubecheck.manifest import check_manifests
from kubecheck.manifest.grouping import as_lasso, breaks, group_numbers, trace_groups
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.ops import CONCRETE

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STUCK = [
    "deployment.rollout_eventually_completes",
    "deployment.rollout_eventually_completes_under_strong_fairness",
    "deployment.no_stuck_rollout",
    "deployment.rollout_completes_with_shared_claim",
]
PODS = ["deployment.live_pods_within_surge", "deployment.active_pods_within_surge"]


@pytest.fixture(scope="module")
def report():
    return check_manifests([str(EXAMPLES / "shared-claim-deployment.yaml")])


def _rows(report):
    return {r.result.property.name: r for r in report.workloads[0].rows}


def _members(report, group):
    rows = report.workloads[group.workload].rows
    return [rows[i].result.property.name for i in group.rows]


def test_one_stuck_rollout_is_one_group_of_the_four_properties_it_breaks(report) -> None:
    groups = trace_groups(report.workloads)
    members = [_members(report, g) for g in groups]
    assert STUCK in members
    # every violation is in exactly one group; no other group holds more than one property
    violated = [r.result.property.name for r in report.workloads[0].rows if r.result.verdict is Verdict.VIOLATED]
    assert sorted(name for m in members for name in m) == sorted(violated)
    # the two pod bounds (live and active pods) are broken by one run of the rollout too
    assert sorted(m for m in members if len(m) > 1) == sorted([STUCK, PODS])
    assert [g.number for g in groups] == list(range(1, len(groups) + 1))


def test_the_shown_trace_breaks_every_property_of_its_group_by_the_propertys_own_check(report) -> None:
    rows = _rows(report)
    [group] = [g for g in trace_groups(report.workloads) if _members(report, g) == STUCK]
    trace = group.trace
    for name in STUCK:
        own = rows[name].result.trace
        assert len(trace.steps) <= len(own.steps)  # never a longer run than the one found for it
        assert breaks(rows[name].result.property, own.scope, trace)
    # the run ends where nothing at all can happen, and the rollout is not complete there
    assert not successors(trace.model, trace.scope, trace.last)
    no_stuck = rows["deployment.no_stuck_rollout"].result.property
    assert not no_stuck.predicate(CONCRETE, trace.scope, trace.last)


def test_a_trace_does_not_break_a_property_checked_in_another_scope_or_one_that_holds(report) -> None:
    rows = _rows(report)
    [group] = [g for g in trace_groups(report.workloads) if _members(report, g) == STUCK]
    scale = rows["deployment.scale_eventually_completes"].result
    assert scale.verdict is Verdict.VIOLATED and scale.trace.scope != group.trace.scope  # its scope has a scale
    assert not breaks(scale.property, scale.trace.scope, group.trace)
    for name in ("deployment.replicas_within_surge", "deployment.availability_floor"):
        held = rows[name].result
        assert held.verdict is Verdict.HOLDS and not breaks(held.property, held.scope, group.trace)
    # a witness is never a violation, even on a run that reaches it
    witness = rows["deployment.pod_waits_for_multi_attach"].result
    assert witness.property.predicate(CONCRETE, group.trace.scope, group.trace.last)
    assert not breaks(witness.property, witness.scope, group.trace)


def test_a_safety_trace_that_ends_with_controllers_still_enabled_breaks_no_liveness_property(report) -> None:
    rows = _rows(report)
    surge = rows["deployment.live_pods_within_surge"].result.trace  # ends with 4 pods, mid-rollout
    live = rows["deployment.rollout_eventually_completes"].result
    assert successors(surge.model, surge.scope, surge.last)
    assert surge.scope == live.trace.scope and not breaks(live.property, live.trace.scope, surge)
    # read as a lasso, the terminal property's own trace stays in its dead end: the liveness check accepts it
    stuck = rows["deployment.no_stuck_rollout"].result.trace
    assert stuck.loop is None and as_lasso(stuck).loop == len(stuck.steps)
    assert breaks(live.property, live.trace.scope, stuck)


def test_text_prints_one_trace_for_the_group_and_keeps_a_row_per_property(report) -> None:
    out = manifest_text.render(report, manifest_text.trace_lines)
    lines = out.splitlines()
    numbers = group_numbers(trace_groups(report.workloads))
    [n] = {numbers[0, i] for i, r in enumerate(report.workloads[0].rows) if r.result.property.name in STUCK}
    for name in STUCK:
        row = next(line for line in lines if line.startswith(f"  {name} "))
        assert row.split()[1] == "VIOLATED" and row.endswith(f"trace {n}")
    assert f"trace {n}  VIOLATED  deployment/uploader: one run breaks 4 properties" in lines
    assert sum(line.startswith(f"trace {n} ") for line in lines) == 1
    assert out.count("\n  breaks: deployment.rollout_eventually_completes — ") == 1
    for name in STUCK:  # each property's ⇒ line, on the shared run
        assert any(line.startswith(f"  ⇒ {name.split('.', 1)[1]}: ") for line in lines), name
    # one trace block per group, no more
    assert len([line for line in lines if re.match(r"trace \d+  ", line)]) == len(trace_groups(report.workloads))


def test_text_prints_the_phase_legend_once_and_a_footer_of_the_terms_used(report) -> None:
    out = manifest_text.render(report, manifest_text.trace_lines)
    assert out.count("pods are counted per ReplicaSet by phase") == 1
    assert "\nkubecheck help verdicts explains every verdict, mark and exit code\n\nsummary: " in out
    text = " ".join(out.split())
    for term in ("WITNESSED", "strong fairness", "trace N"):
        assert f"{term}: {help_command.term(term)}" in text, term
    # terms this report does not use are not explained
    assert "UNREACHABLE:" not in out and "INCONCLUSIVE:" not in out and "N/A not applicable" not in out


def test_the_footer_quotes_help_verdicts() -> None:
    verdicts = " ".join(help_command.VERDICTS.split())
    for name in ("WITNESSED", "UNREACHABLE", "INCONCLUSIVE", "strong fairness", "trace N"):
        said = help_command.term(name)
        assert said.rstrip(".") in verdicts, name


def test_json_keeps_each_propertys_own_trace_and_names_its_group(report) -> None:
    doc = json.loads(manifest_json.render(report))
    [w] = doc["workloads"]
    props = {p["property"]: p for p in w["properties"]}
    numbers = {props[name]["trace_group"] for name in STUCK}
    assert len(numbers) == 1 and None not in numbers
    [n] = numbers
    [group] = [g for g in w["trace_groups"] if g["number"] == n]
    assert group["breaks"] == STUCK and group["shown"] in STUCK
    for name in STUCK:
        trace = props[name]["trace"]
        assert trace["format"] == "kubecheck.trace/1" and trace["property"] == name
    assert props["deployment.replicas_within_surge"]["trace_group"] is None
    assert doc["rejected"] == [] and w["assumption"] is None


def test_junit_failures_of_a_group_each_carry_the_shared_run(report) -> None:
    root = ET.fromstring(junit.render(attrs.evolve(report, strict=True), manifest_text.trace_lines))
    for name in STUCK:
        failure = root.find(f".//testcase[@name='{name}']/failure")
        assert "one run breaks 4 properties" in failure.text
        assert f"⇒ {name.split('.', 1)[1]}: " not in failure.text  # its own ⇒ line, not labelled
        assert "Multi-Attach error" in failure.text


def test_assumption_and_rejected_documents_are_shown_in_every_format(report) -> None:
    wr = report.workloads[0]
    said = "claim uploads: access mode not in the manifests; checked as ReadWriteOnce"
    bad = "bad.yaml (document 2): deployment/x: spec.replicas: expected an integer, got 'three'"
    shown = attrs.evolve(
        report, workloads=(attrs.evolve(wr, workload=attrs.evolve(wr.workload, assumption=said)),), rejected=(bad,)
    )
    lines = manifest_text.render(shown).splitlines()
    assert f"  assumes: {said}" in lines
    i = lines.index("rejected documents (not checked; the run exits 2):")
    assert lines[i + 1] == f"  {bad}"
    doc = json.loads(manifest_json.render(shown))
    assert doc["workloads"][0]["assumption"] == said and doc["rejected"] == [bad] and doc["exit_code"] == 2
    root = ET.fromstring(junit.render(shown))
    suite = root.find("testsuite")
    assert suite.find("properties/property[@name='assumption']").get("value") == said
    assert suite.get("name") == f"deployment/uploader ({said})" == suite.find("testcase").get("classname")
    assert lines.count(f"  assumes: {said}") == 1 + len(trace_groups(shown.workloads))  # the header, each trace
    error = root.find("testsuite[@name='rejected documents']/testcase/error")
    assert error.get("message") == bad and root.get("errors") == "1"
    assert ET.fromstring(junit.render(report)).get("errors") is None  # nothing rejected: as before


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_every_examples_groups_partition_its_violations_and_each_shown_trace_breaks_its_group(example) -> None:
    report = check_manifests([str(EXAMPLES / example)])
    groups = trace_groups(report.workloads)
    for w, wr in enumerate(report.workloads):
        violated = [i for i, r in enumerate(wr.rows) if r.result.verdict is Verdict.VIOLATED]
        assert sorted(i for g in groups if g.workload == w for i in g.rows) == violated
    for g in groups:
        rows = report.workloads[g.workload].rows
        assert g.shown in g.rows
        for i in g.rows:
            own = rows[i].result.trace
            assert breaks(rows[i].result.property, own.scope, g.trace)
            assert len(g.trace.steps) <= len(own.steps)


def test_a_daemonset_stuck_after_a_relabel_is_one_group_of_its_terminal_and_liveness_properties() -> None:
    report = check_manifests([str(EXAMPLES / "log-collector-daemonset.yaml")])
    members = [_members(report, g) for g in trace_groups(report.workloads)]
    assert ["daemonset.finished_or_stuck", "daemonset.runs_on_every_eligible_node_with_relabels"] in members


SHARED = ["--set", "shared-claim=true", "--set", "replicas=2", "--set", "nodes=2"]
SHARED += ["--set", "min-ready-seconds=0", "--set", "max-unavailable=0"]


def test_check_model_shows_one_block_for_a_run_that_breaks_several_properties() -> None:
    from click.testing import CliRunner

    from kubecheck.cli.main import cli

    names = ["rollout_eventually_completes", "rollout_completes_with_shared_claim", "live_pods_within_surge"]
    result = CliRunner().invoke(cli, ["check", "deployment", *names, *SHARED])
    assert result.exit_code == 12, result.output
    lines = result.stdout.splitlines()
    assert "VIOLATED  one run (5 steps) breaks 2 properties" in lines
    assert (
        "one run breaks rollout_eventually_completes, rollout_completes_with_shared_claim: its trace is shown once, "
        "below"
    ) in lines
    assert sum(line.startswith("VIOLATED  ") for line in lines) == 2  # the group, and live_pods_within_surge alone
    assert any(
        line.startswith("  ⇒ rollout_completes_with_shared_claim: the condition holds at step 1") for line in lines
    )
    assert sum(line.startswith("  reproduce: ") for line in lines) == 2
    reproduce = next(line for line in lines if "deployment.rollout_completes_with_shared_claim --scope" in line)
    words = reproduce.split("reproduce: kubecheck ", 1)[1].split()
    again = CliRunner().invoke(cli, words)
    assert again.exit_code == 13 and "VIOLATED  one run (5 steps) breaks 2 properties" in again.stdout


def test_the_footer_explains_inconclusive_and_unreachable_only_when_the_report_shows_them(report) -> None:
    from manifest_texts import deployment

    wr = report.workloads[0]
    stopped = attrs.evolve(wr.rows[0], result=attrs.evolve(wr.rows[0].result, verdict=Verdict.INCONCLUSIVE))
    out = manifest_text.render(attrs.evolve(report, workloads=(attrs.evolve(wr, rows=(stopped, *wr.rows[1:])),)))
    assert f"INCONCLUSIVE: {help_command.term('INCONCLUSIVE')}" in " ".join(out.split())
    solo = check_manifests(["-"], stdin_text=deployment(name="solo", replicas=1))
    assert "UNREACHABLE: " not in manifest_text.render(solo)  # N/A, explained by its own line
    strict = manifest_text.render(attrs.evolve(solo, strict=True))
    assert f"UNREACHABLE: {help_command.term('UNREACHABLE')}" in " ".join(strict.split())
