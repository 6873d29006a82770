"""Scope of the StatefulSet model: the manifest's numbers, the cluster's size, what may happen.

``validate`` applies the API server's rules (pkg/apis/apps/validation/validation.go:
ValidateStatefulSetSpec, validateRollingUpdateStatefulSet) with its messages.

Presets (state counts pinned in tests/model/state_counts.py):

* ``tiny``: 2 replicas, OrderedReady, RollingUpdate, one node, one claim template (RWO), one
  template edit, one scale to 1; no faults.
* ``small``: as tiny on two nodes, with whenScaled=Delete and minReadySeconds > 0 (the
  properties switch on the faults they speak about: partition, force-delete, node-delete, evict).
* ``medium``: 3 replicas, two nodes, one edit and one revert, a scale to 2, whenScaled=Delete,
  one crash.

``revision-history`` (off in every preset, so the pinned counts are those of the two-slot
reading) keeps ControllerRevisions as upstream does: a revision number per template,
``revisionHistoryLimit`` truncation, status.updateRevision, and ``undos`` (``kubectl rollout undo
statefulset --to-revision=N``); see :mod:`kubecheck.model.controllers.statefulset_sync`.

``broken-release`` (off in every preset) makes every edited template a bad release: its pods
start but never pass readiness, the StatefulSet analogue of the Deployment's switch. Liveness
properties use it to show a rolling update that waits for ever (website: "Forced rollback").
It is now a name for ``failure=never-ready failing-revision=update``: the failure modes
(``failure``, ``failing-revision``, ``failing-ordinal``, ``failure-onset``, ``failure-repair``;
all off in every preset) are the cluster layer's, :mod:`kubecheck.model.controllers.failures`.
``orphan-deletes``, ``recreates`` and ``foreign-pod`` (off in every preset, so the pinned counts
are unchanged) switch owner references on (:mod:`kubecheck.model.controllers.ownership`):
``kubectl delete sts --cascade=orphan``, applying a deleted set again (it adopts orphans, and
ignores the pods of its deleted incarnation, which the garbage collector deletes), and a pod of
another controller that holds one ordinal's name.
``forced-rollback`` puts the operator's documented manual delete into the scenario;
``out-of-service`` lets the administrator taint a shut-down node (non-graceful node shutdown).
``pdb-min-available`` / ``pdb-max-unavailable`` / ``pdb-unhealthy-policy`` (a PodDisruptionBudget
selecting the set's pods), ``scenario=drain`` (``kubectl drain node-a``) and ``scenario=node-upgrade`` (a
node-pool upgrade) are issue 16's actors,
:mod:`kubecheck.model.controllers.statefulset_disruption`; off in every preset (pinned counts unchanged).
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.cluster import FAULTS, out_of_service_param
from kubecheck.model.kernel.intstr import IntOrPercent
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

_parse_faults = parse_names(FAULTS, "fault")
_show_faults = show_names(FAULTS)
#: spec.replicas accepted on the command line: far beyond exhaustive search, for the symbolic engines
#: (k-induction at replicas 50 on two nodes: about a minute here, mostly building the encoding).
MAX_REPLICAS = 100
#: Above this many ordinals exhaustive search is refused without a budget: the lightest scope (no
#: scaling, no faults) grows about fourfold per ordinal (4,233 states at 4), ``small`` faster
#: (461,598 at 5); 8 ordinals is minutes at best.
EXPLICIT_MAX_ORDINALS = 8
_parse_int_list = parse_int_list(0, MAX_REPLICAS, "1,3")
#: The environment around the StatefulSet (scope ``scenario``): nothing, one ``kubectl drain node-a``, or a
#: node-pool upgrade (drain, replace, uncordon, node by node).
SCENARIOS = ("none", "drain", "node-upgrade")


@attrs.frozen
class StatefulSetScope:
    """The constants of one StatefulSet check."""

    name: str = param("name", "metadata.name of the StatefulSet (pods are <name>-<ordinal>)", str, "web")
    replicas: int = param("replicas", "spec.replicas at the start", parse_int(0, MAX_REPLICAS), 2)
    ordinals_start: int = param(
        "ordinals-start", "spec.ordinals.start (names only: partition counts from it)", parse_int(0, 1000), 0
    )
    pod_management: str = param(
        "pod-management-policy",
        "spec.podManagementPolicy",
        parse_choice((su.ORDERED_READY, su.PARALLEL)),
        su.ORDERED_READY,
    )
    strategy: str = param(
        "strategy", "spec.updateStrategy.type", parse_choice((su.ROLLING_UPDATE, su.ON_DELETE)), su.ROLLING_UPDATE
    )
    partition: int = param("partition", "spec.updateStrategy.rollingUpdate.partition", parse_int(-1, 100), 0)
    max_unavailable: IntOrPercent = param(
        "max-unavailable",
        "spec.updateStrategy.rollingUpdate.maxUnavailable (integer or percent)",
        parse_int_or_percent,
        IntOrPercent(1),
    )
    max_unavailable_gate: bool = param(
        "feature-max-unavailable-statefulset",
        "feature gate MaxUnavailableStatefulSet (beta, on by default in v1.35)",
        parse_bool,
        True,
        show_bool,
    )
    min_ready_seconds: int = param(
        "min-ready-seconds", "spec.minReadySeconds (only zero / non-zero matters)", parse_int(0, 86400), 0
    )
    when_deleted: str = param(
        "when-deleted",
        "spec.persistentVolumeClaimRetentionPolicy.whenDeleted",
        parse_choice((su.RETAIN, su.DELETE)),
        su.RETAIN,
    )
    when_scaled: str = param(
        "when-scaled",
        "spec.persistentVolumeClaimRetentionPolicy.whenScaled",
        parse_choice((su.RETAIN, su.DELETE)),
        su.RETAIN,
    )
    claims: bool = param(
        "volume-claim-templates",
        "one volumeClaimTemplate, named by claim-template (false: no volumes)",
        parse_bool,
        True,
        show_bool,
    )
    claim_template: str = param(
        "claim-template",
        "metadata.name of the volumeClaimTemplate (claims are <claim-template>-<name>-<ordinal>)",
        parse_object_name,
        "data",
    )
    access_mode: str = param("access-mode", "the claim template's access mode", parse_choice(vol.ACCESS_MODES), vol.RWO)
    read_only_mount: bool = param(
        "read-only-mount", "the pod mounts the claim with readOnly: true", parse_bool, False, show_bool
    )
    nodes: int = param("nodes", "schedulable nodes (node-a, node-b, ...)", parse_int(1, 4), 1)
    edits: int = param("edits", "template edits the user makes (each a new revision)", parse_int(0, 3), 1)
    reverts: int = param(
        "reverts", "times the user re-applies an older template (reuses its revision)", parse_int(0, 2), 0
    )
    scale_to: tuple[int, ...] = param(
        "scale-to", "replica counts the user may scale to (comma list)", _parse_int_list, (), show_int_list
    )
    scales: int = param("scales", "how many times the user may scale", parse_int(0, 4), 1)
    pod_deletes: int = param(
        "pod-deletes", "kubectl delete pod commands the user may issue (OnDelete updates)", parse_int(0, 4), 0
    )
    set_deletion: bool = param(
        "set-deletion", "the user may delete the StatefulSet (kubectl delete sts)", parse_bool, False, show_bool
    )
    faults: frozenset[str] = param(
        "faults", "faults that may happen: " + ", ".join(FAULTS), _parse_faults, frozenset(), _show_faults
    )
    fault_budget: int = param("fault-budget", "how many faults may happen in one run", parse_int(0, 4), 1)
    revision_history: bool = param(
        "revision-history",
        "keep ControllerRevisions as upstream does (revision numbers, revisionHistoryLimit, status.updateRevision)",
        parse_bool,
        False,
        show_bool,
    )
    revision_history_limit: int = param(
        "revision-history-limit",
        "spec.revisionHistoryLimit: revisions no pod, currentRevision or updateRevision uses that are kept",
        parse_int(0, 2_147_483_647),
        10,
    )
    undos: int = param(
        "undos",
        "kubectl rollout undo statefulset --to-revision=N commands the user may issue (needs revision-history)",
        parse_int(0, 2),
        0,
    )
    broken_release: bool = param(
        "broken-release",
        "pods of edited templates never pass their readiness probe (Running, not Ready, for ever): the same as "
        "failure=never-ready with failing-revision=update",
        parse_bool,
        False,
        show_bool,
    )
    failure: str = fm.mode_param()
    failing_revision: str = fm.revision_param()
    failing_ordinal: int = param(
        "failing-ordinal",
        "the one ordinal (index from ordinals.start) the failure hits; -1: every ordinal",
        parse_int(-1, MAX_REPLICAS),
        -1,
    )
    failure_onset: str = fm.onset_param()
    failure_repair: str = fm.repair_param()
    forced_rollback: bool = param(
        "forced-rollback",
        "the operator follows the documented forced rollback: once the template is reverted, a pod stuck at another "
        "revision (not Ready) is deleted by hand (operator.delete_stuck_pod; assumed to happen: weakly fair)",
        parse_bool,
        False,
        show_bool,
    )
    out_of_service: bool = out_of_service_param()
    # -- issue 16: a PodDisruptionBudget selecting the set's pods, and kubectl drain (statefulset_disruption) --
    pdb_min_available: IntOrPercent | None = bu.min_available_param("StatefulSet")
    pdb_max_unavailable: IntOrPercent | None = bu.max_unavailable_param()
    pdb_unhealthy_policy: str = bu.unhealthy_policy_param()
    pdb_second_budget: bool = bu.second_budget_param("StatefulSet")
    scenario: str = param(
        "scenario",
        "the environment: none, or drain (`kubectl drain node-a` as a user action: cordon, evict every pod on it "
        "through the eviction API, retry on 429, wait until each is gone) or node-upgrade (a node-pool upgrade: "
        "drain, wait for the volumes to detach, replace, uncordon, node by node)",
        parse_choice(SCENARIOS),
        "none",
    )

    orphan_deletes: int = param(
        "orphan-deletes",
        "kubectl delete sts --cascade=orphan commands the user may issue (the pods stay, without a controller ref; "
        "the user may then re-create the set, which adopts them)",
        parse_int(0, 2),
        0,
    )
    recreates: int = param(
        "recreates",
        "times the user may apply a deleted StatefulSet's manifest again (after kubectl delete sts, with or "
        "without --cascade=orphan)",
        parse_int(0, 2),
        0,
    )
    foreign_pod: int = param(
        "foreign-pod",
        "an ordinal index whose pod name is taken from the start by a pod another controller owns (-1: none)",
        parse_int(-1, MAX_REPLICAS),
        -1,
    )

    def validate(self) -> None:
        """The API server's validation of the fields this scope sets."""
        if self.partition < 0:
            raise ScopeError(
                f"spec.updateStrategy.rollingUpdate.partition: Invalid value: {self.partition}: must be greater than "
                "or equal to 0"
            )
        mu = self.max_unavailable
        if mu.is_percent and not 0 < mu.value <= 100:
            raise ScopeError(
                f'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "{mu}": must be greater than 0% and '
                "less than or equal to 100%"
            )
        if not mu.is_percent and mu.value < 1:
            raise ScopeError(
                f"spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: {mu.value}: must be greater than 0"
            )
        if self.undos and not self.revision_history:
            raise ScopeError(
                "undos: kubectl rollout undo reads ControllerRevisions; set revision-history=true (expected "
                f"undos=0 without it, got {self.undos})"
            )
        if self.undos and not self.edits:
            raise ScopeError("undos need at least one template edit (there is no other revision to roll back to)")
        if self.reverts and not self.edits:
            raise ScopeError("reverts need at least one template edit (there is no older template to re-apply)")
        if self.broken_release and self.failure != fm.NONE:
            raise ScopeError(
                f"broken-release: expected false when failure is set (broken-release is failure=never-ready with "
                f"failing-revision=update), got true with failure={self.failure}"
            )
        fm.validate(self)
        if self.recreates and not (self.orphan_deletes or self.set_deletion):
            raise ScopeError(
                f"recreates: expected 0 when the set is never deleted (set-deletion=false, orphan-deletes=0), "
                f"got {self.recreates}"
            )
        if self.foreign_pod >= self.ordinals:
            raise ScopeError(
                f"foreign-pod: expected -1 or an index below {self.ordinals} (the ordinals this scope has), "
                f"got {self.foreign_pod}"
            )
        if self.failing_ordinal >= self.ordinals:
            raise ScopeError(
                f"failing-ordinal: expected -1 or an index below {self.ordinals} (the ordinals this scope has), "
                f"got {self.failing_ordinal}"
            )
        self._validate_disruption()

    def _validate_disruption(self) -> None:
        """The API server's ValidatePodDisruptionBudgetSpec, then what the budget and the drain need."""
        bu.validate_budget(self)
        if self.has_drain and self.ownership:
            raise ScopeError(
                "scenario: expected none with orphan-deletes, recreates or foreign-pod (the drain would evict "
                "another controller's pod, whose controller the model does not have), got " + self.scenario
            )

    # -- the failure mode in effect (kubecheck.model.controllers.failures) ----------------------

    @property
    def failure_mode(self) -> str:
        return fm.NEVER_READY if self.broken_release else self.failure

    @property
    def failure_revision(self) -> str:
        return fm.UPDATE if self.broken_release else self.failing_revision

    # -- issue 16: the budget and the drain (kubecheck.model.controllers.statefulset_disruption) --

    @property
    def has_budget(self) -> bool:
        """A PodDisruptionBudget selects the set's pods: its status is state."""
        return bu.is_budget_set(self)

    @property
    def has_drain(self) -> bool:
        """``kubectl drain`` may run (node-a, or every node in the upgrade): nodes can be cordoned, pods evicted."""
        return self.scenario in ("drain", "node-upgrade")

    @property
    def is_upgrade(self) -> bool:
        """The node-pool upgrade scenario: the drain goes over every node, one after the other."""
        return self.scenario == "node-upgrade"

    @property
    def budget_cap(self) -> int:
        """A bound on the budget's status counts: one pod object per ordinal, or minAvailable as written."""
        written = self.pdb_min_available.value if self.pdb_min_available is not None else 0
        return max(self.ordinals, written)

    # -- bounds derived from the scope (concrete) ------------------------------------------

    @property
    def ownership(self) -> bool:
        """Owner references are modelled (orphan deletion, re-creation, a foreign pod); off in every preset."""
        return self.orphan_deletes > 0 or self.recreates > 0 or self.foreign_pod >= 0

    @property
    def templates(self) -> int:
        return 1 + self.edits

    @property
    def max_revision_number(self) -> int:
        """The highest ControllerRevision number a run can reach (0 without revision-history).

        The first sync numbers the initial template 1; after that a number is only handed out
        (``nextRevision``: highest + 1) when the spec's template changed to one whose revision is
        not the newest, so every edit, revert and undo adds at most one.
        """
        if not self.revision_history:
            return 0
        return 1 + self.edits + self.reverts + self.undos

    @property
    def max_replicas(self) -> int:
        return max((self.replicas,) + (self.scale_to if self.scales else ()))

    @property
    def ordinals(self) -> int:
        """Pod slots: one per ordinal that can ever exist."""
        return max(1, self.max_replicas)

    @property
    def has_min_ready(self) -> bool:
        return self.min_ready_seconds > 0

    @property
    def effective_max_unavailable(self) -> IntOrPercent | None:
        """maxUnavailable as the controller reads it: ignored (1) when the gate is off."""
        return self.max_unavailable if self.max_unavailable_gate else None

    # -- what the engines can do with this scope (kubecheck.checker.run) -----------------------

    def beyond_explicit_search(self) -> str | None:
        """Why exhaustive search cannot explore this scope, or None when it can."""
        if self.ordinals <= EXPLICIT_MAX_ORDINALS:
            return None
        return (
            f"{self.ordinals} ordinals (replicas up to {self.max_replicas}): explicit search would store every state "
            f"of {self.ordinals} pods "
            f"(the state space grows about fourfold per ordinal); it is refused above {EXPLICIT_MAX_ORDINALS} ordinals"
        )

    def not_symbolic(self, name: str) -> str:
        """Why the scope field ``name`` cannot be left symbolic (``--for-all``): none of them can."""
        if name in ("replicas", "scale_to"):
            return (
                "the StatefulSet model keeps one state slot per ordinal, so spec.replicas fixes the shape of the "
                "state; pdr, k-induction and BMC make no proof for every replica count (--engine auto proves some "
                "properties for every count: papers/statefulset-every-size.md). "
                "Check a range instance by instance with --for-all replicas=LO..HI, or one count with "
                "--set replicas=N --engine kind (or pdr)"
            )
        if name == "max_unavailable":
            return (
                "max-unavailable: the StatefulSet scope states no API validation for symbolic parameters "
                "(symbolic_constraints); check values one at a time with --set"
            )
        return (
            f"{name.replace('_', '-')}: the StatefulSet model reads it while building its commands and per-ordinal "
            f"slots, so it cannot be left symbolic; check values one at a time with --set"
        )


PRESETS = {
    "tiny": StatefulSetScope(replicas=2, nodes=1, edits=1, scale_to=(1,), scales=1),
    "small": StatefulSetScope(
        replicas=2, nodes=2, edits=1, scale_to=(1,), scales=1, when_scaled=su.DELETE, min_ready_seconds=10
    ),
    "medium": StatefulSetScope(
        replicas=3,
        nodes=2,
        edits=1,
        reverts=1,
        scale_to=(2,),
        scales=1,
        when_scaled=su.DELETE,
        faults=frozenset({"crash"}),
        fault_budget=1,
    ),
}
