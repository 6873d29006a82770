"""``kubecheck check -f … --format sarif``: the official SARIF 2.1.0 schema, code flows, anchored lines.

The schema is OASIS's ``sarif-schema-2.1.0.json`` (oasis-tcs/sarif-spec, ``sarif-2.1/schema/``;
its ``id`` names the errata01 OS release) or the 2.1.0-rtm.5 schema that SchemaStore publishes and
the npm package ``@microsoft/jest-sarif`` ships (``lib/schemas/sarif-2.1.0-rtm.5.json``). It is not
kept in this repository: the test reads it from ``$KUBECHECK_SARIF_SCHEMA``, ``tests/data/``, or
``shared/reference/`` beside the checkout, and says where to put it when it is nowhere. ``.ci/run``
takes the npm package's copy from the npm registry and sets ``KUBECHECK_REQUIRE_SARIF_SCHEMA=1``, so
that in CI a missing schema fails the run instead of skipping these tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from cli_helpers import kubecheck

from kubecheck import manifest
from kubecheck.checker.result import Verdict
from kubecheck.cli import sarif
from kubecheck.manifest import loader
from kubecheck.manifest.fixes import Change, Fix
from kubecheck.manifest.report import ManifestReport, anchored
from kubecheck.model.kernel.traces import Trace
from kubecheck.properties import catalog

REPO = Path(__file__).resolve().parents[2]
SCHEMA_NAME = "sarif-schema-2.1.0.json"
SCHEMA_PLACES = (
    REPO / "tests" / "data" / SCHEMA_NAME,
    REPO.parent / "shared" / "reference" / SCHEMA_NAME,
    REPO.parent / "shared" / "schemas" / SCHEMA_NAME,
)
#: The official schema's title, and that of its 2.1.0-rtm.5 release (SchemaStore, @microsoft/jest-sarif).
SCHEMA_TITLES = (
    "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema",
    "Static Analysis Results Format (SARIF) Version 2.1.0-rtm.5 JSON Schema",
)
#: Two small examples: a caveat's violation (StatefulSet), a counted one and a liveness lasso (DaemonSet).
SMALL = ("examples/database-statefulset-parallel.yaml", "examples/log-collector-daemonset.yaml")


@contextlib.contextmanager
def _in_repo() -> Iterator[None]:
    """Run from the checkout's root, so that manifests are named by relative paths, as in CI."""
    here = Path.cwd()
    os.chdir(REPO)
    try:
        yield
    finally:
        os.chdir(here)


def _checked(files: tuple[str, ...]) -> ManifestReport:
    with _in_repo():
        report = manifest.check_manifests(list(files))
        return anchored(report, loader.read_sources(list(files)).documents)


@pytest.fixture(scope="module")
def validator():
    """A validator of the official SARIF 2.1.0 schema (draft-04, formats checked)."""
    import jsonschema

    given = os.environ.get("KUBECHECK_SARIF_SCHEMA")
    places = ((Path(given),) if given else ()) + SCHEMA_PLACES
    path = next((p for p in places if p.is_file()), None)
    if path is None:
        if os.environ.get("KUBECHECK_REQUIRE_SARIF_SCHEMA") == "1":
            pytest.fail(f"KUBECHECK_REQUIRE_SARIF_SCHEMA=1 but no SARIF schema at {given or SCHEMA_PLACES}")
        pytest.skip(
            f"the official SARIF 2.1.0 schema is not here: put {SCHEMA_NAME} (oasis-tcs/sarif-spec, "
            f"sarif-2.1/schema/) at {SCHEMA_PLACES[1]} or name it in $KUBECHECK_SARIF_SCHEMA"
        )
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["title"] in SCHEMA_TITLES, schema["title"]
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def assert_valid(validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


@pytest.fixture(scope="module")
def small() -> ManifestReport:
    return _checked(SMALL)


def _traces(report: ManifestReport) -> list[Trace | None]:
    """The trace of each SARIF result, in the order of the results."""
    return [
        f.row.result.trace if f.standing.verdict is Verdict.VIOLATED else None
        for f in sarif.findings(report)
        if f.in_sarif
    ]


def _last_key(field: str) -> str:
    return re.sub(r"\[\d+\]$", "", field).rsplit(".", 1)[-1]


def _every_location(log: dict) -> Iterator[dict]:
    for result in log["runs"][0]["results"]:
        yield from result["locations"]
        for flow in result.get("codeFlows", []):
            for thread in flow["threadFlows"]:
                yield from (step["location"] for step in thread["locations"])


def assert_code_flows_follow_the_traces(report: ManifestReport, log: dict) -> None:
    """One location per trace step (the initial state first), numbered, naming the actor."""
    results = log["runs"][0]["results"]
    traces = _traces(report)
    assert len(results) == len(traces)
    flows = 0
    for result, trace in zip(results, traces, strict=True):
        if trace is None:
            assert "codeFlows" not in result
            continue
        flows += 1
        [flow] = result["codeFlows"]
        [thread] = flow["threadFlows"]
        steps = thread["locations"]
        assert len(steps) == len(trace.steps) + 1, result["ruleId"]
        assert [s["executionOrder"] for s in steps] == list(range(len(trace.steps) + 1))
        assert steps[0]["location"]["message"]["text"].startswith("0  initial state")
        for i, (step, taken) in enumerate(zip(steps[1:], trace.steps, strict=True), start=1):
            text = step["location"]["message"]["text"]
            assert text.startswith(f"{i}  [{taken.action.actor}] "), text
            assert step["properties"]["command"] == taken.action.name
        if trace.loop is not None:
            assert "↺" in steps[-1]["location"]["message"]["text"]
            assert thread["properties"]["loopsBackTo"] == trace.loop
    assert flows


def assert_locations_are_lines_that_write_their_field(log: dict) -> None:
    """Every location's line is a line of its file, and the text there writes the field it names."""
    files: dict[str, list[str]] = {}
    seen = 0
    for where in _every_location(log):
        physical = where["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        lines = files.setdefault(uri, (REPO / uri).read_text(encoding="utf-8").splitlines())
        line = physical["region"]["startLine"]
        assert 1 <= line <= len(lines), (uri, line)
        field = where["properties"]["field"]
        if field:
            assert _last_key(field) in lines[line - 1], (uri, line, field, lines[line - 1])
        seen += 1
    assert seen


def test_the_sarif_of_small_examples_is_valid_against_the_official_schema(validator, small) -> None:
    assert_valid(validator, json.loads(sarif.render(small)))


def test_each_violation_has_one_code_flow_location_per_trace_step(small) -> None:
    assert_code_flows_follow_the_traces(small, json.loads(sarif.render(small)))


def test_each_location_is_a_real_line_of_the_manifest_that_writes_the_field_it_names(small) -> None:
    assert_locations_are_lines_that_write_their_field(json.loads(sarif.render(small)))


def test_results_are_anchored_at_the_field_their_property_concerns(small) -> None:
    log = json.loads(sarif.render(small))
    fields = {
        r["ruleId"]: r["locations"][0]["properties"]["field"] for r in log["runs"][0]["results"] if r["locations"]
    }
    assert fields["statefulset.pods_created_in_ordinal_order_under_parallel"] == "spec.podManagementPolicy"
    assert fields["daemonset.finished_or_stuck"] == "spec.updateStrategy"
    assert fields["daemonset.no_pod_on_ineligible_node"] == "spec.template.spec.nodeSelector"
    # a user's template edit is placed at the template, a controller's step at the result's field
    [stuck] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "daemonset.finished_or_stuck"]
    steps = stuck["codeFlows"][0]["threadFlows"][0]["locations"]
    by_command = {s["properties"]["command"]: s["location"]["properties"]["field"] for s in steps}
    assert by_command["user.edit_template"] == "spec.template"
    assert by_command["daemonset-controller.rolling_update"] == "spec.updateStrategy"


def test_one_rule_per_property_with_its_doc_and_upstream_and_results_index_their_rule(small) -> None:
    log = json.loads(sarif.render(small))
    driver = log["runs"][0]["tool"]["driver"]
    props = catalog.properties("statefulset") + catalog.properties("daemonset")
    assert [r["id"] for r in driver["rules"]] == [p.name for p in props]
    for rule, prop in zip(driver["rules"], props, strict=True):
        assert rule["shortDescription"]["text"] == prop.doc
        assert prop.upstream in rule["help"]["text"]
        assert prop.kind in rule["properties"]["tags"] and rule["properties"]["kind"] == prop.kind
    for result in log["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert driver["name"] == "kubecheck" and driver["version"] == sarif.version()


def test_violations_that_count_are_errors_caveats_warnings_and_passes_have_no_result(small) -> None:
    log = json.loads(sarif.render(small))
    graded = {(r["ruleId"], r["kind"], r["level"]) for r in log["runs"][0]["results"]}
    assert ("daemonset.finished_or_stuck", "fail", "error") in graded
    assert ("daemonset.no_pod_on_ineligible_node", "fail", "warning") in graded  # a caveat: not counted
    assert ("statefulset.pods_created_in_ordinal_order_under_parallel", "fail", "warning") in graded
    passing = {r.result.property.name for w in small.workloads for r in w.rows if r.result.verdict is Verdict.HOLDS}
    assert not passing & {rule for rule, _, _ in graded}
    invocation = log["runs"][0]["invocations"][0]
    assert invocation == {"executionSuccessful": True, "exitCode": small.exit_code} and small.exit_code == 12


def test_an_inconclusive_row_that_counts_is_an_open_result_with_level_none(small, validator) -> None:
    """SARIF's ``open``: the tool could not tell; §3.27.10 then fixes the level at ``none``."""
    wr = small.workloads[0]
    row = attrs.evolve(
        wr.rows[0],
        result=attrs.evolve(wr.rows[0].result, verdict=Verdict.INCONCLUSIVE, trace=None, note="search stopped"),
    )
    report = attrs.evolve(small, workloads=(attrs.evolve(wr, rows=(row,)),))
    log = json.loads(sarif.render(report))
    assert_valid(validator, log)
    [result] = log["runs"][0]["results"]
    assert (result["kind"], result["level"]) == ("open", "none")
    assert "search stopped" in result["message"]["text"] and "codeFlows" not in result
    assert log["runs"][0]["invocations"][0]["exitCode"] == 10


def test_fingerprints_stay_when_lines_move_and_the_lines_move_with_them(small) -> None:
    name = SMALL[1]
    shifted = "# one\n# two\n# three\n" + (REPO / name).read_text(encoding="utf-8")
    moved = anchored(small, loader.read_stream(shifted, name).documents)
    before = json.loads(sarif.render(small))["runs"][0]["results"]
    after = json.loads(sarif.render(moved))["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in before] == [r["partialFingerprints"] for r in after]
    assert len({r["partialFingerprints"][sarif.FINGERPRINT] for r in before}) == len(before)
    for b, a in zip(before, after, strict=True):
        line_b = b["locations"][0]["physicalLocation"]["region"]["startLine"]
        line_a = a["locations"][0]["physicalLocation"]["region"]["startLine"]
        assert line_a == line_b + (3 if b["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == name else 0)


def test_rejected_documents_are_notifications_and_the_run_not_successful(small, validator) -> None:
    line = (
        f"{SMALL[0]} (document 3): deployment/x: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
    )
    log = json.loads(sarif.render(attrs.evolve(small, rejected=(line,))))
    assert_valid(validator, log)
    invocation = log["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False and invocation["exitCode"] == 2
    [note] = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == line
    assert note["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == SMALL[0]


def test_suggested_fixes_plug_in_as_sarif_fix_objects(small, validator) -> None:
    """The hook issue 16 fills: a function of the workload and the row giving SARIF ``fix`` objects."""

    def fixes(wr, row):
        where = wr.locate(sarif.PROPERTY_FIELDS.get(row.result.property.name, ("kind",)))
        return [
            {
                "description": {"text": "an example fix"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": sarif.artifact_uri(where.file)},
                        "replacements": [{"deletedRegion": {"startLine": where.line}, "insertedContent": {"text": ""}}],
                    }
                ],
            }
        ]

    log = json.loads(sarif.render(small, fixes=fixes))
    assert_valid(validator, log)
    assert all(r["fixes"][0]["description"]["text"] == "an example fix" for r in log["runs"][0]["results"])
    assert all("fixes" not in r for r in json.loads(sarif.render(small))["runs"][0]["results"])


@pytest.mark.parametrize(
    "path, uri",
    [
        ("examples/web.yaml", "examples/web.yaml"),
        ("k8s/my app.yaml", "k8s/my%20app.yaml"),
        ("/srv/k8s/web.yaml", "file:///srv/k8s/web.yaml"),
        ("<stdin>", None),
    ],
)
def test_manifest_paths_become_relative_uris_absolute_file_uris_and_stdin_none(path: str, uri: str | None) -> None:
    assert sarif.artifact_uri(path) == uri


def test_every_property_of_the_catalog_says_which_manifest_field_it_concerns() -> None:
    """A new property gets a row in ``cli/sarif.py`` PROPERTY_FIELDS (else its findings sit at the
    workload's rollout settings, MODEL_FIELDS, which may not be the field it speaks about)."""
    missing = [
        p.name for model in catalog.MODELS for p in catalog.properties(model) if p.name not in sarif.PROPERTY_FIELDS
    ]
    assert not missing, f"add these to cli/sarif.py PROPERTY_FIELDS: {', '.join(missing)}"


def test_every_property_named_in_the_anchor_tables_exists_and_the_fields_are_paths() -> None:
    names = {p.name for model in catalog.MODELS for p in catalog.properties(model)}
    assert set(sarif.PROPERTY_FIELDS) <= names
    commands = {c.name for m in catalog.MODELS.values() for c in m.commands}
    assert set(sarif.ACTION_FIELDS) <= commands
    for fields in (*sarif.PROPERTY_FIELDS.values(), *sarif.ACTION_FIELDS.values()):
        assert all(re.fullmatch(r"[A-Za-z]+(\.[A-Za-z]+|\[\d+\])*", f) for f in fields), fields


def test_the_cli_writes_the_same_log_and_keeps_the_exit_code() -> None:
    with _in_repo():
        result = kubecheck("check", "-f", SMALL[0], "--format", "sarif")
    report = _checked(SMALL[:1])
    assert result.exit_code == report.exit_code == 0  # a caveat's violation: a warning, not counted
    assert json.loads(result.stdout) == json.loads(sarif.render(report))


@pytest.mark.slow
def test_the_examples_folder_is_valid_sarif_with_a_location_per_step_at_real_lines(validator) -> None:
    """The acceptance run, ``kubecheck check -f examples/ --format sarif`` (the CLI's own path)."""
    report = _checked(("examples/",))
    log = json.loads(sarif.render(report))
    assert_valid(validator, log)
    assert_code_flows_follow_the_traces(report, log)
    assert_locations_are_lines_that_write_their_field(log)
    assert {r["ruleId"].split(".")[0] for r in log["runs"][0]["results"]} == {"statefulset", "daemonset", "deployment"}


def _with_fix(report: ManifestReport, *changes: Change) -> ManifestReport:
    """``report`` with its first violation given a nearest fix made of ``changes``."""
    for w, wr in enumerate(report.workloads):
        for i, row in enumerate(wr.rows):
            if row.result.verdict is Verdict.VIOLATED:
                meta = wr.workload.obj.meta
                fix = Fix(
                    row.result.property.name, changes, "HOLDS at replicas=3 (explicit)", (), "", meta.kind, meta.name
                )
                rows = (*wr.rows[:i], attrs.evolve(row, fix=fix), *wr.rows[i + 1 :])
                workloads = list(report.workloads)
                workloads[w] = attrs.evolve(wr, rows=rows)
                return attrs.evolve(report, workloads=tuple(workloads))
    raise AssertionError("no violation")


def _apply(text: str, replacements: list[dict]) -> str:
    """SARIF replacements applied to a file's text (one-line regions, 1-based columns, end exclusive)."""
    lines = text.splitlines(keepends=True)
    for r in sorted(
        replacements, key=lambda r: (r["deletedRegion"]["startLine"], r["deletedRegion"]["startColumn"]), reverse=True
    ):
        region = r["deletedRegion"]
        assert region["startLine"] == region["endLine"]
        line = lines[region["startLine"] - 1]
        lines[region["startLine"] - 1] = (
            line[: region["startColumn"] - 1] + r["insertedContent"]["text"] + line[region["endColumn"] - 1 :]
        )
    return "".join(lines)


def test_a_nearest_fix_is_a_sarif_fix_that_rewrites_the_value_where_the_manifest_writes_it(small, validator) -> None:
    report = _with_fix(small, Change(("spec", "podManagementPolicy"), "Parallel", "OrderedReady"))
    log = json.loads(sarif.render(report))
    assert_valid(validator, log)
    [fixed] = [r for r in log["runs"][0]["results"] if "fixes" in r]
    assert fixed["ruleId"] == "statefulset.pods_created_in_ordinal_order_under_parallel"
    [fix] = fixed["fixes"]
    assert "spec.podManagementPolicy: OrderedReady  # was Parallel" in fix["description"]["text"]
    assert "kubectl patch statefulset cassandra --type merge" in fix["description"]["text"]
    [change] = fix["artifactChanges"]
    assert change["artifactLocation"]["uri"] == SMALL[0]
    patched = _apply((REPO / SMALL[0]).read_text(encoding="utf-8"), change["replacements"])
    [doc] = [d for d in loader.parse_stream(patched, SMALL[0]) if d.obj["kind"] == "StatefulSet"]
    assert doc.obj["spec"]["podManagementPolicy"] == "OrderedReady"
    assert fixed["properties"]["nearestFix"]["changes"] == [
        {"path": "spec.podManagementPolicy", "old": "Parallel", "new": "OrderedReady"}
    ]


def test_a_nearest_fix_of_a_field_the_manifest_does_not_write_is_told_but_has_no_text_edit(small) -> None:
    report = _with_fix(small, Change(("spec", "minReadySeconds"), 0, 10))
    [fixed] = [r for r in json.loads(sarif.render(report))["runs"][0]["results"] if "nearestFix" in r["properties"]]
    assert "fixes" not in fixed
    assert fixed["properties"]["nearestFix"]["kubectl"].startswith("kubectl patch statefulset cassandra")
