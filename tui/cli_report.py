"""``pdca report``: the cycle report, an A3 page for a review, as Markdown or one HTML file.

Registered into the group by tui/cli.py; like it, never imports Textual.
"""

from __future__ import annotations

from pathlib import Path

import click

from pdca.tui.cli import Session, out_option, pass_session
from pdca.tui.output import for_terminal, printable


def register(cli: click.Group) -> None:
    cli.add_command(report)


@click.command()
@click.argument("target", metavar="[INITIATIVE|#ID]", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    default="md",
    show_default=True,
    help="md: Markdown for chat and wikis; html: one self-contained page with SVG charts.",
)
@out_option
@pass_session
def report(session: Session, target: str | None, fmt: str, out: str | None) -> None:
    """The cycle report of the whole team, one initiative, or one action (#ID) and its
    cycles: objective, KPIs with their charts, actions by phase, decisions and follow-ups,
    and the flow figures."""
    from pdca.db.report import build_report

    store = session.store()
    if out == "-":  # the usual name for standard output
        out = None
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
