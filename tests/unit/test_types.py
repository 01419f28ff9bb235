"""The type checker as part of the suite: mypy over the whole package finds nothing.

pdca's folders (db/, tui/, screens/, widgets/) are installed as ``pdca.db`` and so on by
setuptools' package-dir mapping; an editable install reaches them through an import hook,
which mypy does not follow. So the check links the folders into a ``pdca/`` directory in a
temporary place, puts that on mypy's path and checks ``-p pdca`` with the repository's
``[tool.mypy]`` configuration (strict on pdca.db, the default elsewhere).

Run it alone with ``python tests/unit/test_types.py`` to see mypy's own report.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("db", "tui", "screens", "widgets")


def run_mypy(scratch: Path) -> subprocess.CompletedProcess[str]:
    tree = scratch / "tree"
    (tree / "pdca").mkdir(parents=True, exist_ok=True)
    for folder in FOLDERS:
        link = tree / "pdca" / folder
        if not link.exists():
            link.symlink_to(ROOT / folder, target_is_directory=True)
    environment = {**os.environ, "MYPYPATH": str(tree)}
    environment.pop("MYPY_CACHE_DIR", None)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(scratch / "cache"),
            "--python-executable",
            sys.executable,
            "--no-color-output",
            "-p",
            "pdca",
        ],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    # Name the files as they are in the repository (pdca/db/x.py is db/x.py).
    result.stdout = re.sub(r"^pdca/", "", result.stdout, flags=re.MULTILINE)
    return result


def test_mypy_finds_no_errors(tmp_path: Path) -> None:
    result = run_mypy(tmp_path)
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 0 and not errors, (
        f"mypy: {len(errors)} errors (exit {result.returncode})\n{result.stdout}{result.stderr}"
    )
    # It checked the package, not an empty folder: every module of the four folders.
    modules = sum(1 for folder in FOLDERS for _ in (ROOT / folder).rglob("*.py"))
    checked = re.search(r"no issues found in (\d+) source files", result.stdout)
    assert checked is not None and int(checked[1]) >= modules, result.stdout


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        report = run_mypy(Path(scratch))
    sys.stdout.write(report.stdout + report.stderr)
    sys.exit(report.returncode)
