"""Reading missions for the public pages, the API and routing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from tracker import phases, routing
from tracker.choices import OPEN_STATUSES, Phase, Topic
from tracker.extensions import db
from tracker.models import Contact, Inquiry, Mission


def find_mission(slug: str) -> Mission | None:
    return db.session.scalar(select(Mission).where(Mission.slug == slug))


@dataclass(frozen=True)
class MissionGroups:
    """Missions for the home page: what journalists need first comes first."""

    current: list[Mission]
    upcoming: list[Mission]
    past: list[Mission]


def missions_by_timing(now: datetime) -> MissionGroups:
    missions = db.session.scalars(select(Mission).order_by(Mission.first_day)).all()
    grouped: dict[Phase, list[Mission]] = {phase: [] for phase in Phase}
    for mission in missions:
        grouped[phases.phase_at(mission, now)].append(mission)
    past = sorted(grouped[Phase.AFTER], key=lambda m: m.last_day, reverse=True)
    return MissionGroups(grouped[Phase.DURING], grouped[Phase.BEFORE], past)


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
    return routing.ContactRef(contact.id, contact.name, contact.office, contact.unit)


def routing_inputs(
    mission: Mission,
) -> tuple[list[routing.Rule], dict[Phase, list[routing.ContactRef]]]:
    """The mission's rules and phase contacts as the pure router takes them."""
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
    rules, by_phase = routing_inputs(mission)
    refs = routing.public_candidates(rules, topic, phase, by_phase)
    # The mission already holds these contacts (phase lists, rules): no second query.
    loaded = {a.contact.id: a.contact for a in mission.phase_assignments}
    loaded.update((c.id, c) for rule in mission.routing_rules for c in rule.contacts)
    return [loaded[ref.id] for ref in refs]
