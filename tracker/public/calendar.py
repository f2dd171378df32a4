"""A mission's calendar file (iCalendar, RFC 5545): its days and its dated events.

The visit is an all-day event over its local days; each event with a time (the press
conference) is at its local time in the mission's zone, with the VTIMEZONE that calendar
programs need to place it right whatever zone they are in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from tracker.missions.texts import text
from tracker.models import Mission, MissionEvent

PRODID = "-//UN Human Rights press office//tracker//EN"
# Mission files give a start but no end; an hour is what a press conference is booked for.
EVENT_LENGTH = timedelta(hours=1)


def mission_calendar(
    mission: Mission, *, now: datetime, uid_domain: str, page_url: str, language: str = "en"
) -> bytes:
    """The calendar of ``mission`` as .ics bytes, its texts in ``language`` where
    translated; UIDs are stable across downloads."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", text(mission, "title", language))
    calendar.add_component(visit_event(mission, now, uid_domain, page_url, language))
    timed = [event for event in mission.events if event.starts_at is not None]
    for event in timed:
        calendar.add_component(timed_event(mission, event, now, uid_domain, page_url, language))
    # Only the zone's rules for the days the calendar spans: a short VTIMEZONE, not 70 years.
    days = [mission.first_day, mission.last_day]
    days += [
        e.starts_at.astimezone(ZoneInfo(mission.timezone)).date() for e in timed if e.starts_at
    ]
    calendar.add_missing_timezones(
        first_date=min(days) - timedelta(days=1), last_date=max(days) + timedelta(days=2)
    )
    return calendar.to_ical()


def visit_event(
    mission: Mission, now: datetime, uid_domain: str, page_url: str, language: str
) -> Event:
    """The visit over its local days (DTEND is exclusive: the day after the last)."""
    event = Event()
    event.add("uid", f"{mission.slug}.visit@{uid_domain}")
    event.add("dtstamp", now)
    event.add("summary", text(mission, "title", language))
    event.add("dtstart", mission.first_day)
    event.add("dtend", mission.last_day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    country, cities = text(mission, "country", language), text(mission, "cities", language)
    event.add("location", ", ".join([*cities, country]) if cities else country)
    expert = f"{text(mission, 'expert_name', language)}, {text(mission, 'expert_title', language)}"
    event.add("description", f"{expert}.\n{page_url}")
    event.add("url", page_url)
    return event


def timed_event(
    mission: Mission,
    item: MissionEvent,
    now: datetime,
    uid_domain: str,
    page_url: str,
    language: str,
) -> Event:
    """An event at its local time in the mission's zone."""
    # Callers pass only timed events; the assert narrows the type for mypy.
    assert item.starts_at is not None  # nosec B101
    start = item.starts_at.astimezone(ZoneInfo(mission.timezone))
    event = Event()
    event.add("uid", f"{mission.slug}.{item.kind}.{item.position}@{uid_domain}")
    event.add("dtstamp", now)
    title, expert = text(item, "title", language), text(mission, "expert_name", language)
    event.add("summary", f"{title}: {expert} ({text(mission, 'country', language)})")
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    if item.venue:
        event.add("location", text(item, "venue", language))
    description = text(item, "description", language)
    event.add("description", "\n".join(filter(None, [description, page_url])))
    event.add("url", page_url)
    return event
