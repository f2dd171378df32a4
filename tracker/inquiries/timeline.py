"""Writing an inquiry's timeline: every action leaves an event with actor and time.

Public events are read by the journalist on the status page: their summaries name no
officer and repeat no internal text (details stay on the desk).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from tracker.choices import ActorType
from tracker.models import Inquiry, InquiryEvent, User

# Events that change none of the inquiry's fields a colleague edits: they neither bump its
# version nor count as "the change" a stale page is told about. Follow-ups keep the
# queue's follow_up_due_at in step without a version (tracker.inquiries.follow_ups).
NOTE = "note"
IDENTITY_VIEWED = "identity_viewed"
FOLLOW_UP = "follow_up"
FOLLOW_UP_DONE = "follow_up_done"
READ_OR_NOTE_KINDS = frozenset({NOTE, IDENTITY_VIEWED, FOLLOW_UP, FOLLOW_UP_DONE})


def record(
    inquiry: Inquiry,
    kind: str,
    summary: str,
    *,
    at: datetime,
    actor: User | None = None,
    public: bool = False,
    **details: Any,
) -> InquiryEvent:
    """Append an event; ``actor`` None means the system did it.

    ``public`` events may appear on the journalist's status page, so their summary must
    never name an officer or repeat an internal note.
    """
    event = InquiryEvent(
        at=at,
        actor_type=ActorType.USER if actor else ActorType.SYSTEM,
        actor=actor,
        kind=kind,
        public=public,
        summary=summary[:500],
        details=details,
    )
    inquiry.events.append(event)
    return event


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
    """Record the event of a change and bump the inquiry's version.

    Every action that changes the inquiry goes through here (optimistic locking): a page
    opened before the change is then refused as stale instead of overwriting it.
    """
    inquiry.updated_at = now
    # Forces the UPDATE (hence the version bump) even when nothing else on the row
    # changed, e.g. a follow-up added after an earlier one.
    flag_modified(inquiry, "updated_at")
    return record(inquiry, kind, summary, at=now, actor=actor, public=public, **details)


def actor_name(event: InquiryEvent) -> str:
    """The name a person reads for whoever did ``event``."""
    if event.actor is not None:
        return event.actor.name
    return "the journalist" if event.actor_type == ActorType.JOURNALIST else "the system"
