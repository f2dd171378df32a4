"""Sensitive inquiries: a journalist at risk, whose identity only some may see.

The one policy, decided here and nowhere else:

- Who may see: its assignee and managers (admins rank above managers). Everyone else sees
  none of its identity and none of its free text: the subject, the message, notes,
  responses, follow-ups and mails are shown whole or withheld whole (``HIDDEN``), never
  blanked string by string, since a journalist's name can hide in any of them in any
  spelling.
- Who may act: the same people. Others may only refer it (route it onward to the right
  contact, which needs no reading); every other change is refused, so nobody can make
  themself its assignee, or push it to where they could take it over, to learn who wrote.
- Every viewing of a sensitive identity is recorded on the timeline, once per person per
  inquiry per hour (``VIEW_RECORDED_FOR``), wherever it was seen: the inquiry page, the
  queue and its search, the CSV export.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import insert, select

from tracker.choices import ActorType, Role
from tracker.extensions import db
from tracker.inquiries import timeline
from tracker.inquiries.timeline import IDENTITY_VIEWED, record_change
from tracker.models import Inquiry, InquiryEvent, User
from tracker.refusals import Refused

# What those who may not see read in place of any withheld text.
HIDDEN = "hidden: sensitive inquiry"

VIEW_RECORDED_FOR = timedelta(hours=1)
VIEWED_SUMMARY = "Viewed the journalist's identity"


def can_see_identity(user: User, inquiry: Inquiry) -> bool:
    """A sensitive inquiry's journalist is visible to its assignee and to managers only."""
    return identity_visible(user, inquiry.sensitive, inquiry.assignee_id)


def identity_visible(user: User, sensitive: bool, assignee_id: int | None) -> bool:
    """The rule of ``can_see_identity`` from plain columns (the queue and the CSV export
    read no ``Inquiry`` objects)."""
    if not sensitive:
        return True
    return assignee_id == user.id or user.role.at_least(Role.MANAGER)


def readable(inquiry: Inquiry, text: str | None) -> str:
    """``text`` written about ``inquiry``, or ``HIDDEN`` when the inquiry is sensitive.

    For what leaves the tracker (staff mail), where the reader is not known: a mail can
    be forwarded, and stays in mailboxes after the inquiry is closed.
    """
    return HIDDEN if inquiry.sensitive else (text or "")


def ensure_may_act(actor: User, inquiry: Inquiry, what: str) -> None:
    """Refuse a change to a sensitive inquiry by someone who may not see it.

    ``what`` says the action in words: "add a note to", "reopen" …
    """
    if not can_see_identity(actor, inquiry):
        raise Refused(f"Only its assignee or a manager can {what} a sensitive inquiry.")


def set_sensitive(inquiry: Inquiry, actor: User, now: datetime, *, sensitive: bool) -> InquiryEvent:
    """Mark the journalist as at risk (their identity is then hidden), or lift the mark."""
    if inquiry.sensitive == sensitive:
        state = "already" if sensitive else "not"
        raise Refused(f"This inquiry is {state} marked sensitive.")
    ensure_may_act(actor, inquiry, "lift the mark of")
    inquiry.sensitive = sensitive
    summary = "Marked sensitive: identity hidden" if sensitive else "Sensitive mark lifted"
    return record_change(inquiry, actor, now, "sensitive", summary, sensitive=sensitive)


def record_identity_view(inquiry: Inquiry, viewer: User, now: datetime) -> InquiryEvent | None:
    """Audit that someone saw a sensitive inquiry's journalist, unless they already did
    within the hour (a page reloaded ten times is one viewing, not ten timeline lines)."""
    since = now - VIEW_RECORDED_FOR
    for event in inquiry.events:
        if event.kind == IDENTITY_VIEWED and event.actor_user_id == viewer.id and event.at > since:
            return None
    return timeline.record(inquiry, IDENTITY_VIEWED, VIEWED_SUMMARY, at=now, actor=viewer)


def record_identity_views(viewer: User, inquiry_ids: Collection[int], now: datetime) -> int:
    """``record_identity_view`` for many inquiries at once (a queue page, an export), in
    two statements; return how many viewings were recorded."""
    if not inquiry_ids:
        return 0
    recent = select(InquiryEvent.inquiry_id).where(
        InquiryEvent.inquiry_id.in_(inquiry_ids),
        InquiryEvent.kind == IDENTITY_VIEWED,
        InquiryEvent.actor_user_id == viewer.id,
        InquiryEvent.at > now - VIEW_RECORDED_FOR,
    )
    already = set(db.session.scalars(recent))
    rows = [
        {
            "inquiry_id": inquiry_id,
            "at": now,
            "actor_type": ActorType.USER,
            "actor_user_id": viewer.id,
            "kind": IDENTITY_VIEWED,
            "public": False,
            "summary": VIEWED_SUMMARY,
            "details": {},
        }
        for inquiry_id in sorted(set(inquiry_ids) - already)
    ]
    if rows:
        db.session.execute(insert(InquiryEvent), rows)
    return len(rows)
