"""Security headers on every page, and templates that keep the CSP free of exceptions."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from flask import Flask, Response
from flask.testing import FlaskClient

from tracker.choices import Role
from tracker.inquiries.intake import Receipt
from tracker.models import User

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/missions/kazakhstan-2015",
        "/missions/kazakhstan-2015/inquire",
        "/login",
        "/api/v1/missions/kazakhstan-2015/contacts",
        "/nowhere",
    ],
)
def test_every_response_carries_the_security_headers(
    client: FlaskClient, mission: object, path: str
) -> None:
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_status_page_keeps_its_stricter_referrer_policy(
    client: FlaskClient, make_inquiry: object
) -> None:
    receipt: Receipt = make_inquiry()  # type: ignore[operator]
    response = client.get(f"/status/{receipt.status_token}")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Content-Security-Policy" in response.headers


def test_no_web_template_has_inline_script_or_style() -> None:
    # Mail templates are exempt: mail clients need inline styles and never see the CSP.
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        if template.relative_to(TEMPLATES).parts[0] == "mail":
            continue
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)|\sstyle=|\son[a-z]+=", text):
            offenders.append(str(template.relative_to(TEMPLATES)))
    assert offenders == []


# --- HSTS -----------------------------------------------------------------------------

HSTS = "max-age=31536000; includeSubDomains"


def test_over_https_the_browser_is_told_to_keep_to_https(client: FlaskClient) -> None:
    response = client.get("/login", base_url="https://tracker.test")
    assert response.headers["Strict-Transport-Security"] == HSTS


def test_over_plain_http_there_is_no_hsts(client: FlaskClient) -> None:
    """Browsers ignore it over http, and `make run` serves plain http."""
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_behind_a_trusted_tls_proxy_hsts_is_sent(app_on: Callable[..., Flask]) -> None:
    app = app_on(TRUSTED_PROXIES=1)
    proxied = app.test_client().get(
        "/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    )
    assert proxied.headers["Strict-Transport-Security"] == HSTS
    plain = app.test_client().get("/login", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


# --- What caches may keep -------------------------------------------------------------

PRIVATE_AREAS = ("desk", "queue", "stats", "admin", "auth", "api")


def get_pages(app: Flask, blueprints: Sequence[str | None]) -> list[str]:
    """Every GET page of these blueprints (None: the app's own, i.e. static)."""
    values = {"slug": "kazakhstan-2015", "filename": "css/site.css"}
    pages = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()):
            continue
        if (rule.endpoint.rpartition(".")[0] or None) in blueprints:
            arguments = {name: values.get(name, "KAZ15-0001") for name in rule.arguments}
            pages.append(rule.build(arguments)[1])  # type: ignore[index]
    return sorted(pages)


def test_no_cache_keeps_a_page_of_the_press_office_or_the_api(
    app: Flask,
    client: FlaskClient,
    make_inquiry: Callable[..., Receipt],
    make_user: Callable[..., User],
    login: Callable[[User], FlaskClient],
) -> None:
    make_inquiry()
    pages = get_pages(app, PRIVATE_AREAS)
    assert {"/queue/export.csv", "/stats/export.csv", "/inquiries/KAZ15-0001"} <= set(pages)

    def caching(page: str) -> tuple[str | None, str | None]:
        response = client.get(page)
        response.get_data()  # a streamed export is read through, as a browser would
        return response.headers.get("Cache-Control"), response.mimetype

    # Signed out (the login page, redirects to it, the public API), then signed in.
    for page in pages:
        assert caching(page)[0] == "no-store", page
    login(make_user(role=Role.ADMIN))
    for page in pages:
        assert caching(page)[0] == "no-store", page
    assert caching("/queue/export.csv") == ("no-store", "text/csv")
    assert caching("/stats/export.csv") == ("no-store", "text/csv")


def test_public_pages_may_be_cached_but_the_status_page_may_not(
    app: Flask, client: FlaskClient, make_inquiry: Callable[..., Receipt]
) -> None:
    receipt = make_inquiry()
    for page in get_pages(app, ["public", None]):
        if page == "/status" or page.startswith("/status/"):
            continue
        response = client.get(page)
        assert response.status_code == 200, page
        assert "no-store" not in response.headers.get("Cache-Control", ""), page
        response.close()
    status = client.get(f"/status/{receipt.status_token}")
    assert status.headers["Cache-Control"] == "no-store"
    # The short-code check answers a right code with the status page itself.
    assert client.get("/status").headers["Cache-Control"] == "no-store"


def test_any_csv_answer_is_kept_by_no_cache(app: Flask) -> None:
    """Whatever view answers with CSV, now or later."""

    @app.get("/test-only.csv")
    def some_csv() -> Response:
        return Response("a,b\n", mimetype="text/csv")

    assert app.test_client().get("/test-only.csv").headers["Cache-Control"] == "no-store"
