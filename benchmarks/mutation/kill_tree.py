"""A tree for ``kill.sh`` without a campaign: commit COMMIT's packages with mutmut's trampolined copy of some files.

    .venv/bin/python benchmarks/mutation/kill_tree.py WORK COMMIT model/controllers/FILE.py ...
    benchmarks/mutation/kill.sh WORK MUTANT tests/behaviour/TEST.py     # as with a campaign's tree

``kill.sh`` runs tests with one mutant switched on in ``WORK/behaviour/mutants``, which a
campaign's mutmut run writes (every mutated file, after minutes of generation). When that tree is
gone, or to check a kill in a few files only, this writes the same layout: the packages of
``COMMIT`` (``git archive``) under their import names (``kubecheck/<package>``, as run.py does)
and, for each FILE given, mutmut's mutated text of that file at ``COMMIT`` (every mutant behind
its trampoline; mutant names are the campaign's, since mutmut numbers a function's mutants from
its source alone). ``MUTANT`` "" runs the unmutated code.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import run


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    work, commit, files = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    work.mkdir(parents=True, exist_ok=True)
    root = run.source_root(work, commit)
    tree = work / "behaviour" / "mutants"
    if tree.exists():
        shutil.rmtree(tree)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in run.PACKAGES:
        if (root / package).is_dir():
            shutil.copytree(root / package, tree / "kubecheck" / package, ignore=ignore)
    for name in run.ALSO_COPY:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, tree / name)
    for file in files:
        (tree / "kubecheck" / file).write_text(mutated_text(file, (root / file).read_text()))
        print(f"{file}: mutated at {commit}", flush=True)
    return 0


def mutated_text(file: str, text: str) -> str:
    """mutmut's mutated copy of ``file`` (all its mutants behind trampolines), as in a campaign's tree."""
    import contextlib
    import tempfile

    from mutmut.configuration import reset_config
    from mutmut.mutation.file_mutation import mutate_file_contents

    with tempfile.TemporaryDirectory() as scratch, contextlib.chdir(scratch):
        Path("setup.cfg").write_text("[mutmut]\nsource_paths=kubecheck/\n")
        reset_config()
        mutated = mutate_file_contents(str(Path("kubecheck") / file), text)
        reset_config()
    return mutated.code


if __name__ == "__main__":
    sys.exit(main())
