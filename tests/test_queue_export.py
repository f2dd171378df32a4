"""``/queue/export.csv``: the queue's tab and filters as a streamed CSV, formulas
neutralised, sensitive identities blank for those who may not see them."""

from __future__ import annotations

import contextvars
import csv
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tracker.choices import RequestType, Role, Status
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, User
from tracker.queue import csv_export, views


def received(make_inquiry: Callable[..., Receipt], when: str, **fields: Any) -> Inquiry:
    return make_inquiry(received_at=when, **fields).inquiry


@dataclass(frozen=True)
class Download:
    response: TestResponse
    streamed: bool
    text: str


def download(client: FlaskClient, **params: str) -> Download:
    """GET the export and read it through, as a server and a browser would.

    conftest's client runs each request in a context of its own, which a streamed body
    read afterwards would leave from another context; here the request and the reading
    of its body share one fresh context, as they share one thread in production.
    """

    def run() -> Download:
        response = FlaskClient.open(client, "/queue/export.csv", query_string=params)
        streamed = response.is_streamed  # before reading: reading turns it into a list
        return Download(response, streamed, response.get_data(as_text=True))

    result = contextvars.Context().run(run)
    assert result.response.status_code == 200
    return result


def table(download: Download) -> list[dict[str, str]]:
    """The CSV's rows as dicts keyed by the header."""
    return list(csv.DictReader(io.StringIO(download.text)))


def references(download: Download) -> list[str]:
    return [row["reference"] for row in table(download)]


def on_page(client: FlaskClient, **params: str) -> list[str]:
    """References in the order the queue page shows them."""
    page = client.get("/queue", query_string=params).get_data(as_text=True)
    return re.findall(r'class="reference">(KAZ15-\d{4})<', page)


def test_the_export_is_streamed_as_a_csv_download(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    received(make_inquiry, "2015-01-20T11:00:00+06:00")
    result = download(client)
    assert result.streamed
    assert result.response.mimetype == "text/csv"
    disposition = result.response.headers["Content-Disposition"]
    assert disposition == 'attachment; filename="queue-needs_action-20150120-0600.csv"'
    lines = result.text.splitlines()
    assert lines[0] == ",".join(csv_export.HEADER)
    assert len(lines) == 2


def test_a_row_has_the_columns_a_manager_expects_with_instants_in_utc(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    inquiry = received(
        make_inquiry,
        "2015-01-20T11:00:00+06:00",
        phone="+77012345678",
        deadline=datetime.fromisoformat("2015-01-20T13:00:00+06:00"),
    )
    inquiry.assignee = officer
    inquiry.status = Status.IN_PROGRESS
    inquiry.first_response_at = datetime.fromisoformat("2015-01-20T11:30:00+06:00")
    db.session.commit()
    [row] = table(download(client, tab="open"))
    assert row == {
        "reference": inquiry.reference,
        "received_at": "2015-01-20T05:00:00+00:00",
        "mission": "kazakhstan-2015",
        "phase": "during",
        "channel": "web_form",
        "status": "in_progress",
        "request_type": "interview",
        "topic": "mission",
        "media_type": "online",
        "outlet": "Vlast.kz",
        "name": "Aigerim Nurlanovna",
        "email": "aigerim@example.kz",
        # A leading "+" is a formula lead-in too: the quote keeps the spreadsheet off it.
        "phone": "'+77012345678",
        "subject": "Interview request",
        "deadline": "2015-01-20T07:00:00+00:00",
        "due_at": "2015-01-20T07:00:00+00:00",
        "first_response_at": "2015-01-20T05:30:00+00:00",
        "answered_at": "",
        "closed_at": "",
        "routed_contact": "Leila Duisekova",
        "assignee": "Leila Duisekova",
    }


def test_rows_follow_the_queue_tab_filters_and_order_across_pages(
    client: FlaskClient,
    officer: User,
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    received(make_inquiry, "2015-01-20T11:00:00+06:00")
    received(make_inquiry, "2015-01-20T06:00:00+06:00")  # overdue: first
    received(make_inquiry, "2015-01-20T10:00:00+06:00", request_type=RequestType.ACCREDITATION)
    received(make_inquiry, "2015-01-20T10:00:00+06:00")
    before = received(make_inquiry, "2015-01-15T11:00:00+06:00", outlet="Kursiv")
    closed = received(make_inquiry, "2015-01-20T09:00:00+06:00")
    closed.status = Status.CLOSED
    db.session.commit()
    expected = on_page(client, tab="open")
    assert len(expected) == 5
    # The page shows two rows at a time; the export has them all, in the same order.
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    assert len(on_page(client, tab="open")) == 2
    assert references(download(client, tab="open")) == expected
    assert references(download(client, tab="closed")) == [closed.reference]
    assert references(download(client, tab="open", phase="before")) == [before.reference]
    assert references(download(client, tab="open", q="kursiv")) == [before.reference]
    assert references(download(client, tab="open", status="closed")) == []


def test_the_export_shares_the_routed_to_me_and_language_filters(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    mine = received(make_inquiry, "2015-01-20T11:00:00+06:00", language="kk")
    geneva = received(make_inquiry, "2015-01-16T11:00:00+06:00", language="ru")
    assert references(download(client, tab="open", routed="me")) == [mine.reference]
    assert references(download(client, tab="open", language="ru")) == [geneva.reference]
    assert references(download(client, tab="open", language="ru", routed="me")) == []
    page = client.get("/queue", query_string={"routed": "me", "language": "kk"})
    export = re.search(r'href="(/queue/export\.csv\?[^"]+)"', page.get_data(as_text=True))
    assert export
    query = parse_qs(urlsplit(html.unescape(export.group(1))).query)
    assert query["routed"] == ["me"] and query["language"] == ["kk"]


def test_an_unknown_tab_or_filter_value_exports_what_the_page_shows(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    received(make_inquiry, "2015-01-20T11:00:00+06:00")
    params = {"tab": "nonsense", "status": "lost"}
    assert references(download(client, **params)) == on_page(client, **params)


def test_text_journalists_typed_cannot_become_a_formula(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    received(
        make_inquiry,
        "2015-01-20T11:00:00+06:00",
        name='=HYPERLINK("http://evil.example","x")',
        outlet="@SUM(A1:A9)",
        subject="-2+3",
    )
    [row] = table(download(client, tab="open"))
    assert row["name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["outlet"] == "'@SUM(A1:A9)"
    assert row["subject"] == "'-2+3"


def test_sensitive_identities_are_blank_for_those_who_may_not_see_them(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    colleague = make_user(name="Karen Blanc")
    theirs = received(make_inquiry, "2015-01-20T11:00:00+06:00", name="Dana Secretova")
    theirs.sensitive, theirs.assignee, theirs.status = True, colleague, Status.ASSIGNED
    mine = received(make_inquiry, "2015-01-20T11:05:00+06:00", name="Marat Ownova")
    mine.sensitive, mine.assignee, mine.status = True, officer, Status.ASSIGNED
    db.session.commit()

    def identities() -> dict[str, tuple[str, str, str, str]]:
        rows = table(download(client, tab="open"))
        return {r["reference"]: (r["name"], r["outlet"], r["email"], r["phone"]) for r in rows}

    seen = identities()
    assert seen[theirs.reference] == ("", "", "", "")
    assert seen[mine.reference][0] == "Marat Ownova"
    login(make_user(role=Role.MANAGER))
    assert identities()[theirs.reference][:3] == (
        "Dana Secretova",
        "Vlast.kz",
        "aigerim@example.kz",
    )


def test_the_queue_page_links_to_the_export_with_its_filters(
    client: FlaskClient, officer: User, at_noon: datetime
) -> None:
    page = client.get("/queue", query_string={"tab": "mine", "status": "new", "q": "press"})
    link = re.search(r'<a href="([^"]+)" download>Export CSV</a>', page.get_data(as_text=True))
    assert link is not None
    url = urlsplit(html.unescape(link.group(1)))
    assert url.path == "/queue/export.csv"
    assert parse_qs(url.query) == {"tab": ["mine"], "status": ["new"], "q": ["press"]}


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/queue/export.csv?tab=open")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/queue/export.csv")


def test_a_sensitive_formula_is_blank_for_an_officer_and_neutralised_for_a_manager(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    inquiry = received(
        make_inquiry,
        "2015-01-20T11:00:00+06:00",
        name="=cmd|' /C calc'!A0",
        outlet="+Outlet",
        subject="@subject",
    )
    inquiry.sensitive, inquiry.assignee, inquiry.status = True, None, Status.NEW
    db.session.commit()

    def row() -> dict[str, str]:
        [only] = table(download(client, tab="open"))
        return only

    seen = row()
    assert (seen["name"], seen["outlet"], seen["email"], seen["phone"]) == ("", "", "", "")
    # The subject is free text the journalist wrote: withheld whole too.
    assert seen["subject"] == ""
    assert seen["request_type"] == "interview"  # what is not written by anyone stays
    login(make_user(role=Role.MANAGER))
    seen = row()
    assert (seen["name"], seen["outlet"]) == ("'=cmd|' /C calc'!A0", "'+Outlet")
    assert seen["subject"] == "'@subject"  # shown to those who may, neutralised


def test_an_inquiry_without_contact_or_assignee_is_exported_with_those_cells_empty(
    client: FlaskClient, officer: User, at_noon: datetime, make_inquiry: Callable[..., Receipt]
) -> None:
    inquiry = received(make_inquiry, "2015-01-20T11:00:00+06:00")
    inquiry.routed_contact = None
    db.session.commit()
    [row] = table(download(client, tab="open"))
    assert row["reference"] == inquiry.reference
    assert row["mission"] == "kazakhstan-2015"
    assert (row["routed_contact"], row["assignee"]) == ("", "")
