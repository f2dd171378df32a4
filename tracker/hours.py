"""An office's working hours: is it open at an instant, and when is it back.

Pure (no Flask, no database), like the phase rule: an office works on some days of the
week between two local times in its own zone, read from the tz database, so Geneva's
summer time and Kazakhstan's move to UTC+5 are right for any date. The hours do not run
past midnight: an office opens and closes on the same local day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

# Days as mission files write them; stored as ISO weekdays (Monday 1 … Sunday 7).
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_PATTERN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]):([0-5]\d)$")


def parse_hours(text: str) -> tuple[time, time]:
    """ "09:00-18:00" → (09:00, 18:00); a ValueError that says why otherwise."""
    found = HOURS_PATTERN.match(text.strip())
    if found is None:
        raise ValueError("write the hours as HH:MM-HH:MM, e.g. 09:00-18:00")
    opens = time(int(found.group(1)), int(found.group(2)))
    closes = time(int(found.group(3)), int(found.group(4)))
    if closes <= opens:
        raise ValueError("the office must close after it opens, on the same day")
    return opens, closes


def day_numbers(names: list[str]) -> list[int]:
    """["mon", "fri"] → [1, 5]; a ValueError naming an unknown day."""
    numbers = []
    for name in names:
        key = name.strip().lower()[:3]
        if key not in DAY_NAMES:
            raise ValueError(f"unknown day {name!r}: use mon, tue, wed, thu, fri, sat, sun")
        numbers.append(DAY_NAMES.index(key) + 1)
    return sorted(set(numbers))


@dataclass(frozen=True)
class WorkingHours:
    """Open on ``days`` (ISO weekdays) from ``opens`` to ``closes``, local to ``zone``."""

    zone: str
    days: frozenset[int]
    opens: time
    closes: time

    def is_open(self, instant: datetime) -> bool:
        """Whether the office works at ``instant`` (timezone-aware)."""
        local = instant.astimezone(ZoneInfo(self.zone))
        return local.isoweekday() in self.days and self.opens <= local.time() < self.closes

    def next_opening(self, instant: datetime) -> datetime:
        """The first opening after ``instant`` (UTC), when the office is closed then."""
        zone = ZoneInfo(self.zone)
        day = instant.astimezone(zone).date()
        for _ in range(8):
            if day.isoweekday() in self.days:
                opening = datetime.combine(day, self.opens, tzinfo=zone).astimezone(UTC)
                if opening > instant:
                    return opening
            day += timedelta(days=1)
        raise ValueError("working hours without a working day")  # pragma: no cover

    def back_at(self, instant: datetime) -> datetime | None:
        """None while the office works; else when it opens again (UTC)."""
        return None if self.is_open(instant) else self.next_opening(instant)
