"""The ReplicaSet bookkeeping of the Deployment model: annotations as state, read where upstream reads them.

Upstream (v1.35): ``pkg/controller/deployment/sync.go`` (``scale``, ``scaleReplicaSet``: every
write of a ReplicaSet's size sets desired-replicas = spec.replicas and max-replicas =
spec.replicas + MaxSurge of the Deployment as it reads at that moment), and
``util/deployment_util.go`` (``getReplicaSetFraction`` reads the max-replicas annotation the
ReplicaSet carries; ``SetReplicasAnnotations``). A user who edits maxSurge mid-rollout
(``user.edit_strategy``, scope ``strategy-edits``) leaves annotations written with the old
value, which the next proportional scaling reads.

States and steps come from the model's own commands (tests/behaviour/reach.py) and verdicts from
the runner.
"""

from __future__ import annotations

import attrs
from reach import first_step

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment_sync as ds
from kubecheck.model.controllers.deployment import MODEL, max_surge
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

TINY = PRESETS["tiny"]


def _verdict(scope, short: str):
    [result] = run.check(Task(MODEL, scope, catalog.properties("deployment", [short]), engine="explicit"))
    return result


def test_lowering_max_surge_mid_rollout_leaves_more_replicas_than_the_new_bound() -> None:
    """replicas_within_surge is not guaranteed across a strategy edit: NewRSNewReplicas caps the
    new ReplicaSet at the bound in force when it scales; lowering maxSurge afterwards leaves the
    ReplicaSets above the new bound until old ones are scaled down."""
    scope = with_settings(TINY, {"strategy-edits": "1", "edited-max-surge": "0", "edited-max-unavailable": "1"})
    result = _verdict(scope, "replicas_within_surge")
    assert result.verdict is Verdict.VIOLATED
    names = [step.action.command.name for step in result.trace.steps]
    assert names[-1] == "user.edit_strategy"


def test_raising_max_surge_mid_rollout_keeps_replicas_within_the_bound() -> None:
    """One edit that only raises the bound: every earlier write respected a lower one. (Two edits
    would raise it and then lower it back: VIOLATED, as above.)"""
    scope = with_settings(TINY, {"strategy-edits": "1", "edited-max-surge": "2"})
    assert _verdict(scope, "replicas_within_surge").verdict is Verdict.HOLDS


def test_a_strategy_edit_changes_no_annotation_and_the_next_write_uses_the_new_max_surge() -> None:
    """The edit itself writes only the Deployment; the first ReplicaSet write after it stores
    max-replicas = replicas + the edited maxSurge (2 + 2), while an untouched ReplicaSet keeps 2 + 1."""
    scope = with_settings(TINY, {"strategy-edits": "1", "edited-max-surge": "2"})
    before, after = first_step(MODEL, scope, "user.edit_strategy", when=lambda s: s.templates_used == 1)
    assert after.rs_max == before.rs_max and after.strategy_edited and not before.strategy_edited
    before, after = first_step(
        MODEL, scope, "deployment-controller.create_new_replicaset", when=lambda s: s.strategy_edited
    )
    assert before.rs_max == (3, 0)
    assert after.rs_max == (3, 4)
    assert after.rs_replicas[1] == 2  # NewRSNewReplicas under maxSurge 2: min(2 + 2 - 2, 2)


def test_proportional_scaling_reads_a_stored_max_replicas_that_a_strategy_edit_made_stale() -> None:
    """Reachable: a `kubectl scale` mid-rollout after a maxSurge edit. The scale step reads each
    ReplicaSet's stored max-replicas (written under the old maxSurge); rebuilding it from today's
    maxSurge (the bug this replaced) would size the ReplicaSets differently."""
    scope = with_settings(
        TINY, {"replicas": "4", "scale-to": "8", "strategy-edits": "1", "edited-max-surge": "3", "max-unavailable": "1"}
    )

    def rebuilt(s) -> tuple:
        """max-replicas as the old code rebuilt it: desired-replicas + today's MaxSurge at that size."""
        return tuple(
            s.rs_desired[t] + max_surge(CONCRETE, scope, attrs.evolve(s, replicas=s.rs_desired[t]))
            if s.rs_exists[t]
            else 0
            for t in range(len(s.rs_exists))
        )

    def sizes(s) -> tuple:
        return tuple(ds.sync_scale(ds.Plan(CONCRETE, scope, s))[0]["rs_replicas"])

    def annotation_matters(s) -> bool:
        active = sum(1 for t in range(len(s.rs_exists)) if s.rs_exists[t] and s.rs_replicas[t] > 0)
        return active >= 2 and s.rs_max != rebuilt(s) and sizes(s) != sizes(attrs.evolve(s, rs_max=rebuilt(s)))

    before, after = first_step(
        MODEL, scope, "deployment-controller.scale_deployment", when=annotation_matters, limit=200_000
    )
    assert before.strategy_edited  # only an edit makes the stored and the rebuilt annotations differ
    assert after.rs_replicas == sizes(before) != sizes(attrs.evolve(before, rs_max=rebuilt(before)))


def test_no_replicaset_is_reused_without_going_back_to_its_template() -> None:
    """replicaset_reused_with_new_revision checked on tiny as it is (its adjust adds a rollout
    undo): with one edit and no undo or edit back, no ReplicaSet is ever renumbered."""
    [prop] = catalog.properties("deployment", ["replicaset_reused_with_new_revision"])
    as_is = attrs.evolve(prop, adjust=lambda sc: sc, assumes="")
    [result] = run.check(Task(MODEL, TINY, [as_is], engine="explicit"))
    assert result.verdict is Verdict.UNREACHABLE
    assert _verdict(TINY, "replicaset_reused_with_new_revision").verdict is Verdict.WITNESSED
