"""Deployment replica arithmetic: behaviours of deployment_util.py that no upstream table row pins."""

from __future__ import annotations

from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE


def test_a_missing_new_replicaset_is_never_saturated() -> None:
    # IsSaturated (deployment_util.go): `if rs == nil { return false }` before comparing counts.
    assert du.is_saturated(CONCRETE, 3, False, 3, 3, 3) is False
    assert du.is_saturated(CONCRETE, 3, True, 3, 3, 3) is True


def test_a_one_replica_deployment_may_lose_its_only_pod_when_max_unavailable_allows_it() -> None:
    # MaxUnavailable (deployment_util.go): 0 only for Recreate or spec.replicas == 0, else the
    # resolved maxUnavailable capped at spec.replicas.
    zero, one, two = IntOrPercent(0), IntOrPercent(1), IntOrPercent(2)
    assert du.max_unavailable(CONCRETE, du.ROLLING_UPDATE, zero, one, 1) == 1
    assert du.max_unavailable(CONCRETE, du.ROLLING_UPDATE, zero, two, 1) == 1
    assert du.min_available(CONCRETE, du.ROLLING_UPDATE, zero, one, 1) == 0
    assert du.max_unavailable(CONCRETE, du.ROLLING_UPDATE, zero, one, 0) == 0


def test_a_replicaset_share_of_a_scale_up_by_one_is_capped_at_what_is_left_to_add() -> None:
    # GetProportion (deployment_util.go): scaling up, min(rsFraction, toAdd - added); scaling
    # down, max(rsFraction, toAdd - added) — a share never overshoots what is left.
    assert du.get_proportion(CONCRETE, 2, 0, 1, 0) == 0
    assert du.get_proportion(CONCRETE, 2, 3, 1, 0) == 1
    assert du.get_proportion(CONCRETE, 2, -3, -1, 0) == -1
    assert du.get_proportion(CONCRETE, 2, 0, -1, 0) == 0


def test_a_max_replicas_annotation_of_one_is_used_as_is() -> None:
    # getReplicaSetFraction (deployment_util.go): the annotation falls back to status.replicas only
    # when it is missing or 0; newRSsize = spec * (replicas + maxSurge) / annotation, rounded.
    assert du.replica_set_fraction(CONCRETE, 1, 3, 3, 1, 2) == 2  # 1 * 3 / 1 - 1
    assert du.replica_set_fraction(CONCRETE, 1, 3, 3, 0, 2) == 1  # fallback: round(1 * 3 / 2) - 1
    assert du.replica_set_fraction(CONCRETE, 1, 3, 3, 0, 0) == 0  # nothing to scale from
