"""The swarm engine (checker/swarm.py): random walks find violations and witnesses, replay every
trace, give the same answer on any number of workers, and never claim HOLDS."""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker import swarm
from kubecheck.checker.explicit import bfs
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Budget
from kubecheck.model.controllers.statefulset_scope import PRESETS as STS
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog

STATEFULSET = catalog.model("statefulset")
#: Properties at ``tiny`` with the verdict breadth-first search gives them (pinned in the pinned-count tests).
VIOLATED = ["statefulset.at_most_one_running_instance_with_force_delete", "statefulset.in_range_claims_kept"]
WITNESSED = ["statefulset.rolling_update_completes"]
HOLDS = ["statefulset.pod_mounts_own_claim", "statefulset.finished_or_deleted"]
LIVENESS = ["statefulset.rolling_update_eventually_completes"]
SETTINGS = swarm.Swarm(walks=3000, depth=60, seed=7)


def _check(name: str, settings: swarm.Swarm = SETTINGS, budget: Budget = Budget()):
    [prop] = catalog.properties("statefulset", [name])
    sc = prop.adjust(STS["tiny"])
    [r] = swarm.explore(STATEFULSET, sc, [prop], settings, budget)
    return prop, sc, r


@pytest.mark.parametrize("name", VIOLATED + WITNESSED)
def test_walks_decide_what_bfs_decides_with_a_trace_that_replays(name: str) -> None:
    prop, sc, r = _check(name)
    [exhaustive] = bfs.explore(STATEFULSET, sc, [prop])
    assert r.verdict is exhaustive.verdict and r.engine == "swarm"
    assert r.trace is not None and r.note.startswith("found by walk ")
    assert r.note.endswith("(again: --engine swarm --walks 3000 --depth 60 --seed 7)")
    again = replay(STATEFULSET, sc, r.trace.labels())
    assert again.states == r.trace.states
    assert len(r.trace.steps) >= len(exhaustive.trace.steps)  # breadth-first is shortest


@pytest.mark.parametrize("name", HOLDS)
def test_a_property_no_walk_breaks_is_inconclusive_never_holds(name: str) -> None:
    _, _, r = _check(name)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.note == "bug-finding only: no counterexample in 3,000 walks of at most 60 steps, seed 7, " + (
        f"{r.stats.states:,} distinct states seen"
    )
    assert not r.stats.complete


@pytest.mark.parametrize("name", LIVENESS)
def test_liveness_is_refused_with_the_reason(name: str) -> None:
    _, _, r = _check(name)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.note == "swarm checks safety and reachability only: leads_to needs cycles and fairness"


def test_two_workers_give_the_answer_of_one() -> None:
    one = [_check(n)[2] for n in VIOLATED]
    two = [_check(n, attrs.evolve(SETTINGS, workers=2))[2] for n in VIOLATED]
    for a, b in zip(one, two):
        assert a.verdict is b.verdict and a.note == b.note
        assert a.trace.labels() == b.trace.labels()
        assert a.stats.states == b.stats.states and a.stats.transitions == b.stats.transitions


def test_the_seed_decides_the_walks() -> None:
    a = _check(VIOLATED[0])[2]
    b = _check(VIOLATED[0])[2]
    assert a.trace.labels() == b.trace.labels() and a.note == b.note
    others = {tuple(_check(VIOLATED[0], attrs.evolve(SETTINGS, seed=s))[2].trace.labels()) for s in range(4)}
    assert len(others) > 1  # different seeds walk differently


def test_the_time_budget_stops_the_walks_and_says_so() -> None:
    _, _, r = _check(HOLDS[0], attrs.evolve(SETTINGS, walks=10**9), Budget(timeout=0.5))
    assert r.verdict is Verdict.INCONCLUSIVE and r.stats.stop_reason == "timeout"
    assert "(stopped by the time budget; 1,000,000,000 asked)" in r.note


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ([(1, "a"), (2, "b")], [1, 2]),
        ([(1, "a"), (2, "b"), (3, "a"), (4, "c")], [1, 4]),  # back at a: the loop b->a is cut
        ([(1, "a"), (2, "init"), (3, "b")], [3]),  # back at the initial state: all before is cut
        ([(1, "a"), (2, "b"), (3, "b")], [1, 2]),  # a self-loop
        ([(1, "a"), (2, "b"), (3, "c"), (4, "b"), (5, "a"), (6, "d")], [1, 6]),  # nested loops
    ],
)
def test_loops_are_cut_and_the_end_state_kept(path: list, expected: list) -> None:
    assert swarm._cut_loops("init", path) == expected


@pytest.mark.parametrize("field", ["walks", "depth", "workers"])
def test_settings_must_be_positive(field: str) -> None:
    with pytest.raises(ValueError, match=f"swarm {field}: expected a positive integer, got 0"):
        swarm.Swarm(**{field: 0})


def test_the_runner_dispatches_swarm_and_a_walk_that_found_nothing_claims_nothing() -> None:
    from kubecheck.checker import run
    from kubecheck.checker.task import Task

    props = catalog.properties("statefulset", [VIOLATED[0], HOLDS[0]])
    task = Task(STATEFULSET, STS["tiny"], tuple(props), engine="swarm", walks=3000, depth=60, seed=7)
    found, nothing = run.check(task)
    assert (found.verdict, found.engine, found.claim.kind) == (Verdict.VIOLATED, "swarm", "instance")
    assert (nothing.verdict, nothing.claim.kind) == (Verdict.INCONCLUSIVE, "nothing")
    with pytest.raises(ValueError, match="--for-all needs a symbolic engine"):
        run.check(attrs.evolve(task, for_all=("replicas",)))
