"""How long journalists' details are kept: pure date arithmetic, no database.

The rule, one for the form's notice, the purge and the export: an inquiry's personal data
is kept until ``retention_months`` after the later of two moments, the end of the visit
(00:00 of the day after its last day, in the mission's zone) and the day the inquiry is
closed (its ``finished_at``: answered, closed, declined … any status in which the office's
work on it is done). It is anonymised from 00:00, in the mission's zone, of the first day
after that. An inquiry still open has no such day yet: it is kept at least until the day
it would have if it were closed now (``earliest_anonymise_day``), which is never past.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from tracker.phases import local_midnight

DEFAULT_RETENTION_MONTHS = 24
ONE_DAY = timedelta(days=1)


class RetainedMission(Protocol):
    last_day: date
    timezone: str
    retention_months: int


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later (or earlier); the 31st becomes a shorter month's last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def visit_end_day(mission: RetainedMission) -> date:
    """The day after the last day: the visit ends at its 00:00 (the ``after`` phase)."""
    return mission.last_day + ONE_DAY


def local_day(instant: datetime, zone: str) -> date:
    return instant.astimezone(ZoneInfo(zone)).date()


def retention_start_day(mission: RetainedMission, finished_at: datetime) -> date:
    """The later of the visit's end and the end of the day the inquiry was closed."""
    return max(visit_end_day(mission), local_day(finished_at, mission.timezone) + ONE_DAY)


def anonymise_day(mission: RetainedMission, finished_at: datetime) -> date:
    """The first local day on which an inquiry closed at ``finished_at`` may be anonymised."""
    return add_months(retention_start_day(mission, finished_at), mission.retention_months)


def anonymise_at(mission: RetainedMission, finished_at: datetime) -> datetime:
    """The instant (UTC) the inquiry's retention ends: 00:00 local of ``anonymise_day``."""
    return local_midnight(anonymise_day(mission, finished_at), mission.timezone)


def earliest_anonymise_day(mission: RetainedMission, now: datetime) -> date:
    """For an inquiry sent (or still open) ``now``: the day its details are kept at least
    until, which it gets if it is closed today. Always after today."""
    return anonymise_day(mission, now)


def retention_end_day(mission: RetainedMission) -> date:
    """The first local day on which any of the mission's inquiries may be anonymised (one
    closed before the visit ended): retention_months after the visit's end."""
    return add_months(visit_end_day(mission), mission.retention_months)


def retention_ends_at(mission: RetainedMission) -> datetime:
    """``retention_end_day`` as an instant (UTC): 00:00 local of that day."""
    return local_midnight(retention_end_day(mission), mission.timezone)


def finished_before(mission: RetainedMission, now: datetime) -> datetime | None:
    """The mission's inquiries closed before this instant are past their retention at
    ``now``; None when none can be yet.

    An inquiry may be anonymised once ``add_months(start, months)`` is today or earlier,
    where ``start`` is the later of the visit's end and the day after its closing. For the
    visit's part that is one test; for the closing's, find the latest day ``latest`` such
    that ``add_months(latest, months)`` is not after today: closed on a day before
    ``latest``, the inquiry is due.
    """
    if now < retention_ends_at(mission):
        return None
    today, months = local_day(now, mission.timezone), mission.retention_months
    latest = add_months(today, -months)
    # add_months shortens the 29th to 31st to a shorter month's last day, so a few later
    # days may land on today too.
    while add_months(latest + ONE_DAY, months) <= today:
        latest += ONE_DAY
    return local_midnight(latest, mission.timezone)


def rule(months: int) -> str:
    """The rule in one English sentence, as the export and the commands state it."""
    return (
        f"Kept until {months} months after the later of the end of the visit and the day "
        "the inquiry is closed, then anonymised; an open inquiry is kept until then."
    )
