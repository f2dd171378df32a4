"""The demo office's accounts: one per seed contact, a manager and an admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker.choices import Role
from tracker.extensions import db
from tracker.models import Contact, Inquiry, User

# (contact key, login, role, the zone the person reads times in)
PEOPLE = [
    ("thibaut-guillet", "thibaut@demo.test", Role.PRESS_OFFICER, "Europe/Zurich"),
    ("karen-blanc", "karen@demo.test", Role.PRESS_OFFICER, "Europe/Zurich"),
    ("leila-duisekova", "leila@demo.test", Role.PRESS_OFFICER, "Asia/Almaty"),
    ("xabier-celaya", "xabier@demo.test", Role.PRESS_OFFICER, "Europe/Zurich"),
    (None, "manager@demo.test", Role.MANAGER, "Europe/Zurich"),
    (None, "admin@demo.test", Role.ADMIN, "Europe/Zurich"),
]


def contact(key: str) -> Contact:
    """A seed contact (the seed is loaded before the demo runs)."""
    return db.session.scalars(select(Contact).where(Contact.key == key)).one()


def ensure_people(password: Callable[[], str]) -> list[str]:
    """Create the demo accounts that do not exist yet; return their addresses.

    ``password`` is asked only when an account is to be made, once for all of them.
    """
    missing = [
        person
        for person in PEOPLE
        if db.session.scalar(select(User.id).where(User.email == person[1])) is None
    ]
    if not missing:
        return []
    hashed = generate_password_hash(password())
    for contact_key, email, role, zone in missing:
        linked = contact(contact_key) if contact_key else None
        name = linked.name if linked else email.split("@")[0].capitalize()
        db.session.add(
            User(
                email=email,
                name=name,
                role=role,
                timezone=zone,
                contact=linked,
                password_hash=hashed,
            )
        )
    db.session.flush()
    return [email for _, email, _, _ in missing]


@dataclass(frozen=True)
class Team:
    """The demo's officers, by the contact they answer as."""

    by_contact: dict[int, User]
    fallback: User

    @classmethod
    def load(cls) -> Team:
        officers = db.session.scalars(
            select(User).where(User.contact_id.is_not(None), User.email.like("%@demo.test"))
        ).all()
        by_contact = {user.contact_id: user for user in officers if user.contact_id}
        return cls(by_contact, officers[0])

    def officer_for(self, inquiry: Inquiry) -> User:
        """Whoever answers as the contact the inquiry went to."""
        return self.by_contact.get(inquiry.routed_contact_id or 0, self.fallback)

    def answering(self, key: str) -> User:
        """The officer who answers as the contact ``key``."""
        return self.by_contact[contact(key).id]
