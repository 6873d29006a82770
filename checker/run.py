"""Check a list of properties: one exploration per distinct scope the properties speak about.

A property may adjust the user's scope (the availability floor *with faults off* turns faults
off). Properties whose adjusted scopes are equal share one exploration; results come back in
the order the properties were given.

Engines: ``explicit`` (breadth-first for safety, fair cycles for liveness), ``bmc`` (shortest
counterexamples; lassos for liveness), ``kind`` (k-induction) and ``pdr`` (IC3/PDR through
Spacer; liveness by certified ranking functions), and ``auto``: with symbolic parameters
(``for_all``) PDR (or the ranking proof), then BMC for what stays open; otherwise explicit
search within the budget, then the symbolic engines for what the budget left undecided.
Terminal properties are only decided explicitly (under ``bmc``, ``kind`` or ``pdr`` too, for
the one instance, and the row says ``explicit``); with ``for_all`` they are INCONCLUSIVE. Every
result names the engine that decided it and what it covers (below).

Every engine module has the same contract, ``check(task) -> list[Result]``
(:class:`~kubecheck.checker.task.Engine`), and :data:`DISPATCH` names the engines tried in turn
for each engine name and property class; a symbolic engine is asked one property at a time,
with the time left and the task's depth. The ``auto`` policy is this module: :data:`DISPATCH`'s
``auto`` rows after explicit search (:data:`AUTO_STATES`), :data:`LARGE` on instances beyond
explicit search and :data:`SWEEP_AUTO` for sweeps, all described below. The encodings of one
run are built once and shared by the properties of a scope (``Task.encoders``).

**Instances beyond explicit search.** A scope may say that exhaustive search cannot explore it
(``beyond_explicit_search()``: a StatefulSet with 50 ordinals has about 4^50 states). Then
``explicit`` without a budget refuses in one line (a :class:`ScopeError`: exit 2; with
``--max-states`` or ``--timeout`` it explores within that budget), and ``auto`` skips the
exploration: always/step properties go to k-induction at the real size (k = 1: one solver call;
what is 1-inductive is proved), then to BMC for a counterexample; ``sometimes`` properties to
BMC; liveness and terminal properties are INCONCLUSIVE with the reason. PDR is not tried there
(Spacer took 45 s on a 1-inductive property at 20 ordinals; ask for it with ``--engine pdr``).
Without ``--timeout`` every symbolic step of such an ``auto`` run stops after ``AUTO_SECONDS``.

**Parameters that cannot be symbolic.** A scope may refuse ``--for-all NAME``
(``not_symbolic(name)``: the StatefulSet keeps one state slot per ordinal, so ``replicas`` fixes
the shape of the state). Every property is then INCONCLUSIVE with the scope's reason — never
a proof for all values that was not made — unless the user bounded the parameter
(``--for-all replicas=1..20``, ``bounds``): then each value in the range is checked as its own
instance with the symbolic engine (:func:`_sweep`, at most ``MAX_SWEEP`` instances), and the
verdict says "PROVED for each of replicas 1..20": every instance proved, nothing claimed
outside the range. Where the parameter *can* be symbolic, bounds only restrict it (the proof is
"for all values of replicas in 1..20", one run). One exception: ``auto``, ``pdr`` or ``kind``
with ``--for-all replicas`` (no upper bound) on the StatefulSet go to the ordinal reading
(:mod:`~kubecheck.checker.symbolic.ordinal`, :data:`ORDINAL_ENGINES`): PROVED there claims every
replica count from 1 up (with the reading's stated caveat); anything else it returns is
INCONCLUSIVE with its reason. The row's engine is then ``ordinal`` (what ran: per-ordinal queries
with the property's stated lemmas and Houdini's clauses, each re-checked from SMT-LIB; not Spacer
or k-induction, which prove one size), and under ``pdr`` or ``kind`` the note says so.

**What a verdict covers.** Every result carries a :class:`~kubecheck.checker.result.Claim`
stamped here from the task its engine was given: one instance (explicit search, or a symbolic
engine with every parameter fixed), every value of the ``for_all`` parameters (a symbolic run
with them left open), each value of a swept range, or nothing (refused, not explored). An
answer never claims more than its run: with ``--for-all``, a property that only explicit search
decides (``terminal``) is INCONCLUSIVE with the reason, never an explicit answer for the fixed
instance; so is a property whose adjustment fixes a ``--for-all`` parameter (the shared-claim
properties need minReadySeconds 0: leaving it symbolic would claim values the property does not
speak about). Fields a property's adjustment *derives* from a symbolic parameter (a scale to
replicas - 1) are held at their value at the scope's instance for every value, and the claim
names them (``held``). A sweep adjusts the user's scope at each value.

**Vacuity.** A symbolic PROVED of a property with a trigger (``Property.trigger``) has its
vacuity decided in the same encodings (:mod:`~kubecheck.checker.symbolic.vacuity`, within a few
seconds and a quarter of the time the run has left): BMC reaching the trigger makes it non-vacuous, PDR proving it never
happens vacuous, anything else leaves it unchecked. Instances beyond explicit search ask BMC
only (PDR is not run there); a sweep is non-vacuous once one instance shows the trigger (later
instances are not asked) and vacuous when every instance's proof says it never happens; the
ordinal reading asks BMC at its scope's instance: reached there, a proof for every replica count
is non-vacuous, otherwise unchecked. Explicit search decides vacuity itself.

**The user's settings are never replaced.** ``Task.user_set`` names the fields the user gave
(``--set``, ``--faults``); a property whose adjustment would change one (it speaks about
ReadWriteOnce, the user set ReadWriteOncePod) is refused: :func:`check` raises ScopeError naming
the value the property needs and the user's (exit 2). :func:`conflicts` lets a caller leave such
properties out first (``check MODEL`` with no property named does).

Budgets are for the whole run: ``timeout`` is one deadline shared by every exploration and
solver call, and once an exploration is interrupted (Ctrl-C) or the deadline has passed, the
properties not yet decided are INCONCLUSIVE without being explored.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence

import attrs

from kubecheck.checker import swarm
from kubecheck.checker.explicit import bfs, fair_cycles
from kubecheck.checker.result import ALL_VALUES, EACH_VALUE, INSTANCE, NOTHING, Claim, Result, Stats, Vacuity, Verdict
from kubecheck.checker.symbolic import bmc, kinduction, lasso, ordinal, pdr, ranking
from kubecheck.checker.symbolic import vacuity as symbolic_vacuity
from kubecheck.checker.symbolic.encoder import Encoders, EncodingError
from kubecheck.checker.task import ENGINES as ENGINES  # the engine names, for the CLI's --engine choice
from kubecheck.checker.task import Budget, Deadline, Engine, Task
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, ScopeError, evolve, params

#: The classes of property engines are chosen for (``terminal`` properties are safety properties
#: that only explicit search decides).
SAFETY, LIVENESS = "safety", "liveness"

#: Engine name × property class -> the engines tried in turn, the next one while the verdict is
#: INCONCLUSIVE and time is left. Every engine module is an :class:`~kubecheck.checker.task.Engine`.
DISPATCH: dict[tuple[str, str], tuple[Engine, ...]] = {
    ("explicit", SAFETY): (bfs,),
    ("explicit", LIVENESS): (fair_cycles,),
    ("bmc", SAFETY): (bmc,),
    ("bmc", LIVENESS): (lasso,),
    ("kind", SAFETY): (kinduction,),
    ("kind", LIVENESS): (ranking, lasso),
    ("pdr", SAFETY): (pdr,),
    ("pdr", LIVENESS): (ranking, lasso),
    ("auto", SAFETY): (pdr, bmc),
    ("auto", LIVENESS): (ranking, lasso),
    ("swarm", SAFETY): (swarm,),  # random walks: violations and witnesses only (group() runs it)
    ("swarm", LIVENESS): (swarm,),  # refused there with the reason: walks have no cycles or fairness
}

#: Explicit search's state budget under ``auto`` when the user gives none.
AUTO_STATES = 2_000_000
#: ``auto`` on an instance beyond explicit search: k-induction tries k = 1 only (0 = ``max_k``),
#: and each symbolic step stops after this many seconds unless ``--timeout`` is given.
AUTO_KIND_DEPTH, AUTO_SECONDS = 0, 20.0
#: ``auto`` on an instance beyond explicit search, by property kind: the engines tried in turn,
#: each with its depth unless the user gives one (None: the engine's default). Liveness and
#: terminal properties are not decided there.
LARGE: dict[str, tuple[tuple[Engine, int | None], ...]] = {
    "always": ((kinduction, AUTO_KIND_DEPTH), (bmc, None)),
    "step": ((kinduction, AUTO_KIND_DEPTH), (bmc, None)),
    "sometimes": ((bmc, None),),
}
#: The engines of a sweep over a bounded parameter that cannot be symbolic, under ``auto``
#: (under bmc, kind or pdr: that engine).
SWEEP_AUTO: tuple[Engine, ...] = (kinduction, pdr)
#: What the note of a terminal property says under bmc, kind or pdr (explicit search decides it, for
#: the one instance: the row says ``explicit``).
EXPLICIT_INSTEAD = "does not decide terminal properties: explicit search of this instance decided it"
#: At most this many instances in a sweep.
MAX_SWEEP = 100
#: The engine names under which an unbounded ``--for-all replicas`` on the StatefulSet goes to the
#: ordinal reading (the fixed-size engines make no proof for every replica count).
ORDINAL_ENGINES = ("auto", "pdr", "kind")
#: How a symbolic verdict's vacuity is asked (:func:`_decide`): BMC then PDR, BMC only, or not at all.
PROVE, REACH, SKIP = "prove", "reach", "skip"
#: Values of a ``--for-all`` parameter at which a property's adjustment is probed (with the
#: user's bounds): an adjustment that moves the parameter fixes it, one that moves another field
#: derives that field from it.
PROBES = (0, 1, 2, 3, 5, 8, 13)


def beyond_explicit_search(scope: Scope) -> str | None:
    """Why exhaustive search cannot explore ``scope`` (the scope's own words), or None when it can."""
    why = getattr(scope, "beyond_explicit_search", None)
    return why() if why is not None else None


def not_symbolic(scope: Scope, for_all: Sequence[str]) -> str | None:
    """Why one of ``for_all`` cannot be left symbolic in ``scope`` (the scope's own words), or None."""
    why = getattr(scope, "not_symbolic", None)
    if why is None:
        return None
    return next((reason for reason in map(why, for_all) if reason), None)


def _class(prop: Property) -> str:
    return LIVENESS if prop.is_liveness else SAFETY


def _symbolic_kind(prop: Property) -> bool:
    return prop.kind in ("always", "step", "sometimes")


def _skipped(prop: Property, scope: Scope, reason: str, engine: str = "explicit", note: str = "") -> Result:
    engine = "explicit-liveness" if prop.is_liveness and engine == "explicit" else engine
    return Result(
        prop,
        Verdict.INCONCLUSIVE,
        scope,
        engine,
        Stats(0, 0, 0, 0.0, False, reason),
        note=note or f"not explored: {reason}",
        claim=Claim(NOTHING),
    )


def _claimed(result: Result, task: Task) -> Result:
    """``result`` with the claim of the run that gave it: ``task`` as its engine was given it."""
    if not task.for_all:
        return attrs.evolve(result, claim=Claim(INSTANCE))
    spans = tuple((n, *task.bounds[n]) for n in task.for_all if n in task.bounds)
    return attrs.evolve(result, claim=Claim(ALL_VALUES, task.for_all, spans))


def _cli(scope: Scope) -> dict[str, tuple[str, Callable[..., str]]]:
    return {name: (info.cli, info.show) for name, info in params(type(scope))}


def conflicts(prop: Property, scope: Scope, user_set: Sequence[str]) -> list[tuple[str, str, str]]:
    """(cli name, the value ``prop`` needs, the user's value) per field of ``user_set`` that
    ``prop``'s adjustment of ``scope`` changes (empty: the property speaks about the user's values)."""
    adjusted = prop.adjust(scope)
    cli = _cli(scope)
    out = []
    for name in user_set:
        if name in cli and getattr(adjusted, name) != getattr(scope, name):
            flag, show = cli[name]
            out.append((flag, show(getattr(adjusted, name)), show(getattr(scope, name))))
    return out


def needs(prop: Property, found: Sequence[tuple[str, str, str]]) -> str:
    """ "needs X=a (it assumes …), but you set X=b" for the :func:`conflicts` of ``prop``."""
    values = " ".join(f"{flag}={value}" for flag, value, _ in found)
    given = " ".join(f"{flag}={value}" for flag, _, value in found)
    why = f" (it assumes {prop.assumes})" if prop.assumes else ""
    return f"needs {values}{why}, but you set {given}"


def refusal(prop: Property, found: Sequence[tuple[str, str, str]]) -> str:
    """The one line that refuses ``prop`` because it needs other values than the user set (:func:`conflicts`)."""
    unset = " and ".join(flag for flag, _, _ in found)
    return f"{prop.name} {needs(prop, found)}; it is never checked with another value than yours (leave {unset} unset)"


def _value(scope: Scope, name: str, v: int) -> object:
    current = getattr(scope, name)
    return IntOrPercent(v, current.is_percent) if isinstance(current, IntOrPercent) else v


def symbolic_effect(
    prop: Property, scope: Scope, for_all: Sequence[str], bounds: Mapping[str, tuple[int | None, int | None]]
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """(fixed, held) of ``prop``'s adjustment of ``scope`` with ``for_all`` open.

    ``fixed``: (cli name, a value of the range, the value the adjustment puts in its place) for each
    ``for_all`` parameter the adjustment moves at some probed value (:data:`PROBES` within
    ``bounds``, or every value of a range no longer than :data:`MAX_SWEEP`); ``held``: (cli name,
    value at ``scope``) of the other fields it derives from them (they would differ at another
    value, and stay as they are at ``scope`` in one symbolic run).
    """
    base = prop.adjust(scope)
    cli = _cli(scope)
    fixed: dict[str, tuple[str, str, str]] = {}
    held: dict[str, None] = {}
    for name in for_all:
        current = getattr(scope, name, None)
        if isinstance(current, bool) or not isinstance(current, (int, IntOrPercent)):
            continue
        lo, hi = bounds.get(name, (None, None))
        if lo is not None and hi is not None and hi - lo < MAX_SWEEP:
            probes: list[int] = list(range(lo, hi + 1))
        else:
            own = current.value if isinstance(current, IntOrPercent) else current
            candidates = {v for v in (*PROBES, own, lo, hi) if v is not None}
            probes = sorted(v for v in candidates if (lo is None or v >= lo) and (hi is None or v <= hi))
        flag, show = cli[name]
        for v in probes:
            value = _value(scope, name, v)
            try:
                adjusted = prop.adjust(evolve(scope, **{name: value}))
            except (ValueError, TypeError):
                continue
            if getattr(adjusted, name) != value and name not in fixed:
                fixed[name] = (flag, show(value), show(getattr(adjusted, name)))
            for field in cli:
                if field not in for_all and getattr(adjusted, field) != getattr(base, field):
                    held[field] = None
    return list(fixed.values()), [(cli[n][0], cli[n][1](getattr(base, n))) for n in held]


def _prefixed(status: Callable[[str], None] | None, label: str, prop: Property) -> Callable[[str], None]:
    """``status`` with the engine, the property and the seconds since this step began."""
    started = time.monotonic()

    def say(what: str) -> None:
        if status is not None:
            status(f"{label} {prop.short}: {what}, {time.monotonic() - started:.0f} s")

    return say


def _decide(
    engine: Engine,
    task: Task,
    prop: Property,
    timeout: float | None,
    depth: int | None,
    status: Callable[[str], None] | None,
    vacuity: str = PROVE,
) -> Result:
    """One property with one symbolic engine, in ``task``'s scope, within ``timeout`` seconds.

    A PROVED (HOLDS) of a property with a trigger then has its vacuity decided in the same
    encoding (:mod:`~kubecheck.checker.symbolic.vacuity`) within a quarter of what is left of
    ``timeout`` (and the module's own cap):
    ``vacuity`` :data:`PROVE` asks BMC then PDR, :data:`REACH` BMC only, :data:`SKIP` nothing."""
    started = time.monotonic()
    say = _prefixed(status, engine.LABEL, prop)
    step = attrs.evolve(task, properties=(prop,), budget=Budget(timeout=timeout), depth=depth, status=say)
    [result] = engine.check(step)
    result = _claimed(result, step)
    if vacuity != SKIP and _wants_vacuity(result):
        # a quarter of the run's time left at most, so that the properties after this one keep theirs
        left = None if timeout is None else (timeout - (time.monotonic() - started)) / 4
        found = symbolic_vacuity.decide(step, prop, left, prove=vacuity == PROVE, status=say)
        result = attrs.evolve(result, vacuity=found)
    return result


def _wants_vacuity(result: Result) -> bool:
    """A HOLDS/PROVED of a property with a trigger whose engine did not decide the vacuity."""
    return (
        result.verdict in (Verdict.HOLDS, Verdict.PROVED)
        and result.property.trigger is not None
        and result.vacuity is None
    )


def check(task: Task) -> list[Result]:
    """Decide every property of ``task`` with the task's engine (see the module docstring)."""
    if task.for_all and task.engine in ("explicit", "swarm"):
        raise ValueError("--for-all needs a symbolic engine (bmc, kind, pdr or auto)")
    task = attrs.evolve(task, encoders=Encoders())  # this run's encodings, shared by its properties
    refused = [(p, found) for p in task.properties if (found := conflicts(p, task.scope, task.user_set))]
    if refused:
        more = (
            f" (and {len(refused) - 1} more propert{'y' if len(refused) == 2 else 'ies'})" if len(refused) > 1 else ""
        )
        raise ScopeError(refusal(*refused[0]) + more)
    groups: dict[Scope, list[int]] = {}
    for i, prop in enumerate(task.properties):
        adjusted = prop.adjust(task.scope)
        validate = getattr(adjusted, "validate", None)
        if validate is not None:
            validate()
        groups.setdefault(adjusted, []).append(i)
    if task.engine == "explicit" and not _budgeted(task.budget):
        for adjusted in groups:
            why = beyond_explicit_search(adjusted)
            if why:
                raise ScopeError(
                    f"{why}; use --engine kind or pdr (symbolic, this instance), --engine auto, "
                    f"or give explicit search a budget (--max-states, --timeout)"
                )
    run = _Run(task)
    for adjusted, ids in groups.items():
        run.group(attrs.evolve(task, scope=adjusted), ids)
    return [r for r in run.results if r is not None]


def _budgeted(budget: Budget) -> bool:
    return budget.max_states is not None or budget.timeout is not None


class _Run:
    """One run of :func:`check`: its deadline, its results so far, and whether it was stopped."""

    def __init__(self, task: Task):
        self.task = task
        self.clock = Deadline(task.budget.timeout)
        self.results: list[Result | None] = [None] * len(task.properties)
        self.stopped = ""  # "interrupted" or "timeout": the properties not yet decided are not explored

    def group(self, task: Task, ids: list[int]) -> None:
        """The properties ``ids``, whose adjusted scope is ``task.scope``."""
        engine, for_all, scope, props = task.engine, task.for_all, task.scope, task.properties
        if engine == "swarm":  # random walks of this instance: bug finding, never HOLDS (checker/swarm.py)
            walked = swarm.check(task.with_properties([props[i] for i in ids]))
            for i, walk in zip(ids, walked):  # a walk that found nothing claims nothing
                found = walk.verdict is not Verdict.INCONCLUSIVE
                self.results[i] = _claimed(walk, task) if found else attrs.evolve(walk, claim=Claim(NOTHING))
            return
        held: dict[int, tuple[tuple[str, str], ...]] = {}
        if for_all:
            ids = [i for i in ids if not self.unhonoured(task, i, held)]
        refused = not_symbolic(scope, for_all) if for_all else None
        if refused and _sweepable(for_all, task.bounds):
            for i in ids:
                self.results[i] = _sweep(task, props[i], self.clock, self.task.scope)
            return
        if refused and engine in ORDINAL_ENGINES and ordinal.applies(task):  # a proof for every replica count
            for i in ids:
                self.results[i] = _every_ordinal(task, props[i], held.get(i, ()), self.clock)
            return
        if refused:
            for i in ids:
                self.results[i] = _skipped(
                    props[i], scope, "not symbolic", engine, f"not a proof for all values: {refused}"
                )
            return
        large = engine == "auto" and not for_all and beyond_explicit_search(scope)
        if large:
            for i in ids:
                self.results[i] = self.large(task, props[i], large)
            return
        symbolic = [i for i in ids if engine != "explicit" and (_symbolic_kind(props[i]) or props[i].is_liveness)]
        if engine == "auto" and not for_all:
            symbolic = []  # explicit first; the symbolic engines take what the budget leaves open
        safety = [i for i in ids if i not in symbolic and not props[i].is_liveness]
        live = [i for i in ids if i not in symbolic and props[i].is_liveness]
        self.explore(task, safety, live)
        if engine == "auto":
            symbolic += [
                i
                for i in safety + live
                if (result := self.results[i]) is not None
                and result.verdict is Verdict.INCONCLUSIVE
                and (_symbolic_kind(props[i]) or props[i].is_liveness)
                and not self.stopped
            ]
        for i in symbolic:
            result = self.solve(task, props[i])
            if held.get(i) and result.claim is not None and result.claim.kind == ALL_VALUES:
                result = attrs.evolve(result, claim=attrs.evolve(result.claim, held=held[i]))
            self.results[i] = result

    def unhonoured(self, task: Task, i: int, held: dict[int, tuple[tuple[str, str], ...]]) -> bool:
        """Whether property ``i`` cannot be decided with ``task.for_all`` open (its result is then
        INCONCLUSIVE with the reason); fills ``held`` with the fields its adjustment derives from them."""
        prop, names = task.properties[i], ", ".join(_cli(task.scope)[n][0] for n in task.for_all)
        fixed, derived = symbolic_effect(prop, self.task.scope, task.for_all, task.bounds)
        why = ""
        if fixed:
            moves = ", ".join(f"{flag}={needed} where {flag}={at}" for flag, at, needed in fixed)
            assumes = f" (it assumes {prop.assumes})" if prop.assumes else ""
            why = f"{prop.short} needs {moves}{assumes}; it is never checked with a value it would replace"
        elif not (_symbolic_kind(prop) or prop.is_liveness):
            why = f"{prop.kind} properties are decided by explicit search of one instance only"
        if why:
            self.results[i] = _skipped(
                prop, task.scope, "not symbolic", task.engine, f"not decided for every value of {names}: {why}"
            )
            return True
        held[i] = tuple(derived)
        return False

    def explore(self, task: Task, safety: list[int], live: list[int]) -> None:
        """Explicit search: one exploration for the safety properties, one for the liveness ones."""
        too_big = None if _budgeted(task.budget) else beyond_explicit_search(task.scope)
        for kind, chosen in ((SAFETY, safety), (LIVENESS, live)):
            if not chosen:
                continue
            if self.clock.passed():
                self.stopped = self.stopped or "timeout"
            if self.stopped or too_big or task.for_all:
                if self.stopped:
                    reason, note = self.stopped, ""
                elif too_big:
                    reason, note = "beyond explicit search", f"not explored: {too_big}"
                else:  # never asked for by group(): explicit search cannot leave a parameter open
                    reason, note = "not symbolic", "not explored: explicit search fixes every parameter"
                for i in chosen:
                    self.results[i] = _skipped(task.properties[i], task.scope, reason, note=note)
                continue
            limit = task.budget.max_states
            if task.engine == "auto" and limit is None:
                limit = AUTO_STATES
            part = attrs.evolve(task.budget, timeout=self.clock.left(), max_states=limit)
            [engine] = DISPATCH["explicit", kind]
            explored = engine.check(attrs.evolve(task, properties=[task.properties[i] for i in chosen], budget=part))
            for i, result in zip(chosen, explored):
                if task.engine in ("bmc", "kind", "pdr"):  # a terminal property: that engine does not decide it
                    said = f"{task.engine} {EXPLICIT_INSTEAD}"
                    result = attrs.evolve(result, note=f"{said}; {result.note}" if result.note else said)
                self.results[i] = _claimed(result, task)
                if result.stats.stop_reason == "interrupted":
                    self.stopped = "interrupted"

    def solve(self, task: Task, prop: Property) -> Result:
        """One always/step/sometimes or liveness property with the symbolic engines of ``task.engine``."""
        if self.clock.passed() or self.stopped:
            return _skipped(prop, task.scope, self.stopped or "timeout", task.engine)
        result: Result | None = None
        for engine in DISPATCH[task.engine, _class(prop)]:
            try:
                result = _decide(engine, task, prop, self.clock.left(), task.depth, task.status)
            except EncodingError as err:  # e.g. a --for-all parameter this property's scope cannot leave open
                result = _skipped(prop, task.scope, "not symbolic", engine.ENGINE, f"not decided: {err}")
            if result.verdict is not Verdict.INCONCLUSIVE or self.clock.passed():
                break
        assert result is not None
        return result

    def large(self, task: Task, prop: Property, why: str) -> Result:
        """``auto`` on an instance beyond explicit search: symbolic engines at the real size, or
        INCONCLUSIVE with the reason."""
        steps = LARGE.get(prop.kind)
        if steps is None:
            return _skipped(
                prop,
                task.scope,
                "beyond explicit search",
                "auto",
                f"not explored: {why}; {prop.kind} properties need explicit search here",
            )
        result: Result | None = None
        for engine, depth in steps:
            if self.clock.passed():
                return result or _skipped(prop, task.scope, "timeout", engine.ENGINE)
            bound = depth if task.depth is None else task.depth
            # PDR is not run on such instances (module docstring): nor for the vacuity
            result = _decide(engine, task, prop, self.clock.left(AUTO_SECONDS), bound, task.status, REACH)
            if result.verdict is not Verdict.INCONCLUSIVE:
                break
        assert result is not None
        return result


def _every_ordinal(task: Task, prop: Property, held: tuple[tuple[str, str], ...], clock: Deadline) -> Result:
    """``prop`` for every replica count by the ordinal reading (checker/symbolic/ordinal.py), within the
    time ``clock`` leaves: PROVED claims every value of ``task.for_all`` from replicas 1 up; anything else
    claims nothing. The reading covers every scale target, so a scale-to the property derives from
    replicas is not held."""
    if clock.passed():
        return _skipped(prop, task.scope, "timeout", ordinal.ENGINE)
    budget = attrs.evolve(task.budget, timeout=clock.left())
    [result] = ordinal.check(attrs.evolve(task, properties=(prop,), budget=budget))
    if task.engine != "auto":  # the user asked for a fixed-size engine: say what ran instead
        result = attrs.evolve(
            result,
            note=f"{result.note}; --engine {task.engine} with --for-all replicas runs the ordinal reading "
            f"({task.engine} itself proves one replica count at a time)",
        )
    if result.verdict is not Verdict.PROVED:
        return attrs.evolve(result, claim=Claim(NOTHING))
    held = tuple((flag, value) for flag, value in held if flag != "scale-to")
    claim = Claim(ALL_VALUES, task.for_all, (("replicas", 1, None),), held)
    return attrs.evolve(result, claim=claim, vacuity=_ordinal_vacuity(task, prop, clock))


def _ordinal_vacuity(task: Task, prop: Property, clock: Deadline) -> Vacuity | None:
    """The vacuity of a proof for every replica count (None: no trigger). Its scope cannot leave
    replicas open, so BMC looks for the trigger at the scope's own instance: found there, the proof
    is not vacuous; not found, nothing is claimed (another replica count may show it; no proof for
    every count that it never occurs is attempted)."""
    if prop.trigger is None:
        return None
    instance = attrs.evolve(task, for_all=(), bounds={})
    at = f"replicas={getattr(task.scope, 'replicas', '?')}"
    say = _prefixed(task.status, "vacuity", prop)
    left = clock.left()
    found = symbolic_vacuity.decide(instance, prop, None if left is None else left / 4, prove=False, status=say)
    if found.checked and found.occurred:
        return Vacuity(True, True, f"{found.reason} at {at}")
    return Vacuity(False, False, f"{found.reason} at {at}; not checked for the other replica counts")


def _sweepable(for_all: Sequence[str], bounds: Mapping[str, tuple[int | None, int | None]]) -> bool:
    """Every parameter has a finite range, and there are at most MAX_SWEEP instances."""
    count = 1
    for name in for_all:
        lo, hi = bounds.get(name, (None, None))
        if lo is None or hi is None:
            return False
        count *= hi - lo + 1
    return count <= MAX_SWEEP


def _sweep(task: Task, prop: Property, clock: Deadline, user: Scope) -> Result:
    """``prop`` on each instance of a bounded range of a parameter that cannot be symbolic.

    Each instance is the user's scope ``user`` at that value, adjusted by the property (so what the
    adjustment derives from the parameter follows it). PROVED (UNREACHABLE) when every instance
    is; the first VIOLATED (WITNESSED) instance's result otherwise (its trace names the value);
    INCONCLUSIVE at the first instance that is, with the values already proved. Every result
    but a refusal claims :data:`EACH_VALUE` of the range.
    """
    scope, for_all, bounds, status = task.scope, task.for_all, task.bounds, task.status
    ranges = [range(_lo(bounds, n), _hi(bounds, n) + 1) for n in for_all]
    where = ", ".join(f"{n} {_lo(bounds, n)}..{_hi(bounds, n)}" for n in for_all)
    if not _symbolic_kind(prop):
        return _skipped(
            prop,
            scope,
            "not symbolic",
            task.engine,
            f"not decided: a sweep over {where} decides always, step and sometimes properties only",
        )
    steps = DISPATCH[task.engine, SAFETY] if task.engine in ("bmc", "kind", "pdr") else SWEEP_AUTO
    each = Claim(EACH_VALUE, tuple(for_all), tuple((n, _lo(bounds, n), _hi(bounds, n)) for n in for_all))
    proved: list[str] = []
    vacuities: list[tuple[str, Vacuity]] = []  # (instance, its vacuity) until one shows the trigger
    started = time.monotonic()
    last: Result | None = None
    for values in itertools.product(*ranges):
        point = dict(zip(for_all, values))
        label = ", ".join(f"{n}={v}" for n, v in point.items())
        instance = prop.adjust(evolve(user, **point))
        validate = getattr(instance, "validate", None)
        try:
            if validate is not None:
                validate()
        except ScopeError as err:
            raise ScopeError(f"--for-all {where}: at {label}, {err}") from None
        one = attrs.evolve(task, scope=instance, for_all=(), bounds={})
        for engine in steps:
            if clock.passed():
                stopped = _skipped(
                    prop,
                    scope,
                    "timeout",
                    engine.ENGINE,
                    f"stopped by the timeout after {len(proved)} instance(s) of {where}",
                )
                return stopped if last is None else attrs.evolve(stopped, claim=each)  # some instances ran
            say = None if status is None else (lambda what, label=label: status(f"{label}: {what}"))
            seen = any(v.checked and v.occurred for _, v in vacuities)  # one instance shows the trigger: enough
            last = _decide(engine, one, prop, clock.left(), task.depth, say, SKIP if seen else PROVE)
            if last.verdict is not Verdict.INCONCLUSIVE:
                break
        assert last is not None
        if last.verdict in (Verdict.VIOLATED, Verdict.WITNESSED):
            before = f"; {', '.join(proved)} proved before it" if proved else ""
            return attrs.evolve(last, note=f"{last.note} (sweep over {where}: found at {label}{before})", claim=each)
        if last.verdict is Verdict.INCONCLUSIVE:
            before = f"{', '.join(proved)} proved before it" if proved else "none proved before it"
            return attrs.evolve(
                last,
                note=f"at {label}: {last.note} (sweep over {where}: {before}; not a proof for the range)",
                claim=each,
            )
        proved.append(label)
        if last.vacuity is not None:
            vacuities.append((label, last.vacuity))
    assert last is not None
    seconds = time.monotonic() - started
    stats = Stats(0, 0, 0, seconds, True, "proved")
    what = "UNREACHABLE" if last.verdict is Verdict.UNREACHABLE else "PROVED"
    return Result(
        prop,
        last.verdict,
        scope,
        last.engine,
        stats,
        None,
        None,
        f"{what} for each of {where} ({len(proved)} instances, each by {last.engine} at its own size, "
        f"{seconds:.2f} s in all); nothing is claimed outside that range",
        claim=each,
        vacuity=_swept_vacuity(vacuities, len(proved), where) if prop.trigger is not None else None,
    )


def _swept_vacuity(vacuities: Sequence[tuple[str, Vacuity]], instances: int, where: str) -> Vacuity:
    """The vacuity of a sweep whose ``instances`` were all proved, from theirs (in order, up to the
    first that shows the trigger): non-vacuous when one instance shows it, vacuous when every
    instance's proof says it never occurs, unchecked otherwise."""
    for label, v in vacuities:
        if v.checked and v.occurred:
            return Vacuity(True, True, f"{v.reason} at {label}")
    if len(vacuities) == instances and all(v.vacuous for _, v in vacuities):
        return Vacuity(True, False, f"{vacuities[0][1].reason} (at each of {where})")
    label, v = next(((lb, v) for lb, v in vacuities if not v.checked), ("", Vacuity(False, False, "not checked")))
    return Vacuity(False, False, f"{v.reason} at {label}" if label else v.reason)


def _lo(bounds: Mapping[str, tuple[int | None, int | None]], name: str) -> int:
    lo = bounds[name][0]
    assert lo is not None  # _sweepable
    return lo


def _hi(bounds: Mapping[str, tuple[int | None, int | None]], name: str) -> int:
    hi = bounds[name][1]
    assert hi is not None  # _sweepable
    return hi
