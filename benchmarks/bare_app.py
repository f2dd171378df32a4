"""The yardstick for `make load`: Flask + Flask-SQLAlchemy with one insert route, nothing else.

No CSRF, no routing, no reference numbers, no mail: a POST inserts one row and commits. The
load script serves it under the same gunicorn settings and database as the real form, so
"the form does N% of a bare insert" tells what tracker's own work costs. Served as
``bare_app:create_app()`` from this folder; the table is made by ``create_tables``
(once, before the workers start, so two workers never race to create it).
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from flask import Flask, redirect, request
from flask.typing import ResponseReturnValue
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, Text, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BareInquiry(Base):
    __tablename__ = "bare_inquiries"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    outlet: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # The same settings as tracker/database.py, or the comparison would measure those.
    if isinstance(dbapi_connection, sqlite3.Connection):
        for pragma in ("busy_timeout=5000", "journal_mode=WAL", "synchronous=NORMAL"):
            dbapi_connection.execute(f"PRAGMA {pragma}")


def create_app() -> Flask:
    """The app, on ``DATABASE_URL`` (which the load script always sets)."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.post("/inquiries")
    def insert() -> ResponseReturnValue:
        row = BareInquiry(
            name=request.form["name"],
            outlet=request.form["outlet"],
            email=request.form.get("email") or None,
            subject=request.form["subject"],
            message=request.form["message"],
        )
        db.session.add(row)
        db.session.flush()
        row_id = row.id  # read before the commit, which would expire it (one more query)
        db.session.commit()
        return redirect(f"/inquiries/{row_id}", code=303)

    return app


def create_tables() -> None:
    """Create the one table on ``DATABASE_URL``."""
    with create_app().app_context():
        db.create_all()


if __name__ == "__main__":
    create_tables()
