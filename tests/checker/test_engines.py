"""The one engine contract: every engine module is ``check(task) -> list[Result]``.

Each engine returns one result per property of its task, in the task's order, carrying the
engine's name; the runner dispatches through one table that names an engine for every
(engine name, property class) a task may ask for, and builds each encoding once per run.
"""

from __future__ import annotations

from typing import Any

import pytest
from toys import COUNTER, CounterScope

from kubecheck.checker import run
from kubecheck.checker.explicit import bfs, fair_cycles
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.symbolic import bmc, kinduction, lasso, pdr, ranking
from kubecheck.checker.symbolic.encoder import Encoders
from kubecheck.checker.task import ENGINES, Budget, Engine, Task
from kubecheck.model.kernel.property import Property


def _property(name: str, kind: str, predicate: Any) -> Property:
    return Property(name=f"toy.{name}", kind=kind, doc=name, upstream="-", predicate=predicate)


BOUNDED = _property("bounded", "always", lambda ops, sc, s: s.count <= sc.limit)
NEVER_FULL = _property("never_full", "always", lambda ops, sc, s: s.count < sc.limit)
REACHES_FULL = _property("reaches_full", "sometimes", lambda ops, sc, s: s.count == sc.limit)
FILLS_UP = _property("fills_up", "eventually", lambda ops, sc, s: s.count == sc.limit)
STAYS_EMPTY = _property("stays_empty", "eventually", lambda ops, sc, s: s.count < 0)

SAFETY = (BOUNDED, NEVER_FULL, REACHES_FULL)
LIVENESS = (FILLS_UP, STAYS_EMPTY)


@pytest.mark.parametrize(
    ("engine", "properties"),
    [
        (bfs, SAFETY),
        (fair_cycles, LIVENESS),
        (bmc, SAFETY),
        (kinduction, SAFETY),
        (pdr, SAFETY),
        (lasso, LIVENESS),
        (ranking, LIVENESS),
    ],
    ids=lambda v: getattr(v, "__name__", "").rsplit(".", 1)[-1] or None,
)
def test_every_engine_returns_one_result_per_property_in_order(
    engine: Engine, properties: tuple[Property, ...]
) -> None:
    results = engine.check(Task(COUNTER, CounterScope(), properties, budget=Budget(timeout=60)))
    assert [r.property for r in results] == list(properties)
    assert all(isinstance(r, Result) and r.engine == engine.ENGINE for r in results)


def test_engines_decide_the_counter_alike() -> None:
    """Exhaustive search, k-induction and PDR agree on the counter's safety properties."""
    verdicts = {
        engine.ENGINE: [r.verdict for r in engine.check(Task(COUNTER, CounterScope(), SAFETY))]
        for engine in (bfs, kinduction, pdr)
    }
    assert verdicts["explicit"] == [Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED]
    assert verdicts["kind"] == verdicts["pdr"] == [Verdict.PROVED, Verdict.VIOLATED, Verdict.WITNESSED]


def test_a_proof_is_the_results_evidence() -> None:
    [proved] = pdr.check(Task(COUNTER, CounterScope(), [BOUNDED]))
    assert proved.verdict is Verdict.PROVED
    assert isinstance(proved.evidence, pdr.Proof) and proved.evidence.scope_claim == "this instance"


def test_the_depth_of_a_task_bounds_bmc() -> None:
    [shallow] = bmc.check(Task(COUNTER, CounterScope(limit=4), [NEVER_FULL], depth=3))
    [deep] = bmc.check(Task(COUNTER, CounterScope(limit=4), [NEVER_FULL], depth=4))
    assert shallow.verdict is Verdict.INCONCLUSIVE and shallow.stats.depth == 3
    assert deep.verdict is Verdict.VIOLATED and len(deep.trace.steps) == 4


def test_the_runner_has_an_engine_for_every_engine_name_and_property_class() -> None:
    assert set(run.DISPATCH) == {(name, kind) for name in ENGINES for kind in (run.SAFETY, run.LIVENESS)}
    for engines in run.DISPATCH.values():
        assert engines and all(callable(e.check) and e.ENGINE and e.LABEL for e in engines)


def test_an_encoding_is_built_once_per_cache_and_arithmetic() -> None:
    task = Task(COUNTER, CounterScope(), [BOUNDED])
    assert task.encoder() is task.encoder()
    assert task.encoder("linear") is not task.encoder()
    other = Task(COUNTER, CounterScope(), [BOUNDED], encoders=Encoders())
    assert other.encoder() is not task.encoder()
    again = Task(COUNTER, CounterScope(limit=5), [BOUNDED], encoders=task.encoders)
    assert again.encoder().scope == CounterScope(limit=5)
