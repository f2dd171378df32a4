"""Administration of accounts: create with a good password, role, contact, deactivate."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tracker.accounts.passwords import verify_password
from tracker.choices import Role
from tracker.extensions import db
from tracker.models import AuditEvent, Contact, Mission, User

PASSWORD = "Steppe wind over Astana, 2015!"


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> User:
    """An admin, logged in on ``client``."""
    user = make_user(role=Role.ADMIN, name="Ada Admin", email="ada@ohchr.org")
    login(user)
    return user


def account_form(**overrides: str) -> dict[str, str]:
    data = {
        "email": " Leila.Duisekova@OHCHR.org ",
        "name": "Leila Duisekova",
        "role": "press_officer",
        "contact": "",
        "timezone": "Asia/Almaty",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    return data


def users_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def audit_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def error_of(page: str, field: str) -> str:
    """The message shown next to ``field``."""
    return html.unescape(page.split(f'id="{field}-error"')[1].split("</p>")[0])


def contact_id(key: str) -> int:
    return db.session.scalars(select(Contact.id).where(Contact.key == key)).one()


def test_an_admin_creates_an_account_that_can_log_in(
    app: Flask, client: FlaskClient, admin: User, mission: Mission
) -> None:
    data = account_form(contact=str(contact_id("leila-duisekova")))
    response = client.post("/admin/users", data=data)
    assert response.status_code == 303
    created = db.session.scalars(
        select(User).where(User.email == "leila.duisekova@ohchr.org")
    ).one()
    assert created.role is Role.PRESS_OFFICER and created.active
    assert created.contact is not None and created.contact.key == "leila-duisekova"
    assert created.timezone == "Asia/Almaty"
    assert verify_password(created.password_hash, PASSWORD)
    [event] = audit_events()
    assert (event.actor_user_id, event.action) == (admin.id, "created")
    assert (event.entity_type, event.entity_id) == ("user", created.id)
    assert event.summary == "Created account leila.duisekova@ohchr.org (Press officer)"
    assert event.details == {
        "email": "leila.duisekova@ohchr.org",
        "name": "Leila Duisekova",
        "role": "press_officer",
        "contact": "Leila Duisekova (leila-duisekova)",
        "timezone": "Asia/Almaty",
    }
    assert PASSWORD not in str(event.details)  # never in the audit trail
    fresh = app.test_client()
    login = fresh.post("/login", data={"email": "leila.duisekova@ohchr.org", "password": PASSWORD})
    assert login.status_code in (302, 303)
    assert fresh.get("/queue").status_code == 200


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "password1234", "confirm": "password1234"}, "password", "common password"),
        ({"password": "short", "confirm": "short"}, "password", "Use at least 12 characters"),
        ({"confirm": PASSWORD + "?"}, "confirm", "The two passwords differ."),
        ({"email": "leila@"}, "email", "This email address is not valid"),
        ({"email": "ADA@OHCHR.org"}, "email", "An account with this address exists"),
        ({"role": "superuser"}, "role", "Choose a role."),
        ({"contact": "9999"}, "contact", "Choose an active contact from the list"),
        ({"timezone": "Mars/Olympus"}, "timezone", "Choose a time zone from the list."),
    ],
)
def test_a_bad_account_is_refused_next_to_the_field_and_nothing_is_stored(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = client.post("/admin/users", data=account_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_of(page, field)
    assert 'value="Leila Duisekova"' in page  # what was typed stays (never the password)
    assert PASSWORD not in page
    assert users_count() == 1
    assert audit_events() == []


def test_an_admin_changes_a_role_and_links_a_contact(
    client: FlaskClient, admin: User, mission: Mission, make_user: Callable[..., User]
) -> None:
    officer = make_user(name="Karen Blanc", email="karen@ohchr.test")
    data = {
        "name": "Karen Blanc",
        "role": "manager",
        "contact": str(contact_id("karen-blanc")),
        "timezone": "Europe/Zurich",
    }
    response = client.post(f"/admin/users?edit={officer.id}", data=data)
    assert response.status_code == 303
    db.session.refresh(officer)
    assert officer.role is Role.MANAGER
    assert officer.contact is not None and officer.contact.key == "karen-blanc"
    [event] = audit_events()
    assert (event.action, event.entity_id) == ("updated", officer.id)
    assert event.details == {
        "role": ["press_officer", "manager"],
        "contact": [None, "Karen Blanc (karen-blanc)"],
    }
    assert event.summary == (
        "karen@ohchr.test: role from Press officer to Manager; "
        "contact from none to Karen Blanc (karen-blanc)"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved: role from Press officer to Manager" in page


def test_deactivating_an_account_ends_its_sessions(
    app: Flask,
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
) -> None:
    officer = make_user(email="leaver@ohchr.test")
    nonce = officer.session_nonce
    their_browser = login(officer, on=app.test_client())
    assert their_browser.get("/queue").status_code == 200

    response = client.post(
        "/admin/users/state", data={"item": str(officer.id), "action": "deactivate"}
    )
    assert response.status_code == 303
    db.session.refresh(officer)
    assert not officer.active and officer.session_nonce != nonce
    assert their_browser.get("/queue").status_code == 302  # sent to the login page
    [event] = audit_events()
    assert (event.action, event.entity_type, event.entity_id) == ("deactivated", "user", officer.id)
    assert event.summary == "Deactivated account leaver@ohchr.test; its sessions ended"

    response = client.post(
        "/admin/users/state", data={"item": str(officer.id), "action": "reactivate"}
    )
    assert response.status_code == 303
    db.session.refresh(officer)
    assert officer.active
    assert [e.action for e in audit_events()] == ["deactivated", "reactivated"]


def test_an_admin_cannot_lock_themself_out(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post(
        "/admin/users/state", data={"item": str(admin.id), "action": "deactivate"}
    )
    assert response.status_code == 422
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    data = {"name": admin.name, "role": "manager", "contact": "", "timezone": "Europe/Zurich"}
    response = client.post(f"/admin/users?edit={admin.id}", data=data)
    assert response.status_code == 422
    assert "You cannot change your own role" in error_of(response.get_data(as_text=True), "role")
    db.session.refresh(admin)
    assert admin.active and admin.role is Role.ADMIN
    assert audit_events() == []


def test_accounts_are_never_deleted(client: FlaskClient, admin: User, mission: Mission) -> None:
    response = client.post("/admin/users/state", data={"item": str(admin.id), "action": "delete"})
    assert response.status_code == 422
    assert users_count() == 1
