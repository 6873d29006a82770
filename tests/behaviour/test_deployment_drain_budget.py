"""``kubectl drain`` of a Deployment's node under a PodDisruptionBudget (model/controllers/disruption.py),
read off the transitions the model produces (tests/behaviour/reach.py).

Upstream (Kubernetes v1.35): the eviction subresource (pkg/registry/core/pod/storage/eviction.go,
``checkAndDecrement``) answers 201 and deletes the pod only while the budget's
status.disruptionsAllowed is above 0, and decrements it in the same write; otherwise it answers
429 Too Many Requests and the pod stays. ``kubectl drain node-a`` (staging/.../kubectl/pkg/drain)
evicts only the pods bound to node-a. The disruption controller (pkg/controller/disruption,
``trySync``) then recomputes disruptionsAllowed from the pods it sees.
The drain scenario: ``kubectl drain`` ends (drained) once the node's pods are gone, and only a
drain under way ends; the user uncordons only after it ended. The node-pool upgrade drains,
replaces and uncordons one node at a time (the scenario's ``upgrade_node``).
Kills disruption ``_evict_guard`` 3, 8, 14, 42, ``drained_node`` 3, ``_add`` 3, ``selected_pods`` 5,
``expected_and_desired`` 17, ``_finish_guard`` 20, ``_uncordon_guard`` 1, ``_next_guard`` 4.
"""

from __future__ import annotations

import pytest
from reach import steps

from kubecheck.model.controllers import disruption as dis
from kubecheck.model.controllers.deployment import MODEL, active_pods
from kubecheck.model.kernel.scopes import with_settings

DRAIN = {"nodes": "2", "scenario": "drain", "edits": "0"}
SCOPE = with_settings(MODEL.presets["tiny"], DRAIN | {"pdb-min-available": "1"})
MAX_UNAVAILABLE = with_settings(MODEL.presets["tiny"], DRAIN | {"pdb-max-unavailable": "1"})
UPGRADE = with_settings(MODEL.presets["tiny"], DRAIN | {"pdb-min-available": "1", "scenario": "node-upgrade"})


def _pods(s) -> int:
    return sum(active_pods(s, t) for t in range(len(s.rs_exists)))


@pytest.mark.parametrize("scope", [SCOPE, MAX_UNAVAILABLE], ids=["minAvailable 1", "maxUnavailable 1"])
def test_an_eviction_succeeds_only_within_the_budget_and_uses_one_disruption_up(scope) -> None:
    answers = {dis.EVICTED_201: 0, dis.REFUSED_429: 0}
    budget_syncs = 0
    for s, action, t in steps(MODEL, scope, limit=200):
        if action.name == "disruption-controller.sync_budget":
            budget_syncs += 1
        if action.name != "kubectl.evict_pod":
            continue
        assert action.kwargs["node"] == 0, action.label  # the drained node is node-a
        answer = action.kwargs["answer"]
        answers[answer] += 1
        if answer == dis.EVICTED_201:
            assert s.pdb_allowed > 0, action.label
            assert t.pdb_allowed == s.pdb_allowed - 1
            assert sum(t.terminating) == sum(s.terminating) + 1 and _pods(t) == _pods(s) - 1
        else:
            assert s.pdb_allowed == 0 or s.pdb_stale, action.label
            assert (t.terminating, t.available, t.pdb_allowed) == (s.terminating, s.available, s.pdb_allowed)
    assert all(answers.values()) and budget_syncs, answers


def test_only_a_drain_under_way_ends_and_the_user_uncordons_only_after_it_ended() -> None:
    ended = uncordoned = 0
    for s, action, _t in steps(MODEL, SCOPE, limit=250):
        if action.name == "kubectl.drain_finishes":
            ended += 1
            assert s.drain_state == dis.EVICTING, action.label
        elif action.name == "user.uncordon":
            uncordoned += 1
            assert s.drain_state in (dis.DRAINED, dis.FAILED), action.label
    assert ended and uncordoned


def test_a_node_pool_upgrade_works_on_one_node_at_a_time() -> None:
    seen: set[str] = set()
    for s, action, _t in steps(MODEL, UPGRADE, limit=250):
        if action.name.startswith("node-pool-upgrade."):
            seen.add(action.name)
            assert action.kwargs["node"] == s.upgrade_node, action.label
    assert "node-pool-upgrade.uncordon_node" in seen, seen
