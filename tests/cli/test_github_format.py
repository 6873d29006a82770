"""``kubecheck check -f … --format github``: GitHub Actions workflow commands, one finding a line."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from cli_helpers import assert_expected, kubecheck

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.cli import github, sarif
from kubecheck.manifest import loader
from kubecheck.manifest.fixes import Change, Fix
from kubecheck.manifest.report import ManifestReport, anchored

#: A DaemonSet whose nodeSelector makes a node ineligible (a caveat's violation, with its trace) and a
#: Deployment the API server refuses (the good document is still checked; exit 2), on two nodes.
MANIFEST = """\
# the annotation golden: one finding and one rejected document
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {maxUnavailable: 1}
  template:
    metadata:
      labels: {app: agent}
    spec:
      nodeSelector: {role: worker}
      containers: [{name: agent, image: "agent:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: -1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: broken}
    spec:
      containers: [{name: b, image: "b:1"}]
"""
ARGS = ("check", "-f", "app.yaml", "--nodes", "2")


@contextlib.contextmanager
def _in(path: Path) -> Iterator[None]:
    here = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("github")
    (path / "app.yaml").write_text(MANIFEST, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report(folder: Path) -> ManifestReport:
    with _in(folder):
        checked = manifest.check_manifests(["app.yaml"], nodes=2)
        return anchored(checked, loader.read_sources(["app.yaml"]).documents)


@pytest.mark.parametrize(
    "value, data, prop",
    [
        ("plain", "plain", "plain"),
        ("100%", "100%25", "100%25"),
        ("a\nb", "a%0Ab", "a%0Ab"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("key: a, b", "key: a, b", "key%3A a%2C b"),
        ("%0A is not a newline", "%250A is not a newline", "%250A is not a newline"),
        ("::error::", "::error::", "%3A%3Aerror%3A%3A"),
    ],
)
def test_messages_and_properties_are_escaped_as_githubs_runner_reads_them(value: str, data: str, prop: str) -> None:
    assert github.escape_data(value) == data
    assert github.escape_property(value) == prop


def test_a_command_leaves_out_properties_it_has_no_value_for() -> None:
    assert github.command("notice", "m", file=None, line=None, title="t") == "::notice title=t::m"
    assert github.command("error", "a\nb", file="k8s/a b.yaml", line=3) == "::error file=k8s/a b.yaml,line=3::a%0Ab"
    assert github.command("warning", "m") == "::warning::m"


def test_the_annotations_of_a_small_manifest_are_pinned_and_the_exit_code_is_the_text_reports(folder, report) -> None:
    with _in(folder):
        annotated = kubecheck(*ARGS, "--format", "github")
        plain = kubecheck(*ARGS, "--format", "text")
    assert annotated.exit_code == plain.exit_code == report.exit_code == 2  # a rejected document
    assert_expected("github_daemonset_and_rejected.txt", annotated.stdout)
    assert annotated.stdout == github.render(report)
    lines = annotated.stdout.splitlines()
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    assert lines[0].startswith("::warning file=app.yaml,line=16,title=daemonset.no_pod_on_ineligible_node VIOLATED")
    assert MANIFEST.splitlines()[15].strip().startswith("nodeSelector:")  # line 16: the field the property concerns
    assert lines[-1].startswith("::error file=app.yaml,title=kubecheck%3A rejected document::app.yaml (document 2)")


def _with_row(report: ManifestReport, name: str, **changes) -> ManifestReport:
    """``report`` with the row of property ``name`` alone, its result changed."""
    wr = report.workloads[0]
    [row] = [r for r in wr.rows if r.result.property.name == name]
    row = attrs.evolve(row, result=attrs.evolve(row.result, **changes))
    return attrs.evolve(report, workloads=(attrs.evolve(wr, rows=(row,)),), rejected=())


def test_an_inconclusive_that_counts_is_a_warning_and_a_witness_not_applicable_a_notice(report) -> None:
    stopped = _with_row(
        report, "daemonset.at_most_one_pod_per_node", verdict=Verdict.INCONCLUSIVE, trace=None, note="timeout"
    )
    [line] = github.render(stopped).splitlines()
    assert line.startswith("::warning file=app.yaml,line=11,title=daemonset.at_most_one_pod_per_node INCONCLUSIVE")
    assert MANIFEST.splitlines()[10].strip().startswith("rollingUpdate:")  # maxSurge is not written: its parent
    assert line.endswith("%0Atimeout") and stopped.exit_code == 10
    unreached = _with_row(report, "daemonset.new_node_gets_pod", verdict=Verdict.UNREACHABLE, trace=None)
    [line] = github.render(unreached).splitlines()
    assert line.startswith("::notice file=app.yaml,")
    assert "title=daemonset.new_node_gets_pod N/A (daemonset/agent)::" in line and "not applicable" in line
    assert unreached.exit_code == 0
    strict = attrs.evolve(unreached, strict=True)  # under --strict the unreachable witness counts: an error
    assert github.render(strict).startswith("::error ") and strict.exit_code == 14


def test_passing_rows_print_nothing(report) -> None:
    quiet = _with_row(report, "daemonset.at_most_one_pod_per_node", verdict=Verdict.HOLDS)
    assert github.render(quiet) == ""


def test_a_long_trace_keeps_its_first_and_last_steps_within_the_annotation_size() -> None:
    head, tail = ["what was found", "checked by explicit at nodes=2"], ["⇒ violated at step 300"]
    steps = [f"{i} [kubelet] pod_ready(pod=p{i}): " + "x" * 40 for i in range(301)]
    lines = github._fit(head, steps, tail)
    assert sum(len(line) + 1 for line in lines) <= github.MAX_MESSAGE
    assert lines[:3] == [*head, steps[0]] and lines[-2:] == [steps[-1], *tail]
    [marker] = [line for line in lines if line.startswith("… ")]
    left = int(marker.split()[1])
    assert left == len(steps) - (len(lines) - len(head) - len(tail) - 1) and left > 0
    assert github._fit(head, steps[:3], tail) == [*head, *steps[:3], *tail]  # short traces are whole


def test_every_annotation_of_the_small_manifest_fits_and_names_the_field_line(report) -> None:
    for f in sarif.findings(report):
        assert len(github.message(f)) <= github.MAX_MESSAGE
        where = f.location
        assert where is not None and where.file == "app.yaml"
        assert where.field.rsplit(".", 1)[-1] in MANIFEST.splitlines()[where.line - 1]


def test_findings_read_from_standard_input_are_annotations_of_the_run_not_of_a_file(report) -> None:
    wr = report.workloads[0]
    piped = attrs.evolve(report, workloads=(attrs.evolve(wr, source="<stdin>"),), rejected=())
    [line] = github.render(piped).splitlines()
    assert line.startswith("::warning title=daemonset.no_pod_on_ineligible_node VIOLATED (caveat) (daemonset/agent)::")


def test_a_nearest_fix_is_told_after_the_conclusion_with_its_kubectl_patch(report) -> None:
    wr = report.workloads[0]
    [row] = [r for r in wr.rows if r.result.verdict is Verdict.VIOLATED]
    fix = Fix(
        row.result.property.name,
        (Change(("spec", "updateStrategy", "type"), "RollingUpdate", "OnDelete"),),
        "HOLDS at nodes=2 (explicit)",
        kind="DaemonSet",
        name="agent",
    )
    fixed = attrs.evolve(report, workloads=(attrs.evolve(wr, rows=(attrs.evolve(row, fix=fix),)),), rejected=())
    [line] = github.render(fixed).splitlines()
    assert line.endswith(
        "%0Anearest fix: spec.updateStrategy.type: OnDelete  # was RollingUpdate (HOLDS at nodes=2 (explicit))"
        """%0Akubectl patch daemonset agent --type merge -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'"""
    )
