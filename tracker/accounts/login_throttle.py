"""Slows down password guessing: repeated failed logins block the typed address for a while.

Keyed by a hash of the address as typed (lower-cased), whether or not an account has it,
so that the delays themselves do not tell which addresses exist. No Flask: the caller
passes the session and the instant, and owns the transaction.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.extensions import db
from tracker.models import LoginThrottle

# A person mistyping gets this many tries before any wait.
FREE_FAILURES = 5
FIRST_BLOCK = timedelta(seconds=30)
LONGEST_BLOCK = timedelta(minutes=15)
# Failures older than this are forgiven, so last month's typos do not count today.
FORGET_AFTER = timedelta(days=1)


def throttle_key(email: str) -> str:
    """The row key for an address: sha256 of it, trimmed and lower-cased."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def block_for(failures: int) -> timedelta | None:
    """How long the failure number ``failures`` blocks the address: doubling, capped."""
    extra = failures - FREE_FAILURES
    if extra <= 0:
        return None
    # min() on the exponent first keeps 2**n small whatever the count grows to.
    return min(FIRST_BLOCK * 2 ** min(extra - 1, 16), LONGEST_BLOCK)


def blocked_until(email: str, now: datetime) -> datetime | None:
    """The end of the address's current block, or None when it may try now."""
    row = db.session.get(LoginThrottle, throttle_key(email))
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return None
    return row.blocked_until


def record_failure(email: str, now: datetime) -> datetime | None:
    """Count a failed login for the address; return the end of the block it earns, if any."""
    row = locked_row(throttle_key(email), now)
    if now - row.last_failed_at > FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failed_at = now
    delay = block_for(row.failures)
    row.blocked_until = now + delay if delay else None
    return row.blocked_until


def clear(email: str) -> None:
    """Forget the address's failures (after a successful login)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == throttle_key(email)))


def locked_row(key: str, now: datetime) -> LoginThrottle:
    """The address's row, created if missing and locked against concurrent failures.

    Insert-or-nothing, then SELECT ... FOR UPDATE: two workers failing the same address
    at once neither collide on the primary key nor lose one of the counts.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=0, last_failed_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()
