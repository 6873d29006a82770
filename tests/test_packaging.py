"""The distribution lists every package folder (DESIGN.md, Layout).

The top-level folders are mapped to ``kubecheck.*`` with setuptools' ``package-dir``; setuptools
installs only the packages named in ``[tool.setuptools].packages``, so a new subpackage that is
not listed works in the editable checkout and is missing from a real ``pip install .``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOP_LEVEL = {
    "model": "kubecheck.model",
    "properties": "kubecheck.properties",
    "checker": "kubecheck.checker",
    "manifest": "kubecheck.manifest",
    "cli": "kubecheck.cli",
    "testing": "kubecheck.testing",
}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def package_folders(root: Path = ROOT) -> dict[str, Path]:
    """Import name -> folder, for every folder with an __init__.py under the top-level packages."""
    found = {}
    for folder, top in TOP_LEVEL.items():
        base = root / folder
        for init in sorted(base.rglob("__init__.py")):
            rel = init.parent.relative_to(base)
            if "__pycache__" in rel.parts:
                continue
            found[".".join((top,) + rel.parts)] = init.parent
    return found


def test_top_level_folders_are_packages() -> None:
    for folder in TOP_LEVEL:
        assert (ROOT / folder / "__init__.py").is_file(), f"{folder}/ has no __init__.py"


def test_package_dir_maps_each_top_level_folder() -> None:
    mapping = _pyproject()["tool"]["setuptools"]["package-dir"]
    assert mapping == {name: folder for folder, name in TOP_LEVEL.items()}


def test_every_package_folder_is_listed() -> None:
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    on_disk = set(package_folders())
    missing = sorted(on_disk - listed)
    assert not missing, f"package folders not listed in pyproject.toml [tool.setuptools].packages: {missing}"


def test_every_listed_package_exists() -> None:
    listed = _pyproject()["tool"]["setuptools"]["packages"]
    on_disk = package_folders()
    stale = sorted(set(listed) - set(on_disk))
    assert not stale, f"pyproject.toml lists packages with no folder: {stale}"
    assert len(listed) == len(set(listed)), "a package is listed twice"


def test_listed_names_resolve_through_package_dir() -> None:
    """Each listed name, resolved the way setuptools does (longest package-dir prefix), is its folder."""
    config = _pyproject()["tool"]["setuptools"]
    mapping = config["package-dir"]
    for name in config["packages"]:
        prefix = max((p for p in mapping if name == p or name.startswith(p + ".")), key=len, default=None)
        assert prefix is not None, f"{name} is under no package-dir entry"
        rest = name[len(prefix) :].lstrip(".")
        folder = ROOT / mapping[prefix]
        if rest:
            folder = folder.joinpath(*rest.split("."))
        assert (folder / "__init__.py").is_file(), f"{name} resolves to {folder}, which is not a package"


def test_console_script_target_is_importable() -> None:
    target = _pyproject()["project"]["scripts"]["kubecheck"]
    module, _, attr = target.partition(":")
    assert module.startswith("kubecheck.cli")
    imported = __import__(module, fromlist=[attr])
    assert callable(getattr(imported, attr))


def test_detector_sees_a_new_unlisted_subpackage(tmp_path: Path) -> None:
    """The check can fail: a package folder added on disk shows up as a package to list."""
    for folder in TOP_LEVEL:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "model" / "newkind").mkdir()
    (tmp_path / "model" / "newkind" / "__init__.py").write_text("")
    (tmp_path / "model" / "newkind" / "__pycache__").mkdir()
    (tmp_path / "model" / "notapackage").mkdir()
    found = package_folders(tmp_path)
    assert "kubecheck.model.newkind" in found
    assert "kubecheck.model.notapackage" not in found
    listed = set(_pyproject()["tool"]["setuptools"]["packages"])
    assert "kubecheck.model.newkind" not in listed
