"""Measure the cost of explicit search per workload kind; write the table ``check -f`` sizes plans with.

    python benchmarks/sizing_costs.py                  # the full grid (about 20 minutes here)
    python benchmarks/sizing_costs.py --quick          # a small grid, 3 s per point (smoke run; writes nothing)
    python benchmarks/sizing_costs.py --point-seconds 20

For each *series* of manifests (one kind, one shape: the strategy, the claims' access mode, a node
selector, minReadySeconds, …) the size grows — a Deployment's replicas (with maxSurge and
maxUnavailable as integers or percentages), a StatefulSet's replicas on 1, 2 or 3 nodes, a
DaemonSet's nodes — until one point does not finish within ``--point-seconds``. Every point is
a generated manifest read by :func:`kubecheck.manifest.load_workloads` (the path of ``check -f``),
its properties chosen by :func:`kubecheck.manifest.sizing.select` (no ``--faults``), and the
explicit search of all of them at the manifest's size, as the plan's explicit step runs it
(:func:`kubecheck.checker.run.check`, ``engine="explicit"``). Recorded per point: the states
summed over the explorations (one per scope the properties speak about, safety and liveness
apart), the largest exploration, the seconds, and whether it finished.

Writes ``manifest/costs.py`` (the table, with the date, the machine, the load and this command;
:func:`kubecheck.manifest.sizing.predict` reads it and fits each shape's log-linear growth) and
``benchmarks/results/sizing_costs.md`` (the table, and how well the fit predicts each measured
point: the worst under-prediction is what ``sizing.SAFETY`` must cover).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model, load

ROOT = Path(__file__).resolve().parent.parent
COSTS = ROOT / "manifest" / "costs.py"
RESULTS = Path(__file__).resolve().parent / "results" / "sizing_costs.md"


def deployment(replicas: int, strategy: str = "", claim_mode: str = "", min_ready: int = 0) -> str:
    """A Deployment manifest; ``strategy`` is the spec.strategy flow mapping, ``claim_mode`` adds a shared claim."""
    volumes = mounts = pvc = ""
    if claim_mode:
        mounts = ", volumeMounts: [{name: data, mountPath: /d}]"
        volumes = "      volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]\n"
        pvc = (
            "---\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\n"
            f"spec: {{accessModes: [{claim_mode}], resources: {{requests: {{storage: 1Gi}}}}}}\n"
        )
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
        f"  replicas: {replicas}\n"
        + (f"  strategy: {strategy}\n" if strategy else "")
        + (f"  minReadySeconds: {min_ready}\n" if min_ready else "")
        + "  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n"
        + f"      containers: [{{name: app, image: nginx{mounts}}}]\n"
        + volumes
        + pvc
    )


def statefulset(replicas: int, policy: str = "OrderedReady", strategy: str = "", claim_mode: str = "") -> str:
    mounts = ", volumeMounts: [{name: data, mountPath: /d}]" if claim_mode else ""
    text = (
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: db\n"
        f"  replicas: {replicas}\n  podManagementPolicy: {policy}\n"
        + (f"  updateStrategy: {strategy}\n" if strategy else "")
        + "  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n"
        + f"      containers: [{{name: app, image: postgres{mounts}}}]\n"
    )
    if claim_mode:
        text += (
            "  volumeClaimTemplates:\n  - metadata: {name: data}\n"
            f"    spec: {{accessModes: [{claim_mode}], resources: {{requests: {{storage: 1Gi}}}}}}\n"
        )
    return text


def daemonset(strategy: str = "", selector: bool = False, tolerate_all: bool = False) -> str:
    spec = "{containers: [{name: agent, image: fluent-bit}]"
    if selector:
        spec += ", nodeSelector: {logging: enabled}"
    if tolerate_all:
        spec += ", tolerations: [{operator: Exists}]"
    spec += "}"
    return (
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n"
        + (f"  updateStrategy: {strategy}\n" if strategy else "")
        + "  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n"
        + f"    spec: {spec}\n"
    )


def _ru(surge: str, unavailable: str) -> str:
    return f"{{type: RollingUpdate, rollingUpdate: {{maxSurge: {surge}, maxUnavailable: {unavailable}}}}}"


#: (model, label, manifest of a size, nodes, the first size, the last size); the size is replicas
#: (Deployment, StatefulSet) or nodes (DaemonSet).
Series = tuple[str, str, Any, int | None, int, int]


def series(quick: bool) -> Iterator[Series]:
    top = 4 if quick else 12
    yield "deployment", "RollingUpdate 25%/25% (the default)", lambda r: deployment(r), None, 1, top
    if not quick:
        for s, u in ((1, 0), (0, 1), (1, 1), (2, 1), (1, 2), (2, 2)):
            yield (
                "deployment",
                f"RollingUpdate maxSurge {s} maxUnavailable {u}",
                lambda r, s=s, u=u: deployment(r, _ru(str(s), str(u))),
                None,
                max(1, s, u),
                top,
            )
    yield "deployment", "Recreate", lambda r: deployment(r, "{type: Recreate}"), None, 1, top
    yield (
        "deployment",
        "RollingUpdate, ReadWriteOnce claim",
        lambda r: deployment(r, claim_mode="ReadWriteOnce"),
        None,
        1,
        top,
    )
    if not quick:
        yield (
            "deployment",
            "Recreate, ReadWriteOnce claim",
            lambda r: deployment(r, "{type: Recreate}", "ReadWriteOnce"),
            None,
            1,
            top,
        )
        yield (
            "deployment",
            "RollingUpdate, ReadWriteMany claim",
            lambda r: deployment(r, claim_mode="ReadWriteMany"),
            None,
            1,
            top,
        )
        yield "deployment", "RollingUpdate, minReadySeconds 10", lambda r: deployment(r, min_ready=10), None, 1, top
    for nodes in (1, 2) if quick else (1, 2, 3):
        for policy in ("OrderedReady", "Parallel"):
            for mode in ("ReadWriteOnce", ""):
                if quick and (policy, mode) != ("OrderedReady", "ReadWriteOnce"):
                    continue
                yield (
                    "statefulset",
                    f"{policy}, {'claims ' + mode if mode else 'no claims'}, {nodes} node(s)",
                    lambda r, p=policy, m=mode: statefulset(r, p, claim_mode=m),
                    nodes,
                    1,
                    top,
                )
    if not quick:
        yield (
            "statefulset",
            "OrderedReady, claims ReadWriteMany, 2 nodes",
            lambda r: statefulset(r, claim_mode="ReadWriteMany"),
            2,
            1,
            top,
        )
        yield (
            "statefulset",
            "OrderedReady, OnDelete, claims ReadWriteOnce, 2 nodes",
            lambda r: statefulset(r, strategy="{type: OnDelete}", claim_mode="ReadWriteOnce"),
            2,
            1,
            top,
        )
    ds_top = 5 if quick else 12
    yield "daemonset", "RollingUpdate maxUnavailable 1 (the default)", lambda n: daemonset(), 0, 1, ds_top
    yield "daemonset", "RollingUpdate, nodeSelector", lambda n: daemonset(selector=True), 0, 2, ds_top
    if not quick:
        yield (
            "daemonset",
            "RollingUpdate, nodeSelector, tolerates every taint",
            lambda n: daemonset(selector=True, tolerate_all=True),
            0,
            2,
            ds_top,
        )
        surge = "{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}"
        yield "daemonset", "RollingUpdate maxSurge 1 maxUnavailable 0", lambda n: daemonset(surge), 0, 1, ds_top
        yield "daemonset", "OnDelete", lambda n: daemonset("{type: OnDelete}"), 0, 1, ds_top


def measure(text: str, nodes: int | None, seconds: float) -> dict[str, Any]:
    """One point: load the manifest as ``check -f`` does, run the explicit step at its size."""
    from kubecheck.checker import run
    from kubecheck.checker.result import Verdict
    from kubecheck.checker.task import Budget, Task
    from kubecheck.manifest import load_workloads, sizing
    from kubecheck.properties import catalog

    found = load_workloads(["-"], text, nodes)[0]
    w = found[0]
    props, _ = sizing.select(w)
    model, shape, size = sizing.shape_and_size(w.scope)
    task = Task(catalog.model(model), w.scope, tuple(props), budget=Budget(None, seconds), engine="explicit")
    gc.collect()
    started = time.perf_counter()
    results = run.check(task)
    spent = time.perf_counter() - started
    explorations: dict[tuple[str, object, str], int] = {}
    for r in results:
        explorations[(r.engine, r.scope, r.property.kind in ("eventually", "leads_to"))] = r.stats.states
    complete = all(r.verdict is not Verdict.INCONCLUSIVE for r in results)
    return {
        "model": model,
        "shape": shape,
        "size": size,
        "states": sum(explorations.values()),
        "largest": max(explorations.values(), default=0),
        "seconds": spent,
        "complete": complete,
        "explorations": len(explorations),
        "properties": len(props),
    }


def machine() -> str:
    python = f"Python {platform.python_version()}, {platform.system()} {platform.machine()}"
    return f"{cpu_model()}, {os.cpu_count()} CPUs, {python}"


def code() -> str:
    """The commit measured (``git rev-parse``), with "+ changes" when the work tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True)
    except OSError:
        return "unknown"
    if head.returncode != 0:
        return "unknown (not a git checkout)"
    return head.stdout.strip() + (" + uncommitted changes" if dirty.stdout.strip() else "")


def write_costs(points: list[dict[str, Any]], date: str, load_text: str, command: str, cap: float) -> None:
    by_model: dict[str, list[str]] = {}
    for p in points:
        by_model.setdefault(p["model"], []).append(
            f"        ({p['shape']!r}, {p['size']!r}, {p['states']}, {p['largest']}, "
            f"{p['seconds']:.3f}, {p['complete']}),"
        )
    lines = [
        '"""Measured cost of explicit search per workload (GENERATED by benchmarks/sizing_costs.py; do not edit).',
        "",
        f"Measured {date} on {machine()};",
        f"load average (1, 5, 15 min) {load_text}.",
        f"Regenerate with ``{command}`` (about 20 minutes; results in benchmarks/results/sizing_costs.md).",
        "Each row: a generated manifest's (shape, size), the states summed over the explorations of the",
        "explicit step of ``check -f`` at that size (every property of the default selection), the largest",
        "exploration, the seconds, and whether it finished within POINT_SECONDS; kubecheck.manifest.sizing",
        "fits each shape's log-linear growth from them (sizing.SIZE_FIELDS names the size's numbers).",
        '"""',
        "",
        f"DATE = {date!r}",
        f"MACHINE = {machine()!r}",
        f"CODE = {code()!r}",
        f"LOAD = {load_text!r}",
        f"COMMAND = {command!r}",
        f"POINT_SECONDS = {cap!r}",
        "#: One row: (shape, size, states, largest, seconds, finished); sizing.SIZE_FIELDS names the size's numbers",
        "Point = tuple[tuple[str, ...], tuple[int, ...], int, int, float, bool]",
        "POINTS: dict[str, tuple[Point, ...]] = {",
    ]
    for model, rows in by_model.items():
        lines += [f"    {model!r}: (", *rows, "    ),"]
    lines += ["}", ""]
    COSTS.write_text("\n".join(lines))
    format_generated(COSTS)


def format_generated(path: Path) -> None:
    """Run ``ruff format`` on a generated file, so CI's ``ruff format --check`` accepts it as written."""
    done = subprocess.run([sys.executable, "-m", "ruff", "format", "--quiet", str(path)], cwd=ROOT, capture_output=True)
    if done.returncode != 0:
        print(
            f"warning: `ruff format {path}` failed ({done.stderr.decode().strip() or done.returncode}); "
            "run it before committing",
            file=sys.stderr,
        )


def report(
    points: list[dict[str, Any]], date: str, before: str, after: str, command: str, cap: float, total: float
) -> str:
    import importlib

    from kubecheck.manifest import costs, sizing

    importlib.reload(costs)
    sizing._fits.cache_clear()
    lines = [
        "# Cost of explicit search per workload kind (the table `check -f` sizes plans with)",
        "",
        f"* date: {date}",
        f"* command: `{command}` (total {total:.0f} s); writes `manifest/costs.py`",
        f"* machine: {machine()}",
        f"* code measured: {getattr(costs, 'CODE', 'unknown')}",
        f"* load average (1, 5, 15 min) before: {before}; after: {after}",
        f"* each point: at most {cap:g} s (a point that does not finish ends its series; its states are a lower bound)",
        "",
        "Each point is a generated manifest read by `load_workloads`, every property of the default selection,",
        "explicit search at the manifest's size (the plan's explicit step). `states` sums the explorations",
        "(one per scope the properties speak about, safety and liveness apart); `largest` is the largest one",
        "(what `--max-states` bounds). `fit` is what `sizing.predict` gives for the point from the whole table",
        "without its own row (leave-one-out), and `fit/measured` its ratio: below 1 is an under-prediction,",
        f"which the safety factor (`sizing.SAFETY` = {sizing.SAFETY:g}) must cover.",
        "",
    ]
    worst = []
    for model in ("deployment", "statefulset", "daemonset"):
        mine = [p for p in points if p["model"] == model]
        if not mine:
            continue
        fields = ", ".join(sizing.SIZE_FIELDS[model])
        lines += [
            f"## {model}",
            "",
            f"| shape | size ({fields}) | states | largest | seconds | finished | fit states | fit/measured |",
            "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        for p in mine:
            fit = leave_one_out(p)
            ratio = fit / p["states"] if fit and p["states"] else None
            if ratio is not None and p["complete"] and p["states"] >= 1000:
                worst.append((ratio, p))
            head = (
                f"| {'/'.join(p['shape'])} | {', '.join(map(str, p['size']))} | {p['states']:,} "
                f"| {p['largest']:,} | {p['seconds']:.2f} | {'yes' if p['complete'] else 'no (capped)'} "
            )
            lines.append(
                head + (f"| {fit:,} | {ratio:.2f} |" if fit is not None and ratio is not None else "| – | – |")
            )
        fits, (over, per) = sizing._fits(model)
        lines += ["", "Seconds per shape (least squares over its finished points; all shapes when it has few):", ""]
        lines += [
            f"* {'/'.join(shape)}: {fit.seconds[0]:.2f} s + states × {fit.seconds[1] * 1e6:.2f} µs "
            f"({fit.points} points)"
            for shape, fit in fits.items()
        ]
        lines += [f"* all shapes together: {over:.2f} s + states × {per * 1e6:.2f} µs", ""]
    if worst:
        worst.sort(key=lambda x: x[0])
        lo = worst[0]
        lines += [
            "## Fit quality",
            "",
            f"Over the finished points with at least 1,000 states, leave-one-out: the worst under-prediction is "
            f"{lo[0]:.2f}× ({lo[1]['model']} {'/'.join(lo[1]['shape'])} at {lo[1]['size']}); "
            f"{sum(1 for r, _ in worst if r < 1 / sizing.SAFETY)} of {len(worst)} points are under-predicted by more "
            f"than the safety factor {sizing.SAFETY:g}. The prediction of a size the table holds is the measured "
            "row itself.",
            "",
        ]
    return "\n".join(lines) + "\n"


def leave_one_out(p: dict[str, Any]) -> int | None:
    """The prediction for ``p``'s size from the table without ``p`` (how well the fit generalises)."""
    from kubecheck.manifest import costs, sizing

    saved = costs.POINTS
    key = (tuple(p["shape"]), tuple(p["size"]))
    costs.POINTS = {m: tuple(r for r in rows if (r[0], r[1]) != key) for m, rows in saved.items()}
    sizing._fits.cache_clear()
    try:
        got = sizing._predict_shape(p["model"], tuple(p["shape"]), tuple(p["size"]))
        return None if got is None else got.states
    finally:
        costs.POINTS = saved
        sizing._fits.cache_clear()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small grid, 3 s per point; writes nothing")
    ap.add_argument("--point-seconds", type=float, default=None, help="cap per point (default 20; quick 3)")
    ap.add_argument(
        "--report-only", action="store_true", help="measure nothing: rewrite the report from manifest/costs.py"
    )
    args = ap.parse_args(argv)
    if args.report_only:
        from kubecheck.manifest import costs

        rows = [
            {
                "model": m,
                "shape": r[0],
                "size": r[1],
                "states": r[2],
                "largest": r[3],
                "seconds": r[4],
                "complete": r[5],
            }
            for m, rs in costs.POINTS.items()
            for r in rs
        ]
        loads = costs.LOAD.split(" before, ")
        text = report(
            rows, costs.DATE, loads[0], loads[-1].removesuffix(" after"), costs.COMMAND, costs.POINT_SECONDS, 0
        )
        RESULTS.write_text(text.replace(" (total 0 s)", ""))
        print(text)
        return 0
    cap = args.point_seconds or (3.0 if args.quick else 20.0)
    command = "python benchmarks/sizing_costs.py" + (f" --point-seconds {cap:g}" if args.point_seconds else "")
    before = load()
    started = time.perf_counter()
    points: list[dict[str, Any]] = []
    for model, label, make, nodes, first, last in series(args.quick):
        for size in range(first, last + 1):
            n = size if model == "daemonset" else nodes
            p = measure(make(size), n, cap)
            p["label"] = label
            points.append(p)
            print(
                f"{model} {label} size {p['size']}: {p['states']:,} states ({p['largest']:,} largest), "
                f"{p['seconds']:.2f} s{'' if p['complete'] else ' (capped)'}",
                file=sys.stderr,
                flush=True,
            )
            if not p["complete"]:
                break
    total = time.perf_counter() - started
    date = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    after = load()
    # a shape and size measured twice (two series meet: 25% of 4 is 1/1) keeps the first row
    seen: set[tuple[Any, Any]] = set()
    unique = []
    for p in points:
        key = (p["model"], p["shape"], p["size"])
        if key not in seen:
            seen.add(key)
            unique.append(p)
    if args.quick:
        print(f"quick run: {len(unique)} points in {total:.0f} s (nothing written)")
        return 0
    write_costs(unique, date, f"{before} before, {after} after", command, cap)
    text = report(unique, date, before, after, command, cap, total)
    RESULTS.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
