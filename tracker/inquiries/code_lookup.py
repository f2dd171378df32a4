"""Finding an inquiry by its short code, with a lock-out against guessing.

A code is a reference (easy to guess) and six characters (7×10**8 possibilities), so
what makes codes safe is how few guesses one client gets: after ``FREE_FAILURES`` wrong
codes from one address within a day, every look-up from it is refused for ``BLOCK``, and
each further wrong code after that blocks it again. A right code does not clear the
count: otherwise one's own code, typed between guesses, would reset it. While blocked,
even a right code is refused, so a blocked client learns nothing. That is at most about
10 + 24 guesses a day per address: a botnet of a thousand addresses would need thousands
of years, on average, to find one code. The route's rate limit (RATELIMIT_STATUS_CODE)
comes on top, against floods. No Flask: the caller passes the key of the client's
address and the instant, and owns the transaction.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.extensions import db
from tracker.inquiries import short_codes
from tracker.models import CodeLookupThrottle, Inquiry

# A journalist mistyping their code gets this many tries a day.
FREE_FAILURES = 10
BLOCK = timedelta(hours=1)
# Failures older than this are forgotten, and their rows deleted.
FORGET_AFTER = timedelta(days=1)
CONTEXT = b"tracker code lookup client v1"


class Blocked(Exception):
    """Too many wrong codes from this address: no look-up until ``until``."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"blocked until {until.isoformat()}")


def client_key(address: str, secret_key: str | bytes) -> str:
    """The row key of a client address: an HMAC, so the table keeps no address."""
    raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = hmac.new(raw, CONTEXT, hashlib.sha256).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()


def find(typed: str, client: str, now: datetime) -> Inquiry | None:
    """The inquiry whose code is ``typed``, or None (a failure counted against ``client``).

    Raises Blocked while ``client`` is locked out, whatever it typed.
    """
    until = blocked_until(client, now)
    if until is not None:
        raise Blocked(until)
    found = None
    if short_codes.plausible(typed):
        found = db.session.scalar(
            select(Inquiry)
            .where(Inquiry.short_code_hash == short_codes.code_hash(typed))
            .order_by(Inquiry.id)
            .limit(1)
        )
    if found is None:
        record_failure(client, now)
    return found


def blocked_until(client: str, now: datetime) -> datetime | None:
    """The end of the client's block, or None when it may look up now."""
    row = db.session.get(CodeLookupThrottle, client)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def record_failure(client: str, now: datetime) -> datetime | None:
    """Count a wrong code; return the end of the block it earns, if any."""
    forget_old(now)
    row = locked_row(client, now)
    if now - row.last_failed_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failed_at = now
    row.blocked_until = now + BLOCK if row.failures >= FREE_FAILURES else None
    return row.blocked_until


def forget_old(now: datetime) -> None:
    """Delete the counts nobody added to for a day: the table stays a day's worth."""
    db.session.execute(
        delete(CodeLookupThrottle).where(CodeLookupThrottle.last_failed_at < now - FORGET_AFTER)
    )


def locked_row(key: str, now: datetime) -> CodeLookupThrottle:
    """The client's row, created if missing and locked against concurrent failures.

    Insert-or-nothing, then SELECT ... FOR UPDATE (as tracker.accounts.login_throttle):
    two workers counting the same address at once neither collide nor lose a count.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(CodeLookupThrottle)
        .values(key=key, failures=0, last_failed_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(CodeLookupThrottle).where(CodeLookupThrottle.key == key).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()
