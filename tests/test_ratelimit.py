"""Per-address rate limits: a flood gets 429, normal use never does.

The rest of the suite runs with the limits off (tests/conftest.py); here they are on, in
memory, and against the real Redis at 127.0.0.1:6379 when it is reachable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
import redis
from conftest import PASSWORD
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tracker.config import ConfigError
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, User

FORM_URL = "/missions/kazakhstan-2015/inquire"
API_URL = "/api/v1/missions/kazakhstan-2015/contacts"
REDIS_URL = "redis://127.0.0.1:6379"
DURING = "2015-01-20T10:00:00+06:00"
# Documentation addresses (RFC 5737): what the server sees as the client, nothing is sent.
JOURNALIST = "203.0.113.10"
NEIGHBOUR = "203.0.113.20"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """The limits on, at their defaults, in memory."""
    return {"RATELIMIT_ENABLED": True}


@pytest.fixture
def limited_app(build_app: Callable[..., Flask]) -> Callable[..., Flask]:
    """Build more applications on the test database (limits on unless overridden)."""

    def build(**overrides: Any) -> Flask:
        overrides.setdefault("RATELIMIT_ENABLED", True)
        return build_app(**overrides)

    return build


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def inquiry_form(**overrides: str) -> dict[str, str]:
    values = {
        "name": "Aigerim Nurlanovna",
        "outlet": "Vlast.kz",
        "media_type": "online",
        "country": "KZ",
        "email": "aigerim@example.kz",
        "phone": "",
        "language": "ru",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Interview on the right to peaceful assembly",
        "message": "Could the Special Rapporteur give us a 10-minute interview?",
        "deadline": "",
        "deadline_tz": "Asia/Almaty",
        "consent": "y",
    }
    values.update(overrides)
    return values


def stored_inquiries() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry)) or 0


def assert_limited_page(response: TestResponse) -> None:
    """Our 429 page: the site's layout, words a person understands, and how long to wait."""
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Too many requests from your address" in page and "try again in" in page
    assert 'href="/"' in page or "Back to the missions" in page
    assert 1 <= int(response.headers["Retry-After"]) <= 3600


def test_a_busy_newsroom_never_meets_the_limits(
    app: Flask, mission: object, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    """A press centre's Wi-Fi: many journalists, one address, a busy morning."""
    set_now(DURING)
    make_user(email="leila@ohchr.test")
    newsroom = from_address(app, JOURNALIST)
    for number in range(8):
        assert newsroom.get(FORM_URL).status_code == 200
        sent = newsroom.post(FORM_URL, data=inquiry_form(email=f"reporter{number}@example.kz"))
        assert sent.status_code == 303
        status_page = sent.headers["Location"]
        for _ in range(10):
            assert newsroom.get(status_page).status_code == 200
    for _ in range(100):
        assert newsroom.get(API_URL).status_code == 200
    for attempt in range(3):
        login = newsroom.post(
            "/login", data={"email": "leila@ohchr.test", "password": "x" * attempt}
        )
        assert login.status_code == 422
    assert (
        newsroom.post(
            "/login", data={"email": "leila@ohchr.test", "password": PASSWORD}
        ).status_code
        == 303
    )
    assert stored_inquiries() == 8


def test_a_flood_on_the_form_gets_the_429_page_and_stores_nothing_more(
    app: Flask, mission: object, set_now: Callable[..., datetime]
) -> None:
    set_now(DURING)
    bot = from_address(app, JOURNALIST)
    answers = [bot.post(FORM_URL, data=inquiry_form()).status_code for _ in range(12)]
    # The default allows 10 a minute per address.
    assert answers == [303] * 10 + [429] * 2
    assert stored_inquiries() == 10
    assert_limited_page(bot.post(FORM_URL, data=inquiry_form()))
    # Reading the form is not counted, and another address is not affected.
    assert bot.get(FORM_URL).status_code == 200
    assert from_address(app, NEIGHBOUR).post(FORM_URL, data=inquiry_form()).status_code == 303


def test_guessing_status_links_is_stopped(
    limited_app: Callable[..., Flask], make_inquiry: Callable[..., Receipt]
) -> None:
    receipt = make_inquiry()
    app = limited_app(RATELIMIT_STATUS_PAGE="5 per hour")
    guesser = from_address(app, JOURNALIST)
    answers = [guesser.get(f"/status/guess-{n}").status_code for n in range(5)]
    assert answers == [404] * 5
    assert_limited_page(guesser.get(f"/status/{receipt.status_token}"))
    # The journalist whose link it is, elsewhere, still reads it.
    assert from_address(app, NEIGHBOUR).get(f"/status/{receipt.status_token}").status_code == 200


def test_sending_codes_has_its_own_limit_on_top_of_the_lock_out(
    limited_app: Callable[..., Flask], make_inquiry: Callable[..., Receipt]
) -> None:
    """Even right codes, sent in a flood, are limited (RATELIMIT_STATUS_CODE); reading the
    form is not counted."""
    receipt = make_inquiry()
    app = limited_app(RATELIMIT_STATUS_CODE="3 per hour")
    flood = from_address(app, JOURNALIST)
    code = {"code": receipt.short_code}
    assert [flood.post("/status", data=code).status_code for _ in range(3)] == [200] * 3
    assert_limited_page(flood.post("/status", data=code))
    assert flood.get("/status").status_code == 200
    assert from_address(app, NEIGHBOUR).post("/status", data=code).status_code == 200


def test_a_flood_on_the_api_gets_429_json(
    limited_app: Callable[..., Flask], mission: object
) -> None:
    app = limited_app(RATELIMIT_CONTACTS_API="3 per hour")
    program = from_address(app, JOURNALIST)
    assert [program.get(API_URL).status_code for _ in range(3)] == [200] * 3
    refused = program.get(API_URL)
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    assert "Too many requests" in refused.get_json()["error"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    # The security headers are on the refusal too.
    assert "Content-Security-Policy" in refused.headers


def test_trying_many_accounts_from_one_address_is_stopped(
    limited_app: Callable[..., Flask], make_user: Callable[..., User]
) -> None:
    """The per-account throttle cannot see one client trying many addresses; this can."""
    app = limited_app(RATELIMIT_LOGIN="4 per hour")
    attacker = from_address(app, JOURNALIST)
    answers = [
        attacker.post("/login", data={"email": f"user{n}@ohchr.test", "password": "guess"})
        for n in range(5)
    ]
    assert [answer.status_code for answer in answers] == [422] * 4 + [429]
    assert_limited_page(answers[-1])
    # The login page itself is still shown (only attempts count).
    assert attacker.get("/login").status_code == 200


def test_switched_off_nothing_is_limited(
    limited_app: Callable[..., Flask], mission: object
) -> None:
    app = limited_app(RATELIMIT_ENABLED=False, RATELIMIT_CONTACTS_API="1 per hour")
    program = from_address(app, JOURNALIST)
    assert {program.get(API_URL).status_code for _ in range(5)} == {200}


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(
    limited_app: Callable[..., Flask], mission: object
) -> None:
    app = limited_app(TRUSTED_PROXIES=1, RATELIMIT_CONTACTS_API="2 per hour")
    proxy = from_address(app, "127.0.0.1")
    first = {"X-Forwarded-For": JOURNALIST}
    second = {"X-Forwarded-For": NEIGHBOUR}
    assert [proxy.get(API_URL, headers=first).status_code for _ in range(3)] == [200, 200, 429]
    assert proxy.get(API_URL, headers=second).status_code == 200


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_limit(
    limited_app: Callable[..., Flask], mission: object
) -> None:
    app = limited_app(RATELIMIT_CONTACTS_API="2 per hour")
    client = from_address(app, JOURNALIST)
    answers = [
        client.get(API_URL, headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert answers == [200, 200, 429]


def test_in_memory_each_process_counts_alone(
    limited_app: Callable[..., Flask], mission: object
) -> None:
    """Why several workers need Redis: two apps in memory do not see each other's counts."""
    one = limited_app(RATELIMIT_CONTACTS_API="2 per hour")
    two = limited_app(RATELIMIT_CONTACTS_API="2 per hour")
    for app in (one, two):
        client = from_address(app, JOURNALIST)
        assert [client.get(API_URL).status_code for _ in range(3)] == [200, 200, 429]


def test_a_bad_limit_setting_stops_start_up_with_one_line(
    limited_app: Callable[..., Flask],
) -> None:
    with pytest.raises(ConfigError) as raised:
        limited_app(RATELIMIT_LOGIN="thirty a minute")
    assert "RATELIMIT_LOGIN must be a rate limit" in raised.value.message


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A key prefix of this test's own, its keys deleted afterwards; skip without Redis."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({error}); start it to run this")
    prefix = f"tracker-test-{uuid.uuid4().hex}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_workers_sharing_redis_share_the_count(
    limited_app: Callable[..., Flask], mission: object, redis_prefix: str
) -> None:
    """Two applications (two gunicorn workers) on one Redis: a flood is counted once."""
    settings = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": redis_prefix,
        "RATELIMIT_CONTACTS_API": "3 per hour",
    }
    worker_one = from_address(limited_app(**settings), JOURNALIST)
    worker_two = from_address(limited_app(**settings), JOURNALIST)
    assert worker_one.get(API_URL).status_code == 200
    assert worker_two.get(API_URL).status_code == 200
    assert worker_one.get(API_URL).status_code == 200
    assert worker_two.get(API_URL).status_code == 429
    assert worker_one.get(API_URL).status_code == 429
    keys = redis.Redis.from_url(REDIS_URL).keys(f"*{redis_prefix}*")
    assert keys, "the count should live in Redis"


def test_a_redis_outage_falls_back_to_counting_in_memory(
    limited_app: Callable[..., Flask], mission: object, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listens on port 1: the form keeps working and a flood is still stopped."""
    app = limited_app(
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1",
        RATELIMIT_CONTACTS_API="2 per hour",
    )
    client = from_address(app, JOURNALIST)
    assert [client.get(API_URL).status_code for _ in range(3)] == [200, 200, 429]
    assert "falling back to in-memory storage" in caplog.text
