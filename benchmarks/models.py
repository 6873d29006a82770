"""Per-model figures: preset sizes, seconds to every verdict, liveness, and explicit vs PDR.

    python benchmarks/models.py            # full run (about 10 minutes), writes results/models.md
    python benchmarks/models.py --quick    # tiny presets only, small budgets: results/models-quick.md

Sections (see benchmarks/README.md):

1. presets: for each built-in model and preset, the reachable state space (an always-true
   property, so the search runs to exhaustion): states, transitions, depth, seconds, states/s,
   and the compile time;
2. every verdict: ``kubecheck check MODEL --scope PRESET`` as the CLI runs it (every property,
   grouped by the scopes the properties adjust to): seconds to all verdicts and the verdict mix;
3. liveness: seconds to each liveness verdict per model and preset (explicit fair-cycle engine);
4. explicit vs PDR: seconds to a verdict on ``deployment.replicas_within_surge`` at replicas 3,
   10, 30, 100 and 1000 (maxSurge and maxUnavailable 25%, one template edit), explicit search
   with a budget per instance, PDR per instance (with and without the property's stated
   lemmas), and one PDR run with replicas, maxSurge and maxUnavailable symbolic that answers for
   every value at once (tiny 25%/25% and small).

Every row is measured in this run; seconds are wall clock on the machine named at the top.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import TRUE, cpu_model, load, num, sec, table, timed

from kubecheck.checker import run
from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

PDR_REPLICAS = (3, 10, 30, 100, 1000)
FOR_ALL = ("replicas", "max_surge", "max_unavailable")


def presets(names: tuple[str, ...], log: Callable[[str], None]) -> list[str]:
    rows = []
    for model_name, model in catalog.MODELS.items():
        for preset in names:
            scope = model.presets[preset]
            log(f"presets: {model_name} {preset}")
            compiled, compile_s = timed(lambda: compile_model(model, scope))
            [result], seconds = timed(lambda: explicit.explore(model, scope, [TRUE], compiled=compiled))
            st = result.stats
            rows.append(
                [
                    model_name,
                    preset,
                    num(len(compiled.actions)),
                    num(st.states),
                    num(st.transitions),
                    str(st.depth),
                    sec(compile_s),
                    sec(seconds),
                    num(round(st.states / seconds)) if seconds else "-",
                ]
            )
    return [
        "## 1. Preset sizes",
        "",
        "Every reachable state of each preset (an always-true property: the search runs to exhaustion).",
        "",
    ] + table(
        ["model", "preset", "actions", "states", "transitions", "depth", "compile s", "search s", "states/s"], rows
    )


def verdicts(names: tuple[str, ...], log: Callable[[str], None]) -> list[str]:
    rows = []
    for model_name, model in catalog.MODELS.items():
        props = catalog.properties(model_name)
        for preset in names:
            log(f"verdicts: {model_name} {preset}")
            results, seconds = timed(lambda: run.check(Task(model, model.presets[preset], props)))
            mix = Counter(r.verdict.value for r in results)
            explored = {id(r.stats): r.stats.states for r in results}
            rows.append(
                [
                    model_name,
                    preset,
                    str(len(props)),
                    ", ".join(f"{n} {v}" for v, n in sorted(mix.items())),
                    num(sum(explored.values())),
                    sec(seconds),
                ]
            )
    return [
        "## 2. Seconds to every verdict",
        "",
        "`kubecheck check MODEL --scope PRESET`: every property of the model, one exploration per scope the "
        "properties adjust to (explicit engine; searches stop once all their properties are decided).",
        "",
    ] + table(["model", "preset", "properties", "verdicts", "states explored", "seconds"], rows)


def liveness(names: tuple[str, ...], log: Callable[[str], None]) -> list[str]:
    rows = []
    for model_name, model in catalog.MODELS.items():
        for prop in (p for p in catalog.properties(model_name) if p.is_liveness):
            for preset in names:
                log(f"liveness: {prop.name} {preset}")
                [r], seconds = timed(lambda: run.check(Task(model, model.presets[preset], [prop])))
                loop = f"{len(r.trace.steps)} steps" if r.trace is not None else "-"
                rows.append([prop.name, preset, r.verdict.value, num(r.stats.states), loop, sec(seconds)])
    return [
        "## 3. Seconds to a liveness verdict",
        "",
        "Each liveness property alone (explicit fair-cycle engine, on the scope the property adjusts the preset to).",
        "",
    ] + table(["property", "preset", "verdict", "states", "lasso", "seconds"], rows)


def _pdr_discovery(model: Any, scope: Any, prop: Any, for_all: tuple[str, ...], timeout: float) -> tuple[Any, float]:
    """PDR without the property's stated lemmas: Houdini over sampled templates, then Spacer."""
    from kubecheck.checker.symbolic import pdr
    from kubecheck.checker.symbolic.encoder import Encoder

    def go() -> Any:
        return pdr.decide(Encoder(model, prop.adjust(scope), for_all, arith="linear"), prop, timeout, stated=False)

    return timed(go)


def pdr_table(
    replicas: tuple[int, ...], explicit_timeout: float, pdr_timeout: float, log: Callable[[str], None]
) -> list[str]:
    model = catalog.model("deployment")
    [prop] = catalog.properties("deployment", ["replicas_within_surge"])
    base = with_settings(model.presets["tiny"], {"max-surge": "25%", "max-unavailable": "25%"})
    rows = []
    for n in replicas:
        scope = with_settings(base, {"replicas": str(n)})
        log(f"explicit vs pdr: replicas {n}")
        [ex], ex_s = timed(
            lambda: run.check(Task(model, scope, [prop], budget=explicit.Budget(None, explicit_timeout)))
        )
        [pd], pd_s = timed(
            lambda: run.check(Task(model, scope, [prop], budget=explicit.Budget(None, pdr_timeout), engine="pdr"))
        )
        disc, disc_s = _pdr_discovery(model, scope, prop, (), pdr_timeout)
        ex_what = num(ex.stats.states) + (" (budget)" if not ex.stats.complete else "")
        rows.append(
            [
                str(n),
                ex.verdict.value,
                ex_what,
                sec(ex_s),
                pd.verdict.value,
                sec(pd_s),
                f"{ex_s / pd_s:.2f}×" if pd.verdict is Verdict.PROVED and pd_s else "-",
                f"{disc.verdict.value}, {sec(disc_s)}",
            ]
        )
    notes = []
    for preset, scope in (("tiny 25%/25%", base), ("small", model.presets["small"])):
        log(f"explicit vs pdr: for all values ({preset})")
        [every], every_s = timed(
            lambda: run.check(
                Task(model, scope, [prop], budget=explicit.Budget(None, pdr_timeout), engine="pdr", for_all=FOR_ALL)
            )
        )
        disc, disc_s = _pdr_discovery(model, scope, prop, FOR_ALL, pdr_timeout)
        rows.append(
            [
                f"every value ({preset})",
                "-",
                "-",
                "-",
                every.verdict.value,
                sec(every_s),
                "-",
                f"{disc.verdict.value}, {sec(disc_s)}",
            ]
        )
        notes.append(f"The run for every value ({preset}): {every.note.splitlines()[0]}")
    return (
        [
            "## 4. Explicit search vs PDR: `deployment.replicas_within_surge`",
            "",
            f"The `tiny` preset with maxSurge 25% and maxUnavailable 25% at each replica count. Explicit search has "
            f"{explicit_timeout:.0f} s per instance (INCONCLUSIVE when the budget ends it), PDR {pdr_timeout:.0f} s. "
            f"*PDR* is `--engine pdr` as the CLI runs it: Houdini on the lemmas stated with the property first "
            f"(`Property.lemmas`, never trusted), discovery only if they do not prove it. *PDR, discovery only* "
            f"ignores the stated lemmas: Houdini over templates from sampled instances, then Spacer. "
            f"The last rows are one "
            f"PDR run with replicas, maxSurge and maxUnavailable symbolic (a proof for every value), in the tiny "
            f"25%/25% scope and in `small` (the CLI's default, the issue's acceptance command). "
            f"*explicit / PDR* divides the seconds where PDR proved the instance.",
            "",
        ]
        + table(
            [
                "replicas",
                "explicit verdict",
                "explicit states",
                "explicit s",
                "PDR verdict",
                "PDR s",
                "explicit / PDR",
                "PDR, discovery only",
            ],
            rows,
        )
        + [""]
        + notes
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny presets and short budgets")
    args = parser.parse_args(argv)
    names = ("tiny",) if args.quick else ("tiny", "small")
    started = time.perf_counter()
    before = load()

    def log(msg: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {msg}", file=sys.stderr, flush=True)

    body = presets(names, log) + [""] + verdicts(names, log) + [""] + liveness(names, log) + [""]
    body += pdr_table(
        PDR_REPLICAS[:2] if args.quick else PDR_REPLICAS, 10 if args.quick else 60, 30 if args.quick else 120, log
    )
    total = time.perf_counter() - started
    head = [
        "# kubecheck per-model benchmarks",
        "",
        f"* date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"* command: `python benchmarks/models.py{' --quick' if args.quick else ''}` (total {total:.0f} s)",
        f"* Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}",
        f"* CPU: {cpu_model()}",
        f"* load average (1, 5, 15 min) before: {before}; after: {load()}",
        "",
    ]
    report = "\n".join(head + body) + "\n"
    print(report)
    out = HERE / "results" / ("models-quick.md" if args.quick else "models.md")
    out.write_text(report)
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
