"""Browser tests: Debian's Chromium driven by Playwright against the app on 127.0.0.1.

Each test gets a live server on a fresh database (SQLite, or a PostgreSQL schema with
TEST_DATABASE_URL) holding the seed mission, a press officer, a manager and two earlier
inquiries; the application's clock runs from the second day of the visit. CSRF is on:
the browser posts the real forms. One browser serves the whole session; each test opens
its own contexts, so no cookie leaks from one person, or one test, to the next.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager as ContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import PASSWORD, SEED_FILE, journalist_request
from flask import Flask
from flask.testing import FlaskCliRunner
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from tracker import clock
from tracker.choices import Channel, MediaType, RequestType
from tracker.extensions import db
from tracker.inquiries import intake
from tracker.models import Mission

HERE = Path(__file__).resolve().parent
ARTIFACTS = HERE.parent / "artifacts"
SKIP_REASON = "browser tests need Chromium: apt-get install -y chromium, or set CHROMIUM_PATH"
# What Chromium needs to start as root in a container without a GPU, and to make no
# requests of its own (updates, safe browsing) while the tests measure pages.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}
# The second day of the visit, in Almaty's (then Astana's) UTC+6: the "during" phase, so
# inquiries are routed to the Astana contact.
START = datetime.fromisoformat("2015-01-20T10:00:00+06:00")
OFFICER = {"email": "leila@ohchr.example.org", "name": "Leila Duisekova", "role": "press_officer"}
MANAGER = {"email": "manager@ohchr.example.org", "name": "Mona Manager", "role": "manager"}


def browser_path() -> str:
    # An explicit CHROMIUM_PATH wins, even when wrong: the skip message then names it.
    return os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"


def find_chromium() -> str | None:
    """CHROMIUM_PATH if set, else Debian's /usr/bin/chromium; None when it does not exist."""
    candidate = browser_path()
    return candidate if Path(candidate).is_file() else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without a browser, skip every test in this folder, saying how to enable them."""
    if find_chromium() is not None:
        return
    skip = pytest.mark.skip(reason=f"{SKIP_REASON} (nothing at {browser_path()})")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One Chromium for the session: starting it costs more than a test's pages."""
    executable = find_chromium()
    assert executable is not None  # tests are skipped otherwise
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class LiveServer:
    """The application served over HTTP on 127.0.0.1."""

    app: Flask
    url: str
    mission: Mission

    def at(self, path: str) -> str:
        return self.url + path

    def desk_request(self) -> ContextManager[object]:
        """A request to this server, for data an officer would enter at the desk."""
        return self.app.test_request_context(base_url=self.url)


@pytest.fixture
def running_clock(monkeypatch: pytest.MonkeyPatch) -> datetime:
    """The app's clock starts at START and runs at real speed, in every thread.

    ``clock.now`` is looked up through the module on each call, so the server's thread
    sees the patch; a running clock gives responses a real, non-zero time to answer.
    """
    real_start = datetime.now(UTC)
    monkeypatch.setattr(
        clock, "now", lambda: START.astimezone(UTC) + (datetime.now(UTC) - real_start)
    )
    return START


@pytest.fixture
def live_server(app_on: Callable[..., Flask], running_clock: datetime) -> Iterator[LiveServer]:
    """The app on a fresh database with the seed mission and two accounts, served in a thread."""
    app = app_on(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=False, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.port}"
    # As a deployment sets it: the links on pages and in mail lead to this server.
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with app.app_context():
        try:
            db.create_all()
            prepare(app, url)
            mission = db.session.scalars(select(Mission)).one()
            thread.start()
            yield LiveServer(app, url, mission)
        finally:
            # The server stops before the database goes: no request finds it gone.
            if thread.is_alive():
                server.shutdown()
                thread.join(timeout=10)
            server.server_close()
            db.session.remove()
            db.engine.dispose()


def prepare(app: Flask, url: str) -> None:
    """Load the seed and create the accounts the way an administrator does: by the CLI."""
    runner = app.test_cli_runner()
    run_cli(runner, ["missions", "load", str(SEED_FILE)])
    for person in (OFFICER, MANAGER):
        args = ["users", "create", person["email"], "--role", person["role"]]
        args += ["--name", person["name"]]
        if person is OFFICER:
            args += ["--contact", "leila-duisekova"]
        run_cli(runner, args, stdin=PASSWORD)
    # As if logged by an officer at the desk: the notices they queue link to this server.
    with app.test_request_context(base_url=url):
        receive_earlier_inquiries()


def run_cli(runner: FlaskCliRunner, args: list[str], stdin: str | None = None) -> None:
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 0, result.output


def receive_earlier_inquiries() -> None:
    """Two phone calls from the two hours before START, with no deadline: due later than an
    inquiry that arrives at START with a deadline 90 minutes away, so the queue's order
    is urgency, not arrival."""
    mission = db.session.scalars(select(Mission)).one()
    calls = [
        ("Marat Bekov", "Radio Azattyq", MediaType.RADIO, RequestType.COMMENT, 2),
        ("Anna Petrova", "Interfax-Kazakhstan", MediaType.NEWS_AGENCY, RequestType.INFORMATION, 1),
    ]
    for name, outlet, media, request_type, hours in calls:
        request = journalist_request(
            name=name,
            outlet=outlet,
            media_type=media,
            request_type=request_type,
            subject=f"Question from {outlet}",
            phone="+7 701 555 01 0" + str(hours),
        )
        intake.receive(
            mission, request, channel=Channel.PHONE, received_at=START - timedelta(hours=hours)
        )
    db.session.commit()


@pytest.fixture
def new_context(browser: Browser) -> Iterator[Callable[..., BrowserContext]]:
    """Open browser contexts (one per person); all are closed after the test."""
    opened: list[BrowserContext] = []

    def open_context(*, javascript: bool = True) -> BrowserContext:
        # English pages whatever the machine's language: the tests read the words.
        context = browser.new_context(
            viewport=DESKTOP, java_script_enabled=javascript, locale="en-GB"
        )
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def new_page(new_context: Callable[..., BrowserContext]) -> Callable[..., Page]:
    """A page in a context of its own: ``new_page(javascript=False)``."""

    def open_page(*, javascript: bool = True) -> Page:
        return new_context(javascript=javascript).new_page()

    return open_page
