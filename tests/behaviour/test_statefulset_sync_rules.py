"""Three rules of one StatefulSet sync (model/controllers/statefulset_sync.py, ``Plan``), read off the
transitions the model itself produces (tests/behaviour/reach.py).

Upstream: ``pkg/controller/statefulset/stateful_set_control.go`` (Kubernetes v1.35) and
``stateful_pod_control.go``:

* ``processReplica`` does not create a missing pod while ``PodClaimIsStale`` holds: under
  whenScaled=Delete a claim is stale only if it carries an ownerReference to a Pod other than the
  one about to be created (``hasStaleOwnerRef``). A claim without a pod reference (the claim of an
  in-range pod that was deleted) is reused at once.
* With the MaxUnavailableStatefulSet gate off, ``updateStatefulSet`` walks the replicas from the
  highest ordinal down to the partition, deletes the first outdated pod it meets, and stops at the
  first pod that is not healthy ("wait for unhealthy Pods on update"), even an updated one. With
  Parallel pod management the rolling update is reached while pods are still starting, so the
  wait is what keeps the set to one pod down at a time.
* ``getPodsForStatefulSet`` leaves out a pod another controller owns; an OrderedReady sync whose
  first replica's name such a pod holds fails to create it (AlreadyExists) and goes no further.
"""

from __future__ import annotations

from collections import defaultdict

import attrs
from reach import steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import ownership as ow
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_util as su

MODEL = st.MODEL
TINY = MODEL.presets["tiny"]
SYNC = "statefulset-controller."


def _healthy(s: st.StatefulSetState, i: int) -> bool:
    return s.pod_phase[i] == cl.AVAILABLE and not s.pod_terminating[i]


def test_a_deleted_pod_whose_claim_has_no_pod_reference_is_created_again_under_when_scaled_delete() -> None:
    # kill statefulset_sync Plan.__init__ 85 (a claim counted stale without a pod reference)
    sc = attrs.evolve(TINY, when_scaled=su.DELETE, pod_deletes=1)
    created: dict[tuple, bool] = defaultdict(bool)
    for s, action, t in steps(MODEL, sc):
        for i in range(s.replicas):
            missing_with_claim = s.pod_phase[i] == cl.NONE and s.pvc[i] and not s.pvc_pod_ref[i]
            if missing_with_claim and all(_healthy(s, j) for j in range(i)):
                key = (s, i)
                created[key] |= action.name.startswith(SYNC) and t.pod_phase[i] == cl.UNSCHEDULED
    assert created, "no in-range slot lost its pod and kept an unreferenced claim"
    assert all(created.values()), [k for k, v in created.items() if not v][:1]


def test_without_the_max_unavailable_gate_a_parallel_rolling_update_waits_for_the_updated_pod_above() -> None:
    # kill statefulset_sync Plan._rolling_update 82 (the gate-off scan no longer stops at an unhealthy pod)
    sc = attrs.evolve(TINY, pod_management=su.PARALLEL, max_unavailable_gate=False)
    waiting = 0
    for s, action, t in steps(MODEL, sc):
        top = s.replicas - 1
        if not (s.replicas == 2 and s.pod_rev[top] == s.template and not _healthy(s, top)):
            continue
        if s.pod_phase[0] == cl.NONE or s.pod_terminating[0] or s.pod_rev[0] == s.template:
            continue
        waiting += 1
        if action.name.startswith(SYNC):
            assert (t.pod_phase[0], t.pod_terminating[0]) == (s.pod_phase[0], s.pod_terminating[0]), (s, action)
    assert waiting


def test_ordered_ready_creates_no_higher_pod_while_another_controllers_running_pod_holds_the_first_name() -> None:
    # kill statefulset_util is_healthy 4 (a slot counted healthy without a pod of the set's own):
    # getPodsForStatefulSet leaves the foreign pod out, so replica 0 is missing; processReplica's
    # CreateStatefulPod fails with AlreadyExists and the OrderedReady sync returns before replica 1,
    # however ready the foreign pod is.
    sc = attrs.evolve(TINY, foreign_pod=0)
    syncs = 0
    for s, action, t in steps(MODEL, sc):
        held = s.pod_owner[0] == ow.FOREIGN and s.pod_phase[0] == cl.AVAILABLE
        if held and s.replicas == 2 and s.pod_phase[1] == cl.NONE and action.name.startswith(SYNC):
            syncs += 1
            assert t.pod_phase[1] == cl.NONE, (s, action)
    assert syncs
