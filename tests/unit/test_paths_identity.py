"""Which file pdca opens (tui/paths.py, `pdca where`) and who it acts as (tui/identity.py)."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import time
from pathlib import Path

import pytest

from pdca.db.errors import InvalidInput
from pdca.tui.identity import current_user
from pdca.tui.paths import DB_NAME, ResolvedPath, describe_rule, resolve_db_path, user_data_dir

# --------------------------------------------------------------------------- resolution order


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """project/pdca.db with a deep working directory below it, and a home without a database."""
    project = tmp_path / "project"
    deep = project / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (project / DB_NAME).write_bytes(b"")
    home = tmp_path / "elsewhere"
    home.mkdir()
    return {"project": project, "deep": deep, "home": home, "root": tmp_path}


def test_db_option_wins_over_everything(tree: dict[str, Path]) -> None:
    environ = {"PDCA_DB": "/elsewhere/env.db", "XDG_DATA_HOME": "/xdg", "HOME": "/home/x"}
    resolved = resolve_db_path("/given/opt.db", environ, tree["deep"])
    assert resolved == ResolvedPath(Path("/given/opt.db"), "--db")
    assert not resolved.is_default


def test_pdca_db_wins_over_a_found_file(tree: dict[str, Path]) -> None:
    resolved = resolve_db_path(None, {"PDCA_DB": "/elsewhere/env.db"}, tree["deep"])
    assert resolved == ResolvedPath(Path("/elsewhere/env.db"), "PDCA_DB")


def test_relative_paths_are_taken_from_the_working_directory(tree: dict[str, Path]) -> None:
    deep = tree["deep"]
    assert resolve_db_path("x.db", {}, deep).path == deep / "x.db"
    assert resolve_db_path(None, {"PDCA_DB": "../y.db"}, deep).path == deep / ".." / "y.db"


def test_a_tilde_means_home(tree: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tree["home"]))
    assert resolve_db_path("~/t.db", {}, tree["deep"]).path == tree["home"] / "t.db"


def test_an_empty_pdca_db_is_ignored(tree: dict[str, Path]) -> None:
    resolved = resolve_db_path(None, {"PDCA_DB": ""}, tree["deep"])
    assert resolved == ResolvedPath(tree["project"] / DB_NAME, "found")


def test_the_nearest_pdca_db_walking_up_is_found(tree: dict[str, Path]) -> None:
    assert resolve_db_path(None, {}, tree["deep"]) == ResolvedPath(
        tree["project"] / DB_NAME, "found"
    )
    assert resolve_db_path(None, {}, tree["project"]).path == tree["project"] / DB_NAME
    nearer = tree["project"] / "a" / "b" / DB_NAME
    nearer.write_bytes(b"")
    assert resolve_db_path(None, {}, tree["deep"]).path == nearer


def test_a_directory_named_pdca_db_is_not_a_database(tree: dict[str, Path]) -> None:
    (tree["deep"] / DB_NAME).mkdir()
    assert resolve_db_path(None, {}, tree["deep"]).path == tree["project"] / DB_NAME


def test_a_current_folder_one_may_not_look_into_is_said_not_passed_over(
    tree: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """carl, not of the team, in its folder (su and runuser keep the shell's): his add went
    to a new file of his own, "no pdca.db above here" said (a trial). As root the tests may
    look into any folder: the refusal a folder gives is made here."""
    from pdca.db.errors import PdcaError

    refused = tree["deep"] / DB_NAME
    real_is_file = Path.is_file

    def is_file(path: Path) -> bool:
        if path == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return real_is_file(path)

    monkeypatch.setattr(Path, "is_file", is_file)
    environ = {"XDG_DATA_HOME": str(tree["root"] / "xdg"), "HOME": str(tree["home"])}
    tree["deep"].chmod(0o2770)  # a team's, as the README sets one up
    with pytest.raises(PdcaError, match=r"; or name a file with --db or \$PDCA_DB$") as said:
        resolve_db_path(None, environ, tree["deep"])
    assert str(said.value).startswith(f"{refused}: ")
    assert not (tree["root"] / "xdg").exists()
    # another person's home (sudo -u ann from root's, 0700): one's own file, as before (a
    # reviewer), not a refusal about a team's file nobody meant
    tree["deep"].chmod(0o700)
    assert resolve_db_path(None, environ, tree["deep"]).path == tree["project"] / DB_NAME


def test_without_anything_the_xdg_data_dir(tree: dict[str, Path]) -> None:
    environ = {"XDG_DATA_HOME": str(tree["root"] / "xdg"), "HOME": str(tree["home"])}
    resolved = resolve_db_path(None, environ, tree["home"])
    assert resolved == ResolvedPath(tree["root"] / "xdg" / "pdca" / DB_NAME, "user data dir")
    assert resolved.is_default


@pytest.mark.parametrize("xdg", [None, ""])
def test_without_xdg_the_local_share_under_home(tree: dict[str, Path], xdg: str | None) -> None:
    environ = {"HOME": str(tree["home"])}
    if xdg is not None:
        environ["XDG_DATA_HOME"] = xdg
    resolved = resolve_db_path(None, environ, tree["home"])
    assert resolved.path == tree["home"] / ".local" / "share" / "pdca" / DB_NAME
    assert resolved.rule == "user data dir"
    assert user_data_dir(environ) == tree["home"] / ".local" / "share" / "pdca"


def test_every_rule_has_a_description() -> None:
    texts = {
        rule: describe_rule(ResolvedPath(Path("/x"), rule))
        for rule in ("--db", "PDCA_DB", "found", "user data dir", "demo")
    }
    assert texts["--db"] == "given with --db"
    assert texts["PDCA_DB"] == "from $PDCA_DB"
    assert "nearest pdca.db" in texts["found"]
    assert "per-user default" in texts["user data dir"]
    assert texts["demo"] == "pdca demo's throwaway file, in your per-user data folder"


def test_demo_without_a_terminal_says_its_file_is_the_demos_own(cli, env: dict[str, str]) -> None:
    """Piped, ``pdca demo`` says which file the board would open and why: it said "(given
    with --db)" though no --db was given. $PDCA_DB (set here) does not choose it either."""
    assert env["PDCA_DB"]
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    path = Path(env["XDG_DATA_HOME"]) / "pdca" / "demo-small.db"
    assert (
        f"pdca would open the board on {path} (pdca demo's throwaway file, in your per-user "
        "data folder)," in result.stdout
    )
    assert "--db)" not in result.stdout and "$PDCA_DB" not in result.stdout


def test_demo_whose_folder_cannot_be_made_says_which_and_how_to_choose_another(
    cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """ "pdca: /.local: Permission denied", and nothing of why or what to do (a tester)."""
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked / "data"))
    result = cli("demo")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"pdca: cannot make the folder for the demo's database {blocked / 'data' / 'pdca'}:"
    )
    assert result.stderr.rstrip().endswith("set XDG_DATA_HOME to a folder you may write")


# --------------------------------------------------------------------------- pdca where


def test_where_with_db_option(cli, tmp_path: Path) -> None:
    result = cli("--db", "given.db", "where")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [str(tmp_path / "given.db"), "rule: given with --db"]


def test_where_json_gives_the_path_the_rule_and_whether_it_is_there(cli, tmp_path: Path) -> None:
    import json

    result = cli("--db", "given.db", "where", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "path": str(tmp_path / "given.db"),
        "rule": "given with --db",
        "exists": False,
    }
    assert json.loads(cli("where", "--json").stdout)["exists"] is True  # the env's own file


def test_where_names_a_folder_as_no_file(cli, tmp_path: Path) -> None:
    """It printed the folder as if fine, and every other command refused it (a tester)."""
    (tmp_path / "team").mkdir()
    result = cli("--db", "team", "where")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == str(tmp_path / "team")
    assert result.stderr.startswith(f"note: {tmp_path / 'team'} is a folder: every command will")


def test_where_names_a_fifo_or_a_device_as_no_file(cli, tmp_path: Path) -> None:
    """A FIFO and /dev/null were printed as if fine (a hostile trial)."""
    os.mkfifo(tmp_path / "pipe")
    for given in (str(tmp_path / "pipe"), "/dev/null"):
        result = cli("--db", given, "where")
        assert result.exit_code == 0 and result.stdout.splitlines()[0] == given
        said = result.stderr.splitlines()[0]
        assert said == f"note: {given} is not a regular file: every command will refuse it"


@pytest.mark.parametrize("typed", ["dd/.", "dd/..", "dd//"])
def test_a_path_ending_in_a_dot_is_no_file_name_either(cli, tmp_path: Path, typed: str) -> None:
    """``--db dd/.`` made a file named dd (a retrial), as ``dd/`` had."""
    (tmp_path / "dd").mkdir()
    result = cli("--db", typed, "init")
    assert result.exit_code == 1 and "names a folder, not a file: name the file" in result.stderr
    assert (tmp_path / "dd").is_dir() and not list((tmp_path / "dd").iterdir())


@pytest.mark.parametrize("how", ["--db", "PDCA_DB"])
def test_a_path_ending_in_a_slash_is_no_file_name(cli, tmp_path: Path, monkeypatch, how) -> None:
    """``--db newplace/ init`` made a file named newplace where a folder was meant (a
    tester): refused, naming the file that was perhaps meant, and nothing made."""
    if how == "PDCA_DB":
        monkeypatch.setenv("PDCA_DB", "newplace/")
        result = cli("init")
    else:
        result = cli("--db", "newplace/", "init")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: {how}: 'newplace/' names a folder, not a file: name the file (newplace/pdca.db)\n"
    )
    assert not (tmp_path / "newplace").exists()


def test_where_says_when_nothing_is_there_yet(cli, tmp_path: Path, monkeypatch) -> None:
    """A path with no file, or no folder, was printed as if it were there (a tester)."""
    assert cli("--db", "given.db", "where").stderr == (
        "note: no database there yet: pdca init makes it\n"
        # the fixture's pdca.db, here: passed over (a trial)
        f"note: not {tmp_path / 'pdca.db'}, the nearest pdca.db here: --db names another\n"
    )
    missing = cli("--db", "gone/x.db", "where")
    assert missing.exit_code == 0 and missing.stdout.splitlines()[0] == str(tmp_path / "gone/x.db")
    assert missing.stderr.startswith(f"note: its folder {tmp_path / 'gone'} does not exist")
    assert not (tmp_path / "gone").exists()
    monkeypatch.delenv("PDCA_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    for made in tmp_path.glob("pdca.db*"):  # the fixture's: none here or above now
        made.unlink()
    own = cli("where")
    assert own.stderr == "note: no database there yet: pdca add makes it (and its folder)\n"
    assert not (tmp_path / "data").exists()
    (tmp_path / "there.db").touch()
    assert cli("--db", "there.db", "where").stderr == ""
    # A renamed database's -wal left there: init refuses, so where says so (a tester)
    (tmp_path / "moved.db-wal").touch()
    said = cli("--db", "moved.db", "where").stderr
    assert said.startswith("note: no database there, but moved.db-wal of a removed or renamed")
    assert "(not one written to since: the -wal would damage it)" in said and said.endswith(
        ", then pdca init\n"
    )
    assert cli("--db", "moved.db", "init").exit_code == 1


@pytest.mark.usefixtures("missing_db")
def test_where_with_pdca_db(cli, db_path: Path) -> None:
    result = cli("where")
    assert result.stdout.splitlines() == [str(db_path), "rule: from $PDCA_DB"]
    assert not db_path.exists()  # where only looks


def test_where_finds_the_nearest_file(
    cli, tree: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.chdir(tree["deep"])
    result = cli("where")
    assert result.stdout.splitlines() == [
        str(tree["project"] / DB_NAME),
        "rule: the nearest pdca.db, in the current folder or above it",
    ]


@pytest.mark.usefixtures("missing_db")
def test_where_falls_back_to_the_data_dir(cli, env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.chdir(env["HOME"])
    lines = cli("where").stdout.splitlines()
    assert lines[0] == str(Path(env["XDG_DATA_HOME"]) / "pdca" / DB_NAME)
    assert lines[1].startswith("rule: your per-user default")


@pytest.mark.usefixtures("missing_db")
def test_a_write_creates_the_default_data_dir(cli, env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.chdir(env["HOME"])
    result = cli("add", "first")
    assert result.exit_code == 0, result.stderr
    created = Path(env["HOME"]) / ".local" / "share" / "pdca" / DB_NAME
    assert created.is_file()
    assert cli("list", "--json").stdout.count('"title": "first"') == 1


@pytest.mark.usefixtures("missing_db")
def test_a_read_does_not_create_the_database(cli, db_path: Path) -> None:
    result = cli("list")
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"pdca: no database at {db_path} (create one with: pdca --db {db_path} init)\n"
    )
    assert not db_path.exists()


# --------------------------------------------------------------------------- identity


def test_pdca_user_overrides_the_login() -> None:
    assert current_user({"PDCA_USER": "carol"}) == "carol"
    assert current_user({"PDCA_USER": "svc-ci.bot_1"}) == "svc-ci.bot_1"


@pytest.mark.parametrize("login", ["1dana", "dana@corp.example", "a" * 64, "svc_ci$"])
def test_logins_systems_give_are_logins_owners_too(login: str, cli) -> None:
    """1dana (useradd --badname) and dana@corp.example (SSSD, AD) wrote to the file and
    could never own work (a tester)."""
    assert current_user({"PDCA_USER": login}) == login
    added = cli("add", "Mine", "--owner", login)
    assert added.exit_code == 0, added.stderr


def test_without_pdca_user_the_unix_login() -> None:
    assert current_user({}) == pwd.getpwuid(os.getuid()).pw_name


@pytest.mark.parametrize(
    "login", ["", " ", "bob smith", "-bob", "@bob", "bob;rm", "a" * 65, "dana\n", "élodie"]
)
def test_an_invalid_pdca_user_is_refused_in_one_line(login: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        current_user({"PDCA_USER": login})
    message = str(caught.value)
    assert message.startswith(f"PDCA_USER: {login!r} ")
    assert "is not a login" in message
    assert "\n" not in message


def test_every_write_records_the_acting_user(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PDCA_USER", "carol")
    cli("add", "x")
    cli("checkin", "1", "progress")
    shown = json.loads(cli("show", "1", "--json").stdout)
    assert shown["action"]["created_by"] == "carol"
    assert shown["checkins"][0]["author"] == "carol"
    assert {event["actor"] for event in shown["history"]} == {"carol"}


def test_without_pdca_user_the_cli_records_the_login(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PDCA_USER")
    cli("add", "x")
    shown = json.loads(cli("show", "1", "--json").stdout)
    assert shown["action"]["created_by"] == pwd.getpwuid(os.getuid()).pw_name


def test_an_invalid_pdca_user_writes_nothing(cli, db_path: Path, monkeypatch) -> None:
    assert cli("init").exit_code == 0
    digest = hashlib.sha256(db_path.read_bytes()).hexdigest()
    monkeypatch.setenv("PDCA_USER", "bob smith")
    result = cli("add", "x")
    assert result.exit_code == 1
    assert result.stderr.startswith("pdca: PDCA_USER: 'bob smith' is not a login")
    assert result.stderr.count("\n") == 1
    assert hashlib.sha256(db_path.read_bytes()).hexdigest() == digest


def test_a_broken_link_named_pdca_db_is_found_not_skipped(tree: dict[str, Path]) -> None:
    """Found, so that opening it says the link is broken, instead of quietly using the
    per-user default database."""
    (tree["deep"] / DB_NAME).symlink_to(tree["deep"] / "gone.db")
    assert resolve_db_path(None, {}, tree["deep"]).path == tree["deep"] / DB_NAME


@pytest.mark.usefixtures("missing_db")
def test_a_pdca_db_gone_from_under_its_wal_is_found_not_skipped(
    tree: dict[str, Path], cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The team's file renamed (mv) under a board: its -wal stays in the folder, and a
    colleague's ``pdca add`` there quietly made a database of their own in their home (a
    tester). Found, so opening it says what is left and what to do."""
    (tree["deep"] / f"{DB_NAME}-wal").write_bytes(b"")
    assert resolve_db_path(None, {}, tree["deep"]).path == tree["deep"] / DB_NAME
    monkeypatch.chdir(tree["deep"])
    monkeypatch.delenv("PDCA_DB", raising=False)
    added = cli("add", "x")
    assert added.exit_code == 1
    assert added.stderr.startswith(
        f"pdca: no database at {tree['deep'] / DB_NAME}, but pdca.db-wal"
    )
    assert not (tree["deep"] / DB_NAME).exists()


# --------------------------------------------------------------------------- no passwd entry


@pytest.fixture
def no_passwd_entry(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """This uid has no passwd entry and HOME is unset (``setpriv --reuid 4242``, a container):
    a tester's commands crashed with KeyError, and the crash log went into ``./~``."""

    def unknown(uid: int) -> pwd.struct_passwd:
        raise KeyError(f"getpwuid(): uid not found: {uid}")

    monkeypatch.setattr(pwd, "getpwuid", unknown)
    for variable in ("HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "PDCA_DB"):
        monkeypatch.delenv(variable, raising=False)
    empty = tmp_path / "work"
    empty.mkdir()
    monkeypatch.chdir(empty)
    return empty


def test_without_a_passwd_entry_the_login_is_asked_for(no_passwd_entry: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        current_user({})
    assert str(caught.value) == (
        f"login: 'uid {os.getuid()}' has no passwd entry, so pdca cannot tell who you are:"
        " set PDCA_USER to your login"
    )
    assert current_user({"PDCA_USER": "svc"}) == "svc"


@pytest.mark.usefixtures("missing_db")
def test_without_a_home_the_default_file_is_asked_for_not_put_in_a_folder_named_tilde(
    no_passwd_entry: Path, cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PDCA_USER")
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr.startswith("pdca: login: 'uid ")
    monkeypatch.setenv("PDCA_USER", "svc")
    result = cli("list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: no home directory: HOME is not set and uid {os.getuid()} has no passwd entry"
        " (set HOME, or XDG_DATA_HOME); or name the database with --db or PDCA_DB\n"
    )
    assert list(no_passwd_entry.iterdir()) == []  # no "~" folder, no database


def test_without_a_home_a_crash_log_is_not_written_in_the_working_directory(
    no_passwd_entry: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pdca.tui import crash
    from pdca.tui.crash import write_crash_log

    # what the passwd entry's home gives without an entry (the tests' stand-in has one)
    monkeypatch.setattr(crash, "passwd_state_directory", lambda: None)
    assert write_crash_log(RuntimeError("boom"), {}, "test") is None
    assert list(no_passwd_entry.iterdir()) == []
    state = no_passwd_entry / "state"
    log = write_crash_log(RuntimeError("boom"), {"XDG_STATE_HOME": str(state)}, "test")
    assert log is not None and log.parent == state / "pdca"


def test_a_relative_xdg_directory_is_ignored_as_the_spec_says(tmp_path: Path) -> None:
    environ = {"XDG_DATA_HOME": "relative/share", "HOME": str(tmp_path)}
    assert user_data_dir(environ) == tmp_path / ".local" / "share" / "pdca"


def test_without_a_home_the_app_opens_with_default_settings_and_keeps_none(
    no_passwd_entry: Path, store, db_path: Path
) -> None:
    """A reviewer: the board crashed where no home directory was, reading settings from
    nowhere."""
    from pdca.tui.app import create_app
    from tests.conftest import NOW_DT

    app = create_app(db_path, actor="svc", clock=lambda: NOW_DT, environ={})
    try:
        assert app.settings_file is None and app.settings.theme is not None
    finally:
        app.context.close()


def test_a_relative_home_is_named_as_such() -> None:
    from pdca.tui.paths import NoHome

    with pytest.raises(NoHome, match=r"HOME \('here'\) is not an absolute path"):
        user_data_dir({"HOME": "here"})


def test_a_database_in_a_folder_that_does_not_exist_says_so(cli, tmp_path: Path) -> None:
    """A tester: the suggested ``pdca --db …/nofolder/x.db init`` then failed as well."""
    missing = tmp_path / "nofolder" / "x.db"
    result = cli("--db", str(missing), "list")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: no database at {missing}: its folder {missing.parent} does not exist (check the"
        f" path; to start one there: mkdir -p {missing.parent}, then pdca --db {missing} init)\n"
    )
    assert not missing.parent.exists()


def test_an_empty_home_is_no_home_not_the_root_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    """``HOME=`` put the default database under /.local (expanduser answered "/"): it is read
    as an unset HOME, the passwd entry's home, or refused when there is none."""
    from pdca.tui.paths import NoHome, user_data_dir

    assert user_data_dir({"HOME": ""}) == Path(
        pwd.getpwuid(os.getuid()).pw_dir, ".local", "share", "pdca"
    )

    def unknown(uid: int) -> pwd.struct_passwd:
        raise KeyError(uid)

    monkeypatch.setattr(pwd, "getpwuid", unknown)
    with pytest.raises(NoHome, match="^no home directory: HOME is not set"):
        user_data_dir({"HOME": ""})


def test_a_crash_after_an_upgrade_under_a_running_board_says_to_start_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A team's soak: pdca was upgraded while ben's board was open, and the first view he
    opened since imported a new file beside the old ones in memory: "crashed (ImportError:
    cannot import name ...)", and to run doctor, which would find nothing."""
    from pdca.tui import crash

    error = ImportError("cannot import name 'x' from 'pdca.db.models'")
    monkeypatch.setattr(crash, "_STARTED", 0.0)  # every file of pdca's is newer than that
    assert crash.code_changed_since_start()
    line = crash.crash_line(error, None)
    assert line.endswith("pdca was upgraded while it ran (its files changed since it started):"
                         " start it again")  # fmt: skip
    monkeypatch.setattr(crash, "_STARTED", time.time() + 3600)  # nothing changed since
    assert not crash.code_changed_since_start()
    assert crash.crash_line(error, None).endswith("pdca doctor checks the file")


@pytest.mark.parametrize("args", [[], ["add"], ["kpi", "add"], ["recur", "start"]])
def test_help_fits_a_narrow_terminal(cli, monkeypatch, args: list[str]) -> None:
    """click's help is never narrower than 50, and its option column took 30 cells: at 40
    columns most lines ran past the edge (a tester). Only a word longer than the line may."""
    monkeypatch.setenv("COLUMNS", "40")
    result = cli(*args, "--help")
    assert result.exit_code == 0 and "Usage: " in result.stdout
    over = [line for line in result.stdout.splitlines() if len(line) > 40]
    assert all(len(line.split()) == 1 for line in over), over
    monkeypatch.setenv("COLUMNS", "100")  # a wide one keeps click's own layout
    assert any(len(line) > 40 for line in cli(*args, "--help").stdout.splitlines())


@pytest.mark.usefixtures("missing_db")
def test_a_home_that_is_not_there_is_no_home(cli, tmp_path: Path, monkeypatch) -> None:
    """A daemon's HOME=/nonexistent: root made /nonexistent/.local/share/pdca/pdca.db, a
    home nobody meant (a tester). Refused as no home, and nothing made."""
    gone = tmp_path / "nonexistent"
    monkeypatch.delenv("PDCA_DB")
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(gone))
    monkeypatch.chdir("/")
    result = cli("add", "x")
    assert result.exit_code == 1
    assert result.stderr == (
        f"pdca: no home directory: HOME ({gone}) is not a folder (set HOME, or XDG_DATA_HOME);"
        " or name the database with --db or PDCA_DB\n"
    )
    assert not gone.exists()
