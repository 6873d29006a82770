"""Every pinned state count (``state_counts.ROWS``) is what exhaustive explicit search finds.

One parametrized test explores each row's scope with the explicit engine through the runner's
single entry point, deciding a property that holds everywhere, so the search runs to
exhaustion. Two more read the same table: the counts do not depend on the properties checked,
and the reference interpreter alone (no compiled code) finds the same counts on the
``reference`` rows.
"""

from __future__ import annotations

from collections import deque

import pytest
from state_counts import ROWS, Row

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.model.kernel.commands import Model, successors
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import Schema, State
from kubecheck.model.kernel.scopes import Scope, with_settings
from kubecheck.properties import catalog


def _everywhere(ops: object, sc: Scope, s: State) -> bool:
    return True


def scope_of(row: Row) -> Scope:
    return with_settings(catalog.model(row.model).presets[row.preset], row.settings)


def explore(row: Row, properties: list[Property] | None = None) -> tuple[int, int, int]:
    """(states, transitions, depth) of the explicit engine's exhaustive search of ``row``'s scope."""
    explored = Property(
        name=f"{row.model}.explored", kind="always", doc="holds everywhere", upstream="-", predicate=_everywhere
    )
    model = catalog.model(row.model)
    [result] = run.check(Task(model=model, scope=scope_of(row), properties=properties or [explored]))
    assert result.stats.complete
    return result.stats.states, result.stats.transitions, result.stats.depth


def _param(row: Row) -> object:
    return pytest.param(row, id=row.id, marks=[pytest.mark.slow] if row.slow else [])


@pytest.mark.parametrize("row", [_param(r) for r in ROWS])
def test_pinned_state_counts(row: Row) -> None:
    assert explore(row) == row.counts, (
        f"the {row.id} state space changed: a semantics change must be deliberate (see tests/model/state_counts.py)"
    )


def test_the_table_pins_each_scope_once() -> None:
    ids = [r.id for r in ROWS]
    assert len(ids) == len(set(ids))
    assert {r.model for r in ROWS} == set(catalog.MODELS)


def test_counts_do_not_depend_on_the_properties_checked() -> None:
    [row] = [r for r in ROWS if r.id == "deployment-tiny"]
    scope = scope_of(row)
    # the properties that speak about this scope (the others' searches are of other scopes, not compared here)
    everything = [p for p in catalog.properties("deployment") if not p.is_liveness and p.adjust(scope) == scope]
    results = run.check(Task(model=catalog.model("deployment"), scope=scope, properties=everything))
    assert {(r.stats.states, r.stats.transitions) for r in results if r.scope == scope} == {row.counts[:2]}


def reference_bfs(model: Model, scope: Scope) -> tuple[int, int, int]:
    """The counts from the reference interpreter alone (no compiled code)."""
    schema = Schema(model.state_cls, scope)
    init = schema.flatten(model.init(scope))
    depth_of = {init: 0}
    queue = deque([init])
    transitions = 0
    while queue:
        flat = queue.popleft()
        for _, nxt in successors(model, scope, schema.unflatten(flat)):
            transitions += 1
            key = schema.flatten(nxt)
            if key not in depth_of:
                depth_of[key] = depth_of[flat] + 1
                queue.append(key)
    return len(depth_of), transitions, max(depth_of.values())


@pytest.mark.parametrize("row", [_param(r) for r in ROWS if r.reference])
def test_reference_interpreter_gives_the_pinned_counts(row: Row) -> None:
    assert reference_bfs(catalog.model(row.model), scope_of(row)) == row.counts
