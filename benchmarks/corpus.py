"""The public manifest corpus (tests/corpus/manifests): ``check -f`` on every file, per-workload figures.

    python benchmarks/corpus.py                      # every corpus file; writes results/corpus.md
    python benchmarks/corpus.py FILE ...             # only these files (the report goes to stdout only)
    python benchmarks/corpus.py --workload-timeout 60 --out results/corpus.md

Each file runs in a process of its own, as ``kubecheck check -f FILE`` does (the engine ``auto``,
the default per-workload budget :data:`kubecheck.manifest.WORKLOAD_SECONDS`, the CLI's watchdog),
through :func:`kubecheck.manifest.check_manifests`, so that the per-workload seconds, the plan's
route and predicted cost (:mod:`kubecheck.manifest.sizing`) can be reported next to the verdicts.
The child prints one JSON document; the parent collects them and writes the Markdown report:
the date, the machine, the load average before and after, the total time, one row per workload
(seconds, route, verdict counts, the predicted cost of the explicit search), the slowest workloads
and every workload with an INCONCLUSIVE row. Performance is reported here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model, load

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus" / "manifests"
RESULTS = Path(__file__).resolve().parent / "results"


def one(path: str, workload_seconds: float) -> dict[str, Any]:
    """Check one file in this process exactly as ``check -f`` does; the figures as a JSON-able dict."""
    from kubecheck import manifest
    from kubecheck.checker.task import Budget
    from kubecheck.cli.check_manifests import watchdog
    from kubecheck.manifest import sizing

    started = time.perf_counter()
    with watchdog() as dog:
        report = manifest.check_manifests(
            [path], engine="auto", budget=Budget(), workload_seconds=workload_seconds, watchdog=dog
        )
    out: dict[str, Any] = {"file": path, "exit_code": report.exit_code, "seconds": time.perf_counter() - started}
    out["workloads"] = []
    for wr in report.workloads:
        props, _ = sizing.select(wr.workload)
        plan = sizing.plan(wr.workload, props, budget=Budget(timeout=workload_seconds))  # as check -f sized it
        rows = []
        for r in wr.rows:
            st = report.standing(r)
            rows.append(
                {
                    "property": r.result.property.name,
                    "verdict": st.verdict.value,
                    "applicable": st.applicable,
                    "counted": st.counted,
                    "method": r.method,
                    "size": r.size,
                    "reduced": r.reduced,
                    "note": st.note or r.result.note,
                }
            )
        out["workloads"].append(
            {
                "object": wr.workload.ref,
                "variant": wr.workload.assumption,
                "model": wr.workload.model,
                "seconds": wr.seconds,
                "route": plan.route,
                "why": plan.why,
                "predicted_states": plan.predicted.states if plan.predicted else None,
                "predicted_seconds": plan.predicted.seconds if plan.predicted else None,
                "rows": rows,
            }
        )
    return out


def run_file(path: Path, workload_seconds: float, log: Any) -> dict[str, Any]:
    """Run :func:`one` in a child process; a crash or traceback is recorded, not raised."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--one", str(path), "--workload-timeout", str(workload_seconds)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    wall = time.perf_counter() - started
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        doc = {"file": str(path), "exit_code": proc.returncode, "workloads": [], "error": tail}
    doc["wall"] = wall
    doc["file"] = path.name
    if "Traceback" in proc.stderr:
        doc["error"] = "traceback: " + proc.stderr.strip().splitlines()[-1]
    log(f"{path.name}: exit {doc['exit_code']}, {wall:.1f} s, {len(doc['workloads'])} workload(s)")
    return doc


def counts(rows: list[dict[str, Any]]) -> str:
    c = collections.Counter(r["verdict"] if r["applicable"] else "not applicable" for r in rows)
    return ", ".join(f"{n} {v}" for v, n in sorted(c.items()))


def route_text(w: dict[str, Any]) -> str:
    reduced = sorted({r["size"] for r in w["rows"] if r["reduced"]})
    text = w["route"]
    if reduced:
        text += " (" + "; ".join(f"explored with {s}" for s in reduced) + ")"
    return text


def predicted(w: dict[str, Any]) -> str:
    if w["predicted_states"] is None:
        return "–"
    return f"{w['predicted_states']:,} / {w['predicted_seconds']:.1f} s"


def report(docs: list[dict[str, Any]], argv: list[str], total: float, before: str, after: str, seconds: float) -> str:
    lines = [
        "# The public manifest corpus: `check -f` per workload",
        "",
        f"* date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"* command: `python benchmarks/corpus.py {' '.join(argv)}`".replace(" `", "`", 0),
        f"* Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        f"* CPU: {cpu_model()}",
        f"* load average (1, 5, 15 min) before: {before}; after: {after}",
        f"* per-workload budget: {seconds:g} s (`--workload-timeout`); one process per file, run one after another",
        "",
    ]
    workloads = [(d, w) for d in docs for w in d["workloads"]]
    by_model = collections.Counter(w["model"] for _, w in workloads)
    verdicts = collections.Counter(
        r["verdict"] if r["applicable"] else "not applicable" for _, w in workloads for r in w["rows"]
    )
    exits = collections.Counter(d["exit_code"] for d in docs)
    inconclusive = [(d, w) for d, w in workloads if any(r["verdict"] == "INCONCLUSIVE" for r in w["rows"])]
    errors = [d for d in docs if d.get("error")]
    lines += [
        "## Summary",
        "",
        f"* files: {len(docs)}; workloads: {len(workloads)} ("
        + ", ".join(f"{n} {m}" for m, n in sorted(by_model.items()))
        + ")",
        f"* total wall time: {total:.0f} s ({total / 60:.1f} min); sum of per-workload seconds: "
        f"{sum(w['seconds'] for _, w in workloads):.0f} s",
        "* rows: " + ", ".join(f"{n} {v}" for v, n in sorted(verdicts.items())),
        "* exit codes: " + ", ".join(f"{c}: {n} files" for c, n in sorted(exits.items())),
        f"* workloads with an INCONCLUSIVE row: {len(inconclusive)}",
        f"* files with a traceback or no report: {len(errors)}",
        "",
        "## Slowest workloads",
        "",
        "| workload | file | model | seconds | route | predicted explicit states / s |",
        "| --- | --- | --- | ---: | --- | ---: |",
    ]
    slow = sorted(workloads, key=lambda dw: -dw[1]["seconds"])[:10]
    for d, w in slow:
        lines.append(
            f"| {w['object']}{' [' + w['variant'] + ']' if w['variant'] else ''} | {d['file']} | {w['model']} "
            f"| {w['seconds']:.1f} | {route_text(w)} | {predicted(w)} |"
        )
    at_size = [
        w["seconds"] / w["predicted_seconds"]
        for _, w in workloads
        if w["route"] == "explicit at the manifest's size" and w["predicted_seconds"]
    ]
    if at_size:
        at_size.sort()
        lines += [
            "",
            "## The cost model against these runs",
            "",
            f"For the {len(at_size)} workloads explored at their own size, measured seconds / predicted seconds "
            f"(`sizing.predict`, before the safety factor): median {at_size[len(at_size) // 2]:.2f}, "
            f"largest {at_size[-1]:.2f}, smallest {at_size[0]:.2f}. Above 1 the prediction was low; the plan "
            "needs predicted × 2 to fit the budget.",
        ]
    lines += ["", "## Workloads with an INCONCLUSIVE row", ""]
    if not inconclusive:
        lines.append("None.")
    for d, w in inconclusive:
        for r in w["rows"]:
            if r["verdict"] == "INCONCLUSIVE":
                lines.append(
                    f"* {d['file']} {w['object']}: {r['property']} — {r['method']} at {r['size']}: {r['note']}"
                )
    if errors:
        lines += ["", "## Files with a traceback or no report", ""]
        lines += [f"* {d['file']}: exit {d['exit_code']}: {d['error']}" for d in errors]
    lines += [
        "",
        "## Every workload",
        "",
        "| file | workload | model | exit | seconds | route | predicted explicit states / s | rows |",
        "| --- | --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    for d, w in workloads:
        lines.append(
            f"| {d['file']} | {w['object']}{' [' + w['variant'] + ']' if w['variant'] else ''} | {w['model']} "
            f"| {d['exit_code']} | {w['seconds']:.1f} | {route_text(w)} | {predicted(w)} | {counts(w['rows'])} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--workload-timeout", type=float, default=None)
    ap.add_argument("--out", type=Path, default=None, help="where to write the report (default results/corpus.md)")
    ap.add_argument("--json", type=Path, default=None, help="also write the raw figures as JSON")
    ap.add_argument("--from-json", type=Path, default=None, help="run nothing: render a --json file again")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.workload_timeout is None:
        from kubecheck.manifest import WORKLOAD_SECONDS

        args.workload_timeout = WORKLOAD_SECONDS
    if args.one:
        print(json.dumps(one(args.one, args.workload_timeout)))
        return 0
    if args.from_json is not None:
        docs = json.loads(args.from_json.read_text())
        text = report(docs, argv, sum(d["wall"] for d in docs), "not recorded", "not recorded", args.workload_timeout)
        print(text)
        if args.out is not None:
            args.out.write_text(text)
        return 0
    files = args.files or sorted(CORPUS.glob("*.yaml"))
    out = args.out if args.out is not None else (None if args.files else RESULTS / "corpus.md")
    before = load()
    started = time.perf_counter()
    docs = [run_file(f, args.workload_timeout, lambda m: print(m, file=sys.stderr, flush=True)) for f in files]
    total = time.perf_counter() - started
    text = report(docs, argv, total, before, load(), args.workload_timeout)
    print(text)
    if out is not None:
        out.write_text(text)
    if args.json is not None:
        args.json.write_text(json.dumps(docs, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
