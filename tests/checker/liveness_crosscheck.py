"""Explicit fair-cycle search and BMC lasso search on one liveness property (shared by the crosscheck files).

* explicit VIOLATED: BMC finds a fair lasso within one step more than the explicit lasso (the extra
  step closes a stutter loop: "stays here for ever"), it has the same number of steps, and it
  re-checks (:func:`kubecheck.checker.symbolic.lasso.check_lasso`);
* explicit HOLDS: BMC finds no lasso up to ``depth`` — INCONCLUSIVE, never VIOLATED (a bounded
  search proves nothing).
"""

from __future__ import annotations

from kubecheck.checker.explicit import fair_cycles
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.properties import catalog


def check_lasso_agrees(workload: str, preset: str, name: str, expected: str, depth: int = 7) -> None:
    model = catalog.model(workload)
    prop = catalog.properties(workload, [f"{workload}.{name}"])[0]
    scope = prop.adjust(model.presets[preset])
    ex = fair_cycles.check(Task(model, scope, [prop]))[0]
    assert ex.verdict.value == expected, f"{name}: explicit {ex.verdict.value}"
    if ex.verdict is Verdict.VIOLATED:
        sym = lasso.decide(Encoder(model, scope), prop, max_depth=len(ex.trace.steps) + 1, timeout=300)
        assert sym.verdict is Verdict.VIOLATED, sym.note
        assert len(sym.trace.steps) == len(ex.trace.steps)
        assert lasso.check_lasso(model, scope, prop, sym.trace) == ""
    else:
        sym = lasso.decide(Encoder(model, scope), prop, max_depth=depth, timeout=300)
        assert sym.verdict is Verdict.INCONCLUSIVE and "not a proof" in sym.note, sym.note
