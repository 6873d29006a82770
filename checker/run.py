"""Check a list of properties: one exploration per distinct scope the properties speak about.

A property may adjust the user's scope (the availability floor *with faults off* turns faults
off). Properties whose adjusted scopes are equal share one exploration; results come back in
the order the properties were given.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from kubecheck.checker import explicit, liveness
from kubecheck.checker.report import Result
from kubecheck.model.kernel.commands import Model


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
    results: list[Result | None] = [None] * len(properties)
    for adjusted, ids in groups.items():
        safety = [i for i in ids if not properties[i].is_liveness]
        live = [i for i in ids if properties[i].is_liveness]
        if safety:
            for i, result in zip(safety, explicit.check(model, adjusted, [properties[i] for i in safety], budget, progress)):
                results[i] = result
        if live:
            for i, result in zip(live, liveness.check(model, adjusted, [properties[i] for i in live], budget, progress)):
                results[i] = result
    return [r for r in results if r is not None]
