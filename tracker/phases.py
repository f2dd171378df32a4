"""The phase rule of DESIGN.md: which part of a mission an instant falls in.

A mission's days are *local* dates in the mission's time zone. ``before`` lasts until
00:00 of the first day there, ``during`` until 00:00 of the day after the last day, and
``after`` from then on. Offsets come from the tz database (``zoneinfo`` + ``tzdata``),
never from a fixed number: Kazakhstan moved from UTC+6 to UTC+5 in 2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from tracker.choices import Phase


class MissionDays(Protocol):
    """What the phase rule needs to know of a mission."""

    first_day: date
    last_day: date
    timezone: str


@dataclass(frozen=True)
class PhaseWindow:
    """The UTC instants at which a mission starts and ends."""

    starts_at: datetime
    ends_at: datetime


def local_midnight(day: date, zone: str) -> datetime:
    """00:00 of ``day`` in ``zone``, as a UTC instant."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def window(mission: MissionDays) -> PhaseWindow:
    """The instants where ``during`` starts and where ``after`` starts."""
    return PhaseWindow(
        starts_at=local_midnight(mission.first_day, mission.timezone),
        ends_at=local_midnight(mission.last_day + timedelta(days=1), mission.timezone),
    )


def phase_at(mission: MissionDays, instant: datetime) -> Phase:
    """The mission's phase at ``instant``, which must be timezone-aware."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("phase_at needs a timezone-aware instant")
    bounds = window(mission)
    if instant < bounds.starts_at:
        return Phase.BEFORE
    if instant < bounds.ends_at:
        return Phase.DURING
    return Phase.AFTER


@cache
def held_zone(key: str) -> ZoneInfo:
    """``ZoneInfo(key)``, kept alive for the process.

    ZoneInfo caches zones only weakly beyond its eight most recent, so with missions in
    more zones than that every page read some zones' tz database files again (one phase
    rule per mission). A strong reference here keeps ZoneInfo's own cache warm; there
    are a few hundred zones at most.
    """
    return ZoneInfo(key)
