"""A proof "for all replicas" starts from the states an explicit run of each replica count starts from.

``kubecheck check --for-all replicas`` leaves spec.replicas a z3 term (checker/symbolic/encoder.py
``Encoder.init``), and model/controllers/deployment.py ``initial_state`` then computes the rolled-out
Deployment with z3 arithmetic: the ReplicaSet's ``deployment.kubernetes.io/max-replicas``
annotation is replicas + maxSurge, a percentage rounded up (``intstr.GetScaledValueFromIntOrPercent``
in ``ResolveFenceposts``, pkg/controller/deployment/util/deployment_util.go). Pinned to each
count, the symbolic initial state must be the explicit one.
Kills deployment ``initial_state`` 16 (concrete arithmetic on the symbolic replica count).
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.intstr import IntOrPercent

TINY = MODEL.presets["tiny"]


@pytest.mark.parametrize("surge", [IntOrPercent(25, True), IntOrPercent(1, False)])
def test_the_symbolic_initial_state_pinned_to_a_replica_count_is_that_counts_initial_state(
    surge: IntOrPercent,
) -> None:
    scope = attrs.evolve(TINY, max_surge=surge)
    e = Encoder(MODEL, scope, for_all=("replicas",))
    x = e.state(0)
    [term] = e.param_terms(x).values()
    for r in (1, 2, 3):
        s = z3.Solver()
        s.add(e.init(x), e.domain(x), term == r)
        assert s.check() == z3.sat
        explicit = e.schema.flatten(MODEL.init(attrs.evolve(scope, replicas=r)))
        assert e.flat(s.model(), 0) == explicit, r
