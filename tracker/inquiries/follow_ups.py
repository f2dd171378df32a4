"""Follow-ups: something to do later about an inquiry (call back, send the statement)."""

from __future__ import annotations

from datetime import datetime

from tracker.inquiries.sensitivity import ensure_may_act
from tracker.inquiries.timeline import record_change
from tracker.models import FollowUp, Inquiry, InquiryEvent, User
from tracker.refusals import Refused


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
    record_change(inquiry, actor, now, "follow_up", f"Follow-up scheduled: {what}")
    return follow_up


def complete_follow_up(
    inquiry: Inquiry, actor: User, now: datetime, *, follow_up: FollowUp
) -> InquiryEvent:
    """Tick off a follow-up that is done."""
    ensure_may_act(actor, inquiry, "tick off a follow-up of")
    if follow_up.inquiry_id != inquiry.id:
        raise Refused(f"This follow-up belongs to another inquiry than {inquiry.reference}.")
    if follow_up.done_at is not None:
        done_by = follow_up.done_by.name if follow_up.done_by else "someone"
        raise Refused(f"This follow-up was already ticked off by {done_by}.")
    follow_up.done_at = now
    follow_up.done_by = actor
    sync_follow_up_due(inquiry)
    summary = f"Follow-up done: {follow_up.note}"
    return record_change(inquiry, actor, now, "follow_up_done", summary, follow_up_id=follow_up.id)


def sync_follow_up_due(inquiry: Inquiry) -> None:
    """Keep the queue's sort column on the earliest follow-up still to do."""
    open_dues = [f.due_at for f in inquiry.follow_ups if f.done_at is None]
    inquiry.follow_up_due_at = min(open_dues, default=None)
