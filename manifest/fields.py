"""Typed reading of a manifest mapping by field path, collecting errors in the API server's words.

``f.int("spec.replicas", lo=0)`` returns the value or records one error and returns None. The
messages follow ``k8s.io/apimachinery/pkg/util/validation/field`` (``Invalid value``, ``Required
value``, ``Unsupported value``, ``Forbidden``); a value of the wrong type — which the API server
rejects while decoding — is told as ``<path>: expected <type>, got <value>``.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterable
from typing import overload

from kubecheck.manifest.errors import ManifestError, describe_value, helm_note
from kubecheck.model.kernel.intstr import IntOrPercent, InvalidValue

INT32_MAX = 2**31 - 1
#: What :meth:`Fields.raw` returns for an absent (or null) field.
MISSING = object()
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def api_value(value: object) -> str:
    """A value as the API server prints it in ``Invalid value: …``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:57] + "...", ensure_ascii=False)
    if isinstance(value, IntOrPercent):
        return f'"{value}"' if value.is_percent else str(value.value)
    if isinstance(value, int) and abs(value) >= 10**30:
        return f"<{len(str(abs(value)))}-digit integer>"
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{v}" for k, v in sorted(value.items())) + "]"
    return str(value)


class Fields:
    """Reads one object's fields; ``errors`` collects ``<path>: <message>`` lines.

    The readers are named after the type they read (``int``, ``str``, ``bool``, ``map``, ``list``),
    so annotations in this class name the built-in types as ``builtins.int`` and so on. A value is
    a node of the parsed document (``object``: a mapping, list, string, number, boolean or None)
    until a reader has checked its type.
    """

    def __init__(self, obj: dict[str, object], where: str, ref: str):
        self.obj, self.where, self.ref = obj, where, ref
        self.errors: list[str] = []
        self.wrong_types: list[str] = []  # paths whose value has the wrong type

    # -- recording ------------------------------------------------------------------------
    def add(self, path: str, message: str) -> None:
        """Record ``<path>: <message>``, unless it is already recorded or ``path`` is (under) a value
        of the wrong type: one wrong type is one error, not one per field read beneath it."""
        line = f"{path}: {message}" if path else message
        if line in self.errors or any(path == w or path.startswith((w + ".", w + "[")) for w in self.wrong_types):
            return
        self.errors.append(line)

    def has_errors_at(self, path: str) -> bool:
        """Whether an error was recorded at ``path`` or beneath it."""
        return any(e.startswith((path + ":", path + ".", path + "[")) for e in self.errors)

    def invalid(self, path: str, value: object, message: str) -> None:
        self.add(path, f"Invalid value: {api_value(value)}: {message}{helm_note(value)}")

    def required(self, path: str, message: str = "") -> None:
        self.add(path, "Required value" + (f": {message}" if message else ""))

    def unsupported(self, path: str, value: object, choices: Iterable[str]) -> None:
        self.add(
            path, f"Unsupported value: {api_value(value)}: supported values: " + ", ".join(f'"{c}"' for c in choices)
        )

    def forbidden(self, path: str, message: str) -> None:
        self.add(path, f"Forbidden: {message}")

    def wrong_type(self, path: str, expected: str, value: object) -> None:
        self.add(path, f"expected {expected}, got {describe_value(value)}{helm_note(value)}")
        self.wrong_types.append(path)

    def raise_if_any(self) -> None:
        if not self.errors:
            return
        first = f"{self.where}: {self.ref}: {self.errors[0]}"
        more = len(self.errors) - 1
        message = first + (
            f" (and {more} more: {'; '.join(self.errors[1:3])}{'; …' if more > 2 else ''})" if more else ""
        )
        path, _, rest = self.errors[0].partition(": ")
        raise ManifestError(
            message,
            where=f"{self.where}: {self.ref}",
            path=path,
            got=rest,
            errors=tuple(f"{self.where}: {self.ref}: {e}" for e in self.errors),
        )

    # -- reading ---------------------------------------------------------------------------
    def raw(self, path: str, root: object = None) -> object:
        """The value at ``path`` (MISSING if absent); a non-mapping on the way is an error."""
        node: object = self.obj if root is None else root
        walked = ""
        for name, index in _STEP.findall(path):
            if name:
                if not isinstance(node, dict):
                    self.wrong_type(walked, "a mapping", node)
                    return MISSING
                if name not in node or node[name] is None:
                    return MISSING
                node = node[name]
                walked = f"{walked}.{name}" if walked else name
            else:
                if not isinstance(node, list):
                    self.wrong_type(walked, "a list", node)
                    return MISSING
                i = int(index)
                if i >= len(node):
                    return MISSING
                node = node[i]
                walked = f"{walked}[{i}]"
        return node

    @overload
    def int(
        self,
        path: builtins.str,
        default: builtins.int,
        lo: builtins.int | None = 0,
        hi: builtins.int = INT32_MAX,
        root: object = None,
    ) -> builtins.int: ...
    @overload
    def int(
        self,
        path: builtins.str,
        default: None = None,
        lo: builtins.int | None = 0,
        hi: builtins.int = INT32_MAX,
        root: object = None,
    ) -> builtins.int | None: ...
    def int(
        self,
        path: builtins.str,
        default: builtins.int | None = None,
        lo: builtins.int | None = 0,
        hi: builtins.int = INT32_MAX,
        root: object = None,
    ) -> builtins.int | None:
        value = self.raw(path, root)
        if value is MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type(path, "an integer", value)
            return default
        if lo is not None and value < lo:
            self.invalid(path, value, f"must be greater than or equal to {lo}")
            return default
        if value > hi:
            self.invalid(path, value, f"must be less than or equal to {hi}")
            return default
        return value

    @overload
    def str(self, path: builtins.str, default: builtins.str, root: object = None) -> builtins.str: ...
    @overload
    def str(self, path: builtins.str, default: None = None, root: object = None) -> builtins.str | None: ...
    def str(self, path: builtins.str, default: builtins.str | None = None, root: object = None) -> builtins.str | None:
        value = self.raw(path, root)
        if value is MISSING:
            return default
        if not isinstance(value, str):
            self.wrong_type(path, "a string", value)
            return default
        return value

    @overload
    def bool(self, path: builtins.str, default: builtins.bool, root: object = None) -> builtins.bool: ...
    @overload
    def bool(self, path: builtins.str, default: None = None, root: object = None) -> builtins.bool | None: ...
    def bool(
        self, path: builtins.str, default: builtins.bool | None = None, root: object = None
    ) -> builtins.bool | None:
        value = self.raw(path, root)
        if value is MISSING:
            return default
        if not isinstance(value, bool):
            self.wrong_type(path, "true or false", value)
            return default
        return value

    def map(self, path: builtins.str, root: object = None) -> dict[builtins.str, object]:
        value = self.raw(path, root)
        if value is MISSING:
            return {}
        if not isinstance(value, dict):
            self.wrong_type(path, "a mapping", value)
            return {}
        return value

    def list(self, path: builtins.str, root: object = None) -> builtins.list[object]:
        value = self.raw(path, root)
        if value is MISSING:
            return []
        if not isinstance(value, list):
            self.wrong_type(path, "a list", value)
            return []
        return value

    def labels(self, path: builtins.str, root: object = None) -> dict[builtins.str, builtins.str]:
        out = {}
        for k, v in self.map(path, root).items():
            if not isinstance(v, str):
                self.wrong_type(f"{path}.{k}", "a string (label values are strings; quote numbers and booleans)", v)
            else:
                out[k] = v
        return out

    def int_or_percent(
        self, path: builtins.str, default: IntOrPercent | None = None, root: object = None
    ) -> IntOrPercent | None:
        value = self.raw(path, root)
        if value is MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            self.wrong_type(path, 'an integer or a percentage such as "25%"', value)
            return default
        if isinstance(value, int) and abs(value) > INT32_MAX:
            self.invalid(path, value, f"must be less than or equal to {INT32_MAX}")
            return default
        try:
            return IntOrPercent.parse(value)
        except InvalidValue:
            self.invalid(
                path,
                value,
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')",
            )
            return default

    @overload
    def choice(
        self, path: builtins.str, choices: tuple[builtins.str, ...], default: builtins.str, root: object = None
    ) -> builtins.str: ...
    @overload
    def choice(
        self, path: builtins.str, choices: tuple[builtins.str, ...], default: None = None, root: object = None
    ) -> builtins.str | None: ...
    def choice(
        self,
        path: builtins.str,
        choices: tuple[builtins.str, ...],
        default: builtins.str | None = None,
        root: object = None,
    ) -> builtins.str | None:
        value = self.raw(path, root)
        if value is MISSING:
            return default
        if not isinstance(value, builtins.str):
            self.wrong_type(path, "a string", value)
            return default
        if value not in choices:
            self.unsupported(path, value, choices)
            return default
        return value
