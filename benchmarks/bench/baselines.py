"""What Flask itself costs on this machine, timed in the same run as the pages.

A page's milliseconds mean little alone: the same page is faster on a faster machine. A
bare route (Flask and the test client, nothing else) and a bare insert (one row through
Flask-SQLAlchemy into a database of the same kind, committed) are the floors the pages
are compared with, so the ratios travel between machines.
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from benchmarks.bench.runner import Result, get, measure


class BareBase(DeclarativeBase):
    pass


# Its own extension and model, apart from the application's: nothing of tracker is timed.
bare_db = SQLAlchemy(model_class=BareBase)


class BareRow(bare_db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "bare_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
    created_at: Mapped[datetime]


def bare_route(repeat: int) -> Result:
    """A route that returns a short string."""
    app = Flask("bare_route")

    @app.get("/")
    def hello() -> str:
        return "Hello"

    return measure("bare_route", get(app.test_client(), "/"), repeat)


def bare_insert(database_url: str, repeat: int) -> Result:
    """A POST that inserts one row and commits, through Flask-SQLAlchemy."""
    app = Flask("bare_insert")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url
    bare_db.init_app(app)
    numbers = count(1)

    @app.post("/")
    def add() -> tuple[str, int]:
        bare_db.session.add(BareRow(text=f"row {next(numbers)}", created_at=datetime.now(UTC)))
        bare_db.session.commit()
        return "Created", 201

    with app.app_context():
        bare_db.create_all()
    client = app.test_client()

    def call() -> None:
        response = client.post("/")
        if response.status_code != 201:
            raise RuntimeError(f"the bare insert answered {response.status_code}")

    try:
        return measure("bare_insert", call, repeat)
    finally:
        with app.app_context():
            bare_db.drop_all()
            bare_db.engine.dispose()
