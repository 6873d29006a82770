"""``pytest --kubecheck PATH``: manifests as test items (kubecheck.testing.pytest_plugin).

Each case runs pytest in-process with pytester on a small manifest and checks what a user sees:
the items collected (one per workload and property of ``check -f``'s selection), exactly the
rows ``check -f`` counts failing (examples/*.expected.json records its verdicts), the trace as
the failure message, skips with the reason, ``-k``, ``-x``, JUnit XML, the strict option, and
that the plugin does nothing at all without ``--kubecheck``.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kubecheck import manifest
from kubecheck.manifest import sizing

pytest_plugins = ["pytester"]

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: nodes=3, a nodeSelector: finished_or_stuck VIOLATED (counted); two caveats VIOLATED (not counted)
DAEMONSET = "log-collector-daemonset"

ONE_REPLICA = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: single
spec:
  replicas: 1
  selector:
    matchLabels: {app: single}
  template:
    metadata:
      labels: {app: single}
    spec:
      containers:
        - name: app
          image: nginx:1.27
"""


def copy_example(pytester: pytest.Pytester, name: str) -> Path:
    target = pytester.path / "k8s"
    target.mkdir(exist_ok=True)
    shutil.copy(EXAMPLES / f"{name}.yaml", target / f"{name}.yaml")
    return target / f"{name}.yaml"


def selected(name: str) -> int:
    """How many rows ``check -f`` gives an example (one workload): its selection of properties."""
    [w] = manifest.load_workloads([EXAMPLES / f"{name}.yaml"])[0]
    return len(sizing.select(w)[0])


def counted_failing(name: str) -> set[str]:
    """The rows ``check -f`` counts as failures for an example (its recorded verdicts; caveats do not count)."""
    expected = json.loads((EXAMPLES / f"{name}.expected.json").read_text())
    [w] = manifest.load_workloads([EXAMPLES / f"{name}.yaml"])[0]
    props = {p.name: p for p in sizing.select(w)[0]}
    [rows] = expected["workloads"].values()
    return {n for n, v in rows.items() if v in ("VIOLATED", "UNREACHABLE") and not sizing.is_caveat(props[n])}


def test_without_kubecheck_the_plugin_is_inert(pytester: pytest.Pytester) -> None:
    copy_example(pytester, DAEMONSET)
    pytester.makepyfile(
        test_plain="""
        def test_plain(pytestconfig):
            assert pytestconfig.pluginmanager.get_plugin("kubecheck-run") is None
        """
    )
    result = pytester.runpytest_inprocess(".")
    result.assert_outcomes(passed=1)
    assert "collected 1 item" in result.stdout.str()  # the manifests under k8s/ are not test files
    assert not [line for line in result.stdout.lines if line.startswith("kubecheck:")]  # no header line either


def test_the_manifests_alone_are_collected_unless_test_paths_are_given_too(pytester: pytest.Pytester) -> None:
    (pytester.path / "single.yaml").write_text(ONE_REPLICA)
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    alone = pytester.runpytest_inprocess("--kubecheck", "single.yaml", "--collect-only", "-q")
    ids = [line for line in alone.stdout.lines if "::" in line]
    assert ids and all(i.startswith("single.yaml::Deployment/single::deployment.") for i in ids)
    both = pytester.runpytest_inprocess("test_plain.py", "--kubecheck", "single.yaml", "--collect-only", "-q")
    assert [line for line in both.stdout.lines if "::" in line] == ["test_plain.py::test_plain", *ids]


def test_each_workload_and_property_is_one_item(pytester: pytest.Pytester) -> None:
    path = copy_example(pytester, DAEMONSET)
    (pytester.path / "k8s" / "single.yaml").write_text(ONE_REPLICA)
    (pytester.path / "k8s" / "config.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    result = pytester.runpytest_inprocess("--kubecheck", "k8s", "--collect-only", "-q")
    expected = [
        f"k8s/{Path(w.obj.meta.where.split(' (')[0]).name}::{w.obj.meta.kind}/{w.obj.meta.name}::{p.name}"
        for w in manifest.load_workloads([pytester.path / "k8s"])[0]
        for p in sizing.select(w)[0]
    ]
    ids = [line for line in result.stdout.lines if "::" in line]
    assert sorted(ids) == sorted(expected)
    assert f"k8s/{path.name}::DaemonSet/fluent-bit::daemonset.finished_or_stuck" in ids
    assert not any("config.yaml" in i for i in ids)  # a file without workloads is no test file
    assert len(ids) == selected(DAEMONSET) + len(
        sizing.select(manifest.load_workloads([pytester.path / "k8s" / "single.yaml"])[0][0])[0]
    )


def test_exactly_the_rows_check_f_counts_fail_with_the_trace_as_message(pytester: pytest.Pytester) -> None:
    copy_example(pytester, DAEMONSET)
    result = pytester.runpytest_inprocess("--kubecheck", "k8s", "--junitxml=report.xml", "-rf")
    failing = counted_failing(DAEMONSET)
    assert failing == {"daemonset.finished_or_stuck"}
    result.assert_outcomes(passed=selected(DAEMONSET) - len(failing), failed=len(failing))
    out = result.stdout.str()
    assert "FAILED k8s/log-collector-daemonset.yaml::DaemonSet/fluent-bit::daemonset.finished_or_stuck" in out
    # the message is the trace in Kubernetes words, not a Python traceback
    for words in (
        "VIOLATED by explicit, checked at nodes=3",
        "[user] edit_template",
        "⇒ stuck at step",
        "reproduce: kubecheck check -f k8s/log-collector-daemonset.yaml",
    ):
        assert words in out
    assert "Traceback" not in out and "KubecheckFailure" not in out
    suite = ET.parse(pytester.path / "report.xml").getroot().find("testsuite")
    assert suite is not None and suite.get("failures") == "1" and suite.get("tests") == str(selected(DAEMONSET))
    [failure] = suite.iter("failure")
    assert "[user] edit_template" in (failure.text or failure.get("message") or "")


def test_strict_fails_the_caveats_too(pytester: pytest.Pytester) -> None:
    copy_example(pytester, DAEMONSET)
    result = pytester.runpytest_inprocess(
        "--kubecheck", "k8s", "--kubecheck-strict", "-k", "ineligible_node or stuck or availability"
    )
    result.assert_outcomes(passed=1, failed=2, deselected=selected(DAEMONSET) - 3)
    assert "caveat: not guaranteed by Kubernetes" in result.stdout.str()


def test_k_checks_only_the_selected_property_and_not_applicable_is_skipped(pytester: pytest.Pytester) -> None:
    (pytester.path / "single.yaml").write_text(ONE_REPLICA)
    result = pytester.runpytest_inprocess(
        "--kubecheck", "single.yaml", "-k", "replicas_within_surge or scales_proportionally", "-rs"
    )
    result.assert_outcomes(passed=1, skipped=1, deselected=len(sizing.select(_single(pytester))[0]) - 2)
    out = result.stdout.str()
    assert "paused_deployment_scales_proportionally" in out or "not applicable" in out
    assert "not applicable: not reached in any run of this configuration" in out


def _single(pytester: pytest.Pytester):  # type: ignore[no-untyped-def]
    return manifest.load_workloads([pytester.path / "single.yaml"])[0][0]


def test_inconclusive_is_skipped_and_fails_only_under_strict(pytester: pytest.Pytester) -> None:
    (pytester.path / "single.yaml").write_text(ONE_REPLICA)
    args = ["--kubecheck", "single.yaml", "-k", "revisions_unique", "--kubecheck-engine", "explicit"]
    args += ["--kubecheck-max-states", "2", "-rs"]
    result = pytester.runpytest_inprocess(*args)
    result.assert_outcomes(skipped=1, deselected=len(sizing.select(_single(pytester))[0]) - 1)
    assert "INCONCLUSIVE" in result.stdout.str()
    strict = pytester.runpytest_inprocess(*args, "--kubecheck-strict")
    strict.assert_outcomes(failed=1, deselected=len(sizing.select(_single(pytester))[0]) - 1)
    assert "--kubecheck-strict counts it" in strict.stdout.str()


def test_x_stops_at_the_first_failure(pytester: pytest.Pytester) -> None:
    (pytester.path / "single.yaml").write_text(ONE_REPLICA)
    args = [
        "--kubecheck",
        "single.yaml",
        "--kubecheck-engine",
        "explicit",
        "--kubecheck-max-states",
        "2",
    ]
    result = pytester.runpytest_inprocess(*args, "--kubecheck-strict", "-x", "-k", "revisions_unique or surge")
    # every row is INCONCLUSIVE, a failure under strict: the first stops the run
    result.assert_outcomes(failed=1, deselected=len(sizing.select(_single(pytester))[0]) - 4)


def test_a_rejected_document_is_a_failing_item_and_the_good_ones_are_checked(pytester: pytest.Pytester) -> None:
    (pytester.path / "bad.yaml").write_text(
        ONE_REPLICA + "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken}\nspec: {replicas: -1}\n"
    )
    result = pytester.runpytest_inprocess("--kubecheck", "bad.yaml", "--collect-only", "-q")
    ids = [line for line in result.stdout.lines if "::" in line]
    assert "bad.yaml::rejected document 2" in ids
    assert any(i.startswith("bad.yaml::Deployment/single::") for i in ids)
    run = pytester.runpytest_inprocess("--kubecheck", "bad.yaml", "-k", "rejected")
    run.assert_outcomes(failed=1, deselected=len(ids) - 1)
    assert "rejected (not checked; kubecheck check -f exits 2): bad.yaml (document 2)" in run.stdout.str()


def test_bad_options_are_usage_errors(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_inprocess("--kubecheck", "missing-dir")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--kubecheck: cannot read missing-dir" in result.stderr.str()
    (pytester.path / "single.yaml").write_text(ONE_REPLICA)
    result = pytester.runpytest_inprocess("--kubecheck", "single.yaml", "--kubecheck-faults", "lightning")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--kubecheck-faults" in result.stderr.str()


def test_a_spent_time_budget_leaves_rows_inconclusive_never_passing(pytester: pytest.Pytester) -> None:
    (pytester.path / "single.yaml").write_text(ONE_REPLICA)
    result = pytester.runpytest_inprocess(
        "--kubecheck", "single.yaml", "-k", "revisions_unique or rollout_can_complete", "--kubecheck-timeout", "0.001"
    )
    result.assert_outcomes(skipped=2, deselected=len(sizing.select(_single(pytester))[0]) - 2)
