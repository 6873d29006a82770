"""What PersistentVolume access modes guarantee, and where (k8s-semantics.md §6, papers/statefulset-notes.md).

ReadWriteOnce is *single node at attach time* (the attach/detach controller's multi-attach
refusal), not single pod; ReadWriteOncePod is a *scheduler* check over pod objects; ReadOnlyMany
is not a write lock. The table is built per workload model by :func:`volume_properties` from a
:class:`VolumeView` (how that model's pods use claims); ``PROPERTIES`` is the StatefulSet's.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property

#: The models whose pods mount claims, and their states.
VolumeScope = DeploymentScope | StatefulSetScope
VolumeState = DeploymentState | StatefulSetState


@attrs.frozen
class VolumeView:
    """How a model's pods use claims. All callables take (ops, sc, s, claim)."""

    claims: Callable[..., range]  # (sc, s) -> claim indices
    bound_users: Callable[..., Value]  # pod objects bound to a node that reference the claim (count)
    running_users: Callable[..., Value]  # running containers using the claim's volume (count, orphans included)
    waiting_for_attach: Callable[
        ..., Value
    ]  # some user sits in ContainerCreating while the volume is attached elsewhere
    #: a user of the claim sits in ContainerCreating (bound, not terminating), for whatever reason;
    #: given, the table gains ``pod_waiting_for_volume_eventually_runs`` (liveness)
    creating: Callable[..., Value] | None = None


#: The fewest nodes a question about a volume that follows its pod to another node needs (``min_nodes``).
MOVING = 2


def _mode(mode: str, faults: frozenset[str] = frozenset({"evict"})) -> Callable[[VolumeScope], VolumeScope]:
    def adjust(sc: VolumeScope) -> VolumeScope:
        return attrs.evolve(
            sc,
            access_mode=mode,
            claims=True,
            faults=sc.faults | faults,
            fault_budget=max(1, sc.fault_budget),
        )

    return adjust


def _with_faults(*faults: str, budget: int = 1) -> Callable[[VolumeScope], VolumeScope]:
    """ReadWriteOnce (the rows need ≥ 2 nodes) with exactly ``faults`` (the scope's others off), ``budget`` of them."""

    def adjust(sc: VolumeScope) -> VolumeScope:
        return attrs.evolve(
            sc,
            access_mode=vol.RWO,
            claims=True,
            faults=frozenset(faults),
            fault_budget=max(budget, sc.fault_budget),
        )

    return adjust


def _rox(sc: VolumeScope) -> VolumeScope:
    return attrs.evolve(sc, access_mode=vol.ROX, claims=True)


def volume_properties(model: str, view: VolumeView) -> tuple[Property, ...]:
    """The access-mode properties of ``model``, named ``<model>.<property>``."""

    def rwo_one_node(ops: Ops, sc: VolumeScope, s: VolumeState) -> Value:
        return vol.rwo_single_node(ops, sc, s, view.claims(sc, s))

    def rwop_one_pod(ops: Ops, sc: VolumeScope, s: VolumeState) -> Value:
        if sc.access_mode != vol.RWOP:
            return ops.and_()  # true, as a term of the engine's kind (z3 wants a Bool term)
        return ops.and_(*[view.bound_users(ops, sc, s, c) <= 1 for c in view.claims(sc, s)])

    def no_rox_writer(ops: Ops, sc: VolumeScope, s: VolumeState) -> Value:
        if sc.access_mode != vol.ROX or sc.read_only_mount:
            return ops.and_()
        return ops.and_(*[view.running_users(ops, sc, s, c) == 0 for c in view.claims(sc, s)])

    def waits(ops: Ops, sc: VolumeScope, s: VolumeState) -> Value:
        return ops.or_(*[view.waiting_for_attach(ops, sc, s, c) for c in view.claims(sc, s)])

    def nobody_creating(ops: Ops, sc: VolumeScope, s: VolumeState) -> Value:
        creating = view.creating
        assert creating is not None  # only the liveness rows read it, and they exist only with it
        return ops.and_(*[ops.not_(creating(ops, sc, s, c)) for c in view.claims(sc, s)])

    liveness = (
        ()
        if view.creating is None
        else (
            Property(
                name=f"{model}.pod_waiting_for_volume_eventually_runs",
                meaningful={},
                kind="leads_to",
                doc="a pod waiting in ContainerCreating for its ReadWriteOnce volume to leave another node eventually "
                "starts: "
                "no pod is left in ContainerCreating (pods move between two nodes by eviction)",
                upstream="attachdetach reconciler.go: a volume no pod object on the old node uses is detached once the "
                "kubelet "
                "has unmounted it, then attached to the new node (attachDesiredVolumes)",
                predicate=waits,
                adjust=_mode(vol.RWO),
                min_nodes=MOVING,
                assumes="ReadWriteOnce; at least two nodes; eviction on",
                target=nobody_creating,
                fairness=WEAK_FAIRNESS,
            ),
            Property(
                name=f"{model}.pod_waiting_for_volume_eventually_runs_after_force_delete",
                meaningful={},
                kind="leads_to",
                doc="the same when the old pod's node is unreachable and its pod was force-deleted: the new pod starts "
                "(while the old containers may still run: see at_most_one_running_instance_with_force_delete)",
                upstream="reconciler.go: on a node that is not Ready the kubelet cannot unmount, and after "
                "maxWaitForUnmountDuration "
                "(6 min) the volume is force-detached (forceDetach = !isHealthy && timeout expired) unless "
                "kube-controller-manager runs with --disable-force-detach-on-timeout",
                predicate=waits,
                adjust=_with_faults("partition", "force-delete", budget=2),
                min_nodes=MOVING,
                assumes="ReadWriteOnce; at least two nodes; faults: partition and force-delete (2); force detach "
                "after 6 minutes on",
                target=nobody_creating,
                fairness=WEAK_FAIRNESS,
            ),
        )
    )
    return (
        Property(
            name=f"{model}.rwo_volume_attached_to_one_node",
            meaningful={},
            kind="always",
            doc="a ReadWriteOnce volume is attached to at most one node (pods move between two nodes by eviction)",
            upstream="attachdetach reconciler + volume/util/util.go:IsMultiAttachAllowed (Multi-Attach error)",
            predicate=rwo_one_node,
            adjust=_mode(vol.RWO),
            min_nodes=MOVING,
            assumes="ReadWriteOnce; at least two nodes; eviction on",
        ),
        Property(
            name=f"{model}.rwop_claim_used_by_one_pod",
            meaningful={},
            kind="always",
            doc="a ReadWriteOncePod claim is referenced by at most one scheduled pod object",
            upstream="scheduler/framework/plugins/volumerestrictions (PreFilter/Filter on ReadWriteOncePod claims)",
            predicate=rwop_one_pod,
            adjust=_mode(vol.RWOP),
            min_nodes=MOVING,
            assumes="ReadWriteOncePod; at least two nodes; eviction on",
        ),
        Property(
            name=f"{model}.no_writer_on_read_only_many",
            meaningful={},
            kind="always",
            doc="no running pod mounts a ReadOnlyMany volume read-write",
            upstream="not guaranteed: access modes are not enforced once mounted; only the pod's readOnly flag is "
            "(persistent-volumes.md)",
            predicate=no_rox_writer,
            adjust=_rox,
            assumes="ReadOnlyMany (the scope's readOnly flag is kept)",
        ),
        Property(
            name=f"{model}.pod_waits_for_multi_attach",
            meaningful={},
            kind="sometimes",
            doc="a pod sits in ContainerCreating because its ReadWriteOnce volume is still attached to another node "
            "(witness)",
            upstream="attachdetach reconciler refuses the attach (Multi-Attach error) until the old node detaches",
            predicate=waits,
            adjust=_mode(vol.RWO),
            min_nodes=MOVING,
            assumes="ReadWriteOnce; at least two nodes; eviction on",
        ),
    ) + liveness


# -- the StatefulSet's view: claim i is used by pod i only ----------------------------------------


def _sts_claims(sc: StatefulSetScope, s: StatefulSetState) -> range:
    return range(len(s.pvc)) if sc.claims else range(0)


def _sts_bound(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, c: int) -> Value:
    return ops.ite(cl.is_bound(s, c), 1, 0)


def _sts_running(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, c: int) -> Value:
    pod = ops.and_(cl.containers_running(ops, s, c), vol.attached_on(ops, s, sc.nodes, c, s.pod_node[c]))
    orphan = ops.and_(cl.ghost_running(ops, s, c), vol.attached_on(ops, s, sc.nodes, c, s.pod_ghost[c] - 1))
    return ops.ite(pod, 1, 0) + ops.ite(orphan, 1, 0)


def _sts_waiting(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, c: int) -> Value:
    elsewhere = ops.or_(*[ops.and_(s.pod_node[c] != n, vol.is_attached(s, sc.nodes, c, n)) for n in range(sc.nodes)])
    return ops.and_(s.pod_phase[c] == cl.CREATING, ops.not_(s.pod_terminating[c]), elsewhere)


def _sts_creating(ops: Ops, sc: StatefulSetScope, s: StatefulSetState, c: int) -> Value:
    return ops.and_(s.pod_phase[c] == cl.CREATING, ops.not_(s.pod_terminating[c]))


STATEFULSET_VIEW = VolumeView(
    claims=_sts_claims,
    bound_users=_sts_bound,
    running_users=_sts_running,
    waiting_for_attach=_sts_waiting,
    creating=_sts_creating,
)
PROPERTIES = volume_properties("statefulset", STATEFULSET_VIEW)
