"""A journalist marked sensitive is never unmasked to an officer who may not see them.

Its assignee and managers see the journalist, and everything written about the inquiry;
every other officer sees neither, can change nothing but where it is routed, and cannot
make themself its assignee by any path (taking over a handover included). Each viewing
of a sensitive identity is recorded once per person per inquiry per hour, wherever it was
seen. The canary walk at the end covers every route.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.choices import ResponseChannel, Role, Status
from tracker.extensions import db
from tracker.inquiries import follow_ups, responses, sensitivity
from tracker.inquiries.intake import Receipt
from tracker.mail import reminders
from tracker.models import Inquiry, InquiryEvent, OutboxMessage, User

MakeInquiry = Callable[..., Receipt]
MakeUser = Callable[..., User]
Login = Callable[..., FlaskClient]
SetNow = Callable[[datetime | str], datetime]

BEFORE = "2015-01-16T15:00:00+06:00"
DURING = "2015-01-20T10:00:00+06:00"
FIRST_MORNING = "2015-01-19T09:00:00+06:00"


def stored(reference: str) -> Inquiry:
    db.session.expire_all()
    return db.session.scalars(select(Inquiry).where(Inquiry.reference == reference)).one()


def views_by(user: User, reference: str) -> int:
    return sum(
        1
        for event in stored(reference).events
        if event.kind == "identity_viewed" and event.actor_user_id == user.id
    )


def version_of(client: FlaskClient, reference: str) -> str:
    page = client.get(f"/inquiries/{reference}").get_data(as_text=True)
    found = re.search(r'name="version" type="hidden" value="(\d+)"', page)
    # Someone who may not act has only the referral form; the version is on it.
    assert found, "no form on the page"
    return found.group(1)


@pytest.fixture
def geneva(mission: object, make_user: MakeUser) -> User:
    return make_user(name="Thibaut Guillet", contact="thibaut-guillet")


@pytest.fixture
def astana(mission: object, make_user: MakeUser) -> User:
    return make_user(name="Leila Duisekova", contact="leila-duisekova", timezone="Asia/Almaty")


@pytest.fixture
def manager(make_user: MakeUser) -> User:
    return make_user(role=Role.MANAGER, name="Head of Media")


def sensitive_with(
    make_inquiry: MakeInquiry, holder: User, received_at: str = DURING, **fields: object
) -> Inquiry:
    """A sensitive inquiry assigned to ``holder``."""
    inquiry = make_inquiry(received_at=received_at, **fields).inquiry
    inquiry.sensitive, inquiry.assignee, inquiry.status = True, holder, Status.ASSIGNED
    db.session.commit()
    return inquiry


# --- Finding 1: taking over a handover unmasked the journalist ------------------------


def test_the_reported_chain_refer_reopen_take_over_leaves_the_journalist_hidden(
    app: Flask,
    login: Login,
    geneva: User,
    astana: User,
    make_inquiry: MakeInquiry,
    set_now: SetNow,
) -> None:
    """As reported: refer, reopen, then take over all in handover, then open the page."""
    set_now(DURING)
    secret = sensitive_with(make_inquiry, geneva, name="Dana Secretova", outlet="Samizdat")
    as_leila = login(astana)
    version = version_of(as_leila, secret.reference)
    referred = as_leila.post(
        f"/inquiries/{secret.reference}/refer",
        data={"version": version, "contact": str(geneva.contact_id), "reason": "Geneva's"},
    )
    assert referred.status_code == 303, "routing it onward needs no reading: allowed"
    # Referred, it is finished: her page offers nothing, so she forges the post.
    version = str(stored(secret.reference).version)
    reopened = as_leila.post(f"/inquiries/{secret.reference}/reopen", data={"version": version})
    assert reopened.status_code == 422
    assert "Only its assignee or a manager can reopen" in reopened.get_data(as_text=True)
    assert stored(secret.reference).status is Status.REFERRED
    as_leila.post("/queue/handover", data={"scope": "all"})
    assert stored(secret.reference).assignee_id == geneva.id
    page = as_leila.get(f"/inquiries/{secret.reference}").get_data(as_text=True)
    assert "Secretova" not in page and "Samizdat" not in page


def test_a_phase_change_offers_a_sensitive_inquiry_for_handover_but_never_hands_it_over(
    login: Login,
    geneva: User,
    astana: User,
    make_inquiry: MakeInquiry,
    set_now: SetNow,
) -> None:
    secret = sensitive_with(make_inquiry, geneva, received_at=BEFORE, name="Dana Secretova")
    ordinary = make_inquiry(received_at=BEFORE).inquiry
    # Its holder left: the inquiry is left with Geneva, so the handover offers it.
    geneva.active = False
    db.session.commit()
    set_now(FIRST_MORNING)  # the visit has started: Astana takes over Geneva's open ones
    as_leila = login(astana)
    response = as_leila.post("/queue/handover", data={"scope": "all"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "You took over 1 inquiries." in page
    assert f"{secret.reference}: Only its assignee or a manager can take over" in page
    assert stored(ordinary.reference).assignee_id == astana.id
    assert stored(secret.reference).assignee_id == geneva.id
    assert "Secretova" not in page


ACTIONS = [
    ("claim", {}),
    ("assign", {"assignee": "ASTANA"}),
    ("status", {"status": "spam"}),
    ("notes", {"note": "just looking"}),
    ("responses", {"channel": "phone", "said": "Called back"}),
    ("follow-ups", {"due": "2015-01-21T10:00", "what": "call back"}),
    ("follow-ups/FOLLOW_UP/done", {}),
    ("sensitive", {"sensitive": "0"}),
]


@pytest.mark.parametrize(("action", "fields"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_an_officer_who_may_not_see_it_can_change_nothing_but_its_routing(
    login: Login,
    geneva: User,
    astana: User,
    make_inquiry: MakeInquiry,
    set_now: SetNow,
    action: str,
    fields: dict[str, str],
) -> None:
    set_now(DURING)
    secret = sensitive_with(make_inquiry, geneva)
    follow_up = follow_ups.schedule_follow_up(
        secret,
        geneva,
        datetime.fromisoformat(DURING),
        due_at=datetime.fromisoformat(DURING) + timedelta(hours=2),
        what="ring her back",
    )
    db.session.commit()
    before = (stored(secret.reference).version, len(stored(secret.reference).events))
    as_leila = login(astana)
    data = {"version": version_of(as_leila, secret.reference)}
    data.update({k: v.replace("ASTANA", str(astana.id)) for k, v in fields.items()})
    path = action.replace("FOLLOW_UP", str(follow_up.id))
    response = as_leila.post(f"/inquiries/{secret.reference}/{path}", data=data)
    assert response.status_code == 422
    assert "Only its assignee or a manager can" in response.get_data(as_text=True)
    after = stored(secret.reference)
    assert (after.version, len(after.events)) == before
    assert after.sensitive and after.assignee_id == geneva.id


# --- Finding 2: identity in text that was never hidden --------------------------------

CANARY_NOTE = "Called ZHANNA SECRET on +7 701 555 01 01; zhanna.secret@mail.kz next"


def test_notes_responses_and_follow_ups_are_withheld_whole_in_any_spelling(
    app: Flask,
    login: Login,
    geneva: User,
    astana: User,
    make_inquiry: MakeInquiry,
    set_now: SetNow,
) -> None:
    now = set_now(DURING)
    secret = sensitive_with(
        make_inquiry, geneva, name="Zhanna Secret", subject="Zhanna's visa", phone="+77015550101"
    )
    responses.add_note(secret, geneva, now, text=CANARY_NOTE)
    responses.log_response(secret, geneva, now, channel=ResponseChannel.PHONE, said="zhanna: ok")
    follow_ups.schedule_follow_up(
        secret, geneva, now, due_at=now + timedelta(hours=3), what="Ring Z. Secret back"
    )
    db.session.commit()

    page = login(astana).get(f"/inquiries/{secret.reference}").get_data(as_text=True)
    assert not re.search(r"zhanna|secret\b|555\W?01\W?01", page, re.I)
    entries = len(stored(secret.reference).events)
    assert f"Hidden: sensitive inquiry: {entries} entries, shown only to the assignee" in (
        " ".join(re.sub(r"<[^>]+>", " ", page).split())
    )
    assert "1 follow-up, 1 still to do" in page

    page = login(geneva).get(f"/inquiries/{secret.reference}").get_data(as_text=True)
    assert "Called ZHANNA SECRET on +7 701 555 01 01" in page  # the assignee reads it all
    assert "Ring Z. Secret back" in page


def test_the_subject_is_neither_shown_nor_searchable_in_the_queue(
    login: Login, geneva: User, astana: User, make_inquiry: MakeInquiry, set_now: SetNow
) -> None:
    set_now(DURING)
    secret = sensitive_with(make_inquiry, geneva, subject="Zhanna's detention")
    as_leila = login(astana)
    listing = as_leila.get("/queue", query_string={"tab": "open"}).get_data(as_text=True)
    assert secret.reference in listing
    assert "detention" not in listing and "Hidden: sensitive inquiry" in listing
    found = as_leila.get("/queue", query_string={"tab": "open", "q": "detention"})
    assert secret.reference not in found.get_data(as_text=True)
    by_reference = as_leila.get("/queue", query_string={"tab": "open", "q": secret.reference})
    assert secret.reference in by_reference.get_data(as_text=True)
    export = as_leila.get("/queue/export.csv", query_string={"tab": "open"}).get_data(as_text=True)
    [row] = [r for r in csv.DictReader(io.StringIO(export)) if r["reference"] == secret.reference]
    assert row["subject"] == ""
    as_thibaut = login(geneva)
    found = as_thibaut.get("/queue", query_string={"tab": "open", "q": "detention"})
    assert secret.reference in found.get_data(as_text=True)


def test_staff_mail_about_a_sensitive_inquiry_carries_no_journalist_text(
    app: Flask, geneva: User, make_inquiry: MakeInquiry, set_now: SetNow
) -> None:
    now = set_now(DURING)
    secret = sensitive_with(make_inquiry, geneva, subject="Zhanna's visa")
    follow_ups.schedule_follow_up(
        secret, geneva, now, due_at=now + timedelta(minutes=5), what="Ring Zhanna back"
    )
    db.session.commit()
    reminders.run(now + timedelta(hours=1))
    db.session.commit()
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == geneva.email)
    ).all()
    assert mails, "the follow-up notice was queued"
    for mail in mails:
        assert "Zhanna" not in mail.subject + mail.body_text + mail.body_html
        assert "hidden: sensitive inquiry" in mail.body_text


# --- Finding 6: every viewing is recorded, once an hour -------------------------------


def test_viewings_in_the_queue_search_and_export_are_recorded_once_an_hour(
    login: Login,
    geneva: User,
    manager: User,
    make_inquiry: MakeInquiry,
    set_now: SetNow,
) -> None:
    set_now(DURING)
    secret = sensitive_with(make_inquiry, geneva, name="Dana Secretova")
    as_manager = login(manager)
    as_manager.get("/queue", query_string={"tab": "open"})
    assert views_by(manager, secret.reference) == 1
    as_manager.get("/queue", query_string={"tab": "open", "q": "Secretova"})
    as_manager.get(f"/inquiries/{secret.reference}")
    assert views_by(manager, secret.reference) == 1, "the same hour: one viewing"
    set_now(datetime.fromisoformat(DURING) + timedelta(hours=1, minutes=1))
    export = as_manager.get("/queue/export.csv", query_string={"tab": "open"})
    assert "Dana Secretova" in export.get_data(as_text=True)
    assert views_by(manager, secret.reference) == 2
    assert views_by(geneva, secret.reference) == 0
    login(geneva).get("/queue", query_string={"tab": "mine"})
    assert views_by(geneva, secret.reference) == 1


def test_a_hidden_row_is_no_viewing(
    login: Login, geneva: User, astana: User, make_inquiry: MakeInquiry, set_now: SetNow
) -> None:
    set_now(DURING)
    secret = sensitive_with(make_inquiry, geneva)
    login(astana).get("/queue", query_string={"tab": "open"})
    login(astana).get("/queue/export.csv", query_string={"tab": "open"}).get_data()
    assert views_by(astana, secret.reference) == 0


def test_record_identity_views_skips_what_was_seen_within_the_hour(
    app: Flask, geneva: User, make_inquiry: MakeInquiry
) -> None:
    secret = sensitive_with(make_inquiry, geneva)
    now = datetime.fromisoformat(DURING)
    assert sensitivity.record_identity_views(geneva, [secret.id], now) == 1
    assert sensitivity.record_identity_views(geneva, [secret.id], now + timedelta(minutes=59)) == 0
    assert sensitivity.record_identity_views(geneva, [secret.id], now + timedelta(minutes=61)) == 1
    db.session.commit()
    viewed = db.session.scalars(
        select(InquiryEvent).where(InquiryEvent.kind == "identity_viewed")
    ).all()
    assert [(v.actor_user_id, v.public) for v in viewed] == [(geneva.id, False)] * 2
