"""check -f reads the Deployment's toleration of node.kubernetes.io/unreachable (issue 13 items 3 and 7).

A NoExecute toleration of the unreachable taint without tolerationSeconds keeps a lost node's pods there
for ever (pkg/controller/tainteviction/taint_eviction.go: getMinTolerationTime < 0 never schedules the
deletion); a finite tolerationSeconds, or none written (the DefaultTolerationSeconds admission plugin adds
300 s), lets the taint-eviction controller delete them. The scope's ``tolerates-unreachable`` says which.
"""

from __future__ import annotations

import pytest

from kubecheck.manifest import load_workloads

UNREACHABLE = "{key: node.kubernetes.io/unreachable, operator: Exists"

TEMPLATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
{tolerations}      containers:
        - name: app
          image: nginx:1.27
"""


def _workload(tolerations: str):
    [[w], *_] = load_workloads(["-"], TEMPLATE.format(tolerations=tolerations))
    return w


@pytest.mark.parametrize(
    ("tolerations", "forever"),
    [
        ("", False),  # the admission plugin's 300 s
        (
            f"      tolerations:\n        - {UNREACHABLE}, effect: NoExecute}}\n",
            True,
        ),
        (
            f"      tolerations:\n        - {UNREACHABLE}, effect: NoExecute, tolerationSeconds: 60}}\n",
            False,
        ),
        ("      tolerations:\n        - {operator: Exists}\n", True),  # every taint, every effect, for ever
        ("      tolerations:\n        - {key: node.kubernetes.io/not-ready, operator: Exists}\n", False),
        (
            f"      tolerations:\n        - {UNREACHABLE}, effect: NoSchedule}}\n",
            False,
        ),
    ],
    ids=["none-written", "unreachable-for-ever", "unreachable-60s", "everything", "not-ready-only", "noschedule-only"],
)
def test_the_unreachable_toleration_is_read_from_the_pod_template(tolerations: str, forever: bool) -> None:
    w = _workload(tolerations)
    assert w.scope.tolerates_unreachable is forever
    assert any("tolerated for ever" in n for n in w.notes) is forever
