"""How instants, days and phone numbers are shown to people.

Every instant is stored in UTC and shown in a *named* zone, with its offset, because a
journalist in Almaty and an officer in Geneva read the same page. Days and months are
written in the page's language (Babel's CLDR patterns); the zone is always the one named,
never the reader's, so a language changes the words and never the time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_timedelta
from flask import Flask
from flask_babel import get_locale

from tracker import phones
from tracker.inquiries import response_clock
from tracker.missions import texts


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


ENGLISH = "en"


def page_language() -> str:
    """The language of the page or mail being rendered; English outside a request."""
    locale = get_locale()
    return locale.language if locale is not None else ENGLISH


def format_instant(
    instant: datetime | None, zone: str, language: str | None = None, *, zone_named: bool = True
) -> str:
    """ "Tue 27 Jan 2015, 11:00 (Asia/Almaty, UTC+6)"; "вт, 27 янв. 2015 г., 11:00 (…)".

    In UTC itself, "(UTC)" rather than "(UTC, UTC)". ``zone_named=False`` leaves the zone's
    name out where the sentence around it already names it: "11:00 (UTC+6)", or no
    brackets at all in UTC.
    """
    if instant is None:
        return ""
    local = in_zone(instant, zone)
    language = language or page_language()
    if language == ENGLISH:
        # The office's own layout (day before month), which CLDR's "en" would turn round.
        words = f"{local:%a %-d %b %Y, %H:%M}"
    else:
        words = f"{format_skeleton('yMMMEd', local, locale=language)}, {local:%H:%M}"
    offset = offset_label(local)
    named = [zone] if zone_named else []
    said = [*named, offset] if offset != zone else named
    return f"{words} ({', '.join(said)})" if said else words


def format_time(instant: datetime, zone: str) -> str:
    """ "11:00 UTC+6": the time of day in ``zone``."""
    local = in_zone(instant, zone)
    return f"{local:%H:%M} {offset_label(local)}"


def format_day(day: date | None, language: str | None = None) -> str:
    """ "Monday 19 January 2015"; "понедельник, 19 января 2015 г."."""
    if day is None:
        return ""
    language = language or page_language()
    return f"{day:%A %-d %B %Y}" if language == ENGLISH else format_date(day, "full", language)


def format_relative(instant: datetime, now: datetime, language: str | None = None) -> str:
    """ "in 3 hours", "2 days ago", coarse enough to read at a glance."""
    language = language or page_language()
    if language != ENGLISH:
        return format_timedelta(instant - now, add_direction=True, locale=language)
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
    return response_clock.time_left_words(inquiry.due_at, now)


def translated(row: Any, field: str, language: str | None = None) -> Any:
    """A mission's, event's, office's or contact's text in the page's language (or
    ``language``), English where it has no translation."""
    return texts.text(row, field, language or page_language())


def language_names(codes: list[str], language: str | None = None) -> str:
    """ "English, French"; "английский, французский": language codes named in ``language``."""
    language = language or page_language()
    names = []
    for code in codes:
        try:
            name = Locale.parse(code).get_display_name(language) or code
        except (UnknownLocaleError, ValueError):
            name = code
        names.append(name)
    return ", ".join(names)


def register(app: Flask) -> None:
    """Expose the formatters as Jinja filters."""
    app.add_template_filter(format_instant, "instant")
    app.add_template_filter(format_time, "time_in")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(phones.display, "phone")
    app.add_template_filter(phones.tel_uri, "tel")
    app.add_template_filter(format_relative, "relative")
    app.add_template_global(due_words)
    app.add_template_global(translated, "tr")
    app.add_template_global(language_names)
