"""Toy models shared by the tests: small enough to count their states by hand.

The counter is the model package's tutorial (``kubecheck.model.__doc__``): a controller counts up
to ``limit`` and a user resets the count. With ``limit`` = n it has n + 1 states and 2n
transitions (n increments, n resets). Tests that need a variation build one with
:func:`counter_model` from the same state and scope and their own commands, so the counter is
written once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.schema import int_field


@attrs.frozen
class CounterScope:
    limit: int = 3


@attrs.frozen
class Counter:
    count: int = int_field(0, lambda sc: sc.limit, doc="the count")


def _below_limit(ops: Any, sc: CounterScope, s: Counter) -> Any:
    return s.count < sc.limit


def _count_up(ops: Any, sc: CounterScope, s: Counter) -> dict[str, Any]:
    return {"count": s.count + 1}


def _positive(ops: Any, sc: CounterScope, s: Counter) -> Any:
    return s.count > 0


def _to_zero(ops: Any, sc: CounterScope, s: Counter) -> dict[str, Any]:
    return {"count": 0}


def _always(ops: Any, sc: CounterScope, s: Counter) -> bool:
    return True


INCREMENT = Command("controller.increment", _below_limit, _count_up, "count up")
RESET = Command("user.reset", _positive, _to_zero, "reset", kind="user")


def counter_model(
    *commands: Command,
    name: str = "toy",
    title: str = "counter",
    presets: Mapping[str, CounterScope] | None = None,
) -> Model:
    """The counter's state and scope with ``commands`` (default: increment and reset)."""
    return Model(
        name=name,
        title=title,
        kubernetes="-",
        state_cls=Counter,
        scope_cls=CounterScope,
        init=lambda sc: Counter(0),
        commands=commands or (INCREMENT, RESET),
        quiescent=_always,
        presets=dict(presets) if presets is not None else {"tiny": CounterScope()},
    )


COUNTER = counter_model()
