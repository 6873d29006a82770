"""The Deployment model's states in Kubernetes words, for traces.

Object names come from :mod:`kubecheck.model.controllers.deployment_names` (``deployment/web``,
ReplicaSet ``web-<pod-template-hash>``). A ReplicaSet is shown with its revision:
``web-5d8f7c9b4d (rev 2)``.

Pods are counted per ReplicaSet by phase, as the model counts them: ``unscheduled`` (not bound
to a node), ``pending`` (bound, containers starting), ``running`` (Running, not Ready),
``ready`` (Ready for less than minReadySeconds), ``available`` and ``terminating`` (deleted,
still running).

Each step prints only what changed, one line per object, grouped: the object and its spec,
its status, its pods. Bookkeeping fields of the scope's budgets (user commands and faults
left) are not shown: the action says what was spent. A field this module does not know is
described by its schema doc, so a new model field is never silently hidden.
"""

from __future__ import annotations

from typing import Any

from kubecheck.cli import text
from kubecheck.model.controllers.deployment_names import DEPLOYMENT, NAME, pod_template_hash, replicaset_name
from kubecheck.model.kernel.commands import Action

#: (field, word) of the pod phases, in lifecycle order.
PHASES = (("unscheduled", "unscheduled"), ("pending", "pending"), ("running", "running"),
          ("ready", "ready"), ("available", "available"), ("terminating", "terminating"))

#: Budgets of the scope: spent by the actions that the trace already names.
HIDDEN = ("templates_used", "scales_left", "rollbacks_left", "pauses_left", "faults_left")

RS_SPEC = ("rs_exists", "rs_revision", "rs_replicas", "rs_desired", "rs_synced")
RS_STATUS = ("rs_status_replicas", "rs_status_available")
KNOWN = ("replicas", "template", "paused", "observed", *HIDDEN, *RS_SPEC, *RS_STATUS, *(f for f, _ in PHASES))


__all__ = ["DeploymentDescriber", "DEPLOYMENT", "NAME", "pod_template_hash", "replicaset_name"]


class DeploymentDescriber:
    """Describes states and steps of the ``deployment`` model."""

    def __init__(self, model: Any, scope: Any):
        self.model = model
        self.scope = scope
        self.schema = model.schema(scope)

    # -- names ---------------------------------------------------------------------------

    def _title(self, t: int, before: Any, after: Any) -> str:
        name = replicaset_name(t)
        for s in (after, before):
            if s.rs_exists[t]:
                return f"ReplicaSet {name} (rev {s.rs_revision[t]})"
        return f"ReplicaSet {name} (deleted)"

    def _template(self, t: int, s: Any) -> str:
        if s.rs_exists[t]:
            return f"template of {replicaset_name(t)} (rev {s.rs_revision[t]})"
        return f"new template (pod-template-hash {pod_template_hash(t)})"

    @staticmethod
    def _object(title: str, groups: list[list[str]]) -> list[str]:
        """``title item, item`` with each further group on a line aligned under the first."""
        groups = [g for g in groups if g]
        if not groups:
            return []
        pad = " " * (len(title) + 1)
        return [(title + " " if i == 0 else pad) + ", ".join(g) for i, g in enumerate(groups)]

    # -- describer interface -------------------------------------------------------------

    def legend(self) -> list[str]:
        words = ["pods are counted per ReplicaSet by phase: unscheduled (not bound to a node),",
                 "pending (bound, starting),", "running (Running, not Ready),"]
        if self.scope.has_min_ready:
            words += ["ready (Ready < minReadySeconds),", "available (Ready ≥ minReadySeconds),"]
        else:
            words += ["available (Ready),"]
        words += ["terminating (deleted, still running)"]
        return text.wrap_text(" ".join(words), text.WIDTH - 4)

    def initial(self, s: Any) -> list[str]:
        sc = self.scope
        strategy = sc.strategy
        if strategy == "RollingUpdate":
            strategy += f" (maxSurge {sc.max_surge}, maxUnavailable {sc.max_unavailable})"
        spec = [f"spec.replicas {s.replicas}", f"spec.template: {self._template(s.template, s)}"]
        if s.paused:
            spec.append("spec.paused true")
        strategy_line = [f"spec.strategy {strategy}", f"spec.minReadySeconds {sc.min_ready_seconds}"]
        lines = self._object(DEPLOYMENT, [spec, strategy_line])
        for t in range(len(s.rs_exists)):
            if not s.rs_exists[t] and not s.terminating[t]:
                continue
            groups = [
                [f"spec.replicas {s.rs_replicas[t]}", f"desired-replicas {s.rs_desired[t]}"] if s.rs_exists[t] else [],
                [f"status.replicas {s.rs_status_replicas[t]}", f"status.availableReplicas {s.rs_status_available[t]}"]
                if s.rs_exists[t] else [],
                self._pods(t, s, s, everything=True),
            ]
            lines += self._object(self._title(t, s, s), groups)
        return lines + self._unknown(s, s, {f: (getattr(s, f), getattr(s, f)) for f in self.schema.fields}, initial=True)

    def action(self, action: Action) -> str:
        verb = action.name.split(".", 1)[1]
        args = []
        for key, v in action.params:
            if key == "rs" or (key == "to" and action.name == "user.rollout_undo"):
                args.append(f"{key}={replicaset_name(v)}")
            elif key == "from_ready":
                continue  # which Ready pods were deleted: the pods line shows it
            else:
                args.append(f"{key}={v}")
        return f"{verb}({', '.join(args)})" if args else verb

    def changes(self, before: Any, after: Any, changed: dict[str, tuple[Any, Any]]) -> list[str]:
        lines = self._object(DEPLOYMENT, [self._deployment(before, after, changed)])
        for t in range(len(after.rs_exists)):
            lines += self._replicaset(t, before, after, changed)
        return lines + self._unknown(before, after, changed)

    # -- pieces --------------------------------------------------------------------------

    def _deployment(self, before: Any, after: Any, changed: dict) -> list[str]:
        items = []
        if "replicas" in changed:
            items.append(f"spec.replicas {text.change(before.replicas, after.replicas)}")
        if "template" in changed:
            items.append(f"spec.template → {self._template(after.template, after)}")
        if "paused" in changed:
            items.append(f"spec.paused {text.change(before.paused, after.paused)}")
        if "observed" in changed:
            items.append("status.observedGeneration " + ("caught up" if after.observed else "behind (spec changed)"))
        return items

    def _pods(self, t: int, before: Any, after: Any, everything: bool = False) -> list[str]:
        parts = []
        for field, word in PHASES:
            a, b = getattr(before, field)[t], getattr(after, field)[t]
            if everything and b:
                parts.append(f"{word} {b}")
            elif not everything and a != b:
                parts.append(f"{word} {a} → {b}")
        if not parts:
            return []
        return ["pods: " + parts[0], *parts[1:]]

    def _replicaset(self, t: int, before: Any, after: Any, changed: dict) -> list[str]:
        def moved(field: str) -> bool:
            return field in changed and getattr(before, field)[t] != getattr(after, field)[t]

        created = moved("rs_exists") and after.rs_exists[t]
        deleted = moved("rs_exists") and not after.rs_exists[t]
        spec: list[str] = []
        status: list[str] = []
        if created:
            spec += ["created", f"spec.replicas {after.rs_replicas[t]}"]
        elif deleted:
            spec.append("deleted")
        else:
            if moved("rs_revision"):
                spec.append(f"revision {text.change(before.rs_revision[t], after.rs_revision[t])}")
            if moved("rs_replicas"):
                spec.append(f"spec.replicas {text.change(before.rs_replicas[t], after.rs_replicas[t])}")
            if moved("rs_desired"):
                spec.append(f"desired-replicas {text.change(before.rs_desired[t], after.rs_desired[t])}")
            # a spec change bumps metadata.generation: only catching up is news
            if moved("rs_synced") and after.rs_synced[t]:
                spec.append("status.observedGeneration up to date")
            if moved("rs_status_replicas"):
                status.append(f"status.replicas {text.change(before.rs_status_replicas[t], after.rs_status_replicas[t])}")
            if moved("rs_status_available"):
                status.append(f"status.availableReplicas {text.change(before.rs_status_available[t], after.rs_status_available[t])}")
        return self._object(self._title(t, before, after), [spec, status, self._pods(t, before, after)])

    def _unknown(self, before: Any, after: Any, changed: dict, initial: bool = False) -> list[str]:
        return text.unknown_fields(self.schema.docs, KNOWN, changed, initial)
