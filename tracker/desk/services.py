"""What press officers do to an inquiry: claim, assign, move it along, answer, note, follow up.

Plain functions shared by the inquiry page, the queue's bulk actions and the CLI. Each takes
the inquiry, the acting user and the instant, checks the rules, changes the inquiry and
records its event on the timeline. The caller commits or rolls back.

Every action that changes the inquiry bumps its version (optimistic locking), so a page
opened before the change is refused with ``StaleInquiry`` instead of overwriting it.
Public events are read by the journalist on the status page: their summaries name no
officer and repeat no internal text (details stay on the desk).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from tracker.auth.policy import can_see_identity
from tracker.choices import PUBLIC_STATUS, ActorType, ResponseChannel, Status
from tracker.extensions import db
from tracker.formatting import format_instant
from tracker.inquiries import clock, lifecycle, timeline
from tracker.mail import notices
from tracker.models import Contact, FollowUp, Inquiry, InquiryEvent, User


class ActionRefused(Exception):
    """An action the inquiry's state or the actor's rights do not allow."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleInquiry(Exception):
    """The inquiry changed since the person acting opened it."""

    def __init__(self, changed_by: str, changed_at: datetime) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.message("UTC"))

    def message(self, zone: str) -> str:
        """ "Changed by Karen Blanc at Tue 20 Jan 2015, 11:00 (…) since you opened it."."""
        when = format_instant(self.changed_at, zone)
        return f"Changed by {self.changed_by} at {when} since you opened it."


# Events that leave the inquiry as it was: they neither bump its version nor count as
# "the change" a stale page is told about.
NOTE = "note"
IDENTITY_VIEWED = "identity_viewed"
READ_OR_NOTE_KINDS = frozenset({NOTE, IDENTITY_VIEWED})

# New statuses the journalist is told about, in PUBLIC_STATUS words. Spam and the desk's
# internal steps (in progress, sign-off) are not news to them.
PUBLIC_MOVES = frozenset(
    {
        Status.AWAITING_JOURNALIST,
        Status.ANSWERED,
        Status.CLOSED,
        Status.DECLINED,
        Status.DUPLICATE,
        Status.REFERRED,
    }
)

RESPONSE_SUMMARIES: dict[ResponseChannel, str] = {
    ResponseChannel.EMAIL: "Responded by email",
    ResponseChannel.PHONE: "Responded by phone",
    ResponseChannel.INTERVIEW: "Interview given",
    ResponseChannel.WRITTEN_STATEMENT: "Written statement sent",
    ResponseChannel.IN_PERSON: "Responded in person",
}


# --- Freshness ------------------------------------------------------------------------


def ensure_fresh(inquiry: Inquiry, expected_version: int) -> None:
    """Refuse to act on a copy of the inquiry older than the one in the database."""
    if inquiry.version != expected_version:
        raise stale_error(inquiry)


def stale_error(inquiry: Inquiry) -> StaleInquiry:
    """Who changed the inquiry last, and when; also used after a concurrent commit."""
    latest = db.session.scalar(
        select(InquiryEvent)
        .where(InquiryEvent.inquiry_id == inquiry.id)
        .where(InquiryEvent.kind.not_in(READ_OR_NOTE_KINDS))
        .order_by(InquiryEvent.id.desc())
        .limit(1)
    )
    if latest is None:
        return StaleInquiry("someone", inquiry.updated_at)
    return StaleInquiry(actor_name(latest), latest.at)


def actor_name(event: InquiryEvent) -> str:
    """The name a person reads for whoever did ``event``."""
    if event.actor is not None:
        return event.actor.name
    return "the journalist" if event.actor_type == ActorType.JOURNALIST else "the system"


# --- Assignment -----------------------------------------------------------------------


def claim(inquiry: Inquiry, actor: User, now: datetime) -> InquiryEvent:
    """Take the inquiry on oneself (from the queue, or from a colleague)."""
    if inquiry.assignee_id == actor.id:
        raise ActionRefused("You already have this inquiry.")
    previous = inquiry.assignee
    hand_to(inquiry, actor, now, to=actor)
    summary = f"Took over from {previous.name}" if previous else "Claimed"
    return record_change(inquiry, actor, now, "claimed", summary, assignee_id=actor.id)


def assign(inquiry: Inquiry, actor: User, now: datetime, *, to: User) -> InquiryEvent:
    """Give the inquiry to an officer; a new inquiry becomes assigned."""
    assignee = to
    if inquiry.assignee_id == assignee.id:
        raise ActionRefused(f"{assignee.name} already has this inquiry.", field="assignee")
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
        raise ActionRefused(f"{described} cannot be assigned; reopen it first.")
    if not assignee.active:
        raise ActionRefused(f"{assignee.name}'s account is deactivated.", field="assignee")
    # Whoever holds a sensitive inquiry sees the journalist, so only those who already
    # may (its assignee, managers) can hand it on.
    if not can_see_identity(actor, inquiry):
        raise ActionRefused("Only its assignee or a manager can pass on a sensitive inquiry.")
    inquiry.assignee = assignee
    if inquiry.status is Status.NEW:
        move(inquiry, Status.ASSIGNED, now)


# --- Status ---------------------------------------------------------------------------


def change_status(
    inquiry: Inquiry,
    actor: User,
    now: datetime,
    *,
    to: Status,
    duplicate_of: Inquiry | None = None,
) -> InquiryEvent:
    """Move the inquiry along its lifecycle, writing the milestones as they happen.

    Moving a finished inquiry to new or in progress reopens it; a duplicate needs the
    inquiry it duplicates.
    """
    target = to
    lifecycle.check_transition(inquiry.status, target)
    if lifecycle.is_reopen(inquiry.status, target):
        return reopen_to(inquiry, actor, now, target)
    if target is Status.ASSIGNED and inquiry.assignee_id is None:
        raise ActionRefused("Choose who handles it: claim it or assign it.", field="status")
    details: dict[str, object] = {}
    if target is Status.DUPLICATE:
        inquiry.duplicate_of = original_of_duplicate(inquiry, duplicate_of)
        details["duplicate_of"] = inquiry.duplicate_of.reference
    previous = move(inquiry, target, now)
    public = target in PUBLIC_MOVES
    summary = PUBLIC_STATUS[target] if public else f"Status changed to {target.label.lower()}"
    details.update({"from": previous.value, "to": target.value})
    return record_change(inquiry, actor, now, "status", summary, public=public, **details)


def original_of_duplicate(inquiry: Inquiry, original: Inquiry | None) -> Inquiry:
    """A duplicate points at another inquiry, which must not point back at it."""
    if original is None:
        raise ActionRefused(
            "Give the reference of the inquiry this one duplicates.", field="duplicate_of"
        )
    if original.id == inquiry.id or original.duplicate_of_id == inquiry.id:
        raise ActionRefused(
            f"{original.reference} cannot be the original of {inquiry.reference}.",
            field="duplicate_of",
        )
    return original


def reopen(inquiry: Inquiry, actor: User, now: datetime) -> InquiryEvent:
    """Reopen a finished inquiry: back to its assignee's work, or back to the queue."""
    lifecycle.check_reopen(inquiry.status)
    target = lifecycle.reopen_target(inquiry.assignee_id is not None)
    return reopen_to(inquiry, actor, now, target)


def reopen_to(inquiry: Inquiry, actor: User, now: datetime, target: Status) -> InquiryEvent:
    """Reopen into ``target``, telling the journalist it is being looked at again."""
    previous = move(inquiry, target, now)
    moved = {"from": previous.value, "to": target.value}
    return record_change(inquiry, actor, now, "reopened", "Reopened", public=True, **moved)


def move(inquiry: Inquiry, target: Status, now: datetime) -> Status:
    """Set the status with its milestones and clock; return the status it had."""
    previous = inquiry.status
    lifecycle.check_transition(previous, target)
    inquiry.status = target
    state = clock_state(inquiry)
    if lifecycle.is_reopen(previous, target):
        inquiry.closed_at = None
        inquiry.duplicate_of = None
        state = clock.restart(state) if inquiry.first_response_at is None else clock.stop(state)
    elif target is Status.AWAITING_JOURNALIST:
        state = clock.pause(state, now)
    elif target in lifecycle.FINISHED:
        state = clock.stop(state)
    elif previous is Status.AWAITING_JOURNALIST:
        state = clock.resume(state, now)
    if target is Status.ANSWERED:
        # The first answer is the milestone the statistics count; an answer is a response.
        inquiry.answered_at = inquiry.answered_at or now
        inquiry.first_response_at = inquiry.first_response_at or now
    if target in lifecycle.CLOSING:
        inquiry.closed_at = now
    set_clock(inquiry, state)
    return previous


def clock_state(inquiry: Inquiry) -> clock.ClockState:
    """The inquiry's response clock as the pure clock functions see it."""
    return clock.ClockState(inquiry.due_at, inquiry.clock_running, inquiry.clock_paused_at)


def set_clock(inquiry: Inquiry, state: clock.ClockState) -> None:
    """Write a clock state back to the columns the queue sorts by."""
    inquiry.due_at = state.due_at
    inquiry.clock_running = state.running
    inquiry.clock_paused_at = state.paused_at


# --- Notes and responses --------------------------------------------------------------


def add_note(inquiry: Inquiry, actor: User, now: datetime, *, text: str) -> InquiryEvent:
    """Keep an internal note; it changes nothing else, so it makes no open page stale."""
    return timeline.record(inquiry, NOTE, "Internal note", at=now, actor=actor, text=text)


def log_response(
    inquiry: Inquiry, actor: User, now: datetime, *, channel: ResponseChannel, said: str
) -> InquiryEvent:
    """Record what the office told the journalist; the first response stops the clock."""
    if inquiry.status in lifecycle.CLOSING:
        described = lifecycle.DESCRIBED[inquiry.status]
        raise ActionRefused(f"{described} takes no response; reopen it first.", field="said")
    if inquiry.assignee_id is None:
        # Whoever answers has taken the inquiry on; the queue should stop offering it.
        claim(inquiry, actor, now)
    if inquiry.status in (Status.NEW, Status.ASSIGNED):
        move(inquiry, Status.IN_PROGRESS, now)
    first = inquiry.first_response_at is None
    if first:
        inquiry.first_response_at = now
        set_clock(inquiry, clock.stop(clock_state(inquiry)))
    details = {"channel": channel.value, "text": said, "first": first}
    summary = RESPONSE_SUMMARIES[channel]
    event = record_change(inquiry, actor, now, "response", summary, public=True, **details)
    notices.response_logged(db.session(), inquiry, channel, first=first, now=now)
    return event


# --- Follow-ups -----------------------------------------------------------------------


def schedule_follow_up(
    inquiry: Inquiry, actor: User, now: datetime, *, due_at: datetime, what: str
) -> FollowUp:
    """Plan something to do later (call back, send the statement)."""
    if due_at <= now:
        raise ActionRefused("Choose a time after now.", field="due")
    follow_up = FollowUp(due_at=due_at, note=what, created_by=actor, created_at=now)
    inquiry.follow_ups.append(follow_up)
    sync_follow_up_due(inquiry)
    record_change(inquiry, actor, now, "follow_up", f"Follow-up scheduled: {what}")
    return follow_up


def complete_follow_up(
    inquiry: Inquiry, actor: User, now: datetime, *, follow_up: FollowUp
) -> InquiryEvent:
    """Tick off a follow-up that is done."""
    if follow_up.inquiry_id != inquiry.id:
        raise ActionRefused(f"This follow-up belongs to another inquiry than {inquiry.reference}.")
    if follow_up.done_at is not None:
        done_by = follow_up.done_by.name if follow_up.done_by else "someone"
        raise ActionRefused(f"This follow-up was already ticked off by {done_by}.")
    follow_up.done_at = now
    follow_up.done_by = actor
    sync_follow_up_due(inquiry)
    summary = f"Follow-up done: {follow_up.note}"
    return record_change(inquiry, actor, now, "follow_up_done", summary, follow_up_id=follow_up.id)


def sync_follow_up_due(inquiry: Inquiry) -> None:
    """Keep the queue's sort column on the earliest follow-up still to do."""
    open_dues = [f.due_at for f in inquiry.follow_ups if f.done_at is None]
    inquiry.follow_up_due_at = min(open_dues, default=None)


# --- Referral and safety --------------------------------------------------------------


def refer(inquiry: Inquiry, actor: User, now: datetime, *, to: Contact, note: str) -> InquiryEvent:
    """Pass a misdirected inquiry on to another contact, with a note for them."""
    contact = to
    if contact.id == inquiry.routed_contact_id:
        raise ActionRefused(f"It is already with {contact.name}.", field="contact")
    lifecycle.check_transition(inquiry.status, Status.REFERRED)
    previous = inquiry.routed_contact
    inquiry.routed_contact = contact
    inquiry.routing_reason = f"referred by {actor.name} → {contact.name}"[:500]
    move(inquiry, Status.REFERRED, now)
    details = {"contact": contact.name, "previous_contact": getattr(previous, "name", None)}
    summary = PUBLIC_STATUS[Status.REFERRED]
    return record_change(
        inquiry, actor, now, "referred", summary, public=True, text=note, **details
    )


def set_sensitive(inquiry: Inquiry, actor: User, now: datetime, *, sensitive: bool) -> InquiryEvent:
    """Mark the journalist as at risk (their identity is then hidden), or lift the mark."""
    if inquiry.sensitive == sensitive:
        state = "already" if sensitive else "not"
        raise ActionRefused(f"This inquiry is {state} marked sensitive.")
    if not can_see_identity(actor, inquiry):
        raise ActionRefused("Only its assignee or a manager can lift the sensitive mark.")
    inquiry.sensitive = sensitive
    summary = "Marked sensitive: identity hidden" if sensitive else "Sensitive mark lifted"
    return record_change(inquiry, actor, now, "sensitive", summary, sensitive=sensitive)


def record_identity_view(inquiry: Inquiry, viewer: User, now: datetime) -> InquiryEvent:
    """Audit that someone saw a sensitive inquiry's journalist."""
    return timeline.record(
        inquiry, IDENTITY_VIEWED, "Viewed the journalist's identity", at=now, actor=viewer
    )


# --- Shared ---------------------------------------------------------------------------


def record_change(
    inquiry: Inquiry,
    actor: User,
    now: datetime,
    kind: str,
    summary: str,
    *,
    public: bool = False,
    **details: object,
) -> InquiryEvent:
    """Record the event of a change and bump the inquiry's version."""
    inquiry.updated_at = now
    # Forces the UPDATE (hence the version bump) even when nothing else on the row
    # changed, e.g. a follow-up added after an earlier one.
    flag_modified(inquiry, "updated_at")
    return timeline.record(inquiry, kind, summary, at=now, actor=actor, public=public, **details)
