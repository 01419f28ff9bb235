"""KPI reads and writes beyond the basics in db/store.py: editing, the view's rows with their
recent readings, a KPI's detail with the before/after change of its actions, CSV imports.

Functions over a ``Store``; every write is one ``BEGIN IMMEDIATE`` transaction with its events.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pdca.db import alerts, convert, kpi_rules, signals, xmr
from pdca.db.clock import iso, parse_timestamp
from pdca.db.connection import refuse_database_file
from pdca.db.errors import InvalidInput, NotFound
from pdca.db.input_files import (
    Outcome,
    a_few,
    not_utf8,
    open_text,
    read_csv,
    refuse_other_separators,
    spool_checked,
)
from pdca.db.models import (
    PERSPECTIVES,
    STATUS_ORDER,
    Alert,
    Kpi,
    KpiRow,
    SignalMark,
    parse_number,
    shown_number,
    validated,
)
from pdca.db.readings import closed_in, raised_in, reopened_in
from pdca.db.signals import entered_do as _entered_do
from pdca.db.signals import verdict_evidence as verdict_evidence  # the verdict prompt's

# db/sparklines.py's, read from here as before (the KPIs view, initiatives, benches)
from pdca.db.sparklines import recent_readings as recent_readings
from pdca.db.sparklines import sparklines as sparklines
from pdca.db.store import Store
from pdca.db.unknown_names import taken_why

if TYPE_CHECKING:  # pydantic models: imported where they are made (the KPIs view needs none)
    from pdca.db.models import KpiChanges, KpiDetail, KpiDraft

RECENT_SLOTS = 40  # cadence periods read for a sparkline: wider than any row shows
DETAIL_DAYS = 365  # how far back the detail chart reads

# --------------------------------------------------------------------------- rows


_recent = recent_readings  # the name bench/signals.py reads it by


def row_of(
    kpi: Kpi,
    readings: Sequence[tuple[str, float]],
    now: datetime,
    slots: int,
    alert: Alert | None = None,
    baseline: list[tuple[str, float]] | None = None,
    tail: Sequence[tuple[str, float]] | None = None,
) -> KpiRow:
    """``baseline``: the KPI's baseline readings (db/signals.py); with them the row carries
    the signals on its bad side that hold at its newest reading, found in ``tail`` (its newest
    readings however old; else ``readings``)."""
    recent = kpi_rules.slots(readings, kpi.cadence, now, slots)
    # The trend on UTC periods: a figure everyone is told (the report goes to the team) is
    # the same whatever the reader's clock; on local days two readings a day straddling
    # Auckland's midnight turned it from better to worse (a trial in five zones)
    shared = kpi_rules.slots(readings, kpi.cadence, now, slots, shared=True)
    active: list[SignalMark] = []
    if baseline is not None:
        chart = signals.chart_of(baseline, readings if tail is None else tail)
        active = signals.marks(chart, xmr.active(chart, kpi.direction), kpi.direction)
    trend, sign = kpi_rules.trend(
        [v for v in shared if v is not None], kpi.direction, kpi.baseline, kpi.target
    )
    state = status_of(kpi, now)
    return KpiRow(
        kpi=kpi,
        status=state,
        trend=trend,
        trend_sign=sign,
        recent=recent,
        alert=alert,
        signals=active,
        measurement_overdue=_overdue(kpi, now),
        target_missed=_missed(kpi, now),
    )


def kpi_rows(store: Store, slots: int = RECENT_SLOTS, first: int | None = None) -> list[KpiRow]:
    """Every KPI with its status, trend and recent readings: worst first, then by name.

    ``first``: only the first ``first`` rows of that order carry their readings, trend and
    signals; the others only their status and alert (``pending``): a screenful for the view's
    first paint, which reads the whole list right after it. The order needs no readings."""
    now = store.clock()
    kpis = store.list_kpis()
    open_alerts = alerts.open_alerts_by_kpi(store)

    def rank(kpi: Kpi) -> tuple[int, int, str]:
        # An alert nobody acknowledged ranks as one, whatever the latest reading (after those
        # whose reading is in alert too): one good reading sorted a KPI with an overdue signal
        # alert below the quiet ones (a coach).
        status = STATUS_ORDER.index(status_of(kpi, now))
        waiting = open_alerts.get(kpi.id)
        if waiting is not None and waiting.acknowledged_at is None:
            return min(status, STATUS_ORDER.index("alert")), status, kpi.name.lower()
        return status, status, kpi.name.lower()

    ordered = sorted(kpis, key=rank)
    full = ordered if first is None else ordered[:first]
    ids = None if len(full) == len(ordered) else [kpi.id for kpi in full]
    recent = recent_readings(store, now, slots, ids)
    bases = signals.baselines(store, full)
    tails = signals.tails(store, ids)
    rows = []
    for kpi in full:
        tail = tails.get(kpi.id, [])
        row = row_of(
            kpi, recent.get(kpi.id, []), now, slots, open_alerts.get(kpi.id), bases[kpi.id], tail
        )
        if _runs_past(row.signals, tail, bases[kpi.id]):
            # A run longer than the tail: its start read as kpi show reads it, from every
            # reading since the baseline (a run 223 long was said to begin at the 40th from
            # the end).
            since = _after_baseline(store, kpi.id, bases[kpi.id])
            row = row_of(kpi, recent.get(kpi.id, []), now, slots, row.alert, bases[kpi.id], since)
        rows.append(row)
    rest = ordered[len(full) :]
    return rows + [pending(kpi, now, open_alerts.get(kpi.id)) for kpi in rest]


def _runs_past(
    found: Sequence[SignalMark],
    tail: Sequence[tuple[str, float]],
    baseline: list[tuple[str, float]],
) -> bool:
    """A signal of ``found`` begins at the first of the ``tail``'s readings after the
    baseline, or before it (joined onto the baseline's last readings, the ones between left
    out: a retrial), when the tail is cut (``signals.TAIL`` long): it may begin elsewhere."""
    if len(tail) < signals.TAIL:
        return False
    end = baseline[-1][0] if baseline else ""
    first = next((at for at, _value in tail if at > end), None)
    return first is not None and any(mark.points and mark.points[0] <= first for mark in found)


def _after_baseline(
    store: Store, kpi_id: int, baseline: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    """Every reading of the KPI after its baseline's last: what its chart runs on. A year of
    them joined a monthly KPI's run onto the baseline three years back (a reviewer)."""
    end = baseline[-1][0] if baseline else ""
    return [
        (at, value)
        for at, value in store.conn.execute(
            f"SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at > ?{signals.NUMBER}"
            " ORDER BY at, id",
            (kpi_id, end),
        )
    ]


def pending(kpi: Kpi, now: datetime, alert: Alert | None = None) -> KpiRow:
    """A row whose readings are not read yet: its status and alert, no sparkline or trend."""
    return KpiRow(
        kpi=kpi,
        status=status_of(kpi, now),
        trend="unknown",
        trend_sign=0,
        recent=[],
        alert=alert,
        measurement_overdue=_overdue(kpi, now),
        target_missed=_missed(kpi, now),
    )


def _overdue(kpi: Kpi, now: datetime) -> bool:
    return kpi_rules.measurement_overdue(kpi.latest_at, kpi.cadence, now)


def _missed(kpi: Kpi, now: datetime) -> bool:
    return kpi_rules.target_missed(kpi, now.astimezone().date())


status_of = kpi_rules.status_now  # the name its callers know it by


def perspective_warnings(kpis: Sequence[Kpi]) -> list[str]:
    """Initiatives whose KPIs all look from one perspective: one measure crowds out the rest."""
    seen: dict[str, set[str]] = defaultdict(set)
    counted: Counter[str] = Counter()
    for kpi in kpis:
        if kpi.initiative:
            seen[kpi.initiative].add(kpi.perspective)
            counted[kpi.initiative] += 1
    # "every KPI is quality" of an initiative with one KPI read oddly (a new user)
    return [
        f"{name}: {'every KPI' if counted[name] > 1 else 'its one KPI'} is {next(iter(views))}"
        for name, views in sorted(seen.items(), key=lambda item: item[0].lower())
        if len(views) == 1
    ]


def perspectives_known(store: Store) -> set[str]:
    """The balanced set's perspectives and those the file's KPIs use: a KPI given any other
    is told it brings a new one (``--perspective delivry`` made one, silently: a new user)."""
    used = store.conn.execute("SELECT DISTINCT perspective FROM kpis").fetchall()
    return set(PERSPECTIVES) | {row[0] for row in used if isinstance(row[0], str)}


# --------------------------------------------------------------------------- detail


def kpi_detail(store: Store, name: str) -> KpiDetail:
    from pdca.db.models import ActionChange, KpiDetail

    try:
        kpi = store.get_kpi(name)
    except NotFound:
        raise store.unknown_kpi(name) from None
    now = store.clock()
    readings = [
        convert.reading({**dict(row), "kpi": kpi.name})  # type: ignore[arg-type]
        for row in store.conn.execute(
            f"SELECT * FROM kpi_readings WHERE kpi_id = ? AND at >= ?{signals.NUMBER}"
            " ORDER BY at, id",
            (kpi.id, iso(now - timedelta(days=DETAIL_DAYS))),
        )
    ]
    pairs = [(r.at, r.value) for r in readings]
    open_alert = alerts.open_alerts_by_kpi(store).get(kpi.id)
    base = signals.baselines(store, [kpi])[kpi.id]
    since = _after_baseline(store, kpi.id, base)
    row = row_of(kpi, pairs, now, RECENT_SLOTS, open_alert, base, since)
    chart = signals.chart_of(base, since)
    year_start = iso(now - timedelta(days=DETAIL_DAYS))
    actions = store.conn.execute(
        "SELECT id, title, phase, done_at, decision FROM actions WHERE kpi_id = ? ORDER BY id",
        (kpi.id,),
    ).fetchall()
    entered = _entered_do(store, [a["id"] for a in actions])
    changes = []
    for action in actions:
        if action["id"] not in entered:
            continue  # never reached Do: nothing to compare
        window = kpi_rules.change_window_days(kpi.cadence)
        change = kpi_rules.before_after(
            readings_around(store, kpi.id, entered[action["id"]], action["done_at"], window),
            entered[action["id"]],
            action["done_at"],
            direction=kpi.direction,
            baseline=kpi.baseline,
            target=kpi.target,
            window_days=window,
        )
        changes.append(
            ActionChange(
                action_id=action["id"],
                title=action["title"],
                phase=action["phase"],
                entered_do=entered[action["id"]],
                done_at=action["done_at"],
                before_mean=change.before_mean,
                before_count=change.before_count,
                after_mean=change.after_mean,
                after_count=change.after_count,
                delta=change.delta,
                # no verdict for an abandoned one: kpi show --json said "better" (a retrial)
                verdict="unknown" if action["decision"] == "abandon" else change.verdict,
                abandoned=action["decision"] == "abandon",
                window_days=window,
            )
        )
    history = alerts.alerts_of_kpi(store, kpi.id)
    return KpiDetail(
        row=row,
        readings=readings,
        changes=changes,
        alerts=history,
        limits=signals.limits_of(chart),
        # the year's, of the chart since the baseline
        signals=[
            mark
            for mark in signals.marks(chart, xmr.signals(chart), kpi.direction)
            if mark.at >= year_start
        ],
    )


def readings_around(
    store: Store,
    kpi_id: int,
    entered_do: str,
    done_at: str | None,
    window_days: int = kpi_rules.CHANGE_WINDOW_DAYS,
) -> list[tuple[str, float]]:
    """The readings ``kpi_rules.before_after`` compares for one action: the window before it
    entered Do and the one after it was done, read off the (kpi_id, at) index whatever their
    age (the chart's year of readings left an older action's "- → -": a tester)."""
    window = timedelta(days=window_days)
    start = kpi_rules.parse_time(entered_do)
    spans = [(iso(start - window), entered_do)]
    if done_at is not None:
        end = kpi_rules.parse_time(done_at)
        spans.append((done_at, iso(end + window)))
    found: list[tuple[str, float]] = []
    for low, high in spans:
        rows = store.conn.execute(
            "SELECT at, value FROM kpi_readings WHERE kpi_id = ? AND at >= ? AND at <= ?"
            f"{signals.NUMBER} ORDER BY at, id",
            (kpi_id, low, high),
        )
        found += [(at, value) for at, value in rows]
    return found


# --------------------------------------------------------------------------- editing

_COLUMNS = {  # KpiChanges field -> kpis column
    "name": "name",
    "unit": "unit",
    "baseline": "baseline",
    "target": "target",
    "direction": "direction",
    "warn": "warn",
    "alert": "alert",
    "owner": "owner",
    "target_date": "target_date",
    "cadence": "cadence",
    "perspective": "perspective",
    "initiative": "initiative_id",
    "escalation": "escalation",
    "benchmark": "benchmark",
    "benchmark_source": "benchmark_source",
    "alerts_mode": "alerts_mode",
    "baseline_from": "baseline_from",
    "baseline_to": "baseline_to",
}
CLEARABLE = (
    "warn",
    "alert",
    "owner",
    "target_date",
    "initiative",
    "benchmark",
    "benchmark_source",
    "baseline_from",
    "baseline_to",
)


@dataclass(frozen=True)
class KpiEdit:
    kpi: Kpi
    closed: list[Alert]  # alerts the new settings closed (a threshold cleared, signals off)
    raised: list[Alert]  # and those they raised: an edit must say so, not reset one silently
    # How the log says each was closed ("closed alert 1 on KPI 'Q': 9 is back under …"),
    # as kpi record and undo say it (it read "closed alert 1, assigned to dana", a tester),
    # or reopened (the threshold back where the reading breaches it: the same alert).
    alert_words: tuple[str, ...] = ()
    changed: bool = True  # False: every field given was as it is already; nothing written
    # Open alerts the new owner or path handed on (alerts.follow_new_chain), as the log says.
    handed_words: tuple[str, ...] = ()


def _named_by_the_change(error: InvalidInput, wanted: dict[str, object]) -> InvalidInput:
    """A rule broken by a value kept, because of one changed, is said of the one changed:
    ``kpi edit K --target 200`` was refused as "--alert: 5 is not worse than the target 200",
    naming an option nobody had given (a tester)."""
    if error.field.replace("-", "_") in wanted:
        return error
    changed = [f for f in ("target", "direction", "warn", "alert", "baseline_from") if f in wanted]
    if not changed:
        return error
    kept = shown_number(error.value) if isinstance(error.value, int | float) else error.value
    return InvalidInput(
        changed[0].replace("_", "-"),
        wanted[changed[0]],
        f"would leave {error.field} {kept} as it is, which {error.why}; give --{error.field} too",
    )


def edit_kpi(
    store: Store, name: str, changes: KpiChanges, *, expected_version: int | None = None
) -> KpiEdit:
    """Change a KPI's fields; its breach is judged again against the new thresholds.

    A new owner or escalation path counts from now: the passes-on the old one made due
    are recorded first. Else an alert that had passed from carol to lena by the rule of time
    went to the new owner erin when the owner was changed, unless some command had happened
    to record the pass-on before (a tester)."""
    opened_before: set[int] = set()
    handed: list[str] = []
    path_given = changes.owner is not None or changes.escalation is not None
    if path_given or changes.clear & {"owner", "escalation"}:
        alerts.escalate_due(store)
    with store.write() as tx:
        # Found as every command finds a KPI (store._row_named): in any case, composed form
        # or blanks; only the exact name was, and "Lat  2" missed "Lat\u00a02" (a tester).
        found = store.kpi_id(name)
        before = store.conn.execute("SELECT * FROM kpis WHERE id = ?", (found,)).fetchone()
        if before is None:
            raise store.unknown_kpi(name)
        convert.kpi(before)  # a value of the wrong kind, from before schema 21: named, not a crash
        store.check_version("kpi", before, expected_version)
        wanted: dict[str, Any] = {}
        for field, column in _COLUMNS.items():
            value = getattr(changes, field)
            if field in changes.clear:
                wanted[column] = None
            elif value is not None:
                wanted[column] = value
        if "benchmark" in changes.clear:
            if changes.benchmark_source is not None:  # given, then thrown away (a tester)
                raise InvalidInput(
                    "benchmark-source",
                    changes.benchmark_source,
                    "needs a benchmark value, and --benchmark none clears it",
                )
            wanted["benchmark_source"] = None  # a source of no value means nothing
        if "initiative_id" in wanted and wanted["initiative_id"] is not None:
            wanted["initiative_id"] = store.initiative_id(wanted["initiative_id"])
        for column in ("target_date", "baseline_from", "baseline_to"):
            if wanted.get(column) is not None:
                wanted[column] = wanted[column].isoformat()
        if "escalation" in wanted:
            wanted["escalation"] = json.dumps(list(wanted["escalation"]))
        if "name" in wanted:
            taken = store.name_taken("kpis", wanted["name"], but=before["id"])
            if taken is not None:
                raise InvalidInput("name", wanted["name"], taken_why("KPI", wanted["name"], taken))
        merged = {**dict(before), **wanted}
        # The stored name is checked only when it changes: one from before today's name rules
        # (a zero-width space in it) made every edit of its KPI crash (a reviewer).
        draft = _draft_of({**merged, "name": merged["name"] if "name" in wanted else "kept"})
        try:
            kpi_rules.check_kpi(draft)
        except InvalidInput as error:
            raise _named_by_the_change(error, wanted) from None
        # The owner first: Ben for ben was told as the escalation's fault (a retrial)
        store.ensure_person(tx, wanted.get("owner"))
        if "owner" in wanted or "escalation" in wanted:  # as set: older files may hold one
            path = convert.escalation_path(merged["escalation"])
            kpi_rules.check_escalation(merged["owner"], path)
        # Only as they are set: older files may hold one
        kpi_rules.refuse_future_baseline(
            draft.baseline_from if wanted.get("baseline_from") is not None else None,
            tx.now,
            draft.baseline_to if wanted.get("baseline_to") is not None else None,
        )
        for login in changes.escalation or ():
            store.ensure_person(tx, login, field="escalate-to")
        changed = {k: v for k, v in wanted.items() if before[k] != v}
        # Before any change: an alert open already is none of this edit's raising (a tester
        # was told "raised alert 2" by every edit, one that changed nothing included).
        opened_before = {
            a.id for a in alerts.alerts_of_kpi(store, before["id"]) if a.closed_at is None
        }
        if changed:
            fields = ", ".join(sorted(k.removesuffix("_id") for k in changed))
            store.update_versioned(
                tx, "kpi", before, changed, f"edited KPI {merged['name']!r}: {fields}"
            )
            alerts.apply_breach(store, tx, before["id"], edited=True)
            if "owner" in changed or "escalation" in changed:
                handed = alerts.follow_new_chain(store, tx, before["id"], before)
        final = merged["name"]
        written = tx.tx
        any_change = bool(changed)
    kpi = store.get_kpi(final)
    now = {a.id: a for a in alerts.alerts_of_kpi(store, kpi.id)}
    said = (*closed_in(store, written), *reopened_in(store, written)) if written else ()
    made = {alert.id for alert in raised_in(store, written)} if written else set()
    return KpiEdit(
        kpi=kpi,
        closed=[now[i] for i in sorted(opened_before) if i in now and now[i].closed_at],
        alert_words=said,
        raised=[
            a
            for i, a in sorted(now.items())
            if a.closed_at is None and i in made  # not one reopened (said in alert_words)
        ],
        changed=any_change,
        handed_words=tuple(handed),
    )


def _draft_of(row: dict[str, Any]) -> KpiDraft:
    from pdca.db.models import KpiDraft

    return KpiDraft(
        name=row["name"],
        unit=row["unit"],
        baseline=row["baseline"],
        target=row["target"],
        direction=row["direction"],
        warn=row["warn"],
        alert=row["alert"],
        benchmark=row["benchmark"],
        benchmark_source=row["benchmark_source"],
        alerts_mode=row["alerts_mode"],
        baseline_from=row["baseline_from"],
        baseline_to=row["baseline_to"],
    )


# --------------------------------------------------------------------------- CSV import

IMPORT_COLUMNS = ("name", "at", "value")  # and optionally note


def import_readings(store: Store, path: Path) -> dict[str, int]:
    """Add the readings of a CSV file (name, at, value[, note]): all of them, or none (a
    header alone adds none, and writes nothing).

    Every row is checked before anything is written, and the file is never held in memory
    (checked rows wait in a spool: db.input_files); the error names each bad row by its line
    number. Alerts follow each KPI's newest reading afterwards, once per KPI.
    """
    if store.path is not None:
        refuse_database_file(path, store.path, "file")
    named = store.conn.execute("SELECT id, name FROM kpis").fetchall()
    known = {row["name"].lower(): row["id"] for row in named}
    with open_text(path, encoding="utf-8-sig") as stream:
        try:
            rows = _reading_rows(path, stream, known, store.clock(), [r["name"] for r in named])
            with spool_checked(path, rows, "imported") as readings:
                if not readings.count:
                    # A header alone: a cron's export with nothing new today, nothing to
                    # write and no failure (it exited 1, a tester).
                    return {"readings": 0, "kpis": 0, "alerts_raised": 0}
                return _insert_readings(store, readings)
        except UnicodeDecodeError:
            raise not_utf8(path, wanted="a CSV of readings") from None


def _insert_readings(
    store: Store, readings: Iterable[tuple[int, str, float, str]]
) -> dict[str, int]:
    """One transaction: the rows in one ``executemany``, their events in one statement (the
    write lock is held for as short a time as SQLite can insert: bench/imports.py).

    A reading the KPI holds already (the same time and value) is not added again: a tester's
    cron job imported the same file twice and every reading was there twice, skewing the
    signals. A different value at the same time is kept (a correction is a reading too); the
    note is not compared, so a row differing only in its note is skipped as well."""
    given = 0

    def rows(actor: str) -> Iterator[tuple[int, str, float, str, str, int, str, float]]:
        nonlocal given
        for kpi_id, at, value, note in readings:
            given += 1
            yield kpi_id, at, value, note, actor, kpi_id, at, value

    with store.write() as tx:
        start = store.conn.execute("SELECT coalesce(max(id), 0) FROM kpi_readings").fetchone()[0]
        cursor = store.conn.executemany(
            "INSERT INTO kpi_readings (kpi_id, at, value, note, author) SELECT ?, ?, ?, ?, ?"
            " WHERE NOT EXISTS (SELECT 1 FROM kpi_readings WHERE kpi_id = ? AND at = ?"
            " AND value = ?)",
            rows(tx.actor),
        )
        count = cursor.rowcount
        added = store.conn.execute(  # the KPIs that got a reading: the others are as they were
            "SELECT DISTINCT kpi_id FROM kpi_readings WHERE id > ?", (start,)
        )
        given_to = [row[0] for row in added]
        # Alerts follow only the KPIs whose newest reading is one just added: an import of
        # older history changes no alert, as a back-filled ``kpi record`` does not.
        kpi_ids = [k for k in given_to if (alerts.newest_reading_id(store, k) or 0) > start]
        tx.log_created(
            "reading",
            "kpi_readings",
            start + 1,
            # As ``kpi record`` says it: the KPI by name, the number as people write it
            # ("imported 31.0 for KPI 27" named no KPI anyone knew, a tester).
            "'imported ' || printf('%.15g', value) || ' for KPI ''' ||"
            " (SELECT name FROM kpis WHERE kpis.id = kpi_readings.kpi_id) || ''' at ' || at",
        )
        for kpi_id in kpi_ids:
            alerts.apply_breach(store, tx, kpi_id)
        # Counted in the log, as kpi record says them: a breach and the signal it made are
        # two alerts (said as 1), and one closed went unsaid (a tester).
        said = tx.tx or 0
        raised = len(raised_in(store, said)) + len(reopened_in(store, said))
        closed = len(closed_in(store, said))
    summary = {"readings": count, "kpis": len(given_to), "alerts_raised": raised}
    if closed:
        summary["alerts_closed"] = closed
    if given > count:
        summary["skipped"] = given - count  # already there
    return summary


def _reading_rows(
    path: Path, stream: TextIO, known: dict[str, int], now: datetime, names: Sequence[str] = ()
) -> Iterator[Outcome[tuple[int, str, float, str]]]:
    from pdca.db.models import ReadingDraft

    unknown: dict[str, kpi_rules.UnknownKpi] = {}  # close names looked up once per name
    # a reading with no note may leave the note's field off (as pdca kpi import always took)
    header, rows = read_csv(path, stream, lambda column: column.strip().lower(), short_rows=True)
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        refuse_other_separators(path, header, missing[0])
        raise InvalidInput(
            "file", str(path), f"has no column {', '.join(missing)} (name, at, value[, note])"
        )
    # As pdca import refuses them: a "ntoe" column was read as no note, its text lost (a tester).
    strange = [column for column in header if column not in (*IMPORT_COLUMNS, "note")]
    if strange:
        raise InvalidInput(
            "file",
            str(path),
            f"has unknown columns: {a_few([repr(c) for c in strange])} (name, at, value[, note])",
        )
    for line, raw in rows:
        if isinstance(raw, InvalidInput):
            yield line, raw
            continue
        row = {key: value.strip() for key, value in raw.items()}
        try:
            if not row["name"]:  # "“” is not a known KPI" named no problem (a review)
                raise InvalidInput("name", "", "is empty: each row names its KPI")
            kpi_id = known.get(row["name"].lower())
            if kpi_id is None:
                if row["name"] not in unknown:
                    unknown[row["name"]] = kpi_rules.UnknownKpi("name", row["name"], names)
                raise unknown[row["name"]]
            # UTC without a zone, whoever imports it: a file read on the person's clock
            # gave each teammate's TZ its own readings, twice on a re-import (a reviewer).
            at = parse_timestamp(row["at"], "at")
            kpi_rules.refuse_future_reading(at, now, "at")
            draft = validated(
                ReadingDraft, kpi=row["name"], value=_float(row["value"]), note=row.get("note", "")
            )
            yield line, (kpi_id, iso(at), draft.value, draft.note)
        except InvalidInput as error:
            yield line, error


def _float(text: str) -> float:
    return parse_number(text, "value")
