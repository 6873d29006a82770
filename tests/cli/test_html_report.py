"""The HTML report (``check -f … --format html``): one page, a timeline per trace, nothing loaded, everything escaped.

The report is built by hand from the examples' workloads and real traces of the models, replayed
from their action labels (``kubecheck.trace/1`` replays the same way) so the test runs no search:

* the DaemonSet ``fluent-bit`` (examples/log-collector-daemonset.yaml): the relabel that leaves a
  pod on an ineligible node (1 step), the rollout stuck behind a NoSchedule taint (5 steps; one
  run that breaks ``finished_or_stuck`` and the liveness ``runs_on_every_eligible_node_with_relabels``,
  a lasso that stays in its last state), and the witness of a completed rollout (13 steps);
* the Deployment ``web`` (examples/web-deployment.yaml): ten steps to five pods against
  replicas + maxSurge = 3 + 1 (``live_pods_within_surge``);
* the StatefulSet ``postgres`` (examples/database-statefulset.yaml): a bad release reverted
  that stays stuck (``revert_converges_without_manual_delete``, 6 steps, a lasso).

The page is read back with the standard library: :mod:`html.parser` for the HTML, and
:mod:`xml.etree.ElementTree` for every ``<svg>`` (each must be well-formed XML by itself).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest
from toys import COUNTER, CounterScope

from kubecheck.checker.result import Result, Stats, Verdict
from kubecheck.cli import html_report, manifest_text
from kubecheck.manifest import load_workloads
from kubecheck.manifest.report import ManifestReport, WorkloadReport
from kubecheck.manifest.sizing import Row, is_caveat
from kubecheck.manifest.workloads import Workload
from kubecheck.model.kernel.ops import CONCRETE
from kubecheck.model.kernel.traces import replay
from kubecheck.properties import catalog

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOSTILE = '<script>alert("x")</script>&\'web'

STUCK = [
    "user.edit_template",
    "daemonset-controller.rolling_update(pick=1)",
    "kubelet.pod_terminated(pod=0, node=0)",
    "daemonset-controller.manage",
    "user.relabel_node(node=0, to=1)",
]
ROLLED_OUT = [
    *STUCK[:4],
    "scheduler.bind_pod(pod=0, node=0)",
    "kubelet.start_pod(pod=0, node=0)",
    "kubelet.pod_ready(pod=0, node=0)",
    "daemonset-controller.rolling_update(pick=2)",
    "kubelet.pod_terminated(pod=2, node=1)",
    "daemonset-controller.manage",
    "scheduler.bind_pod(pod=2, node=1)",
    "kubelet.start_pod(pod=2, node=1)",
    "kubelet.pod_ready(pod=2, node=1)",
]
SYNC_NEW = "replicaset-controller.sync_replicaset(rs=1, from_ready=0)"
SURGE = [
    "user.edit_template",
    "deployment-controller.create_new_replicaset",
    SYNC_NEW,
    "scheduler.bind_pod(rs=1)",
    "kubelet.start_pod(rs=1)",
    "kubelet.pod_ready(rs=1)",
    SYNC_NEW,
    "deployment-controller.scale_down_old_replicasets",
    "deployment-controller.scale_new_replicaset",
    SYNC_NEW,
]
REVERTED = [
    "user.edit_template",
    "statefulset-controller.create_pod",
    "scheduler.bind_pod(pod=0, node=0)",
    "attach-detach.attach_volume(claim=0, node=0)",
    "kubelet.start_pod(pod=0, node=0)",
    "user.revert_template(to=0)",
]


def _workload(file: str, name: str | None) -> Workload:
    [w] = load_workloads([EXAMPLES / file])[0]
    if name is None:
        return w
    obj = attrs.evolve(w.obj, meta=attrs.evolve(w.obj.meta, name=name))
    return attrs.evolve(w, obj=obj, scope=attrs.evolve(w.scope, name=name))


def _row(w: Workload, prop: str, verdict: Verdict, labels: Sequence[str] = (), loop: int | None = None) -> Row:
    """A row of ``prop`` with the given verdict and, when labels are given, the trace they replay in its scope."""
    [p] = catalog.properties(w.model, [prop])
    scope = p.adjust(w.scope)
    trace = replay(catalog.model(w.model), scope, labels, loop) if labels else None
    stats = Stats(states=364, transitions=1000, depth=len(labels), seconds=0.01, complete=True, stop_reason="exhausted")
    result = Result(p, verdict, scope, "explicit", stats, trace)
    return Row(result, "explicit", "nodes=3", False, is_caveat(p))


def _report(name: str | None = None, verbose: bool = False) -> ManifestReport:
    ds = _workload("log-collector-daemonset.yaml", name)
    web = _workload("web-deployment.yaml", name)
    pg = _workload("database-statefulset.yaml", name)
    v = Verdict
    ds_rows = (
        _row(ds, "daemonset.at_most_one_pod_per_node", v.HOLDS),
        _row(ds, "daemonset.no_pod_on_ineligible_node", v.VIOLATED, ["user.relabel_node(node=0, to=2)"]),
        _row(ds, "daemonset.rollout_completes_on_every_eligible_node", v.WITNESSED, ROLLED_OUT),
        _row(ds, "daemonset.finished_or_stuck", v.VIOLATED, STUCK),
        _row(ds, "daemonset.runs_on_every_eligible_node_with_relabels", v.VIOLATED, STUCK, loop=len(STUCK)),
    )
    web_rows = (
        _row(web, "deployment.live_pods_within_surge", v.VIOLATED, SURGE),
        _row(web, "deployment.availability_floor", v.HOLDS),
    )
    pg_rows = (
        _row(pg, "statefulset.revert_converges_without_manual_delete", v.VIOLATED, REVERTED, loop=len(REVERTED)),
    )
    workloads = tuple(WorkloadReport(w, rows, (), 0.5) for w, rows in ((ds, ds_rows), (web, web_rows), (pg, pg_rows)))
    return ManifestReport(("examples/",), workloads, ("configmap/web-config",), (), 1.5, verbose=verbose)


@pytest.fixture(scope="module")
def report() -> ManifestReport:
    return _report()


@pytest.fixture(scope="module")
def page(report: ManifestReport) -> str:
    return html_report.render(report)


@attrs.define
class Node:
    tag: str
    attrs: dict[str, str]
    text: list[str] = attrs.Factory(list)
    children: list[Node] = attrs.Factory(list)

    def all_text(self) -> str:
        return "".join(self.text) + "".join(c.all_text() for c in self.children)

    def find(self, tag: str, cls: str | None = None) -> list[Node]:
        here = [self] if self.tag == tag and (cls is None or cls in self.attrs.get("class", "").split()) else []
        return here + [n for c in self.children for n in c.find(tag, cls)]


VOID = {"meta", "br", "img", "link", "input", "hr", "source", "wbr", "col", "area", "base", "embed", "param", "track"}


class Tree(HTMLParser):
    """The page as a tree of Nodes (html.parser), with every tag and attribute seen, and the doctype."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.seen: list[tuple[str, dict[str, str]]] = []
        self.doctype = ""
        self.feed(page)
        self.close()

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs_})
        self.seen.append((tag, node.attrs))
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs_})
        self.seen.append((tag, node.attrs))
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].text.append(data)


def svgs(page: str) -> list[ET.Element]:
    """Every ``<svg>`` of the page, parsed as XML on its own."""
    found = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    return [ET.fromstring(s) for s in found]


def _groups(report: ManifestReport) -> list[str]:
    """The 'trace N' headings of the text report."""
    text = manifest_text.render(report, manifest_text.trace_lines)
    return [line for line in text.splitlines() if re.match(r"trace \d+  ", line)]


# -- structure ----------------------------------------------------------------------------------


def test_the_page_is_one_well_nested_html_document(page):
    tree = Tree(page)
    assert tree.doctype.lower() == "doctype html"
    assert [n.tag for n in tree.root.children] == ["html"]
    assert len(tree.root.find("title")) >= 1 and tree.stack == [tree.root]


def test_each_workload_has_a_verdict_table_with_the_text_reports_verdicts(report, page):
    tree = Tree(page)
    tables = tree.root.find("table", "verdicts")
    assert len(tables) == len(report.workloads)
    text = manifest_text.render(report, manifest_text.trace_lines)
    for table, wr in zip(tables, report.workloads):
        rows = [tr for tr in table.find("tr") if tr.find("td")]
        assert len(rows) == len(wr.rows)
        for tr, row in zip(rows, wr.rows):
            name, verdict = (td.all_text() for td in tr.find("td")[:2])
            assert name == row.result.property.name
            line = next(x for x in text.splitlines() if x.startswith(f"  {name} "))
            assert line.split(name, 1)[1].strip().startswith(verdict)


def _all(node: Node) -> list[Node]:
    return [node] + [n for c in node.children for n in _all(c)]


def test_a_table_row_links_to_the_trace_that_breaks_it(page):
    nodes = _all(Tree(page).root)
    ids = {n.attrs["id"] for n in nodes if "id" in n.attrs}
    links = [n for n in nodes if n.tag == "a"]
    assert [a.all_text() for a in links] == ["trace 1", "trace 2", "trace 2", "trace 3", "trace 4"]
    assert all(a.attrs["href"][1:] in ids for a in links)


def test_one_timeline_per_trace_the_text_report_prints(report, page):
    groups = _groups(report)
    assert len(groups) == 4  # the DaemonSet's two, the Deployment's, the StatefulSet's
    assert len(svgs(page)) == len(groups)
    verbose = _report(verbose=True)
    assert len(svgs(html_report.render(verbose))) == len(groups) + 1  # and the witness


def test_every_timeline_is_an_accessible_svg_image(page):
    for svg in svgs(page):
        assert svg.tag == "svg" and svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby", "").split()
        title, desc = svg.find("title"), svg.find("desc")
        assert title is not None and title.get("id") == title_id and title.text
        assert desc is not None and desc.get("id") == desc_id and desc.text


def test_each_state_of_a_trace_is_a_column_with_its_actor(report, page):
    traces = [r.result.trace for wr in report.workloads for r in wr.rows if r.result.verdict is Verdict.VIOLATED]
    by_length = {len(t.steps): t for t in traces if t is not None}
    for svg in svgs(page):
        steps = [g for g in svg.iter("g") if "step" in (g.get("class") or "").split()]
        trace = by_length[len(steps) - 1]
        actors = [t.text for g in steps for t in g.iter("text") if t.get("class") == "actor"]
        assert actors == ["initial"] + [s.action.actor for s in trace.steps]
        assert all(g.find("title") is not None for g in steps)


def test_the_violating_state_is_marked_once_per_timeline(page):
    for svg in svgs(page):
        n = len([g for g in svg.iter("g") if g.get("class") == "step"])
        marks = [g for g in svg.iter("g") if g.get("class") in ("violation", "witness")]
        assert [m.get("class") for m in marks] == ["violation"]
        assert marks[0].get("data-step") == str(n - 1)


def test_a_run_that_stays_in_its_last_state_is_marked_so(page):
    labels = ["".join(g.itertext()) for svg in svgs(page) for g in svg.iter("g") if g.get("class") == "violation"]
    # the relabel (safety), the stuck DaemonSet rollout (a liveness lasso), the surge, the reverted StatefulSet
    assert [x.split(" at state")[0].strip() for x in labels] == [
        "violated",
        "stays here for ever",
        "violated",
        "stays here for ever",
    ]


def test_a_lasso_that_loops_back_is_banded_from_the_state_it_returns_to(report):
    row = report.workloads[2].rows[0]  # the reverted StatefulSet: a liveness property
    assert row.result.trace is not None
    lasso = attrs.evolve(row.result.trace, loop=2)  # drawn as if it looped back to state 2
    mark = html_report.marking(lasso, [row], Verdict.VIOLATED)
    assert (mark.label, mark.loop) == ("loops back to state 2 for ever", 2)
    a = html_report.adapter(lasso)
    assert a is not None
    svg = ET.fromstring(html_report.timeline_svg(html_report.Timeline.of(lasso, a), mark, "t", "d", "x"))
    [band] = [r for r in svg.iter("rect") if r.get("class") == "loop"]
    assert band.get("x") == str(html_report.LEFT + 2 * html_report.STEP_W)
    assert band.get("width") == str((len(REVERTED) + 1 - 2) * html_report.STEP_W)


def test_a_witness_is_marked_witnessed_under_verbose():
    page = html_report.render(_report(verbose=True))
    marks = [g for svg in svgs(page) for g in svg.iter("g") if g.get("class") == "witness"]
    assert len(marks) == 1 and marks[0].get("data-step") == str(len(ROLLED_OUT))


def test_the_text_trace_beside_each_timeline_is_what_check_f_prints(report, page):
    pres = [p.all_text().splitlines() for p in Tree(page).root.find("pre", "trace")]
    text = manifest_text.render(report, manifest_text.trace_lines).splitlines()
    starts = [i for i, x in enumerate(text) if re.match(r"trace \d+  ", x)]
    assert len(pres) == len(starts)
    for pre, start in zip(pres, starts):
        end = text.index("", start + 1) if "" in text[start + 1 :] else len(text)
        block = [x[2:] for x in text[start:end]]
        same = 0  # the text report's lines (two spaces in) end the block exactly as the page's end
        while same < min(len(pre), len(block)) and pre[-1 - same] == block[-1 - same]:
            same += 1
        common = pre[len(pre) - same :]
        assert any(x.strip() == "0  initial state" for x in common), (pre, block)
        assert any(x.startswith("⇒") for x in common)


# -- the pictures say what the model says --------------------------------------------------------------


def _timeline(report: ManifestReport, prop: str) -> html_report.Timeline:
    row = next(r for wr in report.workloads for r in wr.rows if r.result.property.name == prop)
    trace = row.result.trace
    assert trace is not None
    a = html_report.adapter(trace)
    assert a is not None
    return html_report.Timeline.of(trace, a)


def test_the_stuck_daemonset_rollout_shows_a_pending_pod_on_the_tainted_node(report):
    tl = _timeline(report, "daemonset.finished_or_stuck")
    nodes = [tl.lanes[0][j].label for j in tl.kept]
    assert nodes == ["node-a", "node-b", "node-c"]
    last = tl.lanes[-1]
    unscheduled = html_report.KEYS.index("unscheduled")
    assert last[0].shade == "noschedule" and last[0].counts[unscheduled] == 1 and last[0].mark == "upd"
    assert last[1].mark == "old" and sum(last[1].counts) == 1  # node-b still runs the old revision
    terminating = html_report.KEYS.index("terminating")
    assert tl.lanes[2][0].counts[terminating] == 1 and sum(tl.lanes[2][0].counts) == 1  # replaced: Terminating
    assert all(row[2].shade == "excluded" and not any(row[2].counts) for row in tl.lanes)  # node-c: no pod ever
    assert tl.bound_keys() == ["floor"]  # maxSurge 0: no surge line


def test_revision_marks_appear_only_when_a_rollout_is_in_play(report):
    relabel = _timeline(report, "daemonset.no_pod_on_ineligible_node")  # no template edit: every pod current
    assert not any(lane.mark for row in relabel.lanes for lane in row)
    stuck = _timeline(report, "daemonset.finished_or_stuck")
    assert [lane.mark for lane in stuck.lanes[0]] == ["upd", "upd", ""]  # before the edit, node-c has no pod


def _surge(tl: html_report.Timeline, i: int) -> int:
    return next(b.value for b in tl.bounds[i] if b.key == "surge")


def test_the_deployment_picture_crosses_the_surge_line_only_where_the_property_breaks(report):
    tl = _timeline(report, "deployment.live_pods_within_surge")
    [prop] = catalog.properties("deployment", ["live_pods_within_surge"])
    over = [sum(t) > _surge(tl, i) for i, t in enumerate(tl.totals)]
    holds = [bool(prop.predicate(CONCRETE, tl.trace.scope, s)) for s in tl.trace.states]
    assert over == [not h for h in holds] and over[-1] and not any(over[:-1])
    assert tl.bound_keys() == ["surge", "floor"]
    available = html_report.KEYS.index("available")
    floors = [next(b.value for b in row if b.key == "floor") for row in tl.bounds]
    assert all(t[available] >= f for t, f in zip(tl.totals, floors))  # availability_floor holds: never below


def test_the_deployment_lanes_are_its_replicasets_with_their_spec_replicas(report):
    tl = _timeline(report, "deployment.live_pods_within_surge")
    assert len(tl.kept) == 2
    first, last = tl.trace.states[0], tl.trace.states[-1]
    assert [tl.lanes[-1][j].target for j in tl.kept] == [last.rs_replicas[j] for j in tl.kept]
    assert tl.lanes[0][tl.kept[1]].shade == "deleted" and not first.rs_exists[tl.kept[1]]


def test_a_deployment_whose_pods_are_placed_says_on_which_node():
    w = _workload("shared-claim-deployment.yaml", None)
    state = catalog.model(w.model).init(w.scope)
    [lane] = [x for x in html_report.deployment_lanes(w.scope, state) if x.shown]
    assert lane.detail.endswith("(Ready (available) 2 on node-a)")


def test_the_statefulset_lanes_are_its_ordinals(report):
    tl = _timeline(report, "statefulset.revert_converges_without_manual_delete")
    assert [tl.lanes[0][j].label for j in tl.kept] == ["postgres-0"]  # the only ordinal that ever has a pod
    assert tl.bound_keys() == ["replicas"]
    assert tl.lanes[-1][tl.kept[0]].mark == "old"  # reverted: its pod runs the bad release, not the update revision


def test_a_model_without_an_adapter_has_no_picture():
    trace = replay(COUNTER, CounterScope(), ["controller.increment"])
    assert html_report.adapter(trace) is None


# -- safety of the page -------------------------------------------------------------------------------


def test_every_user_string_is_escaped():
    page = html_report.render(_report(name=HOSTILE))
    assert "<script" not in page.lower()
    tree = Tree(page)
    assert not [t for t, _ in tree.seen if t == "script"]
    headings = [h.all_text() for h in tree.root.find("h2")]
    assert f"daemonset/{HOSTILE}" in headings  # shown as text, exactly
    assert any(HOSTILE in p.all_text() for p in tree.root.find("pre", "trace"))
    for svg in svgs(page):  # still well-formed XML, the name inside as text
        assert any(HOSTILE in (t.text or "") for t in svg.iter("title")) or HOSTILE in "".join(svg.itertext())


RESOURCE_ATTRIBUTES = {"src", "href", "xlink:href", "srcset", "action", "data", "poster", "background"}


def test_the_page_loads_nothing(page):
    tree = Tree(page)
    for tag, found in tree.seen:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed")
        for key, value in found.items():
            if key in RESOURCE_ATTRIBUTES:
                assert value.startswith("#"), (tag, key, value)
    assert not re.search(r"https?://", page)
    assert "@import" not in page and "@font-face" not in page
    assert all(ref.startswith("#") for ref in re.findall(r"url\(([^)]*)\)", page))
    csp = [a for t, a in tree.seen if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]
