"""Sensitive inquiries: a journalist at risk, whose identity only some may see.

Whether a person may see a sensitive inquiry's journalist is decided here and nowhere
else: its assignee and managers may, other officers may not.
"""

from __future__ import annotations

from datetime import datetime

from tracker.choices import Role
from tracker.inquiries import timeline
from tracker.inquiries.timeline import IDENTITY_VIEWED, record_change
from tracker.models import Inquiry, InquiryEvent, User
from tracker.refusals import Refused


def can_see_identity(user: User, inquiry: Inquiry) -> bool:
    """A sensitive inquiry's journalist is visible to its assignee and to managers only."""
    return identity_visible(user, inquiry.sensitive, inquiry.assignee_id)


def identity_visible(user: User, sensitive: bool, assignee_id: int | None) -> bool:
    """The rule of ``can_see_identity`` from plain columns (the CSV export reads no
    ``Inquiry`` objects)."""
    if not sensitive:
        return True
    return assignee_id == user.id or user.role.at_least(Role.MANAGER)


def set_sensitive(inquiry: Inquiry, actor: User, now: datetime, *, sensitive: bool) -> InquiryEvent:
    """Mark the journalist as at risk (their identity is then hidden), or lift the mark."""
    if inquiry.sensitive == sensitive:
        state = "already" if sensitive else "not"
        raise Refused(f"This inquiry is {state} marked sensitive.")
    if not can_see_identity(actor, inquiry):
        raise Refused("Only its assignee or a manager can lift the sensitive mark.")
    inquiry.sensitive = sensitive
    summary = "Marked sensitive: identity hidden" if sensitive else "Sensitive mark lifted"
    return record_change(inquiry, actor, now, "sensitive", summary, sensitive=sensitive)


def record_identity_view(inquiry: Inquiry, viewer: User, now: datetime) -> InquiryEvent:
    """Audit that someone saw a sensitive inquiry's journalist."""
    return timeline.record(
        inquiry, IDENTITY_VIEWED, "Viewed the journalist's identity", at=now, actor=viewer
    )
