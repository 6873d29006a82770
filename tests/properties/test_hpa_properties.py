"""The HorizontalPodAutoscaler on a Deployment: pinned verdicts and counts, the inflation trace, the
engines' agreement at tiny, and the command line (issue 16 items 3-4).

Expected verdicts were read off the traces and checked against upstream by hand
(pkg/controller/podautoscaler/horizontal.go, replica_calculator.go; papers/disruption-actors.md 3.4):

* the autoscaler never writes above maxReplicas: ``reconcileAutoscaler`` writes maxReplicas when
  spec.replicas is above it and ``convertDesiredReplicasWithRules`` clamps every proposal;
* under per-pod load a rollout inflates the count: 2 replicas at 120% recommend 3, but once the
  surge pod is Ready the selector lists 3 Ready pods and the autoscaler writes ceil(1.2 x 3) = 4
  (kubernetes#72775); the trace shows the load change (``env.load_changes(to=1)``: 60% -> 120%)
  and the sync's missing-metrics choice (``hpa.reconcile(missing=0)``);
* under total demand the same extra pod lowers every pod's share and the count does not inflate
  (HOLDS, and 1-inductive: k-induction proves it at tiny);
* the apply/HPA fight is a witness: the manifest's replicas written over the autoscaler's, then
  the autoscaler's own again.
"""

from __future__ import annotations

import os
from functools import cache

import pytest
from click.testing import CliRunner

from kubecheck.checker import run
from kubecheck.checker.explicit import bfs as explicit
from kubecheck.checker.result import Result, Verdict
from kubecheck.checker.symbolic import bmc, kinduction
from kubecheck.checker.symbolic.encoder import Encoder
from kubecheck.checker.task import Task
from kubecheck.cli.main import cli
from kubecheck.model.controllers import hpa
from kubecheck.model.controllers.deployment import MODEL
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.scopes import with_settings
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog
from kubecheck.properties import hpa as hp

H, V, W = Verdict.HOLDS, Verdict.VIOLATED, Verdict.WITNESSED
SLOW = pytest.mark.skipif(not os.environ.get("KUBECHECK_SLOW"), reason="about a minute; set KUBECHECK_SLOW=1")
BY_NAME = {p.short.removeprefix("hpa."): p for p in hp.PROPERTIES}  # deployment.hpa.<short>
SETTINGS = {  # replicas_within_max and no_inflation_under_total_demand need the autoscaler set (else vacuous)
    "tiny": {"hpa-max-replicas": "4"},
    "tiny loads=120": {"hpa-max-replicas": "4", "hpa-loads": "120"},
}
#: verdict, states, transitions, trace length (steps) per scope and property; searches that decide
#: a violation or witness stop there, so their counts are the states explored until then
EXPECTED = {
    "tiny": {
        "replicas_within_max": (H, 50_477, 214_018, None),
        "no_inflation_during_rollout": (V, 131, 213, 8),
        "no_inflation_under_total_demand": (H, 14_717, 47_971, None),
        "autoscaler_undoes_apply": (W, 34, 42, 4),
    },
    "tiny loads=120": {
        "replicas_within_max": (H, 31_277, 135_150, None),
        "no_inflation_during_rollout": (V, 49, 73, 7),
        "no_inflation_under_total_demand": (H, 10_075, 33_238, None),
        "autoscaler_undoes_apply": (W, 17, 18, 3),
    },
}


def scope_of(name: str):
    return with_settings(MODEL.presets["tiny"], SETTINGS[name])


@cache
def result(name: str, short: str) -> Result:
    [r] = run.check(Task(MODEL, scope_of(name), [BY_NAME[short]]))
    return r


def test_every_property_is_pinned_and_registered() -> None:
    assert sorted(EXPECTED["tiny"]) == sorted(BY_NAME)
    names = [p.name for p in catalog.properties("deployment")]
    assert [p.name for p in hp.PROPERTIES] == [n for n in names if n.startswith("deployment.hpa.")]


@pytest.mark.parametrize(("name", "short"), [(n, s) for n in EXPECTED for s in EXPECTED[n]])
def test_verdict_counts_and_trace_length(name: str, short: str) -> None:
    r = result(name, short)
    verdict, states, transitions, length = EXPECTED[name][short]
    assert r.verdict is verdict, f"{short} at {name}: {r.verdict.value} {r.note}"
    assert (r.stats.states, r.stats.transitions) == (states, transitions)
    assert (len(r.trace.steps) if r.trace is not None else None) == length
    assert r.scope.has_hpa and r.scope.hpa_max_replicas == hp.DEFAULT_MAX and r.scope.scale_to == ()


def test_total_demand_row_names_its_load_model_and_the_other_row_keeps_the_users() -> None:
    assert result("tiny", "no_inflation_under_total_demand").scope.hpa_load_model == "total-demand"
    assert result("tiny", "no_inflation_during_rollout").scope.hpa_load_model == "per-pod"
    assert "total-demand" in BY_NAME["no_inflation_under_total_demand"].assumes
    assert "per-pod" in BY_NAME["no_inflation_during_rollout"].assumes


def test_inflation_trace_shows_the_load_choice_and_the_surge_pod_counted() -> None:
    r = result("tiny", "no_inflation_during_rollout")
    labels = r.trace.labels()
    assert labels[0] == "user.edit_template"
    assert "env.load_changes(to=1)" in labels  # 60% -> 120%: the load choice, in the trace
    assert labels[-1] == "hpa.reconcile(missing=0)"  # the metrics choice of the sync, in the trace
    again = replay(MODEL, r.scope, labels)
    assert again.states == r.trace.states
    before, after = again.states[-2], again.states[-1]
    assert r.scope.hpa_loads[before.hpa_load] == 120
    # 2 replicas, the surge pod Ready: the selector lists 3 Ready pods; ceil(1.2 x 3) = 4, not ceil(1.2 x 2) = 3
    assert (before.replicas, hpa.ready_pods(CONCRETE, before), hpa.unready_pods(CONCRETE, before)) == (2, 3, 0)
    assert (after.replicas, hp.steady_desired(CONCRETE, r.scope, before)) == (4, 3)
    assert not hp.no_inflation_during_rollout(CONCRETE, r.scope, before, after)


def test_apply_witness_shows_the_manifest_written_then_the_autoscalers_count() -> None:
    r = result("tiny", "autoscaler_undoes_apply")
    labels = r.trace.labels()
    assert "user.apply_manifest" in labels
    i = labels.index("user.apply_manifest")
    states = r.trace.states
    assert states[i].replicas != r.scope.replicas and states[i + 1].replicas == r.scope.replicas
    assert any(label.startswith("hpa.reconcile") for label in labels[i + 1 :])
    assert states[-1].replicas != r.scope.replicas


# -- explicit and symbolic engines agree at tiny --------------------------------------------------


def _bfs(short: str, settings: dict) -> Result:
    prop = BY_NAME[short]
    [r] = explicit.explore(MODEL, prop.adjust(with_settings(MODEL.presets["tiny"], settings)), [prop])
    return r


def _encoder(short: str, settings: dict) -> Encoder:
    return Encoder(MODEL, BY_NAME[short].adjust(with_settings(MODEL.presets["tiny"], settings)))


def test_within_max_is_one_inductive_and_bmc_never_says_holds() -> None:
    settings = {"hpa-max-replicas": "4"}
    assert _bfs("replicas_within_max", settings).verdict is H
    assert kinduction.decide(_encoder("replicas_within_max", settings), BY_NAME["replicas_within_max"], 1).verdict is (
        Verdict.PROVED
    )
    assert bmc.decide(_encoder("replicas_within_max", settings), BY_NAME["replicas_within_max"], 3).verdict is (
        Verdict.INCONCLUSIVE
    )


def test_the_exhaustive_rows_hold_vacuously_without_an_autoscaler_and_say_so() -> None:
    for short in ("replicas_within_max", "no_inflation_under_total_demand"):
        prop = catalog.properties("deployment", [f"hpa.{short}"])  # the catalog's row, with its trigger
        [r] = run.check(Task(MODEL, MODEL.presets["tiny"], prop))
        assert (r.verdict, r.scope.has_hpa, r.stats.states) == (H, False, 75)
        assert r.vacuity is not None and not r.vacuity.occurred, short


def test_total_demand_no_inflation_is_proved_by_k_induction_where_search_holds() -> None:
    settings = {"hpa-max-replicas": "4", "hpa-loads": "120"}
    short = "no_inflation_under_total_demand"
    assert _bfs(short, settings).verdict is H
    assert kinduction.decide(_encoder(short, settings), BY_NAME[short], 1).verdict is Verdict.PROVED


def test_apply_witness_found_by_bmc_at_the_breadth_first_depth() -> None:
    short = "autoscaler_undoes_apply"
    settings = {"hpa-loads": "120"}
    expected = _bfs(short, settings)
    found = bmc.decide(_encoder(short, settings), BY_NAME[short], len(expected.trace.steps), timeout=300)
    assert (found.verdict, len(found.trace.steps)) == (W, len(expected.trace.steps))
    assert replay(MODEL, found.trace.scope, found.trace.labels()).states == found.trace.states


@SLOW
def test_inflation_found_by_bmc_at_the_breadth_first_depth() -> None:
    short, prop = "no_inflation_during_rollout", BY_NAME["no_inflation_during_rollout"]
    settings = {"hpa-loads": "120", "hpa-missing-metrics": "0"}
    expected = _bfs(short, settings)
    found = bmc.decide(_encoder(short, settings), prop, len(expected.trace.steps), timeout=300)
    assert (found.verdict, len(found.trace.steps)) == (V, len(expected.trace.steps)) == (V, 7)
    [again] = explicit.explore(MODEL, found.trace.scope, [prop])
    assert again.verdict is V


# -- the command line ------------------------------------------------------------------------------


def test_cli_reports_the_inflation_with_the_load_choice() -> None:
    args = ["check", "deployment", "hpa.no_inflation_during_rollout"]
    result = CliRunner().invoke(cli, args + ["--set", "hpa-max-replicas=6", "--set", "hpa-load-model=per-pod"])
    assert result.exit_code == 12, result.output
    assert "VIOLATED  deployment.hpa.no_inflation_during_rollout" in result.stdout
    assert "[env] load_changes(to=1)" in result.stdout and "[hpa] reconcile(missing=" in result.stdout
    assert "load 120% (per-pod)" in result.stdout


def test_cli_refuses_a_max_below_min_with_the_api_servers_words() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "check",
            "deployment",
            "hpa.replicas_within_max",
            "--set",
            "hpa-max-replicas=2",
            "--set",
            "hpa-min-replicas=3",
        ],
    )
    assert result.exit_code == 2
    assert "spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`" in result.stderr
