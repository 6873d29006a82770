"""Random walks of the DaemonSet model at scopes exhaustive search cannot cover.

The machines come from :func:`machines.machines_for` (one rule per command of the model's
table; bindings drawn among those whose guard holds under the reference semantics), with the
``always``/``step``/``terminal`` properties of the DaemonSet table checked after every step,
every slot checked against its declared domain, and the compiled successor function certified
against the reference one in every state visited. One more invariant is the model's own: every
create the controller decides finds a free pod slot on its node (the slot layout is wide enough,
so a third pod object would show up as a property violation, not vanish).

The scopes: four nodes, one of them tainted NoSchedule from the start and one joining later;
``churn`` rolls two template edits out with maxUnavailable 50% while nodes leave and are
relabelled twice, pods are deleted, and every fault may happen twice; ``surge`` rolls out with
maxSurge 50% while a node joins, one is relabelled, pods crash and nodes fail or partition.
Exhaustive search stops at three nodes and one edit; these walks check that what holds there
holds here.

Invariants are the properties that HOLD at every preset (tests/properties pins them), each on
the scope its adjustment gives: ``at_most_one_pod_per_node`` and
``pods_created_only_where_they_should_run`` on churn, ``at_most_two_pods_per_node_while_surging``
on surge (with evictions, pod deletions or a second edit a node can hold three pod objects: the
``_with_evictions`` property shows it), ``availability_floor`` on the steady scope its adjustment
gives. ``finished_or_stuck`` is checked where a walk ends, on scopes whose node classes stay
put (a relabel can strand a Pending pod: tests/properties shows it).

And the harness can fail: a machine with ``at_most_two_pods_per_node_while_surging_with_evictions``
(VIOLATED at every preset) must find three pod objects on one node, and its failure message
is a trace that replays.

Sizes follow the hypothesis profile (tests/conftest.py): walks twice its ``stateful_step_count``
long (a rollout over four nodes takes some forty steps), and a quarter of its examples (at least
eight): a step of these scopes costs about ten milliseconds — the reference semantics evaluates
every command binding, the compiled engine is certified against it — so the ``ci`` profile's
walks take a few minutes per scope.
"""

from __future__ import annotations

import ast
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import invariant, run_state_machine_as_test
from machines import ModelMachine, machine_for, machines_for, python_name

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset_sync as sync
from kubecheck.model.controllers.daemonset import MODEL, PRESETS, node_slots, pods_on
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog

FAULTS = "crash,evict,force-delete,partition,node-failure,node-delete"
CHURN = with_settings(
    PRESETS["small"],
    {
        "nodes": "4",
        "node-classes": "eligible,eligible,no-schedule,eligible",
        "joins": "1",
        "leaves": "1",
        "relabels": "2",
        "edits": "2",
        "pod-deletes": "1",
        "max-unavailable": "50%",
        "faults": FAULTS,
        "fault-budget": "2",
    },
)
SURGE = with_settings(
    PRESETS["small"],
    {
        "nodes": "4",
        "node-classes": "eligible,eligible,no-schedule,eligible",
        "joins": "1",
        "relabels": "1",
        "max-unavailable": "0",
        "max-surge": "50%",
        "faults": "crash,partition,node-failure",
        "fault-budget": "2",
    },
)
FIXED_CLASSES = attrs.evolve(CHURN, relabels=0)

TERMINAL = catalog.properties("daemonset", ["finished_or_stuck"])
WALKS = {  # name: (scope given, properties; the machine's scope is the one their adjustments give)
    "churn": (
        CHURN,
        catalog.properties("daemonset", ["at_most_one_pod_per_node", "pods_created_only_where_they_should_run"]),
    ),
    "surge": (
        SURGE,
        catalog.properties(
            "daemonset", ["at_most_two_pods_per_node_while_surging", "pods_created_only_where_they_should_run"]
        ),
    ),
    "steady": (CHURN, catalog.properties("daemonset", ["availability_floor"])),
    "fixed-classes": (FIXED_CLASSES, catalog.properties("daemonset", ["at_most_one_pod_per_node"])),
}


class SlotsSuffice(ModelMachine):
    """The DaemonSet's own check: every create the controller decides finds a free slot on its node."""

    @invariant()
    def creates_find_a_free_slot(self) -> None:
        assert sync.Plan(CONCRETE, self.scope, self.state).creates_possible(), f"no free pod slot after {self.labels}"


def daemonset_machine(name: str) -> tuple[Any, type]:
    """The walk's scope and machine: one adjusted scope per walk, finished_or_stuck where classes stay put."""
    given, props = WALKS[name]
    terminal = TERMINAL if all(p.adjust(given).relabels == 0 for p in props) else ()
    [(scope, machine)] = machines_for(
        MODEL, given, props, terminal, prefix=f"DaemonSet{name.title().replace('-', '')}"
    ).items()
    return scope, type(machine.__name__, (machine, SlotsSuffice), {})


MACHINES = {name: daemonset_machine(name) for name in WALKS}


def walk_settings(**overrides: Any) -> settings:
    profile = settings.default
    base = dict(
        max_examples=max(8, profile.max_examples // 4),
        stateful_step_count=2 * profile.stateful_step_count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    base.update(overrides)
    return settings(profile, **base)


def test_the_scopes_are_beyond_exhaustive_search() -> None:
    assert CHURN.nodes > max(p.nodes for p in PRESETS.values()) and CHURN.templates == 3
    assert CHURN.slots_per_node == 2 and SURGE.slots_per_node == 2 and SURGE.surge
    assert CHURN.podgc_on and str(CHURN.max_unavailable) == "50%"


def test_each_walk_is_one_machine_on_the_expected_scope() -> None:
    scopes = {name: scope for name, (scope, _) in MACHINES.items()}
    assert scopes["churn"] == CHURN and scopes["surge"] == SURGE and scopes["fixed-classes"] == FIXED_CLASSES
    steady = scopes["steady"]
    assert (steady.faults, steady.joins, steady.leaves, steady.relabels, steady.pod_deletes) == (
        frozenset(),
        0,
        0,
        0,
        0,
    )
    checked = {name: [p.short for p in machine.checked] for name, (_, machine) in MACHINES.items()}
    assert checked == {
        "churn": ["at_most_one_pod_per_node", "pods_created_only_where_they_should_run"],
        "surge": ["at_most_two_pods_per_node_while_surging", "pods_created_only_where_they_should_run"],
        "steady": ["availability_floor", "finished_or_stuck"],
        "fixed-classes": ["at_most_one_pod_per_node", "finished_or_stuck"],
    }


def test_the_machine_has_one_rule_per_command_in_scope() -> None:
    _, machine = MACHINES["churn"]
    expected = {python_name(c.name) for c in MODEL.commands if c.bindings(CHURN)}
    assert {
        "daemonset_controller__rolling_update",
        "cluster__add_node",
        "user__remove_node",
        "user__relabel_node",
        "pod_gc__delete_orphaned_pod",
        "fault__force_delete_pod",
        "kubelet__kill_orphan",
    } <= expected
    assert "node_lifecycle__evict_pod" not in expected  # daemon pods tolerate the unreachable taint for ever
    rules = {
        name for name, value in vars(machine.__mro__[1]).items() if callable(value) and not isinstance(value, type)
    }
    assert rules == expected


@pytest.mark.parametrize("walk", sorted(WALKS))
def test_invariants_hold_on_random_walks_of_a_large_scope(walk: str) -> None:
    run_state_machine_as_test(MACHINES[walk][1], settings=walk_settings())


def test_the_walks_reach_deep_states() -> None:
    """Walks get past the first steps: a node runs an old and a new pod side by side (surge), and a
    rollout reaches every eligible node (the fixed seed makes this a pinned fact)."""
    seen: list[tuple[int, int]] = []
    scope, machine = MACHINES["surge"]

    class Probe(machine):  # type: ignore[misc, valid-type]
        @invariant()
        def record(self) -> None:
            s = self.state
            crowded = max(pods_on(CONCRETE, scope, s, n) for n in range(scope.nodes))
            updated = sum(
                any(s.pod_phase[k] == cl.AVAILABLE and s.pod_rev[k] == 1 for k in node_slots(scope, n))
                for n in range(scope.nodes)
            )
            seen.append((crowded, updated))

    run_state_machine_as_test(
        Probe, settings=walk_settings(max_examples=10, stateful_step_count=80, derandomize=True, database=None)
    )
    assert max(c for c, _ in seen) == 2
    assert max(u for _, u in seen) >= 2


def test_the_machine_finds_three_pod_objects_on_a_surging_node() -> None:
    """The harness can fail: evict the pod of a one-node DaemonSet, let manage create its replacement,
    edit the template, and the rolling update surges a third pod object onto the node."""
    [prop] = catalog.properties("daemonset", ["at_most_two_pods_per_node_while_surging_with_evictions"])
    scope = prop.adjust(attrs.evolve(PRESETS["tiny"], nodes=1, relabels=0))
    machine = machine_for(MODEL, scope, [prop], name="ThreePodsMachine")
    with pytest.raises(
        AssertionError, match=r"at_most_two_pods_per_node_while_surging_with_evictions violated"
    ) as failure:
        run_state_machine_as_test(
            machine,
            settings=walk_settings(
                max_examples=200,
                stateful_step_count=30,
                derandomize=True,
                database=None,
                phases=[Phase.generate, Phase.shrink],
            ),
        )
    message = str(failure.value)
    assert "agent-node-a-3 Pending at agent-" in message
    labels = ast.literal_eval(message[message.rindex(": [") + 2 :])
    assert labels[0] == "fault.evict_pod(pod=0)" and labels[-1].startswith("daemonset-controller.rolling_update")
    assert pods_on(CONCRETE, scope, replay(MODEL, scope, labels).last, 0) == 3
