"""Reachable states of concrete instances, as rows over an encoder's variables.

Lemma discovery (:mod:`kubecheck.checker.discovery.candidates`) keeps only the candidate invariants that
hold in every sampled state, so that Houdini's SMT queries see almost only true candidates.
With symbolic parameters the samples come from several instances, one per point of a small grid
of parameter values the API server accepts (``replicas`` 0–5, ``maxSurge`` and
``maxUnavailable`` 0–2, at most :data:`MAX_INSTANCES` points, always including the scope's own
values and the least ones): a candidate true for one replica count only does not survive.

Sampling never decides a proof. It can decide a violation (or a ``sometimes`` witness): the
property is checked on every state reached. The chosen instances are explored smallest first (by
the sum of their parameter values, then in order), breadth-first, and the first one that violates
the property (reaches the witness) ends the sampling and is handed back with the action labels of
a shortest path to that state, read off the search's parent links; :func:`decided` replays them
with the reference interpreter (explicit search looks again only if they do not decide the
property): the least parameter values among the sampled grid, found without exploring the larger
instances. An instance is first explored by the reference interpreter, up to :data:`INTERPRETED`
states (about 5 ms a state); one with more is compiled (about half a second) and explored again.

The least values first: when the property is checked, every instance whose parameter values sum
to at most :data:`LEAST_SUM` (the grid may skip some: ``replicas=1, maxSurge=0, maxUnavailable=1``)
is explored too, in the same order, by the reference interpreter only (an instance it does not
finish within :data:`INTERPRETED` states is skipped, and its states never become rows, so lemma
discovery sees the grid's instances alone). A violation found where every valid instance of a
smaller sum was explored in full is the least by that order over all values, and
:func:`decided` says so; otherwise it is only the first found among the instances explored.

Sampling keeps to a budget: ``timeout`` seconds over all instances (the instances not reached
are not sampled; an exploration in progress keeps the states it has) and ``max_states`` per
instance; :func:`decided`'s explicit search, when needed, gets the time left, and without a
trace in time the result is INCONCLUSIVE.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Sequence

import attrs

from kubecheck.checker.certify import EncoderBug
from kubecheck.checker.explicit import bfs
from kubecheck.checker.explicit.compile import Compiled, DomainError, compile_model
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Budget
from kubecheck.model.kernel import commands
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace, TraceError, replay

#: Values tried per symbolic parameter; other parameters get DEFAULT_GRID.
GRID = {"replicas": (0, 1, 2, 3, 5), "max_surge": (0, 1, 2), "max_unavailable": (0, 1, 2)}
DEFAULT_GRID = (0, 1, 2, 3)
MAX_INSTANCES = 16
#: Instances whose parameter values sum to at most this are explored (when the property is checked)
#: even if the grid skipped them: the cheap, least ones (replicas 0 or 1 and small surge bounds).
LEAST_SUM = 2


@attrs.frozen
class Samples:
    """Rows (state slots, then parameter values, as ints) and the instance each came from."""

    instances: tuple[dict[str, int], ...]
    rows: tuple[tuple[int, ...], ...]
    owner: tuple[int, ...]
    decided_in: dict[str, int] | None  # the instance with the shallowest violation (always) or witness (sometimes)
    decided_depth: int | None = None
    explored: int = 0  # states reached over all instances
    #: The model compiled for ``decided_in`` (its shortest trace reuses it: compiling takes about a second).
    decided_compiled: Compiled | None = attrs.field(default=None, eq=False, repr=False)
    #: The action labels of a shortest path to the first violation (witness) in ``decided_in``, read off
    #: the breadth-first exploration's parent links (:func:`decided` replays them).
    decided_labels: tuple[str, ...] | None = None
    decided_states: int = 0  # states of ``decided_in`` explored before it was decided
    #: Every valid instance whose values sum to less than ``decided_in``'s was explored in full (none breaks
    #: the property): ``decided_in`` is the least violation (witness) in the order of sums, over all values.
    decided_least: bool = False


def grid_points(
    encoder: Encoder, grid: dict[str, Sequence[int]] | None = None, limit: int = MAX_INSTANCES, seed: int = 0
) -> list[dict[str, int]]:
    """Parameter assignments to sample: the scope's own, the least, then a seeded choice of the rest."""
    names = list(encoder.params)
    if not names:
        return [{}]
    axes = [
        _within(tuple((grid or {}).get(n, GRID.get(n, DEFAULT_GRID))), encoder.bounds.get(n, (None, None)))
        for n in names
    ]
    own = tuple(_value(getattr(encoder.scope, n)) for n in names)
    points = list(itertools.product(*axes))
    bounds = [encoder.bounds.get(n, (None, None)) for n in names]
    first = [p for p in (own, tuple(min(a) for a in axes)) if all(_inside(v, b) for v, b in zip(p, bounds))]
    rest = [p for p in points if p not in first]
    random.Random(seed).shuffle(rest)
    return [dict(zip(names, p)) for p in (first + rest)[: max(limit, 2)]]


def sample(
    encoder: Encoder,
    prop: Property | None = None,
    grid: dict[str, Sequence[int]] | None = None,
    max_rows: int = 4000,
    max_states: int = 50_000,
    seed: int = 0,
    timeout: float | None = None,
) -> Samples:
    """Reachable states of each grid instance within ``timeout`` seconds (see the module docstring)."""
    e = encoder
    deadline = None if timeout is None else time.monotonic() + timeout
    names = list(e.params)
    instances, per_instance = [], []
    decided_in, decided_depth = None, None
    decided_compiled: Compiled | None = None
    decided_labels: tuple[str, ...] | None = None
    decided_states = 0
    compiled_at: list[dict[str, int]] = []  # the parameters of the instances compiled so far
    explored = 0
    checks = prop is not None and prop.kind in ("always", "sometimes", "step")
    points = grid_points(e, grid, seed=seed)
    least: list[dict[str, int]] = []  # the least instances the grid skipped, explored only to decide
    if checks:  # smallest first: the first violation found has the least parameters sampled
        least = [v for v in least_points(e) if v not in points]
        points = sorted(points + least, key=lambda values: (sum(values.values()), tuple(values[n] for n in names)))
    partial: list[int] = []  # the sums of the instances not explored in full
    for values in points:
        if deadline is not None and time.monotonic() >= deadline:
            break
        scope = e.concrete_scope(values)
        only_deciding = values in least
        try:
            validate = getattr(scope, "validate", None)
            if validate is not None:
                validate()
            # an instance at least as large as one that had to be compiled is compiled at once (a guess
            # about the method only: both explore the same states)
            larger = not only_deciding and any(all(values[n] >= big[n] for n in names) for big in compiled_at)
            small = (
                None if larger else _interpreted(e.model, scope, prop if checks else None, min(INTERPRETED, max_states))
            )
            if small is None and only_deciding:
                partial.append(sum(values.values()))
                continue  # not compiled: a grid instance's job
            compiled = compile_model(e.model, scope) if small is None else None
        except (ValueError, TypeError):
            continue  # the API server rejects these values
        if small is not None:  # the instance was finished (or decided) by the reference interpreter
            states, bad_labels = small
            explored += len(states)
            if bad_labels is not None:
                decided_in, decided_depth = values, len(bad_labels[1])
                decided_labels, decided_states = bad_labels[1], bad_labels[0]
        else:
            assert compiled is not None
            compiled_at.append(values)
            parents: dict[tuple, tuple[tuple, int]] = {}
            found: list = []
            check = None
            if checks:
                assert prop is not None
                check = _bad_check(compiled, prop, found)
            states, _depths = _reachable(compiled, max_states, deadline, parents, check)
            explored += len(states)
            if not found and (len(states) >= max_states or (deadline is not None and time.monotonic() >= deadline)):
                partial.append(sum(values.values()))
            if checks:
                bad = found[0] if found else None
                if bad is not None:
                    decided_in, decided_depth, decided_compiled = values, bad[0], compiled
                    decided_labels, decided_states = _path(compiled, parents, bad[1], bad[2]), len(states)
        if decided_in is not None:
            instances.append(values)
            per_instance.append(states)
            break  # decided: the larger instances are not needed
        if not only_deciding:
            instances.append(values)
            per_instance.append(states)
    total = None if decided_in is None else sum(decided_in.values())
    decided_least = total is not None and total <= LEAST_SUM + 1 and all(p >= total for p in partial)
    rng = random.Random(seed)
    quota = max(1, max_rows // max(1, len(instances)))
    rows, owner = [], []
    for k, (values, states) in enumerate(zip(instances, per_instance)):
        chosen = states if len(states) <= quota else [states[0]] + rng.sample(states[1:], quota - 1)
        tail = tuple(values[n] for n in names)
        for flat in chosen:
            rows.append(tuple(int(v) for v in flat) + tail)
            owner.append(k)
    return Samples(
        tuple(instances),
        tuple(rows),
        tuple(owner),
        decided_in,
        decided_depth,
        explored,
        decided_compiled,
        decided_labels,
        decided_states,
        decided_least,
    )


def least_points(encoder: Encoder) -> list[dict[str, int]]:
    """Every assignment of the symbolic parameters (within the user's bounds) whose values sum to at
    most :data:`LEAST_SUM`, in no particular order (the API server may reject some)."""
    names = list(encoder.params)
    axes = [range(LEAST_SUM + 1)] * len(names)
    bounds = [encoder.bounds.get(n, (None, None)) for n in names]
    return [
        dict(zip(names, p))
        for p in itertools.product(*axes)
        if sum(p) <= LEAST_SUM and all(_inside(v, b) for v, b in zip(p, bounds))
    ]


#: States of an instance first explored by the reference interpreter (about 5 ms a state): an instance
#: that has no more (replicas 0), or that breaks the property within them, is not compiled (compiling
#: takes about half a second); a larger one is then compiled and explored from its initial state again.
INTERPRETED = 32


def _interpreted(
    model: Model, scope: Scope, prop: Property | None, limit: int
) -> tuple[list[tuple], tuple[int, tuple[str, ...]] | None] | None:
    """Breadth-first search by the reference interpreter (:func:`kubecheck.model.kernel.commands.successors`):
    (every reachable flat state, None) when there are at most ``limit``; (the flat states explored,
    (their count, the labels of a shortest path to the first violation)) when ``prop`` is broken
    (its witness reached) among the first ``limit``; None otherwise. Its order and verdicts are
    :func:`_reachable` and :func:`_first_bad`'s: states in breadth-first order, checked in that
    order; a state with a successor outside the domain is not expanded."""
    schema = model.schema(scope)
    first = model.init(scope)
    parents: dict = {first: None}
    queue = [first]

    def path(state: State, step: str | None) -> tuple[str, ...]:
        labels = [] if step is None else [step]
        while parents[state] is not None:
            state, label = parents[state]
            labels.append(label)
        return tuple(reversed(labels))

    def flat() -> list[tuple]:
        return [schema.flatten(q) for q in queue]

    def bad(state: State) -> bool:
        if prop is None or prop.kind == "step":
            return False
        return bool(prop.predicate(CONCRETE, scope, state)) != (prop.kind == "always")

    if bad(first):
        return flat(), (1, ())
    for state in queue:
        successors = commands.successors(model, scope, state)
        if any(schema.out_of_domain(t) for _, t in successors):
            continue
        for action, t in successors:
            if prop is not None and prop.kind == "step" and not bool(prop.predicate(CONCRETE, scope, state, t)):
                return flat(), (len(queue), path(state, action.label))
            if t in parents:
                continue
            parents[t] = (state, action.label)
            queue.append(t)
            if bad(t):
                return flat(), (len(queue), path(t, None))
            if len(queue) > limit:
                return None
    return flat(), None


def _first_bad(
    compiled: Compiled, prop: Property, states: list[tuple], depths: list[int]
) -> tuple[int, tuple, int | None] | None:
    """The first sampled state (breadth-first order, so of the least depth) that violates an
    ``always`` property (reaches a ``sometimes`` witness), or from which a step violates a ``step``
    property: (the violation's depth, that state, the breaking action's index or None); None if none does."""
    if prop.kind == "step":
        holds_step = compiled.predicate_function([prop.predicate], step=True)
        for flat, d in zip(states, depths):
            try:
                successors = compiled.successors(flat)
            except DomainError:
                continue
            broken = next((a for a, t in successors if not bool(holds_step(flat, t))), None)
            if broken is not None:
                return d + 1, flat, broken
        return None
    holds = compiled.predicate_function([prop.predicate])
    violated = prop.kind == "always"
    return next(((d, flat, None) for flat, d in zip(states, depths) if bool(holds(flat)) != violated), None)


def _path(
    compiled: Compiled, parents: dict[tuple, tuple[tuple, int]], last: tuple, step: int | None
) -> tuple[str, ...]:
    """The action labels from the initial state to ``last`` along the parent links (then ``step``)."""
    ids = [] if step is None else [step]
    while last != compiled.initial:
        last, a = parents[last]
        ids.append(a)
    return tuple(compiled.actions[a].label for a in reversed(ids))


#: States the sampling's search adds between two looks for a violation (:func:`_reachable`'s ``check``).
CHECK_EVERY = 512


def _bad_check(compiled: Compiled, prop: Property, found: list) -> Callable[[list[tuple], list[int]], bool]:
    """A ``check`` for :func:`_reachable`: looks at each new slice of states, in breadth-first order, for
    :func:`_first_bad`'s violation, appends it to ``found`` and says stop. Slices in order find the same
    first violation as one look at every state, so the search stops at it instead of the state limit."""

    def check(states: list[tuple], depths: list[int]) -> bool:
        bad = _first_bad(compiled, prop, states, depths)
        if bad is not None:
            found.append(bad)
        return bad is not None

    return check


def _reachable(
    compiled: Compiled,
    limit: int,
    deadline: float | None = None,
    parents: dict | None = None,
    check: Callable[[list[tuple], list[int]], bool] | None = None,
) -> tuple[list[tuple], list[int]]:
    """Breadth-first reachable states and their depths, until ``limit`` states or the ``deadline``
    (time.monotonic); a state whose successors leave the domain is not expanded (the explicit
    engine reports that as a model error; the states before it are still reachable). ``parents``
    (if given) receives each state's (parent, action index) link of a shortest path. ``check`` (if
    given) sees every state once, in slices of about :data:`CHECK_EVERY` in breadth-first order, and
    stops the search (the states so far returned) when it says so."""
    depth = {compiled.initial: 0}
    queue = [compiled.initial]
    looked = 0
    for n, s in enumerate(queue):
        if check is not None and len(queue) - looked >= CHECK_EVERY:
            end = min(len(queue), limit)
            stop = check(queue[looked:end], [depth[q] for q in queue[looked:end]])
            looked = end
            if stop:
                return queue[:end], [depth[q] for q in queue[:end]]
        if len(queue) >= limit:
            break
        if deadline is not None and n % 256 == 0 and time.monotonic() >= deadline:
            break
        try:
            successors = compiled.successors(s)
        except DomainError:
            continue
        for a, t in successors:
            if t not in depth:
                depth[t] = depth[s] + 1
                queue.append(t)
                if parents is not None:
                    parents[t] = (s, a)
    queue = queue[:limit]
    if check is not None and looked < len(queue):
        check(queue[looked:], [depth[q] for q in queue[looked:]])
    return queue, [depth[s] for s in queue]


def _within(values: tuple[int, ...], bounds: tuple[int | None, int | None]) -> tuple[int, ...]:
    """The grid values inside the user's bounds (``--for-all replicas=1..20``); the bounds
    themselves when none is."""
    inside = tuple(v for v in values if _inside(v, bounds))
    return inside or tuple(sorted({b for b in bounds if b is not None}))


def _inside(value: int, bounds: tuple[int | None, int | None]) -> bool:
    lo, hi = bounds
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _value(v: int | IntOrPercent) -> int:
    return v.value if isinstance(v, IntOrPercent) else int(v)


def decided(
    encoder: Encoder,
    prop: Property,
    values: dict[str, int],
    engine: str,
    started: float,
    timeout: float | None = None,
    compiled: Compiled | None = None,
    labels: Sequence[str] | None = None,
    states: int = 0,
    least: bool = False,
) -> Result:
    """VIOLATED (WITNESSED): the sampled instance ``values`` breaks the property (reaches the
    witness); its shortest trace, replayed by the reference interpreter. ``labels`` (the
    sampling's own breadth-first path, ``Samples.decided_labels``; ``states``: how many it
    explored) is that trace when its replay decides the property; otherwise, or without them,
    explicit search finds it within ``timeout`` seconds (INCONCLUSIVE when it runs out of time
    first). ``compiled``: the model already compiled for that instance (``Samples.decided_compiled``),
    reused. ``least`` (``Samples.decided_least``): every valid instance of a smaller sum of values was
    explored in full, and the note says so."""
    scope = encoder.concrete_scope(values)
    trace = _replayed(encoder, prop, scope, labels) if labels is not None else None
    if trace is not None:
        stats = Stats(states, 0, len(trace.steps), time.perf_counter() - started, False, "found")
        how = "breadth-first while sampling"
    else:
        if compiled is not None and (compiled.scope != scope or compiled.model is not encoder.model):
            compiled = None
        [found] = bfs.explore(encoder.model, scope, [prop], Budget(timeout=timeout), compiled=compiled)
        if found.trace is None:
            what = "witnessed" if prop.kind == "sometimes" else "violated"
            stats = attrs.evolve(found.stats, seconds=time.perf_counter() - started)
            return Result(
                prop,
                Verdict.INCONCLUSIVE,
                scope,
                engine,
                stats,
                note=f"{what} in a sampled instance, but its shortest trace was not found in time "
                f"({found.stats.stop_reason})",
            )
        trace = replay(encoder.model, scope, found.trace.labels())
        if not _decides(prop, scope, trace):
            raise EncoderBug(f"explicit search's trace for {prop.name} does not decide it when replayed")
        stats = Stats(
            found.stats.states,
            found.stats.transitions,
            len(trace.steps),
            time.perf_counter() - started,
            False,
            "found",
        )
        how = "explicit search"
    where = ", ".join(f"{n}={v}" for n, v in values.items())
    what = "witnessed" if prop.kind == "sometimes" else "violated"
    order = (
        f"the least values by their sum (every valid instance with a smaller sum explored in full: none {what})"
        if least
        else "one of the instances explored for lemma discovery"
    )
    origin = (
        f"{what} at {where}, {order}"
        if where
        else f"{what} in a state reached while sampling this instance for lemma discovery"
    )
    verdict = Verdict.WITNESSED if prop.kind == "sometimes" else Verdict.VIOLATED
    return Result(
        prop,
        verdict,
        scope,
        engine,
        stats,
        trace,
        None,
        f"{origin}; shortest trace of that instance ({len(trace.steps)} steps) by {how}, "
        f"replayed by the reference interpreter",
    )


def _decides(prop: Property, scope: Scope, trace: Trace) -> bool:
    """The replayed trace's last step breaks the step property, its last state breaks the always
    property (is a witness of the sometimes one)."""
    if prop.kind == "step":
        before = trace.steps[-2].state if len(trace.steps) > 1 else trace.initial
        return trace.steps != () and not bool(prop.predicate(CONCRETE, scope, before, trace.last))
    return bool(prop.predicate(CONCRETE, scope, trace.last)) == (prop.kind == "sometimes")


def _replayed(encoder: Encoder, prop: Property, scope: Scope, labels: Sequence[str]) -> Trace | None:
    """The trace of ``labels`` re-executed by the reference interpreter, if it decides the property;
    None if it does not replay or does not decide it (explicit search then looks again, and reports
    a disagreement between the compiled and the reference semantics)."""
    try:
        trace = replay(encoder.model, scope, labels)
    except TraceError:
        return None
    return trace if _decides(prop, scope, trace) else None
