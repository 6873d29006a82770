"""The explicit engine switches off a guard-group memo table whose look-ups mostly miss.

``checker/explicit/packed.py`` (:class:`MemoSwitch`) judges each guard group's memo table over
windows of look-ups during the search; ``compile.py`` (:func:`select_memo`) renders the loop with
the same guards inline instead. What it promises: the same distinct states, transitions, depth,
command coverage and verdicts whichever tables are on, a table whose keys repeat stays on, and a
table whose keys are nearly all new (the per-pod benchmark's ReplicaSet guards read every pod
slot) is switched off and emptied.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit import packed as packed_mod
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.model.controllers import deployment as dep
from kubecheck.model.controllers.deployment_scope import PRESETS, DeploymentScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.property import Property
from kubecheck.properties import catalog

SAFETY = [p for p in catalog.PROPERTIES["deployment"] if p.kind in ("always", "step", "sometimes", "terminal")]
TRUE = Property(name="t.true", kind="always", doc="true", upstream="-", predicate=lambda ops, sc, s: True)


def _outcome(results: list[Any]) -> tuple:
    r = results[0]
    verdicts = [(x.property.name, x.verdict, None if x.trace is None else len(x.trace.labels())) for x in results]
    return (r.stats.states, r.stats.transitions, r.stats.depth, r.stats.complete, r.coverage, verdicts)


def _record_switches(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, ...]]:
    """The tables in use after every switch the searches make."""
    seen: list[tuple[bool, ...]] = []
    update = packed_mod.MemoSwitch.update

    def spy(self: packed_mod.MemoSwitch, expanded: int) -> bool:
        changed = update(self, expanded)
        if changed:
            seen.append(self.use)
        return changed

    monkeypatch.setattr(packed_mod.MemoSwitch, "update", spy)
    return seen


@pytest.mark.parametrize("preset", ["tiny"])
def test_a_search_with_every_memo_table_switched_off_reaches_the_same_states_and_verdicts(
    preset: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scope = PRESETS[preset]
    props = [p for p in SAFETY if p.adjust(scope) == scope]
    with_memo = explicit.explore(dep.MODEL, scope, props, stop_when_decided=False)
    switches = _record_switches(monkeypatch)
    monkeypatch.setattr(packed_mod, "MEMO_WINDOW", 1)
    monkeypatch.setattr(packed_mod, "MEMO_MAX_MISS", -1.0)  # every table off after its first look-up
    inline = explicit.explore(dep.MODEL, scope, props, stop_when_decided=False)
    assert switches and not any(switches[-1])
    assert _outcome(inline) == _outcome(with_memo)


def test_the_deployment_controllers_guard_table_stays_on_in_the_presets(monkeypatch: pytest.MonkeyPatch) -> None:
    switches = _record_switches(monkeypatch)
    [r] = explicit.explore(dep.MODEL, PRESETS["small"], [TRUE])
    assert r.stats.states == 87941
    assert switches == []


def _per_pod() -> Any:
    """``benchmarks/per_pod_deployment.py``, the Deployment model with one state slot per pod."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    import per_pod_deployment

    return per_pod_deployment


def test_the_per_pod_replicaset_guard_table_is_switched_off_and_the_counts_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pp = _per_pod()
    # benchmarks/run.py scaling_scope(1): one replica, maxSurge 1, maxUnavailable 1, one template edit
    one = DeploymentScope(
        replicas=1,
        max_surge=IntOrPercent(1),
        max_unavailable=IntOrPercent(1),
        edits=1,
        rollbacks=0,
        scale_to=(),
        pauses=0,
        min_ready_seconds=0,
        faults=frozenset(),
    )
    scope = pp.fitted_scope(one)
    monkeypatch.setattr(packed_mod, "MEMO_MAX_MISS", 2.0)  # never switched off
    kept = explicit.explore(pp.MODEL, scope, [TRUE])
    switches = _record_switches(monkeypatch)
    monkeypatch.setattr(packed_mod, "MEMO_MAX_MISS", 0.75)
    monkeypatch.setattr(packed_mod, "MEMO_WINDOW", 16)
    compiled = compile_model(pp.MODEL, scope)
    switched = explicit.explore(pp.MODEL, scope, [TRUE], compiled=compiled)
    sites = packed_mod.packed(compiled).memo_sites
    assert sites == ("memo_guards_0", "memo_guards_7")  # Deployment controller, ReplicaSet controller
    assert switches == [(True, False)]
    assert packed_mod.packed(compiled).env["memo_guards_7"] == {}
    assert _outcome(switched) == _outcome(kept)
    assert kept[0].stats.states == 70


def test_a_table_is_judged_on_the_misses_of_its_last_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packed_mod, "MEMO_WINDOW", 100)
    pk = packed_mod.packed(compile_model(dep.MODEL, PRESETS["tiny"]))
    switch = packed_mod.MemoSwitch(pk)
    assert switch.use == (True,) * len(pk.memo_sites) and len(pk.memo_sites) >= 1
    table = switch.tables[0]
    table.clear()
    table.update({i: 0 for i in range(60)})  # 60 misses in the first 99 look-ups: not judged yet
    assert switch.update(99) is False and switch.use[0]
    table.update({i: 0 for i in range(60, 75)})  # 75 of 100 missed: at most 3 in 4, kept
    assert switch.update(100) is False and switch.use[0]
    table.update({i: 0 for i in range(75, 151)})  # the next window: 76 of 100 missed
    assert switch.update(200) is True
    assert switch.use[0] is False and table == {}
    assert switch.update(10_000) is False  # a table switched off stays off
