"""Node counts of the placed models (issue 14 item 4): a property states the fewest nodes it needs
(``Property.min_nodes``), never fixes a count, and runs at the user's ``--set nodes=3``.

* every StatefulSet and DaemonSet row's adjustment keeps the user's node count when it is at least the
  row's minimum and raises it to the minimum otherwise;
* a user's count below the minimum is refused (exit 2) naming the value needed and the user's;
* every row gives a verdict at ``tiny`` with ``--set nodes=3`` (pinned: verdict and explored states of
  the adjusted scope's exploration, shared by the rows that adjust to the same scope, as in
  test_statefulset_properties.py);
* the replacement after a node failure is told apart: on another node, or back on the node it first
  ran on (both witnessed at three nodes, where "another" is either survivor).
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.model.kernel.scopes import ScopeError
from kubecheck.properties import catalog

H, V, W = "HOLDS", "VIOLATED", "WITNESSED"
PLACED = ("statefulset", "daemonset")
ROWS = [p for m in PLACED for p in catalog.properties(m)]

#: name -> (verdict, states) at tiny with --set nodes=3 (measured when written; tiny's own are in the
#: per-model tables).
AT_THREE_NODES = {
    "statefulset.at_most_one_pod_object_per_identity": (H, 3553),
    "statefulset.at_most_one_running_instance": (H, 53791),
    "statefulset.at_most_one_running_instance_with_force_delete": (V, 1559),
    "statefulset.at_most_one_running_instance_with_node_delete": (V, 5222),
    "statefulset.pods_created_in_ordinal_order": (H, 3553),
    "statefulset.pods_created_in_ordinal_order_under_parallel": (V, 256),
    "statefulset.pods_removed_in_reverse_order": (H, 3553),
    "statefulset.pod_mounts_own_claim": (H, 3553),
    "statefulset.identity_stable_across_rescheduling": (H, 34119),
    "statefulset.partition_respected": (H, 979),
    "statefulset.claims_follow_retention_policy": (H, 3553),
    "statefulset.in_range_claims_kept": (V, 353),
    "statefulset.set_deletion_is_unordered": (W, 422),
    "statefulset.live_revisions_kept": (H, 274044),
    "statefulset.history_truncated_oldest_first": (H, 298482),
    "statefulset.undo_reuses_revision": (W, 83),
    "statefulset.parallel_runs_ahead": (W, 256),
    "statefulset.rolling_update_completes": (W, 3553),
    "statefulset.pod_reattaches_claim_after_rescheduling": (W, 34119),
    "statefulset.rolling_update_eventually_completes": (H, 3553),
    "statefulset.rolling_update_eventually_completes_with_broken_release": (V, 272),
    "statefulset.scale_eventually_completes": (H, 3553),
    "statefulset.condemned_claims_eventually_deleted": (V, 3976),
    "statefulset.revert_converges_without_manual_delete": (V, 608),
    "statefulset.revert_converges_with_forced_rollback": (H, 994),
    "statefulset.scale_down_proceeds_while_a_pod_is_unhealthy": (V, 320),
    "statefulset.scale_down_resumes_after_repair": (H, 618),
    "statefulset.rolling_update_proceeds_while_a_pod_is_unhealthy": (V, 1846),
    "statefulset.rolling_update_resumes_after_repair": (H, 3060),
    "statefulset.recovers_after_node_failure": (H, 2867),
    "statefulset.recovers_after_node_failure_without_intervention": (V, 1658),
    "statefulset.replacement_lands_on_another_node": (W, 701),
    "statefulset.replacement_lands_on_its_old_node": (W, 701),
    "statefulset.finished_or_deleted": (H, 3553),
    "statefulset.update_within_max_unavailable": (H, 3553),
    "statefulset.pods_bound_only_to_ready_nodes": (H, 3553),
    "statefulset.rwo_volume_attached_to_one_node": (H, 34119),
    "statefulset.rwop_claim_used_by_one_pod": (H, 34119),
    "statefulset.no_writer_on_read_only_many": (V, 28),
    "statefulset.pod_waits_for_multi_attach": (W, 34119),
    "statefulset.pod_waiting_for_volume_eventually_runs": (H, 34119),
    # the one search over a minute's fraction: partition and force-delete on three nodes (about 45 s)
    "statefulset.pod_waiting_for_volume_eventually_runs_after_force_delete": (H, 613342),
    "statefulset.foreign_pod_never_touched": (H, 10040),
    "statefulset.rollout_completes_despite_foreign_pod": (V, 2260),
    "statefulset.orphans_adopted_after_recreate": (H, 19433),
    "statefulset.recreated_set_rolls_out": (H, 19433),
    "statefulset.recreated_set_finds_outdated_orphan": (W, 19433),
    "statefulset.claims_kept_after_orphan_delete": (H, 23840),
    "statefulset.at_most_one_pod_object_per_identity_across_recreate": (H, 19433),
    "statefulset.claims_kept_across_orphan_delete_and_recreate": (H, 23840),
    "statefulset.claims_kept_across_background_delete_and_recreate": (V, 167),
    # a PodDisruptionBudget and kubectl drain node-a (issue 16, session 9)
    "statefulset.drain_eventually_completes": (H, 2454),
    "statefulset.budget_floor_holds_under_evictions": (H, 2454),
    "statefulset.upgrade_completes": (H, 17022),
    "statefulset.upgrade_keeps_floor": (H, 17022),
    "statefulset.budget_can_allow_an_eviction": (H, 195),
    "daemonset.at_most_one_pod_per_node": (H, 765),
    "daemonset.at_most_two_pods_per_node_while_surging": (H, 1942),
    "daemonset.at_most_two_pods_per_node_while_surging_with_evictions": (V, 50),
    "daemonset.no_pod_on_ineligible_node": (V, 765),
    "daemonset.pods_created_only_where_they_should_run": (H, 765),
    "daemonset.availability_floor": (H, 69),
    "daemonset.availability_floor_with_faults": (V, 30),
    "daemonset.rollout_completes_on_every_eligible_node": (W, 69),
    "daemonset.new_node_gets_pod": (W, 186),
    "daemonset.finished_or_stuck": (V, 765),
    "daemonset.runs_on_every_eligible_node": (H, 69),
    "daemonset.runs_on_every_eligible_node_with_relabels": (V, 765),
    "daemonset.runs_on_every_eligible_node_with_partition": (V, 744),
    "daemonset.recovers_after_node_failure": (H, 29),
    "daemonset.recovers_after_node_failure_without_intervention": (V, 8),
    "daemonset.pods_bound_only_to_ready_nodes": (H, 765),
    "daemonset.surging_nodes_within_max_surge": (H, 136),
    # a PodDisruptionBudget over the DaemonSet's pods, an eviction client, kubectl drain, a node-pool upgrade (issue 16)
    "daemonset.budget_can_allow_an_eviction": (V, 1),
    "daemonset.budget_floor_holds_under_evictions": (H, 1),
    "daemonset.drain_eventually_completes": (H, 4),
    "daemonset.drained_node_keeps_its_pod": (W, 3),
    "daemonset.upgrade_completes": (H, 277),
    "daemonset.upgrade_keeps_floor": (V, 18),
}
_RESULTS: dict[str, object] = {}


def _tiny(model: str, nodes: int):
    return attrs.evolve(catalog.model(model).presets["tiny"], nodes=nodes)


def _groups() -> list[tuple[str, ...]]:
    """The rows by the scope they adjust tiny-with-nodes=3 to (one exploration each), in table order."""
    groups: dict[tuple[str, object], list[str]] = {}
    for p in ROWS:
        groups.setdefault((p.model, p.adjust(_tiny(p.model, 3))), []).append(p.name)
    return [tuple(names) for names in groups.values()]


GROUPS = _groups()


def _check_group(names: tuple[str, ...]) -> dict[str, object]:
    model = names[0].split(".", 1)[0]
    props = tuple(catalog.properties(model, list(names)))
    results = run.check(Task(catalog.model(model), _tiny(model, 3), props, user_set=("nodes",)))
    return {r.property.name: r for r in results}


def _at_three_nodes(name: str):
    """The result of ``name`` at tiny with the user's nodes=3 (its group's exploration, run once)."""
    if name not in _RESULTS:
        _RESULTS.update(_check_group(next(g for g in GROUPS if name in g)))
    return _RESULTS[name]


def test_every_placed_row_is_pinned_at_three_nodes() -> None:
    assert sorted(AT_THREE_NODES) == sorted(p.name for p in ROWS)


@pytest.mark.parametrize("prop", ROWS, ids=lambda p: p.name)
def test_the_node_count_is_a_minimum_never_a_fixed_count(prop) -> None:
    for nodes in (1, 2, 3, 4):
        assert prop.adjust(_tiny(prop.model, nodes)).nodes == max(nodes, prop.min_nodes), nodes


@pytest.mark.parametrize("prop", [p for p in ROWS if p.min_nodes > 1], ids=lambda p: p.name)
def test_a_user_count_below_the_minimum_is_refused_naming_both(prop) -> None:
    scope = _tiny(prop.model, 1)
    assert run.conflicts(prop, scope, ("nodes",)) == [("nodes", str(prop.min_nodes), "1")]
    assert run.conflicts(prop, _tiny(prop.model, 3), ("nodes",)) == []
    assert prop.needs == f"needs ≥ {prop.min_nodes} nodes" and "at least two nodes" in prop.assumes
    with pytest.raises(ScopeError, match=rf"^{prop.name} needs nodes={prop.min_nodes} .*but you set nodes=1;"):
        run.check(Task(catalog.model(prop.model), scope, (prop,), user_set=("nodes",)))


@pytest.mark.parametrize("names", GROUPS, ids=lambda g: f"{g[0]}+{len(g) - 1}")
def test_every_row_gives_its_verdict_at_three_nodes(names: tuple[str, ...]) -> None:
    """One exploration per group of rows that adjust to the same scope (its cost sits in one test)."""
    results = _check_group(names)
    _RESULTS.update(results)
    for name in names:
        r = results[name]
        assert r.claim is not None and r.property.adjust(_tiny(r.property.model, 3)).nodes == 3
        assert (name, r.verdict.value, r.stats.states) == (name, *AT_THREE_NODES[name])


@pytest.mark.parametrize(
    ("name", "bound_to"),
    [
        ("statefulset.replacement_lands_on_another_node", "another"),
        ("statefulset.replacement_lands_on_its_old_node", "same"),
    ],
)
def test_the_replacement_is_told_apart(name: str, bound_to: str) -> None:
    labels = [step.action.label for step in _at_three_nodes(name).trace.steps]
    failed = next(x for x in labels if x.startswith("fault.fail_node"))
    node = failed.split("node=")[1].rstrip(")")
    last_bind = max(i for i, x in enumerate(labels) if x.startswith("scheduler.bind_pod"))
    assert labels.index(failed) < last_bind, labels  # the replacement is bound after the failure
    assert labels[last_bind].endswith(f"node={node})") == (bound_to == "same"), labels
    if bound_to == "same":  # bound back only once the node returned
        assert labels.index(f"node.reconnect(node={node})") < last_bind, labels


@pytest.mark.parametrize(
    "name", ["statefulset.replacement_lands_on_another_node", "statefulset.replacement_lands_on_its_old_node"]
)
def test_bmc_finds_each_replacement_witness_at_the_depth_breadth_first_search_does(name: str) -> None:
    """At tiny (two nodes): BMC's first witness is as long as the shortest one (12 and 10 steps when
    written; 42 s and 13 s of BMC)."""
    [prop] = catalog.properties("statefulset", [name])
    model, scope = catalog.model("statefulset"), catalog.model("statefulset").presets["tiny"]
    [bfs] = run.check(Task(model, scope, (prop,)))
    [bmc] = run.check(Task(model, scope, (prop,), engine="bmc", depth=len(bfs.trace.steps)))
    assert (bfs.verdict.value, bmc.verdict.value) == (W, W)
    assert len(bmc.trace.steps) == len(bfs.trace.steps)
