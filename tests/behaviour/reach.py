"""Reachable states of a model, walked with the model's own commands (the reference interpreter).

The behaviour tests look for a state where some action is enabled, take the action, and read
what changed. Nothing here re-implements a controller: states and steps come from
:func:`kubecheck.model.kernel.commands.successors`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from kubecheck.model.kernel.commands import Action, Model, successors
from kubecheck.model.kernel.scopes import Scope


def steps(model: Model, scope: Scope, limit: int = 20_000) -> Iterator[tuple[Any, Action, Any]]:
    """(state, action, successor) for every transition of the first ``limit`` states, breadth first."""
    init = model.init(scope)
    seen = {init}
    queue = deque([init])
    while queue and len(seen) <= limit:
        state = queue.popleft()
        for action, nxt in successors(model, scope, state):
            yield state, action, nxt
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)


def first_step(
    model: Model, scope: Scope, name: str, when: Callable[[Any], bool] = lambda s: True, limit: int = 20_000
) -> tuple[Any, Any]:
    """The first reachable (state, successor) of a command called ``name`` from a state with ``when``
    (among the transitions of the first ``limit`` states)."""
    for state, action, nxt in steps(model, scope, limit):
        if action.command.name == name and when(state):
            return state, nxt
    raise AssertionError(f"{name} is never enabled in the first {limit} reachable states")
