"""The command line: exact output, exit codes, documents, replay (click's CliRunner).

Pinned outputs live in ``tests/cli/expected/``; seconds are replaced by ``<s>`` first. A
deliberate format change regenerates them with ``KUBECHECK_UPDATE_EXPECTED=1 pytest tests/cli``
(then read the diff). Most runs use ``--scope tiny``: the small preset takes seconds per
exploration.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

from kubecheck.checker import run
from kubecheck.checker.explicit.bfs import EngineError, Progress
from kubecheck.cli import documents, main, trace_text
from kubecheck.cli.main import cli
from kubecheck.cli.progress import StatusLine
from kubecheck.model.controllers.deployment_names import pod_template_hash, replicaset_name
from kubecheck.model.kernel.commands import Command, Model
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.schema import int_field
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog
from kubecheck.checker.task import Task

EXPECTED = Path(__file__).parent / "expected"
API_MESSAGE = "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"


def kubecheck(*args: str):
    return CliRunner().invoke(cli, list(args))


def normalized(output: str) -> str:
    """Output with wall-clock seconds replaced (table column and summary)."""
    output = re.sub(r"(?m) +\d+\.\d\d$", "  <s>", output)
    return re.sub(r"in \d+\.\d\d s ·", "in <s> s ·", output)


def assert_expected(name: str, output: str) -> None:
    path = EXPECTED / name
    if os.environ.get("KUBECHECK_UPDATE_EXPECTED"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert output == path.read_text(encoding="utf-8")


def one_error_line(result) -> str:
    """The single ``Error: …`` line of a failed run (and nothing on stdout)."""
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0][len("Error: ") :]


# -- list ----------------------------------------------------------------------------------


def test_list_output_is_pinned():
    result = kubecheck("list")
    assert result.exit_code == 0
    assert result.stderr == ""
    assert_expected("list.txt", result.stdout)


@pytest.mark.parametrize("name", sorted(catalog.MODELS))
def test_list_of_one_model_is_its_section_of_the_listing(name):
    one = kubecheck("list", name)
    assert one.exit_code == 0
    table, section = one.stdout.split("\n\n", 1)
    assert table.splitlines()[1].startswith(f"{name} ") and len(table.splitlines()) == 2
    assert section in kubecheck("list").stdout


def test_list_statefulset_shows_its_liveness_properties_with_their_fairness():
    out = kubecheck("list", "statefulset").stdout
    assert "  statefulset.rolling_update_eventually_completes  (leads_to)\n" in out
    assert "  statefulset.scale_eventually_completes  (leads_to)\n" in out
    assert "      fairness: weak fairness of controller, kubelet and scheduler actions" in out
    assert "  broken-release " in out


def test_list_unknown_model_lists_the_models():
    result = kubecheck("list", "statefull")
    assert result.exit_code == 2
    assert one_error_line(result) == f"unknown model 'statefull'; models: {', '.join(catalog.MODELS)}"


# -- check: verdicts and exit codes ----------------------------------------------------------


def test_check_tiny_live_pods_is_pinned():
    result = kubecheck("check", "deployment", "deployment.live_pods_within_surge", "--scope", "tiny")
    assert result.exit_code == 12
    assert result.stderr == ""  # no progress line when stderr is not a terminal
    assert_expected("check_tiny_live_pods_within_surge.txt", normalized(result.stdout))


def test_replicas_within_surge_holds_with_distinct_states_and_transitions():
    args = ["--set", "replicas=3", "--set", "max-surge=1", "--set", "max-unavailable=0"]
    result = kubecheck("check", "deployment", "deployment.replicas_within_surge", *args)
    assert result.exit_code == 0
    model = catalog.model("deployment")
    scope = main.build_scope(model, "small", args[1::2], None)
    [expected] = run.check(Task(model, scope, catalog.properties("deployment", ["replicas_within_surge"])))
    s = expected.stats
    row = re.compile(
        rf"(?m)^replicas_within_surge +HOLDS +explicit +{s.states:,} +{s.transitions:,} +{s.depth} +\d+\.\d\d$"
    )
    assert row.search(result.stdout), result.stdout
    assert "scope     small, with max-unavailable=0\n" in result.stdout
    assert result.stdout.rstrip().endswith("exit 0 (ok)")


def test_live_pods_within_surge_is_violated_with_a_trace():
    result = kubecheck("check", "deployment", "deployment.live_pods_within_surge")
    assert result.exit_code == 12
    assert re.search(r"(?m)^live_pods_within_surge +VIOLATED ", result.stdout)
    assert "VIOLATED  deployment.live_pods_within_surge (" in result.stdout
    assert "  ⇒ violated at step " in result.stdout
    assert "  reproduce: kubecheck check deployment deployment.live_pods_within_surge --scope small\n" in result.stdout


def test_api_server_validation_message():
    result = kubecheck("check", "deployment", "--set", "max-surge=0", "--set", "max-unavailable=0")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {API_MESSAGE}\n"
    assert result.stdout == ""


def test_unknown_property_lists_the_valid_names():
    result = kubecheck("check", "deployment", "deployment.no_such_thing", "--scope", "tiny")
    assert result.exit_code == 2
    message = one_error_line(result)
    assert message.startswith("unknown property 'deployment.no_such_thing' of model deployment; properties: ")
    for prop in catalog.properties("deployment"):
        assert prop.name in message


def test_unknown_parameter_lists_the_valid_parameters():
    result = kubecheck("check", "deployment", "--set", "surge=1")
    assert result.exit_code == 2
    message = one_error_line(result)
    assert message.startswith("unknown parameter 'surge'; valid parameters: ")
    assert "max-surge" in message and "replicas" in message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--set", "replicas=abc"], "parameter replicas: expected an integer from 0 to 100000, got 'abc'"),
        (["--set", "replicas"], "--set expects NAME=VALUE, got 'replicas'"),
        (["--faults", "meteor"], "parameter faults: unknown fault 'meteor'; valid faults: crash, evict (or none)"),
        (["--faults", "crash", "--set", "faults=none"], "--faults and --set faults=… both given; use one of them"),
        (["--scope", "huge"], "unknown scope preset 'huge' of model deployment; presets: tiny, small, medium"),
        (
            ["--out", "/nonexistent-dir/report.txt"],
            "cannot write /nonexistent-dir/report.txt: no directory /nonexistent-dir",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = kubecheck("check", "deployment", *args)
    assert result.exit_code == 2
    assert one_error_line(result) == message


def test_unknown_model_is_exit_2():
    result = kubecheck("check", "daemonsett")
    assert result.exit_code == 2
    assert one_error_line(result) == f"unknown model 'daemonsett'; models: {', '.join(catalog.MODELS)}"


def test_faults_option_is_the_faults_parameter():
    result = kubecheck("check", "deployment", "availability_floor_with_crashes", "--scope", "tiny", "--faults", "crash")
    assert result.exit_code == 12
    assert "scope     tiny, with faults=crash\n" in result.stdout


def test_max_states_budget_is_inconclusive():
    result = kubecheck("check", "deployment", "replicas_within_surge", "--max-states", "100")
    assert result.exit_code == 10
    assert re.search(r"(?m)^replicas_within_surge +INCONCLUSIVE +explicit +\d", result.stdout)
    assert "search stopped early (max-states)" in result.stdout
    assert "budget    --max-states 100\n" in result.stdout
    assert "warning: possible vacuity" not in result.stdout  # coverage of a partial search says nothing


def test_engine_error_is_exit_1(monkeypatch):
    def broken(*args, **kwargs):
        raise EngineError("compiled and reference semantics differ at step 3")

    monkeypatch.setattr(run, "check", broken)
    result = kubecheck("check", "deployment", "--scope", "tiny")
    assert result.exit_code == 1
    assert one_error_line(result) == "internal error: compiled and reference semantics differ at step 3"


def test_unreachable_witness_is_exit_14(monkeypatch):
    from kubecheck.checker.result import Coverage, Result, Stats, Verdict

    def unreachable(model, scope, props, budget, progress=None, **engine_options):
        stats = Stats(12, 20, 4, 0.01, True, "exhausted")
        return [Result(p, Verdict.UNREACHABLE, scope, "explicit", stats, None, Coverage((), (), True)) for p in props]

    monkeypatch.setattr(run, "check", unreachable)
    result = kubecheck("check", "deployment", "rollout_can_complete", "--scope", "tiny")
    assert result.exit_code == 14
    assert re.search(r"(?m)^rollout_can_complete +UNREACHABLE +explicit +12 +20 +4 ", result.stdout)
    assert (
        "rollout_can_complete is UNREACHABLE: no reachable state shows that "
        "a rollout to an edited template can complete (witness)\n"
    ) in result.stdout
    assert result.stdout.rstrip().endswith("exit 14 (a witness is unreachable)")


def test_coverage_warning_names_commands_that_never_fired():
    result = kubecheck("check", "deployment", "revisions_unique", "--scope", "tiny")
    assert result.exit_code == 0
    warning = result.stdout.split("warning: possible vacuity", 1)[1]
    assert "deployment-controller.scale_deployment" in warning
    assert "fault.crash_pod" not in warning  # switched off by the scope: not a vacuity warning


# -- check: documents ------------------------------------------------------------------------

REPORT_KEYS = ["format", "model", "kubernetes", "preset", "scope", "budget", "results", "exit_code"]
RESULT_KEYS = [
    "property",
    "kind",
    "verdict",
    "engine",
    "assumes",
    "fairness",
    "scope",
    "note",
    "stats",
    "coverage",
    "trace",
]
STATS_KEYS = ["states", "transitions", "depth", "seconds", "states_per_second", "complete", "stop_reason"]
COVERAGE_KEYS = ["fired", "never_fired", "disabled", "complete"]
TRACE_KEYS = [
    "format",
    "model",
    "kubernetes",
    "scope",
    "property",
    "kind",
    "verdict",
    "preset",
    "initial",
    "steps",
    "loop",
]


def test_json_report_matches_the_documented_schema():
    result = kubecheck(
        "check", "deployment", "live_pods_within_surge", "revisions_unique", "--scope", "tiny", "--format", "json"
    )
    assert result.exit_code == 12
    doc = json.loads(result.stdout)
    assert list(doc) == REPORT_KEYS
    assert doc["format"] == "kubecheck.report/1" and doc["model"] == "deployment" and doc["exit_code"] == 12
    assert doc["scope"]["replicas"] == "2" and doc["preset"] == "tiny"
    violated, holds = doc["results"]
    for r in doc["results"]:
        assert list(r) == RESULT_KEYS
        assert list(r["stats"]) == STATS_KEYS
        assert list(r["coverage"]) == COVERAGE_KEYS
    assert (violated["property"], violated["verdict"], violated["kind"]) == (
        "deployment.live_pods_within_surge",
        "VIOLATED",
        "always",
    )
    assert (holds["verdict"], holds["trace"], holds["assumes"]) == ("HOLDS", None, None)
    assert violated["stats"]["states"] == 75 and violated["stats"]["complete"] is True
    trace = violated["trace"]
    assert list(trace) == TRACE_KEYS
    assert trace["format"] == "kubecheck.trace/1"
    assert (trace["property"], trace["verdict"], trace["preset"]) == (
        "deployment.live_pods_within_surge",
        "VIOLATED",
        "tiny",
    )
    assert [list(s) for s in trace["steps"][:1]] == [["index", "action", "actor", "kind", "changes"]]
    assert trace["steps"][0]["action"] == "user.edit_template"


def test_itf_output_is_one_json_document_per_trace():
    result = kubecheck(
        "check", "deployment", "live_pods_within_surge", "rollout_can_complete", "--scope", "tiny", "--format", "itf"
    )
    assert result.exit_code == 12
    docs = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(docs) == 2
    for doc in docs:
        assert set(doc) >= {"#meta", "vars", "states"}
        assert doc["#meta"]["format"] == "ITF"
        assert "mbt::actionTaken" in doc["vars"]
        assert doc["states"][0]["replicas"] == {"#bigint": "2"}
        assert doc["states"][0]["rs_replicas"] == [{"#bigint": "2"}, {"#bigint": "0"}]
        assert doc["states"][0]["paused"] is False
    assert [d["#meta"]["property"] for d in docs] == [
        "deployment.live_pods_within_surge",
        "deployment.rollout_can_complete",
    ]
    assert [d["#meta"]["verdict"] for d in docs] == ["VIOLATED", "WITNESSED"]


def test_itf_out_with_several_traces_names_files_after_properties(tmp_path):
    out = tmp_path / "out.itf.json"
    result = kubecheck(
        "check",
        "deployment",
        "live_pods_within_surge",
        "rollout_can_complete",
        "--scope",
        "tiny",
        "--format",
        "itf",
        "--out",
        str(out),
    )
    assert result.exit_code == 12
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "out.live_pods_within_surge.itf.json",
        "out.rollout_can_complete.itf.json",
    ]


def test_itf_out_with_one_trace_is_the_file(tmp_path):
    out = tmp_path / "t.itf.json"
    result = kubecheck(
        "check",
        "deployment",
        "live_pods_within_surge",
        "--scope",
        "tiny",
        "--format",
        "itf",
        "--out",
        str(out),
        "--quiet",
    )
    assert result.exit_code == 12
    assert (result.stdout, result.stderr) == ("", "")
    assert json.loads(out.read_text())["#meta"]["property"] == "deployment.live_pods_within_surge"


def test_text_out_writes_the_report_to_the_file(tmp_path):
    out = tmp_path / "report.txt"
    result = kubecheck("check", "deployment", "live_pods_within_surge", "--scope", "tiny", "--out", str(out))
    assert result.exit_code == 12
    assert result.stdout == ""
    assert result.stderr == f"wrote {out}\n"
    assert_expected("check_tiny_live_pods_within_surge.txt", normalized(out.read_text()))


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        ("out.itf.json", "out.live.itf.json"),
        ("dir/out.json", "dir/out.live.json"),
        ("traces.txt", "traces.live.txt"),
        ("traces", "traces.live"),
    ],
)
def test_numbered_path(out, expected):
    assert documents.numbered_path(out, "live") == expected


# -- replay ----------------------------------------------------------------------------------


def save(tmp_path: Path, fmt: str, *props: str) -> Path:
    out = tmp_path / f"trace.{fmt}.json"
    result = kubecheck("check", "deployment", *props, "--scope", "tiny", "--format", fmt, "--out", str(out), "-q")
    assert result.exit_code == 12
    return out


def test_replay_of_a_saved_json_report(tmp_path):
    path = save(tmp_path, "json", "live_pods_within_surge")
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0, result.stderr
    assert "verdict reproduced: VIOLATED" in result.stdout
    assert result.stdout.rstrip().endswith("1 trace replayed, 1 of 1 verdicts reproduced · exit 0")
    # the trace is rendered exactly as check renders it
    checked = (EXPECTED / "check_tiny_live_pods_within_surge.txt").read_text()
    block = checked[checked.index("VIOLATED  deployment.") : checked.index("  reproduce:")]
    assert block in result.stdout


def test_replay_of_a_saved_itf_trace(tmp_path):
    path = save(tmp_path, "itf", "live_pods_within_surge")
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0, result.stderr
    assert "verdict reproduced: VIOLATED" in result.stdout


def test_replay_of_a_trace_document_and_conversion_to_itf(tmp_path):
    report = json.loads(save(tmp_path, "json", "rollout_can_complete", "live_pods_within_surge").read_text())
    trace = tmp_path / "witness.json"
    trace.write_text(json.dumps(report["results"][0]["trace"]))
    result = kubecheck("replay", str(trace), "--format", "itf")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["#meta"]["verdict"] == "WITNESSED" and doc["#meta"]["preset"] == "tiny"
    again = tmp_path / "witness.itf.json"
    again.write_text(result.stdout)
    assert kubecheck("replay", str(again)).exit_code == 0


def test_replay_of_a_report_with_several_traces(tmp_path):
    path = save(tmp_path, "json", "live_pods_within_surge", "rollout_can_complete")
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0
    assert "2 traces replayed, 2 of 2 verdicts reproduced" in result.stdout


def test_replay_reads_standard_input(tmp_path):
    content = save(tmp_path, "itf", "live_pods_within_surge").read_text()
    result = CliRunner().invoke(cli, ["replay", "-", "--format", "json"], input=content)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["format"] == "kubecheck.trace/1" and doc["verdict"] == "VIOLATED"


def test_replay_of_an_edited_trace_is_one_line_and_exit_2(tmp_path):
    report = json.loads(save(tmp_path, "json", "live_pods_within_surge").read_text())
    trace = report["results"][0]["trace"]
    trace["steps"][1]["action"] = "kubelet.pod_ready(rs=1)"  # no pod of that ReplicaSet is running yet
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 2
    assert one_error_line(result) == f"{path}: step 2: kubelet.pod_ready(rs=1) is not enabled in the state before it"


def test_replay_of_an_edited_itf_state_is_exit_2(tmp_path):
    path = save(tmp_path, "itf", "live_pods_within_surge")
    doc = json.loads(path.read_text())
    doc["states"][2]["rs_replicas"] = [{"#bigint": "2"}, {"#bigint": "2"}]
    path.write_text(json.dumps(doc))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 2
    assert one_error_line(result) == f"{path}: states[2].rs_replicas: the file says (2, 2), the model computes (2, 1)"


def test_replay_of_a_cut_trace_does_not_reproduce_the_verdict(tmp_path):
    report = json.loads(save(tmp_path, "json", "live_pods_within_surge").read_text())
    trace = report["results"][0]["trace"]
    trace["steps"] = trace["steps"][:3]
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 1
    assert "verdict NOT reproduced" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "not a JSON document: Expecting value: line 1 column 1 (char 0)"),
        ("[1, 2]", "expected a JSON object at the top level, got list"),
        (
            '{"format": "kubecheck.trace/1", "model": "cronjob", "scope": {}}',
            f"field model: expected one of {', '.join(sorted(catalog.MODELS))}, got 'cronjob'",
        ),
    ],
)
def test_replay_of_bad_files_is_exit_2(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = kubecheck("replay", str(path))
    assert result.exit_code == 2
    assert one_error_line(result) == f"{path}: {message}"


def test_replay_of_a_missing_file_is_exit_2(tmp_path):
    result = kubecheck("replay", str(tmp_path / "missing.json"))
    assert result.exit_code == 2
    assert one_error_line(result) == f"cannot read {tmp_path / 'missing.json'}: No such file or directory"


# -- statefulset -----------------------------------------------------------------------------


def test_check_statefulset_force_delete_trace_is_pinned():
    """The split brain after a force delete, in Kubernetes words (issue 3 acceptance)."""
    result = kubecheck("check", "statefulset", "at_most_one_running_instance_with_force_delete", "--scope", "tiny")
    assert result.exit_code == 12
    assert result.stderr == ""
    assert_expected("check_statefulset_tiny_force_delete.txt", normalized(result.stdout))


def test_check_statefulset_broken_release_lasso_is_pinned():
    """A rolling update that waits for ever, and the user action nobody takes (issue 5 acceptance)."""
    result = kubecheck(
        "check", "statefulset", "rolling_update_eventually_completes_with_broken_release", "--scope", "tiny"
    )
    assert result.exit_code == 13
    assert_expected("check_statefulset_tiny_broken_release.txt", normalized(result.stdout))
    assert "↺ stays here for ever: no controller, kubelet or scheduler action is enabled" in result.stdout
    assert "kubectl delete pod web-1" in result.stdout
    assert result.stdout.rstrip().endswith("exit 13 (liveness violation)")


@pytest.mark.parametrize(
    ("props", "code"),
    [
        (["pods_created_in_ordinal_order", "pod_mounts_own_claim"], 0),
        (["rolling_update_eventually_completes", "scale_eventually_completes"], 0),
        (["set_deletion_is_unordered"], 0),
        (["pods_created_in_ordinal_order_under_parallel"], 12),
        (["condemned_claims_eventually_deleted"], 13),
        (["pods_created_in_ordinal_order_under_parallel", "condemned_claims_eventually_deleted"], 12),
    ],
)
def test_check_statefulset_exit_codes(props, code):
    result = kubecheck("check", "statefulset", *props, "--scope", "tiny")
    assert result.exit_code == code, result.stdout
    for prop in props:
        assert re.search(rf"(?m)^{prop} +(HOLDS|VIOLATED|WITNESSED) ", result.stdout)


def test_check_statefulset_speaks_kubernetes():
    result = kubecheck(
        "check",
        "statefulset",
        "pods_created_in_ordinal_order_under_parallel",
        "--scope",
        "tiny",
        "--set",
        "ordinals-start=3",
    )
    assert result.exit_code == 12
    assert "pod/web-3 created at revision web-" in result.stdout and "pod/web-4 created" in result.stdout
    assert "pvc/data-web-3 created (Bound)" in result.stdout
    assert "spec.ordinals.start 3" in result.stdout
    assert "pod_phase" not in result.stdout  # no raw field dumps


def test_statefulset_trace_shows_nodes_orphans_and_claims():
    result = kubecheck(
        "check",
        "statefulset",
        "at_most_one_running_instance_with_node_delete",
        "in_range_claims_kept",
        "--scope",
        "tiny",
    )
    assert result.exit_code == 12
    out = result.stdout
    for line in [
        "      nodes node-a Ready, node-b Ready\n",
        "  [fault] partition_node(node=node-a)\n      node/node-a Ready → partitioned (unreachable, containers still run)\n",
        "      node/node-a Node object deleted\n",
        "  [pod-gc] delete_orphaned_pod(pod=web-0, node=node-a)\n"
        "      pod/web-0 removed (was Running, not Ready on node-a)\n"
        "      containers of web-0 still run on node-a (pod object gone)\n",
        "      pvc/data-web-1 ownerReference → pod web-1 (whenScaled Delete)\n",
        "  [garbage-collector] delete_claim(claim=data-web-1)\n      pvc/data-web-1 deleted (garbage collector)\n",
    ]:
        assert line in out, line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--set", "partition=-1"],
            "spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0",
        ),
        (["--set", "broken-release=maybe"], "parameter broken-release: expected true or false, got 'maybe'"),
        (
            ["--faults", "meteor"],
            "parameter faults: unknown fault 'meteor'; valid faults: crash, evict, force-delete, "
            "partition, node-failure, node-delete (or none)",
        ),
    ],
)
def test_check_statefulset_bad_input_is_exit_2(args, message):
    result = kubecheck("check", "statefulset", *args)
    assert result.exit_code == 2
    assert one_error_line(result) == message


def save_statefulset(tmp_path: Path, fmt: str, prop: str, code: int, *args: str) -> Path:
    out = tmp_path / f"sts.{fmt}.json"
    result = kubecheck("check", "statefulset", prop, "--scope", "tiny", *args, "--format", fmt, "--out", str(out), "-q")
    assert result.exit_code == code
    return out


def test_replay_of_a_statefulset_lasso_in_json_and_itf(tmp_path):
    prop = "rolling_update_eventually_completes_with_broken_release"
    report = json.loads(save_statefulset(tmp_path, "json", prop, 13).read_text())
    trace = report["results"][0]["trace"]
    assert trace["loop"] == len(trace["steps"]) == 16  # a stutter: loops back to its last state
    result = kubecheck("replay", str(tmp_path / "sts.json.json"))
    assert result.exit_code == 0, result.stderr
    assert "verdict reproduced: VIOLATED" in result.stdout
    checked = (EXPECTED / "check_statefulset_tiny_broken_release.txt").read_text()
    block = checked[checked.index("VIOLATED  statefulset.") : checked.index("  reproduce:")]
    assert block in result.stdout
    itf = json.loads(save_statefulset(tmp_path, "itf", prop, 13).read_text())
    assert itf["loop"] == 16 and len(itf["states"]) == 17
    assert kubecheck("replay", str(tmp_path / "sts.itf.json")).exit_code == 0


def test_replay_of_a_cut_statefulset_lasso_does_not_reproduce(tmp_path):
    report = json.loads(
        save_statefulset(
            tmp_path,
            "json",
            "rollout_eventually_completes_with_broken_release".replace("rollout", "rolling_update"),
            13,
        ).read_text()
    )
    trace = report["results"][0]["trace"]
    trace["steps"] = trace["steps"][:-1]  # web-1 is still being started: the kubelet has work to do
    trace["loop"] = len(trace["steps"])
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 1
    assert "verdict NOT reproduced" in result.stdout


def test_replay_of_a_statefulset_safety_trace(tmp_path):
    path = save_statefulset(tmp_path, "json", "pods_created_in_ordinal_order_under_parallel", 12)
    result = kubecheck("replay", str(path))
    assert result.exit_code == 0
    assert "pod/web-1 created at revision web-" in result.stdout
    assert result.stdout.rstrip().endswith("1 trace replayed, 1 of 1 verdicts reproduced · exit 0")


def test_replay_of_a_statefulset_trace_with_a_disabled_step_is_exit_2(tmp_path):
    report = json.loads(
        save_statefulset(tmp_path, "json", "pods_created_in_ordinal_order_under_parallel", 12).read_text()
    )
    trace = report["results"][0]["trace"]
    trace["steps"].insert(0, {"action": "kubelet.start_pod(pod=0, node=0)"})
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(trace))
    result = kubecheck("replay", str(path))
    assert result.exit_code == 2
    assert (
        one_error_line(result)
        == f"{path}: step 1: kubelet.start_pod(pod=0, node=0) is not enabled in the state before it"
    )


# -- pieces ----------------------------------------------------------------------------------


def test_pod_template_hashes_are_stable_and_distinct():
    hashes = [pod_template_hash(t) for t in range(6)]
    assert len(set(hashes)) == 6
    safe = set("bcdfghjklmnpqrstvwxz2456789")  # k8s.io/apimachinery/pkg/util/rand.SafeEncodeString
    assert all(len(h) == 10 and set(h) <= safe for h in hashes)
    assert replicaset_name(0) == "web-" + hashes[0] == "web-fvmwplw9wt"
    assert replicaset_name(0, "uploader") == "uploader-" + pod_template_hash(0, "uploader") != "uploader-" + hashes[0]


@attrs.frozen
class ToyScope:
    limit: int = 3


@attrs.frozen
class ToyState:
    count: int = int_field(0, lambda sc: sc.limit, doc="the count")


TOY = Model(
    name="toy",
    title="counter",
    kubernetes="-",
    state_cls=ToyState,
    scope_cls=ToyScope,
    init=lambda sc: ToyState(0),
    commands=(
        Command(
            "controller.increment",
            lambda ops, sc, s: s.count < sc.limit,
            lambda ops, sc, s: {"count": s.count + 1},
            "count up",
        ),
        Command("user.reset", lambda ops, sc, s: s.count > 0, lambda ops, sc, s: {"count": 0}, "reset", kind="user"),
    ),
    quiescent=lambda ops, sc, s: True,
    presets={"tiny": ToyScope()},
)


def test_generic_describer_uses_the_schema_docs():
    trace = replay(TOY, ToyScope(), ["controller.increment", "controller.increment"])
    assert trace_text.steps(trace) == [
        "  0  initial state",
        "     the count (count) = 0",
        "  1  [controller] increment",
        "     the count (count) 0 → 1",
        "  2  [controller] increment",
        "     the count (count) 1 → 2",
    ]


def test_liveness_lasso_is_rendered_and_rechecked():
    trace = replay(TOY, ToyScope(), ["controller.increment", "user.reset"], loop=0)
    reaches_two = Property("toy.reaches_two", "eventually", "the count reaches 2", "-", lambda ops, sc, s: s.count == 2)
    reaches_one = Property("toy.reaches_one", "eventually", "the count reaches 1", "-", lambda ops, sc, s: s.count == 1)
    assert trace_text.steps(trace)[-1] == "     ↺ loops back to the initial state for ever"
    assert trace_text.conclusion(reaches_two, "VIOLATED", trace) == (
        "the run loops back to the initial state for ever, and the property never holds"
    )
    assert trace_text.evaluate(reaches_two, trace)
    assert not trace_text.evaluate(reaches_one, trace)
    # a finite liveness counterexample must end where no system action is enabled
    assert not trace_text.evaluate(reaches_two, replay(TOY, ToyScope(), ["controller.increment"]))


def test_status_line_draws_in_place_and_clears():
    stream = io.StringIO()
    line = StatusLine(stream, enabled=True, delay=0, width=200)
    line(Progress(states=1500, transitions=4000, depth=7, queued=300, seconds=2.0))
    assert stream.getvalue() == "\rexploring: 1,500 states, 4,000 transitions, depth 7, 300 queued, 750 states/s, 2 s"
    line.clear()
    assert stream.getvalue().endswith("\r" + " " * line_length(stream) + "\r")


def line_length(stream: io.StringIO) -> int:
    return len(stream.getvalue().split("\r")[1])


def test_status_line_fits_the_terminal():
    stream = io.StringIO()
    StatusLine(stream, enabled=True, delay=0, width=40)(Progress(1500, 4000, 7, 300, 2.0))
    assert stream.getvalue() == "\rexploring: 1,500 states, 4,000 transiti"


def test_status_line_waits_and_stays_quiet_when_disabled():
    stream = io.StringIO()
    StatusLine(stream, enabled=True, delay=60)(Progress(1, 1, 1, 1, 1.0))
    StatusLine(stream, enabled=False, delay=0)(Progress(1, 1, 1, 1, 1.0))
    assert stream.getvalue() == ""


def test_symbolic_engines_say_what_they_do_on_the_status_line():
    said: list[str] = []
    prop = catalog.properties("deployment", ["live_pods_within_surge"])
    model = catalog.model("deployment")
    run.check(Task(model, model.presets["tiny"], prop, engine="bmc", depth=6, status=said.append))
    assert said[0] == "bmc live_pods_within_surge: encoding, 0 s"
    assert said[1].startswith("bmc live_pods_within_surge: depth 0 of 6, ")
    said.clear()
    run.check(
        Task(
            model,
            model.presets["tiny"],
            catalog.properties("deployment", ["replicas_within_surge"]),
            engine="pdr",
            status=said.append,
        )
    )
    assert [s.split(": ")[1].rsplit(",", 1)[0] for s in said] == ["encoding", "Houdini on the stated lemmas"]
    stream = io.StringIO()
    StatusLine(stream, enabled=True, delay=0, width=200).say(said[-1])
    assert stream.getvalue() == "\r" + said[-1]


def test_python_dash_m_runs_the_same_command():
    done = subprocess.run([sys.executable, "-m", "kubecheck.cli", "list"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout == kubecheck("list").stdout


# -- symbolic engines through the CLI (issue 4) -------------------------------------------------


def test_pdr_for_all_replicas_proves_surge_and_writes_a_certificate_that_z3_rechecks(tmp_path):
    from kubecheck.checker.certify import run_smtlib

    cert = tmp_path / "surge.smt2"
    result = kubecheck(
        "check",
        "deployment",
        "replicas_within_surge",
        "--scope",
        "tiny",
        "--engine",
        "pdr",
        "--for-all",
        "replicas",
        "--certificate",
        str(cert),
    )
    assert result.exit_code == 0, result.output
    assert "PROVED" in result.stdout and "all values of replicas" in result.stdout
    answers = run_smtlib(cert.read_text())
    assert answers and all(a == "unsat" for a in answers), answers


def test_the_issue_4_acceptance_command_output_is_pinned():
    """The default scope (small), every strategy parameter symbolic: the proof by the stated lemmas."""
    result = kubecheck(
        "check",
        "deployment",
        "deployment.replicas_within_surge",
        "--engine",
        "pdr",
        "--for-all",
        "replicas,max-surge,max-unavailable",
    )
    assert result.exit_code == 0, result.output
    assert_expected("check_pdr_for_all_surge.txt", re.sub(r"\d+\.\d\d s\b", "<s> s", normalized(result.stdout)))


def test_a_for_all_parameter_one_property_scope_cannot_leave_open_is_inconclusive_with_the_reason():
    # the shared-claim properties place pods on two nodes, where deletions split over node-b in
    # tuples whose range grows with replicas: not foldable, so not decided for all values
    result = kubecheck(
        "check",
        "deployment",
        "replicas_within_surge",
        "rwo_volume_attached_to_one_node",
        "--scope",
        "tiny",
        "--engine",
        "pdr",
        "--for-all",
        "replicas",
    )
    assert result.exit_code == 10, result.output
    assert re.search(r"(?m)^replicas_within_surge +PROVED ", result.stdout)
    assert (
        "rwo_volume_attached_to_one_node (pdr): not decided: the actions of model deployment depend on replicas "
        "(the domain of replicaset-controller.sync_replicaset's parameter spread"
    ) in result.stdout


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("replicas=3..1", "--for-all replicas: expected a range LO..HI of integers with LO <= HI, got '3..1'"),
        ("replicas=x", "--for-all replicas: expected a range LO..HI of integers with LO <= HI, got 'x'"),
        ("replicas=1..", "--for-all replicas: expected a range LO..HI of integers with LO <= HI, got '1..'"),
        ("replica=1..2", "--for-all: unknown parameter 'replica'; parameters: name, replicas, ordinals-start, "),
    ],
)
def test_bad_for_all_ranges_are_one_line_errors(value, message):
    result = kubecheck("check", "statefulset", "pods_created_in_ordinal_order", "--engine", "kind", "--for-all", value)
    assert result.exit_code == 2
    assert one_error_line(result).startswith(message)


def test_a_range_of_a_per_ordinal_parameter_is_checked_instance_by_instance():
    result = kubecheck(
        "check",
        "statefulset",
        "pods_created_in_ordinal_order",
        "at_most_one_running_instance_with_force_delete",
        "--engine",
        "kind",
        "--for-all",
        "replicas=1..4",
    )
    assert result.exit_code == 12, result.output
    assert (
        "pods_created_in_ordinal_order (kind): PROVED for each of replicas 1..4 (4 instances, each by kind at its "
        "own size"
    ) in result.stdout
    assert "nothing is claimed outside that range" in result.stdout
    assert "at_most_one_running_instance_with_force_delete (kind): violated with replicas=1" in result.stdout
    assert (
        "reproduce: kubecheck check statefulset statefulset.at_most_one_running_instance_with_force_delete "
        "--scope small --set replicas=1"
    ) in result.stdout
    # a value of the range the scope rejects is named, with the sweep
    bad = kubecheck(
        "check", "daemonset", "new_node_gets_pod", "--scope", "tiny", "--engine", "kind", "--for-all", "nodes=1..3"
    )
    assert bad.exit_code == 2
    assert (
        one_error_line(bad)
        == "--for-all nodes 1..3: at nodes=1, joins: at most nodes - 1 = 0 nodes may join later, got 1"
    )


def test_for_all_with_the_explicit_engine_is_a_usage_error():
    result = kubecheck("check", "deployment", "replicas_within_surge", "--scope", "tiny", "--for-all", "replicas")
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: --for-all needs a symbolic engine: --engine pdr, bmc, kind or auto"


def test_auto_engine_names_the_engine_it_ran():
    result = kubecheck("check", "deployment", "revisions_unique", "--scope", "tiny", "--engine", "auto")
    assert result.exit_code == 0
    row = next(line for line in result.stdout.splitlines() if line.startswith("revisions_unique"))
    assert row.split()[1:3] == ["HOLDS", "explicit"]


# -- manifests through the CLI (issue 6) --------------------------------------------------------


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _stream() -> str:
    """The examples as one multi-document stream, as `helm template` would print them."""
    return "".join("---\n" + p.read_text() for p in sorted(EXAMPLES.glob("*.yaml")))


def test_check_f_reads_a_multi_document_stream_from_stdin():
    result = CliRunner().invoke(main.cli, ["check", "-f", "-"], input=_stream())
    from_dir = kubecheck("check", "-f", str(EXAMPLES))
    assert result.exit_code == from_dir.exit_code == 12  # the DaemonSet example's stuck rollout
    for workload in (
        "deployment/web",
        "deployment/grafana",
        "statefulset/postgres",
        "statefulset/cassandra",
        "daemonset/fluent-bit",
    ):
        assert workload in result.stdout


def test_check_f_junit_has_one_testcase_per_property():
    import xml.etree.ElementTree as ET

    result = kubecheck("check", "-f", str(EXAMPLES / "web-deployment.yaml"), "--format", "junit")
    root = ET.fromstring(result.stdout)
    names = [tc.get("name") for tc in root.iter("testcase")]
    assert "deployment.replicas_within_surge" in names and len(names) == len(set(names))


def test_check_f_invalid_manifest_gives_the_api_servers_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n"
        "  selector: {matchLabels: {app: web}}\n  strategy:\n    rollingUpdate: {maxSurge: 0, maxUnavailable: 0}\n"
        "  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: nginx}]}\n"
    )
    result = kubecheck("check", "-f", str(bad))
    assert result.exit_code == 2
    assert one_error_line(result).endswith(
        "deployment/web: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
    )


def test_model_and_manifests_together_is_a_usage_error():
    result = kubecheck("check", "deployment", "-f", str(EXAMPLES))
    assert result.exit_code == 2
    assert one_error_line(result) == "give a MODEL or -f manifests, not both"


def test_a_deployment_too_large_for_explicit_search_is_refused_with_the_way_out():
    result = kubecheck("check", "deployment", "replicas_within_surge", "--set", "replicas=1000")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "replicas 1000: the Deployment's state space grows about as replicas^4; explicit search is refused above 20 "
        "replicas; use --engine kind or pdr (symbolic, this instance), --engine auto, or give explicit search a budget "
        "(--max-states, --timeout)"
    )


def test_check_f_faults_adds_the_properties_that_assume_them():
    web = str(EXAMPLES / "web-deployment.yaml")
    quiet = json.loads(kubecheck("check", "-f", web, "--format", "json").stdout)
    crash = json.loads(kubecheck("check", "-f", web, "--format", "json", "--faults", "crash").stdout)
    checked = [{p["property"] for p in doc["workloads"][0]["properties"]} for doc in (quiet, crash)]
    assert checked[1] - checked[0] == {"deployment.availability_floor_with_crashes"}
    assert (quiet["faults"], crash["faults"]) == ([], ["crash"])
    skipped = {s["property"]: s["reason"] for s in quiet["workloads"][0]["skipped"]}
    assert skipped["deployment.availability_floor_with_crashes"] == "needs faults: crash (--faults crash)"
    text = kubecheck("check", "-f", web, "--faults", "crash")
    assert "(Kubernetes v1.35 semantics; user: one template edit; faults: crash)" in text.stdout.splitlines()[0]


def test_check_f_unknown_fault_is_exit_2():
    result = kubecheck("check", "-f", str(EXAMPLES / "web-deployment.yaml"), "--faults", "crash,meteor")
    assert result.exit_code == 2
    assert one_error_line(result) == (
        "--faults: expected a comma list of crash, evict, force-delete, partition, node-failure, "
        "node-delete (or all, none), got 'crash,meteor'"
    )


# -- daemonset -------------------------------------------------------------------------------


def test_check_daemonset_surge_eviction_trace_is_pinned():
    """Three pod objects on one node: an eviction while a surge rolls out, in DaemonSet words (issue 3)."""
    result = kubecheck(
        "check", "daemonset", "at_most_two_pods_per_node_while_surging_with_evictions", "--scope", "tiny"
    )
    assert result.exit_code == 12
    assert result.stderr == ""
    assert_expected("check_daemonset_tiny_surge_eviction.txt", normalized(result.stdout))
    assert "pod/agent-node-b-2 created for node-b at revision agent-" in result.stdout
    assert "(surge: beside agent-node-b)" in result.stdout


def test_check_daemonset_relabel_lasso_is_pinned():
    """A rollout stuck behind a Pending pod on a node that got a NoSchedule taint, and the delete nobody issues."""
    result = kubecheck(
        "check", "daemonset", "runs_on_every_eligible_node_with_relabels", "--scope", "tiny", "--set", "pod-deletes=1"
    )
    assert result.exit_code == 13
    assert_expected("check_daemonset_tiny_relabel_lasso.txt", normalized(result.stdout))
    assert "node/node-a tainted dedicated=infra:NoSchedule" in result.stdout
    assert "fairness requires none of them: kubectl delete pod agent-node-a" in result.stdout
    assert result.stdout.rstrip().endswith("exit 13 (liveness violation)")


def test_daemonset_traces_speak_kubernetes():
    result = kubecheck(
        "check",
        "daemonset",
        "new_node_gets_pod",
        "no_pod_on_ineligible_node",
        "runs_on_every_eligible_node_with_partition",
        "--scope",
        "small",
    )
    assert result.exit_code == 12  # a safety violation outranks the liveness one
    out = result.stdout
    for line in [
        "     nodes node-a Ready, node-b Ready, node-c not joined yet\n",
        "  1  [cluster] add_node(node=node-c)\n     node/node-c joined: Ready\n",
        "     pod/agent-node-c created for node-c at revision agent-",
        "  1  [user] relabel_node(node=node-a, to=ineligible)\n"
        "     node/node-a label daemon removed: agent pods there are to be deleted\n",
        "     node/node-a Ready → partitioned (unreachable, containers still run)\n",
        "fairness requires none of them: node-a\n    reconnecting, kubectl apply of a new template, node-c joining the cluster.\n",
    ]:
        assert line in out, line
    assert "node-c reconnecting" not in out  # a node that never joined is no machine to come back
    assert "pod_phase" not in out and "node_class" not in out  # no raw field dumps


def test_daemonset_user_commands_are_what_a_person_types():
    from kubecheck.model.kernel.commands import find_action
    from kubecheck.properties import catalog as cat

    model = cat.model("daemonset")
    scope = main.build_scope(
        model, "tiny", ["relabels=2", "leaves=1", "pod-deletes=1", "faults=force-delete,partition"], None
    )
    d = trace_text.describer(model, scope)
    actions = model.actions(scope)
    words = {
        label: d.user_command(find_action(actions, label))
        for label in [
            "user.relabel_node(node=1, to=1)",
            "user.relabel_node(node=1, to=2)",
            "user.relabel_node(node=1, to=0)",
            "user.remove_node(node=0)",
            "user.delete_pod(pod=2)",
            "fault.force_delete_pod(pod=0)",
            "node.reconnect(node=1)",
        ]
    }
    assert words == {
        "user.relabel_node(node=1, to=1)": "kubectl taint node node-b dedicated=infra:NoSchedule",
        "user.relabel_node(node=1, to=2)": "kubectl label node node-b daemon-",
        "user.relabel_node(node=1, to=0)": "kubectl label node node-b daemon=agent (or kubectl taint node node-b dedicated=infra:NoSchedule-)",
        "user.remove_node(node=0)": "kubectl delete node node-a (decommissioning the machine)",
        "user.delete_pod(pod=2)": "kubectl delete pod agent-node-b",
        "fault.force_delete_pod(pod=0)": "kubectl delete pod agent-node-a --grace-period=0 --force",
        "node.reconnect(node=1)": "node-b reconnecting",
    }


def test_replay_of_a_daemonset_lasso(tmp_path):
    out = tmp_path / "ds.json"
    result = kubecheck(
        "check",
        "daemonset",
        "runs_on_every_eligible_node_with_relabels",
        "--scope",
        "tiny",
        "--set",
        "pod-deletes=1",
        "--format",
        "json",
        "--out",
        str(out),
        "-q",
    )
    assert result.exit_code == 13
    replayed = kubecheck("replay", str(out))
    assert replayed.exit_code == 0, replayed.stderr
    assert "verdict reproduced: VIOLATED" in replayed.stdout
    checked = (EXPECTED / "check_daemonset_tiny_relabel_lasso.txt").read_text()
    assert checked[checked.index("VIOLATED  daemonset.") : checked.index("  reproduce:")] in replayed.stdout
