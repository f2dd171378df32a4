"""Who handles an inquiry: an officer claims it, or someone assigns it to an officer."""

from __future__ import annotations

from datetime import datetime

from tracker.choices import Status
from tracker.inquiries import lifecycle
from tracker.inquiries.sensitivity import ensure_may_act
from tracker.inquiries.status_changes import move
from tracker.inquiries.timeline import record_change
from tracker.models import Inquiry, InquiryEvent, User
from tracker.refusals import Refused


def claim(inquiry: Inquiry, actor: User, now: datetime) -> InquiryEvent:
    """Take the inquiry on oneself (from the queue, or from a colleague)."""
    if inquiry.assignee_id == actor.id:
        raise Refused("You already have this inquiry.")
    previous = inquiry.assignee
    hand_to(inquiry, actor, now, to=actor)
    summary = f"Took over from {previous.name}" if previous else "Claimed"
    return record_change(inquiry, actor, now, "claimed", summary, assignee_id=actor.id)


def assign(inquiry: Inquiry, actor: User, now: datetime, *, to: User) -> InquiryEvent:
    """Give the inquiry to an officer; a new inquiry becomes assigned."""
    assignee = to
    if inquiry.assignee_id == assignee.id:
        raise Refused(f"{assignee.name} already has this inquiry.", field="assignee")
    previous = inquiry.assignee
    hand_to(inquiry, actor, now, to=assignee)
    summary = f"Assigned to {assignee.name}"
    if previous is not None:
        summary = f"Reassigned from {previous.name} to {assignee.name}"
    return record_change(inquiry, actor, now, "assigned", summary, assignee_id=assignee.id)


def hand_to(inquiry: Inquiry, actor: User, now: datetime, *, to: User) -> None:
    """The rules shared by claiming and assigning, then the change itself."""
    assignee = to
    if inquiry.status in lifecycle.FINISHED:
        described = lifecycle.DESCRIBED[inquiry.status]
        raise Refused(f"{described} cannot be assigned; reopen it first.")
    if not assignee.active:
        raise Refused(f"{assignee.name}'s account is deactivated.", field="assignee")
    # Whoever holds a sensitive inquiry sees the journalist, so only those who already
    # may (its assignee, managers) can hand it on.
    ensure_may_act(actor, inquiry, "pass on")
    inquiry.assignee = assignee
    if inquiry.status is Status.NEW:
        move(inquiry, Status.ASSIGNED, now)
