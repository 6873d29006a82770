"""BMC lassos agree with explicit fair-cycle search on deployment.rollout_eventually_completes.

At ``tiny`` with ``broken-release=true`` the new revision's pods crash after becoming Ready for
ever; both engines report a lasso whose loop is pod_ready / container_crashes. BMC's lasso has
the fewest steps of all lassos, so it is never longer than the explicit one (which minimises the
stem first). With ``broken-release=false`` the explicit engine says HOLDS and BMC finds no lasso
within its bound: INCONCLUSIVE, never HOLDS. (``small`` needs depth 14: minutes, see
papers/liveness-notes.md; not run here.)
"""

from __future__ import annotations

from functools import cache

import attrs

from kubecheck.checker.explicit import fair_cycles as liveness
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import lasso
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.properties import deployment as dp

ROLLOUT = next(p for p in dp.PROPERTIES if p.short == "rollout_eventually_completes")


def tiny(broken: bool):
    return attrs.evolve(PRESETS["tiny"], broken_release=broken)


@cache
def explicit(broken: bool):
    return liveness.check(Task(MODEL, tiny(broken), [ROLLOUT]))[0]


@cache
def bmc(broken: bool, depth: int):
    return lasso.decide(Encoder(MODEL, tiny(broken)), ROLLOUT, max_depth=depth)


def test_broken_release_both_engines_report_a_lasso_that_closes() -> None:
    ex, sym = explicit(True), bmc(True, 10)
    assert ex.verdict is sym.verdict is Verdict.VIOLATED
    assert sym.engine == "bmc-lasso" and sym.stats.depth == 8
    for r in (ex, sym):
        assert r.trace.states[r.trace.loop] == r.trace.states[-1]
        assert lasso.check_lasso(MODEL, r.scope, ROLLOUT, r.trace) == ""
    assert len(sym.trace.steps) <= len(ex.trace.steps)  # explicit: stem 6 + loop 2
    assert (len(ex.trace.steps), ex.trace.loop) == (8, 6)
    assert len(sym.trace.steps) == 8 and sym.trace.loop < 8  # which 8-step lasso is the solver's choice
    loop = {label.split("(")[0] for label in sym.trace.labels()[sym.trace.loop :]}
    assert loop == {"kubelet.pod_ready", "kubelet.container_crashes"}


def test_healthy_release_bmc_is_inconclusive_where_explicit_holds() -> None:
    assert explicit(False).verdict is Verdict.HOLDS
    r = bmc(False, 6)
    assert r.verdict is Verdict.INCONCLUSIVE and r.stats.depth == 6
    assert r.note == "no fair lasso up to depth 6 (depth bound); not a proof"
