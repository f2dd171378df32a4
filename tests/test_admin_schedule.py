"""Administration of who answers: contacts per phase, routing rules, and the preview."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.choices import Phase, RequestType, Role, Topic
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import AuditEvent, Contact, Mission, PhaseAssignment, RoutingRule, User

SEED = "/admin/missions/kazakhstan-2015"


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> User:
    """An admin, logged in on ``client``."""
    user = make_user(role=Role.ADMIN, name="Ada Admin")
    login(user)
    return user


def contact(key: str) -> Contact:
    return db.session.scalars(select(Contact).where(Contact.key == key)).one()


def audit_events() -> list[AuditEvent]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def listed(mission: Mission, phase: Phase) -> list[str]:
    db.session.expire_all()
    return [c.key for c in mission.contacts_for(phase)]


def assignment(mission: Mission, phase: Phase, key: str) -> PhaseAssignment:
    return next(a for a in mission.phase_assignments if a.phase == phase and a.contact.key == key)


def error_of(page: str, field: str) -> str:
    """The message shown next to ``field``."""
    return html.unescape(page.split(f'id="{field}-error"')[1].split("</p>")[0])


def test_a_contact_is_added_to_a_phase_moved_up_and_taken_off(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    media_unit = contact("xabier-celaya")
    data = {"phase": "during", "contact": str(media_unit.id)}
    response = client.post(f"{SEED}/contacts", data=data)
    assert response.status_code == 303
    assert listed(mission, Phase.DURING) == ["leila-duisekova", "xabier-celaya"]

    row = {"item": str(assignment(mission, Phase.DURING, "xabier-celaya").id)}
    assert client.post(f"{SEED}/contacts/row", data={**row, "action": "up"}).status_code == 303
    assert listed(mission, Phase.DURING) == ["xabier-celaya", "leila-duisekova"]
    # The public page follows the new order.
    page = client.get("/api/v1/missions/kazakhstan-2015/contacts?at=2015-01-20T10:00:00Z")
    assert [c["name"] for c in page.get_json()["contacts"]] == ["Xabier Celaya", "Leila Duisekova"]

    assert client.post(f"{SEED}/contacts/row", data={**row, "action": "remove"}).status_code == 303
    assert listed(mission, Phase.DURING) == ["leila-duisekova"]
    events = audit_events()
    assert [e.action for e in events] == [
        "assignment_added",
        "assignment_moved",
        "assignment_removed",
    ]
    assert all((e.entity_type, e.entity_id, e.actor_user_id) == ("mission", mission.id, admin.id)
               for e in events)  # fmt: skip
    assert events[0].summary == "Xabier Celaya now answers during the mission of kazakhstan-2015"
    assert events[0].details == {"phase": "during", "contact_id": media_unit.id, "place": 2}
    assert events[1].details["place"] == 1


def test_a_contact_already_in_the_phase_is_refused_next_to_the_field(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    data = {"phase": "before", "contact": str(contact("karen-blanc").id)}
    response = client.post(f"{SEED}/contacts", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Karen Blanc already answers before the mission." in error_of(page, "contact")
    assert listed(mission, Phase.BEFORE) == ["thibaut-guillet", "karen-blanc"]
    assert audit_events() == []


def test_no_phase_or_an_inactive_contact_is_refused(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    retired = Contact(key="retired", name="Retired Officer", active=False)
    db.session.add(retired)
    db.session.commit()
    response = client.post(f"{SEED}/contacts", data={"phase": "", "contact": str(retired.id)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose a phase." in error_of(page, "phase")
    assert "Choose an active contact from the list." in error_of(page, "contact")
    assert "Retired Officer" not in page  # not even offered
    assert audit_events() == []


def rule_form(**overrides: str) -> dict[str, str]:
    data = {
        "topic": "",
        "phase": "",
        "request_type": "accreditation",
        "target": "contacts",
        "contacts-0": "",
        "contacts-1": "",
        "contacts-2": "",
        "contacts-3": "",
    }
    data.update(overrides)
    return data


def rules_of(mission: Mission) -> list[tuple[Topic | None, RequestType | None, list[str]]]:
    db.session.expire_all()
    ordered = sorted(mission.routing_rules, key=lambda r: r.position)
    return [(r.topic, r.request_type, [c.key for c in r.contacts]) for r in ordered]


def test_a_rule_is_added_moved_first_edited_and_removed(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    karen, thibaut = contact("karen-blanc"), contact("thibaut-guillet")
    data = rule_form(**{"contacts-0": str(karen.id), "contacts-1": str(thibaut.id)})
    assert client.post(f"{SEED}/routing", data=data).status_code == 303
    assert rules_of(mission)[2] == (
        None,
        RequestType.ACCREDITATION,
        ["karen-blanc", "thibaut-guillet"],
    )
    new_rule = db.session.scalars(select(RoutingRule).where(RoutingRule.position == 2)).one()

    for _ in range(2):
        response = client.post(
            f"{SEED}/routing/row", data={"item": str(new_rule.id), "action": "up"}
        )
        assert response.status_code == 303
    assert rules_of(mission)[0][1] is RequestType.ACCREDITATION

    edit = rule_form(request_type="filming", **{"contacts-0": str(thibaut.id)})
    assert client.post(f"{SEED}/routing?edit={new_rule.id}", data=edit).status_code == 303
    assert rules_of(mission)[0] == (None, RequestType.FILMING, ["thibaut-guillet"])

    remove = {"item": str(new_rule.id), "action": "remove"}
    assert client.post(f"{SEED}/routing/row", data=remove).status_code == 303
    assert rules_of(mission) == [
        (Topic.OTHER_EXPERTS, None, ["xabier-celaya"]),
        (None, None, []),
    ]
    assert [r.position for r in sorted(mission.routing_rules, key=lambda r: r.position)] == [0, 1]

    events = audit_events()
    assert [e.action for e in events] == [
        "rule_added", "rule_moved", "rule_moved", "rule_updated", "rule_removed",
    ]  # fmt: skip
    assert events[0].summary == (
        "Added routing rule 3 to kazakhstan-2015: any topic · any phase · accreditation requests"
        " → Karen Blanc, Thibaut Guillet"
    )
    assert events[0].details["contact_ids"] == [karen.id, thibaut.id]
    assert events[2].summary.startswith("Moved routing rule 2 of kazakhstan-2015 to place 1")
    assert events[3].details["was"].endswith("→ Karen Blanc, Thibaut Guillet")
    assert events[3].details["request_type"] == "filming"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({}, "Name at least one contact"),
        ({"target": "phase_contacts", "contacts-0": "1"}, "names no contacts itself"),
        ({"contacts-0": "1", "contacts-2": "1"}, "Name each contact once."),
        ({"contacts-0": "9999"}, "Choose contacts from the lists."),
    ],
)
def test_a_bad_rule_is_refused_next_to_its_contacts(
    client: FlaskClient, admin: User, mission: Mission, overrides: dict[str, str], message: str
) -> None:
    response = client.post(f"{SEED}/routing", data=rule_form(**overrides))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_of(page, "contacts")
    assert '<option selected value="accreditation">' in page  # what was chosen stays
    assert len(rules_of(mission)) == 2
    assert audit_events() == []


def test_a_bad_condition_is_refused(client: FlaskClient, admin: User, mission: Mission) -> None:
    response = client.post(f"{SEED}/routing", data=rule_form(topic="weather", target="somebody"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose from the list." in error_of(page, "topic")
    assert "Choose where it goes." in error_of(page, "target")


def preview(client: FlaskClient, at: str, topic: str, request_type: str) -> tuple[str, str]:
    """(contact name, reason) as the preview page states them."""
    query = {"at": at, "about": topic, "request": request_type}
    response = client.get(f"{SEED}/routing/preview", query_string=query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = re.search(r"would go to <strong>(.*?)</strong>\s*because <em>(.*?)</em>", page, re.S)
    assert found is not None, page
    return found.group(1), found.group(2).replace("&gt;", ">").replace("&#39;", "'")


CASES = [
    # during the visit, about the mission: the Astana contact
    ("2015-01-20T10:00", Topic.MISSION, RequestType.INTERVIEW),
    # about another expert, any time: the Media Unit (first rule)
    ("2015-01-20T10:00", Topic.OTHER_EXPERTS, RequestType.COMMENT),
    # the last minute before the visit, local time: Geneva, fewest open inquiries
    ("2015-01-18T23:59", Topic.MISSION, RequestType.INFORMATION),
    # after the visit
    ("2015-01-28T00:00", Topic.GENERAL, RequestType.ACCREDITATION),
]


@pytest.mark.parametrize(("local", "topic", "request_type"), CASES)
def test_the_preview_agrees_with_intake_for_the_same_inputs(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_inquiry: Callable[..., Receipt],
    local: str,
    topic: Topic,
    request_type: RequestType,
) -> None:
    # Load Thibaut, first of the Geneva pair, so that the choice by load is exercised too.
    make_inquiry(received_at="2015-01-10T09:00:00+06:00")
    shown = preview(client, local, topic.value, request_type.value)
    received = make_inquiry(
        received_at=f"{local}:00+06:00", topic=topic, request_type=request_type
    ).inquiry
    assert received.routed_contact is not None
    assert shown == (received.routed_contact.name, received.routing_reason)


def test_the_preview_says_which_rule_matched_and_the_phase(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    query = {"at": "2015-01-27T23:59", "about": "other_experts", "request": "interview"}
    page = client.get(f"{SEED}/routing/preview", query_string=query).get_data(as_text=True)
    assert "Tue 27 Jan 2015, 23:59 (Asia/Almaty, UTC+6)" in page
    assert "Phase at that moment: during the mission." in page
    assert "Rule 1 matched." in page


def test_the_preview_agrees_with_intake_after_the_rules_change(
    client: FlaskClient,
    admin: User,
    mission: Mission,
    make_inquiry: Callable[..., Receipt],
) -> None:
    karen = contact("karen-blanc")
    data = rule_form(phase="during", **{"contacts-0": str(karen.id)})
    assert client.post(f"{SEED}/routing", data=data).status_code == 303
    rule = db.session.scalars(select(RoutingRule).where(RoutingRule.position == 2)).one()
    for _ in range(2):
        client.post(f"{SEED}/routing/row", data={"item": str(rule.id), "action": "up"})
    shown = preview(client, "2015-01-22T16:00", "mission", "accreditation")
    assert shown[0] == "Karen Blanc"
    received = make_inquiry(
        received_at="2015-01-22T16:00:00+06:00", request_type=RequestType.ACCREDITATION
    ).inquiry
    assert received.routed_contact_id == karen.id
    assert shown[1] == received.routing_reason


def test_a_preview_with_an_unreadable_time_is_refused_next_to_it(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    query = {"at": "next tuesday", "about": "mission", "request": "interview"}
    response = client.get(f"{SEED}/routing/preview", query_string=query)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Write the time as a date and time" in error_of(page, "at")
    assert 'value="next tuesday"' in page


def test_a_mission_with_nobody_assigned_previews_as_nobody(
    client: FlaskClient, admin: User, mission: Mission
) -> None:
    leila = assignment(mission, Phase.DURING, "leila-duisekova")
    client.post(f"{SEED}/contacts/row", data={"item": str(leila.id), "action": "remove"})
    name, reason = preview(client, "2015-01-20T10:00", "mission", "interview")
    assert name == "nobody (the desk must assign it)"
    assert reason.endswith("no contact is assigned; the desk must assign one")
