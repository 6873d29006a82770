"""Deployment safety properties for every value of replicas, maxSurge and maxUnavailable: verdict and seconds.

    python benchmarks/deployment_for_all.py                        # every always/step property, 3 runs each
    python benchmarks/deployment_for_all.py --property revisions_unique --runs 1 --no-write

Each run is one process, exactly what a user types::

    kubecheck check deployment PROP --engine pdr --for-all replicas,max-surge,max-unavailable \\
        --set min-ready-seconds=M --timeout T --format json

at the ``small`` preset, with minReadySeconds zero and non-zero (``M`` = 0 and 10: the model
only distinguishes zero from non-zero). A row records the verdict, the engine that decided it,
how the invariant was found (the first clause of the result's note), the **solver seconds** (the
result's own ``stats.seconds``: lemma discovery, Spacer and the fresh-solver re-check) and the
**process seconds** (wall-clock of the whole ``kubecheck`` process, imports and encoding
included) and its CPU seconds, each the median of the runs. A property whose first run takes
longer than ``--repeat-under`` seconds is run once (the row says so). The load average before and
after is recorded: the machine is shared. Writes ``benchmarks/results/deployment_for_all.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model, load

from kubecheck.properties import catalog

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "deployment_for_all.md"
KUBECHECK = str(Path(sys.executable).with_name("kubecheck"))
FOR_ALL = "replicas,max-surge,max-unavailable"


def run_once(prop: str, min_ready: int | None, timeout: float) -> dict:
    """One ``kubecheck check`` process: verdict, engine, note, solver/process/CPU seconds
    (``min_ready`` None: the property's own minReadySeconds, not set by the user)."""
    cmd = [KUBECHECK, "check", "deployment", prop, "--engine", "pdr", "--for-all", FOR_ALL]
    if min_ready is not None:
        cmd += ["--set", f"min-ready-seconds={min_ready}"]
    cmd += ["--timeout", str(timeout), "--format", "json"]
    before = os.times()
    t0 = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout + 60)
    wall = time.monotonic() - t0
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    try:
        [r] = json.loads(done.stdout)["results"]
    except (ValueError, KeyError):
        line = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {
            "verdict": f"exit {done.returncode}",
            "engine": "",
            "note": line,
            "solver": 0.0,
            "wall": wall,
            "cpu": cpu,
        }
    return {
        "verdict": r["verdict"],
        "engine": r["engine"],
        "note": r["note"],
        "solver": r["stats"]["seconds"],
        "wall": wall,
        "cpu": cpu,
    }


def how(note: str) -> str:
    """How the verdict was reached, in a table cell: the note's first clause."""
    first = note.split("; inductive invariant")[0].split("\n")[0]
    return first.replace("|", "/")[:160]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--property", action="append", help="property short names (default: every always/step one)")
    ap.add_argument("--min-ready", type=int, action="append", help="minReadySeconds values (default 0 and 10)")
    ap.add_argument("--runs", type=int, default=3, help="runs per row (median)")
    ap.add_argument("--repeat-under", type=float, default=10.0, help="repeat only rows whose first run took less")
    ap.add_argument("--timeout", type=float, default=60.0, help="kubecheck --timeout per run")
    ap.add_argument("--write", action=argparse.BooleanOptionalAction, default=None, help="write the results file")
    args = ap.parse_args()
    props = [p for p in catalog.properties("deployment") if p.kind in ("always", "step")]
    if args.property:
        props = [p for p in props if p.short in args.property]
    min_ready = args.min_ready or [0, 10]
    write = args.write if args.write is not None else not (args.property or args.min_ready)
    before, started = load(), time.time()
    rows = []
    small = catalog.model("deployment").presets["small"]
    for prop in props:
        own = prop.adjust(small).min_ready_seconds
        # a property that sets minReadySeconds itself is run with its own value (a user's --set is refused)
        values: list[int | None] = [None] if own != small.min_ready_seconds else list(min_ready)
        for m in values:
            runs = [run_once(prop.name, m, args.timeout)]
            if runs[0]["wall"] < args.repeat_under:
                runs += [run_once(prop.name, m, args.timeout) for _ in range(args.runs - 1)]
            last = runs[-1]
            row = {
                "property": prop.short,
                "kind": prop.kind,
                "min_ready": f"{own} (its own)" if m is None else str(m),
                "verdict": "/".join(sorted({r["verdict"] for r in runs})),
                "engine": last["engine"],
                "how": how(last["note"]),
                "runs": len(runs),
                "solver": statistics.median(r["solver"] for r in runs),
                "wall": statistics.median(r["wall"] for r in runs),
                "cpu": statistics.median(r["cpu"] for r in runs),
            }
            rows.append(row)
            print(
                f"{prop.short:45s} mrs={row['min_ready']:<3s} {row['verdict']:13s} solver {row['solver']:7.2f} s "
                f"process {row['wall']:7.2f} s cpu {row['cpu']:7.2f} s ({row['runs']} run(s)) {row['how'][:70]}",
                flush=True,
            )
    total = time.time() - started
    if write:
        OUT.write_text(_table(rows, before, load(), total, args))
        print(f"wrote {OUT.relative_to(ROOT)}")


def _table(rows: list[dict], before: str, after: str, total: float, args: argparse.Namespace) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    under = sum(1 for r in rows if r["verdict"] in ("PROVED", "VIOLATED") and r["solver"] < 1.0)
    lines = [
        "# Deployment safety properties for every replicas, maxSurge, maxUnavailable",
        "",
        f"* date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"* command: `python benchmarks/deployment_for_all.py` (total {total:.0f} s; "
        f"--timeout {args.timeout:g} per run)",
        f"* each run: `kubecheck check deployment PROP --engine pdr --for-all {FOR_ALL} "
        "--set min-ready-seconds=M --timeout T --format json` (preset small; no --set for a property that sets "
        "its own minReadySeconds, row '(its own)')",
        f"* machine: {cpu_model()}, Python {platform.python_version()}, {platform.system()} {platform.machine()}",
        f"* code measured: {commit.stdout.strip()} (plus uncommitted work in the tree)",
        f"* load average (1, 5, 15 min) before: {before}; after: {after}",
        f"* decided (PROVED or VIOLATED) with solver time under 1 s: {under} of {len(rows)} rows",
        "",
        "Solver s: the result's own seconds (lemma discovery, Spacer, the fresh-solver re-check).",
        "Process s: wall-clock of the whole process (Python start, imports, encoding, rendering); CPU s:",
        "its user+system CPU. Each the median of the runs (a row whose first run took",
        f"{args.repeat_under:g} s or more ran once). Wall-clock on a shared 2-core machine.",
        "",
        "| property | kind | minReady | verdict | engine | solver s | process s | CPU s | runs | how |",
        "| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r['property']} | {r['kind']} | {r['min_ready']} | {r['verdict']} | {r['engine']} | "
            f"{r['solver']:.2f} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['runs']} | {r['how']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
