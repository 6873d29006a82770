"""The StatefulSet model: pinned state counts, compiled vs reference semantics, upstream end states.

* State counts per preset are pinned in ``state_counts.py`` (one table for every model); here
  the presets are only checked to stay tractable.
* The compiled successor function equals the reference interpreter
  (:func:`kubecheck.model.kernel.commands.successors`) on every reachable state of ``tiny``, of
  a Parallel/OnDelete/set-deletion scope, and on a sample of a fault scope.
* Upstream end states (stateful_set_control_test.go, rolling updates with partition; scale
  down ordering) checked on the terminal states of the model.
"""

from __future__ import annotations

import attrs
import pytest
from state_counts import row

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers.statefulset_scope import PRESETS, StatefulSetScope
from kubecheck.model.kernel.commands import successors
from kubecheck.properties import statefulset as sp


def reachable(scope: StatefulSetScope, limit: int | None = None) -> list[tuple]:
    return compile_model(st.MODEL, scope).reachable(limit)


def test_tiny_and_small_are_tractable():
    assert row("statefulset", "tiny").states < 10_000 and row("statefulset", "small").states < 500_000


SCOPES = {
    "tiny": PRESETS["tiny"],
    "parallel-ondelete": attrs.evolve(
        PRESETS["tiny"],
        pod_management=su.PARALLEL,
        strategy=su.ON_DELETE,
        pod_deletes=1,
        set_deletion=True,
        when_deleted=su.DELETE,
    ),
    "gate-off-partition": attrs.evolve(PRESETS["small"], max_unavailable_gate=False, partition=1, reverts=1),
    "faults": attrs.evolve(PRESETS["tiny"], nodes=2, faults=frozenset(cl.FAULTS), fault_budget=2),
}
LIMITS = {"faults": 2000, "parallel-ondelete": 2000}


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_compiled_equals_reference(name):
    scope = SCOPES[name]
    compiled = compile_model(st.MODEL, scope)
    schema = compiled.schema
    states = reachable(scope, LIMITS.get(name))
    for flat in states[: LIMITS.get(name, len(states))]:
        got = [(compiled.actions[a].label, t) for a, t in compiled.successors(flat)]
        want = [(a.label, schema.flatten(t)) for a, t in successors(st.MODEL, scope, schema.unflatten(flat))]
        assert got == want
        assert not schema.out_of_domain(schema.unflatten(flat))


def _terminal_states(scope: StatefulSetScope) -> list:
    compiled = compile_model(st.MODEL, scope)
    return [compiled.schema.unflatten(f) for f in reachable(scope) if not compiled.successors(f)]


@pytest.mark.parametrize("partition,expected", [(0, (1, 1, 1)), (2, (0, 0, 1)), (3, (0, 0, 0)), (5, (0, 0, 0))])
def test_partition_end_states(partition, expected):
    """TestStatefulSetControlRollingUpdateWithPartition: below the partition stays current, the rest updates."""
    scope = StatefulSetScope(replicas=3, nodes=1, edits=1, scales=0, partition=partition, claims=False)
    ends = _terminal_states(scope)
    assert ends
    edited = [s for s in ends if s.template == 1]
    assert edited and all(s.pod_rev == expected for s in edited if s.current_rev == 0)


def test_ondelete_keeps_old_pods_until_deleted():
    """OnDelete: the controller never deletes for an update; a manually deleted pod comes back updated."""
    scope = StatefulSetScope(replicas=2, nodes=1, edits=1, scales=0, strategy=su.ON_DELETE, pod_deletes=1, claims=False)
    compiled = compile_model(st.MODEL, scope)
    idle = []
    for flat in reachable(scope):
        fired = {compiled.actions[a].actor for a, _ in compiled.successors(flat)}
        if "statefulset-controller" not in fired:
            idle.append(compiled.schema.unflatten(flat))
    old = [s for s in idle if s.template == 1 and s.pod_deletes_left == 1 and s.pod_phase == (cl.AVAILABLE,) * 2]
    assert any(s.pod_rev == (0, 0) for s in old)  # edited after the rollout: the controller replaces nothing
    ends = _terminal_states(scope)
    assert {s.pod_rev for s in ends if s.template == 1} >= {(1, 0), (0, 1)}  # the deleted one came back updated


def test_scale_down_is_reverse_ordinal():
    """OrderedReady scale 3 -> 1: web-2 goes before web-1 (TestStatefulSetControlScaleDown* tables)."""
    scope = StatefulSetScope(replicas=3, nodes=1, edits=0, scale_to=(1,), scales=1, claims=False)
    [r] = explicit.explore(st.MODEL, attrs.evolve(scope), [sp.PROPERTIES[6]])
    assert r.property.name == "statefulset.pods_removed_in_reverse_order" and r.verdict.value == "HOLDS"


def test_revert_reuses_revision():
    """A template revert makes pods at the old revision 'updated' again: no pod is deleted for it."""
    scope = StatefulSetScope(replicas=1, nodes=1, edits=1, reverts=1, scales=0, claims=False)
    ends = _terminal_states(scope)
    assert any(s.template == 0 and s.templates_used == 2 and s.pod_rev == (0,) and s.current_rev == 0 for s in ends)


def test_naming():
    scope = attrs.evolve(PRESETS["tiny"], ordinals_start=5)
    assert st.MODEL.naming.pod(scope, 1) == "web-6"
    assert st.MODEL.naming.claim(scope, 0) == "data-web-5"
    assert st.MODEL.naming.node(scope, 1) == "node-b"
