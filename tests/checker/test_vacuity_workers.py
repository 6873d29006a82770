"""Vacuity under ``--workers``: the partitioned search reports the single process's vacuity.

Each worker checks the antecedents of the properties' triggers (properties/triggers.py) on the
states it owns, like witnesses, and reports the first hit; the coordinator keeps them apart from
the verdicts (an antecedent decides no verdict and gets no trace). So a HOLDS is vacuous under
``--workers`` exactly when it is in one process, with the same reason — on properties whose
trigger is an antecedent (a state or a step), commands, or both, where the behaviour happens and
where it does not. The Ray transport (``--ray``) runs the same :class:`_Worker` with the same
list of predicates, antecedents included (:mod:`kubecheck.checker.explicit.workers`).
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.explicit import bfs
from kubecheck.checker.result import Result, Vacuity, Verdict
from kubecheck.checker.task import Budget, Task
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Trigger
from kubecheck.properties import catalog

#: (model, property, settings at tiny after the property's adjustment, vacuous in one process)
CASES = [
    # a step antecedent: no pod is ever condemned at replicas=0; the tiny preset scales down
    ("statefulset", "pods_removed_in_reverse_order", {"replicas": 0}, True),
    ("statefulset", "pods_removed_in_reverse_order", {}, False),
    # commands only: no `rollout undo` without one in the scope
    ("deployment", "rollback_restores_template", {"edits": 1, "rollbacks": 0}, True),
    ("deployment", "rollback_restores_template", {"edits": 1, "rollbacks": 1}, False),
    # a state antecedent and commands: a budget with maxUnavailable 0 answers every eviction 429
    (
        "deployment",
        "budget_floor_holds_under_evictions",
        {"pdb_max_unavailable": IntOrPercent(0), "pdb_min_available": None},
        True,
    ),
    ("deployment", "budget_floor_holds_under_evictions", {}, False),
    # a step antecedent on the Deployment: a step taken while paused
    ("deployment", "paused_creates_no_replicaset", {}, False),
]


def _scope(model_name: str, prop_name: str, settings: dict[str, object]):
    model = catalog.model(model_name)
    [prop] = catalog.properties(model_name, [prop_name])
    scope = attrs.evolve(prop.adjust(model.presets["tiny"]), **settings)
    return model, prop, scope


@pytest.mark.parametrize(("model_name", "prop_name", "settings", "vacuous"), CASES)
def test_workers_report_the_single_process_vacuity(
    model_name: str, prop_name: str, settings: dict[str, object], vacuous: bool
) -> None:
    model, prop, scope = _scope(model_name, prop_name, settings)
    [one] = bfs.explore(model, scope, [prop])
    [two] = bfs.explore(model, scope, [prop], workers=2)
    assert one.verdict is two.verdict is Verdict.HOLDS
    assert (one.stats.states, one.stats.transitions) == (two.stats.states, two.stats.transitions)
    assert one.vacuity == two.vacuity
    assert two.vacuity is not None and two.vacuity.checked
    assert two.is_vacuous is vacuous
    assert two.verdict_text() == one.verdict_text()
    assert two.property_coverage == one.property_coverage


def test_a_vacuous_budget_floor_says_no_eviction_was_approved_though_kubectl_tried() -> None:
    """kubectl.evict_pod fires (every answer a 429), so only the antecedent is missing."""
    model, prop, scope = _scope(
        "deployment",
        "budget_floor_holds_under_evictions",
        {"pdb_max_unavailable": IntOrPercent(0), "pdb_min_available": None},
    )
    [r] = bfs.explore(model, scope, [prop], workers=2)
    assert r.vacuity == Vacuity(True, False, "an approved eviction never happens")
    assert dict(r.coverage.fired)["kubectl.evict_pod"] > 0


def test_three_workers_and_several_properties_keep_each_property_s_own_vacuity() -> None:
    """Two hand-written triggers beside the real one (never true; true on every step) in one search."""
    model, prop, scope = _scope("statefulset", "pods_removed_in_reverse_order", {})
    never = attrs.evolve(
        prop, name="statefulset.t_never", trigger=Trigger(what="nothing", when=lambda o, c, s, t: False)
    )
    always = attrs.evolve(
        prop, name="statefulset.t_always", trigger=Trigger(what="a step", when=lambda o, c, s, t: True)
    )
    one = bfs.explore(model, scope, [never, prop, always])
    three = bfs.explore(model, scope, [never, prop, always], workers=3)
    assert [r.vacuity for r in three] == [r.vacuity for r in one]
    assert [r.is_vacuous for r in three] == [True, False, False]
    assert three[0].vacuity.reason == "nothing never happens"


def test_an_antecedent_seen_by_a_worker_neither_decides_nor_ends_the_search() -> None:
    """The violated property stops a decided search; the antecedent found on the way gives no trace."""
    model, prop, scope = _scope("statefulset", "in_range_claims_kept", {})  # not guaranteed: VIOLATED at tiny
    [one] = bfs.explore(model, scope, [prop])
    [two] = bfs.explore(model, scope, [prop], workers=2)
    assert one.verdict is two.verdict is Verdict.VIOLATED
    assert len(two.trace.steps) == len(one.trace.steps)
    assert two.vacuity is None


def _through_the_runner(workers: int) -> Result:
    model, prop, scope = _scope("statefulset", "pods_removed_in_reverse_order", {"replicas": 0})
    task = Task(model=model, scope=scope, properties=(prop,), engine="explicit", budget=Budget(workers=workers))
    [r] = run.check(task)
    return r


def test_the_runner_with_workers_gives_the_vacuous_row_of_one_process() -> None:
    one, two = _through_the_runner(1), _through_the_runner(2)
    assert (
        two.verdict_text()
        == one.verdict_text()
        == ("HOLDS (vacuous: a scale-down deleting a condemned pod never happens)")
    )
