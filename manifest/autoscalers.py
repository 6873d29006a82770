"""HorizontalPodAutoscalers of ``check -f`` input: which workload each targets, and its scope values.

Kubernetes v1.35. The documents are read and validated by :mod:`.disruption_specs`; this module
takes the records. Upstream read (stored index of kubernetes/kubernetes):

* ``pkg/controller/podautoscaler/horizontal.go`` ``reconcileAutoscaler``: the target is found by
  the group of ``scaleTargetRef.apiVersion`` and its kind through the REST mapper and read through
  ``/scale``; ``validateAndParseSelector``: pods under several autoscalers get ``ScalingActive=False,
  AmbiguousSelector``, so none of the autoscalers scales them.

:func:`autoscaler_values` maps the one autoscaler of a Deployment onto the Deployment scope's
``hpa-*`` parameters, saying what it leaves out; :mod:`.budgets` combines them with the budget's.
``spec.behavior`` goes in as written, each direction with the API's defaults filled in (``hpa-scale-up``,
``hpa-scale-down``; a nil scale-down window is the controller's 300 s flag default), and so does each direction's
``tolerance`` (``hpa-scale-up-tolerance``, ``hpa-scale-down-tolerance``, the Quantity's text): the
``HPAConfigurableTolerance`` gate is Beta and on by default in v1.35 (``pkg/features/kube_features.go``), so the
API server keeps the field and ``tolerancesForHpa`` (horizontal.go) uses it; the gate changes the answer, so the
row's assumptions name it.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubecheck.manifest import objects as o

#: The autoscaler kind, as ``Meta.kind``.
HPA = "HorizontalPodAutoscaler"

Workload = o.Deployment | o.StatefulSet | o.DaemonSet


def group_of(api_version: str) -> str:
    """schema.ParseGroupVersion's group: "apps/v1" → "apps", "v1" and "" → the core group ""."""
    return api_version.rpartition("/")[0] if "/" in api_version else ""


def targets(hpa: o.Disruption, w: Workload) -> bool:
    """Whether ``hpa``'s scaleTargetRef names ``w``: same namespace, kind, name and API group."""
    spec = hpa.autoscaler
    if spec is None or hpa.meta.namespace != w.meta.namespace:
        return False
    return (spec.target_kind, spec.target_name, group_of(spec.target_api_version)) == (w.meta.kind, w.meta.name, "apps")


def autoscalers_of(w: Workload, records: Sequence[o.Record]) -> list[o.Disruption]:
    """The HorizontalPodAutoscalers whose scaleTargetRef names ``w``."""
    return [r for r in records if isinstance(r, o.Disruption) and r.meta.kind == HPA and targets(r, w)]


def autoscaler_values(d: o.Deployment, records: Sequence[o.Record]) -> tuple[dict[str, str], list[str], list[str]]:
    """The ``hpa-*`` scope parameters ``d``'s one autoscaler sets, one note per thing not modelled, and what the
    values assume (a tolerance honoured as the feature gate's default has it)."""
    hpas = autoscalers_of(d, records)
    if len(hpas) > 1:
        names = ", ".join(h.meta.ref for h in hpas)
        why = f"{len(hpas)} HorizontalPodAutoscalers target it ({names}): none of them scales it (AmbiguousSelector)"
        return {}, [why], []
    if not hpas or hpas[0].autoscaler is None:
        return {}, [], []
    h, ref = hpas[0].autoscaler, hpas[0].meta.ref
    notes: list[str] = []
    if h.cpu_utilization is None:
        what = "; ".join(h.other_metrics) or "no metric"
        notes.append(f"{ref}: no CPU utilization target ({what}): the autoscaler is not modelled")
        return {}, notes, []
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
    assumed = []
    if h.scale_up is not None and h.scale_down is not None:  # spec.behavior, with the API's defaults filled in
        out |= {"hpa-scale-up": h.scale_up, "hpa-scale-down": h.scale_down}
        set_ = {"up": h.scale_up_tolerance, "down": h.scale_down_tolerance}
        out |= {f"hpa-scale-{k}-tolerance": v for k, v in set_.items() if v is not None}
        written = [f"scale{k.capitalize()} {v}" for k, v in set_.items() if v is not None]
        if written:
            assumed.append(
                f"{ref}: spec.behavior's tolerance ({', '.join(written)}) is honoured: HPAConfigurableTolerance is "
                "Beta and on by default in v1.35 (with the gate off the API server drops the field and the "
                "controller's 0.1 applies)"
            )
    return out, notes, assumed
