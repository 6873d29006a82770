"""Scopes: the constants that bound a model, kept apart from the model (TLC's .cfg files).

A scope class is a frozen attrs class whose fields are declared with :func:`param`, naming the
command-line spelling (``--set max-surge=25%``), a parser and a one-line doc. A model's presets
(``tiny``, ``small``, ``medium``) live next to the model, in
``kubecheck.model.controllers.<kind>_scope``.

:func:`with_settings` applies ``name=value`` settings to a scope and reports bad input as a
:class:`ScopeError` whose message names the parameter, what was expected and what came; the
scope class's own ``validate()`` then applies the API server's rules and raises ScopeError with
the API server's message.

:class:`Scope` states what engines and the front end may assume of every scope; the protocols
after it name the optional members a scope has when its model needs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol, TypeVar, runtime_checkable

import attrs
from attrs import AttrsInstance

from kubecheck.model.kernel.intstr import IntOrPercent, InvalidValue
from kubecheck.model.kernel.ops import Ops, Value

_META = "kubecheck.param"
S = TypeVar("S", bound="Scope")
T = TypeVar("T")


class Scope(AttrsInstance, Protocol):
    """The constants of one check: a frozen attrs class, its fields declared with :func:`param`.

    Engines read a scope's parameters by name (``getattr``), build variants with
    ``attrs.evolve`` (:func:`evolve`) and compare scopes for equality; that is all they require.
    The optional members are named by the protocols below (``ValidatedScope``, ``SizedScope``,
    ``SymbolicScope``, ``PartlySymbolicScope``): callers test them with ``isinstance`` or read
    them with ``getattr(scope, name, None)``, so a toy scope with none of them is a scope. The
    three workload scopes also have ``name`` (metadata.name) and ``faults``.
    """


@runtime_checkable
class ValidatedScope(Scope, Protocol):
    """A scope with the API server's rules: ``validate()`` raises :class:`ScopeError` with its message."""

    def validate(self) -> None: ...


@runtime_checkable
class SizedScope(Scope, Protocol):
    """A scope that knows when exhaustive search cannot explore it."""

    def beyond_explicit_search(self) -> str | None:
        """Why exhaustive search cannot explore this scope, or None when it can."""
        ...


@runtime_checkable
class SymbolicScope(Scope, Protocol):
    """A scope whose parameters may be left symbolic (``--for-all``)."""

    def symbolic_constraints(self, ops: Ops, values: Mapping[str, Value]) -> list[Value]:
        """The API server's rules over the parameters left symbolic (``values``: field -> term)."""
        ...


@runtime_checkable
class PartlySymbolicScope(Scope, Protocol):
    """A scope some of whose parameters cannot be left symbolic."""

    def not_symbolic(self, name: str) -> str:
        """Why parameter ``name`` cannot be left symbolic ("" when it can)."""
        ...


class ScopeError(ValueError):
    """Bad scope input: the message is one line meant for the user."""


@attrs.frozen
class ParamInfo:
    cli: str
    doc: str
    parse: Callable[[str], object]
    show: Callable[..., str] = str  # takes the parameter's value (the field's type)


def param(cli: str, doc: str, parse: Callable[[str], T], default: T, show: Callable[[T], str] = str) -> T:
    """A scope parameter with its command-line name, doc, parser and default (an attrs field)."""
    return attrs.field(default=default, metadata={_META: ParamInfo(cli, doc, parse, show)})


def params(scope_cls: type) -> list[tuple[str, ParamInfo]]:
    """(attribute name, info) of every parameter, in declaration order."""
    return [(f.name, f.metadata[_META]) for f in attrs.fields(scope_cls) if _META in f.metadata]


def describe(scope: Scope) -> list[tuple[str, str]]:
    """(cli name, shown value) for every parameter of a scope."""
    return [(info.cli, info.show(getattr(scope, name))) for name, info in params(type(scope))]


def parse_int(lo: int, hi: int) -> Callable[[str], int]:
    """A parser of integers within lo..hi that explains what it expected."""

    def parse(raw: str) -> int:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ScopeError(f"expected an integer from {lo} to {hi}, got {raw!r}") from None
        if not lo <= value <= hi:
            raise ScopeError(f"expected an integer from {lo} to {hi}, got {value}")
        return value

    parse.__doc__ = f"integer {lo}..{hi}"
    return parse


def parse_choice(choices: Iterable[str]) -> Callable[[str], str]:
    options = tuple(choices)

    def parse(raw: str) -> str:
        if raw not in options:
            raise ScopeError(f"expected one of {', '.join(options)}, got {raw!r}")
        return raw

    parse.__doc__ = " | ".join(options)
    return parse


def parse_bool(raw: str) -> bool:
    text = str(raw).strip().lower()
    if text in ("true", "yes", "on", "1"):
        return True
    if text in ("false", "no", "off", "0"):
        return False
    raise ScopeError(f"expected true or false, got {raw!r}")


def evolve(scope: S, **changes: object) -> S:
    """``attrs.evolve`` for a scope of any model (mypy's attrs plugin wants a concrete class)."""
    return attrs.evolve(scope, **changes)  # type: ignore[misc]


def with_settings(scope: S, settings: Mapping[str, str]) -> S:
    """The scope with ``--set name=value`` settings applied (cli names), then validated."""
    by_cli = {info.cli: (name, info) for name, info in params(type(scope))}
    changes: dict[str, object] = {}
    for key, raw in settings.items():
        if key not in by_cli:
            raise ScopeError(f"unknown parameter {key!r}; valid parameters: {', '.join(sorted(by_cli))}")
        name, info = by_cli[key]
        try:
            changes[name] = info.parse(raw)
        except ScopeError as err:
            raise ScopeError(f"parameter {key}: {err}") from None
        except ValueError as err:
            raise ScopeError(f"parameter {key}: {err}") from None
    result = evolve(scope, **changes)
    validate = getattr(result, "validate", None)
    if validate is not None:
        validate()
    return result


def parse_settings(pairs: Iterable[str]) -> dict[str, str]:
    """``["replicas=3", "max-surge=25%"]`` -> dict; ScopeError for a pair without '='."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ScopeError(f"--set expects NAME=VALUE, got {pair!r}")
        out[key.strip()] = value.strip()
    return out


# Parsers' docstrings are shown by `kubecheck list` as value hints (see parse_int), so the
# ones whose parameter doc already says what they take have none.
def parse_int_or_percent(raw: str) -> IntOrPercent:
    # maxSurge-style values: an integer or a percentage (kernel.intstr.IntOrPercent)
    try:
        return IntOrPercent.parse(raw)
    except InvalidValue as err:
        raise ScopeError(str(err)) from None


def parse_int_list(lo: int, hi: int, example: str = "2,5") -> Callable[[str], tuple[int, ...]]:
    """A parser of comma-separated integers within lo..hi (empty text: the empty tuple)."""

    def parse(raw: str) -> tuple[int, ...]:
        text = str(raw).strip()
        if not text:
            return ()
        try:
            values = tuple(int(x) for x in text.split(","))
        except ValueError:
            raise ScopeError(f"expected comma-separated integers such as {example}, got {raw!r}") from None
        if any(v < lo or v > hi for v in values):
            raise ScopeError(f"expected replica counts from {lo} to {hi}, got {raw!r}")
        return values

    return parse


def show_int_list(values: tuple[int, ...]) -> str:
    return ",".join(str(v) for v in values)


_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def parse_object_name(raw: str) -> str:
    """metadata.name as the API server accepts it for workloads and claims (IsDNS1123Subdomain)."""
    text = str(raw).strip()
    if len(text) > 253 or not _SUBDOMAIN.fullmatch(text):
        raise ScopeError(
            f"expected a lowercase RFC 1123 subdomain (lower case alphanumeric characters, '-' or '.', "
            f"starting and ending with an alphanumeric character, at most 253), got {raw!r}"
        )
    return text


parse_object_name.__doc__ = "DNS-1123 subdomain"


def parse_names(choices: tuple[str, ...], what: str) -> Callable[[str], frozenset[str]]:
    """A parser of a comma-separated subset of ``choices`` ("none" or empty: no names)."""

    def parse(raw: str) -> frozenset[str]:
        text = str(raw).strip()
        if text in ("", "none"):
            return frozenset()
        names = [x.strip() for x in text.split(",")]
        bad = [n for n in names if n not in choices]
        if bad:
            raise ScopeError(f"unknown {what} {bad[0]!r}; valid {what}s: {', '.join(choices)} (or none)")
        return frozenset(names)

    return parse


def show_names(choices: tuple[str, ...]) -> Callable[[frozenset[str]], str]:
    """Show a subset of ``choices`` in their declared order ("none" when empty)."""

    def show(names: frozenset[str]) -> str:
        return ",".join(n for n in choices if n in names) or "none"

    return show


def show_bool(value: bool) -> str:
    return "true" if value else "false"
