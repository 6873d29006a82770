"""Run a workload's plan: each step's task with :func:`kubecheck.checker.run.check`, then one row per property.

A step decides the properties of its task that no earlier step decided (the task is narrowed to
them with ``Task.with_properties``; a step left with none does not run). Its results become rows
labelled as the step says; a property it hands on (:class:`~kubecheck.manifest.plan.Handoff`)
gets no row yet, and the row a later step gives it names this attempt in brackets:
``explicit (pdr: unknown after 20 s)``.

**Budgets.** A plan runs within ``seconds`` (None: no limit), less the time making it took
(``WorkloadPlan.planning_seconds``: its calibration searches belong to the workload's time): steps that hand their open
properties on share at most half of it (each also within its own cap), so that the step that
keeps the rows has the rest. Each step is guarded by a :class:`~kubecheck.checker.task.Watchdog`
when one is given: past the step's time (plus :data:`GRACE`) the step is stopped even inside a z3
call, and its open properties are INCONCLUSIVE "timeout" (or handed on). Once the time is spent,
the properties not yet decided are INCONCLUSIVE "timeout". Ctrl-C (KeyboardInterrupt, or an
explicit search that reports "interrupted") raises :class:`Interrupted` carrying the rows decided
so far; the caller makes the rest INCONCLUSIVE "interrupted".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import attrs

from kubecheck.checker import run
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.task import Budget, Deadline, OutOfTime, Task, Watchdog
from kubecheck.manifest import sizing
from kubecheck.manifest.plan import HANDOFF_SHARE, Handoff, Step, WorkloadPlan
from kubecheck.manifest.sizing import ProgressCallback, Row
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.property import Property

#: Seconds a step may overrun its time before the watchdog stops it (engines stop themselves first).
GRACE = 1.0


class Interrupted(Exception):
    """Ctrl-C during a plan: the rows decided so far (property name -> row)."""

    def __init__(self, rows: dict[str, Row]):
        super().__init__("interrupted")
        self.rows = rows


def stopped_row(plan: WorkloadPlan, prop: Property, why: str, seconds: float = 0.0) -> Row:
    """An INCONCLUSIVE row for a property of ``plan`` not decided: the budget ran out or Ctrl-C (``why``).

    It names the size of the last step that takes the property (the one that would have kept its row).
    """
    workload = plan.workload
    step = next((s for s in reversed(plan.steps) if prop in s.task.properties), None)
    words = {"timeout": "stopped by the time budget", "interrupted": "interrupted (Ctrl-C)"}
    engine = step.task.engine if step is not None else "auto"
    scope = step.task.scope if step is not None else workload.scope
    result = Result(
        prop,
        Verdict.INCONCLUSIVE,
        scope,
        engine,
        Stats(0, 0, 0, seconds, False, why),
        note=f"not decided: {words.get(why, why)}",
    )
    size = step.size(prop, result) if step is not None else ""
    return Row(result, engine, size, step.reduced if step is not None else False, sizing.is_caveat(prop))


def _stopped_results(todo: Sequence[Property], step: Step, why: str, seconds: float) -> list[Result]:
    return [
        Result(
            p,
            Verdict.INCONCLUSIVE,
            step.task.scope,
            step.task.engine,
            Stats(0, 0, 0, seconds, False, why),
            note=f"stopped after {seconds:.0f} s ({why})",
        )
        for p in todo
    ]


def execute_plan(
    plan: WorkloadPlan,
    seconds: float | None = None,
    watchdog: Watchdog | None = None,
    status: Callable[[str], None] | None = None,
) -> list[Row]:
    """One row per property of ``plan``, in its order, from running its steps in order within ``seconds``
    (less the time the plan took to make)."""
    if seconds:  # (a Deadline of 0 s has no limit: what planning left is kept above 0)
        seconds = max(seconds - plan.planning_seconds, 1e-6)
    clock = Deadline(seconds)
    pool = Deadline(seconds * HANDOFF_SHARE if seconds else None)
    rows: dict[str, Row] = {}
    attempts: dict[str, str] = {}  # property name -> how an earlier step that handed it on is named
    last_step: dict[str, Step] = {}
    for k, step in enumerate(plan.steps, start=1):
        todo = [p for p in step.task.properties if p.name not in rows]
        for p in todo:
            last_step[p.name] = step
        if not todo:
            continue
        if watchdog is not None and watchdog.interrupted:
            raise Interrupted(rows)
        keeps = step.handoff is Handoff.KEEP
        left = clock.left() if keeps else _least(clock.left(), pool.left())
        if left is not None and left <= 0:
            if keeps:
                for p in todo:
                    rows[p.name] = _row(step, p, _stopped_results([p], step, "timeout", 0.0)[0], attempts)
            continue
        cap = step.task.budget.timeout
        timeout = _least(cap, left)
        task = attrs.evolve(step.task.with_properties(todo), budget=attrs.evolve(step.task.budget, timeout=timeout))
        if status is not None:
            where = f"{plan.workload.ref}: step {k} of {len(plan.steps)}"
            count = f"{len(todo)} propert{'y' if len(todo) == 1 else 'ies'}"
            status(f"{where}, {step.task.engine}: {count}")
            task = attrs.evolve(task, status=_prefixed(status, where))
        started = time.perf_counter()
        try:
            results = _run(task, timeout, watchdog)
        except KeyboardInterrupt:
            raise Interrupted(rows) from None
        spent = time.perf_counter() - started
        if results is None:
            results = _stopped_results(todo, step, "timeout", spent)
        for prop, result in zip(todo, results):
            if result.stats.stop_reason == "interrupted":
                raise Interrupted(rows)
            if result.verdict is Verdict.INCONCLUSIVE and not keeps:
                attempts[prop.name] = step.attempt_text(result, spent)
                continue
            rows[prop.name] = _row(step, prop, result, attempts)
    return [rows[p.name] for p in plan.properties]


def _prefixed(status: Callable[[str], None], where: str) -> Callable[[str], None]:
    def say(what: str) -> None:
        status(f"{where}, {what}")

    return say


def _row(step: Step, prop: Property, result: Result, attempts: dict[str, str]) -> Row:
    method = step.method(result)
    if prop.name in attempts:
        method += f" ({attempts[prop.name]})"
    return Row(result, method, step.size(prop, result), step.reduced, sizing.is_caveat(prop))


def _least(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    return a if b is None else min(a, b)


def _run(task: Task, timeout: float | None, watchdog: Watchdog | None) -> list[Result] | None:
    """The step's results, or None when the watchdog stopped it."""
    if watchdog is None:
        return run.check(task)
    try:
        with watchdog.limit(None if timeout is None else timeout + GRACE):
            results = run.check(task)
    except OutOfTime:
        results = None
    except Exception:
        if not watchdog.last_fired:
            raise
        results = None  # a z3 call the watchdog interrupted answered badly before OutOfTime was raised
    if watchdog.interrupted:
        raise KeyboardInterrupt
    return results


def check_workload(
    workload: Workload,
    props: Sequence[Property],
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: ProgressCallback | None = None,
) -> list[Row]:
    """Every property of ``props`` decided for ``workload``: :func:`sizing.plan`, then :func:`execute_plan`."""
    return execute_plan(sizing.plan(workload, props, engine, budget, progress), budget.timeout)
