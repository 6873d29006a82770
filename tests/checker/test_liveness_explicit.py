"""The explicit fair-cycle engine on toys whose answer depends on how fairness units are drawn.

A fairness unit is a command with its identifying parameters (``Command.fair_by``); the other
parameters are choices made inside one step. An action enabled under one choice in one state
and under another in the next is *continuously enabled* — the case that let a ReplicaSet sync
starve before ``fair_by`` existed (its ``from_ready`` choice changes as pods move).
"""

from __future__ import annotations

from test_liveness_toys import (
    BLINKING,
    CHOICE_FAIR_BY_RS,
    CHOICE_PER_PICK,
    COUNT_2,
    DONE,
    STUTTER,
    SYSTEM_SPIN,
    USER_LOOP,
    Scope,
)

from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.task import Task


def check(model, prop=DONE):
    return liveness.check(Task(model, Scope(), [prop]))[0]


def test_a_unit_enabled_under_changing_choices_is_continuously_enabled() -> None:
    units = {a.fairness_unit for a in CHOICE_FAIR_BY_RS.actions(Scope()) if a.name == "rs.sync"}
    assert units == {("rs.sync", (("rs", 0),))}
    assert check(CHOICE_FAIR_BY_RS).verdict is Verdict.HOLDS


def test_without_fair_by_each_choice_is_its_own_intermittent_unit() -> None:
    units = {a.fairness_unit for a in CHOICE_PER_PICK.actions(Scope()) if a.name == "rs.sync"}
    assert len(units) == 2
    r = check(CHOICE_PER_PICK)
    assert r.verdict is Verdict.VIOLATED
    assert r.trace.labels() == ["clock.spin", "clock.spin"] and r.trace.loop == 0


def test_unfair_cycles_are_not_reported_whoever_takes_them() -> None:
    assert check(USER_LOOP).verdict is Verdict.HOLDS  # user actions only, finish starved
    assert check(SYSTEM_SPIN).verdict is Verdict.HOLDS  # a system action, finish starved


def test_an_intermittently_enabled_action_is_not_forced_by_weak_fairness() -> None:
    r = check(BLINKING)
    assert r.verdict is Verdict.VIOLATED and r.trace.loop == 0 and len(r.trace.steps) == 2
    assert r.trace.states[0] == r.trace.states[-1]


def test_a_stuck_state_is_a_lasso_without_loop_steps() -> None:
    r = check(STUTTER, COUNT_2)
    assert r.verdict is Verdict.VIOLATED
    assert r.trace.labels() == ["controller.increment"] and r.trace.loop == 1
    assert "no controller, kubelet or scheduler action is enabled" in r.note
    assert lasso.check_lasso(STUTTER, Scope(), COUNT_2, r.trace) == ""


# -- budgets: a partial state graph ---------------------------------------------------------------


def test_a_budget_stopped_liveness_search_is_inconclusive_and_never_takes_unexpanded_states_for_stuck():
    """Regression: discovered-but-unexpanded states had no edges (IndexError, and they could look stuck)."""
    from kubecheck.checker import run
    from kubecheck.checker.explicit.bfs import Budget
    from kubecheck.model.kernel.scopes import with_settings
    from kubecheck.properties import catalog

    model = catalog.model("deployment")
    prop = catalog.properties("deployment", ["rollout_eventually_completes"])
    for max_states in (50, 200, 3000):
        [r] = run.check(Task(model, model.presets["small"], prop, budget=Budget(max_states=max_states)))
        assert r.verdict.value == "INCONCLUSIVE" and r.stats.stop_reason == "max-states"
    broken = with_settings(model.presets["small"], {"broken-release": "true"})
    [r] = run.check(Task(model, broken, prop, budget=Budget(max_states=3000)))
    assert r.verdict.value == "VIOLATED" and r.trace is not None and r.trace.loop is not None
    assert r.trace.states[r.trace.loop] == r.trace.last  # a real, closed lasso within the explored part
