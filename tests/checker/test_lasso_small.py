"""BMC lassos agree with the explicit fair-cycle engine at the ``small`` presets.

For each liveness counterexample below, the explicit engine's lasso (shortest stem first) and
BMC's (fewest steps, depths tried in order; a stutter loop counts as one step) are both
certified by :func:`kubecheck.checker.explicit.fair_cycles.check_lasso`, and BMC's is never longer. The
Deployment at ``small`` needs a 14-step unrolling with minReadySeconds (minutes): its agreement
is tested at ``tiny`` (tests/checker/test_lasso_deployment.py, test_liveness_deployment.py).
"""

from __future__ import annotations

import pytest

from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.properties import catalog

CASES = [
    ("daemonset", "runs_on_every_eligible_node_with_partition", 1),
    ("daemonset", "runs_on_every_eligible_node_with_relabels", 4),
    ("statefulset", "rolling_update_eventually_completes_with_broken_release", 18),
]


@pytest.mark.parametrize(("model_name", "name", "steps"), CASES, ids=[c[1] for c in CASES])
def test_explicit_and_bmc_lassos_agree_at_small(model_name: str, name: str, steps: int) -> None:
    model = catalog.model(model_name)
    [prop] = catalog.properties(model_name, [name])
    scope = prop.adjust(model.presets["small"])
    [ex] = liveness.check(Task(model, scope, [prop]))
    assert ex.verdict is Verdict.VIOLATED and len(ex.trace.steps) == steps
    stutter = ex.trace.loop == len(ex.trace.steps)  # ends by staying in its last state for ever
    sym = lasso.decide(Encoder(model, scope), prop, max_depth=steps + (1 if stutter else 0))
    assert sym.verdict is Verdict.VIOLATED, sym.note
    assert len(sym.trace.steps) <= len(ex.trace.steps)
    for r in (ex, sym):
        assert r.trace.states[r.trace.loop] == r.trace.states[-1]
        assert lasso.check_lasso(model, scope, prop, r.trace) == ""
    # one step shallower, BMC finds none: its lasso is a shortest one
    shallower = lasso.decide(Encoder(model, scope), prop, max_depth=sym.stats.depth - 1)
    assert shallower.verdict is Verdict.INCONCLUSIVE
