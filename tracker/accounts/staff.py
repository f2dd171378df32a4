"""Accounts of the press office: find, create, change role and contact, deactivate.

The admin pages and the ``users`` commands both come through here, so both are audited
and refused alike. ``actor`` is the admin acting, or None for the command line (the
system, run by whoever operates the server): the rules that protect an admin from
themself apply to a person only, the others to both.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from tracker.accounts import passwords
from tracker.audit import apply_changes, record
from tracker.choices import OPEN_STATUSES, Role
from tracker.extensions import db
from tracker.models import Contact, Inquiry, User
from tracker.refusals import Refused


def find_user(email: str) -> User | None:
    """The account with this address, ignoring case and surrounding spaces."""
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return db.session.scalars(query.order_by(User.id)).first()


@dataclass(frozen=True)
class AccountValues:
    """What an admin may change of an account (not its email: it is the login)."""

    name: str
    role: Role
    contact: Contact | None
    timezone: str


def create_user(actor: User | None, email: str, password: str, values: AccountValues) -> User:
    """A new active account; ``password`` must already have passed the password rule."""
    user = User(
        email=email,
        name=values.name,
        role=values.role,
        contact=values.contact,
        timezone=values.timezone,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    summary = f"Created account {email} ({values.role.label})"
    record(actor, "created", user, summary, {"email": email, **account_details(values)})
    return user


def update_user(actor: User | None, user: User, values: AccountValues) -> list[str]:
    """Change name, role, linked contact or zone; return what changed, in words."""
    if is_self(actor, user) and values.role != user.role:
        # The last admin could otherwise lock everyone out; another admin can do it.
        raise Refused("You cannot change your own role: ask another admin.", "role")
    old_contact = user.contact
    changed = apply_changes(
        user, {"name": values.name, "role": values.role, "timezone": values.timezone}
    )
    if values.contact is not old_contact:
        user.contact = values.contact
        changed["contact"] = [contact_name(old_contact), contact_name(values.contact)]
    if not changed:
        return []
    words = [describe_change(name, old, new) for name, (old, new) in changed.items()]
    record(actor, "updated", user, f"{user.email}: {'; '.join(words)}", changed)
    return words


def describe_change(name: str, old: object, new: object) -> str:
    """ "role from Press officer to Manager"."""

    def shown(value: object) -> str:
        return value.label if isinstance(value, Role) else str(value or "none")

    return f"{name} from {shown(old)} to {shown(new)}"


def deactivate_user(actor: User | None, user: User) -> int:
    """Stop an account's logins and end its sessions; return its open assigned inquiries."""
    if is_self(actor, user):
        raise Refused("You cannot deactivate your own account: ask another admin.")
    if not user.active:
        raise Refused(f"{user.email} is already deactivated.")
    user.active = False
    # A new session nonce also voids the remember-me cookies already handed out.
    user.end_all_sessions()
    still_open = open_assigned(user)
    summary = f"Deactivated account {user.email}; its sessions ended"
    record(actor, "deactivated", user, summary, {"open_assigned": still_open})
    return still_open


def reactivate_user(actor: User | None, user: User) -> None:
    """Let a deactivated account log in again (with its old password)."""
    if user.active:
        raise Refused(f"{user.email} is already active.")
    user.active = True
    record(actor, "reactivated", user, f"Reactivated account {user.email}")


def is_self(actor: User | None, user: User) -> bool:
    """Whether a person is acting on their own account."""
    return actor is not None and actor.id == user.id


def open_assigned(user: User) -> int:
    """How many open inquiries are assigned to ``user``."""
    query = select(func.count()).where(
        Inquiry.assignee_id == user.id, Inquiry.status.in_(OPEN_STATUSES)
    )
    return db.session.scalar(query) or 0


def account_details(values: AccountValues) -> dict[str, object]:
    """The account's settings as data, for the audit trail."""
    return {
        "name": values.name,
        "role": values.role,
        "contact": contact_name(values.contact),
        "timezone": values.timezone,
    }


def contact_name(contact: Contact | None) -> str | None:
    """The contact's name and key, or None."""
    return f"{contact.name} ({contact.key})" if contact else None
