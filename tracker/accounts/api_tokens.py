"""API tokens: made from ``secrets``, shown once, stored only as a SHA-256 hash.

Plain functions over the session, shared by the ``users`` commands and the request
loader. The caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select

from tracker.extensions import db
from tracker.models import ApiToken, User

# A recognisable lead-in lets secret scanners (and people) tell a leaked token for what it is.
# Public, printed on every token: not a password, whatever bandit's name check thinks.
TOKEN_LEAD = "trk_"  # nosec B105
# The lead-in and 8 random characters: enough to tell a person's tokens apart, and far too
# little of the secret to help anyone guess the rest.
PREFIX_LENGTH = len(TOKEN_LEAD) + 8
LABEL_MAX = 100
# Recording every use would turn each API read into a write (on SQLite, a wait for the one
# writer); a minute is precise enough to see which tokens are still in use.
USE_RECORD_INTERVAL = timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be made or revoked; the message says why, in one line."""


def hash_token(token: str) -> str:
    """What the database keeps; lookups go by it, so no comparison runs over the secret."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(user: User, now: datetime, label: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the stored record, and the token in clear (never kept)."""
    if not user.active:
        raise TokenError(f"{user.email} is deactivated: a deactivated account gets no token")
    label = label.strip()
    if len(label) > LABEL_MAX:
        raise TokenError(f"the label must be at most {LABEL_MAX} characters")
    token = TOKEN_LEAD + secrets.token_urlsafe(32)
    record = ApiToken(
        user=user,
        token_hash=hash_token(token),
        prefix=token[:PREFIX_LENGTH],
        label=label,
        created_at=now,
    )
    db.session.add(record)
    return record, token


def verify(token: str) -> ApiToken | None:
    """The live token record for ``token``: known, not revoked, its user still active."""
    record = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    return record


def record_use(record: ApiToken, now: datetime) -> bool:
    """Note that the token was used at ``now``; False when a recent note already says so."""
    last = record.last_used_at
    if last is not None and now - last < USE_RECORD_INTERVAL:
        return False
    record.last_used_at = now
    return True


def tokens_of(user: User) -> list[ApiToken]:
    """Every token of ``user``, oldest first, revoked ones included."""
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    return list(db.session.scalars(query.order_by(ApiToken.created_at, ApiToken.id)))


def find(prefix_or_token: str) -> ApiToken:
    """The one token with this prefix (or this whole token), or a refusal."""
    text = prefix_or_token.strip()
    whole = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(text)))
    if whole is not None:
        return whole
    matches = db.session.scalars(select(ApiToken).where(ApiToken.prefix == text)).all()
    if not matches:
        raise TokenError(f"no token with prefix {text!r}: see users tokens EMAIL")
    if len(matches) > 1:
        raise TokenError(f"{len(matches)} tokens share the prefix {text!r}: give the whole token")
    return matches[0]


def revoke(prefix_or_token: str, now: datetime) -> ApiToken:
    """Revoke a token from now on; revoking twice is refused, so a typo is noticed."""
    record = find(prefix_or_token)
    if record.revoked_at is not None:
        when = record.revoked_at.isoformat(timespec="minutes")
        raise TokenError(f"token {record.prefix} was already revoked at {when}")
    record.revoked_at = now
    return record
