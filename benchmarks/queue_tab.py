"""How long the queue's default tab takes with N inquiries (default 10,000).

Run: .venv/bin/python benchmarks/queue_tab.py [--rows 10000] [--database-url URL]
Builds a throw-away database (a temporary SQLite file unless --database-url is given, in
which case the tables are created there and dropped at the end), then times GET /queue
through the test client and prints p50/p95 in milliseconds, and the queries per page.
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

from tracker import clock, create_app
from tracker.choices import Channel, MediaType, Phase, RequestType, Status, Topic
from tracker.extensions import db
from tracker.missions.spec import parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import Inquiry, User

SEED = Path(__file__).resolve().parent.parent / "seed" / "kazakhstan-2015.toml"
NOW = datetime.fromisoformat("2015-01-22T12:00:00+06:00")


def rows(mission_id: int, contact_ids: list[int], user_ids: list[int], count: int) -> list[dict]:
    rng = random.Random(42)
    statuses = list(Status)
    out = []
    for number in range(1, count + 1):
        received = NOW - timedelta(minutes=rng.uniform(0, 60 * 24 * 20))
        status = rng.choice(statuses)
        out.append(
            {
                "mission_id": mission_id,
                "number": number,
                "reference": f"KAZ15-{number:04d}",
                "status_token_hash": f"{number:064x}",
                "channel": Channel.WEB_FORM,
                "received_at": received,
                "phase_at_receipt": Phase.DURING,
                "name": f"Journalist {number}",
                "outlet": rng.choice(["Vlast.kz", "Reuters", "Kazinform", "Le Temps"]),
                "media_type": rng.choice(list(MediaType)),
                "country": "KZ",
                "email": f"j{number}@example.org",
                "phone": None,
                "language": "ru",
                "request_type": rng.choice(list(RequestType)),
                "topic": Topic.MISSION,
                "subject": f"Question {number} about the visit",
                "message": "…",
                "status": status,
                "routed_contact_id": rng.choice(contact_ids),
                "assignee_id": rng.choice([None, *user_ids]),
                "routing_reason": "bench",
                "due_at": received + timedelta(hours=4),
                "clock_running": rng.random() < 0.5,
                "sensitive": False,
                "version": 1,
                "created_at": received,
                "updated_at": received,
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite"
    app = create_app({"SECRET_KEY": "bench" * 8, "DATABASE_URL": url, "TESTING": True})
    clock.now = lambda: NOW  # the seed mission's middle, so phases and tabs are realistic
    with app.app_context():
        db.create_all()
        try:
            run(app, args)
        finally:
            if args.database_url:
                db.session.remove()
                db.drop_all()


def run(app, args) -> None:  # type: ignore[no-untyped-def]
    mission, _ = apply_spec(db.session, parse_mission_file(SEED))
    users = [
        User(email=f"o{i}@bench.test", name=f"Officer {i}", password_hash="x") for i in range(5)
    ]
    db.session.add_all(users)
    db.session.commit()
    contact_ids = [a.contact_id for a in mission.phase_assignments]
    started = time.perf_counter()
    db.session.execute(
        insert(Inquiry), rows(mission.id, contact_ids, [u.id for u in users], args.rows)
    )
    db.session.commit()
    elapsed = time.perf_counter() - started
    print(f"built {args.rows} inquiries in {elapsed:.1f} s on {db.engine.dialect.name}")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = users[0].get_id()
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for name, path in [
        ("default tab", "/queue"),
        ("all open", "/queue?tab=open"),
        ("text search", "/queue?tab=open&q=journalist+77"),
        ("deep page", None),
    ]:
        if path is None:
            page = client.get("/queue?tab=open").get_data(as_text=True)
            after = page.split("after=")[1].split("&")[0].split('"')[0] if "after=" in page else ""
            path = f"/queue?tab=open&after={after}"
        statements.clear()
        client.get(path)
        per_page = len(statements)
        samples = timed(client, path, args.repeat)
        p50, p95 = p50_p95(samples)
        print(f"{name:12} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({per_page} queries)")


if __name__ == "__main__":
    main()
