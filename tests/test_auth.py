"""Logging in and out through the real form: messages that reveal nothing, the slow-down
of repeated failures, safe redirects, remember-me, and sessions that end on deactivation."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from conftest import PASSWORD
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from werkzeug.test import Cookie, TestResponse

from tracker.accounts import passwords
from tracker.extensions import db
from tracker.models import User

WRONG = "Email or password is wrong."
T0 = "2015-01-20T10:00:00+06:00"
# Flask-Login 0.6.3 dates the remember cookie with datetime.utcnow(), deprecated from
# Python 3.12 on; the warning is theirs, not ours.
ignore_utcnow = pytest.mark.filterwarnings("ignore:datetime.datetime.utcnow:DeprecationWarning")


def form_action(page: TestResponse) -> str:
    """Where the login page's form posts to."""
    found = re.search(r'<form method="post" action="([^"]+)"', page.get_data(as_text=True))
    assert found, "the page has no login form"
    return html.unescape(found.group(1))


def submit_login(
    client: FlaskClient, email: str, password: str, remember: bool = False, url: str = "/login"
) -> TestResponse:
    """Open the login page at ``url`` and send its form as a person would."""
    action = form_action(client.get(url))
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post(action, data=data)


def signed_in(client: FlaskClient) -> bool:
    """Whether the browser is signed in: the login page then sends it on to the queue."""
    return client.get("/login").status_code == 302


def remember_cookie(client: FlaskClient) -> Cookie | None:
    """The remember-me cookie the browser holds for the site, if any."""
    return client.get_cookie("remember_token", domain="tracker.test")


def text(response: TestResponse) -> str:
    return response.get_data(as_text=True)


def test_login_page_offers_the_form(client: FlaskClient) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    body = text(page)
    assert 'name="email"' in body and 'type="password"' in body and 'name="remember"' in body


def test_login_opens_the_queue_and_records_the_time(
    client: FlaskClient, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    user = make_user(email="leila@example.org")
    now = set_now(T0)
    response = submit_login(client, "leila@example.org", PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == "/queue"
    assert signed_in(client)
    db.session.refresh(user)
    assert user.last_login_at == now


def test_email_is_matched_ignoring_case_and_spaces(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="leila@example.org")
    assert submit_login(client, "  Leila@Example.ORG ", PASSWORD).status_code == 303
    assert signed_in(client)


@pytest.mark.parametrize("target", ["/inquiries/KAZ15-0042", "/queue?tab=mine&page=2"])
def test_login_returns_to_a_local_next(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    make_user(email="leila@example.org")
    url = "/login?" + urlencode({"next": target})
    response = submit_login(client, "leila@example.org", PASSWORD, url=url)
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/queue",
        "/\\evil.example",
        "/\t/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    make_user(email="leila@example.org")
    data = {"email": "leila@example.org", "password": PASSWORD}
    response = client.post("/login", query_string={"next": target}, data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/queue"


def test_the_form_does_not_carry_an_unsafe_next(client: FlaskClient) -> None:
    assert "evil" not in form_action(client.get("/login?next=//evil.example"))


@pytest.mark.parametrize("case", ["unknown email", "wrong password", "deactivated"])
def test_every_failure_gets_the_same_answer(
    client: FlaskClient, make_user: Callable[..., User], case: str
) -> None:
    make_user(email="known@example.org")
    make_user(email="gone@example.org", active=False)
    email, password = {
        "unknown email": ("nobody@example.org", PASSWORD),
        "wrong password": ("known@example.org", "not the password at all"),
        "deactivated": ("gone@example.org", PASSWORD),
    }[case]
    response = submit_login(client, email, password)
    assert response.status_code == 422
    assert WRONG in text(response)
    assert not signed_in(client)


def test_pages_for_unknown_and_known_addresses_are_identical(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """Apart from the typed address, nothing in the page tells whether an account exists."""
    make_user(email="known@example.org")
    known = text(submit_login(client, "known@example.org", "a wrong password"))
    unknown = text(submit_login(client, "stray@example.org", "a wrong password"))
    assert known.replace("known@example.org", "X") == unknown.replace("stray@example.org", "X")


def test_the_form_keeps_the_email_but_never_the_password(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="known@example.org")
    body = text(submit_login(client, "known@example.org", "my-secret-attempt-99"))
    assert 'value="known@example.org"' in body
    assert "my-secret-attempt-99" not in body


def test_empty_fields_are_named(client: FlaskClient) -> None:
    response = client.post("/login", data={"email": " ", "password": ""})
    assert response.status_code == 422
    body = text(response)
    assert "Enter your email address." in body and "Enter your password." in body


def fail(client: FlaskClient, email: str, times: int) -> list[TestResponse]:
    return [submit_login(client, email, "wrong guess number x") for _ in range(times)]


@pytest.mark.parametrize("email", ["known@example.org", "nobody@example.org"])
def test_repeated_failures_are_slowed_down_alike_for_any_address(
    client: FlaskClient,
    make_user: Callable[..., User],
    set_now: Callable[..., datetime],
    email: str,
) -> None:
    make_user(email="known@example.org")
    set_now(T0)
    first_five = fail(client, email, 5)
    assert [response.status_code for response in first_five] == [422] * 5
    sixth = submit_login(client, email, "wrong guess number x")
    assert sixth.status_code == 429
    assert WRONG in text(sixth) and "try again in 30 seconds" in text(sixth)
    # During the block even the right password is refused, with the time left.
    set_now("2015-01-20T10:00:10+06:00")
    blocked = submit_login(client, email, PASSWORD)
    assert blocked.status_code == 429
    assert "Try again in 20 seconds." in text(blocked)
    assert not signed_in(client)


def test_the_right_password_works_once_the_block_is_over(
    client: FlaskClient, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    make_user(email="known@example.org")
    set_now(T0)
    fail(client, "known@example.org", 6)
    set_now("2015-01-20T10:00:31+06:00")
    assert submit_login(client, "known@example.org", PASSWORD).status_code == 303


def test_the_wait_doubles_up_to_fifteen_minutes(
    client: FlaskClient, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    now = set_now(T0)
    fail(client, "target@example.org", 5)
    waits = []
    for _ in range(7):
        body = text(submit_login(client, "target@example.org", "wrong guess"))
        waits.append(re.search(r"try again in (\d+ \w+)", body).group(1))  # type: ignore[union-attr]
        now = set_now(now + timedelta(minutes=16))
    assert waits == [
        "30 seconds",
        "1 minute",
        "2 minutes",
        "4 minutes",
        "8 minutes",
        "15 minutes",
        "15 minutes",
    ]


def test_a_success_forgets_earlier_failures(
    client: FlaskClient, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    make_user(email="known@example.org")
    set_now(T0)
    fail(client, "known@example.org", 4)
    assert submit_login(client, "known@example.org", PASSWORD).status_code == 303
    client.post("/logout")
    assert [r.status_code for r in fail(client, "known@example.org", 5)] == [422] * 5


def test_failures_for_one_address_do_not_block_another(
    client: FlaskClient, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    make_user(email="known@example.org")
    set_now(T0)
    fail(client, "known@example.org", 6)
    other = make_user(email="other@example.org")
    assert submit_login(client, other.email, PASSWORD).status_code == 303


def test_failures_are_forgotten_after_a_day(
    client: FlaskClient, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    set_now(T0)
    fail(client, "known@example.org", 5)
    set_now("2015-01-21T10:00:01+06:00")
    assert submit_login(client, "known@example.org", "wrong again").status_code == 422


@pytest.fixture
def quick_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same answers without scrypt's deliberate slowness: these tests fail hundreds
    of times, and count failures, not hashes."""
    monkeypatch.setattr(
        passwords, "verify_password", lambda stored, given: bool(stored) and given == PASSWORD
    )


def from_address(app: Flask, address: str) -> FlaskClient:
    """A browser on another machine: its own cookies, its own client address."""
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = address
    return other


@pytest.mark.usefixtures("quick_passwords")
def test_a_stranger_failing_at_an_officers_address_slows_only_themself(
    app: Flask, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    """Six wrong passwords, then one more as soon as each block ends, for a whole day:
    the officer, at another client address, still logs in at the first try."""
    make_user(email="known@example.org")
    now = set_now(T0)
    stranger = from_address(app, "203.0.113.7")
    assert fail(stranger, "known@example.org", 6)[-1].status_code == 429
    for _ in range(24 * 4):
        now = set_now(now + timedelta(minutes=15, seconds=1))
        assert fail(stranger, "known@example.org", 1)[0].status_code == 429
    officer = from_address(app, "198.51.100.20")
    assert submit_login(officer, "known@example.org", PASSWORD).status_code == 303


def test_the_block_says_how_long_to_wait_in_retry_after(
    client: FlaskClient, set_now: Callable[..., datetime]
) -> None:
    set_now(T0)
    sixth = fail(client, "known@example.org", 6)[-1]
    assert sixth.status_code == 429 and sixth.headers["Retry-After"] == "30"
    set_now("2015-01-20T10:00:10+06:00")
    blocked = submit_login(client, "known@example.org", PASSWORD)
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "20"
    assert "Retry-After" not in fail(client, "other@example.org", 1)[0].headers


@pytest.mark.usefixtures("quick_passwords")
def test_many_clients_together_meet_the_ceiling_for_everyone(
    app: Flask, make_user: Callable[..., User], set_now: Callable[..., datetime]
) -> None:
    """Ten clients' free failures in an hour block the address for every client."""
    make_user(email="known@example.org")
    set_now(T0)
    for number in range(10):
        answers = fail(from_address(app, f"203.0.113.{number}"), "known@example.org", 5)
        assert [answer.status_code for answer in answers] == [422] * 5
    eleventh = fail(from_address(app, "203.0.113.99"), "known@example.org", 1)[0]
    assert eleventh.status_code == 429 and eleventh.headers["Retry-After"] == "30"

    officer = from_address(app, "198.51.100.20")
    blocked = submit_login(officer, "known@example.org", PASSWORD)
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "30"
    set_now("2015-01-20T10:00:31+06:00")
    assert submit_login(officer, "known@example.org", PASSWORD).status_code == 303


@pytest.mark.usefixtures("quick_passwords")
def test_the_ceiling_counts_an_hour_at_a_time(app: Flask, set_now: Callable[..., datetime]) -> None:
    set_now(T0)
    for number in range(10):
        fail(from_address(app, f"203.0.113.{number}"), "known@example.org", 5)
    set_now("2015-01-20T11:00:00+06:00")
    later = fail(from_address(app, "203.0.113.99"), "known@example.org", 1)[0]
    assert later.status_code == 422


def test_behind_a_trusted_proxy_each_forwarded_client_is_throttled_apart(
    app_on: Callable[..., Flask], set_now: Callable[..., datetime]
) -> None:
    app = app_on(TRUSTED_PROXIES=1)
    with app.app_context():
        db.create_all()
        set_now(T0)
        proxy = app.test_client()
        stranger = {"X-Forwarded-For": "203.0.113.7"}
        answers = [
            proxy.post("/login", data={"email": "a@example.org", "password": "x"}, headers=stranger)
            for _ in range(6)
        ]
        assert answers[-1].status_code == 429
        officer = {"X-Forwarded-For": "198.51.100.20"}
        data = {"email": "a@example.org", "password": "x"}
        assert proxy.post("/login", data=data, headers=officer).status_code == 422
        db.session.remove()
        db.engine.dispose()


@ignore_utcnow
def test_remember_me_keeps_a_new_browser_session_signed_in(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="known@example.org")
    submit_login(client, "known@example.org", PASSWORD, remember=True)
    cookie = remember_cookie(client)
    assert cookie is not None
    # A browser restarted: no session cookie, only the remember-me cookie.
    restarted = app.test_client()
    restarted.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert signed_in(restarted)


def test_without_remember_me_there_is_no_remember_cookie(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="known@example.org")
    submit_login(client, "known@example.org", PASSWORD)
    assert remember_cookie(client) is None


@ignore_utcnow
def test_logout_ends_the_session_and_forgets_the_device(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="known@example.org")
    submit_login(client, "known@example.org", PASSWORD, remember=True)
    response = client.post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert remember_cookie(client) is None
    assert "You are logged out." in text(client.get("/login"))
    assert not signed_in(client)


def test_logout_is_not_a_link(client: FlaskClient) -> None:
    """A GET (an image tag on another site, a prefetch) must not log anyone out."""
    assert client.get("/logout").status_code == 405


@ignore_utcnow
def test_deactivation_ends_existing_sessions_and_remembered_devices(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    make_user: Callable[..., User],
) -> None:
    make_user(email="known@example.org")
    submit_login(client, "known@example.org", PASSWORD, remember=True)
    cookie = remember_cookie(client)
    assert cookie is not None and signed_in(client)

    result = runner.invoke(args=["users", "deactivate", "known@example.org"])
    assert result.exit_code == 0, result.output

    assert not signed_in(client)
    restarted = app.test_client()
    restarted.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert not signed_in(restarted)


def csrf_token(page: TestResponse) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', text(page))
    assert found, "the page carries no CSRF token"
    return found.group(1)


class TestWithCsrfOn:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_login_works_with_the_token_from_the_page(
        self, client: FlaskClient, make_user: Callable[..., User]
    ) -> None:
        make_user(email="known@example.org")
        token = csrf_token(client.get("/login"))
        data = {"email": "known@example.org", "password": PASSWORD, "csrf_token": token}
        assert client.post("/login", data=data).status_code == 303
        assert signed_in(client)

    def test_login_without_the_token_is_refused_and_keeps_the_email(
        self, client: FlaskClient, make_user: Callable[..., User]
    ) -> None:
        make_user(email="known@example.org")
        client.get("/login")
        response = client.post("/login", data={"email": "known@example.org", "password": PASSWORD})
        assert response.status_code == 422
        body = text(response)
        assert "This form expired" in body and 'value="known@example.org"' in body
        assert not signed_in(client)

    def test_logout_needs_the_token(
        self, client: FlaskClient, make_user: Callable[..., User]
    ) -> None:
        make_user(email="known@example.org")
        token = csrf_token(client.get("/login"))
        data = {"email": "known@example.org", "password": PASSWORD, "csrf_token": token}
        client.post("/login", data=data)
        assert client.post("/logout").status_code == 400
        assert signed_in(client)
        assert client.post("/logout", data={"csrf_token": token}).status_code == 303
        assert not signed_in(client)
