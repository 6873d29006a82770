"""The properties issue 19 found missing: pinned verdicts, the behaviour each one constrains reached in
the model (so a HOLDS is not vacuous), and a step or state one edit away from the model's own that
the property rejects (so it would notice a controller that got it wrong).

* ``deployment.old_scale_down_within_budget`` — rolling.go:reconcileOldReplicaSets' maxScaledDown;
* ``deployment.containers_run_where_claim_attached`` and ``claim_detached_only_from_empty_node`` —
  the kubelet's WaitForAttachAndMount and the attach/detach controller's desired state (terminating
  pods keep the volume);
* ``statefulset.update_within_max_unavailable`` — updateStatefulSetAfterInvariantEstablished, with
  the gate MaxUnavailableStatefulSet on (HOLDS) and off (VIOLATED under Parallel: the old path
  deletes the highest outdated pod while lower replicas are still unavailable);
* ``statefulset/daemonset.pods_bound_only_to_ready_nodes`` — NoSchedule taints of NotReady nodes.

States and steps come from the model's own commands (:func:`kubecheck.model.kernel.commands.successors`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.kernel.commands import Action, Model, successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import Scope, with_settings
from kubecheck.properties import catalog, placement
from kubecheck.properties import deployment as dp
from kubecheck.properties import deployment_volumes as dv
from kubecheck.properties import statefulset as sp

H, V = Verdict.HOLDS, Verdict.VIOLATED


def _scope(model: str, **settings: str) -> Scope:
    return with_settings(catalog.model(model).presets["tiny"], {k.replace("_", "-"): v for k, v in settings.items()})


#: (property, settings on tiny) -> (verdict, trace length or None)
PINNED: dict[tuple[str, tuple[tuple[str, str], ...]], tuple[Verdict, int | None]] = {
    ("deployment.old_scale_down_within_budget", ()): (H, None),
    ("deployment.old_scale_down_within_budget", (("max-unavailable", "1"),)): (H, None),
    ("deployment.old_scale_down_within_budget", (("max-unavailable", "1"), ("faults", "crash"))): (H, None),
    ("deployment.old_scale_down_within_budget", (("replicas", "3"), ("max-unavailable", "50%"))): (H, None),
    ("deployment.containers_run_where_claim_attached", ()): (H, None),
    ("deployment.containers_run_where_claim_attached", (("max-unavailable", "1"), ("faults", "evict"))): (H, None),
    ("deployment.containers_run_where_claim_attached", (("strategy", "Recreate"), ("faults", "evict"))): (H, None),
    ("deployment.claim_detached_only_from_empty_node", (("max-unavailable", "1"), ("faults", "evict"))): (H, None),
    ("deployment.claim_detached_only_from_empty_node", (("strategy", "Recreate"), ("faults", "evict"))): (H, None),
    ("deployment.replicaset_deletes_not_ready_pods_first", ()): (H, None),
    ("deployment.replicaset_deletes_not_ready_pods_first", (("max-unavailable", "1"), ("faults", "crash"))): (H, None),
    (
        "deployment.replicaset_deletes_not_ready_pods_first",
        (("max-unavailable", "1"), ("faults", "crash,evict"), ("fault-budget", "2")),
    ): (H, None),
    ("deployment.replicaset_deletes_not_ready_pods_first", (("nodes", "2"), ("shared-claim", "true"))): (H, None),
    ("deployment.recreate_runs_one_revision_at_a_time", ()): (H, None),
    ("deployment.recreate_runs_one_revision_at_a_time", (("edits", "2"), ("rollbacks", "1"), ("faults", "evict"))): (
        H,
        None,
    ),
    ("deployment.recreate_runs_one_revision_at_a_time", (("edits", "2"), ("edit-to", "1,0"))): (H, None),
    ("deployment.replicaset_deleted_only_beyond_history", ()): (H, None),
    ("deployment.replicaset_deleted_only_beyond_history", (("revision-history-limit", "0"), ("rollbacks", "1"))): (
        H,
        None,
    ),
    ("deployment.replicaset_deleted_only_beyond_history", (("revision-history-limit", "1"), ("edits", "2"))): (H, None),
    ("daemonset.surging_nodes_within_max_surge", ()): (H, None),
    ("daemonset.surging_nodes_within_max_surge", (("nodes", "3"),)): (H, None),
    ("daemonset.surging_nodes_within_max_surge", (("nodes", "3"), ("max-surge", "50%"), ("max-unavailable", "0"))): (
        H,
        None,
    ),
    ("statefulset.update_within_max_unavailable", ()): (H, None),
    (
        "statefulset.update_within_max_unavailable",
        (("replicas", "3"), ("pod-management-policy", "Parallel"), ("max-unavailable", "2")),
    ): (H, None),
    (
        "statefulset.update_within_max_unavailable",
        (("replicas", "3"), ("max-unavailable", "2")),
    ): (H, None),
    (
        "statefulset.update_within_max_unavailable",
        (
            ("replicas", "3"),
            ("pod-management-policy", "Parallel"),
            ("max-unavailable", "2"),
            ("feature-max-unavailable-statefulset", "false"),
        ),
    ): (V, 7),
    ("statefulset.pods_bound_only_to_ready_nodes", (("nodes", "2"), ("faults", "partition,node-failure"))): (H, None),
    ("daemonset.pods_bound_only_to_ready_nodes", (("faults", "partition,node-failure"),)): (H, None),
}


@cache
def _result(name: str, settings: tuple[tuple[str, str], ...]) -> Result:
    model = name.split(".", 1)[0]
    (prop,) = catalog.properties(model, [name])
    scope = with_settings(catalog.model(model).presets["tiny"], dict(settings))
    (result,) = run.check(Task(catalog.model(model), scope, [prop]))
    return result


def _case_id(case: tuple[str, tuple[tuple[str, str], ...]]) -> str:
    name, settings = case
    return f"{name.split('.', 1)[1]} {' '.join(f'{k}={v}' for k, v in settings) or 'tiny'}"


@pytest.mark.parametrize(("name", "settings"), list(PINNED), ids=[_case_id(c) for c in PINNED])
def test_pinned_verdict_and_trace_length(name: str, settings: tuple[tuple[str, str], ...]) -> None:
    result = _result(name, settings)
    verdict, length = PINNED[(name, settings)]
    assert result.verdict == verdict
    assert (len(result.trace.steps) if result.trace else None) == length


# -- walking the model ------------------------------------------------------------------------------


def _steps(model: Model, scope: Scope, limit: int = 30_000) -> Iterator[tuple[Any, Action, Any]]:
    """(state, action, successor) of the first ``limit`` reachable states, breadth first."""
    init = model.init(scope)
    seen, queue = {init}, deque([init])
    while queue and len(seen) <= limit:
        state = queue.popleft()
        for action, nxt in successors(model, scope, state):
            yield state, action, nxt
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)


def _find(model: Model, scope: Scope, command: str, when: Callable[[Any, Any], bool]) -> tuple[Any, Any]:
    for s, action, t in _steps(model, scope):
        if action.name == command and when(s, t):
            return s, t
    raise AssertionError(f"no reachable {command} step with the wanted shape")


# -- the old ReplicaSets' scale-down budget ---------------------------------------------------------


def _adjusted(name: str, scope: Scope) -> tuple[Any, Scope]:
    model = name.split(".", 1)[0]
    (prop,) = catalog.properties(model, [name])
    return prop, prop.adjust(scope)


def test_a_rollout_step_takes_the_whole_budget_from_the_old_replicasets() -> None:
    """Non-vacuous: some scale-down of the old ReplicaSets uses all of maxScaledDown, and none uses more."""
    _, sc = _adjusted("deployment.old_scale_down_within_budget", _scope("deployment", max_unavailable="1"))
    used = set()
    for s, action, t in _steps(d.MODEL, sc):
        if action.name == "deployment-controller.scale_down_old_replicasets":
            down, budget = dp.old_scaled_down(CONCRETE, sc, s, t), dp.old_scale_down_budget(CONCRETE, sc, s, t)
            assert 0 < down <= budget
            used.add(down == budget)
    assert used == {True, False} or used == {True}


def test_a_scale_down_that_ignores_the_new_replicasets_unavailable_replicas_is_rejected() -> None:
    """The model's step that takes the whole budget, read as if one more pod of the new ReplicaSet were
    unavailable (its status one lower): maxScaledDown shrinks by one, the same scale-down exceeds it."""
    prop, sc = _adjusted("deployment.old_scale_down_within_budget", _scope("deployment", max_unavailable="1"))

    def tight(s: Any, t: Any) -> bool:
        down = dp.old_scaled_down(CONCRETE, sc, s, t)
        return (
            down > 0 and down == dp.old_scale_down_budget(CONCRETE, sc, s, t) and s.rs_status_available[t.template] > 0
        )

    s, t = _find(d.MODEL, sc, "deployment-controller.scale_down_old_replicasets", tight)
    assert prop.predicate(CONCRETE, sc, s, t)
    new = t.template
    av = s.rs_status_available
    worse = attrs.evolve(s, rs_status_available=av[:new] + (av[new] - 1,) + av[new + 1 :])
    assert dp.old_scale_down_budget(CONCRETE, sc, worse, t) == dp.old_scaled_down(CONCRETE, sc, worse, t) - 1
    assert not prop.predicate(CONCRETE, sc, worse, t)


def test_user_scaling_is_not_constrained_by_the_rollout_budget() -> None:
    prop, sc = _adjusted("deployment.old_scale_down_within_budget", _scope("deployment", max_unavailable="1"))
    s = d.MODEL.init(sc)
    scaled = attrs.evolve(s, replicas=0, rs_replicas=tuple(0 for _ in s.rs_replicas))
    assert prop.predicate(CONCRETE, sc, s, scaled)


# -- the ReplicaSet's deletion order and Recreate ----------------------------------------------------------


def _not_ready(s: Any, i: int) -> int:
    return sum(d.in_phase(s, phase, i) for phase in ("unscheduled", "pending", "running"))


def _ready(s: Any, i: int) -> int:
    return d.in_phase(s, "ready", i) + d.in_phase(s, "available", i)


def test_a_replicaset_deletes_its_not_ready_pod_and_keeps_the_ready_one_and_the_swap_is_rejected() -> None:
    """Non-vacuous where meaningful: a crash leaves a ReplicaSet with a Ready and a not-Ready pod and a
    scale-down deletes the not-Ready one; the same step deleting the Ready one instead is rejected."""
    prop, sc = _adjusted(
        "deployment.replicaset_deletes_not_ready_pods_first", _scope("deployment", max_unavailable="1", faults="crash")
    )

    def chose(s: Any, t: Any) -> bool:
        return any(
            d.in_phase(s, "running", i) > d.in_phase(t, "running", i)
            and _ready(t, i) > 0
            and _ready(s, i) == _ready(t, i)
            for i in range(len(s.rs_exists))
        )

    s, t = _find(d.MODEL, sc, "replicaset-controller.sync_replicaset", chose)
    assert prop.predicate(CONCRETE, sc, s, t)
    i = next(i for i in range(len(s.rs_exists)) if d.in_phase(s, "running", i) > d.in_phase(t, "running", i))
    ready = "available" if t.available[i] > 0 else "ready"
    swapped = attrs.evolve(
        t,
        running=t.running[:i] + (t.running[i] + 1,) + t.running[i + 1 :],
        **{ready: getattr(t, ready)[:i] + (getattr(t, ready)[i] - 1,) + getattr(t, ready)[i + 1 :]},
    )
    assert _not_ready(swapped, i) > 0
    assert not prop.predicate(CONCRETE, sc, s, swapped)


def test_recreate_waits_for_an_old_pod_terminating_on_the_second_node() -> None:
    """recreate.go waits for every pod of an old ReplicaSet, on every node (oldPodsRunning): this property
    found the model reading the per-node counters at the ReplicaSet's index (fixed in deployment_sync)."""
    result = _result(
        "deployment.recreate_runs_one_revision_at_a_time",
        (("nodes", "2"), ("shared-claim", "true"), ("faults", "evict")),
    )
    assert result.verdict == H


def test_an_old_replicaset_is_deleted_and_deleting_one_the_history_keeps_or_one_with_replicas_is_rejected() -> None:
    """Non-vacuous where meaningful (revisionHistoryLimit 0: at tiny's 10 nothing is ever deleted); the same
    deletion with a limit that keeps the ReplicaSet, or of a ReplicaSet that still has replicas, is rejected."""
    prop, sc = _adjusted(
        "deployment.replicaset_deleted_only_beyond_history",
        _scope("deployment", revision_history_limit="0", rollbacks="1"),
    )

    def deletes(s: Any, t: Any) -> bool:
        return any(s.rs_exists[i] and not t.rs_exists[i] for i in range(len(s.rs_exists)))

    s, t = next((s, t) for s, a, t in _steps(d.MODEL, sc) if a.actor == "deployment-controller" and deletes(s, t))
    assert prop.predicate(CONCRETE, sc, s, t)
    assert not prop.predicate(CONCRETE, attrs.evolve(sc, revision_history_limit=1), s, t)
    i = next(i for i in range(len(s.rs_exists)) if s.rs_exists[i] and not t.rs_exists[i])
    full = attrs.evolve(s, rs_replicas=s.rs_replicas[:i] + (1,) + s.rs_replicas[i + 1 :])
    assert not prop.predicate(CONCRETE, sc, full, t)


# -- a Deployment's containers and its shared claim ---------------------------------------------------


def test_containers_never_run_where_the_volume_is_not_attached_and_the_property_notices_if_they_did() -> None:
    prop, sc = _adjusted(
        "deployment.containers_run_where_claim_attached", _scope("deployment", max_unavailable="1", faults="evict")
    )
    s, t = _find(d.MODEL, sc, "kubelet.start_pod", lambda s, t: True)
    n = next(n for n in range(sc.nodes) if d.on_node(t, n, ("running",)) > d.on_node(s, n, ("running",)))
    assert prop.predicate(CONCRETE, sc, t) and vol.is_attached(t, sc.nodes, 0, n)
    detached = attrs.evolve(t, attached=tuple(False if i == n else a for i, a in enumerate(t.attached)))
    assert not prop.predicate(CONCRETE, sc, detached)


def test_the_volume_stays_while_a_terminating_pod_is_on_the_node_and_is_detached_once_it_is_gone() -> None:
    prop, sc = _adjusted(
        "deployment.claim_detached_only_from_empty_node", _scope("deployment", max_unavailable="1", faults="evict")
    )
    s, t = _find(d.MODEL, sc, "attach-detach.detach_volume", lambda s, t: True)
    assert prop.predicate(CONCRETE, sc, s, t)
    node = next(
        n for n in range(sc.nodes) if vol.is_attached(s, sc.nodes, 0, n) and not vol.is_attached(t, sc.nodes, 0, n)
    )
    assert d.on_node(s, node, ("terminating",)) == 0
    # the same detach with one terminating pod of slot 0 still on that node
    i = node  # slot 0's counter for the node
    early = attrs.evolve(s, terminating=s.terminating[:i] + (s.terminating[i] + 1,) + s.terminating[i + 1 :])
    assert not prop.predicate(CONCRETE, sc, early, t)


# -- StatefulSet maxUnavailable ---------------------------------------------------------------------


def test_parallel_updates_take_down_as_many_replicas_as_max_unavailable_allows_and_no_more() -> None:
    prop, sc = _adjusted(
        "statefulset.update_within_max_unavailable",
        _scope("statefulset", replicas="3", pod_management_policy="Parallel", max_unavailable="2"),
    )
    from kubecheck.model.controllers import statefulset as st

    peak = 0
    for s, action, t in _steps(st.MODEL, sc):
        if action.name == "statefulset-controller.delete_outdated_pod":
            peak = max(peak, sp.unavailable_replicas(CONCRETE, sc, t))
            assert prop.predicate(CONCRETE, sc, s, t)
    assert peak == 2


def test_a_delete_beyond_max_unavailable_is_rejected() -> None:
    from kubecheck.model.controllers import statefulset as st

    prop, sc = _adjusted(
        "statefulset.update_within_max_unavailable",
        _scope("statefulset", replicas="3", pod_management_policy="Parallel", max_unavailable="2"),
    )
    s, t = _find(
        st.MODEL,
        sc,
        "statefulset-controller.delete_outdated_pod",
        lambda s, t: sp.unavailable_replicas(CONCRETE, sc, t) == 2,
    )
    up = next(k for k in range(3) if t.pod_phase[k] == cl.AVAILABLE and not t.pod_terminating[k])
    more = attrs.evolve(t, pod_terminating=tuple(True if k == up else v for k, v in enumerate(t.pod_terminating)))
    assert not prop.predicate(CONCRETE, sc, s, more)


# -- DaemonSet surge ---------------------------------------------------------------------------------


def test_a_daemonset_surges_on_one_node_of_three_and_a_second_surging_node_is_rejected() -> None:
    from kubecheck.model.controllers import daemonset as ds
    from kubecheck.properties import daemonset as dsp

    prop, sc = _adjusted("daemonset.surging_nodes_within_max_surge", _scope("daemonset", nodes="3"))
    surging = [
        s for s, _, _ in _steps(ds.MODEL, sc) if sum(dsp._surging_node(CONCRETE, sc, s, n) for n in range(3)) == 1
    ]
    assert surging, "no state with a surging node: the property would be vacuous"
    s = surging[0]
    (n,) = [n for n in range(3) if dsp._surging_node(CONCRETE, sc, s, n)]
    other = next(m for m in range(3) if m != n)
    # node ``other`` gets the same picture as node n: old available pod, new pod not available
    src, dst = list(ds.node_slots(sc, n)), list(ds.node_slots(sc, other))
    fields = ("pod_phase", "pod_terminating", "pod_rev", "pod_node")
    changes = {}
    for f in fields:
        values = list(getattr(s, f))
        for a, b in zip(src, dst):
            values[b] = values[a] if f != "pod_node" else (other if getattr(s, f)[a] == n else getattr(s, f)[a])
        changes[f] = tuple(values)
    two = attrs.evolve(s, **changes)
    assert sum(dsp._surging_node(CONCRETE, sc, two, m) for m in range(3)) == 2
    assert prop.predicate(CONCRETE, sc, s) and not prop.predicate(CONCRETE, sc, two)


# -- the scheduler and node readiness ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "settings"),
    [
        ("statefulset", {"nodes": "2", "faults": "partition,node-failure"}),
        ("daemonset", {"faults": "partition,node-failure"}),
    ],
)
def test_binds_happen_and_a_bind_to_a_node_that_is_not_ready_is_rejected(model: str, settings: dict) -> None:
    prop = placement.pods_bound_only_to_ready_nodes(model, {})
    sc = with_settings(catalog.model(model).presets["tiny"], settings)
    s, t = _find(catalog.model(model), sc, "scheduler.bind_pod", lambda s, t: True)
    assert prop.predicate(CONCRETE, sc, s, t)
    k = next(k for k in range(len(s.pod_phase)) if s.pod_phase[k] == cl.UNSCHEDULED and cl.is_bound(t, k))
    n = t.pod_node[k]
    for state in (cl.NODE_PARTITIONED, cl.NODE_DOWN):
        not_ready = attrs.evolve(s, node_state=tuple(state if m == n else v for m, v in enumerate(s.node_state)))
        assert not prop.predicate(CONCRETE, sc, not_ready, t)
    gone = attrs.evolve(s, node_exists=tuple(False if m == n else v for m, v in enumerate(s.node_exists)))
    assert not prop.predicate(CONCRETE, sc, gone, t)


@pytest.mark.parametrize(
    ("model", "settings"),
    [
        ("statefulset", {"nodes": "2", "faults": "partition,node-failure"}),
        ("daemonset", {"faults": "partition,node-failure"}),
    ],
)
def test_an_unscheduled_pod_meets_a_node_that_is_not_ready(model: str, settings: dict) -> None:
    """Non-vacuous where meaningful: the scheduler had a not-Ready node to avoid."""
    sc = with_settings(catalog.model(model).presets["tiny"], settings)
    assert any(
        any(p == cl.UNSCHEDULED for p in s.pod_phase) and any(v != cl.NODE_READY for v in s.node_state)
        for s, _, _ in _steps(catalog.model(model), sc)
    )


def test_the_deployment_shared_rows_no_longer_claim_eviction() -> None:
    for prop in dv.PROPERTIES:
        assert "eviction" not in prop.doc and "eviction" not in prop.assumes, prop.name
