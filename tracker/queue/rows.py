"""A queue page's rows as the officer reads them: every cell's words worked out once.

The page shows 50 rows of some 15 cells. Worked out here, in one pass over plain column
values, rather than in the template (a filter call, an enum label and an attribute look-up
through the ORM per cell), the rows cost a fraction of what they did; the template only
places and escapes these strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from jinja2.utils import url_quote

from tracker.choices import OPEN_STATUSES, Channel, MediaType, RequestType, Status
from tracker.formatting import due_words, format_instant, format_relative
from tracker.inquiries.sensitivity import HIDDEN, identity_visible
from tracker.models import User


class Urgency(StrEnum):
    """The groups of the queue's urgency order, in that order (listing.order_keys)."""

    DUE = "due"  # clock running, due time still ahead: nearest first
    OVERDUE = "overdue"  # clock running, due time passed: longest overdue first
    STOPPED = "stopped"  # responded, or paused while awaiting the journalist


def urgency_of(clock_running: bool, due_at: datetime, order_now: datetime) -> Urgency:
    """The group of a row, as ``listing.order_keys`` places it."""
    if not clock_running:
        return Urgency.STOPPED
    return Urgency.OVERDUE if due_at < order_now else Urgency.DUE


# Labels by member, read once: an enum's ``label`` property is a slow look-up per cell.
LABELS = {
    member: member.label for enum in (Channel, MediaType, RequestType, Status) for member in enum
}


class QueueRow(NamedTuple):
    """The columns of one inquiry that its queue row shows."""

    id: int
    reference: str
    channel: Channel
    received_at: datetime
    name: str | None
    outlet: str | None
    media_type: MediaType
    sensitive: bool
    assignee_id: int | None
    subject: str
    request_type: RequestType
    status: Status
    clock_running: bool
    due_at: datetime
    first_response_at: datetime | None
    deadline: datetime | None
    routed_to: str | None
    assignee: str | None
    routed_office: str | None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True, slots=True)
class RowView:
    """One row's cells as words, in the order of the table."""

    id: int
    reference: str
    href: str
    channel: str
    received: str
    received_relative: str
    identity_visible: bool
    name: str | None
    outlet: str | None
    media_type: str
    subject: str
    request_type: str
    due_words: str
    # The due time for site.js to keep the words true, only while the clock runs.
    live_due: str | None
    due: str
    deadline: str
    # "Geneva office closed, back …": the routed contact's office is out of hours now.
    office_closed: str
    routed_to: str
    assignee: str
    status: str
    # Its group in the urgency order (tracker.queue.listing.Urgency).
    urgency: Urgency


@dataclass(frozen=True, slots=True)
class Section:
    """Consecutive rows of one urgency group, under its heading (none for the first)."""

    heading: str | None
    rows: list[RowView]


# The headings the table shows where a group starts; the rows still due need none.
HEADINGS = {
    Urgency.DUE: None,
    Urgency.OVERDUE: "Overdue",
    Urgency.STOPPED: "Responded or awaiting the journalist",
}


def sections(views: list[RowView], grouped: bool) -> list[Section]:
    """The page's rows cut where the urgency group changes (``grouped``: the tab is in
    urgency order), each part under its group's heading."""
    if not grouped:
        return [Section(None, views)] if views else []
    found: list[Section] = []
    for view in views:
        if not found or found[-1].rows[-1].urgency is not view.urgency:
            found.append(Section(HEADINGS[view.urgency], []))
        found[-1].rows.append(view)
    return found


def row_views(
    rows: Iterable[QueueRow],
    viewer: User,
    now: datetime,
    language: str,
    inquiry_href: str,
    office_returns: Mapping[str, datetime],
    order_now: datetime | None = None,
) -> list[RowView]:
    """The rows' cells for ``viewer``, dates in the viewer's zone and ``language``.

    ``inquiry_href`` is the inquiry page's URL with ``REFERENCE`` for the reference (one
    ``url_for`` per page rather than one per row). ``office_returns`` gives, for each
    office closed now, when it is back (read once per page, not per row). ``order_now`` is
    the instant the order's groups were taken at (now, unless paging on from an earlier
    page).
    """
    zone = viewer.timezone
    grouped_at = order_now or now
    closed = {
        office: f"{office} office closed, back {format_instant(back, zone, language)}"
        for office, back in office_returns.items()
    }
    views = []
    for row in rows:
        visible = identity_visible(viewer, row.sensitive, row.assignee_id)
        words = due_words(row, now)
        live = words and row.clock_running and not row.first_response_at
        views.append(
            RowView(
                id=row.id,
                reference=row.reference,
                href=inquiry_href.replace("REFERENCE", url_quote(row.reference)),
                channel=LABELS[row.channel],
                received=format_instant(row.received_at, zone, language),
                received_relative=format_relative(row.received_at, now, language),
                identity_visible=visible,
                name=row.name if visible else None,
                outlet=row.outlet if visible else None,
                media_type=LABELS[row.media_type],
                subject=row.subject if visible else HIDDEN.capitalize(),
                request_type=LABELS[row.request_type],
                due_words=words,
                live_due=row.due_at.isoformat(timespec="seconds") if live else None,
                due=format_instant(row.due_at, zone, language),
                deadline=format_instant(row.deadline, zone, language),
                office_closed=closed.get(row.routed_office or "", "") if row.is_open else "",
                routed_to="—" if row.routed_to is None else row.routed_to,
                assignee="Unassigned" if row.assignee is None else row.assignee,
                status=LABELS[row.status],
                urgency=urgency_of(row.clock_running, row.due_at, grouped_at),
            )
        )
    return views
