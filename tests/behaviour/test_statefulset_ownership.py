"""Owner references in the StatefulSet model: orphan deletion, re-creation (adoption), a foreign pod.

Pinned: the verdicts and explored states of properties/statefulset_ownership.py at tiny and
small (each row's adjusted scope). The behaviour tests walk the model's own commands
(tests/behaviour/reach.py) to the step they are about and read what changed: a re-created set
adopts its orphans (``ClaimPods``), never a pod another controller owns (the ordinal waits:
AlreadyExists), the garbage collector's orphaning keeps claims whose only owner was the set,
and with both parameters off the new fields never move (the pinned counts stay those of the
model without owner references).
"""

from __future__ import annotations

from functools import cache

import attrs
import pytest
from reach import first_step, steps

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.cli import trace_text
from kubecheck.cli.describe_statefulset import StatefulSetDescriber
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.commands import enabled, successors
from kubecheck.model.kernel.scopes import ScopeError
from kubecheck.properties import catalog
from kubecheck.properties import statefulset_ownership as so

H, V, W = "HOLDS", "VIOLATED", "WITNESSED"
EXPECTED = {  # name -> {preset: (verdict, states)}
    "foreign_pod_never_touched": {"tiny": (H, 1008), "small": (H, 6066)},
    "rollout_completes_despite_foreign_pod": {"tiny": (V, 232), "small": (V, 1404)},
    "orphans_adopted_after_recreate": {"tiny": (H, 883), "small": (H, 7444)},
    "recreated_set_rolls_out": {"tiny": (H, 883), "small": (H, 7444)},
    # searched with the safety rows of its scope (at_most_one_...across_recreate), so their count (alone: 39, 53)
    "recreated_set_finds_outdated_orphan": {"tiny": (W, 883), "small": (W, 7444)},
    "claims_kept_after_orphan_delete": {"tiny": (H, 1078), "small": (H, 8696)},
    "at_most_one_pod_object_per_identity_across_recreate": {"tiny": (H, 883), "small": (H, 7444)},
    "claims_kept_across_orphan_delete_and_recreate": {"tiny": (H, 1078), "small": (H, 8014)},
    "claims_kept_across_background_delete_and_recreate": {"tiny": (V, 95), "small": (V, 131)},
}
MODEL = st.MODEL
TINY = MODEL.presets["tiny"]


@cache
def results(preset: str) -> dict:
    rs = run.check(Task(MODEL, MODEL.presets[preset], list(so.PROPERTIES)))
    return {p.short: r for p, r in zip(so.PROPERTIES, rs, strict=True)}


def test_table_is_pinned_and_registered() -> None:
    assert {p.short for p in so.PROPERTIES} == set(EXPECTED)
    names = [p.name for p in catalog.properties("statefulset")]
    assert all(p.name in names for p in so.PROPERTIES)
    assert all(p.upstream and p.assumes for p in so.PROPERTIES)


@pytest.mark.parametrize("preset", ["tiny", "small"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_verdict(preset: str, name: str) -> None:
    r = results(preset)[name]
    assert (r.verdict.value, r.stats.states) == EXPECTED[name][preset], r.note


# -- off in every preset: the new fields never move ---------------------------------------------


@pytest.mark.parametrize("preset", ["tiny", "small"])
def test_fields_are_constant_when_ownership_is_off(preset: str) -> None:
    sc = MODEL.presets[preset]
    assert not sc.ownership
    for state, _, nxt in steps(MODEL, sc):
        for s in (state, nxt):
            assert set(s.pod_owner) == {ow.OWNED} and not s.set_orphaned
            assert set(s.pvc_set_ref) == {ow.SET_REF_POLICY}
            assert s.orphan_deletes_left == 0 and s.recreates_left == 0
    names = {c.name for c in MODEL.commands if c.enabled_in is None or c.enabled_in(sc)}
    assert not names & {
        "statefulset-controller.adopt_orphan_pods",
        "user.delete_statefulset_orphan",
        "user.recreate_statefulset",
    }


# -- orphan deletion and re-creation ----------------------------------------------------------------


ORPHANS = attrs.evolve(TINY, orphan_deletes=1, recreates=1)


def test_orphan_delete_leaves_pods_running_without_a_controller() -> None:
    before, after = first_step(
        MODEL, ORPHANS, "user.delete_statefulset_orphan", when=lambda s: s.pod_phase[0] == cl.AVAILABLE
    )
    assert after.set_orphaned and after.set_deleted
    assert after.pod_phase == before.pod_phase and after.pod_terminating == before.pod_terminating
    assert after.pod_owner[0] == ow.ORPHAN
    # no controller acts for the deleted set, and the garbage collector deletes nothing of it
    acting = [a.command.name for a in enabled(MODEL, ORPHANS, after)]
    assert not [n for n in acting if n.startswith(("statefulset-controller.", "garbage-collector."))]


def test_recreated_set_adopts_orphan_and_syncs_with_it() -> None:
    before, after = first_step(
        MODEL,
        ORPHANS,
        "statefulset-controller.adopt_orphan_pods",
        when=lambda s: s.pod_phase[0] == cl.AVAILABLE and s.pod_phase[1] == cl.NONE,
    )
    assert before.pod_owner[0] == ow.ORPHAN and after.pod_owner[0] == ow.OWNED
    # the same sync goes on with the adopted pod as its own: web-0 is healthy, so web-1 is created
    assert after.pod_phase[1] == cl.UNSCHEDULED and after.pod_phase[0] == cl.AVAILABLE


def test_recreated_set_adopts_condemned_orphan_and_deletes_it() -> None:
    """A scale-down orphaned before its pod was deleted: the re-created set adopts web-1 above spec.replicas."""
    _, adopted = first_step(
        MODEL,
        ORPHANS,
        "statefulset-controller.adopt_orphan_pods",
        when=lambda s: s.replicas == 1 and s.pod_owner[1] == ow.ORPHAN and s.pod_phase[0] == cl.AVAILABLE,
    )
    assert adopted.pod_owner[1] == ow.OWNED
    assert adopted.pod_terminating[1] or adopted.pod_phase[1] == cl.NONE  # processCondemned in the same sync


def test_terminating_orphan_is_not_adopted_and_blocks_its_ordinal() -> None:
    """ClaimObject ignores an orphan being deleted; the set sees the ordinal empty and cannot create it yet."""
    sc = attrs.evolve(ORPHANS, pod_deletes=1)
    state, _ = first_step(
        MODEL,
        sc,
        "user.recreate_statefulset",
        when=lambda s: s.pod_terminating[0] and s.pod_owner[0] == ow.ORPHAN,
    )
    recreated = next(n for a, n in _successors(sc, state) if a == "user.recreate_statefulset")
    names = [a for a, _ in _successors(sc, recreated)]
    assert "statefulset-controller.adopt_orphan_pods" not in names
    assert all(n.pod_owner[0] == ow.ORPHAN or n.pod_phase[0] == cl.NONE for _, n in _successors(sc, recreated))


def _successors(sc, state):
    return [(a.command.name, n) for a, n in successors(MODEL, sc, state)]


def test_orphaned_claims_keep_whendeleted_delete_claims_and_the_new_set_restores_the_ref() -> None:
    sc = attrs.evolve(ORPHANS, when_deleted=su.DELETE)
    _, orphaned = first_step(MODEL, sc, "user.delete_statefulset_orphan", when=lambda s: s.pvc[0])
    assert orphaned.pvc_set_ref[0] == ow.SET_REF_NONE
    assert "garbage-collector.delete_claim" not in {a.command.name for a in enabled(MODEL, sc, orphaned)}
    _, after = first_step(
        MODEL,
        sc,
        "statefulset-controller.update_claim_owner_refs",
        when=lambda s: s.pvc_set_ref[0] == ow.SET_REF_NONE and not s.set_deleted,
    )
    assert after.pvc_set_ref[0] == ow.SET_REF_POLICY


# -- a pod of another controller --------------------------------------------------------------------

FOREIGN = attrs.evolve(TINY, foreign_pod=1, set_deletion=True)


def test_foreign_pod_is_never_adopted_and_its_ordinal_is_never_created() -> None:
    for state, action, nxt in steps(MODEL, FOREIGN):
        if action.command.name.startswith("statefulset-controller."):
            assert nxt.pod_owner[1] == state.pod_owner[1] and nxt.pod_terminating[1] == state.pod_terminating[1]
    _, tried = first_step(
        MODEL, FOREIGN, "statefulset-controller.create_pod", when=lambda s: s.pod_phase[0] == cl.AVAILABLE
    )
    assert tried.pvc[1] and tried.pod_owner[1] == ow.FOREIGN  # the claim first, then AlreadyExists


def test_background_deletion_leaves_the_foreign_pod() -> None:
    _, deleted = first_step(MODEL, FOREIGN, "user.delete_statefulset", when=lambda s: s.pod_phase[0] != cl.NONE)
    gc = [a for a in enabled(MODEL, FOREIGN, deleted) if a.command.name == "garbage-collector.delete_pod"]
    assert [a.kwargs["pod"] for a in gc] == [0]


@pytest.mark.parametrize(
    ("foreign", "created"),
    [(0, set()), (1, {0})],
    ids=["taken index 0 stops batch 1 (web-1)", "taken index 1 stops nothing before it"],
)
def test_parallel_slow_start_stops_after_the_batch_with_a_taken_name(foreign: int, created: set) -> None:
    """Parallel: slowStartBatch(1, replicas) runs batches of 1, 2, ...; AlreadyExists in one ends the loop."""
    sc = attrs.evolve(TINY, pod_management=su.PARALLEL, foreign_pod=foreign, edits=0, scales=0)
    made = set()
    for state, action, nxt in steps(MODEL, sc):
        if action.command.name.startswith("statefulset-controller."):
            made |= {i for i in range(2) if state.pod_phase[i] == cl.NONE and nxt.pod_phase[i] != cl.NONE}
    assert made == created


# -- background deletion, then applied again ---------------------------------------------------------

BACKGROUND = attrs.evolve(TINY, set_deletion=True, recreates=1, when_deleted=su.DELETE)


def test_recreated_set_ignores_the_deleted_sets_pods_which_the_collector_deletes() -> None:
    """ClaimObject: a controller ref with another UID is not ours; the collector still deletes the old set's pods."""
    _, after = first_step(MODEL, BACKGROUND, "user.recreate_statefulset", when=lambda s: s.pod_phase[0] == cl.AVAILABLE)
    assert after.pod_owner[0] == ow.PREVIOUS and after.pvc_set_ref[0] == ow.SET_REF_STALE
    names = {a.command.name: a for a in enabled(MODEL, BACKGROUND, after)}
    assert "statefulset-controller.adopt_orphan_pods" not in names
    assert names["garbage-collector.delete_pod"].kwargs["pod"] == 0
    for _, nxt in _successors(BACKGROUND, after):
        assert nxt.pod_owner[0] in (ow.PREVIOUS, ow.OWNED) and (nxt.pod_owner[0] == ow.PREVIOUS or not nxt.pod_phase[0])


def test_stale_claim_ref_is_left_alone_and_collected_under_the_new_set() -> None:
    """isClaimOwnerUpToDate: a stale ref is up to date for the new set (CreateStatefulPod's retention update leaves
    it); the collector deletes the claim once no pod uses it, the new set existing or not."""
    _, created = first_step(
        MODEL,
        BACKGROUND,
        "statefulset-controller.create_pod",
        when=lambda s: not s.set_deleted and s.pvc_set_ref[0] == ow.SET_REF_STALE and s.pvc[0],
    )
    assert created.pod_phase[0] == cl.UNSCHEDULED and created.pvc_set_ref[0] == ow.SET_REF_STALE
    before, after = first_step(
        MODEL,
        BACKGROUND,
        "garbage-collector.delete_claim",
        when=lambda s: not s.set_deleted and s.pvc_set_ref[0] == ow.SET_REF_STALE,
    )
    assert before.pvc[0] and not after.pvc[0] and after.pvc_set_ref[0] == ow.SET_REF_POLICY


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"foreign_pod": 2}, "foreign-pod: expected -1 or an index below 2"),
        ({"recreates": 1}, "recreates: expected 0 when the set is never deleted"),
    ],
)
def test_bad_scope_names_the_field(settings: dict, message: str) -> None:
    with pytest.raises(ScopeError, match=message):
        attrs.evolve(TINY, **settings).validate()


# -- trace words (cli/describe_statefulset.py) --------------------------------------------------------


def _words(name: str) -> str:
    return "\n".join(trace_text.steps(results("tiny")[name].trace))


def test_witness_trace_says_orphaned_and_created_again() -> None:
    words = _words("recreated_set_finds_outdated_orphan")
    assert "statefulset/web deleted with --cascade=orphan" in words
    assert "pod/web-0 ownerReference to statefulset/web removed: no controller (orphan)" in words
    assert "statefulset/web created again (a new object" in words


def test_foreign_pod_trace_says_the_name_is_taken() -> None:
    words = _words("rollout_completes_despite_foreign_pod")
    assert "pvc/data-web-1 created (Bound), but pod web-1 not created: the name is taken (AlreadyExists)" in words


def test_background_recreate_trace_names_the_stale_claim_ref() -> None:
    words = _words("claims_kept_across_background_delete_and_recreate")
    assert "ownerReference names the deleted statefulset/web (old UID)" in words
    assert "pvc/data-web-0 deleted (garbage collector)" in words


def test_adoption_is_described() -> None:
    before, after = first_step(MODEL, ORPHANS, "statefulset-controller.adopt_orphan_pods")
    changed = {f: (getattr(before, f), getattr(after, f)) for f in ("pod_owner",)}
    lines = StatefulSetDescriber(MODEL, ORPHANS).changes(before, after, changed)
    assert any("adopted: ownerReference → statefulset/web (controller)" in line for line in lines), lines
