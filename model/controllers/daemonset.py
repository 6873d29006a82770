"""DaemonSets: the DaemonSet controller and its pods, per node, with node churn, the user and faults.

Kubernetes v1.35, default feature gates. No gate changes DaemonSet semantics in v1.35:
maxSurge (DaemonSetUpdateSurge) is GA since v1.25 and its gate removed; daemon pods are bound
by the default scheduler through a nodeAffinity term (ScheduleDaemonSetPods, GA 1.17, removed);
TaintNodesByCondition (GA 1.17) is what makes a not-ready / unreachable node carry a NoSchedule
taint that daemon pods do not tolerate (papers/daemonset-notes.md §gates).

Upstream files and functions modelled (paraphrased):

* ``pkg/controller/daemon/daemon_controller.go``: ``syncDaemonSet`` → ``updateDaemonSet`` →
  ``manage`` (``podsShouldBeOnNode``, ``getUnscheduledPodsWithoutNode``, ``syncNodes``) and,
  once expectations are satisfied, ``update.go:rollingUpdate`` — one sync per controller
  command, see :mod:`kubecheck.model.controllers.daemonset_sync`; ``NodeShouldRunDaemonPod``
  as eligibility classes, see :mod:`kubecheck.model.controllers.daemonset_util`.
* Revisions (``constructHistory``): the hash of the current template; edits only move
  forward (a DaemonSet revert would reuse a hash; not modelled), so a revision is the index of
  the template and "updated" is ``pod_rev == template``.
* Failure modes (scope ``failure``, ``failing-revision``, ``failing-node``, ``failure-onset``,
  ``failure-repair``) are :mod:`...failures`'; the out-of-service taint (scope ``out-of-service``)
  is :mod:`...cluster`'s, and ``NodeShouldRunDaemonPod``'s taint check makes a node that carries
  it (untolerated: AddOrUpdateDaemonPodTolerations adds no toleration for it) neither run nor keep
  a daemon pod.
* Disruption (issue 16: a PodDisruptionBudget over the pods, the eviction API and its callers, ``kubectl drain``
  with or without ``--ignore-daemonsets``, a node-pool upgrade) is :mod:`...daemonset_disruption`, over the
  budget layer :mod:`...budget`; a cordon changes nothing for daemon pods (they tolerate the unschedulable taint).
* The cluster (scheduler, kubelet, PodGC, faults) is :mod:`...cluster`, through its pod
  table's switches: daemon pods tolerate the not-ready and unreachable NoExecute taints for
  ever (``util/daemonset_util.go:AddOrUpdateDaemonPodTolerations`` adds them without
  tolerationSeconds), so the node lifecycle controller's taint-based eviction never deletes
  them (``tolerates_unreachable``); PodGC is on wherever a Node object can go — the
  ``node-delete`` fault or the user's ``kubectl delete node`` (``DaemonSetScope.podgc_on``);
  only machines reconnect (``can_reconnect``): a node slot without a Node object that is down
  (not joined yet, decommissioned, or failed and then deleted) comes back only as a join.
  Before that switch, a node that had not joined could "reconnect" whenever partitions or node
  failures were on, joining for free.
  The scheduler binds a daemon pod only to its target node, and only while that node is of
  the eligible class (required node affinity and NoSchedule taints are scheduler filters too).

Representation: **per node**. Node n owns ``slots_per_node`` pod slots (slot k belongs to node
k // slots_per_node: its nodeAffinity target); a create takes the node's lowest free slot.
Nodes have a class (``node_class``), existence (``node_exists``: join / leave) and a lifecycle
state (Ready / partitioned / down). Nodes with equal classes are symmetric, but the kernel has
no canonicalisation hook, so symmetric states are **not** merged (a reduction of up to n! left
for later; the presets are small enough without it).

Abstracted away, and why: time (minReadySeconds is one clock step; grace periods single steps);
the Succeeded phase and the failed-pod backoff (restartPolicy Always; a Failed pod comes only
from the failure modes of :mod:`kubecheck.model.controllers.failures` — node-pressure eviction —
and ``manage`` deletes it as ``podsShouldBeOnNode`` does, the back-off being time); status (no
decision of the controller reads it); ControllerRevision history truncation; informer
staleness and the race where the informer observes a create before
``SatisfiedExpectations`` (equivalent to a following sync whose manage has nothing to do);
burstReplicas and slow-start batches (never reached at these sizes); kubelet admission of a
pod bound before its node's labels changed. Node removal (``user.remove_node``) is the Node
object deleted together with its machine; a removed node slot may join again once PodGC has
removed its pods.
"""

from __future__ import annotations

import functools

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset_disruption as dd
from kubecheck.model.controllers import daemonset_sync as sync
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers.daemonset_scope import PRESETS, START_ROLLED_OUT, DaemonSetScope
from kubecheck.model.controllers.daemonset_state import DaemonSetState
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.ops import CONCRETE, Ops, Value

KUBERNETES = "v1.35"


def initial_state(sc: DaemonSetScope) -> DaemonSetState:
    """The nodes present (all but the ``joins`` last) and, if rolled out, an available pod at
    revision 0 on each eligible one."""
    n, k = sc.nodes, sc.pod_slots
    present = tuple(i < n - sc.joins for i in range(n))
    classes = sc.initial_classes
    running = [present[i] and classes[i] == du.ELIGIBLE and sc.start == START_ROLLED_OUT for i in range(n)]
    phase = tuple(cl.AVAILABLE if k_ % sc.slots_per_node == 0 and running[sc.home(k_)] else cl.NONE for k_ in range(k))
    node = tuple(sc.home(k_) if phase[k_] != cl.NONE else 0 for k_ in range(k))
    s = DaemonSetState(
        template=0,
        joins_left=sc.joins,
        leaves_left=sc.leaves,
        relabels_left=sc.relabels,
        pod_deletes_left=sc.pod_deletes,
        faults_left=sc.fault_budget if sc.faults else 0,
        node_class=classes,
        node_state=tuple(cl.NODE_READY if p else cl.NODE_DOWN for p in present),
        node_exists=present,
        pod_phase=phase,
        pod_terminating=(False,) * k,
        pod_node=node,
        pod_ghost=(0,) * k,
        pod_rev=(0,) * k,
        node_oos=(False,) * n,
        failure_state=fm.initial_failure_state(sc),
    )
    return attrs.evolve(s, **dd.initial_fields(CONCRETE, sc, s))  # issue 16: the budget, the drain, the client


# -- derived quantities (commands, properties, traces) -----------------------------------------


def out_of_service(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, n: int) -> Value:
    """Node n carries the out-of-service NoExecute taint and the template does not tolerate it: no daemon
    pod may run or stay there (NodeShouldRunDaemonPod's taint check; off unless the scope allows the taint)."""
    if not sc.out_of_service or sc.tolerates_out_of_service:
        return False
    return s.node_oos[n]


def should_run(ops: Ops, s: DaemonSetState, n: int, tolerates_no_schedule: bool = False, oos: Value = False) -> Value:
    """NodeShouldRunDaemonPod(...).shouldRun for node n, with the lifecycle taints (tolerated by a
    template that tolerates every NoSchedule taint: ``DaemonSetScope.tolerates_no_schedule``) and the
    out-of-service taint where ``oos`` (:func:`out_of_service`)."""
    run, _ = du.node_should_run_daemon_pod(
        ops, s.node_class[n], s.node_state[n] != cl.NODE_READY, tolerates_no_schedule
    )
    return ops.and_(s.node_exists[n], run, ops.not_(oos))


def should_continue(ops: Ops, s: DaemonSetState, n: int, oos: Value = False) -> Value:
    _, cont = du.node_should_run_daemon_pod(ops, s.node_class[n], s.node_state[n] != cl.NODE_READY)
    return ops.and_(s.node_exists[n], cont, ops.not_(oos))


def node_slots(sc: DaemonSetScope, n: int) -> range:
    return range(n * sc.slots_per_node, (n + 1) * sc.slots_per_node)


def pods_on(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, n: int) -> Value:
    """Pod objects targeting node n (Terminating included)."""
    return ops.count(cl.exists(s, k) for k in node_slots(sc, n))


def has_available_pod(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, n: int, updated: bool) -> Value:
    """Node n has a non-terminating available pod (at the current revision when ``updated``)."""
    return ops.or_(
        *[
            ops.and_(
                s.pod_phase[k] == cl.AVAILABLE,
                ops.not_(s.pod_terminating[k]),
                s.pod_rev[k] == s.template if updated else True,
            )
            for k in node_slots(sc, n)
        ]
    )


def node_settled(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, n: int) -> Value:
    """Nothing left to do on node n: one available (updated) pod where it should run, none where it may not stay."""
    slots = node_slots(sc, n)
    no_terminating = ops.and_(*[ops.not_(s.pod_terminating[k]) for k in slots])
    updated = sc.strategy == du.ROLLING_UPDATE
    running_ok = ops.and_(pods_on(ops, sc, s, n) == 1, has_available_pod(ops, sc, s, n, updated))
    empty = pods_on(ops, sc, s, n) == 0
    oos = out_of_service(ops, sc, s, n)
    return ops.and_(
        no_terminating,
        ops.ite(
            should_run(ops, s, n, sc.tolerates_no_schedule, oos),
            running_ok,
            ops.ite(should_continue(ops, s, n, oos), True, empty),
        ),
    )


def quiescent(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    """A finished run: every node settled (nodes that may keep a pod but not get one are left as they are)."""
    return ops.and_(*[node_settled(ops, sc, s, n) for n in range(sc.nodes)])


def _set(values: tuple, k: int, value: Value) -> tuple:
    return values[:k] + (value,) + values[k + 1 :]


# -- hooks into the cluster commands --------------------------------------------------------


def _bind_to_target(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, k: int, n: int) -> Value:
    """The scheduler: nodeAffinity names the target node; its labels and taints must admit the pod."""
    if sc.home(k) != n:
        return False
    return s.node_class[n] == du.ELIGIBLE


def _podgc_on(sc: DaemonSetScope) -> bool:
    return sc.podgc_on


def _machine_comes_back(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, n: int) -> Value:
    """node.reconnect: a partitioned machine, or a failed one whose Node object still exists.

    A node slot without a Node object that is down is either not joined yet, decommissioned
    (``user.remove_node``) or a failed machine whose Node object was deleted; the state does not
    tell them apart, so none of them comes back by itself — the last one may come back as a
    join (``cluster.add_node``), paid from the joins budget.
    """
    return ops.or_(s.node_exists[n], s.node_state[n] == cl.NODE_PARTITIONED)


def _failing_slot(sc: DaemonSetScope, k: int) -> bool:
    """The failure hits slot k: every node's pods, or those of the node ``failing-node`` names."""
    return sc.failing_node < 0 or sc.home(k) == sc.failing_node


FAILURES = fm.Failures(slots=lambda sc: range(sc.pod_slots), slot_hit=_failing_slot)


PODS = cl.PodTable(
    slots=lambda sc: range(sc.pod_slots),
    can_bind=_bind_to_target,
    can_start=FAILURES.may_start,
    can_ready=FAILURES.may_become_ready,
    tolerates_out_of_service=lambda sc: sc.tolerates_out_of_service,
    reset_on_remove=("pod_rev",),
    tolerates_unreachable=True,
    podgc_on=_podgc_on,
    can_reconnect=_machine_comes_back,
)


# -- daemonset controller -------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _concrete_plan(sc: DaemonSetScope, s: DaemonSetState) -> sync.Plan:
    return sync.Plan(CONCRETE, sc, s)


def _plan(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> sync.Plan:
    """The sync's decisions in state s. The reference semantics asks for them once per command and
    pick (2 ** nodes picks), so on concrete states they are computed once (states and scopes are
    frozen values); symbolic and compiled evaluation build them afresh."""
    if ops is CONCRETE and isinstance(s, DaemonSetState):
        return _concrete_plan(sc, s)
    return sync.Plan(ops, sc, s)


def _manage_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return _plan(ops, sc, s).manage_work


def _manage_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> dict:
    return _plan(ops, sc, s).manage_changes()


def _rolling_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pick: int) -> Value:
    plan = _plan(ops, sc, s)
    return ops.and_(ops.not_(plan.manage_work), plan.rolling_update_work(), plan.pick_valid(pick))


def _rolling_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pick: int) -> dict:
    return _plan(ops, sc, s).rolling_update_changes(pick)


def _picks(sc: DaemonSetScope) -> range:
    return range(2**sc.nodes)


# -- user and nodes ---------------------------------------------------------------------------


def _edit_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> Value:
    return s.template < sc.templates - 1


def _edit_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState) -> dict:
    return {"template": s.template + 1}


def _join_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> Value:
    empty = ops.and_(*[ops.and_(s.pod_phase[k] == cl.NONE, s.pod_ghost[k] == 0) for k in node_slots(sc, node)])
    return ops.and_(s.joins_left > 0, ops.not_(s.node_exists[node]), empty)


def _join_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> dict:
    return {
        "joins_left": s.joins_left - 1,
        "node_exists": _set(s.node_exists, node, True),
        "node_state": _set(s.node_state, node, cl.NODE_READY),
    }


def _leave_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> Value:
    return ops.and_(s.leaves_left > 0, s.node_exists[node])


def _leave_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int) -> dict:
    ghosts = tuple(ops.ite(g == node + 1, 0, g) for g in s.pod_ghost)
    return {
        "leaves_left": s.leaves_left - 1,
        "node_exists": _set(s.node_exists, node, False),
        "node_state": _set(s.node_state, node, cl.NODE_DOWN),
        "pod_ghost": ghosts,
    }


def _relabel_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int, to: int) -> Value:
    return ops.and_(s.relabels_left > 0, s.node_exists[node], s.node_class[node] != to)


def _relabel_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, node: int, to: int) -> dict:
    return {"relabels_left": s.relabels_left - 1, "node_class": _set(s.node_class, node, to)}


def _delete_pod_g(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pod: int) -> Value:
    return ops.and_(s.pod_deletes_left > 0, cl.exists(s, pod), ops.not_(s.pod_terminating[pod]))


def _delete_pod_e(ops: Ops, sc: DaemonSetScope, s: DaemonSetState, pod: int) -> dict:
    phase, term = cl.graceful_delete(ops, s, pod, True)
    gone = s.pod_phase[pod] == cl.UNSCHEDULED
    return {
        "pod_phase": _set(s.pod_phase, pod, phase),
        "pod_terminating": _set(s.pod_terminating, pod, term),
        "pod_rev": _set(s.pod_rev, pod, ops.ite(gone, 0, s.pod_rev[pod])),
        "pod_deletes_left": s.pod_deletes_left - 1,
    }


def _nodes(sc: DaemonSetScope) -> range:
    return range(sc.nodes)


COMMANDS = (
    (
        Command(
            "daemonset-controller.manage",
            _manage_g,
            _manage_e,
            "syncDaemonSet/manage: create a pod on each node that should run one and has none, delete pods where they "
            "may not stay",
        ),
        Command(
            "daemonset-controller.rolling_update",
            _rolling_g,
            _rolling_e,
            "syncDaemonSet/rollingUpdate: replace old pods within maxUnavailable / maxSurge (pick: the nodes Go's map "
            "order put first)",
            params=(("pick", _picks),),
            enabled_in=lambda sc: sc.strategy == du.ROLLING_UPDATE,
            fair_by=(),
        ),
    )
    + tuple(dd.through_eviction_api(c) for c in cl.cluster_commands(PODS))  # issue 16: the evict fault asks the API
    + FAILURES.commands()
    + (
        Command(
            "user.edit_template",
            _edit_g,
            _edit_e,
            "kubectl apply with a new pod template (a new revision)",
            kind="user",
            enabled_in=lambda sc: sc.edits > 0,
        ),
        Command(
            "cluster.add_node",
            _join_g,
            _join_e,
            "a new node registers (Ready) with its class's labels and taints",
            kind="user",
            params=(("node", _nodes),),
            enabled_in=lambda sc: sc.joins > 0,
        ),
        Command(
            "user.remove_node",
            _leave_g,
            _leave_e,
            "kubectl delete node; the machine is decommissioned",
            kind="user",
            params=(("node", _nodes),),
            enabled_in=lambda sc: sc.leaves > 0,
        ),
        Command(
            "user.relabel_node",
            _relabel_g,
            _relabel_e,
            "kubectl label / taint node: the node changes eligibility class (to a class some label or untolerated "
            "taint makes)",
            kind="user",
            params=(("node", _nodes), ("to", lambda sc: sc.relabel_targets)),
            enabled_in=lambda sc: sc.relabels > 0,
        ),
        Command(
            "user.delete_pod",
            _delete_pod_g,
            _delete_pod_e,
            "kubectl delete pod (graceful)",
            kind="user",
            params=(("pod", lambda sc: range(sc.pod_slots)),),
            enabled_in=lambda sc: sc.pod_deletes > 0,
        ),
    )
    + dd.COMMANDS  # issue 16: the budget, an eviction client, kubectl drain, a node-pool upgrade
)


@attrs.frozen
class Naming:
    """Kubernetes names for pod slots and nodes of one scope (traces)."""

    def pod(self, sc: DaemonSetScope, k: int) -> str:
        return du.pod_name(sc.name, cl.node_name(sc.home(k)), k % sc.slots_per_node)

    def node(self, sc: DaemonSetScope, n: int) -> str:
        return cl.node_name(n)

    def revision(self, sc: DaemonSetScope, t: int) -> str:
        """The ControllerRevision of template t, ``<ds>-<hash>`` (a stable stand-in for the hash);
        its pods carry the hash as their ``controller-revision-hash`` label."""
        return f"{sc.name}-{cl.stand_in_hash(f'daemonset/{sc.name}/{t}')}"

    def node_class(self, c: int) -> str:
        return du.CLASS_NAMES[c]


NAMING = Naming()


MODEL = Model(
    name="daemonset",
    title="DaemonSet (controller and pods per node, node joins/leaves and classes, user, faults)",
    kubernetes=KUBERNETES,
    state_cls=DaemonSetState,
    scope_cls=DaemonSetScope,
    init=initial_state,
    commands=COMMANDS,
    quiescent=quiescent,
    presets=PRESETS,
    naming=NAMING,
)
