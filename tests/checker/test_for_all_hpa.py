"""The autoscaler's rows for every replicas, maxSurge and maxUnavailable (issue 15, item 2).

``hpa.no_inflation_during_rollout`` was refused with the parameters open: the autoscaler's calculator tabulated
over the scope's pod bound, which grows with replicas and maxSurge. It now tabulates only over values bounded by
the autoscaler's own spec (model/controllers/hpa.py ``_per_pod``; tests/model/test_hpa_unbounded_counts.py pins
the forms against upstream's float64 port), so the encoder leaves the parameters symbolic and the row is decided:
VIOLATED at the least parameters by their sum, (1, 1, 0) — the surge pod Ready before the old one leaves raises
the per-pod proposal — with explicit search's trace length at that instance, replayed by the reference
interpreter. At replicas 0 (the smaller sums) the autoscaler is disabled and never writes during a rollout.
"""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker.explicit import bfs
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Budget
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.properties.hpa import PROPERTIES

BY_NAME = {p.name.split(".", 1)[1]: p for p in PROPERTIES}
ALL = ("replicas", "max_surge", "max_unavailable")
SMALL = MODEL.presets["small"]


@pytest.mark.parametrize("min_ready", [0, 10])
def test_no_inflation_is_violated_for_all_values_at_the_least_parameters(min_ready: int) -> None:
    prop = BY_NAME["hpa.no_inflation_during_rollout"]
    scope = prop.adjust(attrs.evolve(SMALL, min_ready_seconds=min_ready))
    result = pdr.decide(Encoder(MODEL, scope, for_all=ALL, arith="linear"), prop, timeout=120)
    assert result.verdict is Verdict.VIOLATED, result.note
    assert "the least values by their sum" in result.note
    assert "replayed by the reference interpreter" in result.note
    found = result.trace.scope
    assert (found.replicas, found.max_surge.value, found.max_unavailable.value) == (1, 1, 0)
    states = result.trace.states
    assert not prop.predicate(CONCRETE, found, states[-2], states[-1])  # the autoscaler's write breaks it
    assert result.trace.steps[-1].action.label.startswith("hpa.reconcile")
    [explicit] = bfs.explore(MODEL, found, [prop], Budget(timeout=120))
    assert explicit.verdict is Verdict.VIOLATED
    assert len(result.trace.steps) == len(explicit.trace.steps)


@pytest.mark.parametrize(("replicas", "surge", "unavailable"), [(0, 1, 0), (0, 0, 1), (0, 1, 1)])
def test_at_replicas_0_the_autoscaler_never_writes_in_a_rollout(replicas: int, surge: int, unavailable: int) -> None:
    prop = BY_NAME["hpa.no_inflation_during_rollout"]
    scope = attrs.evolve(
        prop.adjust(SMALL),
        replicas=replicas,
        max_surge=IntOrPercent(surge, False),
        max_unavailable=IntOrPercent(unavailable, False),
    )
    [explicit] = bfs.explore(MODEL, scope, [prop], Budget(timeout=120))
    assert explicit.verdict is Verdict.HOLDS
    assert explicit.stats.complete
