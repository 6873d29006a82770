"""Map each workload of the manifests to a model and the scope that states its numbers.

* Deployment → the ``deployment`` model: replicas, strategy, maxSurge, maxUnavailable,
  minReadySeconds and revisionHistoryLimit from the manifest, and the first shared claim with
  its access mode (the bound PersistentVolume's, else the claim's). A claim the manifests do not
  define (it lives in another file) has no known mode: the Deployment is checked under
  ``--assume-access-mode``, or once per mode that behaves differently in the model
  (:func:`modes_to_check`), each variant naming its assumption (``Workload.assumption``).
* StatefulSet → ``statefulset``: replicas, ordinals.start, podManagementPolicy, updateStrategy
  (partition, maxUnavailable), minReadySeconds, the PVC retention policy and the first claim
  template (its name: claims are ``<template>-<set>-<ordinal>``) with its access mode (from the
  template, or the bound PersistentVolume's modes: the attach/detach controller decides
  multi-attach from the PV, k8s-semantics.md §6.1), and (issue 16) the PodDisruptionBudget over
  its pods as written (:func:`kubecheck.manifest.budgets.statefulset_scope_values`).
* DaemonSet → ``daemonset``: updateStrategy and minReadySeconds; nodes from ``--nodes``; a
  nodeSelector or node affinity makes the last node ineligible and lets node labels change once.
  The traces name the template's own nodeSelector (``node-selector``), never an invented one.
  Tolerations decide which taints that change may apply (``tolerates``, ``taint``): a node
  carrying a taint the template tolerates is, to NodeShouldRunDaemonPod, a node without it, so
  the faithful scenario does not offer such a taint as a class change rather than model a taint
  that then changes nothing — a DaemonSet tolerating every NoSchedule taint (a key-less
  ``operator: Exists`` with no effect or ``effect: NoSchedule``) never meets the no-schedule
  class, and one tolerating every NoExecute taint (without tolerationSeconds) and selecting no
  labels never meets the ineligible one. A keyed toleration leaves the class (other keys still
  exclude the pod); the trace then shows a taint it does not tolerate
  (:func:`~kubecheck.model.controllers.daemonset_util.untolerated_taint`).

What the user may do is bounded and the same for every workload: one template edit, no scaling,
no rollback, no faults (``kubecheck check MODEL --set …`` explores more). Anything in the
manifests that changes the answer but that the models leave out is listed as *not modelled*.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from kubecheck.manifest import budgets
from kubecheck.manifest import objects as o
from kubecheck.model.controllers import daemonset_util as dsu
from kubecheck.model.controllers import disruption_util as dis
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.daemonset_scope import DEFAULT_TAINT, NO_SELECTOR, DaemonSetScope
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.scopes import params as scope_params
from kubecheck.model.kernel.scopes import with_settings

#: The taint the node lifecycle controller puts on a node that stops reporting (NoExecute and NoSchedule).
UNREACHABLE_TAINT = "node.kubernetes.io/unreachable"
DEFAULT_NODES = {"deployment": 2, "statefulset": 2, "daemonset": 3}
#: the model's access mode when a claim or volume lists several (the most permissive decides multi-attach)
_MODE_ORDER = (o.RWOP, o.RWX, o.ROX, o.RWO)

#: The objects that become workloads, and the scopes of their models.
WorkloadObject = o.Deployment | o.StatefulSet | o.DaemonSet
WorkloadScope = DeploymentScope | StatefulSetScope | DaemonSetScope


@attrs.frozen
class Workload:
    """One workload to check: its object, the model, the scope at the manifest's numbers, and notes."""

    obj: WorkloadObject
    model: str
    scope: WorkloadScope
    not_modelled: tuple[str, ...]
    notes: tuple[str, ...]
    nodes_given: int  # the cluster size the user asked for (--nodes), or the default
    #: what the check assumes that the manifests do not say (e.g. "claim carts: ReadWriteMany assumed"), "" if nothing
    assumption: str = ""
    #: the user gave --nodes: a property that needs another node count speaks about another configuration
    nodes_asked: bool = False
    #: the --scenario the scope is in (manifest/scenarios.py), "" for the manifest as written
    scenario: str = ""

    @property
    def ref(self) -> str:
        return self.obj.meta.ref


def model_mode(modes: Sequence[str]) -> str:
    """The access mode the volume model uses for a list of modes (RWX or ROX allow multi-attach)."""
    for mode in _MODE_ORDER:
        if mode in modes:
            return {o.RWO: vol.RWO, o.ROX: vol.ROX, o.RWX: vol.RWX, o.RWOP: vol.RWOP}[mode]
    return vol.RWO


@attrs.frozen
class AssumedMode:
    """An access mode the check assumes for a claim the manifests do not define, and the words saying so."""

    mode: str
    text: str
    given: bool  # by --assume-access-mode (else one of the modes every one of which is checked)


def mode_behaviour(mode: str, read_only: bool) -> tuple[bool, bool, bool]:
    """What the models read of a claim's access mode; modes with equal behaviour give the same check.

    Three reads, no more: the attach/detach controller's multi-attach refusal
    (:func:`~kubecheck.model.controllers.volumes.is_multi_attach_allowed`: ReadWriteMany and
    ReadOnlyMany attach to several nodes), the scheduler's volumerestrictions check for
    ReadWriteOncePod (``deployment.py`` ``_rwop_free`` and the initial state; property
    ``rwop_claim_used_by_one_pod``), and ``no_writer_on_read_only_many``, which speaks only of a
    ReadOnlyMany claim mounted read-write (``properties/volumes.py``).
    """
    return vol.is_multi_attach_allowed(mode), mode == vol.RWOP, mode == vol.ROX and not read_only


def modes_to_check(read_only: bool) -> list[tuple[str, tuple[str, ...]]]:
    """(mode checked, the modes it stands for) for a claim of unknown access mode: one per behaviour.

    ReadWriteOnce, ReadWriteOncePod and ReadWriteMany always differ; ReadOnlyMany behaves as
    ReadWriteMany when the pods mount the claim readOnly, and is checked apart otherwise (a
    read-write mount of a ReadOnlyMany volume is what ``no_writer_on_read_only_many`` reports).
    """
    groups: dict[tuple[bool, bool, bool], list[str]] = {}
    for mode in (vol.RWO, vol.RWOP, vol.RWX, vol.ROX):
        groups.setdefault(mode_behaviour(mode, read_only), []).append(mode)
    return [(ms[0], tuple(ms)) for ms in groups.values()]


def _assumptions(d: o.Deployment, records: Sequence[o.Record], assume: str | None) -> list[AssumedMode | None]:
    """The access modes to check the Deployment under: [None] when its shared claim's modes are known."""
    shared = d.template.claims[:1]
    if not shared or resolve_access_modes(d.meta.namespace, shared[0].claim, records)[0]:
        return [None]
    claim = shared[0].claim
    if assume is not None:
        return [AssumedMode(assume, f"claim {claim}: {assume} assumed (--assume-access-mode)", True)]
    out: list[AssumedMode | None] = []
    for mode, alike in modes_to_check(shared[0].read_only):
        text = f"claim {claim}: access mode not in the manifests; checked as {mode}"
        if len(alike) > 1:
            text += (
                f" (standing for {' and '.join(alike[1:])} too: the model treats them alike here, "
                f"pods mounting the claim readOnly)"
            )
        out.append(AssumedMode(mode, text, False))
    return out


def _claims_by_name(records: Sequence[o.Record]) -> dict[tuple[str, str], o.Claim]:
    return {(r.meta.namespace, r.meta.name): r for r in records if isinstance(r, o.Claim)}


def resolve_access_modes(
    namespace: str,
    claim: str,
    records: Sequence[o.Record],
    template: o.ClaimTemplate | None = None,
) -> tuple[tuple[str, ...], str]:
    """(modes, where they came from): the bound PV's modes when the manifests bind one, else the claim's.

    ``claim`` is the claim's name (for a StatefulSet, the first ordinal's, ``data-db-0``); a
    PersistentVolumeClaim of that name in the manifests wins over the ``template``, as the
    StatefulSet controller reuses an existing claim as it is.
    """
    for r in records:
        if isinstance(r, o.Volume) and r.claim_ref == (namespace, claim) and r.access_modes:
            return r.access_modes, f"persistentvolume/{r.meta.name}"
    by_name = _claims_by_name(records)
    c = by_name.get((namespace, claim))
    if c is not None and c.volume_name:
        for r in records:
            if isinstance(r, o.Volume) and r.meta.name == c.volume_name and r.access_modes:
                return r.access_modes, f"persistentvolume/{r.meta.name}"
    if c is not None and c.access_modes:
        return c.access_modes, f"persistentvolumeclaim/{claim}"
    if template is not None and template.access_modes:
        return template.access_modes, f"volumeClaimTemplate {template.name}"
    return (), ""


def _storage_note(storage_class: str | None, records: Sequence[o.Record]) -> list[str]:
    classes = [r for r in records if isinstance(r, o.StorageClass)]
    chosen = (
        next((c for c in classes if c.meta.name == storage_class), None)
        if storage_class
        else next((c for c in classes if c.is_default), None)
    )
    if chosen is None:
        return []
    out = [
        f"storageclass/{chosen.meta.name}: provisioner {chosen.provisioner}, volumeBindingMode {chosen.binding_mode}; "
        f"ReadWriteOnce is enforced only if this driver attaches volumes (attach/detach controller)"
    ]
    return out


def _scheduling_notes(t: o.PodTemplate, model: str) -> list[str]:
    out = []
    words = {
        "topologySpreadConstraints": "topologySpreadConstraints (pods may stay Pending where the spread cannot be met)",
        "podAntiAffinity": "podAntiAffinity (pods may stay Pending when no node is free of a peer)",
        "podAffinity": "podAffinity",
        "nodeAffinity": "nodeAffinity",
        "tolerations": "tolerations (node taints)",
        "priorityClassName": "priorityClassName (preemption)",
        "nodeName": "spec.template.spec.nodeName",
    }
    for key in t.scheduling:
        if model == "daemonset" and key in ("nodeAffinity", "tolerations"):
            continue  # folded into node eligibility classes
        out.append(f"pod scheduling: {words[key]}")
    if t.node_selector and model != "daemonset":
        out.append("pod scheduling: nodeSelector " + ",".join(f"{k}={v}" for k, v in t.node_selector))
    return out


def _with_budget_and_autoscaler(
    d: o.Deployment, records: Sequence[o.Record], scope: DeploymentScope
) -> tuple[DeploymentScope, list[str], list[str]]:
    """The scope with the Deployment's PodDisruptionBudget and HorizontalPodAutoscaler as written
    (:func:`kubecheck.manifest.budgets.deployment_scope_values`), what of them is not modelled, and what
    the values assume (notes: the other workloads' pods behind a shared budget are Ready).

    Only the parameters the Deployment model has are set; an autoscaler the model cannot take yet
    keeps its "not modelled" line."""
    values = budgets.deployment_scope_values(d, records)
    known = {info.cli for _name, info in scope_params(DeploymentScope)}
    given = {k: v for k, v in values.params if k in known and v != dict(budgets.OFF)[k]}
    notes = list(values.not_modelled)
    if "hpa-max-replicas" in given:
        names = ", ".join(h.meta.ref for h in budgets.autoscalers_of(d, records))
        notes.append(
            f"{names}: only the deployment.hpa.* rows run with it; the others are checked at spec.replicas "
            f"{d.replicas} without the autoscaler"
        )
    return (with_settings(scope, given) if given else scope), notes, list(values.assumed)


def _disruption_notes(
    obj: WorkloadObject, records: Sequence[o.Record], modelled: bool = False, budget_modelled: bool = False
) -> list[str]:
    """What of the budgets and autoscalers over ``obj``'s pods is not modelled (``modelled``: the
    Deployment model takes its budget and autoscaler, so only what its scope values leave out is said, by the
    caller; ``budget_modelled``: the model takes the budget only, as the StatefulSet model does)."""
    out = []
    labels = dict(obj.template.labels)
    budgets = [r for r in records if isinstance(r, o.Disruption) and r.meta.kind == "PodDisruptionBudget"]
    matching = [b for b in budgets if b.selects_pods(obj.meta.namespace, labels)]
    for b in budgets:
        if b.selects_pods(obj.meta.namespace, labels) is None:
            out.append(f"{b.meta.ref}: its selector's matchExpressions are not evaluated; whether it covers these pods")
    if len(matching) > 1 and not (modelled or budget_modelled):  # eviction.go: 500; else pdb-second-budget
        names = ", ".join(b.meta.ref for b in matching)
        out.append(
            f"pods match {len(matching)} PodDisruptionBudgets ({names}): the eviction API refuses to evict them "
            f"({dis.OUTCOME_NAMES[dis.MULTIPLE_BUDGETS]}), so a drain of their node never finishes"
        )
    for r in records:
        if not isinstance(r, o.Disruption) or r.meta.namespace != obj.meta.namespace:
            continue
        if r.meta.kind == "PodDisruptionBudget" and r in matching and not (modelled or budget_modelled):
            out.append(f"{r.meta.ref} ({r.detail or 'no budget'}): evictions that respect it are not modelled")
        if r.meta.kind == "HorizontalPodAutoscaler" and r.target == (obj.meta.kind, obj.meta.name) and not modelled:
            out.append(
                f"{r.meta.ref} ({r.detail}): replicas changed by the autoscaler are not modelled "
                f"(checked at spec.replicas)"
            )
    return out


def _deployment(
    d: o.Deployment, records: Sequence[o.Record], nodes: int | None, assumed: AssumedMode | None = None
) -> Workload:
    """The Deployment's workload; ``assumed``: the shared claim's mode when the manifests do not give it."""
    missing, notes = [], []
    shared = d.template.claims[:1]
    modes = resolve_access_modes(d.meta.namespace, shared[0].claim, records)[0] if shared else ()
    if shared and not modes and assumed is not None:
        modes = (assumed.mode,)
    for use in d.template.claims:
        use_modes, source = resolve_access_modes(d.meta.namespace, use.claim, records)
        shown = ",".join(use_modes) or "access mode unknown"
        origin = f", from {source}" if source else ""
        notes.append(f"volume {use.volume}: claim {use.claim} ({shown}{origin}) shared by every pod")
        if use is not shared[0]:
            missing.append(
                f"volume {use.volume}: a second shared claim is not modelled (the model has one: {shared[0].claim})"
            )
    n = min(2, nodes if nodes is not None else DEFAULT_NODES["deployment"]) if shared else 0
    min_ready = d.min_ready_seconds
    if shared and min_ready:
        missing.append(f"spec.minReadySeconds {min_ready}: pods placed on nodes are modelled with minReadySeconds 0")
        min_ready = 0
    if shared and nodes is not None and nodes > 2:
        notes.append(
            f"--nodes {nodes}: the Deployment's pods are placed on 2 nodes (the model's limit; two are enough "
            f"for a Multi-Attach conflict)"
        )
    # a lost node's pods are evicted after their NoExecute toleration of the unreachable taint runs out (300 s
    # from the DefaultTolerationSeconds admission plugin when none is written); one without tolerationSeconds
    # keeps them there for ever (pkg/controller/tainteviction/taint_eviction.go: getMinTolerationTime)
    forever = any(
        t.seconds is None and dsu.tolerates_taint(t, UNREACHABLE_TAINT, "", dsu.NO_EXECUTE_EFFECT)
        for t in d.template.tolerations
    )
    if forever:
        notes.append(
            f"spec.template.spec.tolerations: {UNREACHABLE_TAINT}:NoExecute tolerated for ever (no "
            f"tolerationSeconds): a lost node's pods are never evicted (tolerates-unreachable)"
        )
    scope = DeploymentScope(
        name=d.meta.name,
        claim_name=shared[0].claim if shared else d.meta.name,  # without a claim: the user's name, never 'data'
        replicas=d.replicas,
        max_surge=d.max_surge,
        max_unavailable=d.max_unavailable,
        strategy=d.strategy,
        min_ready_seconds=min_ready,
        revision_history_limit=min(d.revision_history_limit, 100),
        edits=1,
        rollbacks=0,
        scale_to=(),
        scales=0,
        pauses=0,
        faults=frozenset(),
        nodes=n,
        claims=bool(shared),
        access_mode=model_mode(modes) if shared else vol.RWO,
        read_only_mount=bool(shared) and shared[0].read_only,
        tolerates_unreachable=forever,
        spec_progress_deadline=d.progress_deadline_seconds,
    )
    for use in d.template.claims:
        c = _claims_by_name(records).get((d.meta.namespace, use.claim))
        if c is None:
            how = ""
            if use is shared[0] and assumed is not None:
                how = (
                    f"; {assumed.mode} assumed (--assume-access-mode)"
                    if assumed.given
                    else "; checked under each mode that can matter, one check each (--assume-access-mode MODE "
                    "checks one)"
                )
            notes.append(f"claim {use.claim} is not in these manifests; its access mode is unknown{how}")
        else:
            missing.extend(_storage_note(c.storage_class, records))
    scope, budget_notes, budget_assumed = _with_budget_and_autoscaler(d, records, scope)
    missing += _scheduling_notes(d.template, "deployment") + _disruption_notes(d, records, modelled=True)
    missing += budget_notes
    notes += budget_assumed
    if d.paused:
        missing.append("spec.paused: true — checked as if the Deployment were not paused")
    if d.revision_history_limit > 100:
        notes.append(f"revisionHistoryLimit {d.revision_history_limit} explored as 100 (only the first edits matter)")
    return Workload(d, "deployment", scope, tuple(missing), tuple(notes), n, assumed.text if assumed else "")


def _statefulset(s: o.StatefulSet, records: Sequence[o.Record], nodes: int | None) -> Workload:
    missing, notes = [], []
    mode, read_only = vol.RWO, False
    if s.claim_templates:
        first = s.claim_templates[0]
        claim = f"{first.name}-{s.meta.name}-{s.ordinals_start}"
        modes, source = resolve_access_modes(s.meta.namespace, claim, records, first)
        mode = model_mode(modes)
        read_only = first.name in s.template.read_only_mounts
        notes.append(f"claims {first.name}-{s.meta.name}-<ordinal>: {','.join(modes)} (from {source})")
        missing.extend(_storage_note(first.storage_class, records))
        if len(s.claim_templates) > 1:
            missing.append(
                f"{len(s.claim_templates)} volumeClaimTemplates: modelled as one claim per pod "
                f"({first.name}); the others behave alike"
            )
    for use in s.template.claims:
        if all(use.claim != t.name for t in s.claim_templates):
            missing.append(f"volume {use.volume}: claim {use.claim} shared by every pod of the set is not modelled")
    if s.service_name:
        services = [
            r
            for r in records
            if isinstance(r, o.Service) and r.meta.name == s.service_name and r.meta.namespace == s.meta.namespace
        ]
        if not services:
            notes.append(
                f"serviceName {s.service_name}: no Service of that name in these manifests "
                f"(pods get DNS names only through a headless Service)"
            )
        elif not services[0].headless:
            notes.append(f"service/{s.service_name} is not headless (clusterIP: None): pods get no per-pod DNS names")
    if s.template.termination_grace_seconds == 0:
        missing.append(
            "terminationGracePeriodSeconds: 0 — unsafe for StatefulSets (pods may be force-deleted); not modelled"
        )
    missing += _scheduling_notes(s.template, "statefulset") + _disruption_notes(s, records, budget_modelled=True)
    budget = budgets.statefulset_scope_values(s, records)  # issue 16: its PodDisruptionBudget, as written
    missing += budget.not_modelled
    n = nodes if nodes is not None else DEFAULT_NODES["statefulset"]
    scope = StatefulSetScope(
        name=s.meta.name,
        replicas=s.replicas,
        ordinals_start=s.ordinals_start,
        pod_management=s.pod_management,
        strategy=s.strategy,
        partition=s.partition,
        max_unavailable=s.max_unavailable or StatefulSetScope().max_unavailable,
        min_ready_seconds=s.min_ready_seconds,
        when_deleted=s.when_deleted,
        when_scaled=s.when_scaled,
        claims=bool(s.claim_templates),
        # the model's one template; without one, the user's name (the scope shows it, never 'data')
        claim_template=s.claim_templates[0].name if s.claim_templates else s.meta.name,
        revision_history_limit=s.revision_history_limit,
        access_mode=mode,
        read_only_mount=read_only,
        nodes=max(1, n),
        edits=1,
        reverts=0,
        scale_to=(),
        scales=0,
        pod_deletes=0,
        set_deletion=False,
        faults=frozenset(),
    )
    given = {k: v for k, v in budget.params if v != dict(budgets.STATEFULSET_OFF)[k]}
    scope = with_settings(scope, given) if given else scope
    return Workload(s, "statefulset", scope, tuple(missing), tuple(notes), n)


def _daemonset(d: o.DaemonSet, records: Sequence[o.Record], nodes: int | None) -> Workload:
    missing, notes = [], []
    n = max(1, nodes if nodes is not None else DEFAULT_NODES["daemonset"])
    selective = bool(d.template.node_selector) or "nodeAffinity" in d.template.scheduling
    classes: tuple[int, ...] = ()
    if selective and n >= 2:
        classes = (dsu.ELIGIBLE,) * (n - 1) + (dsu.INELIGIBLE,)
        what = ",".join(f"{k}={v}" for k, v in d.template.node_selector) or "node affinity"
        notes.append(
            f"nodeSelector {what}: node labels are not in the manifests; modelled with the last node "
            f"not matching, and one change of a node's labels"
        )
    tolerations = d.template.tolerations
    tolerates = dsu.tolerated_effects(tolerations)
    if "tolerations" in d.template.scheduling and not tolerates and classes:
        notes.append(f"tolerations: a node change applies {scope_taint(tolerations)}, which they do not tolerate")
    if tolerates and classes:
        what = " and ".join(f"every {e} taint" for e in dsu.EFFECTS if e in tolerates)
        notes.append(f"tolerations: {what} tolerated; a node change applies only taints the template does not tolerate")
    for use in d.template.claims:
        missing.append(f"volume {use.volume}: claim {use.claim} mounted on every node is not modelled")
    missing += _scheduling_notes(d.template, "daemonset") + _disruption_notes(d, records, budget_modelled=True)
    budget = budgets.daemonset_scope_values(d, records)  # issue 16: its PodDisruptionBudget, as written
    missing += list(budget.not_modelled)
    notes += list(budget.assumed)  # the static finding: why a scale-based budget blocks every eviction (failSafe)
    scope = DaemonSetScope(
        name=d.meta.name,
        nodes=n,
        node_classes=classes,
        strategy=d.strategy,
        max_unavailable=d.max_unavailable,
        max_surge=d.max_surge,
        min_ready_seconds=d.min_ready_seconds,
        edits=1,
        joins=0,
        leaves=0,
        relabels=1 if classes else 0,
        pod_deletes=0,
        faults=frozenset(),
        tolerates=tolerates,
        node_selector=selector_text(d.template),
        taint=scope_taint(tolerations),
    )
    given = {k: v for k, v in budget.params if v != dict(budgets.STATEFULSET_OFF)[k]}
    scope = with_settings(scope, given) if given else scope
    return Workload(d, "daemonset", scope, tuple(missing), tuple(notes), n)


#: The scope field of each model that names the pod failure mode (``--faults never-ready`` …).
FAILURE_FIELD = {"deployment": "pod_failure", "statefulset": "failure", "daemonset": "failure"}


def idle_budgets(records: Sequence[o.Record], found: Sequence[Workload]) -> list[str]:
    """One line per PodDisruptionBudget that selects no pod of the workloads here (a nil selector
    selects none; policy/v1), so the user sees a budget that protects nothing they deploy."""
    out = []
    for b in records:
        if not isinstance(b, o.Disruption) or b.meta.kind != "PodDisruptionBudget":
            continue
        if any(b.selects_pods(w.obj.meta.namespace, dict(w.obj.template.labels)) is not False for w in found):
            continue
        why = (
            "it has no selector (policy/v1: none selects no pod)"
            if b.selects == "none"
            else "no pod template here matches it"
        )
        out.append(f"{b.meta.ref} selects no pod of the workloads in these manifests: {why}")
    # the autoscalers' static findings (manifest/budgets.py): a target missing, not scalable or in the
    # wrong API group, and a workload under several autoscalers
    out += [str(f) for f in budgets.findings(records) if f.topic == budgets.HPA]
    return out


def with_failure(w: Workload, mode: str) -> Workload:
    """``w`` with the pods of its edited release failing in ``mode`` (``check -f --faults MODE``), said in its
    assumption; a readiness failure needs a readiness probe: without one a running pod is Ready
    (``pkg/kubelet/prober``: no probe, Ready once the containers run), so ``never-ready`` is then not
    applied and a note says why."""
    if mode == fm.NEVER_READY and not w.obj.template.has_readiness_probe:
        note = (
            f"--faults {mode}: not applied, the pod template has no readinessProbe (a pod without one is Ready "
            "once its containers run)"
        )
        return attrs.evolve(w, notes=(*w.notes, note))
    base: Any = w.scope
    scope = attrs.evolve(base, **{FAILURE_FIELD[w.model]: mode})
    scope.validate()
    text = f"the edited release fails: {fm.MODE_WORDS[mode]} (--faults {mode})"
    return attrs.evolve(w, scope=scope, assumption="; ".join(x for x in (w.assumption, text) if x))


def scope_taint(tolerations: Sequence[dsu.Toleration]) -> str:
    """The NoSchedule taint the scenario applies: one the tolerations do not tolerate."""
    return dsu.untolerated_taint(tolerations) or DEFAULT_TAINT


def selector_text(t: o.PodTemplate) -> str:
    """The template's nodeSelector as traces show it: its pairs, "node affinity", or "none"."""
    if t.node_selector:
        return ",".join(f"{k}={v}" for k, v in t.node_selector)
    return "node affinity" if "nodeAffinity" in t.scheduling else NO_SELECTOR


def workloads(
    records: Sequence[o.Record], nodes: int | None = None, assume_access_mode: str | None = None
) -> list[Workload]:
    """One Workload per Deployment, StatefulSet and DaemonSet, in manifest order; variants for unknown claims.

    A Deployment whose shared claim the records do not define (no PersistentVolumeClaim of that
    name, no PersistentVolume bound to it) is checked under ``assume_access_mode``
    (``--assume-access-mode``) when given, else once per behaviour of :func:`modes_to_check`,
    one Workload each, in that order; each such Workload's ``assumption`` names its mode.
    A StatefulSet's claim template always has its modes (the API server's
    ValidatePersistentVolumeClaimSpec requires ``accessModes`` of every volumeClaimTemplate, and
    ``validation.py`` does the same), so StatefulSets have no variants.
    """
    out: list[Workload] = []
    for r in records:
        if isinstance(r, o.Deployment):
            out.extend(_deployment(r, records, nodes, a) for a in _assumptions(r, records, assume_access_mode))
        elif isinstance(r, o.StatefulSet):
            out.append(_statefulset(r, records, nodes))
        elif isinstance(r, o.DaemonSet):
            out.append(_daemonset(r, records, nodes))
    return [attrs.evolve(w, nodes_asked=True) for w in out] if nodes is not None else out
