"""GitHub Actions annotations of ``kubecheck check -f`` (``--format github``): one workflow command a line.

A step that runs ``kubecheck check -f k8s/ --format github`` gets each finding as an annotation
on the manifest's line in the pull request's "Files changed" view and the run's summary::

    ::error file=k8s/web.yaml,line=16,title=deployment.availability_floor VIOLATED (deployment/web)::…

The rows are those of :func:`kubecheck.cli.sarif.findings`, at the same line (the field the
property concerns): ``::error`` for a violation or an unreachable witness that counts in the exit
code; ``::warning`` for a caveat's violation (not counted unless ``--strict``) and for an
INCONCLUSIVE that counts (the run exits 10); ``::notice`` for a witness this configuration cannot
reach (N/A) and an INCONCLUSIVE that does not count. A rejected document is an ``::error`` on its
file. Rows that pass print nothing; a run with nothing to say prints nothing.

The message is the row (verdict, doc, method and size, the note, the ``⇒`` conclusion, the
nearest fix and its ``kubectl patch`` when the run searched for one) and its trace, one line per
step in the text report's words; GitHub shows about 4 KB of an annotation,
so a trace longer than :data:`MAX_MESSAGE` keeps its first and last steps and says how many it
left out (``kubecheck check -f … --format text`` prints it whole). Escaping follows GitHub's
runner (``toolkit/packages/core/src/command.ts``): in the message ``%`` → ``%25``, CR → ``%0D``,
LF → ``%0A``; in a property value also ``:`` → ``%3A`` and ``,`` → ``%2C``.
"""

from __future__ import annotations

from kubecheck.checker.result import Verdict
from kubecheck.cli.sarif import ERROR, NONE, NOTE, WARNING, Finding, findings, step_texts
from kubecheck.cli.text import plural
from kubecheck.cli.trace_text import conclusion
from kubecheck.manifest.report import ManifestReport

#: Characters of a message GitHub shows whole (its runner cuts annotations at 4 KiB).
MAX_MESSAGE = 4000
#: Characters of one step's line (an initial state of many pods is long; the text report has it whole).
MAX_STEP = 600
#: The workflow command of each level of :mod:`kubecheck.cli.sarif` (``none``: an INCONCLUSIVE that counts).
COMMANDS = {ERROR: "error", WARNING: "warning", NONE: "warning", NOTE: "notice"}


def escape_data(value: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped (GitHub's ``escapeData``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A workflow command's property value: as :func:`escape_data`, and ``:`` and ``,`` too."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """``::name key=value,…::message`` with the values and the message escaped; None values left out."""
    given = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None and v != "")
    return f"::{name}{' ' + given if given else ''}::{escape_data(message)}"


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _fit(head: list[str], steps: list[str], tail: list[str]) -> list[str]:
    """``head + steps + tail`` within :data:`MAX_MESSAGE` characters: the steps in the middle give way
    first (the first and the last are kept, alternately, while they fit), and a line says how many."""
    steps = [s if len(s) <= MAX_STEP else s[: MAX_STEP - 1] + "…" for s in steps]
    if _size(head + steps + tail) <= MAX_MESSAGE:
        return head + steps + tail
    marker = "… {} steps left out (--format text prints the whole trace)"
    room = MAX_MESSAGE - _size([*head, *tail, marker.format(len(steps))])
    first: list[str] = []
    last: list[str] = []
    i, j = 0, len(steps) - 1
    while i <= j:
        take = steps[i] if len(first) <= len(last) else steps[j]
        if len(take) + 1 > room:
            break
        room -= len(take) + 1
        if len(first) <= len(last):
            first.append(take)
            i += 1
        else:
            last.insert(0, take)
            j -= 1
    return [*head, *first, marker.format(len(steps) - len(first) - len(last)), *last, *tail]


def message(f: Finding) -> str:
    """The annotation's text: what was found, how it was checked, and the trace one step a line."""
    res, row, st = f.row.result, f.row, f.standing
    head = [f"{res.property.doc}"]
    if f.workload.workload.assumption:
        head.append(f"assumes: {f.workload.workload.assumption}")
    head.append(f"checked by {row.method} at {row.sizing_note or row.size}")
    if st.note or res.note:
        head.append(st.note or res.note)
    if res.is_vacuous and st.verdict is res.verdict:
        head.append(f"vacuous: {res.vacuity.reason} in any run checked, so it held trivially")  # type: ignore[union-attr]
    steps: list[str] = []
    tail: list[str] = []
    if res.trace is not None and st.verdict is Verdict.VIOLATED:
        number = f" (trace {f.trace_number} of the text report)" if f.trace_number is not None else ""
        head.append(f"counterexample, {plural(len(res.trace.steps), 'step')}{number}:")
        steps = [s.one_line() for s in step_texts(res.trace)]
        tail = [f"⇒ {conclusion(res.property, res.verdict.value, res.trace)}"]
    fix = f.row.fix
    if fix is not None and fix.found:  # the nearest fix, when the run searched for one (manifest/fixes.py)
        breaks = f"; it breaks {', '.join(fix.breaks)}" if fix.breaks else ""
        tail += [f"nearest fix: {'; '.join(fix.yaml_lines())} ({fix.checked}{breaks})", fix.kubectl()]
    return "\n".join(_fit(head, steps, tail))


def _title(f: Finding) -> str:
    st = f.standing
    shown = "N/A" if not st.applicable and not st.counted else st.verdict.value
    if shown == f.row.result.verdict.value and f.row.result.is_vacuous:
        shown += " vacuously"  # the message says what never happened
    caveat = " (caveat)" if f.row.caveat else ""
    return f"{f.row.result.property.name} {shown}{caveat} ({f.workload.workload.ref})"


def annotation(f: Finding) -> str:
    """One workflow command for a finding, at the line of the field its property concerns."""
    where = f.location
    file = where.file if where is not None else f.file
    if file == "<stdin>":  # no file of the repository to annotate: the run's summary only
        file, where = "", None
    return command(
        COMMANDS[f.level], message(f), file=file, line=where.line if where is not None else None, title=_title(f)
    )


def _rejected(line: str) -> str:
    file = line.split(" (document ", 1)[0] if " (document " in line else ""
    return command(
        "error", line, file=file if file and file != "<stdin>" else None, title="kubecheck: rejected document"
    )


def render(report: ManifestReport) -> str:
    """One workflow command a line: the findings in report order, then the rejected documents."""
    lines = [annotation(f) for f in findings(report)]
    lines += [_rejected(r) for r in report.rejected]
    return "".join(line + "\n" for line in lines)
