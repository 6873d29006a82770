"""``check MODEL --timeout`` is a hard stop (cli/stopping.py): a symbolic engine's call that does not
return in time is stopped by the watchdog, the properties decided before keep their verdicts and the
rest are INCONCLUSIVE "stopped by the time budget"."""

from __future__ import annotations

import time

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.task import Budget, Task
from kubecheck.cli import stopping
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.properties import catalog

PROPS = catalog.properties("deployment", ["deployment.replicas_within_surge", "deployment.revisions_unique"])


def _task(budget: Budget) -> Task:
    return Task(catalog.model("deployment"), PRESETS["tiny"], tuple(PROPS), budget=budget, engine="pdr")


def _fake(first_hangs: bool):
    def check(task: Task) -> list[Result]:
        [prop] = task.properties
        if (prop is PROPS[1]) == first_hangs:  # this one "sits in a z3 call" until it is stopped
            while True:
                time.sleep(0.01)
        return [Result(prop, Verdict.PROVED, task.scope, task.engine, Stats(0, 0, 0, 0.0, True, "proved"))]

    return check


def test_a_call_that_does_not_return_is_stopped_and_the_decided_keep_their_verdicts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(run, "check", _fake(first_hangs=True))
    with stopping.watchdog() as dog:
        results = stopping.check_within(_task(Budget(timeout=0.5)), dog)
    assert [r.verdict for r in results] == [Verdict.PROVED, Verdict.INCONCLUSIVE]
    assert results[1].note == "not decided: stopped by the time budget (--timeout)"
    assert results[1].stats.stop_reason == "timeout" and results[1].claim.kind == "nothing"


def test_after_the_stop_the_rest_get_no_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(run, "check", _fake(first_hangs=False))
    with stopping.watchdog() as dog:
        results = stopping.check_within(_task(Budget(timeout=0.5)), dog)
    assert [r.verdict for r in results] == [Verdict.INCONCLUSIVE, Verdict.INCONCLUSIVE]
    assert results[1].stats.seconds == 0.0


def test_without_a_timeout_the_task_runs_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def check(task: Task) -> list[Result]:
        seen.append(len(task.properties))
        return [
            Result(p, Verdict.HOLDS, task.scope, "explicit", Stats(1, 0, 0, 0.0, True, "exhausted"))
            for p in task.properties
        ]

    monkeypatch.setattr(run, "check", check)
    with stopping.watchdog() as dog:
        stopping.check_within(attrs.evolve(_task(Budget()), engine="explicit"), dog)
    assert seen == [2]  # explicit search decides every property in one exploration
