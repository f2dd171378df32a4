"""Out-of-hours honesty: an office's working hours, and what journalists and officers are
told when the contact an inquiry goes to is outside them.

The case that started it: a journalist with a three-hour deadline wrote before the visit
at 01:55 in Geneva (Thursday 15 January 2015, 06:55 in Almaty) and was routed to Geneva
with no word that the office was closed. Here Geneva works Monday to Friday 09:00-18:00
(Europe/Zurich, UTC+1 in January) with a duty phone, Astana the same hours in its zone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import SEED_FILE
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from test_inquiry_form import status_location, valid_form
from test_queue import counted_queries, queue_html

from tracker import hours
from tracker.choices import Role
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.missions.spec import MissionFileError, parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import AuditEvent, Mission, Office, User

NIGHT_IN_GENEVA = "2015-01-15T01:55:00+01:00"  # Thursday, 06:55 in Almaty
MORNING_IN_GENEVA = "2015-01-15T10:00:00+01:00"
DUTY = "+41795550123"
WEEKDAYS = [1, 2, 3, 4, 5]
GENEVA = hours.WorkingHours("Europe/Zurich", frozenset(WEEKDAYS), time(9), time(18))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def office_hours(mission: Mission) -> dict[str, Office]:
    """Geneva and Astana with weekday hours; Geneva with a duty phone."""
    offices = {o.name: o for o in db.session.scalars(select(Office))}
    for office in offices.values():
        office.days, office.opens_at, office.closes_at = WEEKDAYS, time(9), time(18)
    offices["Geneva"].duty_phone = DUTY
    db.session.commit()
    return offices


def text_of(page: str, start: str, end: str) -> str:
    """The words between two markers, tags dropped, spaces collapsed."""
    part = page[page.index(start) :]
    part = part[: part.index(end)]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


# --- The rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "back"),
    [
        (NIGHT_IN_GENEVA, "2015-01-15T09:00:00+01:00"),  # the same morning
        ("2015-01-15T18:00:00+01:00", "2015-01-16T09:00:00+01:00"),  # closing time: closed
        ("2015-01-16T19:30:00+01:00", "2015-01-19T09:00:00+01:00"),  # Friday night → Monday
        ("2015-01-17T12:00:00+01:00", "2015-01-19T09:00:00+01:00"),  # Saturday
        # Summer time: Friday 27 March 2015 evening → Monday 30 March 09:00 CEST (UTC+2).
        ("2015-03-27T20:00:00+01:00", "2015-03-30T09:00:00+02:00"),
    ],
)
def test_an_office_is_back_at_its_next_opening_in_its_own_zone(now: str, back: str) -> None:
    assert not GENEVA.is_open(at(now))
    assert GENEVA.back_at(at(now)) == at(back)


def test_an_office_is_open_during_its_hours() -> None:
    assert GENEVA.is_open(at(MORNING_IN_GENEVA))
    assert GENEVA.back_at(at("2015-01-15T09:00:00+01:00")) is None
    assert GENEVA.back_at(at("2015-01-15T17:59:59+01:00")) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-18", "write the hours as HH:MM-HH:MM"),
        ("18:00-09:00", "must close after it opens"),
        ("25:00-26:00", "write the hours as HH:MM-HH:MM"),
    ],
)
def test_hours_that_cannot_be_read_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hours.parse_hours(text)


# --- The mission file --------------------------------------------------------------------


OFFICES = """
[[offices]]
name = "Geneva"
timezone = "Europe/Zurich"
days = ["mon", "tue", "wed", "thu", "fri"]
hours = "09:00-18:00"
duty_phone = "+41 79 555 01 23"
"""


def seed_with(tmp_path: Path, offices: str) -> Path:
    text = SEED_FILE.read_text(encoding="utf-8")
    start = text.index("[[offices]]")
    end = text.index("[[contacts]]")
    path = tmp_path / "mission.toml"
    path.write_text(text[:start] + offices + "\n" + text[end:], encoding="utf-8")
    return path


def test_a_mission_file_sets_an_offices_hours_and_keeps_what_it_does_not_list(
    app: Flask, tmp_path: Path
) -> None:
    apply_spec(parse_mission_file(seed_with(tmp_path, OFFICES)))
    db.session.commit()
    geneva = db.session.scalars(select(Office).where(Office.name == "Geneva")).one()
    assert (geneva.timezone, geneva.days) == ("Europe/Zurich", WEEKDAYS)
    assert (geneva.opens_at, geneva.closes_at, geneva.duty_phone) == (time(9), time(18), DUTY)
    # Astana is named by a contact but not listed: made, without hours.
    astana = db.session.scalars(select(Office).where(Office.name == "Astana")).one()
    assert astana.working_hours is None
    # A file that lists no offices leaves the hours an admin (or another file) set.
    apply_spec(parse_mission_file(seed_with(tmp_path, "")))
    db.session.commit()
    db.session.expire_all()
    assert geneva.working_hours == GENEVA


@pytest.mark.parametrize(
    ("offices", "message"),
    [
        (OFFICES.replace('"09:00-18:00"', '"9 to 6"'), "offices[0].hours: write the hours as"),
        (OFFICES.replace('"mon", ', '"monday", "funday", '), "offices[0].days: unknown day"),
        (OFFICES.replace('timezone = "Europe/Zurich"\n', ""), "working hours need timezone"),
        (OFFICES.replace("+41 79 555 01 23", "12"), "offices[0].duty_phone: This is not"),
        (OFFICES + OFFICES, "an office is listed twice"),
    ],
)
def test_a_bad_office_is_refused_in_one_line_naming_the_field(
    tmp_path: Path, offices: str, message: str
) -> None:
    with pytest.raises(MissionFileError) as refused:
        parse_mission_file(seed_with(tmp_path, offices))
    assert message in str(refused.value) and "\n" not in str(refused.value)


# --- The public pages ----------------------------------------------------------------------


def test_the_mission_page_says_geneva_is_closed_until_when_and_gives_the_duty_phone(
    client: FlaskClient, office_hours: dict[str, Office], set_now: Callable[[str], datetime]
) -> None:
    set_now(NIGHT_IN_GENEVA)
    page = client.get("/missions/kazakhstan-2015").get_data(as_text=True)
    now = text_of(page, 'id="now-heading"', "</section>")
    assert (
        "The Geneva office is outside its working hours now. It opens again "
        "Thu 15 Jan 2015, 09:00 (Europe/Zurich, UTC+1), that is "
        "Thu 15 Jan 2015, 14:00 (Asia/Almaty, UTC+6). "
        "Until then, call the duty phone: +41 79 555 01 23" in now
    )
    assert 'href="tel:+41-79-555-01-23"' in page
    assert now.count("outside its working hours") == 1  # one notice for both Geneva contacts


def test_no_word_of_closing_while_the_office_works_or_has_no_hours(
    client: FlaskClient,
    mission: Mission,
    office_hours: dict[str, Office],
    set_now: Callable[[str], datetime],
) -> None:
    set_now(MORNING_IN_GENEVA)
    assert "working hours" not in client.get("/missions/kazakhstan-2015").get_data(as_text=True)
    for office in office_hours.values():
        office.days = []
        office.opens_at = office.closes_at = None
    db.session.commit()
    set_now(NIGHT_IN_GENEVA)
    assert "working hours" not in client.get("/missions/kazakhstan-2015").get_data(as_text=True)


def test_during_the_visit_astana_closed_is_said_in_one_zone(
    client: FlaskClient, office_hours: dict[str, Office], set_now: Callable[[str], datetime]
) -> None:
    set_now("2015-01-20T22:00:00+06:00")  # Tuesday night in Astana
    page = client.get("/missions/kazakhstan-2015").get_data(as_text=True)
    now = text_of(page, 'id="now-heading"', "</section>")
    assert (
        "The Astana office is outside its working hours now. It opens again "
        "Wed 21 Jan 2015, 09:00 (Asia/Almaty, UTC+6)." in now
    )
    assert "duty phone" not in now  # Astana has none


def test_the_receipt_tells_a_journalist_with_a_deadline_when_geneva_is_back(
    client: FlaskClient, office_hours: dict[str, Office], set_now: Callable[[str], datetime]
) -> None:
    set_now(NIGHT_IN_GENEVA)
    sent = client.post(
        "/missions/kazakhstan-2015/inquire",
        data=valid_form(deadline="2015-01-15T09:55", deadline_tz="Asia/Almaty"),
    )
    receipt = client.get(status_location(sent)).get_data(as_text=True)
    answer = text_of(receipt, "Who will answer you", "</main>")
    assert (
        "The Geneva office is outside its working hours now: your inquiry will be read when "
        "it opens again. It opens again Thu 15 Jan 2015, 09:00 (Europe/Zurich, UTC+1), that "
        "is Thu 15 Jan 2015, 14:00 (Asia/Almaty, UTC+6). Until then, call the duty phone: "
        "+41 79 555 01 23" in answer
    )
    # Sent in office hours, the receipt has nothing to warn of.
    set_now(MORNING_IN_GENEVA)
    later = client.post("/missions/kazakhstan-2015/inquire", data=valid_form())
    assert "working hours" not in client.get(status_location(later)).get_data(as_text=True)


def test_the_notice_is_in_the_pages_language(
    client: FlaskClient, office_hours: dict[str, Office], set_now: Callable[[str], datetime]
) -> None:
    set_now(NIGHT_IN_GENEVA)
    client.set_cookie("lang", "ru", domain="tracker.test")
    page = client.get("/missions/kazakhstan-2015").get_data(as_text=True)
    now = text_of(page, 'id="now-heading"', "</section>")
    assert "сейчас не работает" in now and "дежурному телефону" in now


# --- The queue ---------------------------------------------------------------------------


def test_the_queue_says_beside_the_due_time_that_the_office_is_closed(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    make_inquiry: Callable[..., Receipt],
    office_hours: dict[str, Office],
    set_now: Callable[[str], datetime],
) -> None:
    login(make_user(name="Thibaut Guillet", contact="thibaut-guillet", timezone="Europe/Zurich"))
    set_now(NIGHT_IN_GENEVA)
    geneva = make_inquiry(received_at="2015-01-15T01:50:00+01:00").inquiry
    page = queue_html(client, tab="open")
    due = text_of(page, f">{geneva.reference}<", "</tr>")
    assert "Geneva office closed, back Thu 15 Jan 2015, 09:00 (Europe/Zurich, UTC+1)" in due
    set_now(MORNING_IN_GENEVA)
    assert "office closed" not in queue_html(client, tab="open")


def test_the_queue_reads_the_offices_once_per_page_not_per_row(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    make_inquiry: Callable[..., Receipt],
    office_hours: dict[str, Office],
    set_now: Callable[[str], datetime],
) -> None:
    login(make_user(name="Thibaut Guillet", contact="thibaut-guillet"))
    start = at("2015-01-15T00:30:00+01:00")
    make_inquiry(received_at=start)
    set_now(NIGHT_IN_GENEVA)
    db.session.expire_all()
    with counted_queries(app) as short:
        queue_html(client, tab="open")
    for minute in range(1, 30):
        make_inquiry(received_at=start + timedelta(minutes=minute))
        make_inquiry(received_at=start + timedelta(minutes=minute), topic="other_experts")
    db.session.expire_all()
    with counted_queries(app) as long:
        page = queue_html(client, tab="open")
    assert page.count("Geneva office closed") == 50
    assert len(long) == len(short), long


# --- Admin ---------------------------------------------------------------------------------


@pytest.fixture
def admin(
    mission: Mission, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> User:
    user = make_user(role=Role.ADMIN, name="Ada Admin")
    login(user)
    return user


def office(name: str) -> Office:
    db.session.expire_all()
    return db.session.scalars(select(Office).where(Office.name == name)).one()


def test_an_admin_sets_an_offices_hours_and_duty_phone(client: FlaskClient, admin: User) -> None:
    astana = office("Astana")
    form = {
        "timezone": "Asia/Almaty",
        "days": ["1", "2", "3", "4", "5", "6"],
        "opens_at": "08:30",
        "closes_at": "19:00",
        "duty_phone": "+7 701 123 4567",
    }
    response = client.post(f"/admin/offices?edit={astana.id}", data=form)
    assert response.status_code == 303
    saved = office("Astana")
    assert saved.working_hours == hours.WorkingHours(
        "Asia/Almaty", frozenset(range(1, 7)), time(8, 30), time(19)
    )
    assert saved.duty_phone == "+77011234567"
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.entity_type, event.entity_id, event.actor_user_id) == (
        "office",
        saved.id,
        admin.id,
    )
    page = client.get("/admin/offices").get_data(as_text=True)
    assert "Mon Tue Wed Thu Fri Sat, 08:30–19:00" in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"opens_at": "18:00", "closes_at": "09:00"}, "closes_at", "must close after it opens"),
        ({"timezone": ""}, "closes_at", "Working hours need a time zone"),
        ({"days": []}, "closes_at", "Working hours need a time zone"),
        ({"opens_at": "9h"}, "opens_at", "Write the time as HH:MM"),
        ({"duty_phone": "12"}, "duty_phone", "This is not a phone number"),
    ],
)
def test_hours_an_office_cannot_keep_are_refused_next_to_the_field(
    client: FlaskClient, admin: User, changes: dict[str, object], field: str, message: str
) -> None:
    form: dict[str, object] = {
        "timezone": "Europe/Zurich",
        "days": ["1", "2"],
        "opens_at": "09:00",
        "closes_at": "18:00",
        "duty_phone": "",
    }
    response = client.post(f"/admin/offices?edit={office('Geneva').id}", data=form | changes)
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert message in page.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert office("Geneva").working_hours is None


def test_a_contact_in_a_new_office_makes_that_office(client: FlaskClient, admin: User) -> None:
    data = {"name": "Aliya Field", "office": "Almaty", "phones": "+7 727 258 2643"}
    assert client.post("/admin/contacts", data=data).status_code == 303
    made = office("Almaty")
    assert made.working_hours is None
    assert client.get("/admin/offices").status_code == 200
