"""Writing an inquiry's timeline: every action leaves an event with actor and time."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tracker.choices import ActorType
from tracker.models import Inquiry, InquiryEvent, User


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
