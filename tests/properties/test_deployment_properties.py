"""Verdicts of the Deployment property table, and what the counterexamples show.

Pinned per preset: each property's verdict and the length of its shortest trace (a change is a
semantics change; the state counts are in tests/model/state_counts.py). Then the behaviours the README
promises, checked on the traces themselves rather than on their length:

* ``replicas_within_surge`` HOLDS on the README's scope (3 replicas, maxSurge 1, maxUnavailable 0);
* ``live_pods_within_surge`` is VIOLATED although the spec bound holds in the same state — pods
  outnumber specs (ReplicaSets act after the Deployment controller decides, and terminating pods
  still exist);
* ``availability_floor`` is VIOLATED at ``small`` without faults: the last step is a ReplicaSet
  sync that deletes available pods, because the Deployment controller scaled that ReplicaSet
  down on *stale* ReplicaSet status (availableReplicas above the real count); with fresh status
  it would not have;
* the Recreate strategy: MinAvailable is 0, so the floor holds trivially; the surge bound holds
  and no rollout gets stuck;
* ``scale_eventually_completes`` is VIOLATED at ``small`` by kubernetes#102551 (a stale
  desired-replicas annotation makes every later sync a scaling event that does nothing); the
  liveness and pause properties are read on their traces in tests/checker/test_liveness_deployment.py.

Every trace replays through :func:`kubecheck.model.kernel.traces.replay`, its last state
violates (``always``) or satisfies (``sometimes``) the property, and no earlier state does.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog
from kubecheck.properties import deployment as dp

H, V, W, U = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED, Verdict.UNREACHABLE

SCOPES = {
    "tiny": PRESETS["tiny"],
    "small": PRESETS["small"],
    "small+recreate": with_settings(PRESETS["small"], {"strategy": "Recreate"}),
}

# property short name -> (verdict, shortest trace length or None), per scope
EXPECTED: dict[str, dict[str, tuple[Verdict, int | None]]] = {
    "tiny": {
        "replicas_within_surge": (H, None),
        "live_pods_within_surge": (V, 10),
        "availability_floor": (H, None),
        "availability_floor_with_crashes": (V, 1),
        "revisions_unique": (H, None),
        "rollback_restores_template": (H, None),
        "rollout_can_complete": (W, 18),
        "rollback_can_happen": (W, 4),
        "active_pods_within_surge": (V, 10),
        "availability_floor_as_written": (H, None),
        "availability_floor_with_failing_release": (H, None),  # pods that never become Ready: the floor holds
        "failed_pod_replaced": (W, 8),  # adjusted: pod-failure=evicted
        "replicaset_reused_with_new_revision": (W, 4),
        "rollout_eventually_completes": (H, None),
        "rollout_eventually_completes_under_strong_fairness": (H, None),
        "rollout_eventually_completes_with_faults": (H, None),
        "scale_eventually_completes": (H, None),
        "paused_creates_no_replicaset": (H, None),
        "paused_keeps_new_replicaset": (V, 10),
        "paused_deployment_scales_proportionally": (W, 5),
        "no_stuck_rollout": (H, None),
        # issue 13 item 2 (a progress deadline of 600 s: the adjusted scopes)
        "stuck_rollout_reported": (H, None),  # never-ready: progress stops, the deadline passes, it is reported
        "complete_rollout_reported": (H, None),
        "timed_out_release_keeps_its_pods": (W, 6),
        "old_scale_down_within_budget": (H, None),
        "recreate_runs_one_revision_at_a_time": (H, None),
        "replicaset_deleted_only_beyond_history": (H, None),
        "replicaset_deletes_not_ready_pods_first": (H, None),
    },
    "small": {
        "replicas_within_surge": (H, None),
        "live_pods_within_surge": (V, 4),
        "availability_floor": (V, 17),
        "availability_floor_with_crashes": (V, 4),
        "revisions_unique": (H, None),
        "rollback_restores_template": (H, None),
        "rollout_can_complete": (W, 24),
        "rollback_can_happen": (W, 5),
        "active_pods_within_surge": (V, 4),
        "availability_floor_as_written": (V, 17),  # the same stale-status run as availability_floor
        "availability_floor_with_failing_release": (H, None),  # pods that never become Ready: the floor holds
        "failed_pod_replaced": (W, 8),
        "replicaset_reused_with_new_revision": (W, 5),
        "rollout_eventually_completes": (H, None),
        "rollout_eventually_completes_under_strong_fairness": (H, None),
        "rollout_eventually_completes_with_faults": (H, None),
        "scale_eventually_completes": (V, 24),  # kubernetes#102551, reached through `rollout undo`
        "paused_creates_no_replicaset": (H, None),
        "paused_keeps_new_replicaset": (V, 8),
        "paused_deployment_scales_proportionally": (W, 5),
        "no_stuck_rollout": (H, None),
        # issue 13 item 2 (a progress deadline of 600 s: the adjusted scopes)
        "stuck_rollout_reported": (H, None),  # never-ready: progress stops, the deadline passes, it is reported
        "complete_rollout_reported": (H, None),
        "timed_out_release_keeps_its_pods": (W, 6),
        "old_scale_down_within_budget": (H, None),
        "recreate_runs_one_revision_at_a_time": (H, None),
        "replicaset_deleted_only_beyond_history": (H, None),
        "replicaset_deletes_not_ready_pods_first": (H, None),
    },
    "small+recreate": {
        "replicas_within_surge": (H, None),
        "live_pods_within_surge": (V, 6),
        "availability_floor": (H, None),
        "availability_floor_with_crashes": (H, None),
        "revisions_unique": (H, None),
        "rollback_restores_template": (H, None),
        "rollout_can_complete": (W, 22),
        "rollback_can_happen": (W, 25),
        "active_pods_within_surge": (H, None),  # Recreate waits for the old pods
        "availability_floor_as_written": (H, None),
        "availability_floor_with_failing_release": (H, None),  # pods that never become Ready: the floor holds
        "failed_pod_replaced": (W, 14),
        "replicaset_reused_with_new_revision": (W, 25),
        "rollout_eventually_completes": (H, None),
        "rollout_eventually_completes_under_strong_fairness": (H, None),
        "rollout_eventually_completes_with_faults": (H, None),
        "scale_eventually_completes": (H, None),
        "paused_creates_no_replicaset": (H, None),
        "paused_keeps_new_replicaset": (H, None),
        "paused_deployment_scales_proportionally": (W, 5),  # checked with RollingUpdate: only it scales proportionally
        "no_stuck_rollout": (H, None),
        # issue 13 item 2 (a progress deadline of 600 s: the adjusted scopes)
        "stuck_rollout_reported": (H, None),  # never-ready: progress stops, the deadline passes, it is reported
        "complete_rollout_reported": (H, None),
        "timed_out_release_keeps_its_pods": (W, 12),
        "old_scale_down_within_budget": (H, None),
        "recreate_runs_one_revision_at_a_time": (H, None),
        "replicaset_deleted_only_beyond_history": (H, None),
        "replicaset_deletes_not_ready_pods_first": (H, None),
    },
}


@cache
def results(name: str) -> dict[str, Result]:
    """Every property of the table at one scope, checked once per test session."""
    props = list(dp.PROPERTIES)  # the shared-claim table: tests/properties/test_deployment_volume_properties.py
    return {r.property.short: r for r in run.check(Task(MODEL, SCOPES[name], props))}


def result(name: str, short: str) -> Result:
    return results(name)[short]


def test_the_expected_tables_cover_the_property_table() -> None:
    names = [p.short for p in dp.PROPERTIES]
    for table in EXPECTED.values():
        assert sorted(table) == sorted(names), "a property was added or removed: pin its verdicts here"


@pytest.mark.parametrize(("name", "short"), [(n, s) for n in EXPECTED for s in EXPECTED[n]])
def test_verdict_and_shortest_trace_length(name: str, short: str) -> None:
    r = result(name, short)
    verdict, length = EXPECTED[name][short]
    assert r.verdict is verdict, f"{r.property.name} at {name}: {r.verdict.value} ({r.note})"
    assert (len(r.trace.steps) if r.trace is not None else None) == length
    assert r.scope == r.property.adjust(SCOPES[name])


# -- every trace is a real execution and shows the property's failure -------------------------


def _traced(name: str) -> list[Result]:
    return [r for r in results(name).values() if r.trace is not None and r.property.kind in ("always", "sometimes")]


@pytest.mark.parametrize("name", list(SCOPES))
def test_every_trace_replays_and_ends_where_the_property_fails(name: str) -> None:
    traced = _traced(name)
    assert len(traced) >= 3
    for r in traced:
        again = replay(MODEL, r.scope, r.trace.labels())
        assert again.states == r.trace.states
        holds = [bool(r.property.predicate(CONCRETE, r.scope, s)) for s in again.states]
        if r.property.kind == "always":
            assert holds[-1] is False and all(holds[:-1]), f"{r.property.name}: not violated first at the end"
        else:
            assert holds[-1] is True and not any(holds[:-1]), f"{r.property.name}: not witnessed first at the end"


def first_depth(scope: Any, prop: Property) -> int:
    """The least BFS depth of a state that violates (always) or witnesses (sometimes) ``prop``,
    computed independently of the engine: compiled successors, CONCRETE predicate."""
    compiled = compile_model(MODEL, scope)
    schema = compiled.schema
    want = prop.kind == "sometimes"
    level, seen, depth = [compiled.initial], {compiled.initial}, 0
    while level:
        if any(bool(prop.predicate(CONCRETE, scope, schema.unflatten(s))) is want for s in level):
            return depth
        nxt = []
        for s in level:
            for _, t in compiled.successors(s):
                if t not in seen:
                    seen.add(t)
                    nxt.append(t)
        level, depth = nxt, depth + 1
    raise AssertionError(f"{prop.name} never fails")


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("tiny", "live_pods_within_surge"),
        ("tiny", "rollback_can_happen"),
        ("small", "live_pods_within_surge"),
        ("small", "availability_floor"),
        ("small", "rollback_can_happen"),
        ("small+recreate", "live_pods_within_surge"),
    ],
)
def test_traces_are_shortest(name: str, short: str) -> None:
    r = result(name, short)
    assert len(r.trace.steps) == first_depth(r.scope, r.property)


# -- replicas_within_surge -----------------------------------------------------------------


def test_replicas_within_surge_holds_on_the_readme_scope() -> None:
    scope = with_settings(PRESETS["small"], {"replicas": "3", "max-surge": "1", "max-unavailable": "0"})
    [r] = run.check(Task(MODEL, scope, catalog.properties("deployment", ["replicas_within_surge"])))
    assert r.verdict is H and r.stats.complete
    # the exploration is the whole scope; its state count is pinned in tests/model/state_counts.py
    assert r.coverage.never_fired == [
        "deployment-controller.clean_up_replicasets",
        "deployment-controller.scale_deployment",
        "deployment-controller.sync_revision",
    ]


def test_replicas_within_surge_would_be_violated_by_a_tighter_bound() -> None:
    """The HOLDS is not vacuous: the sum of specs does reach replicas + maxSurge."""
    tight = Property(
        name="deployment.replicas_below_surge",
        kind="always",
        doc="Σ spec < replicas + maxSurge",
        upstream="-",
        predicate=lambda ops, sc, s: d.spec_total(ops, s) < s.replicas + d.max_surge(ops, sc, s),
    )
    [r] = run.check(Task(MODEL, SCOPES["tiny"], [tight]))
    assert r.verdict is V
    assert d.spec_total(CONCRETE, r.trace.last) == r.trace.last.replicas + 1


# -- live_pods_within_surge ----------------------------------------------------------------


def _limit(sc: Any, s: Any) -> int:
    return s.replicas + d.max_surge(CONCRETE, sc, s)


@pytest.mark.parametrize("name", ["tiny", "small"])
def test_live_pods_exceed_the_surge_while_specs_stay_within_it(name: str) -> None:
    r = result(name, "live_pods_within_surge")
    last = r.trace.last
    assert d.live_pods(CONCRETE, last) > _limit(r.scope, last)
    assert d.spec_total(CONCRETE, last) <= _limit(r.scope, last)
    # the shortest way: an old ReplicaSet still runs pods its spec no longer wants while the new
    # one has created its own (ReplicaSets act after the Deployment controller decides)
    lagging = [t for t in range(r.scope.templates) if d.active_pods(last, t) > last.rs_replicas[t]]
    assert lagging and all(t != last.template for t in lagging)
    assert r.trace.steps[-1].action.name == "replicaset-controller.sync_replicaset"
    # the shortest trace is this lag alone, with no terminating pod (those are the next test)
    assert sum(last.terminating) == 0


def test_live_pods_exceed_the_surge_through_terminating_pods() -> None:
    """Even where every ReplicaSet has exactly the pods its spec asks for, pods exceed
    replicas + maxSurge: the terminating ones, which no longer count as active."""
    settled = Property(
        name="deployment.live_pods_within_surge_when_replicasets_settled",
        kind="always",
        doc="pods within replicas + maxSurge whenever every ReplicaSet runs exactly its spec.replicas",
        upstream="-",
        predicate=lambda ops, sc, s: ops.implies(
            ops.and_(*[d.active_pods(s, t) == s.rs_replicas[t] for t in range(sc.templates)]),
            dp.live_pods_within_surge(ops, sc, s),
        ),
    )
    [r] = run.check(Task(MODEL, SCOPES["small"], [settled]))
    assert r.verdict is V
    last = r.trace.last
    assert sum(last.terminating) > 0
    assert d.live_pods(CONCRETE, last) - sum(last.terminating) <= _limit(r.scope, last)
    assert dp.replicas_within_surge(CONCRETE, r.scope, last)


# -- availability_floor at small: stale ReplicaSet status ------------------------------------


def _fresh_status(s: Any) -> Any:
    """The state with every ReplicaSet's status as a sync would publish it now."""
    k = len(s.rs_exists)
    return attrs.evolve(
        s, rs_status_replicas=tuple(d.active_pods(s, t) for t in range(k)), rs_status_available=tuple(s.available)
    )


def test_availability_floor_is_broken_by_a_decision_on_stale_status() -> None:
    r = result("small", "availability_floor")
    assert r.verdict is V and r.scope.faults == frozenset()
    steps, states = r.trace.steps, r.trace.states
    floor = lambda s: dp.availability_floor(CONCRETE, r.scope, s)  # noqa: E731

    # the violating step is a ReplicaSet sync that deletes available pods
    last = steps[-1]
    assert last.action.name == "replicaset-controller.sync_replicaset"
    victim = last.action.kwargs["rs"]
    assert floor(states[-2]) and not floor(states[-1])
    assert states[-1].available[victim] < states[-2].available[victim]

    # it carries out the latest Deployment-controller decision, which scaled that ReplicaSet down
    j = max(i for i, step in enumerate(steps) if step.action.actor == "deployment-controller")
    decided_before, decided = states[j], states[j + 1]
    assert decided.rs_replicas[victim] < decided_before.rs_replicas[victim]
    assert all(step.action.actor != "deployment-controller" for step in steps[j + 1 :])

    # that decision rested on stale status: some ReplicaSet reported more available pods than it had
    stale = [t for t in range(r.scope.templates) if decided_before.rs_status_available[t] > decided_before.available[t]]
    assert stale, "no ReplicaSet over-reported availability when the controller decided"

    # with fresh status the controller does not scale the victim down that far
    fresh = _fresh_status(decided_before)
    choices = [
        nxt.rs_replicas[victim] for a, nxt in successors(MODEL, r.scope, fresh) if a.actor == "deployment-controller"
    ]
    assert choices and min(choices) > decided.rs_replicas[victim]


def test_availability_floor_holds_when_rollbacks_are_off() -> None:
    """Without `rollout undo` (and without pauses), the small scope keeps the floor."""
    scope = with_settings(PRESETS["small"], {"rollbacks": "0"})
    [r] = run.check(Task(MODEL, scope, catalog.properties("deployment", ["availability_floor"])))
    assert r.verdict is H


def test_availability_floor_with_crashes_is_broken_by_the_fault() -> None:
    r = result("tiny", "availability_floor_with_crashes")
    assert [s.action.name for s in r.trace.steps] == ["fault.crash_pod"]
    assert r.trace.steps[0].action.command.kind == "fault"


# -- Recreate ----------------------------------------------------------------------------------


def test_recreate_min_available_is_zero_so_the_floor_holds_trivially() -> None:
    scope = SCOPES["small+recreate"]
    state = MODEL.init(scope)
    assert d.min_available(CONCRETE, scope, state) == 0
    assert d.max_surge(CONCRETE, scope, state) == 0
    assert result("small+recreate", "availability_floor").verdict is H


@pytest.mark.parametrize("short", ["replicas_within_surge", "no_stuck_rollout", "rollout_eventually_completes"])
def test_recreate_keeps_the_surge_bound_and_completes(short: str) -> None:
    r = result("small+recreate", short)
    assert r.verdict is H and r.stats.complete


def test_recreate_runs_no_old_and_new_pods_together() -> None:
    """What Recreate promises instead (recreate.go, oldPodsRunning): a pod of the current
    template runs only once every other template's pods, terminating ones included, are gone."""
    both = Property(
        name="deployment.old_and_new_together",
        kind="always",
        doc="no old and new active pods at once",
        upstream="-",
        predicate=lambda ops, sc, s: ops.not_(
            ops.and_(
                ops.or_(*[ops.and_(s.template == t, d.active_pods(s, t) > 0) for t in range(sc.templates)]),
                ops.or_(
                    *[
                        ops.and_(s.template != t, d.active_pods(s, t) + s.terminating[t] > 0)
                        for t in range(sc.templates)
                    ]
                ),
            )
        ),
    )
    recreate = run.check(Task(MODEL, SCOPES["small+recreate"], [both]))[0]
    rolling = run.check(Task(MODEL, SCOPES["small"], [both]))[0]
    assert recreate.verdict is H  # even across `rollout undo` (small has one)
    assert rolling.verdict is V  # a rolling update does run both: the property is not vacuous


# -- regression: observedGeneration -----------------------------------------------------------


# This was a strict xfail: rollout_complete ignored whether the controller had observed the
# latest spec (upstream DeploymentComplete needs status.observedGeneration >= generation), so
# with two edits the state right after `rollout undo` to a ReplicaSet that already runs every
# pod counted as complete before the controller raised that ReplicaSet's revision.
def test_rollback_restores_template_holds_with_two_edits() -> None:
    scope = with_settings(PRESETS["tiny"], {"replicas": "1", "edits": "2", "rollbacks": "1"})
    [r] = run.check(Task(MODEL, scope, catalog.properties("deployment", ["rollback_restores_template"])))
    assert r.verdict is H, f"VIOLATED by {r.trace.labels()}"


def test_the_instant_after_the_undo_is_not_complete_until_the_controller_syncs() -> None:
    """The former counterexample, replayed: right after the undo the Deployment has not been
    observed (so it is not complete), and the controller's next sync raises the chosen
    ReplicaSet's revision as it observes the spec."""
    scope = with_settings(PRESETS["tiny"], {"replicas": "1", "edits": "2", "rollbacks": "1"})
    trace = replay(
        MODEL,
        scope,
        [
            "user.edit_template",
            "deployment-controller.create_new_replicaset",
            "user.edit_template",
            "deployment-controller.create_new_replicaset",
            "user.rollout_undo(to=0)",
        ],
    )
    last = trace.last
    assert not last.observed and not d.rollout_complete(CONCRETE, scope, last)
    assert last.rs_revision[0] < max(last.rs_revision)
    synced = [nxt for a, nxt in successors(MODEL, scope, last) if a.actor == "deployment-controller"]
    assert synced and all(nxt.observed and nxt.rs_revision[0] == max(nxt.rs_revision) for nxt in synced)


# -- liveness at small: kubernetes#102551 ------------------------------------------------------


def test_scale_at_small_leaves_a_stale_annotation_that_blocks_the_undo() -> None:
    """The small preset's counterexample to scale_eventually_completes: the user scales to the
    size the new ReplicaSet already has, mid-rollout; its desired-replicas annotation keeps the
    old count, so every later sync is a scaling event that scale() answers with nothing, and
    the `rollout undo` that follows is never rolled out (tests/checker/test_liveness_deployment.py
    has the maxSurge 0 form of the same bug, as reported upstream)."""
    r = result("small", "scale_eventually_completes")
    names = [s.action.name for s in r.trace.steps]
    assert r.trace.loop == len(r.trace.steps)  # stuck: nothing more happens
    assert names.index("user.scale") < names.index("user.rollout_undo")
    last = r.trace.last
    active = [t for t in range(r.scope.templates) if last.rs_replicas[t] > 0]
    assert len(active) == 1 and active[0] != last.template  # the undo's ReplicaSet was never scaled up
    only = active[0]
    assert last.rs_replicas[only] == last.replicas and last.rs_desired[only] != last.replicas
    assert not [a for a in successors(MODEL, r.scope, last) if a[0].command.kind == "system"]
