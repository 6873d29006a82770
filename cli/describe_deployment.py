"""The Deployment model's states in Kubernetes words, for traces.

Object names come from :mod:`kubecheck.model.controllers.deployment_names` and the scope's
``name`` and ``claim_name`` (``deployment/web``, ReplicaSet ``web-<pod-template-hash>``, claim
``data``). A ReplicaSet is shown with its revision: ``web-5d8f7c9b4d (rev 2)``.

Pods are counted per ReplicaSet by phase, as the model counts them: ``unscheduled`` (not bound
to a node), ``pending`` (bound, containers starting), ``running`` (Running, not Ready),
``ready`` (Ready for less than minReadySeconds), ``available`` and ``terminating`` (deleted,
still running). Where the scope places pods on nodes, bound pods are counted per node
(``pending 0 → 1 on node-b``), and the shared claim ``data`` is an object of its own: which
node its volume is attached to, and the pods that wait in ContainerCreating because it is
attached elsewhere (the attach/detach controller's Multi-Attach error). Where a node can fail,
each node is an object too (``node/node-b``): its health, the lifecycle taints, the Node object's
deletion and the out-of-service taint, in the cluster describers' words
(:func:`~kubecheck.cli.describe_cluster.node_health_lines`), and the pods stuck Terminating on a
node that is not Ready.

Each step prints only what changed, one line per object, grouped: the object and its spec,
its status, its pods. With a progress deadline the Deployment's status counts, its Progressing
and Available conditions (``Progressing True/ReplicaSetUpdated``), the moment the deadline
passes, and what ``kubectl rollout status`` would answer are shown where they change (the
answer in the initial state too). Bookkeeping fields of the scope's budgets (user commands and faults
left) are not shown: the action says what was spent. A field this module does not know is
described by its schema doc, so a new model field is never silently hidden.
"""

from __future__ import annotations

from typing import Any

from kubecheck.cli import text
from kubecheck.cli.describe_cluster import node_health_lines
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import deployment_scope as sdc
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers import disruption as dr
from kubecheck.model.controllers import hpa
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.cluster import node_name
from kubecheck.model.controllers.deployment_names import deployment_ref, pod_template_hash, replicaset_name
from kubecheck.model.kernel.commands import Action, Model

#: (field, word) of the pod phases, in lifecycle order.
PHASES = (
    ("unscheduled", "unscheduled"),
    ("pending", "pending"),
    ("running", "running"),
    ("ready", "ready"),
    ("available", "available"),
    ("terminating", "terminating"),
    ("failed", "failed"),
)

#: Budgets of the scope: spent by the actions that the trace already names.
HIDDEN = ("templates_used", "scales_left", "rollbacks_left", "pauses_left", "faults_left", "strategy_edits_left")

RS_SPEC = ("rs_exists", "rs_revision", "rs_history", "rs_replicas", "rs_desired", "rs_max", "rs_synced")
RS_STATUS = ("rs_status_replicas", "rs_status_available", "rs_status_ready")
#: The Deployment's status counts and conditions (with a progress deadline only).
STATUS = (
    ("status_replicas", "status.replicas"),
    ("status_updated", "status.updatedReplicas"),
    ("status_ready", "status.readyReplicas"),
    ("status_available", "status.availableReplicas"),
)
CONDITIONS = ("progressing", "deadline_passed", "available_condition")
#: The shared claim's fields (claim_home only serves a witness).
VOLUME = ("attached", "claim_home")
#: The nodes' health (with a node fault only): worded by describe_cluster.node_health_lines.
NODES = ("node_state", "node_exists", "node_oos")
#: The PodDisruptionBudget's status and the drain or node-pool upgrade (issue 16; constant without them).
BUDGET = (
    ("pdb_allowed", "disruptionsAllowed"),
    ("pdb_current_healthy", "currentHealthy"),
    ("pdb_desired_healthy", "desiredHealthy"),
    ("pdb_expected", "expectedPods"),
)
DRAIN = ("pdb_stale", "pdb_edited", "pdb_other_not_ready", "node_cordoned", "drain_state", "upgrade_node")
KNOWN = (
    "replicas",
    *(f for f, _ in BUDGET),
    *DRAIN,
    "template",
    "paused",
    "strategy_edited",
    "observed",
    *HIDDEN,
    *RS_SPEC,
    *RS_STATUS,
    *(f for f, _ in STATUS),
    *CONDITIONS,
    *(f for f, _ in PHASES),
    *VOLUME,
    *NODES,
    *hpa.FIELDS,  # worded by hpa.trace_lines
)


__all__ = ["DeploymentDescriber"]


def _progressing(reason: int) -> str:
    """The Progressing condition as ``status/reason`` ('(none)' when there is none)."""
    return f"{du.PROGRESSING_STATUS[reason]}/{du.PROGRESSING_REASONS[reason]}" if reason else "(none)"


def _available(reason: int) -> str:
    return f"{du.AVAILABLE_STATUS[reason]}/{du.AVAILABLE_REASONS[reason]}" if reason else "(none)"


def _answer(answer: tuple[str, bool, str]) -> str:
    """kubectl's output line, or its error as kubectl prints it (exit status 1)."""
    message, _done, error = answer
    return f"error: {error}" if error else message


def _history(bits: int) -> str:
    """The revision-history annotation: the revision numbers of the bit set, as the comma list upstream writes."""
    return ",".join(str(r) for r in range(bits.bit_length()) if bits >> r & 1)


class DeploymentDescriber:
    """Describes states and steps of the ``deployment`` model."""

    def __init__(self, model: Model, scope: Any):  # scope: the model's own scope class
        self.model = model
        self.scope = scope
        self.schema = model.schema(scope)

    # -- names ---------------------------------------------------------------------------

    def _name(self, t: int) -> str:
        """Slot ``t``'s ReplicaSet name: from its pod template (slots of one template share it)."""
        return replicaset_name(self.scope.template_value(t), self.scope.name)

    def _title(self, t: int, before: Any, after: Any) -> str:
        name = self._name(t)
        for s in (after, before):
            if s.rs_exists[t]:
                return f"ReplicaSet {name} (rev {s.rs_revision[t]})"
        return f"ReplicaSet {name} (deleted)"

    def _template(self, t: int, s: Any) -> str:
        """Slot ``t``'s template: that of an existing ReplicaSet (the oldest one, as FindNewReplicaSet
        finds it), or a template no ReplicaSet has."""
        for u in self.scope.same_template(t):
            if s.rs_exists[u]:
                return f"template of {self._name(u)} (rev {s.rs_revision[u]})"
        return f"new template (pod-template-hash {pod_template_hash(self.scope.template_value(t), self.scope.name)})"

    # -- describer interface -------------------------------------------------------------

    def legend(self) -> list[str]:
        words = [
            "pods are counted per ReplicaSet by phase: unscheduled (not bound to a node),",
            "pending (bound, starting),",
            "running (Running, not Ready),",
        ]
        if self.scope.has_min_ready:
            words += ["ready (Ready < minReadySeconds),", "available (Ready ≥ minReadySeconds),"]
        else:
            words += ["available (Ready),"]
        words += ["terminating (deleted, still running)"]
        if self.scope.failure_mode == sdc.EVICTED:
            words[-1] += ","
            words += ["failed (phase Failed: evicted by the kubelet, not active)"]
        failing = self._failing()
        if failing:
            words += [f"— {failing}"]
        return text.wrap_text(" ".join(words), text.WIDTH - 4)

    def _failing(self) -> str:
        """What the scope's failing release does, in the kubelet's words ('' when nothing fails)."""
        sc = self.scope
        what = {
            sdc.NEVER_START: "never start (image pull error: Pending, ErrImagePull/ImagePullBackOff)",
            sdc.NEVER_READY: "start but never become Ready (the readiness probe fails)",
            sdc.CRASH_BEFORE_READY: "crash before becoming Ready (CrashLoopBackOff: Running, not Ready)",
            sdc.CRASH_AFTER_READY: "crash after becoming Ready (CrashLoopBackOff)",
            sdc.EVICTED: "are evicted by the kubelet once started (node pressure: phase Failed)",
        }.get(sc.failure_mode)
        if what is None:
            return ""
        whose = "the first template's pods" if sc.starts_fresh else "pods of edited templates"
        return f"{whose} {what}"

    def _strategy(self, s: Any) -> str:
        surge, unavailable = self.scope.rolling(bool(s.strategy_edited))
        return f"maxSurge {surge}, maxUnavailable {unavailable}"

    def initial(self, s: Any) -> list[str]:
        sc = self.scope
        strategy = sc.strategy
        if strategy == "RollingUpdate":
            strategy += f" ({self._strategy(s)})"
        spec = [f"spec.replicas {s.replicas}", f"spec.template: {self._template(s.template, s)}"]
        if s.paused:
            spec.append("spec.paused true")
        strategy_line = [f"spec.strategy {strategy}", f"spec.minReadySeconds {sc.min_ready_seconds}"]
        lines = text.object_lines(
            deployment_ref(self.scope.name), [spec, strategy_line, *self._status_groups(s, s, everything=True)]
        )
        for t in range(len(s.rs_exists)):
            if not s.rs_exists[t] and not d.in_phase(s, "terminating", t):
                continue
            groups = [
                [
                    f"spec.replicas {s.rs_replicas[t]}",
                    f"desired-replicas {s.rs_desired[t]}",
                    f"max-replicas {s.rs_max[t]}",
                ]
                if s.rs_exists[t]
                else [],
                [f"status.replicas {s.rs_status_replicas[t]}", f"status.availableReplicas {s.rs_status_available[t]}"]
                if s.rs_exists[t]
                else [],
                self._pods(t, s, s, everything=True),
            ]
            lines += text.object_lines(self._title(t, s, s), groups)
        lines += self._claim(s, s, initial=True) + node_health_lines(s, s, initial=True)
        lines += self._disruption(s, s, initial=True) + hpa.trace_lines(self.scope, s, s, True)
        return lines + self._unknown(
            s, s, {f: (getattr(s, f), getattr(s, f)) for f in self.schema.fields}, initial=True
        )

    def action(self, action: Action) -> str:
        verb = action.name.split(".", 1)[1]
        args = []
        for key, v in action.params:
            if v is None:
                continue  # a choice this scope does not have
            if key == "rs" or (key == "to" and action.name == "user.rollout_undo"):
                args.append(f"{key}={self._name(v)}")
            elif key in ("from_ready", "spread"):
                continue  # which pods were deleted: the pods line shows it
            elif key == "node":
                args.append(f"node={node_name(v)}")
            elif key == "claim":
                args.append(f"claim={self.scope.claim_name}")
            else:
                args.append(f"{key}={v}")
        return f"{verb}({', '.join(args)})" if args else verb

    def changes(self, before: Any, after: Any, changed: dict[str, tuple[Any, Any]]) -> list[str]:
        groups = [self._deployment(before, after, changed), *self._status_groups(before, after)]
        lines = text.object_lines(deployment_ref(self.scope.name), groups)
        for t in range(len(after.rs_exists)):
            lines += self._replicaset(t, before, after, changed)
        lines += self._claim(before, after) + node_health_lines(before, after) + self._stranded(before, after)
        lines += self._disruption(before, after) + hpa.trace_lines(self.scope, before, after, False)
        return lines + self._unknown(before, after, changed)

    def _disruption(self, before: Any, after: Any, initial: bool = False) -> list[str]:
        """The budget's status as last written, the cordons and where the drain or upgrade is — in the
        initial state when the scope has them, afterwards where they change."""
        sc, lines = self.scope, []
        if sc.has_budget:
            shown = text.value if initial else None
            status = [
                f"status.{word} "
                + (shown(getattr(after, f)) if shown else text.change(getattr(before, f), getattr(after, f)))
                for f, word in BUDGET
                if initial or getattr(before, f) != getattr(after, f)
            ]
            if after.pdb_edited != before.pdb_edited:
                spec = sc.edited_budget_spec
                field, value = (
                    ("maxUnavailable", spec.max_unavailable)
                    if spec.max_unavailable is not None
                    else ("minAvailable", spec.min_available)
                )
                status.insert(0, f"spec.{field} → {value} (edited; metadata.generation +1)")
            if after.pdb_stale != before.pdb_stale or (initial and after.pdb_stale):
                status.append(
                    "status.observedGeneration " + ("behind (spec edited)" if after.pdb_stale else "caught up")
                )
            lines += text.object_lines("PodDisruptionBudget", [status])
        if sc.has_other_churn and (initial or before.pdb_other_not_ready != after.pdb_other_not_ready):
            ready = [sc.pdb_other_pods - x.pdb_other_not_ready for x in (before, after)]
            count = str(ready[1]) if initial else text.change(ready[0], ready[1])
            lines.append(f"pods of other workloads behind the budget: Ready {count} of {sc.pdb_other_pods}")
        if not sc.has_drain:
            return lines
        for n, (was, now) in enumerate(zip(before.node_cordoned, after.node_cordoned, strict=True)):
            if now != was or (initial and now):
                lines.append(f"node/{node_name(n)} {'cordoned (spec.unschedulable true)' if now else 'uncordoned'}")
        names = dr.DRAIN_STATE_NAMES
        node = node_name(int(dr.drained_node(sc, after)))
        if initial or before.drain_state != after.drain_state:
            state = names[after.drain_state] if initial else f"{names[before.drain_state]} → {names[after.drain_state]}"
            lines.append(f"kubectl drain {node}: {state}")
        if sc.is_upgrade and (initial or before.upgrade_node != after.upgrade_node):
            done = str(after.upgrade_node) if initial else text.change(before.upgrade_node, after.upgrade_node)
            lines.append(f"node-pool upgrade: {done} of {sc.nodes} nodes done")
        return lines

    def _stranded(self, before: Any, after: Any) -> list[str]:
        """Pods Terminating on a node that is not Ready: no kubelet confirms their end (said when it changes)."""
        lines = []
        for n, state in enumerate(after.node_state):
            was = d.on_node(before, n, ("terminating",)) if before.node_state[n] != cl.NODE_READY else 0
            now = d.on_node(after, n, ("terminating",)) if state != cl.NODE_READY else 0
            if now and now != was:
                pods = "pod" if now == 1 else "pods"
                lines.append(
                    f"node/{node_name(n)} {now} {pods} Terminating there until the node returns, is deleted, the "
                    "pod is force-deleted or the node gets the out-of-service taint (no kubelet confirms the end)"
                )
        return lines

    # -- pieces --------------------------------------------------------------------------

    def _deployment(self, before: Any, after: Any, changed: dict) -> list[str]:
        items = []
        if "replicas" in changed:
            items.append(f"spec.replicas {text.change(before.replicas, after.replicas)}")
        if "template" in changed:
            items.append(f"spec.template → {self._template(after.template, after)}")
        if "paused" in changed:
            items.append(f"spec.paused {text.change(before.paused, after.paused)}")
        if "strategy_edited" in changed:
            items.append(f"spec.strategy.rollingUpdate {self._strategy(before)} → {self._strategy(after)}")
        if "observed" in changed:
            items.append("status.observedGeneration " + ("caught up" if after.observed else "behind (spec changed)"))
        return items

    def _status_groups(self, before: Any, after: Any, everything: bool = False) -> list[list[str]]:
        """With a progress deadline: the status counts, the conditions and `kubectl rollout status`
        (what changed, or everything)."""
        sc = self.scope
        if not sc.has_progress_deadline:
            return []
        counts = [
            f"{word} {getattr(after, f)}"
            if everything
            else f"{word} {text.change(getattr(before, f), getattr(after, f))}"
            for f, word in STATUS
            if everything or getattr(before, f) != getattr(after, f)
        ]
        conditions = []
        if everything or before.progressing != after.progressing:
            shown = _progressing(after.progressing)
            conditions.append(
                f"Progressing {shown}" if everything else f"Progressing {_progressing(before.progressing)} → {shown}"
            )
        elif before.deadline_passed and not after.deadline_passed:
            conditions.append(f"Progressing {_progressing(after.progressing)} (lastUpdateTime now)")
        if not before.deadline_passed and after.deadline_passed:
            conditions.append(
                f"progressDeadlineSeconds ({sc.progress_deadline_seconds}) passed since the Progressing condition's "
                "lastUpdateTime"
            )
        if everything or before.available_condition != after.available_condition:
            shown = _available(after.available_condition)
            conditions.append(
                f"Available {shown}" if everything else f"Available {_available(before.available_condition)} → {shown}"
            )
        was, now = d.rollout_status(sc, before), d.rollout_status(sc, after)
        answer = [f"kubectl rollout status: {_answer(now)}"] if now is not None and (everything or now != was) else []
        return [counts, conditions, answer]

    def _counts(self, field: str, t: int, s: Any) -> list[tuple[str, int]]:
        """(where, count) of ReplicaSet t's pods in ``field``: per node where pods are placed."""
        if field in d.PER_REPLICASET or not self.scope.nodes:
            return [("", d.in_phase(s, field, t))]
        return [(f" on {node_name(n)}", c) for n, c in enumerate(d.on_nodes(s, field, t))]

    def _pods(self, t: int, before: Any, after: Any, everything: bool = False) -> list[str]:
        parts = []
        for field, word in PHASES:
            for (where, a), (_, b) in zip(self._counts(field, t, before), self._counts(field, t, after)):
                if everything and b:
                    parts.append(f"{word} {b}{where}")
                elif not everything and a != b:
                    parts.append(f"{word} {a} → {b}{where}")
        if not parts:
            return []
        return ["pods: " + parts[0], *parts[1:]]

    def _attached(self, s: Any) -> list[str]:
        return [node_name(n) for n in range(self.scope.nodes) if vol.is_attached(s, self.scope.nodes, 0, n)]

    def _claim(self, before: Any, after: Any, initial: bool = False) -> list[str]:
        """The shared claim: where its volume is attached, and who waits for it (Multi-Attach error)."""
        sc = self.scope
        if not sc.claims:
            return []
        title = f"PersistentVolumeClaim {sc.claim_name} ({sc.access_mode})"
        was, now = self._attached(before), self._attached(after)
        items = []
        if initial:
            items.append(f"volume attached to {', '.join(now) or 'no node'}")
        else:
            items += [f"volume attached to {n}" for n in now if n not in was]
            items += [f"volume detached from {n}" for n in was if n not in now]
        waiting = self._waiting_lines(after)
        if not initial and waiting == self._waiting_lines(before):
            waiting = []  # nothing new to say
        return text.object_lines(title, [items, waiting])

    def _waiting_lines(self, s: Any) -> list[str]:
        """Pods bound to a node whose volume is attached to another, single-node only."""
        sc, now = self.scope, self._attached(s)
        return [
            f"{c} pod{'s' if c > 1 else ''} on {node_name(n)} in ContainerCreating (Multi-Attach error: "
            f"attached to {', '.join(now)})"
            for n in range(sc.nodes)
            for c in [d.on_node(s, n, ("pending",))]
            if c and now and node_name(n) not in now and not vol.is_multi_attach_allowed(sc.access_mode)
        ]

    def _replicaset(self, t: int, before: Any, after: Any, changed: dict) -> list[str]:
        def moved(field: str) -> bool:
            return field in changed and getattr(before, field)[t] != getattr(after, field)[t]

        created = moved("rs_exists") and after.rs_exists[t]
        deleted = moved("rs_exists") and not after.rs_exists[t]
        spec: list[str] = []
        status: list[str] = []
        if created:
            spec += [
                "created",
                f"spec.replicas {after.rs_replicas[t]}",
                f"desired-replicas {after.rs_desired[t]}",
                f"max-replicas {after.rs_max[t]}",
            ]
        elif deleted:
            spec.append("deleted")
        else:
            if moved("rs_revision"):
                spec.append(f"revision {text.change(before.rs_revision[t], after.rs_revision[t])}")
            if moved("rs_history"):
                spec.append(f"revision-history {_history(after.rs_history[t]) or '(none)'}")
            if moved("rs_replicas"):
                spec.append(f"spec.replicas {text.change(before.rs_replicas[t], after.rs_replicas[t])}")
            if moved("rs_desired"):
                spec.append(f"desired-replicas {text.change(before.rs_desired[t], after.rs_desired[t])}")
            if moved("rs_max"):
                spec.append(f"max-replicas {text.change(before.rs_max[t], after.rs_max[t])}")
            # a spec change bumps metadata.generation: only catching up is news
            if moved("rs_synced") and after.rs_synced[t]:
                spec.append("status.observedGeneration up to date")
            if moved("rs_status_replicas"):
                status.append(
                    f"status.replicas {text.change(before.rs_status_replicas[t], after.rs_status_replicas[t])}"
                )
            if moved("rs_status_available"):
                available = text.change(before.rs_status_available[t], after.rs_status_available[t])
                status.append(f"status.availableReplicas {available}")
            if moved("rs_status_ready"):
                status.append(
                    f"status.readyReplicas {text.change(before.rs_status_ready[t], after.rs_status_ready[t])}"
                )
        return text.object_lines(self._title(t, before, after), [spec, status, self._pods(t, before, after)])

    def _unknown(self, before: Any, after: Any, changed: dict, initial: bool = False) -> list[str]:
        return text.unknown_fields(self.schema.docs, KNOWN, changed, initial)
