"""Upstream kubectl drain tests as cases driving model/controllers/drain_util.py.

Sources: kubernetes/kubectl at tag v0.35.0 (the kubectl of Kubernetes v1.35):
``pkg/cmd/drain/drain_test.go`` (TestDrain: the pod kinds and flags a node drain accepts or
refuses; TestCordon), ``pkg/drain/filter_test.go`` (TestSkipDeletedFilter),
``pkg/drain/drain_test.go`` (TestFilterPods, TestDeleteOrEvict, TestDeletePods,
TestEvictDuringNamespaceTerminating).

TestDrain's rows run twice upstream (eviction, then DELETE); the filters decide the same for
both, so each row is one case here: ``fatal`` = the drain fails before touching a pod (a filter
said Error), ``delete`` = the pod is in the eviction list.

Not transcribed, with the reason: TestDrain "fail to list pods" (an API failure mid-drain), the
cordon rows "cordon missing node"/"uncordon missing node" (a GET error) and "cordon/uncordon for
multiple nodes" (several nodes per command; each node is the single-node row), TestDeletePods
"Context Canceled" and TestEvictDuringNamespaceTerminating's global-timeout arm (time and
contexts are abstracted; a retry is a step), TestCheckEvictionSupport (discovery parsing).
"""

from __future__ import annotations

import pytest
import z3
from ops_readings import compiled

from kubecheck.model.controllers import disruption_util as du
from kubecheck.model.controllers import drain_util as dr
from kubecheck.model.controllers.drain_util import DrainFlags, PodFacts
from kubecheck.model.kernel.ops import CONCRETE, Z3

RC_POD = PodFacts(controller_kind="ReplicationController", controller_api_version="v1")
DS_POD = PodFacts(controller_kind="DaemonSet", controller_name="ds")
DS_TERMINATED = PodFacts(controller_kind="DaemonSet", controller_name="ds", finished=True)
DS_EMPTYDIR = PodFacts(controller_kind="DaemonSet", controller_name="ds", empty_dir=True)
ORPHANED_DS = PodFacts()  # upstream's "orphanedDsPod" carries no ownerReference at all
JOB_POD = PodFacts(controller_kind="Job", controller_api_version="v1", empty_dir=True)
JOB_TERMINATED = PodFacts(controller_kind="Job", controller_api_version="v1", empty_dir=True, finished=True)
RS_POD = PodFacts(controller_kind="ReplicaSet", controller_api_version="v1")
NAKED = PodFacts()
EMPTYDIR = PodFacts(empty_dir=True)
EMPTYDIR_TERMINATED = PodFacts(empty_dir=True, finished=True)

FORCE = DrainFlags(force=True)
IGNORE_DS = DrainFlags(ignore_daemonsets=True)
FORCE_EMPTYDIR = DrainFlags(force=True, delete_emptydir_data=True)

# (TestDrain description, pods, flags, expectFatal, expectDelete, expectWarning or None)
DRAIN_ROWS = [
    ("RC-managed pod", [RC_POD], DrainFlags(), False, True, None),
    ("DS-managed pod", [DS_POD], DrainFlags(), True, False, None),
    ("DS-managed terminated pod", [DS_TERMINATED], DrainFlags(), False, True, None),
    ("orphaned DS-managed pod", [ORPHANED_DS], DrainFlags(), True, False, None),
    ("orphaned DS-managed pod with --force", [ORPHANED_DS], FORCE, False, True, dr.UNMANAGED_WARNING),
    ("DS-managed pod with --ignore-daemonsets", [DS_POD], IGNORE_DS, False, False, None),
    (
        "DS-managed pod with emptyDir with --ignore-daemonsets",
        [DS_EMPTYDIR],
        IGNORE_DS,
        False,
        False,
        dr.DAEMONSET_WARNING,
    ),
    ("Job-managed pod with local storage", [JOB_POD], FORCE_EMPTYDIR, False, True, None),
    ("Job-managed terminated pod", [JOB_TERMINATED], DrainFlags(), False, True, None),
    ("RS-managed pod", [RS_POD], DrainFlags(), False, True, None),
    ("naked pod", [NAKED], DrainFlags(), True, False, None),
    ("naked pod with --force", [NAKED], FORCE, False, True, None),
    ("pod with EmptyDir", [EMPTYDIR], FORCE, True, False, None),
    ("terminated pod with emptyDir", [EMPTYDIR_TERMINATED], DrainFlags(), False, True, None),
    ("pod with EmptyDir and --delete-emptydir-data", [EMPTYDIR], FORCE_EMPTYDIR, False, True, None),
    ("empty node", [], DrainFlags(), False, False, None),
]


@pytest.mark.parametrize(
    "pods,flags,fatal,delete,warning", [r[1:] for r in DRAIN_ROWS], ids=[f"TestDrain/{r[0]}" for r in DRAIN_ROWS]
)
def test_drain_filters(pods, flags, fatal, delete, warning):
    plan = dr.plan_node_drain(pods, flags)
    assert bool(plan.errors) is fatal
    # a fatal node is never touched, so nothing is deleted whatever the list says
    assert (bool(plan.evict) and not plan.errors) is delete
    if warning is not None:
        assert warning in plan.warnings


@pytest.mark.parametrize(
    "case,facts,flags,delete,reason",
    [
        # filters.go daemonSetFilter: the DaemonSet GET answers NotFound (no TestDrain row uses it)
        (
            "missing DaemonSet, no --force",
            PodFacts(controller_kind="DaemonSet", controller_name="x", controller_exists=False),
            DrainFlags(),
            False,
            dr.ERROR,
        ),
        (
            # deleted; its warning is overwritten by the later filters' Okay (filters.go:
            # "only the last filter's message will be retained if there are any warnings")
            "missing DaemonSet, --force",
            PodFacts(controller_kind="DaemonSet", controller_name="x", controller_exists=False),
            FORCE,
            True,
            dr.OKAY,
        ),
        # isControllerRefDaemonSet wants apiVersion apps/v1 exactly; another is an ordinary controller
        (
            "DaemonSet ref with another apiVersion",
            PodFacts(controller_kind="DaemonSet", controller_api_version="extensions/v1beta1"),
            DrainFlags(),
            True,
            dr.OKAY,
        ),
        (
            "mirror pod",
            PodFacts(controller_kind="Node", controller_api_version="v1", mirror=True),
            DrainFlags(),
            False,
            dr.SKIP,
        ),
    ],
)
def test_filters_read_in_source(case, facts, flags, delete, reason):
    status = dr.filter_pod(facts, flags)
    assert (status.delete, status.reason) == (delete, reason), case


@pytest.mark.parametrize(
    "case,age,threshold,delete",
    [("case 0", 0, 20, True), ("case 1", 1, 20, True), ("case 2", 100, 20, False)],
)
def test_skip_deleted_filter(case, age, threshold, delete):
    """TestSkipDeletedFilter: age 0 means no deletionTimestamp in the upstream fixture."""
    facts = PodFacts(deletion_age=age if age > 0 else None)
    assert dr.skip_deleted_filter(facts, DrainFlags(skip_wait_for_delete_timeout=threshold)).delete is delete


def _skip(facts, flags):
    return dr.PodDeleteStatus(False, dr.SKIP)


def _okay(facts, flags):
    return dr.PodDeleteStatus(True)


@pytest.mark.parametrize(
    "case,additional,count",
    [
        ("AdditionalFilter skip all", (_skip, _okay), 0),
        ("AdditionalFilter okay all", (_okay,), 1),
        ("AdditionalFilter Skip after Okay all skip", (_okay, _skip), 0),
        ("No additionalFilters okay all", (), 1),
    ],
)
def test_filter_pods(case, additional, count):
    """TestFilterPods: Force on, one pod without controller, library filters appended."""
    assert len(dr.plan_node_drain([NAKED], FORCE, additional).evict) == count


@pytest.mark.parametrize(
    "case,supported,disabled,evicts",
    [
        ("eviction supported/enabled", True, False, True),
        ("eviction unsupported/disabled", False, False, False),
        ("eviction supported/disabled", True, True, False),
    ],
)
def test_delete_or_evict(case, supported, disabled, evicts):
    """TestDeleteOrEvict (its fourth row repeats the second)."""
    assert dr.uses_eviction(supported, DrainFlags(disable_eviction=disabled)) is evicts


@pytest.mark.parametrize(
    "case,unschedulable,desired,patches",
    [
        ("node/node syntax", True, False, True),  # upstream: cordoned node, `uncordon node/node`
        ("uncordon for real", True, False, True),
        ("uncordon does nothing", False, False, False),
        ("cordon does nothing", True, True, False),
        ("cordon for real", False, True, True),
    ],
)
def test_cordon(case, unschedulable, desired, patches):
    """TestCordon: a patch is sent only when spec.unschedulable changes."""
    assert dr.update_if_required(unschedulable, desired) is patches


def _ground(term, subs):
    return z3.simplify(z3.substitute(term, *subs))


@pytest.mark.parametrize(
    "case,found,same_uid,gone",
    [
        ("Wait for deleting to complete (NotFound at last)", False, True, True),
        ("Pod found with same name but different UID", True, False, True),
        ("Deleting could timeout (the pod stays)", True, True, False),
    ],
)
def test_wait_for_delete(case, found, same_uid, gone):
    """TestDeletePods (waitForDelete's per-pod test)."""
    assert dr.is_pod_gone(CONCRETE, found, same_uid) is gone
    f, u = z3.Bools("found same_uid")
    term = dr.is_pod_gone(Z3, f, u)
    assert z3.is_true(_ground(term, [(f, z3.BoolVal(found)), (u, z3.BoolVal(same_uid))])) is gone


@pytest.mark.parametrize(
    "case,response,terminating,expected",
    [
        ("evicted: wait for the pod to go", dr.RESPONSE_EVICTED, False, dr.NEXT_WAIT_FOR_DELETE),
        ("NotFound: done", dr.RESPONSE_NOT_FOUND, False, dr.NEXT_DONE),
        ("429: retry after EvictErrorRetryDelay", dr.RESPONSE_TOO_MANY_REQUESTS, False, dr.NEXT_RETRY),
        # TestEvictDuringNamespaceTerminating/Pod refreshed after NamespaceTerminating error
        ("NamespaceTerminating, pod being deleted", dr.RESPONSE_NAMESPACE_TERMINATING, True, dr.NEXT_WAIT_FOR_DELETE),
        # .../Pod not refreshed: retried until the global timeout (the timeout is abstracted)
        ("NamespaceTerminating, pod not deleted", dr.RESPONSE_NAMESPACE_TERMINATING, False, dr.NEXT_RETRY),
        ("any other error fails the pod", dr.RESPONSE_OTHER, False, dr.NEXT_FAILED),
    ],
)
def test_eviction_loop(case, response, terminating, expected):
    """drain.go evictPods, one pass of a pod's loop."""
    assert dr.after_eviction_response(CONCRETE, response, terminating) == expected
    r, t = z3.Int("response"), z3.Bool("terminating")
    term = dr.after_eviction_response(Z3, r, t)
    assert _ground(term, [(r, z3.IntVal(response)), (t, z3.BoolVal(terminating))]).as_long() == expected
    assert compiled(dr.after_eviction_response, 2)(response, terminating) == expected


@pytest.mark.parametrize("outcome", range(len(du.OUTCOME_NAMES)))
def test_budget_refusal_is_retried_other_errors_fail(outcome):
    """The eviction handler's answers as the drain loop takes them: 429 (budget spent, status
    stale) is retried for ever; the 500 of a pod under two budgets and the 403s fail the drain."""
    response = dr.response_of_outcome(CONCRETE, outcome)
    step = dr.after_eviction_response(CONCRETE, response, False)
    http = du.OUTCOME_HTTP_STATUS[outcome]
    assert step == {201: dr.NEXT_WAIT_FOR_DELETE, 429: dr.NEXT_RETRY, 403: dr.NEXT_FAILED, 500: dr.NEXT_FAILED}[http]


def test_drain_complete():
    assert dr.is_drain_complete(CONCRETE, [False, False], [False]) is True
    assert dr.is_drain_complete(CONCRETE, [False, True], [False]) is False
    assert dr.is_drain_complete(CONCRETE, [False], [True]) is False
    assert dr.is_drain_complete(CONCRETE, [], []) is True  # TestDrain "empty node": drained
