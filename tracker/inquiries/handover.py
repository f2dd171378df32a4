"""Phase handover: when a mission's phase changes, the new phase's contacts take over
the inquiries left with the previous phase's contacts.

"Left" means nobody is handling them: open, routed to a contact who no longer serves the
mission's phase, and with no assignee, or one whose account is deactivated. Where an
inquiry is routed says whose desk it came to, not who handles it: an officer who takes a
call on themselves routes it to their own contact, whatever phase that contact serves,
and such an inquiry is theirs, not one to take away from them. An assignee of the
previous phase keeps what they are working on (continuity for the journalist); they, or
a manager, reassign it if the new phase is to have it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, and_, bindparam, or_, select, tuple_

from tracker import phases
from tracker.choices import Phase, Role, Status
from tracker.extensions import db
from tracker.inquiries import timeline
from tracker.inquiries.conditions import OPEN
from tracker.inquiries.sensitivity import ensure_may_act
from tracker.models import Contact, Inquiry, Mission, PhaseAssignment, User
from tracker.refusals import Refused

WHY = {
    Phase.BEFORE: "mission not started yet",
    Phase.DURING: "mission started",
    Phase.AFTER: "mission ended",
}

# (mission id, contact id): a contact that no longer serves the mission's phase.
Pairs = frozenset[tuple[int, int]]


def take_over(inquiry: Inquiry, actor: User, now: datetime) -> Contact:
    """Route ``inquiry`` to a contact of the current phase and assign it to ``actor``.

    The actor's own contact is used when it serves the phase; otherwise the phase's first.
    """
    # Taking over makes the actor its assignee, who sees the journalist.
    ensure_may_act(actor, inquiry, "take over")
    mission = inquiry.mission
    phase = phases.phase_at(mission, now)
    current = mission.contacts_for(phase)
    if not current:
        raise Refused(f"{inquiry.reference}: nobody is assigned to the {phase.value} phase")
    if inquiry.routed_contact in current:
        raise Refused(f"{inquiry.reference} is already with a contact of this phase")
    new_contact = actor.contact if actor.contact in current else current[0]
    old_contact = inquiry.routed_contact
    inquiry.routed_contact = new_contact
    inquiry.assignee = actor
    if inquiry.status is Status.NEW:
        inquiry.status = Status.ASSIGNED
    timeline.record(
        inquiry,
        "handed_over",
        f"Handed over from {place(old_contact)} to {place(new_contact)}: {WHY[phase]}",
        at=now,
        actor=actor,
        from_contact_id=old_contact.id if old_contact else None,
        to_contact_id=new_contact.id,
    )
    return new_contact


def take_over_waiting(
    actor: User, now: datetime, ids: Collection[int] | None
) -> tuple[int, list[str]]:
    """Take over the inquiries waiting for ``actor`` in handover (only ``ids``, if given);
    return how many were taken, and why the others were not."""
    statement = select(Inquiry).where(handover_condition()).order_by(Inquiry.id)
    if ids is not None:
        statement = statement.where(Inquiry.id.in_(ids))
    waiting = db.session.scalars(statement, pair_parameters(handover_pairs(actor, now))).all()
    taken, refused = 0, []
    for inquiry in waiting:
        try:
            take_over(inquiry, actor, now)
            taken += 1
        except Refused as error:
            refused.append(f"{inquiry.reference}: {error}")
    return taken, refused


def place(contact: Contact | None) -> str:
    """ "Geneva", "Astana": how officers name where an inquiry sits."""
    if contact is None:
        return "nobody"
    return contact.office or contact.unit or contact.name


def handover_condition() -> ColumnElement[bool]:
    """Open inquiries left with a contact of a phase that has ended."""
    return and_(OPEN, pairs_condition())


def pairs_condition() -> ColumnElement[bool]:
    """Routed to a contact of a phase that has ended (open or not): the "pairs" parameter,
    and nobody handling it.

    The contact alone is tested first: most open rows fail that test, which SQLite makes
    far faster than the pair's, and the handover count tests every open row. The
    deactivated accounts are one small list, read once per statement, not once per row;
    every column tested is in the queue index.
    """
    contacts: BindParameter[list[int]] = bindparam("pair_contacts", expanding=True)
    pairs: BindParameter[list[tuple[int, int]]] = bindparam("pairs", expanding=True)
    deactivated = select(User.id).where(User.active.is_(False))
    return and_(
        Inquiry.routed_contact_id.in_(contacts),
        tuple_(Inquiry.mission_id, Inquiry.routed_contact_id).in_(pairs),
        or_(Inquiry.assignee_id.is_(None), Inquiry.assignee_id.in_(deactivated)),
    )


def pair_parameters(pairs: Pairs) -> dict[str, Any]:
    """The values ``pairs_condition`` reads."""
    return {
        "pairs": sorted(pairs),
        "pair_contacts": sorted({contact for _, contact in pairs}),
    }


def handover_pairs(user: User, now: datetime) -> Pairs:
    """(mission, contact) pairs whose contact no longer serves the mission's phase.

    An officer linked to a contact sees the missions that contact serves now; managers
    and officers without a contact see every mission's handover. Read as plain rows
    (every page asks this of every mission, so no ORM objects are built for it).
    """
    # A draft takes no inquiries, so none waits for handover (and it has no phase lists to
    # hand over between until it is published).
    missions = db.session.execute(
        select(Mission.id, Mission.first_day, Mission.last_day, Mission.timezone).where(
            Mission.published.is_(True)
        )
    ).all()
    assigned: dict[int, list[tuple[Phase, int, bool]]] = defaultdict(list)
    for mission_id, phase, contact_id, active in db.session.execute(
        select(
            PhaseAssignment.mission_id,
            PhaseAssignment.phase,
            PhaseAssignment.contact_id,
            Contact.active,
        ).join(Contact, Contact.id == PhaseAssignment.contact_id)
    ):
        assigned[mission_id].append((phase, contact_id, active))
    pairs: set[tuple[int, int]] = set()
    for mission_id, first_day, last_day, zone in missions:
        phases.held_zone(zone)
        phase = phases.phase_at(Days(first_day, last_day, zone), now)
        rows = assigned[mission_id]
        current = {contact for at, contact, active in rows if at == phase and active}
        if not current or not serves(user, current):
            continue
        earlier = {contact for _, contact, _ in rows} - current
        pairs.update((mission_id, contact_id) for contact_id in earlier)
    return frozenset(pairs)


@dataclass
class Days:
    """What the phase rule needs of a mission, from a plain row."""

    first_day: date
    last_day: date
    timezone: str


def serves(user: User, current_contacts: set[int]) -> bool:
    """Whether ``user`` takes over from the phase's earlier contacts."""
    if user.contact_id is None or user.role.at_least(Role.MANAGER):
        return True
    return user.contact_id in current_contacts
