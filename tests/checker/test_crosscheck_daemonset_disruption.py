"""Explicit and symbolic engines agree on the DaemonSet's budget, eviction, drain and upgrade rows (issue 16).

At tiny, each row's adjusted scope and the same scope with the setting that flips it (an integer minAvailable 1
below the two pods; a drain without --ignore-daemonsets): the fair-cycle search and the symbolic lasso search give
the same liveness verdict and lassos of the same length (certified by replay); breadth-first search and BMC the
same safety verdict at the same depth, k-induction never contradicting it. The plain tiny scopes of the safety
rows are also in :mod:`test_crosscheck_daemonset` (every DaemonSet safety row).
"""

from __future__ import annotations

import pytest
from liveness_crosscheck import check_lasso_agrees

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit import fair_cycles
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import bmc, kinduction, lasso
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.properties import catalog

WORKLOAD = "daemonset"
MIN_ONE = {"pdb-min-available": "1", "pdb-max-unavailable": "none"}
NO_FLAG = {"ignore-daemonsets": "false"}

#: (row, settings over tiny, the verdict both engines give)
LIVENESS = [
    ("budget_can_allow_an_eviction", {}, "VIOLATED"),  # maxUnavailable 1: failSafe, a lasso of 429s
    ("budget_can_allow_an_eviction", MIN_ONE, "HOLDS"),
    ("drain_eventually_completes", {}, "HOLDS"),
    ("drain_eventually_completes", NO_FLAG, "VIOLATED"),
    ("upgrade_completes", {}, "HOLDS"),
    ("upgrade_completes", NO_FLAG, "VIOLATED"),
]
#: (row, settings over tiny, explicit verdict, BFS depth of the counterexample or None)
SAFETY = [
    ("budget_floor_holds_under_evictions", {}, Verdict.HOLDS, None),
    ("budget_floor_holds_under_evictions", MIN_ONE, Verdict.HOLDS, None),
    ("upgrade_keeps_floor", {}, Verdict.VIOLATED, 7),
    ("upgrade_keeps_floor", MIN_ONE, Verdict.VIOLATED, 7),
]


def _scope(name: str, settings: dict[str, str]):
    model = catalog.model(WORKLOAD)
    [prop] = catalog.properties(WORKLOAD, [f"{WORKLOAD}.{name}"])
    return model, prop, prop.adjust(with_settings(model.presets["tiny"], settings))


@pytest.mark.parametrize(("name", "settings", "expected"), LIVENESS, ids=lambda v: str(v))
def test_fair_cycle_and_lasso_search_agree(name: str, settings: dict[str, str], expected: str) -> None:
    if not settings:
        check_lasso_agrees(WORKLOAD, "tiny", name, expected)
        return
    model, prop, scope = _scope(name, settings)
    [ex] = fair_cycles.check(Task(model, scope, [prop]))
    assert ex.verdict.value == expected
    if ex.verdict is Verdict.VIOLATED:
        sym = lasso.decide(Encoder(model, scope), prop, max_depth=len(ex.trace.steps) + 1, timeout=300)
        assert sym.verdict is Verdict.VIOLATED, sym.note
        assert len(sym.trace.steps) == len(ex.trace.steps)
        assert lasso.check_lasso(model, scope, prop, sym.trace) == ""
    else:
        sym = lasso.decide(Encoder(model, scope), prop, max_depth=7, timeout=300)
        assert sym.verdict is Verdict.INCONCLUSIVE and "not a proof" in sym.note, sym.note


def test_the_blocking_budget_lasso_is_the_eviction_clients_429() -> None:
    """maxUnavailable 1 over DaemonSet pods: the loop is the client's call answered 429, changing nothing."""
    model, prop, scope = _scope("budget_can_allow_an_eviction", {})
    [ex] = fair_cycles.check(Task(model, scope, [prop]))
    assert ex.verdict is Verdict.VIOLATED
    assert ex.trace.loop is not None
    looped = [step.action for step in ex.trace.steps[ex.trace.loop :]]
    assert looped and all(a.name == "eviction-client.evict_pod" and "429" in str(a.kwargs["answer"]) for a in looped)


@pytest.mark.parametrize(("name", "settings", "verdict", "depth"), SAFETY, ids=lambda v: str(v))
def test_bfs_bmc_and_kinduction_agree(name: str, settings: dict[str, str], verdict: Verdict, depth: int | None) -> None:
    model, prop, scope = _scope(name, settings)
    [ex] = explicit.explore(model, scope, [prop])
    assert ex.verdict is verdict
    bound = depth if depth is not None else ex.stats.depth
    got = bmc.decide(Encoder(model, scope), prop, bound, timeout=300)
    if depth is None:
        assert got.verdict is Verdict.INCONCLUSIVE and got.stats.stop_reason == "bound", got.note
    else:
        assert len(ex.trace.steps) == depth
        assert got.verdict is Verdict.VIOLATED and len(got.trace.steps) == depth, got.note
    ind = kinduction.decide(Encoder(model, scope), prop, max_k=3, timeout=300, strengthen=False)
    assert not (ind.verdict is Verdict.VIOLATED and verdict is Verdict.HOLDS), ind.note
    assert not (ind.verdict is Verdict.PROVED and verdict is Verdict.VIOLATED), ind.note


# -- the transition relation: explicit successors are the solutions of T ---------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from test_symbolic_encoder import model_walk, solutions_of_t  # noqa: E402

from kubecheck.model.kernel.commands import successors  # noqa: E402

SCOPES = {
    "evict minAvailable 1": {"pdb-min-available": "1", "scenario": "evict", "edits": "0", "relabels": "0"},
    "evict two budgets": {"pdb-max-unavailable": "1", "pdb-second-budget": "true", "scenario": "evict"},
    "drain without the flag": {"pdb-max-unavailable": "1", "scenario": "drain", "ignore-daemonsets": "false"},
    "upgrade AlwaysAllow": {
        "pdb-min-available": "1",
        "pdb-unhealthy-policy": "AlwaysAllow",
        "scenario": "node-upgrade",
    },
    "evict fault maxUnavailable": {"pdb-max-unavailable": "1", "faults": "evict", "scenario": "drain"},
}
ENCODERS: dict[str, Encoder] = {}


@settings(max_examples=10, deadline=None)
@given(choices=st.lists(st.integers(0, 1000), max_size=25), which=st.sampled_from(sorted(SCOPES)))
def test_explicit_successors_equal_solutions_of_t(choices: list[int], which: str) -> None:
    model = catalog.model(WORKLOAD)
    scope = with_settings(model.presets["tiny"], SCOPES[which])
    if which not in ENCODERS:
        ENCODERS[which] = Encoder(model, scope, stutter=False)
    e = ENCODERS[which]
    state = model_walk(model, scope, choices)[-1]
    expected = {(a.label, e.schema.flatten(t)) for a, t in successors(model, scope, state)}
    assert solutions_of_t(e, e.schema.flatten(state)) == expected
