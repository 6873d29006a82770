"""The loader keeps where each field is written: ``Document.lines``, field path -> line of the source."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from manifest_texts import deployment, statefulset

from kubecheck import manifest
from kubecheck.manifest import loader
from kubecheck.manifest.errors import ManifestError
from kubecheck.manifest.report import Location, ManifestReport, WorkloadReport, anchored

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _last_key(path: str) -> str:
    """The last key of a field path (``spec.template.spec.volumes[0]`` -> ``volumes``)."""
    return re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_field_line_of_the_examples_is_a_line_of_the_file_that_writes_the_field(example: Path) -> None:
    source = example.read_text().splitlines()
    for doc in loader.load([str(example)]):
        assert doc.lines, doc.where
        for path, line in doc.lines.items():
            assert 1 <= line <= len(source), (path, line)
            text = source[line - 1]
            if path.endswith("]"):  # a list item: its line holds the item ("- …" or an inline list)
                assert "-" in text or "[" in text, (path, text)
            elif path:
                assert _last_key(path) in text, (path, line, text)


def test_a_documents_lines_are_counted_in_its_source_after_separators_and_comments() -> None:
    text = "# a comment\n---\n" + deployment("a") + "---\n\n# another\n" + statefulset("b")
    a, b = loader.parse_stream(text, "s")
    source = text.splitlines()
    assert source[a.lines["spec.replicas"] - 1] == "  replicas: 3"
    assert source[b.lines["spec.replicas"] - 1] == "  replicas: 3"
    assert a.lines["spec.replicas"] == 7 and b.lines["spec.replicas"] == 21
    assert (
        source[b.lines["spec.volumeClaimTemplates[0].spec.accessModes"] - 1].strip() == "accessModes: [ReadWriteOnce]"
    )
    assert b.lines["kind"] == 17 and b.lines[""] == 16  # the document itself: its first line after the comment


def test_the_lines_of_a_stream_read_piece_by_piece_after_a_syntax_error_are_the_streams() -> None:
    text = deployment("a") + "---\nkind: [broken\n---\n" + deployment("c", replicas=5)
    loaded = loader.read_stream(text, "s")
    assert [d.obj["metadata"]["name"] for d in loaded.documents] == ["a", "c"]
    assert len(loaded.rejected) == 1
    c = loaded.documents[1]
    assert text.splitlines()[c.lines["spec.replicas"] - 1] == "  replicas: 5"


def test_list_items_have_lines_of_their_own_relative_to_the_item() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n" + "".join(
        "- " + "\n  ".join(deployment(name, replicas=n).splitlines()) + "\n" for name, n in (("a", 2), ("b", 4))
    )
    a, b = loader.parse_stream(text, "s")
    source = text.splitlines()
    assert source[a.lines["spec.replicas"] - 1].strip() == "replicas: 2"
    assert source[b.lines["spec.replicas"] - 1].strip() == "replicas: 4"
    assert source[b.lines["kind"] - 1].strip() == "kind: Deployment"
    assert source[b.lines[""] - 1].startswith("- apiVersion")  # the item itself
    assert "items[1].spec.replicas" not in b.lines


def test_json_documents_have_lines_too(write) -> None:
    path = write("s.json", '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {\n    "name": "s"\n  }\n}\n')
    [doc] = loader.load([str(path)])
    assert doc.lines["metadata.name"] == 5 and doc.lines["kind"] == 3


def test_a_key_written_after_a_merge_has_its_own_line_and_merged_keys_the_anchors() -> None:
    [doc] = loader.parse_stream("kind: X\nbase: &b {a: 1, b: 2}\nx:\n  <<: *b\n  a: 3\ny: *b\n", "s")
    assert doc.obj["x"] == {"a": 3, "b": 2}
    assert doc.lines["x.a"] == 5  # written after the merge: it wins, as in the value
    assert doc.lines["x.b"] == 2  # merged: where the anchored mapping writes it
    assert doc.lines["y"] == 6 and "y.a" not in doc.lines  # an alias: its key's line, fields under the anchor only


def test_aliases_that_multiply_cost_what_their_text_costs() -> None:
    """Each YAML node is entered once: the lines of a document are as many as its nodes, not its values."""
    text = "kind: X\na: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(
        f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]\n"
        for prev, name in zip("abcd", "bcde", strict=True)  # e has 10^5 values once expanded
    )
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines = loader.field_lines(node)
    assert len(lines) < 100
    with pytest.raises(ManifestError, match="document too large"):  # the limit on expanded values still holds
        loader.parse_stream(text + "f: [*e, *e, *e]\n", "s")


def test_field_lines_refuses_paths_the_document_does_not_write() -> None:
    [doc] = loader.parse_stream(deployment("a"), "s")
    lines = doc.lines
    assert isinstance(lines, loader.FieldLines)
    for path in ("spec.strategy", "spec..replicas", "spec.replicas.x", "spec.template.spec.containers[1]", "[0]"):
        assert path not in lines
        with pytest.raises(KeyError):
            lines[path]
    assert lines.get("spec.template.spec.containers[0].image") == lines["spec.template.spec.containers"]
    assert list(lines)[:3] == ["", "apiVersion", "kind"]  # paths in the order the document writes them


def test_safe_loading_is_unchanged_python_tags_are_still_refused() -> None:
    with pytest.raises(ManifestError, match="invalid YAML"):
        loader.parse_stream("kind: X\nx: !!python/object/apply:os.system [echo]\n", "s")


def test_each_workload_of_a_report_gets_the_lines_of_its_own_document(write) -> None:
    """``report.anchored``: a List's items share a document and are told apart by kind, name and namespace."""
    items = "".join(
        "- "
        + "\n  ".join(
            deployment("web", replicas=n).replace("{name: web}", f"{{name: web, namespace: {ns}}}").splitlines()
        )
        + "\n"
        for ns, n in (("blue", 2), ("green", 4))
    )
    path = write("apps.yaml", "apiVersion: v1\nkind: List\nitems:\n" + items + "---\n" + statefulset("db"))
    found = manifest.read_workloads([str(path)])
    bare = ManifestReport((str(path),), tuple(WorkloadReport(w, (), (), 0.0) for w in found.workloads), (), (), 0.0)
    assert all(wr.locate(("spec.replicas",)) is None for wr in bare.workloads)  # no lines: nothing to point at
    report = anchored(bare, loader.read_sources([str(path)]).documents)
    source = path.read_text().splitlines()
    shown = []
    for wr in report.workloads:
        where = wr.locate(("spec.strategy", "spec.replicas"))
        assert where is not None and where.file == str(path) and where.field == "spec.replicas"
        shown.append((wr.workload.ref, wr.workload.obj.meta.namespace, source[where.line - 1].strip()))
        assert wr.locate(("spec.nothing",)) == Location(str(path), wr.lines["metadata.name"], "metadata.name")
    assert shown == [
        ("deployment/web", "blue", "replicas: 2"),
        ("deployment/web", "green", "replicas: 4"),
        ("statefulset/db", "default", "replicas: 3"),
    ]
