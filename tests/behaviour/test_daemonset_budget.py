"""The DaemonSet's PodDisruptionBudget, eviction API, drain and upgrade, driven through the model's own functions
(issue 16; model/controllers/daemonset_disruption.py).

Upstream cases, in our words: disruption.go getScaleController errors for daemonsets.apps ("does not implement the
scale subresource") and failSafe writes disruptionsAllowed 0 keeping the other fields; getExpectedPodCount counts
the selected pods for an integer minAvailable; eviction.go canIgnorePDB / checkAndDecrement / the unhealthy-pod
policy; kubectl filters.go daemonSetFilter with and without --ignore-daemonsets; daemonset_util.go
AddOrUpdateDaemonPodTolerations (a cordon keeps no daemon pod off its node).
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.model.controllers import budget as bu
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import daemonset_disruption as dd
from kubecheck.model.controllers import disruption_util as dsu
from kubecheck.model.controllers.daemonset_scope import PRESETS, DaemonSetScope
from kubecheck.model.kernel.commands import Action, successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import ScopeError, with_settings

C = CONCRETE


def _scope(**settings: str) -> DaemonSetScope:
    base = {"edits": "0", "relabels": "0"}
    return with_settings(PRESETS["tiny"], {**base, **{k.replace("_", "-"): v for k, v in settings.items()}})


def _fired(sc: DaemonSetScope, s) -> list[str]:
    return [a.label for a, _ in successors(ds.MODEL, sc, s)]


@pytest.mark.parametrize(
    "bound", [{"pdb_max_unavailable": "1"}, {"pdb_max_unavailable": "0"}, {"pdb_min_available": "50%"}]
)
def test_a_scale_based_budget_over_daemon_pods_fails_safe_and_keeps_the_written_fields(bound) -> None:
    sc = _scope(**bound)
    s = ds.initial_state(sc)
    assert bu.written_status(s) == (0, 0, 0, 0)  # no sync ever succeeded: the created status
    written = attrs.evolve(s, pdb_allowed=1, pdb_current_healthy=2, pdb_desired_healthy=1, pdb_expected=2)
    assert dd.computed_status(C, sc, written) == (0, 2, 1, 2)


def test_a_scale_based_budget_without_any_pod_computes_over_a_scale_of_zero() -> None:
    sc = _scope(pdb_max_unavailable="1", start="fresh")
    s = ds.initial_state(sc)
    assert dd.selected_pods(C, sc, s) == 0
    assert dd.computed_status(C, sc, attrs.evolve(s, pdb_current_healthy=3)) == (0, 0, 0, 0)


@pytest.mark.parametrize(("least", "allowed"), [("1", 1), ("2", 0), ("0", 2)])
def test_an_integer_min_available_counts_the_pods(least: str, allowed: int) -> None:
    sc = _scope(pdb_min_available=least)
    s = ds.initial_state(sc)
    assert bu.written_status(s) == (allowed, 2, int(least), 2)


def test_every_eviction_of_a_ready_daemon_pod_is_refused_under_max_unavailable() -> None:
    sc = _scope(pdb_max_unavailable="1", scenario="evict")
    s = ds.initial_state(sc)
    assert dd.eviction_outcome(C, sc, s, 0) == dsu.REFUSED_BUDGET
    calls = [a for a, t in successors(ds.MODEL, sc, s) if a.name == "eviction-client.evict_pod"]
    assert calls and all(bu.REFUSED_429 in a.label for a in calls)
    assert all(t == s for a, t in successors(ds.MODEL, sc, s) if a.name == "eviction-client.evict_pod")


def test_an_integer_min_available_below_the_pods_lets_one_eviction_through_and_decrements() -> None:
    sc = _scope(pdb_min_available="1", scenario="evict")
    s = ds.initial_state(sc)
    [(action, t)] = [(a, t) for a, t in successors(ds.MODEL, sc, s) if a.name == "eviction-client.evict_pod"]
    assert bu.EVICTED_201 in action.label
    assert t.pod_terminating[0] and t.pdb_allowed == 0 and t.client_evictions_left == 0


@pytest.mark.parametrize(
    ("phase", "terminating", "outcome"),
    [
        (cl.UNSCHEDULED, False, dsu.EVICTED_IGNORING_BUDGET),  # Pending: canIgnorePDB
        (cl.CREATING, False, dsu.EVICTED_IGNORING_BUDGET),  # Pending, bound
        (cl.READY, True, dsu.EVICTED_IGNORING_BUDGET),  # already terminating
        (cl.RUNNING, False, dsu.REFUSED_BUDGET),  # not Ready, IfHealthyBudget: desiredHealthy 0 as written
        (cl.AVAILABLE, False, dsu.REFUSED_BUDGET),
    ],
)
def test_the_eviction_api_reads_the_daemon_pod(phase: int, terminating: bool, outcome: int) -> None:
    sc = _scope(pdb_max_unavailable="1")
    s = ds.initial_state(sc)
    s = attrs.evolve(
        s,
        pod_phase=bu.set_at(s.pod_phase, 0, phase),
        pod_terminating=bu.set_at(s.pod_terminating, 0, terminating),
    )
    assert dd.eviction_outcome(C, sc, s, 0) == outcome


def test_always_allow_evicts_a_daemon_pod_that_is_not_ready_without_the_budget() -> None:
    sc = _scope(pdb_max_unavailable="1", pdb_unhealthy_policy="AlwaysAllow")
    s = ds.initial_state(sc)
    s = attrs.evolve(s, pod_phase=bu.set_at(s.pod_phase, 0, cl.RUNNING))
    assert dd.eviction_outcome(C, sc, s, 0) == dsu.EVICTED_UNHEALTHY


@pytest.mark.parametrize(("ignore", "fails"), [("true", False), ("false", True)])
def test_daemonset_filter_skips_or_fails(ignore: str, fails: bool) -> None:
    sc = _scope(pdb_max_unavailable="1", scenario="drain", ignore_daemonsets=ignore)
    assert dd.listing_fails(sc) is fails and dd.listing_evicts(sc) is False
    s = attrs.evolve(ds.initial_state(sc), drain_state=dd.LISTING, node_cordoned=(True, False))
    [(_, t)] = [(a, t) for a, t in successors(ds.MODEL, sc, s) if a.name == "kubectl.list_pods"]
    assert t.drain_state == (dd.FAILED if fails else dd.DRAINED)
    assert t.pod_phase == s.pod_phase  # the daemon pods stay either way


def test_a_drain_without_the_flag_of_an_empty_node_finishes() -> None:
    """GetPodsForDeletion lists the pods bound to the node: none, no filter error."""
    sc = _scope(pdb_max_unavailable="1", scenario="drain", ignore_daemonsets="false")
    s = ds.initial_state(sc)
    empty = attrs.evolve(s, pod_phase=bu.set_at(s.pod_phase, 0, cl.NONE), drain_state=dd.LISTING)
    assert dd.pods_bound_to_drained_node(C, sc, empty) == 0
    assert dd._list_effect(C, sc, empty) == {"drain_state": dd.DRAINED}


def test_a_cordoned_node_still_gets_its_daemon_pod() -> None:
    """The controller and the scheduler ignore the cordon (the unschedulable toleration)."""
    sc = _scope(pdb_max_unavailable="1", scenario="drain")
    s = ds.initial_state(sc)
    s = attrs.evolve(s, pod_phase=bu.set_at(s.pod_phase, 0, cl.NONE), node_cordoned=(True, False), drain_state=2)
    labels = _fired(sc, s)
    assert "daemonset-controller.manage" in labels


def test_the_upgrade_replaces_the_node_with_its_bound_pods_only() -> None:
    sc = _scope(pdb_max_unavailable="1", scenario="node-upgrade")
    s = ds.initial_state(sc)
    s = attrs.evolve(s, drain_state=dd.DRAINED, node_cordoned=(True, False))
    t = dd._replace_effect(C, sc, s, 0)
    assert t["pod_phase"][0] == cl.NONE and t["pod_phase"][sc.slots_per_node] == s.pod_phase[sc.slots_per_node]
    assert t["drain_state"] == dd.REPLACED and "pdb_allowed" not in t  # no eviction asked


def test_a_drain_with_a_failure_mode_is_refused_naming_the_scenario() -> None:
    with pytest.raises(ScopeError, match="scenario: expected none or evict"):
        attrs.evolve(_scope(scenario="drain"), failure="never-ready").validate()


def test_the_budget_fields_are_constant_without_a_budget() -> None:
    """Every other DaemonSet scope keeps its states: no field of the budget or the drain varies."""
    s = ds.initial_state(PRESETS["tiny"])
    assert (s.pdb_allowed, s.node_cordoned, s.drain_state, s.client_evictions_left) == (0, (), 0, 0)
    assert not PRESETS["tiny"].has_budget


def test_action_labels_name_the_answer() -> None:
    sc = _scope(pdb_max_unavailable="1", scenario="evict", pdb_second_budget="true")
    s = ds.initial_state(sc)
    labels = [a for a, _ in successors(ds.MODEL, sc, s) if a.name == "eviction-client.evict_pod"]
    assert labels and all(isinstance(a, Action) for a in labels)
    assert all(bu.FAILED_500 in a.label for a in labels)  # two budgets: the 500 comes first
