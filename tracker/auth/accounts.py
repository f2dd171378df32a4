"""Looking up accounts, shared by the login view and the users commands."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import User


def find_user(email: str) -> User | None:
    """The account with this address, ignoring case and surrounding spaces."""
    query = select(User).where(func.lower(User.email) == email.strip().lower())
    return db.session.scalars(query.order_by(User.id)).first()
