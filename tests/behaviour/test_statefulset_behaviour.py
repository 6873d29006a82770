"""What a finished StatefulSet run is (model/controllers/statefulset.py: ``rolled_out``, ``quiescent``).

Upstream: ``kubectl rollout status`` (``pkg/polymorphichelpers/rollout_status.go``,
``StatefulSetStatusViewer.Status``) waits, for a RollingUpdate set, until every replica is ready
and updated (``UpdatedReplicas`` and ``UpdateRevision == CurrentRevision``); for OnDelete it
refuses ("rollout status is only available for RollingUpdate strategy type"): nothing replaces an
old pod until the user deletes it, so the model calls an OnDelete set finished once its pods are
available, whatever their revision. ``kubectl delete sts --cascade=orphan`` removes the set and
leaves its pods without a controller (``garbagecollector``: orphan dependents), so nothing is left
to converge. The states come from the model's own commands (tests/behaviour/reach.py).
"""

from __future__ import annotations

import attrs
from reach import first_step, steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.ops import CONCRETE

MODEL = st.MODEL
TINY = MODEL.presets["tiny"]


def _all_available(s: st.StatefulSetState) -> bool:
    return all(
        s.pod_phase[i] == cl.AVAILABLE and not s.pod_terminating[i] for i in range(len(s.pod_phase)) if i < s.replicas
    )


def test_a_rolling_update_is_not_finished_while_an_available_pod_runs_the_old_revision() -> None:
    # right after the edit every pod is available, at the old revision: rollout status keeps waiting
    before, after = first_step(MODEL, TINY, "user.edit_template", when=_all_available)
    assert st.rolled_out(CONCRETE, TINY, before) is True
    assert _all_available(after) and after.pod_rev == before.pod_rev
    assert any(after.pod_rev[i] != st.expected_revision(CONCRETE, TINY, after, i) for i in range(after.replicas))
    assert st.rolled_out(CONCRETE, TINY, after) is False
    assert st.quiescent(CONCRETE, TINY, after) is False


def test_an_ondelete_set_is_finished_once_its_pods_are_available_at_any_revision() -> None:
    sc = attrs.evolve(TINY, strategy=su.ON_DELETE)
    _, after = first_step(MODEL, sc, "user.edit_template", when=_all_available)
    assert _all_available(after)
    assert any(after.pod_rev[i] != st.expected_revision(CONCRETE, sc, after, i) for i in range(after.replicas))
    assert st.rolled_out(CONCRETE, sc, after) is True


def test_with_owner_references_an_orphaned_or_deleted_and_collected_set_is_finished() -> None:
    sc = attrs.evolve(TINY, orphan_deletes=1, recreates=1, set_deletion=True)
    orphaned = gone = 0
    for _, _, s in steps(MODEL, sc):
        if s.set_orphaned:
            orphaned += 1
            assert st.quiescent(CONCRETE, sc, s) is True
        elif s.set_deleted and all(p == cl.NONE for p in s.pod_phase):
            gone += 1
            assert st.quiescent(CONCRETE, sc, s) is True
        if orphaned and gone:
            break
    assert orphaned and gone
    assert st.quiescent(CONCRETE, sc, MODEL.init(sc)) is False


def test_a_partitioned_node_has_its_ready_pods_marked_not_ready_and_they_keep_running() -> None:
    # node lifecycle controller (pkg/controller/nodelifecycle, MarkPodsNotReady in
    # pkg/controller/util/node/controller_utils.go): once the node's Ready condition is Unknown,
    # every pod bound to it gets Ready=False; the kubelet behind the partition keeps the containers.
    sc = attrs.evolve(TINY, faults=frozenset({"partition"}), fault_budget=1)
    before, after = first_step(MODEL, sc, "fault.partition_node", when=lambda s: s.pod_phase[0] == cl.AVAILABLE)
    assert after.pod_phase[0] == cl.RUNNING and not after.pod_terminating[0]
    assert all(
        a == (cl.RUNNING if b >= cl.READY else b) for a, b in zip(after.pod_phase, before.pod_phase, strict=True)
    )


def test_a_sync_keeps_the_revision_of_an_unscheduled_pod_and_clears_the_slot_of_one_it_deletes() -> None:
    # pkg/registry/core/pod/strategy.go: a pod never bound to a node is deleted at once (no kubelet
    # to wait for), so its slot is empty again, like a never-created one (revision 0); a pod the
    # sync leaves alone keeps the controller-revision-hash it was created with.
    sc = attrs.evolve(TINY, pod_deletes=1)
    kept = cleared = 0
    for s, action, t in steps(MODEL, sc):
        if not action.name.startswith("statefulset-controller."):
            continue
        for i, phase in enumerate(s.pod_phase):
            if phase != cl.UNSCHEDULED:
                continue
            if t.pod_phase[i] == cl.UNSCHEDULED:
                kept += s.pod_rev[i] != 0
                assert t.pod_rev[i] == s.pod_rev[i], (s, action)
            elif t.pod_phase[i] == cl.NONE:
                cleared += 1
                assert t.pod_rev[i] == 0, (s, action)
        if kept and cleared:
            break
    assert kept and cleared


def test_a_pod_of_another_controller_does_not_wait_for_the_sets_claim_to_be_scheduled() -> None:
    # The scheduler's volume binding (VolumeBinding plugin) waits only for the claims a pod mounts;
    # a foreign pod holding an ordinal's name does not mount the set's volumeClaimTemplate claim.
    sc = attrs.evolve(TINY, foreign_pod=1)
    before, after = first_step(
        MODEL,
        sc,
        "scheduler.bind_pod",
        when=lambda s: any(o == ow.FOREIGN and not c for o, c in zip(s.pod_owner, s.pvc)),
    )
    [k] = [k for k, (o, c) in enumerate(zip(before.pod_owner, before.pvc)) if o == ow.FOREIGN and not c]
    assert before.pod_phase[k] == cl.UNSCHEDULED and after.pod_phase[k] != cl.UNSCHEDULED


def test_a_sync_writes_the_status_of_a_set_whose_status_was_never_written() -> None:
    # updateStatefulSetStatus (stateful_set_control.go) ends every sync: a set re-created after
    # its deletion gets status.currentRevision written even when no pod changes and the revision
    # it writes is the one the state already holds.
    sc = attrs.evolve(TINY, orphan_deletes=1, recreates=1, set_deletion=True)
    before, after = first_step(
        MODEL,
        sc,
        "statefulset-controller.complete_rolling_update",
        when=lambda s: not s.status_written and s.current_rev == s.template,
    )
    assert after.status_written and after.current_rev == before.current_rev
