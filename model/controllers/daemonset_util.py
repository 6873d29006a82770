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

Worked examples (upstream TestGetUnavailableNumbers, update_test.go):

* maxUnavailable "50%" of 2 desired nodes: ceil(1.0) = 1; of 3: ceil(1.5) = 2;
* maxSurge "50%" of 2: ceil(1.0) = 1; "100%" of 2: 2;
* maxUnavailable 0 and maxSurge 0 with 2 desired nodes: the controller falls back to
  maxUnavailable 1; with no desired node it stays 0.
"""

from __future__ import annotations

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


def node_should_run_daemon_pod(ops: Ops, node_class: Value, unreachable: Value) -> tuple[Value, Value]:
    """NodeShouldRunDaemonPod: (shouldRun, shouldContinueRunning) of a node of ``node_class``.

    ``unreachable``: the node lifecycle controller's NoSchedule taint (not-ready or
    unreachable) is on the node; daemon pods tolerate its NoExecute twin only.
    """
    should_run = ops.and_(node_class == ELIGIBLE, ops.not_(unreachable))
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
