"""No verdict claims more than was checked (issue 15, item 1): every property of every model, under
every engine and ``--for-all`` combination, claims exactly the coverage of the run that decided it.

Each result of :func:`kubecheck.checker.run.check` carries a :class:`~kubecheck.checker.result.Claim`
(what it covers: one instance, every value of the symbolic parameters, each value of a swept
range, or nothing). These tests record every engine call the runner makes (the engine, the task
it was given: properties, scope, ``for_all``, bounds) and check each claim against them:

* a claim over *all values* of replicas comes from an engine run with replicas left symbolic, with
  the same bounds and engine;
* a claim about *an instance* comes from a run with every parameter fixed, at the result's scope;
* a claim over *each value* of a range comes from one fixed run per value, each at the user's scope
  at that value adjusted by the property;
* a run asked for ``--for-all`` never answers with a fixed instance (the bug: ``no_stuck_rollout``
  with ``--engine pdr --for-all replicas,…`` printed HOLDS after an explicit search of ``small``),
  and explicit search never runs under it;
* the text report's ``covers`` column says what the claim says.

The fast part replaces every engine module's ``check`` with a recorder that answers at once (a
verdict by kind), so the runner's routing is checked for every property of every model in
seconds; the slow part (``tests/slow_tests.txt``) runs the real engines at ``tiny`` with a small
budget.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import attrs
import pytest

from kubecheck.checker import run, swarm
from kubecheck.checker.explicit import bfs, fair_cycles
from kubecheck.checker.result import ALL_VALUES, EACH_VALUE, INSTANCE, NOTHING, Result, Stats, Verdict
from kubecheck.checker.symbolic import bmc, kinduction, lasso, ordinal, pdr, ranking
from kubecheck.checker.task import ENGINES, Budget, OutOfTime, Task, Watchdog
from kubecheck.cli import report_text
from kubecheck.model.controllers import volumes as vol
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, ScopeError, evolve, params
from kubecheck.properties import catalog

ENGINE_MODULES = (bfs, fair_cycles, bmc, lasso, kinduction, pdr, ranking, swarm, ordinal)
EXPLICIT = (bfs.ENGINE, fair_cycles.ENGINE)

#: Per model, the ``--for-all`` requests checked: (parameters, bounds). Deployment parameters can be
#: symbolic (one run for every value; min-ready-seconds changes the actions: refused by the encoder);
#: StatefulSet and DaemonSet ones cannot (refused unbounded, swept when bounded).
FOR_ALL: dict[str, list[tuple[tuple[str, ...], dict[str, tuple[int | None, int | None]]]]] = {
    "deployment": [
        ((), {}),
        (("replicas",), {}),
        (("replicas", "max_surge", "max_unavailable"), {}),
        (("replicas",), {"replicas": (1, 3)}),
        (("min_ready_seconds",), {}),
    ],
    "statefulset": [((), {}), (("replicas",), {}), (("replicas",), {"replicas": (1, 2)})],
    "daemonset": [((), {}), (("nodes",), {}), (("nodes",), {"nodes": (1, 2)}), (("nodes",), {"nodes": (2, 3)})],
}


@attrs.frozen
class Call:
    """One engine call the runner made: the engine's name and the task it was given."""

    engine: str
    task: Task
    results: tuple[Result, ...]

    def answered(self, prop: Property) -> Result | None:
        for p, r in zip(self.task.properties, self.results):
            if p == prop:
                return r
        return None


def _fake_verdict(engine: str, prop: Property) -> Verdict:
    if engine == ordinal.ENGINE:  # the ordinal reading decides safety properties only
        return Verdict.PROVED if prop.kind in ("always", "step") else Verdict.INCONCLUSIVE
    if prop.kind == "sometimes":
        return Verdict.WITNESSED
    if engine == swarm.ENGINE:  # walks find violations or nothing; never HOLDS
        return Verdict.VIOLATED if prop.kind in ("always", "step") else Verdict.INCONCLUSIVE
    if engine == lasso.ENGINE:
        return Verdict.INCONCLUSIVE  # a lasso search proves nothing
    return Verdict.HOLDS if engine in EXPLICIT else Verdict.PROVED


class Recorder:
    """Every engine call of a run; with ``fake``, engines answer at once (a verdict by kind)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fake: bool):
        self.calls: list[Call] = []
        for module in ENGINE_MODULES:
            monkeypatch.setattr(module, "check", self._wrap(module.ENGINE, module.check, fake))

    def _wrap(self, engine: str, real, fake: bool):
        def check(task: Task) -> list[Result]:
            if fake:
                stats = Stats(1, 0, 0, 0.0, True, "exhausted")
                results = [
                    Result(p, v, task.scope, engine, stats, note="fake: no reason" if v is Verdict.INCONCLUSIVE else "")
                    for p in task.properties
                    for v in [_fake_verdict(engine, p)]
                ]
            else:
                results = real(task)
            self.calls.append(Call(engine, task, tuple(results)))
            return results

        return check

    def of(self, prop: Property) -> list[Call]:
        return [c for c in self.calls if prop in c.task.properties]


def _cli(scope: Scope) -> dict[str, str]:
    return {name: info.cli for name, info in params(type(scope))}


def _points(for_all: Sequence[str], bounds) -> Iterator[dict[str, int]]:
    ranges = [range(bounds[n][0], bounds[n][1] + 1) for n in for_all]
    for values in itertools.product(*ranges):
        yield dict(zip(for_all, values))


def assert_claim_matches_what_ran(result: Result, task: Task, calls: list[Call]) -> None:
    """The result's claim is the coverage of the engine run(s) that gave it (module docstring)."""
    prop, claim = result.property, result.claim
    where = f"{prop.name} under {task.engine} --for-all {task.for_all} {task.bounds}: {result.verdict.value}"
    assert claim is not None, f"{where}: no claim"
    if task.for_all:
        assert claim.kind != INSTANCE, f"{where}: a --for-all run answered with a fixed instance"
        for c in calls:
            swept = c.task.for_all == () and claim.kind == EACH_VALUE
            assert c.task.for_all == task.for_all or swept, f"{where}: {c.engine} ran with for_all={c.task.for_all}"
            assert swept or c.engine not in EXPLICIT, f"{where}: explicit search ran under --for-all"
    if claim.kind == NOTHING:
        assert result.verdict is Verdict.INCONCLUSIVE, f"{where}: a verdict that covers nothing"
        assert result.note, f"{where}: INCONCLUSIVE without the reason"
        return
    if claim.kind == INSTANCE:
        matching = [
            c
            for c in calls
            if c.task.for_all == ()
            and c.engine == result.engine
            and c.task.scope == result.scope
            and (r := c.answered(prop)) is not None
            and r.verdict is result.verdict
        ]
        assert matching, f"{where}: claims the instance, but no fixed run at that scope gave it"
        return
    if claim.kind == ALL_VALUES:
        assert claim.for_all == task.for_all, f"{where}: claims {claim.for_all}"
        spans = {n: (lo, hi) for n, lo, hi in claim.bounds}
        asked = {n: b for n, b in task.bounds.items() if n in task.for_all}
        assert {n: b for n, b in spans.items() if n in asked} == asked, f"{where}: claims {spans}"
        # a parameter asked for without bounds may be claimed from its domain's floor up, never below
        # nor with an upper bound (the ordinal reading's "all replicas 1..")
        floors = {n: b for n, b in spans.items() if n not in asked}
        assert all(n in task.for_all and hi is None for n, (lo, hi) in floors.items()), f"{where}: claims {spans}"
        matching = [
            c
            for c in calls
            if c.task.for_all == claim.for_all
            and c.task.bounds == task.bounds
            and c.engine == result.engine
            and (r := c.answered(prop)) is not None
            and r.verdict is result.verdict
        ]
        assert matching, f"{where}: claims every value of {claim.for_all}, but no run left them symbolic"
        return
    assert claim.kind == EACH_VALUE, claim
    assert claim.for_all == task.for_all and dict((n, (lo, hi)) for n, lo, hi in claim.bounds) == task.bounds
    ran = {c.task.scope for c in calls if c.task.for_all == ()}
    wanted = [prop.adjust(evolve(task.scope, **point)) for point in _points(task.for_all, task.bounds)]
    if result.verdict in (Verdict.PROVED, Verdict.UNREACHABLE):
        missing = [s for s in wanted if s not in ran]
        assert not missing, f"{where}: claims each value, but {len(missing)} instance(s) never ran"
    else:
        assert ran & set(wanted), f"{where}: a sweep result without a run at any value of the range"


def assert_covers_text(result: Result, user: Scope) -> None:
    """The text report's column says what the claim says."""
    claim, shown = result.claim, report_text.covers(result, user)
    assert claim is not None
    cli = _cli(result.scope)
    if claim.kind == NOTHING:
        assert shown == "nothing"
    elif claim.kind == INSTANCE:
        same = result.property.adjust(user) == user
        assert shown == ("scope" if same else "adjusted scope"), shown
    else:
        word = "all" if claim.kind == ALL_VALUES else "each"
        assert shown.startswith(word + " "), shown
        for name in claim.for_all:
            assert cli[name] in shown, shown


def _run(recorder: Recorder, task: Task) -> list[tuple[Result, Task, list[Call]]]:
    """Results of ``task``, each with the calls made for it; a property whose sweep meets a value the
    scope rejects (ScopeError: exit 2 with the value named) is left out, the message checked."""
    out = []
    try:
        recorder.calls.clear()
        results = run.check(task)
        return [(r, task, recorder.of(r.property)) for r in results]
    except ScopeError:
        pass
    for prop in task.properties:  # one at a time: which ones the range cannot be applied to
        recorder.calls.clear()
        one = task.with_properties([prop])
        try:
            [r] = run.check(one)
        except ScopeError as err:
            assert str(err).startswith("--for-all "), err
            continue
        out.append((r, one, list(recorder.calls)))
    return out


def _combinations() -> Iterator[tuple[str, str, tuple[str, ...], dict]]:
    for model_name, requests in FOR_ALL.items():
        for engine in ENGINES:
            for for_all, bounds in requests:
                if for_all and engine in ("explicit", "swarm"):
                    continue  # a usage error (exit 2), tested below
                yield model_name, engine, for_all, bounds


def _id(value: object) -> str:
    if isinstance(value, tuple):
        return ",".join(value) or "fixed"
    if isinstance(value, dict):
        return ",".join(f"{n}={lo}..{hi}" for n, (lo, hi) in value.items()) or "unbounded"
    return str(value)


@pytest.mark.parametrize(
    ("model_name", "engine", "for_all", "bounds"),
    list(_combinations()),
    ids=_id,
)
def test_every_claim_is_the_coverage_of_the_run_that_gave_it(monkeypatch, model_name, engine, for_all, bounds):
    recorder = Recorder(monkeypatch, fake=True)
    model = catalog.model(model_name)
    scope = model.presets["tiny"]
    task = Task(model, scope, catalog.properties(model_name), engine=engine, for_all=for_all, bounds=bounds)
    checked = _run(recorder, task)
    assert checked, "every property refused as bad input"
    kinds = set()
    for result, asked, calls in checked:
        assert_claim_matches_what_ran(result, asked, calls)
        assert_covers_text(result, scope)
        assert result.claim is not None
        kinds.add(result.claim.kind)
    if not for_all:
        assert kinds <= {INSTANCE, NOTHING}
        assert INSTANCE in kinds


def test_a_terminal_property_under_for_all_is_inconclusive_with_the_reason_not_an_explicit_answer(monkeypatch):
    """The issue's reproducer, with the real engines: nothing runs, nothing is claimed."""
    recorder = Recorder(monkeypatch, fake=False)
    model = catalog.model("deployment")
    [prop] = catalog.properties("deployment", ["no_stuck_rollout"])
    for engine in ("pdr", "bmc", "kind", "auto"):
        task = Task(
            model,
            model.presets["small"],
            [prop],
            engine=engine,
            for_all=("replicas", "max_surge", "max_unavailable"),
        )
        [result] = run.check(task)
        assert result.verdict is Verdict.INCONCLUSIVE
        assert result.claim is not None and result.claim.kind == NOTHING
        assert result.note == (
            "not decided for every value of replicas, max-surge, max-unavailable: terminal properties are "
            "decided by explicit search of one instance only"
        )
    assert recorder.calls == []


def test_a_property_whose_adjustment_fixes_a_for_all_parameter_is_not_decided_for_every_value(monkeypatch):
    recorder = Recorder(monkeypatch, fake=True)
    model = catalog.model("deployment")
    [prop] = catalog.properties("deployment", ["rwo_volume_attached_to_one_node"])
    task = Task(model, model.presets["tiny"], [prop], engine="pdr", for_all=("replicas", "min_ready_seconds"))
    [result] = run.check(task)
    assert result.verdict is Verdict.INCONCLUSIVE and result.claim is not None and result.claim.kind == NOTHING
    assert "needs min-ready-seconds=0 where min-ready-seconds=1" in result.note
    assert recorder.calls == []
    # within a range the property keeps, it is decided for every value of it
    bounded = attrs.evolve(task, bounds={"min_ready_seconds": (0, 0)})
    [result] = run.check(bounded)
    assert result.claim is not None and result.claim.kind == ALL_VALUES


def test_a_field_the_adjustment_derives_from_a_symbolic_parameter_is_named_as_held(monkeypatch):
    """paused_creates_no_replicaset scales to replicas - 1: one symbolic run holds scale-to at the scope's value."""
    Recorder(monkeypatch, fake=True)
    model = catalog.model("deployment")
    [prop] = catalog.properties("deployment", ["paused_creates_no_replicaset"])
    [result] = run.check(Task(model, model.presets["tiny"], [prop], engine="pdr", for_all=("replicas",)))
    assert result.claim is not None and result.claim.kind == ALL_VALUES
    assert result.claim.held == (("scale-to", "1"),)


def test_a_sweep_adjusts_the_users_scope_at_each_value(monkeypatch):
    recorder = Recorder(monkeypatch, fake=True)
    model = catalog.model("statefulset")
    [prop] = catalog.properties("statefulset", ["pods_removed_in_reverse_order"])
    scope = model.presets["tiny"]
    task = Task(model, scope, [prop], engine="kind", for_all=("replicas",), bounds={"replicas": (1, 3)})
    [result] = run.check(task)
    assert result.verdict is Verdict.PROVED and result.claim is not None and result.claim.kind == EACH_VALUE
    ran = [c.task.scope for c in recorder.of(prop)]  # not the vacuity query's calls (checker/symbolic/vacuity.py)
    assert ran == [prop.adjust(evolve(scope, replicas=r)) for r in (1, 2, 3)]


def test_a_property_that_needs_another_value_than_the_user_set_is_refused(monkeypatch):
    Recorder(monkeypatch, fake=True)
    model = catalog.model("deployment")
    [prop] = catalog.properties("deployment", ["rollout_completes_with_shared_claim"])
    scope = evolve(model.presets["tiny"], access_mode=vol.RWOP)
    task = Task(model, scope, [prop], user_set=("access_mode",))
    with pytest.raises(ScopeError) as err:
        run.check(task)
    assert str(err.value) == (
        "deployment.rollout_completes_with_shared_claim needs access-mode=ReadWriteOnce (it assumes every pod "
        "mounts one shared ReadWriteOnce claim; two nodes; minReadySeconds 0), but you set "
        "access-mode=ReadWriteOncePod; it is never checked with another value than yours (leave access-mode unset)"
    )
    # not set by the user: the property's assumption applies, and the report says so
    [result] = run.check(attrs.evolve(task, user_set=()))
    assert result.scope.access_mode == vol.RWO
    assert run.conflicts(prop, scope, ()) == []
    assert run.conflicts(prop, scope, ("access_mode",)) == [("access-mode", vol.RWO, vol.RWOP)]


#: The real engines' budget per run (one deadline shared by the run's properties), and a hard stop
#: per run (z3 calls are not always back by the deadline: PDR has run past it by minutes).
REAL_SECONDS, HARD_SECONDS = 3.0, 60.0


@pytest.mark.parametrize("model_name", list(FOR_ALL))
def test_claims_with_the_real_engines_at_tiny(monkeypatch, model_name):
    """Slow: the real engines, every property, each engine and --for-all request, a small budget per run.

    A run the hard stop ends is not checked (its results are lost): the budget is another matter;
    at least every run of explicit search and most others must finish."""
    recorder = Recorder(monkeypatch, fake=False)
    model = catalog.model(model_name)
    scope = model.presets["tiny"]
    watchdog = Watchdog()
    finished, stuck = 0, []
    try:
        for _, engine, for_all, bounds in (c for c in _combinations() if c[0] == model_name):
            task = Task(
                model,
                scope,
                catalog.properties(model_name),
                engine=engine,
                for_all=for_all,
                bounds=bounds,
                depth=2,
                budget=Budget(timeout=REAL_SECONDS),
            )
            try:
                with watchdog.limit(HARD_SECONDS):
                    checked = _run(recorder, task)
            except OutOfTime:
                stuck.append(f"{engine} --for-all {for_all} {bounds}")
                continue
            finished += 1
            for result, asked, calls in checked:
                assert_claim_matches_what_ran(result, asked, calls)
                assert_covers_text(result, scope)
    finally:
        watchdog.close()
    assert finished >= len(stuck), f"stopped by the hard limit: {stuck}"
