"""Explicit search and the symbolic engines agree on the StatefulSet ownership properties at ``tiny``.

The rows of properties/statefulset_ownership.py (owner references: orphan deletion, re-creation,
a foreign pod), each in the scope it adjusts ``tiny`` to:

* safety (``step``): k-induction and BMC run with the other StatefulSet rows in
  test_crosscheck_statefulset.py (``at_most_one_pod_object_per_identity_across_recreate`` is
  1-inductive there: pinned in its ONE_INDUCTIVE); PDR gives the explicit verdict here (that file
  runs PDR on new rows only with ``KUBECHECK_SLOW=1``);
* liveness (``leads_to``): the explicit fair-cycle verdict is pinned, a VIOLATED one gets a BMC
  lasso of the same length that re-checks, a HOLDS one no lasso up to depth 7 (INCONCLUSIVE).
"""

from __future__ import annotations

import pytest
from crosscheck import SLOW, check_pdr
from liveness_crosscheck import check_lasso_agrees

from kubecheck.properties import statefulset_ownership as so

WORKLOAD = "statefulset"
SAFETY = [p.short for p in so.PROPERTIES if p.kind in ("always", "step")]
LIVENESS = {
    "rollout_completes_despite_foreign_pod": "VIOLATED",
    "orphans_adopted_after_recreate": "HOLDS",
    "recreated_set_rolls_out": "HOLDS",
}


def test_every_liveness_row_is_pinned() -> None:
    assert set(LIVENESS) == {p.short for p in so.PROPERTIES if p.is_liveness}


#: PDR takes minutes here (about 120 s; it agrees: PROVED): with KUBECHECK_SLOW=1 only.
SLOW_PDR = {"claims_kept_across_orphan_delete_and_recreate"}


@pytest.mark.parametrize("name", [pytest.param(n, marks=SLOW) if n in SLOW_PDR else n for n in SAFETY])
def test_pdr_agrees_with_explicit_search(name: str) -> None:
    check_pdr(WORKLOAD, "tiny", name, may_time_out=False)


@pytest.mark.parametrize("name", sorted(LIVENESS))
def test_lasso_agrees_with_fair_cycle_search(name: str) -> None:
    check_lasso_agrees(WORKLOAD, "tiny", name, LIVENESS[name])
