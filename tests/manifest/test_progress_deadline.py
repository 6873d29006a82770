"""check -f reads spec.progressDeadlineSeconds (issue 13 item 7): the properties about the deadline check at
the manifest's value; a manifest with no deadline (2147483647, upstream's HasProgressDeadline false) is not
answered at the default: those properties are another configuration, said in the skipped list."""

from __future__ import annotations

from kubecheck.manifest import load_workloads, sizing

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
{deadline}  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: app
          image: nginx:1.27
"""
DEADLINE_PROPERTIES = (
    "deployment.stuck_rollout_reported",
    "deployment.complete_rollout_reported",
    "deployment.timed_out_release_keeps_its_pods",
)


def _workload(deadline: str):
    [[w], *_] = load_workloads(["-"], DEPLOYMENT.format(deadline=deadline))
    return w


def test_the_deadline_properties_check_at_the_manifests_deadline() -> None:
    w = _workload("  progressDeadlineSeconds: 120\n")
    assert w.scope.spec_progress_deadline == 120
    chosen = {p.name: p for p in sizing.select(w)[0]}
    for name in DEADLINE_PROPERTIES:
        assert chosen[name].adjust(w.scope).progress_deadline_seconds == 120


def test_the_default_is_the_apis_600() -> None:
    w = _workload("")
    chosen = {p.name: p for p in sizing.select(w)[0]}
    assert chosen["deployment.stuck_rollout_reported"].adjust(w.scope).progress_deadline_seconds == 600


def test_no_deadline_is_another_configuration_not_the_default() -> None:
    w = _workload("  progressDeadlineSeconds: 2147483647\n")
    chosen, skipped = sizing.select(w)
    assert not {p.name for p in chosen} & set(DEADLINE_PROPERTIES)
    reasons = {s.name: s.reason for s in skipped}
    for name in DEADLINE_PROPERTIES:
        assert reasons[name] == "another configuration: spec-progress-deadline=600"
