"""StatefulSet properties for every replica count (the ordinal reading): verdict and seconds per property.

    python benchmarks/statefulset_every_size.py                 # tiny and small, every always/step property
    python benchmarks/statefulset_every_size.py --scope tiny --property pods_created_in_ordinal_order

Each row is :func:`kubecheck.checker.symbolic.ordinal.decide` on the property's own scope (its
``adjust`` of the preset), on its own (the conformance check is not shared between rows): the
conformance check of the reading against the model at 1..4 ordinals, the window check of the
property, Houdini for an ``always`` property that is not inductive alone, and the proof queries,
each re-checked from its SMT-LIB text. The seconds are
wall-clock for all of that, one process, on a shared machine (the load is recorded).
Writes ``benchmarks/results/statefulset_every_size.md``.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from machine import cpu_model, load

from kubecheck.checker.symbolic import ordinal
from kubecheck.properties import catalog

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results" / "statefulset_every_size.md"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scope", action="append", help="presets (default: tiny and small)")
    ap.add_argument("--property", action="append", help="property short names (default: every always/step one)")
    ap.add_argument("--write", action=argparse.BooleanOptionalAction, default=None, help="write the results file")
    args = ap.parse_args()
    scopes = args.scope or ["tiny", "small"]
    model = catalog.model("statefulset")
    props = [p for p in catalog.properties("statefulset") if p.kind in ("always", "step")]
    if args.property:
        props = [p for p in props if p.short in args.property]
    write = args.write if args.write is not None else not (args.scope or args.property)
    before, started = load(), time.time()
    rows = []
    for preset in scopes:
        for prop in props:
            ordinal._CONFORMED.clear()  # each row on its own: it pays its scope's conformance check
            t0 = time.monotonic()
            r = ordinal.decide(model, prop.adjust(model.presets[preset]), prop)
            seconds = time.monotonic() - t0
            lemmas = len(r.evidence.lemmas) if r.evidence is not None else 0
            rows.append((preset, prop.short, prop.kind, r.verdict.value, seconds, lemmas, _why(r.note)))
            print(f"{preset:6s} {prop.short:55s} {r.verdict.value:13s} {seconds:6.1f} s", flush=True)
    total = time.time() - started
    if write:
        OUT.write_text(_table(rows, before, load(), total))
        print(f"wrote {OUT.relative_to(ROOT)}")


def _why(note: str) -> str:
    if note.startswith("PROVED"):
        return ""
    return note.split(": ", 1)[-1].split(" (the reading over-approximates")[0].replace("|", "/")


def _table(rows: list[tuple], before: str, after: str, total: float) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
    lines = [
        "# StatefulSet properties for every replica count (the ordinal reading)",
        "",
        f"* date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"* command: `python benchmarks/statefulset_every_size.py` (total {total:.0f} s)",
        f"* machine: {cpu_model()}, Python {platform.python_version()}, {platform.system()} {platform.machine()}",
        f"* code measured: {commit.stdout.strip()} (plus uncommitted work in the tree)",
        f"* load average (1, 5, 15 min) before: {before}; after: {after}",
        "",
        "Each row: `ordinal.decide` on the property's own scope (the preset as the property adjusts it):",
        "conformance of the reading at 1..4 ordinals (not shared between rows: each row is what one",
        "`check` of that property alone costs), the property's window, Houdini for an `always`",
        "property that is not per-ordinal inductive alone (`clauses`: how many it kept), the proof",
        "queries re-checked from SMT-LIB. PROVED means every replica count >= 1, with the caveat of",
        "papers/statefulset-every-size.md; INCONCLUSIVE says why. Seconds are wall-clock on a shared machine.",
        "",
        "| scope | property | kind | verdict | seconds | clauses | why not proved |",
        "| --- | --- | --- | --- | ---: | ---: | --- |",
    ]
    for preset, name, kind, verdict, seconds, lemmas, why in rows:
        lines.append(f"| {preset} | {name} | {kind} | {verdict} | {seconds:.1f} | {lemmas or ''} | {why} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
