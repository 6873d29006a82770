"""Nodes that fail under a Deployment: the cluster layer's node lifecycle over the pod counters.

Kubernetes v1.35, default feature gates. The node faults, their repair and their words are
:mod:`kubecheck.model.controllers.cluster`'s (``node_commands``, ``WORDS``, the node-level
predicates ``may_evict_for_unreachable`` and the rest); this module only says what they do to pods
that are *counted* per (ReplicaSet, node) instead of kept in slots. Scope: ``nodes`` 1–2 and one of
the faults ``partition``, ``node-failure``, ``node-delete``, ``force-delete`` (and
``out-of-service``); elsewhere the state has no node fields and none of these commands exists.

Upstream behaviour modelled (paraphrased):

* ``pkg/controller/nodelifecycle/node_lifecycle_controller.go`` (monitorNodeHealth) and
  ``pkg/controller/util/node/controller_utils.go:MarkPodsNotReady`` — when a node stops reporting,
  its Ready condition turns Unknown and its pods' Ready condition False. Merged into the fault step
  (the 40 s grace period is time): the node's ready and available pods become Running, not Ready.
  A ReplicaSet still counts them as active (``controller_utils.go:FilterActivePods`` reads only
  phase and deletionTimestamp), so it creates no replacement; only the Deployment's surge
  (``rolling.go:reconcileNewReplicaSet``, within maxSurge) may add pods, because they are no
  longer available.
* ``plugin/pkg/admission/defaulttolerationseconds/admission.go`` — a pod that does not say
  otherwise gets ``node.kubernetes.io/not-ready`` and ``node.kubernetes.io/unreachable``
  NoExecute tolerations with tolerationSeconds 300. ``pkg/controller/tainteviction/taint_eviction.go``
  (processPodOnNode, getMinTolerationTime) deletes a pod on a tainted node once its shortest
  toleration runs out, never a pod that tolerates every taint for ever. Time abstracted: after
  the fault, ``node-lifecycle.evict_pod`` may delete each of the node's pods gracefully, one step
  each (weakly fair, as every controller command). The pod becomes Terminating: not active, so
  its ReplicaSet replaces it at once, on a Ready node. Scope ``tolerates-unreachable`` (the
  template tolerates ``node.kubernetes.io/unreachable:NoExecute`` without tolerationSeconds: a node
  that stops reporting has Ready Unknown, which is that taint) removes the command.
* The kubelet of a lost node confirms nothing (``pkg/registry/core/pod/strategy.go``: a bound pod
  is removed only when its kubelet reports it stopped), so a Terminating pod there stays until
  the node returns (``node.reconnect``; its kubelet then finishes the deletion), its Node object
  is deleted and ``pkg/controller/podgc/gc_controller.go:gcOrphaned`` removes it
  (``pod-gc.delete_orphaned_pod``), the user force-deletes it (``fault.force_delete_pod``), or the
  administrator puts the out-of-service taint on the shut-down node, upon which
  ``taint_eviction.go`` deletes the node's pods (no Deployment pod tolerates that taint) and
  ``gc_controller.go:gcTerminating`` force-deletes the Terminating ones on a NotReady node with the
  taint (``pod-gc.delete_terminating_on_out_of_service_node``).
* Nothing is scheduled onto a node that is not Ready (the lifecycle taints carry NoSchedule too),
  and a lost node's kubelet starts, readies or finishes nothing the API server sees: the
  scheduler's and kubelet's commands of the Deployment model read :func:`node_ready`.

Why the counters stay exact: the lifecycle rules read only the node and the pod's phase, which
the counters keep per (ReplicaSet, node). On a node that is not Ready no pod is ready or
available (the fault marks them not Ready; only a Ready node's kubelet makes a pod Ready), so
the taint evictions only take Pending and Running pods. Abstracted: the containers a force
deletion or PodGC leaves running on a partitioned machine (the cluster layer's ``pod_ghost``):
every Deployment property counts pod objects, which a vanished pod no longer is; the kubelet kills
such containers when the node returns. A partitioned and a stopped node differ here only in that
the out-of-service taint needs a stopped one.
"""

from __future__ import annotations

from collections.abc import Callable

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value

#: Pod counters a node holds per ReplicaSet, in lifecycle order (the Deployment's BOUND, then Terminating).
ACTIVE = ("pending", "running", "ready", "available")
#: The active phases a pod can be in on a node that is not Ready (no pod is Ready there).
NOT_READY = ("pending", "running")


def node_ready(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int | None) -> Value:
    """The pod's node is Ready: the scheduler binds only there (the lifecycle taints carry NoSchedule) and
    only there does the kubelet act where the API server sees it (always, where no node fault is on)."""
    return cl.is_node_ready(s, node or 0) if sc.has_node_faults else True


def _index(sc: DeploymentScope, rs: int, node: int) -> int:
    return rs * sc.placements + node


def _add(values: tuple, i: int, delta: Value) -> tuple:
    return values[:i] + (values[i] + delta,) + values[i + 1 :]


def _mark_not_ready(ops: Ops, sc: DeploymentScope, s: DeploymentState, node: int) -> dict[str, Value]:
    """MarkPodsNotReady: the node's ready and available pods of every ReplicaSet become Running, not Ready."""
    running, ready, available = list(s.running), list(s.ready), list(s.available)
    for t in range(sc.templates):
        i = _index(sc, t, node)
        running[i] = running[i] + ready[i] + available[i]
        ready[i], available[i] = 0, 0
    out = {"running": tuple(running), "available": tuple(available)}
    if sc.has_min_ready:  # placed pods have minReadySeconds 0: ``ready`` stays 0 (the scope refuses other values)
        out["ready"] = tuple(ready)
    return out


def _phases(phases: tuple[str, ...]) -> Callable[[DeploymentScope], tuple[str, ...]]:
    def domain(sc: DeploymentScope) -> tuple[str, ...]:
        return tuple(p for p in phases if p != "ready" or sc.has_min_ready)

    return domain


def _slots(sc: DeploymentScope) -> range:
    return range(sc.templates)


def _nodes(sc: DeploymentScope) -> range:
    return range(sc.nodes)


def _pod_deleted(kind: str, may: Callable[..., Value]) -> tuple[Callable[..., Value], Callable[..., dict]]:
    """(guard, effect) of a deletion of one pod of ``phase`` on ``node`` where ``may(ops, s, node)``.

    ``kind``: "graceful" (the pod becomes Terminating), "now" (the object is removed, no kubelet
    asked) or "fault-now" (as now, paid from the fault budget: a user's force deletion).
    """

    def guard(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int, phase: str) -> Value:
        here = ops.and_(getattr(s, phase)[_index(sc, rs, node)] > 0, may(ops, s, node))
        return ops.and_(s.faults_left > 0, here) if kind == "fault-now" else here

    def effect(ops: Ops, sc: DeploymentScope, s: DeploymentState, rs: int, node: int, phase: str) -> dict:
        i = _index(sc, rs, node)
        out: dict[str, Value] = {phase: _add(getattr(s, phase), i, -1)}
        if kind == "graceful":
            out["terminating"] = _add(s.terminating, i, 1)
        if kind == "fault-now":
            out["faults_left"] = s.faults_left - 1
        return out

    return guard, effect


def _anywhere(ops: Ops, s: DeploymentState, node: int) -> Value:
    return True


def _on(name: str) -> Callable[[DeploymentScope], bool]:
    return lambda sc: sc.has_node_faults and name in sc.faults


def _unreachable_evictions(sc: DeploymentScope) -> bool:
    return sc.has_node_faults and cl.node_fault_on(sc) and not sc.tolerates_unreachable


def _out_of_service(sc: DeploymentScope) -> bool:
    return sc.has_node_faults and cl.out_of_service_on(sc)


_evict_g, _evict_e = _pod_deleted("graceful", cl.may_evict_for_unreachable)
_orphan_g, _orphan_e = _pod_deleted("now", cl.may_collect_orphans)
_force_g, _force_e = _pod_deleted("fault-now", _anywhere)
_oos_evict_g, _oos_evict_e = _pod_deleted("graceful", cl.may_evict_for_out_of_service)
_oos_gc_g, _oos_gc_e = _pod_deleted("now", cl.may_collect_terminating)


def _pod_command(
    name: str, pair: tuple[Callable, Callable], phases: tuple[str, ...], on: Callable, kind: str = "system"
) -> Command:
    params = (("rs", _slots), ("node", _nodes), ("phase", _phases(phases)))
    return Command(name, pair[0], pair[1], cl.WORDS[name], kind=kind, params=params, enabled_in=on)


#: The node lifecycle of :mod:`~kubecheck.model.controllers.cluster` (faults, return, out-of-service taint)
#: with this model's pods marked not Ready, then the deletions it brings, one pod a step.
NODE_COMMANDS: tuple[Command, ...] = cl.node_commands(_mark_not_ready, _mark_not_ready) + (
    _pod_command("node-lifecycle.evict_pod", (_evict_g, _evict_e), NOT_READY, _unreachable_evictions),
    _pod_command(
        "pod-gc.delete_orphaned_pod", (_orphan_g, _orphan_e), NOT_READY + ("terminating",), _on("node-delete")
    ),
    _pod_command(
        "fault.force_delete_pod", (_force_g, _force_e), ACTIVE + ("terminating",), _on("force-delete"), kind="fault"
    ),
    _pod_command("taint-eviction.evict_out_of_service_pod", (_oos_evict_g, _oos_evict_e), NOT_READY, _out_of_service),
    _pod_command(
        "pod-gc.delete_terminating_on_out_of_service_node", (_oos_gc_g, _oos_gc_e), ("terminating",), _out_of_service
    ),
)
