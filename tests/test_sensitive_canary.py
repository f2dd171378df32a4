"""The canary walk: a sensitive journalist never reaches an officer who may not see them.

A sensitive inquiry is made whose journalist's name, email local part, outlet and phone
digits are unique canary strings, with notes, responses, follow-ups and mails (to the
journalist and to staff) that mention them in other cases and formats. Then every route
of the application is walked, GET and the POST actions, as an officer who is neither its
assignee nor a manager: no canary may appear in any body, header, CSV, JSON or mail that
officer can reach. ``WALK`` names how each endpoint is walked; an endpoint missing from it
fails the first test, so a new route cannot ship unwalked.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tracker.choices import ResponseChannel, Role, Status
from tracker.extensions import db
from tracker.inquiries import follow_ups, responses
from tracker.inquiries.intake import Receipt
from tracker.mail import reminders
from tracker.models import Inquiry, OutboxMessage, User

BEFORE = "2015-01-16T10:00:00+06:00"
NOW = "2015-01-20T10:00:00+06:00"
# Walked after the rest: a referral finishes the inquiry, logging out ends the walk.
LAST = ("desk.refer", "auth.logout")
# Each canary in any case; the phone's digits with up to three separators between them.
CANARY = re.compile(
    r"qanary|zhumabekova|zhqmail|" + r"\D{0,3}".join("7015550199"),
    re.IGNORECASE,
)


@dataclass
class Request:
    method: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Scene:
    """What the walk needs to fill in addresses and forms."""

    secret: Inquiry
    ordinary: Receipt
    follow_up_id: int
    viewer: User
    holder: User
    # Mail queued before the inquiry was marked sensitive (its new-inquiry notice) went
    # out as it was; what counts is every mail since.
    last_mail_before: int


def tabs(path: str, **extra: str) -> list[Request]:
    names = ["needs_action", "mine", "unassigned", "awaiting", "follow_ups", "handover"]
    names += ["open", "closed"]
    # Pieces of the canaries that are not canaries themselves: the page repeats what was
    # searched, which is no leak, while a row found by them would show the whole name.
    searches = [{}, {"q": "anary"}, {"q": "umabekov"}, {"q": "KAZ15-0001"}, {"q": "555"}]
    return [Request("GET", path, query={"tab": n, **s, **extra}) for n in names for s in searches]


def desk(scene: Scene, action: str, **data: Any) -> Request:
    data = {"version": str(scene.secret.version), **data}
    return Request("POST", f"/inquiries/{scene.secret.reference}/{action}", data=data)


MISSION = "/missions/kazakhstan-2015"
ADMIN_PAGE = "/admin/missions/kazakhstan-2015"

WALK: dict[str, Callable[[Scene], list[Request]]] = {
    "static": lambda s: [Request("GET", "/static/site.css")],
    "public.index": lambda s: [Request("GET", "/")],
    "public.mission": lambda s: [Request("GET", MISSION)],
    "public.calendar": lambda s: [Request("GET", MISSION + "/events.ics")],
    "public.inquire": lambda s: [
        Request("GET", MISSION + "/inquire"),
        Request("POST", MISSION + "/inquire", data={"name": "Someone Else"}),
    ],
    "public.status": lambda s: [Request("GET", f"/status/{s.ordinary.status_token}")],
    "public.check_code": lambda s: [
        Request("GET", "/status"),
        Request("POST", "/status", data={"code": s.ordinary.short_code}),
        Request("POST", "/status", data={"code": s.secret.reference + "-222222"}),
    ],
    "public.choose_language": lambda s: [
        Request("POST", "/language", data={"lang": "ru", "next": "/inquiries/KAZ15-0001"})
    ],
    "auth.login": lambda s: [Request("GET", "/login")],
    "auth.logout": lambda s: [Request("POST", "/logout")],
    "desk.inquiry": lambda s: [Request("GET", f"/inquiries/{s.secret.reference}")],
    "desk.new_inquiry": lambda s: [
        Request("GET", "/inquiries/new"),
        Request("POST", "/inquiries/new", data={"name": "Caller"}),
    ],
    "desk.claim": lambda s: [desk(s, "claim")],
    "desk.assign": lambda s: [desk(s, "assign", assignee=str(s.viewer.id))],
    "desk.status": lambda s: [desk(s, "status", status="in_progress")],
    "desk.reopen": lambda s: [desk(s, "reopen")],
    "desk.add_note": lambda s: [desk(s, "notes", note="who is it?")],
    "desk.log_response": lambda s: [desk(s, "responses", channel="phone", said="hello")],
    "desk.schedule_follow_up": lambda s: [
        desk(s, "follow-ups", due="2015-01-21T10:00", what="look")
    ],
    "desk.complete_follow_up": lambda s: [desk(s, f"follow-ups/{s.follow_up_id}/done")],
    "desk.set_sensitive": lambda s: [desk(s, "sensitive", sensitive="0")],
    "desk.refer": lambda s: [
        desk(s, "refer", contact=str(s.holder.contact_id), reason="Geneva's"),
        Request("GET", f"/inquiries/{s.secret.reference}"),
    ],
    "queue.index": lambda s: tabs("/queue"),
    "queue.export_csv": lambda s: tabs("/queue/export.csv"),
    "queue.take_over": lambda s: [
        Request("POST", "/queue/handover", data={"scope": "ticked", "ids": [str(s.secret.id)]}),
        Request("POST", "/queue/handover", data={"scope": "all"}),
    ],
    "queue.bulk": lambda s: [
        Request(
            "POST",
            "/queue/bulk",
            data={"ids": [str(s.secret.id)], "action": "assign", "assignee": str(s.viewer.id)},
        ),
        Request(
            "POST",
            "/queue/bulk",
            data={"ids": [str(s.secret.id)], "action": "status"} | {"status": "spam"},
        ),
    ],
    "stats.index": lambda s: [Request("GET", "/stats")],
    "stats.export_csv": lambda s: [Request("GET", "/stats/export.csv")],
    "api.me": lambda s: [Request("GET", "/api/v1/me")],
    "api.mission_contacts": lambda s: [Request("GET", "/api/v1/missions/kazakhstan-2015/contacts")],
    "api.stats": lambda s: [Request("GET", "/api/v1/stats")],
    "admin.index": lambda s: [Request("GET", "/admin")],
    "admin.outbox_page": lambda s: [Request("GET", "/admin/outbox/")],
    "admin.missions": lambda s: [Request("GET", "/admin/missions")],
    "admin.new_mission": lambda s: [Request("GET", "/admin/missions/new")],
    "admin.mission": lambda s: [Request("GET", ADMIN_PAGE)],
    "admin.publication": lambda s: [Request("POST", ADMIN_PAGE + "/publication")],
    "admin.events": lambda s: [Request("GET", ADMIN_PAGE + "/events")],
    "admin.event_row": lambda s: [Request("POST", ADMIN_PAGE + "/events/row")],
    "admin.assignments": lambda s: [Request("GET", ADMIN_PAGE + "/contacts")],
    "admin.assignment_row": lambda s: [Request("POST", ADMIN_PAGE + "/contacts/row")],
    "admin.rules": lambda s: [Request("GET", ADMIN_PAGE + "/routing")],
    "admin.rule_row": lambda s: [Request("POST", ADMIN_PAGE + "/routing/row")],
    "admin.preview": lambda s: [Request("GET", ADMIN_PAGE + "/routing/preview")],
    "admin.contacts": lambda s: [Request("GET", "/admin/contacts")],
    "admin.contact_state": lambda s: [Request("POST", "/admin/contacts/state")],
    "admin.offices": lambda s: [Request("GET", "/admin/offices")],
    "admin.users": lambda s: [Request("GET", "/admin/users")],
    "admin.user_state": lambda s: [Request("POST", "/admin/users/state")],
}


def test_every_route_is_walked(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unwalked = endpoints - set(WALK)
    assert not unwalked, f"add these endpoints to the canary walk: {sorted(unwalked)}"
    assert not set(WALK) - endpoints, "the walk names endpoints that no longer exist"


def leaks(response: TestResponse) -> list[str]:
    """The canaries found in a response's headers and body, as read in any encoding."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    body = response.get_data(as_text=True)
    found = []
    for text in (headers, body, html.unescape(body), unquote(body)):
        found += [match.group(0) for match in CANARY.finditer(text)]
    return found


@pytest.fixture
def scene(
    app: Flask, mission: Any, make_user: Callable[..., User], make_inquiry: Callable[..., Receipt]
) -> Scene:
    holder = make_user(name="Thibaut Guillet", contact="thibaut-guillet")
    viewer = make_user(name="Leila Duisekova", contact="leila-duisekova")
    # Received before the visit, so routed to Geneva: once the visit starts it waits in
    # the viewer's handover tab, the path a take-over would unmask it by.
    secret = make_inquiry(
        received_at=BEFORE,
        name="Qanary Zhumabekova",
        outlet="Qanaryoutlet Media",
        email="zhqmail@example.kz",
        phone="+77015550199",
        subject="Qanarysubject: the trial",
        message="Signed QANARY ZHUMABEKOVA, +7 (701) 555-01-99",
    ).inquiry
    ordinary = make_inquiry(received_at=NOW, name="Aigerim Ordinary")
    # Routed to the viewer's own contact, unassigned: its reminders are mailed to her.
    theirs_too = make_inquiry(
        received_at=NOW,
        name="Qanary Zhumabekova",
        subject="Qanary again",
        deadline=datetime.fromisoformat(NOW) + timedelta(hours=3),
    ).inquiry
    theirs_too.sensitive = True
    secret.sensitive, secret.assignee, secret.status = True, holder, Status.ASSIGNED
    last_mail_before = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    now = datetime.fromisoformat(NOW)
    responses.add_note(secret, holder, now, text="called qanary at 7015550199")
    responses.log_response(
        secret, holder, now, channel=ResponseChannel.EMAIL, said="Dear Ms ZHUMABEKOVA, yes"
    )
    follow_up = follow_ups.schedule_follow_up(
        secret, holder, now, due_at=now + timedelta(minutes=30), what="ring Qanary Z. back"
    )
    db.session.commit()
    reminders.run(now + timedelta(hours=2))  # the follow-up notice and deadline reminders
    db.session.commit()
    return Scene(secret, ordinary, follow_up.id, viewer, holder, last_mail_before)


def walk(client: FlaskClient, requests: list[Request]) -> list[tuple[str, list[str]]]:
    found = []
    for request in requests:
        response = client.open(
            request.path,
            method=request.method,
            data=request.data,
            query_string=request.query,
            follow_redirects=True,
        )
        assert response.status_code < 500, (request, response.status_code)
        if leak := leaks(response):
            found.append((f"{request.method} {request.path} {request.query}", leak))
    return found


def test_an_officer_who_may_not_see_finds_no_canary_on_any_route(
    app: Flask,
    login: Callable[..., FlaskClient],
    scene: Scene,
    set_now: Callable[[datetime | str], datetime],
) -> None:
    set_now(NOW)
    client = login(scene.viewer)
    found = []
    order = [e for e in sorted(WALK) if e not in LAST] + list(LAST)
    for endpoint in order:
        db.session.expire_all()  # the versions the forms post are today's
        found += walk(client, WALK[endpoint](scene))
    assert not found, found
    mails = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.to_address == scene.viewer.email,
            OutboxMessage.id > scene.last_mail_before,
        )
    ).all()
    assert mails, "the walk made mail for the officer (a referral, reminders)"
    for mail in mails:
        assert not CANARY.search(mail.subject + mail.body_text + mail.body_html), mail.subject
    db.session.expire_all()
    secret = db.session.get(Inquiry, scene.secret.id)
    assert secret is not None and secret.sensitive and secret.assignee_id == scene.holder.id


def test_the_canaries_are_there_for_those_who_may_see(
    app: Flask,
    login: Callable[..., FlaskClient],
    make_user: Callable[..., User],
    scene: Scene,
    set_now: Callable[[datetime | str], datetime],
) -> None:
    """The walk would notice a leak: the assignee and a manager meet every canary."""
    set_now(NOW)
    page = f"/inquiries/{scene.secret.reference}"
    for who in (scene.holder, make_user(role=Role.MANAGER)):
        client = login(who, on=app.test_client())
        seen = {m.lower() for m in leaks(client.get(page))}
        assert {"qanary", "zhumabekova", "zhqmail"} <= seen
        assert any(m.isdigit() or "555" in m for m in seen)
        export = client.get("/queue/export.csv", query_string={"tab": "open"})
        assert leaks(export)
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == "zhqmail@example.kz")
    ).all()
    assert mails, "the journalist's own mail exists, addressed to a canary"
