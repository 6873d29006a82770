"""What the describers of the per-pod models share: the cluster layer's words.

The StatefulSet and DaemonSet models keep one slot per pod over the shared cluster layer
(:mod:`kubecheck.model.controllers.cluster`) and name their objects through ``MODEL.naming``.
:class:`PodTableDescriber` holds what their describers say alike: the set's name, pods, nodes
and revisions, a pod's phase with its node and deletion, the nodes' health, and the schema-doc
fallback for fields a describer has no words for. :func:`node_health_lines` words the nodes'
health for any state with the cluster's node fields, the Deployment's counters included.
"""

from __future__ import annotations

from typing import Any

from kubecheck.cli import text
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.kernel.commands import Model

NODE_WORDS = {
    cl.NODE_READY: "Ready",
    cl.NODE_PARTITIONED: "partitioned (unreachable, containers still run)",
    cl.NODE_DOWN: "down (the machine stopped)",
}


def node_words(state: int) -> str:
    return NODE_WORDS.get(state, str(state))


class PodTableDescriber:
    """Base of the StatefulSet and DaemonSet describers: ``KIND`` names the set, ``KNOWN`` the fields they word."""

    KIND = ""
    KNOWN: tuple[str, ...] = ()

    def __init__(self, model: Model, scope: Any):  # scope: the model's own scope class
        self.model = model
        self.scope = scope
        self.schema = model.schema(scope)
        # the model's Naming; Any because the StatefulSet's also names claims, which the protocol does not
        self.naming: Any = model.naming

    # -- names ---------------------------------------------------------------------------

    @property
    def set_name(self) -> str:
        return f"{self.KIND}/{self.scope.name}"

    def pod(self, k: int) -> str:
        return self.naming.pod(self.scope, k)

    def node(self, n: int) -> str:
        return self.naming.node(self.scope, n)

    def revision(self, t: int) -> str:
        return self.naming.revision(self.scope, t)

    # -- shared pieces -------------------------------------------------------------------

    def phase(self, s: Any, k: int) -> str:
        """The pod's phase in kubectl's words (without the node)."""
        words = cl.phase_words(s.pod_phase[k], self.scope.has_min_ready)
        return words + (" (Evicted)" if s.pod_phase[k] == cl.FAILED else "")

    def _where(self, s: Any, k: int, revision: bool = False) -> str:
        """The phase, the node it is bound to, the revision (if asked) and Terminating."""
        where = f" on {self.node(s.pod_node[k])}" if s.pod_phase[k] >= cl.CREATING else ""
        rev = f" at revision {self.revision(s.pod_rev[k])}" if revision else ""
        term = ", Terminating" if s.pod_terminating[k] else ""
        return f"{self.phase(s, k)}{where}{rev}{term}"

    def failure_initial(self, s: Any, target: str) -> list[str]:
        """The failure mode in words (none without one): whom it hits, onset, repair, and whether it is active."""
        line = fm.describe(self.scope, target)
        if not line:
            return []
        return text.wrap_text(f"failure {line}" + (" (active)" if s.failure_state == fm.ACTIVE else ""), text.WIDTH - 4)

    def failure_change(self, before: Any, after: Any, changed: dict) -> list[str]:
        """The failure's life moved: it begins (a fault) or the user repaired its cause."""
        if "failure_state" not in changed or before.failure_state == after.failure_state:
            return []
        mode = self.scope.failure_mode
        if after.failure_state == fm.ACTIVE:
            return [f"failure {mode} begins: {fm.MODE_WORDS[mode]}"]
        return [f"failure {mode} repaired: {fm.REPAIR_WORDS[mode]}"]

    def node_taints(self, s: Any, n: int) -> str:
        """', out-of-service taint' when node n carries node.kubernetes.io/out-of-service."""
        return ", node.kubernetes.io/out-of-service taint" if s.node_oos[n] else ""

    def node_taint_change(self, n: int, before: Any, after: Any, changed: dict) -> list[str]:
        if not self._moved("node_oos", n, before, after, changed):
            return []
        return [
            "tainted node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
            if after.node_oos[n]
            else "out-of-service taint removed"
        ]

    @staticmethod
    def _moved(field: str, k: int, before: Any, after: Any, changed: dict) -> bool:
        return field in changed and getattr(before, field)[k] != getattr(after, field)[k]

    def _unknown(self, before: Any, after: Any, changed: dict, initial: bool = False) -> list[str]:
        return text.unknown_fields(self.schema.docs, self.KNOWN, changed, initial)


#: A node's health as the control plane sees it after each transition (a stopped machine and a
#: partitioned one both stop reporting: the node lifecycle controller taints both unreachable).
_LOST = (
    "unreachable (kubelet stopped reporting): Ready condition Unknown, tainted "
    "node.kubernetes.io/unreachable:NoSchedule and :NoExecute, its pods marked not Ready"
)
_CHANGE_WORDS = {
    cl.NODE_PARTITIONED: _LOST + "; the machine still runs its containers",
    cl.NODE_DOWN: _LOST + "; the machine is down, its containers stopped",
    cl.NODE_READY: "reachable again: Ready, the unreachable taints removed; its kubelet reports again",
}


def node_health_lines(before: Any, after: Any, initial: bool = False) -> list[str]:
    """``node/node-b ...`` lines for a state with the cluster's node fields (``node_state``,
    ``node_exists``, ``node_oos``; empty tuples where the scope has none): every node's health at
    the start (``initial``), else what changed."""
    lines = []
    for n in range(len(after.node_state)):
        items = []
        if initial:
            items.append(node_words(after.node_state[n]))
        elif before.node_state[n] != after.node_state[n]:
            items.append(_CHANGE_WORDS[after.node_state[n]])
        if not initial and before.node_exists[n] != after.node_exists[n]:
            items.append("Node object registered again" if after.node_exists[n] else "Node object deleted")
        oos_before = before.node_oos[n] if before.node_oos else False
        oos_after = after.node_oos[n] if after.node_oos else False
        if oos_before != oos_after or (initial and oos_after):
            items.append(
                "tainted node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
                if oos_after
                else "out-of-service taint removed"
            )
        lines += text.object_lines(f"node/{cl.node_name(n)}", [items])
    return lines
