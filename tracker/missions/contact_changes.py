"""Public contacts: create, change, deactivate, and delete only those nothing points at."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit import apply_changes, record
from tracker.choices import OPEN_STATUSES
from tracker.extensions import db
from tracker.missions.office_changes import ensure_office
from tracker.models import Contact, Inquiry, Mission, PhaseAssignment, RoutingRule, User
from tracker.models import RoutingRuleContact as RuleLink
from tracker.refusals import Refused


@dataclass(frozen=True)
class ContactValues:
    """A contact as the public sees it; phones already normalised (E.164, ext kept)."""

    name: str
    office: str | None
    unit: str | None
    phones: list[str]
    email: str | None
    languages: list[str]
    # {"ru": {"unit": "…"}}: see tracker.missions.texts.
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Usage:
    """Everything that points at a contact, to explain what may be done with it."""

    inquiries: int = 0
    open_inquiries: int = 0
    # "kazakhstan-2015: during the mission", "kazakhstan-2015: routing rule 1"
    schedules: list[str] = field(default_factory=list)
    users: list[User] = field(default_factory=list)

    @property
    def deletable(self) -> bool:
        """Nothing points at the contact: deleting it loses nothing."""
        return not self.inquiries and not self.schedules


def usage(contact: Contact) -> Usage:
    """Count the contact's inquiries and list the phase lists, rules and accounts naming it."""
    counts = db.session.execute(
        select(func.count(), func.count().filter(Inquiry.status.in_(OPEN_STATUSES))).where(
            Inquiry.routed_contact_id == contact.id
        )
    ).one()
    found = Usage(inquiries=counts[0], open_inquiries=counts[1])
    for slug, phase in db.session.execute(
        select(Mission.slug, PhaseAssignment.phase)
        .join(PhaseAssignment.mission)
        .where(PhaseAssignment.contact_id == contact.id)
        .order_by(Mission.slug, PhaseAssignment.phase)
    ):
        found.schedules.append(f"{slug}: {phase.label.lower()}")
    for slug, position in db.session.execute(
        select(Mission.slug, RoutingRule.position)
        .join(RoutingRule.mission)
        .join(RuleLink, RuleLink.rule_id == RoutingRule.id)
        .where(RuleLink.contact_id == contact.id)
        .order_by(Mission.slug, RoutingRule.position)
    ):
        found.schedules.append(f"{slug}: routing rule {position + 1}")
    found.users = list(db.session.scalars(select(User).where(User.contact_id == contact.id)))
    return found


def create_contact(actor: User, key: str, values: ContactValues) -> Contact:
    """A new, active contact with the stable ``key`` used by mission files and the CLI."""
    ensure_office(actor, values.office)
    contact = Contact(key=key, active=True, **asdict(values))
    db.session.add(contact)
    record(actor, "created", contact, f"Created contact {values.name} ({key})",
        {"key": key, **asdict(values)},
    )  # fmt: skip
    return contact


def update_contact(actor: User, contact: Contact, values: ContactValues) -> bool:
    """Change what the public sees of a contact; False when nothing differed."""
    ensure_office(actor, values.office)
    changed = apply_changes(contact, asdict(values))
    if not changed:
        return False
    names = ", ".join(changed)
    record(actor, "updated", contact, f"Changed {names} of contact {contact.name}", changed)
    return True


def deactivate_contact(actor: User, contact: Contact) -> Usage:
    """Retire a contact: kept for the inquiries that point at it, offered nowhere new."""
    if not contact.active:
        raise Refused(f"{contact.name} is already deactivated.")
    found = usage(contact)
    if found.schedules:
        # Routing and the public pages read the phase lists and rules, not this flag, so a
        # contact still named there would go on receiving inquiries.
        raise Refused(
            f"{contact.name} still answers for {'; '.join(found.schedules)}. "
            "Take them off those lists first, so that nobody is sent to an inactive contact."
        )
    contact.active = False
    summary = f"Deactivated contact {contact.name}"
    record(actor, "deactivated", contact, summary, {"inquiries": found.inquiries})
    return found


def reactivate_contact(actor: User, contact: Contact) -> None:
    """Make a contact available again for phase lists and rules."""
    if contact.active:
        raise Refused(f"{contact.name} is already active.")
    contact.active = True
    record(actor, "reactivated", contact, f"Reactivated contact {contact.name}")


def delete_contact(actor: User, contact: Contact) -> None:
    """Delete a contact that no inquiry, phase list or rule points at."""
    found = usage(contact)
    if found.inquiries:
        raise Refused(why_not_deletable(contact, found))
    if found.schedules:
        raise Refused(
            f"{contact.name} still answers for {'; '.join(found.schedules)}: "
            "take them off those lists first."
        )
    # An account's link to its public contact is a convenience: it goes with the contact.
    for user in found.users:
        user.contact = None
    details = {
        "key": contact.key,
        "name": contact.name,
        "unlinked_users": [u.id for u in found.users],
    }
    record(
        actor,
        "deleted",
        contact,
        f"Deleted contact {contact.name} ({contact.key})",
        details,
    )
    # A plain DELETE, to see whether it found the row: when another admin deleted it
    # meanwhile, the ORM's delete would only warn and keep this second record of it.
    gone = db.session.execute(
        delete(Contact).where(Contact.id == contact.id).execution_options(synchronize_session=False)
    )
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDataError(f"contact {contact.id} was deleted meanwhile")
    db.session.expunge(contact)


def why_not_deletable(contact: Contact, found: Usage) -> str:
    """The sentence the page shows next to a contact that can only be deactivated."""
    count = found.inquiries
    if count == 1:
        routed = "1 inquiry was routed to it and keeps"
    else:
        routed = f"{count} inquiries were routed to it and keep"
    return (
        f"{contact.name} cannot be deleted: {routed} pointing at it, for its history and "
        "the statistics. Deactivate it instead."
    )
