"""The explicit breadth-first engine (:mod:`kubecheck.checker.explicit.bfs`) on toy models.

Toys small enough to count by hand pin what the engine promises: exact state and transition
counts, shortest counterexamples, witnesses and UNREACHABLE, finished vs stuck terminal
states, budgets that give INCONCLUSIVE (never HOLDS), early stopping, command coverage,
domain errors, determinism, step properties and certified traces. The tutorial that opens
``model/__init__.py`` is executed as written, so it stays true.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import attrs
import pytest
from toys import COUNTER, CounterScope

import kubecheck.model
from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit.bfs import Budget, EngineError
from kubecheck.checker.explicit.compile import ModelCodeError
from kubecheck.checker.result import Verdict
from kubecheck.model.kernel.commands import Command, Model, successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import bool_field, int_field
from kubecheck.model.kernel.traces import replay


def _true(ops: Any, sc: Any, s: Any) -> Any:
    return True


# -- toy 1: a grid (x, y) walked by two counters -------------------------------------------


@attrs.frozen
class GridScope:
    width: int = 3
    height: int = 2


@attrs.frozen
class Grid:
    x: int = int_field(0, lambda sc: sc.width)
    y: int = int_field(0, lambda sc: sc.height)


GRID = Model(
    name="grid",
    title="two counters",
    kubernetes="-",
    state_cls=Grid,
    scope_cls=GridScope,
    init=lambda sc: Grid(0, 0),
    commands=(
        Command("x.step", lambda ops, sc, s: s.x < sc.width, lambda ops, sc, s: {"x": s.x + 1}, "x + 1"),
        Command("y.step", lambda ops, sc, s: s.y < sc.height, lambda ops, sc, s: {"y": s.y + 1}, "y + 1"),
        Command(
            "user.jump",
            lambda ops, sc, s, to: ops.and_(s.x == 0, s.y == 0),
            lambda ops, sc, s, to: {"x": to},
            "jump along x",
            kind="user",
            params=(("to", lambda sc: range(2, sc.width + 1)),),
        ),
    ),
    quiescent=_true,
    presets={"tiny": GridScope()},
)


def at(x: int, y: int) -> Property:
    return Property(
        name=f"grid.reaches_{x}_{y}",
        kind="sometimes",
        doc=f"reaches ({x}, {y})",
        upstream="-",
        predicate=lambda ops, sc, s: ops.and_(s.x == x, s.y == y),
    )


def never(x: int, y: int) -> Property:
    return Property(
        name=f"grid.avoids_{x}_{y}",
        kind="always",
        doc=f"never at ({x}, {y})",
        upstream="-",
        predicate=lambda ops, sc, s: ops.not_(ops.and_(s.x == x, s.y == y)),
    )


IN_BOUNDS = Property(
    name="grid.in_bounds",
    kind="always",
    doc="x and y stay in bounds",
    upstream="-",
    predicate=lambda ops, sc, s: ops.and_(s.x <= sc.width, s.y <= sc.height),
)


@pytest.mark.parametrize(("width", "height"), [(0, 0), (1, 0), (3, 2), (5, 4), (20, 30)])
def test_exact_state_and_transition_counts(width: int, height: int) -> None:
    # states: every (x, y); transitions: x-steps + y-steps + jumps from the origin to x = 2..width
    [result] = explicit.explore(GRID, GridScope(width, height), [IN_BOUNDS])
    assert result.verdict is Verdict.HOLDS
    assert result.stats.states == (width + 1) * (height + 1)
    assert result.stats.transitions == width * (height + 1) + height * (width + 1) + max(0, width - 1)
    # depth = the largest shortest distance: a jump reaches any x >= 2 in one step
    assert result.stats.depth == height + min(width, 1)
    assert result.stats.complete and result.stats.stop_reason == "exhausted"
    assert result.trace is None and result.engine == "explicit"


def test_bfs_gives_the_shortest_counterexample() -> None:
    """(4, 1): six steps by x.step (first in the table, what depth-first search would take)
    and y.step, or two by user.jump(to=4) then y.step. BFS finds the two-step one."""
    [result] = explicit.explore(GRID, GridScope(5, 2), [never(4, 1)])
    assert result.verdict is Verdict.VIOLATED
    assert result.trace.labels() == ["user.jump(to=4)", "y.step"]
    assert (result.trace.last.x, result.trace.last.y) == (4, 1)


def test_shortest_counterexample_among_equal_lengths_follows_command_order() -> None:
    # (1, 1) takes two steps either way; x.step comes first in the table, so its path is found
    [result] = explicit.explore(GRID, GridScope(3, 2), [never(1, 1)])
    assert result.trace.labels() == ["x.step", "y.step"]


def test_violation_in_the_initial_state_has_an_empty_trace() -> None:
    [result] = explicit.explore(GRID, GridScope(), [never(0, 0)])
    assert result.verdict is Verdict.VIOLATED
    assert result.trace.labels() == [] and result.trace.last == Grid(0, 0)


def test_sometimes_witness_is_found_with_a_shortest_trace() -> None:
    [result] = explicit.explore(GRID, GridScope(3, 2), [at(3, 2)])
    assert result.verdict is Verdict.WITNESSED
    assert result.trace.labels() == ["user.jump(to=3)", "y.step", "y.step"]


def test_sometimes_never_reached_is_unreachable_when_exhaustive() -> None:
    unreachable = Property(
        name="grid.diagonal_beyond",
        kind="sometimes",
        doc="x exceeds the width",
        upstream="-",
        predicate=lambda ops, sc, s: s.x > sc.width,
    )
    [result] = explicit.explore(GRID, GridScope(3, 2), [unreachable])
    assert result.verdict is Verdict.UNREACHABLE and result.trace is None
    assert result.stats.complete


def test_many_properties_in_one_search_keep_their_order_and_verdicts() -> None:
    props = [IN_BOUNDS, never(2, 2), at(1, 1), never(9, 9), at(0, 0)]
    results = explicit.explore(GRID, GridScope(3, 2), props)
    assert [r.property.name for r in results] == [p.name for p in props]
    assert [r.verdict for r in results] == [
        Verdict.HOLDS,
        Verdict.VIOLATED,
        Verdict.WITNESSED,
        Verdict.HOLDS,
        Verdict.WITNESSED,
    ]
    assert [len(r.trace.steps) if r.trace else None for r in results] == [None, 3, 2, None, 0]
    assert all(r.stats == results[0].stats for r in results)  # one exploration


# -- budgets and early stopping -------------------------------------------------------------


def test_max_states_budget_gives_inconclusive() -> None:
    results = explicit.explore(
        GRID, GridScope(20, 20), [IN_BOUNDS, at(20, 20), never(1, 0)], budget=Budget(max_states=30)
    )
    stats = results[0].stats
    assert not stats.complete and stats.stop_reason == "max-states"
    assert 30 <= stats.states < 441
    holds, witness, violated = results
    assert holds.verdict is Verdict.INCONCLUSIVE and "max-states" in holds.note
    assert witness.verdict is Verdict.INCONCLUSIVE  # not UNREACHABLE: the search did not finish
    assert violated.verdict is Verdict.VIOLATED  # found before the budget ran out
    assert not holds.coverage.complete


def test_timeout_budget_gives_inconclusive() -> None:
    [result] = explicit.explore(GRID, GridScope(100, 100), [IN_BOUNDS], budget=Budget(timeout=1e-9))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.stats.stop_reason == "timeout" and not result.stats.complete
    assert result.stats.states < 101 * 101
    assert "timeout" in result.note


def test_a_generous_budget_changes_nothing() -> None:
    [a] = explicit.explore(GRID, GridScope(5, 5), [IN_BOUNDS], budget=Budget(max_states=10**6, timeout=3600))
    [b] = explicit.explore(GRID, GridScope(5, 5), [IN_BOUNDS])
    assert a.verdict is b.verdict is Verdict.HOLDS
    assert (a.stats.states, a.stats.transitions, a.stats.stop_reason) == (
        b.stats.states,
        b.stats.transitions,
        "exhausted",
    )


def test_stop_when_decided_ends_the_search_early_by_default() -> None:
    scope = GridScope(30, 30)
    [full] = explicit.explore(GRID, scope, [never(1, 1)], stop_when_decided=False)
    [early] = explicit.explore(GRID, scope, [never(1, 1)])
    assert full.stats.states == 31 * 31 and full.stats.complete
    assert early.stats.stop_reason == "all properties decided" and early.stats.states < 100
    assert early.verdict is full.verdict is Verdict.VIOLATED
    assert early.trace.labels() == full.trace.labels()
    assert full.coverage.complete and not early.coverage.complete  # no vacuity report from a partial search


def test_stop_when_decided_still_explores_everything_for_an_invariant_that_holds() -> None:
    results = explicit.explore(GRID, GridScope(6, 6), [never(1, 1), IN_BOUNDS], stop_when_decided=True)
    assert results[1].verdict is Verdict.HOLDS
    assert results[1].stats.complete and results[1].stats.states == 49


def test_progress_is_reported_without_printing(capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[explicit.Progress] = []
    explicit.explore(GRID, GridScope(150, 150), [IN_BOUNDS], progress=seen.append, progress_interval=0.0)
    assert seen, "no progress snapshot"
    assert all(p.states <= 151 * 151 for p in seen)
    assert [p.states for p in seen] == sorted(p.states for p in seen)
    assert capsys.readouterr() == ("", "")


# -- toy 2: a job queue with finished and stuck terminal states ----------------------------


@attrs.frozen
class JobScope:
    jobs: int = 2
    can_fail: bool = True


@attrs.frozen
class Jobs:
    queued: int = int_field(0, lambda sc: sc.jobs)
    done: int = int_field(0, lambda sc: sc.jobs)
    broken: bool = bool_field()


def _jobs_model(commands: tuple[Command, ...]) -> Model:
    return Model(
        name="jobs",
        title="jobs",
        kubernetes="-",
        state_cls=Jobs,
        scope_cls=JobScope,
        init=lambda sc: Jobs(sc.jobs, 0, False),
        commands=commands,
        quiescent=lambda ops, sc, s: s.queued == 0,
        presets={"tiny": JobScope()},
    )


RUN = Command(
    "worker.run_job",
    lambda ops, sc, s: ops.and_(s.queued > 0, ops.not_(s.broken)),
    lambda ops, sc, s: {"queued": s.queued - 1, "done": s.done + 1},
    "run one job",
)
BREAK = Command(
    "fault.break_worker",
    lambda ops, sc, s: ops.and_(s.queued > 0, ops.not_(s.broken)),
    lambda ops, sc, s: {"broken": True},
    "the worker breaks",
    kind="fault",
    enabled_in=lambda sc: sc.can_fail,
)
NEVER = Command("worker.sing", lambda ops, sc, s: s.done > sc.jobs, lambda ops, sc, s: {"done": 0}, "never possible")
JOBS = _jobs_model((RUN, BREAK, NEVER))
FINISHED = Property(
    name="jobs.finishes",
    kind="terminal",
    doc="when nothing can happen, the queue is empty",
    upstream="-",
    predicate=lambda ops, sc, s: s.queued == 0,
)


def test_terminal_property_tells_quiescent_from_stuck() -> None:
    [stuck] = explicit.explore(JOBS, JobScope(2, can_fail=True), [FINISHED])
    assert stuck.verdict is Verdict.VIOLATED
    assert stuck.trace.labels() == ["fault.break_worker"]  # the shortest way to get stuck
    [finished] = explicit.explore(JOBS, JobScope(2, can_fail=False), [FINISHED])
    assert finished.verdict is Verdict.HOLDS
    assert finished.stats.states == 3


def test_terminal_property_is_not_checked_where_something_is_enabled() -> None:
    # "done == jobs" is false in every state but the last; only terminal states are judged
    all_done = Property(
        name="jobs.all_done",
        kind="terminal",
        doc="terminal states have every job done",
        upstream="-",
        predicate=lambda ops, sc, s: s.done == sc.jobs,
    )
    [result] = explicit.explore(JOBS, JobScope(3, can_fail=False), [all_done])
    assert result.verdict is Verdict.HOLDS


def test_coverage_counts_firings_and_separates_disabled_commands() -> None:
    [result] = explicit.explore(JOBS, JobScope(2, can_fail=True), [FINISHED], stop_when_decided=False)
    cov = result.coverage
    assert cov.complete
    assert dict(cov.fired) == {"worker.run_job": 2, "fault.break_worker": 2, "worker.sing": 0}
    assert cov.never_fired == ["worker.sing"]
    assert cov.disabled == ()
    [off] = explicit.explore(JOBS, JobScope(2, can_fail=False), [FINISHED], stop_when_decided=False)
    assert [name for name, _ in off.coverage.fired] == ["worker.run_job", "worker.sing"]
    assert off.coverage.disabled == ("fault.break_worker",)
    assert off.coverage.never_fired == ["worker.sing"]


def test_coverage_sums_over_parameters() -> None:
    [result] = explicit.explore(GRID, GridScope(4, 1), [IN_BOUNDS])
    assert dict(result.coverage.fired)["user.jump"] == 3  # to = 2, 3, 4 from the origin


# -- broken models ---------------------------------------------------------------------------


def test_effect_writing_outside_its_domain_is_an_engine_error() -> None:
    runaway = _jobs_model(
        (
            Command(
                "worker.overwork",
                lambda ops, sc, s: s.done >= 0,
                lambda ops, sc, s: {"done": s.done + 1},
                "no upper guard",
            ),
        )
    )
    with pytest.raises(EngineError, match=r"worker.overwork writes done=3 outside its domain 0..2"):
        explicit.explore(runaway, JobScope(2), [FINISHED])


def test_a_constant_outside_its_domain_is_refused_when_compiling() -> None:
    bad = _jobs_model((Command("worker.reset", lambda ops, sc, s: s.done > 0, lambda ops, sc, s: {"done": 7}, "bad"),))
    with pytest.raises(ModelCodeError, match="writes 7 into done"):
        explicit.explore(bad, JobScope(2), [FINISHED])


@attrs.frozen
class Flagged:
    count: int = int_field(0, lambda sc: sc.jobs)
    flag: bool = bool_field()


def _flagged(effect: Any) -> Model:
    return Model(
        name="flagged",
        title="flagged",
        kubernetes="-",
        state_cls=Flagged,
        scope_cls=JobScope,
        init=lambda sc: Flagged(0, False),
        commands=(Command("worker.count", lambda ops, sc, s: s.count < sc.jobs, effect, "count"),),
        quiescent=_true,
        presets={},
    )


ANYTHING = Property(name="flagged.anything", kind="always", doc="-", upstream="-", predicate=lambda ops, sc, s: True)


# Regression: the compiled domain check once tested only the range of values written into int
# slots, so an int written into a bool field (or a bool into an int field) passed (1 == True
# hashes alike) and the search reported HOLDS over states outside the declared domains.
@pytest.mark.parametrize(
    "effect",
    [
        lambda ops, sc, s: {"count": s.count + 1, "flag": ops.ite(s.count > 0, 1, 0)},
        lambda ops, sc, s: {"count": ops.ite(s.count > 0, s.count > 0, s.count + 1)},
    ],
    ids=["int-into-bool", "bool-into-int"],
)
def test_a_value_of_the_wrong_type_is_an_engine_error(effect: Any) -> None:
    with pytest.raises(EngineError):
        explicit.explore(_flagged(effect), JobScope(2), [ANYTHING])


@pytest.mark.parametrize(
    ("effect", "expected"),
    [
        (lambda ops, sc, s: {"count": s.count + 1, "flag": ops.ite(s.count > 0, 1, 0)}, r"flag=0\b.*\bbool\b"),
        (lambda ops, sc, s: {"count": ops.ite(s.count > 0, s.count > 0, s.count + 1)}, r"count=True\b.*\bint(eger)?\b"),
    ],
    ids=["int-into-bool", "bool-into-int"],
)
def test_a_wrong_type_is_explained_as_a_type_error(effect: Any, expected: str) -> None:
    """The message names the field and the type it expected."""
    with pytest.raises(EngineError, match=rf"worker\.count writes {expected}"):
        explicit.explore(_flagged(effect), JobScope(2), [ANYTHING])


def test_the_reference_semantics_sees_the_wrong_type() -> None:
    """What the engine should have said: the reference successor is outside the domain."""
    model = _flagged(lambda ops, sc, s: {"count": s.count + 1, "flag": ops.ite(s.count > 0, 1, 0)})
    scope = JobScope(2)
    [(_, nxt)] = successors(model, scope, Flagged(0, False))
    assert model.schema(scope).out_of_domain(nxt) == ["flag=0 (expected a bool)"]


def test_compiled_and_reference_disagreement_is_caught_by_certification() -> None:
    """A model that (illegally) behaves differently on ints than in compiled code: the trace the
    compiled engine found does not replay to the same states, and the engine says so."""

    def two_faced(ops: Any, sc: Any, s: Any) -> dict:
        step = 0 if isinstance(s.done, int) else 1  # reference: stutter; compiled: + 1
        return {"queued": s.queued - step, "done": s.done + step}

    model = _jobs_model((Command("worker.run_job", lambda ops, sc, s: s.queued > 0, two_faced, "two-faced"),))
    with pytest.raises(EngineError, match="compiled and reference semantics differ"):
        explicit.explore(
            model,
            JobScope(2, can_fail=False),
            [
                Property(
                    name="jobs.never_two",
                    kind="always",
                    doc="-",
                    upstream="-",
                    predicate=lambda ops, sc, s: s.done != 2,
                )
            ],
        )


# -- step properties -------------------------------------------------------------------------


def test_step_property_violation_ends_with_the_violating_step() -> None:
    gentle = Property(
        name="counter.drops_by_at_most_one",
        kind="step",
        doc="the count never drops by more than one",
        upstream="-",
        predicate=lambda ops, sc, s, t: t.count >= s.count - 1,
    )
    [result] = explicit.explore(COUNTER, CounterScope(limit=4), [gentle])
    assert result.verdict is Verdict.VIOLATED
    assert result.trace.labels() == ["controller.increment", "controller.increment", "user.reset"]
    before, after = result.trace.states[-2:]
    assert (before.count, after.count) == (2, 0)


def test_step_property_that_holds() -> None:
    moves = Property(
        name="counter.always_moves",
        kind="step",
        doc="every step changes the count",
        upstream="-",
        predicate=lambda ops, sc, s, t: s.count != t.count,
    )
    [result] = explicit.explore(COUNTER, CounterScope(limit=4), [moves])
    assert result.verdict is Verdict.HOLDS
    assert (result.stats.states, result.stats.transitions) == (5, 8)


# -- determinism and certification -----------------------------------------------------------


def test_two_runs_give_identical_results() -> None:
    props = [never(4, 1), at(3, 2), IN_BOUNDS]
    a = explicit.explore(GRID, GridScope(5, 3), props)
    b = explicit.explore(GRID, GridScope(5, 3), props)
    for x, y in zip(a, b):
        assert x.verdict is y.verdict
        assert (x.trace.labels() if x.trace else None) == (y.trace.labels() if y.trace else None)
        assert (x.stats.states, x.stats.transitions, x.stats.depth) == (
            y.stats.states,
            y.stats.transitions,
            y.stats.depth,
        )
        assert x.coverage == y.coverage


@pytest.mark.parametrize("prop", [never(4, 1), at(3, 2), never(0, 3)], ids=lambda p: p.name)
def test_every_trace_replays_through_the_reference_semantics(prop: Property) -> None:
    [result] = explicit.explore(GRID, GridScope(5, 3), [prop])
    trace = result.trace
    again = replay(GRID, GridScope(5, 3), trace.labels())
    assert again.states == trace.states
    assert prop.predicate(CONCRETE, GridScope(5, 3), again.last) is (prop.kind == "sometimes")
    for step in trace.steps:
        assert step.changes  # every step shows what it changed


# -- the tutorial in model/__init__.py --------------------------------------------------------


def tutorial_source() -> str:
    doc = kubecheck.model.__doc__
    match = re.search(r"::\n\n((?:    .*\n|\n)+)", doc)
    assert match, "model/__init__.py has no literal code block"
    return textwrap.dedent(match.group(1))


def test_the_tutorial_in_the_model_package_runs_as_written() -> None:
    source = tutorial_source()
    assert "bfs.check(Task(" in source and "assert" in source
    namespace: dict[str, Any] = {"__name__": "tutorial"}
    exec(compile(source, "model/__init__.py (tutorial)", "exec"), namespace)
    result = namespace["result"]
    assert result.verdict is Verdict.HOLDS and result.stats.states == 4


def test_the_tutorial_check_would_notice_a_wrong_claim() -> None:
    source = tutorial_source().replace("result.stats.states == 4", "result.stats.states == 5")
    with pytest.raises(AssertionError):
        exec(compile(source, "tutorial", "exec"), {"__name__": "tutorial"})


# -- packed states (checker/explicit/packed.py) -------------------------------------------------


@pytest.mark.parametrize("model_name", ["deployment", "statefulset", "daemonset"])
def test_packed_successors_are_the_tuple_successors_on_every_reachable_state_of_tiny(model_name: str) -> None:
    """The search runs on packed ints; the compiled tuple function is the one checked against the reference."""
    from kubecheck.checker.explicit.compile import compile_model
    from kubecheck.checker.explicit.packed import packed
    from kubecheck.properties.catalog import MODELS

    model = MODELS[model_name]
    compiled = compile_model(model, model.presets["tiny"])
    pk = packed(compiled)
    layout = pk.layout
    for flat in compiled.reachable():
        assert layout.unpack(layout.pack(flat)) == flat
        expected = [(a, t, [type(v) for v in t]) for a, t in compiled.successors(flat)]
        got = [(a, layout.unpack(t), [type(v) for v in layout.unpack(t)]) for a, t in pk.successors(layout.pack(flat))]
        assert got == expected


def test_a_field_written_out_of_its_domain_never_spills_into_its_neighbour() -> None:
    """Packed fields sit side by side: the domain check runs before a value is packed."""
    leaky = Model(
        name="leak",
        title="x overflows",
        kubernetes="-",
        state_cls=Grid,
        scope_cls=GridScope,
        init=lambda sc: Grid(0, 0),
        commands=(Command("x.jump", lambda ops, sc, s: s.x == 0, lambda ops, sc, s: {"x": s.x + 4}, "x + 4"),),
        quiescent=_true,
        presets={"tiny": GridScope()},
    )
    with pytest.raises(EngineError, match=r"x\.jump writes x=4 outside its domain 0\.\.3"):
        explicit.explore(leaky, GridScope(), [IN_BOUNDS])


def test_min_and_max_compile_to_what_the_builtins_return() -> None:
    from kubecheck.checker.explicit.compile import Emitter, SourceOps, _define

    em = Emitter()
    ops = SourceOps(em)
    from kubecheck.checker.explicit.compile import Expr

    a, b, c = Expr("a", em), Expr("b", em), Expr("c", em)
    lo, hi = ops.min_(a, b, c, 2), ops.max_(a, b, c, 2)
    em.line(f"return ({lo.code}, {hi.code})")
    fn = _define("def f(a, b, c):\n" + "\n".join(em.lines) + "\n", "f", {})
    for args in [(0, 1, 2), (3, 3, 1), (5, 4, 4), (-1, 7, 2), (2, 2, 2)]:
        assert fn(*args) == (min(*args, 2), max(*args, 2))
