"""Follow-ups: something to do later about an inquiry (call back, send the statement).

Scheduling a follow-up or ticking one off changes no field a colleague edits (status,
assignee, responses…), so neither needs the page's version nor bumps it: a follow-up
planned while a colleague changed the status is kept, and their page does not go stale
because of it. Two things still have to hold under concurrent requests, and are kept by
the database rather than by the version: a follow-up is ticked off once (a conditional
UPDATE), and the queue's ``follow_up_due_at`` is the earliest one still to do (computed
by the database from the follow-ups, with the inquiry's row locked).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker.extensions import db
from tracker.inquiries.sensitivity import ensure_may_act
from tracker.inquiries.timeline import FOLLOW_UP, FOLLOW_UP_DONE, record
from tracker.models import FollowUp, Inquiry, InquiryEvent, User
from tracker.refusals import Refused

INQUIRIES = cast(Table, Inquiry.__table__)
FOLLOW_UPS = cast(Table, FollowUp.__table__)


def schedule_follow_up(
    inquiry: Inquiry, actor: User, now: datetime, *, due_at: datetime, what: str
) -> FollowUp:
    """Plan something to do later (call back, send the statement)."""
    ensure_may_act(actor, inquiry, "schedule a follow-up on")
    if due_at <= now:
        raise Refused("Choose a time after now.", field="due")
    follow_up = FollowUp(due_at=due_at, note=what, created_by=actor, created_at=now)
    inquiry.follow_ups.append(follow_up)
    sync_follow_up_due(inquiry)
    record(inquiry, FOLLOW_UP, f"Follow-up scheduled: {what}", at=now, actor=actor)
    return follow_up


def complete_follow_up(
    inquiry: Inquiry, actor: User, now: datetime, *, follow_up: FollowUp
) -> InquiryEvent:
    """Tick off a follow-up that is done."""
    ensure_may_act(actor, inquiry, "tick off a follow-up of")
    if follow_up.inquiry_id != inquiry.id:
        raise Refused(f"This follow-up belongs to another inquiry than {inquiry.reference}.")
    # Only the first of two colleagues ticking it off at once finds it still to do.
    ticked = db.session.execute(
        update(FOLLOW_UPS)
        .where(FOLLOW_UPS.c.id == follow_up.id, FOLLOW_UPS.c.done_at.is_(None))
        .values(done_at=now, done_by_id=actor.id)
    )
    db.session.expire(follow_up, ["done_at", "done_by_id", "done_by"])
    if ticked.rowcount != 1:  # type: ignore[attr-defined]
        done_by = follow_up.done_by.name if follow_up.done_by else "someone"
        raise Refused(f"This follow-up was already ticked off by {done_by}.")
    sync_follow_up_due(inquiry)
    summary = f"Follow-up done: {follow_up.note}"
    return record(inquiry, FOLLOW_UP_DONE, summary, at=now, actor=actor, follow_up_id=follow_up.id)


def sync_follow_up_due(inquiry: Inquiry) -> None:
    """Keep the queue's sort column on the earliest follow-up still to do.

    An UPDATE of its own, past the ORM, so that it bumps no version. The inquiry's row is
    locked first (PostgreSQL; SQLite has one writer at a time anyway), so the earliest is
    read after a concurrent scheduling commits, not from before it.
    """
    db.session.flush()
    db.session.execute(select(INQUIRIES.c.id).where(INQUIRIES.c.id == inquiry.id).with_for_update())
    earliest = (
        select(func.min(FOLLOW_UPS.c.due_at))
        .where(FOLLOW_UPS.c.inquiry_id == inquiry.id, FOLLOW_UPS.c.done_at.is_(None))
        .scalar_subquery()
    )
    due = db.session.execute(
        update(INQUIRIES)
        .where(INQUIRIES.c.id == inquiry.id)
        .values(follow_up_due_at=earliest)
        .returning(INQUIRIES.c.follow_up_due_at)
    ).scalar_one()
    set_committed_value(inquiry, "follow_up_due_at", due)
