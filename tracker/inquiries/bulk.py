"""Bulk assign and bulk status change: the desk's own actions, applied one by one.

Each inquiry goes through the same operation as its own page, so an illegal transition
on one is refused with its reason while the others go through.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from tracker.choices import Status
from tracker.extensions import db
from tracker.inquiries.assignment import assign
from tracker.inquiries.status_changes import change_status
from tracker.models import Inquiry, User
from tracker.refusals import Refused


def assign_all(
    inquiries: Sequence[Inquiry], actor: User, now: datetime, *, assignee_id: int | None
) -> tuple[int, list[str]]:
    """Assign every inquiry to one officer; return how many succeeded and why the others
    did not. The request itself is refused when the officer does not exist or is inactive."""
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee is None or not assignee.active:
        raise Refused("Choose an active officer to assign to.", field="assignee")
    return each(inquiries, lambda inquiry: assign(inquiry, actor, now, to=assignee))


def set_status_all(
    inquiries: Sequence[Inquiry], actor: User, now: datetime, *, status: str | None
) -> tuple[int, list[str]]:
    """Move every inquiry to ``status``; return how many succeeded and why the others did
    not. The request itself is refused when ``status`` names no status."""
    try:
        target = Status(status or "")
    except ValueError:
        raise Refused("Choose a status.", field="status") from None
    return each(inquiries, lambda inquiry: change_status(inquiry, actor, now, to=target))


def each(
    inquiries: Sequence[Inquiry], action: Callable[[Inquiry], object]
) -> tuple[int, list[str]]:
    """Run ``action`` on every inquiry, collecting refusals instead of stopping at one."""
    done, refused = 0, []
    for inquiry in inquiries:
        try:
            action(inquiry)
            done += 1
        except Refused as error:
            refused.append(f"{inquiry.reference}: {error}")
    return done, refused
