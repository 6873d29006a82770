"""Check a list of properties: one exploration per distinct scope the properties speak about.

A property may adjust the user's scope (the availability floor *with faults off* turns faults
off). Properties whose adjusted scopes are equal share one exploration; results come back in
the order the properties were given. Safety properties go to the breadth-first engine,
liveness properties to the fair-cycle engine.

Budgets are for the whole run: ``timeout`` is one deadline shared by every exploration, and
once an exploration is interrupted (Ctrl-C) or the deadline has passed, the properties not yet
explored are INCONCLUSIVE without being explored.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import attrs

from kubecheck.checker import explicit, liveness
from kubecheck.checker.report import Result, Stats, Verdict
from kubecheck.model.kernel.commands import Model


def _skipped(prop: Any, scope: Any, reason: str) -> Result:
    engine = "explicit-liveness" if prop.is_liveness else "explicit"
    return Result(prop, Verdict.INCONCLUSIVE, scope, engine, Stats(0, 0, 0, 0.0, False, reason), note=f"not explored: {reason}")


def check(
    model: Model,
    scope: Any,
    properties: Sequence[Any],
    budget: explicit.Budget = explicit.Budget(),
    progress: Callable[[explicit.Progress], None] | None = None,
) -> list[Result]:
    """Decide every property with the explicit engines (safety: BFS; liveness: fair cycles)."""
    groups: dict[Any, list[int]] = {}
    for i, prop in enumerate(properties):
        adjusted = prop.adjust(scope)
        validate = getattr(adjusted, "validate", None)
        if validate is not None:
            validate()
        groups.setdefault(adjusted, []).append(i)
    deadline = time.monotonic() + budget.timeout if budget.timeout else None
    stopped = ""
    results: list[Result | None] = [None] * len(properties)
    for adjusted, ids in groups.items():
        for engine, chosen in ((explicit, [i for i in ids if not properties[i].is_liveness]),
                               (liveness, [i for i in ids if properties[i].is_liveness])):
            if not chosen:
                continue
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                stopped = stopped or "timeout"
            if stopped:
                for i in chosen:
                    results[i] = _skipped(properties[i], adjusted, stopped)
                continue
            part = attrs.evolve(budget, timeout=remaining)
            for i, result in zip(chosen, engine.check(model, adjusted, [properties[i] for i in chosen], part, progress)):
                results[i] = result
                if result.stats.stop_reason == "interrupted":
                    stopped = "interrupted"
    return [r for r in results if r is not None]
