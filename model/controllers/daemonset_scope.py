"""Scope of the DaemonSet model: the manifest's numbers, the nodes, what may happen.

``validate`` applies the API server's rules (pkg/apis/apps/validation/validation.go:
ValidateDaemonSetSpec, ValidateDaemonSetUpdateStrategy, ValidateRollingUpdateDaemonSet) with
its messages: each of maxUnavailable and maxSurge is a non-negative integer or a percentage of
at most 100%, and **exactly one** of them is non-zero ("0%" counts as zero).

Presets (state counts pinned in tests/model/state_counts.py):

* ``tiny``: two nodes running the DaemonSet at revision 0, maxUnavailable 1, one template edit;
  one node's labels may change once; no faults.
* ``small``: as tiny with a third node that may join, minReadySeconds > 0 (the properties
  switch on surge, faults or OnDelete where they speak about them).
* ``medium``: three nodes, maxSurge 1, one edit, one join, one relabel, one crash.

The failure modes (``failure``, ``failing-revision``, ``failing-node``, ``failure-onset``,
``failure-repair``; off in every preset) are the cluster layer's
(:mod:`kubecheck.model.controllers.failures`); ``out-of-service`` lets the administrator taint a
shut-down node (non-graceful node shutdown).

What the manifest says about placement (``kubecheck check -f``): ``tolerates`` names the taint
effects every taint of which the template tolerates (a key-less ``operator: Exists``,
:func:`~kubecheck.model.controllers.daemonset_util.tolerated_effects`), ``node-selector`` the
template's nodeSelector as traces show it (empty: the model's own ``daemon=<name>``; ``none``:
the template has none) and ``taint`` the NoSchedule taint traces show for the no-schedule class
(one the template does not tolerate). They decide which classes a node change may reach
(``relabel_targets``): no-schedule only if some NoSchedule taint is untolerated, ineligible only
if a nodeSelector or node affinity can stop matching or some NoExecute taint is untolerated. The
presets keep the defaults (nothing tolerated, the model's selector): every class is reachable.
"""

from __future__ import annotations

import attrs

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers.cluster import FAULTS, out_of_service_param
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.scopes import (
    ScopeError,
    param,
    parse_bool,
    parse_choice,
    parse_int,
    parse_int_or_percent,
    parse_names,
    show_bool,
    show_names,
)

START_ROLLED_OUT, START_FRESH = "rolled-out", "fresh"

#: The disruption around the DaemonSet (scope ``scenario``, issue 16: daemonset_disruption): nothing; an eviction
#: client evicting node-a's pod (retrying 429s); ``kubectl drain node-a``; a node-pool upgrade, node by node.
SCENARIOS = ("none", "evict", "drain", "node-upgrade")

ALL_ELIGIBLE = "all eligible"


def _parse_classes(raw: str) -> tuple[int, ...]:
    text = str(raw).strip()
    if not text or text == ALL_ELIGIBLE:  # what _show_classes prints for the default: scopes round-trip
        return ()
    out = []
    for name in text.split(","):
        name = name.strip()
        if name not in du.CLASS_NAMES:
            raise ScopeError(f"unknown node class {name!r}; valid classes: {', '.join(du.CLASS_NAMES)}")
        out.append(du.CLASS_NAMES.index(name))
    return tuple(out)


def _show_classes(classes: tuple[int, ...]) -> str:
    return ",".join(du.CLASS_NAMES[c] for c in classes) or ALL_ELIGIBLE


def _field(value: IntOrPercent) -> str:
    return f'"{value}"' if value.is_percent else str(value.value)


_parse_faults = parse_names(FAULTS, "fault")
_show_faults = show_names(FAULTS)
_parse_effects = parse_names(du.EFFECTS, "taint effect")
_show_effects = show_names(du.EFFECTS)
NO_SELECTOR = "none"
AFFINITY = "node affinity"
MODEL_SELECTOR = "daemon=<name>"  # how the model's own selector (the empty value) is shown and set
DEFAULT_TAINT = "dedicated=infra:NoSchedule"


def _parse_selector(raw: str) -> str:
    text = str(raw).strip()
    if text in ("", MODEL_SELECTOR):
        return ""
    if text in (NO_SELECTOR, AFFINITY):
        return text
    pairs = [p.strip() for p in text.split(",")]
    if not all(p.count("=") == 1 and p.split("=")[0] for p in pairs):
        raise ScopeError(
            f"expected {NO_SELECTOR}, {AFFINITY!r}, {MODEL_SELECTOR} or key=value pairs separated by commas, "
            f"got {text!r}"
        )
    return ",".join(pairs)


def _show_selector(value: str) -> str:
    return value or MODEL_SELECTOR


def _parse_taint(raw: str) -> str:
    text = str(raw).strip()
    key = text.removesuffix(":NoSchedule").split("=")[0]
    if not text.endswith(":NoSchedule") or not key or text.count(":") != 1:
        raise ScopeError(f"expected a NoSchedule taint key[=value]:NoSchedule, got {text!r}")
    return text


@attrs.frozen
class DaemonSetScope:
    """The constants of one DaemonSet check."""

    name: str = param("name", "metadata.name of the DaemonSet", str, "agent")
    nodes: int = param("nodes", "node slots (node-a, node-b, ...), including those that join later", parse_int(1, 4), 2)
    node_classes: tuple[int, ...] = param(
        "node-classes",
        "initial class per node: eligible | no-schedule | ineligible (comma list; default all eligible)",
        _parse_classes,
        (),
        _show_classes,
    )
    tolerates: frozenset[str] = param(
        "tolerates",
        "taint effects every taint of which the pod template tolerates (key-less operator: Exists): "
        + ", ".join(du.EFFECTS),
        _parse_effects,
        frozenset(),
        _show_effects,
    )
    node_selector: str = param(
        "node-selector",
        "the template's nodeSelector as traces show it: key=value pairs, 'node affinity', none, or the model's "
        "daemon=<name>",
        _parse_selector,
        "",
        _show_selector,
    )
    taint: str = param(
        "taint", "the NoSchedule taint traces show for the no-schedule class", _parse_taint, DEFAULT_TAINT
    )
    start: str = param(
        "start",
        "rolled-out: the DaemonSet already runs at revision 0 on every eligible node; fresh: just created",
        parse_choice((START_ROLLED_OUT, START_FRESH)),
        START_ROLLED_OUT,
    )
    strategy: str = param(
        "strategy", "spec.updateStrategy.type", parse_choice((du.ROLLING_UPDATE, du.ON_DELETE)), du.ROLLING_UPDATE
    )
    max_unavailable: IntOrPercent = param(
        "max-unavailable",
        "spec.updateStrategy.rollingUpdate.maxUnavailable (integer or percent)",
        parse_int_or_percent,
        IntOrPercent(1),
    )
    max_surge: IntOrPercent = param(
        "max-surge",
        "spec.updateStrategy.rollingUpdate.maxSurge (integer or percent)",
        parse_int_or_percent,
        IntOrPercent(0),
    )
    min_ready_seconds: int = param(
        "min-ready-seconds", "spec.minReadySeconds (only zero / non-zero matters)", parse_int(0, 86400), 0
    )
    edits: int = param("edits", "template edits the user makes (each a new revision)", parse_int(0, 2), 1)
    joins: int = param("joins", "nodes that join later (the last node slots start absent)", parse_int(0, 2), 0)
    leaves: int = param(
        "leaves", "times a node may be removed (kubectl delete node; the machine is decommissioned)", parse_int(0, 2), 0
    )
    relabels: int = param("relabels", "times a node's labels or taints may change its class", parse_int(0, 2), 0)
    pod_deletes: int = param(
        "pod-deletes", "kubectl delete pod commands the user may issue (OnDelete updates)", parse_int(0, 2), 0
    )
    faults: frozenset[str] = param(
        "faults", "faults that may happen: " + ", ".join(FAULTS), _parse_faults, frozenset(), _show_faults
    )
    fault_budget: int = param("fault-budget", "how many faults may happen in one run", parse_int(0, 4), 1)
    failure: str = fm.mode_param()
    failing_revision: str = fm.revision_param()
    failing_node: int = param(
        "failing-node",
        "the one node (0 = node-a) whose daemon pod the failure hits; -1: every node",
        parse_int(-1, 3),
        -1,
    )
    failure_onset: str = fm.onset_param()
    failure_repair: str = fm.repair_param()
    out_of_service: bool = out_of_service_param()
    # -- issue 16: a PodDisruptionBudget over the DaemonSet's pods, evictions, drains (daemonset_disruption) --
    pdb_min_available: IntOrPercent | None = bu.min_available_param("DaemonSet")
    pdb_max_unavailable: IntOrPercent | None = bu.max_unavailable_param()
    pdb_unhealthy_policy: str = bu.unhealthy_policy_param()
    pdb_second_budget: bool = bu.second_budget_param("DaemonSet")
    scenario: str = param(
        "scenario",
        "the disruption: none; evict (an eviction client, a user's or a tool's, evicts node-a's pod through the "
        "eviction API, retrying 429s); drain (kubectl drain node-a: cordon, list, evict); node-upgrade (drain, "
        "replace, uncordon, node by node)",
        parse_choice(SCENARIOS),
        "none",
    )
    ignore_daemonsets: bool = param(
        "ignore-daemonsets",
        "kubectl drain --ignore-daemonsets (the DaemonSet's pods are skipped with a warning); false: the drain "
        "fails on them",
        parse_bool,
        True,
        show_bool,
    )

    @property
    def failure_mode(self) -> str:
        return self.failure

    @property
    def failure_revision(self) -> str:
        return self.failing_revision

    @property
    def tolerates_out_of_service(self) -> bool:
        """The template tolerates every NoExecute taint (a key-less Exists), the out-of-service one included;
        AddOrUpdateDaemonPodTolerations does not add that one."""
        return du.NO_EXECUTE_EFFECT in self.tolerates

    def validate(self) -> None:
        """The API server's validation of the fields this scope sets (its messages)."""
        fm.validate(self)
        bu.validate_budget(self)
        if self.has_drain and self.failure != "none":
            raise ScopeError(
                f"scenario: expected none or evict with failure={self.failure} (the drain's handling of Failed "
                f"DaemonSet pods is not modelled), got {self.scenario}"
            )
        if self.failing_node >= self.nodes:
            raise ScopeError(f"failing-node: expected -1 or a node below {self.nodes}, got {self.failing_node}")
        if self.node_classes and len(self.node_classes) != self.nodes:
            raise ScopeError(
                f"node-classes: expected {self.nodes} classes (one per node), got {len(self.node_classes)}"
            )
        unreachable = [c for c in self.node_classes if c not in self.relabel_targets]
        if unreachable:
            raise ScopeError(
                f"node-classes: {du.CLASS_NAMES[unreachable[0]]} cannot occur: no label or untolerated taint makes it "
                f"(tolerates={_show_effects(self.tolerates)}, node-selector={_show_selector(self.node_selector)})"
            )
        if self.joins >= self.nodes:
            raise ScopeError(f"joins: at most nodes - 1 = {self.nodes - 1} nodes may join later, got {self.joins}")
        if self.strategy != du.ROLLING_UPDATE:
            return
        path = "spec.updateStrategy.rollingUpdate"
        for field_name, value in (("maxUnavailable", self.max_unavailable), ("maxSurge", self.max_surge)):
            if not value.is_percent and value.value < 0:
                raise ScopeError(
                    f"{path}.{field_name}: Invalid value: {value.value}: must be greater than or equal to 0"
                )
            if value.is_percent and value.value > 100:
                raise ScopeError(f"{path}.{field_name}: Invalid value: {_field(value)}: must not be greater than 100%")
        has_unavailable = not self.max_unavailable.is_zero()
        has_surge = not self.max_surge.is_zero()
        if has_unavailable and has_surge:
            raise ScopeError(
                f"{path}.maxSurge: Invalid value: {_field(self.max_surge)}: may not be set when maxUnavailable is "
                "non-zero"
            )
        if not has_unavailable and not has_surge:
            raise ScopeError(f"{path}.maxUnavailable: Required value: cannot be 0 when maxSurge is 0")

    # -- issue 16: the budget, the eviction client and the drain (daemonset_disruption) --------

    @property
    def has_budget(self) -> bool:
        """A PodDisruptionBudget selects the DaemonSet's pods: its status is state."""
        return bu.is_budget_set(self)

    @property
    def has_client(self) -> bool:
        """An eviction client evicts node-a's pod (scenario evict)."""
        return self.scenario == "evict"

    @property
    def has_drain(self) -> bool:
        """``kubectl drain`` may run (node-a, or every node in the upgrade): nodes can be cordoned."""
        return self.scenario in ("drain", "node-upgrade")

    @property
    def is_upgrade(self) -> bool:
        """The node-pool upgrade scenario: drain, replace, uncordon, node by node."""
        return self.scenario == "node-upgrade"

    @property
    def budget_cap(self) -> int:
        """A bound on the budget's status counts: the pod slots, or minAvailable as written."""
        written = self.pdb_min_available.value if self.pdb_min_available is not None else 0
        return max(self.pod_slots, written)

    # -- bounds derived from the scope (concrete) ------------------------------------------

    def not_symbolic(self, name: str) -> str:
        """Why the scope field ``name`` cannot be left symbolic (``--for-all``): none of them can."""
        if name == "nodes":
            return (
                "the DaemonSet model keeps state slots per node, so the node count fixes the shape of the state; "
                "no proof for every node count is made. Check a range instance by instance with "
                "--for-all nodes=LO..HI, or one count with --set nodes=N --engine kind (or pdr)"
            )
        return (
            f"{name.replace('_', '-')}: the DaemonSet model reads it while building its commands and per-node "
            f"slots, so it cannot be left symbolic; check values one at a time with --set"
        )

    @property
    def templates(self) -> int:
        return 1 + self.edits

    @property
    def surge(self) -> bool:
        """AllowsSurge: the manage loop keeps an old and a new pod side by side."""
        return du.allows_surge(self.strategy, self.max_surge)

    @property
    def slots_per_node(self) -> int:
        """Pod objects a node can hold at once, plus one so that the model could show an excess.

        Without surge, manage creates only where a node has no pod object at all, so one is
        the upstream bound; with surge, an old and a new pod, and a third once a pod can be
        Terminating while an old pod gets a new one beside it: a pod deleted by someone else
        (eviction, kubectl delete pod), a node made ineligible and eligible again, or a second
        edit (the surging pod becomes old and the younger old pod is pruned). The spare slot
        lets a modelling error show up as a property violation instead of being ruled out by
        shape; tests check on every reachable state that a create always finds a free slot.
        """
        if not self.surge:
            return 2
        third = (
            bool({"evict", "force-delete"} & set(self.faults))
            or self.pod_deletes > 0
            or self.edits >= 2
            or self.relabels >= 2
            or self.leaves > 0
        )
        return 3 if third else 2

    @property
    def podgc_on(self) -> bool:
        """A Node object can disappear (the node-delete fault, or kubectl delete node): PodGC may
        have orphans to collect."""
        return "node-delete" in self.faults or self.leaves > 0

    @property
    def pod_slots(self) -> int:
        return self.nodes * self.slots_per_node

    @property
    def has_min_ready(self) -> bool:
        return self.min_ready_seconds > 0

    @property
    def relabel_targets(self) -> tuple[int, ...]:
        """The classes a node change may give a node: those some label or untolerated taint can make."""
        out = [du.ELIGIBLE]
        if du.NO_SCHEDULE_EFFECT not in self.tolerates:
            out.append(du.NO_SCHEDULE)
        if self.node_selector != NO_SELECTOR or du.NO_EXECUTE_EFFECT not in self.tolerates:
            out.append(du.INELIGIBLE)
        return tuple(out)

    @property
    def tolerates_no_schedule(self) -> bool:
        return du.NO_SCHEDULE_EFFECT in self.tolerates

    @property
    def initial_classes(self) -> tuple[int, ...]:
        return self.node_classes or (du.ELIGIBLE,) * self.nodes

    def home(self, slot: int) -> int:
        """The node a pod slot belongs to (its nodeAffinity target)."""
        return slot // self.slots_per_node


PRESETS = {
    "tiny": DaemonSetScope(nodes=2, edits=1, relabels=1),
    "small": DaemonSetScope(nodes=3, edits=1, joins=1, relabels=1, min_ready_seconds=10),
    "medium": DaemonSetScope(
        nodes=3,
        edits=1,
        joins=1,
        relabels=1,
        max_unavailable=IntOrPercent(0),
        max_surge=IntOrPercent(1),
        min_ready_seconds=10,
        faults=frozenset({"crash"}),
        fault_budget=1,
    ),
}
