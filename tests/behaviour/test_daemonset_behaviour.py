"""DaemonSet model behaviours that the property verdicts at ``tiny`` do not reach: nodes that join
and leave, and what counts as a settled node.

Upstream: ``pkg/controller/daemon/daemon_controller.go`` (a node added to the cluster gets the
daemon pod; a deleted node's pods are garbage-collected); the node's life cycle is the user's
(``kubectl delete node``) and the cluster's (a machine joins). Each test walks the model with its
own commands (tests/behaviour/reach.py).
"""

from __future__ import annotations

import attrs
from reach import first_step, steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers.daemonset_scope import START_FRESH
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE

TINY = ds.PRESETS["tiny"]


def test_a_node_joins_only_while_absent_and_comes_up_ready() -> None:
    scope = attrs.evolve(TINY, joins=1)
    before, after = first_step(ds.MODEL, scope, "cluster.add_node")
    [node] = [n for n in range(scope.nodes) if after.node_exists[n] != before.node_exists[n]]
    assert before.node_exists[node] is False and after.node_exists[node] is True
    assert after.node_state[node] == cl.NODE_READY
    assert after.joins_left == before.joins_left - 1


def test_removing_a_node_uses_up_one_removal_and_takes_the_node_down() -> None:
    scope = attrs.evolve(TINY, leaves=1)
    before, after = first_step(ds.MODEL, scope, "user.remove_node")
    [node] = [n for n in range(scope.nodes) if after.node_exists[n] != before.node_exists[n]]
    assert after.node_exists[node] is False and after.node_state[node] == cl.NODE_DOWN
    assert after.leaves_left == before.leaves_left - 1


def test_a_node_running_its_one_available_pod_is_settled() -> None:
    """node_settled (what quiescence and the terminal properties read): where the daemon should
    run, exactly one available, updated pod and nothing terminating is the end of the work."""
    found = 0
    for state, _, _ in steps(ds.MODEL, TINY, limit=2_000):
        for n in range(TINY.nodes):
            done = (
                bool(ds.should_run(CONCRETE, state, n))
                and ds.pods_on(CONCRETE, TINY, state, n) == 1
                and bool(ds.has_available_pod(CONCRETE, TINY, state, n, True))
                and not any(state.pod_terminating[k] for k in ds.node_slots(TINY, n))
            )
            if done:
                found += 1
                assert ds.node_settled(CONCRETE, TINY, state, n)
    assert found > 0


def test_under_surge_a_node_whose_old_pod_is_unavailable_gets_its_replacement_outside_the_surge_budget() -> None:
    """rollingUpdate with maxSurge > 0 (``pkg/controller/daemon/update.go``): an out-of-date pod
    that is not available on a node that should run the daemon is "allowed to become a
    replacement" — the node joins ``allowedNewNodes`` and gets a new pod beside the old one in
    the same sync, whatever Go's map order picked (only the *available* old pods compete for
    the remaining maxSurge). The old pod stays until the new one is available."""
    scope = attrs.evolve(
        TINY, start=START_FRESH, relabels=0, max_unavailable=IntOrPercent(0), max_surge=IntOrPercent(1)
    )
    found = 0
    for state, action, nxt in steps(ds.MODEL, scope):
        if action.command.name != "daemonset-controller.rolling_update":
            continue
        for n in range(scope.nodes):
            live = [
                k for k in ds.node_slots(scope, n) if state.pod_phase[k] != cl.NONE and not state.pod_terminating[k]
            ]
            if not (ds.should_run(CONCRETE, state, n) and len(live) == 1):
                continue
            [old] = live
            if du.is_pod_updated(state.pod_rev[old], state.template) or state.pod_phase[old] == cl.AVAILABLE:
                continue
            found += 1
            created = [
                k
                for k in ds.node_slots(scope, n)
                if state.pod_phase[k] == cl.NONE and nxt.pod_phase[k] == cl.UNSCHEDULED
            ]
            assert [nxt.pod_rev[k] for k in created] == [nxt.template], (state, action)
            assert not nxt.pod_terminating[old] and nxt.pod_phase[old] == state.pod_phase[old]
    assert found > 0


SURGE = attrs.evolve(ds.PRESETS["small"], max_unavailable=IntOrPercent(0), max_surge=IntOrPercent(1))


def _live(scope, state, n: int) -> list[int]:
    return [k for k in ds.node_slots(scope, n) if state.pod_phase[k] != cl.NONE and not state.pod_terminating[k]]


def test_under_surge_manage_deletes_an_old_pod_that_is_not_ready_once_an_updated_pod_is_beside_it() -> None:
    """podsShouldBeOnNode with maxSurge > 0 (``daemon_controller.go``): with the oldest updated
    and the oldest old pod on a node, the old one is deleted when it is not Ready ("no longer
    ready and will be replaced") or when the updated one is available — in manage, before any
    rolling update runs."""
    found = 0
    for state, action, nxt in steps(ds.MODEL, SURGE, limit=3_000):
        if action.command.name != "daemonset-controller.manage":
            continue
        for n in range(SURGE.nodes):
            live = _live(SURGE, state, n)
            new = [k for k in live if du.is_pod_updated(state.pod_rev[k], state.template)]
            old = [k for k in live if k not in new]
            if len(new) != 1 or len(old) != 1 or state.pod_phase[old[0]] >= cl.READY:
                continue
            if not ds.should_run(CONCRETE, state, n):  # elsewhere every pod goes
                continue
            found += 1
            assert nxt.pod_terminating[old[0]] or nxt.pod_phase[old[0]] == cl.NONE, (state, action)
            assert not nxt.pod_terminating[new[0]] and nxt.pod_phase[new[0]] == state.pod_phase[new[0]]
    assert found > 0


def test_without_surge_an_old_available_pod_on_a_no_schedule_node_is_a_candidate_like_any_other() -> None:
    """rollingUpdate with maxSurge = 0 (``pkg/controller/daemon/update.go``) never reads shouldRun:
    an old available pod on a node tainted NoSchedule since it was placed is one of the
    candidates the sync deletes within maxUnavailable, as on an eligible node."""
    found = 0
    for state, action, nxt in steps(ds.MODEL, TINY):
        if action.command.name != "daemonset-controller.rolling_update":
            continue
        for n in range(TINY.nodes):
            if state.node_class[n] != du.NO_SCHEDULE:
                continue
            for k in _live(TINY, state, n):
                old = not du.is_pod_updated(state.pod_rev[k], state.template)
                if old and state.pod_phase[k] == cl.AVAILABLE and nxt.pod_terminating[k]:
                    found += 1
    assert found > 0


def test_under_surge_a_rolling_update_keeps_the_old_pod_until_the_updated_pod_beside_it_is_available() -> None:
    """rollingUpdate with maxSurge > 0 (``update.go``): on a node with an old and an updated pod
    the old one is deleted only once the updated one is available; until then the node only
    counts toward numSurge — whatever the node's class (a NoSchedule node included). (Once the
    updated pod is available, manage deletes the old one first: podsShouldBeOnNode.)"""
    kept = 0
    for state, action, nxt in steps(ds.MODEL, SURGE, limit=3_000):  # a relabel makes a node NoSchedule
        if action.command.name != "daemonset-controller.rolling_update":
            continue
        for n in range(SURGE.nodes):
            live = _live(SURGE, state, n)
            new = [k for k in live if du.is_pod_updated(state.pod_rev[k], state.template)]
            old = [k for k in live if k not in new]
            if len(new) != 1 or len(old) != 1 or state.pod_phase[new[0]] == cl.AVAILABLE:
                continue
            kept += 1
            assert not nxt.pod_terminating[old[0]] and nxt.pod_phase[old[0]] != cl.NONE, (state, action)
    assert kept > 0


def test_without_surge_a_rolling_update_deletes_every_old_pod_that_is_not_available() -> None:
    """rollingUpdate with maxSurge = 0 (``update.go``): an old pod that is not available "is
    replaced now" — deleted in this sync, whatever Go's map order picked, and counted toward
    numUnavailable before the available candidates are taken."""
    scope = ds.PRESETS["small"]
    found = 0
    for state, action, nxt in steps(ds.MODEL, scope, limit=2_500):
        if action.command.name != "daemonset-controller.rolling_update":
            continue
        for n in range(scope.nodes):
            live = _live(scope, state, n)
            if len(live) != 1 or du.is_pod_updated(state.pod_rev[live[0]], state.template):
                continue
            if state.pod_phase[live[0]] == cl.AVAILABLE:
                continue
            found += 1
            assert nxt.pod_terminating[live[0]] or nxt.pod_phase[live[0]] == cl.NONE, (state, action)
    assert found > 0


def test_under_surge_a_rolling_update_prunes_a_no_schedule_node_only_above_the_desired_available_count() -> None:
    """rollingUpdate with maxSurge > 0 (``update.go``): an old available pod on a node that should
    not run the daemon is deleted only while numAvailable - desiredNumberScheduled > 0, where
    numAvailable counts the nodes whose pod is *available* (an updated pod still starting does
    not count): pruning never takes the available nodes below the desired count."""
    pruned = 0
    for state, action, nxt in steps(ds.MODEL, SURGE, limit=3_000):
        if action.command.name != "daemonset-controller.rolling_update":
            continue
        desired = sum(bool(ds.should_run(CONCRETE, state, n)) for n in range(SURGE.nodes))
        for n in range(SURGE.nodes):
            if ds.should_run(CONCRETE, state, n):
                continue
            for k in _live(SURGE, state, n):
                if state.pod_phase[k] == cl.AVAILABLE and nxt.pod_terminating[k]:
                    pruned += 1
                    available = sum(
                        any(nxt.pod_phase[j] == cl.AVAILABLE for j in _live(SURGE, nxt, m)) for m in range(SURGE.nodes)
                    )
                    assert available >= desired, (state, action)
    assert pruned > 0


def test_under_surge_a_node_not_joined_yet_does_not_stop_the_rolling_update() -> None:
    """rollingUpdate with maxSurge > 0 (``update.go``) looks a node up (``nodeLister.Get``, whose
    error ends the sync) only for a node with an old pod and no updated one; a node without a
    Node object and without pods is not in the node-to-pods map at all, so surge pods are
    created elsewhere while it is absent."""
    found = 0
    for state, action, nxt in steps(ds.MODEL, SURGE, limit=3_000):
        if action.command.name != "daemonset-controller.rolling_update":
            continue
        absent = [n for n in range(SURGE.nodes) if not state.node_exists[n] and not _live(SURGE, state, n)]
        created = [k for k in range(SURGE.pod_slots) if state.pod_phase[k] == cl.NONE != nxt.pod_phase[k]]
        if absent and created:
            found += 1
    assert found > 0
