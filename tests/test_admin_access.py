"""Administration: admins only, CSRF on every form, and the overview of latest changes."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tracker.choices import Role
from tracker.extensions import db
from tracker.models import AuditEvent, Contact, Mission, User

ADMIN_PAGES = [
    "/admin",
    "/admin/missions",
    "/admin/missions/new",
    "/admin/missions/kazakhstan-2015",
    "/admin/missions/kazakhstan-2015/events",
    "/admin/missions/kazakhstan-2015/contacts",
    "/admin/missions/kazakhstan-2015/routing",
    "/admin/contacts",
    "/admin/users",
]


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> User:
    """An admin, logged in on ``client``."""
    user = make_user(role=Role.ADMIN, name="Ada Admin")
    login(user)
    return user


def admin_rules(app: Flask) -> list[tuple[str, str]]:
    """(method, path) for every admin route, with the seed mission's slug filled in."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            path = rule.rule.replace("<slug>", "kazakhstan-2015")
            found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


@pytest.mark.parametrize("role", [Role.PRESS_OFFICER, Role.MANAGER], ids=lambda r: r.value)
def test_press_officers_and_managers_get_403_everywhere(
    app: Flask,
    client: FlaskClient,
    mission: Mission,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    role: Role,
) -> None:
    login(make_user(role=role))
    routes = admin_rules(app)
    assert len(routes) >= 20
    for method, path in routes:
        response = client.open(path, method=method, data={"item": "1", "action": "remove"})
        assert response.status_code == 403, f"{method} {path}"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient, mission: Mission) -> None:
    response = client.get("/admin/contacts")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_every_admin_page_opens_for_an_admin(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'aria-label="Administration"' in response.get_data(as_text=True)


def test_an_empty_post_to_any_admin_form_is_refused_not_a_500(
    app: Flask, client: FlaskClient, admin: User, mission: Mission
) -> None:
    for method, path in admin_rules(app):
        if method == "POST":
            response = client.post(path, data={})
            assert response.status_code == 422, path
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_the_overview_lists_the_latest_changes_with_their_author(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    client.post("/admin/contacts", data={"name": "Rolando Gómez", "office": "Geneva"})
    page = client.get("/admin").get_data(as_text=True)
    assert "Created contact Rolando Gómez (rolando-gomez)" in page
    assert admin.name in page


class TestWithCsrf:
    """The one place CSRF is on: a form without its token changes nothing."""

    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_a_post_without_the_token_is_refused_and_with_it_accepted(
        self, client: FlaskClient, admin: User, mission: Mission
    ) -> None:
        data = {"name": "Rolando Gómez", "office": "Geneva", "phones": "+41 22 917 9711"}
        assert client.post("/admin/contacts", data=data).status_code == 400
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 4
        page = client.get("/admin/contacts").get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert match is not None
        response = client.post("/admin/contacts", data={**data, "csrf_token": match.group(1)})
        assert response.status_code == 303
        assert db.session.scalar(select(func.count()).select_from(Contact)) == 5
