"""Swarm search: many seeded random walks, for bug finding where exhaustive search cannot finish.

SPIN's swarm verification and TLC's simulation mode run many randomised searches instead of
one exhaustive one; this is the same idea on kubecheck's compiled models. Each walk starts at
the initial state and takes, at every step, one enabled action chosen uniformly at random with
its own seeded generator (walk ``i`` of a run seeded ``s`` uses ``Random((s, i))``, so a run is
reproducible walk by walk whatever the number of workers), until ``depth`` steps or a state
with no enabled action. Every state a walk reaches is checked against the properties:

* ``always`` and ``step`` properties: a state (or step) that breaks one is a counterexample,
  VIOLATED with its trace; ``sometimes``: a state that satisfies it is a witness (WITNESSED);
  ``terminal``: a dead state that breaks it is VIOLATED.
* **Never HOLDS or UNREACHABLE.** Walks prove nothing: a property no walk breaks is
  INCONCLUSIVE with "bug-finding only: no counterexample in N walks of at most D steps"
  (and the distinct states the walks saw). Liveness properties (``eventually``, ``leads_to``)
  need cycles and fairness: INCONCLUSIVE, "swarm checks safety and reachability only".
* Traces are shortened before they are shown: a walk that returns to a state it visited has its
  loop cut out (the path from the first visit is as valid and shorter), and of all walks that
  break a property the shortest trace wins (ties: the lowest walk number, so the answer does not
  depend on which worker finished first). Every trace is replayed through the reference
  interpreter (:func:`kubecheck.model.kernel.traces.replay`) and compared state by state with
  the compiled walk.

``workers`` > 1 (``--workers N``) runs the walks in that many forked processes (the compiled
model is inherited, not pickled), each walking its own share of the walk numbers; the results
are merged exactly as one process would. With a Ray session (``--ray``,
:mod:`kubecheck.checker.ray_transport`) the shares are Ray tasks instead, each compiling the model
itself (its compile counts against the time it is given). The time budget stops the walks (the
walks done so far count).
"""

from __future__ import annotations

import multiprocessing
import random
import time
from collections.abc import Callable, Sequence

import attrs

from kubecheck.checker import ray_transport
from kubecheck.checker.explicit.compile import Compiled, compile_model
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.task import Budget, Task
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace, replay

ENGINE = LABEL = "swarm"
#: Defaults of a run: walks, steps per walk, seed.
WALKS, DEPTH, SEED = 1000, 200, 0
#: The kinds a walk can decide (violations and witnesses).
DECIDABLE = ("always", "step", "sometimes", "terminal")


class SwarmError(RuntimeError):
    """The compiled walk and the reference semantics disagree (an engine bug)."""


@attrs.frozen
class Swarm:
    """A swarm run's settings: ``walks`` random walks of at most ``depth`` steps, seeded ``seed``, on ``workers``."""

    walks: int = WALKS
    depth: int = DEPTH
    seed: int = SEED
    workers: int = 1

    def __attrs_post_init__(self) -> None:
        for name in ("walks", "depth", "workers"):
            if getattr(self, name) < 1:
                raise ValueError(f"swarm {name}: expected a positive integer, got {getattr(self, name)}")


@attrs.frozen
class Found:
    """The best counterexample or witness of one property: the action ids from the initial state."""

    actions: tuple[int, ...]
    walk: int

    def better_than(self, other: Found | None) -> bool:
        return other is None or (len(self.actions), self.walk) < (len(other.actions), other.walk)


@attrs.frozen
class Tally:
    """What a share of the walks found: per property its best path, and the counts."""

    found: dict[int, Found]
    walks: int
    steps: int
    states: frozenset[int]  # hashes of the distinct states seen (a set of ints merges cheaply)
    stopped: str  # "" or "timeout"


def _negate(pred: Callable[..., Value]) -> Callable[..., Value]:
    def broken(ops: Ops, scope: Scope, *states: State) -> Value:
        return ops.not_(pred(ops, scope, *states))

    return broken


def _cut_loops(initial: tuple, path: Sequence[tuple[int, tuple]]) -> list[int]:
    """The actions of a walk ``[(action, state after)]`` from ``initial`` with every return to an
    earlier state cut out: the path ends in the same state, without the detours."""
    out: list[tuple[int, tuple]] = []
    at: dict[tuple, int] = {initial: 0}  # state -> how many steps of ``out`` lead to it
    for action, state in path:
        if state in at:  # back at a state seen: drop the loop
            del out[at[state] :]
            at = {initial: 0, **{s: i + 1 for i, (_, s) in enumerate(out)}}
            continue
        out.append((action, state))
        at[state] = len(out)
    return [a for a, _ in out]


def _walks(
    compiled: Compiled,
    properties: Sequence[Property],
    numbers: range,
    swarm: Swarm,
    deadline: float | None,
) -> Tally:
    """Walk the walk numbers ``numbers``; what they found."""
    scope = compiled.scope
    schema = compiled.schema
    successors = compiled.successors
    state_ids = [i for i, p in enumerate(properties) if p.kind in ("always", "sometimes")]
    step_ids = [i for i, p in enumerate(properties) if p.kind == "step"]
    terminal = [(i, p.predicate) for i, p in enumerate(properties) if p.kind == "terminal"]
    state_fn = (
        compiled.predicate_function(
            [
                _negate(properties[i].predicate) if properties[i].kind == "always" else properties[i].predicate
                for i in state_ids
            ]
        )
        if state_ids
        else None
    )
    step_fn = (
        compiled.predicate_function([_negate(properties[i].predicate) for i in step_ids], step=True)
        if step_ids
        else None
    )
    found: dict[int, Found] = {}
    seen: set[int] = {hash(compiled.initial)}
    steps = walks = 0
    stopped = ""

    def record(prop: int, path: list[tuple[int, tuple]], walk: int, step: bool = False) -> None:
        """A violation or witness at the end of ``path`` (``step``: in its last step, which is kept)."""
        if step:
            actions = _cut_loops(compiled.initial, path[:-1]) + [path[-1][0]]
        else:
            actions = _cut_loops(compiled.initial, path)
        candidate = Found(tuple(actions), walk)
        if candidate.better_than(found.get(prop)):
            found[prop] = candidate

    if state_fn is not None:
        for h in state_fn(compiled.initial):
            found[state_ids[h]] = Found((), -1)
    for walk in numbers:
        if deadline is not None and time.perf_counter() >= deadline:
            stopped = "timeout"
            break
        rng = random.Random(f"{swarm.seed}/{walk}")
        state = compiled.initial
        path: list[tuple[int, tuple]] = []
        for _ in range(swarm.depth):
            succ = successors(state)
            if not succ:
                if terminal:
                    view = schema.unflatten(state)
                    for i, pred in terminal:
                        if not pred(CONCRETE, scope, view):
                            record(i, path, walk)
                break
            action, nxt = succ[rng.randrange(len(succ))]
            path.append((action, nxt))
            steps += 1
            seen.add(hash(nxt))
            if step_fn is not None:
                for h in step_fn(state, nxt):
                    record(step_ids[h], path, walk, step=True)
            if state_fn is not None:
                for h in state_fn(nxt):
                    record(state_ids[h], path, walk)
            state = nxt
        walks += 1
    return Tally(found, walks, steps, frozenset(seen), stopped)


def _merge(tallies: Sequence[Tally]) -> Tally:
    found: dict[int, Found] = {}
    for t in tallies:
        for prop, f in t.found.items():
            if f.better_than(found.get(prop)):
                found[prop] = f
    return Tally(
        found,
        sum(t.walks for t in tallies),
        sum(t.steps for t in tallies),
        frozenset().union(*(t.states for t in tallies)),
        next((t.stopped for t in tallies if t.stopped), ""),
    )


_FORKED: tuple | None = None


def _forked_share(k: int) -> Tally:
    """Worker ``k`` of a forked pool: every ``workers``-th walk number from ``k``."""
    assert _FORKED is not None
    compiled, properties, swarm, deadline = _FORKED
    return _walks(compiled, properties, range(k, swarm.walks, swarm.workers), swarm, deadline)


def _remote_share(
    model: Model, scope: Scope, properties: Sequence[Property], swarm: Swarm, seconds: float | None, k: int
) -> Tally:
    """Share ``k`` of the walks as a Ray task: compiled here, within ``seconds`` (None: no limit) from its start."""
    compiled = compile_model(model, scope)
    deadline = None if seconds is None else time.perf_counter() + seconds
    return _walks(compiled, properties, range(k, swarm.walks, swarm.workers), swarm, deadline)


def _ray_shares(compiled: Compiled, properties: Sequence[Property], swarm: Swarm, deadline: float | None) -> Tally:
    ray = ray_transport.require()
    seconds = None if deadline is None else max(0.0, deadline - time.perf_counter())  # clocks differ between machines
    share = ray.remote(num_cpus=1, max_retries=0)(_remote_share)
    model, scope, props = compiled.model, compiled.scope, list(properties)
    refs = [share.remote(model, scope, props, swarm, seconds, k) for k in range(swarm.workers)]
    try:
        tallies = ray.get(refs)
    except ray.exceptions.RayError as err:
        raise SwarmError(f"a Ray share of the walks failed: {str(err).strip().splitlines()[-1]}") from None
    return _merge(tallies)


def _run_walks(compiled: Compiled, properties: Sequence[Property], swarm: Swarm, deadline: float | None) -> Tally:
    if swarm.workers == 1:
        return _walks(compiled, properties, range(swarm.walks), swarm, deadline)
    if ray_transport.active():
        return _ray_shares(compiled, properties, swarm, deadline)
    global _FORKED
    _FORKED = (compiled, list(properties), swarm, deadline)
    try:
        with multiprocessing.get_context("fork").Pool(swarm.workers) as pool:
            tallies = pool.map(_forked_share, range(swarm.workers))
    finally:
        _FORKED = None
    return _merge(tallies)


def explore(
    model: Model,
    scope: Scope,
    properties: Sequence[Property],
    swarm: Swarm = Swarm(),
    budget: Budget = Budget(),
    compiled: Compiled | None = None,
) -> list[Result]:
    """Decide what random walks can decide of ``properties`` (the module docstring's rules)."""
    started = time.perf_counter()
    if compiled is None:
        compiled = compile_model(model, scope)
    deadline = started + budget.timeout if budget.timeout else None
    walkable = [p for p in properties if p.kind in DECIDABLE]
    tally = _run_walks(compiled, walkable, swarm, deadline)
    seconds = time.perf_counter() - started
    stop = tally.stopped or "walks done"
    stats = Stats(len(tally.states), tally.steps, swarm.depth, seconds, False, stop)
    done = f"{tally.walks:,} walk{'s' if tally.walks != 1 else ''}"
    if tally.stopped:
        done += f" (stopped by the time budget; {swarm.walks:,} asked)"
    searched = f"{done} of at most {swarm.depth} steps, seed {swarm.seed}, {len(tally.states):,} distinct states seen"
    results = []
    for prop in properties:
        if prop.kind not in DECIDABLE:
            note = f"swarm checks safety and reachability only: {prop.kind} needs cycles and fairness"
            results.append(Result(prop, Verdict.INCONCLUSIVE, scope, ENGINE, stats, note=note))
            continue
        hit = tally.found.get(walkable.index(prop))
        if hit is None:
            note = f"bug-finding only: no {'witness' if prop.kind == 'sometimes' else 'counterexample'} in {searched}"
            results.append(Result(prop, Verdict.INCONCLUSIVE, scope, ENGINE, stats, note=note))
            continue
        trace = _trace(compiled, hit.actions)
        verdict = Verdict.WITNESSED if prop.kind == "sometimes" else Verdict.VIOLATED
        again = f"--engine swarm --walks {swarm.walks} --depth {swarm.depth} --seed {swarm.seed}"
        note = f"found by walk {hit.walk} of {searched} (again: {again})" if hit.walk >= 0 else "the initial state"
        results.append(Result(prop, verdict, scope, ENGINE, stats, trace, note=note))
    return results


def _trace(compiled: Compiled, actions: Sequence[int]) -> Trace:
    """The walk's path replayed through the reference interpreter, compared with the compiled states."""
    trace = replay(compiled.model, compiled.scope, [compiled.actions[a].label for a in actions])
    state = compiled.initial
    for pos, a in enumerate(actions, start=1):
        nxt = dict(compiled.successors(state)).get(a)
        if nxt is None or compiled.schema.flatten(trace.states[pos]) != nxt:
            raise SwarmError(f"compiled and reference semantics differ at step {pos} of {trace.labels()}")
        state = nxt
    return trace


def check(task: Task) -> list[Result]:
    """The engine contract: ``task``'s properties by random walks (``task.walks``, ``task.depth`` and
    ``task.seed``; the defaults :data:`WALKS`, :data:`DEPTH`, :data:`SEED`), on ``task.budget.workers``."""
    settings = Swarm(task.walks or WALKS, task.depth or DEPTH, task.seed, task.budget.workers)
    return explore(task.model, task.scope, task.properties, settings, task.budget)
