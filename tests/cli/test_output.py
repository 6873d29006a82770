"""What ``check`` writes: the JSON report, ITF traces, ``--out`` files; traces and the status line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest
from cli_helpers import assert_expected, kubecheck, normalized
from toys import COUNTER, CounterScope

from kubecheck.checker import run
from kubecheck.checker.task import Progress, Task
from kubecheck.cli import documents, trace_text
from kubecheck.cli.progress import StatusLine
from kubecheck.model.controllers.deployment_names import NAME, pod_template_hash, replicaset_name
from kubecheck.model.kernel.property import Property
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog

# -- check: documents ------------------------------------------------------------------------

REPORT_KEYS = ["format", "model", "kubernetes", "preset", "scope", "budget", "results", "exit_code"]
RESULT_KEYS = [
    "property",
    "kind",
    "verdict",
    "vacuous",
    "vacuity",
    "engine",
    "assumes",
    "fairness",
    "scope",
    "note",
    "stats",
    "coverage",
    "property_coverage",
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


# -- pieces ----------------------------------------------------------------------------------


def test_pod_template_hashes_are_stable_and_distinct():
    hashes = [pod_template_hash(t, NAME) for t in range(6)]
    assert len(set(hashes)) == 6
    safe = set("bcdfghjklmnpqrstvwxz2456789")  # k8s.io/apimachinery/pkg/util/rand.SafeEncodeString
    assert all(len(h) == 10 and set(h) <= safe for h in hashes)
    assert replicaset_name(0, NAME) == "web-" + hashes[0] == "web-fvmwplw9wt"
    assert replicaset_name(0, "uploader") == "uploader-" + pod_template_hash(0, "uploader") != "uploader-" + hashes[0]


def test_generic_describer_uses_the_schema_docs():
    trace = replay(COUNTER, CounterScope(), ["controller.increment", "controller.increment"])
    assert trace_text.steps(trace) == [
        "  0  initial state",
        "     the count (count) = 0",
        "  1  [controller] increment",
        "     the count (count) 0 → 1",
        "  2  [controller] increment",
        "     the count (count) 1 → 2",
    ]


def reaches(n: int) -> Property:
    """The counter's liveness property "the count reaches n"."""
    return Property(
        name=f"toy.reaches_{['zero', 'one', 'two'][n]}",
        kind="eventually",
        doc=f"the count reaches {n}",
        upstream="-",
        predicate=lambda ops, sc, s: s.count == n,
    )


def test_liveness_lasso_is_rendered_and_rechecked():
    trace = replay(COUNTER, CounterScope(), ["controller.increment", "user.reset"], loop=0)
    reaches_two = reaches(2)
    reaches_one = reaches(1)
    assert trace_text.steps(trace)[-1] == "     ↺ loops back to the initial state for ever"
    assert trace_text.conclusion(reaches_two, "VIOLATED", trace) == (
        "the run loops back to the initial state for ever, and the property never holds"
    )
    assert trace_text.evaluate(reaches_two, trace)
    assert not trace_text.evaluate(reaches_one, trace)
    # a finite liveness counterexample must end where no system action is enabled
    assert not trace_text.evaluate(reaches_two, replay(COUNTER, CounterScope(), ["controller.increment"]))


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


# -- a closed or failing standard output -------------------------------------------------------


def test_a_closed_stdout_is_exit_1_with_one_line_on_stderr():
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before the first byte: every write fails with EPIPE
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kubecheck.cli", "list"], stdout=write_end, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr.decode() == "Error: cannot write the output to standard output: Broken pipe\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_a_full_stdout_is_exit_1_with_one_line_on_stderr():
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kubecheck.cli", "list"], stdout=full, stderr=subprocess.PIPE, check=False
        )
    assert done.returncode == 1
    assert done.stderr.decode() == "Error: cannot write the output to standard output: No space left on device\n"


def test_a_report_to_a_closed_stdout_is_exit_1_not_the_verdicts_code():
    read_end, write_end = os.pipe()
    os.close(read_end)
    args = ["check", "deployment", "live_pods_within_surge", "--scope", "tiny", "--format", "json"]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kubecheck.cli", *args], stdout=write_end, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1  # not 12: the violation was found but nobody got the report
    assert done.stderr.decode() == "Error: cannot write the output to standard output: Broken pipe\n"


# -- --format itf --out: what the help says ----------------------------------------------------


def test_check_help_says_what_itf_with_out_writes():
    help_text = " ".join(kubecheck("check", "--help").stdout.split())
    assert (
        "itf writes one trace per violation and witness: JSON lines on standard output, or with --out one file, "
        "FILE itself for one trace and FILE.<property>.itf.json each for several (none when there is no trace)"
    ) in help_text


def test_itf_out_without_a_trace_writes_no_file_and_says_so(tmp_path):
    out = tmp_path / "none.itf.json"
    result = kubecheck(
        "check", "deployment", "replicas_within_surge", "--scope", "tiny", "--format", "itf", "--out", str(out)
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "no trace to write: no property was violated or witnessed\n"
    assert not out.exists()


def test_on_a_terminal_rich_draws_the_status_and_erases_it():
    from rich.console import Console

    from kubecheck.cli.progress import RichStatusLine, status_line

    stream = io.StringIO()
    line = RichStatusLine(Console(file=stream, force_terminal=True, width=60), delay=0)
    line(Progress(states=1500, transitions=4000, depth=7, queued=300, seconds=2.0))
    line.say("pdr availability_floor: Houdini on the stated lemmas, 3 s")
    line.clear()
    drawn = stream.getvalue()
    assert "pdr availability_floor: Houdini on the stated lemmas, 3 s" in drawn  # the latest status is drawn
    assert drawn.endswith("\x1b[2K")  # and erased (the report prints on a clean line)
    assert line.live is None and line.shown == 0
    # piped (not a terminal) or --quiet: the plain line, which draws nothing
    piped = io.StringIO()
    plain = status_line(piped, quiet=False)
    assert type(plain) is StatusLine and not plain.enabled
    plain.say("nothing to see")
    assert piped.getvalue() == ""
