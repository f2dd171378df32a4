"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
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


def insert_row(table_name: str, **values: Any) -> int:
    """A row written as the schema of the moment has it (reflected), not as the models do:
    the models describe the newest schema, which an older revision lacks."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=db.session.connection())
    return int(
        db.session.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()
    )


def old_mission(**values: Any) -> int:
    """The seed mission's facts, as a row of revision 0011's missions table."""
    fields: dict[str, Any] = {
        "slug": "kazakhstan-2015",
        "reference_prefix": "KAZ15",
        "title": "Kazakhstan: first official visit",
        "expert_name": "Maina Kiai",
        "expert_title": "Special Rapporteur",
        "country": "Kazakhstan",
        "cities": [],
        "first_day": date(2015, 1, 19),
        "last_day": date(2015, 1, 27),
        "timezone": "Asia/Almaty",
        "home_timezone": "Europe/Zurich",
        "home_office": "Geneva",
        "response_target_minutes": 240,
        "summary": "",
        "last_inquiry_number": 0,
        "created_at": datetime(2015, 1, 16, tzinfo=UTC),
    }
    return insert_row("missions", **(fields | values))


def old_inquiry(mission_id: int, number: int, **values: Any) -> int:
    """An inquiry as a row of revision 0011's inquiries table."""
    at = datetime(2015, 1, 20, 4, tzinfo=UTC)
    fields: dict[str, Any] = {
        "mission_id": mission_id,
        "number": number,
        "reference": f"KAZ15-{number:04d}",
        "status_token_hash": f"{number:064d}",
        "channel": "web_form",
        "received_at": at,
        "phase_at_receipt": "during",
        "name": "Aigerim Nurlanovna",
        "outlet": "Vlast.kz",
        "media_type": "online",
        "language": "ru",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Interview",
        "message": "Could he give an interview?",
        "status": "new",
        "routing_reason": "received during the mission",
        "due_at": at,
        "clock_running": True,
        "sensitive": False,
        "created_at": at,
        "updated_at": at,
        "version": 1,
    }
    return insert_row("inquiries", **(fields | values))


def test_upgrade_dates_the_closing_of_the_inquiries_already_finished(
    app_on: Callable[..., Flask],
) -> None:
    """Retention runs from an inquiry's closing (0021): those finished before the upgrade
    get the instant their rows tell, an answered one its last status change."""
    app = app_on()
    answered, reanswered = datetime(2015, 1, 21, tzinfo=UTC), datetime(2016, 3, 1, tzinfo=UTC)
    closed = datetime(2015, 2, 2, tzinfo=UTC)
    with app.app_context():
        flask_migrate.upgrade(revision="0011")
        mission = old_mission()
        ids = {
            "open": old_inquiry(mission, 1),
            "closed": old_inquiry(
                mission, 2, status="closed", answered_at=answered, closed_at=closed
            ),
            "answered": old_inquiry(mission, 3, status="answered", answered_at=answered),
        }
        for at in (answered, reanswered):
            insert_row(
                "inquiry_events",
                inquiry_id=ids["answered"],
                at=at,
                actor_type="user",
                kind="status",
                public=True,
                summary="Answered",
                details={},
            )
        db.session.commit()
        flask_migrate.upgrade()
        finished = dict(db.session.execute(text("SELECT id, finished_at FROM inquiries")).all())
        db.session.remove()
        db.engine.dispose()
    assert finished[ids["open"]] is None
    assert parse_stored(finished[ids["closed"]]) == closed
    assert parse_stored(finished[ids["answered"]]) == reanswered


def parse_stored(value: Any) -> datetime:
    """An instant as the database returns it to plain SQL: SQLite's text, or PostgreSQL's."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def test_upgrade_makes_an_office_of_every_office_already_named(
    app_on: Callable[..., Flask],
) -> None:
    """Offices (0023): one for each contact's office and each mission's home office, the
    latter in the mission's home zone; none with hours. Missions already there are
    published (0022)."""
    app = app_on()
    with app.app_context():
        flask_migrate.upgrade(revision="0011")
        old_mission()
        for key, office in (("leila", "Astana"), ("thibaut", "Geneva"), ("media", None)):
            insert_row(
                "contacts",
                key=key,
                name=key.title(),
                office=office,
                phones=[],
                languages=[],
                active=True,
            )
        db.session.commit()
        flask_migrate.upgrade()
        offices = db.session.execute(
            text("SELECT name, timezone, opens_at FROM offices ORDER BY name")
        ).all()
        published = db.session.execute(text("SELECT published FROM missions")).scalars().all()
        db.session.remove()
        db.engine.dispose()
    assert [tuple(row) for row in offices] == [
        ("Astana", None, None),
        ("Geneva", "Europe/Zurich", None),
    ]
    assert published == [True]
