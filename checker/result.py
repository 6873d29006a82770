"""What engines return: verdicts, statistics and exit codes. Engines never print.

Verdicts (DESIGN.md): HOLDS (exhaustive for this instance), PROVED (inductive), VIOLATED (with
a trace), WITNESSED (a ``sometimes`` property reached, with a trace), UNREACHABLE (a
``sometimes`` property that exhaustive search never reached), INCONCLUSIVE (a bound, budget,
interruption or solver ``unknown`` stopped the search first — never reported as holding).
"""

from __future__ import annotations

import enum
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


def exit_code(results: list[Result]) -> int:
    """The process exit code for a list of results (worst first)."""
    verdicts = {r.verdict for r in results}
    if Verdict.VIOLATED in verdicts:
        kinds = {r.property.kind for r in results if r.verdict is Verdict.VIOLATED}
        return EXIT_LIVENESS if kinds <= {"eventually", "leads_to"} else EXIT_SAFETY
    if Verdict.UNREACHABLE in verdicts:
        return EXIT_UNWITNESSED
    if Verdict.INCONCLUSIVE in verdicts:
        return EXIT_INCONCLUSIVE
    return EXIT_OK
