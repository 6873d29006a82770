"""``kubecheck export-test TRACE``: a saved trace as a pytest file that keeps a found bug found.

TRACE is what ``kubecheck replay`` reads (:mod:`kubecheck.cli.replay_text`): a
``kubecheck.trace/1`` JSON trace (``check --format json``, a ``kubecheck.testing`` walk's saved
violation), an ITF trace (``check -f --format itf``), or a ``kubecheck.report/1`` report (each of
its traces). The trace is replayed first, as ``replay`` does, and exported only when it
reproduces: a test of a trace that does not would fail from the start.

The file written embeds each trace (the JSON document, verbatim) and has one test per trace,
named after the workload or model, the property and the verdict
(``test_fluent_bit_finished_or_stuck_stays_violated``), that calls
:func:`kubecheck.testing.assert_reproduces`: every step must still be enabled, every recorded
field (scope, initial state, each step's changes) what the re-run computes, and the verdict the
trace names shown again at its last state. The file needs kubecheck and pytest, nothing else.

Exit codes, as ``replay``'s: 0 written; 2 the file is not a readable trace (one line, ``Error:``);
3 a well-formed trace that does not reproduce (one line saying what differs).
"""

from __future__ import annotations

import json
import keyword
import re
import textwrap
from collections.abc import Sequence

import click

from kubecheck.cli import documents, replay_text
from kubecheck.cli.errors import reported_errors
from kubecheck.cli.output import check_writable, write
from kubecheck.cli.replay_command import NotReproduced, read
from kubecheck.model.kernel import traces
from kubecheck.properties import catalog

HEADER = '''"""Regression test{s}: {what} kubecheck found, replayed so that {it} stays found.

Written by `kubecheck export-test {source}`.
{summary}
Each test replays its trace through kubecheck's model: every step must still be enabled, every
recorded field (the scope, the initial state, each step's changes) must be what the re-run
computes, and the verdict the trace names must show again at its last state. A test fails when a
change of the model (or of the trace below) loses what was found; its message says what differs.
"""

from kubecheck.testing import assert_reproduces
'''


def _identifier(text: str) -> str:
    name = re.sub(r"\W+", "_", text.lower()).strip("_")
    return name if name and not keyword.iskeyword(name) else f"trace_{name}"


def _literal(doc: traces.Json) -> str:
    """The trace document as a Python string literal: readable JSON in a raw triple-quoted string."""
    text = json.dumps(doc, indent=1)
    if '"""' in text:  # never in a trace kubecheck writes; a one-line literal then
        return _quoted(text)
    return 'r"""\n' + text + '\n"""'


def _quoted(text: str) -> str:
    """A double-quoted Python string literal of ``text``, as a formatter writes it (JSON's escapes are Python's)."""
    return json.dumps(text)


def _summary(r: replay_text.Replayed) -> str:
    """One line per trace for the module docstring: where it comes from, the property, the verdict."""
    meta = r.meta
    subject = _subject(r)
    if meta.get("manifest"):
        subject += f" ({meta['manifest']})"
    steps = f"{len(r.trace.steps)} step{'s' if len(r.trace.steps) != 1 else ''}"
    if r.prop is None:
        line = f"{subject}: a trace of {steps} (it names no property: the test checks that it replays)"
    else:
        line = f"{subject}: {r.prop.name} {r.verdict} in {steps} — {r.prop.doc}"
    return textwrap.fill(line, 100, initial_indent="  ", subsequent_indent="    ")


def _subject(r: replay_text.Replayed) -> str:
    """The workload a trace is of (``daemonset/fluent-bit``: recorded, or the scope's name), else the model."""
    if r.meta.get("workload"):
        return str(r.meta["workload"])
    scope = r.meta.get("scope")
    name = scope.get("name") if isinstance(scope, dict) else None
    return f"{r.trace.model.name}/{name}" if isinstance(name, str) and name else f"model {r.trace.model.name}"


def _test_name(r: replay_text.Replayed, taken: set[str]) -> str:
    who = _subject(r).split("/")[-1].removeprefix("model ")
    what = f"{r.prop.short}_stays_{(r.verdict or '').lower()}" if r.prop is not None else "replays"
    base = f"test_{_identifier(who)}_{_identifier(what)}"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    taken.add(name)
    return name


def render(source: str, found: Sequence[tuple[traces.Json, replay_text.Replayed]]) -> str:
    """The pytest file: the docstring, the embedded traces, one test per trace."""
    many = len(found) > 1
    out = [
        HEADER.format(
            s="s" if many else "",
            what=f"{len(found)} traces" if many else "a trace",
            it="what they show" if many else "what it shows",
            source=source,
            summary="\n".join(_summary(r) for _, r in found) + "\n",
        ).rstrip("\n")
    ]
    taken: set[str] = set()
    for i, (doc, r) in enumerate(found, start=1):
        const = f"TRACE_{i}" if many else "TRACE"
        name = _test_name(r, taken)
        label = f"{source} {r.where.removeprefix(source).strip()}".strip()
        out += [
            *([""] if i > 1 else []),  # one blank line after the import, two after a function
            "",
            f"{const} = {_literal(doc)}",
            "",
            "",
            f"def {name}() -> None:",
            f"    assert_reproduces({const}, {_quoted(label)})",
        ]
    return "\n".join(out) + "\n"


@click.command(name="export-test", short_help="Write a pytest file that replays a saved trace.")
@click.argument("file", metavar="TRACE")
@click.option("--out", metavar="FILE", help="write the test file to FILE instead of standard output")
def export_test(file: str, out: str | None) -> None:
    """Write a pytest file that replays a saved trace and asserts its verdict.

    TRACE is a kubecheck.trace/1 JSON trace, an ITF trace, or a kubecheck.report/1 report (each
    of its traces); - reads standard input. The trace must reproduce (as kubecheck replay
    checks); the test then keeps checking that it does, so a found bug stays found:

    \b
      kubecheck export-test trace.json > test_web_rollout.py

    \b
    Exit codes:
      0  the test file is written
      3  the trace does not reproduce (one line says what differs)
      2  the file is not a readable trace
    """
    content = read(file)
    with reported_errors():
        try:
            found = documents.trace_documents(traces.parse_json(content))
        except traces.TraceError as err:
            raise traces.TraceError(f"{file}: {err}") from None
        exported = []
        for where, doc in found:
            label = f"{file} {where}" if where else file
            try:
                [replayed] = replay_text.load(label, json.dumps(doc), catalog.MODELS)
            except traces.TraceMismatch as err:
                raise NotReproduced(str(err)) from None
            if not replayed.reproduced:
                shows = "holds" if replayed.prop is None or replayed.prop.kind != "sometimes" else "is not reached"
                raise NotReproduced(
                    f"{label}: the trace claims {replayed.verdict}, but {replayed.prop and replayed.prop.name} "
                    f"{shows} at its last state (a test of it would fail from the start)"
                )
            exported.append((doc, replayed))
        check_writable(out)
    write(render(file, exported), out, quiet=False)
