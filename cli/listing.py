"""The text of ``kubecheck list``: models, presets, parameters and properties."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kubecheck.cli import text
from kubecheck.model.kernel.commands import Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.scopes import describe, params


def models_table(models: Sequence[Model]) -> list[str]:
    rows = [[m.name, m.kubernetes, m.title] for m in models]
    return text.table(["model", "kubernetes", "title"], rows, "<<<")


def presets(model: Model) -> list[str]:
    lines = ["Presets (--scope PRESET; default small):"]
    width = max(len(n) for n in model.presets)
    for name, scope in model.presets.items():
        first = f"  {name.ljust(width)}  "
        lines += text.wrap_words(text.settings(describe(scope)), text.WIDTH, first, " " * len(first))
    return lines


#: The preset ``check MODEL`` runs when ``--scope`` is not given.
DEFAULT_PRESET = "small"


def parameters(model: Model) -> list[str]:
    """The parameters with their values in the default preset (what ``check MODEL`` runs with)."""
    preset = DEFAULT_PRESET if DEFAULT_PRESET in model.presets else ""
    default = model.presets[preset] if preset else model.scope_cls()
    header = f"default ({preset})" if preset else "default"
    rows: list[tuple[str, str, list[str]]] = []
    for name, info in params(model.scope_cls):
        accepted = (info.parse.__doc__ or "").strip()
        words = info.doc.split() + ([f"[{accepted}]"] if accepted and "\n" not in accepted else [])
        rows.append((info.cli, info.show(getattr(default, name)) or "''", words))
    w_name = max([len("parameter")] + [len(r[0]) for r in rows])
    w_default = max([len(header)] + [len(r[1]) for r in rows])
    lines = ["Parameters (--set NAME=VALUE):", f"  {'parameter'.ljust(w_name)}  {header.ljust(w_default)}  meaning"]
    for cli, shown, words in rows:
        first = f"  {cli.ljust(w_name)}  {shown.ljust(w_default)}  "
        lines += text.wrap_words(words, text.WIDTH, first, " " * len(first))
    return lines


def meaningful_scope(p: Property) -> str:
    """Where the property can fail (the behaviour it constrains happens): ``--set`` settings on a preset."""
    if not p.meaningful:
        return "at every preset as is"
    return "with --set " + " ".join(f"{k}={v}" for k, v in p.meaningful)


def properties(table: Sequence[Property]) -> list[str]:
    lines = ["Properties (kubecheck check MODEL [PROPERTY...]; the model prefix may be left out):"]
    for p in table:
        lines.append(f"  {p.name}  ({p.kind})")
        lines += text.wrap_text(p.doc, text.WIDTH, "      ")
        if p.assumes:
            lines += text.wrap_text(p.assumes, text.WIDTH, "      assumes:  ", " " * 16)
        if p.meaningful is not None:
            lines += text.wrap_text(meaningful_scope(p), text.WIDTH, "      meaningful: ", " " * 18)
        if getattr(p, "fairness", ""):
            lines += text.wrap_text(p.fairness, text.WIDTH, "      fairness: ", " " * 16)
        lines += text.wrap_text(p.upstream, text.WIDTH, "      upstream: ", " " * 16)
    return lines


def render(models: Sequence[Model], property_tables: Mapping[str, Sequence[Property]]) -> str:
    """The listing of the given models, each in full after the models table."""
    lines = models_table(models)
    for m in models:
        lines += ["", f"{m.name}: {m.title}, Kubernetes {m.kubernetes}", ""]
        lines += presets(m) + [""] + parameters(m) + [""] + properties(property_tables[m.name])
    return "\n".join(lines) + "\n"
