"""The API server's message for a bad PodDisruptionBudget spec names the field it refuses
(model/controllers/disruption_util.py ``validate_budget_spec``).

Upstream: pkg/apis/policy/validation/validation.go ``ValidatePodDisruptionBudgetSpec`` (Kubernetes
v1.35) checks minAvailable and maxUnavailable alike, each under its own path
(``field.Invalid(fldPath.Child("maxUnavailable"), ...)``): a negative integer "must be greater
than or equal to 0", a percentage above 100 "must not be greater than 100%". Kills
disruption_util ``validate_budget_spec`` 11 (the maxUnavailable field named wrongly).
"""

from __future__ import annotations

import pytest

from kubecheck.model.controllers import disruption_util as du
from kubecheck.model.kernel.intstr import IntOrPercent


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            du.BudgetSpec(max_unavailable=IntOrPercent(-1, False)),
            "spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            du.BudgetSpec(max_unavailable=IntOrPercent(120, True)),
            "spec.maxUnavailable: Invalid value: 120%: must not be greater than 100%",
        ),
        (
            du.BudgetSpec(min_available=IntOrPercent(-2, False)),
            "spec.minAvailable: Invalid value: -2: must be greater than or equal to 0",
        ),
    ],
)
def test_a_refused_budget_bound_is_named_by_its_field_path(spec: du.BudgetSpec, message: str) -> None:
    assert du.validate_budget_spec(spec) == [message]
