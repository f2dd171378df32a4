"""The triage queue: urgency order, tabs with counts, filters, privacy, paging, cost."""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from tracker.choices import RequestType, Role, Status, Topic
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, User
from tracker.queue import listing
from tracker.queue import views as queue_views


def queue_html(client: FlaskClient, **params: str) -> str:
    response = client.get("/queue", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def references_in(html: str) -> list[str]:
    """References in the order the rows show them."""
    return re.findall(r'class="reference">(KAZ15-\d{4})<', html)


def received(make_inquiry: Callable[..., Receipt], when: str, **fields: Any) -> Inquiry:
    return make_inquiry(received_at=when, **fields).inquiry


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/queue")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/queue")


def test_default_tab_puts_nearest_due_first_then_accreditation_then_the_overdue(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    later = received(make_inquiry, "2015-01-20T11:00:00+06:00")  # due 15:00
    overdue = received(make_inquiry, "2015-01-20T06:00:00+06:00")  # due 10:00, overdue
    tight = received(
        make_inquiry,
        "2015-01-20T11:30:00+06:00",
        deadline=datetime.fromisoformat("2015-01-20T12:30:00+06:00"),
    )
    plain = received(make_inquiry, "2015-01-20T10:00:00+06:00")  # due 14:00
    accreditation = received(
        make_inquiry, "2015-01-20T10:00:00+06:00", request_type=RequestType.ACCREDITATION
    )
    html = queue_html(client)
    assert references_in(html) == [
        tight.reference,
        accreditation.reference,
        plain.reference,
        later.reference,
        overdue.reference,
    ]
    assert "Overdue by 2 hours" in html
    assert "30 minutes left" in html


def group_headings(html: str) -> list[str]:
    return re.findall(r'<tr class="group-heading"><th[^>]*>([^<]+)</th>', html)


def test_one_still_due_comes_before_forty_overdue_by_a_day_which_keep_their_own_group(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    yesterday = datetime.fromisoformat("2015-01-19T06:00:00+06:00")
    stale = [received(make_inquiry, yesterday + timedelta(minutes=m)) for m in range(40)]
    due_soon = received(make_inquiry, "2015-01-20T11:00:00+06:00")  # due 15:00: 3 hours
    html = queue_html(client)
    order = references_in(html)
    assert order[0] == due_soon.reference
    assert order[1:] == [inquiry.reference for inquiry in stale]
    assert group_headings(html) == ["Overdue"]
    # The heading sits between the rows still due and the overdue ones.
    assert html.index(due_soon.reference) < html.index("Overdue</th>")
    assert html.index("Overdue</th>") < html.index(stale[0].reference)


def test_responded_inquiries_follow_those_whose_clock_still_runs(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    answered_early = received(make_inquiry, "2015-01-20T06:00:00+06:00")
    answered_early.clock_running = False
    answered_early.first_response_at = at_noon
    answered_early.status = Status.IN_PROGRESS
    answered_early.assignee = officer
    waiting = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    db.session.commit()
    html = queue_html(client)
    assert references_in(html) == [waiting.reference, answered_early.reference]
    assert group_headings(html) == ["Responded or awaiting the journalist"]


def tab_count(html: str, label: str) -> int:
    match = re.search(rf"{label}\s*<span class=\"count\">(\d+)</span>", html)
    assert match, f"no tab {label}"
    return int(match.group(1))


def test_each_tab_holds_what_its_name_says_with_live_counts(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    colleague = make_user(name="Karen Blanc")
    new = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    mine = received(make_inquiry, "2015-01-20T11:05:00+06:00")
    mine.assignee, mine.status = officer, Status.IN_PROGRESS
    theirs = received(make_inquiry, "2015-01-20T11:10:00+06:00")
    theirs.assignee, theirs.status = colleague, Status.ASSIGNED
    waiting = received(make_inquiry, "2015-01-20T11:15:00+06:00")
    waiting.assignee, waiting.status = officer, Status.AWAITING_JOURNALIST
    waiting.clock_running = False
    done = received(make_inquiry, "2015-01-20T09:00:00+06:00")
    done.status, done.closed_at = Status.CLOSED, at_noon
    follow = received(make_inquiry, "2015-01-19T09:00:00+06:00")
    follow.assignee, follow.status = officer, Status.ANSWERED
    follow.follow_up_due_at = at_noon + timedelta(hours=3)
    db.session.commit()

    def tab(name: str) -> list[str]:
        return references_in(queue_html(client, tab=name))

    assert set(tab("needs_action")) == {new.reference, mine.reference}
    assert set(tab("mine")) == {mine.reference, waiting.reference}
    assert tab("unassigned") == [new.reference]
    assert tab("awaiting") == [waiting.reference]
    assert set(tab("closed")) == {done.reference, follow.reference}  # answered needs no action
    assert tab("follow_ups") == [follow.reference]
    assert set(tab("open")) == {new.reference, mine.reference, theirs.reference, waiting.reference}
    html = queue_html(client)
    assert tab_count(html, "Needs action") == 2
    assert tab_count(html, "All open") == 4
    assert tab_count(html, "Closed") == 2  # closed, and answered


def test_filters_narrow_the_rows_and_the_counts(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    before = received(make_inquiry, "2015-01-15T11:00:00+06:00", outlet="Kursiv")
    during = received(
        make_inquiry,
        "2015-01-20T11:00:00+06:00",
        request_type=RequestType.ACCREDITATION,
        subject="Press conference seat",
    )
    assert references_in(queue_html(client, phase="before")) == [before.reference]
    assert references_in(queue_html(client, request_type="accreditation")) == [during.reference]
    assert references_in(queue_html(client, q="kursiv")) == [before.reference]
    assert references_in(queue_html(client, q="conference SEAT")) == [during.reference]
    assert references_in(queue_html(client, q=during.reference)) == [during.reference]
    assert references_in(queue_html(client, q="100%_")) == []
    html = queue_html(client, phase="during")
    assert tab_count(html, "All open") == 1


def test_routed_to_me_and_the_journalists_language_narrow_the_rows_and_the_counts(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    mine = received(make_inquiry, "2015-01-20T11:00:00+06:00", language="kk")  # Astana: Leila
    geneva = received(make_inquiry, "2015-01-16T11:00:00+06:00", language="ru")  # Thibaut
    other_expert = received(
        make_inquiry, "2015-01-20T11:10:00+06:00", topic=Topic.OTHER_EXPERTS, language="kk"
    )
    assert mine.routed_contact_id == officer.contact_id != geneva.routed_contact_id
    html = queue_html(client, tab="open", routed="me")
    assert references_in(html) == [mine.reference]
    assert tab_count(html, "All open") == 1
    assert references_in(queue_html(client, tab="open", language="kk")) == [
        mine.reference,
        other_expert.reference,
    ]
    assert references_in(queue_html(client, tab="open", language="ru")) == [geneva.reference]
    both = queue_html(client, tab="open", language="kk", routed="me")
    assert references_in(both) == [mine.reference]
    # Kept in the tabs' links and the export's.
    assert "routed=me" in both and "language=kk" in both


def test_the_language_filter_reads_indexes_not_the_wide_rows(
    app: Flask,
    client: FlaskClient,
    officer: User,
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    from test_queue_search import plan_of  # which imports this module's fixtures

    received(make_inquiry, "2015-01-20T11:00:00+06:00", language="kk")
    with counted_queries(app) as statements:
        queue_html(client, language="kk")
    filtered = [statement for statement in statements if "inquiries.language = ?" in statement]
    assert len(filtered) >= 3, "the page, the tab counts and the total"
    for statement in filtered:
        plan = plan_of(statement)
        # The open range and the total from covering indexes; no read of every wide row.
        # (The follow-ups count reads the viewer's own few through their index.)
        ranges = [line for line in plan if "inquiries USING" in line and "status=?" in line]
        scans = [line for line in plan if line.startswith("SCAN inquiries")]
        assert all("COVERING INDEX" in line for line in ranges + scans), (statement, plan)
        assert "SCAN inquiries" not in plan, (statement, plan)


def test_routed_to_me_without_a_contact_is_explained_and_not_applied(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    login(make_user(name="No Contact"))
    listed = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    html = queue_html(client, tab="open", routed="me", language="xx")
    assert 'id="routed-error"' in html and "not linked to a contact" in html
    assert 'id="language-error"' in html
    assert references_in(html) == [listed.reference]


def test_a_bad_filter_value_is_reported_next_to_its_field(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    listed = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    html = queue_html(client, status="lost", q="x" * 101)
    assert 'id="status-error"' in html
    assert 'id="q-error"' in html
    assert references_in(html) == [listed.reference], "a refused filter is not applied"


def test_a_sensitive_journalist_is_hidden_and_not_findable_by_name(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    secret = received(make_inquiry, "2015-01-20T11:00:00+06:00", name="Dana Secretova")
    secret.sensitive = True
    db.session.commit()
    html = queue_html(client)
    assert "Dana Secretova" not in html
    assert "Hidden: sensitive" in html
    assert references_in(queue_html(client, q="Secretova")) == []
    manager = make_user(role=Role.MANAGER)
    login(manager)
    assert "Dana Secretova" in queue_html(client)
    assert references_in(queue_html(client, q="Secretova")) == [secret.reference]


def test_paging_walks_the_whole_tab_once_in_order(
    app: Flask, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    start = datetime.fromisoformat("2015-01-20T08:00:00+06:00")
    for minute in range(23):
        received(make_inquiry, start + timedelta(minutes=minute))
    viewer = listing.Viewer(officer, at_noon)
    seen: list[str] = []
    after = None
    while True:
        page = listing.queue_page(listing.Tab.OPEN, viewer, listing.Filters(), after, size=5)
        seen += [row.reference for row in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == [f"KAZ15-{n:04d}" for n in range(1, 24)]


def test_paging_walks_every_group_once_in_order_even_as_time_passes(
    client: FlaskClient,
    officer: User,
    set_now: Callable[[str], datetime],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = datetime.fromisoformat("2015-01-20T06:00:00+06:00")
    for minute in range(0, 14 * 30, 30):  # due from 10:00 to 16:30: half overdue at noon
        received(make_inquiry, start + timedelta(minutes=minute))
    stopped = received(make_inquiry, "2015-01-20T11:50:00+06:00")
    stopped.clock_running, stopped.status = False, Status.AWAITING_JOURNALIST
    db.session.commit()
    whole = references_in(queue_html(client, tab="open"))
    assert len(whole) == 15 and whole[-1] == stopped.reference
    viewer = listing.Viewer(officer, at_noon)
    seen: list[str] = []
    after = None
    while True:
        page = listing.queue_page(listing.Tab.OPEN, viewer, listing.Filters(), after, size=4)
        seen += [row.reference for row in page.rows]
        if page.next_after is None:
            break
        after = page.next_after
    assert seen == whole
    # Through the pages' links, four rows a page, with the clock moving on by an hour
    # before the later pages: two more inquiries fell overdue meanwhile, yet the walk
    # shows each inquiry once, in the first page's order.
    monkeypatch.setattr(queue_views, "PAGE_SIZE", 4)
    walked: list[str] = []
    path: str | None = "/queue?tab=open"
    while path:
        page_html = client.get(path).get_data(as_text=True)
        walked += references_in(page_html)
        link = re.search(r'<p class="pager"><a href="([^"]+)">Next page', page_html)
        path = html_module.unescape(link.group(1)) if link else None
        set_now("2015-01-20T13:00:00+06:00")
    assert walked == whole


def test_the_next_page_link_continues_the_list(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    start = datetime.fromisoformat("2015-01-20T08:00:00+06:00")
    for minute in range(52):
        received(make_inquiry, start + timedelta(minutes=minute))
    first = queue_html(client, tab="open")
    assert len(references_in(first)) == 50
    after = re.search(r"after=(\d+)", first)
    assert after
    second = queue_html(client, tab="open", after=after.group(1))
    assert references_in(second) == ["KAZ15-0051", "KAZ15-0052"]


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_page_costs_the_same_number_of_queries_whatever_its_length(
    app: Flask,
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    start = datetime.fromisoformat("2015-01-20T08:00:00+06:00")
    received(make_inquiry, start)
    db.session.expire_all()
    with counted_queries(app) as short:
        queue_html(client, tab="open")
    others = [make_user() for _ in range(3)]
    for minute in range(1, 40):
        inquiry = received(make_inquiry, start + timedelta(minutes=minute))
        inquiry.assignee = others[minute % 3]
    db.session.commit()
    db.session.expire_all()
    with counted_queries(app) as long:
        html = queue_html(client, tab="open")
    assert len(references_in(html)) == 40
    assert len(long) == len(short), long
    print(f"queue page: {len(long)} queries for 1 row and for 40 rows")


def test_bulk_assign_gives_every_ticked_inquiry_to_the_chosen_officer(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    colleague = make_user(name="Karen Blanc")
    first = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    second = received(make_inquiry, "2015-01-20T11:05:00+06:00")
    untouched = received(make_inquiry, "2015-01-20T11:10:00+06:00")
    response = client.post(
        "/queue/bulk",
        data={
            "ids": [str(first.id), str(second.id)],
            "action": "assign",
            "assignee": str(colleague.id),
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert [db.session.get(Inquiry, i.id).assignee_id for i in (first, second, untouched)] == [
        colleague.id,
        colleague.id,
        None,
    ]
    assert first.events[-1].summary == "Assigned to Karen Blanc"
    assert first.events[-1].actor_user_id == officer.id


def test_bulk_status_change_refuses_illegal_moves_one_by_one_with_reasons(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    junk = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    answered = received(make_inquiry, "2015-01-20T11:05:00+06:00")
    answered.status = Status.ANSWERED
    db.session.commit()
    client.post(
        "/queue/bulk",
        data={"ids": [str(junk.id), str(answered.id)], "action": "status", "status": "spam"},
    )
    db.session.expire_all()
    assert db.session.get(Inquiry, junk.id).status is Status.SPAM
    assert db.session.get(Inquiry, answered.id).status is Status.ANSWERED
    page = queue_html(client)
    assert f"{answered.reference}: An answered inquiry can only be closed" in page
    assert "Updated 1 of 2 inquiries." in page


def select_options(html: str, select_id: str) -> list[tuple[str, bool]]:
    """(value, selected) of each option of the select with ``select_id``."""
    found = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no select {select_id}"
    return [
        (value, "selected" in attributes)
        for attributes, value in re.findall(r'<option([^>]*)value="([^"]*)"', found.group(1))
    ]


def test_bulk_menus_choose_nothing_and_offer_only_moves_the_rows_allow(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    received(make_inquiry, "2015-01-20T11:00:00+06:00")  # new
    html = queue_html(client)
    assignees = select_options(html, "bulk-assignee")
    statuses = select_options(html, "bulk-status")
    assert assignees[0] == ("", False) and statuses[0] == ("", False)
    assert not any(selected for _, selected in assignees + statuses)
    # From "new": to work, or out (assigning has its own button).
    assert [value for value, _ in statuses[1:]] == [
        "in_progress",
        "declined",
        "spam",
        "duplicate",
        "referred",
    ]
    working = received(make_inquiry, "2015-01-20T11:05:00+06:00")
    working.status = Status.IN_PROGRESS
    working.assignee = officer
    db.session.commit()
    offered = [value for value, _ in select_options(queue_html(client), "bulk-status")[1:]]
    assert "awaiting_journalist" in offered and "answered" in offered
    assert "closed" not in offered  # neither a new nor an in-progress inquiry may close


def test_bulk_without_a_choice_changes_nothing_and_says_so(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    listed = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    client.post("/queue/bulk", data={"ids": [str(listed.id)], "action": "status", "status": ""})
    client.post("/queue/bulk", data={"ids": [str(listed.id)], "action": "assign", "assignee": ""})
    html = queue_html(client)
    assert "Choose a status." in html and "Choose an active officer to assign to." in html
    db.session.expire_all()
    unchanged = db.session.get(Inquiry, listed.id)
    assert unchanged is not None and unchanged.status is Status.NEW
    assert unchanged.assignee_id is None


def test_bulk_without_a_ticked_row_says_so(client: FlaskClient, officer: User) -> None:
    client.post("/queue/bulk", data={"action": "assign", "assignee": str(officer.id)})
    assert "Tick at least one inquiry first." in queue_html(client)
