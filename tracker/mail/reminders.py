"""``reminders run``: deadline reminders and follow-ups due, each queued once.

Run it every few minutes (a timer or cron). Each reminder has a dedupe key naming the
inquiry or follow-up, the moment it is about and the recipient, and the outbox keeps those
keys unique: running it twice, or on two machines at once, queues nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import links
from tracker.choices import OPEN_STATUSES, Status
from tracker.extensions import db
from tracker.mail import messages, outbox, recipients
from tracker.mail.notices import DEADLINE_REMINDER, FOLLOW_UP_DUE
from tracker.models import FollowUp, Inquiry, User

# "Reminded 2 hours before a deadline passes without a response."
BEFORE_DEADLINE = timedelta(hours=2)
# Awaiting the journalist pauses the response clock: nothing is expected of the office.
EXPECTING_RESPONSE = OPEN_STATUSES - {Status.AWAITING_JOURNALIST}


@dataclass(frozen=True)
class Queued:
    """How many reminders a run queued, by kind."""

    deadlines: int
    follow_ups: int


def run(now: datetime) -> Queued:
    """Queue every reminder that is due at ``now`` and not queued before."""
    return Queued(queue_deadline_reminders(now), queue_follow_up_notices(now))


def deadlines_near(now: datetime) -> list[Inquiry]:
    """Open inquiries with no response whose deadline falls in the next two hours."""
    statement = (
        select(Inquiry)
        .where(
            Inquiry.deadline > now,
            Inquiry.deadline <= now + BEFORE_DEADLINE,
            Inquiry.first_response_at.is_(None),
            Inquiry.status.in_(EXPECTING_RESPONSE),
        )
        .order_by(Inquiry.deadline, Inquiry.id)
    )
    return list(db.session.scalars(statement))


def queue_deadline_reminders(now: datetime) -> int:
    """One reminder per inquiry, deadline and officer."""
    wanted = [
        Reminder(f"deadline:{i.id}:{stamp(i.deadline)}:{officer.id}", DEADLINE_REMINDER, i, officer)
        for i in deadlines_near(now)
        for officer in recipients.for_inquiry(i)
    ]
    return queue(wanted, now)


def follow_ups_due(now: datetime) -> list[FollowUp]:
    """Follow-ups not ticked off whose time has come."""
    statement = (
        select(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.due_at <= now)
        .options(joinedload(FollowUp.inquiry))
        .order_by(FollowUp.due_at, FollowUp.id)
    )
    return list(db.session.scalars(statement))


def queue_follow_up_notices(now: datetime) -> int:
    """One notice per follow-up and officer."""
    wanted = [
        Reminder(
            f"follow-up:{f.id}:{stamp(f.due_at)}:{officer.id}",
            FOLLOW_UP_DUE,
            f.inquiry,
            officer,
            f,
        )
        for f in follow_ups_due(now)
        for officer in recipients.for_follow_up(f)
    ]
    return queue(wanted, now)


@dataclass(frozen=True)
class Reminder:
    """A reminder that should exist, named by its dedupe key."""

    key: str
    kind: str
    inquiry: Inquiry
    officer: User
    follow_up: FollowUp | None = None


def queue(wanted: list[Reminder], now: datetime) -> int:
    """Queue the reminders not queued before; how many were new."""
    # Overdue follow-ups stay due run after run: skip rendering the ones already queued.
    known = outbox.existing_keys([r.key for r in wanted])
    queued = 0
    for reminder in wanted:
        if reminder.key in known:
            continue
        message = officer_message(reminder, now)
        queued += outbox.enqueue_once(
            key=reminder.key,
            kind=reminder.kind,
            to=reminder.officer.email,
            message=message,
            now=now,
            inquiry_id=reminder.inquiry.id,
        )
    return queued


def stamp(instant: datetime | None) -> str:
    """An instant as it appears in a dedupe key: a new deadline is a new reminder."""
    return f"{instant:%Y%m%dT%H%M%SZ}" if instant else "none"


def officer_message(reminder: Reminder, now: datetime) -> messages.Rendered:
    """A reminder for an officer, with times in their zone and a link to the inquiry."""
    inquiry, officer = reminder.inquiry, reminder.officer
    return messages.render(
        reminder.kind,
        inquiry=inquiry,
        mission=inquiry.mission,
        officer=officer,
        follow_up=reminder.follow_up,
        now=now,
        desk_url=links.external_url("desk.inquiry", reference=inquiry.reference),
        when=partial(messages.when, zone=officer.timezone),
    )
