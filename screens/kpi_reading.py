"""``r`` on a KPI (the KPIs view, its detail): record a reading, as ``pdca kpi record`` does,
and say what it did to the KPI's alerts in the command's words.

A reading refused by a busy or read-only file is kept, as typed, for the next ``r`` on that
KPI, and counted and printed at quit as a kept check-in is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual import work

from pdca.db import readings
from pdca.db.clock import iso
from pdca.db.errors import DatabaseBroken, DatabaseProblem, PdcaError
from pdca.db.models import Kpi
from pdca.screens.context import context_of, services
from pdca.widgets.text import literal, quoted
from pdca.widgets.when import short_time


def reading_words(kpi: Kpi, value_text: str, at: datetime, note: str) -> str:
    """``reading 41 for 'Lead time' at 2026-11-23 09:30 UTC: 'from the dashboard'``: a kept
    one, said whole at quit (without its time, one typed for yesterday was retyped as
    today's, a retrial)."""
    said = f"reading {value_text.strip()} for {quoted(kpi.name)} at {short_time(iso(at))}"
    return f"{said}: {quoted(note)}" if note else said


class RecordsReadings:
    """``r``: a reading of a KPI the screen shows; ``after_reading`` reads the screen again."""

    READING_KEY_ID = "kpis-reading"  # its key's binding id, named in its messages

    def after_reading(self) -> None:
        raise NotImplementedError

    def record_reading(self, kpi: Kpi | None) -> None:
        screen: Any = self
        if kpi is None:
            screen.notify("no KPI here to record a reading of", severity="warning")
            return
        context = context_of(screen.app)
        if not context.writable:
            screen.notify(f"read-only: {context.store.read_only_reason}", severity="warning")
            return
        if ("reading", kpi.id) in context.saving:
            again = services(screen.app).key_named(screen.READING_KEY_ID, "r")  # their own
            screen.notify(
                f"your reading of {literal(kpi.name)} is still being recorded (someone holds the"
                f" file): {again} again once it is in, or kept",
                severity="warning",
            )
            return
        screen.reading_flow(kpi)

    @work(group="flow", exclusive=True)
    async def reading_flow(self, kpi: Kpi) -> None:
        from pdca.screens.dialogs.reading import ReadingEntry, ReadingModal

        screen: Any = self
        context = context_of(screen.app)
        kept = context.unsent_readings.get(kpi.id)
        draft = ReadingEntry(*kept[0]) if kept else None
        entry = await screen.app.push_screen_wait(
            ReadingModal(kpi=kpi, now=context.clock(), draft=draft)
        )
        if entry is None:  # a kept one stays kept
            return
        # "now" is when Record was pressed, kept with it: a reading kept for a busy file was
        # dated when the file let it in, 40 s on (a retrial)
        at = entry.at or context.clock()
        when = iso(at)  # kept as the moment it means: "yesterday" typed again is another day
        words = reading_words(kpi, entry.value_text, at, entry.note)
        # Let go as it is sent, as a kept acknowledgement is (kept again if it is refused):
        # let go only after it went in, a save the quit cut short that went in all the same
        # was printed "not saved (kept…)" beside "pdca: saved" (a review)
        context.unsent_readings.pop(kpi.id, None)
        context.saving.add(("reading", kpi.id))
        try:
            done = await context.write(
                lambda writer: readings.record(
                    writer, kpi.name, entry.value, entry.note, at, kpi_id=kpi.id
                ),
                words,
            )
            said = _what_it_did(context.store, done)
        except DatabaseBroken:
            raise  # the app stops on it
        except DatabaseProblem as error:
            # A lock held past the wait, the file gone read-only: kept for the next r, as an
            # acknowledgement's note is.
            context.unsent_readings[kpi.id] = (
                (entry.value_text, when, entry.note),
                words,
            )
            screen.notify(str(error), severity="error", timeout=8)
            again = services(screen.app).key_named(screen.READING_KEY_ID, "r")  # the person's own
            services(screen.app).notify_kept(
                f"your reading of {literal(kpi.name)} is kept: press {again} on it to record"
                " it again"
            )
            return
        except PdcaError as error:  # the KPI renamed or removed meanwhile
            screen.notify(f"{error}; not recorded: {words}", severity="error", timeout=12,
                          markup=False)  # fmt: skip
            return
        finally:
            context.saving.discard(("reading", kpi.id))
        services(screen.app).kept_may_be_saved()
        screen.notify("\n".join(literal(line) for line in said), timeout=8)
        screen.after_reading()
        services(screen.app).refresh_status()


def _what_it_did(store: Any, done: readings.Recorded) -> list[str]:
    """``recorded 41 for 'Lead time' at 09:30``, then the alerts it raised and closed, in
    the command line's words (``readings.told``)."""
    said = readings.told(store, done, name=quoted, when=short_time)
    return [said.said, *([said.note] if said.note else []), *said.alerts]
