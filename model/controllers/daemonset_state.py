"""The DaemonSet model's state: one DaemonSet, its pods per node slot, the nodes.

Pods belong to nodes: pod slot ``k`` lives on node ``scope.home(k)`` (``slots_per_node`` slots
per node, room for a surge pod). The pod and node fields are the cluster layer's
(:mod:`kubecheck.model.controllers.cluster`). The commands are in
:mod:`kubecheck.model.controllers.daemonset`, which also builds the initial state; the sync plan
reads it in :mod:`~kubecheck.model.controllers.daemonset_sync`.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers.daemonset_scope import DaemonSetScope
from kubecheck.model.kernel.schema import int_field, tuple_field


def _k(sc: DaemonSetScope) -> int:
    return sc.pod_slots


def _rev_hi(sc: DaemonSetScope) -> int:
    return sc.templates - 1


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
