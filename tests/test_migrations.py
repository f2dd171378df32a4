"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from tracker.extensions import db


def test_db_upgrade_builds_a_schema_identical_to_the_models(app_on: Callable[..., Flask]) -> None:
    app = app_on()
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []


def test_downgrade_to_base_removes_every_table(app_on: Callable[..., Flask]) -> None:
    app = app_on()
    with app.app_context():
        flask_migrate.upgrade()
        assert "inquiries" in inspect(db.engine).get_table_names()
        flask_migrate.downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert remaining <= {"alembic_version"}
