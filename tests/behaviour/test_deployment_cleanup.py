"""A ReplicaSet deleted by ``cleanupDeployment`` leaves nothing behind (deployment_sync.py ``Plan.delete``).

Upstream: ``pkg/controller/deployment/sync.go`` ``cleanupDeployment`` (Kubernetes v1.35) deletes
the oldest old ReplicaSets beyond spec.revisionHistoryLimit that have spec.replicas 0 and
status.replicas 0. A deleted ReplicaSet has no object, so no revision annotation
(``deployment.kubernetes.io/revision``), no desired-replicas / max-replicas annotation and no
counts: nothing that reads ReplicaSets (``FindOldReplicaSets``, ``MaxRevision``, the proportional
scaling annotations) sees it. In the model a ReplicaSet slot that does not exist reads as one
never created (the initial state's unused slots: every field 0), which is what the properties and
their lemmas rely on when they read every slot. The transitions are the model's own
(tests/behaviour/reach.py). Kills deployment_sync ``Plan.delete`` 13.
"""

from __future__ import annotations

from reach import steps

from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.scopes import with_settings

#: revisionHistoryLimit 0: the old ReplicaSet is deleted once the rollout has scaled it to 0.
SCOPE = with_settings(MODEL.presets["tiny"], {"revision-history-limit": "0"})
RS_FIELDS = (
    "rs_revision",
    "rs_history",
    "rs_replicas",
    "rs_desired",
    "rs_max",
    "rs_status_replicas",
    "rs_status_available",
    "rs_synced",
)


def test_a_replicaset_deleted_by_cleanup_reads_as_one_never_created() -> None:
    unused = MODEL.init(SCOPE)
    never = [t for t in range(len(unused.rs_exists)) if not unused.rs_exists[t]]
    assert never and all(not getattr(unused, f)[never[0]] for f in RS_FIELDS)
    deleted = 0
    for s, action, t in steps(MODEL, SCOPE, limit=3000):
        for rs in range(len(s.rs_exists)):
            if s.rs_exists[rs] and not t.rs_exists[rs]:
                deleted += 1
                assert s.rs_replicas[rs] == 0 and s.rs_status_replicas[rs] == 0, action.label
                left = {f: getattr(t, f)[rs] for f in RS_FIELDS if getattr(t, f)[rs]}
                assert not left, (action.label, left)
        if deleted >= 3:
            break
    assert deleted
