"""The statistics from the day rollup (tracker/models/stats.py): count changed days, add up.

A report first counts again the days of its scope that changed since they were last
counted (``refresh``: only the day of a new inquiry, usually, or every day the first
time), from the inquiries themselves, then adds up the days' tallies: a year of the whole
office is a few hundred days' rows rather than every inquiry of the year.

Counting is safe against a change committed meanwhile: the days are claimed by setting
``cached_version`` to the ``version`` read, in one UPDATE. On PostgreSQL that locks the
days' rows, so a change to an inquiry of those days (whose trigger bumps the version)
waits for the report's commit and makes the day stale again after it; on SQLite the
write lock orders them the same way. A day whose version moved on is counted again next
time, never kept with figures that miss a change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    String,
    and_,
    cast,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from tracker import sql
from tracker.choices import Phase
from tracker.extensions import db
from tracker.models import Inquiry
from tracker.models.stats import (
    OFFICE_SCOPE,
    stats_day_durations,
    stats_day_tallies,
    stats_days,
    stats_scope_outlets,
)
from tracker.stats.cube import DIMENSIONS, Cube
from tracker.stats.percentiles import ResponseTimes, pack, summarise, unpack
from tracker.stats.scope import Scope
from tracker.stats.tallies import Tally

OUTLET = "outlet"
TOP_OUTLETS = 10
# PostgreSQL: a recount writing this many rows (a first count) refreshes the statistics.
ANALYZE_AFTER = 10_000
ROLLUP_TABLES = ("stats_days", "stats_day_tallies", "stats_day_durations", "stats_scope_outlets")
# Whole-office first counts read most of the table: SQLite then scans it rather than
# fetching each row through the received_at index (four times slower).
SCAN_DAYS = 90


def scope_key(scope: Scope) -> int:
    return scope.mission.id if scope.mission is not None else OFFICE_SCOPE


def days_of(scope: Scope, table: Any, indexed: bool = True) -> Any:
    """The rows of ``table`` for the scope's days.

    ``indexed=False`` hides the day from SQLite's planner, which would otherwise read a
    dimension's few rows through the day index, among every outlet's.
    """
    day: Any = table.c.day if indexed else sql.Unindexed(table.c.day)
    return and_(table.c.scope_id == scope_key(scope), day >= scope.first_day, day <= scope.last_day)


# --- Counting the days that changed ---------------------------------------------------


# A day whose inquiries changed since it was counted, or that was never counted.
STALE = or_(
    stats_days.c.cached_version.is_(None),
    stats_days.c.cached_version != stats_days.c.version,
)


def refresh(scope: Scope) -> None:
    """Count again every day of the scope whose inquiries changed since it was counted."""
    # A read first: a report with nothing to count takes no write lock at all.
    if db.session.scalar(select(literal(1)).where(days_of(scope, stats_days), STALE).limit(1)):
        claim = (
            update(stats_days)
            .where(days_of(scope, stats_days), STALE)
            .values(cached_version=stats_days.c.version)
            .returning(stats_days.c.day)
        )
        claimed = sorted(day_value(day) for day in db.session.scalars(claim))
        written = sum(
            count_days(Scope(scope.mission, first, last)) for first, last in runs(claimed)
        )
        if written >= ANALYZE_AFTER and sql.dialect() == "postgresql":
            # A first count fills the tables in one go: without fresh statistics the
            # planner takes them for empty and reads every day of every scope.
            db.session.execute(text(f"ANALYZE {', '.join(ROLLUP_TABLES)}"))


def runs(days: list[date]) -> Iterator[tuple[date, date]]:
    """Consecutive days as (first, last) pairs: each run is counted with one range read."""
    if not days:
        return
    first = previous = days[0]
    for day in days[1:]:
        if day != previous + timedelta(days=1):
            yield first, previous
            first = day
        previous = day
    yield first, previous


def count_days(run: Scope) -> int:
    """Replace the tallies and durations of every day of ``run`` with fresh counts; how
    many rows that wrote."""
    key = scope_key(run)
    counted_before = outlet_sums(run)
    for table in (stats_day_tallies, stats_day_durations):
        db.session.execute(delete(table).where(days_of(run, table)))
    inquiries = day_rows(run)
    per_outlet = list(outlets(key, inquiries))
    tallies = [*marginals(key, inquiries), *per_outlet]
    if tallies:
        db.session.execute(insert(stats_day_tallies), tallies)
    durations = list(durations_of(key, inquiries))
    if durations:
        db.session.execute(insert(stats_day_durations), durations)
    counted_now: dict[str, int] = defaultdict(int)
    for row in per_outlet:
        counted_now[row["value"]] += row["received"]
    adjust_outlet_totals(key, counted_before, counted_now)
    return len(tallies) + len(durations) + len(counted_now)


def outlet_sums(scope: Scope) -> dict[str, int]:
    """Per outlet, the inquiries counted on the scope's days."""
    statement = (
        select(stats_day_tallies.c.value, func.sum(stats_day_tallies.c.received))
        .where(days_of(scope, stats_day_tallies), stats_day_tallies.c.dimension == OUTLET)
        .group_by(stats_day_tallies.c.value)
    )
    return {outlet: int(count) for outlet, count in db.session.execute(statement)}


def adjust_outlet_totals(key: int, before: dict[str, int], now: dict[str, int]) -> None:
    """Move the scope's outlet totals by what the days' recount changed."""
    changes = sorted(
        (outlet, now.get(outlet, 0) - before.get(outlet, 0)) for outlet in before.keys() | now
    )
    changes = [(outlet, change) for outlet, change in changes if change]
    if not changes:
        return
    # Sorted by outlet: concurrent recounts lock the totals' rows in the same order.
    rows = [{"scope_id": key, "outlet": o, "received": n} for o, n in changes]
    db.session.execute(add_to_totals(), rows)
    if any(change < 0 for _, change in changes):
        totals = stats_scope_outlets
        db.session.execute(delete(totals).where(totals.c.scope_id == key, totals.c.received <= 0))


def add_to_totals() -> Any:
    """INSERT a total, or add to the one there: each database spells the upsert its way."""
    dialect = postgresql if sql.dialect() == "postgresql" else sqlite
    statement = dialect.insert(stats_scope_outlets)
    return statement.on_conflict_do_update(
        index_elements=[stats_scope_outlets.c.scope_id, stats_scope_outlets.c.outlet],
        set_={"received": stats_scope_outlets.c.received + statement.excluded.received},
    )


def day_rows(run: Scope) -> Any:
    """The run's inquiries with their local day: the subquery every count reads."""
    changes = sql.offset_changes(run.zone, run.starts_at, run.ends_at)
    long_run = run.mission is None and run.days > SCAN_DAYS
    received: Any = sql.Unindexed(Inquiry.received_at) if long_run else Inquiry.received_at
    clauses = [received >= run.starts_at, received < run.ends_at]
    if run.mission is not None:
        clauses.append(Inquiry.mission_id == run.mission.id)
    # A subquery, so PostgreSQL groups by its column rather than by an expression with
    # bound parameters, which it would not match to the same one in the select list.
    return (
        select(
            sql.local_date(Inquiry.received_at, changes).label("day"),
            *(column.label(name) for name, column in DIMENSIONS.items()),
            Inquiry.outlet.label(OUTLET),
            Inquiry.deadline,
            Inquiry.first_response_at,
            sql.duration_ms(Inquiry.first_response_at, Inquiry.received_at).label("millis"),
        )
        .where(*clauses)
        .subquery()
    )


def marginals(key: int, inquiries: Any) -> Iterator[dict[str, Any]]:
    """Each day's count per value of each dimension (one GROUP BY, summed per dimension)."""
    keys = [inquiries.c.day, *(inquiries.c[name] for name in DIMENSIONS)]
    groups = (
        select(
            *keys,
            func.count().label("received"),
            func.count(inquiries.c.deadline).label("with_deadline"),
            func.count().filter(inquiries.c.first_response_at <= inquiries.c.deadline).label("met"),
        )
        .group_by(*keys)
        .subquery()
    )
    sums: dict[tuple[Any, str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in db.session.execute(select(groups)).mappings():
        for name in DIMENSIONS:
            value = row[name]
            total = sums[(row["day"], name, "" if value is None else str(value))]
            total[0] += row["received"]
            total[1] += row["with_deadline"] or 0
            total[2] += row["met"] or 0
    for (day, dimension, value), (received, with_deadline, met) in sums.items():
        yield tally_row(key, day, dimension, value, (received, with_deadline, met))


def outlets(key: int, inquiries: Any) -> Iterator[dict[str, Any]]:
    """Each day's count per outlet, as the journalists typed it."""
    statement = select(inquiries.c.day, inquiries.c[OUTLET], func.count()).group_by(
        inquiries.c.day, inquiries.c[OUTLET]
    )
    for day, outlet, received in db.session.execute(statement):
        yield tally_row(key, day, OUTLET, outlet, (received, 0, 0))


def tally_row(
    key: int, day: Any, dimension: str, value: str, counts: tuple[int, int, int]
) -> dict[str, Any]:
    received, with_deadline, met = counts
    return {
        "scope_id": key,
        "day": day_value(day),
        "dimension": dimension,
        "value": value,
        "received": int(received),
        "with_deadline": int(with_deadline),
        "met": int(met),
    }


def durations_of(key: int, inquiries: Any) -> Iterator[dict[str, Any]]:
    """Each day's times to first response per phase and assignee."""
    group = (inquiries.c.day, inquiries.c.phase, inquiries.c.assignee)
    statement = (
        select(*group, func.aggregate_strings(cast(inquiries.c.millis, String), ","))
        .where(inquiries.c.first_response_at.is_not(None))
        .group_by(*group)
    )
    for day, phase, assignee, values in db.session.execute(statement):
        yield {
            "scope_id": key,
            "day": day_value(day),
            "phase": str(phase),
            "assignee_id": assignee,
            "durations": pack(list(map(int, values.split(",")))),
        }


def day_value(day: Any) -> date:
    """A day as the database gave it back (a date, or ISO text on SQLite)."""
    return day if isinstance(day, date) else date.fromisoformat(str(day))


# --- Adding the days up ---------------------------------------------------------------


def sums_of(scope: Scope, dimensions: Iterable[str]) -> Any:
    """SELECT value's totals over the scope's days, for the given dimensions."""
    return select(
        stats_day_tallies.c.dimension,
        stats_day_tallies.c.value,
        func.sum(stats_day_tallies.c.received),
        func.sum(stats_day_tallies.c.with_deadline),
        func.sum(stats_day_tallies.c.met),
    ).where(
        days_of(scope, stats_day_tallies, indexed=False),
        stats_day_tallies.c.dimension.in_(list(dimensions)),
    )


def cube(scope: Scope) -> Cube:
    """The scope's counts per phase, assignee, contact, request type and media type."""
    statement = sums_of(scope, DIMENSIONS).group_by(
        stats_day_tallies.c.dimension, stats_day_tallies.c.value
    )
    found = Cube()
    for dimension, value, received, with_deadline, met in db.session.execute(statement):
        counts = (int(received), int(with_deadline or 0), int(met or 0))
        found.add(dimension, value or None, counts)
    return found


def top_outlets(scope: Scope, limit: int = TOP_OUTLETS) -> list[Tally]:
    """The outlets that sent the most inquiries; ties in byte order of the outlet.

    A period holding most of the scope's days reads the scope's totals less the days
    outside it; a short one adds up its own days. Either way few rows are read.
    """
    period = stats_days.c.day.between(scope.first_day, scope.last_day)
    inside, outside = db.session.execute(
        select(func.count().filter(period), func.count().filter(~period)).where(
            stats_days.c.scope_id == scope_key(scope)
        )
    ).one()
    if outside < inside:
        count, outlet, statement = totals_less_outside(scope)
    else:
        count, outlet = func.sum(stats_day_tallies.c.received), stats_day_tallies.c.value
        statement = (
            select(outlet, count)
            .where(days_of(scope, stats_day_tallies), stats_day_tallies.c.dimension == OUTLET)
            .group_by(outlet)
        )
    ordered = statement.order_by(count.desc(), sql.bytewise(outlet)).limit(limit)
    return [Tally(outlet, int(found)) for outlet, found in db.session.execute(ordered)]


def totals_less_outside(scope: Scope) -> tuple[Any, Any, Any]:
    """(count, outlet, SELECT outlet, count): the scope's totals less its days outside."""
    tallies, totals = stats_day_tallies, stats_scope_outlets
    outside = (
        select(tallies.c.value, func.sum(tallies.c.received).label("received"))
        .where(
            # Through the day index (two short ranges), not along every outlet row of
            # the scope in the sums index: scope and dimension hidden from SQLite's planner.
            sql.Unindexed(tallies.c.scope_id) == scope_key(scope),
            sql.Unindexed(tallies.c.dimension) == OUTLET,
            or_(tallies.c.day < scope.first_day, tallies.c.day > scope.last_day),
        )
        .group_by(tallies.c.value)
        .subquery()
    )
    count = totals.c.received - func.coalesce(outside.c.received, 0)
    statement = (
        select(totals.c.outlet, count)
        .select_from(totals.outerjoin(outside, outside.c.value == totals.c.outlet))
        .where(totals.c.scope_id == scope_key(scope), count > 0)
    )
    return count, totals.c.outlet, statement


def received_by_day(scope: Scope) -> list[tuple[date, int]]:
    """(local day, inquiries received) for each day that had any, in order."""
    day = stats_day_tallies.c.day
    # Every inquiry has exactly one phase: a day's phase counts add up to its inquiries.
    statement = (
        select(day, func.sum(stats_day_tallies.c.received))
        .where(
            days_of(scope, stats_day_tallies, indexed=False),
            stats_day_tallies.c.dimension == "phase",
        )
        .group_by(day)
        .order_by(day)
    )
    return [(day_value(found), int(count)) for found, count in db.session.execute(statement)]


def response_times(scope: Scope) -> ResponseTimes:
    """The percentiles of the time to first response, from the days' sorted durations."""
    statement = select(
        stats_day_durations.c.phase,
        stats_day_durations.c.assignee_id,
        stats_day_durations.c.durations,
    ).where(days_of(scope, stats_day_durations))
    packed: dict[tuple[str, int | None], list[bytes]] = defaultdict(list)
    for phase, assignee, durations in db.session.execute(statement):
        packed[(phase, assignee)].append(durations)
    # One unpacking per group of all its days' values, laid end to end.
    groups = {
        (Phase(phase), assignee): [unpack(b"".join(days))]
        for (phase, assignee), days in packed.items()
    }
    return summarise(groups)
