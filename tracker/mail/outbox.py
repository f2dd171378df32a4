"""The outbox: mail written in the caller's transaction, delivered later by the sender.

Writing (``enqueue``, ``enqueue_once``, ``withdraw``) happens inside whatever change
causes the mail and never commits: the caller's commit makes the change and its mail
exist together, or neither.

Delivery (``claim_next``, ``mark_sent``, ``mark_retry``) is for the sender alone. Each
of these is one statement in its own transaction, committed at once, so that the claim
(status ``sending``, one more attempt, its time) is on disk *before* any SMTP traffic:

- a sender that dies after the claim leaves the row in ``sending``; once the lease runs
  out another sender takes it again and notes that the earlier attempt was interrupted;
- the one remaining window is between the SMTP server accepting the mail and the commit
  of ``sent``: a crash there sends the mail a second time, with the trace above and the
  same Message-ID on both copies. Delivery is at least once, never silently twice.

A row's ``sealed_secret`` (see ``tracker.mail.sealing``) is dropped when it is sent.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, case, func, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.sql import Executable

from tracker.extensions import db
from tracker.mail.messages import Rendered
from tracker.models import Inquiry, OutboxMessage, OutboxStatus

# Waits after the 1st, 2nd, … failed attempt; the first retry comes within 30 seconds.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
    timedelta(hours=24),
)
# After this many attempts (about two days of trying) the mail is marked failed.
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# How long a claim holds a row. Far longer than one SMTP exchange (see smtp.TIMEOUT), so
# only a sender that died loses its rows to another.
LEASE = timedelta(minutes=10)
INTERRUPTED = (
    "the previous attempt was interrupted before it was marked sent; "
    "this mail may already have been delivered once"
)
WAITING = (OutboxStatus.PENDING, OutboxStatus.SENDING)


@dataclass(frozen=True)
class Claimed:
    """A mail taken for sending: a plain copy, so no transaction stays open over SMTP."""

    id: int
    to_address: str
    subject: str
    body_text: str
    body_html: str
    attempts: int
    created_at: datetime
    sealed_secret: str | None


# The columns a claim returns, in the order of Claimed's fields.
CLAIMED_COLUMNS = (
    OutboxMessage.id,
    OutboxMessage.to_address,
    OutboxMessage.subject,
    OutboxMessage.body_text,
    OutboxMessage.body_html,
    OutboxMessage.attempts,
    OutboxMessage.created_at,
    OutboxMessage.sealed_secret,
)


# --- Writing, in the caller's transaction ---------------------------------------------


def enqueue(
    *,
    kind: str,
    to: str,
    message: Rendered,
    now: datetime,
    inquiry: Inquiry | None = None,
    sealed_secret: str | None = None,
) -> OutboxMessage:
    """Queue a mail; it goes out once the caller commits."""
    row = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=message.subject,
        body_text=message.text,
        body_html=message.html,
        inquiry=inquiry,
        sealed_secret=sealed_secret,
        status=OutboxStatus.PENDING,
        created_at=now,
        next_attempt_at=now,
        attempts=0,
    )
    db.session.add(row)
    return row


INSERT_MAILS = insert(cast(Table, OutboxMessage.__table__))


@dataclass(frozen=True)
class Mail:
    """A mail for ``enqueue_all``: its kind, address, message and any sealed secret."""

    kind: str
    to: str
    message: Rendered
    sealed_secret: str | None = None


def enqueue_all(mails: Sequence[Mail], *, now: datetime, inquiry_id: int | None) -> None:
    """Queue several mails in one INSERT, as ``enqueue`` would one by one.

    No ORM object per mail: the inquiry form queues its mails with this, in the same
    transaction as the rows it writes the same way (see tracker.inquiries.intake).
    """
    if not mails:
        return
    rows = [
        {
            "kind": mail.kind,
            "to_address": mail.to,
            "subject": mail.message.subject,
            "body_text": mail.message.text,
            "body_html": mail.message.html,
            "inquiry_id": inquiry_id,
            "sealed_secret": mail.sealed_secret,
            "status": OutboxStatus.PENDING,
            "created_at": now,
            "next_attempt_at": now,
            "attempts": 0,
        }
        for mail in mails
    ]
    db.session.connection().execute(INSERT_MAILS, rows)


def enqueue_once(
    *,
    key: str,
    kind: str,
    to: str,
    message: Rendered,
    now: datetime,
    inquiry_id: int | None = None,
) -> bool:
    """Queue a mail unless one with ``key`` exists; True when it was queued.

    INSERT … ON CONFLICT DO NOTHING on the unique dedupe_key, so two commands running at
    once cannot both queue it either.
    """
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(OutboxMessage)
        .values(
            kind=kind,
            dedupe_key=key,
            to_address=to,
            subject=message.subject,
            body_text=message.text,
            body_html=message.html,
            inquiry_id=inquiry_id,
            status=OutboxStatus.PENDING,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.dedupe_key])
        .returning(OutboxMessage.id)
    )
    return db.session.execute(statement).scalar_one_or_none() is not None


def existing_keys(keys: Collection[str]) -> set[str]:
    """Which of these dedupe keys are already in the outbox."""
    if not keys:
        return set()
    statement = select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
    return {key for key in db.session.scalars(statement) if key}


def withdraw(*, inquiry_id: int, kinds: Collection[str], reason: str, now: datetime) -> int:
    """Stop queued mail that is no longer true (a reminder after a response); how many.

    Only mail still waiting is withdrawn: a row being sent belongs to its sender.
    """
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.inquiry_id == inquiry_id,
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(status=OutboxStatus.CANCELLED, last_error=f"{reason} ({now:%Y-%m-%d %H:%M} UTC)")
        .execution_options(synchronize_session=False)
    )
    return rowcount(db.session.execute(statement))


# --- Delivery, one committed statement at a time --------------------------------------


def claim_next(now: datetime) -> Claimed | None:
    """Take the next mail that is due (or whose sender died) and commit the attempt.

    One UPDATE whose subquery picks the row: PostgreSQL skips rows that another sender
    has locked (SKIP LOCKED), SQLite runs the whole statement under its write lock; so no
    two senders ever claim the same attempt.
    """
    due = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.status.in_(WAITING),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    interrupted = OutboxMessage.status == OutboxStatus.SENDING
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id == due)
        .values(
            status=OutboxStatus.SENDING,
            attempts=OutboxMessage.attempts + 1,
            last_attempt_at=now,
            next_attempt_at=now + LEASE,
            last_error=case((interrupted, literal(INTERRUPTED)), else_=OutboxMessage.last_error),
        )
        .returning(*CLAIMED_COLUMNS)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(statement).one_or_none()
    db.session.commit()
    return None if row is None else Claimed(**row._asdict())


def fail_abandoned(now: datetime) -> int:
    """Give up on mail whose last allowed attempt was interrupted (its sender died).

    Without this, a mail that kills its sender every time would stay in sending for ever.
    """
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts >= MAX_ATTEMPTS,
        )
        .values(status=OutboxStatus.FAILED, last_error=INTERRUPTED)
        .execution_options(synchronize_session=False)
    )
    count = rowcount(db.session.execute(statement))
    db.session.commit()
    return count


def mark_sent(claimed: Claimed, now: datetime) -> bool:
    """Record the delivery and drop the sealed secret.

    False when the row is no longer this sender's (its lease ran out and another sender
    took it): that one will record its own outcome.
    """
    statement = (
        update(OutboxMessage)
        .where(*holds(claimed))
        .values(
            status=OutboxStatus.SENT,
            sent_at=now,
            # Delivered: the status token has no more reason to be here, even sealed.
            sealed_secret=None,
        )
        .execution_options(synchronize_session=False)
    )
    return _commit_one(statement)


def mark_retry(
    claimed: Claimed, now: datetime, *, error: str, permanent: bool = False
) -> OutboxStatus:
    """Record a failed attempt: due again after the backoff, or failed for good."""
    delay = retry_delay(claimed.attempts)
    gave_up = permanent or delay is None
    status = OutboxStatus.FAILED if gave_up else OutboxStatus.PENDING
    statement = (
        update(OutboxMessage)
        .where(*holds(claimed))
        .values(
            status=status,
            last_error=error[:2000],
            next_attempt_at=now if gave_up or delay is None else now + delay,
        )
        .execution_options(synchronize_session=False)
    )
    _commit_one(statement)
    return status


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after ``attempts`` failed attempts; None once it is time to give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[max(attempts, 1) - 1]


def holds(claimed: Claimed) -> tuple[ColumnElement[bool], ...]:
    """The row is still this sender's: nobody has claimed it again since."""
    return (
        OutboxMessage.id == claimed.id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.attempts == claimed.attempts,
    )


def _commit_one(statement: Executable) -> bool:
    """Run one UPDATE of one row and commit it; whether the row matched."""
    result = db.session.execute(statement)
    db.session.commit()
    return rowcount(result) == 1


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE matched (a DML result is a CursorResult)."""
    return int(cast(CursorResult[Any], result).rowcount)


# --- Reading, for the admin page and the commands -------------------------------------


def requeue_failed(now: datetime, ids: Collection[int] | None = None) -> int:
    """Give failed mail a fresh set of attempts (after an outage longer than the retries)."""
    statement = update(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)
    if ids is not None:
        statement = statement.where(OutboxMessage.id.in_(ids))
    result = db.session.execute(
        statement.values(
            status=OutboxStatus.PENDING, attempts=0, next_attempt_at=now
        ).execution_options(synchronize_session=False)
    )
    return rowcount(result)


def failed_ids(ids: Collection[int]) -> set[int]:
    """Which of these ids are failed mails."""
    statement = select(OutboxMessage.id).where(
        OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.FAILED
    )
    return set(db.session.scalars(statement))


def counts() -> dict[OutboxStatus, int]:
    """How many mails are in each status."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    found = {status: count for status, count in rows}
    return {status: found.get(status, 0) for status in OutboxStatus}


def waiting() -> int:
    """Mails not yet sent and not given up."""
    statement = select(func.count()).where(OutboxMessage.status.in_(WAITING))
    return int(db.session.scalar(statement) or 0)
