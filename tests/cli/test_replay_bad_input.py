"""``kubecheck replay`` as a checker: tampered traces do not reproduce (exit 3), bad ones exit 2.

Every case edits a trace that ``kubecheck check`` saved (JSON ``kubecheck.trace/1`` or ITF) and
asserts the exit code and the one ``Error:`` line naming the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import kubecheck, one_error_line

from kubecheck.cli.replay_command import NOT_REPRODUCED
from kubecheck.model.kernel.traces import MAX_DIGITS

Doc = dict
Edit = Callable[[Doc], object]


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Doc]:
    """A JSON trace and an ITF trace of deployment.live_pods_within_surge at --scope tiny."""
    tmp = tmp_path_factory.mktemp("saved")
    out = {}
    for fmt in ("json", "itf"):
        path = tmp / f"trace.{fmt}"
        args = ["check", "deployment", "live_pods_within_surge", "--scope", "tiny", "--format", fmt]
        assert kubecheck(*args, "--out", str(path), "-q").exit_code == 12
        doc = json.loads(path.read_text())
        out[fmt] = doc["results"][0]["trace"] if fmt == "json" else doc
    return out


def replay_edited(tmp_path: Path, doc: Doc, edit: Edit | None = None, raw: str | None = None):
    doc = json.loads(json.dumps(doc))
    if edit is not None:
        edit(doc)
    path = tmp_path / "edited.json"
    path.write_text(raw if raw is not None else json.dumps(doc))
    return path, kubecheck("replay", str(path))


def test_exit_3_is_documented_in_the_help():
    result = kubecheck("replay", "--help")
    assert "3 a trace does not reproduce" in " ".join(result.stdout.split())
    assert NOT_REPRODUCED == 3


def test_the_saved_traces_reproduce(tmp_path, saved):
    for doc in saved.values():
        path, result = replay_edited(tmp_path, doc)
        assert result.exit_code == 0, result.stderr
        first = f"replayed  {path}: every step is enabled and every recorded field is what the re-run gives"
        assert result.stdout.splitlines()[0] == first


# -- tampered traces: well-formed, but the re-run differs (exit 3) -----------------------------


def set_change(i: int, field: str, pair: list) -> Edit:
    return lambda d: d["steps"][i]["changes"].__setitem__(field, pair)


def drop_change(i: int, field: str) -> Edit:
    return lambda d: d["steps"][i]["changes"].pop(field)


def set_in(*keys_and_value) -> Edit:
    *keys, value = keys_and_value

    def edit(d: Doc) -> None:
        for k in keys[:-1]:
            d = d[k]
        d[keys[-1]] = value

    return edit


TAMPERED_JSON = [
    pytest.param(
        set_change(0, "template", [0, 2]),
        "steps[0].changes.template: the file says 0 -> 2, the re-run gives 0 -> 1",
        id="changes-value",
    ),
    pytest.param(
        drop_change(1, "rs_replicas"),
        "steps[1].changes: the file leaves out rs_replicas, the re-run changes it (2, 0) -> (2, 1)",
        id="changes-left-out",
    ),
    pytest.param(
        set_change(0, "paused", [False, True]),
        "steps[0].changes.paused: the file says False -> True, the re-run leaves it False",
        id="changes-invented",
    ),
    pytest.param(
        set_in("initial", "replicas", 3),
        "initial.replicas: the file says 3, the model computes 2",
        id="initial-state",
    ),
    pytest.param(
        set_in("scope", "replicas", "3"),
        "initial.replicas: the file says 2, the model computes 3",
        id="scope-replicas",
    ),
    pytest.param(
        set_in("scope", "max-surge", "2"),
        "step 9: deployment-controller.scale_new_replicaset is not enabled in the state before it",
        id="scope-max-surge",
    ),
    pytest.param(
        set_in("steps", 2, "actor", "kubelet"),
        'steps[2].actor: the file says "kubelet", the re-run gives "replicaset-controller"',
        id="step-actor",
    ),
    pytest.param(
        set_in("steps", 0, "kind", "system"),
        'steps[0].kind: the file says "system", the re-run gives "user"',
        id="step-kind",
    ),
    pytest.param(
        set_in("steps", 1, "index", 7), "steps[1].index: the file says 7, the re-run gives 2", id="step-index"
    ),
    pytest.param(
        set_in("kind", "sometimes"),
        "field kind: deployment.live_pods_within_surge is of kind always, the file says 'sometimes'",
        id="kind",
    ),
    pytest.param(
        set_in("property", "deployment.availability_floor_with_crashes"),
        "field scope.faults: deployment.availability_floor_with_crashes is checked with faults=crash, "
        "the file says 'none'",
        id="scope-not-the-propertys",
    ),
    pytest.param(
        set_in("kubernetes", "v1.20"),
        'field kubernetes: the file says "v1.20", model deployment follows v1.35',
        id="kubernetes",
    ),
]


@pytest.mark.parametrize(("edit", "message"), TAMPERED_JSON)
def test_a_tampered_json_trace_does_not_reproduce(tmp_path, saved, edit, message):
    path, result = replay_edited(tmp_path, saved["json"], edit)
    assert (result.exit_code, one_error_line(result)) == (NOT_REPRODUCED, f"{path}: {message}")


def set_state(i: int, field: str, value) -> Edit:
    return lambda d: d["states"][i].__setitem__(field, value)


TAMPERED_ITF = [
    pytest.param(
        set_state(0, "replicas", {"#bigint": "3"}),
        "states[0].replicas: the file says 3, the model computes 2",
        id="initial-state",
    ),
    pytest.param(
        set_state(5, "running", [{"#bigint": "0"}, {"#bigint": "0"}]),
        "states[5].running: the file says (0, 0), the model computes (0, 1)",
        id="later-state",
    ),
    pytest.param(
        set_in("#meta", "scope", "replicas", "3"),
        "states[0].replicas: the file says 2, the model computes 3",
        id="scope",
    ),
    pytest.param(
        set_in("states", 2, "#meta", "actor", "user"),
        'states[2].#meta.actor: the file says "user", the re-run gives "deployment-controller"',
        id="meta-actor",
    ),
    pytest.param(
        set_in("states", 3, "#meta", "action", "user.edit_template"),
        'states[3].#meta.action: the file says "user.edit_template", the re-run gives '
        '"replicaset-controller.sync_replicaset(rs=1, from_ready=0)"',
        id="meta-action",
    ),
    pytest.param(
        set_in("states", 0, "mbt::actionTaken", "user.edit_template"),
        'states[0].mbt::actionTaken: the file says "user.edit_template", the initial state\'s is "init"',
        id="init-label",
    ),
    pytest.param(
        set_in("vars", ["replicas"]),
        None,
        id="vars",
    ),
    pytest.param(
        set_in("states", 1, "mbt::actionTaken", "user.rollout_pause"),
        "step 1: 'user.rollout_pause' is not an action of model deployment in this scope",
        id="unknown-action",
    ),
    pytest.param(
        set_in("#meta", "verdict", "WITNESSED"),
        "field verdict: a trace of the always property deployment.live_pods_within_surge shows VIOLATED, "
        "got 'WITNESSED'",
        id="verdict",
    ),
]


@pytest.mark.parametrize(("edit", "message"), TAMPERED_ITF)
def test_a_tampered_itf_trace_does_not_reproduce(tmp_path, saved, edit, message):
    path, result = replay_edited(tmp_path, saved["itf"], edit)
    assert result.exit_code == NOT_REPRODUCED
    line = one_error_line(result)
    if message is None:
        assert line.startswith(f'{path}: field vars: the file says ["replicas"], the model\'s are [')
    else:
        assert line == f"{path}: {message}"


def test_a_cut_trace_shows_what_does_not_reproduce_and_exits_3(tmp_path, saved):
    _, result = replay_edited(tmp_path, saved["json"], lambda d: d.__setitem__("steps", d["steps"][:3]))
    assert result.exit_code == NOT_REPRODUCED
    assert "⇒ verdict NOT reproduced: the trace claims VIOLATED" in result.stdout
    assert result.stdout.rstrip().endswith("1 trace replayed, 0 of 1 verdicts reproduced · exit 3")


# -- bad input: not a readable trace (exit 2, one line naming the field) -----------------------


def bigint(digits: str) -> Edit:
    return set_state(1, "replicas", {"#bigint": digits})


BAD_ITF = [
    pytest.param(
        bigint("two"),
        'states[1].replicas: expected #bigint to be a decimal integer string, got "two"',
        id="bigint-word",
    ),
    pytest.param(
        bigint("1.5"),
        'states[1].replicas: expected #bigint to be a decimal integer string, got "1.5"',
        id="bigint-float-text",
    ),
    pytest.param(
        bigint(""), 'states[1].replicas: expected #bigint to be a decimal integer string, got ""', id="bigint-empty"
    ),
    pytest.param(
        set_state(1, "replicas", {"#bigint": 2}),
        "states[1].replicas: expected #bigint to be a decimal integer string, got 2",
        id="bigint-number",
    ),
    pytest.param(
        bigint("9" * 5000),
        f"states[1].replicas: expected an integer of at most {MAX_DIGITS} digits, got one of 5000",
        id="bigint-5000-digits",
    ),
    pytest.param(
        set_state(1, "replicas", {"#bigint": "2", "x": 1}),
        """states[1].replicas: expected {"#bigint": "<decimal>"}, got an object with keys ['#bigint', 'x']""",
        id="bigint-extra-key",
    ),
    pytest.param(
        set_state(1, "replicas", "2"),
        'states[1].replicas: expected {"#bigint": "<decimal>"}, got the string "2"',
        id="int-as-string",
    ),
    pytest.param(
        set_state(1, "replicas", True),
        'states[1].replicas: expected {"#bigint": "<decimal>"}, got a boolean',
        id="int-as-bool",
    ),
    pytest.param(set_state(1, "paused", 0), "states[1].paused: expected a boolean, got an integer", id="bool-as-int"),
    pytest.param(
        set_state(1, "rs_replicas", [{"#bigint": "2"}]),
        "states[1].rs_replicas: expected an array of 2, got an array of 1",
        id="short-array",
    ),
    pytest.param(
        set_state(1, "rs_replicas", None), "states[1].rs_replicas: expected an array of 2, got null", id="array-null"
    ),
    pytest.param(lambda d: d["states"][2].pop("ready"), "states[2]: missing state field 'ready'", id="missing-field"),
    pytest.param(
        set_state(2, "colour", "blue"), "states[2]: 'colour' is not a state field of this model", id="unknown-field"
    ),
    pytest.param(
        lambda d: d["states"][2].pop("mbt::actionTaken"),
        "states[2]: missing key 'mbt::actionTaken'",
        id="missing-action",
    ),
    pytest.param(
        set_state(2, "mbt::actionTaken", 5),
        "states[2].mbt::actionTaken: expected a string, got an integer",
        id="action-number",
    ),
    pytest.param(
        set_in("states", 2, "oops"), 'states[2]: expected an object, got the string "oops"', id="state-not-object"
    ),
    pytest.param(set_in("states", {}), "field states: expected an array of states, got an object", id="states-object"),
    pytest.param(
        lambda d: d.__setitem__("states", d["states"][:1]),
        "field steps: expected at least one step (deployment.live_pods_within_surge is not VIOLATED at the "
        "initial state), got none",
        id="no-steps",
    ),
    pytest.param(
        set_in("states", []),
        "field states: expected the initial state and the state after each step, got none",
        id="no-states",
    ),
    pytest.param(set_in("loop", 99), "field loop: expected an index from 0 to 10, got 99", id="loop-out-of-range"),
    pytest.param(set_in("loop", True), "field loop: expected an integer or null, got a boolean", id="loop-bool"),
    pytest.param(set_in("#meta", []), "field #meta: expected an object, got an array of 0", id="meta-array"),
    pytest.param(
        set_in("states", 1, "#meta", "index", 1.0),
        "states[1].#meta.index: expected an integer, got the number 1.0",
        id="meta-index-float",
    ),
    pytest.param(
        set_in("states", 1, "#meta", 3), "states[1].#meta: expected an object, got an integer", id="state-meta-number"
    ),
]


@pytest.mark.parametrize(("edit", "message"), BAD_ITF)
def test_a_bad_itf_trace_is_one_line_and_exit_2(tmp_path, saved, edit, message):
    path, result = replay_edited(tmp_path, saved["itf"], edit)
    assert (result.exit_code, one_error_line(result)) == (2, f"{path}: {message}")


BAD_JSON = [
    pytest.param(
        set_in("steps", []),
        "field steps: expected at least one step (deployment.live_pods_within_surge is not VIOLATED at the "
        "initial state), got none",
        id="no-steps",
    ),
    pytest.param(
        lambda d: [d.__setitem__("steps", []), *(d.pop(k) for k in ("property", "kind", "verdict"))],
        "field steps: expected at least one step, got none",
        id="no-steps-no-property",
    ),
    pytest.param(
        set_in("steps", "all"), 'field steps: expected an array of steps, got the string "all"', id="steps-string"
    ),
    pytest.param(lambda d: d.pop("steps"), "missing key 'steps'", id="missing-steps"),
    pytest.param(lambda d: d.pop("initial"), "missing key 'initial'", id="missing-initial"),
    pytest.param(lambda d: d.pop("scope"), "missing key 'scope'", id="missing-scope"),
    pytest.param(lambda d: d.pop("loop"), "missing key 'loop'", id="missing-loop"),
    pytest.param(lambda d: d["steps"][1].pop("changes"), "steps[1]: missing key 'changes'", id="missing-changes"),
    pytest.param(lambda d: d["steps"][1].pop("actor"), "steps[1]: missing key 'actor'", id="missing-actor"),
    pytest.param(
        set_in("steps", 1, "index", "2"), 'steps[1].index: expected an integer, got the string "2"', id="index-string"
    ),
    pytest.param(
        set_in("steps", 1, "index", True), "steps[1].index: expected an integer, got a boolean", id="index-bool"
    ),
    pytest.param(set_in("steps", 1, "kind", None), "steps[1].kind: expected a string, got null", id="kind-null"),
    pytest.param(
        set_in("steps", 1, "action", 3), "steps[1].action: expected a string, got an integer", id="action-number"
    ),
    pytest.param(
        set_in("steps", 1, "changes", []), "steps[1].changes: expected an object, got an array of 0", id="changes-array"
    ),
    pytest.param(
        set_change(1, "rs_replicas", [[2, 0]]),
        "steps[1].changes.rs_replicas: expected [before, after], got an array of 1",
        id="changes-not-a-pair",
    ),
    pytest.param(
        set_change(1, "colour", [0, 1]),
        "steps[1].changes: 'colour' is not a state field of model deployment",
        id="changes-unknown-field",
    ),
    pytest.param(
        set_change(1, "rs_exists", [[True, False], [True, 1]]),
        "steps[1].changes.rs_exists[1][1]: expected a boolean, got an integer",
        id="changes-type",
    ),
    pytest.param(
        set_change(0, "template", [0, 1.0]),
        "steps[0].changes.template[1]: expected an integer, got the number 1.0",
        id="changes-float",
    ),
    pytest.param(
        set_change(0, "template", [0, 10**40]),
        f"steps[0].changes.template[1]: expected an integer of at most {MAX_DIGITS} digits, got one of 41",
        id="changes-huge",
    ),
    pytest.param(
        lambda d: d["initial"].pop("ready"), "initial: missing state field 'ready'", id="initial-missing-field"
    ),
    pytest.param(
        set_in("initial", "paused", "no"),
        'initial.paused: expected a boolean, got the string "no"',
        id="initial-bool-string",
    ),
    pytest.param(set_in("initial", []), "field initial: expected an object, got an array of 0", id="initial-array"),
    pytest.param(
        set_in("scope", "replicas", 2), "field scope.replicas: expected a string, got an integer", id="scope-number"
    ),
    pytest.param(
        set_in("scope", "replicas", "many"),
        "field scope: parameter replicas: expected an integer from 0 to 100000, got 'many'",
        id="scope-bad-value",
    ),
    pytest.param(lambda d: d["scope"].pop("max-surge"), "field scope: missing parameter max-surge", id="scope-missing"),
    pytest.param(
        set_in("scope", "colour", "blue"),
        "field scope: unknown parameter 'colour'; valid parameters: access-mode, applies, broken-release, "
        "claim-name, edit-to, edited-max-surge, edited-max-unavailable, edits, failing-revision, fault-budget, "
        "faults, hpa-load-changes, hpa-load-model, hpa-loads, hpa-max-replicas, hpa-min-replicas, "
        "hpa-missing-metrics, hpa-rescales, hpa-scale-down, hpa-scale-down-tolerance, hpa-scale-up, "
        "hpa-scale-up-tolerance, hpa-target-utilization, max-surge, "
        "max-unavailable, min-ready-seconds, "
        "name, nodes, out-of-service, pauses, pdb-edit-to, pdb-max-unavailable, pdb-min-available, pdb-other-churn, "
        "pdb-other-pods, pdb-second-budget, pdb-unhealthy-policy, "
        "pod-failure, progress-deadline, read-only-mount, replicas, revision-history-limit, rollbacks, scale-to, "
        "scales, scenario, shared-claim, spec-progress-deadline, strategy, strategy-edits, tolerates-unreachable",
        id="scope-unknown",
    ),
    pytest.param(set_in("scope", "x"), 'field scope: expected an object, got the string "x"', id="scope-string"),
    pytest.param(set_in("loop", "0"), 'field loop: expected an integer or null, got the string "0"', id="loop-string"),
    pytest.param(set_in("loop", -1), "field loop: expected an index from 0 to 10, got -1", id="loop-negative"),
    pytest.param(set_in("property", 7), "field property: expected a string, got 7", id="property-number"),
    pytest.param(
        set_in("verdict", "HOLDS"), "field verdict: expected VIOLATED or WITNESSED, got 'HOLDS'", id="verdict-unknown"
    ),
    pytest.param(
        set_in("preset", ["tiny"]), 'field preset: expected one of tiny, small, medium, got ["tiny"]', id="preset-list"
    ),
    pytest.param(
        set_in("model", "cronjob"),
        "field model: expected one of daemonset, deployment, statefulset, got 'cronjob'",
        id="unknown-model",
    ),
]


@pytest.mark.parametrize(("edit", "message"), BAD_JSON)
def test_a_bad_json_trace_is_one_line_and_exit_2(tmp_path, saved, edit, message):
    path, result = replay_edited(tmp_path, saved["json"], edit)
    assert (result.exit_code, one_error_line(result)) == (2, f"{path}: {message}")


BAD_TEXT = [
    pytest.param(
        "9" * 5000,
        "not a JSON document kubecheck reads: a number has more than 4300 digits",
        id="json-5000-digit-number",
    ),
    pytest.param("[" * 100000, "not a JSON document kubecheck reads: nested too deeply", id="json-too-deep"),
    pytest.param("", "not a JSON document: Expecting value: line 1 column 1 (char 0)", id="empty-file"),
    pytest.param(
        '{"format": "kubecheck.trace/2"}',
        "field format: expected 'kubecheck.trace/1' or an ITF document, got 'kubecheck.trace/2'",
        id="format-version",
    ),
    pytest.param('"a string"', "expected a JSON object at the top level, got str", id="top-level-string"),
]


@pytest.mark.parametrize(("raw", "message"), BAD_TEXT)
def test_a_file_that_is_not_a_trace_is_one_line_and_exit_2(tmp_path, raw, message):
    path, result = replay_edited(tmp_path, {}, raw=raw)
    assert (result.exit_code, one_error_line(result)) == (2, f"{path}: {message}")


def test_a_trace_violated_at_its_initial_state_has_no_step_and_reproduces(tmp_path):
    """``check`` writes such traces: replaying them, as JSON and as ITF, is exit 0."""
    prop = "no_writer_on_read_only_many"
    for fmt in ("json", "itf"):
        path = tmp_path / f"init.{fmt}"
        args = ["check", "deployment", prop, "--scope", "tiny", "--format", fmt, "--out", str(path), "-q"]
        assert kubecheck(*args).exit_code == 12
        result = kubecheck("replay", str(path))
        assert result.exit_code == 0, result.stderr
        assert "verdict reproduced: VIOLATED" in result.stdout


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("verdict", "WITNESSED", 'field verdict: the result says "WITNESSED", its trace says "VIOLATED"'),
        (
            "property",
            "deployment.availability_floor",
            'field property: the result says "deployment.availability_floor", '
            'its trace says "deployment.live_pods_within_surge"',
        ),
        ("scope", {"replicas": "3"}, 'field scope.replicas: the result says "3", its trace says "2"'),
    ],
)
def test_a_report_whose_result_differs_from_its_trace_does_not_reproduce(tmp_path, key, value, message):
    path = tmp_path / "report.json"
    args = ["check", "deployment", "live_pods_within_surge", "--scope", "tiny", "--format", "json"]
    assert kubecheck(*args, "--out", str(path), "-q").exit_code == 12
    report = json.loads(path.read_text())
    if isinstance(value, dict):
        report["results"][0][key].update(value)
    else:
        report["results"][0][key] = value
    path.write_text(json.dumps(report))
    result = kubecheck("replay", str(path))
    assert (result.exit_code, one_error_line(result)) == (NOT_REPRODUCED, f"{path} results[0].trace: {message}")
