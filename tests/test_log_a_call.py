"""Logging an inquiry that came by phone: routed like the web form unless taken."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tracker.choices import Channel, Status
from tracker.extensions import db
from tracker.models import Inquiry, Mission, User

NOW = "2015-01-20T15:00:00+06:00"


@pytest.fixture
def officer(
    mission: Mission,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    set_now: Callable[[str], datetime],
) -> User:
    set_now(NOW)
    user = make_user(name="Karen Blanc", contact="karen-blanc", timezone="Europe/Zurich")
    login(user)
    return user


def call(for_mission: Mission, **overrides: str) -> dict[str, str]:
    data = {
        "mission": str(for_mission.id),
        "channel": "phone",
        "received_at": "2015-01-20T09:40",  # Geneva time, UTC+1
        "name": "Marat Akhmetov",
        "outlet": "Khabar TV",
        "media_type": "tv",
        "country": "KZ",
        "phone": "8 701 123 4567",
        "email": "",
        "language": "ru",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Live interview tonight",
        "message": "Could the expert join the 20:00 news?",
        "deadline": "",
        "deadline_tz": "Asia/Almaty",
    }
    data.update(overrides)
    return data


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry)) or 0


def test_the_form_opens_with_now_in_the_officers_zone(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    page = client.get("/inquiries/new").get_data(as_text=True)
    assert 'value="2015-01-20T10:00"' in page  # 15:00 in Astana is 10:00 in Geneva
    assert "consent" not in page and 'name="website"' not in page


def test_a_logged_call_is_routed_by_the_rules_and_gives_a_status_link(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    response = client.post("/inquiries/new", data=call(mission))
    assert response.status_code == 303
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.channel is Channel.PHONE
    assert inquiry.received_at == datetime(2015, 1, 20, 8, 40, tzinfo=UTC)
    assert inquiry.phone == "+77011234567"  # national format read with the country
    assert inquiry.routed_contact is not None and inquiry.routed_contact.key == "leila-duisekova"
    assert inquiry.assignee_id is None and inquiry.status is Status.NEW
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Logged as {inquiry.reference}" in page
    link = re.search(r"(http://tracker\.test/status/[\w-]+)", page)
    assert link, "the officer gets the journalist's status link"
    status = client.get(link.group(1).removeprefix("http://tracker.test"))
    assert status.status_code == 200 and inquiry.reference in status.get_data(as_text=True)
    assert [event.kind for event in inquiry.events][-1] == "logged"


def test_taking_it_assigns_and_routes_to_the_officer(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    client.post("/inquiries/new", data=call(mission, take_it="y"))
    inquiry = db.session.scalars(select(Inquiry)).one()
    assert inquiry.assignee_id == officer.id
    assert inquiry.routed_contact is not None and inquiry.routed_contact.key == "karen-blanc"
    assert inquiry.routing_reason == "taken by Karen Blanc when logging the call"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"received_at": ""}, "received_at", "Say when it came in."),
        ({"received_at": "2015-01-20T11:00"}, "received_at", "This is in the future"),
        ({"received_at": "yesterday"}, "received_at", "Write when it came in as a date"),
        ({"channel": "web_form"}, "channel", "Say how it came in."),
        ({"mission": "9999"}, "mission", "Choose the mission"),
        ({"phone": "", "email": ""}, "phone", "Give an email address or a phone number"),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_nothing_is_stored(
    client: FlaskClient,
    officer: User,
    mission: Mission,
    overrides: dict[str, Any],
    field: str,
    message: str,
) -> None:
    response = client.post("/inquiries/new", data=call(mission, **overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert "Live interview tonight" in page
    assert count() == 0


def test_the_acknowledgement_names_the_officer_who_took_the_call(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    from tracker.models import OutboxMessage

    client.post("/inquiries/new", data=call(mission, take_it="y", email="marat@khabar.kz"))
    acknowledgement = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "marat@khabar.kz")
    ).one()
    assert "Karen Blanc" in acknowledgement.body_text
    assert "Leila Duisekova" not in acknowledgement.body_text


def add_mission(slug: str, prefix: str, first: date, last: date) -> Mission:
    other = Mission(
        slug=slug,
        reference_prefix=prefix,
        title=f"Visit {prefix}",
        expert_name="Expert",
        expert_title="Special Rapporteur",
        country="Chile",
        first_day=first,
        last_day=last,
        timezone="America/Santiago",
        home_timezone="Europe/Zurich",
        published=True,
    )
    db.session.add(other)
    db.session.commit()
    return other


def mission_select(page: str) -> tuple[list[str], list[str]]:
    """The mission select's option values, and those selected."""
    found = re.search(r'<select[^>]*id="mission"[^>]*>(.*?)</select>', page, re.S)
    assert found, "no mission select"
    options = re.findall(r"<option([^>]*)>", found.group(1))
    values = [re.search(r'value="([^"]*)"', option).group(1) for option in options]  # type: ignore[union-attr]
    chosen = [value for value, option in zip(values, options, strict=True) if "selected" in option]
    return values, chosen


def test_with_several_missions_none_is_chosen_for_the_officer(
    client: FlaskClient, officer: User, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    add_mission("chile-2015", "CHL15", date(2015, 3, 1), date(2015, 3, 10))
    set_now("2015-02-10T12:00:00+06:00")  # between the two: neither is under way
    page = client.get("/inquiries/new").get_data(as_text=True)
    values, chosen = mission_select(page)
    assert values[0] == "" and "Choose a mission…" in page
    assert len(values) == 3 and chosen == []
    response = client.post("/inquiries/new", data=call(mission, mission=""))
    assert response.status_code == 422
    error = re.search(r'id="mission-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert error and "Choose the mission" in error.group(1)
    assert count() == 0


def test_two_missions_under_way_means_choosing(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    add_mission("chile-2015", "CHL15", date(2015, 1, 15), date(2015, 1, 30))
    _, chosen = mission_select(client.get("/inquiries/new").get_data(as_text=True))
    assert chosen == []


def test_the_one_mission_under_way_is_chosen(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    add_mission("chile-2015", "CHL15", date(2015, 3, 1), date(2015, 3, 10))  # newer, not yet
    _, chosen = mission_select(client.get("/inquiries/new").get_data(as_text=True))
    assert chosen == [str(mission.id)]


def test_coming_from_a_missions_page_chooses_that_mission(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    chile = add_mission("chile-2015", "CHL15", date(2015, 1, 15), date(2015, 1, 30))
    page = client.get("/inquiries/new?mission=chile-2015").get_data(as_text=True)
    assert mission_select(page)[1] == [str(chile.id)]
    # An unknown slug chooses nothing rather than guessing.
    assert (
        mission_select(client.get("/inquiries/new?mission=nowhere").get_data(as_text=True))[1] == []
    )


def test_the_mission_page_and_the_queue_link_to_the_call_form_for_that_mission(
    client: FlaskClient, officer: User, mission: Mission, app: Any
) -> None:
    link = 'href="/inquiries/new?mission=kazakhstan-2015"'
    assert link in client.get("/missions/kazakhstan-2015").get_data(as_text=True)
    queue = client.get(f"/queue?mission={mission.id}").get_data(as_text=True)
    assert link in queue
    assert "/inquiries/new?mission=" not in client.get("/queue").get_data(as_text=True)
    stranger = app.test_client()
    assert link not in stranger.get("/missions/kazakhstan-2015").get_data(as_text=True)


def test_the_form_speaks_to_the_officer_about_the_journalist(
    client: FlaskClient, officer: User, mission: Mission
) -> None:
    page = client.get("/inquiries/new").get_data(as_text=True)
    assert "Journalist&#39;s name" in page or "Journalist's name" in page
    for journalists_words in ("Your name", "Your message", "Your deadline", "your deadline"):
        assert journalists_words not in page
    response = client.post("/inquiries/new", data=call(mission, name="", email="", phone=""))
    page = response.get_data(as_text=True)
    assert "Give the journalist&#39;s name." in page or "Give the journalist's name." in page
    assert "so that we can answer you" not in page
    # The public form keeps its own words.
    public = client.get("/missions/kazakhstan-2015/inquire").get_data(as_text=True)
    assert "Your name" in public
