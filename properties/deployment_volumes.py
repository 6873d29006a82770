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
    return (
        f"every pod mounts one shared {mode or 'claim (the scope’s access mode)'} claim; two nodes; minReadySeconds 0"
    )


def _shared(prop: Property, mode: str | None) -> Property:
    return attrs.evolve(prop, adjust=shared_claim(mode), assumes=_assumes(mode))


_MODES = {
    "rwo_volume_attached_to_one_node": vol.RWO,
    "rwop_claim_used_by_one_pod": vol.RWOP,
    "no_writer_on_read_only_many": vol.ROX,
    "pod_waits_for_multi_attach": vol.RWO,
}


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
)
