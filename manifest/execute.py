"""Run a workload's plan: each step's task with :func:`kubecheck.checker.run.check`, then one row per property.

A step decides the properties of its task that no earlier step decided (the task is narrowed to
them with ``Task.with_properties``; a step left with none does not run). Its results become rows
labelled as the step says; a property it hands on (:class:`~kubecheck.manifest.plan.Handoff`)
gets no row yet, and the row a later step gives it names this attempt in brackets:
``explicit (pdr: unknown after 20 s)``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.manifest import sizing
from kubecheck.manifest.plan import Handoff, WorkloadPlan
from kubecheck.manifest.sizing import ProgressCallback, Row
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.property import Property


def execute_plan(plan: WorkloadPlan) -> list[Row]:
    """One row per property of ``plan``, in its order, from running its steps in order."""
    rows: dict[str, Row] = {}
    attempts: dict[str, str] = {}  # property name -> how an earlier step that handed it on is named
    for step in plan.steps:
        todo = [p for p in step.task.properties if p.name not in rows]
        if not todo:
            continue
        started = time.perf_counter()
        results = run.check(step.task.with_properties(todo))
        seconds = time.perf_counter() - started
        for prop, result in zip(todo, results):
            if result.verdict is Verdict.INCONCLUSIVE and step.handoff is not Handoff.KEEP:
                attempts[prop.name] = step.attempt_text(result, seconds)
                continue
            method = step.method(result)
            if prop.name in attempts:
                method += f" ({attempts[prop.name]})"
            rows[prop.name] = Row(result, method, step.size(prop, result), step.reduced, sizing.is_caveat(prop))
    return [rows[p.name] for p in plan.properties]


def check_workload(
    workload: Workload,
    props: Sequence[Property],
    engine: str = "auto",
    budget: Budget = Budget(),
    progress: ProgressCallback | None = None,
) -> list[Row]:
    """Every property of ``props`` decided for ``workload``: :func:`sizing.plan`, then :func:`execute_plan`."""
    return execute_plan(sizing.plan(workload, props, engine, budget, progress))
