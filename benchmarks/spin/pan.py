"""Run SPIN on a kernel model: Promela from :mod:`promela`, ``spin -a``, ``gcc``, ``./pan``; parse its counts.

    python benchmarks/spin/pan.py 3     # the per-pod Deployment benchmark at replicas 3: SPIN vs kubecheck

pan is compiled with ``-O2 -DSAFETY -DNOREDUCE`` (safety only; one process, so partial-order
reduction has nothing to reduce) and run with ``-E`` (a state where no action is enabled is
the model's end, not an error), ``-m`` (the DFS stack) as deep as there are states, and a
hash table of ``2^w`` slots sized to the expected states. Its CPU time is the child's user +
system time (``getrusage``), compilation excluded, as kubecheck's is.
"""

from __future__ import annotations

import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent))
from promela import promela


@attrs.frozen
class SpinRun:
    """One pan run: states stored, states matched (revisits), CPU and wall seconds, build seconds."""

    states: int
    matched: int
    cpu: float
    wall: float
    build: float
    version: str


def available() -> str | None:
    """None if ``spin`` and ``gcc`` are installed, else why not."""
    missing = [tool for tool in ("spin", "gcc") if shutil.which(tool) is None]
    return f"not installed: {', '.join(missing)} (Debian: apt-get install spin gcc)" if missing else None


def run(model: Any, scope: Any, expected_states: int = 1 << 20, repeat: int = 1) -> SpinRun:
    """Generate, build and run pan for ``model`` in ``scope``; exhaustive safety search.

    With ``repeat`` > 1 pan runs that many times; CPU and wall seconds are the medians.
    """
    with tempfile.TemporaryDirectory(prefix="kubecheck-spin-") as tmp:
        work = Path(tmp)
        pml, header = promela(model, scope)
        (work / "model.pml").write_text(pml)
        (work / "kc_model.h").write_text(header)
        started = time.perf_counter()
        subprocess.run(["spin", "-a", "model.pml"], cwd=work, check=True, capture_output=True, text=True)
        subprocess.run(
            ["gcc", "-O2", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"], cwd=work, check=True, capture_output=True
        )
        build = time.perf_counter() - started
        width = max(16, (2 * expected_states).bit_length())
        cpus, walls = [], []
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                ["./pan", "-E", f"-m{expected_states + 1000}", f"-w{width}"],
                cwd=work,
                check=True,
                capture_output=True,
                text=True,
            )
            walls.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        text = done.stdout
        stored = re.search(r"(\d+) states, stored", text)
        matched = re.search(r"(\d+) states, matched", text)
        errors = re.search(r"errors: (\d+)", text)
        if stored is None or matched is None or errors is None or errors.group(1) != "0":
            raise RuntimeError(f"unexpected pan output:\n{text}")
        version = subprocess.run(["spin", "-V"], capture_output=True, text=True).stdout.strip()
        cpu, wall = statistics.median(cpus), statistics.median(walls)
        return SpinRun(int(stored.group(1)), int(matched.group(1)), cpu, wall, build, version)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import per_pod_deployment as pp
    import run as bench

    replicas = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    scope = pp.fitted_scope(bench.scaling_scope(replicas))
    print(run(pp.MODEL, scope))
