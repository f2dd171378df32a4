"""A new mission is a draft until an admin publishes it, which needs a contact for every
phase. A draft is not listed, its pages, calendar and contacts answer 404 to the public
(staff see them), its form takes nothing, and it takes no part in routing or handover.

The draft here is the seed mission's twin ("kazakhstan-draft", prefix KAZD), loaded from
a mission file that does not say ``published``; the clock stands during the visit.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SEED_FILE, journalist_request
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from tracker.accounts import api_tokens
from tracker.choices import Channel, Phase, Role
from tracker.extensions import db
from tracker.inquiries import handover, intake
from tracker.missions.spec import MissionFileError, parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import AuditEvent, Inquiry, Mission, PhaseAssignment, User
from tracker.refusals import Refused

DURING = "2015-01-20T10:00:00+06:00"
DRAFT = "/missions/kazakhstan-draft"
ADMIN_DRAFT = "/admin/missions/kazakhstan-draft"


def twin_file(tmp_path: Path, published: str | None = None) -> Path:
    """The seed as another mission's file: without ``published``, or with the line given."""
    text = SEED_FILE.read_text(encoding="utf-8")
    text = text.replace('slug = "kazakhstan-2015"', 'slug = "kazakhstan-draft"')
    text = text.replace('reference_prefix = "KAZ15"', 'reference_prefix = "KAZD"')
    text = text.replace("published = true\n", f"{published}\n" if published else "")
    path = tmp_path / "draft.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def draft(mission: Mission, tmp_path: Path, set_now: Callable[[str], datetime]) -> Mission:
    set_now(DURING)
    loaded, _ = apply_spec(parse_mission_file(twin_file(tmp_path)))
    db.session.commit()
    return loaded


@pytest.fixture
def staff(
    mission: Mission, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> FlaskClient:
    return login(make_user(role=Role.PRESS_OFFICER, contact="leila-duisekova"))


def inquiries() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry)) or 0


# --- Mission files ----------------------------------------------------------------------


def test_a_new_mission_from_a_file_is_a_draft_and_the_seed_is_published(
    draft: Mission, mission: Mission
) -> None:
    assert mission.published is True
    assert draft.published is False


def test_a_file_that_says_nothing_keeps_the_state_an_admin_chose(
    draft: Mission, tmp_path: Path
) -> None:
    draft.published = True
    db.session.commit()
    apply_spec(parse_mission_file(twin_file(tmp_path)))
    db.session.commit()
    assert draft.published is True
    apply_spec(parse_mission_file(twin_file(tmp_path, "published = false")))
    db.session.commit()
    assert draft.published is False


def test_a_file_cannot_publish_a_mission_with_a_phase_nobody_answers(tmp_path: Path) -> None:
    path = twin_file(tmp_path, "published = true")
    path.write_text(
        path.read_text(encoding="utf-8").replace('during = ["leila-duisekova"]', "during = []"),
        encoding="utf-8",
    )
    with pytest.raises(MissionFileError) as refused:
        parse_mission_file(path)
    assert str(refused.value).endswith(
        "file: published = true needs a contact for every phase; none in [phases] during"
    )


def test_missions_list_says_which_are_drafts(draft: Mission, runner: FlaskCliRunner) -> None:
    listed = runner.invoke(args=["missions", "list"]).output.splitlines()
    assert "\tduring\tpublished\t" in listed[0] and listed[0].startswith("kazakhstan-2015")
    assert "\tduring\tdraft\t" in listed[1] and listed[1].startswith("kazakhstan-draft")


# --- What the public sees -----------------------------------------------------------------


def test_the_public_neither_sees_nor_reaches_a_draft(client: FlaskClient, draft: Mission) -> None:
    index = client.get("/").get_data(as_text=True)
    assert "/missions/kazakhstan-2015" in index and DRAFT not in index
    for url in (DRAFT, f"{DRAFT}/events.ics", f"{DRAFT}/inquire"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "There is no mission called “kazakhstan-draft”" in response.get_data(as_text=True)
    api = client.get("/api/v1/missions/kazakhstan-draft/contacts")
    assert api.status_code == 404
    assert api.get_json() == {"error": "There is no mission called 'kazakhstan-draft'."}


def test_nothing_can_be_sent_through_a_drafts_form(client: FlaskClient, draft: Mission) -> None:
    response = client.post(f"{DRAFT}/inquire", data={"name": "Aigerim", "consent": "y"})
    assert response.status_code == 404
    assert inquiries() == 0


def test_staff_see_a_draft_marked_as_such_but_its_form_stays_closed(
    staff: FlaskClient, draft: Mission
) -> None:
    index = staff.get("/").get_data(as_text=True)
    assert "Drafts (not published: only staff see them)" in index and DRAFT in index
    page = staff.get(DRAFT)
    assert page.status_code == 200
    assert "Draft: not published." in page.get_data(as_text=True)
    assert staff.get(f"{DRAFT}/events.ics").status_code == 200
    api = staff.get("/api/v1/missions/kazakhstan-draft/contacts")
    assert api.status_code == 200 and api.get_json()["phase"] == "during"
    form = staff.get(f"{DRAFT}/inquire")
    assert form.status_code == 404
    assert "This mission's inquiry form is not open yet." in html.unescape(
        form.get_data(as_text=True)
    )


def test_an_api_token_reads_a_drafts_contacts(
    client: FlaskClient, draft: Mission, make_user: Callable[..., User]
) -> None:
    user = make_user(role=Role.MANAGER)
    _, token = api_tokens.create(user, datetime.fromisoformat(DURING), "integration")
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    response = client.get("/api/v1/missions/kazakhstan-draft/contacts", headers=headers)
    assert response.status_code == 200


# --- Routing and handover -------------------------------------------------------------------


def test_a_draft_takes_no_inquiries_by_any_channel(
    draft: Mission, runner: FlaskCliRunner, tmp_path: Path, staff: FlaskClient
) -> None:
    with pytest.raises(Refused, match="kazakhstan-draft is a draft"):
        intake.receive(
            draft,
            journalist_request(),
            channel=Channel.PHONE,
            received_at=datetime.fromisoformat(DURING),
        )
    db.session.rollback()
    # The desk's call log offers only published missions.
    form = staff.get("/inquiries/new").get_data(as_text=True)
    assert "KAZ15 · " in form and "KAZD · " not in form
    log = tmp_path / "log.csv"
    log.write_text("received_at,name\n", encoding="utf-8")
    result = runner.invoke(args=["inquiries", "import", str(log), "--mission", "kazakhstan-draft"])
    assert result.exit_code != 0
    assert result.output.startswith("Error: kazakhstan-draft is a draft: publish it")
    assert inquiries() == 0


def test_a_draft_takes_no_part_in_handover(
    mission: Mission, draft: Mission, make_user: Callable[..., User]
) -> None:
    leila = make_user(contact="leila-duisekova")
    now = datetime.fromisoformat(DURING)
    before = handover.handover_pairs(leila, now)
    assert {mission_id for mission_id, _ in before} == {mission.id}
    draft.published = True
    db.session.commit()
    assert {mission_id for mission_id, _ in handover.handover_pairs(leila, now)} == {
        mission.id,
        draft.id,
    }


# --- Publishing in admin --------------------------------------------------------------------


@pytest.fixture
def admin(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> User:
    user = make_user(role=Role.ADMIN, name="Ada Admin")
    login(user)
    return user


def test_an_admin_made_mission_is_a_draft_and_is_published_once_every_phase_has_a_contact(
    app: Flask, client: FlaskClient, admin: User, draft: Mission
) -> None:
    during = db.session.scalars(
        select(PhaseAssignment).where(
            PhaseAssignment.mission_id == draft.id, PhaseAssignment.phase == Phase.DURING
        )
    ).one()
    leila = during.contact_id
    client.post(f"{ADMIN_DRAFT}/contacts/row", data={"item": str(during.id), "action": "remove"})
    page = client.get(ADMIN_DRAFT).get_data(as_text=True)
    assert "Draft" in page and "nobody answers\n            during the mission" in page

    refused = client.post(f"{ADMIN_DRAFT}/publication", data={"action": "publish"})
    assert refused.status_code == 422
    assert (
        "kazakhstan-draft cannot be published yet: no contact answers during the mission."
        in refused.get_data(as_text=True)
    )
    db.session.expire_all()
    assert draft.published is False

    client.post(f"{ADMIN_DRAFT}/contacts", data={"phase": "during", "contact": str(leila)})
    published = client.post(f"{ADMIN_DRAFT}/publication", data={"action": "publish"})
    assert published.status_code == 303
    db.session.expire_all()
    assert draft.published is True
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert (event.action, event.actor_user_id) == ("published", admin.id)
    assert event.summary == "Published mission kazakhstan-draft"
    assert app.test_client().get(DRAFT).status_code == 200  # to the public too


def test_a_mission_made_in_admin_starts_as_a_draft(client: FlaskClient, admin: User) -> None:
    from test_admin_missions import new_mission

    response = client.post("/admin/missions/new", data=new_mission())
    assert response.status_code == 303
    created = db.session.scalars(select(Mission).where(Mission.slug == "kyrgyzstan-2016")).one()
    assert created.published is False
    assert "as a draft" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_mission_with_inquiries_stays_published(
    client: FlaskClient, admin: User, draft: Mission, make_inquiry: Callable[..., object]
) -> None:
    make_inquiry()
    refused = client.post(
        "/admin/missions/kazakhstan-2015/publication", data={"action": "unpublish"}
    )
    assert refused.status_code == 422
    assert "kazakhstan-2015 stays published: it has 1 inquiry" in refused.get_data(as_text=True)
    draft.published = True
    db.session.commit()
    back = client.post(f"{ADMIN_DRAFT}/publication", data={"action": "unpublish"})
    assert back.status_code == 303
    db.session.expire_all()
    assert draft.published is False
