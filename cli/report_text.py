"""The text report of ``kubecheck check``: header, verdict table, traces, coverage, summary.

Everything here turns engine results (:mod:`kubecheck.checker.result`) into lines; nothing is
decided. Sections, in order:

1. header: the model, its Kubernetes version, the scope (preset, changes, every value);
2. the verdict table — each row names the engine and what its verdict covers (``covers``: the
   scope, the property's adjusted scope, every value of the ``--for-all`` parameters, each value
   of a swept range, or nothing); a HOLDS or PROVED whose property has a trigger
   (:mod:`kubecheck.properties.triggers`) reads "HOLDS (vacuous: <what never happened>)" when the
   behaviour it constrains never occurred, "(vacuity not checked)" when the engine did not look —
   then notes: properties checked in an adjusted scope
   ("assumes"), fields held while parameters were open, searches that stopped early, and the
   properties left out because they need a value other than the user set;
3. one block per VIOLATED / WITNESSED result: the trace, the property's values at the last
   state, the reproduce and replay commands; violations with one root cause
   (:mod:`kubecheck.manifest.grouping`) share one block, which names every property the run
   breaks (a line under the table says which), the legend once, before the first trace;
4. coverage: commands the scope enables that never fired in an exhaustive search (a vacuity
   warning: a property may hold only because some behaviour never happened);
5. the terms of the report a reader may not know (WITNESSED, UNREACHABLE, INCONCLUSIVE, strong
   fairness), each explained once as ``kubecheck help verdicts`` does, only those that appear;
6. a one-line summary with the exit code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import attrs

from kubecheck.checker import run
from kubecheck.checker.explicit.bfs import DECIDED
from kubecheck.checker.result import ALL_VALUES, EACH_VALUE, EXIT_UNWITNESSED, Result, Verdict
from kubecheck.checker.task import Budget
from kubecheck.cli import help_command, text, trace_text
from kubecheck.manifest.grouping import group_results
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope, describe, params
from kubecheck.model.kernel.traces import Trace

EXIT_MEANING = {
    0: "ok",
    10: "inconclusive",
    12: "safety violation",
    13: "liveness violation",
    14: "a witness is unreachable",
}
VERDICT_ORDER = (
    Verdict.HOLDS,
    Verdict.PROVED,
    Verdict.VIOLATED,
    Verdict.WITNESSED,
    Verdict.UNREACHABLE,
    Verdict.INCONCLUSIVE,
)


def header(
    model: Model, preset: str, scope: Scope, changes: Sequence[tuple[str, str]], budget: Budget | None = None
) -> list[str]:
    """Model, Kubernetes version and scope, one label per line block."""
    pad = " " * 10
    lines = [f"model     {model.name}: {model.title}", f"{pad}Kubernetes {model.kubernetes}"]
    label = preset if not changes else f"{preset}, with {' '.join(text.settings(changes))}"
    lines.append(f"scope     {label}")
    lines += text.wrap_words(text.settings(describe(scope)), text.WIDTH, pad)
    if budget is not None and (budget.max_states or budget.timeout):
        parts = []
        if budget.max_states:
            parts.append(f"--max-states {budget.max_states}")
        if budget.timeout:
            parts.append(f"--timeout {budget.timeout:g}")
        lines.append(f"budget    {' '.join(parts)}")
    return lines


def covers(result: Result, user_scope: Scope) -> str:
    """What a row's verdict covers: "scope" (the header's), "adjusted scope" (the property's
    assumptions, in the notes), "all replicas, max-surge", "each replicas 1..4", or "nothing"."""
    claim = result.claim
    if claim is None:
        return "?"  # a result that did not come through the runner: says nothing of its coverage
    if claim.kind in (ALL_VALUES, EACH_VALUE):
        cli = {name: info.cli for name, info in params(type(result.scope))}
        return claim.text(lambda name: cli.get(name, name))
    if claim.kind != "instance":
        return claim.kind
    base = result.property.adjust(user_scope)
    return "scope" if describe(base) == describe(user_scope) else "adjusted scope"


def verdict_table(results: Sequence[Result], user_scope: Scope) -> list[str]:
    rows = [
        [
            r.property.short,
            r.verdict_text(),
            r.engine,
            text.count(r.stats.states),
            text.count(r.stats.transitions),
            str(r.stats.depth),
            covers(r, user_scope),
            text.seconds(r.stats.seconds),
        ]
        for r in results
    ]
    headers = ["property", "verdict", "engine", "states", "transitions", "depth", "covers", "seconds"]
    return text.table(headers, rows, "<<<>>><>")


def notes(user_scope: Scope, results: Sequence[Result]) -> list[str]:
    """Adjusted scopes ("assumes") and early stops, under the table."""
    lines = []
    user = dict(describe(user_scope))
    for r in results:
        adjusted = dict(describe(r.property.adjust(user_scope)))
        changed = [(k, v) for k, v in adjusted.items() if user.get(k) != v]
        if changed:
            what = r.property.assumes or "an adjusted scope"
            lines.append(f"{r.property.short} assumes {what}: checked with {' '.join(text.settings(changed))}")
        held = r.claim.held if r.claim is not None else ()
        if held:
            lines.append(
                f"{r.property.short} ({r.engine}): {' '.join(text.settings(held))} at every value of the --for-all "
                "parameters (the scope's value: the property's adjustment derives it from them)"
            )
        chosen = [(k, v) for k, v in describe(r.scope) if adjusted.get(k) != v]
        if chosen:  # a symbolic engine's trace, with the values it chose for the --for-all parameters
            lines.append(
                f"{r.property.short} ({r.engine}): {r.verdict.value.lower()} with {' '.join(text.settings(chosen))} "
                "(the --for-all values where it was found)"
            )

    def never_explored(r: Result) -> bool:
        return r.engine.startswith("explicit") and r.note.startswith("not explored")

    def instead(r: Result) -> bool:  # a terminal property under bmc, kind or pdr: explicit search decided it
        return r.engine.startswith("explicit") and run.EXPLICIT_INSTEAD in r.note

    for r in results:
        if r.note and (not r.engine.startswith("explicit") or never_explored(r) or instead(r)):
            lines.append(f"{r.property.short} ({r.engine}): {r.note}")
    for r in results:
        if r.vacuity_unchecked:
            how = r.vacuity.reason if r.vacuity is not None and r.vacuity.reason else f"not checked by {r.engine}"
            what = r.property.trigger.what  # type: ignore[union-attr]
            lines.append(
                f"{r.property.short} ({r.engine}): vacuity {how}: it may hold only because {what} never happens"
            )
        elif r.is_vacuous:
            where = " in the explored states" if r.engine.startswith("explicit") else ""  # a symbolic proof says where
            lines.append(
                f"{r.property.short} holds vacuously: {r.vacuity.reason}{where}, so it "  # type: ignore[union-attr]
                "constrained nothing"
            )
    for r in results:
        if r.verdict is Verdict.UNREACHABLE:
            lines.append(f"{r.property.short} is UNREACHABLE: no reachable state shows that {r.property.doc}")
    stops: list[str] = []
    for r in results:
        if (
            r.engine.startswith("explicit")
            and not never_explored(r)
            and not r.stats.complete
            and r.stats.stop_reason not in stops
        ):
            stops.append(r.stats.stop_reason)
    for reason in stops:
        if reason == DECIDED:
            lines.append(
                "searches that found what they looked for stopped there: "
                "their counts are the states explored until then"
            )
        else:
            lines.append(
                f"search stopped early ({reason}): its statistics are partial, and the properties "
                "it had not decided are INCONCLUSIVE"
            )
    return lines


def trace_block(result: Result, model: Model, preset: str, user_scope: Scope, legend: bool) -> list[str]:
    """One violation or witness: heading, trace, last-state values, reproduce lines."""
    prop, trace = result.property, result.trace
    assert trace is not None
    lines = [f"{result.verdict.value}  {prop.name} ({text.plural(len(trace.steps), 'step')})"]
    lines += trace_text.property_lines(prop)
    lines += trace_text.steps(trace, with_legend=legend)
    lines += trace_text.conclusion_lines(prop, result.verdict.value, trace)
    return lines + _reproduce(model, [prop], trace, preset, user_scope, _engine_words(result))


#: The swarm engine's note names the flags that find its trace again ("again: --engine swarm --walks …").
_AGAIN = re.compile(r"\(again: (--engine swarm[^)]*)\)")


def _engine_words(result: Result) -> tuple[str, ...]:
    """Flags the reproduce line needs besides the scope: a swarm's walks and seed (an explicit search of
    the same instance may never finish, which is why the swarm ran)."""
    found = _AGAIN.search(result.note or "") if result.engine == "swarm" else None
    return tuple(found.group(1).split()) if found else ()


def _reproduce(
    model: Model, props: Sequence[Property], trace: Trace, preset: str, user_scope: Scope, extra: tuple[str, ...] = ()
) -> list[str]:
    changes = dict(trace_text.scope_changes(user_scope, model.presets[preset]))
    # parameters a symbolic engine chose (--for-all): the trace's scope, not the user's
    changes.update(trace_text.scope_changes(trace.scope, props[0].adjust(user_scope)))
    return trace_text.reproduce(model, props, preset, list(changes.items()), extra=extra)


def group_block(
    members: Sequence[Result], trace: Trace, model: Model, preset: str, user_scope: Scope, legend: bool
) -> list[str]:
    """Violations with one root cause (:mod:`kubecheck.manifest.grouping`): the run once, every
    property it breaks with its ``⇒`` line on that run, one reproduce line for them all."""
    lines = [f"VIOLATED  one run ({text.plural(len(trace.steps), 'step')}) breaks {len(members)} properties"]
    for r in members:
        lines += [f"  {r.property.name}"] + trace_text.property_lines(r.property, "    ")
    lines += trace_text.steps(trace, with_legend=legend)
    for r in members:
        lines += trace_text.conclusion_lines(r.property, r.verdict.value, trace, label=r.property.short)
    return lines + _reproduce(model, [r.property for r in members], trace, preset, user_scope)


def grouped_note(results: Sequence[Result], groups: Sequence[tuple[int, list[int], Trace]]) -> list[str]:
    """A line under the table per run that breaks several properties (its trace is shown once)."""
    return [
        f"one run breaks {', '.join(results[i].property.short for i in members)}: its trace is shown once, below"
        for _, members, _ in groups
        if len(members) > 1
    ]


def coverage(model: Model, results: Sequence[Result]) -> list[str]:
    """Commands that never fired in an exhaustive search, per exploration."""
    groups: dict[Scope, list[Result]] = {}
    for r in results:
        if r.coverage is not None and r.coverage.complete and r.coverage.never_fired:
            groups.setdefault(r.scope, []).append(r)
    if not groups:
        return []
    distinct = {tuple(rs[0].coverage.never_fired) for rs in groups.values()}  # type: ignore[union-attr]
    lines = [
        "warning: possible vacuity: these commands never fired, although the scope enables them;",
        "         a property may hold only because their behaviour never happened",
    ]
    shown: set[tuple[str, ...]] = set()
    for rs in groups.values():
        names = tuple(rs[0].coverage.never_fired)  # type: ignore[union-attr]
        if names in shown:
            continue
        shown.add(names)
        if len(distinct) > 1:
            covered = [
                r.property.short for r in results if r.coverage is not None and tuple(r.coverage.never_fired) == names
            ]
            lines += text.wrap_words(
                ["in", "the", "search", "for", *[c + "," for c in covered[:-1]], covered[-1] + ":"],
                text.WIDTH,
                "  ",
                "    ",
            )
        width = max(len(n) for n in names)
        for name in names:
            lines += text.wrap_text(model.command(name).doc, text.WIDTH, f"  {name.ljust(width)}  ", " " * (width + 4))
    return lines


def footer(results: Sequence[Result]) -> list[str]:
    """The terms of the report a reader may not know, explained once (as ``kubecheck help verdicts`` does)."""
    shown = {r.verdict for r in results}
    names = [v.value for v in (Verdict.WITNESSED, Verdict.UNREACHABLE, Verdict.INCONCLUSIVE) if v in shown]
    if any(r.property.strong_fairness for r in results):
        names.append("strong fairness")
    return [*help_command.term_lines(names), help_command.FOOTER_END] if names else []


def summary(results: Sequence[Result], elapsed: float, code: int) -> str:
    tally = []
    for v in VERDICT_ORDER:
        if any(r.verdict is v for r in results):
            vacuous = sum(r.verdict is v and r.is_vacuous for r in results)
            tally.append(
                f"{sum(r.verdict is v for r in results)} {v.value}" + (f" ({vacuous} vacuous)" if vacuous else "")
            )
    meaning = EXIT_MEANING.get(code, "error")
    if code == EXIT_UNWITNESSED and not any(r.verdict is Verdict.UNREACHABLE for r in results):
        meaning = "a property holds vacuously: counted under --strict"
    explorations = {r.scope: r.stats for r in results}
    states = sum(s.states for s in explorations.values())
    return (
        f"summary: {', '.join(tally)} · {text.plural(len(explorations), 'exploration')}, "
        f"{text.count(states)} states in {text.seconds(elapsed)} s · exit {code} ({meaning})"
    )


def omitted_lines(omitted: Sequence[str]) -> list[str]:
    """The properties left out of the run because they need a value other than the user set."""
    if not omitted:
        return []
    return [f"not checked ({text.plural(len(omitted), 'property', 'properties')} about other values than yours):"] + [
        f"  {line}" for line in omitted
    ]


def render(
    model: Model,
    preset: str,
    user_scope: Scope,
    results: Sequence[Result],
    budget: Budget,
    elapsed: float,
    code: int,
    omitted: Sequence[str] = (),
) -> str:
    """The whole text report of one ``kubecheck check`` run (``omitted``: a line per property left
    out because it needs a value other than the user set)."""
    preset_scope = model.presets[preset]
    lines = header(model, preset, user_scope, trace_text.scope_changes(user_scope, preset_scope), budget)
    lines += [""] + verdict_table(results, user_scope)
    groups = group_results(results)
    extra = notes(user_scope, results) + grouped_note(results, groups) + omitted_lines(omitted)
    if extra:
        lines += [""] + extra
    first = {members[0]: (members, trace) for _, members, trace in groups}
    legend = True
    for i, r in enumerate(results):
        if r.trace is None or r.verdict not in (Verdict.VIOLATED, Verdict.WITNESSED):
            continue
        if r.verdict is Verdict.VIOLATED:
            if i not in first:
                continue  # shown with the first property of its group
            members, trace = first[i]
            if len(members) > 1:
                block = group_block([results[k] for k in members], trace, model, preset, user_scope, legend)
            else:
                block = trace_block(attrs.evolve(r, trace=trace), model, preset, user_scope, legend)
        else:
            block = trace_block(r, model, preset, user_scope, legend)
        lines += [""] + block
        legend = False
    cov = coverage(model, results)
    if cov:
        lines += [""] + cov
    terms = footer(results)
    if terms:
        lines += [""] + terms
    lines += ["", summary(results, elapsed, code)]
    return "\n".join(lines) + "\n"
