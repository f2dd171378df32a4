"""Security headers on every page, and templates that keep the CSP free of exceptions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from tracker.inquiries.intake import Receipt

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
