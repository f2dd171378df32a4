"""Missions and their dated events."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from tracker.audit import apply_changes, record
from tracker.extensions import db
from tracker.missions.office_changes import ensure_office
from tracker.missions.ordering import move, renumber
from tracker.missions.sync import local_instant
from tracker.models import Inquiry, Mission, MissionEvent, User
from tracker.refusals import Refused


@dataclass(frozen=True)
class MissionValues:
    """Every field of a mission an admin sets, validated by the form."""

    slug: str
    reference_prefix: str
    title: str
    expert_name: str
    expert_title: str
    expert_country: str | None
    country: str
    cities: list[str]
    first_day: date
    last_day: date
    timezone: str
    home_timezone: str
    home_office: str
    announced_on: date | None
    response_target_minutes: int
    summary: str
    source: str | None
    # Months journalists' data is kept after the visit or the closing (tracker.privacy).
    retention_months: int = 24
    # {"ru": {"title": "…"}}: see tracker.missions.texts.
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class EventValues:
    """A dated moment: ``starts_at_local`` is wall time in the mission's zone."""

    kind: str
    title: str
    starts_at_local: datetime | None
    when_text: str | None
    venue: str | None
    description: str | None
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


def inquiry_count(mission: Mission) -> int:
    """How many inquiries the mission has received."""
    query = select(func.count()).select_from(Inquiry).where(Inquiry.mission_id == mission.id)
    return db.session.scalar(query) or 0


def create_mission(actor: User, values: MissionValues) -> Mission:
    """A new mission, a draft with no contacts or rules yet: published once they are set."""
    ensure_office(actor, values.home_office, values.home_timezone)
    mission = Mission(published=False, **asdict(values))
    db.session.add(mission)
    record(actor, "created", mission, f"Created mission {values.slug}", asdict(values))
    return mission


def update_mission(actor: User, mission: Mission, values: MissionValues) -> list[str]:
    """Change a mission's fields; return the names of those that changed."""
    guard_identity(mission, values)
    ensure_office(actor, values.home_office, values.home_timezone)
    old_zone = mission.timezone
    changed = apply_changes(mission, asdict(values))
    if not changed:
        return []
    if "timezone" in changed:
        keep_local_times(mission, old_zone)
    names = ", ".join(name.replace("_", " ") for name in changed)
    record(actor, "updated", mission, f"Changed {names} of {mission.slug}", changed)
    return list(changed)


def publish_mission(actor: User, mission: Mission) -> None:
    """Make a draft public: listed, its page and form open, routed and handed over.

    Refused while some phase has no active contact: a journalist would find nobody to
    call then, and the inquiries of that phase would wait for the desk unrouted.
    """
    if mission.published:
        raise Refused(f"{mission.slug} is published already.")
    unstaffed = mission.unstaffed_phases()
    if unstaffed:
        missing = ", ".join(phase.label.lower() for phase in unstaffed)
        raise Refused(
            f"{mission.slug} cannot be published yet: no contact answers {missing}. "
            "Put contacts on every phase first (Contacts by phase)."
        )
    mission.published = True
    record(actor, "published", mission, f"Published mission {mission.slug}")


def unpublish_mission(actor: User, mission: Mission) -> None:
    """Make a mission a draft again, while no journalist has written to it."""
    if not mission.published:
        raise Refused(f"{mission.slug} is a draft already.")
    count = inquiry_count(mission)
    if count:
        noun = "inquiry" if count == 1 else "inquiries"
        raise Refused(
            f"{mission.slug} stays published: it has {count} {noun}, and journalists hold "
            f"its address /missions/{mission.slug} and their status links point to it."
        )
    mission.published = False
    record(actor, "unpublished", mission, f"Made mission {mission.slug} a draft again")


def guard_identity(mission: Mission, values: MissionValues) -> None:
    """Slug and prefix are in published addresses and handed-out references: frozen once used."""
    if values.slug == mission.slug and values.reference_prefix == mission.reference_prefix:
        return
    count = inquiry_count(mission)
    if not count:
        return
    noun = "inquiry" if count == 1 else "inquiries"
    if values.reference_prefix != mission.reference_prefix:
        raise Refused(
            f"The prefix cannot change: {count} {noun} already "
            f"{'carries' if count == 1 else 'carry'} it in their references.",
            "reference_prefix",
        )
    raise Refused(
        f"The slug cannot change: the mission is public ({count} {noun} so far) and its "
        f"address /missions/{mission.slug} is in journalists' hands.",
        "slug",
    )


def keep_local_times(mission: Mission, old_zone: str) -> None:
    """After a zone correction, events keep their local wall time (11:00 stays 11:00)."""
    for event in mission.events:
        if event.starts_at is not None:
            wall = event.starts_at.astimezone(ZoneInfo(old_zone)).replace(tzinfo=None)
            event.starts_at = local_instant(wall, mission.timezone)


def event_fields(mission: Mission, values: EventValues) -> dict[str, object]:
    """The event's columns, its local start stored as a UTC instant."""
    fields: dict[str, object] = asdict(values)
    del fields["starts_at_local"]
    local = values.starts_at_local
    fields["starts_at"] = local_instant(local, mission.timezone) if local else None
    return fields


def add_event(actor: User, mission: Mission, values: EventValues) -> MissionEvent:
    """Append an event to the mission's list."""
    event = MissionEvent(position=len(mission.events), **event_fields(mission, values))
    mission.events.append(event)
    db.session.flush()
    summary = f"Added event “{values.title}” to {mission.slug}"
    record(actor, "event_added", mission, summary, {"event_id": event.id, **asdict(values)})
    return event


def update_event(actor: User, mission: Mission, event: MissionEvent, values: EventValues) -> bool:
    """Change an event; False when nothing differed."""
    changed = apply_changes(event, event_fields(mission, values))
    if not changed:
        return False
    summary = f"Changed event “{event.title}” of {mission.slug}"
    record(actor, "event_updated", mission, summary, {"event_id": event.id, **changed})
    return True


def move_event(actor: User, mission: Mission, event: MissionEvent, step: int) -> int:
    """Move an event up or down the mission's list; return its new 1-based place."""
    place = move(mission.events, event, step) + 1
    summary = f"Moved event “{event.title}” of {mission.slug} to place {place}"
    record(actor, "event_moved", mission, summary, {"event_id": event.id, "place": place})
    return place


def remove_event(actor: User, mission: Mission, event: MissionEvent) -> None:
    """Delete an event and close the gap in the order."""
    mission.events.remove(event)
    renumber(sorted(mission.events, key=lambda e: e.position))
    details = {"event_id": event.id, "kind": event.kind, "title": event.title}
    summary = f"Removed event “{event.title}” from {mission.slug}"
    record(actor, "event_removed", mission, summary, details)
