"""Retention runs from the later of the visit's end and the inquiry's closing: one rule,
stated by the form's notice and by ``privacy export``, applied by ``privacy purge``.

The seed mission's last day is Tue 27 January 2015 in Almaty (UTC+6 then, UTC+5 since
March 2024), so an inquiry closed during the visit is kept until 00:00 on 28 January 2017
there. A journalist writing in December 2026 must read a date in the future.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_babel import force_locale

from tracker.choices import Role, Status
from tracker.extensions import db
from tracker.formatting import format_day
from tracker.inquiries import status_changes
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, Mission, User
from tracker.privacy import retention

FORM = "/missions/kazakhstan-2015/inquire"
SEED_DAYS = SimpleNamespace(last_day=date(2015, 1, 27), timezone="Asia/Almaty", retention_months=24)
DURING = "2015-01-20T10:00:00+06:00"
LONG_AFTER = "2026-12-10T10:00:00+05:00"  # a journalist writing in December 2026


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(name="Olga Officer", contact="leila-duisekova", role=Role.ADMIN)


def close(inquiry: Inquiry, officer: User, at: str, to: Status = Status.DECLINED) -> Inquiry:
    """Finish the inquiry at ``at`` (declined by default: one move from new)."""
    status_changes.change_status(inquiry, officer, datetime.fromisoformat(at), to=to)
    db.session.commit()
    return inquiry


def notice(client: FlaskClient) -> str:
    page = client.get(FORM).get_data(as_text=True)
    text = page[page.index('id="privacy-heading"') :]
    return " ".join(re.sub(r"<[^>]+>", "", text[: text.index("</section>")]).split())


# --- The rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closed", "first_day"),
    [
        ("2015-01-10T12:00:00+06:00", date(2017, 1, 28)),  # before the visit: its end counts
        ("2015-01-27T23:59:00+06:00", date(2017, 1, 28)),  # its last minute
        ("2016-03-10T09:00:00+06:00", date(2018, 3, 11)),  # later: the closing's day counts
        ("2016-03-10T23:30:00+00:00", date(2018, 3, 12)),  # 11 March already, in Almaty
        ("2027-01-30T12:00:00+05:00", date(2029, 1, 31)),
    ],
)
def test_retention_runs_from_the_later_of_the_visits_end_and_the_closing(
    closed: str, first_day: date
) -> None:
    finished = datetime.fromisoformat(closed)
    assert retention.anonymise_day(SEED_DAYS, finished) == first_day
    expected = datetime.combine(first_day, datetime.min.time()).replace(tzinfo=UTC)
    offset = timedelta(hours=6 if first_day.year < 2024 else 5)
    assert retention.anonymise_at(SEED_DAYS, finished) == expected - offset


def test_the_purges_cut_off_and_the_rule_agree_on_every_day() -> None:
    """``finished_before`` (the purge's SQL bound) says due exactly when the rule does,
    over month ends, leap days and short retentions."""
    for months in (1, 6, 24):
        mission = SimpleNamespace(last_day=date(2015, 1, 27), timezone="Asia/Almaty",
                                  retention_months=months)  # fmt: skip
        start = datetime(2015, 1, 1, 12, tzinfo=UTC)
        finishes = [start + timedelta(days=d, hours=h) for d in range(0, 900, 7) for h in (0, 19)]
        for now_day in range(0, 1200, 3):
            now = start + timedelta(days=now_day, hours=1)
            cutoff = retention.finished_before(mission, now)
            for finished in finishes:
                due = now >= retention.anonymise_at(mission, finished)
                assert due == (cutoff is not None and finished < cutoff), (months, now, finished)


def test_an_open_inquiry_is_promised_a_day_that_is_never_past() -> None:
    for when in (DURING, "2015-01-10T08:00:00+06:00", LONG_AFTER):
        now = datetime.fromisoformat(when)
        day = retention.earliest_anonymise_day(SEED_DAYS, now)
        assert day > now.date()
        assert day == retention.anonymise_day(SEED_DAYS, now)


# --- The notice on the form -----------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "promised"),
    [
        ("2015-01-10T09:00:00+06:00", "Saturday 28 January 2017"),  # before the visit
        (DURING, "Saturday 28 January 2017"),
        ("2016-06-01T09:00:00+06:00", "Saturday 2 June 2018"),  # after it, within retention
        (LONG_AFTER, "Monday 11 December 2028"),  # long after: still in the future
    ],
)
def test_the_notice_states_the_rule_and_a_day_never_past(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[str], datetime],
    now: str,
    promised: str,
) -> None:
    set_now(now)
    text = notice(client)
    assert (
        "until 24 months after the later of the visit's end and the day your inquiry is "
        f"closed, so at least until {promised}." in text
    )
    years = [int(year) for year in re.findall(r"\b(20\d\d)\b", text)]
    assert years and min(years) >= datetime.fromisoformat(now).year


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_notice_gives_the_same_day_in_russian_and_kazakh(
    client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime], language: str
) -> None:
    set_now(LONG_AFTER)
    client.set_cookie("lang", language, domain="tracker.test")
    with force_locale(language):
        promised = " ".join(format_day(date(2028, 12, 11), language).split())
    text = notice(client)
    assert promised in text and "24" in text
    assert "2017" not in text


# --- The purge applies it ---------------------------------------------------------------


def test_an_inquiry_closed_long_after_the_visit_is_kept_from_its_closing(
    app: Flask,
    runner: FlaskCliRunner,
    make_inquiry: Callable[..., Receipt],
    officer: User,
    set_now: Callable[[str], datetime],
) -> None:
    early = close(make_inquiry().inquiry, officer, "2015-01-21T10:00:00+06:00")
    late = make_inquiry(received_at="2016-11-30T10:00:00+06:00").inquiry
    close(late, officer, "2026-12-10T15:00:00+05:00")

    def purged(now: str) -> list[str]:
        set_now(now)
        result = runner.invoke(args=["privacy", "purge", "--by", "dpo"])
        assert result.exit_code == 0, result.output
        return [line for line in result.output.splitlines() if line.startswith("KAZ15-")]

    # The old rule would have anonymised both at the visit's end + 24 months.
    assert purged("2017-01-28T00:00:00+06:00") == [early.reference]
    assert purged("2028-12-10T23:59:00+05:00") == []
    assert purged("2028-12-11T00:00:00+05:00") == [late.reference]


def test_reopening_restarts_the_retention_and_an_open_inquiry_is_never_purged(
    app: Flask,
    runner: FlaskCliRunner,
    make_inquiry: Callable[..., Receipt],
    officer: User,
    set_now: Callable[[str], datetime],
) -> None:
    inquiry = close(make_inquiry().inquiry, officer, "2015-01-21T10:00:00+06:00")
    assert inquiry.finished_at == datetime.fromisoformat("2015-01-21T10:00:00+06:00")
    status_changes.reopen(inquiry, officer, datetime.fromisoformat("2016-05-02T10:00:00+06:00"))
    db.session.commit()
    assert inquiry.finished_at is None
    set_now("2030-01-01T00:00:00+05:00")
    result = runner.invoke(args=["privacy", "purge"])
    assert "Anonymised 0 inquiries" in result.output
    close(inquiry, officer, "2030-01-02T10:00:00+05:00", to=Status.DECLINED)
    set_now("2032-01-02T23:00:00+05:00")
    assert "Anonymised 0 inquiries" in runner.invoke(args=["privacy", "purge"]).output
    set_now("2032-01-03T00:00:00+05:00")
    assert "Anonymised 1 inquiry " in runner.invoke(args=["privacy", "purge"]).output


def test_an_answered_inquiry_is_closed_for_retention_when_it_is_answered(
    make_inquiry: Callable[..., Receipt], officer: User
) -> None:
    inquiry = make_inquiry().inquiry
    at = datetime.fromisoformat("2015-02-03T10:00:00+06:00")
    status_changes.change_status(inquiry, officer, at, to=Status.IN_PROGRESS)
    status_changes.change_status(inquiry, officer, at, to=Status.ANSWERED)
    assert inquiry.finished_at == at
    later = at + timedelta(days=3)
    status_changes.change_status(inquiry, officer, later, to=Status.CLOSED)
    assert inquiry.finished_at == later


# --- The export states it ---------------------------------------------------------------


def test_the_export_states_the_rule_and_each_inquirys_days(
    runner: FlaskCliRunner,
    make_inquiry: Callable[..., Receipt],
    officer: User,
    set_now: Callable[[str], datetime],
) -> None:
    closed = close(make_inquiry().inquiry, officer, "2015-01-21T10:00:00+06:00")
    late = make_inquiry(received_at="2016-11-30T10:00:00+06:00").inquiry
    close(late, officer, "2026-12-10T15:00:00+05:00")
    still_open = make_inquiry(received_at="2026-12-09T10:00:00+05:00").inquiry
    set_now(LONG_AFTER)
    result = runner.invoke(args=["privacy", "export", "aigerim@example.kz"])
    assert result.exit_code == 0, result.output
    records: dict[str, Any] = {
        item["reference"]: item["retention"] for item in json.loads(result.output)["inquiries"]
    }
    rule = (
        "Kept until 24 months after the later of the end of the visit and the day the "
        "inquiry is closed, then anonymised; an open inquiry is kept until then."
    )
    assert records[closed.reference] == {
        "rule": rule,
        "months": 24,
        "visit_last_day": "2015-01-27",
        "closed_on": "2015-01-21",
        "anonymised_from": "2017-01-28",
        "kept_at_least_until": None,
    }
    assert records[late.reference]["closed_on"] == "2026-12-10"
    assert records[late.reference]["anonymised_from"] == "2028-12-11"
    assert records[still_open.reference]["anonymised_from"] is None
    # Open: the day it gets if it is closed today, the day the form promised.
    assert records[still_open.reference]["kept_at_least_until"] == "2028-12-11"
