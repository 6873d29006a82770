"""Vacuity with the partitions on Ray (``check MODEL --workers 2 --ray``): the single process's rows.

The Ray actors run the same partition worker as the forked processes, given the same predicates,
the triggers' antecedents among them (checker/explicit/workers.py), so a vacuous HOLDS stays
vacuous with the same reason and a non-vacuous one stays plain. Run without an address: kubecheck
starts its own head in a private network namespace (test_ray.py covers that machinery, and skips
where Ray or the namespace is missing; so does this test).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cli_helpers import kubecheck
from test_ray import ROOT, RUN_SECONDS, _ray_or_skip

ORDER = ["check", "statefulset", "pods_removed_in_reverse_order", "--scope", "tiny", "--format", "json"]


def _vacuity(stdout: str) -> list[tuple[str, object, object]]:
    return [(r["verdict"], r["vacuous"], r["vacuity"]) for r in json.loads(stdout)["results"]]


@pytest.mark.slow
@pytest.mark.parametrize("settings", [["--set", "replicas=0"], []], ids=["vacuous", "plain"])
def test_ray_partitions_report_the_single_process_vacuity(settings: list[str]) -> None:
    _ray_or_skip()
    one = kubecheck(*ORDER, *settings)
    done = subprocess.run(
        [sys.executable, "-m", "kubecheck.cli", *ORDER, *settings, "--workers", "2", "--ray"],
        capture_output=True,
        text=True,
        timeout=RUN_SECONDS,
        cwd=ROOT,
    )
    assert done.returncode == one.exit_code == 0, done.stderr
    assert _vacuity(done.stdout) == _vacuity(one.stdout)
    assert _vacuity(done.stdout)[0][1] is (settings != [])
