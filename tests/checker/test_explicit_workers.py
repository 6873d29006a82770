"""The explicit search across processes (``workers`` > 1, :mod:`kubecheck.checker.explicit.workers`).

What it promises against one process: the same distinct states, transitions, depth and command
coverage when it runs to exhaustion; the same verdicts; traces as short, replayed through the
reference semantics (the engine certifies every trace); budgets still give INCONCLUSIVE.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import attrs
import pytest

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit.bfs import Budget, EngineError
from kubecheck.checker.explicit.workers import owner
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import int_field
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog

SAFETY = [p for p in catalog.PROPERTIES["deployment"] if p.kind in ("always", "step", "sometimes", "terminal")]


def _same_scope(props: list[Property], scope: Any) -> list[Property]:
    return [p for p in props if p.adjust(scope) == scope]


def _summary(results: list[Any]) -> list[tuple]:
    return [(r.property.name, r.verdict, None if r.trace is None else len(r.trace.labels())) for r in results]


@pytest.mark.parametrize("workers", [2, 3])
def test_workers_reach_the_same_states_as_one_process_on_tiny(workers: int) -> None:
    scope = PRESETS["tiny"]
    props = _same_scope(SAFETY, scope)
    one = explicit.explore(dep.MODEL, scope, props, stop_when_decided=False)
    many = explicit.explore(dep.MODEL, scope, props, stop_when_decided=False, workers=workers)
    stats = [(r.stats.states, r.stats.transitions, r.stats.depth, r.stats.complete) for r in (one[0], many[0])]
    assert stats[0] == stats[1]
    assert one[0].coverage == many[0].coverage
    assert _summary(one) == _summary(many)


def test_two_workers_reach_the_pinned_state_count_of_small() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "model"))
    from state_counts import row

    pinned = row("deployment", "small")
    true = Property(name="t.true", kind="always", doc="true", upstream="-", predicate=lambda ops, sc, s: True)
    [r] = explicit.explore(dep.MODEL, PRESETS["small"], [true], workers=2)
    assert r.verdict is Verdict.HOLDS
    assert (r.stats.states, r.stats.transitions, r.stats.depth) == (pinned.states, pinned.transitions, pinned.depth)


def test_every_deployment_safety_verdict_on_tiny_is_the_single_process_verdict_with_as_short_a_trace() -> None:
    scope = PRESETS["tiny"]
    props = _same_scope(SAFETY, scope)
    assert _summary(explicit.explore(dep.MODEL, scope, props)) == _summary(
        explicit.explore(dep.MODEL, scope, props, workers=2)
    )


# -- a toy whose violation is deep: x counts to 9, y to 3 ----------------------------------------


@attrs.frozen
class _Scope:
    top: int = 9


@attrs.frozen
class _State:
    x: int = int_field(0, lambda sc: sc.top)
    y: int = int_field(0, 3)


TOY = Model(
    name="toy",
    title="two counters",
    kubernetes="-",
    state_cls=_State,
    scope_cls=_Scope,
    init=lambda sc: _State(0, 0),
    commands=(
        Command("a.x", lambda ops, sc, s: s.x < sc.top, lambda ops, sc, s: {"x": s.x + 1}, "x + 1"),
        Command("b.y", lambda ops, sc, s: s.y < 3, lambda ops, sc, s: {"y": s.y + 1}, "y + 1"),
        Command("c.reset", lambda ops, sc, s: s.y == 3, lambda ops, sc, s: {"x": 0}, "x back to 0"),
    ),
    quiescent=lambda ops, sc, s: True,
    presets={"tiny": _Scope()},
)
NOT_7_3 = Property(
    name="toy.not_7_3",
    kind="always",
    doc="never (7, 3)",
    upstream="-",
    predicate=lambda ops, sc, s: ops.not_(ops.and_(s.x == 7, s.y == 3)),
)
NO_RESET_AT_5 = Property(
    name="toy.no_reset_at_5",
    kind="step",
    doc="reset never from x=5",
    upstream="-",
    predicate=lambda ops, sc, s, t: ops.not_(ops.and_(s.x == 5, t.x == 0, s.y == 3)),
)
REACH_9 = Property(
    name="toy.reaches_9", kind="sometimes", doc="x reaches 9", upstream="-", predicate=lambda ops, sc, s: s.x == 9
)


@pytest.mark.parametrize("prop", [NOT_7_3, NO_RESET_AT_5, REACH_9], ids=lambda p: p.name)
def test_a_violation_found_by_workers_has_a_shortest_trace_that_replays(prop: Property) -> None:
    [one] = explicit.explore(TOY, _Scope(), [prop])
    [two] = explicit.explore(TOY, _Scope(), [prop], workers=2)
    assert two.verdict is one.verdict is (Verdict.WITNESSED if prop.kind == "sometimes" else Verdict.VIOLATED)
    assert two.trace is not None and one.trace is not None
    assert len(two.trace.labels()) == len(one.trace.labels())
    again = replay(TOY, _Scope(), two.trace.labels())
    assert again.states == two.trace.states
    last = again.states[-1]
    if prop is NOT_7_3:
        assert (last.x, last.y) == (7, 3)
    if prop is REACH_9:
        assert last.x == 9


def test_the_states_are_spread_over_every_worker() -> None:
    from kubecheck.checker.explicit.compile import compile_model
    from kubecheck.checker.explicit.packed import packed

    compiled = compile_model(dep.MODEL, PRESETS["tiny"])
    layout = packed(compiled).layout
    owners = [owner(layout.pack(flat), 2) for flat in compiled.reachable()]
    assert 0.3 < owners.count(0) / len(owners) < 0.7


def test_a_state_budget_with_workers_is_inconclusive_never_holds() -> None:
    true = Property(name="t.true", kind="always", doc="true", upstream="-", predicate=lambda ops, sc, s: True)
    [r] = explicit.explore(dep.MODEL, PRESETS["tiny"], [true], Budget(max_states=20), workers=2)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.stats.stop_reason == "max-states" and not r.stats.complete


def test_a_model_bug_met_by_a_worker_is_an_engine_error() -> None:
    broken = attrs.evolve(
        TOY,
        commands=TOY.commands
        + (Command("d.overflow", lambda ops, sc, s: s.x == 9, lambda ops, sc, s: {"y": s.y + 9}, "bug"),),
    )
    true = Property(name="t.true", kind="always", doc="true", upstream="-", predicate=lambda ops, sc, s: True)
    with pytest.raises(EngineError, match=r"d\.overflow writes y=9"):
        explicit.explore(broken, _Scope(), [true], workers=2)


def test_fewer_than_one_worker_is_refused() -> None:
    with pytest.raises(ValueError, match="workers"):
        explicit.explore(TOY, _Scope(), [REACH_9], workers=0)


def test_check_reads_workers_from_the_budget_when_it_has_them() -> None:
    """``Budget.workers`` (``--workers N``) reaches the engine; a Budget without the field means one process."""
    task = Task(model=TOY, scope=_Scope(), properties=(REACH_9,))
    [r] = explicit.check(task)
    assert r.verdict is Verdict.WITNESSED
