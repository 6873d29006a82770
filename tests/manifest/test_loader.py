"""The loader: files, directories, stdin, multi-document streams, and its limits."""

from __future__ import annotations

import pytest
from manifest_texts import deployment, statefulset

from kubecheck.manifest import loader
from kubecheck.manifest.errors import ManifestError


def test_multi_document_stream_from_stdin_skips_empty_documents() -> None:
    text = "---\n" + deployment() + "---\n\n---\n" + statefulset() + "---\n"
    docs = loader.load(["-"], stdin_text=text)
    assert [(d.source, d.index, d.obj["kind"]) for d in docs] == [
        ("<stdin>", 1, "Deployment"),
        ("<stdin>", 3, "StatefulSet"),
    ]


def test_directory_is_read_recursively_in_path_order_skipping_hidden_and_expected_files(write) -> None:
    write("b.yaml", statefulset())
    write("a/x.yml", deployment())
    write(".hidden/z.yaml", "not: read")
    write("b.expected.json", "{}")
    write("notes.txt", "ignored")
    docs = loader.load([str(write("b.yaml", statefulset()).parent)])
    assert [d.obj["kind"] for d in docs] == ["Deployment", "StatefulSet"]


def test_list_kind_contributes_its_items() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n" + "".join(
        "- " + "\n  ".join(deployment(name).splitlines()) + "\n" for name in ("a", "b")
    )
    assert [d.obj["metadata"]["name"] for d in loader.parse_stream(text, "s")] == ["a", "b"]


def test_json_documents_are_yaml() -> None:
    docs = loader.parse_stream('{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}', "s.json")
    assert docs[0].obj["kind"] == "Service"


@pytest.mark.parametrize(
    "text, message",
    [
        ("a: [1, 2", "s (document 1): invalid YAML at line 1"),
        ("- 1\n- 2\n", "s (document 1): expected a Kubernetes object (a mapping with apiVersion and kind), got a list"),
        (
            "just text",
            "s (document 1): expected a Kubernetes object (a mapping with apiVersion and kind), "
            "got the string 'just text'",
        ),
        ("kind: List\nitems: 3\n", "s (document 1): List: items: expected a list, got the integer 3"),
        ("? [a, b]\n: 1\n", "s (document 1): invalid YAML"),
        ("1: x\n", "s (document 1): mapping key the integer 1 is not a string"),
        ("!!python/object:os.system {}\n", "s (document 1): invalid YAML"),
    ],
)
def test_bad_yaml_is_one_line(text: str, message: str) -> None:
    with pytest.raises(ManifestError) as err:
        loader.parse_stream(text, "s")
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_billion_laughs_is_refused_quickly() -> None:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n" for i in range(8)
    )
    with pytest.raises(ManifestError, match="more than 200000 values once YAML aliases are expanded"):
        loader.parse_stream(text, "s")


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(ManifestError, match=r"nested deeper than 64 levels|invalid YAML|cannot read YAML"):
        loader.parse_stream("a: " + "[" * 5000 + "]" * 5000, "s")


def test_huge_integers_are_an_error_not_a_hang() -> None:
    with pytest.raises(ManifestError, match="cannot read YAML"):
        loader.parse_stream("replicas: " + "9" * 100_000, "s")


def test_non_utf8_bytes(write) -> None:
    path = write("bad.yaml", b"kind: Deployment\nmetadata: {name: \xff\xfe}\n")
    with pytest.raises(ManifestError) as err:
        loader.load([str(path)])
    assert "not UTF-8 text (invalid byte 0xff at offset 34)" in str(err.value)


def test_size_limits(write, monkeypatch) -> None:
    monkeypatch.setattr(loader, "MAX_SOURCE_BYTES", 100)
    path = write("big.yaml", "a: " + "x" * 200)
    with pytest.raises(ManifestError, match="over the limit of 100 bytes per file"):
        loader.load([str(path)])
    with pytest.raises(ManifestError, match="over the limit of 100 bytes per source"):
        loader.load(["-"], stdin_text="a: " + "x" * 200)


def test_document_count_limit(monkeypatch) -> None:
    monkeypatch.setattr(loader, "MAX_DOCUMENTS", 3)
    with pytest.raises(ManifestError, match="more than 3 objects"):
        loader.parse_stream("---\n".join("kind: X\n" for _ in range(5)), "s")


@pytest.mark.parametrize(
    "sources, stdin, message",
    [
        ([], None, "no manifests given"),
        (["-"], None, "-f - reads standard input, but no input was given"),
        (["/nonexistent/app.yaml"], None, "cannot read /nonexistent/app.yaml: no such file or directory"),
    ],
)
def test_missing_input(sources, stdin, message) -> None:
    with pytest.raises(ManifestError, match=message):
        loader.load(sources, stdin)


def test_empty_directory(tmp_path) -> None:
    with pytest.raises(ManifestError, match=r"no \*.yaml, \*.yml or \*.json files"):
        loader.load([str(tmp_path)])


# -- a bad document does not stop the others ----------------------------------------------------


def test_a_syntax_error_keeps_the_documents_before_and_after_it() -> None:
    text = deployment("a") + "---\nb: [1, 2\n---\n\n---\n" + deployment("c")
    loaded = loader.read_stream(text, "s")
    assert [(d.index, d.obj["metadata"]["name"]) for d in loaded.documents] == [(1, "a"), (4, "c")]
    [error] = loaded.rejected
    assert str(error).startswith("s (document 2): invalid YAML at line 13, column 1: while parsing a flow sequence")


def test_an_unterminated_quote_is_one_document_not_the_rest_of_the_stream() -> None:
    text = 'a: "open\n---\n' + deployment("b")
    loaded = loader.read_stream(text, "s")
    assert [d.obj["metadata"]["name"] for d in loaded.documents] == ["b"]
    assert [str(e).split(":")[0] for e in loaded.rejected] == ["s (document 1)"]


def test_documents_that_are_not_objects_are_rejected_one_by_one() -> None:
    text = "- 1\n---\n" + deployment("a") + "---\njust text\n---\nkind: List\nitems: [1, {kind: X}]\n"
    loaded = loader.read_stream(text, "s")
    assert [d.obj["kind"] for d in loaded.documents] == ["Deployment", "X"]
    assert [str(e).split(": ")[0:2] for e in loaded.rejected] == [
        ["s (document 1)", "expected a Kubernetes object (a mapping with apiVersion and kind), got a list"],
        [
            "s (document 3)",
            "expected a Kubernetes object (a mapping with apiVersion and kind), got the string 'just text'",
        ],
        ["s (document 4)", "List"],
    ]


def test_the_strict_reader_names_the_first_bad_document_and_counts_the_others() -> None:
    with pytest.raises(ManifestError) as err:
        loader.parse_stream("- 1\n---\n- 2\n---\n- 3\n", "s")
    assert str(err.value).endswith("got a list (and 2 more rejected documents)")
    assert len(err.value.errors) == 3


def test_a_directory_rejects_bad_files_and_reads_the_good_ones(write, monkeypatch) -> None:
    monkeypatch.setattr(loader, "MAX_SOURCE_BYTES", 2000)
    write("a.yaml", deployment("a"))
    write("b.yaml", b"\xff")
    write("c.yaml", "a: " + "x" * 3000)
    path = write("d.yaml", deployment("d"))
    loaded = loader.read_sources([str(path.parent)])
    assert [d.obj["metadata"]["name"] for d in loaded.documents] == ["a", "d"]
    assert [str(e).split(": ")[1] for e in loaded.rejected] == [
        "not UTF-8 text (invalid byte 0xff at offset 0); Kubernetes manifests are UTF-8 YAML or JSON",
        "3003 bytes is over the limit of 2000 bytes per file (MAX_SOURCE_BYTES)",
    ]


def test_errors_of_the_run_are_still_raised_at_once(write, monkeypatch) -> None:
    monkeypatch.setattr(loader, "MAX_TOTAL_BYTES", 300)
    path = write("a.yaml", deployment("a"))
    write("b.yaml", deployment("b"))
    with pytest.raises(ManifestError, match="manifests total more than 300 bytes"):
        loader.read_sources([str(path.parent)])
    with pytest.raises(ManifestError, match="no such file"):
        loader.read_sources([str(path), str(path.parent / "missing.yaml")])
