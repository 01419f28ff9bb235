"""What the owners view and stand-up mode look like on the small seeded database, at 80x24
and 160x48 (the same fixtures and clock as the board's snapshots)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from pdca.screens.owners import OwnersScreen
from pdca.screens.standup import StandupScreen
from tests.snapshots.test_board_snapshots import LARGE, SMALL, build, seeded, settle

__all__ = ["build", "seeded"]  # fixtures, shared with the board's snapshots


def press(*keys: str, screen: type):
    async def run(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        assert isinstance(pilot.app.screen, screen)

    return run


def test_owners_80x24(snap_compare, build, seeded: Path) -> None:
    """bob first (late, a follow-up due), the columns fit 80 cells, the load bars."""
    assert snap_compare(
        build(seeded), terminal_size=SMALL, run_before=press("2", screen=OwnersScreen)
    )


def test_owners_160x48(snap_compare, build, seeded: Path) -> None:
    assert snap_compare(
        build(seeded), terminal_size=LARGE, run_before=press("2", screen=OwnersScreen)
    )


def test_standup_80x24(snap_compare, build, seeded: Path) -> None:
    """Everyone's items since 24 hours ago, with the counts line."""
    assert snap_compare(
        build(seeded), terminal_size=SMALL, run_before=press("5", screen=StandupScreen)
    )


def test_standup_round_robin_160x48(snap_compare, build, seeded: Path) -> None:
    """Stepped to the second person: bob, "2 of 8" in the header, nothing new for him."""
    assert snap_compare(
        build(seeded), terminal_size=LARGE, run_before=press("5", "n", "n", screen=StandupScreen)
    )
