"""Explicit search, BMC, k-induction and PDR agree on the DaemonSet model.

Written against the catalog only (``catalog.model("daemonset")`` and its property table), so
the cases follow the model as it changes: every safety property (``always``/``step``) in the
scope it adjusts the preset to.

* **k-induction** never contradicts explicit search;
* **BMC**: where breadth-first search finds a counterexample of n steps, BMC's first one is at
  depth n; where it finds none, BMC finds none (to ``DEFAULT_BMC_DEPTH`` by default, to the
  diameter with ``KUBECHECK_SLOW=1``; at ``small`` within two minutes: unsatisfiable unrollings
  stall past depth ~20);
* **PDR** gives the explicit verdict (``KUBECHECK_SLOW=1`` only: Spacer alone took 3–54 s per
  property at tiny here, counterexamples included).

The engines are compared as such (``strengthen=False``): their lemma discovery samples states
by explicit search, which would make the comparison circular. ``KUBECHECK_SLOW=1`` also runs every case at ``small``.
"""

from __future__ import annotations

import pytest
from crosscheck import IS_SLOW, SLOW, cases, check_bmc, check_kinduction, check_pdr, safety

WORKLOAD = "daemonset"
SAFETY = safety(WORKLOAD)
#: Every property at tiny; at small only with KUBECHECK_SLOW=1.
CASES = cases(SAFETY, "tiny") + cases(SAFETY, "small")


def test_the_catalog_has_safety_properties() -> None:
    assert len(SAFETY) >= 3


@pytest.mark.parametrize(("preset", "name"), CASES)
def test_kinduction_agrees_with_explicit_search(preset: str, name: str) -> None:
    check_kinduction(WORKLOAD, preset, name)


@pytest.mark.parametrize(("preset", "name"), CASES)
def test_bmc_first_depth_equals_bfs_depth(preset: str, name: str) -> None:
    """To the diameter with KUBECHECK_SLOW=1, else DEFAULT_BMC_DEPTH; at small a timeout is accepted
    (unsatisfiable unrollings stall past depth ~20, papers/symbolic-notes.md)."""
    check_bmc(WORKLOAD, preset, name, full_depth=IS_SLOW, may_time_out=preset != "tiny")


@SLOW
@pytest.mark.parametrize(("preset", "name"), CASES)
def test_pdr_agrees_with_explicit_search(preset: str, name: str) -> None:
    check_pdr(WORKLOAD, preset, name)


# -- liveness: recovery after a node failure (issue 14) -----------------------------------------------------------

from liveness_crosscheck import check_lasso_agrees  # noqa: E402

RECOVERY = {"recovers_after_node_failure": "HOLDS", "recovers_after_node_failure_without_intervention": "VIOLATED"}


@pytest.mark.parametrize("name", sorted(RECOVERY))
def test_recovery_lasso_agrees_with_fair_cycle_search(name: str) -> None:
    check_lasso_agrees(WORKLOAD, "tiny", name, RECOVERY[name])
