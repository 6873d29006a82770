"""The StatefulSet model's states in Kubernetes words, for traces.

Names come from the model (``MODEL.naming``): the set is ``statefulset/web``, slot i is the pod
``web-<start+i>`` (``spec.ordinals.start``) with its claim ``data-web-<start+i>`` (the scope's
``claim-template``, ``data`` by default), nodes are
``node-a``, ``node-b``, … and template t is the ControllerRevision ``web-<hash>`` (a stable
stand-in for upstream's hash).

A pod is shown with its phase as ``kubectl get pods`` would suggest it: ``Pending``
(unscheduled), ``ContainerCreating`` (bound to a node; waiting for its volume to attach and its
containers to start), ``Running, not Ready``, ``Ready`` and — with minReadySeconds —
``available``; ``Terminating`` is a pod with a deletionTimestamp whose kubelet has not confirmed
yet. Containers that still run after their pod object vanished (a force deletion, PodGC after a
Node deletion) get a line of their own.

Each step prints only what changed, one line per object, in the order set, then per ordinal
its pod, orphaned containers and claim (with attachments), then nodes. Budgets of the scope
(user commands and faults left) and the bookkeeping field ``claim_home`` are not shown: the
action says what was spent. A field this module does not know is described by its schema doc,
so a new model field is never silently hidden.
"""

from __future__ import annotations

from typing import Any

from kubecheck.cli import text
from kubecheck.cli.describe_cluster import PodTableDescriber, node_words
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import failures as fm
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset_disruption as sd
from kubecheck.model.kernel.commands import Action

#: Budgets and bookkeeping: spent or set by actions that the trace already names.
HIDDEN = (
    "templates_used",
    "scales_left",
    "reverts_left",
    "undos_left",
    "pod_deletes_left",
    "faults_left",
    "claim_home",
    "orphan_deletes_left",
    "recreates_left",
)
SET_FIELDS = (
    "replicas",
    "template",
    "current_rev",
    "status_written",
    "set_deleted",
    "update_rev",
    "rev_number",
    "set_orphaned",
)
POD_FIELDS = ("pod_phase", "pod_terminating", "pod_node", "pod_rev", "pod_ghost", "pod_owner")
CLAIM_FIELDS = ("pvc", "pvc_pod_ref", "attached", "pvc_set_ref")
#: A pod's controller ref in words (kubecheck.model.controllers.ownership: OWNED, ORPHAN, FOREIGN, PREVIOUS).
OWNER_WORDS = (
    "",
    "no controller (orphan)",
    "controlled by another controller",
    "controlled by the deleted StatefulSet (old UID)",
)
NODE_FIELDS = ("node_state", "node_exists", "node_oos", "failure_state")
#: The PodDisruptionBudget's status and kubectl drain (issue 16; constant without them).
BUDGET = (
    ("pdb_allowed", "disruptionsAllowed"),
    ("pdb_current_healthy", "currentHealthy"),
    ("pdb_desired_healthy", "desiredHealthy"),
    ("pdb_expected", "expectedPods"),
)
DRAIN = ("node_cordoned", "drain_state", "upgrade_node")
KNOWN = HIDDEN + SET_FIELDS + POD_FIELDS + CLAIM_FIELDS + NODE_FIELDS + tuple(f for f, _ in BUDGET) + DRAIN


class StatefulSetDescriber(PodTableDescriber):
    """Describes states and steps of the ``statefulset`` model."""

    KIND = "statefulset"
    KNOWN = KNOWN

    # -- names ---------------------------------------------------------------------------

    def claim(self, i: int) -> str:
        return self.naming.claim(self.scope, i)

    def _pod_summary(self, s: Any, i: int) -> str:
        return self._where(s, i, revision=True)

    # -- describer interface -------------------------------------------------------------

    def legend(self) -> list[str]:
        ready = "Ready (< minReadySeconds), available," if self.scope.has_min_ready else "Ready,"
        failed = "Failed (evicted: containers dead, the object stays), " if self.scope.failure_mode == "evicted" else ""
        words = (
            "pod phases: Pending (not bound to a node), ContainerCreating (bound; waiting for its volume and "
            f"containers), Running (not Ready), {ready} {failed}Terminating (deleted; the kubelet has not confirmed); "
            f"revisions are ControllerRevisions {self.scope.name}-<hash>"
        )
        return text.wrap_text(words, text.WIDTH - 4)

    def initial(self, s: Any) -> list[str]:
        sc = self.scope
        spec = [f"spec.replicas {s.replicas}"]
        if sc.ordinals_start:
            spec.append(f"spec.ordinals.start {sc.ordinals_start}")
        spec += [f"podManagementPolicy {sc.pod_management}", f"minReadySeconds {sc.min_ready_seconds}"]
        if sc.strategy == "RollingUpdate":
            mu = (
                f"maxUnavailable {sc.max_unavailable}"
                if sc.max_unavailable_gate
                else "maxUnavailable off (feature gate)"
            )
            strategy = [f"updateStrategy RollingUpdate (partition {sc.partition}, {mu})"]
        else:
            strategy = ["updateStrategy OnDelete"]
        template = [f"template revision {self.revision(s.template)}"]
        if sc.revision_history:
            template.append(f"revisionHistoryLimit {sc.revision_history_limit}")
        if sc.claims:
            mount = ", mounted readOnly" if sc.read_only_mount else ""
            template.append(f"volumeClaimTemplates {sc.claim_template} ({sc.access_mode}{mount})")
            retention = [
                f"persistentVolumeClaimRetentionPolicy whenDeleted {sc.when_deleted}, whenScaled {sc.when_scaled}"
            ]
        else:
            template.append("no volumeClaimTemplates")
            retention = []
        lines = text.object_lines(self.set_name, [spec, strategy, template, retention])
        if sc.broken_release:
            lines.append(
                f"broken release: pods of every revision but {self.revision(0)} never pass their readiness probe"
            )
        else:
            target = f"only {self.pod(sc.failing_ordinal)}" if sc.failing_ordinal >= 0 else ""
            lines += self.failure_initial(s, target)
        nodes = [f"{self.node(n)} {self._node_state(s, n)}" for n in range(len(s.node_state))]
        lines.append("nodes " + ", ".join(nodes))
        pods = [
            f"pod/{self.pod(i)} {self._pod_summary(s, i)}"
            + (f", {OWNER_WORDS[s.pod_owner[i]]}" if s.pod_owner[i] else "")
            for i in range(len(s.pod_phase))
            if s.pod_phase[i] != cl.NONE
        ]
        claims = [self.claim(i) for i in range(len(s.pvc)) if s.pvc[i]]
        lines += pods
        if claims:
            lines.append("claims " + ", ".join(claims))
        if not pods and not claims:
            lines.append("no pods and no claims yet")
        lines += self._disruption(s, s, initial=True)
        fields = {f: (getattr(s, f), getattr(s, f)) for f in self.schema.fields}
        return lines + self._unknown(s, s, fields, initial=True)

    def action(self, action: Action) -> str:
        verb = action.name.split(".", 1)[1]
        args = [f"{key}={self._argument(action, key, v)}" for key, v in action.params]
        return f"{verb}({', '.join(args)})" if args else verb

    def user_command(self, action: Action) -> str:
        """What a person would type (or what happens to them) for a user action or a fault."""
        kw = action.kwargs
        name = self.scope.name
        commands = {
            "user.delete_pod": lambda: f"kubectl delete pod {self.pod(kw['pod'])}",
            "user.revert_template": lambda: f"kubectl apply of the old template (revision {self.revision(kw['to'])})",
            "user.scale": lambda: f"kubectl scale statefulset {name} --replicas={kw['to']}",
            "user.rollout_undo": lambda: (
                f"kubectl rollout undo statefulset {name}" + (f" --to-revision={kw['to']}" if kw["to"] else "")
            ),
            "user.edit_template": lambda: "kubectl apply of a new template",
            "user.delete_statefulset": lambda: f"kubectl delete statefulset {name}",
            "user.delete_statefulset_orphan": lambda: f"kubectl delete statefulset {name} --cascade=orphan",
            "user.recreate_statefulset": lambda: f"kubectl apply of statefulset {name} again",
            "fault.force_delete_pod": lambda: f"kubectl delete pod {self.pod(kw['pod'])} --grace-period=0 --force",
            "fault.delete_node": lambda: f"kubectl delete node {self.node(kw['node'])}",
            "fault.evict_pod": lambda: f"eviction of {self.pod(kw['pod'])} (kubectl drain)",
            "fault.crash_pod": lambda: f"a crash of {self.pod(kw['pod'])}",
            "fault.partition_node": lambda: f"a network partition of {self.node(kw['node'])}",
            "fault.fail_node": lambda: f"a failure of {self.node(kw['node'])}",
            "node.reconnect": lambda: f"{self.node(kw['node'])} reconnecting",
            "user.taint_out_of_service": lambda: (
                f"kubectl taint node {self.node(kw['node'])} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute"
            ),
            "user.repair_failure": lambda: f"the user repairs the cause ({fm.REPAIR_WORDS[self.scope.failure_mode]})",
            "fault.failure_begins": lambda: f"failure {self.scope.failure_mode} begins",
            "operator.delete_stuck_pod": lambda: f"kubectl delete pod {self.pod(kw['pod'])} (forced rollback)",
            "user.drain_node": lambda: f"kubectl drain {self.node(sd.DRAINED_NODE)}",
            "user.uncordon": lambda: f"kubectl uncordon {self.node(sd.DRAINED_NODE)}",
        }
        make = commands.get(action.name)
        return make() if make is not None else f"{action.actor} {self.action(action)}"

    def changes(self, before: Any, after: Any, changed: dict[str, tuple[Any, Any]]) -> list[str]:
        lines = text.object_lines(self.set_name, [self._set(before, after, changed)])
        for i in range(len(after.pod_phase)):
            lines += self._ordinal(i, before, after, changed)
        for n in range(len(after.node_state)):
            lines += self._node(n, before, after, changed)
        lines += self._disruption(before, after)
        return lines + self.failure_change(before, after, changed) + self._unknown(before, after, changed)

    def _disruption(self, before: Any, after: Any, initial: bool = False) -> list[str]:
        """The budget's status as last written, node-a's cordon and where kubectl drain is (issue 16) — in the
        initial state when the scope has them, afterwards where they change."""
        sc, lines = self.scope, []
        if sc.has_budget:
            status = [
                f"status.{word} "
                + (text.value(getattr(after, f)) if initial else text.change(getattr(before, f), getattr(after, f)))
                for f, word in BUDGET
                if initial or getattr(before, f) != getattr(after, f)
            ]
            lines += text.object_lines("PodDisruptionBudget", [status])
        if not sc.has_drain:
            return lines
        for n, (was, now) in enumerate(zip(before.node_cordoned, after.node_cordoned, strict=True)):
            if now != was or (initial and now):
                lines.append(f"node/{self.node(n)} {'cordoned (spec.unschedulable true)' if now else 'uncordoned'}")
        names = sd.DRAIN_STATE_NAMES
        if initial or before.drain_state != after.drain_state:
            state = names[after.drain_state] if initial else f"{names[before.drain_state]} → {names[after.drain_state]}"
            lines.append(f"kubectl drain {self.node(int(sd.drained_node(sc, after if initial else before)))}: {state}")
        if sc.is_upgrade and (initial or before.upgrade_node != after.upgrade_node):
            done = str(after.upgrade_node) if initial else text.change(before.upgrade_node, after.upgrade_node)
            lines.append(f"node-pool upgrade: {done} of {sc.nodes} nodes done")
        return lines

    # -- pieces --------------------------------------------------------------------------

    def _argument(self, action: Action, key: str, v: Any) -> str:
        if key == "pod":
            return self.pod(v)
        if key == "claim":
            return self.claim(v)
        if key == "node":
            return self.node(v)
        if key == "to" and action.name == "user.revert_template":
            return self.revision(v)
        return str(v)

    def _set(self, before: Any, after: Any, changed: dict) -> list[str]:
        items = []
        if "replicas" in changed:
            items.append(f"spec.replicas {text.change(before.replicas, after.replicas)}")
        if "template" in changed:
            rev = self.revision(after.template)
            if after.templates_used > before.templates_used:
                items.append(f"spec.template edited: update revision {rev}")
            elif after.undos_left < before.undos_left:
                items.append(f"spec.template restored from ControllerRevision {rev} (rollout undo)")
            else:
                items.append(f"spec.template re-applied: update revision {rev} (reused)")
        if "status_written" in changed and after.status_written:
            items.append(
                f"status.currentRevision {self.revision(after.current_rev)}, "
                f"status.updateRevision {self.revision(after.template)}"
            )
        elif "current_rev" in changed:
            items.append(
                f"status.currentRevision {self.revision(before.current_rev)} → {self.revision(after.current_rev)}"
            )
        if "update_rev" in changed:
            items.append(
                f"status.updateRevision {self.revision(before.update_rev)} → {self.revision(after.update_rev)}"
            )
        if "rev_number" in changed:
            items += self._history(before, after)
        if "set_orphaned" in changed and after.set_orphaned:
            items.append("deleted with --cascade=orphan (the garbage collector removed its ownerReferences; pods stay)")
        elif "set_orphaned" in changed or ("set_deleted" in changed and not after.set_deleted):
            items.append("created again (a new object: same name, selector and spec; no status)")
        elif "set_deleted" in changed and after.set_deleted:
            items.append("deleted (deletionTimestamp set; the garbage collector removes its pods)")
        return items

    def _history(self, before: Any, after: Any) -> list[str]:
        """ControllerRevision changes: created, renumbered (reused), deleted (revisionHistoryLimit)."""
        items = []
        for t, (old, new) in enumerate(zip(before.rev_number, after.rev_number, strict=True)):
            rev = f"ControllerRevision {self.revision(t)}"
            if old == new:
                continue
            if not old:
                items.append(f"{rev} created (revision {new})")
            elif not new:
                items.append(
                    f"{rev} (revision {old}) deleted: revisionHistoryLimit {self.scope.revision_history_limit}"
                )
            else:
                items.append(f"{rev} reused: revision {old} → {new}")
        return items

    def _ordinal(self, i: int, before: Any, after: Any, changed: dict) -> list[str]:
        lines = []
        pod = self._pod(i, before, after, changed)
        if pod:
            lines.append(f"pod/{self.pod(i)} " + ", ".join(pod))
        if self._moved("pod_ghost", i, before, after, changed):
            old, new = before.pod_ghost[i], after.pod_ghost[i]
            if new:
                lines.append(f"containers of {self.pod(i)} still run on {self.node(new - 1)} (pod object gone)")
            else:
                lines.append(f"orphaned containers of {self.pod(i)} on {self.node(old - 1)} are gone")
        claim = self._claim(i, before, after, changed)
        if claim:
            lines.append(f"pvc/{self.claim(i)} " + ", ".join(claim))
        return lines

    def _pod(self, i: int, before: Any, after: Any, changed: dict) -> list[str]:
        p0, p1 = before.pod_phase[i], after.pod_phase[i]
        if p0 == cl.NONE and p1 != cl.NONE:
            return [f"created at revision {self.revision(after.pod_rev[i])}: {self._where(after, i)}"]
        if p0 != cl.NONE and p1 == cl.NONE:
            return [f"removed (was {self._where(before, i)})"]
        items = []
        if self._moved("pod_owner", i, before, after, changed) and p1 != cl.NONE:
            items.append(
                f"adopted: ownerReference → statefulset/{self.scope.name} (controller)"
                if not after.pod_owner[i]
                else f"ownerReference to statefulset/{self.scope.name} removed: {OWNER_WORDS[after.pod_owner[i]]}"
                if after.pod_owner[i] == ow.ORPHAN
                else OWNER_WORDS[after.pod_owner[i]]
            )
        if p0 != p1:
            where = f" on {self.node(after.pod_node[i])}" if p0 < cl.CREATING <= p1 else ""
            items.append(f"{self.phase(before, i)} → {self.phase(after, i)}{where}")
        elif self._moved("pod_node", i, before, after, changed):
            items.append(f"node {self.node(before.pod_node[i])} → {self.node(after.pod_node[i])}")
        if self._moved("pod_terminating", i, before, after, changed):
            items.append("Terminating (deletionTimestamp set)" if after.pod_terminating[i] else "no longer Terminating")
        if self._moved("pod_rev", i, before, after, changed):
            items.append(f"revision {self.revision(before.pod_rev[i])} → {self.revision(after.pod_rev[i])}")
        return items

    def _claim(self, i: int, before: Any, after: Any, changed: dict) -> list[str]:
        items = []
        if self._moved("pvc", i, before, after, changed):
            items.append("created (Bound)" if after.pvc[i] else "deleted (garbage collector)")
            if after.pvc[i] and after.pod_phase[i] != cl.NONE and after.pod_owner[i]:
                items.append(f"but pod {self.pod(i)} not created: the name is taken (AlreadyExists)")
        if self._moved("pvc_set_ref", i, before, after, changed) and after.pvc[i]:
            items.append(
                (
                    f"ownerReference → statefulset/{self.scope.name} (whenDeleted Delete)",
                    f"ownerReference to statefulset/{self.scope.name} removed (orphaned)",
                    f"ownerReference names the deleted statefulset/{self.scope.name} (old UID): the garbage "
                    "collector deletes the claim once no pod uses it",
                )[after.pvc_set_ref[i]]
            )
        if self._moved("pvc_pod_ref", i, before, after, changed) and after.pvc[i]:
            items.append(
                f"ownerReference → pod {self.pod(i)} (whenScaled Delete)"
                if after.pvc_pod_ref[i]
                else f"ownerReference to pod {self.pod(i)} removed"
            )
        nodes = len(after.node_state)
        for n in range(nodes):
            k = i * nodes + n
            if self._moved("attached", k, before, after, changed):
                items.append(f"{'attached to' if after.attached[k] else 'detached from'} {self.node(n)}")
        return items

    def _node_state(self, s: Any, n: int) -> str:
        word = node_words(s.node_state[n]) + self.node_taints(s, n)
        return word if s.node_exists[n] else f"{word}, Node object deleted"

    def _node(self, n: int, before: Any, after: Any, changed: dict) -> list[str]:
        items = []
        if self._moved("node_state", n, before, after, changed):
            a, b = before.node_state[n], after.node_state[n]
            items.append(f"{node_words(a)} → {node_words(b)}")
        if self._moved("node_exists", n, before, after, changed):
            items.append("re-registered (Node object created)" if after.node_exists[n] else "Node object deleted")
        items += self.node_taint_change(n, before, after, changed)
        return [f"node/{self.node(n)} " + ", ".join(items)] if items else []
