"""Upstream unit-test rows for the DaemonSet helpers (model/controllers/daemonset_util.py) and scope validation.

Each parametrized case cites the upstream test it transcribes. Sources (stored-index snapshots of
kubernetes/kubernetes; the index records no commit for these ids):

* ``pkg/controller/daemon/update_test.go``, snapshot 2181013883 (ktesting / FromInt32 era):
  TestGetUnavailableNumbers — all 8 rows (desired nodes, maxSurge, maxUnavailable after
  ``updatedDesiredNodeCounts``, including the 0/0 → 1 fallback and the 3-node "pod terminating" row).
* ``pkg/controller/daemon/daemon_controller_test.go``, snapshot 71110696: TestNodeShouldRunDaemonPod
  — its rows reduced to the predicate inputs they exercise (resources and host ports are ignored
  upstream, so those rows are "fits"); plus the NoSchedule / NoExecute taint cases of
  ``NodeShouldRunDaemonPod`` (daemon_controller.go, package-level version).
* ``pkg/apis/apps/validation/validation.go``, snapshot 22165655: ValidateRollingUpdateDaemonSet messages.

Every numeric row is evaluated with CONCRETE and with Z3 (desired a z3 variable, substituted afterwards).
"""

from __future__ import annotations

import pytest
import z3

from kubecheck.model.controllers import daemonset_util as du
from kubecheck.model.controllers.daemonset_scope import PRESETS, DaemonSetScope
from kubecheck.model.kernel.intstr import IntOrPercent
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.scopes import ScopeError, describe, params, with_settings

RU = du.ROLLING_UPDATE
N, P = IntOrPercent, (lambda v: IntOrPercent(v, True))

# TestGetUnavailableNumbers (update_test.go snapshot 2181013883):
# (name, maxUnavailable, maxSurge, desiredNumberScheduled, expected maxSurge, expected maxUnavailable)
UNAVAILABLE_ROWS = [
    ("No nodes", N(0), N(0), 0, 0, 0),
    ("Two nodes with ready pods", N(1), N(0), 2, 0, 1),
    ("Two nodes, one node without pods", N(0), N(0), 2, 0, 1),
    ("Two nodes, one node without pods, surge", N(0), N(0), 2, 0, 1),
    ("Two nodes with pods, MaxUnavailable in percents", P(50), N(0), 2, 0, 1),
    ("Two nodes with pods, MaxUnavailable in percents, surge", N(0), P(50), 2, 1, 0),
    ("Two nodes with pods, MaxUnavailable is 100%, surge", N(0), P(100), 2, 2, 0),
    ("Two nodes with pods, MaxUnavailable in percents, pod terminating", P(50), N(0), 3, 0, 2),
]


def _at(term, var, value):
    if isinstance(term, int):
        return term
    return z3.simplify(z3.substitute(term, (var, z3.IntVal(value)))).as_long()


@pytest.mark.parametrize(
    "name,mu,ms,desired,want_surge,want_unavailable", UNAVAILABLE_ROWS, ids=[r[0] for r in UNAVAILABLE_ROWS]
)
def test_updated_desired_node_counts(name, mu, ms, desired, want_surge, want_unavailable):
    assert du.updated_desired_node_counts(CONCRETE, RU, ms, mu, desired) == (want_surge, want_unavailable)
    d = z3.Int("desired")
    surge, unavailable = du.updated_desired_node_counts(Z3, RU, ms, mu, d)
    assert (_at(surge, d, desired), _at(unavailable, d, desired)) == (want_surge, want_unavailable)


@pytest.mark.parametrize(
    "value,total,expected",
    [
        (P(10), 3, 1),
        (P(25), 5, 2),
        (P(50), 3, 2),
        (P(100), 4, 4),
        (N(2), 1, 2),
        (P(1), 1, 1),
        (P(0), 5, 0),
    ],
)
def test_both_counts_round_up(value, total, expected):
    """SurgeCount and UnavailableCount both use GetScaledValueFromIntOrPercent(..., roundUp=true)."""
    assert du.surge_count(CONCRETE, RU, value, total) == expected
    assert du.unavailable_count(CONCRETE, RU, value, total) == expected
    assert du.surge_count(CONCRETE, du.ON_DELETE, value, total) == 0


@pytest.mark.parametrize("value,allowed", [(N(0), False), (P(0), False), (N(1), True), (P(1), True), (P(100), True)])
def test_allows_surge(value, allowed):
    assert du.allows_surge(RU, value) is allowed
    assert du.allows_surge(du.ON_DELETE, value) is False


# TestNodeShouldRunDaemonPod (daemon_controller_test.go snapshot 71110696), as predicate inputs:
# (predicateName, fitsNodeName, fitsNodeAffinity, untolerated NoSchedule, untolerated NoExecute,
#  shouldRun, shouldContinueRunning)
SHOULD_RUN_ROWS = [
    ("ShouldRunDaemonPod", True, True, False, False, True, True),
    ("InsufficientResourceError (resources ignored)", True, True, False, False, True, True),
    ("ErrPodNotMatchHostName", False, True, False, False, False, False),
    ("ErrPodNotFitsHostPorts (host ports ignored)", True, True, False, False, True, True),
    ("ErrNodeSelectorNotMatch", True, False, False, False, False, False),
    ("ErrPodAffinityNotMatch", True, False, False, False, False, False),
    ("ShouldRunDaemonPodOnUnschedulableNode (unschedulable tolerated)", True, True, False, False, True, True),
    ("NoSchedule taint not tolerated", True, True, True, False, False, True),
    ("NoExecute taint not tolerated", True, True, False, True, False, False),
    ("NoSchedule and NoExecute taints", True, True, True, True, False, False),
]


@pytest.mark.parametrize(
    "name,fits_name,fits_affinity,no_schedule,no_execute,run,cont", SHOULD_RUN_ROWS, ids=[r[0] for r in SHOULD_RUN_ROWS]
)
def test_node_should_run_daemon_pod(name, fits_name, fits_affinity, no_schedule, no_execute, run, cont):
    assert du.predicates(fits_name, fits_affinity, no_schedule, no_execute) == (run, cont)
    cls = du.node_class_of(fits_name, fits_affinity, no_schedule, no_execute)
    assert du.node_should_run_daemon_pod(CONCRETE, cls, False) == (run, cont)
    c = z3.Int("class")
    got = du.node_should_run_daemon_pod(Z3, c, z3.BoolVal(False))
    assert tuple(z3.is_true(z3.simplify(z3.substitute(g, (c, z3.IntVal(cls))))) for g in got) == (run, cont)


@pytest.mark.parametrize("cls", [du.ELIGIBLE, du.NO_SCHEDULE, du.INELIGIBLE])
def test_unreachable_node_gets_no_new_pod_but_keeps_its_own(cls):
    """not-ready/unreachable NoSchedule taints are not tolerated by daemon pods; their NoExecute twins are."""
    run, cont = du.node_should_run_daemon_pod(CONCRETE, cls, True)
    assert run is False and cont == (cls != du.INELIGIBLE)


VALIDATION = [
    (
        {"max-unavailable": "1", "max-surge": "1"},
        "spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero",
    ),
    (
        {"max-unavailable": "0", "max-surge": "0"},
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
    ),
    (
        {"max-unavailable": "0%", "max-surge": "0"},
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0",
    ),
    (
        {"max-unavailable": "10%", "max-surge": "25%"},
        'spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: "25%": may not be set when maxUnavailable is '
        "non-zero",
    ),
    (
        {"max-unavailable": "101%"},
        'spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: "101%": must not be greater than 100%',
    ),
    (
        {"max-unavailable": "-1"},
        "spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: -1: must be greater than or equal to 0",
    ),
]


@pytest.mark.parametrize("settings,message", VALIDATION, ids=[m.split(": ", 2)[-1] for _, m in VALIDATION])
def test_validation_messages(settings, message):
    with pytest.raises(ScopeError) as err:
        with_settings(DaemonSetScope(), settings)
    assert str(err.value) == message


@pytest.mark.parametrize(
    "settings",
    [
        {"max-unavailable": "0", "max-surge": "1"},
        {"max-unavailable": "25%"},
        {"strategy": "OnDelete", "max-unavailable": "0"},
    ],
)
def test_valid_settings(settings):
    with_settings(DaemonSetScope(), settings)


def test_pod_name():
    assert du.pod_name("agent", "node-b", 0) == "agent-node-b"
    assert du.pod_name("agent", "node-b", 1) == "agent-node-b-2"


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_scopes_round_trip_through_their_shown_values(preset):
    """`kubecheck list` and saved traces show a scope; parsing what is shown gives the scope back."""
    scope = PRESETS[preset]
    assert with_settings(DaemonSetScope(), dict(describe(scope))) == scope


def test_booleans_show_as_true_false():
    """Like every scope (kernel show_bool): a boolean parameter prints as true/false (none today)."""
    for name, info in params(DaemonSetScope):
        if isinstance(getattr(DaemonSetScope(), name), bool):
            assert info.show(True) == "true" and info.show(False) == "false", name
