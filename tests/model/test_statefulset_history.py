"""ControllerRevisions of the StatefulSet model (``revision-history``): upstream rows on the model's own functions.

Sources (kubernetes/kubernetes, read through the stored index; v1.35 semantics):

* ``pkg/controller/statefulset/stateful_set_control_test.go``:
  TestStatefulSetControl_getSetRevisions (its four rows: "creates initial revision", "creates
  revision on update", "must not recreate a new revision of same set", "must rollback to a
  previous revision"), TestStatefulSetControlLimitsHistory (after every update and sync, at most
  revisionHistoryLimit + 2 revisions: current and update are live), TestStatefulSetControlRollback
  (ApplyRevision of the lowest-numbered revision, then the pods end at the original template).
* ``pkg/controller/statefulset/stateful_set_control.go``: getStatefulSetRevisions, truncateHistory;
  ``stateful_set_utils.go``: nextRevision; ``pkg/controller/history/controller_history.go``:
  EqualRevision/FindEqualRevisions (one revision per template), SortControllerRevisions.
* ``staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go``: StatefulSetRollbacker,
  findHistory ("unable to find specified revision", "skipped ... current template already
  matches revision N").

The helpers of :mod:`kubecheck.model.controllers.statefulset_util` are evaluated with CONCRETE and
with Z3 (state values as z3 variables, substituted afterwards); the sync and the undo are driven
through the model's own Plan and commands.
"""

from __future__ import annotations

import attrs
import pytest
import z3

from kubecheck.checker import run
from kubecheck.checker.task import Task
from kubecheck.model.controllers import cluster as cl
from kubecheck.model.controllers import statefulset as st
from kubecheck.model.controllers import statefulset_sync as sync
from kubecheck.model.controllers import statefulset_util as su
from kubecheck.model.controllers.statefulset_scope import StatefulSetScope
from kubecheck.model.kernel.commands import Action, apply, enabled
from kubecheck.model.kernel.ops import CONCRETE, Z3
from kubecheck.model.kernel.scopes import ScopeError
from kubecheck.properties import statefulset as sp

GET_SET_REVISIONS = "stateful_set_control_test.go:TestStatefulSetControl_getSetRevisions"


def _z3_eval(fn, values: list[int], *rest):
    """``fn`` over z3 variables standing for ``values``, evaluated after substituting them."""
    xs = [z3.Int(f"n{i}") for i in range(len(values))]
    out = fn(Z3, xs, *rest)
    subst = [(x, z3.IntVal(v)) for x, v in zip(xs, values, strict=True)]

    def ev(term):
        term = z3.simplify(z3.substitute(term, *subst)) if z3.is_expr(term) else term
        if z3.is_true(term) or z3.is_false(term):
            return z3.is_true(term)
        return term.as_long() if z3.is_expr(term) else term

    return [ev(t) for t in out] if isinstance(out, list) else tuple(ev(t) for t in out)


# -- getStatefulSetRevisions ---------------------------------------------------------------------

# (row, existing numbers per template (0: none), update template, expected numbers)
# rev0 = template 0 numbered 1, rev1 = template 1 numbered 2, rev2 = template 2 numbered 3.
GET_SET_REVISIONS_ROWS = [
    ("creates initial revision", [0, 0, 0], 0, [1, 0, 0]),
    ("creates revision on update", [1, 0, 0], 1, [1, 2, 0]),
    ("must not recreate a new revision of same set", [1, 2, 0], 1, [1, 2, 0]),
    ("must rollback to a previous revision", [1, 2, 3], 1, [1, 4, 3]),
]


@pytest.mark.parametrize(("row", "existing", "update", "expected"), GET_SET_REVISIONS_ROWS)
def test_get_statefulset_revisions(row, existing, update, expected):
    """The expected count of that row is the number of non-zero slots; the update revision's number is checked."""
    assert su.get_statefulset_revisions(CONCRETE, existing, update) == expected
    assert _z3_eval(lambda ops, xs: su.get_statefulset_revisions(ops, xs, update), existing) == expected


@pytest.mark.parametrize(("row", "existing", "update", "expected"), GET_SET_REVISIONS_ROWS)
def test_get_set_revisions_through_one_sync(row, existing, update, expected):
    """The same rows through the controller's own sync (Plan): no pods, status.currentRevision = rev0 once written.

    The scope allows a revert, so revision number 4 is inside its domain (max_revision_number).
    """
    sc = StatefulSetScope(replicas=0, edits=2, reverts=1, revision_history=True, scale_to=(), scales=0)
    s = attrs.evolve(
        st.initial_state(sc),
        template=update,
        templates_used=3,
        rev_number=tuple(existing),
        status_written=any(existing),
        current_rev=0,
    )
    plan = sync.Plan(CONCRETE, sc, s)
    changes = plan.changes()
    assert changes["rev_number"] == tuple(expected)
    assert changes["update_rev"] == update  # expectedUpdate
    assert plan.cur == 0  # expectedCurrent: rev0 (the current revision the sync starts from)


def test_the_cap_only_keeps_numbers_in_the_domain():
    """With a cap (the model's domain bound) nextRevision saturates; reachable states never need it (see below)."""
    assert su.get_statefulset_revisions(CONCRETE, [1, 2, 3], 1, cap=4) == [1, 4, 3]
    assert su.get_statefulset_revisions(CONCRETE, [1, 2, 3], 1, cap=3) == [1, 3, 3]


@pytest.mark.parametrize(
    ("numbers", "expected"), [([0, 0], 1), ([1, 0], 2), ([1, 2, 3], 4), ([3, 2, 0], 4), ([0, 5, 1], 6)]
)
def test_next_revision(numbers, expected):
    """stateful_set_utils.go:nextRevision: 1 for an empty history, else the highest number + 1."""
    assert su.next_revision(CONCRETE, numbers) == expected


# -- truncateHistory ---------------------------------------------------------------------------

# (numbers, live, limit, deleted): non-live revisions beyond the limit go, lowest numbers first.
TRUNCATE_ROWS = [
    ([1, 2, 3, 4], [False, False, True, True], 1, [True, False, False, False]),
    ([1, 2, 3, 4], [False, False, True, True], 0, [True, True, False, False]),
    ([1, 2, 3, 4], [False, False, True, True], 2, [False, False, False, False]),
    ([4, 2, 3, 1], [False, False, False, True], 1, [False, True, True, False]),  # sorted by number, not slot
    ([1, 0, 3, 2], [False, False, False, False], 1, [True, False, False, True]),  # absent slots are no revisions
    ([5, 6, 0, 7], [True, True, False, True], 0, [False, False, False, False]),  # every revision live
]


@pytest.mark.parametrize(("numbers", "live", "limit", "deleted"), TRUNCATE_ROWS)
def test_truncate_history(numbers, live, limit, deleted):
    assert su.truncate_history(CONCRETE, numbers, live, limit) == deleted
    assert _z3_eval(lambda ops, xs: su.truncate_history(ops, xs, live, limit), numbers) == deleted


def _settle(sc: StatefulSetScope, s, limit: int = 500):
    """Take the first enabled system action (controller, kubelet, scheduler, attach/detach) until none is."""
    for _ in range(limit):
        system = [a for a in enabled(st.MODEL, sc, s) if a.command.kind == "system"]
        if not system:
            return s
        s = apply(system[0], sc, s)
    raise AssertionError("the system did not settle")


def _user(sc: StatefulSetScope, s, name: str, **params):
    action = Action(st.MODEL.command(name), tuple(params.items()))
    nxt = apply(action, sc, s)
    assert nxt is not None, f"{name}{params} is not enabled"
    return nxt


@pytest.mark.parametrize("pod_management", [su.ORDERED_READY, su.PARALLEL])  # "monotonic update", "burst update"
@pytest.mark.parametrize("limit", [0, 1, 2])
def test_limits_history(pod_management, limit):
    """TestStatefulSetControlLimitsHistory: after each edit and its rollout, at most limit + 2 revisions are kept.

    The model bounds edits at 3 (upstream does 10 with limit 2). Once rolled out, current = update is
    the only live revision, so exactly min(limit, older ones) + 1 are kept, the newest ones.
    """
    sc = StatefulSetScope(
        replicas=3, edits=3, revision_history=True, revision_history_limit=limit, pod_management=pod_management
    )
    s = _settle(sc, st.initial_state(sc))
    assert s.rev_number == (1, 0, 0, 0)
    for i in range(1, 4):
        s = _settle(sc, _user(sc, s, "user.edit_template"))
        kept = [t for t, n in enumerate(s.rev_number) if n]
        assert len(kept) <= limit + 2
        assert kept == list(range(max(0, i - limit), i + 1))
        assert s.current_rev == s.update_rev == s.template == i
        assert all(r == i for r in s.pod_rev)


def test_rollback_restores_the_original_template():
    """TestStatefulSetControlRollback ("monotonic image update"): roll out an edit, apply the lowest-numbered
    revision (kubectl rollout undo --to-revision=1), and every pod ends at the original template; the
    controller reuses revision 1, renumbered 3."""
    sc = StatefulSetScope(replicas=3, edits=1, undos=1, revision_history=True)
    s = _settle(sc, st.initial_state(sc))
    s = _settle(sc, _user(sc, s, "user.edit_template"))
    assert s.pod_rev == (1, 1, 1) and s.rev_number == (1, 2)
    s = _user(sc, s, "user.rollout_undo", to=1)
    assert s.template == 0 and s.rev_number == (1, 2)  # kubectl patches the template only
    s = _settle(sc, s)
    assert s.pod_rev == (0, 0, 0) and all(p == cl.AVAILABLE for p in s.pod_phase)
    assert s.rev_number == (3, 2) and s.current_rev == s.update_rev == 0


# -- kubectl rollout undo statefulset --to-revision=N ----------------------------------------------


@pytest.mark.parametrize(
    ("numbers", "to", "found", "template"),
    [
        ([3, 2], 3, True, 0),
        ([3, 2], 2, True, 1),
        ([3, 2], 1, False, 0),
        ([1, 0, 2], 2, True, 2),
        ([0, 0], 1, False, 0),
        ([3, 2], 0, True, 1),  # toRevision 0: the second-highest revision
        ([1, 4, 3], 0, True, 2),
        ([0, 2, 0], 0, False, 0),  # one revision: "no last revision to roll back to"
        ([0, 0, 0], 0, False, 0),
    ],
)
def test_find_history(numbers, to, found, template):
    """rollback.go:findHistory: the revision whose number is N, or for N = 0 the one before the newest."""
    assert su.find_history(CONCRETE, numbers, to) == (found, template)
    assert _z3_eval(lambda ops, xs: su.find_history(ops, xs, to), numbers) == (found, template)


def test_undo_is_refused_where_kubectl_changes_nothing():
    """'unable to find specified revision N' and 'skipped (current template already matches revision N)'
    leave the StatefulSet as it was: the command is not enabled there; an undo spends one of the scope's undos."""
    sc = StatefulSetScope(replicas=1, edits=1, undos=1, revision_history=True, scale_to=(), scales=0)
    s = attrs.evolve(st.initial_state(sc), template=1, templates_used=2, rev_number=(1, 2))
    undo = st.MODEL.command("user.rollout_undo")
    assert undo.guard(CONCRETE, sc, s, to=1)
    assert not undo.guard(CONCRETE, sc, s, to=2)  # template 1 already matches revision 2
    assert not undo.guard(CONCRETE, sc, s, to=3)  # no revision 3
    assert not undo.guard(CONCRETE, sc, attrs.evolve(s, undos_left=0), to=1)
    assert undo.effect(CONCRETE, sc, s, to=1) == {"template": 0, "undos_left": 0}
    assert undo.guard(CONCRETE, sc, s, to=0)  # plain `kubectl rollout undo`: the revision before the newest
    assert undo.effect(CONCRETE, sc, s, to=0) == {"template": 0, "undos_left": 0}
    assert not undo.guard(CONCRETE, sc, attrs.evolve(s, rev_number=(0, 2)), to=0)  # no last revision
    assert not undo.guard(CONCRETE, sc, attrs.evolve(s, rev_number=(2, 1)), to=0)  # previous = template 1: skipped


def test_undo_needs_revision_history():
    with pytest.raises(ScopeError, match="undos: kubectl rollout undo reads ControllerRevisions"):
        StatefulSetScope(undos=1).validate()
    assert all(not p.revision_history and not p.undos for p in st.PRESETS.values())


# -- the properties' predicates fail where they should --------------------------------------------


def _history_scope() -> StatefulSetScope:
    return StatefulSetScope(replicas=1, edits=2, revision_history=True, revision_history_limit=1, scale_to=(), scales=0)


def test_truncating_the_newest_unused_revision_breaks_oldest_first():
    sc = _history_scope()
    s = attrs.evolve(
        st.initial_state(sc), template=2, templates_used=3, rev_number=(1, 2, 3), status_written=True, current_rev=2
    )
    s = attrs.evolve(s, pod_phase=(cl.AVAILABLE,), pod_rev=(2,))
    right = attrs.evolve(s, rev_number=(0, 2, 3))
    wrong = attrs.evolve(s, rev_number=(1, 0, 3))
    assert sync.Plan(CONCRETE, sc, s).changes()["rev_number"] == right.rev_number
    assert sp.history_truncated_oldest_first(CONCRETE, sc, s, right)
    assert not sp.history_truncated_oldest_first(CONCRETE, sc, s, wrong)
    assert not sp.history_truncated_oldest_first(CONCRETE, sc, s, attrs.evolve(s, rev_number=(0, 0, 3)))


def test_a_pod_whose_revision_was_deleted_breaks_live_revisions_kept():
    sc = _history_scope()
    s = attrs.evolve(
        st.initial_state(sc), template=1, templates_used=2, rev_number=(1, 2, 0), status_written=True, update_rev=1
    )
    running = attrs.evolve(s, pod_phase=(cl.AVAILABLE,), pod_rev=(1,))
    assert sp.live_revisions_kept(CONCRETE, sc, running)
    assert not sp.live_revisions_kept(CONCRETE, sc, attrs.evolve(running, rev_number=(1, 0, 0)))
    assert not sp.live_revisions_kept(CONCRETE, sc, attrs.evolve(s, rev_number=(0, 2, 0)))  # status.currentRevision


# -- the cap on revision numbers never bites in a reachable state -----------------------------------


def _numbers_within_budget(ops, sc, s):
    """highest number + numbers still to hand out <= the cap, so nextRevision never reaches past it.

    A number is handed out only when the update template's revision is missing or not the newest;
    every such situation is paid for by an edit, revert or undo still available, or is pending now.
    """
    top = ops.max_(0, *s.rev_number)
    newest = ops.or_(*[ops.and_(s.template == t, n > 0, n == top) for t, n in enumerate(s.rev_number)])
    pending = (sc.templates - s.templates_used) + s.reverts_left + s.undos_left + ops.ite(newest, 0, 1)
    return top + pending <= sc.max_revision_number


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"revision_history_limit": 0},
        {"revision_history_limit": 0, "reverts": 2, "edits": 2},
        {"revision_history_limit": 1, "undos": 2, "edits": 3, "replicas": 1, "scale_to": ()},
        {"pod_management": su.PARALLEL, "revision_history_limit": 0, "reverts": 1},
        {"strategy": su.ON_DELETE, "pod_deletes": 2, "revision_history_limit": 0, "reverts": 1},
    ],
    ids=["tiny", "limit-0", "limit-0-reverts", "limit-1-undos", "parallel", "on-delete"],
)
def test_revision_numbers_never_reach_the_cap(settings):
    """Exhaustive search: StatefulSetScope.max_revision_number (the domain, and nextRevision's cap) is never hit."""
    base = attrs.evolve(st.PRESETS["tiny"], revision_history=True, undos=1)
    sc = attrs.evolve(base, **settings)
    prop = attrs.evolve(
        sp.PROPERTIES[0],
        name="statefulset.revision_numbers_within_budget",
        kind="always",
        predicate=_numbers_within_budget,
        adjust=lambda x: x,
    )
    [r] = run.check(Task(st.MODEL, sc, [prop]))
    assert r.verdict.value == "HOLDS", r.trace
