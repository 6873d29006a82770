"""``kubecheck replay``: saved reports and traces (JSON, ITF, stdin) replayed and re-checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import EXPECTED, kubecheck, one_error_line
from click.testing import CliRunner

from kubecheck.cli.main import cli
from kubecheck.properties import catalog

# -- replay ----------------------------------------------------------------------------------


def save(tmp_path: Path, fmt: str, *props: str) -> Path:
    out = tmp_path / f"trace.{fmt}.json"
    result = kubecheck("check", "deployment", *props, "--scope", "tiny", "--format", fmt, "--out", str(out), "-q")
    assert result.exit_code == 12
    return out


def test_replay_of_a_saved_json_report(tmp_path):
    path = save(tmp_path, "json", "live_pods_within_surge")
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0, result.stderr
    assert "verdict reproduced: VIOLATED" in result.stdout
    assert result.stdout.rstrip().endswith("1 trace replayed, 1 of 1 verdicts reproduced · exit 0")
    # the trace is rendered exactly as check renders it
    checked = (EXPECTED / "check_tiny_live_pods_within_surge.txt").read_text()
    block = checked[checked.index("VIOLATED  deployment.") : checked.index("  reproduce:")]
    assert block in result.stdout


def test_replay_of_a_saved_itf_trace(tmp_path):
    path = save(tmp_path, "itf", "live_pods_within_surge")
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0, result.stderr
    assert "verdict reproduced: VIOLATED" in result.stdout


def test_replay_of_a_trace_document_and_conversion_to_itf(tmp_path):
    report = json.loads(save(tmp_path, "json", "rollout_can_complete", "live_pods_within_surge").read_text())
    trace = tmp_path / "witness.json"
    trace.write_text(json.dumps(report["results"][0]["trace"]))
    result = kubecheck("replay", str(trace), "--format", "itf")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["#meta"]["verdict"] == "WITNESSED" and doc["#meta"]["preset"] == "tiny"
    again = tmp_path / "witness.itf.json"
    again.write_text(result.stdout)
    assert kubecheck("replay", str(again)).exit_code == 0


def test_replay_of_a_report_with_several_traces(tmp_path):
    path = save(tmp_path, "json", "live_pods_within_surge", "rollout_can_complete")
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0
    assert "2 traces replayed, 2 of 2 verdicts reproduced" in result.stdout


def test_replay_reads_standard_input(tmp_path):
    content = save(tmp_path, "itf", "live_pods_within_surge").read_text()
    result = CliRunner().invoke(cli, ["replay", "-", "--format", "json"], input=content)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["format"] == "kubecheck.trace/1" and doc["verdict"] == "VIOLATED"


def test_replay_of_an_edited_trace_is_one_line_and_exit_3(tmp_path):
    report = json.loads(save(tmp_path, "json", "live_pods_within_surge").read_text())
    trace = report["results"][0]["trace"]
    trace["steps"][1]["action"] = "kubelet.pod_ready(rs=1)"  # no pod of that ReplicaSet is running yet
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 3
    assert one_error_line(result) == f"{path}: step 2: kubelet.pod_ready(rs=1) is not enabled in the state before it"


def test_replay_of_an_edited_itf_state_is_exit_3(tmp_path):
    path = save(tmp_path, "itf", "live_pods_within_surge")
    doc = json.loads(path.read_text())
    doc["states"][2]["rs_replicas"] = [{"#bigint": "2"}, {"#bigint": "2"}]
    path.write_text(json.dumps(doc))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 3
    assert one_error_line(result) == f"{path}: states[2].rs_replicas: the file says (2, 2), the model computes (2, 1)"


def test_replay_of_a_cut_trace_does_not_reproduce_the_verdict(tmp_path):
    report = json.loads(save(tmp_path, "json", "live_pods_within_surge").read_text())
    trace = report["results"][0]["trace"]
    trace["steps"] = trace["steps"][:3]
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 3
    assert "verdict NOT reproduced" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not a JSON document: Expecting value: line 1 column 1 (char 0)"),
        ("[1, 2]", "expected a JSON object at the top level, got list"),
        (
            '{"format": "kubecheck.trace/1", "model": "cronjob", "scope": {}}',
            f"field model: expected one of {', '.join(sorted(catalog.MODELS))}, got 'cronjob'",
        ),
    ],
)
def test_replay_of_bad_files_is_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = kubecheck("replay", str(path))
    assert result.exit_code == 2
    assert one_error_line(result) == f"{path}: {message}"


def test_replay_of_a_missing_file_is_exit_2(tmp_path):
    result = kubecheck("replay", str(tmp_path / "missing.json"))
    assert result.exit_code == 2
    assert one_error_line(result) == f"cannot read {tmp_path / 'missing.json'}: No such file or directory"


# -- statefulset traces ------------------------------------------------------------------------


def save_statefulset(tmp_path: Path, fmt: str, prop: str, code: int, *args: str) -> Path:
    out = tmp_path / f"sts.{fmt}.json"
    result = kubecheck("check", "statefulset", prop, "--scope", "tiny", *args, "--format", fmt, "--out", str(out), "-q")
    assert result.exit_code == code
    return out


def test_replay_of_a_statefulset_lasso_in_json_and_itf(tmp_path):
    prop = "rolling_update_eventually_completes_with_broken_release"
    report = json.loads(save_statefulset(tmp_path, "json", prop, 13).read_text())
    trace = report["results"][0]["trace"]
    assert trace["loop"] == len(trace["steps"]) == 16  # a stutter: loops back to its last state
    result = kubecheck("replay", str(tmp_path / "sts.json.json"))
    assert result.exit_code == 0, result.stderr
    assert "verdict reproduced: VIOLATED" in result.stdout
    checked = (EXPECTED / "check_statefulset_tiny_broken_release.txt").read_text()
    block = checked[checked.index("VIOLATED  statefulset.") : checked.index("  reproduce:")]
    assert block in result.stdout
    itf = json.loads(save_statefulset(tmp_path, "itf", prop, 13).read_text())
    assert itf["loop"] == 16 and len(itf["states"]) == 17
    assert kubecheck("replay", str(tmp_path / "sts.itf.json")).exit_code == 0


def test_replay_of_a_cut_statefulset_lasso_does_not_reproduce(tmp_path):
    report = json.loads(
        save_statefulset(
            tmp_path,
            "json",
            "rollout_eventually_completes_with_broken_release".replace("rollout", "rolling_update"),
            13,
        ).read_text()
    )
    trace = report["results"][0]["trace"]
    trace["steps"] = trace["steps"][:-1]  # web-1 is still being started: the kubelet has work to do
    trace["loop"] = len(trace["steps"])
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 3
    assert "verdict NOT reproduced" in result.stdout


def test_replay_of_a_statefulset_safety_trace(tmp_path):
    path = save_statefulset(tmp_path, "json", "pods_created_in_ordinal_order_under_parallel", 12)
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0
    assert "pod/web-1 created at revision web-" in result.stdout
    assert result.stdout.rstrip().endswith("1 trace replayed, 1 of 1 verdicts reproduced · exit 0")


def test_replay_of_a_statefulset_trace_with_a_disabled_step_is_exit_3(tmp_path):
    report = json.loads(
        save_statefulset(tmp_path, "json", "pods_created_in_ordinal_order_under_parallel", 12).read_text()
    )
    trace = report["results"][0]["trace"]
    trace["steps"].insert(0, {**trace["steps"][0], "action": "kubelet.start_pod(pod=0, node=0)"})
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 3
    assert (
        one_error_line(result)
        == f"{path}: step 1: kubelet.start_pod(pod=0, node=0) is not enabled in the state before it"
    )


# -- daemonset traces --------------------------------------------------------------------------


def test_replay_of_a_daemonset_lasso(tmp_path):
    out = tmp_path / "ds.json"
    result = kubecheck(
        "check",
        "daemonset",
        "runs_on_every_eligible_node_with_relabels",
        "--scope",
        "tiny",
        "--set",
        "pod-deletes=1",
        "--format",
        "json",
        "--out",
        str(out),
        "-q",
    )
    assert result.exit_code == 13
    replayed = kubecheck("replay", str(out))
    assert replayed.exit_code == 0, replayed.stderr
    assert "verdict reproduced: VIOLATED" in replayed.stdout
    checked = (EXPECTED / "check_daemonset_tiny_relabel_lasso.txt").read_text()
    assert checked[checked.index("VIOLATED  daemonset.") : checked.index("  reproduce:")] in replayed.stdout
