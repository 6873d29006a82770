"""SARIF 2.1.0 of ``kubecheck check -f`` (``--format sarif``): findings at the manifest's lines, traces as code flows.

One ``run`` whose tool driver has one rule per property of every model in the report (catalog
order: ``id`` is the dotted name, ``shortDescription`` the doc line, ``help`` the upstream
justification, what the property assumes and its fairness, ``properties.tags`` its model, kind
and role). One result per row the run reports (:func:`findings`; docs/report-format.md):

==========================================  =================  ==================================
row                                         SARIF ``kind``     ``level``
==========================================  =================  ==================================
VIOLATED or UNREACHABLE that counts         ``fail``           ``error``
VIOLATED caveat (not counted)               ``fail``           ``warning``
INCONCLUSIVE that counts (exit 10)          ``open``           ``none``
vacuous HOLDS/PROVED that counts (strict)   ``fail``           ``warning``
==========================================  =================  ==================================

A vacuous HOLDS or PROVED (the behaviour its property constrains never occurred,
:mod:`kubecheck.properties.triggers`) fails the run only under ``--strict`` (exit 14): then it is
a ``warning`` (SARIF allows a level other than ``none`` only with ``fail``); otherwise it is a
``note`` that SARIF leaves out and ``--format github`` prints as a notice.

``open`` is SARIF's own word (§3.27.9) for "the tool could not tell whether there is a problem";
the standard then fixes ``level`` at ``none``. Rows that pass, witnesses this configuration
cannot reach (N/A) and INCONCLUSIVE rows that do not count have no result: a SARIF viewer turns
every result into an alert, and these are not ones (``--format github`` gives them notices).

A result is anchored at the line of the field its property concerns (:data:`PROPERTY_FIELDS`:
``spec.strategy.rollingUpdate.maxSurge``, ``spec.replicas``, …; the first the document writes;
for a property without a row, its workload's rollout settings, :data:`MODEL_FIELDS`; else its
``metadata.name``, ``kind``, its first line), from the loader's line map
(:attr:`kubecheck.manifest.report.WorkloadReport.lines`). Its counterexample is one
``codeFlows[0].threadFlows[0]`` with one location per trace step, the initial state (step 0)
first: the message is the step as the text report words it (the actor in brackets, the action,
the changed fields, from the model's describer in :mod:`kubecheck.cli.trace_text`), ``state``
holds the changed fields, and the location is the field the step touches (a user's template
edit: ``spec.template``; a ``kubectl scale``: ``spec.replicas``; :data:`ACTION_FIELDS`) or, for
controller and kubelet steps, the result's own field. A liveness counterexample's last location
says how the run goes on for ever. ``partialFingerprints["kubecheck/v1"]`` hashes the rule, the
file, the object and the assumption of the check (no line, no verdict): stable across runs and
edits elsewhere in the file.

Suggested fixes plug in through ``render(report, fixes=...)``: a function of the workload and the
row giving SARIF ``fix`` objects, written into ``result.fixes`` when there are any. The default,
:func:`nearest_fixes`, turns a row's nearest fix (:mod:`kubecheck.manifest.fixes`, when the run
searched for them) into one: each changed field rewritten where the manifest writes its value (the
loader's spans), described with what re-checked it and the ``kubectl patch`` line. A fix that
needs a field the manifest does not write (a default), or a block removed (switching to Recreate
with a ``rollingUpdate`` written), has no text edit: it is in ``properties.nearestFix`` alone.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import attrs

from kubecheck.checker.result import Verdict
from kubecheck.cli import text, trace_text
from kubecheck.manifest.grouping import group_numbers, trace_groups
from kubecheck.manifest.loader import FieldLines
from kubecheck.manifest.report import KUBERNETES, Location, ManifestReport, Standing, WorkloadReport
from kubecheck.manifest.sizing import Row, is_caveat
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.traces import Trace
from kubecheck.properties import catalog

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_VERSION = "2.1.0"
#: The key of ``result.partialFingerprints`` (versioned: a new way of hashing gets a new key).
FINGERPRINT = "kubecheck/v1"

Json = object
#: Suggested fixes of a row (issue 16): SARIF ``fix`` objects, [] when there is none.
FixSource = Callable[[WorkloadReport, Row], Sequence[Mapping[str, Json]]]

_D_SURGE = ("spec.strategy.rollingUpdate.maxSurge", "spec.strategy.rollingUpdate", "spec.strategy", "spec.replicas")
_D_UNAVAILABLE = (
    "spec.strategy.rollingUpdate.maxUnavailable",
    "spec.strategy.rollingUpdate",
    "spec.strategy",
    "spec.replicas",
)
_D_ROLLOUT = ("spec.strategy", "spec.template")
_D_HISTORY = ("spec.revisionHistoryLimit", "spec.template")
_D_PAUSED = ("spec.paused", "spec.replicas")
_D_CLAIM = ("spec.template.spec.volumes",)
_D_DEADLINE = ("spec.progressDeadlineSeconds", "spec.strategy", "spec.template")
_REPLICAS = ("spec.replicas",)
_S_POLICY = ("spec.podManagementPolicy", "spec.replicas")
_S_UPDATE = ("spec.updateStrategy.rollingUpdate.maxUnavailable", "spec.updateStrategy", "spec.template")
_S_PARTITION = ("spec.updateStrategy.rollingUpdate.partition", "spec.updateStrategy")
_S_CLAIMS = ("spec.volumeClaimTemplates[0].spec.accessModes", "spec.volumeClaimTemplates")
_S_RETENTION = ("spec.persistentVolumeClaimRetentionPolicy", "spec.volumeClaimTemplates")
_S_HISTORY = ("spec.revisionHistoryLimit", "spec.template")
_S_ORDERED = ("spec.podManagementPolicy", "spec.updateStrategy", "spec.replicas")
_DS_SURGE = ("spec.updateStrategy.rollingUpdate.maxSurge", "spec.updateStrategy.rollingUpdate", "spec.updateStrategy")
_DS_UNAVAILABLE = (
    "spec.updateStrategy.rollingUpdate.maxUnavailable",
    "spec.updateStrategy.rollingUpdate",
    "spec.updateStrategy",
)
_DS_NODES = (
    "spec.template.spec.nodeSelector",
    "spec.template.spec.affinity.nodeAffinity",
    "spec.template.spec.tolerations",
)
_DS_FAILURE = ("spec.template.spec.tolerations", "spec.updateStrategy")
_DS_BUDGET = ("spec.template.metadata.labels", "spec.selector")  # the labels a PodDisruptionBudget selects
_NODE_LOSS = ("spec.template.spec.tolerations", "spec.replicas")  # how long pods stay on a lost node
_S_OWNERSHIP = ("spec.selector", "metadata.name", "spec.replicas")  # pod names and what the set adopts

#: The manifest fields each property speaks about, most specific first: a finding is anchored at
#: the first one the document writes (a property not listed: :data:`MODEL_FIELDS`; then the object's name).
PROPERTY_FIELDS: dict[str, tuple[str, ...]] = {
    "deployment.replicas_within_surge": _D_SURGE,
    "deployment.live_pods_within_surge": _D_SURGE,
    "deployment.active_pods_within_surge": _D_SURGE,
    "deployment.availability_floor": _D_UNAVAILABLE,
    "deployment.availability_floor_with_crashes": _D_UNAVAILABLE,
    "deployment.availability_floor_as_written": _D_UNAVAILABLE,
    "deployment.availability_floor_with_failing_release": _D_UNAVAILABLE,
    "deployment.failed_pod_replaced": _REPLICAS,
    "deployment.revisions_unique": _D_HISTORY,
    "deployment.rollback_restores_template": ("spec.template",),
    "deployment.rollout_can_complete": _D_ROLLOUT,
    "deployment.rollback_can_happen": _D_HISTORY,
    "deployment.replicaset_reused_with_new_revision": _D_HISTORY,
    "deployment.rollout_eventually_completes": _D_ROLLOUT,
    "deployment.rollout_eventually_completes_under_strong_fairness": _D_ROLLOUT,
    "deployment.rollout_eventually_completes_with_faults": _D_ROLLOUT,
    "deployment.scale_eventually_completes": _REPLICAS,
    "deployment.paused_creates_no_replicaset": _D_PAUSED,
    "deployment.paused_keeps_new_replicaset": _D_PAUSED,
    "deployment.paused_deployment_scales_proportionally": _D_PAUSED,
    "deployment.no_stuck_rollout": _D_ROLLOUT,
    "deployment.rwo_volume_attached_to_one_node": _D_CLAIM,
    "deployment.rwop_claim_used_by_one_pod": _D_CLAIM,
    "deployment.no_writer_on_read_only_many": _D_CLAIM,
    "deployment.pod_waits_for_multi_attach": _D_CLAIM,
    "deployment.rollout_completes_with_shared_claim": _D_CLAIM,
    "deployment.stuck_rollout_reported": _D_DEADLINE,
    "deployment.complete_rollout_reported": _D_DEADLINE,
    "deployment.timed_out_release_keeps_its_pods": _D_DEADLINE,
    "statefulset.at_most_one_pod_object_per_identity": _REPLICAS,
    "statefulset.at_most_one_running_instance": _REPLICAS,
    "statefulset.at_most_one_running_instance_with_force_delete": _REPLICAS,
    "statefulset.at_most_one_running_instance_with_node_delete": _REPLICAS,
    "statefulset.pods_created_in_ordinal_order": _S_POLICY,
    "statefulset.pods_created_in_ordinal_order_under_parallel": _S_POLICY,
    "statefulset.pods_removed_in_reverse_order": _S_POLICY,
    "statefulset.pod_mounts_own_claim": _S_CLAIMS,
    "statefulset.identity_stable_across_rescheduling": ("spec.serviceName", "spec.replicas"),
    "statefulset.partition_respected": _S_PARTITION,
    "statefulset.claims_follow_retention_policy": _S_RETENTION,
    "statefulset.in_range_claims_kept": _S_RETENTION,
    "statefulset.set_deletion_is_unordered": _S_POLICY,
    "statefulset.live_revisions_kept": _S_HISTORY,
    "statefulset.history_truncated_oldest_first": _S_HISTORY,
    "statefulset.undo_reuses_revision": _S_HISTORY,
    "statefulset.parallel_runs_ahead": _S_POLICY,
    "statefulset.rolling_update_completes": _S_UPDATE,
    "statefulset.rolling_update_eventually_completes": _S_UPDATE,
    "statefulset.rolling_update_eventually_completes_with_broken_release": _S_UPDATE,
    "statefulset.scale_eventually_completes": _REPLICAS,
    "statefulset.condemned_claims_eventually_deleted": _S_RETENTION,
    "statefulset.finished_or_deleted": _S_UPDATE,
    "statefulset.rwo_volume_attached_to_one_node": _S_CLAIMS,
    "statefulset.rwop_claim_used_by_one_pod": _S_CLAIMS,
    "statefulset.no_writer_on_read_only_many": _S_CLAIMS,
    "statefulset.pod_waits_for_multi_attach": _S_CLAIMS,
    "statefulset.pod_waiting_for_volume_eventually_runs": _S_CLAIMS,
    "statefulset.pod_waiting_for_volume_eventually_runs_after_force_delete": _S_CLAIMS,
    "statefulset.pod_reattaches_claim_after_rescheduling": _S_CLAIMS,
    "statefulset.revert_converges_without_manual_delete": _S_ORDERED,
    "statefulset.revert_converges_with_forced_rollback": _S_ORDERED,
    "statefulset.scale_down_proceeds_while_a_pod_is_unhealthy": _S_POLICY,
    "statefulset.scale_down_resumes_after_repair": _S_POLICY,
    "statefulset.rolling_update_proceeds_while_a_pod_is_unhealthy": _S_ORDERED,
    "statefulset.rolling_update_resumes_after_repair": _S_ORDERED,
    "statefulset.recovers_after_node_failure": _REPLICAS,
    "statefulset.recovers_after_node_failure_without_intervention": _REPLICAS,
    "daemonset.at_most_one_pod_per_node": _DS_SURGE,
    "daemonset.at_most_two_pods_per_node_while_surging": _DS_SURGE,
    "daemonset.at_most_two_pods_per_node_while_surging_with_evictions": _DS_SURGE,
    "daemonset.no_pod_on_ineligible_node": _DS_NODES,
    "daemonset.pods_created_only_where_they_should_run": _DS_NODES,
    "daemonset.availability_floor": _DS_UNAVAILABLE,
    "daemonset.availability_floor_with_faults": _DS_UNAVAILABLE,
    "daemonset.rollout_completes_on_every_eligible_node": ("spec.updateStrategy", *_DS_NODES),
    "daemonset.new_node_gets_pod": _DS_NODES,
    "daemonset.finished_or_stuck": ("spec.updateStrategy", *_DS_NODES),
    "daemonset.runs_on_every_eligible_node": _DS_NODES,
    "daemonset.runs_on_every_eligible_node_with_relabels": _DS_NODES,
    "daemonset.runs_on_every_eligible_node_with_partition": ("spec.updateStrategy", *_DS_NODES),
    "daemonset.recovers_after_node_failure": _DS_FAILURE,
    "daemonset.recovers_after_node_failure_without_intervention": _DS_FAILURE,
    "statefulset.pods_bound_only_to_ready_nodes": _NODE_LOSS,
    "daemonset.pods_bound_only_to_ready_nodes": _DS_FAILURE,
    "deployment.replicaset_deletes_not_ready_pods_first": _REPLICAS,
    "deployment.recreate_runs_one_revision_at_a_time": _D_ROLLOUT,
    "statefulset.claims_kept_across_orphan_delete_and_recreate": _S_RETENTION,
    "statefulset.claims_kept_across_background_delete_and_recreate": _S_RETENTION,
    "deployment.old_scale_down_within_budget": _D_UNAVAILABLE,
    "deployment.containers_run_where_claim_attached": _D_CLAIM,
    "deployment.claim_detached_only_from_empty_node": _D_CLAIM,
    "deployment.availability_floor_under_node_failure": _D_UNAVAILABLE,
    "deployment.surge_bound_under_node_failure": _D_SURGE,
    "deployment.no_ready_pod_on_lost_node": _NODE_LOSS,
    "deployment.pod_stranded_on_lost_node": _NODE_LOSS,
    "deployment.rollout_completes_despite_lost_node": (*_NODE_LOSS, *_D_ROLLOUT),
    "statefulset.update_within_max_unavailable": _S_UPDATE,
    "statefulset.foreign_pod_never_touched": _S_OWNERSHIP,
    "statefulset.rollout_completes_despite_foreign_pod": _S_OWNERSHIP,
    "statefulset.orphans_adopted_after_recreate": _S_OWNERSHIP,
    "statefulset.recreated_set_rolls_out": ("spec.template", "spec.replicas"),
    "statefulset.recreated_set_finds_outdated_orphan": ("spec.template", "spec.selector"),
    "statefulset.claims_kept_after_orphan_delete": _S_RETENTION,
    "statefulset.at_most_one_pod_object_per_identity_across_recreate": _REPLICAS,
    "deployment.rollout_completes_once_nodes_return": (*_NODE_LOSS, *_D_ROLLOUT),
    "deployment.replicaset_deleted_only_beyond_history": _D_HISTORY,
    "daemonset.surging_nodes_within_max_surge": _DS_SURGE,
    "daemonset.budget_can_allow_an_eviction": _DS_BUDGET,
    "daemonset.budget_floor_holds_under_evictions": _DS_BUDGET,
    "daemonset.drain_eventually_completes": _DS_BUDGET,
    "daemonset.drained_node_keeps_its_pod": _DS_BUDGET,
    "daemonset.upgrade_completes": _DS_BUDGET,
    "daemonset.upgrade_keeps_floor": _DS_BUDGET,
    # issue 16: the budget's rows point at the pods it guards (the budget's own lines are another document, and
    # the nearest fix names the budget); the autoscaler's at spec.replicas, which it writes
    "deployment.drain_eventually_completes": _REPLICAS,
    "deployment.budget_floor_holds_under_evictions": _REPLICAS,
    "deployment.budget_floor_under_evictions_and_rollout": _D_UNAVAILABLE,
    "deployment.upgrade_completes": _REPLICAS,
    "deployment.upgrade_keeps_floor": _REPLICAS,
    "deployment.shared_budget_keeps_own_floor": _REPLICAS,
    "deployment.drain_completes_once_budget_relaxed": _REPLICAS,
    "deployment.eviction_respects_edited_budget": _REPLICAS,
    "deployment.budget_can_allow_an_eviction": _REPLICAS,
    "deployment.hpa.replicas_within_max": _REPLICAS,
    "deployment.hpa.no_inflation_during_rollout": _D_SURGE,
    "deployment.hpa.no_inflation_under_total_demand": _D_SURGE,
    "deployment.hpa.autoscaler_undoes_apply": _REPLICAS,
    "statefulset.replacement_lands_on_another_node": _NODE_LOSS,
    "statefulset.replacement_lands_on_its_old_node": _NODE_LOSS,
    # issue 16: a StatefulSet's budget rows, as the Deployment's: at the pods the budget guards
    "statefulset.drain_eventually_completes": _REPLICAS,
    "statefulset.budget_floor_holds_under_evictions": _REPLICAS,
    "statefulset.upgrade_completes": _REPLICAS,
    "statefulset.upgrade_keeps_floor": _REPLICAS,
    "statefulset.budget_can_allow_an_eviction": _REPLICAS,
}

#: Where a property missing from :data:`PROPERTY_FIELDS` is anchored: its workload's rollout settings.
MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "deployment": ("spec.strategy", "spec.replicas"),
    "statefulset": ("spec.updateStrategy", "spec.podManagementPolicy", "spec.replicas"),
    "daemonset": ("spec.updateStrategy",),
}

#: The manifest fields a user's (or the volume controller's) step touches, by command; a step of
#: another command (controllers, kubelet, scheduler, faults) is placed at its result's own field.
ACTION_FIELDS: dict[str, tuple[str, ...]] = {
    "user.edit_template": ("spec.template",),
    "user.revert_template": ("spec.template",),
    "user.rollout_undo": ("spec.template",),
    "user.scale": ("spec.replicas",),
    "user.edit_strategy": ("spec.strategy.rollingUpdate", "spec.strategy"),
    "user.pause": ("spec.paused",),
    "user.resume": ("spec.paused",),
    "user.relabel_node": _DS_NODES,
    "user.delete_statefulset": ("metadata.name",),
    "attach-detach.attach_volume": ("spec.volumeClaimTemplates", "spec.template.spec.volumes"),
    "attach-detach.detach_volume": ("spec.volumeClaimTemplates", "spec.template.spec.volumes"),
    "attach-detach.force_detach_volume": ("spec.volumeClaimTemplates", "spec.template.spec.volumes"),
}

#: SARIF ``level`` of a result (and GitHub's annotation command, :mod:`kubecheck.cli.github`).
ERROR, WARNING, NOTE, NONE = "error", "warning", "note", "none"


@attrs.frozen
class Finding:
    """A row the machine-read formats report: where, how loud (``level``), and SARIF's ``kind``.

    ``level`` is SARIF's (``error``, ``warning``, ``none``), or ``note`` for a row SARIF leaves out
    (N/A, an INCONCLUSIVE that does not count), which ``--format github`` prints as a notice.
    """

    workload: WorkloadReport
    row: Row
    standing: Standing
    level: str
    kind: str
    #: the text report's ``trace N`` of the row's violation (None: not grouped)
    trace_number: int | None = None

    @property
    def in_sarif(self) -> bool:
        return self.level != NOTE

    @property
    def location(self) -> Location | None:
        """The line of the field the property concerns (module docstring), None when the lines are unknown."""
        prop = self.row.result.property
        return self.workload.locate(PROPERTY_FIELDS.get(prop.name) or MODEL_FIELDS.get(prop.model, ()))

    @property
    def file(self) -> str:
        """The manifest the workload came from ("" when not known)."""
        return self.workload.source or _WHERE.sub("", self.workload.workload.obj.meta.where)


_WHERE = re.compile(r" \(document \d+\)$")


def _grade(row: Row, st: Standing, strict: bool = False) -> tuple[str, str] | None:
    """(level, SARIF kind) of a row, None for a row that passes (``strict``: the run's --strict)."""
    if st.verdict in (Verdict.VIOLATED, Verdict.UNREACHABLE):
        if st.counted:
            return ERROR, "fail"
        if st.applicable:  # a caveat: shown so the user sees what can go wrong
            return WARNING, "fail"
        return NOTE, "notApplicable"
    if st.verdict is Verdict.INCONCLUSIVE:
        return (NONE, "open") if st.counted else (NOTE, "open")
    if row.result.is_vacuous and st.verdict is row.result.verdict:
        return (WARNING, "fail") if st.counted and strict else (NOTE, "review")
    return None


def findings(report: ManifestReport) -> list[Finding]:
    """Every row that does not pass, in report order, with its level and kind (module docstring)."""
    numbers = group_numbers(trace_groups(report.workloads))
    out = []
    for w, wr in enumerate(report.workloads):
        for i, row in enumerate(wr.rows):
            st = report.standing(row)
            graded = _grade(row, st, report.strict)
            if graded is not None:
                out.append(Finding(wr, row, st, graded[0], graded[1], numbers.get((w, i))))
    return out


@attrs.frozen
class StepText:
    """One step of a trace as the text report words it: number, actor, command, the lines, the changes."""

    number: int
    actor: str
    command: str
    head: str  # "[user] edit_template" ("initial state" for step 0)
    lines: tuple[str, ...]  # the describer's lines for the step's changes (the initial state's for step 0)
    changes: tuple[tuple[str, str], ...]  # (field, "before → after") of the model's state

    def one_line(self) -> str:
        """``N [actor] action: change; change`` on one line."""
        said = "; ".join(line.strip() for line in self.lines if line.strip())
        return f"{self.number} {self.head}" + (f": {said}" if said else "")


def step_texts(trace: Trace) -> list[StepText]:
    """The initial state and each step of ``trace`` in the model's Kubernetes words (the describer of
    :func:`kubecheck.cli.trace_text.describer`, as the text report prints them); the last says how a
    liveness counterexample goes on for ever."""
    d = trace_text.describer(trace.model, trace.scope)
    out = [StepText(0, "", "", "initial state", tuple(d.initial(trace.initial)), ())]
    states = trace.states
    for i, step in enumerate(trace.steps, start=1):
        lines = d.changes(states[i - 1], step.state, dict(step.changes)) or ["(no visible change)"]
        changes = tuple((f, text.change(a, b)) for f, (a, b) in step.changes.items())
        head = f"[{step.action.actor}] {d.action(step.action)}"
        out.append(StepText(i, step.action.actor, step.action.name, head, tuple(lines), changes))
    if trace.loop is not None:
        ending = trace_text.steps(trace, "", with_legend=False)[-1].strip()  # "↺ loops back to … for ever"
        last = out[-1]
        out[-1] = attrs.evolve(last, lines=(*last.lines, ending))
    return out


def version() -> str:
    """kubecheck's version as installed (``0+unknown`` when run from a tree that was never installed)."""
    try:
        return importlib.metadata.version("kubecheck")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def information_uri() -> str | None:
    """The project's home page from the installed metadata (``[project.urls]``), None when it names none."""
    try:
        meta = importlib.metadata.metadata("kubecheck")
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "repository", "source", "documentation") and url.strip():
            return url.strip()
    home = (meta.get_all("Home-page") or [""])[0]
    return home if home and home != "UNKNOWN" else None


def artifact_uri(path: str) -> str | None:
    """A manifest path as a SARIF ``uri``: relative paths stay relative (to the working directory, which
    code scanning takes as the repository root), absolute ones become ``file://`` URIs; None for stdin."""
    if not path or path == "<stdin>":
        return None
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return urllib.parse.quote(p.as_posix(), safe="/-._~")


def _artifact(path: str) -> dict[str, Json]:
    uri = artifact_uri(path)
    return {"uri": uri} if uri is not None else {"description": {"text": "standard input"}}


def _location(file: str, where: Location | None, message: str = "") -> dict[str, Json]:
    physical: dict[str, Json] = {"artifactLocation": _artifact(where.file if where else file)}
    if where is not None:
        physical["region"] = {"startLine": where.line}
    out: dict[str, Json] = {"physicalLocation": physical}
    if message:
        out["message"] = {"text": message}
    if where is not None:
        out["properties"] = {"field": where.field}
    return out


def _role(prop: Property) -> str:
    if is_caveat(prop):
        return "caveat"
    return "witness" if prop.kind == "sometimes" else "guarantee"


def rule(prop: Property) -> dict[str, Json]:
    """The ``reportingDescriptor`` of a property: its doc, the upstream justification as help, its tags."""
    help_lines = [prop.doc, f"Upstream: {prop.upstream}"]
    if prop.assumes:
        help_lines.append(f"Assumes: {prop.assumes}")
    if prop.fairness:
        help_lines.append(f"Fairness: {prop.fairness}")
    help_lines.append(f"Kind: {prop.kind}; checked against Kubernetes {KUBERNETES} semantics.")
    role = _role(prop)
    return {
        "id": prop.name,
        "name": prop.short,
        "shortDescription": {"text": prop.doc},
        "fullDescription": {"text": f"{prop.doc} ({prop.kind}; {role})"},
        "help": {"text": "\n".join(help_lines)},
        "defaultConfiguration": {"level": WARNING if role == "caveat" else ERROR},
        "properties": {
            "tags": ["kubernetes", prop.model, prop.kind, role],
            "kind": prop.kind,
            "role": role,
            "upstream": prop.upstream,
        },
    }


def _rules(report: ManifestReport) -> list[Property]:
    models = {wr.workload.model for wr in report.workloads}
    return [p for name in catalog.MODELS if name in models for p in catalog.properties(name)]


def fingerprint(finding: Finding) -> str:
    """A hash of the rule, the file, the object and the check's assumption: no line, no verdict."""
    meta = finding.workload.workload.obj.meta
    parts = [
        finding.row.result.property.name,
        artifact_uri(finding.file) or "<stdin>",
        meta.kind,
        meta.namespace,
        meta.name,
        finding.workload.workload.assumption,
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _message(f: Finding) -> str:
    res, row, st = f.row.result, f.row, f.standing
    ref = f.workload.workload.ref
    caveat = " (caveat: not guaranteed by Kubernetes, not counted in the exit code)" if not st.counted else ""
    shown = res.verdict_text() if st.verdict is res.verdict else st.verdict.value
    lines = [f"{ref}: {res.property.name} {shown}{caveat}: {res.property.doc}"]
    if f.workload.workload.assumption:
        lines.append(f"assumes: {f.workload.workload.assumption}")
    lines.append(f"checked by {row.method} at {row.sizing_note or row.size}")
    if st.note or res.note:
        lines.append(st.note or res.note)
    if res.trace is not None and st.verdict is Verdict.VIOLATED:
        lines.append(f"⇒ {trace_text.conclusion(res.property, res.verdict.value, res.trace)}")
    return "\n".join(lines)


def _code_flow(f: Finding, trace: Trace) -> dict[str, Json]:
    wr, own = f.workload, f.location
    locations: list[Json] = []
    for step in step_texts(trace):
        where = wr.locate(ACTION_FIELDS[step.command]) if step.command in ACTION_FIELDS else own
        where = where or own
        message = "\n".join([f"{step.number}  {step.head}", *(line.strip() for line in step.lines)])
        flow_location: dict[str, Json] = {
            "location": _location(f.file, where, message),
            "executionOrder": step.number,
            "properties": {"step": step.number, "actor": step.actor or "initial", "command": step.command},
        }
        if step.changes:
            flow_location["state"] = {field: {"text": change} for field, change in step.changes}
        locations.append(flow_location)
    thread: dict[str, Json] = {"locations": locations}
    if trace.loop is not None:
        thread["properties"] = {"loopsBackTo": trace.loop}
    words = (
        f"a run of {text.plural(len(trace.steps), 'step')} that ends with "
        f"{f.row.result.property.name} {f.standing.verdict.value}"
    )
    return {"message": {"text": words}, "threadFlows": [thread]}


def result(f: Finding, rule_index: int, fixes: FixSource | None = None) -> dict[str, Json]:
    """The SARIF ``result`` of a finding (module docstring)."""
    res, meta = f.row.result, f.workload.workload.obj.meta
    out: dict[str, Json] = {
        "ruleId": res.property.name,
        "ruleIndex": rule_index,
        "kind": f.kind,
        "level": f.level,
        "message": {"text": _message(f)},
        "locations": [
            {
                **_location(f.file, f.location),
                "logicalLocations": [
                    {
                        "name": meta.name,
                        "fullyQualifiedName": f"{meta.namespace}/{f.workload.workload.ref}",
                        "kind": "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(f)},
    }
    if res.trace is not None and f.standing.verdict is Verdict.VIOLATED:
        out["codeFlows"] = [_code_flow(f, res.trace)]
    suggested = list(fixes(f.workload, f.row)) if fixes is not None else []
    if suggested:
        out["fixes"] = suggested
    props: dict[str, Json] = {
        "verdict": f.standing.verdict.value,
        "role": _role(res.property),
        "counted": f.standing.counted,
        "method": f.row.method,
        "checkedAt": f.row.size,
        "reduced": f.row.reduced,
        "states": res.stats.states,
        "object": f.workload.workload.ref,
        "namespace": meta.namespace,
    }
    if f.workload.workload.assumption:
        props["assumption"] = f.workload.workload.assumption
    if f.trace_number is not None:
        props["traceGroup"] = f.trace_number
    nearest = _fix_words(f.row)
    if nearest is not None:
        props["nearestFix"] = nearest
    out["properties"] = props
    return out


def _fix_words(row: Row) -> dict[str, Json] | None:
    fix = row.fix
    if fix is None:
        return None
    return {
        "found": fix.found,
        "object": fix.object,
        "changes": [{"path": c.where, "old": c.old, "new": c.new} for c in fix.changes],
        "checked": fix.checked,
        "breaks": list(fix.breaks),
        "kubectl": fix.kubectl() if fix.found else None,
        "searched": fix.searched,
    }


def nearest_fixes(wr: WorkloadReport, row: Row) -> list[dict[str, Json]]:
    """The row's nearest fix as a SARIF ``fix``: each changed value rewritten in place ([] when the row
    has none, or when a change is not a value the manifest writes; module docstring)."""
    fix = row.fix
    if fix is None or not fix.found or not isinstance(wr.lines, FieldLines) or not wr.source:
        return []
    if fix.elsewhere:
        return []  # the patch is on the budget's (or autoscaler's) document, not the workload's lines
    if any(c.path == ("spec", "strategy", "type") and c.new == "Recreate" for c in fix.changes) and (
        "spec.strategy.rollingUpdate" in wr.lines
    ):
        return []  # the rollingUpdate block would have to go too
    replacements: list[Json] = []
    for change in fix.changes:
        try:
            span = wr.lines.node(change.where).span
        except KeyError:
            return []
        if span is None:
            return []
        region = {
            "startLine": span.start_line,
            "startColumn": span.start_column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        }
        replacements.append({"deletedRegion": region, "insertedContent": {"text": json.dumps(change.new)}})
    said = "; ".join(fix.yaml_lines())
    breaks = f" (it breaks {', '.join(fix.breaks)})" if fix.breaks else ""
    return [
        {
            "description": {"text": f"{said}: {fix.checked}{breaks}; on a cluster: {fix.kubectl()}"},
            "artifactChanges": [{"artifactLocation": _artifact(wr.source), "replacements": replacements}],
        }
    ]


_REJECTED_FILE = re.compile(r"^(?P<file>.+?)(?: \(document \d+\))?: ")


def _notification(line: str) -> dict[str, Json]:
    found = _REJECTED_FILE.match(line)
    out: dict[str, Json] = {"level": ERROR, "message": {"text": line}}
    if found:
        out["locations"] = [{"physicalLocation": {"artifactLocation": _artifact(found["file"])}}]
    return out


def render(report: ManifestReport, fixes: FixSource | None = nearest_fixes) -> str:
    """The SARIF 2.1.0 log of a manifest report (module docstring), as indented JSON."""
    props = _rules(report)
    index = {p.name: i for i, p in enumerate(props)}
    driver: dict[str, Json] = {
        "name": "kubecheck",
        "fullName": f"kubecheck {version()} (Kubernetes {KUBERNETES} semantics)",
        "version": version(),
        "semanticVersion": version(),
    }
    uri = information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = [rule(p) for p in props]
    invocation: dict[str, Json] = {
        "executionSuccessful": not report.rejected,
        "exitCode": report.exit_code,
    }
    if report.rejected:
        invocation["toolExecutionNotifications"] = [_notification(line) for line in report.rejected]
    run: dict[str, Json] = {
        "tool": {"driver": driver},
        "invocations": [invocation],
        "results": [result(f, index[f.row.result.property.name], fixes) for f in findings(report) if f.in_sarif],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "kubernetes": KUBERNETES,
            "sources": list(report.sources),
            "strict": report.strict,
            "faults": sorted(report.faults),
            "exitCode": report.exit_code,
        },
    }
    log = {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
