"""Run every kubecheck benchmark in one process on one core; print and save a Markdown report.

    python benchmarks/run.py            # full run (6 to 10 minutes)
    python benchmarks/run.py --quick    # smaller budgets, replicas 2..5 (well under a minute)

Sections (see benchmarks/README.md):

1. sanity: the per-pod Deployment model (``per_pod_deployment.py``) reaches exactly the counter
   model's states once pods are counted — asserted, the run stops otherwise;
2. symmetry reduction: counter model vs per-pod model for replicas 2..10;
3. throughput: the explicit engine on the ``small`` preset vs a hand-written BFS (``bare_bfs.py``);
4. memoization: the small preset compiled with and without memoized guard groups.

Every figure that is compared with another is measured in this run, side by side. Search
times exclude compilation (reported separately where it matters).
"""

from __future__ import annotations

import argparse
import datetime
import inspect
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from math import factorial
from pathlib import Path
from typing import Any

import attrs

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bare_bfs
import per_pod_deployment as pp
from machine import cpu_model, load

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit import compile as kernel_compile
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers.deployment_scope import PRESETS, DeploymentScope
from kubecheck.model.kernel.commands import successors as reference_successors
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Property

TRUE = Property(
    name="bench.true",
    kind="always",
    doc="a property that always holds (the search runs to exhaustion)",
    upstream="-",
    predicate=lambda ops, sc, s: True,
)
MEMO_OFF = 10**9
DEFAULT_MEMO = inspect.signature(kernel_compile.compile_model).parameters["memo_lines"].default


def scaling_scope(replicas: int) -> DeploymentScope:
    """The scope of the symmetry-reduction table (tractable up to replicas 10)."""
    return DeploymentScope(
        replicas=replicas,
        max_surge=IntOrPercent(1),
        max_unavailable=IntOrPercent(1),
        edits=1,
        rollbacks=0,
        scale_to=(),
        pauses=0,
        min_ready_seconds=0,
        faults=frozenset(),
    )


SCALING_SCOPE_TEXT = (
    "RollingUpdate, maxSurge 1, maxUnavailable 1, one template edit, minReadySeconds 0, "
    "revisionHistoryLimit 10, no rollbacks, scales, pauses or faults"
)


# -- engine plumbing --------------------------------------------------------------------------


def run_check(
    model: Any,
    scope: Any,
    compiled: Any = None,
    memo_lines: int | None = None,
    budget: explicit.Budget = explicit.Budget(),
) -> Any:
    """One exhaustive (or budgeted) explicit search; returns its Stats.

    ``compiled`` (a model already compiled for ``scope``) or ``memo_lines`` (a compiler setting)
    change only how the model is compiled; the engine's search loop is the same.
    """
    if compiled is None and memo_lines is not None:
        compiled = kernel_compile.compile_model(model, scope, memo_lines=memo_lines)
    [result] = explicit.explore(model, scope, [TRUE], budget, compiled=compiled)
    return result.stats


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - started


# -- formatting ---------------------------------------------------------------------------------


def num(x: float | int) -> str:
    return f"{x:,.0f}" if isinstance(x, float) else f"{x:,}"


def sec(x: float) -> str:
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def ratio(x: float) -> str:
    return f"{x:,.1f}×" if x < 1000 else f"{x:,.0f}×"


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    right = ["---:" if i else "---" for i in range(len(header))]
    return ["| " + " | ".join(header) + " |", "| " + " | ".join(right) + " |"] + [
        "| " + " | ".join(r) + " |" for r in rows
    ]


def pin(cpu: int | None) -> str:
    """Pin the process to one CPU if asked; the searches are single-threaded either way."""
    if cpu is None:
        return f"single-threaded, not pinned ({os.cpu_count()} CPUs)"
    os.sched_setaffinity(0, {cpu})
    return f"single-threaded, pinned to CPU {cpu} (of {os.cpu_count()})"


# -- 1. sanity ----------------------------------------------------------------------------------


def sanity(log: Callable[[str], None]) -> list[str]:
    """Assert the per-pod model agrees with the counter model; returns report lines."""
    base = scaling_scope(2)
    cases = [(f"benchmark scope, replicas {r}", scaling_scope(r)) for r in (2, 3)] + [
        (
            "replicas 2, minReadySeconds 10 (Ready and available pods tie in deletion)",
            attrs.evolve(base, min_ready_seconds=10),
        ),
        (
            "replicas 2, revisionHistoryLimit 0 (cleanup deletes ReplicaSets and their pods)",
            attrs.evolve(base, revision_history_limit=0),
        ),
        (
            "replicas 2, Recreate, revisionHistoryLimit 0",
            attrs.evolve(base, strategy="Recreate", revision_history_limit=0),
        ),
        ("`tiny` preset", PRESETS["tiny"]),
    ]
    rows = []
    for label, scope in cases:
        counts = pp.check_projection(scope)
        log(
            f"  sanity: {label}: {counts['per_pod']:,} per-pod states project onto the "
            f"{counts['counter']:,} counter states"
        )
        rows.append(
            [label, num(counts["counter"]), num(counts["per_pod"]), str(counts["slots"]), str(counts["batch"]), "equal"]
        )
    # the compiled per-pod model against the reference interpreter, on a sample of reachable states
    scope = pp.fitted_scope(attrs.evolve(base, min_ready_seconds=10, revision_history_limit=0))
    compiled = kernel_compile.compile_model(pp.MODEL, scope)
    states = pp.reachable(compiled)
    sample = random.Random(0).sample(states, min(200, len(states)))
    for flat in sample:
        ref = [
            (compiled.actions.index(a), compiled.schema.flatten(t))
            for a, t in reference_successors(pp.MODEL, scope, compiled.schema.unflatten(flat))
        ]
        assert ref == compiled.successors(flat), (
            f"compiled per-pod model differs from the reference interpreter at {flat}"
        )
    lines = [
        "Asserted in this run (the run stops on a difference): the set of reachable per-pod states, each projected to "
        "counts per (ReplicaSet, phase), **equals** the counter model's set of reachable states.",
        "",
    ]
    lines += table(["scope", "counter states", "per-pod states", "slots", "batch", "projected sets"], rows)
    lines += [
        "",
        f"Also asserted: the compiled per-pod model's successors equal the reference interpreter's on "
        f"{len(sample)} sampled states (replicas 2, minReadySeconds 10, revisionHistoryLimit 0).",
    ]
    return lines


# -- 2. symmetry reduction --------------------------------------------------------------------


def orbit_count(compiled: Any, scope: pp.PerPodScope, deadline: float) -> int | None:
    """The exact number of reachable per-pod states, by exploring them up to slot permutations.

    The per-pod transition relation treats every slot alike, so the reachable set is closed
    under the permutations of slots that fix the initial state (slots holding equal pods in the
    initial state are interchangeable, and so are the free slots). A breadth-first search over
    one canonical member per orbit (pods sorted within each such block of slots), summing orbit
    sizes, counts the reachable per-pod states exactly. Returns the count, or None past the
    deadline.
    """
    schema = compiled.schema
    rs0, ph0, n = schema.field_slots["pod_rs"].start, schema.field_slots["pod_phase"].start, scope.slots
    init = compiled.initial
    kinds = sorted({(init[rs0 + i], init[ph0 + i]) for i in range(n)})
    blocks = [[i for i in range(n) if (init[rs0 + i], init[ph0 + i]) == kind] for kind in kinds]
    fact = [factorial(i) for i in range(n + 1)]

    def canon(s: tuple) -> tuple:
        rs, ph = list(s[rs0 : rs0 + n]), list(s[ph0 : ph0 + n])
        for block in blocks:
            for i, (r, p) in zip(block, sorted((rs[i], ph[i]) for i in block)):
                rs[i], ph[i] = r, p
        return s[:rs0] + tuple(rs) + tuple(ph)

    def orbit(s: tuple) -> int:
        size = 1
        for block in blocks:
            size *= fact[len(block)]
            for c in Counter((s[rs0 + i], s[ph0 + i]) for i in block).values():
                size //= fact[c]
        return size

    start = canon(init)
    seen = {start}
    queue = [start]
    successors = compiled.successors
    for k, s in enumerate(queue):
        for _, t in successors(s):
            t = canon(t)
            if t not in seen:
                seen.add(t)
                queue.append(t)
        if (k & 255) == 0 and time.perf_counter() > deadline:
            return None
    return sum(orbit(s) for s in queue)


def symmetry(
    replicas: range, max_states: int, per_pod_timeout: float, orbit_timeout: float, log: Callable[[str], None]
) -> tuple[list[str], list[dict]]:
    rows, records = [], []
    for r in replicas:
        scope = scaling_scope(r)
        # the counter searches take well under a second: median of 3, each compiled afresh
        counter_runs = [
            run_check(
                dep.MODEL,
                scope,
                compiled=kernel_compile.compile_model(dep.MODEL, scope),
                budget=explicit.Budget(max_states, per_pod_timeout),
            )
            for _ in range(3)
        ]
        c = sorted(counter_runs, key=lambda st: st.seconds)[1]
        counter_states = pp.reachable(kernel_compile.compile_model(dep.MODEL, scope))
        assert c.complete and len(counter_states) == c.states
        pp_scope = pp.fitted_scope(scope, counter_states)
        pp_compiled, pp_compile_s = timed(lambda: kernel_compile.compile_model(pp.MODEL, pp_scope))
        p = run_check(pp.MODEL, pp_scope, compiled=pp_compiled, budget=explicit.Budget(max_states, per_pod_timeout))
        if p.complete:
            exact: int | None = p.states
            if r <= 4:  # cross-check the orbit count where the search is exhaustive
                oc = orbit_count(pp_compiled, pp_scope, time.perf_counter() + orbit_timeout)
                assert oc is None or oc == p.states, f"orbit count {oc} != exhaustive per-pod count {p.states}"
        else:
            exact = orbit_count(pp_compiled, pp_scope, time.perf_counter() + orbit_timeout)
        rec = {
            "replicas": r,
            "counter": c,
            "per_pod": p,
            "per_pod_compile": pp_compile_s,
            "slots": pp_scope.slots,
            "batch": pp_scope.batch,
            "actions": len(pp_compiled.actions),
            "exact": exact,
        }
        records.append(rec)
        pp_states = num(p.states) if p.complete else f"> {num(p.states)}"
        exact_text = "—" if exact is None else (num(exact) + ("" if p.complete else " ‡"))
        ratio_text = ratio(exact / c.states) if exact else f"> {ratio(p.states / c.states)}"
        log(
            f"  replicas {r}: counter {c.states:,} states in {c.seconds:.2f} s; "
            f"per-pod {pp_states} in {p.seconds:.1f} s"
            f" (compile {pp_compile_s:.1f} s), exact {exact_text}"
        )
        rows.append(
            [
                str(r),
                num(c.states),
                num(c.transitions),
                sec(c.seconds),
                num(c.states_per_second),
                f"{pp_scope.slots} / {pp_scope.batch} / {len(pp_compiled.actions)}",
                sec(pp_compile_s),
                pp_states,
                sec(p.seconds),
                num(p.states_per_second),
                exact_text,
                ratio_text,
            ]
        )
    header = [
        "replicas",
        "counter states",
        "counter transitions",
        "counter s",
        "counter states/s",
        "per-pod slots / batch / actions",
        "per-pod compile s",
        "per-pod states (search)",
        "per-pod s",
        "per-pod states/s",
        "per-pod states (exact)",
        "per-pod / counter",
    ]
    lines = [
        f"Scope: {SCALING_SCOPE_TEXT}. Budget per search: {max_states:,} states or {per_pod_timeout:.0f} s; "
        f'"> N" = the budget stopped the search after N states.',
        "",
    ]
    lines += table(header, rows)
    lines += [
        "",
        "* *counter*: `kubecheck.model.controllers.deployment` (pods counted per ReplicaSet and phase); "
        "*per-pod*: `benchmarks/per_pod_deployment.py` (one slot per pod, `slots` pod slots, a ReplicaSet sync "
        "creates/deletes up to `batch` pods in any slots). Both searched by `kubecheck.checker.explicit.bfs.check` "
        "with the default compiler settings; seconds are wall-clock search time, compilation excluded "
        "(counter: median of "
        "3 runs; per-pod: one run).",
        "* *per-pod states (exact)*: the per-pod search's own count where it was exhaustive; marked ‡ where it "
        "is computed by orbit counting (a search over per-pod states up to permutations of interchangeable "
        "slots, summing orbit sizes; checked equal to the exhaustive count for the exhaustive rows up to replicas 4). "
        "*per-pod / counter* uses it (or the search's lower bound when it is missing).",
    ]
    return lines, records


# -- 3 and 4. throughput -------------------------------------------------------------------------


@attrs.frozen
class Run:
    states: int
    transitions: int
    seconds: float  # wall clock, as the engine reports it
    cpu: float  # process CPU time over the same search


def kernel_small(memo_lines: int) -> Run:
    """One search of the small preset, compiled afresh (memo caches start empty)."""
    compiled = kernel_compile.compile_model(dep.MODEL, PRESETS["small"], memo_lines=memo_lines)
    cpu_started = time.process_time()
    stats = run_check(dep.MODEL, PRESETS["small"], compiled=compiled)
    cpu = time.process_time() - cpu_started
    assert stats.complete
    return Run(stats.states, stats.transitions, stats.seconds, cpu)


def bare(replicas: int) -> Run:
    r = bare_bfs.bfs(replicas)
    return Run(int(r["states"]), int(r["transitions"]), r["seconds"], r["cpu"])


@attrs.frozen
class Summary:
    runs: tuple[Run, ...]

    def __attrs_post_init__(self) -> None:
        first = self.runs[0]
        assert all((r.states, r.transitions) == (first.states, first.transitions) for r in self.runs), "runs differ"

    states = property(lambda self: self.runs[0].states)
    transitions = property(lambda self: self.runs[0].transitions)
    seconds = property(lambda self: statistics.median(r.seconds for r in self.runs))
    cpu = property(lambda self: statistics.median(r.cpu for r in self.runs))
    sps = property(lambda self: self.states / self.seconds)
    tps = property(lambda self: self.transitions / self.seconds)
    cpu_sps = property(lambda self: self.states / self.cpu)


def throughput(runs: int, bare_replicas: int, log: Callable[[str], None]) -> list[str]:
    # interleaved, so that drift in machine speed (other load) affects all three alike
    kernel_runs, memo_off_runs, bare_runs = [], [], []
    for k in range(runs):
        kernel_runs.append(kernel_small(DEFAULT_MEMO))
        memo_off_runs.append(kernel_small(MEMO_OFF))
        bare_runs.append(bare(bare_replicas))
        log(
            f"  throughput run {k + 1}/{runs}: "
            f"kernel {kernel_runs[-1].states / kernel_runs[-1].seconds:,.0f} states/s, "
            f"memo off {memo_off_runs[-1].states / memo_off_runs[-1].seconds:,.0f}, "
            f"bare {bare_runs[-1].states / bare_runs[-1].seconds:,.0f}"
        )
    kern, off, base = Summary(tuple(kernel_runs)), Summary(tuple(memo_off_runs)), Summary(tuple(bare_runs))
    _, small_compile_s = timed(lambda: kernel_compile.compile_model(dep.MODEL, PRESETS["small"]))

    def row(name: str, m: Summary) -> list[str]:
        return [
            name,
            num(m.states),
            num(m.transitions),
            " / ".join(sec(r.seconds) for r in m.runs),
            sec(m.seconds),
            num(m.sps),
            num(m.tps),
            num(m.cpu_sps),
        ]

    small = PRESETS["small"]
    sps_ratio, tps_ratio, cpu_ratio = base.sps / kern.sps, base.tps / kern.tps, base.cpu_sps / kern.cpu_sps
    lines = [
        f"`small` preset: replicas {small.replicas}, maxSurge {small.max_surge}, "
        f"maxUnavailable {small.max_unavailable}, "
        f"one edit, one rollout undo, minReadySeconds {small.min_ready_seconds}. Compilation "
        f"({small_compile_s:.2f} s) is excluded from the kernel's seconds. Median of {runs} runs, the three "
        f"searches of this section interleaved. *states/s (CPU)* divides by the process's CPU time over the same "
        f"search, which other load on the machine does not inflate.",
        "",
    ]
    lines += table(
        [
            "search",
            "states",
            "transitions",
            f"wall s ({runs} runs)",
            "median wall s",
            "states/s",
            "transitions/s",
            "states/s (CPU)",
        ],
        [
            row("kernel: Deployment model, `small` preset (`explicit.check`)", kern),
            row(f"bare: hand-written counter BFS, replicas {bare_replicas} (`bare_bfs.py`)", base),
        ],
    )

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    lines += [
        "",
        f"* Kernel throughput: **{kern.sps:,.0f} distinct states/s** wall clock (target ≥ 50,000: "
        f"{verdict(kern.sps >= 50_000)}); **{kern.cpu_sps:,.0f} per CPU second** "
        f"(target: {verdict(kern.cpu_sps >= 50_000)}). "
        f"The CPU-second figure is the one-core rate; wall clock is lower wherever other processes share the CPU "
        f"(see the load line at the top).",
        f"* Bare / kernel: **{ratio(sps_ratio)}** in states/s wall clock, {ratio(cpu_ratio)} per CPU second, "
        f"{ratio(tps_ratio)} in transitions/s. Target, kernel indirection costs less than a factor of six: "
        f"{verdict(max(sps_ratio, cpu_ratio) < 6)}.",
        "* Both searches keep the same bookkeeping (state list, state→index dict, parent and action per state); the "
        "kernel also evaluates one compiled always-true property per new state. The two models differ (the bare one "
        "has no ReplicaSet status, revisions or annotations, no proportional scaling), so the ratio compares a "
        "hand-written simple model with the kernel running the full one.",
        "",
        "## Compiler memoization",
        "",
        f"The `small` preset searched by `explicit.check`, the model compiled by `compile_model(memo_lines=...)` with "
        f"the default ({DEFAULT_MEMO}: guard groups and effects longer than {DEFAULT_MEMO} generated lines "
        f"are memoized "
        f"on the slots they read) and with memoization off (`memo_lines=10**9`). Runs interleaved with the ones above; "
        f"median of {runs}.",
        "",
    ]
    lines += table(
        ["compiler setting", "states", "median wall s", "states/s", "states/s (CPU)"],
        [
            [
                f"default (`memo_lines={DEFAULT_MEMO}`)",
                num(kern.states),
                sec(kern.seconds),
                num(kern.sps),
                num(kern.cpu_sps),
            ],
            ["memoization off (`memo_lines=10**9`)", num(off.states), sec(off.seconds), num(off.sps), num(off.cpu_sps)],
        ],
    )
    lines += [
        "",
        f"* Memoization speed-up: **{ratio(kern.sps / off.sps)}** (default / off, states/s; "
        f"{ratio(kern.cpu_sps / off.cpu_sps)} per CPU second).",
    ]
    return lines


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small budgets and replicas 2..5 (a smoke run)")
    parser.add_argument("--pin-cpu", type=int, default=None, metavar="N", help="pin the process to CPU N")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="report path (default benchmarks/results/latest.md; --quick writes benchmarks/results/quick.md)",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    out = args.out or HERE / "results" / ("quick.md" if quick else "latest.md")
    replicas = range(2, 6) if quick else range(2, 11)
    max_states = 2_000_000
    per_pod_timeout = 3.0 if quick else 20.0
    orbit_timeout = 5.0 if quick else 150.0
    runs = 1 if quick else 3
    bare_replicas = 10 if quick else 13

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started, cpu_started = time.perf_counter(), time.process_time()
    load_before = load()
    pinned = pin(args.pin_cpu)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    log(f"kubecheck benchmarks ({'quick' if quick else 'full'}), {pinned}")
    sanity_lines = sanity(log)
    sym_lines, _ = symmetry(replicas, max_states, per_pod_timeout, orbit_timeout, log)
    thr_lines = throughput(runs, bare_replicas, log)
    total, total_cpu = time.perf_counter() - started, time.process_time() - cpu_started

    report = [
        f"# kubecheck benchmarks{' (quick)' if quick else ''}",
        "",
        f"* date: {when}",
        f"* command: `python benchmarks/run.py{' --quick' if quick else ''}` (total {total:.0f} s)",
        f"* Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{platform.system()} {platform.machine()}",
        f"* CPU: {cpu_model()}; {pinned}",
        f"* load average (1, 5, 15 min) before: {load_before}; after: {load()}; this process got "
        f"{total_cpu / total:.0%} of a CPU over the run (other load on the machine lowers wall-clock rates; the "
        f"ratios below are measured side by side, and CPU-time rates are given where they matter)",
        "",
        "## Sanity: the per-pod model is the counter model, unfolded",
        "",
        *sanity_lines,
        "",
        "## Symmetry reduction: counter model vs per-pod model",
        "",
        *sym_lines,
        "",
        "## Explicit-engine throughput vs a bare BFS",
        "",
        *thr_lines,
        "",
    ]
    text = "\n".join(report)
    print(text)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
