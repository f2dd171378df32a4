"""The queue's SQL: which inquiries each tab holds, in what order, and how many.

Plain functions over the session, with no request in sight, so they are tested and
benchmarked directly. A page costs a fixed number of queries whatever its length:
rows come with their mission, contact and assignee in one joined SELECT, and the tab
counts from one SELECT of filtered aggregates over the open rows plus one total. The
queue index (``ix_inquiries_queue``) holds every column the tabs and the order read, so
at 100,000s of inquiries a page reads a few thousand index entries and 51 rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ColumnElement,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.orm import joinedload

from tracker import phases
from tracker.auth.policy import RANK
from tracker.choices import OPEN_STATUSES, MediaType, Phase, RequestType, Role, Status
from tracker.extensions import db
from tracker.models import Contact, Inquiry, Mission, PhaseAssignment, User
from tracker.stats.sql import Unindexed


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
    text: str = ""


@dataclass(frozen=True)
class Viewer:
    """Who looks at the queue, and when: tabs such as "mine" and "handover" depend on it."""

    user: User
    now: datetime
    handover_pairs: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    @property
    def sees_identities(self) -> bool:
        return RANK[self.user.role] >= RANK[Role.MANAGER]


@dataclass(frozen=True)
class QueuePage:
    rows: Sequence[Inquiry]
    next_after: int | None


# An ORDER BY expression; Any because SQLAlchemy types columns and CASEs differently.
OrderKey = Any

OPEN = Inquiry.status.in_(OPEN_STATUSES)


def overdue(now: datetime) -> ColumnElement[bool]:
    """Open, clock running, and past its due time."""
    return and_(OPEN, Inquiry.clock_running.is_(True), Inquiry.due_at < now)


def end_of_today(viewer: Viewer) -> datetime:
    """Midnight ending the viewer's local day: "due today" is the viewer's today."""
    zone = ZoneInfo(viewer.user.timezone)
    today = viewer.now.astimezone(zone).date()
    return datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)


# The tabs that hold open inquiries only; "awaiting" does too, being one open status.
OPEN_TABS = (Tab.NEEDS_ACTION, Tab.MINE, Tab.UNASSIGNED, Tab.HANDOVER, Tab.OPEN)


def tab_condition(tab: Tab, viewer: Viewer) -> ColumnElement[bool]:
    """The WHERE clause that defines ``tab`` for ``viewer``."""
    if tab in OPEN_TABS:
        return and_(OPEN, among_open(tab, viewer))
    if tab is Tab.AWAITING:
        return Inquiry.status == Status.AWAITING_JOURNALIST
    if tab is Tab.FOLLOW_UPS:
        me = viewer.user.id
        return and_(Inquiry.assignee_id == me, Inquiry.follow_up_due_at < end_of_today(viewer))
    return ~OPEN


def among_open(tab: Tab, viewer: Viewer) -> ColumnElement[bool]:
    """What sets one of the OPEN_TABS apart among the open inquiries.

    Apart from OPEN itself so the tab counts, which read the open rows only, do not
    test every row's status against the open ones once per tab.
    """
    me = viewer.user.id
    if tab is Tab.NEEDS_ACTION:
        # Unindexed inside the OR: SQLite would otherwise search three indexes and merge
        # them, where one range of the queue index (the open rows) answers it whole.
        status, assignee = Unindexed(Inquiry.status), Unindexed(Inquiry.assignee_id)
        return or_(
            status == Status.NEW,
            and_(assignee == me, status != Status.AWAITING_JOURNALIST),
            and_(
                Unindexed(Inquiry.clock_running).is_(True),
                Unindexed(Inquiry.due_at) < viewer.now,
            ),
        )
    if tab is Tab.MINE:
        return Inquiry.assignee_id == me
    if tab is Tab.UNASSIGNED:
        return Inquiry.assignee_id.is_(None)
    if tab is Tab.HANDOVER:
        return handover_pairs_condition(viewer.handover_pairs)
    return true()


def handover_condition(pairs: frozenset[tuple[int, int]]) -> ColumnElement[bool]:
    """Open inquiries still routed to a contact of a phase that has ended."""
    return and_(OPEN, handover_pairs_condition(pairs))


def handover_pairs_condition(pairs: frozenset[tuple[int, int]]) -> ColumnElement[bool]:
    """Routed to a contact of a phase that has ended (open or not)."""
    if not pairs:
        return false()
    return tuple_(Inquiry.mission_id, Inquiry.routed_contact_id).in_(sorted(pairs))


def handover_pairs(user: User, now: datetime) -> frozenset[tuple[int, int]]:
    """(mission, contact) pairs whose contact no longer serves the mission's phase.

    An officer linked to a contact sees the missions that contact serves now; managers
    and officers without a contact see every mission's handover. Read as plain rows
    (every page asks this of every mission, so no ORM objects are built for it).
    """
    missions = db.session.execute(
        select(Mission.id, Mission.first_day, Mission.last_day, Mission.timezone)
    ).all()
    assigned: dict[int, list[tuple[Phase, int, bool]]] = defaultdict(list)
    for mission_id, phase, contact_id, active in db.session.execute(
        select(
            PhaseAssignment.mission_id,
            PhaseAssignment.phase,
            PhaseAssignment.contact_id,
            Contact.active,
        ).join(Contact, Contact.id == PhaseAssignment.contact_id)
    ):
        assigned[mission_id].append((phase, contact_id, active))
    pairs: set[tuple[int, int]] = set()
    for mission_id, first_day, last_day, zone in missions:
        held_zone(zone)
        phase = phases.phase_at(MissionDays(first_day, last_day, zone), now)
        rows = assigned[mission_id]
        current = {contact for at, contact, active in rows if at == phase and active}
        if not current or not serves(user, current):
            continue
        earlier = {contact for _, contact, _ in rows} - current
        pairs.update((mission_id, contact_id) for contact_id in earlier)
    return frozenset(pairs)


@cache
def held_zone(key: str) -> ZoneInfo:
    """``ZoneInfo(key)``, kept alive for the process.

    ZoneInfo caches zones only weakly beyond its eight most recent, so with missions in
    more zones than that every page read some zones' tz database files again (one phase
    rule per mission). A strong reference here keeps ZoneInfo's own cache warm; there
    are a few hundred zones at most.
    """
    return ZoneInfo(key)


@dataclass
class MissionDays:
    """What the phase rule needs of a mission."""

    first_day: date
    last_day: date
    timezone: str


def serves(user: User, current_contacts: set[int]) -> bool:
    if user.contact_id is None or RANK[user.role] >= RANK[Role.MANAGER]:
        return True
    return user.contact_id in current_contacts


# Filters that ask a column to equal the chosen value.
EQUALITY_FILTERS = {
    "mission_id": Inquiry.mission_id,
    "phase": Inquiry.phase_at_receipt,
    "status": Inquiry.status,
    "assignee_id": Inquiry.assignee_id,
    "request_type": Inquiry.request_type,
    "media_type": Inquiry.media_type,
}


def filter_condition(filters: Filters, viewer: Viewer) -> ColumnElement[bool]:
    """The officer's filters as one WHERE clause."""
    return and_(true(), *filter_clauses(filters, viewer))


def filter_clauses(filters: Filters, viewer: Viewer) -> list[ColumnElement[bool]]:
    """The officer's filters, one clause each (none at all without filters)."""
    clauses: list[ColumnElement[bool]] = [
        column == getattr(filters, name)
        for name, column in EQUALITY_FILTERS.items()
        if getattr(filters, name) is not None
    ]
    if filters.unassigned:
        clauses.append(Inquiry.assignee_id.is_(None))
    if filters.text:
        clauses.append(text_match(filters.text, viewer))
    return clauses


def text_match(text: str, viewer: Viewer) -> ColumnElement[bool]:
    """Reference, subject, and the journalist's name and outlet where the viewer may see them.

    A sensitive journalist's name must not be findable by someone not allowed to read it.
    """
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # SQLite's LIKE already ignores case exactly as far as its lower() does (ASCII only),
    # so ILIKE's lower() on both sides adds a function call per row and column for nothing.
    sqlite = db.session.get_bind().dialect.name == "sqlite"

    def like(column: Any) -> ColumnElement[bool]:
        if sqlite:
            return column.like(pattern, escape="\\")
        return column.ilike(pattern, escape="\\")

    identity = or_(like(Inquiry.name), like(Inquiry.outlet))
    if not viewer.sees_identities:
        allowed = or_(Inquiry.sensitive.is_(False), Inquiry.assignee_id == viewer.user.id)
        identity = and_(allowed, identity)
    return or_(like(Inquiry.reference), like(Inquiry.subject), identity)


def tab_counts(viewer: Viewer, filters: Filters) -> dict[Tab, int]:
    """Every tab's count under the current filters, in two queries.

    All tabs but two hold open inquiries only, so they are counted over the open rows,
    which the queue index holds (about one in ten, read from the index alone); "closed" is
    everything else, so it is the filtered total minus the open count; follow-ups may be
    on any status and have their own index. Two statements whatever the filters.
    """
    where = filter_clauses(filters, viewer)
    open_tabs = [tab for tab in Tab if tab not in (Tab.FOLLOW_UPS, Tab.CLOSED)]
    over_open = select(
        *(
            func.count().filter(among_open_or_awaiting(tab, viewer)).label(tab.value)
            for tab in open_tabs
        )
    ).where(OPEN, *where)
    follow_ups = select(func.count()).where(tab_condition(Tab.FOLLOW_UPS, viewer), *where)
    row = db.session.execute(
        select(over_open.subquery(), follow_ups.scalar_subquery().label(Tab.FOLLOW_UPS.value))
    ).one()
    # A statement of its own: SQLite counts a whole table from its b-tree pages only for
    # a top-level COUNT(*) without WHERE, six times faster than as a subquery.
    total = db.session.scalar(select(func.count()).select_from(Inquiry).where(*where)) or 0
    counts: dict[Tab, int] = {tab: int(row._mapping[tab.value] or 0) for tab in open_tabs}
    counts[Tab.FOLLOW_UPS] = int(row._mapping[Tab.FOLLOW_UPS.value] or 0)
    counts[Tab.CLOSED] = int(total) - counts[Tab.OPEN]
    return {tab: counts[tab] for tab in Tab}


def among_open_or_awaiting(tab: Tab, viewer: Viewer) -> ColumnElement[bool]:
    """A tab's condition for a row already known to be open."""
    return tab_condition(tab, viewer) if tab is Tab.AWAITING else among_open(tab, viewer)


def order_keys(tab: Tab) -> list[tuple[OrderKey, bool]]:
    """(expression, ascending) pairs: the urgency order, or most recent first when closed.

    Urgency: running clocks first (so overdue ones lead, since their due time is
    earliest), then nearest due time, then accreditation requests, then oldest received.
    """
    if tab is Tab.CLOSED:
        return [(Inquiry.updated_at, False), (Inquiry.id, False)]
    # clock_running DESC (true first) rather than a CASE, so the queue index, which holds
    # these columns, gives the order without computing anything per row.
    return [
        (Inquiry.clock_running, False),
        (Inquiry.due_at, True),
        (case((Inquiry.request_type == RequestType.ACCREDITATION, 0), else_=1), True),
        (Inquiry.received_at, True),
        (Inquiry.id, True),
    ]


def keyset_after(keys: list[tuple[OrderKey, bool]], anchor: int) -> ColumnElement[bool]:
    """Rows strictly after the inquiry ``anchor`` in the order ``keys``.

    Keyset pagination: page 500 costs what page 1 costs, unlike OFFSET.
    """
    values = select(*(expression for expression, _ in keys)).where(Inquiry.id == anchor)
    anchor_row = db.session.execute(values).one_or_none()
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
    """One page of ``tab``: at most ``size`` rows after the inquiry ``after``.

    Two steps: the page's ids are picked in order from the queue index alone (sorting a
    few thousand index entries, not whole rows), then only those rows are loaded.
    """
    keys = order_keys(tab)
    order = [expression if asc else expression.desc() for expression, asc in keys]
    ids = (
        select(Inquiry.id)
        .where(tab_condition(tab, viewer), filter_condition(filters, viewer))
        .order_by(*order)
        .limit(size + 1)
    )
    if after is not None:
        ids = ids.where(keyset_after(keys, after))
    # A row shows its contact's and assignee's names only: loading just those skips
    # decoding the contacts' JSON columns (phones, languages) 50 times per page; the
    # mission is not shown at all.
    statement = (
        select(Inquiry)
        .options(
            joinedload(Inquiry.routed_contact).load_only(Contact.name),
            joinedload(Inquiry.assignee).load_only(User.name),
        )
        .where(Inquiry.id.in_(ids.scalar_subquery()))
        .order_by(*order)
    )
    rows = db.session.scalars(statement).unique().all()
    next_after = rows[size - 1].id if len(rows) > size else None
    return QueuePage(rows[:size], next_after)
