"""Every example's verdicts match its expected-verdict file; the directory and a piped stream agree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kubecheck.cli import manifest_text
from kubecheck.manifest import check_manifests

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MANIFESTS = sorted(EXAMPLES.glob("*.yaml"))


def _verdicts(report) -> dict:
    return {w.workload.ref: {r.result.property.name: r.result.verdict.value for r in w.rows} for w in report.workloads}


def test_every_example_has_an_expected_verdict_file() -> None:
    assert len(MANIFESTS) >= 6
    for m in MANIFESTS:
        assert (EXAMPLES / f"{m.stem}.expected.json").is_file(), m.name


@pytest.mark.parametrize("manifest", MANIFESTS, ids=[m.stem for m in MANIFESTS])
def test_example_verdicts(manifest: Path) -> None:
    expected = json.loads((EXAMPLES / f"{manifest.stem}.expected.json").read_text())
    report = check_manifests([str(manifest)])
    assert _verdicts(report) == expected["workloads"]
    assert report.exit_code == expected["exit_code"]


def test_directory_and_piped_stream_give_the_same_verdicts() -> None:
    """`helm template … | kubecheck check -f -`: one multi-document stream."""
    stream = "\n---\n".join(m.read_text() for m in MANIFESTS)
    piped = check_manifests(["-"], stdin_text=stream)
    directory = check_manifests([str(EXAMPLES)])
    assert _verdicts(piped) == _verdicts(directory)
    expected = {}
    for m in MANIFESTS:
        expected.update(json.loads((EXAMPLES / f"{m.stem}.expected.json").read_text())["workloads"])
    assert _verdicts(directory) == expected
    codes = {json.loads((EXAMPLES / f"{m.stem}.expected.json").read_text())["exit_code"] for m in MANIFESTS}
    # checker.result.exit_code: a safety violation (12) outranks a liveness one (13), then 14, 10, 0
    assert directory.exit_code == next(c for c in (12, 13, 14, 10, 0) if c in codes or c == 0)
    text = manifest_text.render(directory)
    assert text.count("property") >= len(MANIFESTS) and "summary:" in text
