"""Operations that work the same on concrete values and on symbolic terms.

Model code (guards, effects, property predicates, pure helpers) never uses Python's ``if``,
``and``, ``or``, ``not``, ``min``, ``max`` or ``//`` on values derived from the state: those
force a truth value or pick a branch, which a symbolic term cannot do. It calls an ``ops``
object instead. Three implementations read one model:

* :class:`ConcreteOps` evaluates on Python ints and bools (the reference semantics used by
  replay, hypothesis tests and certification);
* :class:`Z3Ops` builds z3 terms (the symbolic engines);
* ``kubecheck.checker.explicit.compile.SourceOps`` writes Python source, so the explicit engine
  runs a model at the speed of hand-written code.

Arithmetic (``+ - *``) and comparisons (``< <= == != >= >``) are written with Python operators:
they work on all three. Scope values (replicas bounds, maxSurge as written) are concrete, so
model code may branch on them freely.

Division is only by a positive divisor. ``floor_div`` and ``ceil_div`` agree with Python's
``//`` for every dividend when the divisor is positive; z3's integer division is Euclidean,
which is the same thing for positive divisors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import z3

from kubecheck.model.kernel.intstr import IntOrPercent

#: A value derived from the state: a Python int or bool under :class:`ConcreteOps` (and source
#: text under the compiled engine's ``SourceOps``), a z3 term (``z3.ArithRef``, ``z3.BoolRef``)
#: under :class:`Z3Ops`. One model is read by all of them, so no static type can say which; the
#: alias names the role where a plain ``Any`` would say nothing. Guards and predicates return a
#: Value (a truth value), effects return ``dict[str, Value]``.
Value = Any


class Ops:
    """The interface every ops implementation provides (documentation and defaults)."""

    name = "abstract"
    symbolic = False

    def and_(self, *xs: Value) -> Value:
        raise NotImplementedError

    def or_(self, *xs: Value) -> Value:
        raise NotImplementedError

    def not_(self, x: Value) -> Value:
        raise NotImplementedError

    def implies(self, a: Value, b: Value) -> Value:
        return self.or_(self.not_(a), b)

    def ite(self, cond: Value, then: Value, other: Value) -> Value:
        raise NotImplementedError

    def min_(self, *xs: Value) -> Value:
        raise NotImplementedError

    def max_(self, *xs: Value) -> Value:
        raise NotImplementedError

    def sum_(self, xs: Iterable[Value]) -> Value:
        total: Value = 0
        for x in xs:
            total = total + x
        return total

    def count(self, xs: Iterable[Value]) -> Value:
        """Number of true values among ``xs``."""
        return self.sum_(self.ite(x, 1, 0) for x in xs)

    def floor_div(self, a: Value, b: int) -> Value:
        raise NotImplementedError

    def ceil_div(self, a: Value, b: int) -> Value:
        """Ceiling of a / b for a positive concrete divisor ``b``."""
        return self.floor_div(a + (b - 1), b)

    def round_half_up_div(self, a: Value, b: Value) -> Value:
        """a / b rounded half away from zero, for a >= 0 and b > 0 (k8s.io/utils RoundToInt32)."""
        return self.floor_div(2 * a + b, 2 * b)

    def scaled_value(self, value: IntOrPercent, total: Value, round_up: bool) -> Value:
        """intstr.GetScaledValueFromIntOrPercent: an integer as is, a percentage of ``total``.

        ``value`` is a scope constant; ``total`` may be symbolic.
        """
        if not value.is_percent:
            return value.value
        if round_up:
            return self.ceil_div(value.value * total, 100)
        return self.floor_div(value.value * total, 100)


class ConcreteOps(Ops):
    """Evaluates on Python values. All arguments are evaluated (no short-circuit)."""

    name = "concrete"

    def and_(self, *xs: Value) -> bool:
        return all(xs)

    def or_(self, *xs: Value) -> bool:
        return any(xs)

    def not_(self, x: Value) -> bool:
        return not x

    def implies(self, a: Value, b: Value) -> bool:
        return (not a) or bool(b)

    def ite(self, cond: Value, then: Value, other: Value) -> Value:
        return then if cond else other

    def min_(self, *xs: Value) -> Value:
        return min(xs)

    def max_(self, *xs: Value) -> Value:
        return max(xs)

    def sum_(self, xs: Iterable[Value]) -> Value:
        return sum(xs)

    def floor_div(self, a: Value, b: Value) -> Value:
        return a // b

    def ceil_div(self, a: Value, b: Value) -> Value:
        return -((-a) // b)


class Z3Ops(Ops):
    """Builds z3 terms. Python ints and bools mixed into terms are lifted by z3."""

    name = "z3"
    symbolic = True

    def and_(self, *xs: Value) -> z3.BoolRef:
        return z3.And(*[_bool(x) for x in xs]) if xs else z3.BoolVal(True)

    def or_(self, *xs: Value) -> z3.BoolRef:
        return z3.Or(*[_bool(x) for x in xs]) if xs else z3.BoolVal(False)

    def not_(self, x: Value) -> z3.BoolRef:
        return z3.Not(_bool(x))

    def implies(self, a: Value, b: Value) -> z3.BoolRef:
        return z3.Implies(_bool(a), _bool(b))

    def ite(self, cond: Value, then: Value, other: Value) -> Value:
        if isinstance(cond, bool):
            return then if cond else other
        if isinstance(then, tuple):
            return tuple(self.ite(cond, a, b) for a, b in zip(then, other, strict=True))
        return z3.If(cond, _lift(then), _lift(other))

    def min_(self, *xs: Value) -> Value:
        result = xs[0]
        for x in xs[1:]:
            result = z3.If(x < result, x, result)
        return result

    def max_(self, *xs: Value) -> Value:
        result = xs[0]
        for x in xs[1:]:
            result = z3.If(x > result, x, result)
        return result

    def sum_(self, xs: Iterable[Value]) -> Value:
        items = list(xs)
        return z3.Sum(*items) if items else z3.IntVal(0)

    def floor_div(self, a: Value, b: Value) -> Value:
        if isinstance(a, int) and isinstance(b, int):
            return a // b
        return _lift(a) / _lift(b)


def _bool(x: Value) -> Value:
    return z3.BoolVal(x) if isinstance(x, bool) else x


def _lift(x: Value) -> Value:
    if isinstance(x, bool):
        return z3.BoolVal(x)
    if isinstance(x, int):
        return z3.IntVal(x)
    return x


CONCRETE = ConcreteOps()
Z3 = Z3Ops()

__all__ = ["CONCRETE", "Z3", "ConcreteOps", "IntOrPercent", "Ops", "Value", "Z3Ops"]
