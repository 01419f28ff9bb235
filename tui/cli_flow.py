"""``pdca flow``: how work flows through the phases (README, "Flow").

Registered into the group by tui/cli.py; like it, never imports Textual.
"""

from __future__ import annotations

import click

from pdca.tui.cli import Session, chosen_format, pass_session
from pdca.tui.output import to_json


def register(cli: click.Group) -> None:
    cli.add_command(flow)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON (same as --format json).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json"], case_sensitive=False),
    default="text",
    show_default=True,
    help="md: Markdown tables for chat and wikis.",
)
@pass_session
def flow(session: Session, as_json: bool, fmt: str) -> None:
    """Time in each phase, work in progress and its age, moves back, throughput, cycle time,
    check-in cadence and late work per owner, decisions and follow-ups per initiative."""
    from pdca.db.flow import flow as read_flow
    from pdca.tui import flow_text

    fmt = chosen_format("flow", as_json, fmt)
    figures = read_flow(session.store())
    if fmt == "json":
        click.echo(to_json(figures))
    elif fmt == "md":
        click.echo(flow_text.markdown(figures))
    else:
        from pdca.tui.columns import terminal_width, wrapped

        # its sentences (cycle time, cadence) at words on a terminal, not mid-word
        click.echo(wrapped(flow_text.plain_text(figures), terminal_width()))
