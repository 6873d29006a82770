"""Persistent volumes: access modes, attach/detach per node, and where each mode is enforced.

Kubernetes v1.35, default feature gates (ReadWriteOncePod is GA since v1.29; the attach/detach
controller's force detach after 6 minutes is on unless kube-controller-manager runs with
``--disable-force-detach-on-timeout``). Upstream behaviour modelled (paraphrased;
/work/shared/reference/k8s-semantics.md §6 and papers/statefulset-notes.md):

* ``pkg/volume/util/util.go:IsMultiAttachAllowed`` — a volume may be attached to several nodes
  iff its PV lists ReadOnlyMany or ReadWriteMany. ReadWriteOnce and ReadWriteOncePod are
  single-node: the attach/detach controller's reconciler refuses to attach to a second node
  (``Multi-Attach error for volume``) and the pod waits in ContainerCreating.
* ``attachdetach/reconciler/reconciler.go`` — a volume is *desired* on a node while a pod object
  that uses it is bound there; it is detached when no longer desired, after the kubelet has
  unmounted it (a reachable node), or after ``maxWaitForUnmountDuration`` (6 min) when the node
  is unhealthy — the *force detach* (node-shutdown.md warns it can corrupt data).
* ``pkg/scheduler/framework/plugins/volumerestrictions`` — ReadWriteOncePod is enforced by the
  scheduler only: a pod is unschedulable while another pod object references the same claim.
* Access modes are not a write lock: ReadOnlyMany does not make a mount read-only; only the
  pod's ``readOnly`` flag does (concepts/storage/persistent-volumes.md).

A model declares ``attached`` (claims × nodes booleans, index ``claim * nodes + node``) and
``claim_home`` (node+1 of the first attach, 0 = never: the witness of a pod reattaching its old
claim elsewhere), and gets the attach/detach commands from :func:`volume_commands` with a
:class:`ClaimTable` telling which claims exist and which pods use them. One claim is one PV
(dynamic provisioning binds at once; binding delays are abstracted away).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, cast

import attrs

from kubecheck.model.kernel.commands import Command
from kubecheck.model.kernel.ops import Ops, Value
from kubecheck.model.kernel.schema import bool_field, int_field, tuple_field

RWO, ROX, RWX, RWOP = "ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"
ACCESS_MODES = (RWO, ROX, RWX, RWOP)
SHORT = {RWO: "RWO", ROX: "ROX", RWX: "RWX", RWOP: "RWOP"}


class ClaimScope(Protocol):
    """What the attach/detach commands read of a workload scope."""

    @property
    def nodes(self) -> int: ...

    @property
    def access_mode(self) -> str: ...


class ClaimState(Protocol):
    """The fields a workload state declares with :func:`attached_field` and :func:`claim_home_field`."""

    @property
    def attached(self) -> tuple: ...

    @property
    def claim_home(self) -> tuple: ...


class NodeHealthState(ClaimState, Protocol):
    """A state that also has the cluster's nodes (``ClaimTable.node_health``)."""

    @property
    def node_state(self) -> tuple: ...

    @property
    def node_exists(self) -> tuple: ...


def _health(s: ClaimState) -> NodeHealthState:
    # only called where the table's node_health says the state has the cluster's node fields
    return cast(NodeHealthState, s)


def is_multi_attach_allowed(mode: str) -> bool:
    """volume/util.go IsMultiAttachAllowed: only the *Many modes may attach to several nodes."""
    return mode in (ROX, RWX)


def attached_field(claims: Callable[..., int]) -> tuple:
    return tuple_field(
        bool_field(),
        length=lambda sc: claims(sc) * sc.nodes,
        doc="volume of claim c attached to node n (index c*nodes+n)",
    )


def claim_home_field(claims: Callable[..., int]) -> tuple:
    return tuple_field(
        int_field(0, lambda sc: sc.nodes),
        length=claims,
        doc="node+1 where the claim's volume was first attached (0 = never)",
    )


def is_attached(s: ClaimState, nodes: int, c: int, n: int) -> Value:
    return s.attached[c * nodes + n]


def attached_on(ops: Ops, s: ClaimState, nodes: int, c: int, node: Value) -> Value:
    """Claim c's volume is attached to ``node`` (a state value)."""
    return ops.or_(*[ops.and_(node == n, s.attached[c * nodes + n]) for n in range(nodes)])


def attached_nodes(ops: Ops, s: ClaimState, nodes: int, c: int) -> Value:
    return ops.count(s.attached[c * nodes + n] for n in range(nodes))


def _never(ops: Ops, sc: ClaimScope, s: ClaimState, c: int, n: int) -> Value:
    return False


@attrs.frozen
class ClaimTable:
    """How a workload model's claims plug into the attach/detach commands.

    ``claims(sc)``: claim indices; ``wanted_on(ops, sc, s, c, n)``: a pod object using claim c
    is bound to node n (the desired state of world); ``mounted_by_orphan(ops, sc, s, c, n)``:
    containers of a vanished pod still hold the mount on node n. ``node_health``: whether the
    model's nodes can fail or go away (the state has the cluster's ``node_exists`` and
    ``node_state``); without it every node stays healthy and no force detach ever happens.
    """

    claims: Callable[..., range]  # claims(scope)
    wanted_on: Callable[..., Value]
    mounted_by_orphan: Callable[..., Value] = _never
    node_health: bool = True


def _set(values: tuple, k: int, value: Value) -> tuple:
    return values[:k] + (value,) + values[k + 1 :]


def volume_commands(table: ClaimTable, enabled: Callable[..., bool]) -> tuple[Command, ...]:
    """attach-detach controller commands: attach (with the multi-attach refusal), detach, force detach."""
    claim = ("claim", table.claims)
    node = ("node", lambda sc: range(sc.nodes))

    def attach_g(ops: Ops, sc: ClaimScope, s: ClaimState, claim: int, node: int) -> Value:
        elsewhere = ops.or_(*[is_attached(s, sc.nodes, claim, m) for m in range(sc.nodes) if m != node])
        single = not is_multi_attach_allowed(sc.access_mode)
        return ops.and_(
            table.wanted_on(ops, sc, s, claim, node),
            ops.not_(is_attached(s, sc.nodes, claim, node)),
            _health(s).node_exists[node] if table.node_health else True,
            ops.not_(ops.and_(single, elsewhere)),
        )

    def attach_e(ops: Ops, sc: ClaimScope, s: ClaimState, claim: int, node: int) -> dict[str, Value]:
        home = s.claim_home[claim]
        return {
            "attached": _set(s.attached, claim * sc.nodes + node, True),
            "claim_home": _set(s.claim_home, claim, ops.ite(home == 0, node + 1, home)),
        }

    def unwanted(ops: Ops, sc: ClaimScope, s: ClaimState, claim: int, node: int) -> Value:
        return ops.and_(is_attached(s, sc.nodes, claim, node), ops.not_(table.wanted_on(ops, sc, s, claim, node)))

    def detach_g(ops: Ops, sc: ClaimScope, s: ClaimState, claim: int, node: int) -> Value:
        healthy = (
            ops.and_(_health(s).node_state[node] == 0, _health(s).node_exists[node]) if table.node_health else True
        )
        return ops.and_(
            unwanted(ops, sc, s, claim, node), healthy, ops.not_(table.mounted_by_orphan(ops, sc, s, claim, node))
        )

    def force_g(ops: Ops, sc: ClaimScope, s: ClaimState, claim: int, node: int) -> Value:
        return ops.and_(
            unwanted(ops, sc, s, claim, node),
            ops.or_(_health(s).node_state[node] != 0, ops.not_(_health(s).node_exists[node])),
        )

    def detach_e(ops: Ops, sc: ClaimScope, s: ClaimState, claim: int, node: int) -> dict[str, Value]:
        return {"attached": _set(s.attached, claim * sc.nodes + node, False)}

    commands = (
        Command(
            "attach-detach.attach_volume",
            attach_g,
            attach_e,
            "attach the claim's volume to the node of a pod that uses it (refused for RWO/RWOP while attached "
            "elsewhere)",
            params=(claim, node),
            enabled_in=enabled,
        ),
        Command(
            "attach-detach.detach_volume",
            detach_g,
            detach_e,
            "detach a volume no pod on the node uses, after the kubelet unmounted it",
            params=(claim, node),
            enabled_in=enabled,
        ),
    )
    if not table.node_health:
        return commands
    return commands + (
        Command(
            "attach-detach.force_detach_volume",
            force_g,
            detach_e,
            "after 6 minutes on an unhealthy node, detach without the kubelet's unmount (maxWaitForUnmountDuration)",
            params=(claim, node),
            enabled_in=enabled,
        ),
    )


# -- the facts the volume properties read ------------------------------------------------------


def rwo_single_node(ops: Ops, sc: ClaimScope, s: ClaimState, claims: range) -> Value:
    """Every single-node (RWO/RWOP) volume is attached to at most one node."""
    if is_multi_attach_allowed(sc.access_mode):
        return True
    return ops.and_(*[attached_nodes(ops, s, sc.nodes, c) <= 1 for c in claims])
