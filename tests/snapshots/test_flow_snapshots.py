"""What the flow view looks like on the small seeded database, at 80x24 and 160x48 (the same
fixtures and clock as the board's snapshots)."""

from __future__ import annotations

from pathlib import Path

from pdca.screens.flow import FlowScreen
from tests.snapshots.test_accountability_snapshots import press
from tests.snapshots.test_board_snapshots import LARGE, SMALL, build, seeded

__all__ = ["build", "seeded"]  # fixtures, shared with the board's snapshots


def test_flow_80x24(snap_compare, build, seeded: Path) -> None:
    """Throughput and cycle-time sparklines, the phases with the oldest item cut to fit."""
    assert snap_compare(
        build(seeded), terminal_size=SMALL, run_before=press("6", screen=FlowScreen)
    )


def test_flow_160x48(snap_compare, build, seeded: Path) -> None:
    """Phases, owners and initiatives all on one screen."""
    assert snap_compare(
        build(seeded), terminal_size=LARGE, run_before=press("6", screen=FlowScreen)
    )
