"""``/queue/export.csv``: the queue's current tab and filters as CSV, streamed.

Rows leave the database in batches and the response as they are written, so an export of
100,000s of inquiries never sits in memory whole. The rows are the queue's own (same tab,
filters and order); cells are neutralised against spreadsheet formulas, and a sensitive
inquiry's journalist is left blank for whoever may not see them on the queue page.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from itertools import chain
from typing import Any

from flask import Response, stream_with_context
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, Row, Select, String, select, type_coerce
from sqlalchemy.orm import aliased

from tracker.auth.policy import require_role
from tracker.choices import Role
from tracker.csvsafe import csv_rows
from tracker.extensions import db
from tracker.inquiries import sensitivity
from tracker.inquiries.sensitivity import identity_visible
from tracker.models import Contact, Inquiry, Mission, User
from tracker.queue import bp, listing
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
    filters = form.filters()
    seen = listing.sensitive_seen(tab, viewer, filters)
    if sensitivity.record_identity_views(viewer.user, seen, viewer.now):
        db.session.commit()
    statement = export_statement(tab, listing.shape_of(viewer, filters))
    values = listing.parameters(viewer, filters)
    rows = (export_row(row, viewer.user) for row in fetch(statement, values))
    body = stream_with_context(csv_rows(chain([HEADER], rows)))
    filename = f"queue-{tab.value}-{viewer.now:%Y%m%d-%H%M}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def export_statement(tab: listing.Tab, shape: listing.Shape) -> Select[*tuple[Any, ...]]:
    """The queue page's query without its page limit: same rows, same order.

    Its values are bound at execution (``listing.parameters``).

    The exported columns only, in the order of HEADER, then what the identity rule reads.
    Plain rows rather than ``Inquiry`` objects: at thousands of rows, building the ORM
    objects of each inquiry, mission, contact and assignee (and decoding the JSON columns
    of the last three) cost most of the export. Outer joins, as ``joinedload`` emitted,
    so a row never drops out for want of a contact or an assignee.
    """
    keys = listing.order_keys(tab)
    assignee = aliased(User)
    return (
        select(
            Inquiry.reference,
            Inquiry.received_at,
            Mission.slug,
            stored(Inquiry.phase_at_receipt),
            stored(Inquiry.channel),
            stored(Inquiry.status),
            stored(Inquiry.request_type),
            stored(Inquiry.topic),
            stored(Inquiry.media_type),
            Inquiry.outlet,
            Inquiry.name,
            Inquiry.email,
            Inquiry.phone,
            Inquiry.subject,
            Inquiry.deadline,
            Inquiry.due_at,
            Inquiry.first_response_at,
            Inquiry.answered_at,
            Inquiry.closed_at,
            Contact.name,
            assignee.name,
            Inquiry.sensitive,
            Inquiry.assignee_id,
        )
        .select_from(Inquiry)
        .outerjoin(Mission, Mission.id == Inquiry.mission_id)
        .outerjoin(Contact, Contact.id == Inquiry.routed_contact_id)
        .outerjoin(assignee, assignee.id == Inquiry.assignee_id)
        .where(listing.tab_condition(tab), listing.filter_condition(shape))
        .order_by(*(expression if asc else expression.desc() for expression, asc in keys))
    )


def stored(column: Any) -> ColumnElement[str]:
    """An enum column read as the value it stores, which is what the CSV shows.

    Skips turning every cell into its enum member only to take ``.value`` back out.
    """
    return type_coerce(column, String)


def fetch(
    statement: Select[*tuple[Any, ...]], values: dict[str, Any]
) -> Iterator[Row[*tuple[Any, ...]]]:
    """The rows in batches (a server-side cursor on PostgreSQL), as the CSV is sent."""
    yield from db.session.execute(statement.execution_options(yield_per=BATCH), values)


def export_row(row: Sequence[Any], viewer: User) -> tuple[object, ...]:
    """One row in the order of HEADER; instants in UTC, identity only where allowed."""
    # Unpacked once: a Row's attributes are looked up by name, a few times slower.
    (
        reference,
        received_at,
        mission,
        phase,
        channel,
        status,
        request_type,
        topic,
        media_type,
        outlet,
        name,
        email,
        phone,
        subject,
        deadline,
        due_at,
        first_response_at,
        answered_at,
        closed_at,
        routed_contact,
        assignee,
        sensitive,
        assignee_id,
    ) = row
    if not identity_visible(viewer, sensitive, assignee_id):
        outlet = name = email = phone = subject = ""
    return (
        reference,
        utc(received_at),
        mission,
        phase,
        channel,
        status,
        request_type,
        topic,
        media_type,
        outlet,
        name,
        email,
        phone,
        subject,
        utc(deadline),
        utc(due_at),
        utc(first_response_at),
        utc(answered_at),
        utc(closed_at),
        routed_contact or "",
        assignee or "",
    )


def utc(instant: datetime | None) -> str:
    """ISO 8601 in UTC to the second ("2015-01-20T04:00:00+00:00"); empty when unset."""
    return instant.astimezone(UTC).isoformat(timespec="seconds") if instant else ""
