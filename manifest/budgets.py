"""PodDisruptionBudgets and HorizontalPodAutoscalers of ``check -f`` input: match, report, map to scope.

Kubernetes v1.35. The documents are read and validated by :mod:`.disruption_specs`; this module
takes the records. Upstream read (stored index of kubernetes/kubernetes, snapshot of
kubernetes/apimachinery eed236ce):

* apimachinery ``pkg/apis/meta/v1/helpers.go`` ``LabelSelectorAsSelector`` and ``pkg/labels/selector.go``
  ``Requirement.Matches``: a nil selector selects nothing, an empty one everything, otherwise every
  matchLabels pair and every matchExpressions requirement must hold (NotIn and DoesNotExist hold for
  a pod without the key). The evaluation is :meth:`kubecheck.manifest.objects.LabelSelector.matches`;
  a budget selects a workload's pods by their template labels in the budget's namespace.
* ``pkg/registry/core/pod/storage/eviction.go``: a pod matched by more than one budget is refused
  with a 500 (``disruption_util.MULTIPLE_BUDGETS``).
* ``pkg/controller/disruption/disruption.go`` ``getExpectedPodCount`` / ``updatePdbStatus``: a
  budget with neither bound expects 0 pods and publishes disruptionsAllowed 0. ``finders``: a
  DaemonSet's pod resolves through none of the four listers (ReplicationController, Deployment,
  ReplicaSet, StatefulSet), and ``getScaleController`` fails ("daemonsets.apps does not implement the
  scale subresource"), so a budget whose bound needs the controllers' scale (maxUnavailable, or a
  percentage minAvailable) fails every sync over DaemonSet pods and ``failSafe`` writes
  disruptionsAllowed 0 (an integer minAvailable counts the pods and never asks).
* ``pkg/controller/podautoscaler/horizontal.go`` ``reconcileAutoscaler``: the target is found by
  the group of ``scaleTargetRef.apiVersion`` and its kind through the REST mapper and read through
  ``/scale`` (a kind without that subresource, e.g. DaemonSet, gets ``AbleToScale=False,
  FailedGetScale``); a target with spec.replicas 0 is not scaled (``ScalingDisabled``);
  ``validateAndParseSelector``: pods under several autoscalers get ``ScalingActive=False,
  AmbiguousSelector``.

What this module gives the plan: :func:`deployment_scope_values` maps a Deployment's budget and
autoscaler onto the Deployment scope parameters agreed for issue 16 (``pdb-min-available`` …
``hpa-target-utilization``), saying what it leaves out; :func:`statefulset_scope_values` does the same
for a StatefulSet's budget (the StatefulSet model has the three ``pdb-*`` parameters; its pods resolve to
the set through the disruption controller's ``getPodStatefulSet`` finder); :func:`findings` lists the static problems
(a budget selecting no workload or without bounds, pods under several budgets, an autoscaler without
a scalable target, pods under several autoscalers). Both are pure functions of the records. Which
workload an autoscaler targets, and its ``hpa-*`` values, are :mod:`.autoscalers`'.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kubecheck.manifest import objects as o
from kubecheck.manifest.autoscalers import HPA, Workload, autoscaler_values, autoscalers_of, group_of
from kubecheck.model.controllers import disruption_util as dis

#: The budget kind, as ``Meta.kind`` (``HPA``, the autoscaler kind, comes from :mod:`.autoscalers`).
PDB = "PodDisruptionBudget"
#: kinds of the apps group whose objects have a /scale subresource, and the group's workloads without one
SCALABLE = {("apps", "Deployment"), ("apps", "StatefulSet"), ("apps", "ReplicaSet"), ("", "ReplicationController")}


# ---- matching ----------------------------------------------------------------------------------


def budgets_of(w: Workload, records: Sequence[o.Record]) -> list[o.Disruption]:
    """The PodDisruptionBudgets whose selector selects ``w``'s pods (same namespace, template labels)."""
    labels = dict(w.template.labels)
    return [
        r
        for r in records
        if isinstance(r, o.Disruption) and r.meta.kind == PDB and r.selects_pods(w.meta.namespace, labels)
    ]


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
    group, kind, name = group_of(spec.target_api_version), spec.target_kind, spec.target_name
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
    * a budget whose bound needs the scale (maxUnavailable, percentage minAvailable) over DaemonSet pods;
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
        if r.meta.kind == PDB and r.budget and _needs_scale(r.budget):
            daemons = [w for w in found if isinstance(w, o.DaemonSet) and _selects(r, w)]
            if daemons:
                out.append(Finding(r.meta.ref, _daemonset_scale_finding(daemons)))
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


def _needs_scale(spec: o.BudgetSpec) -> bool:
    """getExpectedPodCount asks the finders for the controllers' scale: maxUnavailable or a percentage minAvailable."""
    least = spec.min_available
    return spec.max_unavailable is not None or (least is not None and least.is_percent)


def _selects(budget: o.Disruption, w: Workload) -> bool:
    return bool(budget.selects_pods(w.meta.namespace, dict(w.template.labels)))


def _daemonset_scale_finding(daemons: Sequence[o.DaemonSet]) -> str:
    names = ", ".join(d.meta.ref for d in daemons)
    return (
        f"selects the pods of {names} with maxUnavailable or a percentage minAvailable: the disruption controller "
        "finds no scale for a DaemonSet (daemonsets.apps does not implement the scale subresource), so every sync "
        "fails and disruptionsAllowed stays 0: the eviction API refuses (429) every eviction of a Ready pod it "
        "selects (an integer minAvailable counts the pods instead)"
    )


# ---- the Deployment scope parameters -----------------------------------------------------------


@attrs.frozen
class ScopeValues:
    """The Deployment scope parameters a workload's budget and autoscaler set, and what they leave out.

    ``params`` holds every parameter of the issue 16 interface this module decides, in a fixed order,
    as the strings the scope reads ("none", "2", "50%"); ``not_modelled`` says, one line each, what of
    the manifests' budgets and autoscalers the values do not carry; ``assumed``, what the values take
    on trust (the other workloads' pods behind a shared budget are Ready)."""

    params: tuple[tuple[str, str], ...]
    not_modelled: tuple[str, ...] = ()
    assumed: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return dict(self.params)


#: The parameters' values when no budget and no autoscaler apply (the scope's defaults).
OFF = (
    ("pdb-min-available", "none"),
    ("pdb-max-unavailable", "none"),
    ("pdb-unhealthy-policy", dis.IF_HEALTHY_BUDGET),
    ("pdb-other-pods", "0"),
    ("pdb-other-churn", "0"),
    ("pdb-second-budget", "false"),
    ("hpa-max-replicas", "none"),
    ("hpa-min-replicas", "1"),
    ("hpa-target-utilization", "100"),
    ("hpa-scale-up", "none"),
    ("hpa-scale-down", "none"),
    ("hpa-scale-up-tolerance", "none"),
    ("hpa-scale-down-tolerance", "none"),
)


def _budget_values(
    d: o.Deployment | o.StatefulSet | o.DaemonSet, records: Sequence[o.Record]
) -> tuple[dict[str, str], list[str]]:
    budgets = budgets_of(d, records)
    several: list[str] = []
    if len(budgets) > 1:  # eviction.go: 500 for every pod canIgnorePDB does not let go (pdb-second-budget)
        names = ", ".join(b.meta.ref for b in budgets)
        bounded = [
            b
            for b in budgets
            if b.budget is not None and (b.budget.min_available is not None or b.budget.max_unavailable is not None)
        ]
        if not bounded:
            return {}, [
                f"pods under {len(budgets)} PodDisruptionBudgets ({names}), none with a bound: the scope needs one; "
                "every eviction of these pods is refused (500)"
            ]
        several = [
            f"pods under {len(budgets)} PodDisruptionBudgets ({names}): checked with {bounded[0].meta.ref}'s spec and "
            "a second budget (pdb-second-budget: the eviction API answers 500 for every pod it does not delete "
            "outright); the other budgets' own bounds are not checked"
        ]
        budgets = bounded[:1]
    if not budgets or budgets[0].budget is None:
        return {}, []
    b = budgets[0].budget
    out = {"pdb-unhealthy-policy": b.unhealthy_policy or dis.IF_HEALTHY_BUDGET}
    if several:
        out["pdb-second-budget"] = "true"
    if b.min_available is not None:
        out["pdb-min-available"] = str(b.min_available)
    if b.max_unavailable is not None:
        out["pdb-max-unavailable"] = str(b.max_unavailable)
    notes = several
    others = [
        w.meta.ref
        for w in _workloads(records)
        if w is not d and budgets[0].selects_pods(w.meta.namespace, dict(w.template.labels))
    ]
    if others:
        other_pods, note = _other_pods(d, budgets[0], records)
        if other_pods:
            out["pdb-other-pods"] = str(other_pods)
            out[ASSUMED] = note
        else:
            notes.append(note)
    if b.min_available is None and b.max_unavailable is None:
        notes.append(
            f"{budgets[0].meta.ref} sets neither minAvailable nor maxUnavailable: upstream refuses every eviction of "
            "its Ready pods (disruptionsAllowed 0), which the pdb-* parameters cannot say"
        )
    return out, notes


#: The key under which :func:`_budget_values` passes what it assumed (never a scope parameter).
ASSUMED = "assumed"
#: The most pods of other workloads the Deployment scope takes behind its budget (``pdb-other-pods``).
MAX_OTHER_PODS = 4
#: The other workloads' pods are taken as Ready (``pdb-other-churn`` 0, named in the note): with churn the drain rows
#: find a lasso in which one pod of theirs flaps so that every retry of kubectl meets a 429 — an adversary timed
#: against the retries, under weak fairness — which would fail CI for every shared budget without slack. The
#: model has it for `kubecheck check deployment --set pdb-other-churn=1` (papers/disruption-actors.md §7).


def _other_pods(
    d: o.Deployment | o.StatefulSet | o.DaemonSet, budget: o.Disruption, records: Sequence[o.Record]
) -> tuple[int, str]:
    """Several workloads behind one budget: the other workloads' pod count the Deployment scope takes
    (their controllers' spec.replicas, as getExpectedScale sums them) and the row's note; 0 when the
    scope cannot take them (a StatefulSet's scope, a DaemonSet among them, more than MAX_OTHER_PODS)."""
    others = [
        w for w in _workloads(records) if w is not d and budget.selects_pods(w.meta.namespace, dict(w.template.labels))
    ]
    names = ", ".join(w.meta.ref for w in others)
    alone = f"{budget.meta.ref} also selects the pods of {names}: the scope counts this {d.meta.kind}'s pods only"
    if not isinstance(d, o.Deployment):
        return 0, alone
    if any(isinstance(w, o.DaemonSet) for w in others):
        if budget.budget is not None and _needs_scale(budget.budget):  # getScaleController fails: failSafe
            return 0, alone + (
                " (a DaemonSet's pod count depends on the nodes); upstream every sync of this budget fails on the "
                "DaemonSet's pods (no /scale) and keeps disruptionsAllowed 0, which the rows here do not assume"
            )
        return 0, alone + " (a DaemonSet's pod count depends on the nodes)"
    count = sum(w.replicas for w in others if isinstance(w, (o.Deployment, o.StatefulSet)))
    if count > MAX_OTHER_PODS:
        return 0, alone + f" (their {count} pods are more than the {MAX_OTHER_PODS} the scope takes)"
    if count == 0:
        return 0, alone + " (they have no replicas)"
    return count, (
        f"{budget.meta.ref} also selects the pods of {names}: their {count} pods count toward the budget "
        "(pdb-other-pods), assumed Ready and not on a drained node"
    )


def deployment_scope_values(d: o.Deployment, records: Sequence[o.Record]) -> ScopeValues:
    """The issue 16 Deployment scope parameters for ``d`` from its budget and autoscaler among ``records``.

    A budget's bounds and policy are passed as written (the scope resolves percentages as the
    disruption controller does); an autoscaler gives its min/max replicas and the Resource cpu
    Utilization target. Several budgets give the first with a bound and ``pdb-second-budget`` (the eviction
    API's 500); several autoscalers leave the parameters off and say why.
    """
    values = dict(OFF)
    budget, notes = _budget_values(d, records)
    assumed = budget.pop(ASSUMED, None)
    scaling, more, trusted = autoscaler_values(d, records)
    values.update(budget)
    values.update(scaling)
    assumes = ((assumed,) if assumed else ()) + tuple(trusted)
    return ScopeValues(tuple((k, values[k]) for k, _ in OFF), tuple(notes + more), assumes)


#: The StatefulSet scope's budget parameters when no budget applies (the scope's defaults).
STATEFULSET_OFF = tuple(
    kv for kv in OFF if kv[0].startswith("pdb-") and kv[0] not in ("pdb-other-pods", "pdb-other-churn")
)


def statefulset_scope_values(s: o.StatefulSet, records: Sequence[o.Record]) -> ScopeValues:
    """The issue 16 StatefulSet scope parameters for ``s`` from its budget among ``records``: the bounds and
    the policy as written (the disruption controller resolves a percentage against the set's spec.replicas,
    which its ``getPodStatefulSet`` finder reads). Several budgets: the first with a bound and ``pdb-second-budget``;
    an autoscaler stays out of these values (the StatefulSet model has none: the caller says so)."""
    values = dict(STATEFULSET_OFF)
    budget, notes = _budget_values(s, records)
    values.update(budget)
    return ScopeValues(tuple((k, values[k]) for k, _ in STATEFULSET_OFF), tuple(notes))


def daemonset_scope_values(d: o.DaemonSet, records: Sequence[o.Record]) -> ScopeValues:
    """The issue 16 DaemonSet scope parameters for ``d`` from its budget among ``records``: the bounds and the policy
    as written (the DaemonSet model computes the status as upstream does for DaemonSet pods: a scale-based bound
    fails every sync, failSafe; an integer minAvailable counts the pods). Several budgets: the first with a bound
    and ``pdb-second-budget``. The static finding (:func:`_daemonset_scale_finding`) stays as the rows' explanation."""
    values = dict(STATEFULSET_OFF)
    budget, notes = _budget_values(d, records)
    values.update(budget)
    scaled = [b for b in budgets_of(d, records) if b.budget is not None and _needs_scale(b.budget)]
    explained = tuple(f"{b.meta.ref} {_daemonset_scale_finding([d])}" for b in scaled)
    return ScopeValues(tuple((k, values[k]) for k, _ in STATEFULSET_OFF), tuple(notes), explained)
