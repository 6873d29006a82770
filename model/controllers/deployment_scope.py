"""Scope of the Deployment model: its constants, their validation, and the named presets.

Kept apart from the model as TLC keeps constants in its .cfg files: the model says what can
happen, the scope says how many replicas, which maxSurge, how many user edits and faults.
``validate`` applies the API server's rules for the strategy fields
(pkg/apis/apps/validation/validation.go: ValidateRollingUpdateDeployment,
ValidatePositiveIntOrPercent) with the API server's messages.

A strategy edit (``strategy-edits`` > 0, off in every preset) lets the user switch
spec.strategy.rollingUpdate between the manifest's values and ``edited-max-surge`` /
``edited-max-unavailable`` mid-rollout; both settings are validated as the API server would.

A failing release (``pod-failure``, off in every preset) makes the pods of edited templates
(``failing-revision=update``) or of the first one (``first``) fail as the kubelet shows it: never
start, never Ready, crash before or after Ready, or end Failed by node-pressure eviction;
``broken-release`` is the older name of crash-after-ready on updates.

A progress deadline (``progress-deadline``, off in every preset, so their state counts are those of
a Deployment without conditions) is spec.progressDeadlineSeconds: with it, the Deployment's
status counts and its Progressing and Available conditions are state, and time passing beyond
the deadline is an event (see the model's header); only whether it is set matters, and the
API server's rule that it exceed minReadySeconds is applied with its message.

Nodes that fail (``nodes`` 1–2 and a node fault: ``partition``, ``node-failure``,
``node-delete``, ``force-delete``; off in every preset) are the cluster layer's faults over the
pod counters (:mod:`~kubecheck.model.controllers.deployment_nodes`); ``tolerates-unreachable``
says the template tolerates the unreachable/not-ready NoExecute taints for ever instead of the
DefaultTolerationSeconds admission plugin's 300 s; ``out-of-service`` lets the administrator taint
a shut-down node (with ``node-failure``). A node fault without nodes, or with a shared claim, is
refused.

Presets (state counts pinned in tests/model/state_counts.py):

* ``tiny``: 2 replicas, maxSurge 1, maxUnavailable 0, one template edit.
* ``small``: 3 replicas, maxSurge 1, maxUnavailable 1, one edit, one rollout undo,
  minReadySeconds > 0 (the default for ``kubecheck check``).
* ``medium``: 4 replicas, 25%/25%, one edit, one undo, one pause, revisionHistoryLimit 0
  (so cleanup happens); every command fires; about 1.2 million states.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import hpa_util as hu
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.scopes import (
    ScopeError,
    param,
    parse_bool,
    parse_choice,
    parse_int,
    parse_int_list,
    parse_int_or_percent,
    parse_names,
    parse_object_name,
    show_bool,
    show_int_list,
    show_names,
)

#: Pod faults, then the cluster layer's node faults (:data:`kubecheck.model.controllers.cluster.FAULTS`, one
#: vocabulary with the StatefulSet and DaemonSet); the node faults need pods placed on nodes (``nodes`` >= 1).
NODE_FAULTS = tuple(f for f in cl.FAULTS if f not in ("crash", "evict"))
FAULTS = ("crash", "evict") + NODE_FAULTS
#: How a failing release's pods fail (scope ``pod-failure``): the cluster layer's one vocabulary
#: (:mod:`kubecheck.model.controllers.failures`, shared with the StatefulSet and DaemonSet).
NEVER_START, NEVER_READY, CRASH_BEFORE_READY = fm.NEVER_START, fm.NEVER_READY, fm.CRASH_BEFORE_READY
CRASH_AFTER_READY, EVICTED = fm.CRASH_AFTER_READY, fm.EVICTED
POD_FAILURES = fm.MODES
#: Which revision fails (scope ``failing-revision``): the templates of edits, or the first one (the
#: Deployment's word for the failure layer's ``current``).
UPDATE, FIRST = fm.UPDATE, fm.FIRST
#: Exhaustive search is refused beyond this many replicas unless it has a budget: the counter
#: model's state space grows about as replicas^4 (206,299 states at 10 replicas, 25%/25%).
EXPLICIT_MAX_REPLICAS = 20


def _api_int_or_percent(value: IntOrPercent) -> str:
    return f'"{value}"' if value.is_percent else str(value.value)


def _parse_optional_int_or_percent(raw: str) -> IntOrPercent | None:
    text = str(raw).strip()
    if text in ("", "same"):
        return None
    return parse_int_or_percent(text)


_parse_optional_int_or_percent.__doc__ = "integer, percent or same"  # `kubecheck list` shows it as the value hint


def _show_optional(value: IntOrPercent | None) -> str:
    return "same" if value is None else str(value)


_parse_deadline_seconds = parse_int(1, du.MAX_INT32)


def _parse_progress_deadline(raw: str) -> int:
    text = str(raw).strip()
    if text in ("off", "none", ""):
        return 0
    return _parse_deadline_seconds(text)


_parse_progress_deadline.__doc__ = "seconds (1..2147483647) or off"  # `kubecheck list` shows it as the value hint


def _show_progress_deadline(value: int) -> str:
    return "off" if value == 0 else str(value)


# -- HorizontalPodAutoscaler scope helpers (issue 16 item 3) --
PER_POD, TOTAL_DEMAND = "per-pod", "total-demand"
HPA_LOAD_MODELS = (PER_POD, TOTAL_DEMAND)


def _parse_optional_count(raw: str) -> int | None:
    text = str(raw).strip()
    if text in ("none", ""):
        return None
    return parse_int(1, 1000)(text)


_parse_optional_count.__doc__ = "integer 1..1000 or none"


def _show_optional_count(value: int | None) -> str:
    return "none" if value is None else str(value)


def _parse_missing(raw: str) -> int | None:
    text = str(raw).strip()
    if text in ("any", ""):
        return None
    return parse_int(0, 100)(text)


_parse_missing.__doc__ = "integer 0..100 or any"


def _show_missing(value: int | None) -> str:
    return "any" if value is None else str(value)


def _parse_loads(raw: str) -> tuple[int, ...]:
    text = str(raw).strip()
    try:
        values = tuple(int(x) for x in text.split(","))
    except ValueError:
        raise ScopeError(f"expected comma-separated percents such as 60,120,200, got {raw!r}") from None
    if not values or any(v < 0 or v > 1000 for v in values) or len(set(values)) != len(values):
        raise ScopeError(f"expected 1 to 4 distinct percents from 0 to 1000 such as 60,120,200, got {raw!r}")
    if len(values) > 4:
        raise ScopeError(f"expected 1 to 4 distinct percents from 0 to 1000 such as 60,120,200, got {raw!r}")
    return values


_parse_loads.__doc__ = "comma list of percents (1 to 4)"


_parse_faults = parse_names(FAULTS, "fault")
_show_faults = show_names(FAULTS)
_parse_int_list = parse_int_list(0, 100, "2,5")

# -- issue 16: PodDisruptionBudget and drain scenario parameters (kubecheck.model.controllers.disruption) --
#: The environment around the Deployment (scope ``scenario``): nothing, one ``kubectl drain`` of node-a
#: (a user action), or a node-pool upgrade (drain, replace, uncordon, node by node).
SCENARIOS = ("none", "drain", "node-upgrade")


def _parse_scaling_rules(raw: str) -> hu.ScalingRules | None:
    return hu.parse_scaling_rules(raw)


_parse_scaling_rules.__doc__ = "none or <window>s,<max|min|disabled>,<policy>,..."  # `kubecheck list`'s value hint


def _parse_up_tolerance(raw: str) -> hu.Quantity | None:
    return hu.parse_tolerance(raw, "spec.behavior.scaleUp.tolerance")


def _parse_down_tolerance(raw: str) -> hu.Quantity | None:
    return hu.parse_tolerance(raw, "spec.behavior.scaleDown.tolerance")


_parse_up_tolerance.__doc__ = _parse_down_tolerance.__doc__ = "none or a quantity >= 0 (0.05, 50m)"


_parse_budget_bound, _show_budget_bound = bu.parse_budget_bound, bu.show_budget_bound  # the budget layer's


@attrs.frozen
class DeploymentScope:
    """The constants of one Deployment check: the manifest's numbers and what may happen."""

    name: str = param(
        "name", "metadata.name of the Deployment (ReplicaSets are <name>-<pod-template-hash>)", parse_object_name, "web"
    )
    replicas: int = param("replicas", "spec.replicas at the start", parse_int(0, 100_000), 3)
    max_surge: IntOrPercent = param(
        "max-surge",
        "spec.strategy.rollingUpdate.maxSurge (integer or percent)",
        parse_int_or_percent,
        IntOrPercent(25, True),
    )
    max_unavailable: IntOrPercent = param(
        "max-unavailable",
        "spec.strategy.rollingUpdate.maxUnavailable (integer or percent)",
        parse_int_or_percent,
        IntOrPercent(25, True),
    )
    strategy_edits: int = param(
        "strategy-edits",
        "how many times the user may edit spec.strategy.rollingUpdate mid-rollout (each edit switches between the "
        "manifest's maxSurge/maxUnavailable and edited-max-surge/edited-max-unavailable)",
        parse_int(0, 3),
        0,
    )
    edited_max_surge: IntOrPercent | None = param(
        "edited-max-surge",
        "maxSurge after the user's strategy edit (same: unchanged)",
        _parse_optional_int_or_percent,
        None,
        _show_optional,
    )
    edited_max_unavailable: IntOrPercent | None = param(
        "edited-max-unavailable",
        "maxUnavailable after the user's strategy edit (same: unchanged)",
        _parse_optional_int_or_percent,
        None,
        _show_optional,
    )
    strategy: str = param(
        "strategy", "spec.strategy.type", parse_choice((du.ROLLING_UPDATE, du.RECREATE)), du.ROLLING_UPDATE
    )
    min_ready_seconds: int = param(
        "min-ready-seconds", "spec.minReadySeconds (only zero / non-zero matters)", parse_int(0, 86400), 0
    )
    progress_deadline_seconds: int = param(
        "progress-deadline",
        "spec.progressDeadlineSeconds (off: not set; the API's default is 600): the Progressing and Available "
        "conditions and the deadline become part of the state (only set / not set matters; 2147483647 means no "
        "deadline, as upstream's HasProgressDeadline reads it)",
        _parse_progress_deadline,
        0,
        _show_progress_deadline,
    )
    spec_progress_deadline: int = param(
        "spec-progress-deadline",
        "spec.progressDeadlineSeconds as written (check -f reads it; the API's default 600): what the properties "
        "about the deadline switch progress-deadline on with (2147483647: no deadline, nothing is ever reported)",
        _parse_deadline_seconds,
        600,
    )
    revision_history_limit: int = param("revision-history-limit", "spec.revisionHistoryLimit", parse_int(0, 100), 10)
    edits: int = param("edits", "template edits the user makes (each a new revision)", parse_int(0, 4), 1)
    edit_to: tuple[int, ...] = param(
        "edit-to",
        "the pod template each edit writes, one per edit (comma list): edit i may write template i (new, the "
        "default) or a template number below i again (0 = the first; kubectl apply of an earlier image)",
        _parse_int_list,
        (),
        show_int_list,
    )
    rollbacks: int = param("rollbacks", "`kubectl rollout undo` commands the user may issue", parse_int(0, 3), 0)
    scale_to: tuple[int, ...] = param(
        "scale-to", "replica counts the user may scale to (comma list)", _parse_int_list, (), show_int_list
    )
    scales: int = param("scales", "how many times the user may scale", parse_int(0, 4), 1)
    pauses: int = param("pauses", "how many times the user may pause (resume is free)", parse_int(0, 3), 0)
    faults: frozenset[str] = param(
        "faults",
        "faults that may happen: crash (a ready pod turns unready), evict, and with nodes >= 1 the cluster's node "
        "faults: force-delete (kubectl delete pod --grace-period=0 --force), partition (a node becomes unreachable), "
        "node-failure (a node's machine stops), node-delete (kubectl delete node on a NotReady node)",
        _parse_faults,
        frozenset(),
        _show_faults,
    )
    fault_budget: int = param("fault-budget", "how many faults may happen in one run", parse_int(0, 5), 1)
    broken_release: bool = param(
        "broken-release",
        "pods of edited templates crash after becoming Ready, for ever (CrashLoopBackOff)",
        parse_bool,
        False,
        show_bool,
    )
    pod_failure: str = param(
        "pod-failure",
        "how the failing revision's pods fail: never-start (image pull error: Pending for ever), never-ready "
        "(readiness probe fails: Running, never Ready), crash-before-ready (CrashLoopBackOff before Ready), "
        "crash-after-ready (as broken-release), evicted (the kubelet evicts them under node pressure: Failed)",
        parse_choice(POD_FAILURES),
        "none",
    )
    failing_revision: str = param(
        "failing-revision",
        "which pods fail: update (those of every template an edit writes) or first (the first template's; "
        "the Deployment then starts just created, with no ReplicaSet yet)",
        parse_choice((UPDATE, FIRST)),
        UPDATE,
    )
    nodes: int = param(
        "nodes",
        "nodes the pods are placed on (node-a, node-b); 0 = pods are not placed on named nodes",
        parse_int(0, 2),
        0,
    )
    tolerates_unreachable: bool = param(
        "tolerates-unreachable",
        "the pod template tolerates node.kubernetes.io/unreachable:NoExecute for ever (no tolerationSeconds; a node "
        "that stops reporting is tainted unreachable); false: a finite tolerationSeconds or the "
        "DefaultTolerationSeconds admission plugin's 300 s, after which the taint-eviction controller deletes the "
        "pods of a lost node",
        parse_bool,
        False,
        show_bool,
    )
    out_of_service: bool = cl.out_of_service_param()
    claims: bool = param(
        "shared-claim",
        "the pod template mounts one PersistentVolumeClaim 'data' that every pod shares",
        parse_bool,
        False,
        show_bool,
    )
    claim_name: str = param("claim-name", "the shared claim's metadata.name", parse_object_name, "data")
    access_mode: str = param("access-mode", "the shared claim's access mode", parse_choice(vol.ACCESS_MODES), vol.RWO)
    read_only_mount: bool = param(
        "read-only-mount", "pods mount the shared claim with readOnly: true", parse_bool, False, show_bool
    )
    # -- issue 16: a PodDisruptionBudget selecting the Deployment's pods, and the drain scenarios --
    pdb_min_available: IntOrPercent | None = bu.min_available_param("Deployment")
    pdb_max_unavailable: IntOrPercent | None = bu.max_unavailable_param()
    pdb_unhealthy_policy: str = bu.unhealthy_policy_param()
    pdb_edit_to: IntOrPercent | None = param(
        "pdb-edit-to",
        "the user edits the PodDisruptionBudget once (kubectl apply/edit): the bound it has (minAvailable or "
        "maxUnavailable) becomes this value; metadata.generation moves past status.observedGeneration until the "
        "disruption controller syncs (none: no edit)",
        _parse_budget_bound,
        None,
        _show_budget_bound,
    )
    pdb_other_pods: int = param(
        "pdb-other-pods",
        "Ready pods of other workloads that the same PodDisruptionBudget selects (several workloads behind one "
        "budget): their controllers' scale is this count; they stay Ready unless pdb-other-churn is set, and are not "
        "on a drained node",
        parse_int(0, 4),
        0,
    )
    pdb_other_churn: int = param(
        "pdb-other-churn",
        "at most this many of the other workloads' pods (pdb-other-pods) are not Ready at a time: their own rollouts, "
        "crashes and evictions take them NotReady (never required) and their controllers and kubelets bring them "
        "back (weakly fair); only where something reads the budget's status for an eviction (a drain scenario or the "
        "evict fault); 0: they stay Ready",
        parse_int(0, 4),
        0,
    )
    pdb_second_budget: bool = bu.second_budget_param("Deployment")
    scenario: str = param(
        "scenario",
        "the environment: none, drain (`kubectl drain node-a` as a user action: cordon, evict every pod through the "
        "eviction API, retry on 429) or node-upgrade (a node-pool upgrade: drain, replace, uncordon, node by node)",
        parse_choice(SCENARIOS),
        "none",
    )
    # -- HorizontalPodAutoscaler (issue 16 item 3; model/controllers/hpa.py): off unless hpa-max-replicas is set --
    hpa_max_replicas: int | None = param(
        "hpa-max-replicas",
        "a HorizontalPodAutoscaler targets the Deployment with this spec.maxReplicas (none: no autoscaler)",
        _parse_optional_count,
        None,
        _show_optional_count,
    )
    hpa_min_replicas: int = param("hpa-min-replicas", "the autoscaler's spec.minReplicas", parse_int(0, 1000), 1)
    hpa_target_utilization: int = param(
        "hpa-target-utilization",
        "the autoscaler's CPU target (averageUtilization, percent of the pods' requests)",
        parse_int(1, 1000),
        100,
    )
    hpa_loads: tuple[int, ...] = param(
        "hpa-loads",
        "the per-pod CPU utilisations (percent) the environment may choose; the first one holds at the start",
        _parse_loads,
        (60, 120, 200),
        show_int_list,
    )
    hpa_load_model: str = param(
        "hpa-load-model",
        "how a load level spreads: per-pod (every ready pod at the level, however many there are) or total-demand "
        "(level x spec.replicas of demand shared by the Ready pods)",
        parse_choice(HPA_LOAD_MODELS),
        PER_POD,
    )
    hpa_load_changes: int = param(
        "hpa-load-changes", "how many times the environment may change the load level", parse_int(0, 3), 1
    )
    hpa_missing_metrics: int | None = param(
        "hpa-missing-metrics",
        "at most this many Ready pods without a metrics sample at one autoscaler sync (metrics-server has not "
        "scraped them yet; any: every number of them)",
        _parse_missing,
        None,
        _show_missing,
    )
    hpa_rescales: int = param(
        "hpa-rescales",
        "how many times the autoscaler may write spec.replicas in one run (a bound of the scope, like scales: "
        "pods Terminating during a rollout are ignored, so the autoscaler can scale down and up again without end)",
        parse_int(0, 6),
        3,
    )
    hpa_scale_up: hu.ScalingRules | None = param(
        "hpa-scale-up",
        "the autoscaler's spec.behavior.scaleUp with the API's defaults filled in: <window>s,<max|min|disabled>,"
        "<n>pods/<p>s or <n>%/<p>s,... (none: spec.behavior nil, the controller's fixed rules)",
        _parse_scaling_rules,
        None,
        hu.show_scaling_rules,
    )
    hpa_scale_down: hu.ScalingRules | None = param(
        "hpa-scale-down",
        "the autoscaler's spec.behavior.scaleDown with the defaults filled in (a nil window: the controller's 300 s), "
        "as hpa-scale-up (none with hpa-scale-up none)",
        _parse_scaling_rules,
        None,
        hu.show_scaling_rules,
    )
    hpa_scale_up_tolerance: hu.Quantity | None = param(
        "hpa-scale-up-tolerance",
        "the autoscaler's spec.behavior.scaleUp.tolerance, a quantity (0.05, 50m), honoured as the "
        "HPAConfigurableTolerance gate (Beta, on by default in v1.35) has it (none: unset, the controller's 0.1; "
        "needs hpa-scale-up set)",
        _parse_up_tolerance,
        None,
        hu.show_tolerance,
    )
    hpa_scale_down_tolerance: hu.Quantity | None = param(
        "hpa-scale-down-tolerance",
        "the autoscaler's spec.behavior.scaleDown.tolerance, as hpa-scale-up-tolerance",
        _parse_down_tolerance,
        None,
        hu.show_tolerance,
    )
    applies: int = param(
        "applies",
        "`kubectl apply` re-applies of the manifest that write its spec.replicas (the apply/autoscaler fight)",
        parse_int(0, 3),
        0,
    )

    def validate(self) -> None:
        """The API server's validation (pkg/apis/apps/validation: ValidateRollingUpdateDeployment),
        then what the placed model covers."""
        self._validate_strategy()
        if len(self.edit_to) > self.edits:
            raise ScopeError(
                f"edit-to: expected at most {self.edits} templates (one per edit, edits={self.edits}), "
                f"got {len(self.edit_to)}"
            )
        for i, value in enumerate(self.edit_to, start=1):
            if value > i:
                raise ScopeError(
                    f"edit-to: expected edit {i} to write template {i} (new) or an earlier one "
                    f"(0..{i - 1}), got {value}"
                )
        if self.broken_release and self.pod_failure != "none":
            raise ScopeError(
                f"broken-release: expected false when pod-failure is set (broken-release is "
                f"pod-failure=crash-after-ready on updates), got true with pod-failure={self.pod_failure}"
            )
        if self.progress_deadline_seconds and self.progress_deadline_seconds <= self.min_ready_seconds:
            raise ScopeError(
                f"spec.progressDeadlineSeconds: Invalid value: {self.progress_deadline_seconds}: must be greater than "
                f"minReadySeconds ({self.min_ready_seconds})"
            )
        if self.spec_progress_deadline <= self.min_ready_seconds:
            raise ScopeError(
                f"spec.progressDeadlineSeconds: Invalid value: {self.spec_progress_deadline}: must be greater than "
                f"minReadySeconds ({self.min_ready_seconds})"
            )
        if self.claims and self.nodes == 0:
            raise ScopeError("nodes: expected 1 or 2 when shared-claim is true (a volume attaches to a node), got 0")
        self._validate_node_faults()
        self._validate_disruption()
        self._validate_hpa()
        if self.nodes and self.min_ready_seconds:
            raise ScopeError(
                f"min-ready-seconds: expected 0 when nodes is set (pods placed on nodes are modelled with "
                f"minReadySeconds 0), got {self.min_ready_seconds}"
            )

    def _validate_node_faults(self) -> None:
        node_faults = [f for f in NODE_FAULTS if f in self.faults]
        if node_faults and self.nodes == 0:
            raise ScopeError(
                f"nodes: expected 1 or 2 with the fault {node_faults[0]} (node faults need pods placed on nodes), got 0"
            )
        if node_faults and self.claims:
            raise ScopeError(
                f"faults: expected crash or evict only when shared-claim is true (node faults with a shared claim "
                f"are not modelled for the Deployment), got {node_faults[0]}"
            )
        if self.out_of_service and "node-failure" not in self.faults:
            raise ScopeError(
                "out-of-service: expected false unless faults has node-failure (the taint goes on a shut-down "
                "node), got true"
            )

    def _validate_disruption(self) -> None:
        """The API server's ValidatePodDisruptionBudgetSpec, then what the drain scenarios need."""
        bu.validate_budget(self)
        if self.pdb_edit_to is not None:
            if not self.has_budget:
                raise ScopeError(
                    f"pdb-edit-to: expected none without a PodDisruptionBudget (pdb-min-available or "
                    f"pdb-max-unavailable), got {self.pdb_edit_to}"
                )
            edited = dsu.validate_budget_spec(self.edited_budget_spec)
            if edited:
                raise ScopeError(f"pdb-edit-to: {edited[0]}")
        if self.pdb_other_pods and not self.has_budget:
            raise ScopeError(
                f"pdb-other-pods: expected 0 without a PodDisruptionBudget (pdb-min-available or pdb-max-unavailable), "
                f"got {self.pdb_other_pods}"
            )
        if self.pdb_other_churn > self.pdb_other_pods:
            raise ScopeError(
                f"pdb-other-churn: expected at most pdb-other-pods ({self.pdb_other_pods}: only the other workloads' "
                f"pods behind the budget can go NotReady), got {self.pdb_other_churn}"
            )
        if self.scenario != "none" and self.nodes == 0:
            raise ScopeError(
                f"nodes: expected 1 or 2 with scenario={self.scenario} (a drain needs pods placed on nodes), got 0"
            )
        if self.scenario != "none" and self.failure_mode == EVICTED:
            raise ScopeError(
                f"pod-failure: expected another mode than evicted with scenario={self.scenario} (Failed pods are "
                "counted without their node, which a drain lists), got evicted"
            )

    # -- HorizontalPodAutoscaler (issue 16 item 3) --

    def _validate_hpa(self) -> None:
        """The API server's HorizontalPodAutoscaler spec rules (pkg/apis/autoscaling/validation:
        validateHorizontalPodAutoscalerSpec; minReplicas >= 1 without the HPAScaleToZero alpha gate)."""
        if (self.hpa_scale_up is None) != (self.hpa_scale_down is None):
            raise ScopeError(
                "hpa-scale-up/hpa-scale-down: expected both none (spec.behavior nil) or both set (the API fills the "
                f"direction a manifest leaves out with its defaults), got {hu.show_scaling_rules(self.hpa_scale_up)} "
                f"and {hu.show_scaling_rules(self.hpa_scale_down)}"
            )
        for name, tolerance in (("up", self.hpa_scale_up_tolerance), ("down", self.hpa_scale_down_tolerance)):
            if tolerance is not None and self.hpa_scale_up is None:
                raise ScopeError(
                    f"hpa-scale-{name}-tolerance: expected none without spec.behavior (hpa-scale-up none; a "
                    f"tolerance is a field of spec.behavior), got {tolerance}"
                )
        if self.hpa_max_replicas is None:
            if self.hpa_scale_up is not None:
                raise ScopeError("hpa-scale-up: expected none without an autoscaler (hpa-max-replicas none)")
            return
        if self.hpa_min_replicas < 1:
            raise ScopeError(
                f"spec.minReplicas: Invalid value: {self.hpa_min_replicas}: must be greater than or equal to 1"
            )
        if self.hpa_max_replicas < self.hpa_min_replicas:
            raise ScopeError(
                f"spec.maxReplicas: Invalid value: {self.hpa_max_replicas}: must be greater than or equal to "
                "`minReplicas`"
            )

    @property
    def has_hpa(self) -> bool:
        """A HorizontalPodAutoscaler targets the Deployment (hpa-max-replicas set)."""
        return self.hpa_max_replicas is not None

    @property
    def hpa_pod_bound(self) -> int:
        """The most pods the autoscaler's selector can list in one group (every live pod of every ReplicaSet)."""
        return self.pod_cap * self.templates if self.has_hpa else 0

    @property
    def hpa_window_top(self) -> int:
        """The largest value the window queue records: recommendations are recorded capped at maxReplicas
        (model/controllers/hpa.py says why that is exact)."""
        return self.hpa_max_replicas if self.hpa_max_replicas is not None else 0

    @property
    def has_hpa_behavior(self) -> bool:
        """The autoscaler has spec.behavior (hpa-scale-up set): its windows and scale events are state."""
        return self.has_hpa and self.hpa_scale_up is not None

    @property
    def hpa_tolerances(self) -> hu.Tolerances:
        """tolerancesForHpa: the controller's 0.1 each way, or spec.behavior's tolerance where set."""
        return hu.tolerances_for_hpa(self.has_hpa_behavior, self.hpa_scale_down_tolerance, self.hpa_scale_up_tolerance)

    @property
    def hpa_up_window_slots(self) -> int:
        """Slots of the scale-up window queue: none without spec.behavior or with a 0 s window."""
        up = self.hpa_scale_up
        return self.hpa_window_top + 1 if self.has_hpa_behavior and up is not None and up.window > 0 else 0

    def _validate_strategy(self) -> None:
        if self.strategy != du.ROLLING_UPDATE:
            return
        self._validate_rolling(*self.rolling(False), "")
        if self.strategy_edits:
            self._validate_rolling(*self.rolling(True), " (after the strategy edit)")

    def _validate_rolling(self, max_surge: IntOrPercent, max_unavailable: IntOrPercent, when: str) -> None:
        path = "spec.strategy.rollingUpdate"
        for name, value in (("maxUnavailable", max_unavailable), ("maxSurge", max_surge)):
            if value.value < 0:
                raise ScopeError(
                    f"{path}.{name}: Invalid value: {_api_int_or_percent(value)}: must be greater than or equal to 0"
                    + when
                )
        if max_unavailable.is_percent and max_unavailable.value > 100:
            raise ScopeError(
                f"{path}.maxUnavailable: Invalid value: {_api_int_or_percent(max_unavailable)}: must not be "
                "greater than 100%" + when
            )
        if max_surge.is_zero() and max_unavailable.is_zero():
            raise ScopeError(
                f"{path}.maxUnavailable: Invalid value: {_api_int_or_percent(max_unavailable)}: may not be 0 when "
                "`maxSurge` is 0" + when
            )

    def rolling(self, edited: bool) -> tuple[IntOrPercent, IntOrPercent]:
        """(maxSurge, maxUnavailable) as written before (False) or after (True) the user's strategy edit."""
        if not edited:
            return self.max_surge, self.max_unavailable
        surge = self.max_surge if self.edited_max_surge is None else self.edited_max_surge
        unavailable = self.max_unavailable if self.edited_max_unavailable is None else self.edited_max_unavailable
        return surge, unavailable

    @property
    def edits_strategy(self) -> bool:
        """The user may edit maxSurge/maxUnavailable (RollingUpdate only: Recreate has no such fields)."""
        return self.strategy_edits > 0 and self.strategy == du.ROLLING_UPDATE

    # -- bounds derived from the scope (concrete) ------------------------------------------

    @property
    def templates(self) -> int:
        return 1 + self.edits

    def template_value(self, t: int) -> int:
        """The pod template of slot ``t`` (written by edit ``t``), as a value: slots of equal value
        hold equal templates (the same pod-template-hash)."""
        return self.edit_to[t - 1] if 1 <= t <= len(self.edit_to) else t

    def same_template(self, t: int) -> list[int]:
        """The slots whose template equals slot ``t``'s (``t`` included), oldest first."""
        return [u for u in range(self.templates) if self.template_value(u) == self.template_value(t)]

    @property
    def failure_mode(self) -> str:
        """How the failing revision's pods fail ("none" when no revision fails)."""
        return CRASH_AFTER_READY if self.broken_release else self.pod_failure

    def failing_slots(self) -> tuple[int, ...]:
        """The slots whose pods fail: those whose template is an edit's (update) or the first one (first)."""
        if self.failure_mode == "none":
            return ()
        first = self.failing_revision == FIRST and not self.broken_release
        return tuple(t for t in range(self.templates) if (self.template_value(t) == 0) == first)

    @property
    def starts_fresh(self) -> bool:
        """The Deployment starts just created (no ReplicaSet): its first revision is the failing one."""
        return self.failure_mode != "none" and self.failing_revision == FIRST and not self.broken_release

    @property
    def max_replicas(self) -> int:
        hpa = (self.hpa_window_top, self.hpa_min_replicas) if self.has_hpa else ()  # the autoscaler writes them
        return max((self.replicas,) + (self.scale_to if self.scales else ()) + hpa)

    @property
    def pod_cap(self) -> int:
        settings = (False, True) if self.edits_strategy else (False,)
        surge = max(self.rolling(e)[0].resolve(self.max_replicas, round_up=True) for e in settings)
        return self.max_replicas + surge

    @property
    def terminating_cap(self) -> int:
        # a lost node's pods are deleted by taint eviction at no fault's cost: at most pod_cap per
        # (ReplicaSet, node) each time a fault takes the node away
        lost = self.pod_cap * self.fault_budget if self.has_node_faults else 0
        # each write of spec.replicas by the autoscaler or an apply deletes at most a pod cap
        hpa = self.pod_cap * (self.hpa_rescales + self.applies) if self.has_hpa or self.applies else 0
        return self.pod_cap * (2 + self.rollbacks + self.scales + self.edits) + self.fault_budget + lost + hpa

    @property
    def has_node_faults(self) -> bool:
        """A node fault is on (and pods are placed): the state carries the nodes' health."""
        return self.nodes > 0 and any(f in self.faults for f in NODE_FAULTS)

    @property
    def max_revision(self) -> int:
        return self.templates + self.rollbacks

    @property
    def history_cap(self) -> int:
        """The largest revision-history value: a bit per revision number (see DeploymentState.rs_history)."""
        return 2 ** (self.max_revision + 1) - 1

    @property
    def has_progress_deadline(self) -> bool:
        """spec.progressDeadlineSeconds is set (HasProgressDeadline): conditions and the deadline are state."""
        return self.progress_deadline_seconds > 0 and du.has_progress_deadline(self.progress_deadline_seconds)

    @property
    def tracks_ready(self) -> bool:
        """ReplicaSet status.readyReplicas is state: read by DeploymentProgressing, and different from
        availableReplicas only when pods are Ready before they are available (minReadySeconds > 0)."""
        return self.has_progress_deadline and self.has_min_ready

    @property
    def has_min_ready(self) -> bool:
        return self.min_ready_seconds > 0

    def beyond_explicit_search(self) -> str | None:
        """Why exhaustive search cannot explore this scope, or None when it can."""
        if self.max_replicas <= EXPLICIT_MAX_REPLICAS:
            return None
        return (
            f"replicas {self.max_replicas}: the Deployment's state space grows about as replicas^4; explicit search "
            f"is refused above {EXPLICIT_MAX_REPLICAS} replicas"
        )

    def symbolic_constraints(self, ops: Ops, values: Mapping[str, Value]) -> list[Value]:
        """What the API server's validation says of the parameters left symbolic (``--for-all``).

        ``values`` maps scope field names to solver terms. Replica counts and int-or-percent
        values are non-negative, a percentage of maxUnavailable is at most 100, and a
        RollingUpdate Deployment may not have maxSurge = maxUnavailable = 0
        (ValidateRollingUpdateDeployment, ValidatePositiveIntOrPercent, IsNotMoreThan100Percent).
        """
        out = [v >= 0 for v in values.values()]
        if "max_unavailable" in values and self.max_unavailable.is_percent:
            out.append(values["max_unavailable"] <= 100)
        if self.strategy == du.ROLLING_UPDATE and ("max_surge" in values or "max_unavailable" in values):
            surge = values.get("max_surge", self.max_surge.value)
            unavailable = values.get("max_unavailable", self.max_unavailable.value)
            out.append(ops.not_(ops.and_(surge == 0, unavailable == 0)))
        return out

    # -- issue 16: the budget and the drain (kubecheck.model.controllers.disruption) --

    @property
    def has_budget(self) -> bool:
        """A PodDisruptionBudget selects the Deployment's pods: its status is state."""
        return bu.is_budget_set(self)

    @property
    def edited_budget_spec(self) -> dsu.BudgetSpec:
        """The budget's spec after the user's edit (``pdb-edit-to`` replaces the bound that is written)."""
        if self.pdb_max_unavailable is not None:
            return dsu.BudgetSpec(None, self.pdb_edit_to, self.pdb_unhealthy_policy)
        return dsu.BudgetSpec(self.pdb_edit_to, None, self.pdb_unhealthy_policy)

    @property
    def has_budget_edit(self) -> bool:
        """The user edits the budget once (``pdb-edit-to``)."""
        return self.has_budget and self.pdb_edit_to is not None

    @property
    def has_other_churn(self) -> bool:
        """Other workloads' pods behind the budget go NotReady and come back (``pdb-other-churn``), where an
        eviction reads the budget's status (a drain scenario or the evict fault; elsewhere nothing observes them)."""
        return self.pdb_other_churn > 0 and self.has_budget and (self.has_drain or "evict" in self.faults)

    @property
    def has_drain(self) -> bool:
        """A drain scenario is on: nodes can be cordoned and drained."""
        return self.scenario != "none" and self.nodes > 0

    @property
    def is_upgrade(self) -> bool:
        """The node-pool upgrade scenario: the drain goes over every node, one after the other."""
        return self.scenario == "node-upgrade" and self.nodes > 0

    @property
    def budget_cap(self) -> int:
        """A bound on the budget's status counts: every pod object the selector can match (active,
        terminating and Failed pods of every ReplicaSet), or minAvailable as written if larger."""
        pods = self.templates * (2 * self.pod_cap + self.placements * self.terminating_cap)
        written = self.pdb_min_available.value if self.pdb_min_available is not None else 0
        edited = self.pdb_edit_to.value if self.pdb_edit_to is not None and self.pdb_max_unavailable is None else 0
        return max(pods + self.pdb_other_pods, written, edited)

    @property
    def placements(self) -> int:
        """Pod counters per ReplicaSet: one per node, or one when pods are not placed."""
        return max(1, self.nodes)


PRESETS = {
    "tiny": DeploymentScope(replicas=2, max_surge=IntOrPercent(1), max_unavailable=IntOrPercent(0), edits=1),
    "small": DeploymentScope(
        replicas=3,
        max_surge=IntOrPercent(1),
        max_unavailable=IntOrPercent(1),
        edits=1,
        rollbacks=1,
        min_ready_seconds=10,
    ),
    "medium": DeploymentScope(replicas=4, edits=1, rollbacks=1, pauses=1, revision_history_limit=0),
}
