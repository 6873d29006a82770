"""Upstream eviction-subresource tests as cases driving disruption_util's eviction decision.

Source: ``pkg/registry/core/pod/storage/eviction_test.go``, the newest stored copy (index id
264345355: TestEviction and TestEvictionIgnorePDB run every row under the unhealthy-pod policies
nil, IfHealthyBudget and AlwaysAllow, narrowed by a row's ``policies`` list). Each row here is
(test, row name, policy) and evaluates :func:`~kubecheck.model.controllers.disruption_util.eviction_outcome`
with CONCRETE, with Z3 (the state inputs as z3 variables, substituted afterwards) and as the
explicit engine compiles it (SourceOps, the emitted Python run on the row's values).

Pod facts the upstream fixtures imply: ``validNewPod()`` carries no Ready condition, and a pod
written through ``storage.Create`` gets phase Pending, so an upstream row without ``podPhase`` is
a Pending pod; the budget's status fields are 0 unless the row says otherwise, generation and
observedGeneration both 0.

Upstream rows or tests only partly driven, with the reason:

* TestEvictionIgnorePDB rows whose result comes from the mock store's delete conflicts or errors
  (t1 "...pod deleted successfully" after 3 deletes, t4 "always conflict", t5 "user provided
  ResourceVersion", the AlwaysAllow "skip PDB check, conflict" row, t9 "resource version
  conflict", t10 "other error on delete"): the decision the handler took before the delete call
  is asserted; the conflict/error that follows belongs to the retry and precondition machinery,
  which the model does not have (one eviction is one atomic step; papers/disruption-actors.md).
* TestEviction "bad name in Url" (400 before any decision), TestEvictionDryRun (dry-run writes
  nothing), TestAddConditionAndDelete (UID/resourceVersion preconditions): request handling, no
  decision to drive.
"""

from __future__ import annotations

import pytest
import z3
from ops_readings import compiled

from kubecheck.model.controllers import disruption_util as du
from kubecheck.model.kernel.ops import CONCRETE, Z3

NIL, IFH, AA = None, du.IF_HEALTHY_BUDGET, du.ALWAYS_ALLOW
ALL = (NIL, IFH, AA)

# pod kinds: (pending, finished, terminating, ready)
PENDING = (True, False, False, False)
RUNNING_NOT_READY = (False, False, False, False)
RUNNING_READY = (False, False, False, True)
SUCCEEDED = (False, True, False, False)
FAILED = (False, True, False, False)
TERMINATING = (False, False, True, False)  # t6 (mock store): no phase, a deletionTimestamp


def budget(allowed=0, current=0, desired=0, generation=0, observed=0, disrupted=0):
    return (generation, observed, allowed, current, desired, disrupted)


# (test/row, policies, pod, budgets matching, budget status, expected outcome)
ROWS = [
    (
        "TestEviction/matching pdbs with no disruptions allowed, pod running",
        (NIL, IFH),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.REFUSED_BUDGET,
    ),
    # the row's comment: "AlwaysAllow would terminate the pod since Running pods are not guarded by this policy"
    (
        "TestEviction/matching pdbs with no disruptions allowed, pod running (comment)",
        (AA,),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.EVICTED_UNHEALTHY,
    ),
    (
        "TestEviction/matching pdbs with no disruptions allowed, pod pending",
        ALL,
        PENDING,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    (
        "TestEviction/matching pdbs with no disruptions allowed, pod succeeded",
        ALL,
        SUCCEEDED,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    (
        "TestEviction/matching pdbs with no disruptions allowed, pod failed",
        ALL,
        FAILED,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    (
        "TestEviction/matching pdbs with disruptions allowed",
        ALL,
        PENDING,
        1,
        budget(allowed=1),
        du.EVICTED_IGNORING_BUDGET,
    ),
    ("TestEviction/non-matching pdbs", ALL, PENDING, 0, budget(), du.EVICTED_IGNORING_BUDGET),
    (
        "TestEviction/matching pdbs with no disruptions allowed, pod running, empty selector",
        (NIL, IFH),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.REFUSED_BUDGET,
    ),
    # TestEvictionIgnorePDB (mock store: the pod as the row describes it when the decision is taken)
    (
        "TestEvictionIgnorePDB/t1 pod pending, pod deleted successfully",
        ALL,
        PENDING,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    # "This test case is critical": the first delete conflicts, the re-read pod is Running -> PDB check
    (
        "TestEvictionIgnorePDB/t2 pod becomes running, continueToPDBs",
        (NIL, IFH),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.REFUSED_BUDGET,
    ),
    (
        "TestEvictionIgnorePDB/t2 pod becomes running, skip PDB check, conflict",
        (AA,),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.EVICTED_UNHEALTHY,
    ),
    (
        "TestEvictionIgnorePDB/t3 pdbs disruptions allowed, pod becomes running, continueToPDBs",
        (NIL, IFH),
        RUNNING_NOT_READY,
        1,
        budget(allowed=1),
        du.EVICTED_DECREMENTED,
    ),
    (
        "TestEvictionIgnorePDB/t4 pod pending, always conflict on delete",
        ALL,
        PENDING,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    (
        "TestEvictionIgnorePDB/t5 user provided ResourceVersion constraint",
        ALL,
        PENDING,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    (
        "TestEvictionIgnorePDB/t6 matching pdbs with no disruptions allowed, pod terminating",
        ALL,
        TERMINATING,
        1,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    (
        "TestEvictionIgnorePDB/t7 pod healthy, unhealthy pod not ours",
        ALL,
        RUNNING_READY,
        1,
        budget(current=2, desired=2),
        du.REFUSED_BUDGET,
    ),
    (
        "TestEvictionIgnorePDB/t8 disruptions allowed, pod healthy, deletes pod by honoring the PDB",
        ALL,
        RUNNING_READY,
        1,
        budget(allowed=1, current=3, desired=3),
        du.EVICTED_DECREMENTED,
    ),
    (
        "TestEvictionIgnorePDB/t8 pod unhealthy, unhealthy pod ours",
        ALL,
        RUNNING_NOT_READY,
        1,
        budget(current=2, desired=2),
        du.EVICTED_UNHEALTHY,
    ),
    (
        "TestEvictionIgnorePDB/t8 pod unhealthy, skips the PDB check and deletes",
        (AA,),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.EVICTED_UNHEALTHY,
    ),
    # the row's comment: "nil, IfHealthyBudget would not skip the PDB check" (desiredHealthy 0)
    (
        "TestEvictionIgnorePDB/t8 pod unhealthy, skips the PDB check (comment)",
        (NIL, IFH),
        RUNNING_NOT_READY,
        1,
        budget(),
        du.REFUSED_BUDGET,
    ),
    (
        "TestEvictionIgnorePDB/t9 pod unhealthy, resource version conflict",
        ALL,
        RUNNING_NOT_READY,
        1,
        budget(current=2, desired=2),
        du.EVICTED_UNHEALTHY,
    ),
    (
        "TestEvictionIgnorePDB/t10 pod unhealthy, other error on delete",
        ALL,
        RUNNING_NOT_READY,
        1,
        budget(current=2, desired=2),
        du.EVICTED_UNHEALTHY,
    ),
    (
        "TestEvictionIgnorePDB/t11 pod healthy, empty selector, not deleted by honoring the PDB",
        ALL,
        RUNNING_READY,
        1,
        budget(current=3, desired=3),
        du.REFUSED_BUDGET,
    ),
    # No unit-test row: read in eviction.go (Create, checkAndDecrement), cited by function.
    (
        "eviction.go Create: more than one PodDisruptionBudget (500)",
        ALL,
        RUNNING_READY,
        2,
        budget(allowed=5, current=5, desired=0),
        du.MULTIPLE_BUDGETS,
    ),
    (
        "eviction.go canIgnorePDB before the budget lookup: several budgets, pod pending",
        ALL,
        PENDING,
        3,
        budget(),
        du.EVICTED_IGNORING_BUDGET,
    ),
    ("eviction.go Create: no budget selects a Running pod", ALL, RUNNING_READY, 0, budget(), du.EVICTED_NO_BUDGET),
    (
        "eviction.go checkAndDecrement: observedGeneration < generation (429)",
        ALL,
        RUNNING_READY,
        1,
        budget(allowed=2, current=3, desired=1, generation=2, observed=1),
        du.REFUSED_STALE,
    ),
    (
        "eviction.go Create: the unhealthy path reads status without the generation check",
        (NIL, IFH),
        RUNNING_NOT_READY,
        1,
        budget(current=3, desired=2, generation=2, observed=1),
        du.EVICTED_UNHEALTHY,
    ),
    (
        "eviction.go checkAndDecrement: negative disruptionsAllowed (403)",
        ALL,
        RUNNING_READY,
        1,
        budget(allowed=-1),
        du.FORBIDDEN_NEGATIVE,
    ),
    (
        "eviction.go checkAndDecrement: DisruptedPods over 2000 (403)",
        ALL,
        RUNNING_READY,
        1,
        budget(allowed=1, disrupted=2001),
        du.FORBIDDEN_MAP_FULL,
    ),
    (
        "eviction.go checkAndDecrement: exactly 2000 DisruptedPods is still fine",
        ALL,
        RUNNING_READY,
        1,
        budget(allowed=1, disrupted=2000),
        du.EVICTED_DECREMENTED,
    ),
]

CASES = [(row, policy, *rest) for row, policies, *rest in ROWS for policy in policies]


def _decide(ops, policy, pending, finished, terminating, ready, budgets, *status):
    ignores = du.can_ignore_pdb(ops, pending, finished, terminating)
    return du.eviction_outcome(ops, policy, ignores, budgets, ready, tuple(status))


@pytest.mark.parametrize(
    "policy,pod,budgets,status,expected",
    [c[1:] for c in CASES],
    ids=[f"{c[0]} [{c[1] or 'nil'} policy]" for c in CASES],
)
def test_eviction_outcome(policy, pod, budgets, status, expected):
    args = (*pod, budgets, *status)
    assert _decide(CONCRETE, policy, *args) == expected, du.OUTCOME_NAMES[expected]
    symbols = [z3.Bool(f"b{i}") if isinstance(a, bool) else z3.Int(f"i{i}") for i, a in enumerate(args)]
    term = _decide(Z3, policy, *symbols)
    subs = [(s, z3.BoolVal(a) if isinstance(a, bool) else z3.IntVal(a)) for s, a in zip(symbols, args)]
    assert z3.simplify(z3.substitute(term, *subs)).as_long() == expected
    assert compiled(lambda ops, *a: _decide(ops, policy, *a), len(args))(*args) == expected


@pytest.mark.parametrize(
    "case,allowed,after,condition",
    [
        ("pdb status is updated after eviction", 1, 0, False),  # reason InsufficientPods
        ("condition reason is only updated if AllowedDisruptions becomes 0", 3, 2, True),  # SufficientPods
    ],
)
def test_eviction_pdb_status(case, allowed, after, condition):
    """TestEvictionPDBStatus: two Running pods (no Ready condition, so the eviction goes through
    checkAndDecrement with desiredHealthy 0), one evicted; disruptionsAllowed drops by one and the
    DisruptionAllowed condition turns False only at 0."""
    outcome = _decide(CONCRETE, None, False, False, False, False, 1, *budget(allowed=allowed))
    assert outcome == du.EVICTED_DECREMENTED, case
    assert du.decremented_allowed(CONCRETE, outcome, allowed) == after
    assert du.disruption_allowed_condition(CONCRETE, after) is condition


@pytest.mark.parametrize("outcome", range(len(du.OUTCOME_NAMES)))
def test_outcome_classes(outcome):
    """Only 429s are retried by kubectl drain; the four 201s deleted the pod; 403/500 did neither."""
    status = du.OUTCOME_HTTP_STATUS[outcome]
    assert du.is_evicted(CONCRETE, outcome) is (status == 201)
    assert du.is_too_many_requests(CONCRETE, outcome) is (status == 429)
    assert du.decremented_allowed(CONCRETE, outcome, 4) == (3 if outcome == du.EVICTED_DECREMENTED else 4)
