"""A bad spec.behavior tolerance is one line naming the field, exit 2: from --set and from a manifest.

The API server's rules (Kubernetes v1.35): resource.ParseQuantity refuses what it cannot decode (quantity.go's
ErrFormatWrong / ErrSuffix), validateScalingRules a negative tolerance ("greater or equal to zero", as
validation_test.go expects), and a tolerance only exists inside spec.behavior.
"""

from __future__ import annotations

import pytest
from cli_helpers import kubecheck, one_error_line

BEHAVIOR = ("--set", "hpa-scale-up=0s,max,4pods/15s", "--set", "hpa-scale-down=300s,max,100%/15s")
ROW = ("check", "deployment", "deployment.hpa.replicas_within_max", "--scope", "tiny", "--set", "hpa-max-replicas=4")
FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0.1", 'spec.behavior.scaleUp.tolerance: Invalid value: "-0.1": must be greater or equal to zero'),
        ("abc", f"spec.behavior.scaleUp.tolerance: expected a quantity such as 0.05 or 50m, got 'abc' ({FORMAT})"),
        (
            "5mm",
            "spec.behavior.scaleUp.tolerance: expected a quantity such as 0.05 or 50m, got '5mm' (unable to parse "
            "quantity's suffix)",
        ),
    ],
)
def test_a_bad_tolerance_in_set_is_one_line(value: str, message: str) -> None:
    result = kubecheck(*ROW, *BEHAVIOR, "--set", f"hpa-scale-up-tolerance={value}")
    assert result.exit_code == 2
    assert one_error_line(result) == f"parameter hpa-scale-up-tolerance: {message}"


def test_a_tolerance_without_behavior_is_refused() -> None:
    result = kubecheck(*ROW, "--set", "hpa-scale-down-tolerance=0.05")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "hpa-scale-down-tolerance: expected none without spec.behavior (hpa-scale-up none; a tolerance is a field "
        "of spec.behavior), got 0.05"
    )


MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec: {{containers: [{{name: c, image: nginx, resources: {{requests: {{cpu: 100m}}}}}}]}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: web}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
  maxReplicas: 4
  behavior: {{scaleDown: {{tolerance: {value}}}}}
"""


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-0.1", "Invalid value: -0.1: must be greater or equal to zero"),
        ('"5mm"', 'Invalid value: "5mm": unable to parse quantity\'s suffix'),
        ("[1]", 'expected a quantity such as 0.05 or "50m", got a list'),
    ],
)
def test_a_bad_tolerance_in_a_manifest_names_the_field(tmp_path, value: str, message: str) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(MANIFEST.format(value=value))
    result = kubecheck("check", "-f", str(path), "--timeout", "1")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert errors == [
        f"Error: {path} (document 2): horizontalpodautoscaler/web: spec.behavior.scaleDown.tolerance: {message}"
    ]
