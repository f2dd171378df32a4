"""Accounts of the press office and the login throttle."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.choices import Role
from tracker.extensions import Base
from tracker.models.missions import Contact
from tracker.models.types import UTCDateTime, enum_type, utcnow


def new_session_nonce() -> str:
    return secrets.token_hex(16)


# The zone a new account shows times in until its owner or an admin changes it: the
# Geneva office's.
HOME_TIMEZONE = "Europe/Zurich"


class User(Base):
    """A person of the press office; inquiries are assigned to users."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[Role] = mapped_column(enum_type(Role), default=Role.PRESS_OFFICER)
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    # Part of the login session's id: changing it (deactivation, new password) ends every
    # session and remember-me cookie of this user.
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_session_nonce)
    # The zone this person reads times in (timeline, queue, follow-ups).
    timezone: Mapped[str] = mapped_column(sa.String(64), default=HOME_TIMEZONE)
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    contact: Mapped[Contact | None] = relationship()

    # The four members Flask-Login asks of a user, written out to keep models Flask-free.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Session id: a new nonce invalidates every session and remember-me cookie."""
        return f"{self.id}:{self.session_nonce}"

    def end_all_sessions(self) -> None:
        self.session_nonce = new_session_nonce()

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class LoginThrottle(Base):
    """Failed logins, to slow down password guessing (tracker/accounts/login_throttle.py).

    One row per (email address, client address) pair, and one per email address for the
    ceiling over all clients, each keyed by a hash. Keyed by the address typed, whether or
    not an account has it, so the delay itself does not reveal which addresses exist.
    """

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    # The first of the failures counted now (the ceiling counts an hour at a time).
    counting_since: Mapped[datetime] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A bearer token for /api/v1, shown once and stored only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    # SHA-256 of the token: a leaked table yields no working token.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The token's first characters, so a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(12))
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
