"""The DaemonSet model's state: one DaemonSet, its pods per node slot, the nodes.

Pods belong to nodes: pod slot ``k`` lives on node ``scope.home(k)`` (``slots_per_node`` slots
per node, room for a surge pod). The pod and node fields are the cluster layer's
(:mod:`kubecheck.model.controllers.cluster`). The commands are in
:mod:`kubecheck.model.controllers.daemonset`, which also builds the initial state; the sync plan
reads it in :mod:`~kubecheck.model.controllers.daemonset_sync`.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.kernel.schema import bool_field, int_field, tuple_field


def _k(sc: DaemonSetScope) -> int:
    return sc.pod_slots


def _rev_hi(sc: DaemonSetScope) -> int:
    return sc.templates - 1


def _budget(sc: DaemonSetScope) -> int:
    """The budget's status counts range over the pod slots; 0 (constant) without a budget."""
    return sc.budget_cap if sc.has_budget else 0


def _cordonable(sc: DaemonSetScope) -> int:
    return sc.nodes if sc.has_drain else 0


def _drain_states(sc: DaemonSetScope) -> int:
    # daemonset_disruption: not running, listing, drained, failed, and the upgrade's node replaced
    return (4 if sc.is_upgrade else 3) if sc.has_drain else 0


def _upgrade_nodes(sc: DaemonSetScope) -> int:
    return sc.nodes if sc.is_upgrade else 0


def _client_evictions(sc: DaemonSetScope) -> int:
    return 1 if sc.has_client else 0


def _default(value: object, field: Any) -> Any:
    """``field`` with a default value (the issue 16 fields are constant when off)."""
    return attrs.field(default=value, metadata=field.metadata)


@attrs.frozen
class DaemonSetState:
    """One DaemonSet, its pods per node slot, the nodes, and what the user may still do."""

    template: int = int_field(0, _rev_hi, doc="the spec's pod template = the update revision")
    joins_left: int = int_field(0, lambda sc: sc.joins, doc="node joins left")
    leaves_left: int = int_field(0, lambda sc: sc.leaves, doc="node removals left")
    relabels_left: int = int_field(0, lambda sc: sc.relabels, doc="node label/taint changes left")
    pod_deletes_left: int = int_field(0, lambda sc: sc.pod_deletes, doc="kubectl delete pod commands left")
    faults_left: int = cl.faults_left_field()
    node_class: tuple = tuple_field(
        int_field(du.ELIGIBLE, du.INELIGIBLE),
        length=lambda sc: sc.nodes,
        doc="eligibility class: eligible / no-schedule / ineligible",
    )
    node_state: tuple = cl.node_state_field()
    node_exists: tuple = cl.node_exists_field()
    node_oos: tuple = cl.node_oos_field()
    failure_state: int = fm.failure_state_field()
    pod_phase: tuple = cl.pod_phase_field(_k)
    pod_terminating: tuple = cl.pod_terminating_field(_k)
    pod_node: tuple = cl.pod_node_field(_k)
    pod_ghost: tuple = cl.pod_ghost_field(_k)
    pod_rev: tuple = tuple_field(int_field(0, _rev_hi), length=_k, doc="controller-revision-hash label (0 when absent)")
    # Issue 16 (kubecheck.model.controllers.daemonset_disruption): a PodDisruptionBudget's status, an eviction
    # client, kubectl drain and a node-pool upgrade; constant (0, ()) when off, so every other scope keeps its states.
    pdb_allowed: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.disruptionsAllowed"))
    pdb_current_healthy: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.currentHealthy"))
    pdb_desired_healthy: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.desiredHealthy"))
    pdb_expected: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.expectedPods"))
    client_evictions_left: int = _default(
        0, int_field(0, _client_evictions, doc="evictions the eviction client still wants (scenario evict)")
    )
    node_cordoned: tuple = _default((), tuple_field(bool_field(), length=_cordonable, doc="Node spec.unschedulable"))
    drain_state: int = _default(
        0, int_field(0, _drain_states, doc="kubectl drain (0 not running, 1 listing, 2 drained, 3 failed, 4 replaced)")
    )
    upgrade_node: int = _default(0, int_field(0, _upgrade_nodes, doc="node-pool upgrade: nodes done"))
