"""Administration of missions and their events, in the browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tracker.choices import Role
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import AuditEvent, Mission, MissionEvent, User

SEED = "/admin/missions/kazakhstan-2015"


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> User:
    """An admin, logged in on ``client``."""
    user = make_user(role=Role.ADMIN, name="Ada Admin")
    login(user)
    return user


def new_mission(**overrides: str) -> dict[str, str]:
    """The form of a second mission, as a person would fill it in."""
    data = {
        "slug": "kyrgyzstan-2016",
        "reference_prefix": "KGZ16",
        "title": "Kyrgyzstan: visit by the Special Rapporteur on the right to food",
        "expert_name": "Hilal Elver",
        "expert_title": "Special Rapporteur on the right to food",
        "expert_country": "Turkey",
        "country": "Kyrgyzstan",
        "cities": "Bishkek\n  Osh  \n\n",
        "first_day": "2016-03-01",
        "last_day": "2016-03-10",
        "timezone": "Asia/Bishkek",
        "home_timezone": "Europe/Zurich",
        "home_office": "Geneva",
        "announced_on": "2016-02-25",
        "response_target_hours": "2.5",
        "summary": "The expert will visit Bishkek and Osh.",
        "source": "Press release, GENEVA, 25 February 2016",
    }
    data.update(overrides)
    return data


def seed_form(mission: Mission, **overrides: str) -> dict[str, str]:
    """The seed mission's form as stored, with some fields changed."""
    data = new_mission(
        slug=mission.slug,
        reference_prefix=mission.reference_prefix,
        title=mission.title,
        expert_name=mission.expert_name,
        expert_title=mission.expert_title,
        expert_country=mission.expert_country or "",
        country=mission.country,
        cities="\n".join(mission.cities),
        first_day=mission.first_day.isoformat(),
        last_day=mission.last_day.isoformat(),
        timezone=mission.timezone,
        home_timezone=mission.home_timezone,
        announced_on="2015-01-16",
        response_target_hours="4",
        summary=mission.summary,
        source=mission.source or "",
    )
    data.update(overrides)
    return data


def audit_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def missions_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Mission)) or 0


def test_an_admin_creates_a_mission_and_the_change_is_recorded(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post("/admin/missions/new", data=new_mission())
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/missions/kyrgyzstan-2016"
    created = db.session.scalars(select(Mission).where(Mission.slug == "kyrgyzstan-2016")).one()
    assert created.cities == ["Bishkek", "Osh"]
    assert created.first_day == date(2016, 3, 1) and created.last_day == date(2016, 3, 10)
    assert created.response_target_minutes == 150
    assert created.timezone == "Asia/Bishkek" and created.expert_country == "Turkey"
    [event] = audit_events()
    assert (event.actor_user_id, event.action) == (admin.id, "created")
    assert (event.entity_type, event.entity_id) == ("mission", created.id)
    assert event.summary == "Created mission kyrgyzstan-2016"
    assert event.details["first_day"] == "2016-03-01"
    assert event.details["response_target_minutes"] == 150
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Mission kyrgyzstan-2016 created" in page
    assert "Created mission kyrgyzstan-2016" in page  # its history
    # The public page knows it at once.
    assert client.get("/missions/kyrgyzstan-2016").status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("last_day", "2016-02-28", "The last day is earlier than the first day."),
        ("first_day", "1 March", "Write a date as YYYY-MM-DD"),
        ("reference_prefix", "kgz-16", "2 to 10 capital letters or digits"),
        ("reference_prefix", "KAZ15", "Another mission has this prefix."),
        ("slug", "Kyrgyzstan 2016", "Lower-case letters, digits and dashes"),
        ("slug", "kazakhstan-2015", "Another mission has this slug."),
        ("slug", "new", "is reserved"),
        ("timezone", "Asia/Frunze-City", "Choose a time zone from the list."),
        ("timezone", "", "Choose a time zone."),
        ("response_target_hours", "0", "More than 0 and at most 168 hours"),
        ("response_target_hours", "four", "Write the hours as a number"),
        ("expert_name", "   ", "Name the expert."),
        ("title", "x" * 301, "At most 300 characters."),
    ],
)
def test_a_bad_mission_is_refused_next_to_the_field_and_keeps_what_was_typed(
    client: FlaskClient, admin: User, mission: Mission, field: str, value: str, message: str
) -> None:
    response = client.post("/admin/missions/new", data=new_mission(**{field: value}))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    error = page.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert message in error
    assert "The expert will visit Bishkek and Osh." in page  # what was typed stays
    assert "Bishkek\n  Osh" in page
    assert missions_count() == 1
    assert audit_events() == []


def test_changing_a_mission_records_old_and_new_values(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post(SEED, data=seed_form(mission, last_day="2015-01-28"))
    assert response.status_code == 303
    db.session.expire_all()
    assert mission.last_day == date(2015, 1, 28)
    [event] = audit_events()
    assert event.action == "updated" and event.entity_id == mission.id
    assert event.summary == "Changed last day of kazakhstan-2015"
    assert event.details == {"last_day": ["2015-01-27", "2015-01-28"]}
    assert "Saved." in client.get(SEED).get_data(as_text=True)


def test_saving_an_unchanged_mission_records_nothing(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    assert client.post(SEED, data=seed_form(mission)).status_code == 303
    assert audit_events() == []


def test_prefix_and_slug_are_fixed_once_inquiries_carry_them(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_inquiry: Callable[..., Receipt],
) -> None:
    make_inquiry()
    response = client.post(SEED, data=seed_form(mission, reference_prefix="KZ15"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The prefix cannot change: 1 inquiry already carries it" in page
    assert 'value="KZ15"' in page  # what was typed stays
    response = client.post(SEED, data=seed_form(mission, slug="kazakhstan-2015-visit"))
    assert response.status_code == 422
    assert "The slug cannot change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (mission.slug, mission.reference_prefix) == ("kazakhstan-2015", "KAZ15")
    assert audit_events() == []


def test_correcting_the_zone_keeps_events_at_their_local_time(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post(SEED, data=seed_form(mission, timezone="Asia/Aqtau"))
    assert response.status_code == 303
    conference = db.session.scalars(
        select(MissionEvent).where(MissionEvent.kind == "press-conference")
    ).one()
    db.session.refresh(conference)
    # 11:00 in Aqtau (UTC+5 in 2015), not 11:00 in Almaty (UTC+6).
    assert conference.starts_at == datetime(2015, 1, 27, 6, 0, tzinfo=UTC)


def event_form(**overrides: str) -> dict[str, Any]:
    data = {
        "kind": "briefing",
        "title": "Background briefing for journalists",
        "starts_at": "2015-01-21T15:30",
        "when_text": "",
        "venue": "UN House, Astana",
        "description": "",
    }
    data.update(overrides)
    return data


def events_in_order(mission: Mission) -> list[str]:
    db.session.expire_all()
    return [event.kind for event in sorted(mission.events, key=lambda e: e.position)]


def test_an_event_is_added_at_its_local_time_moved_and_removed(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post(f"{SEED}/events", data=event_form())
    assert response.status_code == 303
    added = db.session.scalars(select(MissionEvent).where(MissionEvent.kind == "briefing")).one()
    assert added.starts_at == datetime(2015, 1, 21, 9, 30, tzinfo=UTC)  # Almaty is UTC+6
    assert events_in_order(mission) == ["press-conference", "final-report", "briefing"]

    added_id = added.id
    row = {"item": str(added_id)}
    assert client.post(f"{SEED}/events/row", data={**row, "action": "up"}).status_code == 303
    assert events_in_order(mission) == ["press-conference", "briefing", "final-report"]
    response = client.post(f"{SEED}/events/row", data={**row, "action": "remove"})
    assert response.status_code == 303
    assert events_in_order(mission) == ["press-conference", "final-report"]
    assert [e.position for e in sorted(mission.events, key=lambda e: e.position)] == [0, 1]

    actions = [(e.action, e.entity_type, e.entity_id) for e in audit_events()]
    assert actions == [
        ("event_added", "mission", mission.id),
        ("event_moved", "mission", mission.id),
        ("event_removed", "mission", mission.id),
    ]
    moved = audit_events()[1]
    assert moved.summary == (
        "Moved event “Background briefing for journalists” of kazakhstan-2015 to place 2"
    )
    assert moved.details == {"event_id": added_id, "place": 2}


def test_editing_an_event_shows_its_local_time_and_saves_changes(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    conference = mission.events[0]
    page = client.get(f"{SEED}/events?edit={conference.id}").get_data(as_text=True)
    assert 'value="2015-01-27T11:00"' in page
    data = event_form(kind="press-conference", title=conference.title, starts_at="2015-01-27T12:00")
    data["venue"] = conference.venue or ""
    data["description"] = conference.description or ""
    response = client.post(f"{SEED}/events?edit={conference.id}", data=data)
    assert response.status_code == 303
    db.session.refresh(conference)
    assert conference.starts_at == datetime(2015, 1, 27, 6, 0, tzinfo=UTC)
    [event] = audit_events()
    assert event.action == "event_updated"
    assert event.details["starts_at"] == ["2015-01-27T05:00:00+00:00", "2015-01-27T06:00:00+00:00"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"starts_at": "", "when_text": ""}, "when_text", "Give a local start time, or say when"),
        ({"starts_at": "27/01/2015 11am"}, "starts_at", "Write the start as a date and time"),
        ({"kind": "Press Conference"}, "kind", "Lower-case letters, digits and dashes"),
        ({"title": ""}, "title", "Give the event a title."),
    ],
)
def test_a_bad_event_is_refused_next_to_the_field(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = client.post(f"{SEED}/events", data=event_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.split(f'id="{field}-error"')[1].split("</p>")[0]
    assert "UN House, Astana" in page
    assert len(events_in_order(mission)) == 2
    assert audit_events() == []


def test_an_event_of_another_mission_or_a_stale_row_is_a_404(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post(f"{SEED}/events/row", data={"item": "999", "action": "remove"})
    assert response.status_code == 404
    assert client.get(f"{SEED}/events?edit=999").status_code == 404
    # An unreadable id is not taken for "add a new one": the address itself is bad.
    assert client.post(f"{SEED}/events?edit=abc", data=event_form()).status_code == 400
    assert len(events_in_order(mission)) == 2
    assert client.get("/admin/missions/nowhere-1999").status_code == 404


def test_the_first_event_cannot_move_up(client: FlaskClient, admin: User, mission: Mission) -> None:
    first = mission.events[0]
    response = client.post(f"{SEED}/events/row", data={"item": str(first.id), "action": "up"})
    assert response.status_code == 422
    assert "It is already first in the list." in response.get_data(as_text=True)
    assert audit_events() == []
