"""The cluster every workload model runs in: nodes, the scheduler, the kubelet and cluster faults.

Kubernetes v1.35, default feature gates. A workload model that places pods on named nodes
(StatefulSet, DaemonSet) stores its pods as *slots*:
per-slot tuple fields ``pod_phase``, ``pod_terminating``, ``pod_node`` and ``pod_ghost``, plus
the per-node fields ``node_state`` and ``node_exists`` and a ``faults_left`` counter. It declares
them with the field factories below and gets the environment's commands from
:func:`cluster_commands`, passing a :class:`PodTable` whose hooks say what its pods need
(a volume attached before the containers start, a claim bound before scheduling) and which of
its own per-pod fields reset when a pod object disappears.

What is modelled, and the upstream behaviour it stands for (paraphrased):

* **Pod object vs containers.** ``pod_phase`` is what the API says (no object, Pending
  unscheduled, Pending on a node = ContainerCreating, Running, Ready, available). Whether the
  pod's containers really run is derived: phase Running or later on a node that is not down.
  ``pod_ghost`` records containers that still run although their pod object is gone — left by
  a force deletion or by PodGC after the Node object was deleted while the machine was only
  unreachable (website: tasks/run-application/force-delete-stateful-set-pod.md, "at most one"
  semantics). The kubelet kills such orphans once it can talk to the API server again.
* **Scheduler.** Binds an unscheduled pod to any existing node that is Ready (unreachable and
  not-ready nodes carry NoSchedule taints); the choice is nondeterministic. Resources, affinity
  and spreading are abstracted away (any node fits).
* **Kubelet.** Starts containers (only when the workload's ``can_start`` hook allows: e.g. the
  volume is attached), reports Ready, finishes graceful termination (removing the object), and
  kills orphans. A kubelet on an unreachable node does nothing the API server can see.
* **Node lifecycle.** A partitioned or failed node's pods are marked not Ready
  (``node_lifecycle_controller.go:MarkPodsNotReady``; merged into the fault step — the 40 s
  grace period is time, abstracted away) and, after the default 300 s toleration of the
  ``node.kubernetes.io/unreachable`` NoExecute taint, deleted gracefully: they become
  Terminating but stay, because no kubelet confirms (``node-lifecycle.evict_pod``). Pods whose
  table says ``tolerates_unreachable`` carry the not-ready and unreachable NoExecute
  tolerations *without* tolerationSeconds — every daemon pod does
  (``pkg/controller/daemon/util/daemonset_util.go:AddOrUpdateDaemonPodTolerations``) — and
  ``pkg/controller/tainteviction/taint_eviction.go:processPodOnNode`` never schedules the
  deletion of a pod that tolerates every NoExecute taint for ever (``getMinTolerationTime``
  < 0): for them the command does not exist.
* **PodGC** (``pkg/controller/podgc/gc_controller.go:gcOrphaned``) deletes pods bound to nodes
  whose Node object no longer exists, without waiting for a kubelet. It only has work where a
  Node object can disappear: the table's ``podgc_on(scope)`` says where (by default, where the
  ``node-delete`` fault is on; a workload model with its own node removals widens it).
* **Faults**, each switched on by name in the scope and paid from ``faults_left``: ``crash``
  (a Ready container fails its probe), ``evict`` (Eviction API: graceful delete), ``force-delete``
  (``kubectl delete pod --grace-period=0 --force``), ``partition`` (the node keeps running but is
  unreachable), ``node-failure`` (the machine stops; its containers with it), ``node-delete``
  (an administrator deletes the Node object of a NotReady node). ``node.reconnect`` (network
  heals / machine reboots and re-registers) costs nothing and is never required to happen.

* **Out-of-service taint** (non-graceful node shutdown; website
  concepts/cluster-administration/node-shutdown.md; scope ``out-of-service``, with the
  ``node-failure`` fault): ``user.taint_out_of_service`` puts
  ``node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`` on a node that is down (the
  documented precondition: the machine is shut down; ``node_oos``). No workload pod here
  tolerates it (a DaemonSet template that tolerates every NoExecute taint does:
  ``PodTable.tolerates_out_of_service``), so the taint-eviction controller deletes the node's pods
  at once (``taint-eviction.evict_out_of_service_pod``: Terminating), and PodGC's
  ``gcTerminating`` (``pkg/controller/podgc/gc_controller.go``: a terminating pod on a node that
  is not Ready *and* has the out-of-service taint) force-deletes them without a kubelet
  (``pod-gc.delete_terminating_on_out_of_service_node``). The attach/detach controller's force
  detach is :mod:`~kubecheck.model.controllers.volumes`' (time abstracted, the 6 minutes and the
  taint's immediate detach are one step). When the node returns, ``node.reconnect`` also removes
  the taint: the documented last step of the procedure (the administrator removes it once the
  node is back) merged into the return, since nothing in between reads it.
* **Pod failure modes** (never starts, never Ready, crash loops, evicted to phase Failed) are
  :mod:`~kubecheck.model.controllers.failures`'; the ``FAILED`` phase is this layer's (a bound
  pod whose containers are dead: ``>= CREATING`` but not ``>= RUNNING``), and ``PodTable``'s
  ``can_start`` / ``can_ready`` hooks carry the failure modes' guards.

The node lifecycle itself is written node by node, apart from the slots: the pure functions
``node_can_fail``/``node_lost``, ``node_returned``, ``node_can_be_deleted``/``node_deleted``,
``node_can_be_tainted``/``node_tainted``, the taint and PodGC predicates ``may_evict_for_unreachable``,
``may_evict_for_out_of_service``, ``may_collect_orphans``, ``may_collect_terminating``, the
commands :func:`node_commands` builds from them and the descriptions in ``WORDS``. The
Deployment's counter model (:mod:`~kubecheck.model.controllers.deployment_nodes`) reuses them with
its own pod effects, so one node lifecycle serves every workload.

Abstracted: time (minReadySeconds, grace periods and tolerations are single steps), node
labels and taints other than the lifecycle and out-of-service ones, graceful node shutdown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Protocol

import attrs

from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.schema import Bound, bool_field, int_field, tuple_field
from kubecheck.model.kernel.scopes import param, parse_bool, show_bool

# pod phases (what the API server says about the pod object). FAILED sits between CREATING and
# RUNNING so that ``>= CREATING`` still reads "bound to a node" (a Failed pod is) and ``>= RUNNING``
# "containers started" (a Failed pod's are dead): node-pressure eviction (failures.EVICTED) ends there.
NONE, UNSCHEDULED, CREATING, FAILED, RUNNING, READY, AVAILABLE = range(7)
PHASE_NAMES = (
    "-",
    "Pending (unscheduled)",
    "ContainerCreating",
    "Failed",
    "Running (not Ready)",
    "Ready",
    "Available",
)
# node states
NODE_READY, NODE_PARTITIONED, NODE_DOWN = range(3)
NODE_STATE_NAMES = ("Ready", "unreachable (partitioned, still running)", "down")

FAULTS = ("crash", "evict", "force-delete", "partition", "node-failure", "node-delete")


def out_of_service_param() -> bool:
    """The ``out-of-service`` scope parameter of every placed workload model (the words are the same for all)."""
    return param(
        "out-of-service",
        "the administrator may taint a shut-down node node.kubernetes.io/out-of-service (needs the node-failure fault)",
        parse_bool,
        False,
        show_bool,
    )


class PlacedScope(Protocol):
    """What the cluster layer reads of a workload scope whose pods are placed on named nodes."""

    @property
    def nodes(self) -> int: ...

    @property
    def faults(self) -> frozenset[str]: ...

    @property
    def fault_budget(self) -> int: ...

    @property
    def has_min_ready(self) -> bool: ...

    @property
    def out_of_service(self) -> bool: ...


class NodeState(Protocol):
    """The node fields a workload state declares with the factories below (and the fault budget)."""

    @property
    def node_state(self) -> tuple: ...

    @property
    def node_exists(self) -> tuple: ...

    @property
    def node_oos(self) -> tuple: ...

    @property
    def faults_left(self) -> int: ...


class PlacedState(NodeState, Protocol):
    """The fields a workload state declares with the factories below (pod slots and nodes)."""

    @property
    def pod_phase(self) -> tuple: ...

    @property
    def pod_terminating(self) -> tuple: ...

    @property
    def pod_node(self) -> tuple: ...

    @property
    def pod_ghost(self) -> tuple: ...


def node_name(n: int) -> str:
    """node-a, node-b, ... (traces speak Kubernetes)."""
    return "node-" + chr(ord("a") + n)


def phase_words(phase: int, has_min_ready: bool) -> str:
    """A pod phase as ``kubectl get pods`` suggests it: Pending, ContainerCreating, Running, not Ready, Ready, ...

    ``available`` only exists with minReadySeconds > 0; without it a Ready pod is available at once.
    """
    if phase == AVAILABLE:
        return "available" if has_min_ready else "Ready"
    return ("absent", "Pending", "ContainerCreating", "Failed", "Running, not Ready", "Ready, not yet available")[phase]


_SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"  # k8s.io/apimachinery/pkg/util/rand.SafeEncodeString


def stand_in_hash(key: str) -> str:
    """A stable stand-in for a revision hash (controller.ComputeHash + rand.SafeEncodeString).

    Upstream hashes the template; a trace needs only distinct, stable, realistic-looking names,
    so ten characters of upstream's alphabet are drawn from ``sha1(key)``.
    """
    digest = hashlib.sha1(key.encode()).digest()
    return "".join(_SAFE_ALPHABET[b % len(_SAFE_ALPHABET)] for b in digest[:10])


# -- field factories ----------------------------------------------------------------------------


def pod_phase_field(length: Bound) -> tuple:
    return tuple_field(int_field(NONE, AVAILABLE), length=length, doc="pod object phase per slot (0 = no object)")


def pod_terminating_field(length: Bound) -> tuple:
    return tuple_field(bool_field(), length=length, doc="pod has a deletionTimestamp (object still exists)")


def pod_node_field(length: Bound) -> tuple:
    return tuple_field(
        int_field(0, lambda sc: sc.nodes - 1), length=length, doc="node the pod is bound to (0 when unbound)"
    )


def pod_ghost_field(length: Bound) -> tuple:
    return tuple_field(
        int_field(0, lambda sc: sc.nodes),
        length=length,
        doc="node+1 where containers of a vanished pod object still run (0 = none)",
    )


def _every_node(sc: PlacedScope) -> int:
    return sc.nodes


def node_state_field(length: Bound = _every_node) -> tuple:
    return tuple_field(int_field(NODE_READY, NODE_DOWN), length=length, doc="Ready / partitioned / down")


def node_exists_field(length: Bound = _every_node) -> tuple:
    return tuple_field(bool_field(), length=length, doc="the Node object exists")


def node_oos_field(length: Bound = _every_node) -> tuple:
    return tuple_field(bool_field(), length=length, doc="the node carries node.kubernetes.io/out-of-service:NoExecute")


def faults_left_field() -> int:
    return int_field(0, lambda sc: sc.fault_budget, doc="faults left")


# -- derived predicates (ops style) ---------------------------------------------------------


def exists(s: PlacedState, k: int) -> Value:
    return s.pod_phase[k] != NONE


def is_bound(s: PlacedState, k: int) -> Value:
    return s.pod_phase[k] >= CREATING


def bound_to(ops: Ops, s: PlacedState, k: int, n: int) -> Value:
    return ops.and_(s.pod_phase[k] >= CREATING, s.pod_node[k] == n)


def node_up(ops: Ops, s: PlacedState, node: Value) -> Value:
    """The machine of ``node`` (a state value) is running (Ready or merely partitioned)."""
    return ops.or_(*[ops.and_(node == n, s.node_state[n] != NODE_DOWN) for n in range(len(s.node_state))])


def containers_running(ops: Ops, s: PlacedState, k: int) -> Value:
    """The pod object's containers really run (whatever the API says about readiness)."""
    return ops.and_(s.pod_phase[k] >= RUNNING, node_up(ops, s, s.pod_node[k]))


def ghost_running(ops: Ops, s: PlacedState, k: int) -> Value:
    return s.pod_ghost[k] != 0


def running_instances(ops: Ops, s: PlacedState, k: int) -> Value:
    """How many copies of slot k's containers run: its pod object's and an orphan's."""
    return ops.ite(containers_running(ops, s, k), 1, 0) + ops.ite(ghost_running(ops, s, k), 1, 0)


def _set(values: tuple, k: int, value: Value) -> tuple:
    return values[:k] + (value,) + values[k + 1 :]


def graceful_delete(ops: Ops, s: PlacedState, k: int, cond: Value) -> tuple[Value, Value]:
    """(phase, terminating) of slot k after a graceful delete when ``cond``: an unbound pod goes at once.

    pkg/registry/core/pod/strategy.go: a pod never bound to a node has no kubelet to wait for.
    """
    gone_now = ops.and_(cond, s.pod_phase[k] == UNSCHEDULED)
    phase = ops.ite(gone_now, NONE, s.pod_phase[k])
    term = ops.ite(ops.and_(cond, s.pod_phase[k] != UNSCHEDULED, s.pod_phase[k] != NONE), True, s.pod_terminating[k])
    return phase, term


def _always(ops: Ops, sc: PlacedScope, s: PlacedState, k: int, n: int) -> Value:
    return True


def _any_node(ops: Ops, sc: PlacedScope, s: PlacedState, n: int) -> Value:
    return True


def node_deletes_on(sc: PlacedScope) -> bool:
    """A Node object can be deleted in this scope: the ``node-delete`` fault is on."""
    return "node-delete" in sc.faults


@attrs.frozen
class PodTable:
    """How a workload model's pod slots plug into the cluster commands.

    ``slots(sc)``: the slot indices; ``can_bind``/``can_start(ops, sc, s, k, n)``: extra
    scheduler filter / kubelet precondition for slot k on node n; ``reset_on_remove``: the
    model's own per-slot int fields to zero when a pod object disappears (canonical states).
    ``tolerates_unreachable``: the pods tolerate the not-ready and unreachable NoExecute taints
    for ever, so taint-based eviction never deletes them (no ``node-lifecycle.evict_pod``);
    ``podgc_on(sc)``: a Node object can disappear in scope ``sc``, so PodGC's orphan
    collection (``pod-gc.delete_orphaned_pod``) may have work. ``can_reconnect(ops, sc, s, n)``:
    node n's machine may come back by itself (``node.reconnect``) — a model whose node slots can
    also be empty (not joined yet, decommissioned) says which of its down nodes are machines.
    ``can_ready(ops, sc, s, k, n)``: the readiness probe of slot k can pass (the failure modes of
    :mod:`~kubecheck.model.controllers.failures` say when it cannot). ``tolerates_out_of_service(sc)``:
    the pods tolerate the out-of-service NoExecute taint (no taint eviction by it).
    """

    slots: Callable[..., range]  # slots(scope)
    can_bind: Callable[..., Value] = _always
    can_start: Callable[..., Value] = _always
    can_ready: Callable[..., Value] = _always
    tolerates_out_of_service: Callable[..., bool] = lambda sc: False
    reset_on_remove: tuple[str, ...] = ()
    tolerates_unreachable: bool = False
    podgc_on: Callable[..., bool] = node_deletes_on  # podgc_on(scope)
    can_reconnect: Callable[..., Value] = _any_node


def removal(table: PodTable, ops: Ops, s: PlacedState, k: int, cond: Value) -> dict[str, Value]:
    """Changes that remove pod object k when ``cond`` (phase, flags, node and model fields reset)."""
    out = {
        "pod_phase": _set(s.pod_phase, k, ops.ite(cond, NONE, s.pod_phase[k])),
        "pod_terminating": _set(s.pod_terminating, k, ops.ite(cond, False, s.pod_terminating[k])),
        "pod_node": _set(s.pod_node, k, ops.ite(cond, 0, s.pod_node[k])),
    }
    for name in table.reset_on_remove:
        values = getattr(s, name)
        out[name] = _set(values, k, ops.ite(cond, 0, values[k]))
    return out


def _nodes(sc: PlacedScope) -> range:
    return range(sc.nodes)


def fault_on(name: str) -> Callable[[PlacedScope], bool]:
    """The scope switches fault ``name`` on."""
    return lambda sc: name in sc.faults


def node_fault_on(sc: PlacedScope) -> bool:
    """A node can become unreachable or stop (fault ``partition`` or ``node-failure``)."""
    return bool({"partition", "node-failure"} & set(sc.faults))


def out_of_service_on(sc: PlacedScope) -> bool:
    """The administrator may apply the out-of-service taint (scope ``out-of-service``) to a failed node."""
    return sc.out_of_service and "node-failure" in sc.faults


# What the cluster's commands do, in words: the description of each command, shared by every model
# that reuses the node lifecycle (the slot models here, the Deployment's pod counters).
WORDS = {
    "node-lifecycle.evict_pod": "NoExecute unreachable/not-ready taint after 300 s: the pod is deleted gracefully "
    "(stays Terminating)",
    "pod-gc.delete_orphaned_pod": "PodGC deletes a pod bound to a node whose Node object is gone (no kubelet "
    "confirmation)",
    "fault.force_delete_pod": "kubectl delete pod --grace-period=0 --force: the object goes at once, containers may "
    "still run",
    "fault.partition_node": "the node becomes unreachable but keeps running its containers; its pods are marked not "
    "Ready",
    "fault.fail_node": "the machine stops: its containers stop, its pods are marked not Ready",
    "node.reconnect": "the node is reachable again (re-registers if its Node object was deleted)",
    "fault.delete_node": "kubectl delete node on a NotReady node",
    "user.taint_out_of_service": "kubectl taint node <node> node.kubernetes.io/out-of-service=nodeshutdown:NoExecute "
    "on a node that is shut down (non-graceful node shutdown)",
    "taint-eviction.evict_out_of_service_pod": "the out-of-service NoExecute taint, tolerated by no workload pod "
    "here: the pod is deleted at once (Terminating)",
    "pod-gc.delete_terminating_on_out_of_service_node": "PodGC gcTerminating: a Terminating pod on a NotReady node "
    "with the out-of-service taint is force-deleted",
}


# -- the node lifecycle, node by node (pure; shared by the slot models and the Deployment's counters) --


def is_node_ready(s: NodeState, node: int) -> Value:
    """Node ``node`` is Ready: reachable, its kubelet reporting (no NoSchedule/NoExecute lifecycle taint)."""
    return s.node_state[node] == NODE_READY


def node_can_fail(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> Value:
    """A fault may take ``node`` away: budget left, the node Ready and registered."""
    return ops.and_(s.faults_left > 0, s.node_state[node] == NODE_READY, s.node_exists[node])


def node_lost(ops: Ops, s: NodeState, node: int, to_state: int) -> dict[str, Value]:
    """The node's own changes when a fault makes it unreachable (``NODE_PARTITIONED``) or stops it (``NODE_DOWN``)."""
    return {"faults_left": s.faults_left - 1, "node_state": _set(s.node_state, node, to_state)}


def node_returned(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> dict[str, Value]:
    """The node is back: Ready, registered again, and (the procedure's last step) without the out-of-service taint."""
    out = {"node_state": _set(s.node_state, node, NODE_READY), "node_exists": _set(s.node_exists, node, True)}
    if sc.out_of_service:
        out["node_oos"] = _set(s.node_oos, node, False)
    return out


def node_can_be_deleted(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> Value:
    return ops.and_(s.faults_left > 0, s.node_state[node] != NODE_READY, s.node_exists[node])


def node_deleted(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> dict[str, Value]:
    return {"faults_left": s.faults_left - 1, "node_exists": _set(s.node_exists, node, False)}


def node_can_be_tainted(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> Value:
    """The documented precondition of the out-of-service taint: the machine is shut down (and not yet tainted)."""
    return ops.and_(s.node_exists[node], s.node_state[node] == NODE_DOWN, ops.not_(s.node_oos[node]))


def node_tainted(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> dict[str, Value]:
    return {"node_oos": _set(s.node_oos, node, True)}


def may_evict_for_unreachable(ops: Ops, s: NodeState, node: int) -> Value:
    """taint_eviction.go: pods on ``node`` carry its unreachable/not-ready NoExecute taint (the node is not Ready)."""
    return s.node_state[node] != NODE_READY


def may_evict_for_out_of_service(ops: Ops, s: NodeState, node: int) -> Value:
    """taint_eviction.go: pods on ``node`` carry the out-of-service NoExecute taint."""
    return s.node_oos[node]


def may_collect_orphans(ops: Ops, s: NodeState, node: int) -> Value:
    """gc_controller.go gcOrphaned: the pod's node has no Node object."""
    return ops.not_(s.node_exists[node])


def may_collect_terminating(ops: Ops, s: NodeState, node: int) -> Value:
    """gc_controller.go gcTerminating: the node is not Ready and carries the out-of-service taint."""
    return ops.and_(s.node_state[node] != NODE_READY, s.node_oos[node])


NodeEffect = Callable[..., dict[str, Value]]  # (ops, scope, state, node) -> the pods' changes


def node_commands(
    on_partition: NodeEffect, on_failure: NodeEffect, can_reconnect: Callable[..., Value] = _any_node
) -> tuple[Command, ...]:
    """The node faults and their repair: partition, failure, return, deletion, out-of-service taint.

    ``on_partition``/``on_failure(ops, sc, s, node)``: what happens to the node's pods (marked not
    Ready; a stopped machine's orphaned containers stop too), in the model's own representation.
    ``can_reconnect(ops, sc, s, node)``: the node's machine may come back by itself.
    """
    node = ("node", _nodes)

    def partition_e(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> dict[str, Value]:
        return {**node_lost(ops, s, node, NODE_PARTITIONED), **on_partition(ops, sc, s, node)}

    def fail_e(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> dict[str, Value]:
        return {**node_lost(ops, s, node, NODE_DOWN), **on_failure(ops, sc, s, node)}

    def reconnect_g(ops: Ops, sc: PlacedScope, s: NodeState, node: int) -> Value:
        return ops.and_(s.node_state[node] != NODE_READY, can_reconnect(ops, sc, s, node))

    def command(name: str, guard: Callable[..., Value], effect: NodeEffect, kind: str, on: Callable) -> Command:
        return Command(name, guard, effect, WORDS[name], kind=kind, params=(node,), enabled_in=on)

    return (
        command("fault.partition_node", node_can_fail, partition_e, "fault", fault_on("partition")),
        command("fault.fail_node", node_can_fail, fail_e, "fault", fault_on("node-failure")),
        command("node.reconnect", reconnect_g, node_returned, "fault", node_fault_on),
        command("fault.delete_node", node_can_be_deleted, node_deleted, "fault", fault_on("node-delete")),
        command("user.taint_out_of_service", node_can_be_tainted, node_tainted, "user", out_of_service_on),
    )


def _mark_not_ready(ops: Ops, s: PlacedState, n: int) -> tuple:
    return tuple(
        ops.ite(ops.and_(bound_to(ops, s, k, n), s.pod_phase[k] >= READY), RUNNING, s.pod_phase[k])
        for k in range(len(s.pod_phase))
    )


def cluster_commands(table: PodTable) -> tuple[Command, ...]:
    """The scheduler, kubelet, node-lifecycle, PodGC and fault commands over ``table``'s pod slots."""
    slot = ("pod", table.slots)
    node = ("node", _nodes)

    def bind_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(
            s.pod_phase[pod] == UNSCHEDULED,
            s.node_exists[node],
            s.node_state[node] == NODE_READY,
            table.can_bind(ops, sc, s, pod, node),
        )

    def bind_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return {"pod_phase": _set(s.pod_phase, pod, CREATING), "pod_node": _set(s.pod_node, pod, node)}

    def start_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(
            s.pod_phase[pod] == CREATING,
            s.pod_node[pod] == node,
            s.node_state[node] == NODE_READY,
            ops.not_(s.pod_terminating[pod]),
            table.can_start(ops, sc, s, pod, node),
        )

    def start_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return {"pod_phase": _set(s.pod_phase, pod, RUNNING)}

    def ready_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(
            s.pod_phase[pod] == RUNNING,
            s.pod_node[pod] == node,
            s.node_state[node] == NODE_READY,
            ops.not_(s.pod_terminating[pod]),
            table.can_ready(ops, sc, s, pod, node),
        )

    def ready_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return {"pod_phase": _set(s.pod_phase, pod, READY if sc.has_min_ready else AVAILABLE)}

    def avail_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> Value:
        return s.pod_phase[pod] == READY

    def avail_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> dict[str, Value]:
        return {"pod_phase": _set(s.pod_phase, pod, AVAILABLE)}

    def terminated_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(s.pod_terminating[pod], bound_to(ops, s, pod, node), s.node_state[node] == NODE_READY)

    def terminated_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return removal(table, ops, s, pod, True)

    def orphan_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(s.pod_ghost[pod] == node + 1, s.node_state[node] == NODE_READY)

    def orphan_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return {"pod_ghost": _set(s.pod_ghost, pod, 0)}

    def taint_evict_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(
            bound_to(ops, s, pod, node), may_evict_for_unreachable(ops, s, node), ops.not_(s.pod_terminating[pod])
        )

    def taint_evict_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return {"pod_terminating": _set(s.pod_terminating, pod, True)}

    def podgc_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(bound_to(ops, s, pod, node), may_collect_orphans(ops, s, node))

    def podgc_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        still = ops.and_(s.pod_phase[pod] >= RUNNING, s.node_state[node] == NODE_PARTITIONED)
        out = removal(table, ops, s, pod, True)
        out["pod_ghost"] = _set(s.pod_ghost, pod, ops.ite(still, node + 1, s.pod_ghost[pod]))
        return out

    def crash_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> Value:
        return ops.and_(s.faults_left > 0, s.pod_phase[pod] >= READY, ops.not_(s.pod_terminating[pod]))

    def crash_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> dict[str, Value]:
        return {"faults_left": s.faults_left - 1, "pod_phase": _set(s.pod_phase, pod, RUNNING)}

    def evict_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> Value:
        return ops.and_(s.faults_left > 0, is_bound(s, pod), ops.not_(s.pod_terminating[pod]))

    def evict_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> dict[str, Value]:
        return {"faults_left": s.faults_left - 1, "pod_terminating": _set(s.pod_terminating, pod, True)}

    def force_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> Value:
        return ops.and_(s.faults_left > 0, is_bound(s, pod))

    def force_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int) -> dict[str, Value]:
        still = containers_running(ops, s, pod)
        out = removal(table, ops, s, pod, True)
        out["faults_left"] = s.faults_left - 1
        out["pod_ghost"] = _set(s.pod_ghost, pod, ops.ite(still, s.pod_node[pod] + 1, s.pod_ghost[pod]))
        return out

    def partition_e(ops: Ops, sc: PlacedScope, s: PlacedState, node: int) -> dict[str, Value]:
        return {"pod_phase": _mark_not_ready(ops, s, node)}

    def fail_e(ops: Ops, sc: PlacedScope, s: PlacedState, node: int) -> dict[str, Value]:
        return {
            "pod_phase": _mark_not_ready(ops, s, node),
            "pod_ghost": tuple(ops.ite(g == node + 1, 0, g) for g in s.pod_ghost),
        }

    def oos_evict_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(
            bound_to(ops, s, pod, node), may_evict_for_out_of_service(ops, s, node), ops.not_(s.pod_terminating[pod])
        )

    def oos_gc_g(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> Value:
        return ops.and_(s.pod_terminating[pod], bound_to(ops, s, pod, node), may_collect_terminating(ops, s, node))

    def oos_gc_e(ops: Ops, sc: PlacedScope, s: PlacedState, pod: int, node: int) -> dict[str, Value]:
        return removal(table, ops, s, pod, True)

    min_ready = lambda sc: sc.has_min_ready  # noqa: E731
    orphans = lambda sc: bool({"force-delete", "node-delete"} & set(sc.faults))  # noqa: E731
    return (
        (
            # one fairness unit per pod: the node is the scheduler's choice, so weak fairness promises
            # "the scheduler eventually binds web-1", whatever the node
            Command(
                "scheduler.bind_pod",
                bind_g,
                bind_e,
                "bind an unscheduled pod to a Ready node (any node fits)",
                params=(slot, node),
                fair_by=(slot[0],),
            ),
            Command(
                "kubelet.start_pod",
                start_g,
                start_e,
                "start the containers (after the volume is attached): Running, not Ready",
                params=(slot, node),
            ),
            Command("kubelet.pod_ready", ready_g, ready_e, "readiness probe passes: Ready", params=(slot, node)),
            Command(
                "clock.pass_min_ready_seconds",
                avail_g,
                avail_e,
                "minReadySeconds pass: a Ready pod becomes available",
                params=(slot,),
                enabled_in=min_ready,
            ),
            Command(
                "kubelet.pod_terminated",
                terminated_g,
                terminated_e,
                "graceful termination completes: containers stopped, the pod object is removed",
                params=(slot, node),
            ),
            Command(
                "kubelet.kill_orphan",
                orphan_g,
                orphan_e,
                "the kubelet, reachable again, kills containers whose pod object is gone",
                params=(slot, node),
                enabled_in=orphans,
            ),
        )
        + (
            ()
            if table.tolerates_unreachable
            else (
                Command(
                    "node-lifecycle.evict_pod",
                    taint_evict_g,
                    taint_evict_e,
                    WORDS["node-lifecycle.evict_pod"],
                    params=(slot, node),
                    enabled_in=node_fault_on,
                ),
            )
        )
        + (
            Command(
                "pod-gc.delete_orphaned_pod",
                podgc_g,
                podgc_e,
                WORDS["pod-gc.delete_orphaned_pod"],
                params=(slot, node),
                enabled_in=table.podgc_on,
            ),
            Command(
                "fault.crash_pod",
                crash_g,
                crash_e,
                "a Ready container fails its probe: Running, not Ready",
                kind="fault",
                params=(slot,),
                enabled_in=fault_on("crash"),
            ),
            Command(
                "fault.evict_pod",
                evict_g,
                evict_e,
                "the Eviction API (kubectl drain) deletes a bound pod gracefully",
                kind="fault",
                params=(slot,),
                enabled_in=fault_on("evict"),
            ),
            Command(
                "fault.force_delete_pod",
                force_g,
                force_e,
                WORDS["fault.force_delete_pod"],
                kind="fault",
                params=(slot,),
                enabled_in=fault_on("force-delete"),
            ),
        )
        + node_commands(partition_e, fail_e, table.can_reconnect)
        + (
            Command(
                "taint-eviction.evict_out_of_service_pod",
                oos_evict_g,
                taint_evict_e,
                WORDS["taint-eviction.evict_out_of_service_pod"],
                params=(slot, node),
                enabled_in=lambda sc: out_of_service_on(sc) and not table.tolerates_out_of_service(sc),
            ),
            Command(
                "pod-gc.delete_terminating_on_out_of_service_node",
                oos_gc_g,
                oos_gc_e,
                WORDS["pod-gc.delete_terminating_on_out_of_service_node"],
                params=(slot, node),
                enabled_in=out_of_service_on,
            ),
        )
    )
