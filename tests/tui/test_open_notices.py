"""What opening the file found for the board (a new per-user file, an upgrade) is said on
the board too: on stderr alone it stayed hidden behind the board until quitting (a tester's
first ``pdca`` opened an empty file without a word)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdca.tui.cli import Session
from tests.tui.conftest import settle_app


@pytest.mark.usefixtures("missing_db")
async def test_a_new_per_user_file_is_said_on_the_board(
    make_app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "fresh-home"
    home.mkdir()
    monkeypatch.chdir(tmp_path)
    session = Session(None, environ={"HOME": str(home), "PDCA_USER": "alice"})
    store = session.store(create=True)
    path = store.path
    session.close()
    assert path is not None and path.is_relative_to(home)
    (said,) = session.notices
    assert said.startswith(f"created your own database {path} (no --db")
    app = make_app(path, notices=session.notices)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle_app(app, pilot)
        assert said in [n.message for n in app._notifications]


def test_an_existing_file_is_opened_without_a_word(store, db_path: Path) -> None:
    session = Session(str(db_path), environ={"PDCA_USER": "alice"})
    session.store(create=True)
    session.close()
    assert session.notices == []
