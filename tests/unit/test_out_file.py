"""``--out`` files: written whole or not at all, whatever stops the writing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pdca.tui.out_file import write_whole


def test_pieces_that_fail_half_way_leave_no_file_and_no_temporary(tmp_path: Path) -> None:
    """An export is read as it is written: ctrl+c or a refusal half way left a hidden
    temporary file of up to a gigabyte (a reviewer)."""

    def pieces() -> Iterator[str]:
        yield "{\n"
        raise KeyboardInterrupt

    target = tmp_path / "export.json"
    with pytest.raises(KeyboardInterrupt):
        write_whole(str(target), pieces())
    assert list(tmp_path.iterdir()) == []


def test_pieces_written_whole_are_the_file(tmp_path: Path) -> None:
    target = tmp_path / "export.json"
    write_whole(str(target), iter(["a", "b", "c\n"]))
    assert target.read_text() == "abc\n" and list(tmp_path.iterdir()) == [target]


def test_a_link_someone_else_made_is_not_written_through(
    cli, store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a team's folder a colleague's ``export.json -> ~ann/.bashrc`` made ann's export
    write JSON, titles and all, over her shell's start-up file (a hostile tester wrote
    through a link to a private file). One's own link is followed, as before."""
    import os

    private = tmp_path / "bashrc"
    private.write_text("alias ll='ls -l'\n")
    links = [tmp_path / "export.json", tmp_path / "report.md"]
    for link in links:
        link.symlink_to(private)
    with monkeypatch.context() as patched:
        if os.geteuid() == 0:  # a colleague's links, really
            for link in links:
                os.lchown(link, 4242, 4242)
        else:  # this login's own links, seen as by another login
            real = os.getuid()
            patched.setattr(os, "getuid", lambda: real + 4242)
        for command, link in zip(("export", "report"), links, strict=True):
            refused = cli(command, "--out", str(link))
            assert refused.exit_code == 1, refused.stdout
            said = refused.stderr
            assert said.startswith(f"pdca: --out: '{link}' goes through a link: {link} is a")
            assert f"(to {private}); pdca writes through a link only of your own" in said
        # one's own link to the colleague's: followed, it wrote over the file (a retrial)
        mine_to_theirs = tmp_path / "out.md"
        mine_to_theirs.symlink_to(links[1])
        refused = cli("report", "--out", str(mine_to_theirs))
        assert refused.exit_code == 1 and f"{links[1]} is a symbolic link made by" in (
            refused.stderr
        ), refused.stderr
        mine_to_theirs.unlink()
    assert private.read_text() == "alias ll='ls -l'\n" and all(k.is_symlink() for k in links)
    own = tmp_path / "mine.json"
    own.symlink_to(tmp_path / "exported.json")
    done = cli("export", "--out", str(own))
    assert done.exit_code == 0, done.stderr
    assert (tmp_path / "exported.json").read_text().startswith("{") and own.is_symlink()


def test_an_export_or_report_never_writes_over_a_database(cli, store, tmp_path: Path) -> None:
    """A tester's ``export --out team.db`` replaced another team's database with JSON (its
    -wal and -shm left beside it, a board on it stopped), and ``report --out`` did the same:
    a SQLite file, one with a journal beside it, or such a journal is refused in one line,
    byte for byte as it was; an earlier export is replaced as before."""
    import sqlite3

    other = tmp_path / "team.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    before = other.read_bytes()
    for command in (("export",), ("export", "--format", "csv"), ("report",)):
        result = cli(*command, "--out", str(other))
        assert result.exit_code == 1
        assert result.stderr == (
            f"pdca: --out: {str(other)!r} is a SQLite database: pdca never writes over one;"
            " name another file\n"
        )
    assert other.read_bytes() == before
    live = sqlite3.connect(other)  # in WAL mode, held open: its -wal and -shm beside it
    try:
        live.execute("PRAGMA journal_mode=WAL")
        live.execute("INSERT INTO t VALUES (1)")
        live.commit()
        result = cli("export", "--out", str(other))
        assert "is a database in use (its -wal is beside it)" in result.stderr
        result = cli("report", "--out", f"{other}-wal")
        assert "is the -wal name of the database team.db" in result.stderr
        assert result.exit_code == 1
    finally:
        live.close()
    for suffix in ("-wal", "-shm", "-journal"):  # not there: SQLite would read it, or drop it
        result = cli("export", "--out", f"{other}{suffix}")
        assert result.exit_code == 1, suffix
        assert f"is the {suffix} name of the database team.db" in result.stderr
        assert not Path(f"{other}{suffix}").exists()
    for name in ("bar.db-wal", "baz.sqlite-shm", "foo.db-journal"):  # no database there yet
        result = cli("export", "--out", str(tmp_path / name))
        assert result.exit_code == 1, name
        assert "is a name SQLite keeps beside a database (the -" in result.stderr
        assert not (tmp_path / name).exists()
    gone = tmp_path / "moved.db"  # its -wal left behind: the file's place is a database's
    Path(f"{gone}-wal").write_bytes(b"")
    result = cli("export", "--out", str(gone))
    assert result.exit_code == 1 and "is a database's place (its -wal is there)" in result.stderr
    plain = tmp_path / "nightly.json"
    plain.write_text("yesterday's export\n")
    assert cli("export", "--out", str(plain)).exit_code == 0
    assert plain.read_text().startswith("{")
    notes = tmp_path / "notes"
    notes.write_text("not a database\n")
    assert cli("export", "--out", f"{notes}-journal").exit_code == 0  # no database's journal
    assert cli("export", "--out", str(notes)).exit_code == 0  # a stray -journal beside text


def test_under_umask_000_nothing_pdca_writes_is_world_writable(env, tmp_path: Path) -> None:
    """A tester's ``umask 000``: the export (what a restore is made from), the CSV and the
    HTML report came out 0666 while the database was kept 0644."""
    import stat
    import subprocess
    import sys

    pdca = [sys.executable, "-m", "pdca.tui"]
    made = []
    for args, name in (
        (["init"], None),
        (["export", "--out"], "all.json"),
        (["export", "--format", "csv", "--out"], "all.csv"),
        (["report", "--format", "html", "--out"], "report.html"),
    ):
        target = [str(tmp_path / name)] if name else []
        done = subprocess.run([*pdca, *args, *target], env=env, umask=0, capture_output=True)
        assert done.returncode == 0, done.stderr
        made += [tmp_path / name] if name else []
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in made}
    # no more than the database's own 0644 (test_an_export_or_report_is_readable_by_...)
    assert modes == dict.fromkeys(modes, 0o644), modes


def test_an_export_or_report_is_readable_by_no_more_than_its_database(
    cli, store, tmp_path: Path
) -> None:
    """A team's whole export in a home came out 0644, readable by everyone on the server,
    where the database was the team's alone (a tester). A new file takes no more than the
    database's bits; one replaced keeps its own, narrowed to them."""
    import os
    import stat

    assert store.path is not None
    os.chmod(store.path, 0o640)
    old = os.umask(0o022)
    try:
        for args, name in ((("export",), "x.json"), (("report", "--format", "md"), "r.md")):
            out = tmp_path / name
            assert cli(*args, "--out", str(out)).exit_code == 0
            assert stat.S_IMODE(out.stat().st_mode) == 0o640
        kept = tmp_path / "kept.json"
        kept.write_text("{}")
        os.chmod(kept, 0o600)
        assert cli("export", "--out", str(kept)).exit_code == 0
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        os.chmod(kept, 0o644)  # wider than the database: narrowed to it
        assert cli("export", "--out", str(kept)).exit_code == 0
        assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    finally:
        os.umask(old)


def test_a_database_is_not_opened_through_a_link_to_what_its_maker_may_not_read(
    cli, store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ben's link in the team's folder to ann's private file led root's nightly export and
    backup to it, written where ben read them (a hostile member's trial): refused in one
    line, nothing written. A link of one's own, or to a file its maker may read, is
    followed, as a team's link to its shared file is."""
    import os

    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    store.close()
    link = tmp_path / "team" / "pdca.db"
    link.parent.mkdir()
    link.symlink_to(db_path)
    out = tmp_path / "team" / "nightly.json"
    with monkeypatch.context() as patched:
        if os.geteuid() == 0:  # a colleague's link, really: 4242 has no groups, no way in
            os.lchown(link, 4242, 4242)
        else:  # this login's own link, seen as by another login who may not read the file
            real = os.getuid()
            patched.setattr(os, "getuid", lambda: real + 4242)
            db_path.chmod(0o200)
        source = tmp_path / "other.db"
        Store.open(source, actor="x", clock=lambda: NOW_DT, create=True).close()
        before = db_path.read_bytes()
        try:
            # every command's gate: root's backup and restore went through it (a reviewer)
            for command in (
                ("export", "--out", str(out)),
                ("backup", str(link.parent) + "/"),
                ("restore", str(source), "--yes"),
                ("doctor",),
            ):
                refused = cli("--db", str(link), *command)
                assert refused.exit_code == 1, (command, refused.stdout)
                said = refused.stdout + refused.stderr
                assert f"{link} is a symbolic link made by " in said, said
                assert f"(to {db_path}), a file" in said
                # opened to be written too: the maker may not read and write it (a retrial's
                # restore through a link to a file its maker could only read)
                assert "may not read and write: pdca does not open a database through" in said
            # the link further up, the path written through ".." past it (a reviewer)
            folder_link = tmp_path / "team" / "sub"
            folder_link.symlink_to(db_path.parent)
            if os.geteuid() == 0:
                os.lchown(folder_link, 4242, 4242)
            around = f"{folder_link}/../{db_path.parent.name}/{db_path.name}"
            refused = cli("--db", around, "list")
            assert refused.exit_code == 1 and f"{folder_link} is a symbolic link" in (
                refused.stderr
            ), refused.stderr
            # one's own link to the colleague's: every link the way goes is judged (a retrial)
            own = tmp_path / "srv.db"
            own.symlink_to(link)
            refused = cli("--db", str(own), "list")
            assert refused.exit_code == 1 and f"{link} is a symbolic link made by " in (
                refused.stderr
            ), refused.stderr
        finally:
            db_path.chmod(0o644)
        assert not out.exists() and db_path.read_bytes() == before
        assert sorted(p.name for p in link.parent.iterdir()) == ["pdca.db", "sub"]
    mine = tmp_path / "mine.db"
    mine.symlink_to(db_path)
    assert cli("--db", str(mine), "export", "--out", str(out)).exit_code == 0


def test_an_import_or_restore_source_is_not_read_through_a_link_to_what_its_maker_may_not_read(
    cli, store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ben's link to ann's private export, imported by root into the team's file, and his
    link to her private file restored over it, where ben reads both (a reviewer)."""
    import os

    private = tmp_path / "secret.csv"
    private.write_text("title\nann's secret\n")
    link = tmp_path / "in.csv"
    link.symlink_to(private)
    with monkeypatch.context() as patched:
        if os.geteuid() == 0:  # a colleague's link, really: 4242 has no groups, no way in
            os.lchown(link, 4242, 4242)
        else:
            real = os.getuid()
            patched.setattr(os, "getuid", lambda: real + 4242)
        private.chmod(0o600 if os.geteuid() == 0 else 0o200)
        try:
            for command in (("import", str(link)), ("restore", str(link), "--yes")):
                refused = cli(*command)
                assert refused.exit_code == 1, refused.stdout
                assert f"goes through a link: {link} is a symbolic link made by" in (
                    refused.stderr
                ), refused.stderr
        finally:
            private.chmod(0o644)
    assert "ann's secret" not in cli("list").stdout


def test_a_path_through_a_folder_link_and_dotdot_is_the_file_the_system_opens(
    tmp_path: Path,
) -> None:
    """``shared/bsub/../evil.db``: ".." after ben's folder link is the link's target's
    parent, as the system reads it; taken by its text, pdca opened ``shared/evil.db``, ben's
    link to ann's private file, past the link check (a retrial)."""
    from pdca.db.connection import the_file_itself

    (tmp_path / "shared").mkdir()
    (tmp_path / "ben" / "sub").mkdir(parents=True)
    (tmp_path / "shared" / "bsub").symlink_to(tmp_path / "ben" / "sub")
    (tmp_path / "shared" / "evil.db").write_bytes(b"")  # where the text would lead
    written = tmp_path / "shared" / "bsub" / ".." / "evil.db"
    assert the_file_itself(written) == tmp_path / "ben" / "evil.db"  # nothing there: named
    (tmp_path / "ben" / "evil.db").write_bytes(b"")
    assert the_file_itself(written) == tmp_path / "ben" / "evil.db"


def test_a_file_changed_between_its_check_and_its_open_is_not_opened(
    store, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A member swapping a link back and forth led root's list to ann's private file one
    time in twelve, past the check (a reviewer): what is opened must be the file judged."""
    from pdca.db import connection
    from pdca.db.errors import DatabaseProblem
    from pdca.db.store import Store
    from tests.conftest import NOW_DT

    store.close()
    other = tmp_path / "private.db"
    Store.open(other, actor="ann", clock=lambda: NOW_DT, create=True).close()
    real = connection.the_file_itself
    monkeypatch.setattr(connection, "the_file_itself", lambda path: real(other))  # swapped
    with pytest.raises(DatabaseProblem, match="changed while pdca opened it"):
        connection.open_database(db_path, create=False)
    monkeypatch.setattr(connection, "the_file_itself", real)
    # and SQLite's own open, past both looks: the file it holds is the one judged
    monkeypatch.setattr(connection, "where_it_is_now", lambda identity: None)
    with pytest.raises(DatabaseProblem, match="changed while pdca opened it"):
        connection.open_database(db_path, create=False)


def test_no_database_is_made_through_a_link_in_a_folder_its_maker_may_not_write(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through ben's link to ann's folder, root's init made a file there, where ben could
    make none (a reviewer): refused, nothing made."""
    import os

    private = tmp_path / "ann"
    private.mkdir()
    link = tmp_path / "bdir"
    link.symlink_to(private)
    with monkeypatch.context() as patched:
        if os.geteuid() == 0:
            os.lchown(link, 4242, 4242)
        else:
            real = os.getuid()
            patched.setattr(os, "getuid", lambda: real + 4242)
            private.chmod(0o500)
        try:
            refused = cli("--db", str(link / "x.db"), "init")
        finally:
            private.chmod(0o755)
    assert refused.exit_code == 1 and "in a folder" in refused.stderr, refused.stderr
    assert "may not write: pdca does not open a database through it" in refused.stderr
    assert list(private.iterdir()) == []
