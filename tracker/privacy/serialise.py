"""An inquiry and its mails as plain data, for a journalist's copy of what is held."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tracker.models import FollowUp, Inquiry, InquiryEvent, OutboxMessage
from tracker.privacy import retention

# The journalist's own data as the office holds it, field by field.
JOURNALIST_FIELDS = ("name", "outlet", "media_type", "country", "email", "phone", "language")
REQUEST_FIELDS = ("request_type", "topic", "subject", "message", "deadline", "deadline_tz")
HANDLING_FIELDS = (
    "status",
    "phase_at_receipt",
    "channel",
    "received_at",
    "first_response_at",
    "answered_at",
    "closed_at",
    "finished_at",
    "anonymised_at",
)


def plain(value: Any) -> Any:
    """JSON-ready: instants in ISO 8601 with their offset, enums by value."""
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def inquiry_record(inquiry: Inquiry, now: datetime) -> dict[str, Any]:
    fields = (*JOURNALIST_FIELDS, *REQUEST_FIELDS, *HANDLING_FIELDS)
    record: dict[str, Any] = {"reference": inquiry.reference, "mission": inquiry.mission.slug}
    record.update({name: plain(getattr(inquiry, name)) for name in fields})
    record["retention"] = retention_record(inquiry, now)
    record["routed_to"] = inquiry.routed_contact.name if inquiry.routed_contact else None
    record["timeline"] = [event_record(event) for event in inquiry.events]
    record["follow_ups"] = [follow_up_record(item) for item in inquiry.follow_ups]
    return record


def retention_record(inquiry: Inquiry, now: datetime) -> dict[str, Any]:
    """Until when the details are kept, by the rule the form's notice states and the purge
    applies. Days are local days in the mission's zone; ``anonymised_from`` is the day the
    details are (or were) anonymised, and an open inquiry, which has none yet, is kept at
    least until the day it gets if it is closed today."""
    mission, zone = inquiry.mission, inquiry.mission.timezone
    finished = None if inquiry.is_open else inquiry.finished_at
    anonymised_from = kept_at_least_until = closed_on = None
    if finished is not None:
        closed_on = retention.local_day(finished, zone)
        anonymised_from = retention.anonymise_day(mission, finished)
    else:
        kept_at_least_until = retention.earliest_anonymise_day(mission, now)
    if inquiry.anonymised_at is not None:  # erased on request, or purged
        anonymised_from, kept_at_least_until = (
            retention.local_day(inquiry.anonymised_at, zone),
            None,
        )
    return {
        "rule": retention.rule(mission.retention_months),
        "months": mission.retention_months,
        "visit_last_day": mission.last_day.isoformat(),
        "closed_on": plain_day(closed_on),
        "anonymised_from": plain_day(anonymised_from),
        "kept_at_least_until": plain_day(kept_at_least_until),
    }


def plain_day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def event_record(event: InquiryEvent) -> dict[str, Any]:
    # Officers are not named: the copy is about the journalist, and the status page
    # names the press office, not a person, too.
    return {
        "at": plain(event.at),
        "by": plain(event.actor_type),
        "kind": event.kind,
        "summary": event.summary,
        "details": {key: plain(value) for key, value in event.details.items()},
    }


def follow_up_record(follow_up: FollowUp) -> dict[str, Any]:
    return {
        "due_at": plain(follow_up.due_at),
        "note": follow_up.note,
        "done_at": plain(follow_up.done_at),
    }


def mail_record(mail: OutboxMessage) -> dict[str, Any]:
    return {
        "to": mail.to_address,
        "subject": mail.subject,
        "status": plain(mail.status),
        "created_at": plain(mail.created_at),
        "sent_at": plain(mail.sent_at),
        "inquiry": mail.inquiry.reference if mail.inquiry else None,
        "body": mail.body_text,
    }
