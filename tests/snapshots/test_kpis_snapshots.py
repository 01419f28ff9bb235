"""What the KPIs view looks like: SVG snapshots at 80x24 and 160x48 on the small seeded
database (worst first, sparklines with gaps, the perspective warning, the header's alerts)."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from pdca.screens.kpis import KpisScreen
from tests.snapshots.test_board_snapshots import LARGE, SMALL, build, seeded

__all__ = ["build", "seeded"]


async def open_kpis(pilot: Pilot) -> None:
    await pilot.pause()
    await pilot.press("3")
    await pilot.pause()
    assert isinstance(pilot.app.screen, KpisScreen)
    await pilot.pause()


def test_kpis_80x24(snap_compare, build, seeded: Path) -> None:
    """Narrow: no status word column, a shorter sparkline, names cut with an ellipsis."""
    assert snap_compare(build(seeded), terminal_size=SMALL, run_before=open_kpis)


def test_kpis_160x48(snap_compare, build, seeded: Path) -> None:
    """Wide: the status word, forty days of sparkline, every KPI."""
    assert snap_compare(build(seeded), terminal_size=LARGE, run_before=open_kpis)
