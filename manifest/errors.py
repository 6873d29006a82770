"""The one exception of the manifest package: bad input, told in one line.

Every problem with a manifest — unreadable file, YAML syntax, a limit exceeded, a wrong type,
a value the API server would reject — is a :class:`ManifestError` whose message names where
(file, document, object), the field path, and what was expected and what came. It subclasses
:class:`kubecheck.model.kernel.scopes.ScopeError`, so the CLI's existing input-error handling
turns it into ``Error: …`` and exit 2 without knowing about manifests.
"""

from __future__ import annotations

import re

from kubecheck.model.kernel.scopes import ScopeError

#: a Helm (Go template) action: ``{{ .Values.x }}``, ``{{- include "name" . | nindent 4 }}``
HELM_ACTION = re.compile(r"\{\{.*?\}\}")
HELM_RENDER = "render it first with `helm template`"


class ManifestError(ScopeError):
    """Bad manifest input; ``str(err)`` is one line for the user, the attributes are for tools."""

    def __init__(
        self,
        message: str,
        *,
        where: str = "",
        path: str = "",
        expected: str = "",
        got: str = "",
        errors: tuple[str, ...] = (),
    ):
        self.where, self.path, self.expected, self.got = where, path, expected, got
        message = _escape_breaks(message)
        self.errors = tuple(_escape_breaks(e) for e in errors) or (message,)
        super().__init__(message)


def _escape_breaks(text: str) -> str:
    """One line whatever the input held (names and values from a manifest may contain line breaks)."""
    return str(text).replace("\r", "\\r").replace("\n", "\\n")


def describe_value(value: object) -> str:
    """How a YAML value is named in an error: ``the string "three"``, ``a list``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else f"a {len(str(abs(value)))}-digit number"
        return f"the integer {text}"
    if isinstance(value, float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def one_line(text: object, limit: int = 300) -> str:
    """``text`` (an exception, a YAML problem) on one line of at most ``limit`` characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def helm_note(value: object) -> str:
    """ " (looks like an unrendered Helm template; render it first …)" for a string holding ``{{ … }}``, else ""."""
    if isinstance(value, str) and HELM_ACTION.search(value):
        return f" (looks like an unrendered Helm template; {HELM_RENDER})"
    return ""
