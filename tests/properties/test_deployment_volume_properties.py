"""A Deployment whose pods share one claim: pinned verdicts, traces that replay, and the
RollingUpdate / Recreate contrast users choose between.

Expected verdicts were read off the traces and checked against upstream by hand:

* a ReadWriteOnce volume is never attached to two nodes — the attach/detach controller refuses
  (``Multi-Attach error``) — but a pod the scheduler puts on the other node waits in
  ContainerCreating (the witness: edit, create the new ReplicaSet, its pod lands on node-b);
* RollingUpdate with maxUnavailable 0 never finishes when that happens: the old pod on node-a
  is only removed once the new one is available, which needs the volume (a stutter lasso);
* Recreate with one replica finishes: the old pod is gone, the volume detaches, the new pod
  attaches wherever it lands. With two replicas Recreate does not: the two new pods may land
  on different nodes, and the one on node-b waits for ever;
* ReadWriteOncePod admits one pod object: the scheduler leaves every other one Pending;
* ReadOnlyMany is not a write lock: a read-write mount of it is a writer from the start.
"""

from __future__ import annotations

from functools import cache

import pytest

from kubecheck.checker import run
from kubecheck.checker.explicit.compile import compile_model
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.commands import enabled
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import deployment_volumes as dv

H, V, W = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED
SCOPES = {
    "tiny": PRESETS["tiny"],
    "tiny replicas=1": with_settings(PRESETS["tiny"], {"replicas": "1"}),
    "tiny replicas=1 Recreate": with_settings(PRESETS["tiny"], {"replicas": "1", "strategy": "Recreate"}),
    "tiny Recreate": with_settings(PRESETS["tiny"], {"strategy": "Recreate"}),
}
#: verdict and trace length (steps; a lasso's whole length) per property
EXPECTED = {
    "tiny": {
        "rwo_volume_attached_to_one_node": (H, None),
        "rwop_claim_used_by_one_pod": (H, None),
        "no_writer_on_read_only_many": (V, 0),
        "pod_waits_for_multi_attach": (W, 4),
        "rollout_completes_with_shared_claim": (V, 5),
        "containers_run_where_claim_attached": (H, None),
        "claim_detached_only_from_empty_node": (H, None),
    },
    "tiny replicas=1": {
        "rwo_volume_attached_to_one_node": (H, None),
        "pod_waits_for_multi_attach": (W, 4),
        "rollout_completes_with_shared_claim": (V, 5),
    },
    "tiny replicas=1 Recreate": {
        "rwo_volume_attached_to_one_node": (H, None),
        "pod_waits_for_multi_attach": (W, 8),
        "rollout_completes_with_shared_claim": (H, None),
    },
    "tiny Recreate": {
        "rwo_volume_attached_to_one_node": (H, None),
        "pod_waits_for_multi_attach": (W, 9),
        "rollout_completes_with_shared_claim": (V, 13),
    },
}


@cache
def results(name: str) -> dict[str, Result]:
    props = [p for p in dv.PROPERTIES if p.short in EXPECTED[name]]
    return {r.property.short: r for r in run.check(Task(MODEL, SCOPES[name], props))}


def test_every_property_of_the_table_is_pinned() -> None:
    assert sorted(EXPECTED["tiny"]) == sorted(p.short for p in dv.PROPERTIES)


@pytest.mark.parametrize(("name", "short"), [(n, s) for n in EXPECTED for s in EXPECTED[n]])
def test_verdict_and_trace_length(name: str, short: str) -> None:
    r = results(name)[short]
    verdict, length = EXPECTED[name][short]
    assert r.verdict is verdict, f"{short} at {name}: {r.verdict.value} {r.note}"
    assert (len(r.trace.steps) if r.trace is not None else None) == length
    assert (r.scope.claims, r.scope.nodes, r.scope.min_ready_seconds) == (True, 2, 0)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_traces_replay_and_show_the_wait(name: str) -> None:
    for r in results(name).values():
        if r.trace is None:
            continue
        again = replay(MODEL, r.scope, r.trace.labels())
        assert again.states == r.trace.states
        if r.property.short == "pod_waits_for_multi_attach":
            last = again.states[-1]
            assert dv.VIEW.waiting_for_attach(CONCRETE, r.scope, last, 0)
            assert [vol.is_attached(last, 2, 0, n) for n in range(2)] == [True, False]
            assert d.on_node(last, 1, ("pending",)) == 1


def test_rolling_update_lasso_ends_where_only_the_multi_attach_wait_is_left() -> None:
    r = results("tiny replicas=1")["rollout_completes_with_shared_claim"]
    last = r.trace.states[-1]
    system = [a for a in enabled(MODEL, r.scope, last) if a.command.kind == "system"]
    assert system == []  # a stutter: nothing but the user could move it
    assert d.on_node(last, 0, ("available",)) == 1 and d.on_node(last, 1, ("pending",)) == 1


def test_the_single_node_modes_never_attach_twice_anywhere() -> None:
    """Independently of the engine (the compiled successors, checked against the reference
    semantics in tests/model): every reachable state of RollingUpdate and Recreate with two
    evictions has the ReadWriteOnce volume on at most one node — and pods do move."""
    for strategy in ("RollingUpdate", "Recreate"):
        scope = with_settings(
            SCOPES["tiny"],
            {"nodes": "2", "shared-claim": "true", "faults": "evict", "fault-budget": "2", "strategy": strategy},
        )
        c = compile_model(MODEL, scope)
        states = [c.schema.unflatten(flat) for flat in c.reachable()]
        assert all(vol.attached_nodes(CONCRETE, s, 2, 0) <= 1 for s in states)
        assert any(vol.is_attached(s, 2, 0, 1) for s in states), "the volume never moved to node-b"


def test_ready_write_once_pod_leaves_the_second_replica_unscheduled() -> None:
    scope = with_settings(PRESETS["tiny"], {"nodes": "2", "shared-claim": "true", "access-mode": "ReadWriteOncePod"})
    s = MODEL.init(scope)
    assert (s.unscheduled[0], d.in_phase(s, "available", 0), s.rs_status_available[0]) == (1, 1, 1)
    assert not [a for a in enabled(MODEL, scope, s) if a.name == "scheduler.bind_pod"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"shared-claim": "true"},
            "nodes: expected 1 or 2 when shared-claim is true (a volume attaches to a node), got 0",
        ),
        (
            {"nodes": "2", "min-ready-seconds": "5"},
            "min-ready-seconds: expected 0 when nodes is set (pods placed on nodes are modelled with minReadySeconds "
            "0), got 5",
        ),
    ],
)
def test_placed_scopes_the_model_does_not_cover_are_refused(settings: dict, message: str) -> None:
    with pytest.raises(ScopeError) as err:
        with_settings(PRESETS["tiny"], settings)
    assert str(err.value) == message
