"""The autoscaler scope's bounds on writes to spec.replicas (model/controllers/hpa.py).

A scope bounds how often ``kubectl apply`` re-writes the manifest's spec.replicas (``applies``)
and how often the HorizontalPodAutoscaler rescales (``hpa-rescales``, one write of the scale
subresource each: ``reconcileAutoscaler`` in pkg/controller/podautoscaler/horizontal.go). Once a
bound is used up the write no longer happens; before, it does. The states are the model's own
initial state with the counters set; the steps are the model's successors.
Kills hpa ``_apply_guard`` 3 (applies unbounded) and ``_sync`` 110 (a rescale with none left).
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.scopes import with_settings

# four replicas at 120 % of the CPU target: the autoscaler asks for ceil(1.2 * 4) = 5
SCOPE = with_settings(
    MODEL.presets["tiny"], {"replicas": "4", "hpa-max-replicas": "8", "hpa-loads": "120", "applies": "1"}
)


@pytest.mark.parametrize("left", [1, 0])
def test_kubectl_apply_writes_the_manifests_replicas_only_while_applies_are_left(left: int) -> None:
    s = attrs.evolve(MODEL.init(SCOPE), replicas=5, applies_left=left)
    applied = [t for a, t in successors(MODEL, SCOPE, s) if a.name == "user.apply_manifest"]
    assert [t.replicas for t in applied] == ([SCOPE.replicas] if left else [])


@pytest.mark.parametrize("left", [1, 0])
def test_the_autoscaler_rescales_only_while_rescales_are_left(left: int) -> None:
    s = attrs.evolve(MODEL.init(SCOPE), hpa_rescales_left=left)
    rescaled = {t.replicas for a, t in successors(MODEL, SCOPE, s) if a.name.startswith("hpa.reconcile")}
    assert (5 in rescaled) is bool(left)
    assert all(r in (4, 5) for r in rescaled)
