"""How long the stats page takes with N inquiries (default 100,000).

Run: .venv/bin/python benchmarks/stats_page.py [--rows 100000] [--database-url URL]
Builds a throw-away database (a temporary SQLite file unless --database-url is given, in
which case the tables are created there and dropped at the end) by bulk insert, then
times GET /stats for the whole office (all missions, every inquiry in the period) through
the test client and prints p50/p95 in milliseconds and the queries per page; the same for
one mission, the JSON API and the CSV export.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import event, insert
from timing import p50_p95, timed

from tracker import clock, create_app, phases
from tracker.choices import Channel, MediaType, RequestType, Role, Status, Topic
from tracker.extensions import db
from tracker.missions.spec import parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import Inquiry, Mission, User

SEED = Path(__file__).resolve().parent.parent / "seed" / "kazakhstan-2015.toml"
NOW = datetime.fromisoformat("2015-01-22T12:00:00+06:00")
DAYS = 40
OUTLETS = ["Vlast.kz", "Reuters", "Kazinform", "Le Temps", "AFP", "Tengrinews", "BBC", "RFE/RL"]
PAGES = [
    ("whole office", "/stats?mission=&from=2014-12-01&to=2015-01-22"),
    ("one mission", "/stats?mission=kazakhstan-2015&from=2014-12-01&to=2015-01-22"),
    ("API, all", "/api/v1/stats?from=2014-12-01&to=2015-01-22"),
    ("CSV, all", "/stats/export.csv?mission=&from=2014-12-01&to=2015-01-22"),
]


def milestones(rng: random.Random, received: datetime) -> dict:
    """Status, response and deadline for one inquiry: most answered, some still open."""
    status = rng.choice(list(Status))
    answered = status not in {Status.NEW, Status.ASSIGNED} and rng.random() < 0.9
    first_response = received + timedelta(minutes=rng.expovariate(1 / 150)) if answered else None
    deadline = received + timedelta(hours=rng.uniform(1, 48)) if rng.random() < 0.4 else None
    due = (
        min(received + timedelta(hours=4), deadline) if deadline else received + timedelta(hours=4)
    )
    return {
        "status": status,
        "first_response_at": first_response,
        "answered_at": first_response,
        "deadline": deadline,
        "due_at": due,
        "clock_running": first_response is None and status != Status.AWAITING_JOURNALIST,
    }


def rows(missions: list[Mission], contact_ids: list[int], user_ids: list[int], count: int) -> list:
    rng = random.Random(42)
    out = []
    for number in range(1, count + 1):
        mission = missions[number % len(missions)]
        received = NOW - timedelta(minutes=rng.uniform(0, 60 * 24 * DAYS))
        out.append(
            {
                "mission_id": mission.id,
                "number": number,
                "reference": f"{mission.reference_prefix}-{number:06d}",
                "status_token_hash": f"{number:064x}",
                "channel": Channel.WEB_FORM,
                "received_at": received,
                "phase_at_receipt": phases.phase_at(mission, received),
                "name": f"Journalist {number}",
                "outlet": rng.choice(OUTLETS),
                "media_type": rng.choice(list(MediaType)),
                "country": "KZ",
                "email": f"j{number}@example.org",
                "phone": None,
                "language": "ru",
                "request_type": rng.choice(list(RequestType)),
                "topic": Topic.MISSION,
                "subject": f"Question {number} about the visit",
                "message": "…",
                "routed_contact_id": rng.choice(contact_ids),
                "assignee_id": rng.choice([None, *user_ids]),
                "routing_reason": "bench",
                "sensitive": False,
                "version": 1,
                "created_at": received,
                "updated_at": received,
                **milestones(rng, received),
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app({"SECRET_KEY": "bench" * 8, "DATABASE_URL": url, "TESTING": True})
    clock.now = lambda: NOW  # the seed mission's middle, so phases and the backlog are realistic
    with app.app_context():
        db.create_all()
        try:
            run(app, args)
        finally:
            if args.database_url:
                db.session.remove()
                db.drop_all()


def second_mission(seed: Mission) -> Mission:
    """Another mission in another zone, so "all missions" means more than one."""
    other = Mission(
        slug="geneva-2015",
        reference_prefix="GVA15",
        title="Bench mission",
        expert_name="Expert",
        expert_title="Special Rapporteur",
        country="Switzerland",
        first_day=seed.first_day - timedelta(days=20),
        last_day=seed.first_day - timedelta(days=10),
        timezone="Europe/Zurich",
        home_timezone="Europe/Zurich",
    )
    db.session.add(other)
    return other


def run(app, args) -> None:  # type: ignore[no-untyped-def]
    mission, _ = apply_spec(db.session, parse_mission_file(SEED))
    missions = [mission, second_mission(mission)]
    users = [
        User(email=f"o{i}@bench.test", name=f"Officer {i}", password_hash="x") for i in range(8)
    ]
    manager = User(email="m@bench.test", name="Manager", password_hash="x", role=Role.MANAGER)
    db.session.add_all([*users, manager])
    db.session.commit()
    contact_ids = [a.contact_id for a in mission.phase_assignments]
    started = time.perf_counter()
    db.session.execute(
        insert(Inquiry), rows(missions, contact_ids, [u.id for u in users], args.rows)
    )
    db.session.commit()
    elapsed = time.perf_counter() - started
    print(f"built {args.rows} inquiries in {elapsed:.1f} s on {db.engine.dialect.name}")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = manager.get_id()
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for name, path in PAGES:
        statements.clear()
        client.get(path).get_data()
        per_page = len(statements)
        samples = timed(client, path, args.repeat)
        p50, p95 = p50_p95(samples)
        print(f"{name:13} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({per_page} queries)")


if __name__ == "__main__":
    main()
