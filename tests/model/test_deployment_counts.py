"""Pinned state-space sizes of the Deployment model (STYLE.md rule 10; TLC and stateright pin theirs).

Each row is (distinct states, transitions, BFS depth) of an exhaustive explicit search. The
numbers were computed once and written down. **If one changes, the model's semantics changed**:
a command now fires where it did not (or no longer fires), an effect writes something else, a
field was added or a domain widened, or a preset changed. That can be right — but it must be
deliberate: find the cause, say it in the commit message, and update the row. Never update a
number only to make this test pass.

Counter states are canonical (pods of one ReplicaSet in one phase are counted, not named), so
these counts are already the symmetry-reduced ones.

The ``medium`` preset (1.38 million states) explores in about 20 s on one core, so it is
pinned too.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.schema import Schema
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

#: The acceptance scope of the README: `--set replicas=3 --set max-surge=1 --set max-unavailable=0`.
ACCEPTANCE = {"replicas": "3", "max-surge": "1", "max-unavailable": "0"}

# (preset, settings) -> (states, transitions, depth)
PINNED: dict[str, tuple[str, dict[str, str], tuple[int, int, int]]] = {
    "tiny": ("tiny", {}, (75, 147, 21)),
    "small": ("small", {}, (87_941, 406_767, 51)),
    "small+acceptance": ("small", ACCEPTANCE, (9_731, 37_696, 62)),
    "small+recreate": ("small", {"strategy": "Recreate"}, (874, 2_482, 27)),
    # the scopes properties adjust tiny to: crashes on (availability_floor_with_crashes),
    # an edit and an undo (rollback_restores_template, rollback_can_happen)
    "tiny+crash": ("tiny", {"faults": "crash"}, (508, 1_486, 24)),
    "tiny+rollback": ("tiny", {"rollbacks": "1"}, (1_940, 6_417, 37)),
    "medium": ("medium", {}, (1_377_412, 7_610_277, 72)),
}


def scope_of(row: str) -> Any:
    preset, settings, _ = PINNED[row]
    return with_settings(PRESETS[preset], settings)


def explore(scope: Any) -> tuple[int, int, int]:
    terminal = catalog.properties("deployment", ["no_stuck_rollout"])
    [result] = explicit.check(MODEL, scope, terminal)
    assert result.stats.complete
    return result.stats.states, result.stats.transitions, result.stats.depth


@pytest.mark.parametrize("row", list(PINNED))
def test_pinned_state_counts(row: str) -> None:
    assert explore(scope_of(row)) == PINNED[row][2], (
        f"the {row} state space changed: a semantics change must be deliberate (see this module's docstring)"
    )


def test_counts_do_not_depend_on_the_properties_checked() -> None:
    scope = scope_of("tiny")
    everything = [p for p in catalog.properties("deployment") if not p.is_liveness]
    results = explicit.check(MODEL, scope, everything)
    assert {(r.stats.states, r.stats.transitions) for r in results} == {PINNED["tiny"][2][:2]}


def reference_bfs(scope: Any) -> tuple[int, int, int]:
    """The same counts from the reference interpreter alone (no compiled code)."""
    schema = Schema(MODEL.state_cls, scope)
    init = schema.flatten(MODEL.init(scope))
    depth_of = {init: 0}
    queue = deque([init])
    transitions = 0
    while queue:
        flat = queue.popleft()
        for _, nxt in successors(MODEL, scope, schema.unflatten(flat)):
            transitions += 1
            key = schema.flatten(nxt)
            if key not in depth_of:
                depth_of[key] = depth_of[flat] + 1
                queue.append(key)
    return len(depth_of), transitions, max(depth_of.values())


@pytest.mark.parametrize("row", ["tiny", "small+recreate", "tiny+crash"])
def test_reference_interpreter_gives_the_pinned_counts(row: str) -> None:
    assert reference_bfs(scope_of(row)) == PINNED[row][2]
