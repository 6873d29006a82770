"""The Deployment's liveness and pause properties, read on their traces.

* ``scale_eventually_completes`` is VIOLATED by a real upstream bug, kubernetes/kubernetes#102551
  (open fixes #138036, #138840): with maxSurge 0 and maxUnavailable 1, a rollout scales the old
  ReplicaSet down first (annotated desired-replicas 2); a `kubectl scale` to exactly that size
  makes the old ReplicaSet the only active one with spec.replicas = spec.replicas, so
  ``sync.go:scale`` returns early without refreshing the annotation, ``isScalingEvent`` stays
  true for ever and ``rolloutRolling`` never runs again. The counterfactual (a fresh annotation)
  puts the rollout back on its path (it scales the old ReplicaSet down). Explicit search and BMC
  give the same 8-step lasso.
* ``rollout_eventually_completes_with_faults``: crashes and evictions are bounded, so they stop;
  the rollout still completes, and the faults really happen on the way (not vacuous).
* ``paused_keeps_new_replicaset`` is VIOLATED: a paused sync fills replicas + maxSurge and gives
  the leftover to the largest ReplicaSet, newer first on a tie — the new one — with no scale.
* ``paused_deployment_scales_proportionally``: the witness is a user scale followed by one paused
  sync that resizes both ReplicaSets.
* Strong fairness: with a broken release, the weak-fairness lasso ignores a ReplicaSet sync that
  is enabled only while a crash-looping pod is Ready; the strongly fair variant's lasso takes it,
  goes on to scale the old ReplicaSet down, and still never completes.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import deployment_sync as ds
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import enabled
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

H, V, W = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED
TINY = PRESETS["tiny"]
SURGE_0 = with_settings(TINY, {"max-surge": "0", "max-unavailable": "1"})  # kubernetes#102551's strategy
BROKEN = with_settings(TINY, {"broken-release": "true"})


@cache
def check(short: str, scope=TINY):
    return run.check(Task(MODEL, scope, catalog.properties("deployment", [short])))[0]


# -- scale: kubernetes#102551 --------------------------------------------------------------------


def test_scale_completes_at_tiny_and_is_wedged_by_a_stale_annotation_with_max_surge_0() -> None:
    assert check("scale_eventually_completes").verdict is H
    r = check("scale_eventually_completes", SURGE_0)
    assert r.verdict is V and r.trace.loop == len(r.trace.steps) == 8  # a stuck state, no loop steps
    labels = r.trace.labels()
    assert labels.index("deployment-controller.create_new_replicaset") < labels.index("user.scale(to=1)")
    last, old, new = r.trace.last, 0, 1
    assert last.template == new and last.replicas == 1
    # the old ReplicaSet is the only active one, already at spec.replicas, with a stale annotation
    assert (last.rs_replicas[old], last.rs_desired[old], last.rs_replicas[new]) == (1, 2, 0)
    plan = ds.Plan(CONCRETE, r.scope, last)
    assert plan.scaling_event and not d.rollout_complete(CONCRETE, r.scope, last)
    assert not [a for a in enabled(MODEL, r.scope, last) if a.command.kind == "system"]
    # counterfactual: with the annotation refreshed, the rollout goes on (rolloutRolling runs)
    fresh = attrs.evolve(last, rs_desired=(1, last.rs_desired[new]))
    assert [a.name for a in enabled(MODEL, r.scope, fresh)] == ["deployment-controller.scale_down_old_replicasets"]


def test_bmc_finds_the_same_wedge_as_a_lasso_of_eight_steps() -> None:
    [prop] = catalog.properties("deployment", ["scale_eventually_completes"])
    r = lasso.decide(Encoder(MODEL, prop.adjust(SURGE_0)), prop, max_depth=9)
    assert r.verdict is V and len(r.trace.steps) == r.trace.loop == 8
    assert lasso.check_lasso(MODEL, r.scope, prop, r.trace) == ""
    last = r.trace.last
    assert (last.rs_replicas[0], last.rs_desired[0], last.rs_replicas[1], last.replicas) == (1, 2, 0, 1)


# -- faults that stop ----------------------------------------------------------------------------


def test_rollout_completes_when_faults_stop_and_the_faults_do_happen() -> None:
    r = check("rollout_eventually_completes_with_faults")
    assert r.verdict is H and r.scope.faults == {"crash", "evict"} and r.scope.fault_budget == 1
    fired = dict(r.coverage.fired)
    assert fired["fault.crash_pod"] > 0 and fired["fault.evict_pod"] > 0
    assert check("rollout_eventually_completes_with_faults", BROKEN).verdict is V


# -- paused ---------------------------------------------------------------------------------------


def test_a_paused_deployment_creates_no_replicaset() -> None:
    r = check("paused_creates_no_replicaset")
    assert r.verdict is H and r.scope.pauses == 1 and r.scope.edits == 1
    assert dict(r.coverage.fired)["user.pause"] > 0


def test_a_paused_sync_fills_the_surge_and_gives_the_leftover_to_the_new_replicaset() -> None:
    r = check("paused_keeps_new_replicaset")
    assert r.verdict is V
    steps, states = r.trace.steps, r.trace.states
    assert steps[-1].action.name == "deployment-controller.scale_deployment"
    assert "user.scale" not in [s.action.name for s in steps]  # no scaling event: spec.replicas never changed
    before, after = states[-2], states[-1]
    assert before.paused and after.paused and before.replicas == after.replicas == 2
    assert before.rs_replicas == (1, 1) and after.rs_replicas == (1, 2)  # a tie: the newer one gets the leftover
    assert sum(after.rs_replicas) == before.replicas + d.max_surge(CONCRETE, r.scope, before)


def test_a_paused_deployment_is_scaled_proportionally() -> None:
    r = check("paused_deployment_scales_proportionally")
    assert r.verdict is W
    names = [s.action.name for s in r.trace.steps]
    assert names[-1] == "deployment-controller.scale_deployment" and "user.scale" in names
    before, last = r.trace.states[-2], r.trace.last
    assert before.paused and last.paused
    assert all(last.rs_desired[t] == last.replicas for t in range(2) if last.rs_replicas[t] > 0)
    assert sum(1 for t in range(2) if last.rs_replicas[t] > 0) == 2
    assert last.rs_replicas != before.rs_replicas


# -- strong fairness on a crash loop ------------------------------------------------------------


def test_the_weak_lasso_ignores_an_intermittent_replicaset_sync_and_says_so() -> None:
    weak = check("rollout_eventually_completes", BROKEN)
    assert weak.verdict is V and (weak.trace.loop, len(weak.trace.steps)) == (6, 8)
    assert (
        "never taken (weak fairness allows this, strong fairness would not): "
        "replicaset-controller.sync_replicaset(rs=1)" in weak.note
    )
    [strong_prop] = catalog.properties("deployment", ["rollout_eventually_completes_under_strong_fairness"])
    problem = lasso.check_lasso(MODEL, weak.scope, strong_prop, weak.trace)
    assert problem.startswith("unfair loop: ('replicaset-controller.sync_replicaset', (('rs', 1),)) is strongly fair")


def test_under_strong_fairness_the_crash_loop_still_never_completes_but_old_pods_go() -> None:
    r = check("rollout_eventually_completes_under_strong_fairness", BROKEN)
    assert r.verdict is V and (r.trace.loop, len(r.trace.steps)) == (16, 22)
    loop = r.trace.steps[r.trace.loop :]
    assert any(s.action.label.startswith("replicaset-controller.sync_replicaset(rs=1") for s in loop)
    # the controllers took their chances: the old ReplicaSet was scaled down before the loop
    assert r.trace.states[r.trace.loop].rs_replicas[0] < TINY.replicas
    edited = next(i for i, s in enumerate(r.trace.states) if s.template == 1)
    assert not any(d.rollout_complete(CONCRETE, r.scope, s) for s in r.trace.states[edited:])


@pytest.mark.parametrize(
    "short", ["rollout_eventually_completes", "rollout_eventually_completes_under_strong_fairness"]
)
def test_strong_fairness_changes_no_verdict_where_weak_fairness_holds(short: str) -> None:
    assert check(short).verdict is H
