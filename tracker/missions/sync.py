"""Create or update a mission, its contacts, schedule and rules from a validated spec.

Rows are matched to the file (contacts by key, assignments by phase and contact, events
and rules by position) and only what differs is written, so loading the same file twice
changes nothing. The caller owns the transaction: commit on success, roll back on error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracker import hours
from tracker.choices import Phase
from tracker.extensions import db
from tracker.missions.spec import (
    ContactSpec,
    EventSpec,
    MissionSpec,
    OfficeSpec,
    RuleSpec,
    stored_translations,
)
from tracker.models import (
    Contact,
    Mission,
    MissionEvent,
    Office,
    PhaseAssignment,
    RoutingRule,
    RoutingRuleContact,
)


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def apply_spec(spec: MissionSpec) -> tuple[Mission, Outcome]:
    """Bring the database in line with ``spec``; say whether anything changed."""
    # No autoflush: every change stays pending until the end, where it is counted.
    with db.session.no_autoflush:
        sync_offices(spec)
        contacts = {c.key: upsert_contact(c) for c in spec.contacts}
        mission = db.session.scalar(select(Mission).where(Mission.slug == spec.slug))
        created = mission is None
        if mission is None:
            mission = Mission(slug=spec.slug)
            db.session.add(mission)
        set_fields(mission, spec)
        sync_events(mission, spec.events)
        sync_assignments(mission, spec.phases.by_phase(), contacts)
        sync_rules(mission, spec.routing, contacts)
        changed = (
            db.session.new
            or db.session.deleted
            or any(db.session.is_modified(row) for row in db.session.dirty)
        )
    if created:
        return mission, Outcome.CREATED
    return mission, Outcome.UPDATED if changed else Outcome.UNCHANGED


def set_fields(mission: Mission, spec: MissionSpec) -> None:
    values: dict[str, object] = {
        "reference_prefix": spec.reference_prefix,
        "title": spec.title,
        "expert_name": spec.expert.name,
        "expert_title": spec.expert.title,
        "expert_country": spec.expert.country,
        "country": spec.country,
        "cities": list(spec.cities),
        "first_day": spec.first_day,
        "last_day": spec.last_day,
        "timezone": spec.timezone,
        "home_timezone": spec.home_timezone,
        "home_office": spec.home_office,
        "announced_on": spec.announced_on,
        "response_target_minutes": round(spec.response_target_hours * 60),
        "retention_months": spec.retention_months,
        "summary": spec.summary.strip(),
        "source": spec.source,
        "translations": mission_translations(spec),
    }
    if spec.published is not None:
        values["published"] = spec.published
    assign_changed(mission, values)


def mission_translations(spec: MissionSpec) -> dict[str, dict[str, object]]:
    """The mission's and its expert's translations, in one column."""
    merged = stored_translations(dict(spec.translations))
    for language, columns in stored_translations(dict(spec.expert.translations)).items():
        merged[language] = {**merged.get(language, {}), **columns}
    return merged


def assign_changed(row: object, values: Mapping[str, object]) -> None:
    """Set only the attributes that differ, so an unchanged row stays clean."""
    for name, value in values.items():
        if getattr(row, name, None) != value:
            setattr(row, name, value)


def sync_offices(spec: MissionSpec) -> None:
    """The offices the file lists, as it lists them; and a bare row for every other office
    a contact or the mission names (kept as it is when it exists: an admin may have set
    its hours)."""
    listed = {office.name for office in spec.offices}
    for office_spec in spec.offices:
        upsert_office(office_spec)
    named = {contact.office for contact in spec.contacts if contact.office}
    for name in sorted(named - listed):
        office_row(name)
    if spec.home_office not in listed:
        home = office_row(spec.home_office)
        assign_changed(home, {"timezone": home.timezone or spec.home_timezone})


def office_row(name: str) -> Office:
    """The office called ``name``, made (without hours) when new; pending ones count."""
    pending = (o for o in db.session.new if isinstance(o, Office) and o.name == name)
    found = next(pending, None) or db.session.scalar(select(Office).where(Office.name == name))
    if found is None:
        found = Office(name=name, days=[])
        db.session.add(found)
    return found


def upsert_office(spec: OfficeSpec) -> Office:
    office = office_row(spec.name)
    opens, closes = spec.opening_times
    assign_changed(
        office,
        {
            "timezone": spec.timezone,
            "days": hours.day_numbers(spec.days),
            "opens_at": opens,
            "closes_at": closes,
            "duty_phone": spec.duty_phone,
            "translations": stored_translations(dict(spec.translations)),
        },
    )
    return office


def upsert_contact(spec: ContactSpec) -> Contact:
    contact = db.session.scalar(select(Contact).where(Contact.key == spec.key))
    if contact is None:
        contact = Contact(key=spec.key)
        db.session.add(contact)
    assign_changed(
        contact,
        {
            "name": spec.name,
            "office": spec.office,
            "unit": spec.unit,
            "phones": list(spec.phones),
            "email": spec.email,
            "languages": list(spec.languages),
            "translations": stored_translations(dict(spec.translations)),
        },
    )
    return contact


def sync_events(mission: Mission, specs: list[EventSpec]) -> None:
    del mission.events[len(specs) :]
    for position, spec in enumerate(specs):
        if position == len(mission.events):
            mission.events.append(MissionEvent(position=position))
        starts_at = None
        if spec.starts_at_local is not None:
            starts_at = local_instant(spec.starts_at_local, mission.timezone)
        assign_changed(
            mission.events[position],
            {
                "position": position,
                "kind": spec.kind,
                "title": spec.title,
                "starts_at": starts_at,
                "when_text": spec.when,
                "venue": spec.venue,
                "description": spec.description,
                "translations": stored_translations(dict(spec.translations)),
            },
        )


def sync_assignments(
    mission: Mission, wanted: dict[Phase, list[str]], contacts: dict[str, Contact]
) -> None:
    existing = {(a.phase, a.contact.key): a for a in mission.phase_assignments if a.contact}
    keep = []
    for phase, keys in wanted.items():
        for position, key in enumerate(keys):
            row = existing.get((phase, key))
            if row is None:
                row = PhaseAssignment(phase=phase, contact=contacts[key])
            assign_changed(row, {"position": position})
            keep.append(row)
    if [id(a) for a in mission.phase_assignments] != [id(a) for a in keep]:
        mission.phase_assignments = keep


def sync_rules(mission: Mission, specs: list[RuleSpec], contacts: dict[str, Contact]) -> None:
    del mission.routing_rules[len(specs) :]
    for position, spec in enumerate(specs):
        if position == len(mission.routing_rules):
            mission.routing_rules.append(RoutingRule(position=position, target=spec.target))
        rule = mission.routing_rules[position]
        assign_changed(
            rule,
            {
                "position": position,
                "topic": spec.topic,
                "phase": spec.phase,
                "request_type": spec.request_type,
                "target": spec.target,
            },
        )
        if [link.contact.key for link in rule.rule_contacts] != spec.contacts:
            rule.rule_contacts = [
                RoutingRuleContact(position=i, contact=contacts[key])
                for i, key in enumerate(spec.contacts)
            ]


def local_instant(value: datetime, zone: str) -> datetime:
    """A naive local time in ``zone`` as an aware UTC instant."""
    return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
