"""Bulk assign and bulk status change: the desk's own actions, applied one by one.

Each inquiry goes through the same service as its own page, so an illegal transition
on one is refused with its reason while the others go through.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from tracker.choices import Status
from tracker.desk import services
from tracker.extensions import db
from tracker.inquiries.lifecycle import IllegalTransition
from tracker.models import Inquiry, User
from tracker.queue.forms import BulkForm


class BulkError(ValueError):
    """The bulk request itself is wrong (unknown action, assignee or status)."""


def apply(
    form: BulkForm, inquiries: Sequence[Inquiry], actor: User, now: datetime
) -> tuple[int, list[str]]:
    """Apply the form's action; return how many succeeded and why the others did not."""
    if form.action.data == "assign":
        assignee = db.session.get(User, int(form.assignee.data or 0))
        if assignee is None or not assignee.active:
            raise BulkError("Choose an active officer to assign to.")
        return each(inquiries, lambda inquiry: services.assign(inquiry, actor, now, to=assignee))
    if form.action.data == "status":
        try:
            status = Status(form.status.data)
        except ValueError:
            raise BulkError("Choose a status.") from None
        return each(
            inquiries, lambda inquiry: services.change_status(inquiry, actor, now, to=status)
        )
    raise BulkError("Choose an action.")


def each(
    inquiries: Sequence[Inquiry], action: Callable[[Inquiry], object]
) -> tuple[int, list[str]]:
    """Run ``action`` on every inquiry, collecting refusals instead of stopping at one."""
    done, refused = 0, []
    for inquiry in inquiries:
        try:
            action(inquiry)
            done += 1
        except (IllegalTransition, services.ActionRefused) as error:
            refused.append(f"{inquiry.reference}: {error}")
    return done, refused
