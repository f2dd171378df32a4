"""``digest send``: the managers' daily digest, queued once per manager and day.

The figures cover the 24 hours before the run: what came in, what was answered, what is
overdue, which deadlines fall in the next day, and mail that could not be delivered.
The day in the dedupe key is the manager's own, so a second run that day queues nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from tracker import links
from tracker.choices import OPEN_STATUSES, Status
from tracker.extensions import db
from tracker.formatting import in_zone
from tracker.mail import messages, outbox, recipients
from tracker.mail.notices import DIGEST
from tracker.mail.reminders import EXPECTING_RESPONSE
from tracker.models import Inquiry, OutboxMessage, OutboxStatus, User

PERIOD = timedelta(hours=24)
# Enough to act on from a phone; the queue has the rest.
LISTED = 15


@dataclass(frozen=True)
class Figures:
    """What the digest says, the same for every manager."""

    since: datetime
    now: datetime
    received: int
    first_responses: int
    open: int
    unassigned: int
    overdue_count: int
    overdue: list[Inquiry]
    deadlines_soon: list[Inquiry]
    undelivered_mail: int


def figures(now: datetime) -> Figures:
    """Count and list what managers need to know this morning."""
    since = now - PERIOD
    overdue = (
        Inquiry.status.in_(OPEN_STATUSES),
        Inquiry.clock_running.is_(True),
        Inquiry.due_at < now,
    )
    return Figures(
        since=since,
        now=now,
        received=count(Inquiry.received_at > since, Inquiry.received_at <= now),
        first_responses=count(Inquiry.first_response_at > since, Inquiry.first_response_at <= now),
        open=count(Inquiry.status.in_(OPEN_STATUSES)),
        unassigned=count(Inquiry.status == Status.NEW),
        overdue_count=count(*overdue),
        overdue=listed(select(Inquiry).where(*overdue).order_by(Inquiry.due_at)),
        deadlines_soon=listed(deadlines_within(now, PERIOD)),
        undelivered_mail=int(
            db.session.scalar(
                select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED)
            )
            or 0
        ),
    )


def deadlines_within(now: datetime, span: timedelta) -> Select[Any]:
    """Open inquiries without a response whose journalist's deadline is in ``span``."""
    return (
        select(Inquiry)
        .where(
            Inquiry.deadline > now,
            Inquiry.deadline <= now + span,
            Inquiry.first_response_at.is_(None),
            Inquiry.status.in_(EXPECTING_RESPONSE),
        )
        .order_by(Inquiry.deadline)
    )


def count(*conditions: ColumnElement[bool]) -> int:
    """How many inquiries meet every condition."""
    statement = select(func.count()).select_from(Inquiry).where(*conditions)
    return int(db.session.scalar(statement) or 0)


def listed(statement: Select[Any]) -> list[Inquiry]:
    """The first few rows of ``statement``."""
    return list(db.session.scalars(statement.limit(LISTED)))


def queue_digests(now: datetime) -> int:
    """Queue today's digest for every active manager who has not had it; how many."""
    managers = recipients.managers()
    if not managers:
        return 0
    wanted = {f"digest:{in_zone(now, m.timezone):%Y-%m-%d}:{m.id}": m for m in managers}
    known = outbox.existing_keys(list(wanted))
    todo = {key: manager for key, manager in wanted.items() if key not in known}
    if not todo:
        return 0
    facts = figures(now)
    return sum(queue_one(key, manager, facts) for key, manager in todo.items())


def queue_one(key: str, manager: User, facts: Figures) -> bool:
    """Render the digest in ``manager``'s zone and queue it under ``key``."""
    message = messages.render(
        DIGEST,
        manager=manager,
        facts=facts,
        day=in_zone(facts.now, manager.timezone),
        queue_url=links.external_url("queue.index"),
        outbox_url=links.external_url("admin.outbox_page"),
        when=partial(messages.when, zone=manager.timezone),
    )
    return outbox.enqueue_once(
        key=key, kind=DIGEST, to=manager.email, message=message, now=facts.now
    )
