"""Who in the press office is told about an inquiry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, bindparam, select

from tracker.choices import Role
from tracker.extensions import db
from tracker.models import FollowUp, Inquiry, User

# Who is told, as conditions on the accounts: read whole (reminders, the digest) or as the
# few columns of an Addressee (the new-inquiry notice). Statements built once: asked on
# every inquiry received, and making a statement anew cost as much as running it.
LINKED = (User.contact_id == bindparam("contact_id"), User.active.is_(True))
MANAGERS = (User.role == Role.MANAGER, User.active.is_(True))
LINKED_OFFICERS = select(User).where(*LINKED).order_by(User.id)
ACTIVE_MANAGERS = select(User).where(*MANAGERS).order_by(User.id)


def linked_officers(contact_id: int | None) -> list[User]:
    """The active accounts that answer as this public contact."""
    if contact_id is None:
        return []
    return list(db.session.scalars(LINKED_OFFICERS, {"contact_id": contact_id}))


def managers() -> list[User]:
    """The active managers: they hear of what nobody else would."""
    return list(db.session.scalars(ACTIVE_MANAGERS))


def for_new_inquiry(inquiry: Inquiry) -> list[User]:
    """The routed contact's officers or, when the contact has no account, the managers."""
    return linked_officers(inquiry.routed_contact_id) or managers()


@dataclass(frozen=True)
class Addressee:
    """An account as a notice addresses it: name, address, time zone, contact answered as."""

    name: str
    email: str
    timezone: str
    contact_id: int | None


# The new-inquiry notice needs four columns of each account, on every inquiry received:
# read as plain rows, since loading User objects cost the form POST more than the query.
ADDRESSEE_COLUMNS = (User.name, User.email, User.timezone, User.contact_id)
LINKED_ADDRESSEES = select(*ADDRESSEE_COLUMNS).where(*LINKED).order_by(User.id)
MANAGER_ADDRESSEES = select(*ADDRESSEE_COLUMNS).where(*MANAGERS).order_by(User.id)


def addressees_for_new_inquiry(contact_id: int | None) -> list[Addressee]:
    """``for_new_inquiry``'s accounts, as plain values, for an inquiry routed to
    ``contact_id``: its officers or, when the contact has no account, the managers.

    Plain statements do not flush: the caller writes what it holds first (the intake does).
    """
    linked = (
        read_addressees(LINKED_ADDRESSEES, contact_id=contact_id) if contact_id is not None else []
    )
    return linked or read_addressees(MANAGER_ADDRESSEES)


def read_addressees(statement: Select[*tuple[Any, ...]], **params: Any) -> list[Addressee]:
    rows = db.session.connection().execute(statement, params)
    return [Addressee(row.name, row.email, row.timezone, row.contact_id) for row in rows]


def for_inquiry(inquiry: Inquiry) -> list[User]:
    """Whoever handles the inquiry now: its assignee, else as for a new inquiry."""
    assignee = inquiry.assignee
    if assignee is not None and assignee.active:
        return [assignee]
    return for_new_inquiry(inquiry)


def for_follow_up(follow_up: FollowUp) -> list[User]:
    """The inquiry's assignee, else whoever planned the follow-up, else as for the inquiry."""
    inquiry = follow_up.inquiry
    if inquiry.assignee is not None and inquiry.assignee.active:
        return [inquiry.assignee]
    if follow_up.created_by is not None and follow_up.created_by.active:
        return [follow_up.created_by]
    return for_new_inquiry(inquiry)
