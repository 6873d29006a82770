"""Pure helpers of the DaemonSet controller, named after their upstream twins.

Paraphrased from ``pkg/controller/daemon/util/daemonset_util.go`` (SurgeCount,
UnavailableCount, AllowsSurge, IsPodUpdated), ``pkg/controller/daemon/update.go``
(updatedDesiredNodeCounts) and ``pkg/controller/daemon/daemon_controller.go``
(NodeShouldRunDaemonPod, predicates) — Kubernetes v1.35; snapshots and citations in
papers/daemonset-notes.md. Every helper takes plain values or ``ops`` terms, so the upstream
test tables in tests/model/test_daemonset_util.py evaluate them with CONCRETE and with Z3.

Eligibility classes. NodeShouldRunDaemonPod reads a node's name, labels (nodeSelector and
required node affinity) and taints against the pod's tolerations (the template's plus the
defaults every daemon pod gets: not-ready and unreachable NoExecute forever; disk-, memory-,
pid-pressure and unschedulable NoSchedule). Its two answers depend on three facts only, so a
node is abstracted to a *class*:

* ``ELIGIBLE``: labels match, no untolerated taint → (shouldRun, shouldContinueRunning) = (true, true);
* ``NO_SCHEDULE``: labels match, an untolerated NoSchedule taint → (false, true): a pod that is
  there keeps running, no new one is started;
* ``INELIGIBLE``: labels do not match (or nodeName differs), or an untolerated NoExecute taint
  → (false, false): pods there are deleted.

An unreachable or not-ready node carries ``node.kubernetes.io/unreachable|not-ready:NoSchedule``
(TaintNodesByCondition, GA) which daemon pods do **not** tolerate, and the NoExecute twins, which
they tolerate: so such a node behaves as NO_SCHEDULE whatever its class. Resources and host
ports are not checked (the scheduler deals with them); cordoned nodes still run daemon pods.

Tolerations decide which classes exist at all (``tolerated_effects``, paraphrasing
``k8s.io/api/core/v1/toleration.go:ToleratesTaint`` as ``v1helper.TolerationsTolerateTaint``
uses it in the predicates). A class stands for "*some* untolerated taint of that effect", so it
disappears only when no taint of that effect can be untolerated: a key-less ``operator: Exists``
toleration whose effect is empty or that effect. A node carrying a tolerated taint *is* an
ELIGIBLE node to NodeShouldRunDaemonPod (its pod is scheduled and keeps running), so applying
such a taint is no class change: the scope leaves the class out of the node changes it offers
(``DaemonSetScope.relabel_targets``) instead of modelling a taint that changes nothing. Such a
toleration also tolerates the lifecycle NoSchedule taints (not-ready, unreachable). A keyed
toleration (``key: dedicated``) tolerates one key only: other NoSchedule taints still exclude
the pod, so the class stays and traces show a taint it does not tolerate (``untolerated_taint``).
A NoExecute toleration with ``tolerationSeconds`` does not count: the taint eviction controller
deletes the pod when the seconds run out, so the node does not keep it.

Worked examples (upstream TestGetUnavailableNumbers, update_test.go):

* maxUnavailable "50%" of 2 desired nodes: ceil(1.0) = 1; of 3: ceil(1.5) = 2;
* maxSurge "50%" of 2: ceil(1.0) = 1; "100%" of 2: 2;
* maxUnavailable 0 and maxSurge 0 with 2 desired nodes: the controller falls back to
  maxUnavailable 1; with no desired node it stays 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import Ops, Value

ROLLING_UPDATE, ON_DELETE = "RollingUpdate", "OnDelete"
ELIGIBLE, NO_SCHEDULE, INELIGIBLE = range(3)
CLASS_NAMES = ("eligible", "no-schedule", "ineligible")
CLASS_DESCRIPTIONS = (
    "labels match, no untolerated taint",
    "untolerated NoSchedule taint",
    "labels no longer match / untolerated NoExecute taint",
)


def surge_count(ops: Ops, strategy: str, max_surge: IntOrPercent, number_to_schedule: Value) -> Value:
    """SurgeCount: 0 unless RollingUpdate; maxSurge of numberToSchedule, percentages rounded *up*."""
    if strategy != ROLLING_UPDATE:
        return 0
    return ops.scaled_value(max_surge, number_to_schedule, round_up=True)


def unavailable_count(ops: Ops, strategy: str, max_unavailable: IntOrPercent, number_to_schedule: Value) -> Value:
    """UnavailableCount: 0 unless RollingUpdate; maxUnavailable of numberToSchedule, rounded *up*."""
    if strategy != ROLLING_UPDATE:
        return 0
    return ops.scaled_value(max_unavailable, number_to_schedule, round_up=True)


def allows_surge(strategy: str, max_surge: IntOrPercent) -> bool:
    """AllowsSurge: SurgeCount(ds, 1) > 0 — any non-zero maxSurge (a percent rounds up to 1)."""
    return strategy == ROLLING_UPDATE and max_surge.resolve(1, round_up=True) > 0


def updated_desired_node_counts(
    ops: Ops, strategy: str, max_surge: IntOrPercent, max_unavailable: IntOrPercent, desired: Value
) -> tuple[Value, Value]:
    """updatedDesiredNodeCounts: (maxSurge, maxUnavailable) for ``desired`` nodes that should run a pod.

    If both resolve to 0 while some node should run a pod, maxUnavailable becomes 1 (a safety
    net: validation already rejects 0/0, but percentages can still resolve to 0).
    """
    surge = surge_count(ops, strategy, max_surge, desired)
    unavailable = unavailable_count(ops, strategy, max_unavailable, desired)
    fallback = ops.and_(desired > 0, unavailable == 0, surge == 0)
    return surge, ops.ite(fallback, 1, unavailable)


def node_should_run_daemon_pod(
    ops: Ops, node_class: Value, unreachable: Value, tolerates_no_schedule: bool = False
) -> tuple[Value, Value]:
    """NodeShouldRunDaemonPod: (shouldRun, shouldContinueRunning) of a node of ``node_class``.

    ``unreachable``: the node lifecycle controller's NoSchedule taint (not-ready or
    unreachable) is on the node; daemon pods tolerate its NoExecute twin only, unless the
    template tolerates every NoSchedule taint (``tolerates_no_schedule``).
    """
    blocked = False if tolerates_no_schedule else unreachable
    should_run = ops.and_(node_class == ELIGIBLE, ops.not_(blocked))
    should_continue = node_class != INELIGIBLE
    return should_run, should_continue


def predicates(
    fits_node_name: bool, fits_node_affinity: bool, untolerated_no_schedule: bool, untolerated_no_execute: bool
) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod on the upstream inputs (name, affinity, taints): (shouldRun, shouldContinueRunning)."""
    if not (fits_node_name and fits_node_affinity):
        return False, False
    if untolerated_no_schedule or untolerated_no_execute:
        return False, not untolerated_no_execute
    return True, True


def node_class_of(
    fits_node_name: bool, fits_node_affinity: bool, untolerated_no_schedule: bool, untolerated_no_execute: bool
) -> int:
    """The eligibility class standing for a node with these predicate results."""
    if not (fits_node_name and fits_node_affinity) or untolerated_no_execute:
        return INELIGIBLE
    return NO_SCHEDULE if untolerated_no_schedule else ELIGIBLE


NO_SCHEDULE_EFFECT, NO_EXECUTE_EFFECT = "NoSchedule", "NoExecute"
EFFECTS = (NO_SCHEDULE_EFFECT, NO_EXECUTE_EFFECT)


@attrs.frozen
class Toleration:
    """One entry of ``spec.template.spec.tolerations`` (empty strings for absent fields)."""

    key: str = ""
    operator: str = ""  # "" means Equal
    value: str = ""
    effect: str = ""  # "" matches every effect
    seconds: int | None = None  # tolerationSeconds


def tolerates_taint(t: Toleration, key: str, value: str, effect: str) -> bool:
    """Toleration.ToleratesTaint: effect and key match when set; Equal compares the value, Exists does not."""
    if t.effect and t.effect != effect:
        return False
    if t.key and t.key != key:
        return False
    if t.operator in ("", "Equal"):
        return t.value == value
    return t.operator == "Exists"


def tolerations_tolerate_taint(tolerations: Sequence[Toleration], key: str, value: str, effect: str) -> bool:
    """TolerationsTolerateTaint: some toleration tolerates the taint (the predicates ignore tolerationSeconds)."""
    return any(tolerates_taint(t, key, value, effect) for t in tolerations)


def tolerated_effects(tolerations: Sequence[Toleration]) -> frozenset[str]:
    """The effects whose every taint the tolerations tolerate: a key-less Exists with that effect or none.

    For NoExecute only a toleration without tolerationSeconds counts (the pod is evicted when they run out).
    """
    out = set()
    for t in tolerations:
        if t.key or t.operator != "Exists":
            continue
        for effect in EFFECTS:
            if t.effect in ("", effect) and (effect != NO_EXECUTE_EFFECT or t.seconds is None):
                out.add(effect)
    return frozenset(out)


#: taints traces show for the no-schedule class, the first the tolerations do not tolerate
SCENARIO_TAINTS = (("dedicated", "infra"), ("kubecheck.io/untolerated", "true"))


def untolerated_taint(tolerations: Sequence[Toleration]) -> str:
    """A NoSchedule taint ``key=value:NoSchedule`` that the tolerations do not tolerate ("" if none)."""
    for key, value in SCENARIO_TAINTS:
        if not tolerations_tolerate_taint(tolerations, key, value, NO_SCHEDULE_EFFECT):
            return f"{key}={value}:{NO_SCHEDULE_EFFECT}"
    return ""


def is_pod_updated(pod_revision: Value, update_revision: Value) -> Value:
    """IsPodUpdated: the pod's controller-revision-hash label is the current revision's hash."""
    return pod_revision == update_revision


def pod_name(ds_name: str, node_name: str, slot: int) -> str:
    """Daemon pods are generateName'd (``<ds>-xxxxx``); traces name them after their node.

    The node's first pod slot is ``<ds>-<node>`` (``agent-node-a``); the others, used while a
    node has an old and a new pod (surge) or a Terminating one, add their number
    (``agent-node-a-2``, ``agent-node-a-3``).
    """
    return f"{ds_name}-{node_name}" + (f"-{slot + 1}" if slot else "")
