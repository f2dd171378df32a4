"""Phase handover: when a mission's phase changes, the new phase's contacts take over
the inquiries still open with the previous phase's contacts."""

from __future__ import annotations

from datetime import datetime

from tracker import phases
from tracker.choices import Phase, Status
from tracker.inquiries import timeline
from tracker.models import Contact, Inquiry, User

WHY = {
    Phase.BEFORE: "mission not started yet",
    Phase.DURING: "mission started",
    Phase.AFTER: "mission ended",
}


class HandoverError(ValueError):
    """The inquiry cannot be handed over (no contact serves the mission's phase now)."""


def take_over(inquiry: Inquiry, actor: User, now: datetime) -> Contact:
    """Route ``inquiry`` to a contact of the current phase and assign it to ``actor``.

    The actor's own contact is used when it serves the phase; otherwise the phase's first.
    """
    mission = inquiry.mission
    phase = phases.phase_at(mission, now)
    current = mission.contacts_for(phase)
    if not current:
        raise HandoverError(f"{inquiry.reference}: nobody is assigned to the {phase.value} phase")
    if inquiry.routed_contact in current:
        raise HandoverError(f"{inquiry.reference} is already with a contact of this phase")
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


def place(contact: Contact | None) -> str:
    """ "Geneva", "Astana": how officers name where an inquiry sits."""
    if contact is None:
        return "nobody"
    return contact.office or contact.unit or contact.name
