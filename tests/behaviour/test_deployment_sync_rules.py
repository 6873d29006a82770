"""Two rules of the Deployment model read off the transitions it produces (tests/behaviour/reach.py):
when a sync may create a ReplicaSet, and when a rollout is finished
(model/controllers/deployment.py: the command guards, ``rollout_complete``).

Upstream (Kubernetes v1.35): ``pkg/controller/deployment/deployment_controller.go``
``syncDeployment`` sends a paused Deployment to ``sync`` (``sync.go``), which calls
``getAllReplicaSetsAndSyncRevisions`` with ``createIfNotExisted`` false: a paused Deployment never
gets a new ReplicaSet, whatever its strategy (``rolloutRecreate`` would create it once the old
pods are gone). ``rollout_complete`` is ``DeploymentComplete`` plus "nothing else runs": an old
ReplicaSet whose spec still asks for a pod is not finished even if its pod was just evicted
(``pkg/controller/replicaset/replica_set.go`` ``manageReplicas`` creates a replacement).
"""

from __future__ import annotations

import attrs
from reach import steps

from kubecheck.model.controllers import deployment as d
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.kernel.ops import CONCRETE

MODEL = d.MODEL
TINY = MODEL.presets["tiny"]


def test_a_paused_recreate_deployment_gets_no_new_replicaset_even_once_its_old_pods_are_gone() -> None:
    # kill deployment _create_guard 20 (Recreate creates the new ReplicaSet on the paused sync path)
    sc = attrs.evolve(TINY, replicas=1, strategy=du.RECREATE, pauses=1)
    syncs = waiting = 0
    for s, action, t in steps(MODEL, sc):
        if not (s.paused and action.name.startswith("deployment-controller.")):
            continue
        syncs += 1
        k = len(s.rs_exists)
        waiting += not any(s.rs_exists[x] and d.active_pods(s, x) for x in range(k))
        assert all(t.rs_exists[x] <= s.rs_exists[x] for x in range(k)), (s, action)
    assert syncs and waiting


def _old_replicasets_wanting_a_lost_pod(s: d.DeploymentState, sc: d.DeploymentScope) -> list[int]:
    is_new = d.new_replicaset(CONCRETE, sc, s)
    return [
        x
        for x in range(len(s.rs_exists))
        if s.rs_exists[x] and not is_new[x] and s.rs_replicas[x] > 0 and d.active_pods(s, x) == 0
    ]


def test_a_rollout_is_not_complete_while_an_old_replicaset_still_asks_for_the_pod_it_lost() -> None:
    # kill deployment rollout_complete 49 (an old ReplicaSet with no pod counts as gone, whatever its spec):
    # the state is complete once the old ReplicaSet's spec is 0, and not while it still asks for a pod
    sc = attrs.evolve(TINY, replicas=1, faults=frozenset({"evict"}))
    found = 0
    for s, _action, _t in steps(MODEL, sc):
        lost = _old_replicasets_wanting_a_lost_pod(s, sc)
        if not lost:
            continue
        scaled_down = attrs.evolve(s, rs_replicas=tuple(0 if x in lost else r for x, r in enumerate(s.rs_replicas)))
        if d.rollout_complete(CONCRETE, sc, scaled_down):
            found += 1
            assert d.rollout_complete(CONCRETE, sc, s) is False, s
            break
    assert found
