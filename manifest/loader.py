"""Read Kubernetes YAML: files, directories and standard input, many documents each.

``helm template … | kubecheck check -f -`` sends one stream of ``---``-separated documents; a
directory is read file by file (``*.yaml``, ``*.yml``, ``*.json``, sorted by path, recursively,
hidden files skipped). Documents are parsed with ``yaml.SafeLoader`` (no Python tags), refusing duplicate keys; a
``kind: List`` (``kubectl get -o yaml``) contributes its items. Empty documents are skipped.

Limits (bad or hostile input must fail fast with one line, never hang or exhaust memory):

==========================  ============  =====================================================
``MAX_SOURCE_BYTES``        4 MiB         one file or the standard input
``MAX_TOTAL_BYTES``         16 MiB        all sources together
``MAX_FILES``               500           files found under the directories given
``MAX_DOCUMENTS``           1000          objects after List expansion
``MAX_NODES``               200,000       values in one document *counting every alias
                                          expansion* (the "billion laughs" attack is a few
                                          hundred bytes whose aliases expand to 10^9 values)
``MAX_DEPTH``               64            nesting of mappings and lists
``MAX_INT_DIGITS``          (Python's)    integers longer than 4300 digits are a YAML error
==========================  ============  =====================================================
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import attrs
import yaml

from kubecheck.manifest.errors import HELM_ACTION, HELM_RENDER, ManifestError, describe_value, one_line

MAX_SOURCE_BYTES = 4 * 1024 * 1024
MAX_TOTAL_BYTES = 16 * 1024 * 1024
MAX_FILES = 500
MAX_DOCUMENTS = 1000
MAX_NODES = 200_000
MAX_DEPTH = 64
SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"


@attrs.frozen
class Document:
    """One Kubernetes object as written: where it came from and its mapping."""

    source: str  # file path, or "<stdin>"
    index: int  # 1-based position of the YAML document in its source
    obj: dict[str, object] = attrs.field(eq=False, repr=False)

    @property
    def where(self) -> str:
        return f"{self.source} (document {self.index})"


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping, as the API server's strict
    decoding and kubectl do (PyYAML keeps the last silently). Keys merged with ``<<`` may be
    overridden, as YAML allows."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1
                if key in seen:
                    shown = json.dumps(key) if isinstance(key, str) else repr(key)
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {shown} already set in this mapping "
                        f"at line {seen[key]} (duplicate keys are refused, as by the API server's strict decoding)",
                        key_node.start_mark,
                    )
                seen[key] = line
        return super().construct_mapping(node, deep)


def _walk_limits(value: object, where: str) -> None:
    """Count values with aliases expanded, and nesting depth; ManifestError past the limits."""
    count = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ManifestError(
                f"{where}: document too large: more than {MAX_NODES} values once YAML aliases are expanded "
                f"(limit MAX_NODES; anchors/aliases that multiply, e.g. 'billion laughs', are refused)",
                where=where,
                expected=f"at most {MAX_NODES} values",
                got="more",
            )
        if depth > MAX_DEPTH:
            raise ManifestError(
                f"{where}: document nested deeper than {MAX_DEPTH} levels",
                where=where,
                expected=f"at most {MAX_DEPTH} levels",
                got="deeper",
            )
        if isinstance(item, dict):
            for k, v in item.items():
                if not isinstance(k, str):
                    raise ManifestError(
                        f"{where}: mapping key {describe_value(k)} is not a string (expected string keys, as in JSON)",
                        where=where,
                        expected="a string key",
                        got=describe_value(k),
                    )
                stack.append((v, depth + 1))
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ManifestError(
            f"{source}: not UTF-8 text (invalid byte 0x{data[err.start]:02x} at offset {err.start}); "
            f"Kubernetes manifests are UTF-8 YAML or JSON",
            where=source,
            expected="UTF-8 text",
            got=f"byte 0x{data[err.start]:02x}",
        ) from None


def helm_hint(text: str, line: int | None = None) -> str:
    """ "looks like an unrendered Helm template (line N: {{ … }}); …" if YAML failed on a template action, else "".

    ``line`` is the 1-based line where YAML failed: it (or the line before, where the parser may
    have stopped) must hold the action, so that ``{{ … }}`` in a rendered ConfigMap does not take
    the blame for an unrelated YAML error. Without a line, the first action is named.
    """
    lines = text.splitlines()
    candidates = [line, line - 1] if line is not None else list(range(1, len(lines) + 1))
    for n in candidates:
        found = HELM_ACTION.search(lines[n - 1]) if 0 < n <= len(lines) else None
        if found:
            return f"looks like an unrendered Helm template (line {n}: {one_line(found.group(), 60)}); {HELM_RENDER}"
    return ""


def parse_stream(text: str, source: str) -> list[Document]:
    """Every non-empty document of one YAML stream, List items expanded, limits enforced."""
    docs: list[Document] = []
    try:
        for index, obj in enumerate(yaml.load_all(text, Loader=_StrictLoader), start=1):
            where = f"{source} (document {index})"
            if obj is None:
                continue
            _walk_limits(obj, where)
            if not isinstance(obj, dict):
                raise ManifestError(
                    f"{where}: expected a Kubernetes object (a mapping with apiVersion and kind), "
                    f"got {describe_value(obj)}",
                    where=where,
                    expected="a mapping",
                    got=describe_value(obj),
                )
            items = obj.get("items") if obj.get("kind") == "List" else None
            if obj.get("kind") == "List":
                if not isinstance(items, list):
                    raise ManifestError(
                        f"{where}: List: items: expected a list, got {describe_value(items)}",
                        where=where,
                        path="items",
                        expected="a list",
                        got=describe_value(items),
                    )
                for j, item in enumerate(items):
                    if not isinstance(item, dict):
                        raise ManifestError(
                            f"{where}: List: items[{j}]: expected a Kubernetes object, got {describe_value(item)}",
                            where=where,
                            path=f"items[{j}]",
                            expected="a mapping",
                            got=describe_value(item),
                        )
                    docs.append(Document(source, index, item))
            else:
                docs.append(Document(source, index, obj))
            if len(docs) > MAX_DOCUMENTS:
                raise ManifestError(
                    f"{source}: more than {MAX_DOCUMENTS} objects (limit MAX_DOCUMENTS)",
                    where=source,
                    expected=f"at most {MAX_DOCUMENTS} objects",
                    got="more",
                )
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or getattr(err, "context", None) or str(err)
        helm = helm_hint(text, mark.line + 1 if mark is not None else None)
        if helm:
            raise ManifestError(
                f"{source}: {helm}", where=source, expected="rendered YAML", got="a Helm template"
            ) from None
        raise ManifestError(
            f"{source}: invalid YAML{at}: {one_line(problem, 160)}",
            where=source,
            expected="YAML",
            got=one_line(problem, 80),
        ) from None
    except (ValueError, RecursionError, OverflowError) as err:  # 5000-digit integers, absurd nesting in the parser
        if isinstance(err, ManifestError):
            raise
        raise ManifestError(
            f"{source}: cannot read YAML: {one_line(err, 160)}", where=source, expected="YAML", got=type(err).__name__
        ) from None
    return docs


def _files(path: Path) -> Iterator[Path]:
    found = 0
    for p in sorted(path.rglob("*")):
        if any(part.startswith(".") for part in p.relative_to(path).parts):
            continue
        if p.is_file() and p.suffix in SUFFIXES and not p.name.endswith(".expected.json"):
            found += 1
            if found > MAX_FILES:
                raise ManifestError(f"{path}: more than {MAX_FILES} manifest files (limit MAX_FILES)", where=str(path))
            yield p


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise ManifestError(
                f"{path}: {size} bytes is over the limit of {MAX_SOURCE_BYTES} bytes per file (MAX_SOURCE_BYTES)",
                where=str(path),
                expected=f"at most {MAX_SOURCE_BYTES} bytes",
                got=f"{size} bytes",
            )
        with path.open("rb") as f:
            return f.read(MAX_SOURCE_BYTES + 1)
    except OSError as err:
        raise ManifestError(f"cannot read {path}: {err.strerror or err}", where=str(path)) from None


def load(sources: Sequence[str | Path], stdin_text: str | bytes | None = None) -> list[Document]:
    """Every document of every source, in order ('-' is ``stdin_text``)."""
    if not sources:
        raise ManifestError("no manifests given: name files or directories with -f, or -f - for standard input")
    docs: list[Document] = []
    total = 0
    for src in sources:
        if str(src) == STDIN:
            if stdin_text is None:
                raise ManifestError("-f - reads standard input, but no input was given")
            data = stdin_text.encode("utf-8", "surrogateescape") if isinstance(stdin_text, str) else stdin_text
            chunks = [("<stdin>", data)]
        else:
            path = Path(src)
            if path.is_dir():
                chunks = [(str(p), _read(p)) for p in _files(path)]
                if not chunks:
                    raise ManifestError(f"{path}: no *.yaml, *.yml or *.json files in this directory", where=str(path))
            elif path.exists():
                chunks = [(str(path), _read(path))]
            else:
                raise ManifestError(f"cannot read {path}: no such file or directory", where=str(path))
        for name, data in chunks:
            if len(data) > MAX_SOURCE_BYTES:
                raise ManifestError(
                    f"{name}: over the limit of {MAX_SOURCE_BYTES} bytes per source (MAX_SOURCE_BYTES)",
                    where=name,
                    expected=f"at most {MAX_SOURCE_BYTES} bytes",
                    got=f"{len(data)} bytes",
                )
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise ManifestError(
                    f"manifests total more than {MAX_TOTAL_BYTES} bytes (MAX_TOTAL_BYTES)",
                    expected=f"at most {MAX_TOTAL_BYTES} bytes",
                    got="more",
                )
            docs.extend(parse_stream(_decode(data, name), name))
            if len(docs) > MAX_DOCUMENTS:
                raise ManifestError(
                    f"more than {MAX_DOCUMENTS} objects in the manifests (limit MAX_DOCUMENTS)",
                    expected=f"at most {MAX_DOCUMENTS} objects",
                    got="more",
                )
    return docs
