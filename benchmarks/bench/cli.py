"""``python -m benchmarks.bench`` (``make bench``): build a year of inquiries, time the
pages, print the table.

The database is always a new one made for the run: a temporary SQLite file, or, when
DATABASE_URL names PostgreSQL, a new schema in that database, dropped at the end. The
application's own database (``instance/tracker.sqlite``, or a SQLite DATABASE_URL) is never
opened. ``--keep`` builds into a named file (or schema) and leaves it, so a second run at a
million rows skips the build.
"""

from __future__ import annotations

import gc
import json
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import Config, Flask
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.bench import baselines, builder, report, runner
from tracker import PROJECT_ROOT, clock, create_app
from tracker.config import apply_environment, parse_database_url
from tracker.extensions import db

SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@click.command("bench")
@click.option("--rows", default=100_000, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write results here.")
@click.option(
    "--repeat",
    default=50,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most samples a figure.",
)
@click.option(
    "--keep",
    metavar="PATH|SCHEMA",
    help="SQLite file (PostgreSQL: schema) to build into and keep; reused if already built.",
)
def bench_command(rows: int, json_path: str | None, repeat: int, keep: str | None) -> None:
    """Time the pages with ROWS inquiries, beside a bare Flask route and insert."""
    with bench_database(configured_postgresql(), keep) as (url, bare_url):
        app = create_app(bench_config(url))
        try:
            with bench_clock():
                with app.app_context():
                    database, notes = prepare(rows, keep)
                with collector_frozen():
                    results = {r.name: r for r in time_everything(app, bare_url, repeat)}
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    summary = report.as_json(rows, database, results)
    click.echo(report.table(summary, notes))
    if json_path:
        Path(json_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")


def configured_postgresql() -> str | None:
    """DATABASE_URL, read as the application reads it (instance/config.py, then the
    environment), when it names PostgreSQL; None otherwise (the bench then uses SQLite)."""
    config = Config(str(PROJECT_ROOT / "instance"))
    config.from_pyfile("config.py", silent=True)
    apply_environment(config, os.environ)
    if not config.get("DATABASE_URL"):
        return None
    url = parse_database_url(str(config["DATABASE_URL"]))
    if url.get_backend_name() != "postgresql":
        return None
    return url.render_as_string(hide_password=False)


@contextmanager
def bench_clock() -> Iterator[None]:
    """The application's clock stopped at the bench's "now", when a mission is under way."""
    real_now = clock.now
    clock.now = lambda: builder.ANCHOR
    try:
        yield
    finally:
        clock.now = real_now


@contextmanager
def collector_frozen() -> Iterator[None]:
    """As gunicorn.conf.py does in each worker once the app is loaded (the build's garbage
    collected first), so the pages are timed as a worker serves them. Undone afterwards:
    the bench also runs inside the test suite."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def bench_config(url: str) -> dict[str, Any]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(16),
        "WTF_CSRF_ENABLED": True,
        # The form POST would hit the flood limit within a second: measured without it.
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
    }


def prepare(rows: int, keep: str | None) -> tuple[str, list[str]]:
    """Build (or reuse) the data; the database's name and the notes for the table."""
    db.create_all()
    existing = builder.existing_rows()
    if existing and existing != rows:
        raise click.ClickException(
            f"{keep} already holds {existing} inquiries, not {rows}: choose another --keep."
        )
    if existing:
        built = f"reused {keep} with {rows:,} inquiries"
    else:
        started = time.perf_counter()
        with click.progressbar(length=rows, label="Building inquiries", file=sys.stderr) as bar:
            builder.build(rows, bar.update)
        seconds = time.perf_counter() - started
        built = f"built {rows:,} inquiries in {seconds:.0f} s ({rows / seconds:,.0f} a second)"
        settle()
    setting = runner.setting(current_mission_slug())
    click.echo(f"{built}; timing…", err=True)
    return database_name(), notes(built, setting, runner.open_rows())


def settle() -> None:
    """SQLite: move the build's write-ahead log into the database file, as a running
    application's checkpoints keep doing, so pages are not timed reading through a log
    of a whole build's writes. (PostgreSQL is vacuumed and analysed by the builder.)"""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def current_mission_slug() -> str:
    from tracker.stats.scope import current_mission

    mission = current_mission(builder.ANCHOR)
    if mission is None:
        raise click.ClickException("the bench database has no missions")
    return mission.slug


def time_everything(app: Flask, bare_url: str, repeat: int) -> Iterator[runner.Result]:
    """The pages, then the two baselines, in one run."""
    with app.app_context():
        setting = runner.setting(current_mission_slug())
    yield from runner.app_figures(app, setting, repeat)
    yield baselines.bare_route(repeat)
    yield baselines.bare_insert(bare_url, repeat)


def database_name() -> str:
    engine = db.engine
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            version = connection.exec_driver_sql("select sqlite_version()").scalar()
        else:
            version = connection.exec_driver_sql("show server_version").scalar()
    return f"{engine.dialect.name} {version}"


def notes(built: str, setting: runner.Setting, open_rows: int) -> list[str]:
    exported = min(open_rows, runner.EXPORT_ROWS)
    return [
        built + "; the clock is frozen at " + builder.ANCHOR.isoformat() + ".",
        "Timed in-process through Flask's test client (no server, no network), "
        f"after {runner.WARM_UP} warm-up requests per figure; n = requests timed; "
        "the app's objects frozen out of the garbage collector's sight first, as "
        "gunicorn.conf.py does in each worker.",
        "form_post: the public inquiry form with CSRF on (token read once from the form), "
        "rate limits off; each POST routes, numbers and stores an inquiry, its timeline and "
        "the acknowledgement mail.",
        f"queue_default and queue_search (q={runner.SEARCH}) and inquiry_page: an officer; "
        f"stats_page: a manager, all missions, {setting.first_day} to {setting.last_day}.",
        f"export_10k: the first {exported:,} rows of the 'All open' CSV ({open_rows:,} open).",
        "bare_route: a Flask route returning a short string; bare_insert: one row per POST "
        "through Flask-SQLAlchemy, committed, in a fresh database of the same kind.",
    ]


@contextmanager
def bench_database(postgres_url: str | None, keep: str | None) -> Iterator[tuple[str, str]]:
    """(bench URL, bare-insert URL): new ones, removed afterwards unless ``keep``."""
    if postgres_url:
        with pg_schema(postgres_url, keep) as url, pg_schema(postgres_url, None) as bare:
            yield url, bare
        return
    scratch = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    try:
        path = Path(keep).resolve() if keep else scratch / "bench.sqlite"
        yield f"sqlite:///{path}", f"sqlite:///{scratch / 'bare.sqlite'}"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def pg_schema(url: str, keep: str | None) -> Iterator[str]:
    """A schema of the PostgreSQL database at ``url``, and the URL that works inside it."""
    if keep and not SCHEMA_NAME.match(keep):
        raise click.ClickException(f"--keep {keep!r} is not a schema name (a-z, 0-9, _)")
    schema = keep or f"bench_{secrets.token_hex(6)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    try:
        inside = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield inside.render_as_string(hide_password=False)
    finally:
        if not keep:
            with engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
