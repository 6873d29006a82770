"""Deployment replica arithmetic: behaviours of deployment_util.py that no upstream table row pins."""

from __future__ import annotations

from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.kernel.ops import CONCRETE


def test_a_missing_new_replicaset_is_never_saturated() -> None:
    # IsSaturated (deployment_util.go): `if rs == nil { return false }` before comparing counts.
    assert du.is_saturated(CONCRETE, 3, False, 3, 3, 3) is False
    assert du.is_saturated(CONCRETE, 3, True, 3, 3, 3) is True
