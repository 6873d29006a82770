"""Guarded commands and models: the one definition every engine reads.

A :class:`Command` is a named, parameterized guarded command. ``guard(ops, scope, s, **p)``
says whether it may fire in state ``s``; ``effect(ops, scope, s, **p)`` returns a dict of only
the fields it changes (tuple fields as whole new tuples). Parameters range over finite domains
taken from the scope and stay concrete, so each (command, parameters) pair — an
:class:`Action` — is one disjunct of the transition relation.

A :class:`Model` bundles the state class, the scope class, the initial state, the command
table and the predicate that tells a finished run (quiescent) from a stuck one. The functions
:func:`enabled` and :func:`successors` are the reference semantics: they evaluate the model
with :data:`kubecheck.model.kernel.ops.CONCRETE` on attrs state objects, slowly and simply.
Everything faster (the compiled explicit engine) or symbolic (z3) is checked against them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import attrs

from kubecheck.model.kernel.ops import CONCRETE, Ops, Value
from kubecheck.model.kernel.schema import Schema, State
from kubecheck.model.kernel.scopes import Scope

#: A parameter's value: an index (ReplicaSet slot, ordinal, node), a name (a phase), a tuple
#: (a spread over nodes), None (a choice the scope does not have), or, where the symbolic engine
#: folds a choice into one action, its z3 variable. Which one depends on the parameter, and a
#: reader of ``Action.params`` knows which parameter it reads: the type is any.
Param = Any
#: Parameter name -> value, in declaration order: what one action binds.
Binding = tuple[tuple[str, Param], ...]

#: Command kinds. "system" commands (controllers, kubelet, scheduler) are the ones liveness
#: assumes fair; "user" and "fault" commands are never required to happen.
KINDS = ("system", "user", "fault")
#: Fairness of a system command. "weak": a unit enabled *continuously* from some point on is
#: eventually taken. "strong": a unit enabled *infinitely often* (perhaps intermittently) is
#: eventually taken — for a step whose enabling condition another actor keeps undoing, when
#: each chance has a positive probability of being caught (a controller that resyncs on every
#: watch event). Strong implies weak; a property may assume more commands strongly fair than
#: the model declares (``Property.strong_fairness``; see :func:`strongly_fair`).
FAIRNESS = ("weak", "strong")


def _always(scope: Scope) -> bool:
    return True


class Naming(Protocol):
    """Kubernetes names of a model's objects in one scope (pods, nodes, revisions), for traces.

    The methods take the model's own scope class, which this protocol cannot name (a parameter
    typed ``Scope`` would refuse them), hence ``Any``. A model that names claims adds ``claim``.
    """

    def pod(self, sc: Any, i: int, /) -> str: ...

    def node(self, sc: Any, n: int, /) -> str: ...

    def revision(self, sc: Any, t: int, /) -> str: ...


@attrs.frozen
class Command:
    """A guarded command ``actor.verb_object`` with finite parameters."""

    name: str
    # guard(ops, scope, state, **params) -> Value and effect(...) -> dict[str, Value], over the
    # model's own scope and state classes (hence ``...``: a Callable type cannot name them here)
    guard: Callable[..., Value]
    effect: Callable[..., dict[str, Value]]
    doc: str
    #: (name, domain): the domain is a function of the model's scope giving the parameter's values
    params: tuple[tuple[str, Callable[..., Iterable[Param]]], ...] = ()
    kind: str = "system"
    enabled_in: Callable[..., bool] = _always
    #: The parameters that identify a fairness unit (which ReplicaSet, which pod). The others
    #: are choices made inside one step (which pods to delete): an action that is enabled with
    #: one choice in one state and another in the next counts as continuously enabled.
    #: None: every parameter identifies.
    fair_by: tuple[str, ...] | None = None
    #: "weak" (the default) or "strong"; only system commands carry fairness.
    fairness: str = "weak"

    def __attrs_post_init__(self) -> None:
        if "." not in self.name:
            raise ValueError(f"command name {self.name!r} must be actor.verb_object")
        if self.kind not in KINDS:
            raise ValueError(f"command {self.name}: kind must be one of {KINDS}")
        if self.fairness not in FAIRNESS:
            raise ValueError(f"command {self.name}: fairness must be one of {FAIRNESS}, not {self.fairness!r}")
        if self.fairness == "strong" and self.kind != "system":
            raise ValueError(
                f"command {self.name}: only system commands are fair; a {self.kind} command is never required"
            )

    @property
    def actor(self) -> str:
        return self.name.split(".", 1)[0]

    def bindings(self, scope: Scope) -> list[Binding]:
        """Every parameter assignment in a stable order (declaration order, then values)."""
        if not self.enabled_in(scope):
            return []
        names = [n for n, _ in self.params]
        domains = [list(dom(scope)) for _, dom in self.params]
        return [tuple(zip(names, values)) for values in itertools.product(*domains)]


@attrs.frozen
class Action:
    """One command with its parameters bound: one disjunct of the transition relation."""

    command: Command
    params: Binding = ()

    @property
    def name(self) -> str:
        return self.command.name

    @property
    def actor(self) -> str:
        return self.command.actor

    @property
    def kwargs(self) -> dict[str, Param]:
        return dict(self.params)

    @property
    def fairness_unit(self) -> tuple[str, Binding]:
        """(command, identifying parameters): the unit weak and strong fairness speak about."""
        keep = self.command.fair_by
        return self.command.name, tuple((k, v) for k, v in self.params if keep is None or k in keep)

    @property
    def label(self) -> str:
        """``actor.verb_object(name=value, ...)``; a parameter bound to None (a choice this scope
        does not have) is left out."""
        args = ", ".join(f"{k}={v}" for k, v in self.params if v is not None)
        return f"{self.command.name}({args})" if args else self.command.name

    def guard(self, ops: Ops, scope: Scope, state: State) -> Value:
        return self.command.guard(ops, scope, state, **self.kwargs)

    def effect(self, ops: Ops, scope: Scope, state: State) -> dict[str, Value]:
        return self.command.effect(ops, scope, state, **self.kwargs)


@attrs.frozen
class Model:
    """A controller model: state, scope, initial state, commands and quiescence."""

    name: str
    title: str
    kubernetes: str
    state_cls: type[State]
    scope_cls: type[Scope]
    init: Callable[..., State]  # init(scope) -> the initial state
    commands: tuple[Command, ...]
    quiescent: Callable[..., Value]  # quiescent(ops, scope, state)
    presets: Mapping[str, Scope]
    naming: Naming | None = None  # models with named pods and nodes say how traces name them

    def __attrs_post_init__(self) -> None:
        names = [c.name for c in self.commands]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"model {self.name}: duplicate command names {sorted(dupes)}")

    def schema(self, scope: Scope) -> Schema:
        return Schema(self.state_cls, scope)

    def actions(self, scope: Scope) -> list[Action]:
        """All actions of the scope, in command-table order then parameter order."""
        return [Action(c, b) for c in self.commands for b in c.bindings(scope)]

    def command(self, name: str) -> Command:
        for c in self.commands:
            if c.name == name:
                return c
        raise KeyError(name)


def strongly_fair(model: Model, assumed: Iterable[str] = ()) -> frozenset[str]:
    """The system commands taken to be strongly fair: the model's own plus ``assumed`` (a property's).

    Raises ValueError naming the valid choices when ``assumed`` names a command the model does
    not have, or one that is not a system command (a user action or fault is never required).
    """
    system = [c.name for c in model.commands if c.kind == "system"]
    for name in assumed:
        if name not in system:
            other = next((c for c in model.commands if c.name == name), None)
            why = f"a {other.kind} command is never required" if other is not None else "no such command"
            raise ValueError(
                f"strong fairness of {name!r} in model {model.name}: {why}; system commands: {', '.join(system)}"
            )
    return frozenset(c.name for c in model.commands if c.fairness == "strong") | frozenset(assumed)


def apply(action: Action, scope: Scope, state: State) -> State | None:
    """The successor of ``state`` under ``action``, or None where the guard is false."""
    if not action.guard(CONCRETE, scope, state):
        return None
    changes = action.effect(CONCRETE, scope, state)
    # mypy's attrs plugin wants a concrete attrs class where State is any model's
    return attrs.evolve(state, **changes) if changes else state  # type: ignore[misc]


def enabled(model: Model, scope: Scope, state: State) -> list[Action]:
    """The actions whose guards hold in ``state``."""
    return [a for a in model.actions(scope) if a.guard(CONCRETE, scope, state)]


def successors(model: Model, scope: Scope, state: State) -> list[tuple[Action, State]]:
    """(action, successor) for every enabled action, in action order."""
    out: list[tuple[Action, State]] = []
    for a in model.actions(scope):
        nxt = apply(a, scope, state)
        if nxt is not None:
            out.append((a, nxt))
    return out


def find_action(actions: Iterable[Action], label: str) -> Action:
    """The action whose label is ``label`` (as written in traces)."""
    for a in actions:
        if a.label == label:
            return a
    raise KeyError(label)


def scope_mapping(scope: Scope) -> Mapping[str, object]:
    return attrs.asdict(scope, recurse=False)
