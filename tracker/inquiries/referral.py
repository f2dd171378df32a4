"""Referral: a misdirected inquiry passed on to another contact."""

from __future__ import annotations

from datetime import datetime

from tracker.choices import PUBLIC_STATUS, Status
from tracker.inquiries import lifecycle
from tracker.inquiries.status_changes import move
from tracker.inquiries.timeline import record_change
from tracker.models import Contact, Inquiry, InquiryEvent, User
from tracker.refusals import Refused


def refer(inquiry: Inquiry, actor: User, now: datetime, *, to: Contact, note: str) -> InquiryEvent:
    """Pass a misdirected inquiry on to another contact, with a note for them."""
    contact = to
    if contact.id == inquiry.routed_contact_id:
        raise Refused(f"It is already with {contact.name}.", field="contact")
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
