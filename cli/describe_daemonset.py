"""The DaemonSet model's states in Kubernetes words, for traces.

Names come from the model (``MODEL.naming``): the set is ``daemonset/agent``; its pods are named
after their node (``agent-node-a``, and ``agent-node-a-2`` for a second pod object on node-a
while it surges or while a deleted one terminates — upstream names are ``agent-<random>``);
nodes are ``node-a``, ``node-b``, …; template t is the ControllerRevision ``agent-<hash>``,
whose hash the pods carry as their ``controller-revision-hash`` label.

The model abstracts a node's labels and taints to an eligibility class
(:mod:`kubecheck.model.controllers.daemonset_util`). Traces show one concrete reading of each:

* **eligible**: labelled ``daemon=agent`` (the DaemonSet's nodeSelector), no taint;
* **no-schedule**: labelled, and tainted ``dedicated=infra:NoSchedule`` — a daemon pod that is
  there keeps running, no new one is started;
* **ineligible**: the label is gone (no taint) — pods there are deleted.

The built-in model's nodeSelector ``daemon=<name>`` stands in only when the scope names none
(``node-selector`` empty). A scope read from a manifest (``check -f``) names the template's own:
its ``key=value`` pairs, ``node affinity`` (labels the required node affinity matches) or
``none`` — then nothing selects by label, "ineligible" is an untolerated NoExecute taint, and no
label is ever shown. The no-schedule taint is the scope's ``taint`` (one the template does not
tolerate).

A class change is shown with the ``kubectl label`` / ``kubectl taint`` commands that make it.
Pod phases are the cluster's (``Pending`` unscheduled, ``ContainerCreating``, ``Running, not
Ready``, ``Ready``, with minReadySeconds ``available``; ``Terminating`` is a pod with a
deletionTimestamp). A pod created on a node that still has a live pod at another revision is
marked as a **surge** pod.

Each step prints only what changed, one line per object, in the order set, then per node its
pods (with orphaned containers), then the nodes. Budgets of the scope (joins, removals, label
changes, pod deletions and faults left) are not shown: the action says what was spent. A field
this module does not know is described by its schema doc, so a new model field is never hidden.
"""

from __future__ import annotations

from typing import Any

from kubecheck.cli import text
from kubecheck.cli.describe_cluster import PodTableDescriber, node_words
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset_disruption as dd
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers.daemonset_scope import DEFAULT_TAINT, NO_SELECTOR
from kubecheck.model.kernel.commands import Action

#: Budgets: spent by actions that the trace already names.
HIDDEN = ("joins_left", "leaves_left", "relabels_left", "pod_deletes_left", "faults_left")
SET_FIELDS = ("template",)
POD_FIELDS = ("pod_phase", "pod_terminating", "pod_node", "pod_rev", "pod_ghost")
NODE_FIELDS = ("node_class", "node_state", "node_exists", "node_oos", "failure_state")
#: The PodDisruptionBudget's status, the eviction client and kubectl drain (issue 16; constant without them).
BUDGET = (
    ("pdb_allowed", "disruptionsAllowed"),
    ("pdb_current_healthy", "currentHealthy"),
    ("pdb_desired_healthy", "desiredHealthy"),
    ("pdb_expected", "expectedPods"),
)
DRAIN = ("client_evictions_left", "node_cordoned", "drain_state", "upgrade_node")
KNOWN = HIDDEN + SET_FIELDS + POD_FIELDS + NODE_FIELDS + tuple(f for f, _ in BUDGET) + DRAIN

LABEL_KEY = "daemon"
TAINT = DEFAULT_TAINT
#: class -> (labelled, tainted): the concrete reading of each eligibility class (a node selector is there)
CLASS_READING = {du.ELIGIBLE: (True, False), du.NO_SCHEDULE: (True, True), du.INELIGIBLE: (False, False)}


class DaemonSetDescriber(PodTableDescriber):
    """Describes states and steps of the ``daemonset`` model."""

    KIND = "daemonset"
    KNOWN = KNOWN

    # -- names ---------------------------------------------------------------------------

    @property
    def label(self) -> str:
        """The nodeSelector: the manifest's (``key=value,...``, ``node affinity``, ``none``) or the model's own."""
        return self.scope.node_selector or f"{LABEL_KEY}={self.scope.name}"

    @property
    def _by_labels(self) -> bool:
        return self.label != NO_SELECTOR

    @property
    def _label_key(self) -> str:
        first = self.label.split(",")[0]
        return first.split("=")[0] if "=" in first else ""

    @property
    def _taint(self) -> str:
        return self.scope.taint or TAINT

    def _reading(self, c: int) -> tuple[bool, bool, bool]:
        """(labels match, NoSchedule taint, NoExecute taint): one concrete reading of class c."""
        if c == du.INELIGIBLE and not self._by_labels:
            return True, False, True
        labelled, tainted = CLASS_READING[c]
        return labelled, tainted, False

    def _no_execute(self) -> str:
        return self._taint.rsplit(":", 1)[0] + ":NoExecute"

    def _labelled(self) -> str:
        return f"labelled {self.label}" if self._label_key else f"with labels matching the {self.label}"

    def _unlabelled(self) -> str:
        return f"label {self._label_key} removed" if self._label_key else f"labels no longer matching the {self.label}"

    def _slots(self, n: int) -> range:
        per = self.scope.slots_per_node
        return range(n * per, (n + 1) * per)

    def _class_words(self, c: int) -> str:
        labelled, tainted, evicting = self._reading(c)
        if not labelled:
            return f"without label {self.label}" if self._label_key else f"not matching the {self.label}"
        if evicting:
            return f"tainted {self._no_execute()}"
        return f"tainted {self._taint}" if tainted else ""

    # -- describer interface -------------------------------------------------------------

    def legend(self) -> list[str]:
        sc = self.scope
        ready = "Ready (< minReadySeconds), available," if sc.has_min_ready else "Ready,"
        failed = "Failed (evicted: containers dead, the object stays), " if sc.failure_mode == "evicted" else ""
        words = (
            f"pods are named after their node (a second pod object on node-a: {sc.name}-node-a-2); "
            "pod phases: Pending (not bound to a node), ContainerCreating (bound, containers starting), "
            f"Running (not Ready), {ready} {failed}Terminating (deleted; the kubelet has not confirmed); "
            f"revisions are ControllerRevisions {sc.name}-<hash>; nodes run {sc.name} {self._where_it_runs()}"
        )
        return text.wrap_text(words, text.WIDTH - 4)

    def _where_it_runs(self) -> str:
        sc = self.scope
        if not self._by_labels:
            where = "on every node (no nodeSelector)"
        elif self._label_key:
            where = f"when labelled {self.label} (the nodeSelector)"
        else:
            where = f"when their labels match the {self.label}"
        taints = []
        if du.INELIGIBLE in sc.relabel_targets and not self._by_labels:
            taints.append(f"a {self._no_execute()} taint deletes its pods")
        if du.NO_SCHEDULE in sc.relabel_targets:
            taints.append(f"a {self._taint} taint keeps a running pod but starts none")
        else:
            taints.append("it tolerates every NoSchedule taint")
        return f"{where}; " + "; ".join(taints) if sc.node_selector else f"{where} and untainted; {taints[-1]}"

    def initial(self, s: Any) -> list[str]:
        sc = self.scope
        if sc.strategy == du.ROLLING_UPDATE:
            strategy = f"updateStrategy RollingUpdate (maxUnavailable {sc.max_unavailable}, maxSurge {sc.max_surge})"
        else:
            strategy = "updateStrategy OnDelete"
        spec = [strategy, f"minReadySeconds {sc.min_ready_seconds}"]
        selector = f"nodeSelector {self.label}" if self._label_key or not self.scope.node_selector else self._selector()
        template = [f"template revision {self.revision(s.template)}", selector]
        lines = text.object_lines(self.set_name, [spec, template])
        nodes = [f"{self.node(n)} {self._node_summary(s, n, initial=True)}" for n in range(len(s.node_state))]
        lines += text.wrap_words([w + "," for w in nodes[:-1]] + nodes[-1:], text.WIDTH - 4, "nodes ", "      ")
        pods = [
            f"pod/{self.pod(k)} {self._where(s, k, revision=True)}"
            for k in range(len(s.pod_phase))
            if s.pod_phase[k] != cl.NONE
        ]
        lines += pods or ["no pods yet"]
        target = f"only the pod on {self.node(sc.failing_node)}" if sc.failing_node >= 0 else ""
        lines += self.failure_initial(s, target) + self._disruption(s, s, initial=True)
        fields = {f: (getattr(s, f), getattr(s, f)) for f in self.schema.fields}
        return lines + self._unknown(s, s, fields, initial=True)

    def _selector(self) -> str:
        return "no nodeSelector" if not self._by_labels else f"{self.label} (no nodeSelector)"

    def action(self, action: Action) -> str:
        verb = action.name.split(".", 1)[1]
        kw = action.kwargs
        args = []
        for key, v in action.params:
            if key == "node" and "pod" in kw:
                continue  # a daemon pod's node is in its name
            args.append(f"{key}={self._argument(key, v)}")
        if action.name == "daemonset-controller.rolling_update":
            picked = [self.node(n) for n in range(self.scope.nodes) if kw["pick"] >> n & 1]
            args = [f"replace={'+'.join(picked)}"] if picked else []
        return f"{verb}({', '.join(args)})" if args else verb

    def user_command(self, action: Action) -> str:
        """What a person would type (or what happens to them) for a user action or a fault."""
        kw = action.kwargs
        pod = self.pod(kw["pod"]) if "pod" in kw else ""
        node = self.node(kw["node"]) if "node" in kw else ""
        words = text.cluster_command(action.name, pod, node)
        if words is not None:
            return words
        if action.name == "user.relabel_node":
            if kw["to"] == du.ELIGIBLE:
                if not self._by_labels:
                    return f"kubectl taint node {node} {self._taint}- (or {self._no_execute()}-)"
                return f"kubectl label node {node} {self._label_text()} (or kubectl taint node {node} {self._taint}-)"
            return " and ".join(self._relabel_commands(node, du.ELIGIBLE, kw["to"]))
        commands = {
            "user.edit_template": "kubectl apply of a new template",
            "user.delete_pod": f"kubectl delete pod {pod}",
            "user.remove_node": f"kubectl delete node {node} (decommissioning the machine)",
            "cluster.add_node": f"{node} joining the cluster",
            "user.taint_out_of_service": (
                f"kubectl taint node {node} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
            ),
            "user.repair_failure": f"the user repairs the cause ({fm.REPAIR_WORDS.get(self.scope.failure_mode, '')})",
            "fault.failure_begins": f"failure {self.scope.failure_mode} begins",
        }
        return commands.get(action.name, f"{action.actor} {self.action(action)}")

    def changes(self, before: Any, after: Any, changed: dict[str, tuple[Any, Any]]) -> list[str]:
        lines = text.object_lines(self.set_name, [self._set(before, after, changed)])
        for n in range(len(after.node_state)):
            for k in self._slots(n):
                lines += self._pod_lines(n, k, before, after, changed)
        for n in range(len(after.node_state)):
            lines += self._node(n, before, after, changed)
        lines += self._disruption(before, after)
        return lines + self.failure_change(before, after, changed) + self._unknown(before, after, changed)

    def _disruption(self, before: Any, after: Any, initial: bool = False) -> list[str]:
        """The budget's status as last written, the eviction client, cordons and where kubectl drain is (issue 16):
        in the initial state when the scope has them, afterwards where they change."""
        sc, lines = self.scope, []
        if sc.has_budget:
            status = [
                f"status.{word} "
                + (text.value(getattr(after, f)) if initial else text.change(getattr(before, f), getattr(after, f)))
                for f, word in BUDGET
                if initial or getattr(before, f) != getattr(after, f)
            ]
            lines += text.object_lines("PodDisruptionBudget", [status])
        if sc.has_client and (initial or before.client_evictions_left != after.client_evictions_left):
            node = self.node(dd.DRAINED_NODE)
            lines.append(f"eviction client: {'evicting the pod on ' + node if after.client_evictions_left else 'done'}")
        if not sc.has_drain:
            return lines
        for n, (was, now) in enumerate(zip(before.node_cordoned, after.node_cordoned, strict=True)):
            if now != was or (initial and now):
                lines.append(f"node/{self.node(n)} {'cordoned (spec.unschedulable true)' if now else 'uncordoned'}")
        names = dd.DRAIN_STATE_NAMES
        if initial or before.drain_state != after.drain_state:
            state = names[after.drain_state] if initial else f"{names[before.drain_state]} → {names[after.drain_state]}"
            flag = " --ignore-daemonsets" if sc.ignore_daemonsets else ""
            node = self.node(int(dd.drained_node(sc, after if initial else before)))
            lines.append(f"kubectl drain{flag} {node}: {state}")
        if sc.is_upgrade and (initial or before.upgrade_node != after.upgrade_node):
            done = str(after.upgrade_node) if initial else text.change(before.upgrade_node, after.upgrade_node)
            lines.append(f"node-pool upgrade: {done} of {sc.nodes} nodes done")
        return lines

    # -- pieces --------------------------------------------------------------------------

    def _argument(self, key: str, v: Any) -> str:
        if key == "pod":
            return self.pod(v)
        if key == "node":
            return self.node(v)
        if key == "to":
            return du.CLASS_NAMES[v]
        if key == "answer":
            return f"'{v}'"
        return str(v)

    def _set(self, before: Any, after: Any, changed: dict) -> list[str]:
        if "template" not in changed:
            return []
        return [f"spec.template edited: update revision {self.revision(after.template)}"]

    def _pod_lines(self, n: int, k: int, before: Any, after: Any, changed: dict) -> list[str]:
        lines = []
        items = self._pod(n, k, before, after, changed)
        if items:
            lines.append(f"pod/{self.pod(k)} " + ", ".join(items))
        if self._moved("pod_ghost", k, before, after, changed):
            old, new = before.pod_ghost[k], after.pod_ghost[k]
            if new:
                lines.append(f"containers of {self.pod(k)} still run on {self.node(new - 1)} (pod object gone)")
            else:
                lines.append(f"orphaned containers of {self.pod(k)} on {self.node(old - 1)} are gone")
        return lines

    def _beside(self, n: int, k: int, before: Any, after: Any) -> str:
        """Why a pod created on node n is not alone there: a surge beside a live pod at another revision,
        or a Terminating one."""
        others = [o for o in self._slots(n) if o != k and before.pod_phase[o] != cl.NONE]
        live = [o for o in others if not before.pod_terminating[o] and before.pod_rev[o] != after.pod_rev[k]]
        if live:
            return f" (surge: beside {', '.join(self.pod(o) for o in live)})"
        dying = [o for o in others if before.pod_terminating[o]]
        if dying:
            return f" (while {', '.join(self.pod(o) for o in dying)} is Terminating)"
        return ""

    def _pod(self, n: int, k: int, before: Any, after: Any, changed: dict) -> list[str]:
        p0, p1 = before.pod_phase[k], after.pod_phase[k]
        if p0 == cl.NONE and p1 != cl.NONE:
            rev = self.revision(after.pod_rev[k])
            beside = self._beside(n, k, before, after)
            return [f"created for {self.node(n)} at revision {rev}: {self._where(after, k)}{beside}"]
        if p0 != cl.NONE and p1 == cl.NONE:
            return [f"removed (was {self._where(before, k, revision=True)})"]
        items = []
        if p0 != p1:
            where = f" on {self.node(after.pod_node[k])}" if p0 < cl.CREATING <= p1 else ""
            hm = self.scope.has_min_ready
            items.append(f"{cl.phase_words(p0, hm)} → {cl.phase_words(p1, hm)}{where}")
        if self._moved("pod_terminating", k, before, after, changed):
            items.append("Terminating (deletionTimestamp set)" if after.pod_terminating[k] else "no longer Terminating")
        if self._moved("pod_rev", k, before, after, changed):
            items.append(f"revision {self.revision(before.pod_rev[k])} → {self.revision(after.pod_rev[k])}")
        return items

    def _label_text(self) -> str:
        return self.label if self._label_key else f"<labels the {self.label} matches>"

    def _relabel_commands(self, node: str, a: int, b: int) -> list[str]:
        """The kubectl commands that take a node from class a to class b (in the classes' concrete reading)."""
        (label0, taint0, evict0), (label1, taint1, evict1) = self._reading(a), self._reading(b)
        out = []
        if label0 != label1:
            removal = f"{self._label_key}-" if self._label_key else f"<labels the {self.label} does not match>"
            out.append(f"kubectl label node {node} {self._label_text() if label1 else removal}")
        if taint0 != taint1:
            out.append(f"kubectl taint node {node} {self._taint}" + ("" if taint1 else "-"))
        if evict0 != evict1:
            out.append(f"kubectl taint node {node} {self._no_execute()}" + ("" if evict1 else "-"))
        return out

    def _class_change(self, a: int, b: int) -> str:
        """A class change in the classes' concrete reading, and what it means for the DaemonSet."""
        (label0, taint0, evict0), (label1, taint1, evict1) = self._reading(a), self._reading(b)
        words = []
        if label0 != label1:
            words.append(self._labelled() if label1 else self._unlabelled())
        if taint0 != taint1:
            words.append(f"tainted {self._taint}" if taint1 else f"taint {self._taint} removed")
        if evict0 != evict1:
            words.append(f"tainted {self._no_execute()}" if evict1 else f"taint {self._no_execute()} removed")
        name = self.scope.name
        effect = {
            du.ELIGIBLE: f"{name} should run there",
            du.NO_SCHEDULE: f"no new {name} pod starts there, a running one stays",
            du.INELIGIBLE: f"{name} pods there are to be deleted",
        }[b]
        return f"{' and '.join(words)}: {effect}"

    def _node_summary(self, s: Any, n: int, initial: bool = False) -> str:
        if not s.node_exists[n]:
            return "not joined yet" if initial else "no Node object"
        words = node_words(s.node_state[n]) + self.node_taints(s, n)
        cls = self._class_words(s.node_class[n])
        return f"{words} ({cls})" if cls else words

    def _node(self, n: int, before: Any, after: Any, changed: dict) -> list[str]:
        items = []
        exists = self._moved("node_exists", n, before, after, changed)
        state = self._moved("node_state", n, before, after, changed)
        if exists and after.node_exists[n]:
            joined = "joins_left" in changed  # cluster.add_node; otherwise node.reconnect after kubectl delete node
            items.append(
                f"joined: {self._node_summary(after, n)}"
                if joined
                else "re-registered (Node object created), "
                f"{node_words(before.node_state[n])} → {node_words(after.node_state[n])}"
            )
        elif exists:
            items.append(
                "Node object deleted, machine decommissioned"
                if state and after.node_state[n] == cl.NODE_DOWN
                else "Node object deleted"
            )
        elif state:
            a, b = before.node_state[n], after.node_state[n]
            items.append(f"{node_words(a)} → {node_words(b)}")
        if self._moved("node_class", n, before, after, changed):
            items.append(self._class_change(before.node_class[n], after.node_class[n]))
        items += self.node_taint_change(n, before, after, changed)
        return [f"node/{self.node(n)} " + ", ".join(items)] if items else []
