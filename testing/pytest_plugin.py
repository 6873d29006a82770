"""The pytest plugin (entry point ``pytest11``): ``pytest --kubecheck k8s/`` checks manifests as test items.

Without ``--kubecheck`` the plugin only adds its options: no hook of it runs, nothing is imported
beyond pytest (kubecheck's own test suite loads it too). With ``--kubecheck PATH`` (repeatable;
files or directories, read as ``kubecheck check -f`` reads them, all together, so that a claim,
a budget or a Service in one file reaches the workload in another):

* **collection**: the paths are what pytest collects (``pytest --kubecheck k8s/`` checks the
  manifests only; with test paths given, ``pytest tests/ --kubecheck k8s/``, both); each manifest file holding a
  workload is a test file, each workload a collector (``Deployment/web``; ``[ReadWriteMany]``
  when a claim of unknown access mode is checked one way per mode), and each property of
  ``check -f``'s selection for it a test item::

      k8s/web.yaml::Deployment/web::deployment.replicas_within_surge

  A document the loader or the API server's validation refuses is an item of its file that
  fails with the one-line reason (``check -f`` exits 2; the good documents are still checked).
* **running**: the first item of a workload that runs plans and runs the check of the
  workload's selected items as ``check -f`` does (:func:`kubecheck.manifest.sizing.plan`, then
  :func:`kubecheck.manifest.execute.execute_plan`: explicit search at the manifest's size, PDR or
  k-induction, or a reduced size said out loud), once; its other items read their rows. With
  ``-k`` only the selected properties are checked.
* **outcomes**, as ``check -f`` counts rows (:func:`kubecheck.manifest.report.standing`) and its
  JUnit form reports them: a VIOLATED guarantee fails, its message the verdict, the method and
  size, and the trace in the model's Kubernetes words (:data:`kubecheck.cli.manifest_text.trace_lines`)
  with a reproduce line; an applicable witness no run reaches (UNREACHABLE) fails. A witness
  this configuration cannot reach is *not applicable*: skipped with the reason. INCONCLUSIVE (a
  budget, a bound, a witness left unreached at a reduced size) is skipped with the reason. A
  caveat (a property Kubernetes does not guarantee) that is VIOLATED passes, as ``check -f``
  exits 0 for it; its verdict is in the item's report section and JUnit properties.
  ``--kubecheck-strict`` fails all three, as ``check -f --strict`` counts them (INCONCLUSIVE
  too). Never xfail.

Options mirror ``check -f``'s: ``--kubecheck-timeout`` (the whole kubecheck run),
``--kubecheck-workload-timeout`` (each workload; 60 s), ``--kubecheck-max-states``,
``--kubecheck-engine``, ``--kubecheck-nodes``, ``--kubecheck-faults``,
``--kubecheck-assume-access-mode``, ``--kubecheck-validate`` and ``--kubecheck-strict``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from kubecheck.checker.task import Budget, Deadline, Watchdog
    from kubecheck.manifest import Manifests
    from kubecheck.manifest.sizing import Row
    from kubecheck.manifest.workloads import Workload
    from kubecheck.model.kernel.property import Property

ENGINES = ("auto", "explicit", "bmc", "kind", "pdr")
VALIDATE = ("strict", "warn", "ignore")
#: the source of a rejected document's line: ``file (document n): …`` or ``file: …``
_WHERE = re.compile(r"^(?P<source>.*?)(?: \(document \d+\))?:")


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__
    return parse


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kubecheck", "kubecheck: check Kubernetes manifests as test items")
    group.addoption(
        "--kubecheck",
        action="append",
        default=[],
        metavar="PATH",
        help="check the Kubernetes manifests under PATH with kubecheck (one test item per workload and property)",
    )
    group.addoption(
        "--kubecheck-timeout",
        type=_positive(float),
        metavar="SECONDS",
        help="stop the kubecheck run after SECONDS (what is undecided is INCONCLUSIVE)",
    )
    group.addoption(
        "--kubecheck-workload-timeout",
        type=_positive(float),
        metavar="SECONDS",
        help="seconds for each workload (default 60, as check -f)",
    )
    group.addoption(
        "--kubecheck-max-states",
        type=_positive(int),
        metavar="N",
        help="stop an explicit search after N distinct states (INCONCLUSIVE)",
    )
    group.addoption(
        "--kubecheck-engine",
        choices=ENGINES,
        default="auto",
        help="auto (what fits the size, as check -f), explicit, bmc, kind or pdr",
    )
    group.addoption("--kubecheck-nodes", type=_positive(int), metavar="N", help="cluster nodes (as check -f --nodes)")
    group.addoption(
        "--kubecheck-faults",
        metavar="crash,evict|all|none",
        help="faults that may happen; also check the properties that assume them (as check -f --faults)",
    )
    group.addoption(
        "--kubecheck-assume-access-mode",
        metavar="MODE",
        help="the access mode of a claim the manifests do not define (default: check every mode)",
    )
    group.addoption(
        "--kubecheck-validate",
        choices=VALIDATE,
        default="strict",
        help="an unknown field refuses its document (strict, as kubectl apply), or is dropped (warn, ignore)",
    )
    group.addoption(
        "--kubecheck-strict",
        action="store_true",
        help="also fail on caveats (properties Kubernetes does not guarantee), on witnesses this "
        "configuration cannot reach, and on INCONCLUSIVE",
    )


def pytest_configure(config: pytest.Config) -> None:
    paths = config.getoption("kubecheck")
    if not paths:
        return  # inert
    config.pluginmanager.register(KubecheckRun(config, paths), "kubecheck-run")


class KubecheckRun:
    """The plugin's state for one pytest run with ``--kubecheck``: the manifests read once, per file."""

    def __init__(self, config: pytest.Config, paths: list[str]):
        from kubecheck import manifest
        from kubecheck.checker.task import Budget
        from kubecheck.cli.check_manifests import manifest_faults
        from kubecheck.cli.errors import InputError
        from kubecheck.manifest.objects import ACCESS_MODES

        self.config = config
        opt = config.getoption
        self.strict: bool = opt("kubecheck_strict")
        mode = opt("kubecheck_assume_access_mode")
        if mode is not None and mode not in ACCESS_MODES:
            raise pytest.UsageError(
                f"--kubecheck-assume-access-mode: expected one of {', '.join(ACCESS_MODES)}, got {mode!r}"
            )
        try:
            self.faults = manifest_faults(opt("kubecheck_faults"))
        except InputError as err:
            raise pytest.UsageError(f"--kubecheck-faults: {str(err).split(': ', 1)[-1]}") from None
        self.engine: str = opt("kubecheck_engine")
        self.budget: Budget = Budget(opt("kubecheck_max_states"), opt("kubecheck_timeout"))
        self.workload_seconds: float = opt("kubecheck_workload_timeout") or manifest.WORKLOAD_SECONDS
        here = Path.cwd()
        sources = [
            p if Path(p).is_absolute() else os.path.relpath(config.invocation_params.dir / p, here) for p in paths
        ]
        try:
            self.manifests: Manifests = manifest.read_workloads(
                sources, None, opt("kubecheck_nodes"), mode, opt("kubecheck_validate")
            )
        except manifest.ManifestError as err:
            raise pytest.UsageError(f"--kubecheck: {err}") from None
        self.workloads: dict[Path, list[Workload]] = {}
        self.rejected: dict[Path, list[str]] = {}
        for w in self.manifests.workloads:
            self.workloads.setdefault(_source(w.obj.meta.where), []).append(w)
        for line in self.manifests.rejected:
            self.rejected.setdefault(_source(line), []).append(line)
        self.files = set(self.workloads) | set(self.rejected)
        if config.args_source is not pytest.Config.ArgsSource.ARGS:
            config.args[:] = sources  # `pytest --kubecheck k8s/`: the manifests are what this run checks
        else:
            config.args += [p for p in sources if p not in config.args]  # `pytest tests/ --kubecheck k8s/`: both
        self.deadline: Deadline | None = None
        self.watchdog: Watchdog | None = None

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
        if file_path.resolve() in self.files:
            return ManifestFile.from_parent(parent, path=file_path, run=self)
        return None

    def pytest_report_header(self) -> list[str]:
        m = self.manifests
        lines = [
            f"kubecheck: {len(m.workloads)} workload{'s' if len(m.workloads) != 1 else ''} in "
            f"{', '.join(self.config.getoption('kubecheck'))}"
            + (f", {len(m.rejected)} document(s) rejected" if m.rejected else "")
            + (" (strict)" if self.strict else "")
        ]
        if self.config.getoption("kubecheck_validate") == "warn":  # as check -f --validate=warn tells them
            lines += [f"kubecheck: {f}: unknown field, dropped (--kubecheck-validate=warn)" for f in m.unknown]
        return lines

    def pytest_unconfigure(self) -> None:
        if self.watchdog is not None:
            self.watchdog.close()
            self.watchdog = None

    def seconds_for_a_workload(self) -> float | None:
        """The workload's time: ``--kubecheck-workload-timeout``, within what ``--kubecheck-timeout`` leaves."""
        from kubecheck.checker.task import Deadline

        if self.deadline is None:
            self.deadline = Deadline(self.budget.timeout)  # the kubecheck run starts with its first workload
        left = self.deadline.left()
        return self.workload_seconds if left is None else min(self.workload_seconds, left)

    def check_f_options(self) -> str:
        """The ``check -f`` options that give the same run (for the reproduce line)."""
        opt = self.config.getoption
        words = [f"--nodes {opt('kubecheck_nodes')}"] if opt("kubecheck_nodes") else []
        if self.faults:
            words.append(f"--faults {','.join(sorted(self.faults))}")
        if opt("kubecheck_assume_access_mode"):
            words.append(f"--assume-access-mode {opt('kubecheck_assume_access_mode')}")
        if opt("kubecheck_validate") != "strict":
            words.append(f"--validate {opt('kubecheck_validate')}")
        if self.engine not in ("auto", "explicit"):
            words.append(f"--engine {self.engine}")
        return "".join(f" {w}" for w in words)

    def dog(self) -> Watchdog:
        from kubecheck.checker.task import Watchdog

        if self.watchdog is None:
            self.watchdog = Watchdog()
        return self.watchdog


def _source(line: str) -> Path:
    """The file a workload's ``where`` or a rejected line names."""
    found = _WHERE.match(line)
    return Path(found["source"] if found else line.split(" (document ", 1)[0]).resolve()


def _workload_names(workloads: list[Workload]) -> list[str]:
    """``Deployment/web``: the namespace when two share a name, the assumed access mode of a variant."""
    base = [f"{w.obj.meta.kind}/{w.obj.meta.name}" for w in workloads]
    names = []
    for w, b in zip(workloads, base):
        if base.count(b) > 1 and len({x.obj.meta.namespace for x, y in zip(workloads, base) if y == b}) > 1:
            b += f" (namespace {w.obj.meta.namespace})"
        if w.assumption:
            mode = re.search(r"\b(ReadWrite\w+|ReadOnly\w+)\b", w.assumption)
            b += f"[{mode.group(1) if mode else w.assumption}]"
        names.append(b)
    return names


class ManifestFile(pytest.File):
    """A manifest file: its workloads (collectors) and its rejected documents (failing items)."""

    def __init__(self, *, run: KubecheckRun, **kwargs: Any):
        super().__init__(**kwargs)
        self.run = run

    def collect(self) -> Iterator[pytest.Item | pytest.Collector]:
        key = self.path.resolve()
        found = self.run.workloads.get(key, [])
        for w, name in zip(found, _workload_names(found)):
            yield WorkloadNode.from_parent(self, name=name, workload=w)
        for line in self.run.rejected.get(key, []):
            document = re.search(r"\(document (\d+)\)", line.split(": ", 1)[0])
            name = f"rejected document {document.group(1)}" if document else "rejected file"
            yield RejectedDocument.from_parent(self, name=name, line=line)


class WorkloadNode(pytest.Collector):
    """One workload: one item per property of ``check -f``'s selection; runs its check once."""

    def __init__(self, *, workload: Workload, **kwargs: Any):
        super().__init__(**kwargs)
        self.workload = workload
        self.rows: dict[str, Row] | None = None
        self.plan_text = ""

    @property
    def run(self) -> KubecheckRun:
        assert isinstance(self.parent, ManifestFile)
        return self.parent.run

    def collect(self) -> Iterator[pytest.Item]:
        from kubecheck.manifest import sizing

        props, _skipped = sizing.select(self.workload, self.run.faults)
        for prop in props:
            yield PropertyItem.from_parent(self, name=prop.name, prop=prop)

    def check(self) -> dict[str, Row]:
        """The rows of the properties of this workload's selected items (checked on the first call)."""
        if self.rows is not None:
            return self.rows
        import attrs

        from kubecheck.manifest import execute, sizing

        selected = {i.name for i in self.session.items if isinstance(i, PropertyItem) and i.parent is self}
        every = sizing.select(self.workload, self.run.faults)[0]
        props = [p for p in every if p.name in selected] or every
        run = self.run
        seconds = run.seconds_for_a_workload()
        plan = sizing.plan(self.workload, props, run.engine, attrs.evolve(run.budget, timeout=seconds))
        self.plan_text = plan.describe()
        if seconds is not None and seconds <= 0:
            rows = [execute.stopped_row(plan, p, "timeout") for p in plan.properties]
        else:
            try:
                rows = execute.execute_plan(plan, seconds, run.dog())
            except execute.Interrupted:
                raise KeyboardInterrupt from None
        self.rows = {r.result.property.name: r for r in rows}
        return self.rows


class KubecheckFailure(Exception):
    """A property's row that fails: the message is the verdict and the trace (no Python traceback)."""


class PropertyItem(pytest.Item):
    """One property of one workload: passes, fails with the trace, or is skipped with the reason."""

    def __init__(self, *, prop: Property, **kwargs: Any):
        super().__init__(**kwargs)
        self.prop = prop

    @property
    def node(self) -> WorkloadNode:
        assert isinstance(self.parent, WorkloadNode)
        return self.parent

    def runtest(self) -> None:
        from kubecheck.checker.result import Verdict
        from kubecheck.manifest.report import standing

        row = self.node.check()[self.prop.name]
        strict = self.node.run.strict
        st = standing(row, strict)
        res = row.result
        summary = f"{st.verdict.value} by {row.method}, checked at {row.sizing_note or row.size}"
        self.user_properties += [
            ("verdict", st.verdict.value),
            ("method", row.method),
            ("checked at", row.sizing_note or row.size),
        ]
        said = summary + (
            " (caveat: not guaranteed by Kubernetes; not a failure)" if row.caveat and not st.counted else ""
        )
        plan = f"\nplan: {self.node.plan_text.rstrip()}" if self.node.plan_text else ""
        self.add_report_section("call", "kubecheck", said + (f"\n{st.note}" if st.note else "") + plan)
        if st.verdict in (Verdict.VIOLATED, Verdict.UNREACHABLE) and st.counted:
            raise KubecheckFailure(self._message(row, summary))
        if not st.applicable:
            pytest.skip(st.note)
        if st.verdict is Verdict.INCONCLUSIVE:
            why = st.note or res.note or res.stats.stop_reason or "undecided"
            if strict:
                raise KubecheckFailure(
                    self._message(row, summary, f"INCONCLUSIVE: {why} (--kubecheck-strict counts it)")
                )
            pytest.skip(f"INCONCLUSIVE: {why}")

    def _message(self, row: Row, summary: str, why: str = "") -> str:
        from kubecheck.cli.manifest_text import trace_lines

        w = self.node.workload
        res = row.result
        caveat = " (caveat: not guaranteed by Kubernetes; counted under --kubecheck-strict)" if row.caveat else ""
        lines = [f"{w.ref} ({w.obj.meta.where}): {res.property.name} — {res.property.doc}", summary + caveat]
        if why:
            lines.append(why)
        if w.assumption:
            lines.append(f"assumes: {w.assumption}")
        if res.trace is None and res.note:
            lines.append(res.note)
        lines += trace_lines(res)
        source = w.obj.meta.where.split(" (document ", 1)[0]
        flags = self.node.run.check_f_options() + (" --strict" if row.caveat or self.node.run.strict else "")
        lines.append(f"reproduce: kubecheck check -f {source}{flags}")
        return "\n".join(lines)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, KubecheckFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.node.workload.ref}: {self.prop.name}"


class RejectedDocument(pytest.Item):
    """A document ``check -f`` refuses (one line: where, the field, what was expected, what came)."""

    def __init__(self, *, line: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.line = line

    def runtest(self) -> None:
        raise KubecheckFailure(f"rejected (not checked; kubecheck check -f exits 2): {self.line}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, KubecheckFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, self.name
