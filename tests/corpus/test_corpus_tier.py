"""The corpus tier (issue 12, acceptance): ``kubecheck check -f`` on every public manifest of tests/corpus.

One test per file (tests/corpus/SOURCES.md names their sources and licences), each running the
CLI in a process of its own as a user would, with the default per-workload budget (60 s) and
``--format json``. Per workload, every row must be *decided* (HOLDS, PROVED, VIOLATED,
WITNESSED), *not applicable* (a witness this configuration cannot reach), or *honestly
downsized*: a row explored at a reduced size says so (``checked_at`` "replicas=4 of 10"), and the
only INCONCLUSIVE row allowed is such a reduced witness ("not reached at the reduced size"),
never one stopped by the time budget. No traceback, no exit 1, and no exit 14: a witness the
configuration cannot reach is not a failure of the manifest. Violations (exit 12, 13) are the
corpus's own findings and allowed here.

Slow (about 3 minutes in all here): ``pytest -m slow tests/corpus``. Timings are in
benchmarks/corpus.py (results/corpus.md), never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((Path(__file__).resolve().parent / "manifests").glob("*.yaml"))
DECIDED = {"HOLDS", "PROVED", "VIOLATED", "WITNESSED"}
#: Generous: a file has at most a dozen workloads, 60 s each; the run must stop by itself well before.
PROCESS_SECONDS = 60 * 15


def check(path: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    proc = subprocess.run(
        [sys.executable, "-m", "kubecheck.cli", "check", "-f", str(path), "--format", "json", "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=PROCESS_SECONDS,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode not in (1, 2), f"exit {proc.returncode}: {proc.stderr.strip()}"
    return proc, json.loads(proc.stdout)


def problems(doc: dict[str, Any]) -> list[str]:
    """Every row that is neither decided, nor not applicable, nor an honestly downsized witness."""
    out = []
    for w in doc["workloads"]:
        for row in w["properties"]:
            where = f"{w['object']} {row['property']} ({row['method']} at {row['checked_at']})"
            if row["reduced"] and " of " not in row["checked_at"]:
                out.append(f"{where}: reduced, but the size does not say so")
            if row["verdict"] in DECIDED or not row["applicable"]:
                continue
            note = row["note"] or ""
            if row["verdict"] == "INCONCLUSIVE" and row["reduced"] and note.startswith("not reached at the reduced"):
                continue
            out.append(f"{where}: {row['verdict']}: {note}")
    return out


def test_the_corpus_is_there() -> None:
    assert len(FILES) >= 50


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_every_workload_is_decided_or_honestly_downsized(path: Path) -> None:
    proc, doc = check(path)
    assert doc["workloads"], "no workload checked"
    assert problems(doc) == []
    assert proc.returncode == doc["exit_code"]
    assert proc.returncode != 14, "a witness the configuration cannot reach failed the run"
    # decided: no guarantee left INCONCLUSIVE (a witness not reached at a reduced size counts only under --strict)
    assert proc.returncode in (0, 12, 13)
