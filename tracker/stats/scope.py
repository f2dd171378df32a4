"""Which inquiries a report covers: one mission or all, over a period of local days.

A mission's days are counted in the mission's time zone, as its phases are; the whole
office has no single zone, so its days are UTC days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import phases
from tracker.extensions import db
from tracker.missions import lookups
from tracker.models import Mission

# Dates outside these are typing mistakes, and would overflow the arithmetic near year 9999.
EARLIEST_DAY = date(1990, 1, 1)
LATEST_DAY = date(2100, 12, 31)
# Without an announcement date, a mission's figures start this long before its first day.
LEAD_TIME = timedelta(days=30)


@dataclass(frozen=True)
class Scope:
    """A mission (None: the whole office) and the first and last local day, inclusive."""

    mission: Mission | None
    first_day: date
    last_day: date

    @property
    def zone(self) -> str:
        return self.mission.timezone if self.mission else "UTC"

    @property
    def slug(self) -> str | None:
        return self.mission.slug if self.mission else None

    @property
    def starts_at(self) -> datetime:
        """00:00 of the first day, as a UTC instant."""
        return phases.local_midnight(self.first_day, self.zone)

    @property
    def ends_at(self) -> datetime:
        """00:00 of the day after the last day, as a UTC instant (excluded)."""
        return phases.local_midnight(self.last_day + timedelta(days=1), self.zone)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def current_mission(now: datetime) -> Mission | None:
    """The mission under way now, else the next one, else the most recent one."""
    groups = lookups.missions_by_timing(now)
    for group in (groups.current, groups.upcoming, groups.past):
        if group:
            return group[0]
    return None


def local_today(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def default_first_day(mission: Mission | None) -> date | None:
    """The mission's announcement (or a month before it starts); for all, the earliest."""
    if mission is not None:
        return mission.announced_on or mission.first_day - LEAD_TIME
    # Few rows: the missions table holds one row per country visit.
    starts = [default_first_day(m) for m in db.session.scalars(select(Mission))]
    return min((day for day in starts if day is not None), default=None)


def scope_for(
    mission: Mission | None, first_day: date | None, last_day: date | None, now: datetime
) -> Scope:
    """A scope with the defaults filled in: from the announcement to today."""
    zone = mission.timezone if mission else "UTC"
    last = last_day or local_today(zone, now)
    first = first_day or default_first_day(mission) or last
    # A default start later than the chosen end (an announcement still to come) shrinks.
    if first_day is None and first > last:
        first = last
    return Scope(mission, max(first, EARLIEST_DAY), min(last, LATEST_DAY))


def period_problem(day: date) -> str | None:
    """Why ``day`` cannot bound a period, or None."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        return f"Choose a day between {EARLIEST_DAY:%Y} and {LATEST_DAY:%Y}."
    return None


def parse_day(args: MultiDict[str, str], name: str) -> date | None:
    """The ``YYYY-MM-DD`` query argument ``name``; abort 400 with the reason otherwise."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        abort(400, description=f"'{name}' is not a date (YYYY-MM-DD): {raw!r}")
    problem = period_problem(day)
    if problem:
        abort(400, description=f"'{name}': {problem}")
    return day


def scope_from_args(args: MultiDict[str, str], now: datetime) -> Scope:
    """The API's ``mission``, ``from`` and ``to``; 404 for an unknown mission, 400 for dates."""
    slug = args.get("mission", "").strip()
    mission = lookups.find_mission(slug) if slug else None
    if slug and mission is None:
        abort(404, description=f"There is no mission called {slug!r}.")
    first, last = parse_day(args, "from"), parse_day(args, "to")
    if first and last and last < first:
        abort(400, description="'to' comes before 'from'.")
    return scope_for(mission, first, last, now)
