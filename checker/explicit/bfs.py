"""Explicit-state breadth-first search over canonical states.

:func:`check` (the engine contract: one :class:`~kubecheck.checker.task.Task`) and :func:`explore`
(the same search with its knobs) explore the reachable states of a model in one scope and decide
a list of properties at once:

* breadth-first, so the first violation of an ``always`` or ``step`` property and the first
  witness of a ``sometimes`` property are found at the least depth: traces are shortest;
* states are the model's flat tuples (canonical by construction: counter models store counts,
  not pods, so symmetric states are already one state), each packed into one int
  (:mod:`~kubecheck.checker.explicit.packed`); the visited set holds the ints, parents and
  actions are arrays indexed by BFS position, and the expansion loop is generated for the model
  and for the kinds of properties still undecided. Successors come in command-table order, so
  runs are deterministic;
* with ``workers`` > 1 the states are partitioned over processes by hash and the search goes
  level by level (:mod:`~kubecheck.checker.explicit.workers`): same counts and verdicts,
  traces as short (possibly another trace of the same length);
* ``terminal`` properties are evaluated where nothing is enabled (finished vs stuck);
* budgets (``max_states``, ``timeout``) and Ctrl-C stop the search with partial statistics and
  INCONCLUSIVE for everything not yet decided;
* vacuity: a property with a :class:`~kubecheck.model.kernel.property.Trigger` has its antecedent
  checked like a ``sometimes`` witness (on every new state, or every transition for ``step``
  properties) until it is first true, then dropped from the loop; its commands are read from the
  per-command firing counts. With ``workers`` each worker checks the antecedents on the states
  it owns and reports the first hit, so the vacuity is the single process's. A HOLDS whose
  behaviour never occurred carries a vacuous :class:`~kubecheck.checker.result.Vacuity`. Each
  HOLDS also carries its :class:`~kubecheck.checker.result.PropertyCoverage`: the fields its
  predicate reads and the commands that fired and write them (read off the generated code: no
  cost in the loop);
* every trace is rebuilt by replaying the action path through the reference interpreter and
  comparing each state with the compiled engine's (a mismatch is an engine bug, raised).

The engine never prints: it calls ``progress`` with a :class:`Progress` snapshot about every
``progress_interval`` seconds and returns :class:`kubecheck.checker.result.Result` objects.
"""

from __future__ import annotations

import re
import sys
import time
from array import array
from collections.abc import Callable, Sequence

from kubecheck.checker.explicit import workers as parallel
from kubecheck.checker.explicit.compile import (
    Compiled,
    DomainError,
    Emitter,
    SourceOps,
    code,
    compile_model,
    state_view,
)
from kubecheck.checker.explicit.packed import MemoSwitch, packed
from kubecheck.checker.result import Coverage, PropertyCoverage, Result, Stats, Vacuity, Verdict
from kubecheck.checker.task import Budget, Progress, Task
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace, replay


class EngineError(RuntimeError):
    """The compiled engine and the reference semantics disagree, or the model is broken."""


def _negate(pred: Callable[..., Value]) -> Callable[..., Value]:
    def violated(ops: Ops, scope: Scope, *states: State) -> Value:
        return ops.not_(pred(ops, scope, *states))

    return violated


class _Search:
    """The properties of one search and what was found. Ids ``0..n-1`` are the properties; ids
    ``n + j`` are the antecedents of their triggers (``antecedents[j]``: property id, predicate),
    searched like witnesses but never a verdict of their own."""

    def __init__(self, compiled: Compiled, properties: Sequence[Property]):
        self.compiled = compiled
        self.properties = list(properties)
        self.found: dict[int, tuple[int, int | None]] = {}  # id -> (state index, action id or None)
        n = len(self.properties)
        self.antecedents = [
            (i, p.trigger.when)
            for i, p in enumerate(self.properties)
            if p.trigger is not None and p.trigger.when is not None
        ]
        kinds = [p.kind for p in self.properties] + [self.properties[i].kind for i, _ in self.antecedents]
        self.state_props = [i for i, k in enumerate(kinds) if k in ("always", "sometimes")]
        self.step_props = [i for i, k in enumerate(kinds) if k == "step"]
        self.terminal_props = [i for i in range(n) if kinds[i] == "terminal"]

    def violation(self, i: int) -> Callable[..., Value]:
        """The predicate whose truth decides id ``i`` (a violation, a ``sometimes`` witness, an antecedent)."""
        n = len(self.properties)
        if i >= n:
            return self.antecedents[i - n][1]
        prop = self.properties[i]
        return prop.predicate if prop.kind == "sometimes" else _negate(prop.predicate)

    def live(self, i: int) -> bool:
        """Id ``i`` still needs checking: not found, and for an antecedent, its property not violated."""
        n = len(self.properties)
        return i not in self.found and (i < n or self.antecedents[i - n][0] not in self.found)

    def antecedent_seen(self, prop: int) -> bool | None:
        """Whether property ``prop``'s antecedent was true somewhere (None: it has none)."""
        for j, (i, _) in enumerate(self.antecedents):
            if i == prop:
                return len(self.properties) + j in self.found
        return None

    def record(self, prop: int, state: int, action: int | None) -> None:
        if prop not in self.found:
            self.found[prop] = (state, action)

    def undecided(self) -> bool:
        n = len(self.properties)
        return sum(1 for i in self.found if i < n) < n or not self.properties


#: The stop reason of a search that ended because every property had its verdict.
DECIDED = "all properties decided"
#: The engine name results carry, and what a status line calls it.
ENGINE = LABEL = "explicit"


def check(task: Task) -> list[Result]:
    """Explore ``task.model`` in ``task.scope`` breadth-first and decide every property of the task."""
    workers = task.budget.workers  # --workers N
    return explore(task.model, task.scope, task.properties, task.budget, task.progress, workers=workers)


def explore(
    model: Model,
    scope: Scope,
    properties: Sequence[Property],
    budget: Budget = Budget(),
    progress: Callable[[Progress], None] | None = None,
    progress_interval: float = 1.0,
    stop_when_decided: bool = True,
    compiled: Compiled | None = None,
    workers: int = 1,
) -> list[Result]:
    """Explore ``model`` in ``scope`` breadth-first and decide ``properties`` (one scope for all).

    With ``stop_when_decided`` (the default, as TLC stops at the first error) the search ends as
    soon as every property has a verdict that more search cannot change (violations, witnesses);
    its statistics then count the states explored so far, and no coverage is reported. Without
    it the search runs to exhaustion (or budget), so that statistics and command coverage
    describe the whole reachable state space.
    ``compiled`` reuses a model already compiled for this scope (benchmarks compare compiler
    settings this way). ``workers`` > 1 splits the search over that many processes
    (:mod:`~kubecheck.checker.explicit.workers`: same counts and verdicts, traces as short).
    """
    if compiled is None:
        compiled = compile_model(model, scope)
    elif compiled.scope != scope or compiled.model is not model:
        raise ValueError("the compiled model was compiled for another model or scope")
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    search = _Search(compiled, properties)
    if workers > 1:
        return _explore_workers(search, budget, progress, progress_interval, stop_when_decided, workers)
    pk = packed(compiled)
    memo = MemoSwitch(pk)
    n_actions = len(compiled.actions)
    fired = [0] * n_actions
    queue: list[int] = [pk.initial]
    seen: set[int] = {pk.initial}
    parent = array("l", [-1])
    via = array("l", [-1])
    depth = 0
    level_end = 1
    started = time.perf_counter()
    next_report = started + progress_interval
    deadline = started + budget.timeout if budget.timeout else None
    max_states = budget.max_states
    limit = max_states if max_states is not None else sys.maxsize
    stop_reason = "exhausted"
    terminal_fn = [(i, search.properties[i].predicate) for i in search.terminal_props]
    schema, layout = compiled.schema, pk.layout
    state_ids: list[int] = []
    step_ids: list[int] = []
    changed = [False]
    run_terminal = [False]  # whether the current loop checks terminal states

    def on_hit(hits: list[int], k: int, action: int | None) -> bool:
        ids = step_ids if action is not None else state_ids
        new = [ids[h] for h in hits if search.live(ids[h])]
        for n in new:
            search.record(n, k, action)
        if new:
            changed[0] = True
        return bool(new)

    def on_term(k: int, s: int) -> bool:
        view = schema.unflatten(layout.unpack(s))
        new = False
        for n, pred in terminal_fn:
            if n not in search.found and not pred(CONCRETE, scope, view):
                search.record(n, k, None)
                new = changed[0] = True
        return new

    def rebuild() -> tuple[Callable[..., None], Callable[..., list[int]] | None, Callable[..., list[int]] | None]:
        """The loop and predicate functions for the properties still undecided."""
        state_ids[:] = [i for i in search.state_props if search.live(i)]
        step_ids[:] = [i for i in search.step_props if search.live(i)]
        sf = pk.predicate_function([search.violation(i) for i in state_ids]) if state_ids else None
        stf = pk.predicate_function([search.violation(i) for i in step_ids], step=True) if step_ids else None
        run_terminal[0] = any(n not in search.found for n, _ in terminal_fn)
        return pk.loop(sf is not None, stf is not None, run_terminal[0], memo.use), sf, stf

    run, sf, stf = rebuild()
    if sf is not None:
        hits = sf(pk.initial)
        if hits and on_hit(hits, 0, None):
            run, sf, stf = rebuild()
    pos = [0]
    i = 0
    try:
        while i < len(queue):
            if i == level_end:
                depth += 1
                level_end = len(queue)
            pos[0] = i
            try:
                run(
                    queue,
                    seen,
                    parent,
                    via,
                    pos,
                    min(level_end, (i | 1023) + 1),
                    limit,
                    fired,
                    sf,
                    stf,
                    on_hit,
                    on_term,
                )
            except DomainError as err:
                raise EngineError(err.explain(compiled)) from None
            finally:
                i = pos[0]
            if memo.update(i):  # a memo table that does not pay was switched off
                run = pk.loop(sf is not None, stf is not None, run_terminal[0], memo.use)
            if changed[0]:  # a verdict was recorded (the initial state's counts: it is checked first)
                changed[0] = False
                run, sf, stf = rebuild()
                if stop_when_decided and not search.undecided():
                    stop_reason = DECIDED
                    break
            if (i & 1023) == 0:
                now = time.perf_counter()
                if deadline is not None and now >= deadline:
                    stop_reason = "timeout"
                    break
                if progress is not None and now >= next_report:
                    progress(Progress(len(queue), sum(fired), depth, len(queue) - i, now - started))
                    next_report = now + progress_interval
            if max_states is not None and len(queue) >= max_states and i < len(queue):
                stop_reason = "max-states"
                break
    except KeyboardInterrupt:
        stop_reason = "interrupted"
    seconds = time.perf_counter() - started
    if len(queue) > level_end:
        depth += 1  # a search that stopped mid-level has found states one level deeper
    complete = stop_reason == "exhausted"
    stats = Stats(len(queue), sum(fired), depth, seconds, complete, stop_reason)
    coverage = _coverage(compiled, fired, complete)

    def path(k: int) -> list[int]:
        out = []
        while k > 0:
            out.append(via[k])
            k = parent[k]
        return out[::-1]

    def trace_to(k: int, extra_action: int | None) -> Trace:
        ids = path(k) + ([extra_action] if extra_action is not None else [])
        trace = replay(model, scope, [compiled.actions[a].label for a in ids])
        # certify: the compiled engine's states are the reference interpreter's states
        expect = [k]
        j = k
        while j > 0:
            j = parent[j]
            expect.append(j)
        expect.reverse()
        for pos_, idx in enumerate(expect):
            if layout.pack(schema.flatten(trace.states[pos_])) != queue[idx]:
                raise EngineError(f"compiled and reference semantics differ at step {pos_} of {trace.labels()}")
        return trace

    traces = {n: trace_to(*found) for n, found in search.found.items() if n < len(search.properties)}
    return _results(search, traces, stats, coverage, fired)


def _coverage(compiled: Compiled, fired: Sequence[int], complete: bool) -> Coverage:
    model = compiled.model
    in_scope = {a.name for a in compiled.actions}
    totals: dict[str, int] = {c.name: 0 for c in model.commands if c.name in in_scope}
    for a, n in zip(compiled.actions, fired):
        totals[a.name] += n
    disabled = tuple(c.name for c in model.commands if c.name not in in_scope)
    return Coverage(tuple(totals.items()), disabled, complete)


_ATOM = re.compile(r"\b[sn](\d+)\b")


def _reads(compiled: Compiled, prop: Property) -> set[int]:
    """The state slots ``prop``'s predicate reads (in s or, for a step property, in t)."""
    em = Emitter()
    ops = SourceOps(em)
    schema, scope = compiled.schema, compiled.scope
    states = [state_view(schema, em, "s")] + ([state_view(schema, em, "n")] if prop.kind == "step" else [])
    value = prop.predicate(ops, scope, *states)
    return {int(m) for line in em.lines + [code(value)] for m in _ATOM.findall(line)}


_SUCCESSOR = re.compile(r"@SUCC (\d+) s_(?: & (\d+) \|)?")


def _action_writes(compiled: Compiled) -> list[int]:
    """Per action, the bits of the packed state its effect may change: read off the generated
    successor code (``s_ & KEEP | …`` keeps every other bit; ``s_`` changes nothing), no model run.
    An action with no successor line (its guard is false in this scope) never fires: 0."""
    pk = packed(compiled)
    full = (1 << pk.layout.bits) - 1
    out = [0] * len(compiled.actions)
    for line in pk.lines:
        m = _SUCCESSOR.search(line)
        if m is not None and m.group(2) is not None:
            out[int(m.group(1))] |= full & ~int(m.group(2))
    return out


def property_coverage(compiled: Compiled, prop: Property, fired: Sequence[int]) -> PropertyCoverage:
    """The fields ``prop`` reads and the commands that fired (``fired``: per action) and write one of them."""
    reads = _reads(compiled, prop)
    slots = compiled.schema.slots
    atoms = tuple(dict.fromkeys(slots[i].field for i in sorted(reads)))
    mask = packed(compiled).layout.mask(sorted(reads))
    totals: dict[str, int] = {}
    for action, writes, n in zip(compiled.actions, _action_writes(compiled), fired):
        if n and writes & mask:
            totals[action.name] = totals.get(action.name, 0) + n
    order = [c.name for c in compiled.model.commands]
    return PropertyCoverage(atoms, tuple(sorted(totals.items(), key=lambda kv: order.index(kv[0]))))


def _vacuity(search: _Search, n: int, fired: Sequence[int]) -> Vacuity | None:
    """Whether property ``n``'s trigger occurred in an exhaustive search (None: no trigger): its
    antecedent true somewhere (``search.found``, in one process or reported by the workers) and one
    of its commands fired (the firing counts)."""
    trigger = search.properties[n].trigger
    if trigger is None:
        return None
    missing = []
    if trigger.when is not None:
        if not search.antecedent_seen(n):
            missing.append(f"{trigger.what} never happens")
    if trigger.commands:
        counts = {a.name: 0 for a in search.compiled.actions}
        for a, k in zip(search.compiled.actions, fired):
            counts[a.name] += k
        if not any(counts.get(c, 0) for c in trigger.commands):
            missing.append(f"{' or '.join(trigger.commands)} never fired")
            if trigger.when is None:
                missing[-1] = f"{trigger.what} never happens ({missing[-1]})"
    return Vacuity(True, not missing, "; ".join(missing))


def _results(
    search: _Search,
    traces: dict[int, Trace],
    stats: Stats,
    coverage: Coverage,
    fired: Sequence[int],
) -> list[Result]:
    """One result per property: a trace is a violation (witness); else the search's completeness decides.

    A HOLDS carries its vacuity (when the property has a trigger) and its per-property coverage."""
    results = []
    complete = stats.complete
    for n, prop in enumerate(search.properties):
        trace = traces.get(n)
        if trace is not None:
            verdict = Verdict.WITNESSED if prop.kind == "sometimes" else Verdict.VIOLATED
        elif complete:
            verdict = Verdict.UNREACHABLE if prop.kind == "sometimes" else Verdict.HOLDS
        else:
            verdict = Verdict.INCONCLUSIVE
        note = (
            ""
            if complete or trace is not None
            else f"search stopped ({stats.stop_reason}) before the state space was exhausted"
        )
        vacuity = pcov = None
        if verdict is Verdict.HOLDS:
            vacuity = _vacuity(search, n, fired)
            pcov = property_coverage(search.compiled, prop, fired)
        results.append(
            Result(
                prop,
                verdict,
                search.compiled.scope,
                ENGINE,
                stats,
                trace,
                coverage,
                note,
                vacuity=vacuity,
                property_coverage=pcov,
            )
        )
    return results


def _explore_workers(
    search: _Search,
    budget: Budget,
    progress: Callable[[Progress], None] | None,
    progress_interval: float,
    stop_when_decided: bool,
    workers: int,
) -> list[Result]:
    """:func:`explore` over ``workers`` processes (:mod:`~kubecheck.checker.explicit.workers`)."""
    compiled = search.compiled
    model, scope, schema = compiled.model, compiled.scope, compiled.schema
    n = len(search.properties)
    violations = [
        (i, p.kind, p.predicate if p.kind == "terminal" else search.violation(i))
        for i, p in enumerate(search.properties)
    ]
    # the triggers' antecedents, checked by the workers like witnesses on the states they own (vacuity)
    violations += [(n + j, search.properties[i].kind, when) for j, (i, when) in enumerate(search.antecedents)]
    antecedent_of = {n + j: i for j, (i, _) in enumerate(search.antecedents)}
    started = time.perf_counter()
    try:
        out, pool = parallel.search(
            compiled,
            search.properties,
            violations,
            budget,
            progress,
            workers,
            stop_when_decided,
            started,
            progress_interval,
            antecedent_of,
        )
    except parallel.WorkerError as err:
        raise EngineError(f"explicit search with {workers} workers: {err}") from None
    try:
        seconds = time.perf_counter() - started
        complete = out.stop_reason == "exhausted"
        stats = Stats(out.states, out.transitions, out.depth, seconds, complete, out.stop_reason)
        coverage = _coverage(compiled, out.fired, complete)
        layout = packed(compiled).layout
        traces = {}
        for i, (_, _, state, action) in sorted(out.best.items()):
            if i in antecedent_of:  # an antecedent seen: it decides vacuity, not a verdict (no trace)
                search.record(i, 0, None)
                continue
            steps = parallel.path_to(pool, state)
            ids = [a for _, a in steps[1:]] + ([action] if action >= 0 else [])
            trace = replay(model, scope, [compiled.actions[a].label for a in ids])
            for pos, (packed_state, _) in enumerate(steps):
                if layout.pack(schema.flatten(trace.states[pos])) != packed_state:
                    raise EngineError(f"compiled and reference semantics differ at step {pos} of {trace.labels()}")
            traces[i] = trace
    except parallel.WorkerError as err:
        raise EngineError(f"explicit search with {workers} workers: {err}") from None
    finally:
        pool.close()
    return _results(search, traces, stats, coverage, out.fired)
