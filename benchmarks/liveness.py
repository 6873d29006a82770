"""Seconds to each liveness verdict, per model and preset, with wall and CPU time.

    python benchmarks/liveness.py                 # tiny and small, writes results/liveness.md
    python benchmarks/liveness.py --presets tiny  # tiny only
    python benchmarks/liveness.py --bmc           # also BMC lassos for the tiny Deployment rows

Rows: every ``eventually``/``leads_to`` property of every built-in model, alone (one
``run.check`` each, so each row includes its own exploration), on the scope the property adjusts
the preset to; then the variants the liveness notes discuss (a broken release; the Deployment's
kubernetes#102551 strategy, maxSurge 0 / maxUnavailable 1). CPU seconds are this process's
(``time.process_time``): the engines are single-threaded, so CPU time does not depend on what
else runs on the machine, while wall seconds do. The table is papers/liveness-notes.md §Results.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import cpu_model, num, sec, table

from kubecheck.checker import run
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

#: (model, property short name, settings, label) checked on top of the plain presets.
VARIANTS = (
    ("deployment", "rollout_eventually_completes", {"broken-release": "true"}, "broken-release=true"),
    (
        "deployment",
        "rollout_eventually_completes_under_strong_fairness",
        {"broken-release": "true"},
        "broken-release=true",
    ),
    (
        "deployment",
        "scale_eventually_completes",
        {"max-surge": "0", "max-unavailable": "1"},
        "max-surge=0 max-unavailable=1",
    ),
)


def measured(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _shape(r: Any) -> str:
    if r.trace is None:
        return "-"
    if r.trace.loop == len(r.trace.steps):
        return f"stuck after {len(r.trace.steps)}"
    return f"stem {r.trace.loop} + loop {len(r.trace.steps) - r.trace.loop}"


def rows(presets: tuple[str, ...], log: Callable[[str], None]) -> list[list[str]]:
    out = []
    jobs = [(m, p.short, {}, "") for m in catalog.MODELS for p in catalog.properties(m) if p.is_liveness]
    jobs += list(VARIANTS)
    for model_name, short, settings, label in jobs:
        model = catalog.model(model_name)
        [prop] = catalog.properties(model_name, [short])
        for preset in presets:
            scope = with_settings(model.presets[preset], settings)
            log(f"{prop.name} {preset} {label}")
            [r], wall, cpu = measured(lambda: run.check(Task(model, scope, [prop])))
            out.append(
                [
                    prop.name,
                    preset + (f" {label}" if label else ""),
                    r.verdict.value,
                    num(r.stats.states),
                    _shape(r),
                    sec(cpu),
                    sec(wall),
                ]
            )
    return out


def bmc_rows(log: Callable[[str], None]) -> list[list[str]]:
    out = []
    model = catalog.model("deployment")
    for short, settings, label, depth in (
        ("rollout_eventually_completes", {"broken-release": "true"}, "broken-release=true", 10),
        ("scale_eventually_completes", {"max-surge": "0", "max-unavailable": "1"}, "max-surge=0 max-unavailable=1", 10),
    ):
        [prop] = catalog.properties("deployment", [short])
        scope = prop.adjust(with_settings(model.presets["tiny"], settings))
        log(f"bmc {prop.name} tiny {label}")
        r, wall, cpu = measured(lambda: lasso.decide(Encoder(model, scope), prop, max_depth=depth, timeout=600))
        out.append([prop.name, f"tiny {label}", r.verdict.value, str(r.stats.depth), _shape(r), sec(cpu), sec(wall)])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="tiny,small", help="comma list of presets (default tiny,small)")
    ap.add_argument("--bmc", action="store_true", help="also BMC lassos for two tiny Deployment rows")
    ap.add_argument("--out", default=str(HERE / "results" / "liveness.md"))
    args = ap.parse_args(argv)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    presets = tuple(args.presets.split(","))
    lines = [
        "# Seconds to each liveness verdict",
        "",
        f"{datetime.date.today()}, {cpu_model()}, Python {platform.python_version()}. Explicit fair-cycle engine, "
        "each property alone on the scope it adjusts the preset to. CPU s is this process's time (independent of "
        "machine load), wall s includes waiting for the CPU.",
        "",
    ]
    lines += table(["property", "preset", "verdict", "states", "lasso", "CPU s", "wall s"], rows(presets, log))
    if args.bmc:
        lines += ["", "BMC lassos (shortest in steps; depth = the bound reached):", ""]
        lines += table(["property", "preset", "verdict", "depth", "lasso", "CPU s", "wall s"], bmc_rows(log))
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
