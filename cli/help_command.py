"""``kubecheck help TOPIC``: the terms a report uses, explained once (today one topic, ``verdicts``).

``kubecheck help`` with no topic lists the topics; an unknown topic is a usage error (exit 2).
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from kubecheck.cli import text
from kubecheck.cli.errors import InputError
from kubecheck.cli.output import emit
from kubecheck.manifest.scenarios import SCENARIOS

#: A term of a report: its name, what the report's footer says of it, and what ``help verdicts``
#: adds (the footer of ``check -f`` quotes the first part, so the two never disagree).
Term = tuple[str, str, str]

VERDICT_TERMS: tuple[Term, ...] = (
    (
        "HOLDS",
        "the search visited every reachable state of this instance and the property held in each of them "
        "(exhaustive, for this scope only).",
        "",
    ),
    (
        "PROVED",
        "an inductive invariant (pdr, kind) or a ranking proof shows the property for this instance, or for "
        "every value of the --for-all parameters.",
        "",
    ),
    (
        "VIOLATED",
        "a reachable run breaks the property;",
        "the report shows a shortest trace (with -f: one trace per run, listing every property it breaks).",
    ),
    (
        "WITNESSED",
        "a `sometimes` property (something that should be possible) was reached;",
        "the report shows the run that reaches it (with -f: under --verbose).",
    ),
    (
        "UNREACHABLE",
        "a `sometimes` property that exhaustive search never reached: no run of this instance gets there.",
        "",
    ),
    (
        "INCONCLUSIVE",
        "a bound, --max-states, --timeout, Ctrl-C or a solver `unknown` stopped the search first, or no engine "
        "could honour the request (--for-all, a property's own setting): the note says why.",
        "Never reported as holding.",
    ),
    (
        "N/A",
        "(check -f) not applicable: a witness the manifest's own configuration cannot reach (e.g. proportional "
        "scaling with replicas: 1), with the reason.",
        "It fails the run (exit 14) only with --strict.",
    ),
)

MARK_TERMS: tuple[Term, ...] = (
    (
        "*",
        "caveat: a property Kubernetes does not guarantee upstream, shown so you see what can go wrong.",
        "Its violations count in the exit code only with --strict.",
    ),
    (
        "fairness",
        "a liveness property (eventually, leads_to) is checked over fair runs only: weak fairness of controller, "
        "kubelet and scheduler actions (an action enabled for ever is eventually taken); user actions and faults "
        "are never required.",
        "",
    ),
    (
        "trace N",
        "(check -f) one run, shown once, that breaks every property listed after `breaks:`; each of them keeps "
        "its own row and verdict, which says `trace N`.",
        "",
    ),
    (
        "strong fairness",
        "an action enabled infinitely often, even intermittently, is eventually taken (e.g. a crash-looping "
        "pod's moments of readiness are seen).",
        "Properties that need it say so in their name (..._under_strong_fairness) and fairness line.",
    ),
)


def term(name: str) -> str:
    """What the footer of a report says of term ``name``: the first part of its ``help verdicts``
    entry, as a sentence."""
    short = next(short for t, short, _ in VERDICT_TERMS + MARK_TERMS if t == name).removeprefix("(check -f) ")
    return short[:-1] + "." if short.endswith(";") else short


#: The last line of a report's footer.
FOOTER_END = "kubecheck help verdicts explains every verdict, mark and exit code"


def term_lines(names: Sequence[str]) -> list[str]:
    """``name: what it means`` per term (:func:`term`), wrapped to the page width, for a report's footer."""
    return [line for name in names for line in text.wrap_text(f"{name}: {term(name)}", text.WIDTH, "", "    ")]


def _entries(terms: tuple[Term, ...]) -> str:
    lines: list[str] = []
    pad = " " * 16
    for name, short, more in terms:
        words = f"{short} {more}".strip()
        if len(name) > 13:
            lines += [f"  {name}", *text.wrap_text(words, 94, pad)]
        else:
            lines += text.wrap_text(words, 94, f"  {name.ljust(14)}", pad)
    return "".join(line + "\n" for line in lines)


VERDICTS = (
    "Verdicts (one per property, in the VERDICT column of a report)\n\n"
    + _entries(VERDICT_TERMS)
    + "\nMarks and terms\n\n"
    + _entries(MARK_TERMS)
    + """
Exit codes (the worst result decides)

  0   every property holds or is proved, and every witness was found
  1   internal error, or the output could not be written
  2   usage or input error (one line on stderr names the cause)
  3   replay: the trace does not reproduce (one line says what differs)
  10  inconclusive: a budget or interruption stopped the search first
  12  safety violation (always, step, terminal)
  13  liveness violation (eventually, leads_to)
  14  a witness is unreachable (with -f only under --strict, else N/A), or a vacuous verdict under --strict
"""
)


def _scenarios() -> str:
    """``kubecheck help scenarios``: every --scenario with what it means and the models that have it."""
    lines = ["Scenarios of check -f (--scenario NAME): what the user or the cluster does, and the models that have it."]
    lines.append("")
    for row in SCENARIOS:
        lines.append(f"  {row.name:<24}{row.description}")
        for model, settings in row.settings.items():
            given = " ".join(f"{k}={v}" for k, v in settings.items())
            lines.append(f"  {'':<24}  {model}: {given}")
    lines += [
        "",
        "A workload whose model has the scenario is checked in it (the rows name it as an assumption) and",
        "the properties that speak about it are checked too; the others are checked as written, with a note.",
    ]
    return "\n".join(lines) + "\n"


#: topic -> its text.
TOPICS = {"verdicts": VERDICTS, "scenarios": _scenarios()}


@click.command("help")
@click.argument("topic", required=False)
def help_command(topic: str | None) -> None:
    """Explain the terms of a report: kubecheck help verdicts."""
    if topic is None:
        emit("Topics (kubecheck help TOPIC):\n" + "".join(f"  {name}\n" for name in TOPICS))
        return
    if topic not in TOPICS:
        raise InputError(f"help: unknown topic {topic!r}; topics: {', '.join(TOPICS)}")
    emit(TOPICS[topic])
