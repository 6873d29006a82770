"""State schemas: attrs classes whose fields declare finite domains.

A model's state is a frozen attrs class. Each field is an int, a bool, or a fixed-length tuple
of ints or bools, and declares its domain with :func:`int_field`, :func:`bool_field` or
:func:`tuple_field`. Bounds and lengths may be numbers or functions of the scope, so one state
class serves every scope::

    @attrs.frozen
    class Counter:
        value: int = int_field(0, lambda scope: scope.limit, doc="the count")
        flags: tuple = tuple_field(bool_field(), length=lambda scope: scope.n)

:class:`Schema` resolves the domains for one scope. The explicit engine stores a state as one
flat tuple of scalars (tuple fields spread out, in declaration order), which hashes fast; the
symbolic engine names one variable per slot (``rs_spec[1]@3``). Domains are not validators:
the same class is instantiated with z3 terms or code-generation expressions, and
:meth:`Schema.out_of_domain` checks concrete values where the engine asks for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

import attrs
from attrs import AttrsInstance

from kubecheck.model.kernel.ops import Value
from kubecheck.model.kernel.scopes import Scope

_META = "kubecheck"

#: A model's state: an instance of a frozen attrs class whose fields declare their domains.
#: Engines construct the same class with concrete values, z3 terms or source expressions.
State = AttrsInstance

#: A bound or length: a number, or a function of the model's own scope class (engines call it
#: with that class only, so it is typed by its result).
Bound = int | Callable[..., int]


@attrs.frozen
class Domain:
    """What values a field (or each element of a tuple field) may hold."""

    kind: str  # "int" | "bool" | "tuple"
    lo: Bound = 0
    hi: Bound = 1
    length: Bound = 0
    element: Domain | None = None
    doc: str = ""


# The field factories return attrs fields; like ``attrs.field`` in attrs' own stubs, they are
# typed as the value the field holds, so ``count: int = int_field(...)`` type-checks.


def int_field(lo: Bound, hi: Bound, doc: str = "") -> int:
    """An integer field with inclusive bounds (numbers or functions of the scope)."""
    return attrs.field(metadata={_META: Domain("int", lo, hi, doc=doc)})


def bool_field(doc: str = "") -> bool:
    """A boolean field."""
    return attrs.field(metadata={_META: Domain("bool", 0, 1, doc=doc)})


def tuple_field(element: int | bool | Domain, length: Bound, doc: str = "") -> tuple:
    """A fixed-length tuple whose elements have the domain of ``element`` (an int/bool field)."""
    metadata: Mapping[str, Domain] | None = getattr(element, "metadata", None)
    inner = metadata[_META] if metadata is not None else element
    if not isinstance(inner, Domain):
        raise TypeError(f"a tuple field's element is an int_field or bool_field, not {element!r}")
    if inner.kind == "tuple":
        raise TypeError("tuple fields hold ints or bools, not tuples")
    return attrs.field(metadata={_META: Domain("tuple", length=length, element=inner, doc=doc)})


def _resolve(bound: Bound, scope: Scope) -> int:
    return bound(scope) if callable(bound) else bound


@attrs.frozen
class Slot:
    """One scalar position of the flat state: a field, or one element of a tuple field."""

    index: int
    field: str
    element: int | None  # position inside a tuple field, None for scalar fields
    kind: str  # "int" | "bool"
    lo: int
    hi: int

    @property
    def label(self) -> str:
        return self.field if self.element is None else f"{self.field}[{self.element}]"


class Schema:
    """The domains of a state class resolved for one scope."""

    def __init__(self, state_cls: type[State], scope: Scope):
        if not attrs.has(state_cls):
            raise TypeError(f"{state_cls!r} is not an attrs class")
        self.state_cls = state_cls
        self.scope = scope
        self.fields: list[str] = []
        self.docs: dict[str, str] = {}
        self.lengths: dict[str, int | None] = {}
        self.slots: list[Slot] = []
        self.field_slots: dict[str, range] = {}
        for f in attrs.fields(state_cls):
            dom: Domain | None = f.metadata.get(_META)
            if dom is None:
                raise TypeError(
                    f"{state_cls.__name__}.{f.name} declares no domain (use int_field/bool_field/tuple_field)"
                )
            start = len(self.slots)
            self.fields.append(f.name)
            self.docs[f.name] = dom.doc
            if dom.kind == "tuple":
                assert dom.element is not None
                n = _resolve(dom.length, scope)
                self.lengths[f.name] = n
                for i in range(n):
                    self.slots.append(self._slot(f.name, i, dom.element, scope))
            else:
                self.lengths[f.name] = None
                self.slots.append(self._slot(f.name, None, dom, scope))
            self.field_slots[f.name] = range(start, len(self.slots))

    def _slot(self, name: str, element: int | None, dom: Domain, scope: Scope) -> Slot:
        if dom.kind == "bool":
            return Slot(len(self.slots), name, element, "bool", 0, 1)
        lo, hi = _resolve(dom.lo, scope), _resolve(dom.hi, scope)
        if lo > hi:
            raise ValueError(f"field {name}: empty domain {lo}..{hi}")
        return Slot(len(self.slots), name, element, "int", lo, hi)

    # -- conversions -------------------------------------------------------------------------

    def flatten(self, state: State) -> tuple:
        """The flat tuple of a state (tuple fields spread out)."""
        out: list[Value] = []
        for name in self.fields:
            value = getattr(state, name)
            if self.lengths[name] is None:
                out.append(value)
            else:
                if len(value) != self.lengths[name]:
                    raise ValueError(f"field {name}: expected {self.lengths[name]} elements, got {len(value)}")
                out.extend(value)
        return tuple(out)

    def unflatten(self, flat: tuple) -> State:
        """The state object of a flat tuple."""
        return self.state_cls(**self.view_kwargs(flat))

    def view_kwargs(self, flat: Sequence[Value]) -> dict[str, Value]:
        """Constructor arguments that put the values ``flat[slot]`` into each field."""
        kwargs: dict[str, Value] = {}
        for name in self.fields:
            rng = self.field_slots[name]
            if self.lengths[name] is None:
                kwargs[name] = flat[rng.start]
            else:
                kwargs[name] = tuple(flat[i] for i in rng)
        return kwargs

    def changes_to_slots(self, changes: Mapping[str, Value]) -> Iterator[tuple[int, Value]]:
        """(slot index, value) for each scalar written by an effect's changed-field dict."""
        for name, value in changes.items():
            rng = self.field_slots.get(name)
            if rng is None:
                raise KeyError(f"effect writes unknown field {name!r}; fields are {', '.join(self.fields)}")
            if self.lengths[name] is None:
                yield rng.start, value
            else:
                if not isinstance(value, tuple) or len(value) != len(rng):
                    raise ValueError(f"effect writes field {name} with {value!r}; expected a tuple of {len(rng)}")
                yield from zip(rng, value)

    def out_of_domain(self, state: State) -> list[str]:
        """Descriptions of the concrete values outside their declared domain."""
        bad = []
        for slot, value in zip(self.slots, self.flatten(state)):
            if slot.kind == "bool":
                if not isinstance(value, bool):
                    bad.append(f"{slot.label}={value!r} (expected a bool)")
            elif isinstance(value, bool) or not isinstance(value, int) or not slot.lo <= value <= slot.hi:
                bad.append(f"{slot.label}={value!r} (expected {slot.lo}..{slot.hi})")
        return bad

    def diff(self, before: State, after: State) -> dict[str, tuple[Value, Value]]:
        """Fields whose values differ: name -> (before, after)."""
        return {
            name: (getattr(before, name), getattr(after, name))
            for name in self.fields
            if getattr(before, name) != getattr(after, name)
        }
