"""The command line never loads Textual or plotext, and db/ never reaches up into the UI.

Each check that is about ``sys.modules`` runs in a fresh interpreter, because this test
process may have imported anything.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import NOW, REPO

HEAVY = ("textual", "plotext")
UI_PACKAGES = ("tui", "screens", "widgets")


def _package(module: str) -> str:
    """The package a module belongs to: ``pdca.screens.board`` -> ``screens``, and a library's
    own name for the rest (``textual.app`` -> ``textual``)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "pdca" and len(parts) > 1 else parts[0]


def _python(
    code: str, env: dict[str, str] | None = None, *flags: str
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *flags, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _loaded_heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if _package(m) in HEAVY]


def test_importing_the_store_and_the_cli_loads_no_ui_library() -> None:
    done = _python(
        "import json, sys\n"
        "import pdca.db.store, pdca.db.schema, pdca.db.connection, pdca.tui.cli\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    assert done.returncode == 0, done.stderr
    modules = json.loads(done.stdout)
    assert "pdca.tui.cli" in modules and "pdca.db.store" in modules  # the check saw the imports
    assert _loaded_heavy(modules) == []
    assert [m for m in modules if _package(m) in ("screens", "widgets")] == []
    assert "pdca.tui.app" not in modules


RUNNER = """
import json, sys
from pdca.tui.cli import cli
runs = json.loads(sys.argv[1])
for args in runs:
    try:
        cli.main(args)
    except SystemExit as exit:
        if exit.code not in (0, None):
            raise
print("MODULES=" + json.dumps(sorted(sys.modules)))
"""


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        "PDCA_USER": "alice",
        "PDCA_NOW": NOW,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "PDCA_DB": str(tmp_path / "pdca.db"),
        "TZ": "UTC",
    }


def _run_in_one_process(
    runs: list[list[str]], cli_env: dict[str, str]
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """``runs`` through the command line in one fresh interpreter (RUNNER): its output, and
    the modules it had imported at the end."""
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, json.dumps(runs)],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **cli_env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    marker = [line for line in done.stdout.splitlines() if line.startswith("MODULES=")]
    assert len(marker) == 1
    return done, json.loads(marker[0].removeprefix("MODULES="))


def test_running_commands_in_process_loads_no_ui_library(cli_env: dict[str, str]) -> None:
    runs = [
        ["init"],
        ["kpi", "add", "MTTR", "--unit", "h", "--baseline", "5", "--target", "2"],
        ["add", "x", "--owner", "dana", "--due", "+1w", "--kpi", "MTTR"],
        ["move", "1", "do"],
        ["kpi", "record", "MTTR", "4"],
        ["list"],
        ["list", "--json"],
        ["show", "1"],
        ["kpi", "list"],
        ["flow", "--json"],
        ["report", "--format", "html"],
        ["undo"],
        ["where"],
        [],  # no command, and no terminal: says what it would open
    ]
    done, modules = _run_in_one_process(runs, cli_env)
    assert "pdca would open the board on" in done.stdout
    assert "pdca.db.store" in modules
    assert _loaded_heavy(modules) == []
    assert "pdca.tui.app" not in modules


def test_python_m_tui_list_imports_no_ui_library(cli_env: dict[str, str]) -> None:
    init = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "init"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **cli_env},
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pdca.tui", "list"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **cli_env},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "pdca.tui.cli" in imported and "pdca.db.store" in imported  # importtime really reported
    assert _loaded_heavy(imported) == []


# --------------------------------------------------------------------------- layering, by AST


def _imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports (anywhere in it, including inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package the file sits in
                package = path.parent.relative_to(REPO).parts
                base = package[: len(package) - node.level + 1]
                found.append((node.lineno, ".".join([*base, node.module or ""]).strip(".")))
            elif node.module == "pdca":  # from pdca import screens: the package named
                found += [(node.lineno, f"pdca.{alias.name}") for alias in node.names]
            elif node.module:
                found.append((node.lineno, node.module))
    return found


DB_FILES = sorted((REPO / "db").glob("**/*.py"))


def test_the_ast_walk_sees_imports_inside_functions(tmp_path: Path) -> None:
    package = tmp_path / "db"
    package.mkdir()
    sample = package / "sample.py"
    sample.write_text("def f():\n    from pdca.tui import cli\n    import pdca.screens.board\n")
    assert [m for _, m in _imported_modules(sample)] == ["pdca.tui", "pdca.screens.board"]


def test_db_has_python_files() -> None:
    names = {path.name for path in DB_FILES}
    assert {"store.py", "rules.py", "schema.py", "connection.py"} <= names


@pytest.mark.parametrize("path", DB_FILES, ids=[p.name for p in DB_FILES])
def test_db_never_imports_the_ui(path: Path) -> None:
    forbidden = [
        f"{path.relative_to(REPO)}:{line}: {module}"
        for line, module in _imported_modules(path)
        if _package(module) in (*UI_PACKAGES, *HEAVY)
    ]
    assert forbidden == []


def test_the_cli_module_imports_no_ui_library_at_module_level() -> None:
    """Textual may load only inside the function that opens the board, never on import."""
    tree = ast.parse((REPO / "tui" / "cli.py").read_text(encoding="utf-8"))
    top_level: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level.append(node.module)
    assert "click" in top_level
    assert [m for m in top_level if _package(m) in (*HEAVY, "screens", "widgets")] == []
    assert "pdca.tui.app" not in top_level


def test_action_commands_do_not_import_the_kpi_or_stand_up_commands(
    cli_env: dict[str, str],
) -> None:
    """``pdca add`` and its kin stay quick: the other command modules load on demand."""
    runs = [
        ["init"],
        ["add", "x", "--owner", "bo", "--due", "+1w"],
        ["move", "1", "do"],
        ["list"],
        ["show", "1"],
    ]
    _, modules = _run_in_one_process(runs, cli_env)
    assert "pdca.tui.cli" in modules
    loaded = {
        "pdca.tui.cli_kpis",
        "pdca.tui.cli_accountability",
        "pdca.db.accountability",
        "pdca.db.kpis",
    }
    assert loaded & set(modules) == set()


def test_importing_the_models_module_loads_no_pydantic() -> None:
    """db.models' vocabulary is free; its pydantic classes come on first use (issue 14)."""
    done = _python(
        "import json, sys\n"
        "import pdca.db.models as models, pdca.db.store, pdca.db.convert, pdca.db.rules\n"
        "before = sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic')\n"
        "action = models.Action\n"
        "with_action = 'pydantic' in sys.modules\n"
        "kpi = models.Kpi\n"
        "with_kpi = 'pydantic' in sys.modules\n"
        "reading = models.Reading\n"
        "after = 'pydantic' in sys.modules\n"
        "print(json.dumps([before, with_action, with_kpi, after, action.__name__,"
        " kpi.__name__, reading.__name__]))\n"
    )
    assert done.returncode == 0, done.stderr
    before, with_action, with_kpi, after, *names = json.loads(done.stdout)
    assert before == []
    assert with_action is False  # an action is a plain dataclass: the board's cards
    assert with_kpi is False  # so is a KPI: the KPIs view's rows
    assert after is True and names == ["Action", "Kpi", "Reading"]  # importable as before


# Each view's screen, and what it holds once its first screenful is painted with data.
_PAINTED = {
    "board": ("pdca.screens.board", "BoardScreen", "sum(len(c.actions) for c in self.columns.values())"),  # noqa: E501
    "standup": ("pdca.screens.standup", "StandupScreen", "len(self.digest.people)"),
    "owners": ("pdca.screens.owners", "OwnersScreen", "len(self.owners)"),
    "log": ("pdca.screens.log", "LogScreen", "len(self.entries)"),
    "kpis": ("pdca.screens.kpis", "KpisScreen", "len(self.table.rows)"),
    "initiatives": ("pdca.screens.initiatives", "InitiativesScreen", "len(self.items)"),
}  # fmt: skip


@pytest.mark.parametrize("mode", sorted(_PAINTED))
def test_a_views_first_paint_loads_no_pydantic(tmp_path: Path, mode: str) -> None:
    """Pydantic and its models cost 70-120 ms of a 400 ms start: the board's first screen
    (cards, header, alert count, settings) and the stand-up, owners, log, KPIs and
    initiatives views are painted without them (issue 14)."""
    path = tmp_path / "paint.db"
    seeded = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "--db", str(path), "seed", "--size", "small"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PDCA_NOW": NOW, "PDCA_USER": "alice"},
        timeout=120,
    )
    assert seeded.returncode == 0, seeded.stderr
    module, screen, shown = _PAINTED[mode]
    done = _python(
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "from pdca.db.clock import clock_from_env\n"
        f"from {module} import {screen}\n"
        "from pdca.tui.app import PdcaApp, create_app\n"
        "seen = {}\n"
        f"class Painted({screen}):\n"
        "    def on_mount(self):\n"
        "        self.call_after_refresh(self.painted)\n"
        "    def painted(self):\n"
        f"        seen['shown'] = {shown}\n"
        "        seen['pydantic'] = sorted(m for m in sys.modules if m.startswith('pydantic'))\n"
        "        self.app.exit()\n"
        "class App(PdcaApp):\n"
        f"    MODES = {{**PdcaApp.MODES, {mode!r}: Painted}}\n"
        f"    DEFAULT_MODE = {mode!r}\n"
        f"app = create_app(Path({str(path)!r}), actor='alice',"
        " clock=clock_from_env(os.environ), presence=False)\n"
        "App(app.context, presence=False).run(headless=True, size=(120, 40))\n"
        "print(json.dumps(seen))\n",
        {"PDCA_NOW": NOW, "XDG_CONFIG_HOME": str(tmp_path), "XDG_STATE_HOME": str(tmp_path)},
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["shown"] > 0  # the view was painted with its data
    assert seen["pydantic"] == []


def test_one_line_writes_load_no_pydantic(cli_env: dict[str, str]) -> None:
    """``pdca add``, ``move``, ``checkin`` and ``edit`` without --json write and answer without
    a model: a command-line write does not pay for importing pydantic."""
    init = subprocess.run(
        [sys.executable, "-m", "pdca.tui", "init"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **cli_env},
        timeout=120,
    )
    assert init.returncode == 0, init.stderr
    runs = [
        ["add", "x", "--owner", "bo", "--due", "+1w"],
        ["move", "1", "do"],
        ["checkin", "1", "going", "--status", "at-risk"],
        ["edit", "1", "--title", "y", "--due", "+9d", "--notes", "none"],
    ]
    done, modules = _run_in_one_process(runs, cli_env)
    assert "added #1 [plan] x" in done.stdout
    assert "moved #1 [do] x" in done.stdout
    assert "checked in on #1 (at-risk)" in done.stdout
    assert "edited #1 [do] y" in done.stdout
    assert "pdca.db.store" in modules
    assert [m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")] == []
    assert "pdca.db.records" not in modules


def test_a_notify_run_with_nothing_to_deliver_imports_no_channel(tmp_path: Path) -> None:
    """The app runs ``notify.deliver_due`` every minute; the channels (urllib, mail) are
    imported for a first delivery only (issue 14)."""
    done = _python(
        "import json, os, sys\n"
        "from pathlib import Path\n"
        "from pdca.db.clock import clock_from_env\n"
        "from pdca.db import notify\n"
        "from pdca.db.store import Store\n"
        f"store = Store.open(Path({str(tmp_path / 'n.db')!r}), actor='alice',"
        " clock=clock_from_env(os.environ), create=True)\n"
        "report = notify.deliver_due(store, 'alice', os.environ, set_by_me=lambda c: False)\n"
        "print(json.dumps(['pdca.db.notify_channels' in sys.modules,"
        " 'urllib.request' in sys.modules, report.escalated]))\n",
        {"PDCA_NOW": NOW},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [False, False, 0]


def test_kpi_record_loads_no_pydantic_nor_the_accountability_rules(
    cli_env: dict[str, str],
) -> None:
    """``pdca kpi record`` without --json (cron and CI's write) records, raises its alert and
    answers without a model (db/readings.py): it does not pay for pydantic (issue 14)."""
    setup = [
        ["init"],
        ["kpi", "add", "MTTR", "--unit", "h", "--baseline", "5", "--target", "2", "--alert", "8"],
    ]
    _run_in_one_process(setup, cli_env)
    runs = [["kpi", "record", "MTTR", "4"], ["kpi", "record", "MTTR", "9", "--note", "bad day"]]
    done, modules = _run_in_one_process(runs, cli_env)
    assert "recorded 4 for MTTR" in done.stdout
    assert "recorded 9 for MTTR" in done.stdout and "raised alert 1 (9 h is above" in done.stdout
    assert "pdca.db.readings" in modules
    assert [m for m in modules if m.split(".")[0] in ("pydantic", "pydantic_core")] == []
    assert not [m for m in modules if m.startswith("pdca.db.accountability")]
