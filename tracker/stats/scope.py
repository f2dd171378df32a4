"""Which inquiries a report covers: one mission or all, over a period of local days.

A mission's days are counted in the mission's time zone, as its phases are; the whole
office has no single zone, so its days are UTC days.

Without dates the period is one a chart can show: a mission from its announcement to
today, or, once it is over, to its last day or its last inquiry's, whichever is later
(not to today, which years later would squeeze it into one bar among a hundred); the
whole office over the last 90 days that have inquiries, not before the first
announcement.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import abort
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tracker import phases
from tracker.choices import Phase
from tracker.extensions import db
from tracker.missions import lookups
from tracker.models import Inquiry, Mission

# Dates outside these are typing mistakes, and would overflow the arithmetic near year 9999.
EARLIEST_DAY = date(1990, 1, 1)
LATEST_DAY = date(2100, 12, 31)
# Without an announcement date, a mission's figures start this long before its first day.
LEAD_TIME = timedelta(days=30)
# Without dates, the whole office's figures cover this many days (90) up to the last one.
OFFICE_SPAN = timedelta(days=89)


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


def last_inquiry_day(mission: Mission | None) -> date | None:
    """The local day of the latest inquiry received (of ``mission``, or of any): one look
    at the end of an index on received_at."""
    latest = select(func.max(Inquiry.received_at))
    if mission is not None:
        latest = latest.where(Inquiry.mission_id == mission.id)
    instant = db.session.scalar(latest)
    if instant is None:
        return None
    return instant.astimezone(ZoneInfo(mission.timezone if mission else "UTC")).date()


def default_last_day(mission: Mission | None, now: datetime) -> date:
    """Today, while a mission is to come or under way; after it, its last day or its last
    inquiry's, whichever is later (never after today). For the whole office, the last day
    with an inquiry (today when there is none yet)."""
    today = local_today(mission.timezone if mission else "UTC", now)
    if mission is not None and phases.phase_at(mission, now) is not Phase.AFTER:
        return today
    latest = last_inquiry_day(mission)
    if mission is not None:
        latest = max(mission.last_day, latest or mission.last_day)
    return min(today, latest) if latest else today


def scope_for(
    mission: Mission | None, first_day: date | None, last_day: date | None, now: datetime
) -> Scope:
    """A scope with the defaults filled in (see the module's docstring)."""
    last = last_day or default_last_day(mission, now)
    first = first_day or default_first_day(mission) or last
    if mission is None and first_day is None:
        first = max(first, last - OFFICE_SPAN)
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
