"""When a mission's retention period ends: pure date arithmetic, no database."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Protocol

from tracker.phases import local_midnight

DEFAULT_RETENTION_MONTHS = 24


class RetainedMission(Protocol):
    last_day: date
    timezone: str
    retention_months: int


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later; the 31st becomes the month's last day if shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def retention_end_day(mission: RetainedMission) -> date:
    """The first local day on which the mission's closed inquiries may be anonymised.

    The visit ends at 00:00 of the day after its last day (when the ``after`` phase
    begins); the retention period runs from then.
    """
    return add_months(mission.last_day + timedelta(days=1), mission.retention_months)


def retention_ends_at(mission: RetainedMission) -> datetime:
    """The instant (UTC) the retention period ends: 00:00 local of the end day."""
    return local_midnight(retention_end_day(mission), mission.timezone)


def past_retention(mission: RetainedMission, now: datetime) -> bool:
    return now >= retention_ends_at(mission)
