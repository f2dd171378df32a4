"""Links in mail, calendars and pages come from PUBLIC_BASE_URL, never from the Host header
a client sends; a host the site does not answer to (TRUSTED_HOSTS) gets 400.

A forged Host used to become the host of the journalist's status link in the
acknowledgement (handing the token to whoever answers there), of the officers' links in
their notices, and of the calendar's UIDs and links.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import func, select

from tracker import create_app, links
from tracker.config import ConfigError
from tracker.extensions import db
from tracker.mail import notices
from tracker.mail.sealing import Sealer
from tracker.models import Inquiry, Mission, OutboxMessage, User

BASE = "https://press.example.org"
FORM_URL = "/missions/kazakhstan-2015/inquire"
DURING = "2015-01-20T10:00:00+06:00"


@pytest.fixture
def app_config() -> dict[str, Any]:
    # The test client comes by tracker.test, a host the site also answers to: the links
    # must still name the public address.
    return {"PUBLIC_BASE_URL": BASE, "TRUSTED_HOSTS": "tracker.test, press.example.org"}


@pytest.fixture
def officer(mission: Mission, make_user: Callable[..., User], set_now: Callable[..., Any]) -> User:
    set_now(DURING)
    return make_user(contact="leila-duisekova", email="leila@ohchr.test", name="Leila Duisekova")


def form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Aigerim Nurlanovna",
        "outlet": "Vlast.kz",
        "media_type": "online",
        "country": "KZ",
        "email": "aigerim@example.kz",
        "phone": "",
        "language": "en",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Interview on the right to peaceful assembly",
        "message": "Could the Special Rapporteur give us a 10-minute interview in Almaty?",
        "deadline": "",
        "deadline_tz": "Asia/Almaty",
        "consent": "y",
        "website": "",
    }
    values.update(overrides)
    return values


def mail(kind: str) -> OutboxMessage:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)).one()


def count(model: type[Any]) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


# --- Links name the public address -----------------------------------------------------


def test_the_mail_of_a_form_links_to_the_public_address_not_the_requests_host(
    app: Flask, client: FlaskClient, officer: User
) -> None:
    response = client.post(FORM_URL, data=form())
    assert response.status_code == 303
    token = response.headers["Location"].split("/status/")[1].split("?")[0]
    reference = db.session.scalars(select(Inquiry.reference)).one()

    ack = mail(notices.ACKNOWLEDGEMENT)
    opened = Sealer.from_config(app.config).fill(ack.body_text, ack.sealed_secret)
    assert f"{BASE}/status/{token}" in opened
    notice = mail(notices.NEW_INQUIRY)
    assert f"{BASE}/inquiries/{reference}" in notice.body_text
    assert f'href="{BASE}/inquiries/{reference}"' in notice.body_html
    every_body = opened + ack.body_html + notice.body_text + notice.body_html
    assert "tracker.test" not in every_body


def test_the_receipt_shows_the_status_link_at_the_public_address(
    client: FlaskClient, officer: User
) -> None:
    location = client.post(FORM_URL, data=form()).headers["Location"]
    token = location.split("/status/")[1].split("?")[0]

    page = client.get(location).get_data(as_text=True)

    link = f"{BASE}/status/{token}"
    assert f'<a href="{link}">{link}</a>' in page


def test_a_logged_call_gives_the_status_link_at_the_public_address(
    client: FlaskClient, officer: User, mission: Mission, login: Callable[..., FlaskClient]
) -> None:
    login(officer)
    data = {
        "mission": str(mission.id),
        "channel": "phone",
        "received_at": "2015-01-20T04:00",
        "name": "Marat Akhmetov",
        "outlet": "Khabar TV",
        "media_type": "tv",
        "country": "KZ",
        "phone": "8 701 123 4567",
        "email": "",
        "language": "ru",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Interview for the evening news",
        "message": "Could the expert join the 20:00 news?",
        "deadline": "",
        "deadline_tz": "Asia/Almaty",
    }
    response = client.post("/inquiries/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)

    page = client.get(response.headers["Location"]).get_data(as_text=True)

    assert re.search(r"https://press\.example\.org/status/[\w-]+", page)
    assert "tracker.test/status/" not in page


def test_the_calendar_names_the_public_address_in_its_uids_and_links(
    client: FlaskClient, mission: Mission
) -> None:
    body = client.get("/missions/kazakhstan-2015/events.ics").data

    events = list(Calendar.from_ical(body).walk("VEVENT"))
    assert events
    for event in events:
        assert str(event["uid"]).endswith("@press.example.org")
        assert str(event["url"]) == f"{BASE}/missions/kazakhstan-2015"
    assert b"tracker.test" not in body


# --- Unknown hosts are refused ---------------------------------------------------------


def test_a_form_sent_with_a_forged_host_is_refused_and_stores_nothing(
    client: FlaskClient, officer: User, caplog: pytest.LogCaptureFixture
) -> None:
    response = client.post(FORM_URL, data=form(), headers={"Host": "evil.example"})

    assert response.status_code == 400
    # The site's own error page, drawn without a hitch (nothing logged as an error).
    assert "Bad request" in response.get_data(as_text=True)
    assert 'href="/static/css/site.css"' in response.get_data(as_text=True)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert count(Inquiry) == 0 and count(OutboxMessage) == 0


@pytest.mark.parametrize(
    "path",
    ["/", "/missions/kazakhstan-2015/events.ics", "/login", "/queue", "/static/css/site.css"],
)
def test_any_page_asked_for_under_a_forged_host_is_400(
    client: FlaskClient, mission: Mission, path: str
) -> None:
    assert client.get(path, headers={"Host": "evil.example:80"}).status_code == 400


def test_the_api_refuses_a_forged_host_in_json(client: FlaskClient, mission: Mission) -> None:
    response = client.get(
        "/api/v1/missions/kazakhstan-2015/contacts", headers={"Host": "evil.example"}
    )
    assert response.status_code == 400
    assert "error" in response.get_json()


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000"])
def test_the_addresses_make_run_serves_are_answered(
    app_on: Callable[..., Flask], host: str
) -> None:
    """`make run` serves http://127.0.0.1:5000, which people also open as localhost."""
    app = app_on(SERVER_NAME=None)
    response = app.test_client().get("/static/css/site.css", headers={"Host": host})
    assert response.status_code == 200
    response.close()


# --- The settings ----------------------------------------------------------------------


def settings(tmp_path: Path, **overrides: Any) -> dict[str, Any]:
    return {
        "SECRET_KEY": "k" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}",
        "TESTING": True,
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "base", "hosts"),
    [
        ({"PUBLIC_BASE_URL": "https://press.example.org/"}, BASE, ["press.example.org"]),
        (
            {"PUBLIC_BASE_URL": "https://press.example.org:8443/tracker"},
            "https://press.example.org:8443/tracker",
            ["press.example.org"],
        ),
        ({"SERVER_NAME": "tracker.test"}, "http://tracker.test", ["tracker.test"]),
        (
            {"SERVER_NAME": "tracker.test", "PREFERRED_URL_SCHEME": "https"},
            "https://tracker.test",
            ["tracker.test"],
        ),
        ({}, "http://127.0.0.1:5000", []),
        ({"PORT": 8080}, "http://127.0.0.1:8080", []),
    ],
)
def test_the_public_address_and_the_trusted_hosts_by_default(
    tmp_path: Path, overrides: dict[str, Any], base: str, hosts: list[str]
) -> None:
    app = create_app(settings(tmp_path, **overrides))
    assert app.config["PUBLIC_BASE_URL"] == base
    assert app.config["TRUSTED_HOSTS"] == [*hosts, "127.0.0.1", "localhost"]


def test_links_keep_the_path_of_the_public_address(tmp_path: Path) -> None:
    app = create_app(settings(tmp_path, PUBLIC_BASE_URL="https://press.example.org/tracker/"))
    with app.app_context():
        link = links.external_url("public.status", token="abc")
    assert link == "https://press.example.org/tracker/status/abc"


@pytest.mark.parametrize(
    "value",
    [
        "press.example.org",
        "ftp://press.example.org",
        "https://press.example.org/?lang=ru",
        "https://press.example.org/#top",
        "https://admin:secret@press.example.org",
        "https://",
        "https://press.example.org:99999",
        "https://press example.org",
    ],
)
def test_a_bad_public_address_stops_start_up_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", value)
    with pytest.raises(ConfigError) as raised:
        create_app(settings(tmp_path))
    assert raised.value.message.startswith("PUBLIC_BASE_URL must give the site's address")
    assert "\n" not in raised.value.message


def test_trusted_hosts_are_read_from_the_environment_separated_by_commas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE)
    monkeypatch.setenv("TRUSTED_HOSTS", " press.example.org, .internal.example ,127.0.0.1")
    app = create_app(settings(tmp_path))
    assert app.config["TRUSTED_HOSTS"] == ["press.example.org", ".internal.example", "127.0.0.1"]
    client = app.test_client()
    inside = client.get("/static/css/site.css", headers={"Host": "a.internal.example"})
    inside.close()
    assert inside.status_code == 200
    assert client.get("/static/css/site.css", headers={"Host": "localhost"}).status_code == 400


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "TRUSTED_HOSTS must be host names"),
        (" , ", "TRUSTED_HOSTS must be host names"),
        ("press.example.org:443", "TRUSTED_HOSTS must be host names"),
        ("https://press.example.org", "TRUSTED_HOSTS must be host names"),
        ("127.0.0.1", "TRUSTED_HOSTS must include 'press.example.org'"),
    ],
)
def test_bad_trusted_hosts_stop_start_up_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, expected: str
) -> None:
    monkeypatch.setenv("TRUSTED_HOSTS", value)
    with pytest.raises(ConfigError) as raised:
        create_app(settings(tmp_path, PUBLIC_BASE_URL=BASE))
    assert raised.value.message.startswith(expected)
    assert "\n" not in raised.value.message


def test_without_any_address_links_point_to_make_run_and_say_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Commands (reminders, the digest) and pages alike, with a warning outside tests."""
    links.warn_guessed_base.cache_clear()
    app = create_app(settings(tmp_path, TESTING=False))
    with app.app_context():
        first = links.external_url("public.mission", slug="kazakhstan-2015")
        links.external_url("queue.index")
    assert first == "http://127.0.0.1:5000/missions/kazakhstan-2015"
    warnings = [r for r in caplog.records if "PUBLIC_BASE_URL is not set" in r.getMessage()]
    assert len(warnings) == 1
    links.warn_guessed_base.cache_clear()


def test_links_are_the_same_inside_a_request_and_outside_one(app: Flask) -> None:
    """A request for another host (here one made up) changes nothing in them."""
    with app.test_request_context(base_url="http://evil.example"):
        inside = links.external_url("desk.inquiry", reference="KAZ15-0001")
    outside = links.external_url("desk.inquiry", reference="KAZ15-0001")
    assert inside == outside == f"{BASE}/inquiries/KAZ15-0001"
