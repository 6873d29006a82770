"""``kubecheck export-test TRACE``: a saved trace becomes a pytest file that keeps the bug found.

A trace ``check -f`` saved for an example (the DaemonSet stuck behind a NoSchedule taint) is
exported; the generated file, run by pytest in a subprocess, passes; with its embedded trace cut
short (the bug no longer shown) or edited (a step that no longer replays) it fails and says why.
A trace that does not reproduce is not exported (exit 3), a file that is not a trace is one line
and exit 2, and a report with several traces gives one test per trace.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import kubecheck, one_error_line

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
STUCK = "daemonset-fluent-bit-finished_or_stuck"


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ITF trace of the DaemonSet example's finished_or_stuck violation, as check -f saves it."""
    tmp = tmp_path_factory.mktemp("traces")
    result = kubecheck(
        "check", "-f", str(EXAMPLES / "log-collector-daemonset.yaml"), "--format", "itf", "--out", str(tmp / "t.json")
    )
    assert result.exit_code == 12, result.output
    path = tmp / f"t.{STUCK}.json"  # FILE.<workload>-<property>.json, one file per trace
    assert path.exists(), sorted(p.name for p in tmp.iterdir())
    return path


def export(trace: Path, out: Path) -> str:
    result = kubecheck("export-test", str(trace))
    assert result.exit_code == 0, result.stderr
    out.write_text(result.stdout)
    return result.stdout


def run_pytest(*test_files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *(f.name for f in test_files)],
        cwd=test_files[0].parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def embedded(source: str) -> dict:
    found = re.search(r'^TRACE = r"""\n(.*?)\n"""$', source, re.S | re.M)
    assert found is not None
    return json.loads(found.group(1))


def with_trace(source: str, doc: dict) -> str:
    return re.sub(
        r'^TRACE = r"""\n.*?\n"""$',
        lambda _: 'TRACE = r"""\n' + json.dumps(doc, indent=1) + '\n"""',
        source,
        flags=re.S | re.M,
    )


def test_the_exported_test_replays_the_trace_and_passes(saved: Path, tmp_path: Path) -> None:
    source = export(saved, tmp_path / "test_stuck_rollout.py")
    assert "def test_fluent_bit_finished_or_stuck_stays_violated() -> None:" in source
    assert "daemonset/fluent-bit: daemonset.finished_or_stuck VIOLATED in" in source
    assert embedded(source) == json.loads(saved.read_text())  # the trace, verbatim
    ran = run_pytest(tmp_path / "test_stuck_rollout.py")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout


def test_the_exported_test_fails_when_its_trace_no_longer_shows_the_bug(saved: Path, tmp_path: Path) -> None:
    source = export(saved, tmp_path / "unused.py")
    doc = embedded(source)
    cut = json.loads(json.dumps(doc))
    cut["states"] = cut["states"][:-1]  # one step short of the stuck state
    (tmp_path / "test_cut.py").write_text(with_trace(source, cut))
    edited = json.loads(json.dumps(doc))
    edited["#meta"]["scope"]["nodes"] = "2"  # a recorded field the re-run no longer gives
    (tmp_path / "test_edited.py").write_text(with_trace(source, edited))
    ran = run_pytest(tmp_path / "test_cut.py", tmp_path / "test_edited.py")
    assert ran.returncode == 1, ran.stdout + ran.stderr
    assert "2 failed" in ran.stdout
    assert "verdict NOT reproduced: the trace claims VIOLATED, but daemonset.finished_or_stuck holds" in ran.stdout
    assert "AssertionError: the trace does not replay" in ran.stdout


def test_a_trace_that_does_not_reproduce_is_not_exported(saved: Path, tmp_path: Path) -> None:
    doc = json.loads(saved.read_text())
    doc["states"] = doc["states"][:-1]
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(doc))
    result = kubecheck("export-test", str(cut))
    assert result.exit_code == 3
    assert one_error_line(result).startswith(f"{cut}: the trace claims VIOLATED, but daemonset.finished_or_stuck")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not a JSON document"),
        ("[]", "expected a JSON object"),
        ('{"format": "kubecheck.trace/1", "model": "nginx"}', "field model: expected one of"),
    ],
    ids=["not-json", "not-an-object", "unknown-model"],
)
def test_a_file_that_is_not_a_trace_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = kubecheck("export-test", str(path))
    assert result.exit_code == 2
    assert message in one_error_line(result)


def test_a_missing_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = kubecheck("export-test", str(tmp_path / "nowhere.json"))
    assert result.exit_code == 2
    assert one_error_line(result).startswith(f"cannot read {tmp_path / 'nowhere.json'}")


def test_a_report_with_several_traces_gives_one_test_each(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    args = ["check", "deployment", "live_pods_within_surge", "rollout_can_complete", "--scope", "tiny"]
    assert kubecheck(*args, "--format", "json", "--out", str(report), "-q").exit_code == 12
    result = kubecheck("export-test", str(report), "--out", str(tmp_path / "test_report.py"))
    assert result.exit_code == 0, result.stderr
    source = (tmp_path / "test_report.py").read_text()
    assert re.findall(r"^def (test_\w+)\(", source, re.M) == [
        "test_web_live_pods_within_surge_stays_violated",  # the preset's Deployment is named web
        "test_web_rollout_can_complete_stays_witnessed",
    ]
    namespace: dict = {}
    exec(compile(source, "test_report.py", "exec"), namespace)  # both pass in-process
    namespace["test_web_live_pods_within_surge_stays_violated"]()
    namespace["test_web_rollout_can_complete_stays_witnessed"]()
