"""``kubecheck check -f``: manifests from files, directories and stdin; JUnit; faults."""

from __future__ import annotations

import json

import pytest
from cli_helpers import API_MESSAGE, EXAMPLES, kubecheck, one_error_line
from click.testing import CliRunner

from kubecheck.cli.main import cli


def _stream() -> str:
    """The examples as one multi-document stream, as `helm template` would print them."""
    return "".join("---\n" + p.read_text() for p in sorted(EXAMPLES.glob("*.yaml")))


def test_check_f_reads_a_multi_document_stream_from_stdin():
    result = CliRunner().invoke(cli, ["check", "-f", "-"], input=_stream())
    from_dir = kubecheck("check", "-f", str(EXAMPLES))
    assert result.exit_code == from_dir.exit_code == 12  # the DaemonSet example's stuck rollout
    for workload in (
        "deployment/web",
        "deployment/grafana",
        "statefulset/postgres",
        "statefulset/cassandra",
        "daemonset/fluent-bit",
    ):
        assert workload in result.stdout


def test_check_f_junit_has_one_testcase_per_property():
    import xml.etree.ElementTree as ET

    result = kubecheck("check", "-f", str(EXAMPLES / "web-deployment.yaml"), "--format", "junit")
    root = ET.fromstring(result.stdout)
    names = [tc.get("name") for tc in root.iter("testcase")]
    assert "deployment.replicas_within_surge" in names and len(names) == len(set(names))


def test_check_f_invalid_manifest_gives_the_api_servers_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n"
        "  selector: {matchLabels: {app: web}}\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    result = kubecheck("check", "-f", str(bad))
    assert result.exit_code == 2
    assert one_error_line(result).endswith(f"deployment/web: {API_MESSAGE}")


def test_model_and_manifests_together_is_a_usage_error():
    result = kubecheck("check", "deployment", "-f", str(EXAMPLES))
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "with -f, the arguments are more manifests: 'deployment' is not a file or directory "
        "(give a MODEL or -f manifests, not both)"
    )


def test_files_after_f_are_more_manifests_as_pre_commit_passes_them():
    one = str(EXAMPLES / "recreate-deployment.yaml")
    two = str(EXAMPLES / "log-collector-daemonset.yaml")
    both = kubecheck("check", "-f", one, two, "--format", "json")
    assert both.exit_code == 12  # the DaemonSet's stuck rollout
    objects = [w["object"] for w in json.loads(both.stdout)["workloads"]]
    assert objects == ["deployment/grafana", "daemonset/fluent-bit"]


@pytest.mark.parametrize(("option", "value"), [("--jobs", "2"), ("--suggest-fixes", None)])
def test_manifest_only_options_are_refused_with_a_model(option, value):
    result = kubecheck("check", "deployment", option, *([value] if value else []))
    assert result.exit_code == 2
    assert one_error_line(result) == f"{option} goes with -f manifests, not with check MODEL (which would ignore it)"


def test_jobs_out_of_range_is_a_usage_error():
    result = kubecheck("check", "-f", str(EXAMPLES), "--jobs", "0")
    assert result.exit_code == 2
    assert "'--jobs' / '-j': 0 is not in the range 1<=x<=64" in result.stderr


def test_html_is_written_where_the_user_said(tmp_path):
    out = tmp_path / "report.html"
    result = kubecheck("check", "-f", str(EXAMPLES / "recreate-deployment.yaml"), "--format", "html", "--out", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "deployment/grafana" in page


def test_a_deployment_too_large_for_explicit_search_is_refused_with_the_way_out():
    result = kubecheck("check", "deployment", "replicas_within_surge", "--set", "replicas=1000")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "replicas 1000: the Deployment's state space grows about as replicas^4; explicit search is refused above 20 "
        "replicas; use --engine kind or pdr (symbolic, this instance), --engine auto, or give explicit search a budget "
        "(--max-states, --timeout)"
    )


def test_check_f_faults_adds_the_properties_that_assume_them():
    web = str(EXAMPLES / "web-deployment.yaml")
    quiet = json.loads(kubecheck("check", "-f", web, "--format", "json").stdout)
    crash = json.loads(kubecheck("check", "-f", web, "--format", "json", "--faults", "crash").stdout)
    checked = [{p["property"] for p in doc["workloads"][0]["properties"]} for doc in (quiet, crash)]
    assert checked[1] - checked[0] == {"deployment.availability_floor_with_crashes"}
    assert (quiet["faults"], crash["faults"]) == ([], ["crash"])
    skipped = {s["property"]: s["reason"] for s in quiet["workloads"][0]["skipped"]}
    assert skipped["deployment.availability_floor_with_crashes"] == "needs faults: crash (--faults crash)"
    text = kubecheck("check", "-f", web, "--faults", "crash")
    assert "(Kubernetes v1.35 semantics; user: one template edit; faults: crash)" in text.stdout.splitlines()[0]


def test_check_f_unknown_fault_is_exit_2():
    result = kubecheck("check", "-f", str(EXAMPLES / "web-deployment.yaml"), "--faults", "crash,meteor")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "--faults: expected a comma list of crash, evict, force-delete, partition, node-failure, node-delete, "
        "never-start, never-ready, crash-before-ready, crash-after-ready, evicted (or all, none; one failure mode), "
        "got 'crash,meteor'"
    )


SOLO = (
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: solo}\nspec:\n  replicas: 1\n"
    "  selector: {matchLabels: {app: solo}}\n"
    "  template:\n    metadata: {labels: {app: solo}}\n    spec: {containers: [{name: solo, image: nginx}]}\n"
)


def test_check_f_a_one_replica_deployment_passes_its_unreachable_witness_is_not_applicable():
    """27 of 45 public manifests exited 14: proportional scaling cannot happen with replicas: 1."""
    result = CliRunner().invoke(cli, ["check", "-f", "-"], input=SOLO)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    row = next(line for line in lines if line.startswith("  deployment.paused_deployment_scales_proportionally "))
    assert row.split()[1:4] == ["N/A", "explicit", "replicas=1"]
    assert (
        "  deployment.paused_deployment_scales_proportionally: not applicable: not reached in any run of this "
        "configuration (exhaustive search at replicas=1); the property assumes RollingUpdate; a template edit, a "
        "pause and a `kubectl scale`; no faults, no rollout undo"
    ) in lines
    assert lines[-1].startswith("summary: 19 HOLDS (1 vacuous), 5 WITNESSED, 1 not applicable in ") and lines[
        -1
    ].endswith("exit 0")


def test_check_f_strict_fails_a_one_replica_deployment_on_its_unreachable_witness():
    result = CliRunner().invoke(cli, ["check", "-f", "-", "--strict"], input=SOLO)
    assert result.exit_code == 14
    assert result.stdout.splitlines()[-1].startswith("summary: 19 HOLDS (1 vacuous), 5 WITNESSED, 1 UNREACHABLE in ")


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--scope", "tiny"], "--scope"),
        (["--scope", "small"], "--scope"),  # the default, typed: still refused, -f ignores it
        (["--set", "replicas=2"], "--set"),
        (["--for-all", "replicas"], "--for-all"),
        (["--depth", "3"], "--depth"),
        (["--certificate", "proof.smt2"], "--certificate"),
        (["--depth", "3", "--set", "replicas=2"], "--set"),  # the first in --help order is named
    ],
)
def test_an_option_of_check_model_is_a_usage_error_with_f(args, option):
    result = kubecheck("check", "-f", str(EXAMPLES / "web-deployment.yaml"), *args)
    assert result.exit_code == 2
    assert one_error_line(result) == f"{option} goes with check MODEL, not with -f manifests (which it would ignore)"


def test_the_options_check_f_reads_are_accepted():
    result = kubecheck(
        "check", "-f", str(EXAMPLES / "web-deployment.yaml"), "--faults", "none", "--engine", "auto", "--quiet",
        "--timeout", "60", "--max-states", "100000", "--format", "json", "--nodes", "2", "--strict", "--verbose",
    )  # fmt: skip
    assert result.exit_code in (0, 10, 12, 13, 14), result.stderr
    assert json.loads(result.stdout)


def test_check_help_marks_the_options_of_each_mode():
    out = " ".join(kubecheck("check", "--help").stdout.split())
    for option in (
        "--scope PRESET",
        "--set NAME=VALUE",
        "--for-all NAME[=LO..HI],...",
        "--depth N",
        "--certificate FILE",
    ):
        assert f"{option} without -f: " in out, option
    for option in ("--nodes N", "-v, --verbose"):
        assert f"{option} with -f: " in out, option
    assert "--strict count vacuous verdicts" in out and "with -f also violations of properties upstream" in out


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github", "html"])
def test_manifest_formats_are_refused_with_a_model(fmt):
    result = kubecheck("check", "deployment", "--scope", "tiny", "--format", fmt)
    assert result.exit_code == 2
    assert one_error_line(result) == f"--format {fmt} goes with -f manifests"
