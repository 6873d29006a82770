"""1 → 2 workers, local processes and Ray: the fan-out of ``check -f`` and the partitioned explicit search.

    python benchmarks/scaling.py [--files F...] [--preset medium] [--no-ray]

Each measurement runs in a fresh child process (cold caches, as a user's run), the Ray ones
inside a private network namespace with their own local head (``kubecheck.checker.ray_transport``;
the head's start is timed apart and not counted in the run's wall time):

* **fan-out** (``check -f FILES``, no per-workload time limit): serial, ``--jobs 2`` (spawned processes), Ray tasks on a
  2-CPU local head. Traffic: the tasks sent and the bytes of the pickled reports that came back.
  The reports are compared as JSON with the seconds masked.
* **partitioned search** (Deployment at ``--preset``, one property that holds, to exhaustion):
  one process, 2 forked workers, 2 Ray actors. Traffic: rounds (BFS levels), states sent between
  partitions, states sent per wall second, the mean and largest batch. Counts are compared with
  the pinned row.

Writes benchmarks/results/scaling.md with the load average before and after each measurement:
this machine has 2 CPUs shared with other work, so a speed-up here is a lower bound.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model, load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "scaling.md"
#: Four of examples/ (every kind, the longest workloads): not the whole directory, whose run is long.
FILES = [
    "examples/recreate-deployment.yaml",
    "examples/web-deployment.yaml",
    "examples/log-collector-daemonset.yaml",
    "examples/database-statefulset.yaml",
]
SECONDS = re.compile(r'"seconds": [0-9.e+-]+')


# -- children ----------------------------------------------------------------------------------


def _ray_session(mode: str) -> Any:
    from contextlib import nullcontext

    from kubecheck.checker import ray_transport

    return ray_transport.session(None) if mode == "ray" else nullcontext()


def child_fanout(mode: str, files: list[str]) -> dict[str, Any]:
    from kubecheck import manifest
    from kubecheck.cli import manifest_json
    from kubecheck.manifest import fanout

    sizes: list[int] = []
    loads = fanout.loads

    def counted(data: bytes, *args: Any) -> Any:
        sizes.append(len(data))
        return loads(data, *args)

    fanout.loads = counted  # type: ignore[assignment]
    t0 = time.perf_counter()
    with _ray_session(mode):
        up = time.perf_counter() - t0
        started = time.perf_counter()
        # no per-workload time limit: on a loaded machine a 60 s limit turns rows INCONCLUSIVE by chance
        report = manifest.check_manifests(files, jobs=1 if mode == "serial" else 2, workload_seconds=None)
        wall = time.perf_counter() - started
    text = json.dumps(json.loads(manifest_json.render(report)), sort_keys=True)
    masked = SECONDS.sub('"seconds": 0', text)
    Path(tempfile.gettempdir(), f"kubecheck-scaling-{mode}.json").write_text(masked)  # to diff when they differ
    return {
        "wall": wall,
        "startup": up,
        "exit": report.exit_code,
        "report": hashlib.sha256(masked.encode()).hexdigest()[:12],
        "workloads": len(report.workloads),
        "per_workload": [round(w.seconds, 1) for w in report.workloads],
        "tasks": len(sizes),
        "bytes": sum(sizes),
        "cpu": time.process_time(),
    }


def child_search(mode: str, preset: str) -> dict[str, Any]:
    from kubecheck.checker.explicit import bfs, workers
    from kubecheck.model.controllers import deployment as dep
    from kubecheck.model.controllers.deployment_scope import PRESETS
    from kubecheck.model.kernel.property import Property

    true = Property(name="t.true", kind="always", doc="true", upstream="-", predicate=lambda ops, sc, s: True)
    n = 1 if mode == "one" else 2
    t0 = time.perf_counter()
    with _ray_session(mode):
        up = time.perf_counter() - t0
        started = time.perf_counter()
        [r] = bfs.explore(dep.MODEL, PRESETS[preset], [true], workers=n)
        wall = time.perf_counter() - started
    traffic = dict(workers.LAST_TRAFFIC) if n > 1 else {}
    return {
        "wall": wall,
        "startup": up,
        "states": r.stats.states,
        "transitions": r.stats.transitions,
        "depth": r.stats.depth,
        "verdict": r.verdict.name,
        "coordinator_cpu": time.process_time(),
        "workers_cpu": list(workers.LAST_CPU) if n > 1 else [],
        **traffic,
    }


# -- the parent --------------------------------------------------------------------------------


def measure(kind: str, mode: str, args: list[str]) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, mode, *args]
    env = dict(os.environ)
    if mode == "ray":
        from kubecheck.checker import ray_transport

        prefix = ray_transport.namespace_command()
        if prefix is None or ray_transport.namespace_problem():
            raise SystemExit(f"no private network namespace here: {ray_transport.namespace_problem()}")
        command = [*prefix, *command]
        env.update(ray_transport.NAMESPACE_ENV)
    before = load()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=1800)
    if done.returncode != 0:
        raise SystemExit(f"{kind} {mode} failed:\n{done.stderr}")
    out: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    out.update(load_before=before, load_after=load())
    print(f"{kind} {mode}: {out}", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", nargs="*", default=FILES)
    parser.add_argument("--preset", default="medium")
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        kind, mode, *rest = args.child
        result = child_fanout(mode, rest) if kind == "fanout" else child_search(mode, rest[0])
        print(json.dumps(result))
        return 0
    rays = [] if args.no_ray else ["ray"]
    fan = {mode: measure("fanout", mode, args.files) for mode in ["serial", "jobs", *rays]}
    search = {mode: measure("search", mode, [args.preset]) for mode in ["one", "local", *rays]}
    args.out.write_text(render(args, fan, search))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


def render(args: argparse.Namespace, fan: dict[str, dict[str, Any]], search: dict[str, dict[str, Any]]) -> str:
    names = {"serial": "serial (1 process)", "jobs": "--jobs 2 (processes)", "ray": "--ray (2 Ray tasks at once)"}
    base = fan["serial"]["wall"]
    lines = [
        "# Scaling: 1 → 2 workers, local processes and Ray",
        "",
        f"* command: `python benchmarks/scaling.py --preset {args.preset}` (files: {' '.join(args.files)})",
        f"* CPU: {cpu_model()}, {os.cpu_count()} CPUs, **shared with other work while this ran** (the load average "
        "before and after each run is in its row; a load near or above 2 means the second worker had no free CPU)",
        "* each run is a fresh process; a Ray run starts its own 2-CPU local head in a private network namespace "
        "first (*head start*, not counted in *wall*)",
        "",
        "## Fan-out of `check -f` (one task per workload)",
        "",
        f"Reports equal with the seconds masked: {'yes' if len({r['report'] for r in fan.values()}) == 1 else 'NO'}; "
        f"exit codes {sorted({r['exit'] for r in fan.values()})}; workloads {fan['serial']['workloads']}.",
        "",
        "| transport | wall s | speed-up | head start s | tasks | report bytes back | bytes / task "
        "| load before → after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for mode, r in fan.items():
        per = f"{r['bytes'] / r['tasks']:,.0f}" if r["tasks"] else "–"
        lines.append(
            f"| {names[mode]} | {r['wall']:.1f} | {base / r['wall']:.2f}× | "
            f"{r['startup']:.1f} | {r['tasks']} | {r['bytes']:,} | {per} | {r['load_before']} → {r['load_after']} |"
        )
    one = search["one"]
    snames = {"one": "1 process", "local": "2 forked workers", "ray": "2 Ray actors"}
    lines += [
        "",
        f"## Partitioned explicit search: Deployment `{args.preset}`, one property that holds, to exhaustion",
        "",
        "| transport | states | transitions | depth | wall s | speed-up | head start s | rounds | states sent | "
        "sent / wall s | mean batch | largest batch | CPU s (coordinator; workers) | load before → after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for mode, r in search.items():
        rounds, sent = r.get("rounds", 0), r.get("sent", 0)
        batches = rounds * 2 if rounds else 0  # one batch per partition per round
        cpu = f"{r['coordinator_cpu']:.1f}; " + ", ".join(f"{c:.1f}" for c in r["workers_cpu"])
        lines.append(
            f"| {snames[mode]} | {r['states']:,} | {r['transitions']:,} | {r['depth']} | {r['wall']:.1f} | "
            f"{one['wall'] / r['wall']:.2f}× | {r['startup']:.1f} | {rounds or '–'} | {sent:,} | "
            f"{sent / r['wall']:,.0f} | {sent / batches if batches else 0:,.0f} | {r.get('largest_batch', 0):,} | "
            f"{cpu} | {r['load_before']} → {r['load_after']} |"
        )
    lines += [
        "",
        "* *states sent*: successors found by one partition and owned by the other (each a Python int of the "
        "packed state plus its parent code), routed through the coordinator by the forked workers and from "
        "actor to actor on Ray; *mean batch* is per partition and round. The Ray actors compile the model "
        "themselves (their CPU seconds include it).",
        "* The counts are the single process's (the pinned row of `tests/model/state_counts.py`).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
