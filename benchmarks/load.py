"""A burst of concurrent inquiry-form submissions against gunicorn, checked and timed.

Run: .venv/bin/python benchmarks/load.py [--requests 2000] [--connections 16]
                                         [--database-url postgresql+psycopg://…]

The app runs under gunicorn (2 workers, as deployed) on a fresh database of its own: a
temporary SQLite file, or a new database on the PostgreSQL server of --database-url,
dropped at the end. Rate limits are off (RATELIMIT_ENABLED=false): the burst comes from one
address. Each connection GETs the form (session cookie and CSRF token, as a browser does),
then all POST varied submissions until the burst is sent. Afterwards the database must hold
every accepted submission once, with its events and its mail, and references without gaps.
The same burst then goes to benchmarks/bare_app.py (one Flask-SQLAlchemy insert, nothing
else) under the same settings, for the ratio. Exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import sys

from burst import BARE_PATH, FORM_PATH, Burst, payloads, percentiles, run_burst
from checks import (
    Check,
    answers,
    bare_rows,
    gapless_references,
    journal_mode,
    read_stored,
    reset_journal_mode,
    sqlite_path,
    stored_once,
    whole_inquiries,
)
from served import HERE, environment, fresh_database, prepare_bare, prepare_tracker, serving

Measured = tuple[Burst, list[Check]]


def measure_form(database_url: str | None, requests: int, connections: int) -> Measured:
    """The real form on a fresh database, then the checks on what it stored."""
    with fresh_database(database_url, "form") as url:
        env = environment(url)
        prepare_tracker(env)
        path = sqlite_path(url)
        if path:
            reset_journal_mode(path)
        with serving("tracker:create_app()", env, (FORM_PATH, 200)) as server:
            burst = run_burst(server.port, FORM_PATH, payloads(requests), connections, True)
        stored = read_stored(url)
        accepted = [o.key for o in burst.accepted()]
        unanswered = [o.key for o in burst.outcomes if o.status == 0]
        checks = [
            *answers(burst, "/status/"),
            stored_once(stored, accepted, unanswered),
            *whole_inquiries(stored),
            *gapless_references(stored),
        ]
        if path:
            mode = journal_mode(path)
            checks.append(Check("the workers put SQLite in WAL mode", mode == "wal", mode))
        return burst, checks


def measure_bare(database_url: str | None, requests: int, connections: int) -> Measured:
    """The bare insert route: same server settings, same submissions, a fresh database."""
    with fresh_database(database_url, "bare") as url:
        env = environment(url)
        prepare_bare(env)
        # GET on the insert route answers 405 once a worker has imported the app.
        with serving("bare_app:create_app()", env, (BARE_PATH, 405), cwd=HERE) as server:
            burst = run_burst(server.port, BARE_PATH, payloads(requests), connections, False)
        rows = bare_rows(url)
        accepted = len(burst.accepted())
        checks = [
            *answers(burst, "/inquiries/"),
            Check("one row per accepted insert", rows == accepted, f"{rows} rows"),
        ]
        return burst, checks


def figures(label: str, burst: Burst) -> str:
    """One line of the table: requests, seconds, throughput, latency percentiles."""
    p50, p95, p99 = percentiles([o.ms for o in burst.outcomes])
    return (
        f"{label:<26} {len(burst.outcomes):>8} {burst.seconds:>8.1f} {burst.throughput():>8.1f}"
        f" {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {burst.load:>6.2f}"
    )


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def report(database: str, form: Measured, bare: Measured) -> bool:
    """Print the table, the ratio and the checks; True when every check passed."""
    columns = ("requests", "seconds", "req/s", "p50 ms", "p95 ms", "p99 ms")
    print(f"{'':<26}", *(f"{name:>8}" for name in columns), " load1")
    print(figures(f"inquiry form ({database})", form[0]))
    print(figures(f"bare insert ({database})", bare[0]))
    ratio = form[0].throughput() / bare[0].throughput()
    print(f"form / bare throughput: {ratio:.2f}")
    for label, (_, checks) in (("form", form), ("bare", bare)):
        for check in checks:
            print(f"  {'ok  ' if check.ok else 'FAIL'} {label}: {check.name}: {check.detail}")
    return all(check.ok for _, checks in (form, bare) for check in checks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="submissions in the burst")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections")
    parser.add_argument(
        "--database-url", help="a PostgreSQL server to make the run's database on (else SQLite)"
    )
    args = parser.parse_args()
    if args.requests < 1 or args.connections < 1:
        parser.error("--requests and --connections must be at least 1")
    database = "postgresql" if args.database_url else "sqlite"
    print(
        f"{database}: {args.requests} submissions over {args.connections} connections, "
        f"gunicorn with 2 sync workers; {load_average()}"
    )
    form = measure_form(args.database_url, args.requests, args.connections)
    bare = measure_bare(args.database_url, args.requests, args.connections)
    passed = report(database, form, bare)
    print(f"after the run: {load_average()}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
