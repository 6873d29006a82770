"""A Deployment whose pods share one PersistentVolumeClaim: what the access mode guarantees.

Every pod of a Deployment is made from the same template, so a template that mounts a claim by
``claimName`` makes every replica — old and new ReplicaSet alike — mount the *same* volume. The
access-mode properties are the StatefulSet's (:func:`kubecheck.properties.volumes.volume_properties`)
read through this model's pod counters; each one speaks about the user's Deployment with the
shared claim switched on, its pods placed on two nodes (node-a, node-b) and minReadySeconds 0
(the placed model's limit, see :mod:`kubecheck.model.controllers.deployment`).

The rollout property is the one users hit in practice: a ReadWriteOnce volume attaches to one
node at a time (IsMultiAttachAllowed), and the scheduler does not look at attachments, so a new
pod placed on the other node waits in ContainerCreating ("Multi-Attach error") until every pod
on the first node is gone. RollingUpdate keeps old pods running until new ones are available,
so with maxUnavailable 0 nothing ever removes them: the rollout never completes. Recreate
deletes every old pod first; with one replica the new pod then attaches wherever it lands.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.cluster import node_name
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.controllers.deployment_state import DeploymentState
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.property import WEAK_FAIRNESS, Property
from kubecheck.properties.deployment import rollout_in_progress, rollout_settled
from kubecheck.properties.volumes import VolumeView, volume_properties

#: Phases in which a pod's containers run (a terminating pod runs until the kubelet stops it).
RUNNING = ("running", "ready", "available", "terminating")


def _claims(sc: DeploymentScope, s: DeploymentState) -> range:
    return range(1 if sc.claims else 0)


def _bound_users(ops: Ops, sc: DeploymentScope, s: DeploymentState, claim: int) -> Value:
    return ops.sum_(d.on_node(s, n, d.BOUND + ("terminating",)) for n in range(sc.nodes))


def _running_users(ops: Ops, sc: DeploymentScope, s: DeploymentState, claim: int) -> Value:
    return ops.sum_(d.on_node(s, n, RUNNING) for n in range(sc.nodes))


def _waiting_for_attach(ops: Ops, sc: DeploymentScope, s: DeploymentState, claim: int) -> Value:
    """A pod bound to node n sits in ContainerCreating: the volume is attached to another node."""
    return ops.or_(
        *[
            ops.and_(
                d.on_node(s, n, ("pending",)) > 0,
                ops.not_(vol.is_attached(s, sc.nodes, claim, n)),
                ops.or_(*[vol.is_attached(s, sc.nodes, claim, m) for m in range(sc.nodes) if m != n]),
            )
            for n in range(sc.nodes)
        ]
    )


VIEW = VolumeView(
    claims=_claims, bound_users=_bound_users, running_users=_running_users, waiting_for_attach=_waiting_for_attach
)


def shared_claim(mode: str | None) -> Callable[[Value], Value]:
    """The user's Deployment with its pods sharing one claim (of ``mode``, or the scope's) on two nodes."""

    def adjust(sc: DeploymentScope) -> Value:
        return attrs.evolve(sc, claims=True, access_mode=mode or sc.access_mode, nodes=2, min_ready_seconds=0)

    return adjust


def _assumes(mode: str | None) -> str:
    claim = f"{mode} claim" if mode else "claim (of the scope's access mode)"
    return f"every pod mounts one shared {claim}; two nodes; minReadySeconds 0"


#: The shared rows' doc says how their pods move between nodes: the StatefulSet's rows add eviction
#: for that, but a Deployment's pods change nodes without it (each new pod of a rollout or a
#: replacement is placed on either node), and the adjustment keeps the user's faults as they are.
_EVICTION_WORDS = "(pods move between two nodes by eviction)"
_ROLLOUT_WORDS = "(pods change nodes as the rollout replaces them: the scheduler places each new pod on either node)"


def _shared(prop: Property, mode: str | None) -> Property:
    doc = prop.doc.replace(_EVICTION_WORDS, _ROLLOUT_WORDS)
    meaningful = _MEANINGFUL.get(prop.short, {})
    return attrs.evolve(prop, doc=doc, adjust=shared_claim(mode), assumes=_assumes(mode), meaningful=meaningful)


#: Where each shared row is meaningful: eviction adds a terminating pod on one node while its
#: replacement lands on the other (the adjustment leaves faults to the user, so the tests add it).
_MEANINGFUL = {
    "rwo_volume_attached_to_one_node": {"faults": "evict"},
    "rwop_claim_used_by_one_pod": {"faults": "evict"},
}

_MODES = {
    "rwo_volume_attached_to_one_node": vol.RWO,
    "rwop_claim_used_by_one_pod": vol.RWOP,
    "no_writer_on_read_only_many": vol.ROX,
    "pod_waits_for_multi_attach": vol.RWO,
}


def containers_run_where_attached(ops: Ops, sc: DeploymentScope, s: DeploymentState) -> Value:
    """Wherever a pod of the Deployment is Running (Ready or not), the claim is attached to its node."""
    if not sc.claims:
        return ops.and_()
    return ops.and_(
        *[
            ops.implies(d.on_node(s, n, ("running", "ready", "available")) > 0, vol.is_attached(s, sc.nodes, 0, n))
            for n in range(sc.nodes)
        ]
    )


# Upstream's populator drops a pod once it is terminated (podutil IsPodTerminated: deletionTimestamp set and no
# container running), so a terminating pod that never started may let the volume go earlier than this says; the
# counters do not tell such a pod from one whose containers still run, and the model keeps the volume for both.
def detached_only_from_empty_node(ops: Ops, sc: DeploymentScope, s: DeploymentState, t: DeploymentState) -> Value:
    """A step that detaches the claim's volume from node n leaves no pod object of the Deployment on n
    (terminating ones included: their containers may still run and hold the mount)."""
    if not sc.claims:
        return ops.and_()
    return ops.and_(
        *[
            ops.implies(
                ops.and_(vol.is_attached(s, sc.nodes, 0, n), ops.not_(vol.is_attached(t, sc.nodes, 0, n))),
                d.on_node(s, n, d.BOUND + ("terminating",)) == 0,
            )
            for n in range(sc.nodes)
        ]
    )


def _explain_attach(sc: DeploymentScope, s: DeploymentState) -> str:
    names = [node_name(n) for n in range(sc.nodes)]
    where = [names[n] for n in range(sc.nodes) if sc.claims and vol.is_attached(s, sc.nodes, 0, n)]
    waiting = [
        f"{d.on_node(s, n, ('pending',))} on {names[n]}"
        for n in range(sc.nodes)
        if d.on_node(s, n, ("pending",)) and not (sc.claims and vol.is_attached(s, sc.nodes, 0, n))
    ]
    out = f"claim {sc.claim_name} is attached to {', '.join(where) or 'no node'}"
    if waiting:
        out += f"; pods waiting in ContainerCreating for the attach: {', '.join(waiting)}"
    return out


PROPERTIES = tuple(_shared(p, _MODES[p.name.split(".", 1)[1]]) for p in volume_properties("deployment", VIEW)) + (
    Property(
        name="deployment.rollout_completes_with_shared_claim",
        meaningful={"max-unavailable": "1"},
        kind="leads_to",
        doc="a rollout in progress eventually completes although every pod mounts one ReadWriteOnce claim",
        upstream="not guaranteed: the scheduler ignores attachments and attachdetach refuses a second node "
        "(Multi-Attach error); "
        "RollingUpdate keeps old pods until new ones are available (rolling.go), Recreate deletes them first "
        "(recreate.go)",
        predicate=rollout_in_progress,
        adjust=shared_claim(vol.RWO),
        assumes=_assumes(vol.RWO),
        explain=_explain_attach,
        target=rollout_settled,
        fairness=WEAK_FAIRNESS,
    ),
    Property(
        name="deployment.containers_run_where_claim_attached",
        meaningful={"max-unavailable": "1", "faults": "evict"},
        kind="always",
        doc="wherever a pod of the Deployment runs (Running, Ready or available), the shared claim's volume is "
        "attached to that node",
        upstream="kubelet volumemanager: WaitForAttachAndMount holds the containers until the volume is attached "
        "and mounted; attachdetach reconciler.go attaches a volume only to nodes in the desired state of world",
        predicate=containers_run_where_attached,
        adjust=shared_claim(None),
        assumes=_assumes(None),
        explain=_explain_attach,
    ),
    Property(
        name="deployment.claim_detached_only_from_empty_node",
        meaningful={"max-unavailable": "1", "faults": "evict"},
        kind="step",
        doc="the shared claim's volume is detached from a node only once no pod of the Deployment is there, "
        "terminating ones included (their containers may still run): with the step before, containers never run "
        "where the volume is not attached",
        upstream="attachdetach desired_state_of_world_populator.go keeps a pod until it is terminated "
        "(containers stopped), and reconciler.go detaches only volumes no pod on the node wants, after the "
        "kubelet reports them unmounted (node.status.volumesInUse)",
        predicate=detached_only_from_empty_node,
        adjust=shared_claim(None),
        assumes=_assumes(None),
        explain=_explain_attach,
    ),
)
