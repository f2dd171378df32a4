"""/stats without dates picks a period a chart can show.

Today (December 2026) the seed mission of January 2015 used to be charted from its
announcement to today: 144 months, its inquiries in one bar. Now a mission over runs to
its last day or its last inquiry's, whichever is later; one to come or under way, to
today; the whole office covers the last 90 days with inquiries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from flask.testing import FlaskClient

from tracker.choices import Role
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import Mission, User
from tracker.stats.scope import scope_for

TODAY = "2026-12-10T10:00:00+05:00"


@pytest.fixture
def manager(make_user: Callable[..., User], login: Callable[..., FlaskClient]) -> FlaskClient:
    return login(make_user(role=Role.MANAGER))


@pytest.fixture
def history(make_inquiry: Callable[..., Receipt]) -> None:
    """Inquiries before, during and well after the visit (the last on 2 June 2015)."""
    for when in (
        "2015-01-17T10:00:00+06:00",
        "2015-01-20T10:00:00+06:00",
        "2015-01-27T15:00:00+06:00",
        "2015-06-02T09:00:00+06:00",
    ):
        make_inquiry(received_at=when)


def bars(page: str) -> list[str]:
    """The received chart's table rows: one per bar."""
    table = page[page.index("Inquiries received per") :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row">(.*?)</th>', table)


def test_a_past_missions_period_ends_with_its_last_inquiry_not_today(
    mission: Mission, history: None, set_now: Callable[[str], datetime]
) -> None:
    now = set_now(TODAY)
    scope = scope_for(mission, None, None, now)
    assert (scope.first_day, scope.last_day) == (date(2015, 1, 16), date(2015, 6, 2))


def test_a_past_mission_without_inquiries_ends_on_its_last_day(
    mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    scope = scope_for(mission, None, None, set_now(TODAY))
    assert (scope.first_day, scope.last_day) == (date(2015, 1, 16), date(2015, 1, 27))


def test_the_stats_page_today_charts_the_seed_mission_month_by_month(
    manager: FlaskClient, mission: Mission, history: None, set_now: Callable[[str], datetime]
) -> None:
    set_now(TODAY)
    page = manager.get("/stats").get_data(as_text=True)
    assert 'value="2015-01-16"' in page and 'value="2015-06-02"' in page
    assert bars(page) == [
        "January 2015",
        "February 2015",
        "March 2015",
        "April 2015",
        "May 2015",
        "June 2015",
    ]


def test_the_whole_office_covers_the_last_90_days_with_inquiries(
    manager: FlaskClient, mission: Mission, history: None, set_now: Callable[[str], datetime]
) -> None:
    now = set_now(TODAY)
    everything = scope_for(None, None, None, now)
    assert (everything.first_day, everything.last_day) == (date(2015, 3, 5), date(2015, 6, 2))
    assert everything.days == 90
    page = manager.get("/stats?mission=").get_data(as_text=True)
    assert "Inquiries received per day" in page and len(bars(page)) == 90


def test_a_mission_under_way_today_is_charted_from_its_announcement_to_today(
    manager: FlaskClient, mission: Mission, history: None, set_now: Callable[[str], datetime]
) -> None:
    now = set_now(TODAY)
    current = Mission(
        slug="demo-2026",
        reference_prefix="DEMO26",
        title="A visit under way",
        expert_name="Expert",
        expert_title="Special Rapporteur",
        country="Kazakhstan",
        first_day=now.date() - timedelta(days=3),
        last_day=now.date() + timedelta(days=4),
        announced_on=now.date() - timedelta(days=20),
        timezone="Asia/Almaty",
        home_timezone="Europe/Zurich",
        published=True,
    )
    db.session.add(current)
    db.session.commit()
    page = manager.get("/stats").get_data(as_text=True)
    assert 'value="2026-11-20"' in page and 'value="2026-12-10"' in page
    assert "Inquiries received per day" in page and len(bars(page)) == 21


def test_dates_given_are_kept(
    mission: Mission, history: None, set_now: Callable[[str], datetime]
) -> None:
    now = set_now(TODAY)
    scope = scope_for(mission, date(2015, 1, 1), None, now)
    assert (scope.first_day, scope.last_day) == (date(2015, 1, 1), date(2015, 6, 2))
    everything = scope_for(None, None, date(2015, 1, 31), now)
    assert (everything.first_day, everything.last_day) == (date(2015, 1, 16), date(2015, 1, 31))
