"""Explicit search, BMC, k-induction and PDR agree on the StatefulSet model (issue 4, item 8).

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

import functools
import os

import pytest

from kubecheck.checker import bmc, catalog, explicit, kinduction, pdr
from kubecheck.checker.report import Verdict
from kubecheck.checker.symbolic import Encoder

MODEL = catalog.model("statefulset")
SAFETY = [p.short for p in catalog.properties("statefulset") if p.kind in ("always", "step")]
SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="minutes; set KUBECHECK_SLOW=1")
POSITIVE = {Verdict.HOLDS, Verdict.PROVED}
DEFAULT_BMC_DEPTH = 5
KIND_DEPTH = {"tiny": 1, "small": 4}

#: Proved by k-induction with k = 1 at tiny (and, by the same one solver call, at any fixed replica count).
ONE_INDUCTIVE = {"at_most_one_pod_object_per_identity", "pods_created_in_ordinal_order", "pods_removed_in_reverse_order",
                 "claims_follow_retention_policy", "rwo_volume_attached_to_one_node", "rwop_claim_used_by_one_pod"}
#: (preset, property) where BMC to the diameter (or to a deep counterexample) takes more than a few seconds here.
SLOW_BMC = {("tiny", n) for n in ("at_most_one_running_instance", "at_most_one_running_instance_with_node_delete",
                                  "pod_mounts_own_claim", "identity_stable_across_rescheduling", "partition_respected",
                                  "rwo_volume_attached_to_one_node")}
#: BMC to the diameter stalls (tiny: past depth 26 of 34 after 600 s); a timeout there is accepted.
BMC_MAY_TIME_OUT = {("tiny", "identity_stable_across_rescheduling")}
#: PDR in the default tier: the ordering and per-identity step properties, and two quick counterexamples.
FAST_PDR = {"pods_created_in_ordinal_order", "at_most_one_pod_object_per_identity",
            "pods_created_in_ordinal_order_under_parallel", "no_writer_on_read_only_many"}
SLOW_PDR = {("tiny", n) for n in SAFETY if n not in FAST_PDR}
#: PDR may stop at its timeout on these (Spacer: unknown after 60 s here); never a contradiction.
PDR_MAY_TIME_OUT = {("tiny", "identity_stable_across_rescheduling"), ("small", "in_range_claims_kept")}


def prop(name: str):
    return catalog.properties("statefulset", [name])[0]


def scope(name: str, preset: str):
    return prop(name).adjust(MODEL.presets[preset])


@functools.lru_cache(maxsize=None)
def bfs(name: str, preset: str):
    """Breadth-first search (stops at the first counterexample: the shortest one)."""
    [result] = explicit.check(MODEL, scope(name, preset), [prop(name)], stop_when_decided=True)
    assert result.verdict in (Verdict.HOLDS, Verdict.VIOLATED), result
    return result


def assert_agrees(expected, got) -> None:
    assert got.verdict is Verdict.INCONCLUSIVE or (got.verdict in POSITIVE) == (expected.verdict in POSITIVE), (
        f"{got.engine} says {got.verdict.value}, explicit search {expected.verdict.value}: {got.note}")


def cases(preset: str, slow: set[tuple[str, str]]) -> list:
    return [pytest.param(preset, n, marks=SLOW) if (preset, n) in slow or preset != "tiny" else (preset, n) for n in SAFETY]


@pytest.mark.parametrize(("preset", "name"), cases("tiny", set()) + cases("small", set()))
def test_kinduction_agrees_with_explicit_search(preset: str, name: str) -> None:
    expected = bfs(name, preset)
    got = kinduction.check(Encoder(MODEL, scope(name, preset)), prop(name), KIND_DEPTH[preset], timeout=120, strengthen=False)
    assert_agrees(expected, got)
    if got.verdict is Verdict.VIOLATED:  # a base-case counterexample is a shortest one too
        assert len(got.trace.steps) == len(expected.trace.steps)
    if preset == "tiny":
        assert (got.verdict is Verdict.PROVED and got.stats.depth == 1) == (name in ONE_INDUCTIVE), got.note


@pytest.mark.parametrize(("preset", "name"), cases("tiny", SLOW_BMC) + cases("small", set()))
def test_bmc_first_depth_equals_bfs_depth(preset: str, name: str) -> None:
    """A counterexample: BMC's first is as long as BFS's. None: BMC finds none up to the diameter."""
    expected = bfs(name, preset)
    slow = preset != "tiny" or (preset, name) in SLOW_BMC
    if expected.verdict is Verdict.VIOLATED:
        depth = len(expected.trace.steps)
    else:
        depth = expected.stats.depth if slow else min(expected.stats.depth, DEFAULT_BMC_DEPTH)
    may_time_out = preset != "tiny" or (preset, name) in BMC_MAY_TIME_OUT
    got = bmc.check(Encoder(MODEL, scope(name, preset)), prop(name), depth, timeout=120 if may_time_out else 600)
    if expected.verdict is Verdict.VIOLATED:
        assert got.verdict is Verdict.VIOLATED, got.note
        assert len(got.trace.steps) == depth
        [again] = explicit.check(MODEL, got.trace.scope, [prop(name)])  # the certified trace breaks it for the interpreter too
        assert again.verdict is Verdict.VIOLATED
    elif not may_time_out:
        assert got.verdict is Verdict.INCONCLUSIVE and got.stats.stop_reason == "bound", got.note
    else:  # unsatisfiable unrollings stall past depth ~20 (papers/statefulset-symbolic.md); a timeout is no contradiction
        assert got.verdict is Verdict.INCONCLUSIVE, got.note


@pytest.mark.parametrize(("preset", "name"), cases("tiny", SLOW_PDR) + cases("small", set()))
def test_pdr_agrees_with_explicit_search(preset: str, name: str) -> None:
    expected = bfs(name, preset)
    may_time_out = (preset, name) in PDR_MAY_TIME_OUT
    got, proof = pdr.check(Encoder(MODEL, scope(name, preset), arith="linear"), prop(name), timeout=120 if may_time_out else 600, strengthen=False)
    assert_agrees(expected, got)
    if not may_time_out:
        assert got.verdict is not Verdict.INCONCLUSIVE, got.note
    if got.verdict is Verdict.PROVED:
        assert proof.check.ok and proof.scope_claim == "this instance"
    if got.verdict is Verdict.VIOLATED:
        assert len(got.trace.steps) == len(expected.trace.steps)  # PDR's trace comes from shortest-first BMC
