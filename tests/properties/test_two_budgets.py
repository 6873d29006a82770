"""Two PodDisruptionBudgets over one workload (``pdb-second-budget``): the eviction API's 500 and the failed drain.

Upstream: ``pkg/registry/core/pod/storage/eviction.go`` EvictionREST.Create deletes a pod canIgnorePDB lets go
(Pending, finished, terminating) without listing budgets; otherwise it lists the namespace's budgets and answers
500 "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." when more
than one selects the pod — before the unhealthy-pod path and before checkAndDecrement (whose generation test
gives the stale 429). kubectl's evictPods fails the pod on any answer but 201, NotFound and 429, and the drain
with it. The verdicts and state counts of every row at this scope are pinned with the other scopes' in
test_disruption_properties.py and test_statefulset_disruption_properties.py (``min1-two-budgets``).
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import disruption as dr
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import statefulset_disruption as sd
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.controllers.statefulset import MODEL as STS_MODEL
from kubecheck.model.controllers.statefulset import PRESETS as STS_PRESETS
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.properties import catalog

TWO = {"pdb-min-available": "1", "nodes": "2", "pdb-second-budget": "true"}


def _draining(settings: dict[str, str]):
    scope = with_settings(PRESETS["tiny"], {**settings, "edits": "0", "scenario": "drain"})
    s = attrs.evolve(MODEL.init(scope), drain_state=dr.EVICTING, node_cordoned=(True, False))
    return scope, s


@pytest.mark.parametrize(
    ("phase", "second", "outcome"),
    [
        ("available", True, dsu.MULTIPLE_BUDGETS),
        ("available", False, dsu.EVICTED_DECREMENTED),
        ("pending", True, dsu.EVICTED_IGNORING_BUDGET),  # canIgnorePDB comes before the budgets are listed
        ("terminating", True, dsu.EVICTED_IGNORING_BUDGET),
    ],
)
def test_a_deployment_pod_under_two_budgets_gets_500_unless_canignorepdb_lets_it_go(
    phase: str, second: bool, outcome: int
) -> None:
    scope, s = _draining({**TWO, "pdb-second-budget": str(second).lower()})
    assert dr.eviction_outcome(CONCRETE, scope, s, phase) == outcome


@pytest.mark.parametrize(("second", "outcome"), [(True, dsu.MULTIPLE_BUDGETS), (False, dsu.EVICTED_UNHEALTHY)])
def test_the_500_comes_before_the_unhealthy_pod_policy(second: bool, outcome: int) -> None:
    """A Running, not Ready pod under AlwaysAllow: one budget lets it go; two answer 500 first."""
    scope, s = _draining({**TWO, "pdb-second-budget": str(second).lower(), "pdb-unhealthy-policy": "AlwaysAllow"})
    assert dr.eviction_outcome(CONCRETE, scope, s, "running") == outcome


@pytest.mark.parametrize(("second", "outcome"), [(True, dsu.MULTIPLE_BUDGETS), (False, dsu.REFUSED_STALE)])
def test_the_500_comes_before_the_stale_status_429(second: bool, outcome: int) -> None:
    scope, s = _draining({**TWO, "pdb-second-budget": str(second).lower(), "pdb-edit-to": "2"})
    s = attrs.evolve(s, pdb_edited=1, pdb_stale=True)
    assert dr.eviction_outcome(CONCRETE, scope, s, "available") == outcome


def test_the_drain_call_answered_500_fails_the_drain_and_nothing_else_changes() -> None:
    scope, s = _draining(TWO)
    enabled = [
        a
        for a in MODEL.actions(scope)
        if a.name == "kubectl.evict_pod" and a.kwargs["node"] == 0 and a.guard(CONCRETE, scope, s)
    ]
    assert [a.kwargs["answer"] for a in enabled] == [bu.FAILED_500]
    assert enabled[0].effect(CONCRETE, scope, s) == {"drain_state": dr.FAILED}


def test_the_500_answer_exists_only_with_a_second_budget() -> None:
    one = with_settings(PRESETS["tiny"], {"pdb-min-available": "1", "nodes": "2", "scenario": "drain"})
    answers = {a.kwargs["answer"] for a in MODEL.actions(one) if a.name == "kubectl.evict_pod"}
    assert answers == set(bu.ANSWERS)
    two = with_settings(one, {"pdb-second-budget": "true"})
    assert {a.kwargs["answer"] for a in MODEL.actions(two) if a.name == "kubectl.evict_pod"} == {
        *bu.ANSWERS,
        bu.FAILED_500,
    }


def test_the_evict_fault_cannot_take_a_ready_pod_under_two_budgets() -> None:
    scope = with_settings(PRESETS["tiny"], {"faults": "evict", "pdb-min-available": "1", "pdb-second-budget": "true"})
    s = MODEL.init(scope)
    [action] = [
        a
        for a in MODEL.actions(scope)
        if a.name == "fault.evict_pod" and a.kwargs["rs"] == 0 and a.kwargs["phase"] == "available"
    ]
    assert not action.guard(CONCRETE, scope, s)
    assert action.guard(CONCRETE, with_settings(scope, {"pdb-second-budget": "false"}), s)


@pytest.mark.parametrize("model", ["deployment", "statefulset"])
def test_a_second_budget_needs_a_first(model: str) -> None:
    presets = PRESETS if model == "deployment" else STS_PRESETS
    with pytest.raises(ScopeError) as info:
        with_settings(presets["tiny"], {"pdb-second-budget": "true"}).validate()
    assert str(info.value) == (
        "pdb-second-budget: expected false without a PodDisruptionBudget (pdb-min-available or pdb-max-unavailable), "
        "got true"
    )


def test_the_deployment_drain_row_is_a_lasso_ending_in_the_failed_drain() -> None:
    rows = catalog.properties("deployment", ["drain_eventually_completes"])
    [r] = run.check(Task(MODEL, with_settings(PRESETS["tiny"], TWO), rows))
    assert r.verdict is Verdict.VIOLATED and r.trace is not None
    drain, evict = r.trace.steps
    assert drain.action.name == "user.drain_node"
    assert evict.action.name == "kubectl.evict_pod" and evict.action.kwargs["answer"] == bu.FAILED_500
    assert evict.action.kwargs["phase"] == "available"  # a Ready pod: the one the budgets guard
    last = r.trace.states[-1]
    assert r.trace.loop == len(r.trace.steps) and last.drain_state == dr.FAILED
    assert dr.pods_on_node(CONCRETE, last, 0) == 2  # nothing was evicted
    words = r.property.explain(r.scope, last)
    assert "drain of node-a: failed" in words and "answers 500 (more than one PodDisruptionBudget)" in words


def test_the_statefulset_drain_row_is_a_lasso_ending_in_the_failed_drain() -> None:
    scope = with_settings(STS_PRESETS["tiny"], {"pdb-min-available": "1", "pdb-second-budget": "true"})
    [r] = run.check(Task(STS_MODEL, scope, catalog.properties("statefulset", ["drain_eventually_completes"])))
    assert r.verdict is Verdict.VIOLATED and r.trace is not None
    evict = r.trace.steps[-1]
    assert evict.action.name == "kubectl.evict_pod" and evict.action.kwargs["answer"] == bu.FAILED_500
    before, last = r.trace.states[-2], r.trace.states[-1]
    assert before.pod_phase[evict.action.kwargs["pod"]] >= cl.READY
    assert last.drain_state == sd.FAILED and not any(last.pod_terminating)
    assert "answers 500" in r.property.explain(r.scope, last)
