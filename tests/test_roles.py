"""Every route walked as anonymous, press officer, manager and admin.

The table below says the least role each endpoint needs. A route added without an entry
here fails the first test, so no page can appear without a decision about who sees it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tracker.choices import Role
from tracker.inquiries.intake import Receipt
from tracker.models import User

PUBLIC = None
# endpoint → least role (None: anyone), and the methods to try.
POLICY: dict[str, tuple[Role | None, tuple[str, ...]]] = {
    "public.index": (PUBLIC, ("GET",)),
    "public.mission": (PUBLIC, ("GET",)),
    "public.inquire": (PUBLIC, ("GET", "POST")),
    "public.status": (PUBLIC, ("GET",)),
    "public.check_code": (PUBLIC, ("GET", "POST")),
    "public.calendar": (PUBLIC, ("GET",)),
    "public.choose_language": (PUBLIC, ("POST",)),
    "admin.outbox_page": (Role.ADMIN, ("GET",)),
    "static": (PUBLIC, ("GET",)),
    "api.mission_contacts": (PUBLIC, ("GET",)),
    "auth.login": (PUBLIC, ("GET", "POST")),
    "api.me": (Role.PRESS_OFFICER, ("GET",)),
    "queue.index": (Role.PRESS_OFFICER, ("GET",)),
    "queue.bulk": (Role.PRESS_OFFICER, ("POST",)),
    "queue.take_over": (Role.PRESS_OFFICER, ("POST",)),
    "queue.export_csv": (Role.PRESS_OFFICER, ("GET",)),
    "desk.new_inquiry": (Role.PRESS_OFFICER, ("GET", "POST")),
    "desk.inquiry": (Role.PRESS_OFFICER, ("GET",)),
    "desk.assign": (Role.PRESS_OFFICER, ("POST",)),
    "desk.claim": (Role.PRESS_OFFICER, ("POST",)),
    "desk.schedule_follow_up": (Role.PRESS_OFFICER, ("POST",)),
    "desk.complete_follow_up": (Role.PRESS_OFFICER, ("POST",)),
    "desk.add_note": (Role.PRESS_OFFICER, ("POST",)),
    "desk.refer": (Role.PRESS_OFFICER, ("POST",)),
    "desk.reopen": (Role.PRESS_OFFICER, ("POST",)),
    "desk.log_response": (Role.PRESS_OFFICER, ("POST",)),
    "desk.set_sensitive": (Role.PRESS_OFFICER, ("POST",)),
    "desk.status": (Role.PRESS_OFFICER, ("POST",)),
    "stats.index": (Role.MANAGER, ("GET",)),
    "stats.export_csv": (Role.MANAGER, ("GET",)),
    "api.stats": (Role.MANAGER, ("GET",)),
    "admin.index": (Role.ADMIN, ("GET",)),
    "admin.missions": (Role.ADMIN, ("GET",)),
    "admin.new_mission": (Role.ADMIN, ("GET", "POST")),
    "admin.mission": (Role.ADMIN, ("GET", "POST")),
    "admin.publication": (Role.ADMIN, ("POST",)),
    "admin.events": (Role.ADMIN, ("GET", "POST")),
    "admin.event_row": (Role.ADMIN, ("POST",)),
    "admin.assignments": (Role.ADMIN, ("GET", "POST")),
    "admin.assignment_row": (Role.ADMIN, ("POST",)),
    "admin.rules": (Role.ADMIN, ("GET", "POST")),
    "admin.rule_row": (Role.ADMIN, ("POST",)),
    "admin.preview": (Role.ADMIN, ("GET",)),
    "admin.contacts": (Role.ADMIN, ("GET", "POST")),
    "admin.contact_state": (Role.ADMIN, ("POST",)),
    "admin.offices": (Role.ADMIN, ("GET", "POST")),
    "admin.users": (Role.ADMIN, ("GET", "POST")),
    "admin.user_state": (Role.ADMIN, ("POST",)),
    "auth.logout": (PUBLIC, ("POST",)),  # last: it ends the walker's session
}
RANK = {None: 0, Role.PRESS_OFFICER: 1, Role.MANAGER: 2, Role.ADMIN: 3}
WALKERS = [None, Role.PRESS_OFFICER, Role.MANAGER, Role.ADMIN]


def test_every_route_has_a_declared_policy(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(POLICY)


def url_for_rule(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(values[name]))
        path = path.replace(f"<int:{name}>", str(values[name]))
        path = path.replace(f"<path:{name}>", str(values[name]))
    return path


@pytest.mark.parametrize("walker", WALKERS, ids=lambda r: r.value if r else "anonymous")
def test_each_role_gets_what_the_policy_says(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    make_inquiry: Callable[..., Receipt],
    walker: Role | None,
) -> None:
    receipt = make_inquiry()
    values = {
        "slug": "kazakhstan-2015",
        "reference": receipt.inquiry.reference,
        "token": receipt.status_token,
        "follow_up_id": 1,
        "filename": "css/site.css",
    }
    if walker is not None:
        login(make_user(role=walker))
    for endpoint, (least, methods) in POLICY.items():
        path = url_for_rule(app, endpoint, values)
        for method in methods:
            response = client.open(path, method=method, data={})
            response.close()
            allowed = RANK[walker] >= RANK[least]
            where = f"{method} {path} as {walker or 'anonymous'}: {response.status_code}"
            if allowed:
                assert response.status_code not in (401, 403, 500), where
                assert "/login?next=" not in response.headers.get("Location", ""), where
            elif walker is not None:
                assert response.status_code == 403, where
            elif path.startswith("/api/"):
                assert response.status_code == 401, where
                assert response.is_json and "error" in response.get_json(), where
            else:
                assert response.status_code == 302, where
                assert response.headers["Location"].startswith("/login?next="), where
