"""Optimistic locking: an action on a copy of the inquiry older than the database's is
refused with who changed it and when, instead of overwriting their change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from tracker.extensions import db
from tracker.formatting import format_instant
from tracker.inquiries.timeline import READ_OR_NOTE_KINDS, actor_name
from tracker.models import Inquiry, InquiryEvent


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
