"""PodDisruptionBudgets and HorizontalPodAutoscalers of ``check -f`` input: read, match, report, map to scope.

Kubernetes v1.35. Upstream read for this module (stored index of kubernetes/kubernetes and a
snapshot of kubernetes/apimachinery, eed236ce):

* ``pkg/apis/policy/validation/validation.go``: ``ValidatePodDisruptionBudgetSpec`` — both bounds
  refused together, each a non-negative integer or a percentage of at most 100%
  (``disruption_util.validate_budget_spec`` holds those rules and is called here), the selector
  validated as a label selector, ``unhealthyPodEvictionPolicy`` one of the two policies.
* apimachinery ``pkg/apis/meta/v1/helpers.go`` ``LabelSelectorAsSelector`` and ``pkg/labels/selector.go``
  ``Requirement.Matches``: a nil selector selects nothing, an empty one everything, otherwise every
  matchLabels pair and every matchExpressions requirement must hold (NotIn and DoesNotExist hold for
  a pod without the key). The evaluation is :meth:`kubecheck.manifest.objects.LabelSelector.matches`.
* ``pkg/apis/autoscaling/validation/validation.go``: ``validateHorizontalPodAutoscalerSpec``
  (minReplicas ≥ 1 — the ``HPAScaleToZero`` gate is alpha and off —, maxReplicas > 0 and ≥
  minReplicas), ``ValidateCrossVersionObjectReference`` (kind and name required, valid path segment
  names), ``validateMetricSpec`` / ``validateResourceSource`` / ``validateMetricTarget``
  (averageUtilization > 0; a utilization and a raw value not both), ``validateScalingRules`` /
  ``validateScalingPolicy`` (windows 0..3600 s, periods 1..1800 s, values > 0, at least one policy).
  Defaults (``pkg/apis/autoscaling/v2/defaults.go``, the v1 conversion): minReplicas 1; no metrics
  means CPU utilization 80% (``DefaultCPUUtilization``). An autoscaling/v1 object's
  ``targetCPUUtilizationPercentage`` is the Resource cpu Utilization metric after conversion; its
  errors are told at the v1 field, which is what the user wrote.
* ``pkg/controller/podautoscaler/horizontal.go`` ``reconcileAutoscaler``: the target is found by
  the group of ``scaleTargetRef.apiVersion`` and its kind through the REST mapper and read through
  ``/scale`` (a kind without that subresource, e.g. DaemonSet, gets ``AbleToScale=False,
  FailedGetScale``); ``validateAndParseSelector``: pods under several autoscalers get
  ``ScalingActive=False, AmbiguousSelector``.
* ``pkg/registry/core/pod/storage/eviction.go``: a pod matched by more than one budget is refused
  with a 500 (``disruption_util.MULTIPLE_BUDGETS``).

What this module gives the plan: :func:`deployment_scope_values` maps a Deployment's budget and
autoscaler onto the Deployment scope parameters agreed for issue 16 (``pdb-min-available`` …
``hpa-target-utilization``), saying what it leaves out; :func:`findings` lists the static problems
(a budget selecting no workload, pods under several budgets, an autoscaler without a scalable target,
pods under several autoscalers). Both are pure functions of the records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from kubecheck.manifest import objects as o
from kubecheck.manifest.fields import MISSING, Fields
from kubecheck.model.controllers import disruption_util as dis

#: The budget kind and the autoscaler kind, as ``Meta.kind``.
PDB, HPA = "PodDisruptionBudget", "HorizontalPodAutoscaler"
#: pkg/apis/autoscaling DefaultCPUUtilization: the target when an autoscaler names no metric.
DEFAULT_CPU_UTILIZATION = 80
#: validation.go MaxStabilizationWindowSeconds and MaxPeriodSeconds.
MAX_STABILIZATION_WINDOW_SECONDS, MAX_PERIOD_SECONDS = 3600, 1800
#: the metric source types (validMetricSourceTypes, sorted as sets.List prints them)
METRIC_TYPES = ("ContainerResource", "External", "Object", "Pods", "Resource")
_SOURCE_FIELD = {
    "Object": "object",
    "Pods": "pods",
    "Resource": "resource",
    "External": "external",
    "ContainerResource": "containerResource",
}
TARGET_TYPES = ("Utilization", "Value", "AverageValue")
#: kinds of the apps group whose objects have a /scale subresource, and the group's workloads without one
SCALABLE = {("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "ReplicaSet"), ("", "ReplicationController")}
_NEGATIVE_OR_ZERO = re.compile(r"^\s*(-.*|[+]?0*(\.0*)?[a-zA-Z]*)\s*$")


# ---- reading and validation --------------------------------------------------------------------


def read_budget(f: Fields, meta: o.Meta, selector: o.LabelSelector | None) -> o.Disruption:
    """A policy/v1 PodDisruptionBudget's record; its errors go to ``f`` (ValidatePodDisruptionBudgetSpec).

    ``selector`` is ``spec.selector`` already read and validated by the caller (None: absent)."""
    min_available = f.int_or_percent("spec.minAvailable")
    max_unavailable = f.int_or_percent("spec.maxUnavailable")
    policy = f.str("spec.unhealthyPodEvictionPolicy")
    spec = dis.BudgetSpec(min_available, max_unavailable, policy)
    for line in dis.validate_budget_spec(spec):
        path, _, message = line.partition(": ")
        f.add(path, message)
    detail = ", ".join(
        f"{name} {value}"
        for name, value in (("minAvailable", min_available), ("maxUnavailable", max_unavailable))
        if value is not None
    )
    budget = o.BudgetSpec(min_available, max_unavailable, policy, selector)
    if selector is None:
        selects = "none"
    elif not selector.match_labels and not selector.match_expressions:
        selects = "all"
    else:
        selects = "expressions" if selector.match_expressions else "labels"
    labels = selector.match_labels if selector else ()
    return o.Disruption(meta, selector=labels, detail=detail, selects=selects, budget=budget)


def check_path_segment_name(f: Fields, path: str, value: str) -> None:
    """pathvalidation.IsValidPathSegmentName: a name that can be a URL path segment."""
    if value in (".", ".."):
        f.invalid(path, value, f"may not be '{value}'")
    for bad in ("/", "%"):
        if bad in value:
            f.invalid(path, value, f"may not contain '{bad}'")


def _positive_quantity(f: Fields, path: str) -> bool:
    """Whether a quantity is present; a zero or negative one is refused ("must be positive")."""
    value = f.raw(path)
    if value is MISSING:
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        f.wrong_type(path, 'a quantity such as 500m or "1Gi"', value)
    elif (isinstance(value, (int, float)) and value <= 0) or (
        isinstance(value, str) and _NEGATIVE_OR_ZERO.match(value)
    ):
        f.invalid(path, value, "must be positive")
    return True


def _metric_target(f: Fields, base: str) -> tuple[str | None, int | None, bool]:
    """validateMetricTarget at ``base`` (…target): (type, averageUtilization, a raw value is set)."""
    kind = f.str(f"{base}.type")
    if kind is None:
        f.required(f"{base}.type", "must specify a metric target type")
    elif kind not in TARGET_TYPES:
        f.invalid(f"{base}.type", kind, "must be either Utilization, Value, or AverageValue")
    raw = _positive_quantity(f, f"{base}.value") | _positive_quantity(f, f"{base}.averageValue")
    utilization = f.int(f"{base}.averageUtilization", lo=None)
    if utilization is not None and utilization < 1:
        f.invalid(f"{base}.averageUtilization", utilization, "must be greater than 0")
        utilization = None
    return kind, utilization, raw


def _metric(f: Fields, i: int) -> tuple[int | None, str | None]:
    """validateMetricSpec for ``spec.metrics[i]``: (the cpu utilization it sets, or the metric in words)."""
    base = f"spec.metrics[{i}]"
    kind = f.str(f"{base}.type")
    if kind is None:
        f.required(f"{base}.type", "must specify a metric source type")
        return None, None
    if kind not in METRIC_TYPES:
        f.unsupported(f"{base}.type", kind, METRIC_TYPES)
        return None, None
    present = [t for t, name in _SOURCE_FIELD.items() if f.raw(f"{base}.{name}") is not MISSING]
    for other in present:
        if other != kind:
            f.forbidden(f"{base}.{_SOURCE_FIELD[other]}", "must populate the given metric source only")
    source = f"{base}.{_SOURCE_FIELD[kind]}"
    if kind not in present:
        f.required(source, "must populate information for the given metric source")
        return None, None
    if kind in ("Resource", "ContainerResource"):
        name = f.str(f"{source}.name")
        if not name:
            f.required(f"{source}.name", "must specify a resource name")
        if kind == "ContainerResource" and not f.str(f"{source}.container"):
            f.required(f"{source}.container", "must specify a container")
        target_type, utilization, raw = _metric_target(f, f"{source}.target")
        if utilization is None and not raw and not f.has_errors_at(f"{source}.target"):
            why = "must set either a target raw value or a target utilization"
            f.required(f"{source}.target.averageUtilization", why)
        if utilization is not None and raw and f.raw(f"{source}.target.averageValue") is not MISSING:
            f.forbidden(f"{source}.target.averageValue", "may not set both a target raw value and a target utilization")
        if kind == "Resource" and name == "cpu" and target_type == "Utilization" and utilization is not None:
            return utilization, None
        what = f"{target_type} {utilization}%" if utilization is not None else str(target_type)
        container = f" of container {f.str(f'{source}.container', '')}" if kind == "ContainerResource" else ""
        return None, f"{kind} {name}{container} {what}"
    metric_name = f.str(f"{source}.metric.name")
    if not metric_name:
        f.required(f"{source}.metric.name", "must specify a metric name")
    _metric_target(f, f"{source}.target")
    if kind == "Pods" and f.raw(f"{source}.target.averageValue") is MISSING:
        f.required(f"{source}.target.averageValue", "must specify a positive target averageValue")
    if kind in ("Object", "External"):
        has_value = f.raw(f"{source}.target.value") is not MISSING
        has_average = f.raw(f"{source}.target.averageValue") is not MISSING
        if not has_value and not has_average:
            f.required(f"{source}.target.averageValue", "must set either a target value or averageValue")
        if kind == "External" and has_value and has_average:
            f.forbidden(f"{source}.target.value", "may not set both a target value for metric and a per-pod target")
    return None, f"{kind} {metric_name}"


def _scaling_rules(f: Fields, base: str) -> None:
    """validateScalingRules and validateScalingPolicy at ``spec.behavior.scaleUp|scaleDown``."""
    if f.raw(base) is MISSING:
        return
    window = f.int(f"{base}.stabilizationWindowSeconds", lo=None)
    if window is not None and window < 0:
        f.invalid(f"{base}.stabilizationWindowSeconds", window, "must be greater than or equal to zero")
    if window is not None and window > MAX_STABILIZATION_WINDOW_SECONDS:
        why = f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"
        f.invalid(f"{base}.stabilizationWindowSeconds", window, why)
    f.choice(f"{base}.selectPolicy", ("Disabled", "Max", "Min"))
    policies = f.list(f"{base}.policies")
    if not policies:
        f.required(f"{base}.policies", "must specify at least one Policy")
    for i in range(len(policies)):
        p = f"{base}.policies[{i}]"
        f.choice(f"{p}.type", ("Percent", "Pods"))
        if f.raw(f"{p}.type") is MISSING:
            f.unsupported(f"{p}.type", "", ("Percent", "Pods"))
        for name in ("value", "periodSeconds"):
            got = f.int(f"{p}.{name}", 0, lo=None)
            if got <= 0 and not f.has_errors_at(f"{p}.{name}"):
                f.invalid(f"{p}.{name}", got, "must be greater than zero")
        period = f.int(f"{p}.periodSeconds", 0, lo=None)
        if period > MAX_PERIOD_SECONDS:
            f.invalid(f"{p}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}")


def read_autoscaler(f: Fields, meta: o.Meta) -> o.Disruption:
    """A HorizontalPodAutoscaler's record (autoscaling/v2 or v1); its errors go to ``f``
    (validateHorizontalPodAutoscalerSpec with the v2 defaults and the v1 conversion applied)."""
    v1 = f.str("apiVersion") == "autoscaling/v1"
    ref = "spec.scaleTargetRef"
    target_api = f.str(f"{ref}.apiVersion", "") or ""
    kind, name = f.str(f"{ref}.kind", "") or "", f.str(f"{ref}.name", "") or ""
    for path, value in ((f"{ref}.kind", kind), (f"{ref}.name", name)):
        if not value and not f.has_errors_at(path):
            f.required(path)
        elif value:
            check_path_segment_name(f, path, value)
    min_replicas = f.int("spec.minReplicas", 1, lo=None)
    if min_replicas < 1:
        f.invalid("spec.minReplicas", min_replicas, "must be greater than or equal to 1")
    max_replicas = f.int("spec.maxReplicas", 0, lo=None)
    if max_replicas < 1 and not f.has_errors_at("spec.maxReplicas"):
        f.invalid("spec.maxReplicas", max_replicas, "must be greater than 0")
    elif max_replicas < min_replicas:
        f.invalid("spec.maxReplicas", max_replicas, "must be greater than or equal to `minReplicas`")
    cpu: int | None = None
    others: list[str] = []
    if v1:
        cpu = f.int("spec.targetCPUUtilizationPercentage", DEFAULT_CPU_UTILIZATION, lo=None)
        if cpu < 1:
            f.invalid("spec.targetCPUUtilizationPercentage", cpu, "must be greater than 0")
    else:
        metrics = f.list("spec.metrics")
        if not metrics and not f.has_errors_at("spec.metrics"):
            cpu = DEFAULT_CPU_UTILIZATION  # SetDefaults_HorizontalPodAutoscaler
        for i in range(len(metrics)):
            utilization, words = _metric(f, i)
            if utilization is not None and cpu is None:
                cpu = utilization
            elif utilization is not None:
                others.append(f"Resource cpu Utilization {utilization}%")
            elif words:
                others.append(words)
        for direction in ("scaleUp", "scaleDown"):
            _scaling_rules(f, f"spec.behavior.{direction}")
    spec = o.AutoscalerSpec(
        target_api_version=target_api,
        target_kind=kind,
        target_name=name,
        min_replicas=min_replicas,
        max_replicas=max_replicas,
        cpu_utilization=cpu,
        other_metrics=tuple(others),
        has_behavior=not v1 and f.raw("spec.behavior") is not MISSING,
    )
    detail = f"minReplicas {min_replicas}, maxReplicas {max_replicas}"
    return o.Disruption(meta, target=(kind, name), detail=detail, autoscaler=spec)


# ---- matching ----------------------------------------------------------------------------------

Workload = o.Deployment | o.StatefulSet | o.DaemonSet


def budgets_of(w: Workload, records: Sequence[o.Record]) -> list[o.Disruption]:
    """The PodDisruptionBudgets whose selector selects ``w``'s pods (same namespace, template labels)."""
    labels = dict(w.template.labels)
    return [
        r
        for r in records
        if isinstance(r, o.Disruption) and r.meta.kind == PDB and r.selects_pods(w.meta.namespace, labels)
    ]


def _group(api_version: str) -> str:
    """schema.ParseGroupVersion's group: "apps/v1" → "apps", "v1" and "" → the core group ""."""
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def targets(hpa: o.Disruption, w: Workload) -> bool:
    """Whether ``hpa``'s scaleTargetRef names ``w``: same namespace, kind, name and API group."""
    spec = hpa.autoscaler
    if spec is None or hpa.meta.namespace != w.meta.namespace:
        return False
    return (spec.target_kind, spec.target_name, _group(spec.target_api_version)) == (w.meta.kind, w.meta.name, "apps")


def autoscalers_of(w: Workload, records: Sequence[o.Record]) -> list[o.Disruption]:
    """The HorizontalPodAutoscalers whose scaleTargetRef names ``w``."""
    return [r for r in records if isinstance(r, o.Disruption) and r.meta.kind == HPA and targets(r, w)]


def _workloads(records: Sequence[o.Record]) -> list[Workload]:
    return [r for r in records if isinstance(r, (o.Deployment, o.StatefulSet, o.DaemonSet))]


# ---- findings ----------------------------------------------------------------------------------


@attrs.frozen
class Finding:
    """One static problem: the object it is about (``poddisruptionbudget/web``) and what is wrong."""

    ref: str
    text: str
    topic: str = PDB  # PDB: about budgets; HPA: about autoscalers

    def __str__(self) -> str:
        return f"{self.ref}: {self.text}"


def _target_finding(hpa: o.Disruption, spec: o.AutoscalerSpec, found: Sequence[Workload]) -> str | None:
    """Why ``hpa``'s target is not a scalable workload of these manifests (None: it is)."""
    group, kind, name = _group(spec.target_api_version), spec.target_kind, spec.target_name
    named = [w for w in found if w.meta.namespace == hpa.meta.namespace and (w.meta.kind, w.meta.name) == (kind, name)]
    if (group, kind) == ("apps", "DaemonSet"):
        return (
            f"its target daemonset/{name} has no /scale subresource: the autoscaler cannot scale it "
            "(AbleToScale False, FailedGetScale); a DaemonSet runs one pod per eligible node"
        )
    if named and group != "apps":
        return (
            f"scaleTargetRef.apiVersion {spec.target_api_version or '(empty)'} puts {kind} in the "
            f"{'core' if not group else group} group, where the REST mapper finds no {kind} "
            "(AbleToScale False, FailedGetScale); use apps/v1"
        )
    if (group, kind) not in SCALABLE and "." not in group:
        api = spec.target_api_version or "core group"
        return f"scaleTargetRef {kind} ({api}) is not a kind with a /scale subresource"
    if not named and (group, kind) in SCALABLE:
        return (
            f"its target {kind.lower()}/{name} is not in these manifests (namespace {hpa.meta.namespace}); "
            "the autoscaler is not checked with any workload"
        )
    if named and getattr(named[0], "replicas", None) == 0 and spec.min_replicas != 0:
        return (
            f"its target {kind.lower()}/{name} has spec.replicas 0: the autoscaler does not scale it until it has "
            "replicas (ScalingActive False, ScalingDisabled)"
        )
    return None


def findings(records: Sequence[o.Record]) -> list[Finding]:
    """The static problems of the budgets and autoscalers among ``records``, in manifest order.

    * a budget that selects no pod template of these manifests (a nil selector selects none);
    * a workload whose pods match several budgets: every eviction of them is refused (500);
    * an autoscaler whose target is a DaemonSet, a kind without /scale, a wrong API group, or not here;
    * a workload targeted by several autoscalers (ScalingActive False, AmbiguousSelector).
    """
    found = _workloads(records)
    out: list[Finding] = []
    for r in records:
        if not isinstance(r, o.Disruption):
            continue
        if r.meta.kind == PDB and not any(r.selects_pods(w.meta.namespace, dict(w.template.labels)) for w in found):
            why = (
                "it has no selector (policy/v1: a nil selector selects no pod)"
                if r.selects == "none"
                else f"no pod template in namespace {r.meta.namespace} matches its selector"
            )
            out.append(Finding(r.meta.ref, f"selects no pod of the workloads in these manifests: {why}"))
        if r.meta.kind == PDB and r.budget and r.budget.min_available is None and r.budget.max_unavailable is None:
            out.append(
                Finding(
                    r.meta.ref,
                    "sets neither minAvailable nor maxUnavailable: the disruption controller expects 0 pods and "
                    "publishes disruptionsAllowed 0, so the eviction API refuses (429) every eviction of a Ready pod "
                    "it selects",
                )
            )
        if r.meta.kind == HPA and r.autoscaler is not None:
            text = _target_finding(r, r.autoscaler, found)
            if text:
                out.append(Finding(r.meta.ref, text, HPA))
    for w in found:
        budgets = budgets_of(w, records)
        if len(budgets) > 1:
            names = ", ".join(b.meta.ref for b in budgets)
            out.append(
                Finding(
                    w.meta.ref,
                    f"its pods match {len(budgets)} PodDisruptionBudgets ({names}): every eviction of them is refused "
                    f"({dis.OUTCOME_NAMES[dis.MULTIPLE_BUDGETS]}), so a drain of their node never finishes",
                )
            )
        hpas = autoscalers_of(w, records)
        if len(hpas) > 1:
            names = ", ".join(h.meta.ref for h in hpas)
            out.append(
                Finding(
                    w.meta.ref,
                    f"{len(hpas)} HorizontalPodAutoscalers target it ({names}): its pods are controlled by multiple "
                    "HPAs, so none of them scales it (ScalingActive False, AmbiguousSelector)",
                    HPA,
                )
            )
    return out


# ---- the Deployment scope parameters -----------------------------------------------------------


@attrs.frozen
class ScopeValues:
    """The Deployment scope parameters a workload's budget and autoscaler set, and what they leave out.

    ``params`` holds every parameter of the issue 16 interface this module decides, in a fixed order,
    as the strings the scope reads ("none", "2", "50%"); ``not_modelled`` says, one line each, what of
    the manifests' budgets and autoscalers the values do not carry."""

    params: tuple[tuple[str, str], ...]
    not_modelled: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return dict(self.params)


#: The parameters' values when no budget and no autoscaler apply (the scope's defaults).
OFF = (
    ("pdb-min-available", "none"),
    ("pdb-max-unavailable", "none"),
    ("pdb-unhealthy-policy", dis.IF_HEALTHY_BUDGET),
    ("hpa-max-replicas", "none"),
    ("hpa-min-replicas", "1"),
    ("hpa-target-utilization", "100"),
)


def _budget_values(d: o.Deployment, records: Sequence[o.Record]) -> tuple[dict[str, str], list[str]]:
    budgets = budgets_of(d, records)
    if len(budgets) > 1:
        names = ", ".join(b.meta.ref for b in budgets)
        return {}, [
            f"pods under {len(budgets)} PodDisruptionBudgets ({names}): the scope models one budget; every eviction "
            "of these pods is refused (500)"
        ]
    if not budgets or budgets[0].budget is None:
        return {}, []
    b = budgets[0].budget
    out = {"pdb-unhealthy-policy": b.unhealthy_policy or dis.IF_HEALTHY_BUDGET}
    if b.min_available is not None:
        out["pdb-min-available"] = str(b.min_available)
    if b.max_unavailable is not None:
        out["pdb-max-unavailable"] = str(b.max_unavailable)
    notes = []
    others = [
        w.meta.ref
        for w in _workloads(records)
        if w is not d and budgets[0].selects_pods(w.meta.namespace, dict(w.template.labels))
    ]
    if others:
        notes.append(
            f"{budgets[0].meta.ref} also selects the pods of {', '.join(others)}: the scope counts this "
            "Deployment's pods only"
        )
    if b.min_available is None and b.max_unavailable is None:
        notes.append(
            f"{budgets[0].meta.ref} sets neither minAvailable nor maxUnavailable: upstream refuses every eviction of "
            "its Ready pods (disruptionsAllowed 0), which the pdb-* parameters cannot say"
        )
    return out, notes


def _autoscaler_values(d: o.Deployment, records: Sequence[o.Record]) -> tuple[dict[str, str], list[str]]:
    hpas = autoscalers_of(d, records)
    if len(hpas) > 1:
        names = ", ".join(h.meta.ref for h in hpas)
        why = f"{len(hpas)} HorizontalPodAutoscalers target it ({names}): none of them scales it (AmbiguousSelector)"
        return {}, [why]
    if not hpas or hpas[0].autoscaler is None:
        return {}, []
    h, ref = hpas[0].autoscaler, hpas[0].meta.ref
    notes = []
    if h.has_behavior:
        notes.append(f"{ref}: spec.behavior (scaling policies and windows) is not modelled; the default behaviour is")
    if h.cpu_utilization is None:
        what = "; ".join(h.other_metrics) or "no metric"
        notes.append(f"{ref}: no CPU utilization target ({what}): the autoscaler is not modelled")
        return {}, notes
    if h.other_metrics:
        notes.append(
            f"{ref}: metrics other than CPU utilization are not modelled ({'; '.join(h.other_metrics)}); "
            "upstream scales to the largest proposal over all metrics"
        )
    out = {
        "hpa-max-replicas": str(h.max_replicas),
        "hpa-min-replicas": str(h.min_replicas),
        "hpa-target-utilization": str(h.cpu_utilization),
    }
    return out, notes


def deployment_scope_values(d: o.Deployment, records: Sequence[o.Record]) -> ScopeValues:
    """The issue 16 Deployment scope parameters for ``d`` from its budget and autoscaler among ``records``.

    A budget's bounds and policy are passed as written (the scope resolves percentages as the
    disruption controller does); an autoscaler gives its min/max replicas and the Resource cpu
    Utilization target. Several budgets or several autoscalers leave the parameters off and say why.
    """
    values = dict(OFF)
    budget, notes = _budget_values(d, records)
    scaling, more = _autoscaler_values(d, records)
    values.update(budget)
    values.update(scaling)
    return ScopeValues(tuple((k, values[k]) for k, _ in OFF), tuple(notes + more))
