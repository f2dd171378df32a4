"""Slows down password guessing without letting a stranger lock an officer out.

Failed logins are counted per (address typed, client address) pair: after
``PAIR_FREE_FAILURES`` each further failure blocks that pair for a while, doubling. Someone
guessing at an officer's address thus slows themself down, not the officer, who logs in
from another client address. Over all clients together, an address has a ceiling,
``ADDRESS_FREE_FAILURES`` per hour, that one client can never reach at its own pace (13
failures in its first hour, 4 an hour after that): only many clients guessing together
meet it, and then the address is blocked for everyone, with the same doubling.

Rows are keyed by hashes of the address as typed (lower-cased), whether or not an account
has it, so that the delays themselves do not tell which addresses exist. No Flask: the
caller passes the address, the client's address and the instant, and owns the
transaction; the rows are read and written through ``db.session``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.extensions import db
from tracker.models import LoginThrottle

# A person mistyping gets this many tries, from one client, before any wait.
PAIR_FREE_FAILURES = 5
# The ceiling over all clients: ten clients' worth of free tries in an hour.
ADDRESS_FREE_FAILURES = 10 * PAIR_FREE_FAILURES
ADDRESS_WINDOW = timedelta(hours=1)
FIRST_BLOCK = timedelta(seconds=30)
LONGEST_BLOCK = timedelta(minutes=15)
# A pair's failures are forgiven after a day without one, so last month's typos do not
# count today.
FORGET_AFTER = timedelta(days=1)


def normalised(email: str) -> str:
    return email.strip().lower()


def address_key(email: str) -> str:
    """The ceiling's row for an address: sha256 of it, trimmed and lower-cased."""
    return hashlib.sha256(normalised(email).encode()).hexdigest()


def pair_key(email: str, client: str | None) -> str:
    """The row of one client's attempts at an address (NUL never occurs in either)."""
    raw = f"pair\0{normalised(email)}\0{client or ''}"
    return hashlib.sha256(raw.encode()).hexdigest()


def block_for(failures: int, free: int = PAIR_FREE_FAILURES) -> timedelta | None:
    """How long the failure number ``failures`` blocks: none within ``free``, then doubling."""
    extra = failures - free
    if extra <= 0:
        return None
    # min() on the exponent first keeps 2**n small whatever the count grows to.
    return min(FIRST_BLOCK * 2 ** min(extra - 1, 16), LONGEST_BLOCK)


def blocked_until(email: str, client: str | None, now: datetime) -> datetime | None:
    """The end of the block on this client's attempts at the address, or None."""
    keys = [pair_key(email, client), address_key(email)]
    rows = db.session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys)))
    ends = [row.blocked_until for row in rows if row.blocked_until and row.blocked_until > now]
    return max(ends, default=None)


def record_failure(email: str, client: str | None, now: datetime) -> datetime | None:
    """Count a failed login; return the end of the block it earns, if any."""
    pair = locked_row(pair_key(email, client), now)
    if now - pair.last_failed_at > FORGET_AFTER:
        restart(pair, now)
    count(pair, now, PAIR_FREE_FAILURES)
    address = locked_row(address_key(email), now)
    if now - address.counting_since >= ADDRESS_WINDOW:
        restart(address, now)
    count(address, now, ADDRESS_FREE_FAILURES)
    ends = [row.blocked_until for row in (pair, address) if row.blocked_until]
    return max(ends, default=None)


def restart(row: LoginThrottle, now: datetime) -> None:
    row.failures = 0
    row.counting_since = now


def count(row: LoginThrottle, now: datetime, free: int) -> None:
    row.failures += 1
    row.last_failed_at = now
    delay = block_for(row.failures, free)
    row.blocked_until = now + delay if delay else None


def clear(email: str, client: str | None) -> None:
    """Forget this client's failures at the address (after it logged in).

    The address's ceiling keeps counting: one success says nothing of the others trying.
    """
    key = pair_key(email, client)
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def locked_row(key: str, now: datetime) -> LoginThrottle:
    """The row, created if missing and locked against concurrent failures.

    Insert-or-nothing, then SELECT ... FOR UPDATE: two workers failing the same address
    at once neither collide on the primary key nor lose one of the counts.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(
        insert(LoginThrottle)
        .values(key=key, failures=0, counting_since=now, last_failed_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    query = select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()
