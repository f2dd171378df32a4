"""A mission's calendar file (iCalendar, RFC 5545): its days and its dated events.

The visit is an all-day event over its local days; each event with a time (the press
conference) is at its local time in the mission's zone, with the VTIMEZONE that calendar
programs need to place it right whatever zone they are in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from tracker.models import Mission, MissionEvent

PRODID = "-//UN Human Rights press office//tracker//EN"
# Mission files give a start but no end; an hour is what a press conference is booked for.
EVENT_LENGTH = timedelta(hours=1)


def mission_calendar(mission: Mission, *, now: datetime, uid_domain: str, page_url: str) -> bytes:
    """The calendar of ``mission`` as .ics bytes; UIDs are stable across downloads."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", mission.title)
    calendar.add_component(visit_event(mission, now, uid_domain, page_url))
    timed = [event for event in mission.events if event.starts_at is not None]
    for event in timed:
        calendar.add_component(timed_event(mission, event, now, uid_domain, page_url))
    # Only the zone's rules for the days the calendar spans: a short VTIMEZONE, not 70 years.
    days = [mission.first_day, mission.last_day]
    days += [
        e.starts_at.astimezone(ZoneInfo(mission.timezone)).date() for e in timed if e.starts_at
    ]
    calendar.add_missing_timezones(
        first_date=min(days) - timedelta(days=1), last_date=max(days) + timedelta(days=2)
    )
    return calendar.to_ical()


def visit_event(mission: Mission, now: datetime, uid_domain: str, page_url: str) -> Event:
    """The visit over its local days (DTEND is exclusive: the day after the last)."""
    event = Event()
    event.add("uid", f"{mission.slug}.visit@{uid_domain}")
    event.add("dtstamp", now)
    event.add("summary", mission.title)
    event.add("dtstart", mission.first_day)
    event.add("dtend", mission.last_day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    places = ", ".join([*mission.cities, mission.country]) if mission.cities else mission.country
    event.add("location", places)
    event.add("description", f"{mission.expert_name}, {mission.expert_title}.\n{page_url}")
    event.add("url", page_url)
    return event


def timed_event(
    mission: Mission, item: MissionEvent, now: datetime, uid_domain: str, page_url: str
) -> Event:
    """An event at its local time in the mission's zone."""
    # Callers pass only timed events; the assert narrows the type for mypy.
    assert item.starts_at is not None  # nosec B101
    start = item.starts_at.astimezone(ZoneInfo(mission.timezone))
    event = Event()
    event.add("uid", f"{mission.slug}.{item.kind}.{item.position}@{uid_domain}")
    event.add("dtstamp", now)
    event.add("summary", f"{item.title}: {mission.expert_name} ({mission.country})")
    event.add("dtstart", start)
    event.add("dtend", start + EVENT_LENGTH)
    if item.venue:
        event.add("location", item.venue)
    event.add("description", "\n".join(filter(None, [item.description, page_url])))
    event.add("url", page_url)
    return event
