"""Reading missions for the public pages, the API and routing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select

from tracker import phases, routing
from tracker.choices import OPEN_STATUSES, Phase, Topic
from tracker.extensions import db
from tracker.models import (
    Contact,
    Inquiry,
    Mission,
    Office,
    PhaseAssignment,
    RoutingRule,
    RoutingRuleContact,
)

# Built once: every public page and form POST looks its mission up, and making the
# statement (and its cache key) anew cost about as much as running it.
MISSION_BY_SLUG = select(Mission).where(Mission.slug == bindparam("slug"))


def find_mission(slug: str) -> Mission | None:
    return db.session.scalar(MISSION_BY_SLUG, {"slug": slug})


@dataclass(frozen=True)
class MissionGroups:
    """Missions for the home page: what journalists need first comes first."""

    current: list[Mission]
    upcoming: list[Mission]
    past: list[Mission]


def missions_by_timing(now: datetime) -> MissionGroups:
    """The published missions by their phase at ``now``: drafts take no part."""
    missions = db.session.scalars(
        select(Mission).where(Mission.published.is_(True)).order_by(Mission.first_day)
    ).all()
    grouped: dict[Phase, list[Mission]] = {phase: [] for phase in Phase}
    for mission in missions:
        grouped[phases.phase_at(mission, now)].append(mission)
    past = sorted(grouped[Phase.AFTER], key=lambda m: m.last_day, reverse=True)
    return MissionGroups(grouped[Phase.DURING], grouped[Phase.BEFORE], past)


def drafts() -> list[Mission]:
    """The missions not published yet, newest first (staff see them listed apart)."""
    query = select(Mission).where(Mission.published.is_(False)).order_by(Mission.first_day.desc())
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class ScheduleSlot:
    """One phase of the schedule: its local days and who answers then."""

    phase: Phase
    first_day: date | None
    last_day: date | None
    contacts: list[Contact]


def schedule(mission: Mission) -> list[ScheduleSlot]:
    """Before / during / after, with their local days and contacts."""
    return [
        ScheduleSlot(
            Phase.BEFORE,
            None,
            mission.first_day - timedelta(days=1),
            mission.contacts_for(Phase.BEFORE),
        ),
        ScheduleSlot(
            Phase.DURING, mission.first_day, mission.last_day, mission.contacts_for(Phase.DURING)
        ),
        ScheduleSlot(
            Phase.AFTER,
            mission.last_day + timedelta(days=1),
            None,
            mission.contacts_for(Phase.AFTER),
        ),
    ]


def contact_ref(contact: Contact) -> routing.ContactRef:
    return routing.ContactRef(
        contact.id,
        contact.name,
        contact.office,
        contact.unit,
        tuple(contact.phones or ()),
        contact.email,
    )


def contact_ref_of(row: Any) -> routing.ContactRef:
    """A ContactRef from a row holding CONTACT_REF_COLUMNS."""
    return routing.ContactRef(
        row.contact_id, row.name, row.office, row.unit, tuple(row.phones or ()), row.email
    )


def routing_inputs(
    mission: Mission,
) -> tuple[list[routing.Rule], dict[Phase, list[routing.ContactRef]]]:
    """The mission's rules and phase contacts as the pure router takes them.

    Two narrow queries, no rule or assignment objects: every inquiry is routed with these,
    and loading the mission's relationships to read a few columns of a few contacts cost
    the inquiry form more than its INSERTs. Same contacts, same order as the models'
    ``RoutingRule.contacts`` and ``Mission.contacts_for`` (``loaded_routing_inputs``).
    """
    return rules_of(mission.id), phase_contacts_of(mission.id)


# The tables themselves, not the mapped classes: routing reads a few columns, and the
# ORM's handling of even a column query doubled its cost. (Such statements do not flush
# the session first; nothing a caller changes before routing is read here.)
CONTACTS = cast(Table, Contact.__table__)
RULES = cast(Table, RoutingRule.__table__)
RULE_CONTACTS = cast(Table, RoutingRuleContact.__table__)
ASSIGNMENTS = cast(Table, PhaseAssignment.__table__)
# A contact as routing sees it (routing.ContactRef), as columns of a query.
CONTACT_REF_COLUMNS = (
    CONTACTS.c.id.label("contact_id"),
    CONTACTS.c.name,
    CONTACTS.c.office,
    CONTACTS.c.unit,
    CONTACTS.c.phones,
    CONTACTS.c.email,
)
# Built once: making a statement anew costs about as much as running it.
RULES_WITH_CONTACTS = (
    select(
        RULES.c.id.label("rule_id"),
        RULES.c.target,
        RULES.c.topic,
        RULES.c.phase,
        RULES.c.request_type,
        *CONTACT_REF_COLUMNS,
    )
    .select_from(
        RULES.outerjoin(RULE_CONTACTS, RULE_CONTACTS.c.rule_id == RULES.c.id).outerjoin(
            CONTACTS,
            (CONTACTS.c.id == RULE_CONTACTS.c.contact_id) & CONTACTS.c.active.is_(True),
        )
    )
    .where(RULES.c.mission_id == bindparam("mission_id"))
    .order_by(RULES.c.position, RULES.c.id, RULE_CONTACTS.c.position)
)
PHASE_CONTACTS = (
    select(ASSIGNMENTS.c.phase, *CONTACT_REF_COLUMNS)
    .select_from(ASSIGNMENTS.join(CONTACTS, CONTACTS.c.id == ASSIGNMENTS.c.contact_id))
    .where(ASSIGNMENTS.c.mission_id == bindparam("mission_id"), CONTACTS.c.active.is_(True))
    .order_by(ASSIGNMENTS.c.position, ASSIGNMENTS.c.id)
)


def rules_of(mission_id: int) -> list[routing.Rule]:
    """The rules in order, each with its active contacts in the rule's order."""
    rows = db.session.connection().execute(RULES_WITH_CONTACTS, {"mission_id": mission_id})
    rules: dict[int, tuple[Any, list[routing.ContactRef]]] = {}
    for row in rows:
        _, contacts = rules.setdefault(row.rule_id, (row, []))
        if row.contact_id is not None:
            contacts.append(contact_ref_of(row))
    return [
        routing.Rule(
            target=rule.target,
            contacts=tuple(contacts),
            topic=rule.topic,
            phase=rule.phase,
            request_type=rule.request_type,
        )
        for rule, contacts in rules.values()
    ]


def phase_contacts_of(mission_id: int) -> dict[Phase, list[routing.ContactRef]]:
    """Each phase's active contacts, in their public order."""
    rows = db.session.connection().execute(PHASE_CONTACTS, {"mission_id": mission_id})
    by_phase: dict[Phase, list[routing.ContactRef]] = {phase: [] for phase in Phase}
    for row in rows:
        by_phase[row.phase].append(contact_ref_of(row))
    return by_phase


def loaded_routing_inputs(
    mission: Mission,
) -> tuple[list[routing.Rule], dict[Phase, list[routing.ContactRef]]]:
    """``routing_inputs`` read from the mission's relationships, for a page that loads
    them anyway (the mission page shows the contacts themselves)."""
    rules = [
        routing.Rule(
            target=rule.target,
            contacts=tuple(contact_ref(c) for c in rule.contacts),
            topic=rule.topic,
            phase=rule.phase,
            request_type=rule.request_type,
        )
        for rule in mission.routing_rules
    ]
    by_phase = {phase: [contact_ref(c) for c in mission.contacts_for(phase)] for phase in Phase}
    return rules, by_phase


def open_load(contact_ids: Iterable[int]) -> dict[int, int]:
    """How many open inquiries each contact holds now, across all missions."""
    ids = list(contact_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Inquiry.routed_contact_id, func.count())
        .where(Inquiry.routed_contact_id.in_(ids), Inquiry.status.in_(OPEN_STATUSES))
        .group_by(Inquiry.routed_contact_id)
    ).all()
    return {contact_id: count for contact_id, count in rows if contact_id is not None}


def public_contacts(mission: Mission, phase: Phase, topic: Topic) -> list[Contact]:
    """Whom the public should call for ``topic`` during ``phase``, in listed order."""
    rules, by_phase = loaded_routing_inputs(mission)
    refs = routing.public_candidates(rules, topic, phase, by_phase)
    # The mission already holds these contacts (phase lists, rules): no second query.
    loaded = {a.contact.id: a.contact for a in mission.phase_assignments}
    loaded.update((c.id, c) for rule in mission.routing_rules for c in rule.contacts)
    return [loaded[ref.id] for ref in refs]


def offices_named(names: Iterable[str | None]) -> dict[str, Office]:
    """The offices called ``names`` (a page's contacts' offices), by name, in one query."""
    wanted = {name for name in names if name}
    if not wanted:
        return {}
    found = db.session.scalars(select(Office).where(Office.name.in_(wanted)))
    return {office.name: office for office in found}


@dataclass(frozen=True)
class OfficeClosed:
    """An office outside its working hours at an instant, and when it is back (UTC)."""

    office: Office
    back_at: datetime


def closed_offices(offices: Iterable[Office | None], now: datetime) -> list[OfficeClosed]:
    """Those of ``offices`` (each once, in order) closed at ``now``; no hours, never closed."""
    closed, seen = [], set()
    for office in offices:
        if office is None or office.name in seen:
            continue
        seen.add(office.name)
        hours = office.working_hours
        back = hours.back_at(now) if hours else None
        if back is not None:
            closed.append(OfficeClosed(office, back))
    return closed


def closed_among(
    contacts: Iterable[Contact], offices: dict[str, Office], now: datetime
) -> list[OfficeClosed]:
    """The offices of ``contacts`` (found in ``offices``, by name) closed at ``now``."""
    return closed_offices((offices.get(c.office or "") for c in contacts), now)


def office_returns(now: datetime) -> dict[str, datetime]:
    """Every office closed at ``now`` → when it is back: for a page of many rows, read
    once (a press office has a handful of offices)."""
    offices = db.session.scalars(select(Office).where(Office.opens_at.is_not(None)))
    return {closed.office.name: closed.back_at for closed in closed_offices(offices, now)}
