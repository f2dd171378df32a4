"""Markup a journalist types is shown as text everywhere it appears: the receipt, the
status page, the queue, the inquiry page, the stats page, the mails' HTML; and the CSV
exports carry it as plain text, with formula lead-ins still neutralised.

The inquiry is sent through the real public form, as an attacker would send it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from markupsafe import escape
from sqlalchemy import select
from test_inquiry_form import valid_form
from werkzeug.test import TestResponse

from tracker.choices import Role
from tracker.extensions import db
from tracker.models import Inquiry, Mission, OutboxMessage, User

FORM_URL = "/missions/kazakhstan-2015/inquire"
DURING = "2015-01-20T10:00:00+06:00"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMG)
FORMULA_NAME = "=1+2"
FORMULA_OUTLET = "@SUM(A1:A9)"


def assert_shown_escaped(html: str, where: str) -> None:
    """No payload as markup, and at least one as visible text (so the test can fail)."""
    for payload in PAYLOADS:
        assert payload not in html, f"{where}: {payload} unescaped"
        # Attributes get their quotes escaped too, so no tag can be closed from inside.
        assert "<img src=x" not in html and "<script>alert" not in html, where
    assert any(str(escape(payload)) in html for payload in PAYLOADS), f"{where}: not shown"


@pytest.fixture
def sent(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[str], datetime],
    make_user: Callable[..., User],
) -> str:
    """Two inquiries through the form: markup everywhere, and formula lead-ins.

    The Astana contact has an account, so the office's new-inquiry mail is written too.
    """
    set_now(DURING)
    make_user(name="Leila Duisekova", contact="leila-duisekova")
    hostile = valid_form(
        name=SCRIPT, outlet=IMG, subject=f"{SCRIPT} {IMG}", message=f"{IMG}\n{SCRIPT}"
    )
    response = client.post(FORM_URL, data=hostile)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    formula = valid_form(name=FORMULA_NAME, outlet=FORMULA_OUTLET, email="formula@example.kz")
    assert client.post(FORM_URL, data=formula).status_code == 303
    return response.headers["Location"]


@pytest.fixture
def manager(
    make_user: Callable[..., User], login: Callable[..., FlaskClient], app: Flask
) -> FlaskClient:
    """A manager on a browser of their own (the journalist's client stays anonymous)."""
    return login(make_user(role=Role.MANAGER, name="Manon Manager"), on=app.test_client())


def hostile_inquiry() -> Inquiry:
    return db.session.scalars(select(Inquiry).where(Inquiry.name == SCRIPT)).one()


def test_the_form_shows_refused_markup_as_text(
    client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    set_now(DURING)
    refused = client.post(FORM_URL, data=valid_form(name=SCRIPT, outlet=IMG, email="", phone=""))
    assert refused.status_code == 422
    assert_shown_escaped(refused.get_data(as_text=True), "the refused form")


def test_the_receipt_and_status_page_escape_markup(client: FlaskClient, sent: str) -> None:
    receipt = client.get(sent)
    assert_shown_escaped(receipt.get_data(as_text=True), "receipt")
    status = client.get(urlsplit(sent).path)
    assert_shown_escaped(status.get_data(as_text=True), "status page")


def test_the_staff_pages_escape_markup(sent: str, manager: FlaskClient) -> None:
    reference = hostile_inquiry().reference
    for url in ("/queue", f"/inquiries/{reference}", "/stats"):
        response = manager.get(url)
        assert response.status_code == 200, url
        assert_shown_escaped(response.get_data(as_text=True), url)


def test_the_mails_escape_markup_in_html(
    sent: str,
    manager: FlaskClient,
    runner: FlaskCliRunner,
    set_now: Callable[[str], datetime],
) -> None:
    set_now("2015-01-21T10:00:00+06:00")  # overdue: the managers' digest lists it
    assert "queued 1 digest" in runner.invoke(args=["digest", "send"]).output
    digest = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).one()
    assert_shown_escaped(digest.body_html, "digest mail")
    inquiry = hostile_inquiry()
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.inquiry_id == inquiry.id)
    ).all()
    kinds = {mail.kind for mail in mails}
    assert {"acknowledgement", "new_inquiry"} <= kinds
    for mail in mails:
        assert_shown_escaped(mail.body_html, f"{mail.kind} mail")
        # Plain text is not markup: there the text is as typed, for the reader to see.
        assert "\n" not in mail.subject


def read_csv(response: TestResponse) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_exports_hold_text_with_formulas_neutralised(
    sent: str, manager: FlaskClient
) -> None:
    rows = read_csv(manager.get("/queue/export.csv"))
    cells = {cell for row in rows for cell in row}
    assert SCRIPT in cells and IMG in cells  # text, exactly as typed
    assert f"'{FORMULA_NAME}" in cells and f"'{FORMULA_OUTLET}" in cells
    assert FORMULA_NAME not in cells and FORMULA_OUTLET not in cells
    stats = read_csv(manager.get("/stats/export.csv"))
    outlets = {row[1] for row in stats if row and row[0].startswith("top_outlets")}
    assert IMG in outlets and f"'{FORMULA_OUTLET}" in outlets
