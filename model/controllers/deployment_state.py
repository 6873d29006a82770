"""The Deployment model's state: one Deployment, its ReplicaSets and their pods, counted.

Slot ``t`` of each per-ReplicaSet tuple is the ReplicaSet of pod template ``t``; pods are counted
per (ReplicaSet, phase[, node]) because a Deployment's pods are interchangeable (exact symmetry
reduction). Bounds come from :class:`~kubecheck.model.controllers.deployment_scope.DeploymentScope`.
The commands that change it are in :mod:`kubecheck.model.controllers.deployment`, which also
builds the initial state; the sync plan reads it in :mod:`~kubecheck.model.controllers.deployment_sync`.
"""

from __future__ import annotations

from typing import Any

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.kernel.schema import Bound, bool_field, int_field, tuple_field


def _pods(hi: Bound, doc: str) -> tuple:
    """Per ReplicaSet, per placement: index ``t * placements + n`` (``n`` the node, or 0 unplaced)."""
    return tuple_field(int_field(0, hi), length=lambda sc: sc.templates * sc.placements, doc=doc)


def _rs_pods(hi: Bound, doc: str) -> tuple:
    return tuple_field(int_field(0, hi), length=lambda sc: sc.templates, doc=doc)


def _cap(sc: DeploymentScope) -> int:
    return sc.pod_cap


def _if_deadline(hi: Bound) -> Bound:
    """A bound that is ``hi`` with a progress deadline and 0 without: the field is then constant."""

    def bound(sc: DeploymentScope) -> int:
        value = hi(sc) if callable(hi) else hi
        return value if sc.has_progress_deadline else 0

    return bound


def _status_cap(sc: DeploymentScope) -> int:
    return sc.pod_cap * sc.templates


def _default(value: object, field: Any) -> Any:
    """``field`` (an int/bool/tuple field) with a default value."""
    return attrs.field(default=value, metadata=field.metadata)


def _lost_nodes(sc: DeploymentScope) -> int:
    """The nodes' health is state only where a node fault is on (else every node stays Ready: length 0)."""
    return sc.nodes if sc.has_node_faults else 0


def _tainted_nodes(sc: DeploymentScope) -> int:
    return sc.nodes if sc.has_node_faults and sc.out_of_service else 0


def _budget(sc: DeploymentScope) -> int:
    """The budget's status counts range over the pods it can select; 0 (constant) without a budget."""
    return sc.budget_cap if sc.has_budget else 0


def _budget_edits(sc: DeploymentScope) -> int:
    """1 when the user edits the budget once (pdb-edit-to); 0 (constant) otherwise."""
    return 1 if sc.has_budget_edit else 0


def _cordonable(sc: DeploymentScope) -> int:
    return sc.nodes if sc.has_drain else 0


def _drain_states(sc: DeploymentScope) -> int:
    return 4 if sc.has_drain else 0  # disruption.DRAIN_STATES


def _upgrade_nodes(sc: DeploymentScope) -> int:
    return sc.nodes if sc.is_upgrade else 0


def claim_count(sc: DeploymentScope) -> int:
    """Claims the pod template mounts: the shared claim, or none."""
    return 1 if sc.claims else 0


@attrs.frozen
class DeploymentState:
    """One Deployment, its ReplicaSets (slot t = template t) and their pods, counted by phase
    (and by node where pods are placed), and the shared claim's attachments."""

    replicas: int = int_field(0, lambda sc: sc.max_replicas, doc="Deployment spec.replicas")
    template: int = int_field(
        0,
        lambda sc: sc.templates - 1,
        doc="the Deployment's pod template: the slot of the edit (or undo) that wrote it",
    )
    templates_used: int = int_field(1, lambda sc: sc.templates, doc="templates written so far")
    paused: bool = bool_field(doc="Deployment spec.paused")
    strategy_edited: bool = bool_field(
        doc="spec.strategy.rollingUpdate is the user's edited maxSurge/maxUnavailable (scope edited-max-surge, ...)"
    )
    strategy_edits_left: int = int_field(0, lambda sc: sc.strategy_edits, doc="strategy edits left")
    observed: bool = bool_field(doc="Deployment status.observedGeneration has caught up with metadata.generation")
    scales_left: int = int_field(0, lambda sc: sc.scales, doc="user scale commands left")
    rollbacks_left: int = int_field(0, lambda sc: sc.rollbacks, doc="rollout undo commands left")
    pauses_left: int = int_field(0, lambda sc: sc.pauses, doc="pause commands left")
    faults_left: int = int_field(0, lambda sc: sc.fault_budget, doc="faults left")
    rs_exists: tuple = tuple_field(bool_field(), length=lambda sc: sc.templates, doc="ReplicaSet exists")
    rs_revision: tuple = tuple_field(
        int_field(0, lambda sc: sc.max_revision),
        length=lambda sc: sc.templates,
        doc="deployment.kubernetes.io/revision",
    )
    rs_history: tuple = tuple_field(
        int_field(0, lambda sc: sc.history_cap),
        length=lambda sc: sc.templates,
        doc="deployment.kubernetes.io/revision-history: the revisions it carried before, one bit each",
    )
    rs_replicas: tuple = _rs_pods(_cap, "ReplicaSet spec.replicas")
    rs_desired: tuple = tuple_field(
        int_field(0, lambda sc: sc.max_replicas),
        length=lambda sc: sc.templates,
        doc="deployment.kubernetes.io/desired-replicas",
    )
    rs_max: tuple = _rs_pods(_cap, "deployment.kubernetes.io/max-replicas (replicas + maxSurge when last written)")
    rs_synced: tuple = tuple_field(
        bool_field(), length=lambda sc: sc.templates, doc="ReplicaSet status.observedGeneration is current"
    )
    rs_status_replicas: tuple = _rs_pods(_cap, "ReplicaSet status.replicas (as last published)")
    rs_status_available: tuple = _rs_pods(_cap, "ReplicaSet status.availableReplicas (as last published)")
    unscheduled: tuple = _rs_pods(_cap, "pods not yet bound to a node")
    pending: tuple = _pods(
        _cap, "pods bound, containers starting (phase Pending; ContainerCreating while the volume is not attached)"
    )
    running: tuple = _pods(_cap, "pods Running but not Ready")
    ready: tuple = _pods(_cap, "pods Ready for less than minReadySeconds")
    available: tuple = _pods(_cap, "pods available (Ready for minReadySeconds)")
    terminating: tuple = _pods(lambda sc: sc.terminating_cap, "pods deleted gracefully, still running")
    failed: tuple = _rs_pods(
        _cap, "pods in phase Failed (evicted by the kubelet): not active, kept until deleted; saturates at the cap"
    )
    attached: tuple = vol.attached_field(claim_count)
    claim_home: tuple = vol.claim_home_field(claim_count)
    # With a progress deadline only (scope progress-deadline); without one these fields are constant
    # (0, False, ()) and default to that, so code that builds a state without them keeps working.
    rs_status_ready: tuple = _default(
        (),
        tuple_field(
            int_field(0, _cap),
            length=lambda sc: sc.templates if sc.tracks_ready else 0,
            doc="ReplicaSet status.readyReplicas (as last published; kept only with a progress deadline and "
            "minReadySeconds > 0, where it can differ from availableReplicas)",
        ),
    )
    status_replicas: int = _default(
        0, int_field(0, _if_deadline(_status_cap), doc="Deployment status.replicas (last written)")
    )
    status_updated: int = _default(
        0, int_field(0, _if_deadline(_cap), doc="Deployment status.updatedReplicas (last written)")
    )
    status_ready: int = _default(
        0, int_field(0, _if_deadline(_status_cap), doc="Deployment status.readyReplicas (last written)")
    )
    status_available: int = _default(
        0, int_field(0, _if_deadline(_status_cap), doc="Deployment status.availableReplicas (last written)")
    )
    progressing: int = _default(
        du.NO_CONDITION,
        int_field(
            0,
            _if_deadline(du.RESUMED),
            doc="the Progressing condition's reason (deployment_util.PROGRESSING_REASONS; 0: none)",
        ),
    )
    deadline_passed: bool = _default(
        False,
        bool_field(
            doc="now is past the Progressing condition's lastUpdateTime + progressDeadlineSeconds (only while the "
            "condition is one DeploymentTimedOut times)"
        ),
    )
    available_condition: int = _default(
        du.NO_AVAILABLE,
        int_field(
            0,
            _if_deadline(du.MIN_UNAVAILABLE),
            doc="the Available condition (deployment_util.AVAILABLE_REASONS; 0: none)",
        ),
    )
    # With a node fault only (the cluster layer's node fields; empty otherwise, so every other scope keeps its states).
    node_state: tuple = _default((), cl.node_state_field(_lost_nodes))
    node_exists: tuple = _default((), cl.node_exists_field(_lost_nodes))
    node_oos: tuple = _default((), cl.node_oos_field(_tainted_nodes))
    # Issue 16 (kubecheck.model.controllers.disruption): a PodDisruptionBudget's status and the drain, only with
    # pdb-min-available/pdb-max-unavailable and scenario; constant (0, False, ()) otherwise, so every other scope
    # keeps its states.
    pdb_allowed: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.disruptionsAllowed"))
    pdb_current_healthy: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.currentHealthy"))
    pdb_desired_healthy: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.desiredHealthy"))
    pdb_expected: int = _default(0, int_field(0, _budget, doc="PodDisruptionBudget status.expectedPods"))
    pdb_stale: bool = _default(
        False,
        bool_field(
            doc="PodDisruptionBudget status stale (status.observedGeneration < metadata.generation: edited, not synced)"
        ),
    )
    pdb_edited: int = _default(
        0, int_field(0, _budget_edits, doc="the user's edit of the PodDisruptionBudget (0 not yet, 1 applied)")
    )
    pdb_other_not_ready: int = _default(
        0,
        int_field(
            0,
            lambda sc: sc.pdb_other_churn if sc.has_other_churn else 0,
            doc="pods of other workloads behind the budget that are not Ready (pdb-other-churn; 0 constant without it)",
        ),
    )
    node_cordoned: tuple = _default((), tuple_field(bool_field(), length=_cordonable, doc="Node spec.unschedulable"))
    drain_state: int = _default(
        0,
        int_field(
            0, _drain_states, doc="kubectl drain (0 not running, 1 evicting, 2 drained, 3 failed, 4 node replaced)"
        ),
    )
    upgrade_node: int = _default(0, int_field(0, _upgrade_nodes, doc="node-pool upgrade: nodes done"))
    # -- HorizontalPodAutoscaler (issue 16 item 3; model/controllers/hpa.py). Constant (0 or ()) unless
    # hpa-max-replicas is set (applies_left: unless applies > 0), so every other scope keeps its states.
    hpa_load: int = _default(
        0,
        int_field(0, lambda sc: len(sc.hpa_loads) - 1 if sc.has_hpa else 0, doc="index of the load level in force"),
    )
    hpa_load_changes_left: int = _default(
        0, int_field(0, lambda sc: sc.hpa_load_changes if sc.has_hpa else 0, doc="load changes left")
    )
    hpa_window: tuple = _default(
        (),
        tuple_field(
            int_field(0, lambda sc: sc.hpa_window_top),
            length=lambda sc: sc.hpa_window_top + 1 if sc.has_hpa else 0,
            doc="the autoscaler's downscale stabilisation window as a strictly decreasing queue of recommendations "
            "(oldest first; hpa_util.window_record)",
        ),
    )
    hpa_window_size: int = _default(
        0,
        int_field(0, lambda sc: sc.hpa_window_top + 1 if sc.has_hpa else 0, doc="records in the window queue"),
    )
    hpa_rescales_left: int = _default(
        0, int_field(0, lambda sc: sc.hpa_rescales if sc.has_hpa else 0, doc="autoscaler writes of spec.replicas left")
    )
    # spec.behavior (hpa-scale-up/hpa-scale-down set; constant () and 0 otherwise): the scale-up window as a strictly
    # increasing queue, and the scale events (one slot per write the scope allows) with their ages in policy periods
    hpa_up_window: tuple = _default(
        (),
        tuple_field(
            int_field(0, lambda sc: sc.hpa_window_top),
            length=lambda sc: sc.hpa_up_window_slots,
            doc="the autoscaler's scale-up stabilisation window, a strictly increasing queue "
            "(hpa_util.up_window_record)",
        ),
    )
    hpa_up_window_size: int = _default(
        0, int_field(0, lambda sc: sc.hpa_up_window_slots, doc="records in the scale-up window queue")
    )
    hpa_events: tuple = _default(
        (),
        tuple_field(
            int_field(lambda sc: -sc.max_replicas, lambda sc: sc.max_replicas),
            length=lambda sc: sc.hpa_rescales if sc.has_hpa_behavior else 0,
            doc="the autoscaler's scale events, oldest first: + replicas added, - removed, 0 an empty slot",
        ),
    )
    hpa_event_stages: tuple = _default(
        (),
        tuple_field(
            int_field(0, lambda sc: len(hu.periods_of(sc.hpa_scale_up, sc.hpa_scale_down))),
            length=lambda sc: sc.hpa_rescales if sc.has_hpa_behavior else 0,
            doc="how many of the policies' periods each scale event has outlived",
        ),
    )
    applies_left: int = _default(0, int_field(0, lambda sc: sc.applies, doc="manifest re-applies left"))
