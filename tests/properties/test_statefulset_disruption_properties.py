"""Verdicts of the StatefulSet's disruption rows (issue 16 items 1, 2, 7), and what their traces show.

Pinned per scope (``tiny`` with a budget; the drain rows raise nodes to two and take the template
edit and the scale away): each row's verdict, the states explored and the length of its shortest
trace or lasso — read off runs of this tree; a change is a change of semantics to explain. Then the
behaviours the rows rest on, checked on the traces and on the model's own guards:

* a budget whose desiredHealthy equals the replicas (minAvailable 2, maxUnavailable 0) blocks the drain
  for ever: the lasso ends in one eviction answered 429 Too Many Requests with disruptionsAllowed 0,
  retried for ever (kubectl's evictPods, ``--timeout`` 0);
* waitForDelete counts ``web-0`` gone once its name holds a pod with another UID: the drain finishes
  while the StatefulSet's replacement ``web-0`` is Pending, not when it is Ready;
* the scheduler never binds to a cordoned node, and no StatefulSet controller step touches the budget;
* the eviction API's answers for the set's pods (canIgnorePDB for a ContainerCreating pod, the
  unhealthy-pod policy, checkAndDecrement's 429).
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.cli import trace_text
from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers import statefulset_disruption as sd
from kubecheck.model.controllers.statefulset import MODEL, PRESETS
from kubecheck.model.controllers.statefulset_state import StatefulSetState
from kubecheck.model.kernel.commands import apply, successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import ScopeError, with_settings
from kubecheck.properties import catalog
from kubecheck.properties import statefulset_disruption as sdp

H, V = Verdict.HOLDS, Verdict.VIOLATED

SETTINGS = {
    "min1": {"pdb-min-available": "1"},
    "min2": {"pdb-min-available": "2"},
    "max1": {"pdb-max-unavailable": "1"},
    "max0": {"pdb-max-unavailable": "0"},
    "half": {"pdb-min-available": "50%"},
    "parallel-max1": {"pdb-max-unavailable": "1", "pod-management-policy": "Parallel"},
    "max1-always-allow": {"pdb-max-unavailable": "1", "pdb-unhealthy-policy": "AlwaysAllow"},
    "min1-two-budgets": {"pdb-min-available": "1", "pdb-second-budget": "true"},
}
SCOPES = {name: with_settings(PRESETS["tiny"], settings) for name, settings in SETTINGS.items()}

# property short name -> (verdict, states explored, shortest trace / lasso length or None), per scope
EXPECTED: dict[str, dict[str, tuple[Verdict, int, int | None]]] = {
    "min1": {
        "drain_eventually_completes": (H, 1001, None),
        "budget_floor_holds_under_evictions": (H, 1001, None),
        "upgrade_completes": (H, 2892, None),
        "upgrade_keeps_floor": (H, 2892, None),
        "budget_can_allow_an_eviction": (H, 33, None),
    },
    "min2": {  # desiredHealthy = replicas: disruptionsAllowed stays 0
        "drain_eventually_completes": (V, 657, 13),
        "budget_floor_holds_under_evictions": (H, 657, None),
        "upgrade_completes": (V, 1609, 14),
        "upgrade_keeps_floor": (H, 1609, None),
        "budget_can_allow_an_eviction": (V, 33, 11),
    },
    "max1": {  # a maxUnavailable reads the set's spec.replicas (getPodStatefulSet)
        "drain_eventually_completes": (H, 784, None),
        "budget_floor_holds_under_evictions": (H, 784, None),
        "upgrade_completes": (H, 2236, None),
        "upgrade_keeps_floor": (H, 2236, None),
        "budget_can_allow_an_eviction": (H, 28, None),
    },
    "max0": {
        "drain_eventually_completes": (V, 534, 13),
        "budget_floor_holds_under_evictions": (H, 534, None),
        "upgrade_completes": (V, 1311, 14),
        "upgrade_keeps_floor": (H, 1311, None),
        "budget_can_allow_an_eviction": (V, 28, 11),
    },
    "half": {  # 50% of 2 rounds up to 1: as max1
        "drain_eventually_completes": (H, 784, None),
        "budget_floor_holds_under_evictions": (H, 784, None),
        "upgrade_completes": (H, 2236, None),
        "upgrade_keeps_floor": (H, 2236, None),
        "budget_can_allow_an_eviction": (H, 28, None),
    },
    "parallel-max1": {
        "drain_eventually_completes": (H, 2797, None),
        "budget_floor_holds_under_evictions": (H, 2797, None),
        "upgrade_completes": (H, 8574, None),
        "upgrade_keeps_floor": (H, 8574, None),
        "budget_can_allow_an_eviction": (H, 61, None),
    },
    "max1-always-allow": {
        "drain_eventually_completes": (H, 790, None),
        "budget_floor_holds_under_evictions": (H, 790, None),
        "upgrade_completes": (H, 2254, None),
        "upgrade_keeps_floor": (H, 2254, None),
        "budget_can_allow_an_eviction": (H, 28, None),
    },
    "min1-two-budgets": {  # a second budget over the same pods: the first Ready pod's eviction answers 500
        "drain_eventually_completes": (V, 863, 13),
        "budget_floor_holds_under_evictions": (H, 863, None),
        "upgrade_completes": (V, 1952, 13),
        "upgrade_keeps_floor": (H, 1952, None),
        "budget_can_allow_an_eviction": (H, 33, None),
    },
}


@cache
def results(name: str) -> dict[str, Result]:
    """Every StatefulSet disruption row at one scope, checked once per test session."""
    return {r.property.short: r for r in run.check(Task(MODEL, SCOPES[name], list(sdp.PROPERTIES)))}


def test_the_expected_tables_cover_the_property_table() -> None:
    names = sorted(p.short for p in sdp.PROPERTIES)
    for table in EXPECTED.values():
        assert sorted(table) == names, "a property was added or removed: pin its verdicts here"
    assert sorted(EXPECTED) == sorted(SCOPES)


def test_the_rows_are_in_the_statefulset_catalog_and_group() -> None:
    listed = [p.name for p in catalog.properties("statefulset")]
    assert all(p.name in listed for p in sdp.PROPERTIES)
    assert [p.name for p in catalog.properties("statefulset", ["disruption"])] == [p.name for p in sdp.PROPERTIES]


@pytest.mark.parametrize(("name", "short"), [(n, s) for n in EXPECTED for s in EXPECTED[n]])
def test_verdict_states_and_trace_length(name: str, short: str) -> None:
    r = results(name)[short]
    verdict, states, length = EXPECTED[name][short]
    assert r.verdict is verdict, f"{r.property.name} at {name}: {r.verdict.value} ({r.note})"
    assert r.stats.states == states
    assert (len(r.trace.steps) if r.trace is not None else None) == length
    assert r.scope == r.property.adjust(SCOPES[name])


# -- the blocked drain: a lasso of 429s ---------------------------------------------------------


@pytest.mark.parametrize("name", ["min2", "max0"])
def test_a_budget_at_the_replicas_blocks_the_drain_with_429_for_ever(name: str) -> None:
    r = results(name)["drain_eventually_completes"]
    trace = r.trace
    assert r.verdict is V and trace.loop is not None
    last = trace.steps[-1]
    assert last.action.name == "kubectl.evict_pod" and last.action.kwargs["answer"] == sd.REFUSED_429
    assert last.changes == {}  # a 429 changes nothing: kubectl retries the same call
    looping = trace.states[trace.loop]
    assert looping.pdb_allowed == 0 and looping.drain_state == sd.EVICTING and looping.node_cordoned[0]
    assert sd.listed_pods_left(CONCRETE, r.scope, looping) >= 1
    assert "disruptionsAllowed 0" in r.property.explain(r.scope, looping)


def test_the_blocked_drain_reads_in_kubernetes_words() -> None:
    text = "\n".join(trace_text.steps(results("min2")["drain_eventually_completes"].trace))
    for words in (
        "PodDisruptionBudget status.disruptionsAllowed 0, status.currentHealthy 0, status.desiredHealthy 2",
        "PodDisruptionBudget status.currentHealthy 0 → 2, status.expectedPods 0 → 2",
        "node/node-a cordoned (spec.unschedulable true)",
        "kubectl drain node-a: not running → evicting",
        "[kubectl] evict_pod(pod=web-0, answer=eviction refused: 429 Too Many Requests)",
    ):
        assert words in text, words


@pytest.mark.parametrize("name", ["min2", "max0"])
def test_a_budget_at_the_replicas_never_allows_an_eviction(name: str) -> None:
    r = results(name)["budget_can_allow_an_eviction"]
    assert r.verdict is V and r.trace.loop is not None
    assert all(s.pdb_allowed == 0 for s in r.trace.states)
    assert r.trace.last.pdb_desired_healthy == 2 and r.trace.last.pdb_current_healthy == 2


# -- waitForDelete: a pod of the same name with another UID is gone ----------------------------------


def _drain_scope() -> object:
    [prop] = catalog.properties("statefulset", ["drain_eventually_completes"])
    return prop.adjust(SCOPES["min1"])


def _do(scope: object, s: StatefulSetState, name: str, **kwargs: object) -> StatefulSetState:
    """The successor of ``s`` by the enabled action ``name`` with ``kwargs`` (the model's own step)."""
    [action] = [a for a in MODEL.actions(scope) if a.name == name and a.kwargs == kwargs]
    nxt = apply(action, scope, s)
    assert nxt is not None, f"{action.label} is not enabled"
    return nxt


def _enabled(scope: object, s: StatefulSetState, name: str) -> bool:
    return any(a.name == name for a, _ in successors(MODEL, scope, s))


def _both_ready_and_draining(
    scope: object, nodes: tuple[int, int] = (0, 1), drain: str = "user.drain_node", **kwargs: object
) -> StatefulSetState:
    """web-0 and web-1 Ready on ``nodes`` (OrderedReady: web-0 first), the budget synced, node-a draining."""
    s = MODEL.init(scope)
    for pod, node in enumerate(nodes):
        s = _do(scope, s, "statefulset-controller.create_pod")
        s = _do(scope, s, "scheduler.bind_pod", pod=pod, node=node)
        s = _do(scope, s, "attach-detach.attach_volume", claim=pod, node=node)
        s = _do(scope, s, "kubelet.start_pod", pod=pod, node=node)
        s = _do(scope, s, "kubelet.pod_ready", pod=pod, node=node)
    s = _do(scope, s, "disruption-controller.sync_budget")
    assert (s.pdb_allowed, s.pdb_current_healthy, s.pdb_desired_healthy, s.pdb_expected) == (1, 2, 1, 2)
    return _do(scope, s, drain, **kwargs)


def test_the_drain_does_not_wait_for_the_replacement_of_the_same_name() -> None:
    scope = _drain_scope()
    s = _do(scope, _both_ready_and_draining(scope), "kubectl.evict_pod", pod=0, answer=sd.EVICTED_201)
    assert s.pod_terminating[0] and s.pdb_allowed == 0  # checkAndDecrement wrote disruptionsAllowed − 1
    assert not _enabled(scope, s, "kubectl.drain_finishes")  # web-0 (this UID) is still Terminating on node-a
    s = _do(scope, s, "kubelet.pod_terminated", pod=0, node=0)
    s = _do(scope, s, "statefulset-controller.create_pod")  # web-0 again: same name, another UID
    assert s.pod_phase[0] == cl.UNSCHEDULED and cl.exists(s, 0)
    assert _enabled(scope, s, "kubectl.drain_finishes"), "waitForDelete: the name holds another UID"
    done = _do(scope, s, "kubectl.drain_finishes")
    assert done.drain_state == sd.DRAINED and done.pod_phase[0] == cl.UNSCHEDULED  # not Ready yet
    lines = trace_text.describer(MODEL, scope).changes(s, done, {"drain_state": (s.drain_state, done.drain_state)})
    assert lines == ["kubectl drain node-a: evicting → drained"]
    binds = [a.kwargs["node"] for a, _ in successors(MODEL, scope, done) if a.name == "scheduler.bind_pod"]
    assert binds == [1]  # node-a is still cordoned: the replacement can only go to node-b


def test_a_second_eviction_waits_for_the_budget_to_see_the_replacement() -> None:
    """minAvailable 1 of 2: after web-0's eviction disruptionsAllowed is 0, so web-1's call is a 429 until the
    replacement is Ready and the disruption controller has written the new status."""
    scope = _drain_scope()
    s = _both_ready_and_draining(scope, nodes=(0, 0))  # both pods on node-a
    s = _do(scope, s, "kubectl.evict_pod", pod=0, answer=sd.EVICTED_201)
    refused = _do(scope, s, "kubectl.evict_pod", pod=1, answer=sd.REFUSED_429)
    assert refused == s
    assert sd.eviction_outcome(CONCRETE, scope, s, 1) == dsu.REFUSED_BUDGET
    s = _do(scope, s, "kubelet.pod_terminated", pod=0, node=0)
    s = _do(scope, s, "statefulset-controller.create_pod")
    s = _do(scope, s, "scheduler.bind_pod", pod=0, node=1)
    s = _do(scope, s, "attach-detach.detach_volume", claim=0, node=0) if s.attached[0] else s
    s = _do(scope, s, "attach-detach.attach_volume", claim=0, node=1)
    s = _do(scope, s, "kubelet.start_pod", pod=0, node=1)
    s = _do(scope, s, "kubelet.pod_ready", pod=0, node=1)
    assert sd.eviction_outcome(CONCRETE, scope, s, 1) == dsu.REFUSED_BUDGET  # the status is not written yet
    s = _do(scope, s, "disruption-controller.sync_budget")
    assert s.pdb_allowed == 1
    t = _do(scope, s, "kubectl.evict_pod", pod=1, answer=sd.EVICTED_201)
    assert t.pod_terminating[1] and t.pdb_allowed == 0


def test_the_floor_predicate_fails_on_a_step_that_takes_a_healthy_pod_below_desired_healthy() -> None:
    """The row holds because evictions respect the budget, not because its predicate cannot fail: the same step
    (web-1 made Terminating) with web-0 not Ready drops the healthy pods to 0 < desiredHealthy 1."""
    scope = _drain_scope()
    [prop] = catalog.properties("statefulset", ["budget_floor_holds_under_evictions"])
    s = _both_ready_and_draining(scope, nodes=(0, 0))
    t = attrs.evolve(s, pod_terminating=(False, True))
    assert prop.predicate(CONCRETE, scope, s, t)  # 2 → 1 healthy, floor 1
    s0 = attrs.evolve(s, pod_phase=(cl.RUNNING, cl.READY))
    assert not prop.predicate(CONCRETE, scope, s0, attrs.evolve(s0, pod_terminating=(False, True)))


# -- the model's own guards --------------------------------------------------------------------


def _reachable(scope: object, limit: int) -> list[StatefulSetState]:
    order, seen, i = [MODEL.init(scope)], {MODEL.init(scope)}, 0
    while i < len(order) and len(order) < limit:
        for _, nxt in successors(MODEL, scope, order[i]):
            if nxt not in seen:
                seen.add(nxt)
                order.append(nxt)
        i += 1
    return order[:limit]


def test_the_scheduler_never_binds_to_a_cordoned_node_and_the_controller_never_touches_the_budget() -> None:
    scope = _drain_scope()
    bound = touched = 0
    for s in _reachable(scope, 400):
        for a, t in successors(MODEL, scope, s):
            if a.name == "scheduler.bind_pod":
                assert not s.node_cordoned[a.kwargs["node"]]
                bound += s.node_cordoned[0]
            if a.actor == "statefulset-controller":
                assert all(getattr(s, f) == getattr(t, f) for f in bu.STATUS_FIELDS), a.label
                touched += 1
    assert bound and touched > 50


def _pod_on_a(phase: int, allowed: int, healthy: int, desired: int) -> tuple[object, StatefulSetState]:
    scope = _drain_scope()
    s = attrs.evolve(
        MODEL.init(scope),
        pod_phase=(phase, cl.NONE),
        pod_node=(0, 0),
        pdb_allowed=allowed,
        pdb_current_healthy=healthy,
        pdb_desired_healthy=desired,
        drain_state=sd.EVICTING,
    )
    return scope, s


@pytest.mark.parametrize(
    ("phase", "allowed", "healthy", "desired", "policy", "outcome"),
    [
        # eviction.go canIgnorePDB: a Pending pod (ContainerCreating is phase Pending) and a Failed one go
        (cl.CREATING, 0, 0, 1, None, dsu.EVICTED_IGNORING_BUDGET),
        (cl.FAILED, 0, 0, 1, None, dsu.EVICTED_IGNORING_BUDGET),
        # checkAndDecrement: a Ready pod with disruptionsAllowed 0 is refused, with 1 evicted and decremented
        (cl.READY, 0, 1, 1, None, dsu.REFUSED_BUDGET),
        (cl.READY, 1, 2, 1, None, dsu.EVICTED_DECREMENTED),
        # unhealthyPodEvictionPolicy (TestEvictionPDBStatus's unhealthy cases): IfHealthyBudget lets a
        # not-Ready pod go only while currentHealthy >= desiredHealthy > 0; AlwaysAllow always
        (cl.RUNNING, 0, 1, 1, None, dsu.EVICTED_UNHEALTHY),
        (cl.RUNNING, 0, 0, 1, None, dsu.REFUSED_BUDGET),
        (cl.RUNNING, 0, 0, 1, dsu.ALWAYS_ALLOW, dsu.EVICTED_UNHEALTHY),
    ],
)
def test_eviction_answers_for_a_pod_of_the_set(
    phase: int, allowed: int, healthy: int, desired: int, policy: str | None, outcome: int
) -> None:
    scope, s = _pod_on_a(phase, allowed, healthy, desired)
    if policy is not None:
        scope = attrs.evolve(scope, pdb_unhealthy_policy=policy)
    assert sd.eviction_outcome(CONCRETE, scope, s, 0) == outcome
    answer = sd.EVICTED_201 if dsu.is_evicted(CONCRETE, outcome) else sd.REFUSED_429
    t = _do(scope, s, "kubectl.evict_pod", pod=0, answer=answer)
    assert t.pod_terminating[0] is dsu.is_evicted(CONCRETE, outcome)
    assert t.pdb_allowed == allowed - (outcome == dsu.EVICTED_DECREMENTED)


def test_the_expected_scale_is_the_sets_replicas_once_a_pod_exists() -> None:
    """getPodStatefulSet: maxUnavailable 1 of spec.replicas 2 wants 1 healthy, but only once a pod of the set
    exists (no pod: expectedPods 0 and nothing allowed); an integer minAvailable counts pod objects."""
    scope = with_settings(PRESETS["tiny"], {"pdb-max-unavailable": "1"})
    s = MODEL.init(scope)
    assert sd.computed_status(CONCRETE, scope, s) == (0, 0, 0, 0)
    one = attrs.evolve(s, pod_phase=(cl.READY, cl.NONE))
    assert sd.computed_status(CONCRETE, scope, one) == (0, 1, 1, 2)
    counted = with_settings(PRESETS["tiny"], {"pdb-min-available": "1"})
    assert sd.computed_status(CONCRETE, counted, one) == (0, 1, 1, 1)


# -- the scope's checks --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"pdb-min-available": "1", "pdb-max-unavailable": "1"}, "minAvailable and maxUnavailable cannot be both set"),
        ({"pdb-min-available": "150%"}, "must not be greater than 100%"),
        ({"scenario": "drain", "foreign-pod": "0"}, "scenario: expected none with orphan-deletes"),
    ],
)
def test_the_scope_refuses(settings: dict[str, str], message: str) -> None:
    with pytest.raises(ScopeError, match=message):
        with_settings(PRESETS["tiny"], settings)


@pytest.mark.parametrize(("allowed", "enabled"), [(0, False), (1, True)])
def test_the_evict_fault_asks_the_eviction_api_too(allowed: int, enabled: bool) -> None:
    """The cluster layer's evict fault is another caller of eviction.go: a Ready pod goes only while the budget
    allows it, and the approved call writes disruptionsAllowed − 1 (a refused one is no fault at all)."""
    scope = with_settings(PRESETS["tiny"], {"pdb-min-available": "1", "faults": "evict"})
    s = attrs.evolve(
        MODEL.init(scope),
        pod_phase=(cl.READY, cl.READY),
        pdb_allowed=allowed,
        pdb_current_healthy=2,
        pdb_desired_healthy=1,
        pdb_expected=2,
    )
    assert _enabled(scope, s, "fault.evict_pod") is enabled
    if enabled:
        t = _do(scope, s, "fault.evict_pod", pod=1)
        assert t.pod_terminating[1] and t.pdb_allowed == 0 and t.faults_left == s.faults_left - 1


def test_a_deleted_set_leaves_its_pods_without_a_controller_and_the_sync_fails_safe() -> None:
    """disruption.go getExpectedScale: a pod whose controllerRef no finder resolves (the StatefulSet was deleted;
    a deleted incarnation's UID) fails the sync, and failSafe writes disruptionsAllowed 0, the rest as it was;
    an integer minAvailable asks no finder; an orphan (no controllerRef) is unmanaged and skipped."""
    scale_based = with_settings(PRESETS["tiny"], {"pdb-max-unavailable": "1", "set-deletion": "true"})
    s = attrs.evolve(
        MODEL.init(scale_based),
        pod_phase=(cl.READY, cl.READY),
        pdb_allowed=1,
        pdb_current_healthy=2,
        pdb_desired_healthy=1,
        pdb_expected=2,
    )
    assert sd.computed_status(CONCRETE, scale_based, s) == (1, 2, 1, 2)
    gone = attrs.evolve(s, set_deleted=True, pod_phase=(cl.READY, cl.RUNNING))
    assert sd.computed_status(CONCRETE, scale_based, gone) == (0, 2, 1, 2)  # failSafe
    counted = with_settings(PRESETS["tiny"], {"pdb-min-available": "1", "set-deletion": "true"})
    assert sd.computed_status(CONCRETE, counted, attrs.evolve(gone, pdb_allowed=0)) == (0, 1, 1, 2)
    orphans = with_settings(PRESETS["tiny"], {"pdb-max-unavailable": "1", "orphan-deletes": "1"})
    orphaned = attrs.evolve(
        MODEL.init(orphans), pod_phase=(cl.READY, cl.READY), pod_owner=(1, 1), set_deleted=True, set_orphaned=True
    )
    assert sd.computed_status(CONCRETE, orphans, orphaned) == (0, 2, 0, 0)  # unmanaged: no scale, nothing allowed


def test_without_a_budget_or_drain_the_presets_have_no_disruption_state() -> None:
    for scope in PRESETS.values():
        s = MODEL.init(scope)
        assert (s.pdb_allowed, s.node_cordoned, s.drain_state) == (0, (), 0)
        assert not [a for a in MODEL.actions(scope) if a.name.startswith(("kubectl.", "disruption-controller."))]


# -- the node-pool upgrade: drain, volumes detached, replace, uncordon, next ------------------------------


def _upgrade_scope() -> object:
    [prop] = catalog.properties("statefulset", ["upgrade_completes"])
    return prop.adjust(SCOPES["min1"])


def test_the_upgrade_replaces_a_node_only_once_its_volumes_are_detached() -> None:
    """web-0's ReadWriteOnce volume stays attached to node-a after the drain: the machine is replaced only after
    the attach/detach controller detached it; the claim stays Bound, and the replacement pod attaches it afresh."""
    scope = _upgrade_scope()
    assert scope.is_upgrade and scope.claims and scope.nodes == 2
    s = _both_ready_and_draining(scope, drain="node-pool-upgrade.drain_node", node=0)
    assert s.node_cordoned == (True, False) and s.drain_state == sd.EVICTING
    assert not _enabled(scope, s, "user.drain_node") and not _enabled(scope, s, "user.uncordon")
    s = _do(scope, s, "kubectl.evict_pod", pod=0, answer=sd.EVICTED_201)
    s = _do(scope, s, "kubelet.pod_terminated", pod=0, node=0)
    s = _do(scope, s, "statefulset-controller.create_pod")
    s = _do(scope, s, "kubectl.drain_finishes")
    assert s.drain_state == sd.DRAINED and s.attached[0]  # claim 0 on node-a (index claim * nodes + node)
    assert sd.volumes_attached_to(CONCRETE, scope, s, 0) == 1
    assert not _enabled(scope, s, "node-pool-upgrade.replace_node")
    assert _enabled(scope, s, "attach-detach.detach_volume")
    s = _do(scope, s, "attach-detach.detach_volume", claim=0, node=0)
    replaced = _do(scope, s, "node-pool-upgrade.replace_node", node=0)
    assert replaced.drain_state == sd.REPLACED and replaced.node_cordoned == (True, False)
    assert replaced.pvc == s.pvc and all(replaced.pvc) and replaced.attached == s.attached  # claims stay Bound
    done = _do(scope, replaced, "node-pool-upgrade.uncordon_node", node=0)
    assert (done.node_cordoned, done.drain_state, done.upgrade_node) == ((False, False), sd.IDLE, 1)
    lines = trace_text.describer(MODEL, scope).changes(
        replaced,
        done,
        {f: (getattr(replaced, f), getattr(done, f)) for f in ("node_cordoned", "drain_state", "upgrade_node")},
    )
    assert "kubectl drain node-a: node replaced → not running" in lines
    assert "node-pool upgrade: 0 → 1 of 2 nodes done" in lines
    binds = sorted(a.kwargs["node"] for a, _ in successors(MODEL, scope, done) if a.name == "scheduler.bind_pod")
    assert binds == [0, 1]  # the fresh node-a takes pods again
    s = _do(
        scope, _do(scope, done, "scheduler.bind_pod", pod=0, node=0), "attach-detach.attach_volume", claim=0, node=0
    )
    assert s.attached[0] and s.claim_home[0] == 1  # attached again on node-a: its first home
    assert _do(scope, s, "node-pool-upgrade.drain_node", node=1).node_cordoned == (False, True)


def test_the_upgrade_predicate_is_false_until_every_node_is_done() -> None:
    scope = _upgrade_scope()
    [prop] = catalog.properties("statefulset", ["upgrade_completes"])
    s = MODEL.init(scope)
    assert [prop.predicate(CONCRETE, scope, attrs.evolve(s, upgrade_node=n)) for n in range(3)] == [
        False,
        False,
        True,
    ]
    assert "node-pool upgrade done" in prop.explain(scope, attrs.evolve(s, upgrade_node=2))


@pytest.mark.parametrize("name", ["min2", "max0"])
def test_a_budget_at_the_replicas_blocks_the_upgrade_at_its_first_node(name: str) -> None:
    r = results(name)["upgrade_completes"]
    assert r.verdict is V and r.trace is not None and r.trace.loop is not None
    last = r.trace.steps[-1]
    assert last.action.name == "kubectl.evict_pod" and last.action.kwargs["answer"] == sd.REFUSED_429
    looping = r.trace.states[r.trace.loop]
    assert looping.upgrade_node == 0 and looping.drain_state == sd.EVICTING and looping.pdb_allowed == 0
