"""Hypothesis state machines generated from a model's command table.

:func:`model_machine` turns a kubecheck model into a
:class:`hypothesis.stateful.RuleBasedStateMachine` that walks it at random, at scopes far larger
than exhaustive search covers (a StatefulSet of 50, a Deployment of 200):

* one ``@rule`` per command (``kubelet.pod_ready`` becomes ``kubelet__pod_ready``), with a
  ``@precondition`` that some binding of the command is enabled in the current state.
  Preconditions cannot see drawn parameters, so the rule then draws *which* enabled binding to
  take (``data.draw(sampled_from(labels))``): no draw is ever thrown away, and the failing
  program hypothesis prints names the action labels of a kubecheck trace;
* the step is taken with the reference semantics
  (:func:`kubecheck.model.kernel.commands.successors`, CONCRETE on attrs states);
* after every step: every slot is in its declared domain, every ``always`` property holds in the
  state, every ``step`` property on the transition just taken, every ``terminal`` property where
  nothing is enabled (the machine then stutters, which hypothesis needs to keep going); with
  ``certify``, the compiled successor function of
  :func:`kubecheck.checker.explicit.compile.compile_model` must give exactly the reference
  successors of every state visited (kubecheck's own tests do this; it costs a compilation).

A property speaks about the scope its ``adjust`` gives (the availability floor *with faults
off*), so one machine may hold several **walks**, one per scope (:func:`walks_machine`): a
command's rule then draws the walk among those where it is enabled, and each property is checked
on its own walk. Liveness and ``sometimes`` properties are refused: a random walk cannot decide
them.

How a violation reads is the machine's :meth:`ModelMachine.explain`: here the property, the number
of steps and the action labels taken (``kubecheck replay`` and
:func:`kubecheck.model.kernel.traces.replay` accept them); :mod:`kubecheck.testing.manifest_machine`
renders a kubecheck trace instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from kubecheck.checker.explicit.compile import Compiled, compile_model
from kubecheck.model.kernel.commands import Action, Model, successors
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import State
from kubecheck.model.kernel.scopes import Scope

#: The kinds of property a random walk can check.
CHECKABLE = ("always", "step", "terminal")


def python_name(dotted: str) -> str:
    """``deployment-controller.scale_new_replicaset`` -> ``deployment_controller__scale_new_replicaset``."""
    return re.sub(r"\W", "_", dotted.replace(".", "__"))


_COMPILED: dict[tuple[int, Scope], Compiled] = {}


def _compiled(model: Model, scope: Scope) -> Compiled:
    """The compiled model, once per (model, scope) — compiling a large scope takes a while.

    Keyed by the model's id, so the entry is kept only while it is that very model: a model that
    was freed and whose id a new one reuses (a test's toy) must not get the old one's code."""
    key = (id(model), scope)
    hit = _COMPILED.get(key)
    if hit is None or hit.model is not model:
        hit = _COMPILED[key] = compile_model(model, scope)
    return hit


class Walk:
    """One random walk of ``model`` in ``scope``: the state, the labels taken, what is enabled, the last step.

    The enabled actions come from the reference semantics, or with ``compiled`` from the compiled
    successor function (about twenty times faster at a StatefulSet of 50; the model is compiled
    once per scope, which takes seconds there). With ``certify`` both are computed and must agree.
    """

    def __init__(self, model: Model, scope: Scope, checked: Sequence[Property], certify: bool, compiled: bool = False):
        self.model, self.scope, self.checked, self.certify = model, scope, tuple(checked), certify
        self.compiled = _compiled(model, scope) if compiled or certify else None
        self.fast = compiled
        self.schema = model.schema(scope)
        self.state: State = model.init(scope)
        self.labels: list[str] = []
        #: command name -> (action, successor) of its enabled bindings (the successor flat when compiled)
        self.enabled: dict[str, list[tuple[Action, Any]]] = {}
        self.last: tuple[State, State] | None = None  # the transition just taken
        self.observe()

    def observe(self) -> None:
        """Compute the enabled actions of the current state (and certify the compiled engine)."""
        self.enabled = {}
        if self.fast and not self.certify:
            assert self.compiled is not None
            for a, flat in self.compiled.successors(self.schema.flatten(self.state)):
                action = self.compiled.actions[a]
                self.enabled.setdefault(action.name, []).append((action, flat))
            return
        succ = successors(self.model, self.scope, self.state)
        for action, nxt in succ:
            self.enabled.setdefault(action.name, []).append((action, nxt))
        if self.certify:
            assert self.compiled is not None
            compiled = self.compiled
            got = {(compiled.actions[a].label, t) for a, t in compiled.successors(self.schema.flatten(self.state))}
            expect = {(a.label, self.schema.flatten(t)) for a, t in succ}
            assert got == expect, (
                f"compiled and reference successors differ after {self.labels}: "
                f"compiled only {sorted(got - expect)[:3]}, reference only {sorted(expect - got)[:3]}"
            )

    def options(self, command: str) -> list[str]:
        """The labels of the enabled bindings of ``command``."""
        return [a.label for a, _ in self.enabled.get(command, [])]

    def take(self, command: str, label: str) -> None:
        options = self.enabled[command]
        _action, nxt = options[[a.label for a, _ in options].index(label)]
        if isinstance(nxt, tuple):
            nxt = self.schema.unflatten(nxt)
        self.last = (self.state, nxt)
        self.state = nxt
        self.labels.append(label)
        self.observe()

    def holds(self, prop: Property) -> bool:
        """Whether ``prop`` holds where the walk is: in the state (always), on the last step (step),
        where nothing is enabled (terminal)."""
        if prop.kind == "always":
            return bool(prop.predicate(CONCRETE, self.scope, self.state))
        if prop.kind == "step":
            return self.last is None or bool(prop.predicate(CONCRETE, self.scope, *self.last))
        if prop.kind == "terminal":
            return bool(self.enabled) or bool(prop.predicate(CONCRETE, self.scope, self.state))
        raise ValueError(f"{prop.name}: a random walk checks always/step/terminal properties, not {prop.kind}")


class ModelMachine(RuleBasedStateMachine):
    """The base of generated machines; :func:`model_machine` and :func:`walks_machine` set the class attributes.

    ``walk_scopes`` holds (scope, properties) per walk; ``scope`` and ``checked`` are the first
    walk's (the only one of a :func:`model_machine`), and ``state``/``labels``/``enabled`` read it.
    """

    model: ClassVar[Model]
    scope: ClassVar[Scope]
    checked: ClassVar[tuple[Property, ...]] = ()  # the first walk's properties (``invariants`` is hypothesis's name)
    walk_scopes: ClassVar[tuple[tuple[Scope, tuple[Property, ...]], ...]] = ()
    certify: ClassVar[bool] = True
    compiled: ClassVar[bool] = False  # step with the compiled successor function (:class:`Walk`)

    def __init__(self) -> None:
        super().__init__()
        specs = self.walk_scopes or ((self.scope, self.checked),)
        self.walks = [Walk(self.model, sc, props, self.certify, self.compiled) for sc, props in specs]

    @property
    def state(self) -> State:
        return self.walks[0].state

    @property
    def labels(self) -> list[str]:
        return self.walks[0].labels

    @property
    def enabled(self) -> dict[str, list[tuple[Action, Any]]]:
        return self.walks[0].enabled

    def take(self, command: str, data: st.DataObject) -> None:
        """Take an enabled binding of ``command``: in a walk drawn among those where it is enabled."""
        walks = [w for w in self.walks if command in w.enabled]
        walk = walks[0] if len(walks) == 1 else data.draw(st.sampled_from(walks), label="walk")
        labels = walk.options(command)
        label = labels[0] if len(labels) == 1 else data.draw(st.sampled_from(labels), label="action")
        walk.take(command, label)

    def explain(self, walk: Walk, prop: Property) -> str:
        """The message of a violation of ``prop`` on ``walk``: the property and the labels taken."""
        detail = f" ({prop.explain(walk.scope, walk.state)})" if prop.explain else ""
        return f"{prop.name} violated{detail} after {len(walk.labels)} steps: {walk.labels}"

    def check(self, walk: Walk, prop: Property) -> None:
        if not walk.holds(prop):
            raise AssertionError(self.explain(walk, prop))

    # -- always checked -------------------------------------------------------------------------

    @invariant()
    def states_stay_in_their_domains(self) -> None:
        for walk in self.walks:
            bad = walk.schema.out_of_domain(walk.state)
            assert not bad, f"out of domain after {walk.labels}: {bad}"

    @invariant()
    def invariants_hold(self) -> None:
        for walk in self.walks:
            for prop in walk.checked:
                self.check(walk, prop)

    @precondition(lambda self: not any(w.enabled for w in self.walks))
    @rule()
    def stutter(self) -> None:
        """Nothing is enabled: the run has ended (hypothesis needs a rule to take)."""


def _command_rule(name: str) -> Any:
    def fire(self: ModelMachine, data: st.DataObject) -> None:
        self.take(name, data)

    fire.__name__ = fire.__qualname__ = python_name(name)
    fire.__doc__ = f"take an enabled {name} action"
    return precondition(lambda self: any(name in w.enabled for w in self.walks))(rule(data=st.data())(fire))


def _refuse_undecidable(props: Sequence[Property]) -> None:
    for prop in props:
        if prop.kind not in CHECKABLE:
            raise ValueError(f"{prop.name}: a state machine checks always/step/terminal properties, not {prop.kind}")


def walks_machine(
    model: Model,
    walks: Sequence[tuple[Scope, Sequence[Property]]],
    *,
    certify: bool = True,
    compiled: bool = False,
    name: str | None = None,
    base: type[ModelMachine] = ModelMachine,
    namespace: dict[str, Any] | None = None,
) -> type[ModelMachine]:
    """A RuleBasedStateMachine class walking ``model`` once per (scope, properties) of ``walks``, interleaved.

    One rule per command enabled in some walk's scope; ``base`` and ``namespace`` let a caller
    add class attributes and methods (:mod:`kubecheck.testing.manifest_machine`).
    """
    if not walks:
        raise ValueError("a machine needs at least one walk")
    specs = tuple((sc, tuple(props)) for sc, props in walks)
    for _sc, props in specs:
        _refuse_undecidable(props)
    body: dict[str, Any] = {"model": model, "scope": specs[0][0], "checked": specs[0][1], "certify": certify}
    if compiled:
        body["compiled"] = True
    if len(specs) > 1:
        body["walk_scopes"] = specs
    for command in model.commands:
        if any(command.bindings(sc) for sc, _ in specs):
            body[python_name(command.name)] = _command_rule(command.name)
    body.update(namespace or {})
    return type(name or f"{model.name.title()}Machine", (base,), body)


def model_machine(
    model: Model, scope: Scope, invariants: Sequence[Property] = (), *, certify: bool = True, name: str | None = None
) -> type[ModelMachine]:
    """A RuleBasedStateMachine class that walks ``model`` in ``scope`` checking ``invariants``.

    ``invariants`` are properties (``always``, ``step`` or ``terminal``) read with CONCRETE;
    liveness and ``sometimes`` properties are refused (a random walk cannot decide them).
    """
    return walks_machine(model, [(scope, invariants)], certify=certify, name=name)


def by_adjusted_scope(scope: Scope, props: Sequence[Property]) -> dict[Scope, list[Property]]:
    """The properties grouped by the scope their ``adjust`` gives ``scope``, in table order."""
    groups: dict[Scope, list[Property]] = {}
    for prop in props:
        groups.setdefault(prop.adjust(scope), []).append(prop)
    return groups


def machines_for(
    model: Model,
    scope: Scope,
    invariants: Sequence[Property],
    terminal: Sequence[Property] = (),
    prefix: str | None = None,
) -> dict[Scope, type[ModelMachine]]:
    """One machine per scope the invariants' adjustments give ``scope``, each checking its invariants and ``terminal``.

    ``terminal`` properties are checked in every group, wherever a walk ends with nothing enabled.
    """
    prefix = prefix or model.name.title()
    return {
        sc: model_machine(model, sc, [*props, *terminal], name=f"{prefix}{i}Machine")
        for i, (sc, props) in enumerate(by_adjusted_scope(scope, invariants).items())
    }
