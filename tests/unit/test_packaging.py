"""pdca installs as one import package, ``pdca``, whatever the repository's folders are called:
a wheel's top level holds nothing else, and no file imports the folders by their own names
(which would work from a checkout and break once installed)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

FOLDERS = ("db", "tui", "screens", "widgets")
SOURCES = sorted(
    path for folder in (*FOLDERS, "tests", "bench") for path in (REPO / folder).rglob("*.py")
)


def _top_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return [name for name in names if name.split(".")[0] in FOLDERS]


def test_no_file_imports_a_folder_by_its_own_name() -> None:
    found = {
        str(path.relative_to(REPO)): bad for path in SOURCES if (bad := _top_level_imports(path))
    }
    assert found == {}, "import these through pdca (pdca.db.store, ...)"


def test_the_wheel_holds_one_top_level_package(tmp_path: Path) -> None:
    # From a copy (a build writes build/ and egg-info beside the sources), as pip install
    # builds it: setuptools comes from the package index.
    source = tmp_path / "source"
    for folder in FOLDERS:
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(source)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = tmp_path.glob("pdca-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == {"pdca"}
    assert {"pdca/db/store.py", "pdca/tui/cli.py", "pdca/tui/pdca.tcss"} <= set(names)
    assert "pdca/screens/dialogs/__init__.py" in names
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt")))
    assert b"pdca = pdca.tui.entry:main" in entry


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_folder_is_reached_only_through_pdca(folder: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", f"import {folder}"], capture_output=True, text=True, cwd="/"
    )
    assert done.returncode != 0 and "No module named" in done.stderr
