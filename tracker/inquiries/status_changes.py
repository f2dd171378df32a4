"""Moving an inquiry along its lifecycle, with the milestones and the response clock.

The lifecycle's rules are in ``lifecycle`` (pure); this applies them to an inquiry and
records the event. The caller commits or rolls back.
"""

from __future__ import annotations

from datetime import datetime

from tracker.choices import PUBLIC_STATUS, Status
from tracker.inquiries import lifecycle, response_clock
from tracker.inquiries.sensitivity import ensure_may_act
from tracker.inquiries.timeline import record_change
from tracker.models import Inquiry, InquiryEvent, User
from tracker.refusals import Refused

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
    ensure_may_act(actor, inquiry, "change the status of")
    lifecycle.check_transition(inquiry.status, target)
    if lifecycle.is_reopen(inquiry.status, target):
        return reopen_to(inquiry, actor, now, target)
    if target is Status.ASSIGNED and inquiry.assignee_id is None:
        raise Refused("Choose who handles it: claim it or assign it.", field="status")
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
        raise Refused(
            "Give the reference of the inquiry this one duplicates.", field="duplicate_of"
        )
    if original.id == inquiry.id or original.duplicate_of_id == inquiry.id:
        raise Refused(
            f"{original.reference} cannot be the original of {inquiry.reference}.",
            field="duplicate_of",
        )
    return original


def reopen(inquiry: Inquiry, actor: User, now: datetime) -> InquiryEvent:
    """Reopen a finished inquiry: back to its assignee's work, or back to the queue."""
    ensure_may_act(actor, inquiry, "reopen")
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
        inquiry.finished_at = None
        inquiry.duplicate_of = None
        restarted = inquiry.first_response_at is None
        state = response_clock.restart(state) if restarted else response_clock.stop(state)
    elif target is Status.AWAITING_JOURNALIST:
        state = response_clock.pause(state, now)
    elif target in lifecycle.FINISHED:
        state = response_clock.stop(state)
    elif previous is Status.AWAITING_JOURNALIST:
        state = response_clock.resume(state, now)
    if target is Status.ANSWERED:
        # The first answer is the milestone the statistics count; an answer is a response.
        inquiry.answered_at = inquiry.answered_at or now
        inquiry.first_response_at = inquiry.first_response_at or now
    if target in lifecycle.CLOSING:
        inquiry.closed_at = now
    if target in lifecycle.FINISHED:
        # The retention of the journalist's details runs from here (tracker.privacy).
        inquiry.finished_at = now
    set_clock(inquiry, state)
    return previous


def clock_state(inquiry: Inquiry) -> response_clock.ClockState:
    """The inquiry's response clock as the pure clock functions see it."""
    return response_clock.ClockState(inquiry.due_at, inquiry.clock_running, inquiry.clock_paused_at)


def set_clock(inquiry: Inquiry, state: response_clock.ClockState) -> None:
    """Write a clock state back to the columns the queue sorts by."""
    inquiry.due_at = state.due_at
    inquiry.clock_running = state.running
    inquiry.clock_paused_at = state.paused_at
