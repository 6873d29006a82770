"""Every property is checked where it can fail, and its row claims only what its run had (issue 19 item 1).

A property that holds only because the preset cannot exercise its behaviour protects nothing:
at ``tiny`` a Deployment has maxUnavailable 0, a DaemonSet maxSurge 0, a StatefulSet neither
Parallel nor a mixed retention policy. Each row names (``meaningful``) the ``--set`` settings
under which the behaviour it constrains happens; here every row is checked at ``tiny`` and at
``tiny`` with those settings, with both verdicts pinned (they were read off runs of this tree;
a change of either is a change of behaviour to explain). The declared assumptions (faults on,
nodes, access mode, policy) are read from each row's words (:mod:`assumption_claims`) and checked
on the scope its adjustment actually makes, at every preset and where it is meaningful.
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest
from assumption_claims import claims, unmet_claims

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.task import Task
from kubecheck.cli import listing
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, with_settings
from kubecheck.properties import catalog
from kubecheck.properties import deployment_volumes as dv
from kubecheck.properties.volumes import volume_properties

H, V, W = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED

#: property -> (verdict at tiny, verdict at tiny with its meaningful settings; None: tiny is where it is meaningful)
EXPECTED: dict[str, tuple[Verdict, Verdict | None]] = {
    "deployment.replicas_within_surge": (H, H),
    "deployment.live_pods_within_surge": (V, V),
    "deployment.active_pods_within_surge": (V, V),
    "deployment.availability_floor": (H, H),
    "deployment.availability_floor_with_crashes": (V, V),
    "deployment.availability_floor_as_written": (H, H),
    "deployment.availability_floor_with_failing_release": (H, H),
    "deployment.failed_pod_replaced": (W, None),
    "deployment.revisions_unique": (H, H),
    "deployment.rollback_restores_template": (H, None),
    "deployment.rollout_can_complete": (W, None),
    "deployment.rollback_can_happen": (W, None),
    "deployment.replicaset_reused_with_new_revision": (W, None),
    "deployment.rollout_eventually_completes": (H, H),
    "deployment.rollout_eventually_completes_under_strong_fairness": (H, H),
    "deployment.rollout_eventually_completes_with_faults": (H, H),
    "deployment.scale_eventually_completes": (H, H),
    "deployment.stuck_rollout_reported": (H, None),
    "deployment.complete_rollout_reported": (H, None),
    "deployment.timed_out_release_keeps_its_pods": (W, None),
    "deployment.paused_creates_no_replicaset": (H, None),
    "deployment.paused_keeps_new_replicaset": (V, None),
    "deployment.paused_deployment_scales_proportionally": (W, None),
    "deployment.no_stuck_rollout": (H, H),
    "deployment.old_scale_down_within_budget": (H, H),
    "deployment.replicaset_deletes_not_ready_pods_first": (H, H),
    "deployment.recreate_runs_one_revision_at_a_time": (H, H),
    "deployment.replicaset_deleted_only_beyond_history": (H, H),
    "deployment.availability_floor_under_node_failure": (V, V),
    "deployment.surge_bound_under_node_failure": (H, None),
    "deployment.no_ready_pod_on_lost_node": (H, H),
    "deployment.pod_stranded_on_lost_node": (W, None),
    "deployment.rollout_completes_despite_lost_node": (H, None),
    "deployment.rollout_completes_once_nodes_return": (H, None),
    "deployment.rwo_volume_attached_to_one_node": (H, H),
    "deployment.rwop_claim_used_by_one_pod": (H, H),
    "deployment.no_writer_on_read_only_many": (V, None),
    "deployment.pod_waits_for_multi_attach": (W, None),
    "deployment.rollout_completes_with_shared_claim": (V, V),
    "deployment.containers_run_where_claim_attached": (H, H),
    "deployment.claim_detached_only_from_empty_node": (H, H),
    "deployment.drain_eventually_completes": (H, V),
    "deployment.budget_floor_holds_under_evictions": (H, None),
    "deployment.budget_floor_under_evictions_and_rollout": (V, None),
    "deployment.shared_budget_keeps_own_floor": (V, None),
    "deployment.drain_completes_once_budget_relaxed": (H, None),
    "deployment.eviction_respects_edited_budget": (H, None),
    "deployment.upgrade_completes": (H, V),
    "deployment.upgrade_keeps_floor": (H, None),
    "deployment.budget_can_allow_an_eviction": (H, V),
    # the HorizontalPodAutoscaler (issue 16; properties/hpa.py)
    "deployment.hpa.replicas_within_max": (H, H),
    "deployment.hpa.no_inflation_during_rollout": (V, V),
    "deployment.hpa.no_inflation_under_total_demand": (H, H),
    "deployment.hpa.autoscaler_undoes_apply": (W, W),
    "statefulset.at_most_one_pod_object_per_identity": (H, H),
    "statefulset.at_most_one_running_instance": (H, None),
    "statefulset.at_most_one_running_instance_with_force_delete": (V, None),
    "statefulset.at_most_one_running_instance_with_node_delete": (V, None),
    "statefulset.pods_created_in_ordinal_order": (H, None),
    "statefulset.pods_created_in_ordinal_order_under_parallel": (V, None),
    "statefulset.pods_removed_in_reverse_order": (H, H),
    "statefulset.pod_mounts_own_claim": (H, None),
    "statefulset.identity_stable_across_rescheduling": (H, None),
    "statefulset.partition_respected": (H, H),
    "statefulset.claims_follow_retention_policy": (H, H),
    "statefulset.in_range_claims_kept": (V, V),
    "statefulset.set_deletion_is_unordered": (W, None),
    "statefulset.live_revisions_kept": (H, None),
    "statefulset.history_truncated_oldest_first": (H, None),
    "statefulset.undo_reuses_revision": (W, None),
    "statefulset.parallel_runs_ahead": (W, None),
    "statefulset.rolling_update_completes": (W, None),
    "statefulset.pod_reattaches_claim_after_rescheduling": (W, None),
    "statefulset.rolling_update_eventually_completes": (H, H),
    "statefulset.rolling_update_eventually_completes_with_broken_release": (V, None),
    "statefulset.scale_eventually_completes": (H, H),
    "statefulset.condemned_claims_eventually_deleted": (V, V),
    "statefulset.revert_converges_without_manual_delete": (V, None),
    "statefulset.revert_converges_with_forced_rollback": (H, None),
    "statefulset.scale_down_proceeds_while_a_pod_is_unhealthy": (V, None),
    "statefulset.scale_down_resumes_after_repair": (H, None),
    "statefulset.rolling_update_proceeds_while_a_pod_is_unhealthy": (V, None),
    "statefulset.rolling_update_resumes_after_repair": (H, None),
    "statefulset.recovers_after_node_failure": (H, None),
    "statefulset.recovers_after_node_failure_without_intervention": (V, None),
    "statefulset.replacement_lands_on_another_node": (W, W),
    "statefulset.replacement_lands_on_its_old_node": (W, W),
    "statefulset.finished_or_deleted": (H, H),
    "statefulset.update_within_max_unavailable": (H, H),
    "statefulset.pods_bound_only_to_ready_nodes": (H, H),
    "statefulset.rwo_volume_attached_to_one_node": (H, None),
    "statefulset.rwop_claim_used_by_one_pod": (H, None),
    "statefulset.no_writer_on_read_only_many": (V, None),
    "statefulset.pod_waits_for_multi_attach": (W, None),
    "statefulset.pod_waiting_for_volume_eventually_runs": (H, None),
    "statefulset.pod_waiting_for_volume_eventually_runs_after_force_delete": (H, None),
    # the rows of properties/statefulset_ownership.py (meaningful at every preset, as that table states)
    "statefulset.foreign_pod_never_touched": (H, None),
    "statefulset.rollout_completes_despite_foreign_pod": (V, None),
    "statefulset.orphans_adopted_after_recreate": (H, None),
    "statefulset.recreated_set_rolls_out": (H, None),
    "statefulset.recreated_set_finds_outdated_orphan": (W, None),
    "statefulset.claims_kept_after_orphan_delete": (H, None),
    "statefulset.at_most_one_pod_object_per_identity_across_recreate": (H, None),
    "statefulset.claims_kept_across_orphan_delete_and_recreate": (H, None),
    "statefulset.claims_kept_across_background_delete_and_recreate": (V, None),
    # the rows of properties/statefulset_disruption.py (issue 16: a budget, kubectl drain node-a)
    "statefulset.drain_eventually_completes": (H, V),
    "statefulset.budget_floor_holds_under_evictions": (H, None),
    "statefulset.upgrade_completes": (H, V),
    "statefulset.upgrade_keeps_floor": (H, None),
    "statefulset.budget_can_allow_an_eviction": (H, V),
    "daemonset.at_most_one_pod_per_node": (H, None),
    "daemonset.at_most_two_pods_per_node_while_surging": (H, None),
    "daemonset.at_most_two_pods_per_node_while_surging_with_evictions": (V, None),
    "daemonset.no_pod_on_ineligible_node": (V, V),
    "daemonset.pods_created_only_where_they_should_run": (H, H),
    "daemonset.availability_floor": (H, H),
    "daemonset.availability_floor_with_faults": (V, V),
    "daemonset.rollout_completes_on_every_eligible_node": (W, W),
    "daemonset.new_node_gets_pod": (W, None),
    "daemonset.finished_or_stuck": (V, V),
    "daemonset.runs_on_every_eligible_node": (H, H),
    "daemonset.runs_on_every_eligible_node_with_relabels": (V, V),
    "daemonset.runs_on_every_eligible_node_with_partition": (V, V),
    "daemonset.recovers_after_node_failure": (H, None),
    "daemonset.recovers_after_node_failure_without_intervention": (V, None),
    "daemonset.pods_bound_only_to_ready_nodes": (H, H),
    "daemonset.surging_nodes_within_max_surge": (H, H),
    "daemonset.budget_can_allow_an_eviction": (V, H),
    "daemonset.budget_floor_holds_under_evictions": (H, H),
    "daemonset.drain_eventually_completes": (H, V),
    "daemonset.drained_node_keeps_its_pod": (W, None),
    "daemonset.upgrade_completes": (H, V),
    "daemonset.upgrade_keeps_floor": (V, None),
}

ROWS = [p for m in catalog.MODELS for p in catalog.properties(m)]


def _model(p: Property) -> Model:
    return catalog.model(p.model)


def _meaningful_scope(p: Property) -> Scope:
    return with_settings(_model(p).presets["tiny"], dict(p.meaningful or ()))


@cache
def _verdict(name: str, where: str) -> Verdict:
    (p,) = catalog.properties(name.split(".", 1)[0], [name])
    scope = _model(p).presets["tiny"] if where == "tiny" else _meaningful_scope(p)
    (result,) = run.check(Task(_model(p), scope, [p]))
    return result.verdict


def test_every_row_states_where_it_is_meaningful() -> None:
    missing = [p.name for p in ROWS if p.meaningful is None]
    assert not missing, f"give these rows meaningful=... (the settings under which they can fail): {missing}"


def test_every_row_is_pinned_here() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in ROWS)


@pytest.mark.parametrize("prop", ROWS, ids=lambda p: p.name)
def test_meaningful_settings_are_parameters_tiny_accepts(prop: Property) -> None:
    """Settings are ``--set`` names and values that validate on ``tiny``, where the tests apply them."""
    with_settings(_model(prop).presets["tiny"], dict(prop.meaningful or ()))


@pytest.mark.parametrize("prop", [p for p in ROWS if p.meaningful], ids=lambda p: p.name)
def test_meaningful_settings_survive_the_adjustment(prop: Property) -> None:
    """Settings the row's own adjustment overrides would be a meaningful scope that is never checked."""
    tiny = _model(prop).presets["tiny"]
    assert prop.adjust(_meaningful_scope(prop)) != prop.adjust(tiny)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdict_at_tiny(name: str) -> None:
    assert _verdict(name, "tiny") == EXPECTED[name][0]


@pytest.mark.parametrize("name", sorted(n for n, (_, there) in EXPECTED.items() if there is not None))
def test_verdict_where_meaningful(name: str) -> None:
    assert _verdict(name, "meaningful") == EXPECTED[name][1]


def test_kubecheck_list_shows_where_each_property_is_meaningful() -> None:
    for model in catalog.MODELS:
        table = catalog.properties(model)
        lines = listing.properties(table)
        stated = [p for p in table if p.meaningful is not None]
        assert sum(line.startswith("      meaningful: ") for line in lines) == len(stated)
    (surge,) = catalog.properties("daemonset", ["availability_floor"])
    assert listing.meaningful_scope(surge) == "with --set max-surge=1 max-unavailable=0"


# -- declared assumptions against the scope that ran --------------------------------------------


@pytest.mark.parametrize("prop", ROWS, ids=lambda p: p.name)
def test_declared_assumptions_hold_in_every_scope_the_property_runs_at(prop: Property) -> None:
    scopes = {**_model(prop).presets, "tiny+meaningful": _meaningful_scope(prop)}
    unmet = {name: unmet_claims(prop, scope) for name, scope in scopes.items()}
    assert not any(unmet.values()), unmet


def test_a_row_that_claims_eviction_its_adjustment_drops_fails_the_check() -> None:
    """The Deployment shared-volume rows before issue 19: the StatefulSet's doc ("pods move between two
    nodes by eviction") over an adjustment that keeps the user's faults (none at every preset)."""
    before = [
        attrs.evolve(
            p,
            adjust=dv.shared_claim(vol.RWO),
            assumes="every pod mounts one shared ReadWriteOnce claim; two nodes; minReadySeconds 0",
        )
        for p in volume_properties("deployment", dv.VIEW)
        if p.short == "rwo_volume_attached_to_one_node"
    ]
    tiny = catalog.model("deployment").presets["tiny"]
    assert unmet_claims(before[0], tiny) == ["by eviction"]
    (after,) = catalog.properties("deployment", ["rwo_volume_attached_to_one_node"])
    assert unmet_claims(after, tiny) == []
    assert "eviction" not in after.doc


def test_a_row_that_says_eviction_on_without_the_fault_fails_and_with_it_passes() -> None:
    (row,) = catalog.properties("statefulset", ["identity_stable_across_rescheduling"])
    tiny = catalog.model("statefulset").presets["tiny"]
    assert unmet_claims(row, tiny) == []
    dropped = attrs.evolve(row, adjust=lambda sc: attrs.evolve(row.adjust(sc), faults=frozenset()))
    assert unmet_claims(dropped, tiny) == ["eviction on"]


@pytest.mark.parametrize(
    ("assumes", "unmet"),
    [
        ("faults: partition and force-delete (2); two nodes", ["faults: partition and force-delete", "two nodes"]),
        ("no faults; at most two nodes", []),
        ("ReadWriteOncePod; two nodes", ["ReadWriteOncePod", "two nodes"]),
        ("podManagementPolicy Parallel", ["Parallel"]),
        ("whenScaled=Delete", ["whenScaled=Delete"]),
    ],
)
def test_the_claims_read_from_words_are_checked_on_the_scope(assumes: str, unmet: list[str]) -> None:
    """At the StatefulSet's tiny preset (one node, no faults, OrderedReady, whenScaled=Retain, ReadWriteOnce)."""
    row = Property(name="statefulset.x", kind="always", doc="", upstream="", predicate=lambda o, sc, s: True)
    row = attrs.evolve(row, assumes=assumes)
    assert sorted(unmet_claims(row, catalog.model("statefulset").presets["tiny"])) == sorted(unmet)


def test_every_row_with_assumptions_makes_a_claim_the_check_reads() -> None:
    """The vocabulary keeps up with the tables: most rows that assume something are checked."""
    with_words = [p for p in ROWS if p.assumes]
    read = [p for p in with_words if claims(p)]
    assert len(read) >= 0.6 * len(with_words), [p.name for p in with_words if not claims(p)]
