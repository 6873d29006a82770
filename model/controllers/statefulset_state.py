"""The StatefulSet model's state: one StatefulSet, its pods and claims per ordinal, the nodes.

Pods are not interchangeable, so every per-pod field is a tuple indexed by ordinal (slot ``i``
is ordinal ``ordinals_start + i``); the pod and node fields are the cluster layer's
(:mod:`kubecheck.model.controllers.cluster`), the attachments the volume layer's. The commands
are in :mod:`kubecheck.model.controllers.statefulset`, which also builds the initial state; the
sync plan reads it in :mod:`~kubecheck.model.controllers.statefulset_sync`.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.schema import bool_field, int_field, tuple_field


def _n(sc: StatefulSetScope) -> int:
    return sc.ordinals


def _rev_hi(sc: StatefulSetScope) -> int:
    return sc.templates - 1


def _owner_hi(sc: StatefulSetScope) -> int:
    return ow.PREVIOUS if sc.ownership else ow.OWNED


def _set_ref_hi(sc: StatefulSetScope) -> int:
    return ow.SET_REF_STALE if sc.ownership else ow.SET_REF_POLICY


def _budget(sc: StatefulSetScope) -> int:
    """The budget's status counts range over the set's pod objects; 0 (constant) without a budget."""
    return sc.budget_cap if sc.has_budget else 0


def _cordonable(sc: StatefulSetScope) -> int:
    return sc.nodes if sc.has_drain else 0


def _drain_states(sc: StatefulSetScope) -> int:
    # statefulset_disruption: not running, evicting, drained, failed, and the upgrade's node replaced
    return (4 if sc.is_upgrade else 3) if sc.has_drain else 0


def _upgrade_nodes(sc: StatefulSetScope) -> int:
    return sc.nodes if sc.is_upgrade else 0


def _default(value: object, field: Any) -> Any:
    """``field`` (an int/bool/tuple field) with a default value (the issue 16 fields are constant when off)."""
    return attrs.field(default=value, metadata=field.metadata)


@attrs.frozen
class StatefulSetState:
    """One StatefulSet, its pods and claims per ordinal, the nodes, and what the user may still do."""

    replicas: int = int_field(0, lambda sc: sc.max_replicas, doc="spec.replicas")
    template: int = int_field(0, _rev_hi, doc="the spec's pod template = the update revision")
    templates_used: int = int_field(1, lambda sc: sc.templates, doc="templates written so far")
    current_rev: int = int_field(0, _rev_hi, doc="status.currentRevision")
    status_written: bool = bool_field(doc="the controller has written status once (currentRevision is set)")
    set_deleted: bool = bool_field(doc="the StatefulSet has a deletionTimestamp")
    scales_left: int = int_field(0, lambda sc: sc.scales, doc="user scale commands left")
    reverts_left: int = int_field(0, lambda sc: sc.reverts, doc="template reverts left")
    undos_left: int = int_field(0, lambda sc: sc.undos, doc="kubectl rollout undo commands left")
    rev_number: tuple = tuple_field(
        int_field(0, lambda sc: sc.max_revision_number),
        length=lambda sc: sc.templates,
        doc="ControllerRevision.revision of template t's ControllerRevision (0: none; revision-history only)",
    )
    update_rev: int = int_field(0, _rev_hi, doc="status.updateRevision (revision-history only; 0 otherwise)")
    pod_deletes_left: int = int_field(0, lambda sc: sc.pod_deletes, doc="kubectl delete pod commands left")
    faults_left: int = cl.faults_left_field()
    pod_phase: tuple = cl.pod_phase_field(_n)
    pod_terminating: tuple = cl.pod_terminating_field(_n)
    pod_node: tuple = cl.pod_node_field(_n)
    pod_ghost: tuple = cl.pod_ghost_field(_n)
    pod_rev: tuple = tuple_field(int_field(0, _rev_hi), length=_n, doc="controller-revision-hash label (0 when absent)")
    pvc: tuple = tuple_field(bool_field(), length=_n, doc="claim data-<set>-<ordinal> exists (bound)")
    pvc_pod_ref: tuple = tuple_field(
        bool_field(), length=_n, doc="claim has an ownerRef to its pod (whenScaled=Delete)"
    )
    attached: tuple = vol.attached_field(_n)
    claim_home: tuple = vol.claim_home_field(_n)
    node_state: tuple = cl.node_state_field()
    node_exists: tuple = cl.node_exists_field()
    node_oos: tuple = cl.node_oos_field()
    failure_state: int = fm.failure_state_field()
    # -- owner references (orphan-deletes, foreign-pod; constant when both are off) --------------
    pod_owner: tuple = tuple_field(
        int_field(0, _owner_hi),
        length=_n,
        doc="the pod's controller ref: 0 this StatefulSet (or no pod), 1 none (an orphan), 2 another controller, "
        "3 a deleted incarnation of this StatefulSet",
    )
    set_orphaned: bool = bool_field(doc="the set was deleted with --cascade=orphan and is not re-created yet")
    orphan_deletes_left: int = int_field(
        0, lambda sc: sc.orphan_deletes, doc="kubectl delete sts --cascade=orphan commands left"
    )
    recreates_left: int = int_field(0, lambda sc: sc.recreates, doc="re-applications of a deleted set left")
    pvc_set_ref: tuple = tuple_field(
        int_field(0, _set_ref_hi),
        length=_n,
        doc="the claim's ref to the set: 0 as the retention policy gives it, 1 none (orphaned, not restored yet), "
        "2 a deleted incarnation's (stale)",
    )
    # Issue 16 (kubecheck.model.controllers.statefulset_disruption): a PodDisruptionBudget's status and kubectl
    # drain, only with pdb-min-available/pdb-max-unavailable and scenario=drain; constant (0, ()) otherwise, so
    # every other scope keeps its states.
    pdb_allowed: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.disruptionsAllowed"))
    pdb_current_healthy: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.currentHealthy"))
    pdb_desired_healthy: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.desiredHealthy"))
    pdb_expected: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.expectedPods"))
    node_cordoned: tuple = _default((), tuple_field(bool_field(), length=_cordonable, doc="Node spec.unschedulable"))
    drain_state: int = _default(
        0, int_field(0, _drain_states, doc="kubectl drain node-a (0 not running, 1 evicting, 2 drained, 3 failed)")
    )
    upgrade_node: int = _default(0, int_field(0, _upgrade_nodes, doc="node-pool upgrade: nodes done"))
