"""``check -f --jobs N`` against one process, side by side: the same manifests, the same report.

    python benchmarks/fanout.py [FILES...]        # default: examples/ and the corpus' largest files

Runs ``kubecheck check -f FILES --format json`` with ``--jobs 1`` and ``--jobs 2`` alternately,
``--runs`` times each, and reports the wall and CPU seconds, the speed-up (median wall, 1 job over
N jobs) and that the reports are equal with their seconds masked. Writes
benchmarks/results/fanout.md. The load average before and after is stated: the ratio is measured
side by side in one run, not against another day's figure.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model, load

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "fanout.md"
SECONDS = re.compile(r'"seconds": [0-9.e+-]+')


def run(files: list[str], jobs: int) -> tuple[float, float, str, int]:
    """(wall s, CPU s of the process and its children, the report with seconds masked, exit code)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "kubecheck.cli", "check", "-f", *files, "--format", "json", "--jobs", str(jobs)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    report = json.dumps(json.loads(done.stdout), sort_keys=True) if done.stdout.strip() else done.stderr
    return wall, cpu, SECONDS.sub('"seconds": 0', report), done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", default=["examples/"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load_before = load()
    walls: dict[int, list[float]] = {1: [], args.jobs: []}
    cpus: dict[int, list[float]] = {1: [], args.jobs: []}
    reports: set[str] = set()
    codes: set[int] = set()
    for i in range(args.runs):
        for jobs in (1, args.jobs) if i % 2 == 0 else (args.jobs, 1):
            wall, cpu, report, code = run(args.files, jobs)
            walls[jobs].append(wall)
            cpus[jobs].append(cpu)
            reports.add(report)
            codes.add(code)
            print(f"run {i + 1}, --jobs {jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU, exit {code}", file=sys.stderr)
    m1, mn = statistics.median(walls[1]), statistics.median(walls[args.jobs])
    lines = [
        "# check -f in one process and in a pool (--jobs)",
        "",
        f"* command: `python benchmarks/fanout.py {' '.join(args.files)} --jobs {args.jobs} --runs {args.runs}`",
        f"* CPU: {cpu_model()}; load average (1, 5, 15 min) before: {load_before}; after: {load()}",
        f"* reports equal with the seconds masked: {'yes' if len(reports) == 1 else 'NO'}; exit codes {sorted(codes)}",
        "",
        "| jobs | median wall s | runs (wall s) | median CPU s (process and workers) |",
        "| ---: | ---: | --- | ---: |",
    ]
    for jobs in (1, args.jobs):
        runs = ", ".join(f"{w:.1f}" for w in walls[jobs])
        lines.append(
            f"| {jobs} | {statistics.median(walls[jobs]):.1f} | {runs} | {statistics.median(cpus[jobs]):.1f} |"
        )
    lines += ["", f"* speed-up (median wall, 1 job / {args.jobs} jobs): **{m1 / mn:.2f}×**", ""]
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0 if len(reports) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
