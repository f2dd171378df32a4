"""Phase handover: when the mission starts, Astana takes over Geneva's open inquiries;
when it ends, Geneva takes back what is still open. Driven with a controlled clock."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.choices import Status, Topic
from tracker.extensions import db
from tracker.inquiries import handover
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, User
from tracker.queue import listing

BEFORE = "2015-01-16T15:00:00+06:00"
FIRST_MORNING = "2015-01-19T00:00:00+06:00"  # the first instant of the visit, Astana time
LAST_EVENING = "2015-01-27T23:59:00+06:00"
DAY_AFTER = "2015-01-28T00:00:00+06:00"


@pytest.fixture
def astana(mission: Any, make_user: Callable[..., User]) -> User:
    return make_user(name="Leila Duisekova", contact="leila-duisekova", timezone="Asia/Almaty")


@pytest.fixture
def geneva(mission: Any, make_user: Callable[..., User]) -> User:
    return make_user(name="Thibaut Guillet", contact="thibaut-guillet")


def handover_refs(user: User, when: str) -> list[str]:
    now = datetime.fromisoformat(when)
    viewer = listing.Viewer(user, now, handover.handover_pairs(user, now))
    page = listing.queue_page(listing.Tab.HANDOVER, viewer, listing.Filters())
    return [row.reference for row in page.rows]


def test_geneva_inquiries_reach_astanas_handover_the_moment_the_mission_starts(
    make_inquiry: Callable[..., Receipt], astana: User, geneva: User
) -> None:
    open_one = make_inquiry(received_at=BEFORE).inquiry
    closed = make_inquiry(received_at=BEFORE).inquiry
    closed.status = Status.CLOSED
    media_unit = make_inquiry(received_at=BEFORE, topic=Topic.OTHER_EXPERTS).inquiry
    db.session.commit()
    assert media_unit.routed_contact and media_unit.routed_contact.key == "xabier-celaya"
    assert handover_refs(astana, "2015-01-18T23:59:59+06:00") == []
    assert handover_refs(astana, FIRST_MORNING) == [open_one.reference]
    assert handover_refs(geneva, FIRST_MORNING) == [], "Geneva no longer serves this phase"


def test_taking_over_all_in_one_step_routes_assigns_and_records_why(
    client: FlaskClient,
    login: Callable[..., FlaskClient],
    set_now: Callable[[str], datetime],
    make_inquiry: Callable[..., Receipt],
    astana: User,
) -> None:
    first = make_inquiry(received_at=BEFORE).inquiry
    second = make_inquiry(received_at=BEFORE).inquiry
    set_now(FIRST_MORNING)
    login(astana)
    page = client.get("/queue?tab=handover").get_data(as_text=True)
    assert re.search(r'Handover\s*<span class="count">2</span>', page)
    response = client.post("/queue/handover", data={"scope": "all"})
    assert response.status_code == 302
    db.session.expire_all()
    for inquiry in (first, second):
        taken = db.session.get(Inquiry, inquiry.id)
        assert taken is not None
        assert taken.routed_contact is not None and taken.routed_contact.key == "leila-duisekova"
        assert taken.assignee_id == astana.id
        assert taken.status is Status.ASSIGNED
        assert taken.events[-1].summary == "Handed over from Geneva to Astana: mission started"
        assert taken.events[-1].actor_user_id == astana.id
    assert handover_refs(astana, FIRST_MORNING) == []


def test_geneva_takes_back_what_is_open_when_the_mission_ends(
    client: FlaskClient,
    login: Callable[..., FlaskClient],
    set_now: Callable[[str], datetime],
    make_inquiry: Callable[..., Receipt],
    geneva: User,
) -> None:
    during = make_inquiry(received_at="2015-01-25T10:00:00+06:00").inquiry
    other = make_inquiry(received_at="2015-01-26T10:00:00+06:00").inquiry
    assert during.routed_contact and during.routed_contact.key == "leila-duisekova"
    assert handover_refs(geneva, LAST_EVENING) == []
    assert handover_refs(geneva, DAY_AFTER) == [during.reference, other.reference]
    set_now(DAY_AFTER)
    login(geneva)
    client.post("/queue/handover", data={"scope": "selected", "ids": [str(during.id)]})
    db.session.expire_all()
    taken = db.session.get(Inquiry, during.id)
    assert taken is not None and taken.routed_contact is not None
    assert taken.routed_contact.key == "thibaut-guillet"
    assert taken.events[-1].summary == "Handed over from Astana to Geneva: mission ended"
    assert handover_refs(geneva, DAY_AFTER) == [other.reference]


DURING = "2015-01-20T15:00:00+06:00"


def test_a_call_an_officer_takes_is_not_offered_to_others_for_handover(
    client: FlaskClient,
    login: Callable[..., FlaskClient],
    set_now: Callable[[str], datetime],
    mission: Any,
    make_user: Callable[..., User],
    astana: User,
) -> None:
    """Karen (Geneva, before and after the visit) takes a call during the visit: it is
    routed to her own contact, which does not serve this phase, yet it is hers."""
    karen = make_user(name="Karen Blanc", contact="karen-blanc", timezone="Europe/Zurich")
    set_now(DURING)
    login(karen)
    logged = client.post(
        "/inquiries/new",
        data={
            "mission": str(mission.id),
            "channel": "phone",
            "received_at": "2015-01-20T10:00",
            "take_it": "y",
            "name": "Marat Akhmetov",
            "outlet": "Khabar TV",
            "media_type": "tv",
            "country": "KZ",
            "phone": "+7 701 123 4567",
            "language": "ru",
            "request_type": "interview",
            "topic": "mission",
            "subject": "Live interview tonight",
            "message": "Could the expert join the 20:00 news?",
            "deadline_tz": "Asia/Almaty",
        },
    )
    assert logged.status_code == 303
    taken = db.session.scalars(select(Inquiry)).one()
    assert taken.routed_contact is not None and taken.routed_contact.key == "karen-blanc"
    assert handover_refs(astana, DURING) == []
    login(astana)
    page = client.get("/queue?tab=handover").get_data(as_text=True)
    assert re.search(r'Handover\s*<span class="count">0</span>', page)
    assert "Take over all" not in page
    client.post("/queue/handover", data={"scope": "all"})
    db.session.expire_all()
    assert db.session.get(Inquiry, taken.id).assignee_id == karen.id  # type: ignore[union-attr]


def test_what_an_officer_of_the_previous_phase_handles_stays_theirs(
    make_inquiry: Callable[..., Receipt], astana: User, geneva: User
) -> None:
    handled = make_inquiry(received_at=BEFORE).inquiry
    handled.assignee, handled.status = geneva, Status.IN_PROGRESS
    left = make_inquiry(received_at=BEFORE).inquiry
    db.session.commit()
    assert handover_refs(astana, FIRST_MORNING) == [left.reference]


def test_what_a_deactivated_officer_held_is_handed_over(
    make_inquiry: Callable[..., Receipt], astana: User, geneva: User
) -> None:
    orphaned = make_inquiry(received_at=BEFORE).inquiry
    orphaned.assignee, orphaned.status = geneva, Status.IN_PROGRESS
    geneva.active = False
    db.session.commit()
    assert handover_refs(astana, FIRST_MORNING) == [orphaned.reference]
    taken, refused = handover.take_over_waiting(astana, datetime.fromisoformat(FIRST_MORNING), None)
    assert (taken, refused) == (1, [])
    assert orphaned.assignee_id == astana.id
