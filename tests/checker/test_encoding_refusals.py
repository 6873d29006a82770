"""An action that does concrete arithmetic on a parameter left symbolic is refused with EncodingError, never a
traceback: the engine says "not decided" and ``check -f`` hands the property on (found in the public corpus:
ingress-nginx-chashsubset, 10 replicas, failed_pod_replaced's node-pressure eviction caps a counter at
``pod_cap``, which resolves maxSurge with Python integer division)."""

from __future__ import annotations

import attrs
import pytest

from kubecheck.checker import run
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic.encoder import Encoder, EncodingError
from kubecheck.checker.task import Budget, Task
from kubecheck.model.controllers.deployment_scope import DeploymentScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.properties import catalog

MODEL = catalog.model("deployment")
[FAILED_POD_REPLACED] = catalog.properties("deployment", ["failed_pod_replaced"])
SCOPE = attrs.evolve(DeploymentScope(), replicas=10, max_surge=IntOrPercent(25, True))


def test_the_encoder_refuses_an_action_with_concrete_arithmetic_on_a_symbolic_parameter() -> None:
    with pytest.raises(EncodingError, match=r"kubelet\.evict_pod_under_pressure evaluates replicas"):
        Encoder(MODEL, FAILED_POD_REPLACED.adjust(SCOPE), for_all=("replicas",))
    Encoder(MODEL, FAILED_POD_REPLACED.adjust(SCOPE))  # the same actions at a concrete size encode


def test_pdr_for_all_says_not_decided_instead_of_a_traceback() -> None:
    task = Task(MODEL, SCOPE, (FAILED_POD_REPLACED,), budget=Budget(None, 30), engine="pdr", for_all=("replicas",))
    [result] = run.check(task)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert "cannot be left symbolic" in result.note
