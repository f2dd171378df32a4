"""Timing the pages: the Flask test client, in-process, so no network or server is measured.

Each figure gets a few warm-up requests (templates compiled, caches and the database's
pages filled), then up to ``repeat`` timed ones, fewer when a figure is slow so a run at a
million inquiries still ends; ``n`` says how many were timed. Every response is read to
its end and checked, so a page that failed cannot pass for a fast one.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import count, islice

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tracker.choices import OPEN_STATUSES
from tracker.extensions import db
from tracker.models import Inquiry, Mission, User

WARM_UP = 3
# Stop adding samples to a figure after this many seconds (at least MIN_SAMPLES are taken).
BUDGET_SECONDS = 20.0
MIN_SAMPLES = 10
EXPORT_ROWS = 10_000
# A surname of the builder's press corps: about one inquiry in 25 matches it.
SEARCH = "Haddad"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@dataclass(frozen=True)
class Result:
    """One figure: its samples in milliseconds."""

    name: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        if len(self.samples) < 2:
            return self.samples[0]
        return statistics.quantiles(self.samples, n=20, method="inclusive")[18]


@dataclass(frozen=True)
class Setting:
    """What the requests are about: the mission under way, the readers, the period."""

    mission_slug: str
    officer: User
    manager: User
    references: list[str]
    first_day: date
    last_day: date


def measure(name: str, call: Callable[[], None], repeat: int) -> Result:
    """Warm up, then time ``call`` up to ``repeat`` times within the budget."""
    for _ in range(WARM_UP):
        call()
    samples: list[float] = []
    started = time.perf_counter()
    while len(samples) < repeat:
        begin = time.perf_counter()
        call()
        samples.append((time.perf_counter() - begin) * 1000)
        spent = time.perf_counter() - started
        if len(samples) >= MIN_SAMPLES and spent > BUDGET_SECONDS:
            break
    return Result(name, samples)


def get(client: FlaskClient, path: str) -> Callable[[], None]:
    """A GET whose body is read whole and whose status must be 200."""

    def call() -> None:
        response = client.get(path)
        body = response.get_data()
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}: {body[:300]!r}")

    return call


def signed_in(app: Flask, user: User) -> FlaskClient:
    """A client with a session for ``user``, as the login form would leave it."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


def setting(mission_slug: str) -> Setting:
    """The readers and the inquiries to open, read from the built database."""
    officer = db.session.scalars(select(User).where(User.email == "officer1@bench.test")).one()
    manager = db.session.scalars(select(User).where(User.email == "manager@bench.test")).one()
    # Spread over the table, so the inquiry page is not timed on one cached row.
    total = db.session.scalar(select(func.max(Inquiry.id))) or 1
    ids = [1 + (total * k) // 200 for k in range(200)]
    references = list(db.session.scalars(select(Inquiry.reference).where(Inquiry.id.in_(ids))))
    first = db.session.scalar(select(func.min(Mission.first_day)))
    last = db.session.scalar(select(func.max(Mission.last_day)))
    if first is None or last is None:
        raise RuntimeError("the bench database holds no mission; build it again")
    return Setting(mission_slug, officer, manager, references, first, last)


def form_post(app: Flask, slug: str, to: str | None = None) -> Callable[[], None]:
    """The public inquiry form sent whole, CSRF token included (taken once from the form).

    ``to`` sends the same POST to another path (benchmarks/form_floor.py's stand-ins).
    """
    client = app.test_client()
    form_path = f"/missions/{slug}/inquire"
    page = client.get(form_path).get_data(as_text=True)
    found = CSRF.search(page)
    token = found.group(1) if found else ""
    numbers = count(1)

    def call() -> None:
        number = next(numbers)
        response = client.post(
            to or form_path,
            data={
                "csrf_token": token,
                "name": f"Bench journalist {number}",
                "outlet": "Bench Daily",
                "media_type": "online",
                "country": "CH",
                "email": f"bench{number}@press.example",
                "language": "en",
                "request_type": "interview",
                "topic": "mission",
                "subject": "Interview request",
                "message": "Could the Special Rapporteur give a short interview?",
                "deadline_tz": "Europe/Zurich",
                "consent": "y",
            },
        )
        if response.status_code != 303:
            raise RuntimeError(f"{to or form_path} answered {response.status_code}, not 303")

    return call


def export(client: FlaskClient, path: str, rows: int) -> Callable[[], None]:
    """Read the first ``rows`` data lines of a streamed CSV, then hang up."""

    def call() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        # The body is streamed one CSV line per chunk: the header, then a row per chunk.
        lines = sum(1 for _ in islice(response.response, rows + 1))
        response.close()
        if lines < 1:
            raise RuntimeError("the export sent nothing")

    return call


def open_rows() -> int:
    """How many rows the "All open" export has, to say what export_10k timed."""
    statement = select(func.count()).where(Inquiry.status.in_(OPEN_STATUSES))
    return int(db.session.scalar(statement) or 0)


def app_figures(app: Flask, chosen: Setting, repeat: int) -> list[Result]:
    """Every page figure, in the order of the table."""
    officer = signed_in(app, chosen.officer)
    manager = signed_in(app, chosen.manager)
    references = iter(chosen.references * (repeat // len(chosen.references) + 2))
    period = f"mission=&from={chosen.first_day}&to={chosen.last_day}"

    def inquiry_page() -> None:
        get(officer, f"/inquiries/{next(references)}")()

    return [
        measure("mission_page", get(app.test_client(), f"/missions/{chosen.mission_slug}"), repeat),
        measure("form_post", form_post(app, chosen.mission_slug), repeat),
        measure("queue_default", get(officer, "/queue"), repeat),
        measure("queue_search", get(officer, f"/queue?q={SEARCH}"), repeat),
        measure("inquiry_page", inquiry_page, repeat),
        measure("stats_page", get(manager, f"/stats?{period}"), repeat),
        measure("export_10k", export(officer, "/queue/export.csv?tab=open", EXPORT_ROWS), repeat),
    ]
