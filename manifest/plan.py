"""A workload's plan: the checker runs that decide its properties, in order, and how each row reads.

:func:`kubecheck.manifest.sizing.plan` builds a :class:`WorkloadPlan` and runs nothing;
:func:`kubecheck.manifest.execute.execute_plan` runs its steps with :func:`kubecheck.checker.run.check`
and turns the results into rows. A :class:`Step` is one :class:`~kubecheck.checker.task.Task`
plus its labels: the size its rows name, whether that size is smaller than the manifest's, and
what becomes of a property it leaves INCONCLUSIVE — the row itself (:attr:`Handoff.KEEP`), or a
later step that takes the property, whose row then names this attempt in brackets
(``explicit (pdr: unknown after 20 s)``). A step decides only the properties of its task that no
earlier step decided.

``describe()`` prints a plan for a reader (one line per step, shortened here)::

    deployment/web (model deployment): pdr for every replica count, then explicit at a reduced size
      why: explicit search at replicas=8: predicted 9,120,000 states, 441.9 s (fitted from 31 points); × 2 > 60 s;
           pdr first, then explored at replicas=4/8: predicted 178,672 states, 9.1 s (measured); × 2 ≤ 30 s
      1. pdr, replicas symbolic, at replicas=8, 20 s: deployment.replicas_within_surge; INCONCLUSIVE
         goes on as "pdr: unknown after N s"
      …
      11. explicit, explored with replicas=4 of 8: deployment.replicas_within_surge, … (those still open)
"""

from __future__ import annotations

import enum

import attrs

from kubecheck.checker.result import ALL_VALUES, Result, Verdict
from kubecheck.checker.task import Task
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.property import Property

#: How rows name an engine (the checker's own name otherwise).
ENGINE_NAMES = {"kind": "k-induction"}
#: The part of a plan's time the steps that hand their open properties on may use together
#: (:func:`kubecheck.manifest.execute.execute_plan`): the step that keeps the rows has the rest.
HANDOFF_SHARE = 0.5


@attrs.frozen
class Cost:
    """The predicted cost of one explicit step (:mod:`kubecheck.manifest.costs`, :func:`sizing.predict`).

    ``states`` is summed over the explorations of the step (one per scope its properties speak
    about, safety and liveness apart), ``largest`` is the largest single exploration (what
    ``--max-states`` bounds), ``seconds`` the wall time predicted on the machine the table was
    measured on, ``basis`` how the figure was obtained ("measured", "fitted from 14 points", …).
    """

    states: int
    largest: int
    seconds: float
    basis: str

    def text(self) -> str:
        return f"{self.states:,} states, {self.seconds:.1f} s ({self.basis})"


class Handoff(enum.Enum):
    """What a step does with a property it leaves INCONCLUSIVE (the value: how a later row names it)."""

    KEEP = ""  # the INCONCLUSIVE row is the answer
    AFTER_SECONDS = "{attempt}: unknown after N s"  # the seconds this step took
    WITH_REASON = "{attempt}: <why the engine stopped>"  # "not 1-inductive" for k-induction's bound


@attrs.frozen
class Step:
    """One checker run of a plan: ``task``, and how the rows of the properties it decides read.

    ``sizes`` holds, per property of the task (same order), the instance its row names
    (``replicas=50, nodes=2``; ``replicas=3 of 50, nodes=2`` when ``reduced``); a PROVED row names
    ``proved_size`` instead when one is given (``replicas: all values`` for a proof with
    ``for_all``). ``attempt`` is how a later row names this step when ``handoff`` hands a property
    on (``pdr``, ``k-induction at replicas=50, nodes=2``).
    """

    task: Task
    sizes: tuple[str, ...]
    reduced: bool = False
    proved_size: str = ""
    handoff: Handoff = Handoff.KEEP
    attempt: str = ""

    def __attrs_post_init__(self) -> None:
        if len(self.sizes) != len(self.task.properties):
            raise ValueError(f"{len(self.sizes)} sizes for {len(self.task.properties)} properties")

    @property
    def reason(self) -> str:
        """What a reduced row says about its size (``explored with replicas=3 of 50``), else ''."""
        return f"explored with {self.sizes[0]}" if self.reduced and self.sizes else ""

    def method(self, result: Result) -> str:
        """The method a decided row names: the engine, and the parameters a proof covers (with the
        fields the property derives from them, held at the manifest's values: ``scale-to=49 held``)."""
        claim = result.claim
        if result.verdict is Verdict.PROVED and claim is not None and claim.kind == ALL_VALUES:
            held = "".join(f"; {name}={value} held" for name, value in claim.held)
            return f"{result.engine} (all values of {', '.join(claim.for_all)}{held})"
        return ENGINE_NAMES.get(result.engine, result.engine)

    def size(self, prop: Property, result: Result) -> str:
        """The instance a decided row names (``proved_size`` only for a proof that covers every value)."""
        claim = result.claim
        if self.proved_size and result.verdict is Verdict.PROVED and claim is not None and claim.kind == ALL_VALUES:
            return self.proved_size
        return self.sizes[self.task.properties.index(prop)]

    def attempt_text(self, result: Result, seconds: float) -> str:
        """How the row of a property this step hands on names this attempt."""
        if self.handoff is Handoff.AFTER_SECONDS:
            return f"{self.attempt}: unknown after {seconds:.0f} s"
        stop = result.stats.stop_reason
        why = "not 1-inductive" if self.task.engine == "kind" and stop == "bound" else (stop or "unknown")
        return f"{self.attempt}: {why}"

    def describe(self) -> str:
        """One line: engine, symbolic parameters, instance, time cap, properties, and the handoff."""
        task = self.task
        text = task.engine
        if task.depth is not None:
            text += f" (depth {task.depth})"
        if task.for_all:
            text += f", {', '.join(task.for_all)} symbolic"
        sizes = "; ".join(dict.fromkeys(self.sizes))
        text += f", {self.reason}" if self.reduced else (", " if task.for_all else " ") + f"at {sizes}"
        if task.budget.timeout is not None:
            text += f", {task.budget.timeout:g} s"
        text += ": " + ", ".join(p.name for p in task.properties)
        if self.handoff is not Handoff.KEEP:
            text += f'; INCONCLUSIVE goes on as "{self.handoff.value.format(attempt=self.attempt)}"'
        return text


@attrs.frozen
class WorkloadPlan:
    """The steps that decide ``properties`` of ``workload``; the rows come back in ``properties`` order.

    ``why`` says for a reader why the plan has this shape (the predicted cost of explicit search at
    the manifest's numbers against the budget); ``route`` names the shape in a few words
    (``explicit at size``, ``pdr for all values, then explicit reduced``, …) and ``predicted`` is
    the predicted cost of the plan's explicit step at the size it explores (None when the plan has
    none). ``planning_seconds`` is the time making the plan took (its calibration searches): it counts
    against the workload's time (:func:`kubecheck.manifest.execute.execute_plan`). Every property is in
    the task of at least one step, and the last step that takes it keeps its
    INCONCLUSIVE row (so every property ends with a row).
    """

    workload: Workload
    properties: tuple[Property, ...]
    steps: tuple[Step, ...]
    why: str = ""
    route: str = ""
    predicted: Cost | None = None
    planning_seconds: float = 0.0

    def __attrs_post_init__(self) -> None:
        for prop in self.properties:
            last = [s for s in self.steps if prop in s.task.properties][-1:]
            if not last or last[0].handoff is not Handoff.KEEP:
                raise ValueError(f"{prop.name}: no step of the plan keeps its row")

    def describe(self) -> str:
        """The plan for a reader: the workload, why it is sized so, then one numbered line per step.

        A step that takes properties an earlier step may decide says so ("those still open").
        """
        lines = [f"{self.workload.ref} (model {self.workload.model})" + (f": {self.route}" if self.route else "")]
        if self.why:
            lines.append(f"  why: {self.why}")
        seen: set[str] = set()
        for i, step in enumerate(self.steps, start=1):
            names = {p.name for p in step.task.properties}
            again = " (those still open)" if names & seen else ""
            lines.append(f"  {i}. {step.describe()}{again}")
            seen |= names
        return "\n".join(lines) + "\n"
