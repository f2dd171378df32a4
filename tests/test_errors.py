"""Error pages: each code a client can meet, as a page for people and as JSON under /api.

What a person must see: words they understand, the site's layout with a way back, and
never a stack trace or a detail of what failed inside.
"""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask, abort, request
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tracker.choices import Role
from tracker.extensions import db
from tracker.models import Inquiry, User

FORM_URL = "/missions/kazakhstan-2015/inquire"
API_URL = "/api/v1/missions/kazakhstan-2015/contacts"
SECRET_DETAIL = "password=hunter2 in /srv/tracker/secret.py"


def assert_page(response: TestResponse, code: int, words: str) -> str:
    """Our HTML error page for ``code``: in the layout, with the words and a way home."""
    assert response.status_code == code
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert words in page
    assert f"Error {code}." in page
    assert 'class="site-header"' in page and "Back to the missions" in page
    assert "Traceback" not in page and "werkzeug" not in page.lower()
    return page


def assert_json(response: TestResponse, code: int, words: str) -> None:
    assert response.status_code == code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and words in body["error"]


def test_400_page(build_app: Callable[..., Flask]) -> None:
    app = build_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/logout")
    assert_page(response, 400, "The CSRF token is missing.")


def test_400_json(client: FlaskClient, mission: object) -> None:
    assert_json(client.get(f"{API_URL}?at=yesterday"), 400, "'at' is not an ISO 8601 instant")


def test_403_page(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> None:
    login(make_user(role=Role.PRESS_OFFICER))
    assert_page(client.get("/admin"), 403, "You are not allowed to do this.")


def test_403_json(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> None:
    login(make_user(role=Role.PRESS_OFFICER))
    assert_json(client.get("/api/v1/stats"), 403, "You are not allowed to do this.")


def test_404_page(client: FlaskClient) -> None:
    assert_page(client.get("/no/such/page"), 404, "There is nothing at this address.")


def test_404_json(client: FlaskClient) -> None:
    assert_json(client.get("/api/v1/missions/atlantis/contacts"), 404, "atlantis")
    assert_json(client.get("/api/v1/nothing-here"), 404, "There is nothing at this address.")


def test_405_page_names_the_allowed_methods(client: FlaskClient) -> None:
    response = client.post("/")
    assert_page(response, 405, "This address does not accept that kind of request.")
    assert "GET" in response.headers["Allow"]


def test_405_json(client: FlaskClient, mission: object) -> None:
    response = client.post(API_URL)
    assert_json(response, 405, "This address does not accept that kind of request.")
    assert "GET" in response.headers["Allow"]


def test_413_page_for_a_huge_inquiry_stores_nothing(client: FlaskClient, mission: object) -> None:
    two_megabytes = "x" * (2 * 1024 * 1024)
    response = client.post(FORM_URL, data={"name": "Flood", "message": two_megabytes})
    assert_page(response, 413, "What you sent is too large.")
    assert db.session.scalar(select(func.count()).select_from(Inquiry)) == 0


def test_413_json(build_app: Callable[..., Flask]) -> None:
    # The API takes no bodies yet; a route of this test stands for the first one that will.
    app = build_app()
    app.add_url_rule("/api/v1/upload", "upload", lambda: dict(request.form), methods=["POST"])
    response = app.test_client().post("/api/v1/upload", data={"file": "x" * (2 * 1024 * 1024)})
    assert_json(response, 413, "What you sent is too large.")


def test_the_body_limit_is_a_setting(build_app: Callable[..., Flask], mission: object) -> None:
    app = build_app(MAX_CONTENT_LENGTH=1000)
    response = app.test_client().post(FORM_URL, data={"message": "x" * 2000})
    assert_page(response, 413, "What you sent is too large.")


def failing_app(build_app: Callable[..., Flask]) -> Flask:
    """An app whose /boom routes fail inside, as a bug would; errors are not re-raised."""
    app = build_app(PROPAGATE_EXCEPTIONS=False)

    def boom() -> str:
        raise RuntimeError(SECRET_DETAIL)

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    return app


def test_500_page_shows_no_trace_of_the_failure(
    build_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_app(build_app).test_client().get("/boom")
    page = assert_page(response, 500, "Something went wrong on our side.")
    assert "hunter2" not in page and "RuntimeError" not in page
    # The detail goes to the log, for whoever runs the server.
    assert SECRET_DETAIL in caplog.text


def test_500_json_shows_no_trace_of_the_failure(build_app: Callable[..., Flask]) -> None:
    response = failing_app(build_app).test_client().get("/api/v1/boom")
    assert_json(response, 500, "Something went wrong on our side.")
    assert "hunter2" not in response.get_data(as_text=True)


def test_abort_with_our_own_words_keeps_them(build_app: Callable[..., Flask]) -> None:
    app = build_app()
    app.add_url_rule("/gone", "gone", lambda: abort(404, description="That mission was removed."))
    assert_page(app.test_client().get("/gone"), 404, "That mission was removed.")


def test_503_page_when_the_database_file_cannot_be_opened(
    build_app: Callable[..., Flask], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'missing' / 'tracker.sqlite'}")
    response = app.test_client().get("/missions/kazakhstan-2015")
    page = assert_page(response, 503, "The service is briefly unavailable.")
    assert "try again in a minute" in page
    assert response.headers["Retry-After"] == "60"
    assert "sqlite" not in page.lower() and "OperationalError" not in page
    assert "Content-Security-Policy" in response.headers
    assert "database unavailable" in caplog.text


def test_503_json_when_postgresql_does_not_answer(build_app: Callable[..., Flask]) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    app = build_app("postgresql+psycopg://postgres@127.0.0.1:1/test")
    response = app.test_client().get(API_URL)
    assert_json(response, 503, "The service is briefly unavailable.")
    assert response.headers["Retry-After"] == "60"
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_a_database_that_never_answers_gives_503_within_the_connect_timeout(
    build_app: Callable[..., Flask],
) -> None:
    """A host that takes the connection and then says nothing, like one cut off mid-way."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        options = {"pool_pre_ping": True, "connect_args": {"connect_timeout": 1}}
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/test"
        app = build_app(url, SQLALCHEMY_ENGINE_OPTIONS=options)
        started = time.monotonic()
        response = app.test_client().get(API_URL)
        waited = time.monotonic() - started
    assert_json(response, 503, "The service is briefly unavailable.")
    assert waited < 5


def test_postgresql_gets_a_connect_timeout_by_default(build_app: Callable[..., Flask]) -> None:
    app = build_app("postgresql+psycopg://postgres@127.0.0.1:1/test")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["connect_timeout"] == 5
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True


def test_sqlite_is_not_pinged_before_every_request(build_app: Callable[..., Flask]) -> None:
    app = build_app("sqlite:///:memory:")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is False


def test_the_app_recovers_without_a_restart_once_the_database_is_back(
    build_app: Callable[..., Flask], tmp_path: Path
) -> None:
    folder = tmp_path / "later"
    app = build_app(f"sqlite:///{folder / 'tracker.sqlite'}")
    client = app.test_client()
    assert client.get("/").status_code == 503
    folder.mkdir()
    with app.app_context():
        db.create_all()
    response = client.get("/")
    assert response.status_code == 200
    assert re.search(r"<h1[^>]*>", response.get_data(as_text=True))
