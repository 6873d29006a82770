"""What engines return: verdicts, statistics and exit codes. Engines never print.

Verdicts (DESIGN.md): HOLDS (exhaustive for this instance), PROVED (inductive), VIOLATED (with
a trace), WITNESSED (a ``sometimes`` property reached, with a trace), UNREACHABLE (a
``sometimes`` property that exhaustive search never reached), INCONCLUSIVE (a bound, budget,
interruption or solver ``unknown`` stopped the search first — never reported as holding).

Every result the runner returns carries its :class:`Claim`: what the verdict covers, as it was
run — the one instance of its scope, every value of the parameters an engine left symbolic (within
their bounds), each value of a swept range, or nothing (a property not decided, or refused).
The runner stamps it from the task the engine was actually given, never from what was asked.

A HOLDS or PROVED also says whether it is *vacuous* (:class:`Vacuity`): the behaviour its
property constrains (:class:`~kubecheck.model.kernel.property.Trigger`) never occurred in what the
engine explored — no scale-down happened, so a scale-down ordering held trivially. An engine that
did not look leaves it unchecked, and the verdict never claims non-vacuity then
(:meth:`Result.verdict_text`). Under ``strict`` a vacuous verdict counts as exit 14, as a witness
that was not reached (:func:`exit_code`).
"""

from __future__ import annotations

import builtins
import enum
from collections.abc import Callable
from typing import Protocol

import attrs

from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import Scope
from kubecheck.model.kernel.traces import Trace


class Verdict(enum.Enum):
    HOLDS = "HOLDS"
    PROVED = "PROVED"
    VIOLATED = "VIOLATED"
    WITNESSED = "WITNESSED"
    UNREACHABLE = "UNREACHABLE"
    INCONCLUSIVE = "INCONCLUSIVE"


#: Exit codes (DESIGN.md).
EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
EXIT_INCONCLUSIVE, EXIT_SAFETY, EXIT_LIVENESS, EXIT_UNWITNESSED = 10, 12, 13, 14


@attrs.frozen
class Stats:
    """Statistics of one exploration."""

    states: int
    transitions: int
    depth: int
    seconds: float
    complete: bool
    stop_reason: str  # "exhausted" | "all properties decided" | "max-states" | "timeout" | "interrupted"

    @property
    def states_per_second(self) -> float:
        return self.states / self.seconds if self.seconds > 0 else float("inf")


@attrs.frozen
class Coverage:
    """How often each command fired (summed over parameters), in command-table order.

    ``fired`` lists the commands the scope switches on; ``disabled`` those it switches off
    (a fault not requested, no user edits): those are not a vacuity warning.
    """

    fired: tuple[tuple[str, int], ...]
    disabled: tuple[str, ...]
    complete: bool  # False when the search stopped before exhausting the state space

    @property
    def never_fired(self) -> list[str]:
        return [name for name, n in self.fired if n == 0]


@attrs.frozen
class Vacuity:
    """Whether the behaviour a property constrains (its :class:`~kubecheck.model.kernel.property.Trigger`)
    occurred in what an engine explored.

    ``checked`` is False when the engine did not look (``reason`` says why): such a verdict is
    never called non-vacuous. ``occurred`` is meaningful only when checked; ``reason`` says in
    words what never happened ("no transition where a scale-down deletes a condemned pod;
    user.scale never fired") or why it was not checked.
    """

    checked: bool
    occurred: bool
    reason: str = ""

    @property
    def vacuous(self) -> bool:
        return self.checked and not self.occurred

    def as_json(self) -> dict[str, object]:
        return {"checked": self.checked, "vacuous": self.vacuous, "reason": self.reason or None}


@attrs.frozen
class PropertyCoverage:
    """Per property, in an exhaustive explicit search: the state fields its predicate reads (its
    atoms) and the commands that fired and write one of them (with their firing counts), so a
    reader sees which behaviour the verdict was actually exercised by. A command counted here may
    have written an atom's value unchanged: the list over-approximates the transitions that changed
    an atom, and a command not listed never changed one."""

    atoms: tuple[str, ...]
    commands: tuple[tuple[str, int], ...]

    def as_json(self) -> dict[str, object]:
        return {"atoms": list(self.atoms), "commands_writing_atoms": dict(self.commands)}


class Evidence(Protocol):
    """A PROVED verdict's proof: :class:`kubecheck.checker.symbolic.pdr.Proof` (an inductive
    invariant) or :class:`kubecheck.checker.symbolic.ranking.RankingProof` (ranking functions)."""

    @property
    def text(self) -> str:
        """The proof in the model's field names."""
        ...

    @property
    def scope_claim(self) -> str:
        """What it is a proof for: "this instance", "all values of replicas"…"""
        ...


#: What a :class:`Claim` covers: nothing (not run), one instance, every value of the symbolic
#: parameters (one run), each value of a bounded range (one run per value).
NOTHING, INSTANCE, ALL_VALUES, EACH_VALUE = "nothing", "instance", "all values", "each value"


@attrs.frozen
class Claim:
    """What a verdict covers, stamped by :func:`kubecheck.checker.run.check` from what ran.

    ``kind`` is :data:`INSTANCE` (the result's ``scope``, every parameter fixed),
    :data:`ALL_VALUES` (an engine run with ``for_all`` left symbolic: a proof holds for every value
    within ``bounds``, a trace is at the values the solver chose), :data:`EACH_VALUE` (a sweep: each
    value of the bounded ``for_all`` range checked as its own instance) or :data:`NOTHING` (not
    decided by any run: refused or not explored). ``for_all`` are scope field names, ``bounds``
    (name, lo, hi) for those the user bounded. ``held`` names fields (cli name, value) a property's
    adjustment derives from a symbolic parameter, held at the value it has at the scope's instance
    for every value (``scale-to=2`` at replicas=3): the claim is about them as held.
    """

    kind: str = INSTANCE
    for_all: tuple[str, ...] = ()
    bounds: tuple[tuple[str, int | None, int | None], ...] = ()
    held: tuple[tuple[str, str], ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.kind not in (NOTHING, INSTANCE, ALL_VALUES, EACH_VALUE):
            raise ValueError(f"unknown claim kind {self.kind!r}")
        if (self.kind in (ALL_VALUES, EACH_VALUE)) != bool(self.for_all):
            raise ValueError(f"a claim over {self.kind} names its parameters, and only it")

    def text(self, cli: Callable[[str], str] = str) -> str:
        """For a reader: "instance", "all replicas, max-surge", "all replicas 1..20", "each replicas 1..4",
        "nothing" (``cli`` maps a field name to its command-line name)."""
        if self.kind in (NOTHING, INSTANCE):
            return self.kind
        spans = {name: (lo, hi) for name, lo, hi in self.bounds}
        parts = []
        for name in self.for_all:
            lo, hi = spans.get(name, (None, None))
            span = "" if lo is None and hi is None else f" {'' if lo is None else lo}..{'' if hi is None else hi}"
            parts.append(cli(name) + span)
        return f"{'all' if self.kind == ALL_VALUES else 'each'} {', '.join(parts)}"

    def as_json(self) -> dict[str, object]:
        """The claim in a JSON document: kind, the symbolic parameters with their bounds, the held fields."""
        spans = {name: (lo, hi) for name, lo, hi in self.bounds}
        return {
            "kind": self.kind,
            "for_all": {
                name: {"lo": spans.get(name, (None, None))[0], "hi": spans.get(name, (None, None))[1]}
                for name in self.for_all
            },
            "held": dict(self.held),
        }


@attrs.frozen
class Result:
    """The verdict on one property."""

    property: Property
    verdict: Verdict
    scope: Scope
    engine: str
    stats: Stats
    trace: Trace | None = None
    coverage: Coverage | None = None
    note: str = ""
    evidence: Evidence | None = None  # a PROVED verdict's proof
    claim: Claim | None = None  # what the verdict covers (stamped by the runner; None: straight from an engine)
    vacuity: Vacuity | None = None  # whether the property's trigger occurred (None: no trigger, or not decided)
    property_coverage: PropertyCoverage | None = None  # atoms and the commands writing them (explicit search)

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def is_vacuous(self) -> bool:
        """HOLDS or PROVED, and the behaviour the property constrains never occurred where it was checked."""
        return self.verdict in (Verdict.HOLDS, Verdict.PROVED) and self.vacuity is not None and self.vacuity.vacuous

    @builtins.property
    def vacuity_unchecked(self) -> bool:
        """HOLDS or PROVED for a property with a trigger, by an engine that did not check whether it occurred."""
        return (
            self.verdict in (Verdict.HOLDS, Verdict.PROVED)
            and self.property.trigger is not None
            and (self.vacuity is None or not self.vacuity.checked)
        )

    def verdict_text(self) -> str:
        """The verdict as a row shows it: "HOLDS", "HOLDS (vacuous: <reason>)", "PROVED (vacuity not checked)"."""
        if self.is_vacuous:
            return f"{self.verdict.value} (vacuous: {self.vacuity.reason})"  # type: ignore[union-attr]
        if self.vacuity_unchecked:
            return f"{self.verdict.value} (vacuity not checked)"
        return self.verdict.value


def exit_code(results: list[Result], strict: bool = False) -> int:
    """The process exit code for a list of results (worst first).

    With ``strict`` a vacuous HOLDS/PROVED (the behaviour the property constrains never occurred)
    counts as a witness that was not reached: exit 14, as an UNREACHABLE witness.
    """
    verdicts = {r.verdict for r in results}
    if Verdict.VIOLATED in verdicts:
        kinds = {r.property.kind for r in results if r.verdict is Verdict.VIOLATED}
        return EXIT_LIVENESS if kinds <= {"eventually", "leads_to"} else EXIT_SAFETY
    if Verdict.UNREACHABLE in verdicts or (strict and any(r.is_vacuous for r in results)):
        return EXIT_UNWITNESSED
    if Verdict.INCONCLUSIVE in verdicts:
        return EXIT_INCONCLUSIVE
    return EXIT_OK
