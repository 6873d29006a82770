"""Int-or-percent values, as Kubernetes' ``intstr.IntOrString`` holds them.

``maxSurge: 1`` and ``maxSurge: "25%"`` are both legal in a Deployment. The value is part of a
scope (a constant of the model), so parsing and validation happen here, once, and model code
only ever asks :meth:`kubecheck.model.kernel.ops.Ops.scaled_value` to resolve it against a
(possibly symbolic) total.

Upstream: k8s.io/apimachinery/pkg/util/intstr (GetScaledValueFromIntOrPercent: an integer is
returned as is, a string must be digits followed by "%", rounded up or down as asked) and
pkg/apis/apps/validation (ValidatePositiveIntOrPercent, IsValidPercent).
"""

from __future__ import annotations

import re

import attrs

_PERCENT = re.compile(r"^[0-9]+%$")


class InvalidValue(ValueError):
    """A value that the API server would reject; the message is the API server's."""


@attrs.frozen
class IntOrPercent:
    """An integer or a percentage (``value`` is the number before the % sign)."""

    value: int
    is_percent: bool = False

    @classmethod
    def parse(cls, raw: object) -> IntOrPercent:
        """Read ``3``, ``"3"`` (a CLI value) or ``"25%"``; raise InvalidValue otherwise."""
        if isinstance(raw, IntOrPercent):
            return raw
        if isinstance(raw, bool):
            raise InvalidValue(f"must be an integer or percentage (e.g. '5%'), got {raw!r}")
        if isinstance(raw, int):
            return cls(raw)
        if isinstance(raw, str):
            text = raw.strip()
            if re.fullmatch(r"-?[0-9]+", text):
                return cls(int(text))
            if _PERCENT.match(text):
                return cls(int(text[:-1]), True)
            raise InvalidValue(
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%'), "
                f"got {raw!r}"
            )
        raise InvalidValue(f"must be an integer or percentage (e.g. '5%'), got {raw!r}")

    def is_zero(self) -> bool:
        return self.value == 0

    def resolve(self, total: int, round_up: bool) -> int:
        """Concrete GetScaledValueFromIntOrPercent."""
        if not self.is_percent:
            return self.value
        scaled = self.value * total
        return -((-scaled) // 100) if round_up else scaled // 100

    def __str__(self) -> str:
        return f"{self.value}%" if self.is_percent else str(self.value)
