"""What the database must hold after a burst: each accepted submission stored whole, once.

Read with plain SQL on a separate engine once the server is stopped, so the checks see what
was committed and nothing a session had cached.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from burst import Burst, key_of
from sqlalchemy import create_engine, text

from tracker.config import parse_database_url

OPENING_EVENTS = ("received", "routed")


@dataclass(frozen=True)
class Check:
    """One verdict, with the figures behind it."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class StoredInquiry:
    id: int
    key: int | None
    mission: str
    number: int
    reference_ok: bool
    has_email: bool
    events: Counter[str] = field(default_factory=Counter)
    mail: Counter[str] = field(default_factory=Counter)


@dataclass
class Stored:
    """The inquiries of a run as the database holds them."""

    inquiries: list[StoredInquiry]
    last_numbers: dict[str, int]
    managers: int


def read_stored(database_url: str) -> Stored:
    """Inquiries with their events and mail, the missions' counters, the managers."""
    engine = create_engine(parse_database_url(database_url))
    with engine.connect() as connection:
        inquiries = {
            row.id: StoredInquiry(
                row.id,
                key_of(row.message),
                row.slug,
                row.number,
                row.reference == f"{row.reference_prefix}-{row.number:04d}",
                bool(row.email),
            )
            for row in connection.execute(
                text(
                    "SELECT i.id, i.number, i.reference, i.email, i.message, m.slug,"
                    " m.reference_prefix FROM inquiries i JOIN missions m ON m.id = i.mission_id"
                )
            )
        }
        for inquiry_id, kind in connection.execute(
            text("SELECT inquiry_id, kind FROM inquiry_events")
        ):
            inquiries[inquiry_id].events[kind] += 1
        for inquiry_id, kind in connection.execute(
            text("SELECT inquiry_id, kind FROM outbox_messages WHERE inquiry_id IS NOT NULL")
        ):
            inquiries[inquiry_id].mail[kind] += 1
        last = {
            slug: number
            for slug, number in connection.execute(
                text("SELECT slug, last_inquiry_number FROM missions")
            )
        }
        managers = connection.execute(
            text("SELECT count(*) FROM users WHERE role = 'manager' AND active")
        ).scalar_one()
    engine.dispose()
    return Stored(list(inquiries.values()), last, int(managers))


def answers(burst: Burst, receipt_prefix: str) -> list[Check]:
    """Every POST got an answer, none a 5xx, and each accepted one points to its receipt."""
    accepted = burst.accepted()
    lost = burst.count(0, 0)
    others = Counter(o.status for o in burst.outcomes if o.status not in {0, 303})
    astray = sum(1 for o in accepted if not o.location.startswith(receipt_prefix))
    total = len(burst.outcomes)
    return [
        Check("no 5xx answer", burst.count(500, 599) == 0, f"other answers: {dict(others)}"),
        Check(
            "every submission accepted (303)",
            len(accepted) == total,
            f"{len(accepted)} of {total}; {lost} without an answer",
        ),
        Check("each 303 leads to the receipt", astray == 0, f"{astray} lead elsewhere"),
    ]


def whole_inquiries(stored: Stored) -> list[Check]:
    """No inquiry without its opening events and its mail: each was written in one go."""
    rows = stored.inquiries
    no_events = [r.id for r in rows if any(r.events[kind] != 1 for kind in OPENING_EVENTS)]
    ack_wrong = [r.id for r in rows if r.mail["acknowledgement"] != int(r.has_email)]
    notice_wrong = [r.id for r in rows if r.mail["new_inquiry"] != stored.managers]
    acks = sum(r.mail["acknowledgement"] for r in rows)
    notices = sum(r.mail["new_inquiry"] for r in rows)
    received = sum(r.events["received"] for r in rows)
    return [
        Check(
            "each inquiry has one 'received' and one 'routed' event",
            not no_events,
            f"{len(rows)} inquiries, {received} 'received' events; {len(no_events)} incomplete",
        ),
        Check(
            "each inquiry with an email has one acknowledgement queued, the others none",
            not ack_wrong,
            f"{sum(r.has_email for r in rows)} with email, {acks} acknowledgements",
        ),
        Check(
            "each inquiry has a new-inquiry notice per manager",
            not notice_wrong,
            f"{stored.managers} manager(s), {notices} notices",
        ),
    ]


def gapless_references(stored: Stored) -> list[Check]:
    """References 1..n per mission, each once, and the mission's counter at n."""
    by_mission: dict[str, list[int]] = defaultdict(list)
    for row in stored.inquiries:
        by_mission[row.mission].append(row.number)
    broken = [
        slug
        for slug, numbers in by_mission.items()
        if sorted(numbers) != list(range(1, len(numbers) + 1))
        or stored.last_numbers[slug] != len(numbers)
    ]
    formatted = all(row.reference_ok for row in stored.inquiries)
    detail = ", ".join(f"{slug}: 1..{len(n)}" for slug, n in by_mission.items()) or "none"
    return [Check("references unique and gapless per mission", not broken and formatted, detail)]


def stored_once(stored: Stored, accepted: Collection[int], unanswered: Collection[int]) -> Check:
    """Each accepted submission is one row; a row beyond those only for a lost answer.

    A submission whose connection was lost (worker killed, database gone) may have been
    committed before the answer was lost: such a row is whole and legitimate, so it is
    allowed among the unanswered, and counted.
    """
    keys = Counter(row.key for row in stored.inquiries)
    twice = [key for key, count in keys.items() if count > 1]
    missing = set(accepted) - set(keys)
    extra = set(keys) - set(accepted)
    unexplained = extra - set(unanswered)
    ok = not twice and not missing and not unexplained
    detail = (
        f"{len(stored.inquiries)} rows for {len(accepted)} accepted; "
        f"{len(missing)} missing, {len(twice)} stored twice, "
        f"{len(extra) - len(unexplained)} committed although the answer was lost, "
        f"{len(unexplained)} unexplained"
    )
    return Check("each accepted submission stored exactly once", ok, detail)


def bare_rows(database_url: str) -> int:
    engine = create_engine(parse_database_url(database_url))
    with engine.connect() as connection:
        count = int(connection.execute(text("SELECT count(*) FROM bare_inquiries")).scalar_one())
    engine.dispose()
    return count


def sqlite_path(database_url: str) -> str | None:
    url = parse_database_url(database_url)
    return url.database if url.get_backend_name() == "sqlite" else None


def journal_mode(path: str) -> str:
    """The SQLite file's journal mode (WAL is persistent: it stays set in the file)."""
    with sqlite3.connect(path) as connection:
        mode: str = connection.execute("PRAGMA journal_mode").fetchone()[0]
    connection.close()
    return mode


def reset_journal_mode(path: str) -> None:
    """Back to the default rollback journal, so that WAL afterwards proves the workers set it."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
