"""What a Deployment rollout is expected to guarantee, and what it only seems to.

Each property names its upstream justification. Some are not guaranteed upstream; they stay
in the table because users believe them, and the checker's counterexample shows why they fail
(for example ``live_pods_within_surge``: maxSurge bounds ReplicaSet spec.replicas, not pods).
"""

from __future__ import annotations

from typing import Any

import attrs

from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment_names import replicaset_name
from kubecheck.model.kernel.ops import Ops
from kubecheck.properties.base import WEAK_FAIRNESS, Property


def _fixed_replicas(sc: Any) -> Any:
    return attrs.evolve(sc, scale_to=())


def _no_faults(sc: Any) -> Any:
    return attrs.evolve(_fixed_replicas(sc), faults=frozenset())


def _crashes(sc: Any) -> Any:
    return attrs.evolve(_fixed_replicas(sc), faults=frozenset({"crash"}), fault_budget=max(1, sc.fault_budget))


def _with_rollback(sc: Any) -> Any:
    return attrs.evolve(sc, edits=max(1, sc.edits), rollbacks=max(1, sc.rollbacks))


def _with_edit(sc: Any) -> Any:
    return attrs.evolve(sc, edits=max(1, sc.edits))


def replicas_within_surge(ops: Ops, sc: Any, s: Any) -> Any:
    return d.spec_total(ops, s) <= s.replicas + d.max_surge(ops, sc, s)


def live_pods_within_surge(ops: Ops, sc: Any, s: Any) -> Any:
    return d.live_pods(ops, s) <= s.replicas + d.max_surge(ops, sc, s)


def availability_floor(ops: Ops, sc: Any, s: Any) -> Any:
    return d.available_pods(ops, s) >= d.min_available(ops, sc, s)


def revisions_unique(ops: Ops, sc: Any, s: Any) -> Any:
    k = len(s.rs_exists)
    return ops.and_(*[ops.not_(ops.and_(s.rs_exists[a], s.rs_exists[b], s.rs_revision[a] == s.rs_revision[b]))
                      for a in range(k) for b in range(a + 1, k)])


def _current_is_newest(ops: Ops, s: Any) -> Any:
    k = len(s.rs_exists)
    return ops.and_(*[ops.implies(ops.and_(s.template == t, s.rs_exists[u]), s.rs_revision[t] >= s.rs_revision[u])
                      for t in range(k) for u in range(k)])


def rollback_restores_template(ops: Ops, sc: Any, s: Any) -> Any:
    return ops.implies(ops.and_(ops.not_(s.paused), d.rollout_complete(ops, sc, s)), _current_is_newest(ops, s))


def rollout_can_complete(ops: Ops, sc: Any, s: Any) -> Any:
    return ops.and_(s.templates_used > 1, s.template == s.templates_used - 1, d.rollout_complete(ops, sc, s))


def rollback_can_happen(ops: Ops, sc: Any, s: Any) -> Any:
    k = len(s.rs_exists)
    newer_exists = ops.or_(*[ops.and_(s.template < u, s.rs_exists[u]) for u in range(k)])
    return ops.and_(s.rollbacks_left < sc.rollbacks, newer_exists, d.rollout_complete(ops, sc, s),
                    _current_is_newest(ops, s))


def _explain_surge(sc: Any, s: Any) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    return (f"Σ ReplicaSet spec.replicas = {d.spec_total(c, s)}, replicas + maxSurge = "
            f"{s.replicas} + {d.max_surge(c, sc, s)} = {s.replicas + d.max_surge(c, sc, s)}")


def _explain_live(sc: Any, s: Any) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    term = sum(s.terminating)
    return (f"pods = {d.live_pods(c, s)} ({term} terminating), replicas + maxSurge = "
            f"{s.replicas} + {d.max_surge(c, sc, s)} = {s.replicas + d.max_surge(c, sc, s)}")


def _explain_floor(sc: Any, s: Any) -> str:
    from kubecheck.model.kernel.ops import CONCRETE as c

    return (f"available pods = {d.available_pods(c, s)}, replicas - maxUnavailable = "
            f"{s.replicas} - {s.replicas - d.min_available(c, sc, s)} = {d.min_available(c, sc, s)}")


def _explain_revisions(sc: Any, s: Any) -> str:
    live = [f"{replicaset_name(t, sc.name)} rev {r}" for t, (e, r) in enumerate(zip(s.rs_exists, s.rs_revision)) if e]
    return f"revisions: {', '.join(live)}; the Deployment's template is {replicaset_name(s.template, sc.name)}'s"


def rollout_in_progress(ops: Ops, sc: Any, s: Any) -> Any:
    return ops.and_(ops.not_(s.paused), ops.not_(d.rollout_complete(ops, sc, s)))


def rollout_settled(ops: Ops, sc: Any, s: Any) -> Any:
    return ops.or_(s.paused, d.rollout_complete(ops, sc, s))


PROPERTIES = (
    Property(
        "deployment.replicas_within_surge", "always",
        "Σ ReplicaSet spec.replicas never exceeds replicas + maxSurge",
        "rolling.go:reconcileNewReplicaSet via deployment_util.go:NewRSNewReplicas (caps the new RS at replicas + maxSurge over all RS specs)",
        replicas_within_surge, _fixed_replicas, "replicas not changed by the user", _explain_surge),
    Property(
        "deployment.live_pods_within_surge", "always",
        "pods that exist (terminating included) never exceed replicas + maxSurge",
        "not guaranteed: NewRSNewReplicas counts spec.replicas, and terminating pods are not active (controller_utils.go:FilterActivePods)",
        live_pods_within_surge, _fixed_replicas, "replicas not changed by the user", _explain_live),
    Property(
        "deployment.availability_floor", "always",
        "available pods never drop below replicas - maxUnavailable (faults off)",
        "rolling.go:reconcileOldReplicaSets keeps Σ status.availableReplicas above MinAvailable when it scales old ReplicaSets down",
        availability_floor, _no_faults, "no faults; replicas not changed by the user", _explain_floor),
    Property(
        "deployment.availability_floor_with_crashes", "always",
        "available pods never drop below replicas - maxUnavailable, even when a ready pod may crash",
        "not guaranteed: the controller only refrains from scaling down (rolling.go); it cannot prevent involuntary disruption",
        availability_floor, _crashes, "one pod crash may happen; replicas not changed by the user", _explain_floor),
    Property(
        "deployment.revisions_unique", "always",
        "no two ReplicaSets of the Deployment carry the same revision number",
        "sync.go:getNewReplicaSet gives a new or reused ReplicaSet MaxRevision(old)+1",
        revisions_unique, explain=_explain_revisions),
    Property(
        "deployment.rollback_restores_template", "always",
        "once a rollout completes, the running ReplicaSet is the current template's and has the highest revision (after `rollout undo`, the chosen one)",
        "kubectl rollback.go copies the chosen ReplicaSet's template; sync.go:getNewReplicaSet then reuses that ReplicaSet with revision max+1",
        rollback_restores_template, _with_rollback, "at least one template edit and one rollout undo", _explain_revisions),
    Property(
        "deployment.rollout_can_complete", "sometimes",
        "a rollout to an edited template can complete (witness)",
        "deployment_util.go:DeploymentComplete",
        rollout_can_complete, _with_edit, "at least one template edit"),
    Property(
        "deployment.rollback_can_happen", "sometimes",
        "a `rollout undo` can bring the Deployment back to an older template and complete (witness)",
        "kubectl polymorphichelpers/rollback.go; sync.go revision reuse",
        rollback_can_happen, _with_rollback, "at least one template edit and one rollout undo"),
    Property(
        "deployment.rollout_eventually_completes", "leads_to",
        "a rollout in progress eventually completes (or the user pauses it)",
        "rolling.go/recreate.go make progress whenever pods become available; nothing rolls back a failed release (progress.go only reports ProgressDeadlineExceeded)",
        rollout_in_progress, explain=None, target=rollout_settled, fairness=WEAK_FAIRNESS),
    Property(
        "deployment.no_stuck_rollout", "terminal",
        "whenever nothing more can happen, the rollout is complete or the Deployment is paused",
        "rolling.go/recreate.go: a rollout proceeds while any step is possible; nothing else ends it",
        d.quiescent),
)
