"""Plain-text building blocks shared by every renderer: tables, settings, numbers, wrapping."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence

WIDTH = 100


def count(n: int) -> str:
    """An integer with thousands separators: 406766 -> '406,766'."""
    return f"{n:,}"


def seconds(s: float) -> str:
    return f"{s:.2f}"


def value(v: object) -> str:
    """A model value as a reader writes it: true/false, [a, b], 3."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (tuple, list)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    return str(v)


def change(before: object, after: object) -> str:
    return f"{value(before)} → {value(after)}"


def setting(name: str, shown: str) -> str:
    """``name=value`` quoted so that it can be pasted into a shell (``scale-to=''``)."""
    return f"{name}={shlex.quote(shown)}"


def settings(pairs: Iterable[tuple[str, str]]) -> list[str]:
    return [setting(k, v) for k, v in pairs]


def wrap_words(words: Sequence[str], width: int = WIDTH, first: str = "", rest: str | None = None) -> list[str]:
    """Words joined by spaces, wrapped at ``width``; ``first``/``rest`` prefix the lines."""
    rest = first if rest is None else rest
    lines: list[str] = []
    line = ""
    for word in words:
        prefix = rest if lines else first
        if line and len(prefix) + len(line) + 1 + len(word) > width:
            lines.append(prefix + line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append((rest if lines else first) + line)
    return lines


def wrap_text(text: str, width: int = WIDTH, first: str = "", rest: str | None = None) -> list[str]:
    return wrap_words(text.split(), width, first, rest)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], align: str, indent: str = "") -> list[str]:
    """Aligned columns separated by two spaces; ``align`` has one '<' or '>' per column."""
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        parts = [str(c).ljust(w) if a == "<" else str(c).rjust(w) for c, w, a in zip(cells, widths, align)]
        return (indent + "  ".join(parts)).rstrip()

    return [line(headers)] + [line(r) for r in rows]


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def unknown_fields(docs: dict[str, str], known: tuple[str, ...], changed: dict, initial: bool = False) -> list[str]:
    """Fields a describer has no words for, by their schema doc, so a new field is never hidden."""
    lines = []
    for field, (a, b) in changed.items():
        if field in known:
            continue
        name = docs.get(field) or field
        lines.append(f"{name}: {value(b)}" if initial else f"{name}: {change(a, b)}")
    return lines


def object_lines(title: str, groups: Sequence[Sequence[str]]) -> list[str]:
    """``title item, item`` with each further non-empty group on a line aligned under the first
    ([] if all are empty)."""
    kept = [g for g in groups if g]
    pad = " " * (len(title) + 1)
    return [(title + " " if i == 0 else pad) + ", ".join(g) for i, g in enumerate(kept)]


#: What a person types (or sees happen) for the shared cluster layer's user actions and faults
#: (model/controllers/cluster.py); ``{pod}``/``{node}`` are filled in with Kubernetes names.
CLUSTER_COMMANDS = {
    "fault.force_delete_pod": "kubectl delete pod {pod} --grace-period=0 --force",
    "fault.delete_node": "kubectl delete node {node}",
    "fault.evict_pod": "eviction of {pod} (kubectl drain)",
    "fault.crash_pod": "a crash of {pod}",
    "fault.partition_node": "a network partition of {node}",
    "fault.fail_node": "a failure of {node}",
    "node.reconnect": "{node} reconnecting",
}


def cluster_command(name: str, pod: str = "", node: str = "") -> str | None:
    """The words of CLUSTER_COMMANDS for command ``name`` (None when it is not a cluster command)."""
    words = CLUSTER_COMMANDS.get(name)
    return None if words is None else words.format(pod=pod, node=node)
