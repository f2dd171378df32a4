"""Administration of the public contacts: phones checked, and deletion only when unused."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, func, insert, select

from tracker.choices import Phase, Role
from tracker.extensions import db
from tracker.formatting import format_instant
from tracker.inquiries.intake import Receipt
from tracker.missions import contact_changes
from tracker.models import AuditEvent, Contact, Mission, User


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> User:
    """An admin, logged in on ``client``."""
    user = make_user(role=Role.ADMIN, name="Ada Admin")
    login(user)
    return user


def contact(key: str) -> Contact:
    db.session.expire_all()
    return db.session.scalars(select(Contact).where(Contact.key == key)).one()


def contacts_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Contact)) or 0


def audit_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def error_of(page: str, field: str) -> str:
    """The message shown next to ``field``."""
    return html.unescape(page.split(f'id="{field}-error"')[1].split("</p>")[0])


def contact_form(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "key": "",
        "name": "Rolando Gómez",
        "office": "Geneva",
        "unit": "",
        "phones": "+41 22 917 9711\n\n+41 (0)22 917 9310 ext. 12\n",
        "email": "RGomez@OHCHR.org",
        "languages": ["en", "es"],
    }
    data.update(overrides)
    return data


def test_an_admin_creates_a_contact_with_checked_phones(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    response = client.post("/admin/contacts", data=contact_form())
    assert response.status_code == 303
    created = contact("rolando-gomez")  # the key is made from the name
    assert created.phones == ["+41229179711", "+41229179310;ext=12"]
    assert created.email == "rgomez@ohchr.org"
    assert created.languages == ["en", "es"]
    assert created.active and created.unit is None
    [event] = audit_events()
    assert (event.actor_user_id, event.action) == (admin.id, "created")
    assert (event.entity_type, event.entity_id) == ("contact", created.id)
    assert event.summary == "Created contact Rolando Gómez (rolando-gomez)"
    assert event.details["phones"] == ["+41229179711", "+41229179310;ext=12"]
    page = client.get("/admin/contacts").get_data(as_text=True)
    assert "Contact Rolando Gómez created." in page
    assert "+41 22 917 93 10 ext. 12" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"phones": "+41 22 917 9711\n0041 22"}, "phones", "Line 2 (0041 22): This is not"),
        ({"phones": "22 917 9711"}, "phones", "Line 1 (22 917 9711): This is not a phone"),
        ({"phones": "+41 99 999 99 99"}, "phones", "does not exist in its country"),
        ({"email": "rgomez@"}, "email", "This email address is not valid"),
        ({"name": ""}, "name", "Give the contact's name."),
        ({"key": "Rolando Gomez"}, "key", "Lower-case letters, digits and dashes"),
        ({"key": "karen-blanc"}, "key", "Another contact has the key karen-blanc."),
        ({"languages": ["xx"]}, "languages", "Choose languages from the list."),
    ],
)
def test_a_bad_contact_is_refused_next_to_the_field_and_nothing_is_stored(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    overrides: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = client.post("/admin/contacts", data=contact_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_of(page, field)
    assert 'value="Geneva"' in page  # what was typed stays
    assert contacts_count() == 4
    assert audit_events() == []


def test_editing_a_contact_records_what_changed(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    leila = contact("leila-duisekova")
    page = client.get(f"/admin/contacts?edit={leila.id}").get_data(as_text=True)
    assert "+7 7172 69 65 50 ext. 2293" in page  # shown as people write it
    data = contact_form(name="Leila Duisekova", office="Astana", email="", languages=["ru", "kk"])
    data["phones"] = "+7 7172 69 65 50 ext. 2293"
    response = client.post(f"/admin/contacts?edit={leila.id}", data=data)
    assert response.status_code == 303
    leila = contact("leila-duisekova")
    assert leila.languages == ["ru", "kk"] and leila.phones == ["+77172696550;ext=2293"]
    [event] = audit_events()
    assert event.action == "updated" and event.entity_id == leila.id
    assert event.details == {"languages": [[], ["ru", "kk"]]}
    assert event.summary == "Changed languages of contact Leila Duisekova"


def test_a_contact_with_inquiries_cannot_be_deleted_only_deactivated(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_inquiry: Callable[..., Receipt],
) -> None:
    make_inquiry()  # during the visit: routed to Leila Duisekova
    leila = contact("leila-duisekova")
    page = client.get(f"/admin/contacts?edit={leila.id}").get_data(as_text=True)
    assert (
        "Leila Duisekova cannot be deleted: 1 inquiry was routed to it and keeps pointing at "
        "it, for its history and the statistics. Deactivate it instead." in page
    )
    assert 'value="delete"' not in page
    # Still on the schedule: deactivating would leave journalists sent to an inactive contact.
    assert "kazakhstan-2015: during the mission" in page
    assert 'value="deactivate"' not in page

    state = {"item": str(leila.id)}
    response = client.post("/admin/contacts/state", data={**state, "action": "delete"})
    assert response.status_code == 422
    assert "cannot be deleted: 1 inquiry" in response.get_data(as_text=True)
    response = client.post("/admin/contacts/state", data={**state, "action": "deactivate"})
    assert response.status_code == 422
    assert "still answers for kazakhstan-2015: during the mission" in response.get_data(
        as_text=True
    )
    assert contact("leila-duisekova").active
    assert audit_events() == []

    # Off the schedule, it can be deactivated; deleting stays refused.
    row = next(a for a in mission.phase_assignments if a.phase == Phase.DURING)
    client.post(
        "/admin/missions/kazakhstan-2015/contacts/row",
        data={"item": str(row.id), "action": "remove"},
    )
    response = client.post("/admin/contacts/state", data={**state, "action": "deactivate"})
    assert response.status_code == 303
    assert not contact("leila-duisekova").active
    response = client.post("/admin/contacts/state", data={**state, "action": "delete"})
    assert response.status_code == 422
    assert contacts_count() == 4
    assert [e.action for e in audit_events()] == ["assignment_removed", "deactivated"]
    deactivated = audit_events()[1]
    assert (deactivated.entity_type, deactivated.entity_id) == ("contact", leila.id)
    assert deactivated.details == {"inquiries": 1}
    # Not offered for new work any more.
    page = client.get("/admin/missions/kazakhstan-2015/contacts").get_data(as_text=True)
    assert f'<option value="{leila.id}">' not in page


def test_a_contact_without_inquiries_can_be_deleted(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_user: Callable[..., User],
) -> None:
    client.post("/admin/contacts", data=contact_form())
    created = contact("rolando-gomez")
    created_id = created.id
    officer = make_user(contact="rolando-gomez")
    page = client.get(f"/admin/contacts?edit={created.id}").get_data(as_text=True)
    assert "No inquiry points at it: it can be deleted." in page
    response = client.post(
        "/admin/contacts/state", data={"item": str(created.id), "action": "delete"}
    )
    assert response.status_code == 303
    assert contacts_count() == 4
    db.session.refresh(officer)
    assert officer.contact_id is None  # the account lost only its link
    event = audit_events()[-1]
    assert (event.action, event.entity_id) == ("deleted", created_id)
    assert event.details == {
        "key": "rolando-gomez",
        "name": "Rolando Gómez",
        "unlinked_users": [officer.id],
    }


def test_a_deactivated_contact_can_be_reactivated(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    client.post("/admin/contacts", data=contact_form())
    created = contact("rolando-gomez")
    state = {"item": str(created.id)}
    assert (
        client.post("/admin/contacts/state", data={**state, "action": "deactivate"}).status_code
        == 303
    )
    assert (
        client.post("/admin/contacts/state", data={**state, "action": "reactivate"}).status_code
        == 303
    )
    assert contact("rolando-gomez").active
    assert [e.action for e in audit_events()] == ["created", "deactivated", "reactivated"]


def test_a_contact_named_by_a_rule_is_taken_off_it_before_deletion(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    media_unit = contact("xabier-celaya")
    page = client.get(f"/admin/contacts?edit={media_unit.id}").get_data(as_text=True)
    assert "Answers for: kazakhstan-2015: routing rule 1." in page
    assert "first take it off those phase lists and rules" in page
    response = client.post(
        "/admin/contacts/state", data={"item": str(media_unit.id), "action": "delete"}
    )
    assert response.status_code == 422
    assert "still answers for kazakhstan-2015: routing rule 1" in response.get_data(as_text=True)
    assert contacts_count() == 4


# --- Two admins at once ----------------------------------------------------------------

KAREN_DELETED_AT = datetime(2015, 1, 20, 4, 5, tzinfo=UTC)


def another_admin_deletes(contact_id: int, karen: User) -> None:
    """Karen's deletion, committed on a connection of her own, with its audit record."""
    with db.engine.begin() as other:
        other.execute(delete(Contact.__table__).where(Contact.__table__.c.id == contact_id))
        other.execute(
            insert(AuditEvent.__table__).values(
                at=KAREN_DELETED_AT,
                actor_user_id=karen.id,
                action="deleted",
                entity_type="contact",
                entity_id=contact_id,
                summary="Deleted contact Rolando Gómez (rolando-gomez)",
                details={},
            )
        )


@pytest.mark.real_commits  # the other admin's deletion commits on a connection of its own
@pytest.mark.parametrize(
    ("action", "service"),
    [("deactivate", "deactivate_contact"), ("delete", "delete_contact")],
)
def test_a_change_that_loses_the_race_to_a_deletion_gets_409_naming_who_and_when(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
    action: str,
    service: str,
) -> None:
    """Karen deletes the contact after Ada's request read it and before it wrote."""
    karen = make_user(role=Role.ADMIN, name="Karen Admin")
    client.post("/admin/contacts", data=contact_form())
    created = contact("rolando-gomez")
    created_id = created.id
    change = getattr(contact_changes, service)

    def lose_the_race(actor: User, row: Contact) -> Any:
        if service == "delete_contact":
            another_admin_deletes(row.id, karen)
            return change(actor, row)
        result = change(actor, row)
        another_admin_deletes(row.id, karen)
        return result

    monkeypatch.setattr(contact_changes, service, lose_the_race)
    response = client.post(
        "/admin/contacts/state", data={"item": str(created_id), "action": action}
    )

    assert response.status_code == 409
    page = html.unescape(response.get_data(as_text=True))
    when = format_instant(KAREN_DELETED_AT, admin.timezone)
    assert f"while you were on this page, Karen Admin changed it at {when}" in page
    assert "Deleted contact Rolando Gómez" in page and "Nothing was saved" in page
    # Karen's deletion stands; nothing of Ada's was stored.
    assert contacts_count() == 4
    assert [(e.action, e.actor_user_id) for e in audit_events()] == [
        ("created", admin.id),
        ("deleted", karen.id),
    ]
