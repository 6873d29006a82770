"""The ``evict`` fault on a StatefulSet under a PodDisruptionBudget
(model/controllers/statefulset_disruption.py ``through_eviction_api``, ``eviction_goes_through``).

The fault is another caller of the eviction subresource (pkg/registry/core/pod/storage/eviction.go,
Kubernetes v1.35): a Ready pod is evicted only while the budget's status.disruptionsAllowed is
above 0, and the same write decrements it (``checkAndDecrement``); a refused call changes nothing,
so it is no step. Kills statefulset_disruption ``eviction_goes_through`` 7 and 13 (no behavioural
test reached them).
"""

from __future__ import annotations

from reach import steps

from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.kernel.scopes import with_settings

SCOPE = with_settings(st.MODEL.presets["tiny"], {"pdb-min-available": "1", "faults": "evict"})


def test_the_evict_fault_takes_a_ready_pod_only_within_the_budget_and_uses_one_disruption_up() -> None:
    ready_evictions = 0
    for s, action, t in steps(st.MODEL, SCOPE, limit=1500):
        if action.name != "fault.evict_pod":
            continue
        pod = action.kwargs["pod"]
        if s.pod_phase[pod] >= cl.READY:
            ready_evictions += 1
            assert s.pdb_allowed > 0, action.label
            assert t.pdb_allowed == s.pdb_allowed - 1 and t.pod_terminating[pod]
            if ready_evictions >= 3:
                break
    assert ready_evictions
