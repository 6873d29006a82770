"""Liveness by fair-cycle search over the reachable state graph (explicit engine).

A counterexample to ``eventually P`` is a fair run on which P never holds; to ``P leads_to Q``
a fair run that reaches a P state and never reaches Q afterwards. Runs are infinite: a run
either ends in a cycle, or stutters for ever in a state where no weakly fair action is enabled
(nothing but user actions or faults could happen, and they never have to).

Fairness is weak fairness of every ``system`` command instance — a command with its
identifying parameters bound (``Command.fair_by``; parameters that only choose *how* a step is
taken, such as which pods a ReplicaSet deletes, do not split the unit): a run is fair unless
some such unit is enabled in every state from some point on and never taken. Units of the
commands that are *strongly* fair (``Command.fairness``, or a property's ``strong_fairness``)
must be taken when enabled infinitely often, even intermittently.

For a strongly connected set C of states there is an exact test. The run that goes round all
of C, taking every transition inside C, is fair iff every weakly fair unit is disabled
somewhere in C or has a transition inside C, and every strongly fair unit enabled somewhere in
C has a transition inside C. If a weak unit is enabled throughout C with no transition inside
C, every cycle within C keeps it enabled and never takes it: C holds no fair cycle at all. If a
strong unit u is enabled somewhere in C with no transition inside C, a fair cycle within C
must avoid the states where u is enabled: those are removed and the rest split into components
again, each tested in turn (the Emerson–Lei / Streett refinement; without strong units there
is none, and each component is tested once).

Algorithm: explore every reachable state, keeping the graph. Take the region of states that
can be reached, avoiding P (respectively Q), from the initial state (respectively from the
states where P holds and Q does not). Within that region, a state with no fair action enabled
is a counterexample (stutter), and so is a non-trivial strongly connected component (iterative
Tarjan), or a part of one left by the refinement, that passes the test above. The chosen
counterexample has the shortest stem. Its loop is built to discharge every fairness
obligation of the states it visits, and it returns to the state it started from. The trace is
replayed through the reference semantics like every other, and its loop re-checked for
fairness on concrete values (:func:`kubecheck.checker.symbolic.lasso.check_lasso`'s rules).
"""

from __future__ import annotations

import heapq
import time
from array import array
from collections.abc import Callable, Sequence

from kubecheck.checker.explicit.bfs import EngineError
from kubecheck.checker.explicit.compile import Compiled, DomainError, compile_model
from kubecheck.checker.result import Coverage, Result, Stats, Verdict
from kubecheck.checker.task import Budget, Progress, Task
from kubecheck.model.kernel.commands import Binding, Model, strongly_fair
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace, replay

#: A fairness unit: a command with its identifying parameters (``Action.fairness_unit``).
Unit = tuple[str, Binding]

#: The engine name results carry, and what a status line calls it.
ENGINE, LABEL = "explicit-liveness", "explicit liveness"


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


def explore(compiled: Compiled, budget: Budget, progress: Callable[[Progress], None] | None) -> tuple[Graph, Stats]:
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
    stats = Stats(
        len(g.states), len(g.dst), depth, time.perf_counter() - started, stop_reason == "exhausted", stop_reason
    )
    return g, stats


def _sccs(g: Graph, roots: Sequence[int], inside: bytearray) -> list[list[int]]:
    """Strongly connected components of the subgraph of ``g`` on the states v with ``inside[v]``.

    Iterative Tarjan (no recursion: the graphs have hundreds of thousands of states). The
    depth-first searches start from the states of ``roots`` in that order, skipping those not
    inside or already reached; ``roots`` must list every inside state. Each component lists its
    states in the order they leave Tarjan's stack, and components come in the order they are
    completed (a component before any that reaches it). The search's numbers are kept in lists
    over all states when ``roots`` covers much of the graph, in dicts over ``roots`` otherwise,
    so that splitting a small part of a large graph again (:func:`_fair_parts`) costs no more
    than the part.
    """
    n = len(g.states)
    start, dst = g.start, g.dst
    index: list[int] | dict[int, int]
    low: list[int] | dict[int, int]
    if 4 * len(roots) >= n:
        index, low = [-1] * n, [0] * n
    else:
        index, low = dict.fromkeys(roots, -1), dict.fromkeys(roots, 0)
    on_stack = bytearray(n)
    stack: list[int] = []
    out: list[list[int]] = []
    counter = 0
    for root in roots:
        if not inside[root] or index[root] != -1:
            continue
        work = [(root, start[root])]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            v, e = work[-1]
            end = start[v + 1]
            while e < end:
                w = dst[e]
                e += 1
                if not inside[w]:
                    continue
                if index[w] == -1:
                    work[-1] = (v, e)
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack[w] = 1
                    work.append((w, start[w]))
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


def _is(v: int) -> Callable[[int], bool]:
    return lambda w: w == v


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


class _Fairness:
    """Which actions are fair and how: ``unit`` maps each system action to its fairness unit
    (Action.fairness_unit, as an int); units in ``strong`` are strongly fair, the others weakly."""

    def __init__(self, unit: dict[int, int], strong: frozenset[int], labels: dict[int, str] | None = None):
        self.unit, self.strong, self.labels = unit, strong, labels or {}

    def enabled_at(self, g: Graph, v: int) -> set[int]:
        return {self.unit[g.act[e]] for e in g.edges(v) if g.act[e] in self.unit}

    def taken_inside(self, g: Graph, comp: Sequence[int], members: set[int]) -> dict[int, int]:
        """unit -> the first edge of that unit with both ends in ``members``."""
        taken: dict[int, int] = {}
        for v in comp:
            for e in g.edges(v):
                if g.dst[e] in members and g.act[e] in self.unit:
                    taken.setdefault(self.unit[g.act[e]], e)
        return taken


def _fair_parts(g: Graph, comp: list[int], fair: _Fairness) -> list[list[int]]:
    """The strongly connected parts of ``comp`` whose full round is a fair run (Streett refinement).

    A part C passes when (weak) every weakly fair unit enabled in all states of C is taken by an
    edge inside C, and (strong) every strongly fair unit enabled in some state of C is taken
    inside C. A weak failure rules out every cycle in C. A strong failure by unit u rules out
    the states where u is enabled (a cycle through one of them would enable u for ever and
    never take it); the rest is split into components again and each is tested in turn.
    """
    out: list[list[int]] = []
    work = [comp]
    while work:
        c = work.pop()
        members = set(c)
        taken = fair.taken_inside(g, c, members)
        if not taken and not any(g.dst[e] in members for v in c for e in g.edges(v)):
            continue  # a single state without a self-loop: no cycle
        if _always_on(g, c, fair) - taken.keys():
            continue
        if not fair.strong:
            out.append(c)
            continue
        on = [fair.enabled_at(g, v) & fair.strong for v in c]
        starved = set().union(*on) - taken.keys()
        if not starved:
            out.append(c)
            continue
        keep = sorted(v for v, units in zip(c, on) if not units & starved)
        inside = bytearray(len(g.states))
        for v in keep:
            inside[v] = 1
        work += _sccs(g, keep, inside)
    return out


def _always_on(g: Graph, states: Sequence[int], fair: _Fairness) -> set[int]:
    """The fair units enabled in every one of ``states`` (stops early once none is left)."""
    common: set[int] | None = None
    for v in states:
        units = fair.enabled_at(g, v)
        common = units if common is None else common & units
        if not common:
            break
    return common or set()


def _fair_loop(g: Graph, comp: list[int], entry: int, fair: _Fairness) -> tuple[list[int], str]:
    """A cycle from ``entry`` inside a part that passed :func:`_fair_parts`, fair as a loop.

    Built greedily: while the loop so far (closed back to ``entry``) leaves a fairness
    obligation open — a weak unit enabled in every state it visits and never taken, a strong
    unit enabled in one of them and never taken — walk to the nearest state that discharges it
    (one where the weak unit is disabled, or the source of an edge of the unit inside the part,
    then take that edge). Each obligation, once discharged, stays so, and the part's test
    guarantees a way to discharge each, so this ends.
    """
    members = set(comp)
    memo: dict[int, set[int]] = {}

    def on(v: int) -> set[int]:
        if v not in memo:
            memo[v] = fair.enabled_at(g, v)
        return memo[v]

    def discharges(u: int, done: set[int]) -> Callable[[int], bool]:
        """A state where weak unit ``u`` is disabled, or one of ``done`` (sources of its edges)."""
        return lambda w: u not in on(w) or w in done

    taken_edge = fair.taken_inside(g, comp, members)
    sources: dict[int, set[int]] = {}
    for v in comp:
        for e in g.edges(v):
            if g.dst[e] in members and g.act[e] in fair.unit:
                sources.setdefault(fair.unit[g.act[e]], set()).add(v)
    edges: list[int] = []
    visited = {entry}
    taken: set[int] = set()
    here = entry

    def walk(path: list[tuple[int, int]]) -> None:
        nonlocal here
        for e, w in path:
            edges.append(e)
            visited.add(w)
            if g.act[e] in fair.unit:
                taken.add(fair.unit[g.act[e]])
            here = w

    def take(u: int) -> None:
        src = sources[u]
        path = _inner_path(g, members, here, lambda w: w in src)
        assert path is not None
        walk(path)
        e = next(e for e in g.edges(here) if g.dst[e] in members and fair.unit.get(g.act[e]) == u)
        walk([(e, g.dst[e])])

    def open_obligation() -> tuple[int, bool] | None:
        weak = set.intersection(*[on(v) for v in visited]) - taken - fair.strong
        strong = {u for v in visited for u in on(v) if u in fair.strong} - taken
        if strong:
            return min(strong), True
        return (min(weak), False) if weak else None

    # first the units enabled in every state of the part, each by its first edge (comp order)
    for u in sorted(_always_on(g, comp, fair) & taken_edge.keys()):
        e = taken_edge[u]
        src = next(v for v in comp if g.start[v] <= e < g.start[v + 1])
        path = _inner_path(g, members, here, _is(src))
        assert path is not None
        walk(path)
        walk([(e, g.dst[e])])
    while True:
        need = open_obligation()
        if need is None:
            if edges and here == entry:
                break
            if not edges:  # nothing to discharge: any step inside the part, then back
                e = next(e for e in g.edges(entry) if g.dst[e] in members)
                walk([(e, g.dst[e])])
            back = _inner_path(g, members, here, lambda w: w == entry)
            assert back is not None
            walk(back)
            continue
        u, strong = need
        if strong:
            take(u)
            continue
        path = _inner_path(g, members, here, discharges(u, sources.get(u, set())))
        assert path is not None, "a part that passed the weak test discharges every weak unit"
        walk(path)
        if u in on(here):
            take(u)
    weak_n = len(set.intersection(*[on(v) for v in visited]) - fair.strong)
    note = f"{weak_n} fair action(s) enabled throughout the loop are taken in it"
    strong_n = len({u for v in visited for u in on(v) if u in fair.strong})
    if fair.strong:
        note += f"; {strong_n} strongly fair action(s) enabled somewhere on it are taken in it"
    blinking = sorted(fair.labels.get(u, str(u)) for u in set().union(*[on(v) for v in visited]) - taken)
    if blinking:
        note += (
            f"; enabled only intermittently on the loop and never taken (weak fairness allows this, "
            f"strong fairness would not): {', '.join(blinking)}"
        )
    return [g.act[e] for e in edges], note


def _find(g: Graph, compiled: Compiled, bad_region: bytearray, sources: list[int], fair: _Fairness) -> _Lasso | None:
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
        if not any(g.act[e] in fair.unit for e in g.edges(v)):
            best = _Lasso(
                stem(v), [], "no controller, kubelet or scheduler action is enabled here: the run stays for ever"
            )
            best_len = dist[v]
            break
    for comp in _sccs(g, range(n), inside):
        if best_len is not None and min(dist[v] for v in comp) >= best_len:
            continue
        for part in _fair_parts(g, comp, fair):
            entry = min(part, key=lambda v: dist[v])
            if best_len is not None and dist[entry] >= best_len:
                continue
            loop, note = _fair_loop(g, part, entry, fair)
            best = _Lasso(stem(entry), loop, note)
            best_len = dist[entry]
    return best


def check(task: Task) -> list[Result]:
    """Decide the task's ``eventually`` and ``leads_to`` properties under the fairness each one assumes.

    System actions are weakly fair, those of :func:`strongly_fair` (the model's strong commands
    and the property's ``strong_fairness``) strongly fair; user actions and faults never required.
    """
    model, scope, properties = task.model, task.scope, task.properties
    compiled = compile_model(model, scope)
    strong_names = {prop.name: strongly_fair(model, prop.strong_fairness) for prop in properties}
    g, stats = explore(compiled, task.budget, task.progress)
    units: dict[Unit, int] = {}
    unit = {
        k: units.setdefault(a.fairness_unit, len(units))
        for k, a in enumerate(compiled.actions)
        if a.command.kind == "system"
    }
    labels = {u: _unit_label(key) for key, u in units.items()}
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
            assert prop.target is not None  # a leads_to property has its target
            reached = compiled.predicate_function([prop.target])
            region = bytearray(0 if reached(s) else 1 for s in g.states)
            sources = [k for k, s in enumerate(g.states) if region[k] and holds(s)]
        for k in range(g.expanded, len(g.states)):
            region[k] = 0
        sources = [k for k in sources if k < g.expanded]
        strong = frozenset(u for k, u in unit.items() if compiled.actions[k].name in strong_names[prop.name])
        lasso = _find(g, compiled, region, sources, _Fairness(unit, strong, labels)) if sources else None
        seconds = stats.seconds + (time.perf_counter() - started)
        st = Stats(stats.states, stats.transitions, stats.depth, seconds, stats.complete, stats.stop_reason)
        if lasso is not None:
            trace = _certify(model, scope, compiled, prop, lasso)
            results.append(Result(prop, Verdict.VIOLATED, scope, ENGINE, st, trace, coverage, lasso.note))
        elif stats.complete:
            results.append(Result(prop, Verdict.HOLDS, scope, ENGINE, st, None, coverage))
        else:
            results.append(
                Result(
                    prop,
                    Verdict.INCONCLUSIVE,
                    scope,
                    ENGINE,
                    st,
                    None,
                    coverage,
                    f"search stopped ({stats.stop_reason}) before the state graph was complete",
                )
            )
    return results


def _unit_label(unit: Unit) -> str:
    """As Action.label writes it (a parameter bound to None, a choice the scope lacks, is left out)."""
    name, params = unit
    shown = [f"{k}={v}" for k, v in params if v is not None]
    return f"{name}({', '.join(shown)})" if shown else name


def _certify(model: Model, scope: Scope, compiled: Compiled, prop: Property, lasso: _Lasso) -> Trace:
    """Replay stem + loop through the reference semantics, then re-decide it with :func:`check_lasso`."""
    labels = [compiled.actions[a].label for a in lasso.stem + lasso.loop]
    trace = replay(model, scope, labels, loop=len(lasso.stem))
    problem = check_lasso(model, scope, prop, trace)
    if problem:
        raise EngineError(f"explicit lasso for {prop.name} fails its certification: {problem}")
    return trace


def check_lasso(model: Model, scope: Scope, prop: Property, trace: Trace) -> str:
    """Why ``trace`` is not a fair counterexample to ``prop`` (concrete semantics), or "" if it is.

    The loop closes (``states[loop] == states[-1]``); the loop is fair (a loop without steps is a
    state where no system action is enabled; otherwise every weakly fair unit enabled in all
    loop states, and every strongly fair unit enabled in some loop state, is taken by a loop
    step); and the property fails: ``eventually`` — P in no state; ``leads_to`` — some state i
    has P and not Q, and Q holds in no state from min(i, loop) on.
    """
    states, loop = trace.states, trace.loop
    if loop is None:
        return "no loop index"
    if states[loop] != states[-1]:
        return f"the loop does not close: state {loop} differs from the last state"
    ring = states[loop:-1] or [states[loop]]
    actions = [a for a in model.actions(scope) if a.command.kind == "system"]
    strong = strongly_fair(model, prop.strong_fairness)

    def units_on(s: State) -> set[Unit]:
        return {a.fairness_unit for a in actions if a.guard(CONCRETE, scope, s)}

    if loop == len(trace.steps):
        if units_on(states[loop]):
            return f"the run stops in state {loop}, where {sorted(map(str, units_on(states[loop])))[0]} is enabled"
    else:
        on = [units_on(s) for s in ring]
        taken = {st.action.fairness_unit for st in trace.steps[loop:]}
        starved = set.intersection(*on) - taken
        if starved:
            return f"unfair loop: {sorted(map(str, starved))[0]} is enabled throughout it and never taken"
        starved = {u for units in on for u in units if u[0] in strong} - taken
        if starved:
            return f"unfair loop: {sorted(map(str, starved))[0]} is strongly fair, enabled in it and never taken"

    def p(s: State) -> bool:
        return bool(prop.predicate(CONCRETE, scope, s))

    if prop.kind == "eventually":
        bad = [i for i, s in enumerate(states) if p(s)]
        return f"the property holds in state {bad[0]}" if bad else ""

    target = prop.target
    assert target is not None  # leads_to

    def q(s: State) -> bool:
        return bool(target(CONCRETE, scope, s))

    for i, s in enumerate(states):
        if p(s) and not q(s) and not any(q(t) for t in states[min(i, loop) :]):
            return ""
    return "no state with the premise is followed, for ever, by states without the target"
