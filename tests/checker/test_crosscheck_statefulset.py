"""Explicit search, BMC, k-induction and PDR agree on the StatefulSet model.

For every safety property (``always``/``step``) of the catalog, in the scope the property
adjusts the preset to:

* **k-induction** (k ≤ 2 at tiny, 5 at small) never contradicts explicit search, and the 1-inductive properties are
  pinned (:data:`ONE_INDUCTIVE`: what ``kubecheck check -f`` proves at a manifest's real size);
* **BMC** to the explicit search's depth: where breadth-first search finds a counterexample of
  n steps, BMC's first counterexample is at depth n (shortest first, the same trace length);
  where it finds none, BMC finds none up to the diameter (at ``small``, and for
  :data:`BMC_MAY_TIME_OUT`: none within two minutes — unsatisfiable unrollings stall past depth ~20);
* **PDR** gives the explicit verdict (or, for a few slow cases, INCONCLUSIVE at its timeout).

The engines are compared as such (``strengthen=False``): their lemma discovery samples states
by explicit search, which would make the comparison circular.

Default tier: everything at ``tiny`` that runs in about a second per case (BMC on a property
that holds goes to depth ``DEFAULT_BMC_DEPTH`` instead of the diameter). ``KUBECHECK_SLOW=1``
adds BMC to the full diameter, the slow PDR cases and ``small``. Seconds measured here are in
papers/statefulset-notes.md, never asserted.
"""

from __future__ import annotations

import pytest
from crosscheck import cases, check_bmc, check_kinduction, check_pdr, safety

WORKLOAD = "statefulset"
SAFETY = safety(WORKLOAD)

#: Proved by k-induction with k = 1 at tiny (and, by the same one solver call, at any fixed replica count).
ONE_INDUCTIVE = {
    "at_most_one_pod_object_per_identity",
    "pods_created_in_ordinal_order",
    "pods_removed_in_reverse_order",
    "claims_follow_retention_policy",
    "rwo_volume_attached_to_one_node",
    "rwop_claim_used_by_one_pod",
    "live_revisions_kept",
    "at_most_one_pod_object_per_identity_across_recreate",  # properties/statefulset_ownership.py
    "update_within_max_unavailable",  # the sync's own budget check, a step property
    "pods_bound_only_to_ready_nodes",  # properties/placement.py: the scheduler's guard, a step property
}
#: (preset, property) where BMC to the diameter (or to a deep counterexample) takes more than a few seconds here.
SLOW_BMC = {
    ("tiny", n)
    for n in (
        "at_most_one_running_instance",
        "at_most_one_running_instance_with_node_delete",
        "pod_mounts_own_claim",
        "identity_stable_across_rescheduling",
        "partition_respected",
        "rwo_volume_attached_to_one_node",
    )
}
#: BMC to the diameter stalls (tiny: past depth 26 of 34 after 600 s); a timeout there is accepted.
BMC_MAY_TIME_OUT = {("tiny", "identity_stable_across_rescheduling")}
#: PDR in the default tier: the ordering and per-identity step properties, and two quick counterexamples.
FAST_PDR = {
    "pods_created_in_ordinal_order",
    "at_most_one_pod_object_per_identity",
    "pods_created_in_ordinal_order_under_parallel",
    "no_writer_on_read_only_many",
}
SLOW_PDR = {("tiny", n) for n in SAFETY if n not in FAST_PDR}
#: PDR may stop at its timeout on these (Spacer: unknown after 60 s here); never a contradiction.
#: history_truncated_oldest_first: INCONCLUSIVE after 300 s here (kubecheck check … --engine pdr --timeout 300);
#: live_revisions_kept agrees (PROVED) in about 10 s.
PDR_MAY_TIME_OUT = {
    ("tiny", "identity_stable_across_rescheduling"),
    ("small", "in_range_claims_kept"),
    ("tiny", "history_truncated_oldest_first"),
}


@pytest.mark.parametrize(("preset", "name"), cases(SAFETY, "tiny") + cases(SAFETY, "small"))
def test_kinduction_agrees_with_explicit_search(preset: str, name: str) -> None:
    check_kinduction(WORKLOAD, preset, name, one_inductive=ONE_INDUCTIVE)


@pytest.mark.parametrize(("preset", "name"), cases(SAFETY, "tiny", SLOW_BMC) + cases(SAFETY, "small"))
def test_bmc_first_depth_equals_bfs_depth(preset: str, name: str) -> None:
    """A counterexample: BMC's first is as long as BFS's. None: BMC finds none up to the diameter.

    In the default tier (tiny, not in :data:`SLOW_BMC`) a property that holds is unrolled to DEFAULT_BMC_DEPTH only.
    At small and for :data:`BMC_MAY_TIME_OUT`, unsatisfiable unrollings stall past depth ~20
    (papers/statefulset-symbolic.md): a timeout is no contradiction.
    """
    check_bmc(
        WORKLOAD,
        preset,
        name,
        full_depth=preset != "tiny" or (preset, name) in SLOW_BMC,
        may_time_out=preset != "tiny" or (preset, name) in BMC_MAY_TIME_OUT,
    )


@pytest.mark.parametrize(("preset", "name"), cases(SAFETY, "tiny", SLOW_PDR) + cases(SAFETY, "small"))
def test_pdr_agrees_with_explicit_search(preset: str, name: str) -> None:
    check_pdr(WORKLOAD, preset, name, may_time_out=(preset, name) in PDR_MAY_TIME_OUT)


# -- liveness: the recovery properties (issue 14) -------------------------------------------------------------------

from liveness_crosscheck import check_lasso_agrees  # noqa: E402

#: explicit verdict at tiny; VIOLATED ones get the same lasso length from BMC, HOLDS ones no BMC lasso to depth 7.
#: A ranking proof is not offered for these: the premise (a revert, a repair, a returned node) is history that the
#: ranking rule cannot assume, so from the reachable stuck states it reports "a reachable pending state has no system
#: action enabled" (INCONCLUSIVE, about 10 s each here; see test_ranking_is_inconclusive_not_contradicting).
RECOVERY = {
    "revert_converges_without_manual_delete": "VIOLATED",
    "revert_converges_with_forced_rollback": "HOLDS",
    "scale_down_proceeds_while_a_pod_is_unhealthy": "VIOLATED",
    "scale_down_resumes_after_repair": "HOLDS",
    "rolling_update_proceeds_while_a_pod_is_unhealthy": "VIOLATED",
    "rolling_update_resumes_after_repair": "HOLDS",
    "recovers_after_node_failure": "HOLDS",
    "recovers_after_node_failure_without_intervention": "VIOLATED",
}


@pytest.mark.parametrize("name", sorted(RECOVERY))
def test_recovery_lasso_agrees_with_fair_cycle_search(name: str) -> None:
    check_lasso_agrees(WORKLOAD, "tiny", name, RECOVERY[name])


def test_ranking_is_inconclusive_not_contradicting() -> None:
    from kubecheck.checker.result import Verdict
    from kubecheck.checker.symbolic import ranking
    from kubecheck.checker.symbolic.encoder import Encoder
    from kubecheck.properties import catalog

    model = catalog.model(WORKLOAD)
    prop = catalog.properties(WORKLOAD, ["statefulset.scale_down_resumes_after_repair"])[0]
    r = ranking.decide(Encoder(model, prop.adjust(model.presets["tiny"])), prop, timeout=120)
    assert r.verdict is Verdict.INCONCLUSIVE and "not a proof" in r.note
