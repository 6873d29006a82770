"""Check a list of properties: one exploration per distinct scope the properties speak about.

A property may adjust the user's scope (the availability floor *with faults off* turns faults
off). Properties whose adjusted scopes are equal share one exploration; results come back in
the order the properties were given.

Engines: ``explicit`` (breadth-first for safety, fair cycles for liveness), ``bmc`` (shortest
counterexamples; lassos for liveness), ``kind`` (k-induction) and ``pdr`` (IC3/PDR through
Spacer; liveness by certified ranking functions), and ``auto``: with symbolic parameters
(``for_all``) PDR (or the ranking proof), then BMC for what stays open; otherwise explicit
search within the budget, then the symbolic engines for what the budget left undecided.
Terminal properties are always decided explicitly. Every result names the engine that
decided it.

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
"for all values of replicas in 1..20", one run).

Budgets are for the whole run: ``timeout`` is one deadline shared by every exploration and
solver call, and once an exploration is interrupted (Ctrl-C) or the deadline has passed, the
properties not yet decided are INCONCLUSIVE without being explored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.checker.symbolic.encoder import EncodingError
from kubecheck.checker.task import ENGINES, Budget, Progress, Task
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.scopes import ScopeError

#: Default bounds of the symbolic engines when the user gives none.
BMC_DEPTH, KIND_DEPTH, LASSO_DEPTH, AUTO_STATES = 30, 5, 20, 2_000_000
#: ``auto`` on an instance beyond explicit search: k-induction tries k = 1 only (0 = ``max_k``),
#: and each symbolic step stops after this many seconds unless ``--timeout`` is given.
AUTO_KIND_DEPTH, AUTO_SECONDS = 0, 20.0
#: At most this many instances in a sweep over a bounded parameter that cannot be symbolic.
MAX_SWEEP = 100


def beyond_explicit_search(scope: Any) -> str | None:
    """Why exhaustive search cannot explore ``scope`` (the scope's own words), or None when it can."""
    why = getattr(scope, "beyond_explicit_search", None)
    return why() if why is not None else None


def not_symbolic(scope: Any, for_all: Sequence[str]) -> str | None:
    """Why one of ``for_all`` cannot be left symbolic in ``scope`` (the scope's own words), or None."""
    why = getattr(scope, "not_symbolic", None)
    if why is None:
        return None
    return next((reason for reason in map(why, for_all) if reason), None)


def _skipped(prop: Any, scope: Any, reason: str, engine: str = "explicit", note: str = "") -> Result:
    engine = "explicit-liveness" if prop.is_liveness and engine == "explicit" else engine
    return Result(
        prop,
        Verdict.INCONCLUSIVE,
        scope,
        engine,
        Stats(0, 0, 0, 0.0, False, reason),
        note=note or f"not explored: {reason}",
    )


def _symbolic_kind(prop: Any) -> bool:
    return prop.kind in ("always", "step", "sometimes")


class _Clock:
    def __init__(self, timeout: float | None):
        self.deadline = time.monotonic() + timeout if timeout else None

    def left(self, cap: float | None = None) -> float | None:
        left = None if self.deadline is None else self.deadline - time.monotonic()
        return cap if left is None else left

    def out(self) -> bool:
        left = self.left()
        return left is not None and left <= 0


class _Encoders:
    """The encodings of one run, shared by the properties of one scope (building one is the costly
    part on large per-ordinal instances: quadratic in the number of ordinals)."""

    def __init__(
        self, model: Model, for_all: Sequence[str], bounds: Mapping[str, tuple[int | None, int | None]] | None = None
    ):
        self.model, self.for_all, self.bounds, self.built = model, tuple(for_all), dict(bounds or {}), {}

    def get(self, scope: Any, arith: str = "int") -> Any:
        from kubecheck.checker.symbolic.encoder import Encoder

        key = (scope, arith)
        if key not in self.built:
            self.built = {k: v for k, v in self.built.items() if k[0] == scope}  # one scope's encodings at a time
            self.built[key] = Encoder(self.model, scope, self.for_all, self.bounds, arith=arith)
        return self.built[key]


def _solve(
    engine: str,
    encoders: _Encoders,
    scope: Any,
    prop: Any,
    timeout: float | None,
    depth: int | None,
    status: Callable[[str], None] | None = None,
) -> Result:
    """One always/step/sometimes property with one symbolic engine (``status``: where it says what it does)."""
    from kubecheck.checker.symbolic import bmc, kinduction, pdr

    say = _prefixed(status, engine, prop)
    say("encoding")
    if engine == "bmc":
        return bmc.check(encoders.get(scope), prop, BMC_DEPTH if depth is None else depth, timeout, status=say)
    if engine == "kind":
        return kinduction.check(
            encoders.get(scope), prop, KIND_DEPTH if depth is None else depth, timeout=timeout, status=say
        )
    result, proof = pdr.check(encoders.get(scope, "linear"), prop, timeout, status=say)
    return attrs.evolve(result, evidence=proof) if proof is not None else result


def _prefixed(status: Callable[[str], None] | None, engine: str, prop: Any) -> Callable[[str], None]:
    """``status`` with the engine, the property and the seconds since this step began."""
    started = time.monotonic()

    def say(what: str) -> None:
        if status is not None:
            status(f"{engine} {prop.short}: {what}, {time.monotonic() - started:.0f} s")

    return say


def _solve_liveness(
    engine: str,
    encoders: _Encoders,
    scope: Any,
    prop: Any,
    timeout: float | None,
    depth: int | None,
    status: Callable[[str], None] | None = None,
) -> Result:
    """One eventually/leads_to property: a BMC lasso (``bmc``) or a ranking-function proof."""
    from kubecheck.checker.symbolic import lasso
    from kubecheck.checker.symbolic import ranking as liveness_proof

    say = _prefixed(status, "bmc lasso" if engine == "bmc" else "ranking proof", prop)
    if engine == "bmc":
        return lasso.check(encoders.get(scope), prop, LASSO_DEPTH if depth is None else depth, timeout, status=say)
    say("searching for a ranking function")
    result, proof = liveness_proof.check(encoders.get(scope), prop, timeout=timeout)
    return attrs.evolve(result, evidence=proof) if proof is not None else result


def check(task: Task) -> list[Result]:
    """Decide every property of ``task`` with the task's engine (see the module docstring)."""
    return _check(
        task.model,
        task.scope,
        task.properties,
        task.budget,
        task.progress,
        task.engine,
        task.for_all,
        task.depth,
        task.status,
        task.bounds,
    )


def _check(
    model: Model,
    scope: Any,
    properties: Sequence[Any],
    budget: Budget,
    progress: Callable[[Progress], None] | None,
    engine: str,
    for_all: Sequence[str],
    depth: int | None,
    status: Callable[[str], None] | None,
    bounds: Mapping[str, tuple[int | None, int | None]] | None,
) -> list[Result]:
    """Decide every property with the chosen engine (see the module docstring)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; engines: {', '.join(ENGINES)}")
    if for_all and engine in ("explicit",):
        raise ValueError("--for-all needs a symbolic engine (bmc, kind, pdr or auto)")
    groups: dict[Any, list[int]] = {}
    for i, prop in enumerate(properties):
        adjusted = prop.adjust(scope)
        validate = getattr(adjusted, "validate", None)
        if validate is not None:
            validate()
        groups.setdefault(adjusted, []).append(i)
    budgeted = budget.max_states is not None or budget.timeout is not None
    if engine == "explicit" and not budgeted:
        for adjusted in groups:
            why = beyond_explicit_search(adjusted)
            if why:
                raise ScopeError(
                    f"{why}; use --engine kind or pdr (symbolic, this instance), --engine auto, "
                    f"or give explicit search a budget (--max-states, --timeout)"
                )
    clock = _Clock(budget.timeout)
    bounds = dict(bounds or {})
    encoders = _Encoders(model, for_all, bounds)
    stopped = ""
    results: list[Result | None] = [None] * len(properties)

    def explore(eng: Any, adjusted: Any, chosen: list[int], part: Budget) -> None:
        nonlocal stopped
        for i, result in zip(chosen, eng.check(model, adjusted, [properties[i] for i in chosen], part, progress)):
            results[i] = result
            if result.stats.stop_reason == "interrupted":
                stopped = "interrupted"

    for adjusted, ids in groups.items():
        refused = not_symbolic(adjusted, for_all) if for_all else None
        if refused and _sweepable(for_all, bounds):
            for i in ids:
                results[i] = _sweep(engine, model, adjusted, properties[i], for_all, bounds, clock, depth, status)
            continue
        if refused:
            for i in ids:
                results[i] = _skipped(
                    properties[i], adjusted, "not symbolic", engine, f"not a proof for all values: {refused}"
                )
            continue
        large = engine == "auto" and not for_all and beyond_explicit_search(adjusted)
        if large:
            _check_large(encoders, adjusted, properties, ids, results, clock, large, depth, status)
            continue
        symbolic = [
            i for i in ids if engine != "explicit" and (_symbolic_kind(properties[i]) or properties[i].is_liveness)
        ]
        if engine == "auto" and not for_all:
            symbolic = []  # explicit first; the symbolic engines take what the budget leaves open
        safety = [i for i in ids if i not in symbolic and not properties[i].is_liveness]
        live = [i for i in ids if i not in symbolic and properties[i].is_liveness]
        too_big = None if budgeted else beyond_explicit_search(adjusted)
        for eng, chosen in ((explicit, safety), (liveness, live)):
            if not chosen:
                continue
            if clock.out():
                stopped = stopped or "timeout"
            if stopped or too_big:
                for i in chosen:
                    results[i] = _skipped(
                        properties[i],
                        adjusted,
                        stopped or "beyond explicit search",
                        note="" if stopped else f"not explored: {too_big}",
                    )
                continue
            limit = budget.max_states
            if engine == "auto" and limit is None:
                limit = AUTO_STATES
            explore(eng, adjusted, chosen, attrs.evolve(budget, timeout=clock.left(), max_states=limit))
        if engine == "auto":
            symbolic += [
                i
                for i in safety + live
                if results[i] is not None
                and results[i].verdict is Verdict.INCONCLUSIVE
                and (_symbolic_kind(properties[i]) or properties[i].is_liveness)
                and not stopped
            ]
        for i in symbolic:
            if clock.out() or stopped:
                results[i] = _skipped(properties[i], adjusted, stopped or "timeout", engine)
                continue
            prop = properties[i]
            if prop.is_liveness:
                steps = ("bmc",) if engine == "bmc" else ("proof", "bmc")
                solve = _solve_liveness
            else:
                steps = ("pdr", "bmc") if engine == "auto" else (engine,)
                solve = _solve
            for step in steps:
                try:
                    result = solve(step, encoders, adjusted, prop, clock.left(), depth, status)
                except EncodingError as err:  # e.g. a --for-all parameter this property's scope cannot leave open
                    engine_name = "ranking" if step == "proof" else "bmc-lasso" if prop.is_liveness else step
                    result = _skipped(prop, adjusted, "not symbolic", engine_name, f"not decided: {err}")
                results[i] = result
                if result.verdict is not Verdict.INCONCLUSIVE or clock.out():
                    break
    return [r for r in results if r is not None]


def _sweepable(for_all: Sequence[str], bounds: Mapping[str, tuple[int | None, int | None]]) -> bool:
    """Every parameter has a finite range, and there are at most MAX_SWEEP instances."""
    count = 1
    for name in for_all:
        lo, hi = bounds.get(name, (None, None))
        if lo is None or hi is None:
            return False
        count *= hi - lo + 1
    return count <= MAX_SWEEP


def _sweep(
    engine: str,
    model: Model,
    scope: Any,
    prop: Any,
    for_all: Sequence[str],
    bounds: Mapping[str, tuple[int | None, int | None]],
    clock: _Clock,
    depth: int | None,
    status: Callable[[str], None] | None,
) -> Result:
    """``prop`` on each instance of a bounded range of a parameter that cannot be symbolic.

    PROVED (UNREACHABLE) when every instance is; the first VIOLATED (WITNESSED) instance's
    result otherwise (its trace names the value); INCONCLUSIVE at the first instance that is,
    with the values already proved.
    """
    import itertools

    ranges = [range(bounds[n][0], bounds[n][1] + 1) for n in for_all]
    where = ", ".join(f"{n} {bounds[n][0]}..{bounds[n][1]}" for n in for_all)
    if not _symbolic_kind(prop):
        return _skipped(
            prop,
            scope,
            "not symbolic",
            engine,
            f"not decided: a sweep over {where} decides always, step and sometimes properties only",
        )
    steps = (engine,) if engine in ("bmc", "kind", "pdr") else ("kind", "pdr")
    encoders = _Encoders(model, ())
    proved: list[str] = []
    started = time.monotonic()
    last: Result | None = None
    for values in itertools.product(*ranges):
        point = dict(zip(for_all, values))
        label = ", ".join(f"{n}={v}" for n, v in point.items())
        instance = attrs.evolve(scope, **point)
        validate = getattr(instance, "validate", None)
        try:
            if validate is not None:
                validate()
        except ScopeError as err:
            raise ScopeError(f"--for-all {where}: at {label}, {err}") from None
        for step in steps:
            if clock.out():
                return _skipped(
                    prop, scope, "timeout", step, f"stopped by the timeout after {len(proved)} instance(s) of {where}"
                )
            say = None if status is None else (lambda what, label=label: status(f"{label}: {what}"))
            last = _solve(step, encoders, instance, prop, clock.left(), depth, say)
            if last.verdict is not Verdict.INCONCLUSIVE:
                break
        assert last is not None
        if last.verdict in (Verdict.VIOLATED, Verdict.WITNESSED):
            before = f"; {', '.join(proved)} proved before it" if proved else ""
            return attrs.evolve(last, note=f"{last.note} (sweep over {where}: found at {label}{before})")
        if last.verdict is Verdict.INCONCLUSIVE:
            before = f"{', '.join(proved)} proved before it" if proved else "none proved before it"
            return attrs.evolve(
                last, note=f"at {label}: {last.note} (sweep over {where}: {before}; not a proof for the range)"
            )
        proved.append(label)
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
    )


def _check_large(
    encoders: _Encoders,
    scope: Any,
    properties: Sequence[Any],
    ids: list[int],
    results: list[Result | None],
    clock: _Clock,
    why: str,
    depth: int | None,
    status: Callable[[str], None] | None = None,
) -> None:
    """``auto`` on an instance beyond explicit search: symbolic engines at the real size, or INCONCLUSIVE with the reason."""
    for i in ids:
        prop = properties[i]
        if prop.kind in ("always", "step"):
            steps: tuple[tuple[str, int | None], ...] = (
                ("kind", AUTO_KIND_DEPTH if depth is None else depth),
                ("bmc", depth),
            )
        elif prop.kind == "sometimes":
            steps = (("bmc", depth),)
        else:
            results[i] = _skipped(
                prop,
                scope,
                "beyond explicit search",
                "auto",
                f"not explored: {why}; {prop.kind} properties need explicit search here",
            )
            continue
        for step, bound in steps:
            if clock.out():
                results[i] = results[i] or _skipped(prop, scope, "timeout", step)
                break
            result = _solve(step, encoders, scope, prop, clock.left(AUTO_SECONDS), bound, status)
            results[i] = result
            if result.verdict is not Verdict.INCONCLUSIVE:
                break
