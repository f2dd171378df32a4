"""The inquiry page, /inquiries/<reference>: what it shows, its actions, and no lost updates.

Each request runs in its own app context and database session, as in production; the
test's own session is expired before it reads what a request committed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert, select, update
from werkzeug.test import TestResponse

from tracker import phones
from tracker.choices import ActorType, Role, Status
from tracker.extensions import db
from tracker.inquiries import freshness
from tracker.inquiries.intake import Receipt
from tracker.models import Contact, FollowUp, Inquiry, InquiryEvent, User

MakeInquiry = Callable[..., Receipt]
MakeUser = Callable[..., User]
Login = Callable[..., FlaskClient]
SetNow = Callable[[datetime | str], datetime]

RECEIVED = "2015-01-20T10:00:00+06:00"
PAGE = "/inquiries/KAZ15-0001"


def fact(page: str, term: str) -> str:
    """The text of the ``<dd>`` that follows ``<dt>term</dt>``."""
    found = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, f"the page does not say {term!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def text_of(response: TestResponse) -> str:
    """The page as a person reads it: no tags, whitespace collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(words).split())


def open_page(client: FlaskClient, path: str = PAGE) -> tuple[str, str]:
    """The page and the version its forms carry."""
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    versions = set(re.findall(r'name="version" type="hidden" value="(\d+)"', page))
    assert len(versions) == 1, versions
    return page, versions.pop()


def stored() -> Inquiry:
    """The inquiry as the database has it now."""
    db.session.expire_all()
    return db.session.scalars(select(Inquiry).where(Inquiry.reference == "KAZ15-0001")).one()


def kinds() -> list[str]:
    return [event.kind for event in stored().events]


def error_next_to(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', page, re.S)
    assert found, f"no error next to {field_id}"
    said = " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())
    return said.removeprefix("Error: ")  # the prefix is for screen readers


@pytest.fixture
def receipt(make_inquiry: MakeInquiry) -> Receipt:
    """A phone-and-email inquiry received during the mission, due at 14:00 Astana time."""
    return make_inquiry(
        received_at=RECEIVED,
        phone=phones.normalise("+7 701 123 4567"),
        subject="Interview about the new law on NGOs",
        message="Could he speak to us on Friday? Aigerim Nurlanovna, Vlast.kz",
    )


@pytest.fixture
def leila(make_user: MakeUser) -> User:
    return make_user(name="Leila Duisekova", timezone="Asia/Almaty")


@pytest.fixture
def karen(make_user: MakeUser) -> User:
    return make_user(name="Karen Blanc", timezone="Europe/Zurich")


@pytest.fixture
def as_leila(login: Login, leila: User) -> FlaskClient:
    return login(leila)


def second_client(app: Flask, login: Login, user: User) -> FlaskClient:
    return login(user, on=app.test_client())


# --- What the page shows -----------------------------------------------------------------


def test_the_page_shows_every_field_with_links_to_call_and_write(
    as_leila: FlaskClient, receipt: Receipt, set_now: SetNow
) -> None:
    set_now("2015-01-20T16:00:00+06:00")
    page, _ = open_page(as_leila)
    assert '<h1>Inquiry <span class="reference">KAZ15-0001</span></h1>' in page
    assert fact(page, "Name") == "Aigerim Nurlanovna"
    assert fact(page, "Outlet") == "Vlast.kz"
    assert '<a href="mailto:aigerim@example.kz">aigerim@example.kz</a>' in page
    assert '<a href="tel:+7-701-123-4567">+7 701 123 4567</a>' in page
    assert fact(page, "Type of media") == "Online"
    assert fact(page, "Country") == "Kazakhstan"
    assert fact(page, "Language for the answer") == "Russian"
    assert fact(page, "Request type") == "Interview"
    assert fact(page, "About") == "This mission"
    assert fact(page, "Channel") == "Web form"
    assert fact(page, "Phase at receipt") == "During the mission"
    assert fact(page, "Deadline") == "None given"
    assert fact(page, "Subject") == "Interview about the new law on NGOs"
    assert fact(page, "Message").startswith("Could he speak to us on Friday?")
    assert fact(page, "Status") == "New"
    assert fact(page, "Assignee") == "Unassigned"
    assert fact(page, "Routed to").startswith("Leila Duisekova (Astana)")
    assert 'href="tel:+7-7172-69-65-50;ext=2293"' in page
    assert fact(page, "Routing reason") == receipt.inquiry.routing_reason
    assert "Astana" in fact(page, "Routing reason")


def test_times_are_shown_in_the_viewers_zone_with_the_clock_in_words(
    login: Login, karen: User, receipt: Receipt, set_now: SetNow
) -> None:
    set_now("2015-01-20T16:00:00+06:00")
    page, _ = open_page(login(karen))
    assert fact(page, "Received") == "Tue 20 Jan 2015, 05:00 (Europe/Zurich, UTC+1)"
    assert fact(page, "Due") == "Tue 20 Jan 2015, 09:00 (Europe/Zurich, UTC+1)"
    assert fact(page, "Response clock") == "Overdue by 2 hours"


def test_time_left_is_said_before_the_due_time(
    as_leila: FlaskClient, receipt: Receipt, set_now: SetNow
) -> None:
    set_now("2015-01-20T12:45:00+06:00")
    page, _ = open_page(as_leila)
    assert fact(page, "Response clock") == "1 hour 15 minutes left"


def test_the_timeline_lists_every_action_in_order_with_actor_and_named_zone(
    as_leila: FlaskClient, receipt: Receipt, set_now: SetNow
) -> None:
    for when, path, data in [
        ("10:30", "/claim", {}),
        ("10:40", "/notes", {"note": "She called twice."}),
        ("11:00", "/responses", {"channel": "phone", "said": "Offered Friday 10:00."}),
    ]:
        set_now(f"2015-01-20T{when}:00+06:00")
        _, version = open_page(as_leila)
        response = as_leila.post(PAGE + path, data={"version": version, **data})
        assert response.status_code == 303, response.get_data(as_text=True)
        assert response.headers["Location"].endswith(PAGE)
    page = text_of(as_leila.get(PAGE))
    timeline = page[page.index("Timeline") :]
    expected = [
        "10:00 (Asia/Almaty, UTC+6) · the journalist · Inquiry received (web form)",
        "Tue 20 Jan 2015, 10:00 (Asia/Almaty, UTC+6) · the system · Routed: ",
        "Tue 20 Jan 2015, 10:30 (Asia/Almaty, UTC+6) · Leila Duisekova · Claimed",
        "Tue 20 Jan 2015, 10:40 (Asia/Almaty, UTC+6) · Leila Duisekova · Internal note",
        "She called twice.",
        "Tue 20 Jan 2015, 11:00 (Asia/Almaty, UTC+6) · Leila Duisekova · Responded by phone",
        "Offered Friday 10:00.",
    ]
    positions = [timeline.index(line) for line in expected]
    assert positions == sorted(positions)


def test_an_unknown_reference_is_a_404(as_leila: FlaskClient, receipt: Receipt) -> None:
    response = as_leila.get("/inquiries/KAZ15-9999")
    assert response.status_code == 404
    assert "There is no inquiry KAZ15-9999." in text_of(response)


def test_the_page_needs_a_press_office_login(
    client: FlaskClient, receipt: Receipt, login: Login, make_user: MakeUser
) -> None:
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert client.post(PAGE + "/claim", data={"version": "1"}).status_code == 302
    login(make_user(role=Role.MANAGER))
    assert client.get(PAGE).status_code == 200


# --- Actions ---------------------------------------------------------------------------


def post_action(client: FlaskClient, path: str, **data: Any) -> TestResponse:
    """Open the page, then post ``data`` with the version it showed."""
    _, version = open_page(client)
    return client.post(PAGE + path, data={"version": version, **data})


def test_claim_then_assign_to_a_colleague(
    as_leila: FlaskClient, receipt: Receipt, leila: User, karen: User
) -> None:
    assert post_action(as_leila, "/claim").status_code == 303
    assert "You have this inquiry now." in text_of(as_leila.get(PAGE))
    assert (stored().assignee_id, stored().status) == (leila.id, Status.ASSIGNED)
    response = post_action(as_leila, "/assign", assignee=str(karen.id))
    assert response.status_code == 303
    assert stored().assignee_id == karen.id
    page = text_of(as_leila.get(PAGE))
    assert "Assigned to Karen Blanc." in page
    assert "Reassigned from Leila Duisekova to Karen Blanc" in page


def test_an_illegal_transition_is_refused_with_its_reason_next_to_the_field(
    as_leila: FlaskClient, receipt: Receipt
) -> None:
    response = post_action(as_leila, "/status", status="answered")
    assert response.status_code == 422
    reason = error_next_to(response.get_data(as_text=True), "status")
    assert reason.startswith("A new inquiry can only be assigned, put in progress")
    assert reason.endswith("Log the response first: that puts it in progress.")
    assert stored().status is Status.NEW


def test_a_duplicate_needs_a_known_reference(
    as_leila: FlaskClient, receipt: Receipt, make_inquiry: MakeInquiry
) -> None:
    response = post_action(as_leila, "/status", status="duplicate", duplicate_of="KAZ15-0077")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert error_next_to(page, "duplicate_of") == "There is no inquiry KAZ15-0077."
    assert 'value="KAZ15-0077"' in page  # what was typed is kept
    make_inquiry()
    response = post_action(as_leila, "/status", status="duplicate", duplicate_of="kaz15-0002")
    assert response.status_code == 303
    inquiry = stored()
    assert (inquiry.status, inquiry.duplicate_of.reference) == (Status.DUPLICATE, "KAZ15-0002")
    assert 'href="/inquiries/KAZ15-0002"' in as_leila.get(PAGE).get_data(as_text=True)


def test_answer_close_and_reopen(as_leila: FlaskClient, receipt: Receipt, set_now: SetNow) -> None:
    set_now("2015-01-20T11:00:00+06:00")
    post_action(as_leila, "/responses", channel="email", said="Sent the programme.")
    post_action(as_leila, "/status", status="answered")
    set_now("2015-01-20T12:00:00+06:00")
    assert post_action(as_leila, "/status", status="closed").status_code == 303
    page = as_leila.get(PAGE).get_data(as_text=True)
    assert fact(page, "Answered") == "Tue 20 Jan 2015, 11:00 (Asia/Almaty, UTC+6)"
    assert fact(page, "Closed") == "Tue 20 Jan 2015, 12:00 (Asia/Almaty, UTC+6)"
    assert "Reopen</button>" in page
    assert 'action="/inquiries/KAZ15-0001/claim"' not in page
    assert post_action(as_leila, "/reopen").status_code == 303
    assert (stored().status, stored().closed_at) == (Status.IN_PROGRESS, None)


def test_refer_a_misdirected_inquiry(as_leila: FlaskClient, receipt: Receipt) -> None:
    media_unit = db.session.scalars(select(Contact).where(Contact.key == "xabier-celaya")).one()
    response = post_action(
        as_leila, "/refer", contact=str(media_unit.id), reason="About another expert."
    )
    assert response.status_code == 303
    inquiry = stored()
    assert (inquiry.status, inquiry.routed_contact_id) == (Status.REFERRED, media_unit.id)
    page = text_of(as_leila.get(PAGE))
    assert "Referred to Xabier Celaya." in page
    assert "About another expert." in page


def test_follow_ups_are_scheduled_in_the_viewers_zone_and_ticked_off(
    as_leila: FlaskClient, receipt: Receipt, set_now: SetNow
) -> None:
    set_now("2015-01-20T11:00:00+06:00")
    response = post_action(
        as_leila, "/follow-ups", due="2015-01-21T09:30", what="Call back about Friday"
    )
    assert response.status_code == 303
    inquiry = stored()
    assert inquiry.follow_up_due_at == datetime.fromisoformat("2015-01-21T09:30:00+06:00")
    follow_up_id = inquiry.follow_ups[0].id
    page = text_of(as_leila.get(PAGE))
    assert "Tue 21 Jan 2015" not in page  # the 21st was a Wednesday
    assert "Wed 21 Jan 2015, 09:30 (Asia/Almaty, UTC+6) · Call back about Friday" in page
    set_now("2015-01-21T09:40:00+06:00")
    response = post_action(as_leila, f"/follow-ups/{follow_up_id}/done")
    assert response.status_code == 303
    assert stored().follow_up_due_at is None
    assert "follow_up_done" in kinds()
    assert "done by Leila Duisekova" in text_of(as_leila.get(PAGE))


def test_a_follow_up_in_the_past_is_refused_next_to_its_field(
    as_leila: FlaskClient, receipt: Receipt, set_now: SetNow
) -> None:
    set_now("2015-01-20T11:00:00+06:00")
    response = post_action(as_leila, "/follow-ups", due="2015-01-20T10:00", what="Too late")
    assert response.status_code == 422
    assert error_next_to(response.get_data(as_text=True), "due") == "Choose a time after now."
    assert stored().follow_ups == []


def test_a_follow_up_of_another_inquiry_is_a_404(
    as_leila: FlaskClient, receipt: Receipt, make_inquiry: MakeInquiry
) -> None:
    other = make_inquiry().inquiry
    other.follow_ups.append(
        FollowUp(due_at=datetime.fromisoformat("2015-01-22T10:00:00+06:00"), note="Not yours")
    )
    db.session.commit()
    assert post_action(as_leila, f"/follow-ups/{other.follow_ups[0].id}/done").status_code == 404


# --- The response clock through the page ---------------------------------------------


def test_responding_stops_the_clock_and_awaiting_the_journalist_pauses_it(
    as_leila: FlaskClient, receipt: Receipt, set_now: SetNow
) -> None:
    set_now("2015-01-20T10:30:00+06:00")
    post_action(as_leila, "/claim")
    post_action(as_leila, "/status", status="in_progress")
    set_now("2015-01-20T11:00:00+06:00")
    post_action(as_leila, "/status", status="awaiting_journalist")
    set_now("2015-01-20T15:00:00+06:00")  # past the original due time, but paused
    page, _ = open_page(as_leila)
    assert fact(page, "Response clock") == (
        "Paused while awaiting the journalist's reply (3 hours left then)"
    )
    assert fact(page, "Paused since") == "Tue 20 Jan 2015, 11:00 (Asia/Almaty, UTC+6)"
    post_action(as_leila, "/status", status="in_progress")
    page, _ = open_page(as_leila)
    assert fact(page, "Due") == "Tue 20 Jan 2015, 18:00 (Asia/Almaty, UTC+6)"
    assert fact(page, "Response clock") == "3 hours left"
    set_now("2015-01-20T16:30:00+06:00")
    post_action(as_leila, "/responses", channel="interview", said="Interview by phone.")
    inquiry = stored()
    assert inquiry.first_response_at == datetime.fromisoformat("2015-01-20T16:30:00+06:00")
    assert not inquiry.clock_running
    set_now("2015-01-21T09:00:00+06:00")
    page, _ = open_page(as_leila)
    assert fact(page, "Response clock") == (
        "Stopped: first response 1 hour 30 minutes before the due time"
    )


# --- No lost updates ------------------------------------------------------------------


def test_two_officers_on_the_same_version_the_first_wins_the_second_is_told(
    app: Flask, login: Login, leila: User, karen: User, receipt: Receipt, set_now: SetNow
) -> None:
    as_leila, as_karen = login(leila), second_client(app, login, karen)
    _, leila_version = open_page(as_leila)
    _, karen_version = open_page(as_karen)
    assert leila_version == karen_version

    set_now("2015-01-20T11:00:00+06:00")
    first = as_leila.post(PAGE + "/claim", data={"version": leila_version})
    assert first.status_code == 303

    set_now("2015-01-20T11:05:00+06:00")
    typed = "Told her the expert can do 10 minutes tomorrow."
    second = as_karen.post(
        PAGE + "/responses", data={"version": karen_version, "channel": "phone", "said": typed}
    )
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert (
        "Changed by Leila Duisekova at Tue 20 Jan 2015, 06:00 (Europe/Zurich, UTC+1) "
        "since you opened it."
    ) in html.unescape(page)
    # The newer state is shown, what Karen typed is kept, and nothing of it was stored.
    assert fact(page, "Assignee") == "Leila Duisekova"
    assert typed in html.unescape(page)
    assert "response" not in kinds()
    assert stored().version == int(karen_version) + 1

    # Her other stale action is refused too, and overwrites nothing.
    assigned = as_karen.post(
        PAGE + "/assign", data={"version": karen_version, "assignee": karen.id}
    )
    assert assigned.status_code == 409
    assert stored().assignee_id == leila.id

    # Having seen the change, she sends again from the refreshed page.
    fresh = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    assert fresh and fresh.group(1) == str(stored().version)
    again = as_karen.post(
        PAGE + "/responses", data={"version": fresh.group(1), "channel": "phone", "said": typed}
    )
    assert again.status_code == 303
    assert kinds().count("response") == 1


def test_notes_and_follow_ups_never_conflict_with_a_colleagues_change(
    app: Flask, login: Login, leila: User, karen: User, receipt: Receipt, set_now: SetNow
) -> None:
    """Karen types a note and plans a follow-up on a page she opened before Leila changed
    the status: both are kept, and Leila's page does not go stale because of them."""
    as_leila, as_karen = login(leila), second_client(app, login, karen)
    set_now("2015-01-20T11:00:00+06:00")
    _, karen_version = open_page(as_karen)
    _, leila_version = open_page(as_leila)
    assert as_leila.post(PAGE + "/claim", data={"version": leila_version}).status_code == 303
    _, leila_version = open_page(as_leila)
    assert leila_version != karen_version

    note = as_karen.post(
        PAGE + "/notes", data={"version": karen_version, "note": "Her editor called too."}
    )
    assert note.status_code == 303
    planned = as_karen.post(
        PAGE + "/follow-ups",
        data={"version": karen_version, "due": "2015-01-21T09:30", "what": "Call back"},
    )
    assert planned.status_code == 303
    follow_up_id = stored().follow_ups[0].id
    ticked = as_karen.post(
        PAGE + f"/follow-ups/{follow_up_id}/done", data={"version": karen_version}
    )
    assert ticked.status_code == 303
    assert {"note", "follow_up", "follow_up_done"} <= set(kinds())
    # None of that made Leila's page stale: her status change goes through.
    assert stored().version == int(leila_version)
    moved = as_leila.post(
        PAGE + "/status", data={"version": leila_version, "status": "in_progress"}
    )
    assert moved.status_code == 303
    assert stored().status is Status.IN_PROGRESS
    # A change of the same fields still conflicts: Karen's status change is stale.
    clash = as_karen.post(PAGE + "/status", data={"version": karen_version, "status": "declined"})
    assert clash.status_code == 409
    assert stored().status is Status.IN_PROGRESS


def test_a_follow_up_ticked_off_by_two_colleagues_at_once_is_done_once(
    app: Flask, login: Login, leila: User, karen: User, receipt: Receipt, set_now: SetNow
) -> None:
    as_leila, as_karen = login(leila), second_client(app, login, karen)
    set_now("2015-01-20T11:00:00+06:00")
    post_action(as_leila, "/follow-ups", due="2015-01-21T09:30", what="Call back")
    follow_up_id = stored().follow_ups[0].id
    _, version = open_page(as_karen)
    first = as_leila.post(PAGE + f"/follow-ups/{follow_up_id}/done", data={"version": version})
    second = as_karen.post(PAGE + f"/follow-ups/{follow_up_id}/done", data={"version": version})
    assert first.status_code == 303
    assert second.status_code == 422
    assert "already ticked off by Leila Duisekova" in text_of(second)
    assert kinds().count("follow_up_done") == 1


# Karen commits on a connection of her own.
@pytest.mark.real_commits
def test_a_concurrent_commit_between_check_and_write_gets_the_same_message(
    as_leila: FlaskClient,
    karen: User,
    receipt: Receipt,
    set_now: SetNow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Karen's commit lands after Leila's version check passed: the database refuses."""
    set_now("2015-01-20T11:00:00+06:00")
    check = freshness.ensure_fresh

    def check_then_lose_the_race(inquiry: Inquiry, expected: int) -> None:
        check(inquiry, expected)
        with db.engine.begin() as other:
            other.execute(
                update(Inquiry).where(Inquiry.id == inquiry.id).values(version=Inquiry.version + 1)
            )
            other.execute(
                insert(InquiryEvent).values(
                    inquiry_id=inquiry.id,
                    at=datetime.fromisoformat("2015-01-20T10:59:00+06:00"),
                    actor_type=ActorType.USER,
                    actor_user_id=karen.id,
                    kind="status",
                    summary="Status changed to in progress",
                    details={},
                )
            )

    _, version = open_page(as_leila)
    monkeypatch.setattr(freshness, "ensure_fresh", check_then_lose_the_race)
    response = as_leila.post(PAGE + "/claim", data={"version": version})
    assert response.status_code == 409
    assert (
        "Changed by Karen Blanc at Tue 20 Jan 2015, 10:59 (Asia/Almaty, UTC+6) since you opened it."
    ) in html.unescape(response.get_data(as_text=True))
    assert stored().assignee_id is None
    assert "claimed" not in kinds()


def test_a_form_without_its_version_is_refused(as_leila: FlaskClient, receipt: Receipt) -> None:
    response = as_leila.post(PAGE + "/claim", data={})
    assert response.status_code == 422
    assert "The page lost its version: reload it." in text_of(response)
    assert stored().assignee_id is None


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_with_csrf_on_the_page_forms_carry_their_token(
    as_leila: FlaskClient, receipt: Receipt
) -> None:
    page, version = open_page(as_leila)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    refused = as_leila.post(PAGE + "/notes", data={"version": version, "note": "Hi"})
    assert refused.status_code == 400
    data = {"version": version, "note": "Hi", "csrf_token": token.group(1)}
    assert as_leila.post(PAGE + "/notes", data=data).status_code == 303


# --- What the journalist sees afterwards ---------------------------------------------


def test_the_status_page_shows_only_the_public_part_afterwards(
    app: Flask, as_leila: FlaskClient, receipt: Receipt, karen: User, set_now: SetNow
) -> None:
    set_now("2015-01-20T10:30:00+06:00")
    post_action(as_leila, "/claim")
    post_action(as_leila, "/notes", note="Internal: check the outlet with Astana.")
    post_action(as_leila, "/responses", channel="email", said="Our draft answer, internal.")
    post_action(as_leila, "/status", status="awaiting_sign_off")
    post_action(as_leila, "/assign", assignee=str(karen.id))
    set_now("2015-01-20T12:00:00+06:00")
    post_action(as_leila, "/status", status="answered")
    journalist = app.test_client()
    response = journalist.get(f"/status/{receipt.status_token}")
    assert response.status_code == 200
    page = html.unescape(response.get_data(as_text=True))
    assert fact(page, "Status") == "Answered"
    # When the journalist was answered (the response at 10:30), not when the status said so.
    assert fact(page, "Answered") == "Tue 20 Jan 2015, 10:30 (Asia/Almaty, UTC+6)"
    assert fact(page, "Last update") == "Answered, Tue 20 Jan 2015, 12:00 (Asia/Almaty, UTC+6)"
    assert '<p class="contact-name">Leila Duisekova</p>' in page  # the public contact card
    for private in ("Internal", "internal", "Karen", "sign-off", "Claimed", "Officer"):
        assert private not in page


# --- Journalist safety ----------------------------------------------------------------


def test_a_sensitive_identity_is_hidden_from_other_officers_and_each_viewing_recorded(
    app: Flask,
    login: Login,
    leila: User,
    karen: User,
    make_user: MakeUser,
    receipt: Receipt,
) -> None:
    as_leila = login(leila)
    post_action(as_leila, "/claim")
    assert post_action(as_leila, "/sensitive", sensitive="1").status_code == 303
    assert stored().sensitive
    assert "identity_viewed" not in kinds()
    page, _ = open_page(as_leila)  # she is the assignee: she sees it, and that is recorded
    assert fact(page, "Name") == "Aigerim Nurlanovna"
    assert kinds().count("identity_viewed") == 1

    as_karen = second_client(app, login, karen)
    viewed = kinds().count("identity_viewed")
    page, _ = open_page(as_karen)
    for secret in ("Aigerim", "Nurlanovna", "Vlast.kz", "aigerim@example.kz", "701 123 4567"):
        assert secret not in page
    assert fact(page, "Identity").startswith("Hidden: this journalist may be at risk.")
    # Free text is withheld whole: a journalist's name hides in any spelling.
    assert fact(page, "Message") == "Hidden: sensitive inquiry"
    assert fact(page, "Subject") == "Hidden: sensitive inquiry"
    assert "Interview about the new law on NGOs" not in page
    assert kinds().count("identity_viewed") == viewed  # she saw nothing to record
    # Nor can she take it, which would show it to her.
    assert 'action="/inquiries/KAZ15-0001/claim"' not in page
    assert post_action(as_karen, "/claim").status_code == 422

    manager = make_user(role=Role.MANAGER, name="Head of Media")
    as_manager = second_client(app, login, manager)
    page, _ = open_page(as_manager)
    assert fact(page, "Name") == "Aigerim Nurlanovna"
    viewings = [e for e in stored().events if e.kind == "identity_viewed"]
    assert viewings[-1].actor_user_id == manager.id
    assert len(viewings) == viewed + 1
    assert not any(event.public for event in viewings)
    timeline = text_of(as_manager.get(PAGE))
    assert "Head of Media · Viewed the journalist's identity" in timeline


def test_identity_of_an_ordinary_inquiry_is_seen_without_audit(
    as_leila: FlaskClient, receipt: Receipt
) -> None:
    open_page(as_leila)
    assert "identity_viewed" not in kinds()
