"""What behaviour each property constrains: its trigger, for vacuity (one table, keyed by name).

A property that holds only because the behaviour it constrains never happened — no scale-down
in the run, so a scale-down ordering held trivially — is reported "HOLDS (vacuous: …)" and
counts in the exit code under ``--strict`` (:class:`kubecheck.model.kernel.property.Trigger`,
:mod:`kubecheck.checker.explicit.bfs`). This table gives the trigger of the properties whose
antecedent is clear: for a ``step`` property, the transitions its implication speaks about (the
left side, written as in the property); for an ``always`` property, the states where its left side
holds, or the commands whose firing it is about (a ``rollout undo``, a force delete). Properties
not named here have no trigger: their rows say nothing about vacuity.

The antecedents read the same upstream behaviour as the properties they annotate
(properties/deployment.py, properties/statefulset.py, properties/daemonset.py name the upstream
files: sync.go's paused path, stateful_set_control.go:processCondemned, history truncation in
stateful_set_control.go:truncateHistory, the claim retention of stateful_set_utils.go,
daemon_controller.go:podsShouldBeOnNode for daemon pod creation).
:func:`with_triggers` puts them on a table's rows (``properties/catalog.py``).
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.controllers.daemonset_state import DaemonSetState
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import Property, Trigger
from kubecheck.properties import hpa as hpa_properties
from kubecheck.properties.deployment import _new_value
from kubecheck.properties.statefulset import _created

# -- Deployment -----------------------------------------------------------------------------


def paused_step(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """A step taken from a paused Deployment."""
    return s.paused


def paused_new_replicaset_grows(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """The Deployment stays paused and its current template's ReplicaSet grows (the property's left side)."""
    grown = _new_value(ops, sc, s, t.rs_replicas) > _new_value(ops, sc, s, s.rs_replicas)
    return ops.and_(s.paused, t.paused, grown)


def pod_terminating_during_drain(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """A drain (or upgrade) has started and a pod is Terminating: with only evictions disrupting, an
    eviction was approved (a 429 deletes nothing)."""
    started = ops.or_(s.drain_state != 0, s.upgrade_node > 0)
    return ops.and_(started, ops.sum_(s.terminating) > 0)


def eviction_after_budget_edit(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """A step of the drain that makes a pod Terminating (with only evictions disrupting: an approved
    eviction) once the user's budget edit is applied."""
    started = ops.or_(s.drain_state != 0, s.upgrade_node > 0)
    return ops.and_(s.pdb_edited == 1, started, ops.sum_(t.terminating) > ops.sum_(s.terminating))


# -- StatefulSet ----------------------------------------------------------------------------


def pod_created(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """Some ordinal's pod is created (NONE -> UNSCHEDULED)."""
    return ops.or_(*[_created(ops, s, t, i) for i in range(len(s.pod_phase))])


def condemned_pod_deleted(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """A live pod at an ordinal >= spec.replicas starts terminating or disappears (a scale-down deletes it)."""
    return ops.or_(
        *[
            ops.and_(
                s.pod_phase[j] != cl.NONE,
                ops.not_(s.pod_terminating[j]),
                ops.or_(t.pod_terminating[j], t.pod_phase[j] == cl.NONE),
                j >= s.replicas,
            )
            for j in range(len(s.pod_phase))
        ]
    )


def claim_deleted(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """Some ordinal's claim disappears."""
    return ops.or_(*[ops.and_(s.pvc[i], ops.not_(t.pvc[i])) for i in range(len(s.pvc))])


def claim_deleted_while_set_exists(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """Some ordinal's claim disappears while the StatefulSet is not being deleted."""
    return ops.and_(ops.not_(s.set_deleted), claim_deleted(ops, sc, s, t))


def revision_deleted(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, t: StatefulSetState) -> Value:
    """Some ControllerRevision is deleted (history truncation)."""
    return ops.or_(*[ops.and_(s.rev_number[r] > 0, t.rev_number[r] == 0) for r in range(len(s.rev_number))])


def pod_runs_away_from_claim_home(ops: Ops, sc: StatefulSetScope, s: StatefulSetState) -> Value:
    """A running pod is on another node than where its claim was first attached (the property's left side)."""
    if not sc.claims:
        return False
    return ops.or_(
        *[
            ops.and_(cl.containers_running(ops, s, i), s.claim_home[i] != s.pod_node[i] + 1)
            for i in range(len(s.pod_phase))
        ]
    )


# -- DaemonSet ------------------------------------------------------------------------------


def daemon_pod_created(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, t: DaemonSetState) -> Value:
    """Some pod slot goes from no pod to a pod (the controller creates a daemon pod)."""
    return ops.or_(*[ops.and_(s.pod_phase[k] == cl.NONE, t.pod_phase[k] != cl.NONE) for k in range(sc.pod_slots)])


def daemon_pod_lost_healthy(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, t: DaemonSetState) -> Value:
    """Some Ready, not terminating daemon pod stops being one (an eviction, or its machine replaced)."""

    def healthy(x: DaemonSetState, k: int) -> Value:
        return ops.and_(x.pod_phase[k] >= cl.READY, ops.not_(x.pod_terminating[k]))

    return ops.or_(*[ops.and_(healthy(s, k), ops.not_(healthy(t, k))) for k in range(sc.pod_slots)])


TRIGGERS: Mapping[str, Trigger] = {
    "deployment.rollback_restores_template": Trigger(what="a `rollout undo`", commands=("user.rollout_undo",)),
    "deployment.paused_creates_no_replicaset": Trigger(what="a step of a paused Deployment", when=paused_step),
    "deployment.paused_keeps_new_replicaset": Trigger(
        what="a paused Deployment's new ReplicaSet growing", when=paused_new_replicaset_grows
    ),
    # issue 16: the DaemonSet's floor rows speak about a healthy pod lost (properties/daemonset_disruption.py)
    "daemonset.budget_floor_holds_under_evictions": Trigger(
        what="a healthy daemon pod lost", when=daemon_pod_lost_healthy
    ),
    "daemonset.upgrade_keeps_floor": Trigger(what="a healthy daemon pod lost", when=daemon_pod_lost_healthy),
    # issue 16: the floor speaks about approved evictions (properties/disruption.py)
    "deployment.budget_floor_holds_under_evictions": Trigger(
        what="an approved eviction", when=pod_terminating_during_drain, commands=("kubectl.evict_pod",)
    ),
    "deployment.budget_floor_under_evictions_and_rollout": Trigger(
        what="an approved eviction", when=pod_terminating_during_drain, commands=("kubectl.evict_pod",)
    ),
    "deployment.upgrade_keeps_floor": Trigger(
        what="an approved eviction", when=pod_terminating_during_drain, commands=("kubectl.evict_pod",)
    ),
    "deployment.eviction_respects_edited_budget": Trigger(
        what="an approved eviction after the budget's edit", when=eviction_after_budget_edit
    ),
    "deployment.shared_budget_keeps_own_floor": Trigger(
        what="an approved eviction", when=pod_terminating_during_drain, commands=("kubectl.evict_pod",)
    ),
    "statefulset.pods_created_in_ordinal_order": Trigger(what="a pod creation", when=pod_created),
    "statefulset.pods_created_in_ordinal_order_under_parallel": Trigger(what="a pod creation", when=pod_created),
    "statefulset.pods_removed_in_reverse_order": Trigger(
        what="a scale-down deleting a condemned pod", when=condemned_pod_deleted
    ),
    "statefulset.claims_follow_retention_policy": Trigger(what="a claim deletion", when=claim_deleted),
    "statefulset.in_range_claims_kept": Trigger(
        what="a claim deletion while the set exists", when=claim_deleted_while_set_exists
    ),
    "statefulset.history_truncated_oldest_first": Trigger(what="a ControllerRevision deletion", when=revision_deleted),
    "statefulset.identity_stable_across_rescheduling": Trigger(
        what="a pod running away from its claim's first node", when=pod_runs_away_from_claim_home
    ),
    "statefulset.partition_respected": Trigger(what="a template edit", commands=("user.edit_template",)),
    "statefulset.at_most_one_running_instance_with_force_delete": Trigger(
        what="a force delete", commands=("fault.force_delete_pod",)
    ),
    "statefulset.at_most_one_running_instance_with_node_delete": Trigger(
        what="a Node deletion", commands=("fault.delete_node",)
    ),
    "daemonset.pods_created_only_where_they_should_run": Trigger(what="a daemon pod creation", when=daemon_pod_created),
}

# -- HorizontalPodAutoscaler (issue 16): the autoscaler's writes of spec.replicas (properties/hpa.py) --
TRIGGERS = {**TRIGGERS, **hpa_properties.TRIGGERS}


def with_triggers(table: tuple[Property, ...]) -> tuple[Property, ...]:
    """``table`` with each row named in :data:`TRIGGERS` given its trigger (other rows unchanged)."""
    return tuple(attrs.evolve(p, trigger=TRIGGERS[p.name]) if p.name in TRIGGERS else p for p in table)
