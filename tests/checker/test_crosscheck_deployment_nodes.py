"""Explicit search, BMC, k-induction and PDR agree on the Deployment's node-failure properties.

The safety rows of :mod:`kubecheck.properties.deployment_nodes`, each in the scope it adjusts
``tiny`` to (two nodes, the ``partition`` fault, minReadySeconds 0): k-induction never
contradicts explicit search, BMC's first counterexample is as long as breadth-first search's (or
it finds none to ``DEFAULT_BMC_DEPTH``), and PDR gives the explicit verdict (``KUBECHECK_SLOW=1``).
"""

from __future__ import annotations

import pytest

pytest.register_assert_rewrite("crosscheck")

from crosscheck import IS_SLOW, SLOW, check_bmc, check_kinduction, check_pdr  # noqa: E402

from kubecheck.properties import deployment_nodes  # noqa: E402

WORKLOAD = "deployment"
SAFETY = [p.short for p in deployment_nodes.PROPERTIES if p.kind in ("always", "step")]


def test_the_table_has_safety_properties() -> None:
    assert len(SAFETY) >= 3


@pytest.mark.parametrize("name", SAFETY)
def test_kinduction_agrees_with_explicit_search(name: str) -> None:
    check_kinduction(WORKLOAD, "tiny", name)


@pytest.mark.parametrize("name", SAFETY)
def test_bmc_first_depth_equals_bfs_depth(name: str) -> None:
    check_bmc(WORKLOAD, "tiny", name, full_depth=IS_SLOW, may_time_out=False)


@SLOW
@pytest.mark.parametrize("name", SAFETY)
def test_pdr_agrees_with_explicit_search(name: str) -> None:
    check_pdr(WORKLOAD, "tiny", name)
