"""Every property of every table has its verdict at ``tiny``: the behaviours the models promise.

tests/properties pins each verdict together with a count (explored states, trace steps), and a
count changes for any edit of a model. Here the verdicts stand alone, so that a mutant which
breaks what a property says (a surge bound, an ordering, a single writer) fails a test named
after that property, and a mutant which only reshapes the state space does not. The verdicts are
the ones tests/properties records for the same scopes.
"""

from __future__ import annotations

from functools import cache

import pytest

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.model.controllers import daemonset as ds
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers.deployment import MODEL as DEPLOYMENT
from kubecheck.model.controllers.deployment_scope import PRESETS as DEPLOYMENT_PRESETS
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, with_settings
from kubecheck.properties import daemonset as dsp
from kubecheck.properties import daemonset_disruption as dsdp
from kubecheck.properties import deployment as dp
from kubecheck.properties import deployment_volumes as dv
from kubecheck.properties import statefulset as sp
from kubecheck.properties import statefulset_disruption as sdp
from kubecheck.properties import volumes as vp

H, V, W = "HOLDS", "VIOLATED", "WITNESSED"
TINY = DEPLOYMENT_PRESETS["tiny"]

#: (model, scope, property table) per case name
CASES: dict[str, tuple[Model, Scope, tuple[Property, ...]]] = {
    "deployment tiny": (DEPLOYMENT, TINY, tuple(dp.PROPERTIES)),
    "deployment shared claim tiny": (DEPLOYMENT, TINY, tuple(dv.PROPERTIES)),
    "deployment shared claim tiny replicas=1 Recreate": (
        DEPLOYMENT,
        with_settings(TINY, {"replicas": "1", "strategy": "Recreate"}),
        tuple(dv.PROPERTIES),
    ),
    "deployment shared claim tiny Recreate": (
        DEPLOYMENT,
        with_settings(TINY, {"strategy": "Recreate"}),
        tuple(dv.PROPERTIES),
    ),
    "statefulset tiny": (st.MODEL, st.PRESETS["tiny"], tuple(sp.PROPERTIES) + tuple(vp.PROPERTIES)),
    "daemonset tiny": (ds.MODEL, ds.PRESETS["tiny"], tuple(dsp.PROPERTIES)),
    # issue 16: a PodDisruptionBudget over the DaemonSet's pods (maxUnavailable 1 unless set: failSafe)
    "daemonset tiny budget": (ds.MODEL, ds.PRESETS["tiny"], tuple(dsdp.PROPERTIES)),
    "daemonset tiny budget minAvailable 1": (
        ds.MODEL,
        with_settings(ds.PRESETS["tiny"], {"pdb-min-available": "1"}),
        tuple(dsdp.PROPERTIES),
    ),
    # issue 16: a PodDisruptionBudget over the set's pods, kubectl drain node-a (the rows add the drain)
    "statefulset tiny budget minAvailable 1": (
        st.MODEL,
        with_settings(st.PRESETS["tiny"], {"pdb-min-available": "1"}),
        tuple(sdp.PROPERTIES),
    ),
    "statefulset tiny budget minAvailable = replicas": (
        st.MODEL,
        with_settings(st.PRESETS["tiny"], {"pdb-min-available": "2"}),
        tuple(sdp.PROPERTIES),
    ),
}

#: property short name -> verdict, per case (from tests/properties/test_*_properties.py)
EXPECTED: dict[str, dict[str, str]] = {
    "deployment tiny": {
        "replicas_within_surge": H,
        "live_pods_within_surge": V,
        "availability_floor": H,
        "availability_floor_with_crashes": V,
        "revisions_unique": H,
        "rollback_restores_template": H,
        "rollout_can_complete": W,
        "rollback_can_happen": W,
        "rollout_eventually_completes": H,
        "rollout_eventually_completes_under_strong_fairness": H,
        "rollout_eventually_completes_with_faults": H,
        "scale_eventually_completes": H,
        "paused_creates_no_replicaset": H,
        "paused_keeps_new_replicaset": V,
        "paused_deployment_scales_proportionally": W,
        "no_stuck_rollout": H,
    },
    "deployment shared claim tiny": {
        "rwo_volume_attached_to_one_node": H,
        "rwop_claim_used_by_one_pod": H,
        "no_writer_on_read_only_many": V,
        "pod_waits_for_multi_attach": W,
        "rollout_completes_with_shared_claim": V,
    },
    "deployment shared claim tiny replicas=1 Recreate": {
        "rwo_volume_attached_to_one_node": H,
        "pod_waits_for_multi_attach": W,
        "rollout_completes_with_shared_claim": H,
    },
    "deployment shared claim tiny Recreate": {
        "rwo_volume_attached_to_one_node": H,
        "pod_waits_for_multi_attach": W,
        "rollout_completes_with_shared_claim": V,
    },
    "statefulset tiny": {
        "at_most_one_pod_object_per_identity": H,
        "at_most_one_running_instance": H,
        "at_most_one_running_instance_with_force_delete": V,
        "at_most_one_running_instance_with_node_delete": V,
        "pods_created_in_ordinal_order": H,
        "pods_created_in_ordinal_order_under_parallel": V,
        "pods_removed_in_reverse_order": H,
        "pod_mounts_own_claim": H,
        "identity_stable_across_rescheduling": H,
        "partition_respected": H,
        "claims_follow_retention_policy": H,
        "in_range_claims_kept": V,
        "set_deletion_is_unordered": W,
        "parallel_runs_ahead": W,
        "rolling_update_completes": W,
        "pod_reattaches_claim_after_rescheduling": W,
        "rolling_update_eventually_completes": H,
        "rolling_update_eventually_completes_with_broken_release": V,
        "scale_eventually_completes": H,
        "condemned_claims_eventually_deleted": V,
        "finished_or_deleted": H,
        "rwo_volume_attached_to_one_node": H,
        "rwop_claim_used_by_one_pod": H,
        "no_writer_on_read_only_many": V,
        "pod_waits_for_multi_attach": W,
        "pod_waiting_for_volume_eventually_runs": H,
        "pod_waiting_for_volume_eventually_runs_after_force_delete": H,
    },
    "daemonset tiny": {
        "at_most_one_pod_per_node": H,
        "at_most_two_pods_per_node_while_surging": H,
        "at_most_two_pods_per_node_while_surging_with_evictions": V,
        "no_pod_on_ineligible_node": V,
        "pods_created_only_where_they_should_run": H,
        "availability_floor": H,
        "availability_floor_with_faults": V,
        "rollout_completes_on_every_eligible_node": W,
        "new_node_gets_pod": W,
        "finished_or_stuck": V,
        "runs_on_every_eligible_node": H,
        "runs_on_every_eligible_node_with_relabels": V,
        "runs_on_every_eligible_node_with_partition": V,
    },
    "daemonset tiny budget": {  # no finder resolves a DaemonSet: every eviction of a Ready pod answers 429
        "budget_can_allow_an_eviction": V,
        "budget_floor_holds_under_evictions": H,
        "drain_eventually_completes": H,
        "drained_node_keeps_its_pod": W,
        "upgrade_completes": H,
        "upgrade_keeps_floor": V,
    },
    "daemonset tiny budget minAvailable 1": {  # an integer minAvailable counts the pods: one eviction allowed
        "budget_can_allow_an_eviction": H,
        "budget_floor_holds_under_evictions": H,
        "drain_eventually_completes": H,
        "drained_node_keeps_its_pod": W,
        "upgrade_completes": H,
        "upgrade_keeps_floor": V,
    },
    "statefulset tiny budget minAvailable 1": {
        "drain_eventually_completes": H,
        "budget_floor_holds_under_evictions": H,
        "upgrade_completes": H,
        "upgrade_keeps_floor": H,
        "budget_can_allow_an_eviction": H,
    },
    "statefulset tiny budget minAvailable = replicas": {  # every eviction of a Ready pod answers 429
        "drain_eventually_completes": V,
        "budget_floor_holds_under_evictions": H,
        "upgrade_completes": V,
        "upgrade_keeps_floor": H,
        "budget_can_allow_an_eviction": V,
    },
}


@cache
def verdicts(case: str) -> dict[str, str]:
    """The verdict of every property of ``case`` that EXPECTED names, decided once per session."""
    model, scope, table = CASES[case]
    props = [p for p in table if p.short in EXPECTED[case]]
    return {r.property.short: r.verdict.value for r in run.check(Task(model, scope, props))}


def test_every_case_names_properties_of_its_table() -> None:
    for case, expected in EXPECTED.items():
        shorts = {p.short for p in CASES[case][2]}
        assert set(expected) <= shorts, case


@pytest.mark.parametrize(("case", "short"), [(c, s) for c in EXPECTED for s in EXPECTED[c]])
def test_verdict(case: str, short: str) -> None:
    assert verdicts(case)[short] == EXPECTED[case][short]
