"""Inquiries submitted at the same moment each get their own reference, in sequence.

Each thread works as a separate request would: its own app context, hence its own
session and database connection, and its own commit. SQLite serialises the writers
(file database, WAL, busy timeout); PostgreSQL locks the mission row until commit.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from tracker.choices import Channel, MediaType, RequestType, Topic
from tracker.extensions import db
from tracker.inquiries import intake
from tracker.models import Inquiry, Mission, stats_day_tallies, stats_scope_outlets
from tracker.stats import reporting
from tracker.stats.scope import Scope

# Each thread commits for real, as separate requests would.
pytestmark = pytest.mark.real_commits

SUBMITTERS = 8
RECEIVED_AT = datetime.fromisoformat("2015-01-20T10:00:00+06:00")


def request_number(number: int) -> intake.JournalistRequest:
    return intake.JournalistRequest(
        name=f"Journalist {number}",
        outlet="Vlast.kz",
        media_type=MediaType.ONLINE,
        country="KZ",
        email=f"journalist{number}@example.kz",
        phone=None,
        language="ru",
        request_type=RequestType.INTERVIEW,
        topic=Topic.MISSION,
        subject=f"Question {number}",
        message="Could the Special Rapporteur give a short interview?",
    )


def test_simultaneous_submissions_get_distinct_consecutive_references(
    app: Flask, mission: Mission
) -> None:
    mission_id = mission.id
    db.session.close()
    start = threading.Barrier(SUBMITTERS, timeout=30)

    def submit(number: int) -> str:
        with app.app_context():
            own_mission = db.session.get(Mission, mission_id)
            assert own_mission is not None
            start.wait()
            receipt = intake.receive(
                own_mission,
                request_number(number),
                channel=Channel.WEB_FORM,
                received_at=RECEIVED_AT,
            )
            db.session.commit()
            return receipt.inquiry.reference

    with ThreadPoolExecutor(max_workers=SUBMITTERS) as pool:
        references = list(pool.map(submit, range(SUBMITTERS), timeout=60))

    expected = [f"KAZ15-{number:04d}" for number in range(1, SUBMITTERS + 1)]
    assert sorted(references) == expected
    stored = db.session.execute(
        select(Inquiry.reference, Inquiry.number, Inquiry.subject).order_by(Inquiry.number)
    ).all()
    assert [row.reference for row in stored] == expected
    assert [row.number for row in stored] == list(range(1, SUBMITTERS + 1))
    assert {row.subject for row in stored} == {f"Question {n}" for n in range(SUBMITTERS)}
    assert db.session.get(Mission, mission_id, populate_existing=True).last_inquiry_number == 8


def test_reports_counting_while_inquiries_arrive_never_lose_or_double_one(
    app: Flask, mission: Mission
) -> None:
    """Managers' reports recount the day while journalists submit to it: afterwards the
    day's figures hold every inquiry once, as a recount from scratch does."""
    mission_id = mission.id
    db.session.close()
    start = threading.Barrier(2 * SUBMITTERS, timeout=30)
    day = Scope(None, date(2015, 1, 20), date(2015, 1, 20))

    def submit(number: int) -> None:
        with app.app_context():
            own_mission = db.session.get(Mission, mission_id)
            assert own_mission is not None
            start.wait()
            intake.receive(
                own_mission,
                request_number(number),
                channel=Channel.WEB_FORM,
                received_at=RECEIVED_AT,
            )
            db.session.commit()

    def report(_: int) -> None:
        with app.app_context():
            start.wait()
            reporting.build_report(day, RECEIVED_AT)
            db.session.commit()

    with ThreadPoolExecutor(max_workers=2 * SUBMITTERS) as pool:
        done = [pool.submit(submit, n) for n in range(SUBMITTERS)]
        done += [pool.submit(report, n) for n in range(SUBMITTERS)]
        for future in done:
            future.result(timeout=60)

    assert reporting.build_report(day, RECEIVED_AT).counts.received == SUBMITTERS
    db.session.commit()
    rows = db.session.execute(
        select(
            stats_day_tallies.c.scope_id,
            stats_day_tallies.c.day,
            stats_day_tallies.c.dimension,
            stats_day_tallies.c.value,
            func.count(),
        ).group_by(
            stats_day_tallies.c.scope_id,
            stats_day_tallies.c.day,
            stats_day_tallies.c.dimension,
            stats_day_tallies.c.value,
        )
    ).all()
    assert rows and all(count == 1 for *_, count in rows)
    totals = db.session.execute(select(stats_scope_outlets.c.received)).scalars().all()
    assert totals and all(total == SUBMITTERS for total in totals)
