"""Breadth-first search across processes: states partitioned by hash, successors exchanged in batches.

:func:`explore` is :func:`kubecheck.checker.explicit.bfs.explore` with ``workers`` processes
(forked: they inherit the compiled model). Each packed state has one owner,
``state % 1000003 % workers``; the owner alone keeps it in its visited set, with its parent
state and action. The search goes by BFS levels, in rounds the coordinator (the calling
process) drives:

1. each worker receives the successors other workers found for its states in the last round,
   keeps those it has not seen (their parent and action are the first sender's), and adds them
   to the states it found for itself: its part of the next level;
2. it expands that part: a successor it owns is deduplicated at once, one another worker owns
   goes into that worker's batch (deduplicated within the batch);
3. it returns its batches, its counts (states, transitions, per-action firings) and the
   property hits of the round; the coordinator routes the batches, in worker order, and
   starts the next round. The search is over when a round leaves every part empty.

Every worker runs the same checks as the single process (state properties on each new state,
step properties on each transition, terminal properties where nothing is enabled, and the
antecedents of the properties' triggers like witnesses, for vacuity), and reports each hit with
its depth: the length of the trace it gives. The coordinator keeps, per
property, the hit of least depth (ties: worker order, then discovery order), and with
``stop_when_decided`` stops once every property has a hit that no later round can beat (all
hits of depth ≤ r are known after round r; an antecedent's hit decides no verdict: it is
dropped from the workers' checks once found, or once its property is). Traces are therefore **shortest**, as in one
process, though not necessarily the same trace: the parent a state keeps depends on which
worker's batch reached it first. The trace is rebuilt by asking each state's owner for its
parent, replayed through the reference semantics and compared state by state, as in one process.

Counts and verdicts are the single process's: the same states are reached and checked, and a
verdict does not depend on the order. Statistics of a search stopped early (decided, budget)
differ: workers finish the round they are in, so a ``max-states`` stop may overshoot by up to
one level, and ``timeout`` is checked between rounds. Budgets otherwise as in one process.

**Two transports.** The partitions are forked local processes talking through pipes
(:class:`Pool`), or, when the run has a Ray session (``--ray``), Ray actors of one CPU each,
spread over the cluster (:class:`RayPool`, :mod:`kubecheck.checker.ray_transport`). Both carry
the same messages to the same :class:`_Worker`; the coordinator and its rounds are one code. On
Ray the batches go from actor to actor through Ray's object store and the coordinator routes
only their references (``route``): it no longer handles every state sent (papers/scale-out.md).
Safety only: liveness (:mod:`~kubecheck.checker.explicit.fair_cycles`) needs the whole graph in
one process and stays there.
"""

from __future__ import annotations

import multiprocessing
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from multiprocessing.connection import Connection
from typing import Any

from kubecheck.checker import ray_transport
from kubecheck.checker.explicit.compile import Compiled, DomainError, compile_model
from kubecheck.checker.explicit.packed import Packed, packed
from kubecheck.checker.task import Budget, Progress
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.ops import CONCRETE, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope

#: The owner of packed state ``t`` among ``n`` workers is ``t % SPREAD % n`` (a prime: every bit counts).
SPREAD = 1000003

#: CPU seconds of each worker process of the latest search in this process (benchmarks read it).
LAST_CPU: list[float] = []

#: The traffic of the latest search in this process (benchmarks read it): rounds (BFS levels), states
#: sent between partitions (through the coordinator), and the largest batch one partition got in one round.
LAST_TRAFFIC: dict[str, int] = {}

#: A property hit: (depth, property, packed state, action id or -1 for a state or terminal hit).
Hit = tuple[int, int, int, int]


def owner(t: int, workers: int) -> int:
    """The worker that keeps packed state ``t``."""
    return t % SPREAD % workers


class _Worker:
    """One process's part of the search (runs in the forked child)."""

    def __init__(
        self,
        me: int,
        workers: int,
        pk: Packed,
        scope: Scope,
        violations: Sequence[tuple[int, str, Callable[..., Value]]],
    ):
        self.me, self.workers, self.pk, self.scope = me, workers, pk, scope
        self.violations = violations  # (property, kind, predicate whose truth is a hit)
        self.n_actions = pk.n_actions
        self.seen: dict[int, int] = {}  # state -> parent * n_actions + action (-1: the initial state)
        self.part: list[int] = []
        self.fired = [0] * self.n_actions
        self.decided: frozenset[int] = frozenset()
        self.rebuild(frozenset())
        if owner(pk.initial, workers) == me:
            self.seen[pk.initial] = -1
            self.part.append(pk.initial)

    def rebuild(self, decided: frozenset[int]) -> None:
        self.decided = decided
        live = [v for v in self.violations if v[0] not in decided]
        self.state_ids = [p for p, kind, _ in live if kind in ("always", "sometimes")]
        self.step_ids = [p for p, kind, _ in live if kind == "step"]
        self.terminal = [(p, pred) for p, kind, pred in live if kind == "terminal"]
        self.sf = self.pk.predicate_function([f for _, k, f in live if k in ("always", "sometimes")])
        self.stf = self.pk.predicate_function([f for _, k, f in live if k == "step"], step=True)

    def round(self, depth: int, incoming: tuple[list[int], list[int]], decided: frozenset[int]) -> tuple:
        if decided != self.decided:
            self.rebuild(decided)
        hits: list[Hit] = []
        seen, sf, part = self.seen, self.sf, self.part
        for t, code in zip(*incoming):
            if t not in seen:
                seen[t] = code
                part.append(t)
                if sf is not None:
                    hits += [(depth, self.state_ids[h], t, -1) for h in sf(t)]
        if depth == 0 and part and sf is not None:
            hits += [(0, self.state_ids[h], part[0], -1) for h in sf(part[0])]
        nxt: list[int] = []
        out: list[dict[int, int]] = [{} for _ in range(self.workers)]
        run = self.pk.worker_loop(sf is not None, self.stf is not None, bool(self.terminal), SPREAD)
        found: list[tuple[int, list[int], int, int]] = []
        stuck: list[int] = []
        before = sum(self.fired)
        run(part, seen, nxt, out, self.me, self.workers, self.fired, sf, self.stf, found, depth, stuck)
        transitions = sum(self.fired) - before
        for d, positions, t, a in found:
            ids = self.step_ids if a >= 0 else self.state_ids
            hits += [(d, ids[h], t, a) for h in positions]
        for s in stuck:
            view = self.pk.compiled.schema.unflatten(self.pk.layout.unpack(s))
            hits += [(depth, p, s, -1) for p, pred in self.terminal if not pred(CONCRETE, self.scope, view)]
        expanded = len(part)
        self.part = nxt
        batches = [(list(box), list(box.values())) for box in out]
        return batches, len(seen), transitions, len(nxt), hits, expanded

    def answer(self, msg: tuple) -> tuple[str, Any]:
        """The answer to one message of the coordinator: ("ok", value) or ("error", the model bug)."""
        if msg[0] == "round":
            try:
                return ("ok", self.round(*msg[1:]))
            except DomainError as err:
                return ("error", err.explain(self.pk.compiled))
        if msg[0] == "parent":
            return ("ok", self.seen.get(msg[1]))
        if msg[0] == "fired":
            return ("ok", (self.fired, time.process_time()))
        raise ValueError(f"unknown message {msg[0]!r}")

    def serve(self, conn: Connection) -> None:
        while True:
            msg = conn.recv()
            if msg[0] == "stop":
                return
            conn.send(self.answer(msg))


def _child(worker: _Worker, conn: Connection) -> None:
    try:
        worker.serve(conn)
    except KeyboardInterrupt:
        pass
    except BaseException:
        conn.send(("crash", traceback.format_exc()))


class WorkerError(RuntimeError):
    """A worker process failed: ``str()`` is its traceback or the model bug it met."""


class Pool:
    """The worker processes of one search and the coordinator's end of their pipes (forked, local)."""

    def __init__(self, compiled: Compiled, properties: Sequence[Property], violations: Any, workers: int):
        self.workers = workers
        self.pk = packed(compiled)
        # built before the fork, so that no child compiles them again
        parts = [_Worker(me, workers, self.pk, compiled.scope, violations) for me in range(workers)]
        first = parts[0]
        self.pk.worker_loop(first.sf is not None, first.stf is not None, bool(first.terminal), SPREAD)
        ctx = multiprocessing.get_context("fork")
        self.conns: list[Connection] = []
        self.procs = []
        for me in range(workers):
            ours, theirs = ctx.Pipe()
            p = ctx.Process(target=_child, args=(parts[me], theirs), daemon=True)
            p.start()
            theirs.close()
            self.conns.append(ours)
            self.procs.append(p)

    @staticmethod
    def route(batches: Sequence[Sequence[Any]]) -> tuple[list[Any], list[int]]:
        """Each partition's incoming states for the next round, from every partition's batches of this
        round (``batches[sender][dest]``), in sender order; and how many states each receives."""
        workers = len(batches)
        incoming: list[tuple[list[int], list[int]]] = [([], []) for _ in range(workers)]
        for sent in batches:
            for dest, (ts, codes) in enumerate(sent):
                incoming[dest][0].extend(ts)
                incoming[dest][1].extend(codes)
        return incoming, [len(ts) for ts, _ in incoming]

    def ask_all(self, msgs: Sequence[tuple]) -> list[Any]:
        for conn, msg in zip(self.conns, msgs):
            conn.send(msg)
        return [self._answer(conn) for conn in self.conns]

    def ask(self, worker: int, msg: tuple) -> Any:
        self.conns[worker].send(msg)
        return self._answer(self.conns[worker])

    @staticmethod
    def _answer(conn: Connection) -> Any:
        try:
            status, value = conn.recv()
        except (EOFError, OSError):
            raise WorkerError("a worker process ended unexpectedly") from None
        if status == "ok":
            return value
        raise WorkerError(value)

    def close(self) -> None:
        """Stop the workers (at once if they do not answer) and close the pipes; idempotent."""
        for conn in self.conns:
            try:
                conn.send(("stop",))
            except (OSError, ValueError):
                pass
        for p in self.procs:
            p.join(timeout=1.0)
            if p.is_alive():
                p.terminate()
                p.join()
        for conn in self.conns:
            conn.close()


class Outcome:
    """What the coordinator learned: counts, the best hit per property, why it stopped."""

    def __init__(self) -> None:
        self.states = 1
        self.transitions = 0
        self.depth = 0
        self.best: dict[int, Hit] = {}
        self.stop_reason = "exhausted"
        self.fired: list[int] = []
        self.parents: Callable[[int], int | None] = lambda t: None
        self.rounds = 0
        self.sent = 0  # states routed from one partition to another
        self.largest_batch = 0  # states one partition received in one round


class RayPool:
    """The partitions of one search as Ray actors (one CPU each, spread over the cluster): :class:`Pool`'s calls.

    An actor compiles the model for the scope itself (a compiled model is generated code, not
    sent): the packed encoding depends only on the state schema, so every actor and the
    coordinator agree on every state's int and owner. Messages and answers are :class:`_Worker`'s,
    except that a round's batches stay with the actor that made them (``ray.put``) and the
    coordinator routes only their references and sizes (:meth:`route`): the states go from actor
    to actor, in the order the pipes would deliver them.
    """

    def __init__(self, compiled: Compiled, violations: Sequence[tuple[int, str, Callable[..., Value]]], workers: int):
        ray = ray_transport.require()
        cpus = ray_transport.cluster_cpus()
        if workers > cpus:
            raise WorkerError(f"{workers} partitions need {workers} CPUs on the Ray cluster, which has {cpus}")
        self.ray, self.workers = ray, workers
        self.pk = packed(compiled)
        actor = ray.remote(num_cpus=1, max_restarts=0, scheduling_strategy="SPREAD")(_Partition)
        model, scope = compiled.model, compiled.scope
        self.actors = [actor.remote(me, workers, model, scope, list(violations)) for me in range(workers)]

    @staticmethod
    def route(batches: Sequence[Sequence[Any]]) -> tuple[list[Any], list[int]]:
        """:meth:`Pool.route` with batches that stay in the actors' object stores: each partition gets the
        references to the batches sent to it (sender order), not the states."""
        workers = len(batches)
        incoming: list[list[Any]] = [[] for _ in range(workers)]
        sizes = [0] * workers
        for sent in batches:
            for dest, (ref, n) in enumerate(sent):
                if n:
                    incoming[dest].append(ref)
                    sizes[dest] += n
        return incoming, sizes

    def ask_all(self, msgs: Sequence[tuple]) -> list[Any]:
        refs = [a.answer.remote(msg) for a, msg in zip(self.actors, msgs)]
        return [self._checked(answer) for answer in self._get(refs)]

    def ask(self, worker: int, msg: tuple) -> Any:
        return self._checked(self._get([self.actors[worker].answer.remote(msg)])[0])

    def _get(self, refs: list[Any]) -> list[Any]:
        try:
            answers: list[Any] = self.ray.get(refs)
        except self.ray.exceptions.RayError as err:
            raise WorkerError(f"a Ray partition failed: {str(err).strip().splitlines()[-1]}") from None
        return answers

    @staticmethod
    def _checked(answer: tuple[str, Any]) -> Any:
        status, value = answer
        if status == "ok":
            return value
        raise WorkerError(value)

    def close(self) -> None:
        """Stop the actors; idempotent."""
        for a in self.actors:
            try:
                self.ray.kill(a)
            except Exception:  # already gone
                pass
        self.actors = []


class _Partition:
    """A Ray actor holding one :class:`_Worker`, built on the cluster from the model and the scope."""

    def __init__(
        self,
        me: int,
        workers: int,
        model: Model,
        scope: Scope,
        violations: Sequence[tuple[int, str, Callable[..., Value]]],
    ):
        pk = packed(compile_model(model, scope))
        self.worker = _Worker(me, workers, pk, scope, violations)

    def answer(self, msg: tuple) -> tuple[str, Any]:
        """:meth:`_Worker.answer`; a round's batches go between actors directly (:meth:`RayPool.route`)."""
        if msg[0] != "round":
            return self.worker.answer(msg)
        ray = ray_transport.require()
        _, depth, refs, decided = msg
        ts: list[int] = []
        codes: list[int] = []
        for got_ts, got_codes in ray.get(refs):  # in sender order, as the coordinator would concatenate
            ts += got_ts
            codes += got_codes
        status, value = self.worker.answer(("round", depth, (ts, codes), decided))
        if status != "ok":
            return status, value
        batches, *rest = value
        # put empty batches too: one reference per destination keeps the shape; n = 0 is not routed
        sent = [(ray.put(batch) if batch[0] else None, len(batch[0])) for batch in batches]
        return status, (sent, *rest)


def search(
    compiled: Compiled,
    properties: Sequence[Property],
    violations: Sequence[tuple[int, str, Callable[..., Value]]],
    budget: Budget,
    progress: Callable[[Progress], None] | None,
    workers: int,
    stop_when_decided: bool,
    started: float,
    progress_interval: float = 1.0,
    antecedent_of: Mapping[int, int] | None = None,
) -> tuple[Outcome, Pool | RayPool]:
    """Run the rounds; the caller closes the returned pool after reading parents from it.

    The partitions are forked processes (:class:`Pool`), or Ray actors (:class:`RayPool`) when
    the run has a Ray session (``--ray``, :func:`kubecheck.checker.ray_transport.active`).
    ``violations`` holds the properties (ids ``0..len(properties)-1``) and, under the ids of
    ``antecedent_of`` (antecedent id -> its property's id), the antecedents of their triggers:
    their hits go to ``Outcome.best`` like the others, but decide no verdict, so the search
    never waits for them (``stop_when_decided``) and no worker checks one once its property is
    decided.
    """
    antecedent_of = antecedent_of or {}
    pool: Pool | RayPool
    if ray_transport.active():
        pool = RayPool(compiled, violations, workers)
    else:
        pool = Pool(compiled, properties, violations, workers)
    out = Outcome()
    deadline = started + budget.timeout if budget.timeout else None
    next_report = started + progress_interval
    incoming: list[Any] = pool.route([[] for _ in range(workers)])[0]
    decided: frozenset[int] = frozenset()
    depth = 0
    try:
        while True:
            answers = pool.ask_all([("round", depth, incoming[w], decided) for w in range(workers)])
            incoming, sizes = pool.route([a[0] for a in answers])
            out.rounds += 1
            pending = sum(sizes)
            out.states = sum(a[1] for a in answers)
            out.transitions += sum(a[2] for a in answers)
            if any(a[5] for a in answers):
                out.depth = depth  # level ``depth`` has states
            for _, _, _, local_next, hits, _ in answers:
                pending += local_next
                for hit in hits:
                    best = out.best.get(hit[1])
                    if best is None or hit[0] < best[0]:
                        out.best[hit[1]] = hit
            decided = frozenset(out.best) | {a for a, p in antecedent_of.items() if p in out.best}
            verdicts = [h for i, h in out.best.items() if i not in antecedent_of]
            out.sent += sum(sizes)
            out.largest_batch = max([out.largest_batch, *sizes])
            if pending == 0:
                break
            if stop_when_decided and properties and len(verdicts) == len(properties):
                if all(h[0] <= depth for h in verdicts):
                    out.stop_reason = "all properties decided"
                    out.depth += any(a[3] for a in answers)  # it found states one level deeper
                    break
            now = time.perf_counter()
            if deadline is not None and now >= deadline:
                out.stop_reason = "timeout"
                out.depth += any(a[3] for a in answers)
                break
            if budget.max_states is not None and out.states >= budget.max_states:
                out.stop_reason = "max-states"
                out.depth += any(a[3] for a in answers)
                break
            if progress is not None and now >= next_report:
                progress(Progress(out.states, out.transitions, depth + 1, pending, now - started))
                next_report = now + progress_interval
            depth += 1
        answers = pool.ask_all([("fired",)] * workers)
        out.fired = [sum(f[a] for f, _ in answers) for a in range(pool.pk.n_actions)]
        LAST_CPU[:] = [cpu for _, cpu in answers]
        LAST_TRAFFIC.update(rounds=out.rounds, sent=out.sent, largest_batch=out.largest_batch)
    except KeyboardInterrupt:
        # the workers got the same signal: what they found is lost, everything is undecided
        pool.close()
        out.stop_reason = "interrupted"
        out.best = {}
        out.fired = [0] * pool.pk.n_actions
    except BaseException:
        pool.close()
        raise
    return out, pool


def path_to(pool: Pool | RayPool, t: int) -> list[tuple[int, int]]:
    """(state, action into it) from the initial state to packed state ``t`` (action -1 first)."""
    na = pool.pk.n_actions
    out = []
    while True:
        code = pool.ask(owner(t, pool.workers), ("parent", t))
        if code is None:
            raise WorkerError(f"no worker keeps state {t}")
        if code < 0:
            out.append((t, -1))
            return out[::-1]
        out.append((t, code % na))
        t = code // na
