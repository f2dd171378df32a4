"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from conftest import SECRET, SEED_FILE, TEST_DATABASE_URL, journalist_request
from flask import Flask
from sqlalchemy import MetaData, create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from tracker.choices import Channel
from tracker.config import parse_database_url
from tracker.extensions import db
from tracker.inquiries import intake, short_codes
from tracker.missions.spec import parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import Mission, search_index
from tracker.stats import reporting
from tracker.stats.scope import Scope


def test_db_upgrade_builds_a_schema_identical_to_the_models(app_on: Callable[..., Flask]) -> None:
    app = app_on()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            # The SQLite search index's tables are the migrations' alone (no model).
            options = {"compare_type": True, "include_name": search_index.modelled}
            context = MigrationContext.configure(connection, opts=options)
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_upgrade_gives_postgresql_a_trigram_index_for_search(
    app_on: Callable[..., Flask],
) -> None:
    app = app_on()
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            db.engine.dispose()
            pytest.skip("SQLite's search index is FTS5 (migration 0010)")
        flask_migrate.upgrade()
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("inquiries")}
        flask_migrate.downgrade(revision="0010")
        after_downgrade = {index["name"] for index in inspect(db.engine).get_indexes("inquiries")}
        db.engine.dispose()
    assert search_index.TRIGRAM_INDEX in indexes
    assert search_index.TRIGRAM_INDEX not in after_downgrade


def test_without_the_right_to_add_pg_trgm_the_upgrade_warns_and_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A deploy whose database user may not add extensions still upgrades; search then
    reads every row (the warning says how to add the index by hand)."""
    if not TEST_DATABASE_URL:
        pytest.skip("pg_trgm is PostgreSQL's")
    server = parse_database_url(TEST_DATABASE_URL)
    name = f"tracker_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
        connection.execute(text(f'CREATE ROLE "{name}" LOGIN'))
    # May create tables in the new database's public schema, not extensions in it.
    owner = create_engine(server.set(database=name), isolation_level="AUTOCOMMIT")
    limited = create_engine(server.set(database=name, username=name), poolclass=NullPool)
    try:
        with owner.connect() as connection:
            connection.execute(text(f'GRANT CREATE, USAGE ON SCHEMA public TO "{name}"'))
        with limited.begin() as connection:
            assert search_index.trigram_schema(connection) is None
            connection.exec_driver_sql("CREATE TABLE inquiries (id int, search_text text)")
            with caplog.at_level(logging.WARNING, logger="tracker.models.search_index"):
                search_index.create_postgresql(connection)
            # The savepoint kept the transaction usable.
            connection.exec_driver_sql("INSERT INTO inquiries VALUES (1, 'Kazinform')")
            indexes = connection.exec_driver_sql(
                "SELECT indexname FROM pg_indexes WHERE tablename = 'inquiries'"
            )
            assert search_index.TRIGRAM_INDEX not in indexes.scalars().all()
        assert "pg_trgm could not be added" in caplog.text
        assert f"CREATE INDEX {search_index.TRIGRAM_INDEX}" in caplog.text
    finally:
        owner.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
        admin.dispose()


def test_downgrade_to_base_removes_every_table(app_on: Callable[..., Flask]) -> None:
    app = app_on()
    with app.app_context():
        flask_migrate.upgrade()
        assert "inquiries" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert remaining <= {"alembic_version"}


def test_upgrade_counts_inquiries_already_there_and_later_ones(
    app_on: Callable[..., Flask],
) -> None:
    """An office upgrading with a year of inquiries gets the same figures afterwards."""
    received = datetime(2015, 1, 20, 4, 0, tzinfo=UTC)  # 10:00 in Almaty
    rows = rows_of_a_fresh_office(app_on(), received)
    app = app_on()
    with app.app_context():
        flask_migrate.upgrade(revision="0007")
        insert_as_the_schema_then_was(rows)
        flask_migrate.upgrade()  # the rollup arrives with one inquiry in the table
        mission = db.session.scalars(select(Mission)).one()
        week = Scope(mission, date(2015, 1, 16), date(2015, 1, 22))
        assert reporting.build_report(week, received).counts.received == 1
        db.session.commit()
        # From now on the database's triggers mark each new inquiry's days.
        intake.receive(mission, journalist_request(), channel=Channel.EMAIL, received_at=received)
        db.session.commit()
        assert reporting.build_report(week, received).counts.received == 2
        office = Scope(None, date(2015, 1, 20), date(2015, 1, 20))
        assert reporting.build_report(office, received).received_by_day == [(date(2015, 1, 20), 2)]
        db.session.remove()
        db.engine.dispose()


def rows_of_a_fresh_office(
    app: Flask, received: datetime, inquiries: int = 1
) -> dict[str, list[dict[str, Any]]]:
    """Every row of a database with the seed mission and ``inquiries`` inquiries, by table.

    Made by today's code on today's schema: the older schema gets the columns it had.
    """
    with app.app_context():
        db.create_all()
        mission, _ = apply_spec(parse_mission_file(SEED_FILE))
        for _ in range(inquiries):
            intake.receive(
                mission, journalist_request(), channel=Channel.EMAIL, received_at=received
            )
        db.session.commit()
        rows = {
            table.name: [dict(row._mapping) for row in db.session.execute(select(table))]
            for table in db.metadata.sorted_tables
        }
        db.session.remove()
        db.engine.dispose()
    return rows


def insert_as_the_schema_then_was(rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert ``rows`` into the tables the database has now, with the columns they have."""
    then = MetaData()
    then.reflect(bind=db.engine)
    with db.engine.begin() as connection:
        for table in then.sorted_tables:
            # Generated columns (search_text) are the database's to fill.
            columns = {c.name for c in table.c if c.computed is None}
            kept = [
                {k: v for k, v in row.items() if k in columns} for row in rows.get(table.name, [])
            ]
            if kept:
                connection.execute(table.insert(), kept)
            if kept and connection.dialect.name == "postgresql" and "id" in table.c:
                # Rows given their ids leave PostgreSQL's sequence behind them.
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT max(id) FROM {table.name}))"
                    )
                )


def test_upgrade_gives_the_inquiries_already_there_their_short_codes(
    app_on: Callable[..., Flask],
) -> None:
    """The codes of inquiries received before codes existed are worked out at the upgrade,
    so the desk can read them out and /status finds them."""
    received = datetime(2015, 1, 20, 4, 0, tzinfo=UTC)
    office = rows_of_a_fresh_office(app_on(SECRET_KEY=SECRET), received, inquiries=3)
    app = app_on(SECRET_KEY=SECRET)
    with app.app_context():
        flask_migrate.upgrade(revision="0012")
        insert_as_the_schema_then_was(office)
        flask_migrate.upgrade()
        stored = db.session.execute(text("SELECT reference, short_code_hash FROM inquiries"))
        rows = {reference: hashed for reference, hashed in stored}
        db.session.remove()
        db.engine.dispose()
    assert len(rows) == 3
    for reference, hashed in rows.items():
        assert hashed == short_codes.code_hash(short_codes.code_for(reference, SECRET))
