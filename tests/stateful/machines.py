"""Hypothesis state machines generated from a model's command table.

``machine_for(model, scope, invariants)`` turns a kubecheck model into a
:class:`hypothesis.stateful.RuleBasedStateMachine` that walks it at random, at scopes far
larger than exhaustive search can cover (20 replicas, percentages, several edits and scales):

* one ``@rule`` per command (``kubelet.pod_ready`` becomes ``kubelet__pod_ready``), with a
  ``@precondition`` that some binding of the command is enabled in the current state.
  Preconditions cannot see drawn parameters, so the rule then draws *which* enabled binding to
  take (``data.draw(sampled_from(labels))``): no draw is ever thrown away, and the printed
  failing program names the action labels of a kubecheck trace;
* the step is taken with the reference semantics
  (:func:`kubecheck.model.kernel.commands.successors`, CONCRETE on attrs states);
* after every step: every ``always`` invariant holds (CONCRETE), every slot is in its declared
  domain, and — certification — the compiled successor function of
  :func:`kubecheck.checker.explicit.compile.compile_model` gives exactly the reference successors
  of the state (as a set of (action label, successor));
* ``step`` invariants are checked on each transition taken, ``terminal`` ones where nothing is
  enabled (the machine then stutters, which hypothesis needs to keep going).

A failure message ends with the action labels taken, which ``kubecheck replay`` and
:func:`kubecheck.model.kernel.traces.replay` accept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kubecheck.checker.explicit.compile import Compiled, compile_model
from kubecheck.model.kernel.commands import Action, Model, successors
from kubecheck.model.kernel.ops import CONCRETE


def python_name(dotted: str) -> str:
    """``deployment-controller.scale_new_replicaset`` -> ``deployment_controller__scale_new_replicaset``."""
    return re.sub(r"\W", "_", dotted.replace(".", "__"))


_COMPILED: dict[tuple[int, Any], Compiled] = {}


def _compiled(model: Model, scope: Any) -> Compiled:
    """The compiled model, once per (model, scope) — compiling a large scope takes a while."""
    key = (id(model), scope)
    if key not in _COMPILED:
        _COMPILED[key] = compile_model(model, scope)
    return _COMPILED[key]


class ModelMachine(RuleBasedStateMachine):
    """The base of generated machines; subclasses set the class attributes below."""

    model: Model
    scope: Any
    checked: tuple[Any, ...] = ()  # the properties checked (``invariants`` is hypothesis's name)
    certify: bool = True

    def __init__(self) -> None:
        super().__init__()
        self.schema = self.model.schema(self.scope)
        self.state = self.model.init(self.scope)
        self.labels: list[str] = []
        self.enabled: dict[str, list[tuple[Action, Any]]] = {}
        self._observe()

    # -- the reference step and certification ------------------------------------------------

    def _observe(self) -> None:
        """Compute the enabled actions of the current state and certify the compiled engine."""
        succ = successors(self.model, self.scope, self.state)
        self.enabled = {}
        for action, nxt in succ:
            self.enabled.setdefault(action.name, []).append((action, nxt))
        if self.certify:
            compiled = _compiled(self.model, self.scope)
            got = {(compiled.actions[a].label, t) for a, t in compiled.successors(self.schema.flatten(self.state))}
            expect = {(a.label, self.schema.flatten(t)) for a, t in succ}
            assert got == expect, (
                f"compiled and reference successors differ after {self.labels}: "
                f"compiled only {sorted(got - expect)[:3]}, reference only {sorted(expect - got)[:3]}"
            )

    def take(self, command: str, data: st.DataObject) -> None:
        options = self.enabled[command]
        labels = [a.label for a, _ in options]
        label = labels[0] if len(labels) == 1 else data.draw(st.sampled_from(labels), label="action")
        _action, nxt = options[labels.index(label)]
        before = self.state
        self.state = nxt
        self.labels.append(label)
        for prop in self.checked:
            if prop.kind == "step":
                assert prop.predicate(CONCRETE, self.scope, before, nxt), self._explain(prop)
        self._observe()

    def _explain(self, prop: Any) -> str:
        detail = f" ({prop.explain(self.scope, self.state)})" if prop.explain else ""
        return f"{prop.name} violated{detail} after {len(self.labels)} steps: {self.labels}"

    # -- always checked -------------------------------------------------------------------------

    @invariant()
    def states_stay_in_their_domains(self) -> None:
        bad = self.schema.out_of_domain(self.state)
        assert not bad, f"out of domain after {self.labels}: {bad}"

    @invariant()
    def invariants_hold(self) -> None:
        for prop in self.checked:
            if prop.kind == "always":
                assert prop.predicate(CONCRETE, self.scope, self.state), self._explain(prop)
            elif prop.kind == "terminal" and not self.enabled:
                assert prop.predicate(CONCRETE, self.scope, self.state), self._explain(prop)

    @precondition(lambda self: not self.enabled)
    @rule()
    def stutter(self) -> None:
        """Nothing is enabled: the run has ended (hypothesis needs a rule to take)."""


def _command_rule(name: str) -> Any:
    def fire(self: ModelMachine, data: st.DataObject) -> None:
        self.take(name, data)

    fire.__name__ = fire.__qualname__ = python_name(name)
    fire.__doc__ = f"take an enabled {name} action"
    return precondition(lambda self: name in self.enabled)(rule(data=st.data())(fire))


def machine_for(
    model: Model, scope: Any, invariants: Sequence[Any] = (), *, certify: bool = True, name: str | None = None
) -> type[ModelMachine]:
    """A RuleBasedStateMachine class that walks ``model`` in ``scope`` checking ``invariants``.

    ``invariants`` are properties (``always``, ``step`` or ``terminal``) read with CONCRETE;
    liveness and ``sometimes`` properties are refused (a random walk cannot decide them).
    """
    for prop in invariants:
        if prop.kind not in ("always", "step", "terminal"):
            raise ValueError(f"{prop.name}: a state machine checks always/step/terminal properties, not {prop.kind}")
    namespace: dict[str, Any] = {"model": model, "scope": scope, "checked": tuple(invariants), "certify": certify}
    for command in model.commands:
        if command.bindings(scope):
            namespace[python_name(command.name)] = _command_rule(command.name)
    cls_name = name or f"{model.name.title()}Machine"
    return type(cls_name, (ModelMachine,), namespace)


def machines_for(
    model: Model, scope: Any, invariants: Sequence[Any], terminal: Sequence[Any] = (), prefix: str | None = None
) -> dict[Any, type[ModelMachine]]:
    """One machine per scope the invariants' adjustments give ``scope``, each checking its invariants and ``terminal``.

    A property speaks about the scope its ``adjust`` gives (the availability floor *with faults
    off*), so the invariants split into groups by adjusted scope, in table order; ``terminal``
    properties are checked in every group, wherever a walk ends with nothing enabled.
    """
    groups: dict[Any, list[Any]] = {}
    for prop in invariants:
        groups.setdefault(prop.adjust(scope), []).append(prop)
    prefix = prefix or model.name.title()
    return {
        sc: machine_for(model, sc, [*props, *terminal], name=f"{prefix}{i}Machine")
        for i, (sc, props) in enumerate(groups.items())
    }
