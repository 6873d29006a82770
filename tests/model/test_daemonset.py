"""The DaemonSet model: pinned state counts, compiled vs reference semantics, symbolic evaluation, upstream behaviour.

* State counts per preset are pinned in ``state_counts.py`` (one table for every model); here
  the presets are only checked to stay tractable.
* The compiled successor function equals the reference interpreter on every reachable state of
  ``tiny``, of an OnDelete scope, and on samples of a surge-with-faults and a node-churn scope.
* Every command guard/effect and every property predicate evaluates under Z3Ops.
* Every create the controller decides finds a free pod slot (the slot layout is wide enough).
* Upstream behaviour: OnDelete never replaces a pod by itself; surge keeps the old pod until
  the new one is available; without surge no replacement appears before the old pod is gone.
"""

from __future__ import annotations

import attrs
import pytest
import z3
from state_counts import row

from kubecheck.checker.explicit.compile import compile_model
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_sync as sync
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers.daemonset_scope import PRESETS, DaemonSetScope
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.properties import daemonset as dp


def reachable(scope: DaemonSetScope, limit: int | None = None) -> list[tuple]:
    return compile_model(ds.MODEL, scope).reachable(limit)


def test_tiny_and_small_are_tractable():
    assert row("daemonset", "tiny").states < 10_000 and row("daemonset", "small").states < 500_000


SURGE = attrs.evolve(PRESETS["small"], max_unavailable=IntOrPercent(0), max_surge=IntOrPercent(1))
SCOPES = {
    "tiny": PRESETS["tiny"],
    "ondelete": attrs.evolve(PRESETS["tiny"], strategy=du.ON_DELETE, pod_deletes=1),
    "surge-faults": attrs.evolve(SURGE, faults=frozenset(cl.FAULTS), fault_budget=2, leaves=1),
    "percent-churn": attrs.evolve(
        PRESETS["small"],
        max_unavailable=IntOrPercent(50, True),
        leaves=1,
        start="fresh",
        node_classes=(du.ELIGIBLE, du.NO_SCHEDULE, du.ELIGIBLE),
        edits=2,
    ),
    "percent-surge": attrs.evolve(SURGE, max_surge=IntOrPercent(30, True), relabels=2),
}
LIMITS = {"surge-faults": 3000, "percent-churn": 4000, "percent-surge": 4000}


@pytest.mark.parametrize("name", sorted(SCOPES))
def test_compiled_equals_reference(name):
    scope = SCOPES[name]
    compiled = compile_model(ds.MODEL, scope)
    schema = compiled.schema
    states = reachable(scope, LIMITS.get(name))
    for flat in states[: LIMITS.get(name, len(states))]:
        got = [(compiled.actions[a].label, t) for a, t in compiled.successors(flat)]
        state = schema.unflatten(flat)
        want = [(a.label, schema.flatten(t)) for a, t in successors(ds.MODEL, scope, state)]
        assert got == want
        assert not schema.out_of_domain(state)
        assert sync.Plan(CONCRETE, scope, state).creates_possible()


def _symbolic_state(scope, tag):
    schema = ds.MODEL.schema(scope)
    variables = tuple(
        z3.Bool(f"{slot.label}@{tag}") if slot.kind == "bool" else z3.Int(f"{slot.label}@{tag}")
        for slot in schema.slots
    )
    return schema, schema.state_cls(**schema.view_kwargs(variables))


@pytest.mark.parametrize("name", ["tiny", "surge-faults", "percent-surge"])
def test_every_command_and_property_is_symbolic(name):
    scope = SCOPES[name]
    schema, s = _symbolic_state(scope, "s")
    for action in ds.MODEL.actions(scope):
        g = action.guard(Z3, scope, s)
        assert isinstance(g, bool) or z3.is_bool(g), action.label
        for index, value in schema.changes_to_slots(action.effect(Z3, scope, s)):
            slot = schema.slots[index]
            if slot.kind == "bool":
                assert isinstance(value, bool) or z3.is_bool(value), (action.label, slot.label)
            else:
                assert (isinstance(value, int) and not isinstance(value, bool)) or z3.is_int(value), (
                    action.label,
                    slot.label,
                )
    for prop in dp.PROPERTIES:
        adjusted = prop.adjust(scope)
        _, ps = _symbolic_state(adjusted, "s")
        _, pt = _symbolic_state(adjusted, "t")
        preds = [prop.predicate] + ([prop.target] if prop.target else [])
        for pred in preds:
            value = pred(Z3, adjusted, ps, pt) if prop.kind == "step" else pred(Z3, adjusted, ps)
            assert isinstance(value, bool) or z3.is_bool(value), prop.name


def _states(scope):
    compiled = compile_model(ds.MODEL, scope)
    return compiled, [compiled.schema.unflatten(f) for f in reachable(scope)]


def test_ondelete_never_replaces_by_itself():
    """OnDelete: rollingUpdate is skipped; only a manually deleted pod comes back at the new revision."""
    _compiled, states = _states(SCOPES["ondelete"])
    for s in states:
        if s.pod_deletes_left == 1 and s.relabels_left == 1:
            assert all(not t for t in s.pod_terminating)  # nothing the controller deleted
    assert any(
        s.template == 1 and 1 in s.pod_rev and 0 in [r for r, p in zip(s.pod_rev, s.pod_phase) if p] for s in states
    )


def test_no_surge_waits_for_the_old_pod_to_go():
    """maxSurge 0: a node never has an old Terminating pod next to its replacement (k8s-semantics §8 item 28)."""
    _, states = _states(PRESETS["small"])
    for s in states:
        for n in range(3):
            assert ds.pods_on(CONCRETE, PRESETS["small"], s, n) <= 1


def test_surge_keeps_old_pod_until_new_available():
    """maxSurge 1: while a node surges, its old pod is Available until the new one is (TestDaemonSetSurge*)."""
    scope = attrs.evolve(SURGE, joins=0, relabels=0, nodes=2)
    _, states = _states(scope)
    both = [s for s in states if any(ds.pods_on(CONCRETE, scope, s, n) == 2 for n in range(2))]
    assert both
    for s in both:
        for n in range(2):
            slots = list(ds.node_slots(scope, n))
            live = [k for k in slots if s.pod_phase[k] and not s.pod_terminating[k]]
            if len(live) == 2:
                assert any(s.pod_phase[k] == cl.AVAILABLE and s.pod_rev[k] == 0 for k in live)


def test_naming():
    sc = PRESETS["small"]
    assert ds.MODEL.naming.pod(sc, 0) == "agent-node-a"
    assert ds.MODEL.naming.pod(sc, 3) == "agent-node-b-2"
    assert ds.MODEL.naming.node(sc, 2) == "node-c"
    revisions = [ds.MODEL.naming.revision(sc, t) for t in range(3)]
    assert len(set(revisions)) == 3 and all(r.startswith("agent-") and len(r) == len("agent-") + 10 for r in revisions)
    assert revisions == [ds.MODEL.naming.revision(sc, t) for t in range(3)]  # stable


def _command_names(commands) -> list[str]:
    return [c.name for c in commands]


def test_daemon_pods_tolerate_unreachable_for_ever():
    """AddOrUpdateDaemonPodTolerations: not-ready/unreachable NoExecute without tolerationSeconds:
    no taint eviction."""
    assert "node-lifecycle.evict_pod" not in _command_names(ds.MODEL.commands)
    assert "node-lifecycle.evict_pod" in _command_names(cl.cluster_commands(cl.PodTable(slots=lambda sc: range(1))))
    scope = attrs.evolve(PRESETS["tiny"], faults=frozenset({"partition"}))
    assert "fault.partition_node" in {a.name for a in ds.MODEL.actions(scope)}


@pytest.mark.parametrize(
    ("leaves", "faults", "on"),
    [
        (0, frozenset(), False),
        (1, frozenset(), True),
        (0, frozenset({"node-delete"}), True),
        (0, frozenset({"partition"}), False),
    ],
)
def test_podgc_runs_where_a_node_object_can_go(leaves, faults, on):
    scope = attrs.evolve(PRESETS["tiny"], leaves=leaves, faults=faults)
    assert scope.podgc_on is on
    assert ("pod-gc.delete_orphaned_pod" in {a.name for a in ds.MODEL.actions(scope)}) is on


def test_only_machines_reconnect():
    """node.reconnect brings back a partitioned or failed machine, never a node slot that has not
    joined or was removed."""
    from kubecheck.model.kernel.commands import apply, enabled, find_action

    scope = attrs.evolve(
        PRESETS["small"], faults=frozenset({"partition", "node-failure", "node-delete"}), fault_budget=2, leaves=1
    )
    s = ds.MODEL.init(scope)
    assert "node.reconnect(node=2)" not in [a.label for a in enabled(ds.MODEL, scope, s)]  # node-c has not joined
    actions = ds.MODEL.actions(scope)

    def after(state, *labels):
        for label in labels:
            state = apply(find_action(actions, label), scope, state)
            assert state is not None, label
        return state

    def can_reconnect(state, n):
        return f"node.reconnect(node={n})" in [a.label for a in enabled(ds.MODEL, scope, state)]

    assert can_reconnect(after(s, "fault.partition_node(node=0)"), 0)
    assert can_reconnect(after(s, "fault.fail_node(node=0)"), 0)
    assert can_reconnect(after(s, "fault.partition_node(node=0)", "fault.delete_node(node=0)"), 0)  # re-registers
    assert not can_reconnect(
        after(s, "fault.fail_node(node=0)", "fault.delete_node(node=0)"), 0
    )  # comes back as a join
    assert not can_reconnect(after(s, "user.remove_node(node=0)"), 0)  # decommissioned
