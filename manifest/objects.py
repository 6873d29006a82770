"""The objects kubecheck reads from manifests, as validated records with defaults applied.

Only the fields that change what the models say are kept; everything else in a manifest is
ignored (and listed under ``--verbose`` when kubecheck does not know the field at all).
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers.daemonset_util import Toleration
from kubecheck.model.kernel.intstr import IntOrPercent

RWO, ROX, RWX, RWOP = "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"
ACCESS_MODES = (ROX, RWX, RWO, RWOP)  # the API server's order in its messages


@attrs.frozen
class VolumeUse:
    """A pod-template volume backed by a claim: ``volumes[].persistentVolumeClaim``."""

    volume: str
    claim: str
    read_only: bool  # the volume's readOnly, or every mount of it readOnly


@attrs.frozen
class PodTemplate:
    labels: tuple[tuple[str, str], ...]
    claims: tuple[VolumeUse, ...]
    node_selector: tuple[tuple[str, str], ...]
    scheduling: tuple[
        str, ...
    ]  # constraints kubecheck does not model: "topologySpreadConstraints", "podAntiAffinity", …
    termination_grace_seconds: int
    has_readiness_probe: bool
    read_only_mounts: tuple[str, ...] = ()  # volume names every container mounts readOnly (claim templates included)
    tolerations: tuple[Toleration, ...] = ()  # spec.tolerations (ValidateTolerations' rules applied)


@attrs.frozen
class Meta:
    kind: str
    name: str
    namespace: str
    where: str  # "file (document n)"

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}/{self.name}"


@attrs.frozen
class Deployment:
    meta: Meta
    replicas: int
    strategy: str
    max_surge: IntOrPercent
    max_unavailable: IntOrPercent
    min_ready_seconds: int
    revision_history_limit: int
    progress_deadline_seconds: int
    paused: bool
    template: PodTemplate
    #: spec.replicas is in the manifest as written (the API server defaults an absent one to 1): a
    #: re-apply of a manifest without it leaves the autoscaler's value alone
    replicas_written: bool = True


@attrs.frozen
class ClaimTemplate:
    name: str
    access_modes: tuple[str, ...]
    storage_class: str | None


@attrs.frozen
class StatefulSet:
    meta: Meta
    replicas: int
    ordinals_start: int
    pod_management: str
    strategy: str
    partition: int
    max_unavailable: IntOrPercent | None
    min_ready_seconds: int
    when_deleted: str
    when_scaled: str
    service_name: str
    claim_templates: tuple[ClaimTemplate, ...]
    template: PodTemplate
    revision_history_limit: int = 10


@attrs.frozen
class DaemonSet:
    meta: Meta
    strategy: str
    max_unavailable: IntOrPercent
    max_surge: IntOrPercent
    min_ready_seconds: int
    template: PodTemplate


@attrs.frozen
class Claim:
    meta: Meta
    access_modes: tuple[str, ...]
    storage_class: str | None
    volume_name: str | None


@attrs.frozen
class Volume:
    meta: Meta
    access_modes: tuple[str, ...]
    claim_ref: tuple[str, str] | None  # (namespace, name)
    storage_class: str | None


@attrs.frozen
class StorageClass:
    meta: Meta
    provisioner: str
    binding_mode: str
    is_default: bool


@attrs.frozen
class Service:
    meta: Meta
    headless: bool
    selector: tuple[tuple[str, str], ...]


@attrs.frozen
class Requirement:
    """One ``matchExpressions`` entry: apimachinery's labels.Requirement (In, NotIn, Exists, DoesNotExist)."""

    key: str
    operator: str
    values: tuple[str, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        """labels.Requirement.Matches: NotIn and DoesNotExist hold for a pod without the key."""
        if self.operator == "In":
            return self.key in labels and labels[self.key] in self.values
        if self.operator == "NotIn":
            return self.key not in labels or labels[self.key] not in self.values
        if self.operator == "Exists":
            return self.key in labels
        if self.operator == "DoesNotExist":
            return self.key not in labels
        return False  # validation refuses any other operator before a selector is built


@attrs.frozen
class LabelSelector:
    """A metav1.LabelSelector as LabelSelectorAsSelector reads it: every requirement must hold, so the
    empty selector (no matchLabels, no matchExpressions) selects everything."""

    match_labels: tuple[tuple[str, str], ...] = ()
    match_expressions: tuple[Requirement, ...] = ()

    def matches(self, labels: dict[str, str]) -> bool:
        return all(labels.get(k) == v for k, v in self.match_labels) and all(
            r.matches(labels) for r in self.match_expressions
        )


@attrs.frozen
class BudgetSpec:
    """A policy/v1 PodDisruptionBudget's spec as written (``selector`` None: the nil selector, no pod)."""

    min_available: IntOrPercent | None
    max_unavailable: IntOrPercent | None
    unhealthy_policy: str | None
    selector: LabelSelector | None


@attrs.frozen
class AutoscalerSpec:
    """A HorizontalPodAutoscaler's spec (autoscaling/v2, or v1 converted as the API server does)."""

    target_api_version: str
    target_kind: str
    target_name: str
    min_replicas: int
    max_replicas: int
    #: the Resource cpu metric's target.averageUtilization (v1: targetCPUUtilizationPercentage), None if none
    cpu_utilization: int | None
    #: the other metrics, in words ("Resource memory Utilization 70%", "External queue_depth …")
    other_metrics: tuple[str, ...] = ()
    has_behavior: bool = False
    #: spec.behavior's directions with the API's defaults filled in, in the scope's spelling (None: no behavior)
    scale_up: str | None = None
    scale_down: str | None = None
    #: spec.behavior.scaleUp/scaleDown.tolerance as written (a Quantity's text), None where unset
    scale_up_tolerance: str | None = None
    scale_down_tolerance: str | None = None


@attrs.frozen
class Disruption:
    """Objects that change the answer but are not modelled: PodDisruptionBudget, HorizontalPodAutoscaler."""

    meta: Meta
    selector: tuple[tuple[str, str], ...] = ()  # PDB spec.selector.matchLabels
    target: tuple[str, str] | None = None  # HPA scaleTargetRef (kind, name)
    detail: str = ""
    #: a PDB's selector: "labels" (matchLabels only), "all" (``{}``: every pod of the namespace),
    #: "none" (no selector: no pod), "expressions" (matchExpressions: evaluated when ``budget`` is set)
    selects: str = "labels"
    budget: BudgetSpec | None = None  # a PodDisruptionBudget's spec (manifest/budgets.py reads it)
    autoscaler: AutoscalerSpec | None = None  # a HorizontalPodAutoscaler's spec

    def selects_pods(self, namespace: str, labels: dict[str, str]) -> bool | None:
        """Whether this budget selects pods with ``labels`` in ``namespace`` (None: not evaluated)."""
        if namespace != self.meta.namespace or self.selects == "none":
            return False
        if self.budget is not None and self.budget.selector is not None:
            return self.budget.selector.matches(labels)
        if self.selects == "expressions":
            return None
        return all(labels.get(k) == v for k, v in self.selector)


@attrs.frozen
class Ignored:
    """A document of a kind kubecheck does not read."""

    meta: Meta
    api_version: str


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
#: What :func:`kubecheck.manifest.validation.read` makes of one document.
Record = Deployment | StatefulSet | DaemonSet | Claim | Volume | StorageClass | Service | Disruption | Ignored
