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

Budgets are for the whole run: ``timeout`` is one deadline shared by every exploration and
solver call, and once an exploration is interrupted (Ctrl-C) or the deadline has passed, the
properties not yet decided are INCONCLUSIVE without being explored.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import attrs

from kubecheck.checker import explicit, liveness
from kubecheck.checker.report import Result, Stats, Verdict
from kubecheck.model.kernel.commands import Model

ENGINES = ("explicit", "bmc", "kind", "pdr", "auto")
#: Default bounds of the symbolic engines when the user gives none.
BMC_DEPTH, KIND_DEPTH, LASSO_DEPTH, AUTO_STATES = 30, 5, 20, 2_000_000


def _skipped(prop: Any, scope: Any, reason: str, engine: str = "explicit") -> Result:
    engine = "explicit-liveness" if prop.is_liveness else engine
    return Result(prop, Verdict.INCONCLUSIVE, scope, engine, Stats(0, 0, 0, 0.0, False, reason), note=f"not explored: {reason}")


def _symbolic_kind(prop: Any) -> bool:
    return prop.kind in ("always", "step", "sometimes")


class _Clock:
    def __init__(self, timeout: float | None):
        self.deadline = time.monotonic() + timeout if timeout else None

    def left(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def out(self) -> bool:
        left = self.left()
        return left is not None and left <= 0


def _solve(engine: str, model: Model, scope: Any, prop: Any, for_all: Sequence[str], timeout: float | None,
           depth: int | None) -> Result:
    """One always/step/sometimes property with one symbolic engine."""
    from kubecheck.checker import bmc, kinduction, pdr
    from kubecheck.checker.symbolic import Encoder

    if engine == "bmc":
        return bmc.check(Encoder(model, scope, for_all), prop, depth or BMC_DEPTH, timeout)
    if engine == "kind":
        return kinduction.check(Encoder(model, scope, for_all), prop, depth or KIND_DEPTH, timeout=timeout)
    result, proof = pdr.check(Encoder(model, scope, for_all, arith="linear"), prop, timeout)
    return attrs.evolve(result, evidence=proof) if proof is not None else result


def _solve_liveness(engine: str, model: Model, scope: Any, prop: Any, for_all: Sequence[str], timeout: float | None,
                    depth: int | None) -> Result:
    """One eventually/leads_to property: a BMC lasso (``bmc``) or a ranking-function proof."""
    from kubecheck.checker import lasso, liveness_proof
    from kubecheck.checker.symbolic import Encoder

    if engine == "bmc":
        return lasso.check(Encoder(model, scope, for_all), prop, depth or LASSO_DEPTH, timeout)
    result, proof = liveness_proof.check(Encoder(model, scope, for_all), prop, timeout=timeout)
    return attrs.evolve(result, evidence=proof) if proof is not None else result


def check(
    model: Model,
    scope: Any,
    properties: Sequence[Any],
    budget: explicit.Budget = explicit.Budget(),
    progress: Callable[[explicit.Progress], None] | None = None,
    engine: str = "explicit",
    for_all: Sequence[str] = (),
    depth: int | None = None,
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
    clock = _Clock(budget.timeout)
    stopped = ""
    results: list[Result | None] = [None] * len(properties)

    def explore(eng: Any, adjusted: Any, chosen: list[int], part: explicit.Budget) -> None:
        nonlocal stopped
        for i, result in zip(chosen, eng.check(model, adjusted, [properties[i] for i in chosen], part, progress)):
            results[i] = result
            if result.stats.stop_reason == "interrupted":
                stopped = "interrupted"

    for adjusted, ids in groups.items():
        symbolic = [i for i in ids if engine != "explicit" and (_symbolic_kind(properties[i]) or properties[i].is_liveness)]
        if engine == "auto" and not for_all:
            symbolic = []  # explicit first; the symbolic engines take what the budget leaves open
        safety = [i for i in ids if i not in symbolic and not properties[i].is_liveness]
        live = [i for i in ids if i not in symbolic and properties[i].is_liveness]
        for eng, chosen in ((explicit, safety), (liveness, live)):
            if not chosen:
                continue
            if clock.out():
                stopped = stopped or "timeout"
            if stopped:
                for i in chosen:
                    results[i] = _skipped(properties[i], adjusted, stopped)
                continue
            limit = budget.max_states
            if engine == "auto" and limit is None:
                limit = AUTO_STATES
            explore(eng, adjusted, chosen, attrs.evolve(budget, timeout=clock.left(), max_states=limit))
        if engine == "auto":
            symbolic += [i for i in safety + live if results[i] is not None and results[i].verdict is Verdict.INCONCLUSIVE
                         and (_symbolic_kind(properties[i]) or properties[i].is_liveness) and not stopped]
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
                result = solve(step, model, adjusted, prop, for_all, clock.left(), depth)
                results[i] = result
                if result.verdict is not Verdict.INCONCLUSIVE or clock.out():
                    break
    return [r for r in results if r is not None]
