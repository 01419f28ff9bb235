"""The KPI detail: its chart with the centre line, natural process limits and the readings in
a signal, legible at 80x24 (eight plot rows, not three) and at 160x48. On the small seeded
database, the KPI that creeps: within its thresholds today, its signals already say so."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from pdca.screens.kpi_detail import KpiDetailScreen
from pdca.screens.kpis import KpisScreen
from tests.snapshots.test_board_snapshots import LARGE, SMALL, build, seeded
from tests.snapshots.test_kpis_snapshots import open_kpis

__all__ = ["build", "seeded"]

CREEPING = "On-call pages"


async def open_detail(pilot: Pilot) -> None:
    await open_kpis(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, KpisScreen)
    names = [row.kpi.name for row in screen.table.rows]
    for _ in range(names.index(CREEPING)):
        await pilot.press("j")
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, KpiDetailScreen) and screen.kpi_name == CREEPING
    assert screen.detail is not None and screen.detail.limits is not None
    await pilot.pause()


def test_kpi_detail_80x24(snap_compare, build, seeded: Path) -> None:
    assert snap_compare(build(seeded), terminal_size=SMALL, run_before=open_detail)


def test_kpi_detail_160x48(snap_compare, build, seeded: Path) -> None:
    assert snap_compare(build(seeded), terminal_size=LARGE, run_before=open_detail)
