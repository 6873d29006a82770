"""Should kubecheck's structural checks come from the official OpenAPI schemas? Measured (issue 12, item 6).

The ``kubernetes-validate`` package (PyPI) ships the JSON schemas generated from the OpenAPI
document of each Kubernetes release (plain and "strict": unknown fields refused) and validates
a parsed object with ``jsonschema``. This script measures what adopting it would cost and give,
against kubecheck's hand-written readers (``kubecheck.manifest.validation``, which also carry the
API server's semantic rules a schema cannot express):

1. **install size**: the wheels ``pip download`` fetches (kubernetes-validate and the
   dependencies kubecheck does not already have) and their size once installed;
2. **speed**: every document of ``tests/corpus/manifests/*.yaml`` (the good corpus), validated
   by ``kubernetes_validate.validate(doc, "1.35", strict=True)`` and read by kubecheck's
   ``validation.read_records`` (defaults, types, the API server's rules, the records);
3. **messages**: for 10 cases of ``tests/cli/test_bad_input.py`` (and one unknown field), the
   line kubecheck prints and the error kubernetes-validate raises.

kubernetes-validate is never installed in the project: it lives in a throwaway virtual
environment (``--venv``, created when missing) and runs in that interpreter::

    .venv/bin/python benchmarks/schema_validation.py --venv /tmp/kubernetes-validate-venv

Figures and the decision: ``benchmarks/results/schema.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "cli"))

from test_bad_input import MANIFESTS, dep  # the corpus's own cases

from kubecheck.manifest import ManifestError, loader, read_workloads, validation

CASES = (
    "replicas-string",
    "replicas-negative",
    "surge-12x-percent",
    "surge-and-unavailable-zero",
    "selector-missing",
    "match-expressions-miss-template",
    "containers-empty",
    "strategy-type-unknown",
    "statefulset-access-mode-unknown",
    "name-uppercase",
)
UNKNOWN_FIELD = ("unknown-field (spec.replica)", dep("replicas: 3", "replica: 3"))
#: The distributions kubecheck already installs (their size is not counted against kubernetes-validate).
ALREADY_OURS = {"attrs", "PyYAML", "pip", "setuptools", "packaging", "typing_extensions", "kubecheck"}

#: Runs in the throwaway venv: validates documents, reports seconds and messages as JSON.
VENV_SCRIPT = r"""
import json, sys, time
from importlib import metadata
from pathlib import Path
import kubernetes_validate
docs, cases = json.load(open(sys.argv[1]))
sizes = {}
for dist in metadata.distributions():
    total = 0
    for f in dist.files or ():
        p = Path(dist.locate_file(f))
        if p.is_file():
            total += p.stat().st_size
    sizes[dist.metadata["Name"]] = total
def message(doc):
    try:
        kubernetes_validate.validate(doc, "1.35", strict=True)
        return "accepted"
    except kubernetes_validate.ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        return f"{path}: {e.message}"
    except kubernetes_validate.SchemaNotFoundError:
        return f"SchemaNotFoundError: no schema for {doc.get('apiVersion')} {doc.get('kind')}"
    except Exception as e:
        return f"{type(e).__name__}: {e}"
t0 = time.perf_counter()
first = message(docs[0])
first_seconds = time.perf_counter() - t0
t0 = time.perf_counter()
results = [message(d) for d in docs]
seconds = time.perf_counter() - t0
# the best case for it: schemas parsed once (validate() re-reads and parses them on every call)
import functools
from kubernetes_validate import utils
utils.schema_contents = functools.lru_cache(maxsize=None)(utils.schema_contents)
message(docs[0])
t0 = time.perf_counter()
cached = [message(d) for d in docs]
cached_seconds = time.perf_counter() - t0
assert cached == results
print(json.dumps({
    "cached_seconds": cached_seconds,
    "sizes": sizes,
    "version": metadata.version("kubernetes-validate"),
    "first_seconds": first_seconds,
    "seconds": seconds,
    "rejected": [(i, r) for i, r in enumerate(results) if r != "accepted"],
    "messages": [message(c) for c in cases],
}))
"""


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "kubernetes-validate"], check=True)
    return python


def wheel_sizes(python: Path, into: Path) -> dict[str, int]:
    """The wheels ``pip download kubernetes-validate`` fetches (with its dependencies), by file name."""
    subprocess.run(
        [str(python), "-m", "pip", "download", "-q", "kubernetes-validate", "-d", str(into)],
        check=True,
        capture_output=True,
    )
    return {p.name: p.stat().st_size for p in sorted(into.iterdir())}


def corpus_documents() -> list[loader.Document]:
    return list(loader.read_sources(sorted(str(p) for p in (ROOT / "tests/corpus/manifests").glob("*.yaml"))).documents)


def our_line(text: str) -> str:
    try:
        found = read_workloads(["-"], text)
    except ManifestError as err:
        return str(err)
    return (
        "; ".join(found.rejected)
        or "accepted (unknown fields listed under --verbose: " + ", ".join(found.unknown) + ")"
    )


def ours_seconds(docs: list[loader.Document], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        validation.read_records(docs)
        best = min(best, time.perf_counter() - t0)
    return best


def mib(n: float) -> str:
    return f"{n / 2**20:.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path("/tmp/kubernetes-validate-venv"))
    args = parser.parse_args()
    python = ensure_venv(args.venv)
    docs = corpus_documents()
    cases = {c[0]: c[1] for c in MANIFESTS}
    texts = [(name, cases[name]) for name in CASES] + [UNKNOWN_FIELD]
    with tempfile.TemporaryDirectory() as tmp:
        wheels = wheel_sizes(python, Path(tmp) / "wheels")
        inputs = Path(tmp) / "inputs.json"
        parsed = [loader.parse_stream(t, "-")[0].obj for _, t in texts]
        inputs.write_text(json.dumps([[d.obj for d in docs], parsed]))
        out = subprocess.run([str(python), "-c", VENV_SCRIPT, str(inputs)], check=True, capture_output=True, text=True)
    theirs = json.loads(out.stdout)
    added = {k: v for k, v in theirs["sizes"].items() if k not in ALREADY_OURS}
    print(f"kubernetes-validate {theirs['version']}")
    print("\n## install size\n")
    for name, size in wheels.items():
        print(f"  wheel {name}: {mib(size)}")
    new_wheels = [s for n, s in wheels.items() if not any(n.lower().startswith(o.lower()) for o in ALREADY_OURS)]
    print(f"  wheels that kubecheck does not already have: {mib(sum(new_wheels))}")
    for name, size in sorted(added.items(), key=lambda kv: -kv[1]):
        print(f"  installed {name}: {mib(size)}")
    print(f"  installed in all (new distributions): {mib(sum(added.values()))}")
    ours = ours_seconds(docs)
    print(f"\n## speed: {len(docs)} documents of tests/corpus/manifests\n")
    print(
        f"  kubernetes-validate (strict, 1.35): first document {theirs['first_seconds']:.3f} s, "
        f"all {theirs['seconds']:.2f} s ({theirs['seconds'] / len(docs) * 1000:.0f} ms per document)"
    )
    print(
        f"  kubernetes-validate with its schemas parsed once (a cache this script adds): all "
        f"{theirs['cached_seconds']:.2f} s ({theirs['cached_seconds'] / len(docs) * 1000:.1f} ms per document)"
    )
    print(f"  kubecheck validation.read_records: all {ours:.4f} s ({ours / len(docs) * 1000:.2f} ms per document)")
    print(f"  documents kubernetes-validate refuses: {len(theirs['rejected'])}")
    for i, why in theirs["rejected"][:10]:
        print(f"    {docs[i].where}: {why}")
    print("\n## messages\n")
    for (name, text), message in zip(texts, theirs["messages"], strict=True):
        print(f"- {name}\n    kubecheck:           {our_line(text)}\n    kubernetes-validate: {message}")


if __name__ == "__main__":
    main()
