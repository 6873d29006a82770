"""Explicit and symbolic engines agree on the progress-deadline properties at ``tiny`` (issue 13 item 2).

The scopes are ``tiny`` as each property adjusts it (a progress deadline of 600 s), with the
failing releases of ``pod-failure``. Agreement means no engine contradicts another, and where
both find a trace its length is the same (a witness, a violation) or the symbolic one is no
longer (a lasso: BMC minimises stem plus loop, the explicit search the stem first):

* ``timed_out_release_keeps_its_pods`` (sometimes): breadth-first search and BMC find the witness
  at the same depth, for every failure mode that stops progress;
* its negation as an ``always`` property ("never reported ProgressDeadlineExceeded while the
  failing ReplicaSet runs"): BFS, BMC and k-induction's base case give the same shortest
  counterexample;
* invariants of the deadline abstraction (the deadline is passed only for a condition that
  DeploymentTimedOut times; updatedReplicas never exceeds replicas in the Deployment's status):
  explicit HOLDS, k-induction PROVED at k = 1, BMC finds nothing; PDR never contradicts them
  (``KUBECHECK_SLOW=1``: Spacer timed out after 300 s on the first at tiny here);
* ``stuck_rollout_reported`` and ``complete_rollout_reported`` (leads_to) where they HOLD: the
  BMC lasso search finds no fair lasso up to its bound (INCONCLUSIVE, never VIOLATED). Where they
  are VIOLATED (evicted / crash-after-ready releases; a pause as the rollout completes) the
  explicit lasso is re-decided by the symbolic side's certifier (``lasso.check_lasso`` and the
  reference replay). The BMC lasso itself needs depth 14 or more there: for the pause case at
  replicas 1 it found the same 13-step lasso at depth 14 in 803 s on a shared machine
  (``KUBECHECK_SLOW=1``); the ranking engine reports INCONCLUSIVE on this
  model (PDR's progress lemma meets integer division), as on rollout_eventually_completes.

The engines are compared as such (no lemma strengthening: it samples states by explicit search).
"""

from __future__ import annotations

import os
from functools import cache

import attrs
import pytest

from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.explicit import fair_cycles
from kubecheck.checker.result import Verdict
from kubecheck.checker.symbolic import bmc, kinduction, lasso, pdr
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.model.controllers import deployment_util as du
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.controllers.deployment_scope import PRESETS
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog
from kubecheck.properties import deployment as dp

SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="minutes; set KUBECHECK_SLOW=1")
TINY = PRESETS["tiny"]
POSITIVE = {Verdict.HOLDS, Verdict.PROVED}


def prop(short: str) -> Property:
    return catalog.properties("deployment", [short])[0]


def scope(p: Property, **settings: str):
    return with_settings(p.adjust(TINY), {k.replace("_", "-"): v for k, v in settings.items()})


STOPPING = ["never-ready", "never-start", "crash-before-ready"]


@pytest.mark.parametrize("failure", STOPPING)
def test_the_witness_is_found_at_the_same_depth_by_bfs_and_bmc(failure: str) -> None:
    p = prop("timed_out_release_keeps_its_pods")
    sc = scope(p, pod_failure=failure)
    [expected] = explicit.explore(MODEL, sc, [p], stop_when_decided=True)
    assert expected.verdict is Verdict.WITNESSED
    depth = len(expected.trace.steps)
    found = bmc.decide(Encoder(MODEL, sc), p, depth, timeout=300)
    assert found.verdict is Verdict.WITNESSED and len(found.trace.steps) == depth
    assert found.trace.last.progressing == du.TIMED_OUT


def _never_timed_out(ops, sc, s):
    return ops.not_(dp.timed_out_keeps_failed_pods(ops, sc, s))


NEVER_TIMED_OUT = Property(
    name="deployment.never_timed_out_while_failing",
    kind="always",
    doc="never reported ProgressDeadlineExceeded while the failing ReplicaSet runs its replicas",
    upstream="the negation of timed_out_release_keeps_its_pods",
    predicate=_never_timed_out,
)


def test_the_negated_witness_is_violated_at_the_same_depth_by_bfs_bmc_and_kinduction() -> None:
    sc = scope(prop("timed_out_release_keeps_its_pods"))
    [expected] = explicit.explore(MODEL, sc, [NEVER_TIMED_OUT], stop_when_decided=True)
    assert expected.verdict is Verdict.VIOLATED
    depth = len(expected.trace.steps)
    found = bmc.decide(Encoder(MODEL, sc), NEVER_TIMED_OUT, depth, timeout=300)
    assert found.verdict is Verdict.VIOLATED and len(found.trace.steps) == depth
    base = kinduction.decide(Encoder(MODEL, sc), NEVER_TIMED_OUT, depth, timeout=300, strengthen=False)
    assert base.verdict is Verdict.VIOLATED and len(base.trace.steps) == depth


def _passed_only_when_clocked(ops, sc, s):
    return ops.implies(s.deadline_passed, du.is_clocked(ops, s.progressing))


def _updated_within_replicas(ops, sc, s):
    return s.status_updated <= s.status_replicas


INVARIANTS = [
    Property(
        name="deployment.deadline_passed_only_when_clocked",
        kind="always",
        doc="the deadline is passed only for a condition DeploymentTimedOut times",
        upstream="deployment_util.go:DeploymentTimedOut",
        predicate=_passed_only_when_clocked,
    ),
    Property(
        name="deployment.status_updated_within_replicas",
        kind="always",
        doc="status.updatedReplicas <= status.replicas",
        upstream="sync.go:calculateStatus",
        predicate=_updated_within_replicas,
    ),
]
INVARIANT_SCOPES = {
    "tiny-deadline": {"progress-deadline": "600"},
    "tiny-deadline-never-ready": {"progress-deadline": "600", "pod-failure": "never-ready"},
}


@pytest.mark.parametrize("settings", list(INVARIANT_SCOPES))
@pytest.mark.parametrize("p", INVARIANTS, ids=lambda p: p.short)
def test_deadline_invariants_hold_explicitly_and_are_one_inductive(p: Property, settings: str) -> None:
    """Explicit HOLDS; k-induction PROVES them at k = 1 (every write of the condition writes the flag with
    it; the counts are written together from the ReplicaSets' statuses); BMC finds nothing to depth 5."""
    sc = with_settings(TINY, INVARIANT_SCOPES[settings])
    [expected] = explicit.explore(MODEL, sc, [p])
    assert expected.verdict is Verdict.HOLDS
    kind = kinduction.decide(Encoder(MODEL, sc), p, 1, timeout=300, strengthen=False)
    assert kind.verdict is Verdict.PROVED and kind.stats.depth == 1, kind.note
    found = bmc.decide(Encoder(MODEL, sc), p, 5, timeout=300)
    assert found.verdict is Verdict.INCONCLUSIVE and found.stats.stop_reason == "bound", found.note


@SLOW
@pytest.mark.parametrize("p", INVARIANTS, ids=lambda p: p.short)
def test_pdr_never_contradicts_the_deadline_invariants(p: Property) -> None:
    """PDR (Spacer): PROVED with a re-checked certificate, or INCONCLUSIVE (it timed out after 300 s on the
    first invariant here, with other jobs sharing the machine); never VIOLATED."""
    sc = with_settings(TINY, INVARIANT_SCOPES["tiny-deadline"])
    proof = pdr.decide(Encoder(MODEL, sc, arith="linear"), p, timeout=900, strengthen=False)
    assert proof.verdict in (Verdict.PROVED, Verdict.INCONCLUSIVE), proof.note
    if proof.verdict is Verdict.PROVED:
        assert proof.evidence.check.ok and proof.evidence.scope_claim == "this instance"


# -- liveness -----------------------------------------------------------------------------------


@cache
def fair(short: str, unadjusted: bool = False, **settings: str):
    p = prop(short)
    if unadjusted:
        p = attrs.evolve(p, adjust=lambda sc: sc)
    sc = scope(p, **settings)
    return p, sc, fair_cycles.check(Task(MODEL, sc, [p]))[0]


HOLDING = [
    ("stuck_rollout_reported", {"pod_failure": "never-ready"}),
    ("stuck_rollout_reported", {"pod_failure": "never-start"}),
    ("complete_rollout_reported", {}),
]


@pytest.mark.parametrize(("short", "settings"), HOLDING)
def test_where_explicit_search_holds_the_lasso_search_finds_no_fair_lasso(short: str, settings: dict) -> None:
    p, sc, expected = fair(short, **settings)
    assert expected.verdict is Verdict.HOLDS
    found = lasso.decide(Encoder(MODEL, sc), p, max_depth=5, timeout=300)
    assert found.verdict is Verdict.INCONCLUSIVE, found.note
    assert found.note.startswith("no fair lasso up to depth")


VIOLATED = [
    ("stuck_rollout_reported", False, {"pod_failure": "evicted"}),
    ("stuck_rollout_reported", False, {"pod_failure": "crash-after-ready"}),
    ("stuck_rollout_reported", False, {"pod_failure": "crash-after-ready", "replicas": "1"}),
    ("complete_rollout_reported", True, {"progress_deadline": "600", "pauses": "1", "replicas": "1"}),
]


@pytest.mark.parametrize(("short", "unadjusted", "settings"), VIOLATED)
def test_the_explicit_lasso_is_a_fair_counterexample_for_the_symbolic_certifier(short, unadjusted, settings) -> None:
    p, sc, expected = fair(short, unadjusted, **settings)
    assert expected.verdict is Verdict.VIOLATED
    assert lasso.check_lasso(MODEL, sc, p, expected.trace) == ""
    again = replay(MODEL, sc, expected.trace.labels())
    assert again.states == expected.trace.states
    schema = MODEL.schema(sc)  # every state lies in the domains the encoder declares
    assert not [bad for s in expected.trace.states for bad in schema.out_of_domain(s)]


@SLOW
def test_bmc_lasso_finds_the_pause_counterexample_no_longer_than_explicit_search() -> None:
    p, sc, expected = fair("complete_rollout_reported", True, progress_deadline="600", pauses="1", replicas="1")
    length = len(expected.trace.steps) + (1 if expected.trace.loop == len(expected.trace.steps) else 0)
    found = lasso.decide(Encoder(MODEL, sc), p, max_depth=length, timeout=3600)
    assert found.verdict is Verdict.VIOLATED, found.note
    assert len(found.trace.steps) <= len(expected.trace.steps) == 13
    assert lasso.check_lasso(MODEL, found.scope, p, found.trace) == ""
    assert found.trace.last.paused and found.trace.last.progressing == du.PAUSED
