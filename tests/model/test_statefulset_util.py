"""Upstream unit-test rows for the StatefulSet helpers (model/controllers/statefulset_util.py).

Each parametrized case cites the upstream test and row it transcribes. Sources (stored-index
snapshots of kubernetes/kubernetes; the index records no commit for these ids):

* ``pkg/controller/statefulset/stateful_set_utils_test.go``, snapshot 694144998 (ptr.To era):
  TestGetStatefulSetMaxUnavailable (all 11 rows), TestGetParentNameAndOrdinal.
* ``pkg/controller/statefulset/stateful_set_control_test.go`` (rolling update with partition,
  TestStatefulSetControlRollingUpdateWithPartition): pods below the partition end at the
  current revision, the others at the update revision — the end-state check lives in
  tests/model/test_statefulset.py::test_partition_end_states.

Every maxUnavailable row is evaluated with CONCRETE and with Z3 (replicas a z3 variable,
substituted afterwards), so the helper is known to read the same under both engines.
"""

from __future__ import annotations

import pytest
import z3

from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Z3

UTILS_TEST = "stateful_set_utils_test.go snapshot 694144998"

# TestGetStatefulSetMaxUnavailable: (maxUnavailable, replicaCount, expected); None = unset.
MAX_UNAVAILABLE_ROWS = [
    (None, 10, 1),
    (IntOrPercent(3), 10, 3),
    (IntOrPercent(3), 0, 3),
    (IntOrPercent(0), 0, 1),
    (IntOrPercent(10, True), 25, 2),
    (IntOrPercent(100, True), 5, 5),
    (IntOrPercent(50, True), 5, 2),
    (IntOrPercent(10, True), 5, 1),
    (IntOrPercent(1, True), 0, 1),
    (IntOrPercent(0, True), 0, 1),
]


@pytest.mark.parametrize(
    "value,replicas,expected",
    MAX_UNAVAILABLE_ROWS,
    ids=[f"TestGetStatefulSetMaxUnavailable/case {i}" for i in range(len(MAX_UNAVAILABLE_ROWS))],
)
def test_get_statefulset_max_unavailable(value, replicas, expected):
    assert su.get_statefulset_max_unavailable(CONCRETE, value, replicas) == expected
    r = z3.Int("replicas")
    term = su.get_statefulset_max_unavailable(Z3, value, r)
    got = z3.simplify(z3.substitute(z3.IntVal(term) if isinstance(term, int) else term, (r, z3.IntVal(replicas))))
    assert got.as_long() == expected


@pytest.mark.parametrize(
    "name,parent,ordinal",
    [
        ("foo-1", "foo", 1),  # TestGetParentNameAndOrdinal: newStatefulSetPod(set "foo", 1)
        ("1-bar", "", -1),  # TestGetParentNameAndOrdinal: pod.Name = "1-bar" is not a member
        ("web-10", "web", 10),
        ("my-set-2", "my-set", 2),  # TestGetClaimPodName: claim volume-my-set-2 belongs to pod my-set-2
    ],
)
def test_parse_ordinal(name, parent, ordinal):
    assert su.parse_ordinal(name) == (parent, ordinal)


def test_names():
    assert su.get_pod_name("web", 2) == "web-2"
    assert su.get_persistent_volume_claim_name("web", "data", 2) == "data-web-2"
    assert su.get_persistent_volume_claim_name("my-set", "volume", 2) == "volume-my-set-2"  # TestGetClaimPodName


@pytest.mark.parametrize(
    "ordinal,start,replicas,inside",
    [
        (0, 0, 3, True),
        (2, 0, 3, True),
        (3, 0, 3, False),
        (4, 5, 3, False),
        (5, 5, 3, True),
        (7, 5, 3, True),
        (8, 5, 3, False),
    ],
)
def test_pod_in_ordinal_range(ordinal, start, replicas, inside):
    """podInOrdinalRange with spec.ordinals.start (StatefulSetStartOrdinal, GA)."""
    assert su.pod_in_ordinal_range(ordinal, start, replicas) is inside


@pytest.mark.parametrize(
    "strategy,partition,index,expected",
    [
        (su.ROLLING_UPDATE, 0, 0, "update"),
        (su.ROLLING_UPDATE, 2, 0, "current"),
        (su.ROLLING_UPDATE, 2, 1, "current"),
        (su.ROLLING_UPDATE, 2, 2, "update"),
        (su.ROLLING_UPDATE, 5, 3, "current"),  # partition > replicas is legal: nothing updated
        (su.ON_DELETE, 2, 0, "update"),  # OnDelete: new pods at the update revision
    ],
)
def test_new_versioned_revision(strategy, partition, index, expected):
    """newVersionedStatefulSetPod compares the partition with the index (ordinal - start)."""
    assert su.new_versioned_revision(strategy, partition, index, "current", "update") == expected


@pytest.mark.parametrize(
    "when_deleted,when_scaled,condemned,pod_ref,set_ref",
    [
        # the retention table of k8s-semantics.md §4.7 (isClaimOwnerUpToDate)
        (su.RETAIN, su.RETAIN, False, False, False),
        (su.RETAIN, su.RETAIN, True, False, False),
        (su.DELETE, su.RETAIN, False, False, True),
        (su.DELETE, su.RETAIN, True, False, True),
        (su.RETAIN, su.DELETE, False, False, False),
        (su.RETAIN, su.DELETE, True, True, False),
        (su.DELETE, su.DELETE, False, False, True),
        (su.DELETE, su.DELETE, True, True, False),
    ],
)
def test_claim_owner_refs(when_deleted, when_scaled, condemned, pod_ref, set_ref):
    assert su.claim_wants_pod_ref(when_scaled, condemned) is pod_ref
    assert su.claim_wants_set_ref(when_deleted, when_scaled, condemned) is set_ref


def test_complete_rolling_update():
    assert su.complete_rolling_update(CONCRETE, su.ROLLING_UPDATE, 3, 3, 3, 3) is True
    assert su.complete_rolling_update(CONCRETE, su.ROLLING_UPDATE, 3, 3, 2, 3) is False
    assert su.complete_rolling_update(CONCRETE, su.ROLLING_UPDATE, 3, 4, 4, 4) is False  # a condemned pod left
    assert su.complete_rolling_update(CONCRETE, su.ON_DELETE, 3, 3, 3, 3) is False
