"""Session and remember-me cookies: HttpOnly, SameSite=Lax, and Secure outside development."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import PASSWORD
from flask import Flask

from tracker.models import User


def login_cookies(app: Flask, email: str) -> dict[str, str]:
    """Log in with "keep me signed in"; the Set-Cookie header of each cookie, by name."""
    response = app.test_client().post(
        "/login", data={"email": email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 303
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_a_deployed_app_sends_its_cookies_over_https_only(
    build_app: Callable[..., Flask], make_user: Callable[..., User]
) -> None:
    user = make_user()
    app = build_app(TESTING=False)
    cookies = login_cookies(app, user.email)
    assert set(cookies) == {"session", "remember_token"}
    for header in cookies.values():
        attributes = {part.strip().lower() for part in header.split(";")}
        assert {"secure", "httponly", "samesite=lax"} <= attributes


def test_plain_http_development_can_switch_secure_off(
    build_app: Callable[..., Flask],
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `make run` does: it serves http://127.0.0.1, where Secure cookies never return."""
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "false")
    monkeypatch.setenv("REMEMBER_COOKIE_SECURE", "false")
    user = make_user()
    cookies = login_cookies(build_app(TESTING=False), user.email)
    for header in cookies.values():
        attributes = {part.strip().lower() for part in header.split(";")}
        assert "secure" not in attributes
        assert {"httponly", "samesite=lax"} <= attributes


@pytest.mark.parametrize(
    ("testing", "debug", "secure"),
    [(False, False, True), (True, False, False), (False, True, False)],
)
def test_unset_cookie_security_follows_the_kind_of_run(
    build_app: Callable[..., Flask], testing: bool, debug: bool, secure: bool
) -> None:
    app = build_app(TESTING=testing, DEBUG=debug)
    assert app.config["SESSION_COOKIE_SECURE"] is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure
