"""Random walks of the StatefulSet model at scopes exhaustive search cannot cover.

The machines come from :func:`machines.machine_for`: one rule per command of the model's table
(bindings drawn among those whose guard holds under the reference semantics), the
``always``/``step``/``terminal`` properties checked after every step, every slot checked
against its declared domain, and the compiled successor function certified against the
reference one in every state visited.

The scope: 4 replicas scaled to 2 and 6 (six ordinals), three nodes, two template edits and a
revert, RollingUpdate with maxUnavailable 2, minReadySeconds > 0, whenScaled=Delete, a manual
``kubectl delete pod`` and the deletion of the set. Exhaustive search stops at two or three
ordinals on two nodes; these walks check that what holds there holds here.

Invariants are the safety properties that HOLD at every preset (tests/properties pins them),
each on the scope its adjustment gives — so a property that needs faults off (the ordering
ones) or a fault on (at most one running instance: partitions; stable identity: evictions) is
walked with exactly that, and the properties split into one machine per distinct scope.
``finished_or_deleted`` is checked wherever a walk ends with nothing enabled.

And the harness can fail: a machine with ``at_most_one_running_instance_with_force_delete``
(VIOLATED at every preset) must find the split brain, and its failure message is a trace that
replays.
"""

from __future__ import annotations

import ast
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import invariant, run_state_machine_as_test
from machines import machine_for, machines_for, python_name

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers.statefulset import MODEL, PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog

LARGE = with_settings(
    PRESETS["small"],
    {
        "replicas": "4",
        "scale-to": "2,6",
        "scales": "2",
        "nodes": "3",
        "edits": "2",
        "reverts": "1",
        "max-unavailable": "2",
        "min-ready-seconds": "10",
        "when-scaled": "Delete",
        "pod-deletes": "1",
        "set-deletion": "true",
    },
)

HOLDING = catalog.properties(
    "statefulset",
    [
        "at_most_one_pod_object_per_identity",
        "at_most_one_running_instance",
        "pods_created_in_ordinal_order",
        "pods_removed_in_reverse_order",
        "pod_mounts_own_claim",
        "identity_stable_across_rescheduling",
        "partition_respected",
        "claims_follow_retention_policy",
        "rwo_volume_attached_to_one_node",
        "rwop_claim_used_by_one_pod",
    ],
)
TERMINAL = catalog.properties("statefulset", ["finished_or_deleted"])
SPLIT_BRAIN = catalog.properties("statefulset", ["at_most_one_running_instance_with_force_delete"])


MACHINES = machines_for(MODEL, LARGE, HOLDING, TERMINAL, prefix="StatefulSet")
GROUPS = {"+".join(p.short for p in m.checked[:-1]): sc for sc, m in MACHINES.items()}


def walk_settings(**overrides: Any) -> settings:
    profile = settings.default
    base = dict(
        max_examples=max(8, profile.max_examples // 2),
        stateful_step_count=2 * profile.stateful_step_count,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    base.update(overrides)
    return settings(profile, **base)


def test_the_scope_is_beyond_exhaustive_search() -> None:
    assert (LARGE.ordinals, LARGE.nodes, LARGE.templates) == (6, 3, 3)
    assert LARGE.ordinals > max(p.ordinals for p in PRESETS.values())


def test_the_invariants_split_into_one_machine_per_adjusted_scope() -> None:
    assert sorted(GROUPS) == sorted(
        [
            "at_most_one_pod_object_per_identity+pods_created_in_ordinal_order+pod_mounts_own_claim"
            "+claims_follow_retention_policy",
            "at_most_one_running_instance",
            "pods_removed_in_reverse_order",
            "identity_stable_across_rescheduling+rwo_volume_attached_to_one_node",
            "partition_respected",
            "rwop_claim_used_by_one_pod",
        ]
    )
    assert GROUPS["at_most_one_running_instance"].faults == frozenset({"partition"})
    assert (
        GROUPS["pods_removed_in_reverse_order"].faults == frozenset()
        and not GROUPS["pods_removed_in_reverse_order"].set_deletion
    )


def test_the_machine_has_one_rule_per_command_in_scope() -> None:
    machine = MACHINES[LARGE]
    expected = {python_name(c.name) for c in MODEL.commands if c.bindings(LARGE)}
    assert {
        "user__scale",
        "user__revert_template",
        "garbage_collector__delete_claim",
        "scheduler__bind_pod",
    } <= expected
    assert "fault__force_delete_pod" not in expected
    rules = {name for name, value in vars(machine).items() if callable(value) and not isinstance(value, type)}
    assert rules == expected


@pytest.mark.parametrize("group", sorted(GROUPS), ids=[g.split("+")[0] for g in sorted(GROUPS)])
def test_invariants_hold_on_random_walks_of_a_large_scope(group: str) -> None:
    run_state_machine_as_test(MACHINES[GROUPS[group]], settings=walk_settings())


def test_the_walks_reach_deep_states() -> None:
    """Walks get past the first pods: every replica exists at once, and a pod of an edited revision runs."""
    seen: list[tuple[int, int]] = []

    class Probe(MACHINES[LARGE]):  # type: ignore[misc, valid-type]
        @invariant()
        def record(self) -> None:
            s = self.state
            pods = sum(p != cl.NONE for p in s.pod_phase)
            updated = sum(p >= cl.RUNNING and r > 0 for p, r in zip(s.pod_phase, s.pod_rev))
            seen.append((pods, updated))

    run_state_machine_as_test(
        Probe, settings=walk_settings(max_examples=30, stateful_step_count=120, derandomize=True, database=None)
    )
    assert max(p for p, _ in seen) >= LARGE.replicas
    assert max(u for _, u in seen) >= 1


def test_the_machine_finds_the_split_brain_of_a_force_delete() -> None:
    """The harness can fail: a force deletion gives web-0 a second running instance.

    The smallest scope that shows it (one pod, one node, force deletion the only fault) keeps
    the walk short: force-delete the running web-0, and the recreated web-0 starts before the
    kubelet kills the orphaned containers.
    """
    scope = attrs.evolve(
        PRESETS["tiny"], replicas=1, edits=0, scales=0, scale_to=(), faults=frozenset({"force-delete"})
    )
    machine = machine_for(MODEL, scope, SPLIT_BRAIN, name="SplitBrainMachine")
    with pytest.raises(AssertionError, match=r"at_most_one_running_instance_with_force_delete violated") as failure:
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
    assert "still running on node-a" in message
    # the labels in the message are a kubecheck trace: it replays and shows the violation
    labels = ast.literal_eval(message[message.rindex(": [") + 2 :])
    assert "fault.force_delete_pod(pod=0)" in labels
    trace = replay(MODEL, scope, labels)
    assert cl.running_instances(CONCRETE, trace.last, 0) == 2
