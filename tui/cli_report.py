"""``pdca report``: the cycle report, an A3 page for a review, as Markdown or one HTML file.

Registered into the group by tui/cli.py; like it, never imports Textual.
"""

from __future__ import annotations

from pathlib import Path

import click

from pdca.db.errors import InvalidInput
from pdca.tui.cli import Session, out_option, pass_session
from pdca.tui.output import for_terminal, printable


def register(cli: click.Group) -> None:
    cli.add_command(report)


@click.command()
@click.argument("target", metavar="[INITIATIVE|#ID]", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"], case_sensitive=False),
    default=None,
    help="md: Markdown for chat and wikis; html: one self-contained page with SVG charts."
    " [default: as --out's name ends (.html, .md), else md]",
)
@out_option
@pass_session
def report(session: Session, target: str | None, fmt: str | None, out: str | None) -> None:
    """The cycle report of the whole team, one initiative, or one action (#ID) and its
    cycles: objective, KPIs with their charts, actions by phase, decisions and follow-ups,
    and the flow figures."""
    from pdca.db.report import build_report

    if out == "-":  # the usual name for standard output
        out = None
    fmt = _report_format(fmt, out)
    store = session.store()
    if out:
        from pdca.db.connection import refuse_database_file
        from pdca.tui.out_file import writable_target

        refuse_database_file(Path(out), store.path or session.resolved.path, "--out")
        writable_target(out)  # before the work, not after it
    data = build_report(store, target)
    if fmt == "html":
        from pdca.tui.report_html import html_page

        text = html_page(data)
    else:
        from pdca.tui.report_md import markdown

        text = markdown(data)
    if out is None:
        click.echo(for_terminal(text), nl=False)
        return
    from pdca.tui.out_file import write_whole

    write_whole(out, text, readable_as=store.path)
    click.echo(f"wrote {printable(out)}", err=True)


# The endings a report's --out name may have, by format; and the data exports' own.
REPORT_ENDINGS = {"md": (".md", ".markdown"), "html": (".html", ".htm")}
OTHER_ENDINGS = (".json", ".csv")


def _report_format(asked: str | None, out: str | None) -> str:
    """``--format``, else the one ``--out``'s name ends in, else md. A name ending in
    another format's is refused, as export refuses one: ``--out rep.csv`` got Markdown, and
    ``r.html --format md`` a Markdown file a browser showed as one line (a tester)."""
    ending = Path(out).name.lower() if out else ""
    named = next((kind for kind, ends in REPORT_ENDINGS.items() if ending.endswith(ends)), None)
    other = next((end for end in OTHER_ENDINGS if ending.endswith(end)), None)
    if other is not None or (asked is not None and named is not None and named != asked):
        wanted = asked or "md"
        found = other or next(e for e in REPORT_ENDINGS[named or "md"] if ending.endswith(e))
        raise InvalidInput(
            "--out",
            out or "",
            f"ends in {found}, but the report is {wanted} (name it {REPORT_ENDINGS[wanted][0]})",
        )
    return asked or named or "md"
