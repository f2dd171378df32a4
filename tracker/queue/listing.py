"""The queue's SQL: which inquiries each tab holds, in what order, and how many.

Plain functions over the session, with no request in sight, so they are tested and
benchmarked directly. A page costs a fixed number of queries whatever its length:
rows come as plain columns with their contact's and assignee's names in one joined
SELECT, and the tab counts from one SELECT of filtered aggregates over the open rows
plus one total. The queue index (``ix_inquiries_queue``) holds every column the tabs
and the order read, so at 100,000s of inquiries a page reads a few thousand index
entries and 51 rows.

The statements are built once per shape (tab, which filters, who looks, which database)
and read the viewer, the time and the filters' values as bound parameters
(``parameters``): building and compiling them anew cost more than running them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    or_,
    select,
    table,
    true,
)
from sqlalchemy.orm import aliased

from tracker.choices import MediaType, Phase, RequestType, Role, Status
from tracker.extensions import db
from tracker.inquiries import handover
from tracker.inquiries.conditions import OPEN
from tracker.models import Contact, Inquiry, User, search_index
from tracker.queue.rows import QueueRow, Urgency
from tracker.sql import Unindexed


class Tab(StrEnum):
    NEEDS_ACTION = "needs_action"
    MINE = "mine"
    UNASSIGNED = "unassigned"
    AWAITING = "awaiting"
    FOLLOW_UPS = "follow_ups"
    HANDOVER = "handover"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return TAB_LABELS[self]


TAB_LABELS = {
    Tab.NEEDS_ACTION: "Needs action",
    Tab.MINE: "Mine",
    Tab.UNASSIGNED: "Unassigned",
    Tab.AWAITING: "Awaiting journalist",
    Tab.FOLLOW_UPS: "Follow-ups due",
    Tab.HANDOVER: "Handover",
    Tab.OPEN: "All open",
    Tab.CLOSED: "Closed",
}


@dataclass(frozen=True)
class Filters:
    """Narrowing chosen by the officer; None means "any"."""

    mission_id: int | None = None
    phase: Phase | None = None
    status: Status | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    request_type: RequestType | None = None
    media_type: MediaType | None = None
    # "Routed to me": the contact linked to the viewer's account.
    routed_contact_id: int | None = None
    # The journalist's preferred language (the answer's), e.g. "ru".
    language: str | None = None
    text: str = ""


@dataclass(frozen=True)
class Viewer:
    """Who looks at the queue, and when: tabs such as "mine" and "handover" depend on it.

    ``as_of`` is the instant the urgency order splits due from overdue, when it is not now:
    the next page's link carries the first page's, so that paging walks one order even
    as inquiries fall overdue meanwhile.
    """

    user: User
    now: datetime
    handover_pairs: frozenset[tuple[int, int]] = field(default_factory=frozenset)
    as_of: datetime | None = None

    @property
    def sees_identities(self) -> bool:
        return self.user.role.at_least(Role.MANAGER)

    @property
    def order_now(self) -> datetime:
        return self.as_of or self.now


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[QueueRow]
    next_after: int | None


# An ORDER BY expression; Any because SQLAlchemy types columns and CASEs differently.
OrderKey = Any


def end_of_today(viewer: Viewer) -> datetime:
    """Midnight ending the viewer's local day: "due today" is the viewer's today."""
    zone = ZoneInfo(viewer.user.timezone)
    today = viewer.now.astimezone(zone).date()
    return datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)


# The tabs that hold open inquiries only; "awaiting" does too, being one open status.
OPEN_TABS = (Tab.NEEDS_ACTION, Tab.MINE, Tab.UNASSIGNED, Tab.HANDOVER, Tab.OPEN)


def tab_condition(tab: Tab) -> ColumnElement[bool]:
    """The WHERE clause that defines ``tab`` (for the viewer in ``parameters``)."""
    if tab in OPEN_TABS:
        return and_(OPEN, among_open(tab))
    if tab is Tab.AWAITING:
        return Inquiry.status == Status.AWAITING_JOURNALIST
    if tab is Tab.FOLLOW_UPS:
        return and_(
            Inquiry.assignee_id == bindparam("me"),
            Inquiry.follow_up_due_at < bindparam("end_of_today"),
        )
    return ~OPEN


def among_open(tab: Tab) -> ColumnElement[bool]:
    """What sets one of the OPEN_TABS apart among the open inquiries.

    Apart from OPEN itself so the tab counts, which read the open rows only, do not
    test every row's status against the open ones once per tab.
    """
    if tab is Tab.NEEDS_ACTION:
        # Unindexed inside the OR: SQLite would otherwise search three indexes and merge
        # them, where one range of the queue index (the open rows) answers it whole.
        status, assignee = Unindexed(Inquiry.status), Unindexed(Inquiry.assignee_id)
        return or_(
            status == Status.NEW,
            and_(assignee == bindparam("me"), status != Status.AWAITING_JOURNALIST),
            and_(
                Unindexed(Inquiry.clock_running).is_(True),
                Unindexed(Inquiry.due_at) < bindparam("now"),
            ),
        )
    if tab is Tab.MINE:
        return Inquiry.assignee_id == bindparam("me")
    if tab is Tab.UNASSIGNED:
        return Inquiry.assignee_id.is_(None)
    if tab is Tab.HANDOVER:
        return handover.pairs_condition()
    return true()


def parameters(viewer: Viewer, filters: Filters) -> dict[str, Any]:
    """The values the queue's statements read, by bound parameter name."""
    values: dict[str, Any] = {
        "me": viewer.user.id,
        "now": viewer.now,
        "end_of_today": end_of_today(viewer),
        "order_now": viewer.order_now,
        **handover.pair_parameters(viewer.handover_pairs),
    }
    values.update(
        (name, getattr(filters, name))
        for name in EQUALITY_FILTERS
        if getattr(filters, name) is not None
    )
    if filters.text:
        values["pattern"] = like_pattern(filters.text)
        values["indexed_phrase"] = search_index.phrase(filters.text)
    return values


# Filters that ask a column to equal the chosen value.
EQUALITY_FILTERS = {
    "mission_id": Inquiry.mission_id,
    "phase": Inquiry.phase_at_receipt,
    "status": Inquiry.status,
    "assignee_id": Inquiry.assignee_id,
    "request_type": Inquiry.request_type,
    "media_type": Inquiry.media_type,
    "routed_contact_id": Inquiry.routed_contact_id,
    "language": Inquiry.language,
}


@dataclass(frozen=True)
class Shape:
    """What a statement's text depends on, beyond the values it is given."""

    filters: tuple[str, ...]
    sees_identities: bool
    dialect: str
    # The searched text holds no line break, so search_text may stand for its columns.
    one_line_text: bool = True
    # The database's search index can answer it (tracker/models/search_index.py): SQLite's
    # FTS5 table counts the total, PostgreSQL's trigram index serves every statement.
    indexed_text: bool = False

    @property
    def trigram_text(self) -> bool:
        """PostgreSQL tests search_text, which its trigram index finds, in every statement."""
        return self.indexed_text and self.dialect == "postgresql"


def shape_of(viewer: Viewer, filters: Filters) -> Shape:
    """The filters in use (by name), whether the viewer sees every journalist, the database."""
    used = [name for name in EQUALITY_FILTERS if getattr(filters, name) is not None]
    if filters.unassigned:
        used.append("unassigned")
    if filters.text:
        used.append("text")
    dialect = db.session.get_bind().dialect.name
    one_line = "\n" not in filters.text
    indexed = search_index.searchable(filters.text)
    return Shape(tuple(used), viewer.sees_identities, dialect, one_line, indexed)


def filter_condition(shape: Shape) -> ColumnElement[bool]:
    """The officer's filters as one WHERE clause."""
    return and_(true(), *filter_clauses(shape))


def filter_clauses(shape: Shape) -> list[ColumnElement[bool]]:
    """The officer's filters, one clause each (none at all without filters)."""
    clauses: list[ColumnElement[bool]] = [
        column == bindparam(name)
        for name, column in EQUALITY_FILTERS.items()
        if name in shape.filters
    ]
    if "unassigned" in shape.filters:
        clauses.append(Inquiry.assignee_id.is_(None))
    if "text" in shape.filters:
        clauses.append(text_match_anywhere(shape) if shape.trigram_text else text_match(shape))
    return clauses


def like_pattern(text: str) -> str:
    """``text`` anywhere, its wildcards taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def text_match(shape: Shape) -> ColumnElement[bool]:
    """Reference, and subject and the journalist's name and outlet where the viewer may
    see them.

    A sensitive inquiry must not be findable by its text by someone not allowed to read
    it: they find it by its reference only.
    """
    readable = or_(
        like(Inquiry.subject, shape), like(Inquiry.name, shape), like(Inquiry.outlet, shape)
    )
    if not shape.sees_identities:
        readable = and_(identity_allowed(), readable)
    return or_(like(Inquiry.reference, shape), readable)


SEARCH_INDEX = table(search_index.TABLE, column(search_index.TABLE))


def indexed_total(shape: Shape) -> Select[Any]:
    """How many inquiries a search finds in all, counted by the search index.

    The index has a row per inquiry and finds exactly what ``text_match_anywhere`` would.
    A viewer who does not see every journalist finds fewer: less the sensitive inquiries
    not theirs found by anything but their reference (about one inquiry in a hundred is
    sensitive, found through ix_inquiries_sensitive).
    """
    found = SEARCH_INDEX.c[search_index.TABLE].op("MATCH")(bindparam("indexed_phrase"))
    total = select(func.count()).select_from(SEARCH_INDEX).where(found).scalar_subquery()
    if shape.sees_identities:
        return select(total)
    hidden = select(func.count()).where(
        Inquiry.sensitive == true(),
        or_(Inquiry.assignee_id.is_(None), Inquiry.assignee_id != bindparam("me")),
        or_(like(Inquiry.subject, shape), like(Inquiry.name, shape), like(Inquiry.outlet, shape)),
        ~like(Inquiry.reference, shape),
    )
    return select(total - hidden.scalar_subquery())


def identity_allowed() -> ColumnElement[bool]:
    """The viewer may see the journalist (for a viewer who does not see every one)."""
    return or_(Inquiry.sensitive.is_(False), Inquiry.assignee_id == bindparam("me"))


def like(column: Any, shape: Shape) -> ColumnElement[bool]:
    """``column`` holds the searched text (the "pattern" parameter), ignoring case.

    SQLite's LIKE already ignores case exactly as far as its lower() does (ASCII only),
    so ILIKE's lower() on both sides would add a function call per row for nothing.
    """
    if shape.dialect == "sqlite":
        return column.like(bindparam("pattern"), escape="\\")
    return column.ilike(bindparam("pattern"), escape="\\")


def text_match_anywhere(shape: Shape) -> ColumnElement[bool]:
    """``text_match`` for a scan of every row, or for PostgreSQL's trigram index: one LIKE
    per row on ``search_text``.

    Searched text without a line break is in ``search_text`` (the four columns, a line
    each) exactly when it is in one of them. A sensitive inquiry the viewer may not see
    is found by its reference only: those few rows are tested again on it.
    """
    found = like(Inquiry.search_text, shape)
    if shape.sees_identities:
        return found
    return and_(found, or_(identity_allowed(), like(Inquiry.reference, shape)))


def tab_counts(viewer: Viewer, filters: Filters) -> dict[Tab, int]:
    """Every tab's count under the current filters, in two queries.

    All tabs but two hold open inquiries only, so they are counted over the open rows,
    which the queue index holds (about one in ten, read from the index alone); "closed" is
    everything else, so it is the filtered total minus the open count; follow-ups may be
    on any status and have their own index. Two statements whatever the filters.
    """
    by_tab, total = count_statements(shape_of(viewer, filters))
    values = parameters(viewer, filters)
    row = db.session.execute(by_tab, values).one()
    counts: dict[Tab, int] = {tab: int(row._mapping[tab.value] or 0) for tab in COUNTED_OVER_OPEN}
    counts[Tab.FOLLOW_UPS] = int(row._mapping[Tab.FOLLOW_UPS.value] or 0)
    counts[Tab.CLOSED] = int(db.session.scalar(total, values) or 0) - counts[Tab.OPEN]
    return {tab: counts[tab] for tab in Tab}


COUNTED_OVER_OPEN = [tab for tab in Tab if tab not in (Tab.FOLLOW_UPS, Tab.CLOSED)]


@cache
def count_statements(shape: Shape) -> tuple[Select[*tuple[Any, ...]], Select[Any]]:
    """The counts of every tab but "closed", and the filtered total."""
    where = filter_clauses(shape)
    over_open = select(
        *(
            func.count().filter(among_open_or_awaiting(tab)).label(tab.value)
            for tab in COUNTED_OVER_OPEN
        )
    ).where(OPEN, *where)
    follow_ups = select(func.count()).where(tab_condition(Tab.FOLLOW_UPS), *where)
    by_tab = select(over_open.subquery(), follow_ups.scalar_subquery().label(Tab.FOLLOW_UPS.value))
    # A statement of its own: SQLite counts a whole table from its b-tree pages only for
    # a top-level COUNT(*) without WHERE, far faster than as a subquery.
    total = select(func.count()).select_from(Inquiry)
    if shape.filters == ("text",) and shape.indexed_text and shape.dialect == "sqlite":
        return by_tab, indexed_total(shape)
    # With PostgreSQL's trigram index the text clause is search_text's already.
    if shape.filters != ("text",) or not shape.one_line_text or shape.trigram_text:
        return by_tab, total.where(*where)
    # Searching, and only searching, for text too short for the search index: the total
    # tests every row, with one LIKE each through
    # ix_inquiries_match. Every search_text is >= '' (four NOT NULL columns): the
    # range, which changes nothing, is what makes SQLite's planner read that index, as it
    # does not see it holding search_text (a VIRTUAL column on a migrated database) and
    # would otherwise compute it from the wide rows. Other filters read the columns of
    # ix_inquiries_search, as before.
    return by_tab, total.where(Inquiry.search_text >= "", text_match_anywhere(shape))


def among_open_or_awaiting(tab: Tab) -> ColumnElement[bool]:
    """A tab's condition for a row already known to be open."""
    return tab_condition(tab) if tab is Tab.AWAITING else among_open(tab)


def sensitive_seen(tab: Tab, viewer: Viewer, filters: Filters) -> list[int]:
    """The sensitive inquiries of ``tab`` whose journalist ``viewer`` sees (an export of the
    whole tab shows them all, and each viewing is recorded). Few rows: one in a hundred is
    sensitive, read through ix_inquiries_sensitive."""
    shape = shape_of(viewer, filters)
    seen = select(Inquiry.id).where(
        Inquiry.sensitive.is_(True), tab_condition(tab), filter_condition(shape)
    )
    if not shape.sees_identities:
        seen = seen.where(Inquiry.assignee_id == bindparam("me"))
    return list(db.session.scalars(seen, parameters(viewer, filters)))


# A running clock past its due time, as of the order's instant (``order_now``); the same
# groups as rows.urgency_of.
RUNNING = Inquiry.clock_running.is_(True)
OVERDUE_AS_OF = and_(RUNNING, Inquiry.due_at < bindparam("order_now"))
URGENCY_RANK = {Urgency.DUE: 0, Urgency.OVERDUE: 1, Urgency.STOPPED: 2}


def order_keys(tab: Tab) -> list[tuple[OrderKey, bool]]:
    """(expression, ascending) pairs: the urgency order, or most recent first when closed.

    Urgency: inquiries still due first, nearest due time first, so one due in three hours
    is never below forty that were due yesterday; then the overdue ones, a group of their
    own (longest overdue first, as before); then those whose clock stopped (responded, or
    awaiting the journalist). Within a due time, accreditation requests, then the oldest
    received.

    Every key is computed from columns of the queue index (clock_running, due_at,
    request_type, received_at, id), so the rows are still chosen and sorted from the
    index alone. The group's CASE reads "order_now", a parameter like the rest.
    """
    if tab is Tab.CLOSED:
        return [(Inquiry.updated_at, False), (Inquiry.id, False)]
    group = case(
        (OVERDUE_AS_OF, URGENCY_RANK[Urgency.OVERDUE]),
        (RUNNING, URGENCY_RANK[Urgency.DUE]),
        else_=URGENCY_RANK[Urgency.STOPPED],
    )
    return [
        (group, True),
        (Inquiry.due_at, True),
        (case((Inquiry.request_type == RequestType.ACCREDITATION, 0), else_=1), True),
        (Inquiry.received_at, True),
        (Inquiry.id, True),
    ]


def keyset_after(
    keys: list[tuple[OrderKey, bool]], anchor: int, values: dict[str, Any]
) -> ColumnElement[bool]:
    """Rows strictly after the inquiry ``anchor`` in the order ``keys``.

    Keyset pagination: page 500 costs what page 1 costs, unlike OFFSET. ``values`` are
    the parameters the keys read (the order's instant).
    """
    statement = select(*(expression for expression, _ in keys)).where(Inquiry.id == anchor)
    anchor_row = db.session.execute(statement, values).one_or_none()
    if anchor_row is None:
        return true()
    clauses = []
    for index, (expression, ascending) in enumerate(keys):
        value = anchor_row[index]
        if isinstance(value, bool):
            # clock_running: SQLAlchemy compares a Python bool only with = and IS.
            value = literal(value, Boolean())
        beyond = expression > value if ascending else expression < value
        equal_before = [keys[i][0] == anchor_row[i] for i in range(index)]
        clauses.append(and_(*equal_before, beyond))
    return or_(*clauses)


def queue_page(
    tab: Tab, viewer: Viewer, filters: Filters, after: int | None = None, size: int = 50
) -> QueuePage:
    """One page of ``tab``: at most ``size`` rows after the inquiry ``after``."""
    shape = shape_of(viewer, filters)
    values = parameters(viewer, filters)
    if after is None:
        statement = page_statement(tab, shape, size)
    else:
        keyset = keyset_after(order_keys(tab), after, values)
        statement = build_page_statement(tab, shape, size, keyset)
    found = db.session.execute(statement, values)
    rows = [QueueRow._make(row) for row in found]
    next_after = rows[size - 1].id if len(rows) > size else None
    return QueuePage(rows[:size], next_after)


@cache
def page_statement(tab: Tab, shape: Shape, size: int) -> Select[*tuple[Any, ...]]:
    """The first page's statement, built once per shape."""
    return build_page_statement(tab, shape, size, true())


def build_page_statement(
    tab: Tab, shape: Shape, size: int, after: ColumnElement[bool]
) -> Select[*tuple[Any, ...]]:
    """``size`` + 1 rows of ``tab`` that come ``after`` (a keyset condition), in order.

    Two steps: the page's ids are picked in order from the queue index alone (sorting a
    few thousand index entries, not whole rows), then only those rows are read. Plain
    columns, not Inquiry objects: building 50 inquiries with their contact and assignee
    cost more than the SQL that finds them. Outer joins, so a row never drops out for
    want of a contact or an assignee.
    """
    keys = order_keys(tab)
    order = [expression if asc else expression.desc() for expression, asc in keys]
    ids = (
        select(Inquiry.id)
        .where(tab_condition(tab), filter_condition(shape), after)
        .order_by(*order)
        .limit(size + 1)
    )
    assignee = aliased(User)
    return (
        select(
            Inquiry.id,
            Inquiry.reference,
            Inquiry.channel,
            Inquiry.received_at,
            Inquiry.name,
            Inquiry.outlet,
            Inquiry.media_type,
            Inquiry.sensitive,
            Inquiry.assignee_id,
            Inquiry.subject,
            Inquiry.request_type,
            Inquiry.status,
            Inquiry.clock_running,
            Inquiry.due_at,
            Inquiry.first_response_at,
            Inquiry.deadline,
            Contact.name,
            assignee.name,
            Contact.office,
        )
        .select_from(Inquiry)
        .outerjoin(Contact, Contact.id == Inquiry.routed_contact_id)
        .outerjoin(assignee, assignee.id == Inquiry.assignee_id)
        .where(Inquiry.id.in_(ids.scalar_subquery()))
        .order_by(*order)
    )
