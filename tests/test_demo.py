"""``flask --app tracker demo``: the seed mission told as it ran, a visit under way today,
and accounts whose password is never printed back."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from tracker import phases
from tracker.choices import OPEN_STATUSES, Phase, Status
from tracker.extensions import db
from tracker.inquiries import handover
from tracker.models import FollowUp, Inquiry, Mission, Office, User
from tracker.queue import listing

TODAY = "2026-12-10T10:00:00+05:00"  # a Thursday, mid-morning in Almaty
PASSWORD = "demo horse battery staple 9"


@pytest.fixture
def demo(runner: FlaskCliRunner, mission: Mission, set_now: Callable[[str], datetime]) -> str:
    set_now(TODAY)
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    return result.output


def inquiries_of(slug: str) -> list[Inquiry]:
    mission = db.session.scalars(select(Mission).where(Mission.slug == slug)).one()
    return list(db.session.scalars(select(Inquiry).where(Inquiry.mission_id == mission.id)))


def test_the_password_is_never_printed(demo: str) -> None:
    assert PASSWORD not in demo and "password:" not in demo.lower()
    leila = db.session.scalars(select(User).where(User.email == "leila@demo.test")).one()
    assert check_password_hash(leila.password_hash or "", PASSWORD)
    assert "account leila@demo.test" in demo


def test_without_the_option_the_password_is_read_from_standard_input(
    runner: FlaskCliRunner, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    set_now(TODAY)
    result = runner.invoke(args=["demo", "--inquiries", "8"], input="piped secret 12345\n")
    assert result.exit_code == 0, result.output
    assert "piped secret" not in result.output
    admin = db.session.scalars(select(User).where(User.email == "admin@demo.test")).one()
    assert check_password_hash(admin.password_hash or "", "piped secret 12345")


def test_the_seed_mission_is_told_as_it_ran(demo: str) -> None:
    told = inquiries_of("kazakhstan-2015")
    assert len(told) == 60
    by_phase = Counter(inquiry.phase_at_receipt for inquiry in told)
    assert all(by_phase[phase] >= 5 for phase in Phase), by_phase
    assert by_phase[Phase.DURING] > by_phase[Phase.BEFORE]
    received = sorted(inquiry.received_at for inquiry in told)
    assert received[0] >= datetime.fromisoformat("2015-01-16T00:00:00+06:00")
    assert received[-1] < datetime.fromisoformat("2015-07-04T00:00:00+06:00")
    statuses = Counter(inquiry.status for inquiry in told)
    assert statuses[Status.CLOSED] > len(told) / 2  # most answered and closed
    assert statuses[Status.REFERRED] and statuses[Status.DECLINED]
    still_open = [inquiry for inquiry in told if inquiry.status in OPEN_STATUSES]
    assert 0 < len(still_open) < 10
    follow_ups = db.session.scalars(select(FollowUp)).all()
    assert {f.inquiry_id for f in follow_ups} & {inquiry.id for inquiry in still_open}
    # Every closed one was answered first, and its milestones are in order.
    for inquiry in told:
        if inquiry.status is Status.CLOSED:
            responded, closed = inquiry.first_response_at, inquiry.closed_at
            assert responded is not None and closed is not None
            assert inquiry.received_at < responded < closed


def test_a_visit_is_under_way_today_with_work_in_every_tab(
    app: Flask, demo: str, set_now: Callable[[str], datetime]
) -> None:
    now = datetime.fromisoformat(TODAY)
    visit = db.session.scalars(select(Mission).where(Mission.slug == "demo-visit")).one()
    assert visit.published and phases.phase_at(visit, now) is Phase.DURING
    live = inquiries_of("demo-visit")
    assert any(i.deadline and i.deadline > now and i.is_open for i in live), "live deadlines"
    assert any(i.is_open and i.clock_running and i.due_at < now for i in live), "an overdue one"
    leila = db.session.scalars(select(User).where(User.email == "leila@demo.test")).one()
    viewer = listing.Viewer(leila, now, handover.handover_pairs(leila, now))
    counts = listing.tab_counts(viewer, listing.Filters())
    for tab in (
        listing.Tab.NEEDS_ACTION,
        listing.Tab.MINE,
        listing.Tab.UNASSIGNED,
        listing.Tab.AWAITING,
        listing.Tab.FOLLOW_UPS,
        listing.Tab.HANDOVER,
        listing.Tab.CLOSED,
    ):
        assert counts[tab] > 0, tab


def test_the_offices_get_weekday_hours_for_the_demo(demo: str) -> None:
    offices = db.session.scalars(select(Office).order_by(Office.name)).all()
    assert [o.name for o in offices if o.working_hours] == ["Astana", "Geneva"]
    assert "office Geneva: Monday to Friday 09:00-18:00 (Europe/Zurich)" in demo


def test_running_it_again_adds_nothing(demo: str, runner: FlaskCliRunner) -> None:
    before = db.session.scalar(select(func.count()).select_from(Inquiry))
    again = runner.invoke(args=["demo"])  # no password needed: every account exists
    assert again.exit_code == 0, again.output
    assert "kazakhstan-2015: has 60 inquiries already; nothing added" in again.output
    assert "demo-visit: there already; nothing added" in again.output
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == before


def test_without_the_seed_it_says_how_to_load_it(runner: FlaskCliRunner, app: Flask) -> None:
    result = runner.invoke(args=["demo", "--password", PASSWORD])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        "Error: load the seed first: flask --app tracker missions load seed/kazakhstan-2015.toml"
    ]
