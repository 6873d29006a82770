"""Read PodDisruptionBudget and HorizontalPodAutoscaler documents as the API server validates them.

Kubernetes v1.35. Upstream read (stored index of kubernetes/kubernetes and a snapshot of
kubernetes/apimachinery, eed236ce):

* ``pkg/apis/policy/validation/validation.go``: ``ValidatePodDisruptionBudgetSpec`` — both bounds
  refused together, each a non-negative integer or a percentage of at most 100%
  (``disruption_util.validate_budget_spec`` holds those rules and is called here), the selector
  validated as a label selector (``validation._requirement``, ValidateLabelSelectorRequirement),
  ``unhealthyPodEvictionPolicy`` one of the two policies.
* ``pkg/apis/autoscaling/validation/validation.go``: ``validateHorizontalPodAutoscalerSpec``
  (minReplicas ≥ 1 — the ``HPAScaleToZero`` gate is alpha and off —, maxReplicas > 0 and ≥
  minReplicas), ``ValidateCrossVersionObjectReference`` (kind and name required, valid path segment
  names: ``path.IsValidPathSegmentName``, also RBAC's ``ValidateRBACName``), ``validateMetricSpec`` /
  ``validateResourceSource`` / ``validateMetricTarget`` (averageUtilization > 0; a utilization and a
  raw value not both), ``validateScalingRules`` / ``validateScalingPolicy`` (windows 0..3600 s,
  periods 1..1800 s, values > 0, a policy list given empty is refused). A quantity's sign is judged from its text
  (a leading ``-`` or all zeros), not parsed as ``resource.Quantity`` does.
* Defaults (``pkg/apis/autoscaling/v2/defaults.go``, the v1 conversion): minReplicas 1; no metrics
  means CPU utilization 80% (``DefaultCPUUtilization``); a spec.behavior direction left out, or a field of it
  left nil, takes ``GenerateHPAScaleUpRules`` / ``GenerateHPAScaleDownRules``' values (``copyHPAScalingRules``
  copies only what is set), which ``hpa_util.scale_up_rules`` / ``scale_down_rules`` hold. An autoscaling/v1 object's
  ``targetCPUUtilizationPercentage`` is the Resource cpu Utilization metric after conversion; its
  errors are told at the v1 field, which is what the user wrote (the API server names the
  converted path).

Errors are recorded on the document's :class:`~kubecheck.manifest.fields.Fields` (one line each:
field, expected, got), so a bad budget or autoscaler is refused like any other document (exit 2).
"""

from __future__ import annotations

import re

from kubecheck.manifest import objects as o
from kubecheck.manifest.fields import MISSING, Fields
from kubecheck.model.controllers import disruption_util as dis
from kubecheck.model.controllers import hpa_util as hu

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
_NEGATIVE_OR_ZERO = re.compile(r"^\s*(-.*|[+]?0*(\.0*)?[a-zA-Z]*)\s*$")


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
    # an omitted list takes the defaults (copyHPAScalingRules copies a non-nil list only); `policies: []` is refused
    if not policies and f.raw(f"{base}.policies") is not MISSING:
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


def _tolerance(f: Fields, path: str) -> str | None:
    """A direction's ``tolerance`` as written (a Quantity: "0.05", "50m", or a YAML number), checked as the API
    server does: a value resource.Quantity cannot decode is refused, and validateScalingRules a negative one."""
    value = f.raw(path)
    if value is MISSING or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        f.wrong_type(path, 'a quantity such as 0.05 or "50m"', value)
        return None
    text = repr(value) if isinstance(value, float) else str(value)
    try:
        quantity = hu.parse_quantity(text)
    except hu.QuantityError as err:
        f.invalid(path, value, str(err))
        return None
    if quantity.sign() < 0:
        f.invalid(path, value, "must be greater or equal to zero")
        return None
    return text


def _defaulted_rules(f: Fields, base: str, up: bool) -> str:
    """One direction's rules as the API stores them (GenerateHPAScale{Up,Down}Rules: what is nil takes the
    default; a nil scale-down window the controller's 300 s), in the scope's spelling (hpa-scale-up/-down)."""
    window = f.int(f"{base}.stabilizationWindowSeconds", lo=None)
    select = f.str(f"{base}.selectPolicy")
    given = f.raw(f"{base}.policies")
    policies = None
    if given is not MISSING:
        policies = [
            hu.ScalingPolicy(
                f.str(f"{base}.policies[{i}].type", hu.PODS_POLICY) or hu.PODS_POLICY,
                f.int(f"{base}.policies[{i}].value", 1, lo=None),
                f.int(f"{base}.policies[{i}].periodSeconds", 1, lo=None),
            )
            for i in range(len(f.list(f"{base}.policies")))
        ]
    make = hu.scale_up_rules if up else hu.scale_down_rules
    return str(make(window, select or None, policies))


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
    behavior = not v1 and f.raw("spec.behavior") is not MISSING
    rules = (
        (_defaulted_rules(f, "spec.behavior.scaleUp", True), _defaulted_rules(f, "spec.behavior.scaleDown", False))
        if behavior and not f.errors
        else (None, None)
    )
    tolerances = [_tolerance(f, f"spec.behavior.{d}.tolerance") if behavior else None for d in ("scaleUp", "scaleDown")]
    spec = o.AutoscalerSpec(
        target_api_version=target_api,
        target_kind=kind,
        target_name=name,
        min_replicas=min_replicas,
        max_replicas=max_replicas,
        cpu_utilization=cpu,
        other_metrics=tuple(others),
        has_behavior=behavior,
        scale_up=rules[0],
        scale_down=rules[1],
        scale_up_tolerance=tolerances[0],
        scale_down_tolerance=tolerances[1],
    )
    detail = f"minReplicas {min_replicas}, maxReplicas {max_replicas}"
    return o.Disruption(meta, target=(kind, name), detail=detail, autoscaler=spec)
