"""``pdca backup`` and ``pdca restore``: copies of the database made and put back by SQLite
(db/backup.py, db/restore.py). Registered into the group by tui/cli.py; like it, never
imports Textual.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pdca.db.backup import MOST_KEPT
from pdca.db.errors import InvalidInput
from pdca.tui.cli import Session, WholeNumberType, _emit, json_option, pass_session
from pdca.tui.output import printable

if TYPE_CHECKING:  # imported by restore alone: the other commands start without it
    from pdca.db.restore import Parted

MOST_WAIT_SECONDS = 86_400


def register(cli: click.Group) -> None:
    cli.add_command(backup)
    cli.add_command(restore)


def _size(count: int) -> str:
    value = float(count)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{count} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{count} bytes"  # not reached


@click.command()
@click.argument("dest", required=False, metavar="[DEST]")
@click.option(
    "--keep",
    type=WholeNumberType(1, MOST_KEPT),
    metavar="N",
    help="Keep the newest N of pdca's backups in the folder (default: as many as it holds,"
    " at least 7).",
)
@json_option
@pass_session
def backup(session: Session, dest: str | None, keep: int | None, as_json: bool) -> None:
    """Copy the database while others keep working.

    DEST is a folder (default: backups/ beside the database) or a new file. In a folder the
    newest --keep of pdca's backups stay; older ones of pdca's own are removed."""
    from pdca.db.backup import backup as make_backup

    if dest is not None and not dest.strip():
        raise InvalidInput("DEST", dest, "is not a path")
    result = make_backup(
        session.resolved.path,
        dest,
        keep=keep,
        now=datetime.now(UTC),  # file names and ages are real time, whatever PDCA_NOW says
    )
    from pdca.db.connection import stray_journals, strays_said

    if strays := stray_journals(result.database):
        # Made all the same (a copy of the file as it is): an hourly backup beside a renamed
        # file's -wal was stale with no word (a retrial).
        said = strays_said(result.database, strays)
        click.echo(f"pdca: warning: backed up as the file is now; {printable(said)}", err=True)

    if result.not_pdcas is not None:
        # Made (it is the file as it is), but said: pdca restore would refuse it (a trial)
        click.echo(
            f"pdca: warning: the file holds what pdca did not make ({printable(result.not_pdcas)}):"
            " pdca restore refuses this copy until that is taken out (pdca doctor says how);"
            " no older backup removed",
            err=True,
        )

    def text() -> None:
        click.echo(f"{printable(str(result.path))}  {_size(result.bytes)}")
        if result.removed:
            names = ", ".join(printable(path.name) for path in result.removed)
            click.echo(f"removed {len(result.removed)} older: {names}")

    value = {
        "database": str(result.database),
        "path": str(result.path),
        "bytes": result.bytes,
        "seconds": round(result.seconds, 3),
        "read_seconds": round(result.read_seconds, 3),
        "removed": [str(path) for path in result.removed],
        "not_pdcas": result.not_pdcas,
    }
    _emit(as_json, value, text)


@click.command()
@click.argument("file", metavar="FILE")
@click.option("--wait", is_flag=True, help="Wait until nobody else has the database open.")
@click.option(
    "--timeout",
    type=WholeNumberType(1, MOST_WAIT_SECONDS),
    default=600,
    show_default=True,
    metavar="SECONDS",
    help="How long --wait waits.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Restore even while others have it open, or when its damaged contents cannot be kept.",
)
@click.option(
    "--yes",
    "-y",
    "sure",
    is_flag=True,
    help="Restore a copy of another file (not of this file's history) without asking; at a"
    " terminal it asks, elsewhere it is refused without this.",
)
@json_option
@pass_session
def restore(
    session: Session, file: str, wait: bool, timeout: int, force: bool, sure: bool, as_json: bool
) -> None:
    """Put a backup back in place, in one transaction.

    FILE is checked first, on a working copy opened (and upgraded) as pdca opens a
    database, and the current contents are kept as a backup. Refused while others have the
    database open (see --wait and --force), and when the current contents are too damaged
    to copy (--force restores anyway, without keeping them)."""
    from pdca.db.errors import PdcaError, shell_word
    from pdca.db.restore import RestoreDeclined
    from pdca.db.restore import restore as put_back
    from pdca.tui.cli import _at_a_terminal, asked_yes
    from pdca.tui.identity import current_user

    if wait and force:
        raise click.UsageError("restore: use one of --wait and --force")
    if not file.strip():
        raise InvalidInput("FILE", file, "is not a path")

    def another_files() -> bool:
        """A copy of another file (their histories share nothing): asked about at a
        terminal, refused elsewhere. Another team's backup replaced a whole team's file,
        said only after (a trial on a server of two teams)."""
        said = f"{printable(file)} is not a copy of this file's history (another file's backup?)"
        if not as_json and _at_a_terminal():
            question = f"{said}: replace all of {printable(str(session.resolved.path))} with it?"
            return asked_yes(question)
        given = " --force" if force else f" --wait --timeout {timeout}" if wait else ""
        db = shell_word(str(session.resolved.path))
        again = f"pdca --db {db} restore --yes{given} {shell_word(file)}"  # as it was given
        raise PdcaError(f"{said}; nothing restored (to replace the whole file with it: {again})")

    try:
        result = put_back(
            session.resolved.path,
            Path(file),
            clock=session.clock,
            wait=timeout if wait else None,
            force=force,
            actor=current_user(session.environ),
            waiting=lambda who, left: click.echo(
                f"pdca: waiting up to {max(1, round(left))} s for them to close the database:"
                f" {printable(who)}",
                err=True,
            ),
            another_files=None if sure else another_files,
        )
    except RestoreDeclined:
        # 1, as a refusal: a script's wrapper could not tell a no from a restore (a review)
        raise PdcaError("nothing restored") from None

    if result.before_restore is not None:
        # on stderr with --json too, as add's notes: a cron job's mail had no word of the
        # changes the restore dropped (a trial of scripts)
        for line in _lost_words(
            result.lost, printable(str(result.source)), printable(str(result.before_restore))
        ):
            click.echo(f"pdca: {line}", err=True)

    def text() -> None:
        if result.before_restore is not None:
            kept = printable(str(result.before_restore))
            click.echo(f"kept the contents before the restore in {kept}")
        elif result.not_kept is not None:
            click.echo(
                "the contents before the restore were not kept: " + printable(result.not_kept)
            )
        else:
            click.echo(f"no database was at {printable(str(result.database))}: made it anew")
        if result.others:
            click.echo("restored under: " + ", ".join(printable(o) for o in result.others))
        upgraded = (
            f", upgraded from schema version {result.upgraded_from}"
            if result.upgraded_from is not None
            else ""
        )
        click.echo(
            f"restored {printable(str(result.database))} from {printable(str(result.source))}"
            f" (schema version {result.schema_version}{upgraded}); integrity {result.integrity}"
        )

    value = {
        "database": str(result.database),
        "source": str(result.source),
        "before_restore": str(result.before_restore) if result.before_restore else None,
        "not_kept": result.not_kept,
        "changes_only_before": (
            result.lost.changes if result.lost is not None and result.lost.shared else None
        ),
        "same_history": result.lost.shared if result.lost is not None else None,
        "actions_only_before": (
            result.lost.actions if result.lost is not None and result.lost.shared else None
        ),
        "schema_version": result.schema_version,
        "upgraded_from": result.upgraded_from,
        "integrity": result.integrity,
        "others": result.others,
        "seconds": round(result.seconds, 3),
        "held_seconds": round(result.held_seconds, 3),
    }
    _emit(as_json, value, text)


def _lost_words(lost: Parted | None, source: str, kept: str) -> list[str]:
    """What the restore dropped that only the kept contents hold, said on stderr: two
    readings cron recorded went without a word (a trial), and so did the changes made
    since an earlier restore, when the backup was taken before it (a trial: 48 adds)."""
    if lost is None:
        return []
    if not lost.shared:
        return [
            f"{source} is not a copy of this file's history: the whole file was replaced;"
            f" what it held is only in {kept}"
        ]
    if not lost.changes:
        return []
    # the actions touched, where more than the changes ("2 changes" were 54 actions' work)
    touching = f" (to {lost.actions} actions)" if lost.actions > lost.changes else ""
    plural = lost.changes != 1
    changes, are = f"{lost.changes} change{'s' * plural}", "are" if plural else "is"
    if lost.parted:  # the backup went on apart from the file (an earlier restore, an import)
        return [
            f"{changes}{touching} {are} not in the restored file, only in {kept}: that backup"
            " and this file parted after the last change they share, and it lacks what was"
            " written here since"
        ]
    return [
        f"{changes} made since that backup{touching} {are} not in the restored file, only in {kept}"
    ]
