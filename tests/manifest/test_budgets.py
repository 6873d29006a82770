"""Budgets hold under ``check -f`` (issue 12, item 1): --timeout in total, a time per workload, Ctrl-C.

The subprocess tests run the CLI as a user would, on a Deployment with ``replicas: 10`` (which
ran until killed before the budgets held); their wall-clock margins are generous: they check that
the run stops, not how fast the engines are.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kubecheck import manifest
from kubecheck.checker.task import Budget, OutOfTime, Watchdog

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "web-deployment.yaml"


def replicas_manifest(tmp_path: Path, replicas: int) -> Path:
    text = EXAMPLE.read_text()
    assert "replicas: 3" in text
    path = tmp_path / f"deploy-replicas-{replicas}.yaml"
    path.write_text(text.replace("replicas: 3", f"replicas: {replicas}", 1))
    return path


def _default_sigint() -> None:
    """Ctrl-C as a terminal delivers it: a test run started in the background (``nohup … &``)
    passes SIGINT on *ignored*, and a process that inherits an ignored SIGINT rightly keeps
    ignoring it (POSIX; kubecheck leaves such a disposition alone)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kubecheck(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "kubecheck.cli", *args]
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=_default_sigint,
    )


def test_timeout_holds_on_a_deployment_of_ten_replicas(tmp_path: Path) -> None:
    """Without --timeout this check runs for many minutes; the communicate timeout is the hang guard
    (generous, so that load on the machine cannot fail the test: timing is the benchmarks' business)."""
    run = kubecheck("check", "-f", str(replicas_manifest(tmp_path, 10)), "--timeout", "20")
    out, err = run.communicate(timeout=300)
    assert run.returncode in (0, 10, 12, 13), err
    assert "deployment.replicas_within_surge" in out
    assert "summary:" in out, err
    assert err == "", err


def test_ctrl_c_prints_the_partial_table(tmp_path: Path) -> None:
    run = kubecheck("check", "-f", str(replicas_manifest(tmp_path, 10)))
    time.sleep(4)  # past start-up (a Ctrl-C while Python imports ends the process, as it should)
    assert run.poll() is None, "finished before Ctrl-C"
    run.send_signal(signal.SIGINT)
    out, err = run.communicate(timeout=120)  # the hang guard: the uninterrupted run takes many minutes
    assert run.returncode in (10, 12, 13), err
    assert "deployment.no_stuck_rollout" in out and "INCONCLUSIVE" in out
    assert "summary:" in out and "Traceback" not in err


def test_a_spent_total_budget_leaves_the_workload_inconclusive(tmp_path: Path) -> None:
    report = manifest.check_manifests([replicas_manifest(tmp_path, 10)], budget=Budget(timeout=1e-9))
    [workload] = report.workloads
    assert {row.result.verdict.name for row in workload.rows} == {"INCONCLUSIVE"}
    assert {row.result.stats.stop_reason for row in workload.rows} == {"timeout"}
    assert report.exit_code == 10


def test_max_states_holds_under_manifests(tmp_path: Path) -> None:
    """--max-states with -f: the plan explores a size whose predicted largest search fits it, and every
    explicit search of the run stops at it (what does not fit is INCONCLUSIVE, never a verdict)."""
    report = manifest.check_manifests(
        [replicas_manifest(tmp_path, 3)], engine="explicit", budget=Budget(max_states=3000)
    )
    [workload] = report.workloads
    explicit = [row for row in workload.rows if row.result.engine.startswith("explicit")]
    assert explicit and all(row.result.stats.states <= 3000 for row in explicit)
    assert all(row.reduced and row.size.endswith(" of 3") for row in explicit)


#: The watchdog acts on process-wide state (an asynchronous exception in the guarded thread, z3's
#: global interrupt), so the test that lets it fire runs in a process of its own: a pytest process
#: that went on after it could inherit what it left behind.
WATCHDOG_FIRES = """
import time
import z3
from kubecheck.checker.task import OutOfTime, Watchdog

cubes = [z3.Int(f"a{i}") for i in range(40)]
hard = z3.Solver()
hard.add(z3.Sum([a * a * a for a in cubes]) == 12345678901, *[a > 1 for a in cubes])
dog = Watchdog()
started = time.monotonic()
stopped = False
try:
    with dog.limit(0.5):
        hard.check()
        while True:  # z3 answered unknown: the OutOfTime is raised at the next instruction
            pass
except OutOfTime:
    stopped = True
finally:
    dog.close()
x = z3.Int("x")
s = z3.Solver()
s.add(x > 1)
print(stopped, time.monotonic() - started < 10, s.check() == z3.sat)  # z3 works after the interrupt
"""


def test_the_watchdog_stops_a_z3_call_at_its_deadline() -> None:
    done = subprocess.run([sys.executable, "-c", WATCHDOG_FIRES], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True"], done.stdout + done.stderr


def test_the_watchdog_is_silent_when_the_work_ends_in_time() -> None:
    dog = Watchdog()
    try:
        with dog.limit(5):
            value = sum(range(1000))
        time.sleep(0.1)
    finally:
        dog.close()
    assert value == 499500


def test_an_out_of_time_lost_in_a_finaliser_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    class Finalised:
        def __del__(self) -> None:
            raise OutOfTime

    dog = Watchdog()
    try:
        Finalised()
    finally:
        dog.close()
    assert capsys.readouterr().err == ""


def test_workload_timeout_goes_with_manifests() -> None:
    from click.testing import CliRunner

    from kubecheck.cli.main import cli

    result = CliRunner().invoke(cli, ["check", "deployment", "--workload-timeout", "5"])
    assert result.exit_code == 2
    assert "--workload-timeout goes with -f manifests, not with check MODEL (which would ignore it)" in result.output


def test_workload_timeout_bounds_each_workload(tmp_path: Path) -> None:
    run = kubecheck("check", "-f", str(replicas_manifest(tmp_path, 10)), "--workload-timeout", "8")
    out, err = run.communicate(timeout=300)  # the hang guard (without the budget the run takes many minutes)
    assert run.returncode in (0, 10, 12, 13), err
    assert "summary:" in out, err


def test_status_names_the_workload_and_the_step() -> None:
    heard: list[str] = []
    manifest.check_manifests([ROOT / "examples" / "recreate-deployment.yaml"], status=heard.append)
    assert heard and all(line.startswith("deployment/") for line in heard)
    assert any(": step 1 of " in line for line in heard)
