"""Read Kubernetes YAML: files, directories and standard input, many documents each.

``helm template … | kubecheck check -f -`` sends one stream of ``---``-separated documents; a
directory is read file by file (``*.yaml``, ``*.yml``, ``*.json``, sorted by path, recursively,
hidden files skipped). Documents are parsed with ``yaml.SafeLoader`` (no Python tags), refusing duplicate keys; a
``kind: List`` (``kubectl get -o yaml``) contributes its items. Empty documents are skipped.

A bad document does not stop the others (as ``kubectl apply -f DIR`` goes on past one):
:func:`read_sources` returns the good documents and one :class:`ManifestError` per bad document
or file — a file over the size limit or not UTF-8, a document that is not a mapping or breaks a
limit, a List item that is not an object, a document that does not parse. PyYAML stops a stream
at its first syntax error; the stream is then cut at its ``---`` lines as kubectl's reader cuts it
and each piece is parsed alone, so the documents before *and after* the broken one are read
(:func:`read_stream`). :func:`load` and :func:`parse_stream` are the strict forms (the first
error raised). What concerns the run rather than a document — no source, a missing or unreadable
file, more than MAX_FILES, MAX_TOTAL_BYTES or MAX_DOCUMENTS — is raised at once.

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

Lines. Each :class:`Document` keeps where its fields were written: ``Document.lines`` maps a field
path (``spec.replicas``, ``spec.strategy.rollingUpdate.maxSurge``, ``spec.template.spec.volumes[0]``;
the empty path is the document itself) to the 1-based line of the source where its key (or list
item) stands, read from the marks of the YAML node tree the document was built from
(:func:`field_lines`), so a renderer can point at the line of the field a finding concerns. A
List's item has paths relative to itself. A value reached through an alias keeps the lines of its
anchor, under the first path that reached it (the node tree is walked once per node, so aliases
that multiply cost nothing here); a key merged with ``<<`` has the line where it is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
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
    #: field path -> 1-based line of ``source`` where it is written ("" is the document; module docstring)
    lines: Mapping[str, int] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def where(self) -> str:
        return f"{self.source} (document {self.index})"


class _StrictLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping, as the API server's strict
    decoding and kubectl do (PyYAML keeps the last silently). Keys merged with ``<<`` may be
    overridden, as YAML allows."""

    #: the line of the source where the text being read starts (a piece of a stream read alone)
    first_line = 0

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[object, object]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[object, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
                    continue
                key = self.construct_object(key_node)
                line = key_node.start_mark.line + 1 + self.first_line
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


class FieldLines(Mapping[str, int]):
    """Where the fields of one YAML value are written: field path -> 1-based line (module docstring).

    A tree with one node per key and list item, as large as the document's own text: paths are made
    when asked for, never stored. ``lines["spec.replicas"]``, ``lines.get("spec.strategy")``,
    ``lines[""]`` (the value itself); ``lines.sub("items[2]")`` is an item's own lines. A path
    is keys joined with ``.`` and list positions as ``[i]``; a key holding ``.`` or ``[`` cannot
    be named (no field kubecheck reads has one).
    """

    __slots__ = ("children", "line", "span")

    def __init__(
        self,
        line: int,
        children: dict[str, FieldLines] | list[FieldLines] | None = None,
        span: Span | None = None,
    ):
        self.line = line
        self.children = children
        #: where a scalar value is written (quotes included), for a fix that rewrites it; None otherwise
        self.span = span

    def node(self, path: str) -> FieldLines:
        """The subtree at ``path``; KeyError when the document does not write it."""
        if not _PATH.fullmatch(path):
            raise KeyError(path)
        here = self
        for key, index in _PATH_PART.findall(path):
            kids = here.children
            if key and isinstance(kids, dict) and key in kids:
                here = kids[key]
            elif index and isinstance(kids, list) and int(index) < len(kids):
                here = kids[int(index)]
            else:
                raise KeyError(path)
        return here

    def sub(self, path: str) -> FieldLines:
        """The lines of the value at ``path``, its own paths relative to it (a List's item)."""
        return self.node(path)

    def __getitem__(self, path: str) -> int:
        return self.node(path).line

    def __iter__(self) -> Iterator[str]:
        stack: list[tuple[str, FieldLines]] = [("", self)]
        while stack:
            path, node = stack.pop()
            yield path
            kids = node.children
            if isinstance(kids, dict):
                stack.extend((f"{path}.{k}" if path else k, v) for k, v in reversed(kids.items()))
            elif isinstance(kids, list):
                stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(kids))))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:  # never empty (the value itself has a line); not a count of the whole tree
        return True

    def __repr__(self) -> str:
        return f"FieldLines(line={self.line}, fields={len(self)})"


#: One step of a field path (``key`` or ``[i]``), and a whole path (empty: the value itself).
_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PATH = re.compile(r"(?:[^.\[\]]+|\[\d+\])?(?:\.[^.\[\]]+|\[\d+\])*")


@attrs.frozen
class Span:
    """Where a scalar is written: 1-based lines and columns, the end column one past its last character
    (as a SARIF region reads them)."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int


def _span(node: yaml.Node, first_line: int) -> Span | None:
    if not isinstance(node, yaml.ScalarNode):
        return None
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1 + first_line, start.column + 1, end.line + 1 + first_line, end.column + 1)


def field_lines(root: yaml.Node, first_line: int = 0) -> FieldLines:
    """The lines (counted from ``first_line``) of every key and list item under ``root``, from the
    marks of the node tree PyYAML composed.

    Each node is entered once, so a document whose aliases expand to millions of values costs what
    its text costs: a value reached again through an alias has the line of the alias and no
    fields of its own (they keep the path that reached them first). Keys that are not scalars
    are skipped (the constructor refuses them anyway); a key merged with ``<<`` has the line where
    the anchored mapping writes it, and a key written again after a merge wins, as in the value.
    """
    top = FieldLines(root.start_mark.line + 1 + first_line)
    seen = {id(root)}
    stack: list[tuple[FieldLines, yaml.Node]] = [(top, root)]
    while stack:
        here, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            kids: dict[str, FieldLines] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.tag != "tag:yaml.org,2002:merge":
                    kids[str(k.value)] = child = FieldLines(
                        k.start_mark.line + 1 + first_line, span=_span(v, first_line)
                    )
                    if id(v) not in seen:
                        seen.add(id(v))
                        stack.append((child, v))
            here.children = kids
        elif isinstance(node, yaml.SequenceNode):
            items = []
            for v in node.value:
                items.append(child := FieldLines(v.start_mark.line + 1 + first_line, span=_span(v, first_line)))
                if id(v) not in seen:
                    seen.add(id(v))
                    stack.append((child, v))
            here.children = items
    return top


def _load_all(text: str, first_line: int = 0) -> Iterator[tuple[object, FieldLines]]:
    """``yaml.load_all`` with :class:`_StrictLoader`, its lines counted from ``first_line``: each
    document's value and its :func:`field_lines`."""
    reader = _StrictLoader(text)
    reader.first_line = first_line
    try:
        while reader.check_node():
            node = reader.get_node()
            if node is None:  # check_node() said there is one
                break
            value = reader.construct_document(node)
            yield value, field_lines(node, first_line)
    finally:
        reader.dispose()


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


@attrs.frozen
class Loaded:
    """What reading gave: the good documents, and one error per document (or source) that was refused."""

    documents: tuple[Document, ...]
    rejected: tuple[ManifestError, ...] = ()
    #: the sources read, in order (file paths, ``<stdin>``)
    sources: tuple[str, ...] = ()

    def raise_first(self) -> None:
        """The first refusal as the exception (what the strict readers do), naming how many more."""
        if not self.rejected:
            return
        first, more = self.rejected[0], len(self.rejected) - 1
        if not more:
            raise first
        raise ManifestError(
            f"{first} (and {more} more rejected document{'s' if more > 1 else ''})",
            where=first.where,
            path=first.path,
            expected=first.expected,
            got=first.got,
            errors=tuple(str(e) for e in self.rejected),
        )


#: A document separator line, as kubectl's YAML reader splits a stream (``---`` at column 0,
#: then nothing, blanks or content on the same line as PyYAML allows).
_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$")


def _objects(
    obj: object, source: str, index: int, lines: FieldLines | None = None
) -> tuple[list[Document], list[ManifestError]]:
    """The documents of one parsed YAML document (a ``List``'s items, each with its own lines), and the
    errors of the bad ones."""
    where = f"{source} (document {index})"
    try:
        _walk_limits(obj, where)
    except ManifestError as err:
        return [], [err]
    if not isinstance(obj, dict):
        return [], [
            ManifestError(
                f"{where}: expected a Kubernetes object (a mapping with apiVersion and kind), "
                f"got {describe_value(obj)}",
                where=where,
                expected="a mapping",
                got=describe_value(obj),
            )
        ]
    if obj.get("kind") != "List":
        return [Document(source, index, obj, lines if lines is not None else {})], []
    items = obj.get("items")
    if not isinstance(items, list):
        return [], [
            ManifestError(
                f"{where}: List: items: expected a list, got {describe_value(items)}",
                where=where,
                path="items",
                expected="a list",
                got=describe_value(items),
            )
        ]
    docs, errors = [], []
    for j, item in enumerate(items):
        if isinstance(item, dict):
            docs.append(Document(source, index, item, lines.sub(f"items[{j}]") if lines is not None else {}))
        else:
            errors.append(
                ManifestError(
                    f"{where}: List: items[{j}]: expected a Kubernetes object, got {describe_value(item)}",
                    where=where,
                    path=f"items[{j}]",
                    expected="a mapping",
                    got=describe_value(item),
                )
            )
    return docs, errors


def _syntax_error(err: Exception, text: str, where: str, first_line: int) -> ManifestError:
    """One line for a document PyYAML could not read (``first_line``: its chunk's line in the source)."""
    if not isinstance(err, yaml.YAMLError):  # 5000-digit integers, absurd nesting in the parser
        return ManifestError(
            f"{where}: cannot read YAML: {one_line(err, 160)}", where=where, expected="YAML", got=type(err).__name__
        )
    mark = getattr(err, "problem_mark", None)
    line = mark.line + 1 + first_line if mark is not None else None
    at = f" at line {line}, column {mark.column + 1}" if mark is not None else ""
    problem = getattr(err, "problem", None) or getattr(err, "context", None) or str(err)
    context = getattr(err, "context", None)
    if context and getattr(err, "problem", None):  # "while scanning a quoted scalar: found unexpected end of stream"
        problem = f"{context}: {problem}"
    helm = helm_hint(text, line)
    if helm:
        return ManifestError(f"{where}: {helm}", where=where, expected="rendered YAML", got="a Helm template")
    return ManifestError(
        f"{where}: invalid YAML{at}: {one_line(problem, 160)}",
        where=where,
        expected="YAML",
        got=one_line(problem, 80),
    )


_UNREADABLE = (yaml.YAMLError, ValueError, RecursionError, OverflowError)


def _chunks(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each piece of ``text`` cut before every separator line."""
    lines = text.splitlines(keepends=True)
    starts = [0] + [n for n, line in enumerate(lines) if n and _SEPARATOR.match(line.rstrip("\r\n"))]
    return [(a, "".join(lines[a:b])) for a, b in zip(starts, starts[1:] + [len(lines)], strict=True)]


def _split_read(text: str, source: str) -> Loaded:
    """A stream PyYAML refused, read one document at a time.

    PyYAML stops a stream at its first syntax error. kubectl does not parse a stream as one
    YAML text: its reader (``k8s.io/apimachinery/pkg/util/yaml``, ``YAMLReader.Read``) cuts it at
    every line that starts with ``---`` and decodes each piece alone, so one broken document does
    not hide the others. This does the same after a failure: each piece is parsed on its own, a
    piece that does not parse is one error (line numbers are the source's), and the others are read.
    """
    docs: list[Document] = []
    rejected: list[ManifestError] = []
    index = 0
    pieces = _chunks(text)
    if sum(1 for _, t in pieces if t.strip()) > 2 * MAX_DOCUMENTS:
        raise ManifestError(
            f"{source}: more than {2 * MAX_DOCUMENTS} documents (limit MAX_DOCUMENTS)",
            where=source,
            expected=f"at most {MAX_DOCUMENTS} objects",
            got="more",
        )
    for first_line, piece in pieces:
        head, _, body = piece.partition("\n")
        if head.strip() == "---" and not body.strip():  # an empty document: PyYAML counts it, gives None
            index += 1
            continue
        loaded = 0
        try:
            for obj, lines in _load_all(piece, first_line):
                loaded += 1
                if obj is not None:
                    good, bad = _objects(obj, source, index + loaded, lines)
                    docs.extend(good)
                    rejected.extend(bad)
        except _UNREADABLE as err:
            if isinstance(err, ManifestError):
                raise
            loaded += 1
            rejected.append(_syntax_error(err, text, f"{source} (document {index + loaded})", first_line))
        index += loaded
    return Loaded(tuple(docs), tuple(rejected))


def read_stream(text: str, source: str) -> Loaded:
    """Every good document of one YAML stream (List items expanded) and one error per bad one.

    A document that is not a mapping, breaks a limit, or is a List with bad items is refused
    alone. A syntax error: PyYAML stops the whole stream there, so the stream is then read again
    piece by piece, cut at its ``---`` lines as kubectl cuts it (:func:`_split_read`): the
    documents before the broken one and after it are kept, the broken one is one error. More than
    :data:`MAX_DOCUMENTS` objects is an error of the run (raised).
    """
    docs: list[Document] = []
    rejected: list[ManifestError] = []
    index = 0
    try:
        for index, (obj, lines) in enumerate(_load_all(text), start=1):
            if obj is not None:
                good, bad = _objects(obj, source, index, lines)
                docs.extend(good)
                rejected.extend(bad)
                _count(docs, source)
    except _UNREADABLE as err:
        if isinstance(err, ManifestError):
            raise
        if len(_chunks(text)) == 1:  # one piece: nothing after the broken document to read again
            error = _syntax_error(err, text, f"{source} (document {index + 1})", 0)
            return Loaded(tuple(docs), (*rejected, error))
        loaded = _split_read(text, source)
        _count(loaded.documents, source)
        return loaded
    return Loaded(tuple(docs), tuple(rejected))


def _count(docs: Sequence[Document], source: str) -> None:
    if len(docs) > MAX_DOCUMENTS:
        raise ManifestError(
            f"{source}: more than {MAX_DOCUMENTS} objects (limit MAX_DOCUMENTS)",
            where=source,
            expected=f"at most {MAX_DOCUMENTS} objects",
            got="more",
        )


def parse_stream(text: str, source: str) -> list[Document]:
    """Every non-empty document of one YAML stream, List items expanded, limits enforced; ManifestError
    naming the first bad document (and how many more) if any is bad."""
    loaded = read_stream(text, source)
    loaded.raise_first()
    return list(loaded.documents)


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


def _too_big(name: str, size: int, what: str) -> ManifestError:
    return ManifestError(
        f"{name}: {size} bytes is over the limit of {MAX_SOURCE_BYTES} bytes per {what} (MAX_SOURCE_BYTES)",
        where=name,
        expected=f"at most {MAX_SOURCE_BYTES} bytes",
        got=f"{size} bytes",
    )


def _read(path: Path) -> bytes | ManifestError:
    """The bytes of a file, or the refusal of a file over the size limit; ManifestError if unreadable."""
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            return _too_big(str(path), size, "file")
        with path.open("rb") as f:
            data = f.read(MAX_SOURCE_BYTES + 1)
    except OSError as err:
        raise ManifestError(f"cannot read {path}: {err.strerror or err}", where=str(path)) from None
    return _too_big(str(path), len(data), "file") if len(data) > MAX_SOURCE_BYTES else data


def _sources(src: str | Path, stdin_text: str | bytes | None) -> list[tuple[str, bytes | ManifestError]]:
    """(name, bytes or refusal) of each file of one ``-f`` argument; ManifestError for an error of the run."""
    if str(src) == STDIN:
        if stdin_text is None:
            raise ManifestError("-f - reads standard input, but no input was given")
        data = stdin_text.encode("utf-8", "surrogateescape") if isinstance(stdin_text, str) else stdin_text
        return [("<stdin>", _too_big("<stdin>", len(data), "source") if len(data) > MAX_SOURCE_BYTES else data)]
    path = Path(src)
    if path.is_dir():
        found: list[tuple[str, bytes | ManifestError]] = [(str(p), _read(p)) for p in _files(path)]
        if not found:
            raise ManifestError(f"{path}: no *.yaml, *.yml or *.json files in this directory", where=str(path))
        return found
    if path.exists():
        return [(str(path), _read(path))]
    raise ManifestError(f"cannot read {path}: no such file or directory", where=str(path))


def read_sources(sources: Sequence[str | Path], stdin_text: str | bytes | None = None) -> Loaded:
    """The good documents of every source, in order ('-' is ``stdin_text``), and one error per bad
    document or file (over the size limit, not UTF-8, a document that does not parse).

    Errors of the run are raised (ManifestError): no source, a file or directory that does not
    exist or cannot be read, a directory without manifests, more than MAX_FILES files, more than
    MAX_TOTAL_BYTES or MAX_DOCUMENTS in all.
    """
    if not sources:
        raise ManifestError("no manifests given: name files or directories with -f, or -f - for standard input")
    docs: list[Document] = []
    rejected: list[ManifestError] = []
    names: list[str] = []
    total = 0
    for src in sources:
        for name, data in _sources(src, stdin_text):
            names.append(name)
            if isinstance(data, ManifestError):
                rejected.append(data)
                continue
            total += len(data)
            if total > MAX_TOTAL_BYTES:
                raise ManifestError(
                    f"manifests total more than {MAX_TOTAL_BYTES} bytes (MAX_TOTAL_BYTES)",
                    expected=f"at most {MAX_TOTAL_BYTES} bytes",
                    got="more",
                )
            try:
                text = _decode(data, name)
            except ManifestError as err:
                rejected.append(err)
                continue
            loaded = read_stream(text, name)
            docs.extend(loaded.documents)
            rejected.extend(loaded.rejected)
            if len(docs) > MAX_DOCUMENTS:
                raise ManifestError(
                    f"more than {MAX_DOCUMENTS} objects in the manifests (limit MAX_DOCUMENTS)",
                    expected=f"at most {MAX_DOCUMENTS} objects",
                    got="more",
                )
    return Loaded(tuple(docs), tuple(rejected), tuple(names))


def load(sources: Sequence[str | Path], stdin_text: str | bytes | None = None) -> list[Document]:
    """Every document of every source, in order ('-' is ``stdin_text``); ManifestError naming the
    first bad document or file (and how many more) if any is bad."""
    loaded = read_sources(sources, stdin_text)
    loaded.raise_first()
    return list(loaded.documents)
