"""Faults under load: gunicorn workers killed mid-request, and the database stopped and back.

Run: .venv/bin/python benchmarks/faults.py [--database-url postgresql+psycopg://…]
                                           [--outage 4] [--kills 6]

kill     On SQLite, and on PostgreSQL too with --database-url. Browsers submit the form
         steadily; the longest-serving worker gets SIGKILL once it has served a while
         (gunicorn starts a new one). A killed request never answers, and its transaction dies with
         the worker: the database must hold no half-written inquiry, that is none without
         its events and its mail, and references stay gapless.
outage   PostgreSQL only (--database-url), as root on a machine with pg_ctlcluster. Under
         the same steady load the cluster is stopped (-m fast) for --outage seconds (at
         most 10). Meanwhile every answer must be our 503 page, without a traceback; once
         the database is back, the same gunicorn (same master, same workers: no restart)
         must accept submissions again within --recovery seconds. PostgreSQL is started
         again in any case, even when the script fails or is interrupted.

Each scenario runs on a fresh database of its own. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from burst import FORM_PATH, Outcome, Steady
from checks import Check, gapless_references, read_stored, stored_once, whole_inquiries
from served import Gunicorn, environment, fresh_database, prepare_tracker, serving
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tracker.config import parse_database_url
from tracker.errors import MESSAGES

# What our 503 page says in English (tracker/errors.py; the load sends no Accept-Language).
UNAVAILABLE = str(MESSAGES[503]) if 503 in MESSAGES else None
WARM = 3.0
WHY_WHOLE = (
    "Why nothing can be half-written: intake writes the inquiry, its events, its mail and "
    "its reference number in one transaction, committed once. A killed worker's open "
    "transaction dies with its connection (SQLite ignores the uncommitted pages it left, "
    "PostgreSQL aborts it when the socket closes), so a submission is whole or absent. The "
    "one uncertainty is a kill after the commit and before the answer: the row is then whole "
    "but the browser saw no answer, so rows may exceed the 303s by at most the lost answers."
)
TRACE_MARKS = ("Traceback", 'File "', "sqlalchemy.exc", "psycopg.")


def settle(seconds: float) -> None:
    time.sleep(seconds)


def data_checks(database_url: str, outcomes: list[Outcome]) -> list[Check]:
    """What the database holds against what the browsers were told."""
    posts = [o for o in outcomes if o.key > 0]
    accepted = [o.key for o in posts if o.status == 303]
    # No answer, or a 503 raised at the commit itself: the row may or may not exist.
    unsure = [o.key for o in posts if o.status in {0, 503}]
    stored = read_stored(database_url)
    return [
        stored_once(stored, accepted, unsure),
        *whole_inquiries(stored),
        *gapless_references(stored),
    ]


# --- kill -------------------------------------------------------------------------------


def kill_workers(server: Gunicorn, load: Steady, kills: int) -> list[int]:
    """SIGKILL the longest-serving worker, ``kills`` times; the pids killed.

    Only once the load has had a few answers since the last kill and the worker has been
    up for WARM seconds: a new worker first imports the app (2-3 s on a busy machine), and
    killing it then would interrupt no request and prove nothing.
    """
    first_seen: dict[int, float] = {}
    killed: list[int] = []
    answers_then = 0
    while len(killed) < kills:
        now = time.monotonic()
        workers = server.worker_pids()
        for pid in workers:
            first_seen.setdefault(pid, now)
        oldest = min(workers, key=first_seen.__getitem__, default=None)
        if (
            oldest is not None
            and now - first_seen[oldest] >= WARM
            and len(load.outcomes) >= answers_then + 5
        ):
            os.kill(oldest, signal.SIGKILL)
            killed.append(oldest)
            answers_then = len(load.outcomes)
        settle(0.1)
    return killed


def scenario_kill(database_url: str | None, kills: int) -> list[Check]:
    """Workers killed under load leave nothing half-written."""
    database = "postgresql" if database_url else "sqlite"
    print(f"\n== kill ({database}): {kills} workers killed with SIGKILL under a steady load ==")
    with fresh_database(database_url, "kill") as url:
        env = environment(url)
        prepare_tracker(env)
        with serving("tracker:create_app()", env, (FORM_PATH, 200)) as server:
            load = Steady(server.port, threads=8)
            load.start()
            killed = kill_workers(server, load, kills)
            settle(2.0)  # the new workers take over
            load.stop()
        outcomes = [outcome for _, outcome in load.outcomes]
        lost = sum(1 for o in outcomes if o.key > 0 and o.status == 0)
        statuses = Counter(o.status for o in outcomes)
        print(f"killed pids {killed}; answers: {dict(statuses)} (0 = connection lost)")
        print(textwrap.fill(WHY_WHOLE, 92))
        return [
            Check("kills landed mid-request", lost > 0, f"{lost} submissions lost their answer"),
            Check("no 5xx answer", not any(o.status >= 500 for o in outcomes), f"{dict(statuses)}"),
            *data_checks(url, outcomes),
        ]


# --- outage -----------------------------------------------------------------------------


def cluster() -> list[str]:
    versions = sorted(os.listdir("/etc/postgresql"))
    return ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main"]


def pg_ctl(action: str) -> float:
    """Run ``pg_ctlcluster … stop|start``; seconds it took."""
    start = time.monotonic()
    extra = ["-m", "fast"] if action == "stop" else []
    subprocess.run([*cluster(), action, *extra], check=True, capture_output=True)
    return time.monotonic() - start


def checkpoint(database_url: str) -> float:
    """Write dirty pages out now; seconds it took.

    A fast stop ends with a shutdown checkpoint; on a busy machine with much unwritten data
    that took 19 s once. Done beforehand, the outage stays as short as asked.
    """
    start = time.monotonic()
    engine = create_engine(
        parse_database_url(database_url), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    with engine.connect() as connection:
        connection.execute(text("CHECKPOINT"))
    engine.dispose()
    return time.monotonic() - start


def pg_running() -> bool:
    done = subprocess.run([*cluster(), "status"], capture_output=True)
    return done.returncode == 0


@dataclass
class Outage:
    """When PostgreSQL was told to stop, had stopped and was back, on the load's clock."""

    clock: float
    timeline: list[tuple[float, str]]
    issued: float = 0.0
    stopped: float = 0.0
    starting: float = 0.0
    started: float = 0.0

    def note(self, what: str) -> float:
        at = time.monotonic() - self.clock
        self.timeline.append((at, what))
        return at


@contextmanager
def database_stopped(outage: Outage) -> Iterator[None]:
    """PostgreSQL stopped for the block; started again whatever happens inside."""
    outage.issued = outage.note(f"stopping PostgreSQL at {utc_now()} (-m fast)")
    try:
        took = pg_ctl("stop")
        outage.stopped = outage.note(f"PostgreSQL stopped (took {took:.1f} s)")
        yield
    finally:
        # Other people's tests use this cluster: it must come back whatever happened here.
        if not pg_running():
            outage.starting = outage.note("starting PostgreSQL")
            took = pg_ctl("start")
            outage.started = outage.note(f"PostgreSQL started at {utc_now()} (took {took:.1f} s)")


def utc_now() -> str:
    return datetime.now(UTC).strftime("%H:%M:%S UTC")


def our_503(outcome: Outcome) -> bool:
    """Our unavailable page: status 503, our words, no trace of the exception."""
    return (
        outcome.status == 503
        and UNAVAILABLE is not None
        and UNAVAILABLE in outcome.body
        and not any(mark in outcome.body for mark in TRACE_MARKS)
    )


def wait_for_accept(load: Steady, after: float, timeout: float) -> float | None:
    """Seconds (on the load's clock) of the first 303 after ``after``; None on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for at, outcome in list(load.outcomes):
            if at > after and outcome.status == 303:
                return at
        settle(0.1)
    return None


def scenario_outage(database_url: str, outage: float, recovery: float) -> list[Check]:
    """Database down: 503 pages; database back: served again by the same workers."""
    print(f"\n== outage: PostgreSQL stopped for {outage:.0f} s under a steady load ==")
    timeline: list[tuple[float, str]] = []
    with fresh_database(database_url, "outage") as url:
        env = environment(url)
        prepare_tracker(env)
        with serving("tracker:create_app()", env, (FORM_PATH, 200)) as server:
            workers_before = sorted(server.worker_pids())
            load = Steady(server.port, threads=4)
            load.start()
            timeline.append((0.0, f"steady load from 4 browsers; workers {workers_before}"))
            settle(3.0)
            times = Outage(load.started, timeline)
            times.note(f"CHECKPOINT, so that the stop is quick (took {checkpoint(url):.1f} s)")
            with database_stopped(times):
                settle(outage)
            back = wait_for_accept(load, times.started, recovery)
            if back is not None:
                again = f"first submission accepted again (+{back - times.started:.1f} s)"
                timeline.append((back, again))
            settle(1.0)
            load.stop()
            workers_after = sorted(server.worker_pids())
            stopped_at = time.monotonic() - load.started
            timeline.append((stopped_at, f"load stopped; workers {workers_after}"))
        for at, what in timeline:
            print(f"{at:7.1f} s  {what}")
        same = workers_before == workers_after
        return [
            *outage_checks(load.outcomes, times, back, recovery),
            Check("no restart: the same gunicorn workers throughout", same, f"{workers_after}"),
            *data_checks(url, [outcome for _, outcome in load.outcomes]),
        ]


def outage_checks(
    outcomes: list[tuple[float, Outcome]], times: Outage, back: float | None, recovery: float
) -> list[Check]:
    """Answers by period: before, while stopping, while down, while starting, after."""
    periods: dict[str, Counter[int]] = {
        name: Counter() for name in ("before", "stopping", "down", "starting", "after")
    }
    for at, outcome in outcomes:
        if at < times.issued:
            periods["before"][outcome.status] += 1
        elif at < times.stopped:
            periods["stopping"][outcome.status] += 1
        elif at < times.starting:
            periods["down"][outcome.status] += 1
        elif at < times.started:
            periods["starting"][outcome.status] += 1
        else:
            periods["after"][outcome.status] += 1
    print("answers by period (status: count):", {k: dict(v) for k, v in periods.items()})
    failures = [o for _, o in outcomes if o.status not in {200, 303}]
    not_ours = [o for o in failures if not our_503(o)]
    if not_ours:
        print(f"first answer that is not our 503 page ({not_ours[0].status}):")
        print(not_ours[0].body[:800])
    return [
        Check(
            "503 page while the database is down",
            periods["down"][503] > 0,
            f"{periods['down'][503]} answers 503 during the outage",
        ),
        Check(
            "every failure is our 503 page, no 500, no traceback",
            not not_ours,
            f"{len(failures)} failures, {len(not_ours)} otherwise",
        ),
        Check(
            f"serves again within {recovery:.0f} s of the restart",
            back is not None,
            f"{back - times.started:.1f} s" if back is not None else "did not",
        ),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL server (needed for the outage)")
    parser.add_argument("--outage", type=float, default=4.0, help="seconds the database is down")
    parser.add_argument("--recovery", type=float, default=15.0, help="seconds allowed to recover")
    parser.add_argument("--kills", type=int, default=6, help="workers to kill")
    parser.add_argument("--only", choices=["kill", "outage"], help="run one scenario")
    args = parser.parse_args()
    if not 0 < args.outage <= 10:
        parser.error("--outage must be more than 0 and at most 10 seconds")
    verdicts: list[tuple[str, list[Check]]] = []
    if args.only in {None, "kill"}:
        verdicts.append(("kill, sqlite", scenario_kill(None, args.kills)))
        if args.database_url:
            verdicts.append(("kill, postgresql", scenario_kill(args.database_url, args.kills)))
    if args.only in {None, "outage"}:
        if args.database_url and Path("/etc/postgresql").is_dir():
            outage = scenario_outage(args.database_url, args.outage, args.recovery)
            verdicts.append(("outage", outage))
        else:
            print("\n== outage: skipped (needs --database-url on a local PostgreSQL cluster) ==")
    print()
    for label, checks in verdicts:
        for check in checks:
            print(f"  {'ok  ' if check.ok else 'FAIL'} {label}: {check.name}: {check.detail}")
    return 0 if all(check.ok for _, checks in verdicts for check in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
