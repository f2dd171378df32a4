"""How instants, days and phone numbers are shown to people.

Every instant is stored in UTC and shown in a *named* zone, with its offset, because a
journalist in Almaty and an officer in Geneva read the same page.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask

from tracker import phones
from tracker.inquiries import clock


def in_zone(instant: datetime, zone: str) -> datetime:
    """``instant`` as wall-clock time in ``zone``."""
    return instant.astimezone(ZoneInfo(zone))


def offset_label(local: datetime) -> str:
    """ "UTC+6", "UTC+5:30", "UTC" for an aware local time."""
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def format_instant(instant: datetime | None, zone: str) -> str:
    """ "Tue 27 Jan 2015, 11:00 (Asia/Almaty, UTC+6)"."""
    if instant is None:
        return ""
    local = in_zone(instant, zone)
    return f"{local:%a %-d %b %Y, %H:%M} ({zone}, {offset_label(local)})"


def format_time(instant: datetime, zone: str) -> str:
    """ "11:00 UTC+6": the time of day in ``zone``."""
    local = in_zone(instant, zone)
    return f"{local:%H:%M} {offset_label(local)}"


def format_day(day: date | None) -> str:
    """ "Monday 19 January 2015"."""
    return f"{day:%A %-d %B %Y}" if day else ""


def format_relative(instant: datetime, now: datetime) -> str:
    """ "in 3 hours", "2 days ago", coarse enough to read at a glance."""
    seconds = (instant - now).total_seconds()
    size = abs(seconds)
    for unit, length in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if size >= length:
            count = int(size // length)
            words = f"{count} {unit}{'' if count == 1 else 's'}"
            return f"in {words}" if seconds > 0 else f"{words} ago"
    return "just now"


def due_words(inquiry: Any, now: datetime) -> str:
    """The response clock in a few words for a queue row; never colour alone."""
    if not inquiry.is_open:
        return ""
    if inquiry.first_response_at is not None:
        return "Responded"
    if not inquiry.clock_running:
        return "Paused: awaiting the journalist"
    return clock.time_left_words(inquiry.due_at, now)


def register(app: Flask) -> None:
    """Expose the formatters as Jinja filters."""
    app.add_template_filter(format_instant, "instant")
    app.add_template_filter(format_time, "time_in")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(phones.display, "phone")
    app.add_template_filter(phones.tel_uri, "tel")
    app.add_template_filter(format_relative, "relative")
    app.add_template_global(due_words)
