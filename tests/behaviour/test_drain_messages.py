"""What ``kubectl drain`` tells the user when it refuses a node (model/controllers/drain_util.py
``plan_node_drain``, GetPodsForDeletion's errors).

Upstream: staging/src/k8s.io/kubectl/pkg/drain/filters.go (Kubernetes v1.35): each filter that
refuses a pod gives its fatal message, which names the flag that overrides it (``localStorageFatal``
"... (use --delete-emptydir-data to override)", ``unmanagedFatal`` "... (use --force to override)",
``daemonSetFatal`` "... (use --ignore-daemonsets to ignore)"); ``kubectl drain`` prints them and
touches no pod of the node. Kills drain_util ``local_storage_filter`` 6 (the message dropped: the
error becomes "unexpected error").
"""

from __future__ import annotations

import pytest

from kubecheck.model.controllers import drain_util as dr
from kubecheck.model.controllers.drain_util import DrainFlags, PodFacts


@pytest.mark.parametrize(
    ("pod", "flags", "message", "override"),
    [
        (PodFacts(empty_dir=True), DrainFlags(force=True), dr.LOCAL_STORAGE_FATAL, "--delete-emptydir-data"),
        (PodFacts(), DrainFlags(), dr.UNMANAGED_FATAL, "--force"),
    ],
)
def test_a_refused_drain_names_the_flag_that_overrides_it(
    pod: PodFacts, flags: DrainFlags, message: str, override: str
) -> None:
    plan = dr.plan_node_drain([pod], flags)
    assert plan.errors == (message,)
    assert override in plan.errors[0]
