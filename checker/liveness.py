"""Liveness by fair-cycle search over the reachable state graph (explicit engine).

A counterexample to ``eventually P`` is a fair run on which P never holds; to ``P leads_to Q``
a fair run that reaches a P state and never reaches Q afterwards. Runs are infinite: a run
either ends in a cycle, or stutters for ever in a state where no weakly fair action is enabled
(nothing but user actions or faults could happen, and they never have to).

Fairness is weak fairness of every ``system`` command instance — a command with its
identifying parameters bound (``Command.fair_by``; parameters that only choose *how* a step is
taken, such as which pods a ReplicaSet deletes, do not split the unit): a run is fair unless
some such unit is enabled in every state from some point on and never taken. For a strongly connected set C of states this gives an exact test. The run that goes
round all of C, taking every transition inside C, is fair iff every weakly fair action is
disabled somewhere in C or has a transition inside C. If some action is enabled throughout C
and has no transition inside C, then every cycle within C keeps it enabled and never takes
it, so C holds no fair cycle at all. So the search needs no refinement inside components.

Algorithm: explore every reachable state, keeping the graph. Take the region of states that
can be reached, avoiding P (respectively Q), from the initial state (respectively from the
states where P holds and Q does not). Within that region, a state with no fair action enabled
is a counterexample (stutter), and so is a non-trivial strongly connected component that
passes the test above (iterative Tarjan). The chosen counterexample has the shortest stem.
Its loop is built to take every action the fairness test requires, and it returns to the
state it started from. The trace is replayed through the reference semantics like every
other.
"""

from __future__ import annotations

import heapq
import time
from array import array
from typing import Any, Callable, Sequence

from kubecheck.checker.explicit import Budget, EngineError, Progress
from kubecheck.checker.report import Coverage, Result, Stats, Verdict
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.compile import DomainError, compile_model
from kubecheck.model.kernel.traces import Trace, replay


class Graph:
    """The reachable states with their outgoing edges (offset-indexed arrays)."""

    def __init__(self) -> None:
        self.states: list[tuple] = []
        self.index: dict[tuple, int] = {}
        self.parent = array("l")
        self.via = array("l")
        self.depth = array("l")
        self.start = array("l")  # edges of state i: start[i] .. start[i+1]
        self.dst = array("l")
        self.act = array("l")
        self.expanded = 0  # states 0 .. expanded-1 have their edges

    def edges(self, i: int) -> range:
        return range(self.start[i], self.start[i + 1])

    def path_from_init(self, k: int) -> list[int]:
        """Action ids of the BFS-shortest path from the initial state to state k."""
        out = []
        while k > 0:
            out.append(self.via[k])
            k = self.parent[k]
        return out[::-1]


def explore(compiled: Any, budget: Budget, progress: Callable[[Progress], None] | None) -> tuple[Graph, Stats]:
    """Breadth-first exploration keeping every edge."""
    g = Graph()
    g.states.append(compiled.initial)
    g.index[compiled.initial] = 0
    g.parent.append(-1)
    g.via.append(-1)
    g.depth.append(0)
    started = time.perf_counter()
    next_report = started + 1.0
    deadline = started + budget.timeout if budget.timeout else None
    stop_reason = "exhausted"
    depth, level_end, i = 0, 1, 0
    try:
        while i < len(g.states):
            if i == level_end:
                depth += 1
                level_end = len(g.states)
            g.start.append(len(g.dst))
            try:
                succ = compiled.successors(g.states[i])
            except DomainError as err:
                raise EngineError(err.explain(compiled)) from None
            for a, t in succ:
                k = g.index.get(t)
                if k is None:
                    k = len(g.states)
                    g.index[t] = k
                    g.states.append(t)
                    g.parent.append(i)
                    g.via.append(a)
                    g.depth.append(g.depth[i] + 1)
                g.dst.append(k)
                g.act.append(a)
            i += 1
            if (i & 1023) == 0:
                now = time.perf_counter()
                if deadline is not None and now >= deadline:
                    stop_reason = "timeout"
                    break
                if progress is not None and now >= next_report:
                    progress(Progress(len(g.states), len(g.dst), depth, len(g.states) - i, now - started))
                    next_report = now + 1.0
            if budget.max_states is not None and len(g.states) >= budget.max_states and i < len(g.states):
                stop_reason = "max-states"
                break
    except KeyboardInterrupt:
        stop_reason = "interrupted"
    # States discovered but not expanded (a budget stopped the search) get no edges; check()
    # keeps them out of every search region, so they are never taken for stuck states.
    g.expanded = i
    while len(g.start) < len(g.states) + 1:
        g.start.append(len(g.dst))
    stats = Stats(len(g.states), len(g.dst), depth, time.perf_counter() - started, stop_reason == "exhausted", stop_reason)
    return g, stats


def _sccs(g: Graph, inside: bytearray) -> list[list[int]]:
    """Strongly connected components of the subgraph on ``inside`` states (iterative Tarjan)."""
    n = len(g.states)
    index = [-1] * n
    low = [0] * n
    on_stack = bytearray(n)
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in range(n):
        if not inside[root] or index[root] != -1:
            continue
        work = [(root, g.start[root])]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            v, e = work[-1]
            end = g.start[v + 1]
            while e < end:
                w = g.dst[e]
                e += 1
                if not inside[w]:
                    continue
                if index[w] == -1:
                    work[-1] = (v, e)
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append((w, g.start[w]))
                    break
                if on_stack[w]:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    u = work[-1][0]
                    low[u] = min(low[u], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack[w] = 0
                        comp.append(w)
                        if w == v:
                            break
                    out.append(comp)
    return out


class _Lasso:
    def __init__(self, stem: list[int], loop: list[int], note: str):
        self.stem, self.loop, self.note = stem, loop, note


def _inner_path(g: Graph, members: set[int], src: int, goal: Callable[[int], bool]) -> list[tuple[int, int]] | None:
    """Shortest (edge id, state) path inside ``members`` from src to a state satisfying goal."""
    if goal(src):
        return []
    prev: dict[int, tuple[int, int]] = {src: (-1, -1)}
    frontier = [src]
    while frontier:
        nxt = []
        for v in frontier:
            for e in g.edges(v):
                w = g.dst[e]
                if w in members and w not in prev:
                    prev[w] = (v, e)
                    if goal(w):
                        path = []
                        while w != src:
                            v2, e2 = prev[w]
                            path.append((e2, w))
                            w = v2
                        return path[::-1]
                    nxt.append(w)
        frontier = nxt
    return None


def _fair_loop(g: Graph, comp: list[int], entry: int, unit: dict[int, int]) -> tuple[list[int], str] | None:
    """A cycle from ``entry`` through ``comp`` that satisfies weak fairness, or None.

    ``unit`` maps each weakly fair action to its fairness unit (Action.fairness_unit).
    """
    members = set(comp)
    internal = [e for v in comp for e in g.edges(v) if g.dst[e] in members]
    if not internal:
        return None
    always_on: set[int] | None = None
    for v in comp:
        on = {unit[g.act[e]] for e in g.edges(v) if g.act[e] in unit}
        always_on = on if always_on is None else always_on & on
        if not always_on:
            break
    required = sorted(always_on or ())
    taken = {}
    for e in internal:
        if g.act[e] in unit:
            taken.setdefault(unit[g.act[e]], e)
    missing = [a for a in required if a not in taken]
    if missing:
        return None
    actions: list[int] = []
    here = entry
    for a in required:
        e = taken[a]
        src = next(v for v in comp if g.start[v] <= e < g.start[v + 1])
        path = _inner_path(g, members, here, lambda w, src=src: w == src)
        assert path is not None
        actions += [g.act[x] for x, _ in path]
        actions.append(g.act[e])
        here = g.dst[e]
    if not actions:
        e = next(e for e in g.edges(entry) if g.dst[e] in members)
        actions.append(g.act[e])
        here = g.dst[e]
    if here != entry:
        back = _inner_path(g, members, here, lambda w: w == entry)
        assert back is not None
        actions += [g.act[x] for x, _ in back]
    return actions, f"{len(required)} fair action(s) enabled throughout the loop are taken in it"


def _find(g: Graph, compiled: Any, bad_region: bytearray, sources: list[int], unit: dict[int, int]) -> _Lasso | None:
    """The counterexample with the shortest stem, searching the region reachable from sources.

    Distances count the whole stem: a source starts at its BFS depth from the initial state,
    and every step inside the region adds one.
    """
    n = len(g.states)
    dist = [-1] * n
    prev: list[tuple[int, int]] = [(-1, -1)] * n
    heap = [(g.depth[s], s, -1, -1) for s in sources]
    heapq.heapify(heap)
    inside = bytearray(n)
    order = []
    while heap:
        d, v, p, e = heapq.heappop(heap)
        if dist[v] != -1:
            continue
        dist[v], prev[v], inside[v] = d, (p, e), 1
        order.append(v)
        for e2 in g.edges(v):
            w = g.dst[e2]
            if bad_region[w] and dist[w] == -1:
                heapq.heappush(heap, (d + 1, w, v, e2))

    def stem(v: int) -> list[int]:
        acts = []
        while prev[v][0] != -1:
            p, e = prev[v]
            acts.append(g.act[e])
            v = p
        return g.path_from_init(v) + acts[::-1]

    best: _Lasso | None = None
    best_len: int | None = None
    for v in order:  # by distance: the first stutter state is the nearest one
        if not any(g.act[e] in unit for e in g.edges(v)):
            best = _Lasso(stem(v), [], "no controller, kubelet or scheduler action is enabled here: the run stays for ever")
            best_len = dist[v]
            break
    for comp in _sccs(g, inside):
        entry = min(comp, key=lambda v: dist[v])
        if best_len is not None and dist[entry] >= best_len:
            continue
        found = _fair_loop(g, comp, entry, unit)
        if found is not None:
            loop, note = found
            best = _Lasso(stem(entry), loop, note)
            best_len = dist[entry]
    return best


def check(
    model: Model,
    scope: Any,
    properties: Sequence[Any],
    budget: Budget = Budget(),
    progress: Callable[[Progress], None] | None = None,
) -> list[Result]:
    """Decide ``eventually`` and ``leads_to`` properties under weak fairness of system actions."""
    compiled = compile_model(model, scope)
    g, stats = explore(compiled, budget, progress)
    units: dict[Any, int] = {}
    unit = {k: units.setdefault(a.fairness_unit, len(units)) for k, a in enumerate(compiled.actions) if a.command.kind == "system"}
    fired: dict[str, int] = {c.name: 0 for c in model.commands if any(a.command is c for a in compiled.actions)}
    for a in g.act:
        fired[compiled.actions[a].name] += 1
    disabled = tuple(c.name for c in model.commands if c.name not in fired)
    coverage = Coverage(tuple(fired.items()), disabled, stats.complete)
    results = []
    for prop in properties:
        started = time.perf_counter()
        holds = compiled.predicate_function([prop.predicate])
        if prop.kind == "eventually":
            region = bytearray(0 if holds(s) else 1 for s in g.states)
            sources = [0] if region[0] else []
        else:
            reached = compiled.predicate_function([prop.target])
            region = bytearray(0 if reached(s) else 1 for s in g.states)
            sources = [k for k, s in enumerate(g.states) if region[k] and holds(s)]
        for k in range(g.expanded, len(g.states)):
            region[k] = 0
        sources = [k for k in sources if k < g.expanded]
        lasso = _find(g, compiled, region, sources, unit) if sources else None
        seconds = stats.seconds + (time.perf_counter() - started)
        st = Stats(stats.states, stats.transitions, stats.depth, seconds, stats.complete, stats.stop_reason)
        if lasso is not None:
            trace = _certify(model, scope, compiled, lasso)
            results.append(Result(prop, Verdict.VIOLATED, scope, "explicit-liveness", st, trace, coverage, lasso.note))
        elif stats.complete:
            results.append(Result(prop, Verdict.HOLDS, scope, "explicit-liveness", st, None, coverage))
        else:
            results.append(Result(prop, Verdict.INCONCLUSIVE, scope, "explicit-liveness", st, None, coverage,
                                  f"search stopped ({stats.stop_reason}) before the state graph was complete"))
    return results


def _certify(model: Model, scope: Any, compiled: Any, lasso: _Lasso) -> Trace:
    """Replay stem + loop; the loop must return to the state it started from."""
    labels = [compiled.actions[a].label for a in lasso.stem + lasso.loop]
    trace = replay(model, scope, labels, loop=len(lasso.stem))
    states = trace.states
    if lasso.loop and states[len(lasso.stem)] != states[-1]:
        raise EngineError(f"lasso does not close: state {len(lasso.stem)} differs from the last state")
    return trace
