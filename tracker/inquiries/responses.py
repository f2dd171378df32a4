"""What the office said: responses logged to the journalist, and internal notes."""

from __future__ import annotations

from datetime import datetime

from tracker.choices import ResponseChannel, Status
from tracker.inquiries import lifecycle, response_clock
from tracker.inquiries.assignment import claim
from tracker.inquiries.sensitivity import ensure_may_act
from tracker.inquiries.status_changes import clock_state, move, set_clock
from tracker.inquiries.timeline import NOTE, record, record_change
from tracker.mail import notices
from tracker.models import Inquiry, InquiryEvent, User
from tracker.refusals import Refused

RESPONSE_SUMMARIES: dict[ResponseChannel, str] = {
    ResponseChannel.EMAIL: "Responded by email",
    ResponseChannel.PHONE: "Responded by phone",
    ResponseChannel.INTERVIEW: "Interview given",
    ResponseChannel.WRITTEN_STATEMENT: "Written statement sent",
    ResponseChannel.IN_PERSON: "Responded in person",
}


def add_note(inquiry: Inquiry, actor: User, now: datetime, *, text: str) -> InquiryEvent:
    """Keep an internal note; it changes nothing else, so it makes no open page stale."""
    ensure_may_act(actor, inquiry, "add a note to")
    return record(inquiry, NOTE, "Internal note", at=now, actor=actor, text=text)


def log_response(
    inquiry: Inquiry, actor: User, now: datetime, *, channel: ResponseChannel, said: str
) -> InquiryEvent:
    """Record what the office told the journalist; the first response stops the clock."""
    ensure_may_act(actor, inquiry, "log a response on")
    if inquiry.status in lifecycle.CLOSING:
        described = lifecycle.DESCRIBED[inquiry.status]
        raise Refused(f"{described} takes no response; reopen it first.", field="said")
    if inquiry.assignee_id is None:
        # Whoever answers has taken the inquiry on; the queue should stop offering it.
        claim(inquiry, actor, now)
    if inquiry.status in (Status.NEW, Status.ASSIGNED):
        move(inquiry, Status.IN_PROGRESS, now)
    first = inquiry.first_response_at is None
    if first:
        inquiry.first_response_at = now
        set_clock(inquiry, response_clock.stop(clock_state(inquiry)))
    details = {"channel": channel.value, "text": said, "first": first}
    summary = RESPONSE_SUMMARIES[channel]
    event = record_change(inquiry, actor, now, "response", summary, public=True, **details)
    notices.response_logged(inquiry, channel, first=first, now=now)
    return event
