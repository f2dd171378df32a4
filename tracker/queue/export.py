"""``/queue/export.csv``: the queue's current tab and filters as CSV, streamed.

Rows leave the database in batches and the response as they are written, so an export of
100,000s of inquiries never sits in memory whole. The rows are the queue's own (same tab,
filters and order); cells are neutralised against spreadsheet formulas, and a sensitive
inquiry's journalist is left blank for whoever may not see them on the queue page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain

from flask import Response, stream_with_context
from flask.typing import ResponseReturnValue
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from tracker.auth.policy import can_see_identity, require_role
from tracker.choices import Role
from tracker.csvsafe import csv_rows
from tracker.extensions import db
from tracker.models import Inquiry, User
from tracker.queue import queries
from tracker.queue.blueprint import bp
from tracker.queue.views import chosen_tab, current_viewer, filter_form

HEADER = (
    "reference",
    "received_at",
    "mission",
    "phase",
    "channel",
    "status",
    "request_type",
    "topic",
    "media_type",
    "outlet",
    "name",
    "email",
    "phone",
    "subject",
    "deadline",
    "due_at",
    "first_response_at",
    "answered_at",
    "closed_at",
    "routed_contact",
    "assignee",
)
# Rows fetched per round trip: few enough to keep memory flat, many enough to be fast.
BATCH = 500


@bp.get("/export.csv")
@require_role(Role.PRESS_OFFICER)
def export_csv() -> ResponseReturnValue:
    """The queue as filtered, every page of it, as a CSV download."""
    form = filter_form()
    form.validate()
    viewer = current_viewer()
    tab = chosen_tab()
    statement = export_statement(tab, viewer, form.filters())
    rows = (export_row(inquiry, viewer.user) for inquiry in fetch(statement))
    body = stream_with_context(csv_rows(chain([HEADER], rows)))
    filename = f"queue-{tab.value}-{viewer.now:%Y%m%d-%H%M}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def export_statement(
    tab: queries.Tab, viewer: queries.Viewer, filters: queries.Filters
) -> Select[Inquiry]:
    """The queue page's query without its page limit: same rows, same order."""
    keys = queries.order_keys(tab)
    return (
        select(Inquiry)
        .options(
            joinedload(Inquiry.mission),
            joinedload(Inquiry.routed_contact),
            joinedload(Inquiry.assignee),
        )
        .where(queries.tab_condition(tab, viewer), queries.filter_condition(filters, viewer))
        .order_by(*(expression if asc else expression.desc() for expression, asc in keys))
    )


def fetch(statement: Select[Inquiry]) -> Iterator[Inquiry]:
    """The inquiries in batches (a server-side cursor on PostgreSQL), as the CSV is sent."""
    yield from db.session.scalars(statement.execution_options(yield_per=BATCH))


def export_row(inquiry: Inquiry, viewer: User) -> tuple[object, ...]:
    """One inquiry in the order of HEADER; instants in UTC, identity only where allowed."""
    visible = can_see_identity(viewer, inquiry)
    return (
        inquiry.reference,
        utc(inquiry.received_at),
        inquiry.mission.slug,
        inquiry.phase_at_receipt.value,
        inquiry.channel.value,
        inquiry.status.value,
        inquiry.request_type.value,
        inquiry.topic.value,
        inquiry.media_type.value,
        inquiry.outlet if visible else "",
        inquiry.name if visible else "",
        inquiry.email if visible else "",
        inquiry.phone if visible else "",
        inquiry.subject,
        utc(inquiry.deadline),
        utc(inquiry.due_at),
        utc(inquiry.first_response_at),
        utc(inquiry.answered_at),
        utc(inquiry.closed_at),
        inquiry.routed_contact.name if inquiry.routed_contact else "",
        inquiry.assignee.name if inquiry.assignee else "",
    )


def utc(instant: datetime | None) -> str:
    """ISO 8601 in UTC to the second ("2015-01-20T04:00:00+00:00"); empty when unset."""
    return instant.astimezone(UTC).isoformat(timespec="seconds") if instant else ""
