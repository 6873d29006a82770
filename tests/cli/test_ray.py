"""``--ray [ADDRESS]``: the fan-out of ``check -f`` and the partitioned explicit search on Ray.

What it promises: with Ray, ``check -f`` gives the serial run's report (text with the seconds
masked: wall time is what a distributed run changes) and exit code; ``check MODEL --workers N
--ray`` gives the single process's verdicts, counts and trace lengths. Without Ray, or where a
private network namespace cannot be created, ``--ray`` is one ``Error:`` line and exit 2.

The Ray tests run against a local head this module's fixture starts with ``ray start --head``
inside a private network namespace (only loopback: nothing listens outside it), within bounded
time, and kills at the end (the namespace has its own pids: killing its init ends every Ray
process). The clients join its network with ``nsenter``. They are skipped when Ray is not
installed or the namespace cannot be created; a missing Ray fails instead with
``KUBECHECK_REQUIRE_RAY=1`` (CI installs the extra).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kubecheck.checker import ray_transport
from kubecheck.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
#: Two files, three kinds of verdict (as tests/manifest/test_fanout.py): a Deployment with a violation and a
#: DaemonSet whose rollout sticks; no per-workload limit, so that a loaded machine cannot change a row.
MANIFEST_ARGS = [
    "check",
    "-f",
    str(EXAMPLES / "recreate-deployment.yaml"),
    str(EXAMPLES / "log-collector-daemonset.yaml"),
    "--workload-timeout",
    "3600",
]
#: Safety properties of one scope at tiny: one HOLDS (so the search is exhaustive), one VIOLATED, one WITNESSED.
MODEL_ARGS = [
    "check",
    "deployment",
    "deployment.replicas_within_surge",
    "deployment.live_pods_within_surge",
    "deployment.rollout_can_complete",
    "--scope",
    "tiny",
    "--format",
    "json",
]
PORT = 6379
HEAD_SECONDS = 120.0  # the head must be up within this
RUN_SECONDS = 900.0
SECONDS = re.compile(r"\b\d+\.\d+\b")  # the seconds column and the summary's "in 12.4 s"


def _ray_or_skip() -> None:
    """Skip without Ray or without a private network namespace (some hosts forbid unprivileged user
    namespaces: kubecheck then refuses to start a local head, which the refusal tests cover); with
    ``KUBECHECK_REQUIRE_RAY=1`` (CI, which installs the extra) a missing Ray fails instead."""
    if importlib.util.find_spec("ray") is None:
        why = f"Ray is not installed ({ray_transport.INSTALL})"
        if os.environ.get("KUBECHECK_REQUIRE_RAY") == "1":
            pytest.fail(why)
        pytest.skip(why)
    if shutil.which("nsenter") is None:
        pytest.skip("nsenter is not on PATH: the test cannot join the head's private network namespace")
    problem = ray_transport.namespace_problem()
    if problem is not None:
        pytest.skip(f"no private network namespace here: {problem}")


def _child_of(pid: int) -> int | None:
    """The process whose parent is ``pid`` (unshare's child: the namespace's init), if any."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                return int(entry.name)
    return None


class Head:
    """A Ray head in its own network and pid namespace; :meth:`run` runs kubecheck in its network."""

    def __init__(self) -> None:
        prefix = ray_transport.namespace_command()
        assert prefix is not None
        self.temp = tempfile.mkdtemp(prefix="kubecheck-ray-test-")
        ray = Path(sys.executable).parent / "ray"
        command = [
            *prefix,
            str(ray),
            "start",
            "--head",
            "--block",
            f"--port={PORT}",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--node-ip-address=127.0.0.1",
            "--disable-usage-stats",
            f"--temp-dir={self.temp}",
        ]
        # token authentication on, with a token of this fixture's own (head and clients): not ~/.ray/auth_token
        token = {"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)}
        self.env = {**os.environ, **ray_transport.NAMESPACE_ENV, **token}
        self.log = open(Path(self.temp) / "head.log", "w+")  # closed in stop()
        self.proc = subprocess.Popen(command, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self.inside: int | None = None

    def wait_ready(self) -> None:
        """Until the head's GCS port listens in its namespace (at most :data:`HEAD_SECONDS`)."""
        deadline = time.monotonic() + HEAD_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            self.inside = self.inside or _child_of(self.proc.pid)
            if self.inside is not None:
                ss = self.enter(["ss", "-ltn"], timeout=30)
                if f":{PORT} " in ss.stdout:
                    return
            time.sleep(1.0)
        self.log.seek(0)
        raise AssertionError(f"the Ray head did not start within {HEAD_SECONDS:g} s:\n{self.log.read()[-3000:]}")

    def enter(self, command: list[str], timeout: float = RUN_SECONDS) -> subprocess.CompletedProcess[str]:
        """``command`` in the head's user and network namespaces."""
        nsenter = ["nsenter", "--preserve-credentials", "--user", "--net", "--target", str(self.inside)]
        return subprocess.run(
            [*nsenter, *command], capture_output=True, text=True, env=self.env, timeout=timeout, cwd=ROOT
        )

    def run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        return self.enter([sys.executable, "-m", "kubecheck.cli", *args])

    def stop(self) -> None:
        """Kill unshare: its child, the namespace's init, gets SIGKILL, and with it every Ray process."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.temp, ignore_errors=True)


@pytest.fixture(scope="module")
def head() -> Iterator[Head]:
    _ray_or_skip()
    h = Head()
    try:
        h.wait_ready()
        yield h
    finally:
        h.stop()


@pytest.fixture(scope="module")
def serial_manifest_run() -> tuple[str, int]:
    """The serial run's text report (seconds masked) and exit code, computed once."""
    result = CliRunner().invoke(cli, MANIFEST_ARGS)
    return SECONDS.sub("N", result.stdout), result.exit_code


def _rows(text: str) -> list[tuple[Any, ...]]:
    """Per result: property, verdict, counts, completeness, trace length (what a partitioned search must keep)."""
    out = []
    for r in json.loads(text)["results"]:
        s = r["stats"]
        trace = len(r["trace"]["steps"]) if r["trace"] else None
        out.append((r["property"], r["verdict"], s["states"], s["transitions"], s["depth"], s["complete"], trace))
    return out


# -- with a Ray head ---------------------------------------------------------------------------


@pytest.mark.slow
def test_check_f_on_a_ray_cluster_gives_the_serial_report_and_exit_code(
    head: Head, serial_manifest_run: tuple[str, int]
) -> None:
    done = head.run([*MANIFEST_ARGS, "--ray", f"127.0.0.1:{PORT}"])
    assert (SECONDS.sub("N", done.stdout), done.returncode) == serial_manifest_run, done.stderr


@pytest.mark.slow
def test_check_f_ray_without_address_starts_its_own_head_in_a_private_namespace_and_gives_the_serial_report(
    serial_manifest_run: tuple[str, int],
) -> None:
    _ray_or_skip()
    done = subprocess.run(
        [sys.executable, "-m", "kubecheck.cli", *MANIFEST_ARGS, "--ray"],
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        cwd=ROOT,
    )
    assert (SECONDS.sub("N", done.stdout), done.returncode) == serial_manifest_run, done.stderr
    assert done.stderr == ""  # no Ray warnings on the user's terminal


@pytest.mark.slow
def test_partitioned_search_on_two_ray_actors_keeps_the_single_process_verdicts_counts_and_trace_lengths(
    head: Head,
) -> None:
    one = CliRunner().invoke(cli, MODEL_ARGS)
    done = head.run([*MODEL_ARGS, "--workers", "2", "--ray", f"127.0.0.1:{PORT}"])
    assert done.returncode == one.exit_code == 12, done.stderr
    assert _rows(done.stdout) == _rows(one.stdout)
    assert [r[1] for r in _rows(done.stdout)] == ["HOLDS", "VIOLATED", "WITNESSED"]


@pytest.mark.slow
def test_swarm_walks_shared_over_two_ray_tasks_give_the_single_process_answer(head: Head) -> None:
    args = [*MODEL_ARGS[:5], "--scope", "tiny", "--engine", "swarm", "--walks", "200", "--format", "json"]
    one = CliRunner().invoke(cli, args)
    done = head.run([*args, "--workers", "2", "--ray", f"127.0.0.1:{PORT}"])
    assert done.returncode == one.exit_code == 12, done.stderr
    assert _rows(done.stdout) == _rows(one.stdout)
    assert [r["note"] for r in json.loads(done.stdout)["results"]] == [
        r["note"] for r in json.loads(one.stdout)["results"]
    ]  # the walk that found each trace, the walks done, the distinct states seen
    assert [r[1] for r in _rows(done.stdout)] == ["INCONCLUSIVE", "VIOLATED", "WITNESSED"]  # never HOLDS


_PINNED_SMALL = """
import json, sys
sys.path.insert(0, "tests/model")
from state_counts import row
from kubecheck.checker import ray_transport
from kubecheck.checker.explicit import bfs, workers
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.property import Property
true = Property(name="t.true", kind="always", doc="true", upstream="-", predicate=lambda ops, sc, s: True)
with ray_transport.session(sys.argv[1]):
    [r] = bfs.explore(dep.MODEL, PRESETS["small"], [true], workers=2)
pinned = row("deployment", "small")
print(json.dumps([r.verdict.name, [r.stats.states, r.stats.transitions, r.stats.depth], list(pinned.counts),
                  workers.LAST_TRAFFIC]))
"""


@pytest.mark.slow
def test_two_ray_actors_reach_the_pinned_state_count_of_small(head: Head) -> None:
    done = head.enter([sys.executable, "-c", _PINNED_SMALL, f"127.0.0.1:{PORT}"])
    assert done.returncode == 0, done.stderr
    verdict, counts, pinned, traffic = json.loads(done.stdout.strip().splitlines()[-1])
    assert verdict == "HOLDS"
    assert counts == pinned
    # one round per BFS level (depth + 1 of them), and one more when the deepest level still sent states
    # (already seen by their owner); and states did travel between the actors
    assert pinned[2] + 1 <= traffic["rounds"] <= pinned[2] + 2
    assert traffic["sent"] > 0


# -- refusals (no Ray needed) ------------------------------------------------------------------


def _invoke(args: list[str]) -> Any:
    return CliRunner().invoke(cli, args)


def test_ray_not_installed_exits_2_with_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray raises ImportError
    result = _invoke([*MANIFEST_ARGS, "--ray"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --ray: Ray is not installed; install it with pip install 'kubecheck[ray]'\n"


def test_no_private_namespace_exits_2_saying_how_to_start_a_head_and_pass_its_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(ray_transport, "require", lambda: None)
    monkeypatch.setattr(ray_transport, "is_private_network", lambda: False)
    monkeypatch.setattr(ray_transport, "namespace_problem", lambda: "unshare: unshare failed: Operation not permitted")
    monkeypatch.setattr(sys, "argv", ["kubecheck", *MANIFEST_ARGS, "--ray"])
    result = _invoke([*MANIFEST_ARGS, "--ray"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --ray: cannot create a private network namespace (unshare: unshare failed: Operation not "
        f"permitted); {ray_transport.START_HEAD}\n"
    )


def test_a_local_head_is_refused_outside_a_private_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ray_transport, "require", lambda: None)
    monkeypatch.setattr(ray_transport, "is_private_network", lambda: False)
    with pytest.raises(ray_transport.RayUnavailable, match="starts only in a private network namespace"):
        with ray_transport.session(None):
            pass


def test_check_model_with_ray_needs_two_workers_or_more(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ray_transport, "require", lambda: None)
    result = _invoke(["check", "deployment", "--scope", "tiny", "--ray=127.0.0.1:6379"])
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --ray with check MODEL: expected --workers N of at least 2 (the search's partitions or the swarm's "
        "shares of walks, on Ray), got 1\n"
    )


@pytest.mark.parametrize("address", ["deployment", "127.0.0.1", "http://x:1"])
def test_an_address_that_is_not_host_port_is_refused(monkeypatch: pytest.MonkeyPatch, address: str) -> None:
    monkeypatch.setattr(ray_transport, "require", lambda: None)
    result = _invoke([*MANIFEST_ARGS, f"--ray={address}"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: --ray: expected ADDRESS host:port or ray://host:port, got {address!r}")


def test_the_network_interfaces_are_read_from_this_process_namespace() -> None:
    names = ray_transport.interfaces()
    assert "lo" in names
    assert ray_transport.is_private_network() == (names == ["lo"])


def test_an_address_where_nothing_listens_is_refused_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ray_transport, "require", lambda: None)
    result = _invoke([*MANIFEST_ARGS, "--ray=127.0.0.1:1"])  # port 1 (tcpmux): nothing listens on loopback
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --ray 127.0.0.1:1: no Ray cluster answers there (")
    assert result.stderr.endswith(f"; {ray_transport.START_HEAD}\n")
