"""How fast the explicit engine is: states per second before and after issue 15, against SPIN, with workers.

    python benchmarks/explicit_speed.py            # small and medium (a few minutes): results/explicit_speed.md
    python benchmarks/explicit_speed.py --quick    # small only, one run each, per-pod replicas 3 only

Sections, each measured side by side in this run (same process, same load):

1. **throughput**: the Deployment presets searched to exhaustion by the engine as it was before
   issue 15 (commit ``BASELINE``, loaded from git: flat tuples, the BFS loop in Python) and as it
   is; and the levers one at a time on ``small`` (packed states and the generated loop; ``min``/
   ``max`` as conditionals; domain checks the generating code decides left out);
2. **SPIN**: the per-pod Deployment benchmark (``per_pod_deployment.py``) emitted as Promela
   (``spin/promela.py``) and checked by SPIN's pan; the state counts must be equal (asserted)
   before the rates are compared;
3. **workers**: ``explore(..., workers=N)`` for N = 1 and 2: wall clock, and CPU of the
   coordinator and of the worker processes.

Rates are distinct states per CPU second of the searching process (children included for
workers), which other load on the machine does not inflate, and per wall-clock second. Compile
time (model to Python, and the packed form) is excluded from both and shown apart; pan's build
(``spin -a`` and gcc) likewise.
"""

from __future__ import annotations

import argparse
import datetime
import platform
import resource
import statistics
import subprocess
import sys
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE / "spin"))

from machine import cpu_model, load

from kubecheck.checker.explicit import bfs
from kubecheck.checker.explicit import compile as kernel_compile
from kubecheck.checker.explicit.packed import packed
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.property import Property

#: The engine before issue 15 (the commit before the packed engine).
BASELINE = "45b613d"
TRUE = Property(
    name="bench.true",
    kind="always",
    doc="a property that always holds (the search runs to exhaustion)",
    upstream="-",
    predicate=lambda ops, sc, s: True,
)


def baseline_engine(commit: str = BASELINE) -> tuple[types.ModuleType, types.ModuleType]:
    """compile.py and bfs.py of ``commit`` as modules (the engine as it was; same model code)."""
    mods = {}
    for name in ("compile", "bfs"):
        src = subprocess.run(
            ["git", "-C", str(HERE.parent), "show", f"{commit}:checker/explicit/{name}.py"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        src = src.replace("from kubecheck.checker.explicit.compile import", "from kubecheck_baseline_compile import")
        mod = types.ModuleType(f"kubecheck_baseline_{name}")
        sys.modules[mod.__name__] = mod
        exec(compile(src, f"<{commit}:checker/explicit/{name}.py>", "exec"), mod.__dict__)
        mods[name] = mod
    return mods["compile"], mods["bfs"]


class Measure:
    """CPU (own + children) and wall seconds of one call."""

    def __init__(self, fn: Callable[[], Any]):
        r0, c0, w0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time(), time.perf_counter()
        self.value = fn()
        r1, c1, w1 = resource.getrusage(resource.RUSAGE_CHILDREN), time.process_time(), time.perf_counter()
        self.wall = w1 - w0
        self.own = c1 - c0
        self.children = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        self.cpu = self.own + self.children


# -- the levers, as compiler settings -----------------------------------------------------------


def _old_fold(self: Any, fn: Any, name: str, xs: Any) -> Any:
    """SourceOps._fold before issue 15: min/max as calls of the builtins."""
    consts = [x for x in xs if not isinstance(x, kernel_compile.Expr)]
    exprs = [x for x in xs if isinstance(x, kernel_compile.Expr)]
    if not exprs:
        return fn(consts)
    parts = [x.code for x in exprs] + ([repr(fn(consts))] if consts else [])
    if len(parts) == 1:
        return exprs[0]
    return self.em.emit(f"{name}({', '.join(parts)})")


def compile_with(minmax_calls: bool, all_domain_checks: bool, scope: Any, memo_lines: int = 40) -> Any:
    """The current compiler with levers 2 and 3 switched off as asked (restored afterwards)."""
    fold, kind = kernel_compile.SourceOps._fold, kernel_compile.static_kind
    try:
        if minmax_calls:
            kernel_compile.SourceOps._fold = _old_fold  # type: ignore[method-assign]
        if all_domain_checks:
            kernel_compile.static_kind = lambda *a, **k: None  # type: ignore[assignment]
        compiled = kernel_compile.compile_model(dep.MODEL, scope, memo_lines=memo_lines)
        packed(compiled)
        return compiled
    finally:
        kernel_compile.SourceOps._fold = fold  # type: ignore[method-assign]
        kernel_compile.static_kind = kind


# -- formatting -----------------------------------------------------------------------------------


def num(x: float) -> str:
    return f"{x:,.0f}"


def sec(x: float) -> str:
    return f"{x:.2f}"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    right = ["---:" if i else "---" for i in range(len(header))]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(right) + " |"] + [
        "| " + " | ".join(r) + " |" for r in rows
    ]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- sections -------------------------------------------------------------------------------------


def throughput(presets: list[str], runs: int) -> tuple[list[str], dict[str, float]]:
    old_compile, old_bfs = baseline_engine()
    lines = ["## Throughput: the engine before and after", ""]
    rows, rates = [], {}
    for preset in presets:
        scope = PRESETS[preset]
        per: dict[str, list[Measure]] = {"before": [], "after": []}
        compile_s: dict[str, float] = {}
        for _ in range(runs):  # interleaved; a fresh compile each run (memo tables start empty)
            for which in ("before", "after"):
                log(f"throughput {preset} {which}")
                t0 = time.process_time()
                if which == "before":
                    compiled = old_compile.compile_model(dep.MODEL, scope)
                    compile_s[which] = time.process_time() - t0
                    m = Measure(lambda: old_bfs.explore(dep.MODEL, scope, [TRUE], compiled=compiled))
                else:
                    compiled = kernel_compile.compile_model(dep.MODEL, scope)
                    packed(compiled)
                    compile_s[which] = time.process_time() - t0
                    m = Measure(lambda: bfs.explore(dep.MODEL, scope, [TRUE], compiled=compiled))
                per[which].append(m)
        states = {w: per[w][0].value[0].stats.states for w in per}
        assert states["before"] == states["after"], states
        for which in ("before", "after"):
            ms = per[which]
            stats = ms[0].value[0].stats
            cpu = statistics.median(m.cpu for m in ms)  # one run per preset (medium's baseline takes ~25 CPU s)
            wall = statistics.median(m.wall for m in ms)
            rates[f"{preset} {which}"] = stats.states / cpu
            rows.append(
                [
                    f"`{preset}`, {which} ({BASELINE if which == 'before' else 'this tree'})",
                    num(stats.states),
                    num(stats.transitions),
                    sec(compile_s[which]),
                    sec(cpu),
                    sec(wall),
                    f"**{num(stats.states / cpu)}**",
                    num(stats.states / wall),
                ]
            )
    lines += table(
        [
            "search",
            "states",
            "transitions",
            "compile CPU s",
            "search CPU s",
            "wall s",
            "states / CPU s",
            "states / wall s",
        ],
        rows,
    )
    lines.append("")
    for preset in presets:
        lines.append(
            f"* `{preset}`: **{rates[f'{preset} after'] / rates[f'{preset} before']:.2f}×** states per CPU second "
            f"({num(rates[f'{preset} after'])} after, {num(rates[f'{preset} before'])} before; target ≥ 100,000: "
            f"{'met' if rates[f'{preset} after'] >= 100_000 else 'NOT met'})."
        )
    lines.append("")
    return lines, rates


def levers(runs: int) -> list[str]:
    scope = PRESETS["small"]
    old_compile, old_bfs = baseline_engine()
    variants: list[tuple[str, Callable[[], Any]]] = [
        ("baseline: flat tuples, BFS loop in Python (`" + BASELINE + "`)", lambda: None),
        ("1. packed int states + generated BFS loop", lambda: compile_with(True, True, scope)),
        ("2. + `min`/`max` as conditional expressions", lambda: compile_with(False, True, scope)),
        ("3. + domain checks the code already decides left out", lambda: compile_with(False, False, scope)),
        (
            f"4. + code over {kernel_compile.MEMO_LINES} generated lines memoized, not over 40 (this tree)",
            lambda: compile_with(False, False, scope, kernel_compile.MEMO_LINES),
        ),
    ]
    cpu: dict[str, list[float]] = {name: [] for name, _ in variants}
    states: set[int] = set()
    for _ in range(runs):
        for name, make in variants:
            log(f"lever: {name}")
            if name.startswith("baseline"):
                compiled = old_compile.compile_model(dep.MODEL, scope)
                m = Measure(lambda: old_bfs.explore(dep.MODEL, scope, [TRUE], compiled=compiled))
            else:
                compiled = make()
                m = Measure(lambda: bfs.explore(dep.MODEL, scope, [TRUE], compiled=compiled))
            cpu[name].append(m.cpu)
            states.add(m.value[0].stats.states)
    assert len(states) == 1, states
    base = min(cpu[variants[0][0]])  # the least CPU of the interleaved runs: other load only adds
    rows = []
    for name, _ in variants:
        c = min(cpu[name])
        rows.append([name, sec(c), f"{base / c:.2f}×"])
    return (
        ["## The levers, one at a time (`small`)", ""]
        + table(["engine", f"search CPU s (least of {runs})", "speed-up over baseline"], rows)
        + [
            "",
            f"* Every variant reaches the same {num(states.pop())} states (asserted). Interleaved runs, a fresh "
            "compile each (memo tables start empty).",
            "",
        ]
    )


def spin_section(replicas: list[int], kubecheck_rates: dict[str, float]) -> list[str]:
    lines = ["## SPIN on the per-pod Deployment benchmark", ""]
    try:
        import pan
        import per_pod_deployment as pp
        import run as bench
    except Exception as err:  # the per-pod model follows the counter model's fields
        return lines + [f"* not measured: the per-pod benchmark does not import in this tree ({err!r}).", ""]
    why = pan.available()
    if why is not None:
        return lines + [f"* **blocked**: SPIN {why}.", ""]
    rows = []
    ratios = []
    builds: list[tuple] = []  # (replicas, kubecheck compile CPU s, pan build wall s)
    version = ""
    for r in replicas:
        scope = pp.fitted_scope(bench.scaling_scope(r))
        repeat = 3 if r <= 3 else 1  # short runs: the median of three
        measures = []
        compile_cpu = []
        for _ in range(repeat):
            log(f"spin: per-pod replicas {r}: kubecheck")
            t0 = time.process_time()
            compiled = kernel_compile.compile_model(pp.MODEL, scope)
            packed(compiled)
            compile_cpu.append(time.process_time() - t0)
            measures.append(Measure(lambda: bfs.explore(pp.MODEL, scope, [TRUE], compiled=compiled)))
        m = sorted(measures, key=lambda x: x.cpu)[len(measures) // 2]
        builds.append((r, statistics.median(compile_cpu)))
        ours = m.value[0].stats
        log(f"spin: per-pod replicas {r}: pan")
        theirs = pan.run(pp.MODEL, scope, ours.states, repeat)
        version = theirs.version
        assert theirs.states == ours.states, (r, theirs.states, ours.states)
        k_rate, s_rate = ours.states / m.cpu, theirs.states / theirs.cpu
        ratios.append(s_rate / k_rate)
        builds[-1] += (theirs.build,)
        rows.append(
            [
                f"{r} ({repeat})",
                num(ours.states),
                num(theirs.states),
                f"{num(ours.transitions)} / {num(theirs.states + theirs.matched - 1)}",
                sec(m.cpu),
                sec(theirs.cpu),
                num(k_rate),
                num(s_rate),
                f"**{s_rate / k_rate:.1f}×**",
            ]
        )
    lines += table(
        [
            "replicas (runs)",
            "kubecheck states",
            "SPIN states stored",
            "transitions (kubecheck / SPIN stored + matched − 1)",
            "kubecheck CPU s",
            "pan CPU s",
            "kubecheck states / CPU s",
            "SPIN states / CPU s",
            "SPIN / kubecheck",
        ],
        rows,
    )
    lines += [
        "",
        f"* {version}; pan built with `gcc -O2 -DSAFETY -DNOREDUCE`, run with `-E` (states where nothing is "
        "enabled are the model's ends) and a hash table sized to the states.",
        "* **What is timed, on both sides**: the search only. pan's build (`spin -a` and gcc) is excluded, and "
        "so is kubecheck's (the model compiled to Python and to the packed form): "
        + "; ".join(f"replicas {r}: kubecheck compile {c:.2f} CPU s, pan build {b:.2f} wall s" for r, c, b in builds)
        + ". Each side's start-up within the search is counted: kubecheck's memo tables start empty and its "
        "search loop is rendered and compiled (again when a memo table is switched off), pan allocates its "
        "hash table. kubecheck's CPU is the median of the runs, each after a fresh compile; pan's the median of "
        "as many runs of one build.",
        "* **State mapping**: one Promela global per slot of the flat state, every action one `d_step` "
        "(one transition, no intermediate state) of the single process's `do` loop, whose control point is "
        "the same in every state; guards and effects are C functions (`c_expr`/`c_code`) whose temporaries "
        "are C locals, outside the state vector. So SPIN's *states stored* are the model's states one to one, "
        "and the counts are asserted equal before anything is timed. SPIN's *matched* counts revisits: "
        "stored + matched − 1 is the transitions it took, which equals kubecheck's transitions when no action "
        "is a self-loop.",
        "* On this model kubecheck's search switches its ReplicaSet-controller guard table off after the first "
        "2,048 states (`checker/explicit/packed.py` `MemoSwitch`: the key holds every pod slot, so nearly every "
        "look-up misses) and computes those guards inline, single-use values substituted where they are read "
        "(`compile.py` `inline_single_use`); the counter-model presets keep their tables.",
        "* The guards of all actions are one C function (common subexpressions computed once, as kubecheck's "
        "compiler shares them within a guard group), cached for the last state it ran on; with a function per "
        "guard (`promela(..., shared=False)`) pan is slower (replicas 3 and 4 measured 1.6× and 1.2× more CPU "
        "while this was written).",
        f"* Within 5× of SPIN per state: {'met' if ratios and max(ratios) <= 5 else 'NOT met'} "
        f"(SPIN's states per CPU second / kubecheck's: {', '.join(f'{x:.1f}' for x in ratios)}).",
        "",
    ]
    return lines


def _busy(n: int = 5_000_000) -> int:
    x = 0
    for i in range(n):
        x += i
    return x


def parallel_capacity() -> float:
    """How much faster two CPU-bound processes ran side by side than one after the other, just now."""
    import multiprocessing

    started = time.perf_counter()
    _busy()
    _busy()
    serial = time.perf_counter() - started
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_busy) for _ in range(2)]
    started = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    return serial / (time.perf_counter() - started)


def workers_section(presets: list[str]) -> list[str]:
    from kubecheck.checker.explicit import workers as parallel

    rows = []
    probes = []
    for preset in presets:
        scope = PRESETS[preset]
        base: float | None = None
        single = 0.0
        for n in (1, 2):
            log(f"workers {preset} {n}")
            probes.append(parallel_capacity())
            compiled = kernel_compile.compile_model(dep.MODEL, scope)
            packed(compiled)
            m = Measure(lambda: bfs.explore(dep.MODEL, scope, [TRUE], compiled=compiled, workers=n))
            stats = m.value[0].stats
            base = base or m.wall
            single = single if n > 1 else m.cpu
            bound = single / (max(parallel.LAST_CPU) + m.own) if n > 1 else 1.0
            rows.append(
                [
                    f"`{preset}`",
                    str(n),
                    num(stats.states),
                    num(stats.transitions),
                    sec(m.wall),
                    sec(m.own),
                    sec(m.children),
                    num(stats.states / m.wall),
                    f"**{base / m.wall:.2f}×**",
                    f"{bound:.2f}×",
                ]
            )
    return (
        ["## Workers: one search over several processes", ""]
        + table(
            [
                "preset",
                "workers",
                "states",
                "transitions",
                "wall s",
                "coordinator CPU s",
                "workers' CPU s",
                "states / wall s",
                "speed-up (wall)",
                "speed-up bound on free CPUs",
            ],
            rows,
        )
        + [
            "",
            f"* Parallel capacity of the machine while this section ran: two CPU-bound processes side by side "
            f"finished {min(probes):.2f}–{max(probes):.2f}× faster than one after the other (2.00× on two free "
            "CPUs). *Speed-up bound on free CPUs* is the one-process CPU seconds over the busiest worker's "
            "CPU seconds plus the coordinator's: the most two otherwise idle CPUs could give (each round waits "
            "for the slower worker).",
            "* Counts equal to one process (also tested: `tests/checker/test_explicit_workers.py`). The speed-up "
            "is wall clock on this machine's 2 CPUs: it needs the second CPU free (see the load line); the "
            "workers' CPU seconds show the work done, including what partitioning adds (each worker has its own "
            "memo tables, and successors another worker owns travel through pipes).",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small only, one run each, per-pod replicas 3")
    args = parser.parse_args()
    presets = ["small"] if args.quick else ["small", "medium"]
    runs = 1 if args.quick else 5
    started = time.perf_counter()
    load_before = load()
    cpu0 = time.process_time()
    body: list[str] = []
    section, rates = throughput(presets, 1)
    body += section
    body += levers(runs)
    body += spin_section([3] if args.quick else [3, 4], rates)
    body += workers_section(presets)
    total = time.perf_counter() - started
    head = [
        "# Explicit engine speed",
        "",
        f"* date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC",
        f"* command: `python benchmarks/explicit_speed.py{' --quick' if args.quick else ''}` (total {total:.0f} s)",
        f"* {platform.python_implementation()} {platform.python_version()}, {platform.system()} {platform.machine()}",
        f"* CPU: {cpu_model()}",
        f"* models imported from `{Path(dep.__file__).resolve().parent.parent.parent}` (engine: "
        f"`{Path(bfs.__file__).resolve().parent}`)",
        f"* load average (1, 5, 15 min) before: {load_before}; after: {load()}; this process got "
        f"{100 * (time.process_time() - cpu0) / total:.0f}% of a CPU (workers not counted); rates per CPU second "
        "are the ones to compare across runs",
        "",
    ]
    report = "\n".join(head + body)
    print(report)
    out = HERE / "results" / ("explicit_speed-quick.md" if args.quick else "explicit_speed.md")
    out.write_text(report)
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
