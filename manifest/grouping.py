"""Violations with one root cause: one trace, and the list of properties it breaks.

``check -f`` checks every property of a workload on its own, so one bad run (a pod stuck in
ContainerCreating on a Multi-Attach error) used to be printed once per property it breaks, four
near-identical traces. This module groups them; the renderers print one trace per group.

**Same root cause, precisely.** A trace T (a real run of the model, replayed through the
reference semantics by the engine that found it) *breaks* property Q when Q's own check fails
on T, decided by Q's predicates on T's states with the concrete ops, in the scope Q's own
counterexample lives in (the same model and the same scope, or T says nothing about Q):

* ``always``: Q's predicate is false in T's last state;
* ``step``: Q's predicate is false on T's last step;
* ``terminal``: T's last state has no successor (the explicit search's test) and Q's predicate
  is false there;
* ``eventually`` / ``leads_to``: T read as a lasso (a trace without a loop stays in its last
  state for ever) passes the engines' own certification of a liveness counterexample,
  :func:`kubecheck.checker.explicit.fair_cycles.check_lasso`: the loop closes, it is fair under
  Q's fairness (weak fairness of system actions and Q's strong fairness; a run that stays in a
  state is fair only where no system action is enabled), and Q's goal fails on it;
* ``sometimes``: never (a witness is not a violation).

Only rows whose own verdict is VIOLATED with a trace are grouped; a row's verdict is never
changed (a trace that breaks a property whose row is INCONCLUSIVE does not join it). Two rows
with identical traces are grouped by this rule (each trace passed its own property's check).

**Which trace is shown.** Rows are taken shortest trace first (then in table order); each joins
the first group whose shown trace breaks its property, or starts a group with its own trace. So
a property is never shown a longer run than the counterexample found for it, and the shown trace
ends where it breaks each property of its group (the ``⇒`` line of each is true of the last
state). Groups are numbered across the report in the order of the workloads and of each group's
first row in the table; the text report's "trace N", JSON's ``trace_group`` and JUnit use them.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from kubecheck.checker.explicit.fair_cycles import check_lasso
from kubecheck.checker.result import Result, Verdict
from kubecheck.manifest.report import WorkloadReport
from kubecheck.manifest.sizing import Row
from kubecheck.model.kernel.commands import successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import LIVENESS, Property
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace


def as_lasso(trace: Trace) -> Trace:
    """``trace`` as a liveness counterexample: without a loop, it stays in its last state for ever."""
    return trace if trace.loop is not None else attrs.evolve(trace, loop=len(trace.steps))


def breaks(prop: Property, scope: Scope, trace: Trace) -> bool:
    """Whether ``trace`` breaks ``prop`` checked in ``scope`` (the module docstring's rules)."""
    if trace.model.name != prop.model or trace.scope != scope:
        return False
    last = trace.last
    if prop.kind == "always":
        return not prop.predicate(CONCRETE, scope, last)
    if prop.kind == "step":
        return bool(trace.steps) and not prop.predicate(CONCRETE, scope, trace.states[-2], last)
    if prop.kind == "terminal":
        return not successors(trace.model, scope, last) and not prop.predicate(CONCRETE, scope, last)
    if prop.kind in LIVENESS:
        return check_lasso(trace.model, scope, prop, as_lasso(trace)) == ""
    return False


def _violation(result: Result) -> Trace | None:
    return result.trace if result.verdict is Verdict.VIOLATED else None


@attrs.frozen
class TraceGroup:
    """One shown trace and the rows of one workload it breaks.

    ``number`` counts groups across the report from 1; ``workload`` is the workload's index in
    the report; ``rows`` the indices of its rows in table order; ``shown`` the row whose trace is
    shown; ``trace`` that trace, read as a lasso when a liveness property of the group needs it.
    """

    number: int
    workload: int
    rows: tuple[int, ...]
    shown: int
    trace: Trace


def group_results(results: Sequence[Result]) -> list[tuple[int, list[int], Trace]]:
    """(shown result, results in the given order, shown trace) per group of violations of one model
    (the module docstring's rules), in the order of each group's first result. ``check MODEL`` groups
    its results with it, ``check -f`` each workload's rows (:func:`group_rows`)."""
    found = [(i, t) for i, t in ((i, _violation(r)) for i, r in enumerate(results)) if t is not None]
    found.sort(key=lambda it: (len(it[1].steps), it[0]))
    groups: list[tuple[int, list[int], Trace]] = []
    for i, own in found:
        prop = results[i].property
        for k, (shown, members, trace) in enumerate(groups):
            if breaks(prop, own.scope, trace):
                members.append(i)
                if prop.kind in LIVENESS:
                    groups[k] = (shown, members, as_lasso(trace))
                break
        else:
            groups.append((i, [i], own))
    ordered = [(shown, sorted(members), trace) for shown, members, trace in groups]
    return sorted(ordered, key=lambda g: g[1][0])


def group_rows(rows: Sequence[Row]) -> list[tuple[int, list[int], Trace]]:
    """:func:`group_results` of one workload's rows (indices into ``rows``)."""
    return group_results([r.result for r in rows])


def trace_groups(workloads: Sequence[WorkloadReport]) -> list[TraceGroup]:
    """Every workload's groups of violations, numbered from 1 across the report."""
    out: list[TraceGroup] = []
    for w, wr in enumerate(workloads):
        for shown, members, trace in group_rows(wr.rows):
            out.append(TraceGroup(len(out) + 1, w, tuple(members), shown, trace))
    return out


def group_numbers(groups: Sequence[TraceGroup]) -> dict[tuple[int, int], int]:
    """(workload index, row index) -> the number of the group that shows the row's violation."""
    return {(g.workload, i): g.number for g in groups for i in g.rows}
