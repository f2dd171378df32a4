"""Query arguments of the staff's pages: whatever the address says, never a 500.

An id out of range (``/queue?after=9999999999999999999999999``) used to reach the
database and fail there (OverflowError on SQLite beyond 64 bits, out of range on
PostgreSQL beyond 32): a 500 for a bad address. Every numeric argument now goes through
``inputs.query_id``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker.choices import Role
from tracker.inputs import LARGEST_ID
from tracker.inquiries.intake import Receipt
from tracker.models import User

HUGE = "9999999999999999999999999"
FILTERS = (
    "tab",
    "mission",
    "phase",
    "status",
    "assignee",
    "request_type",
    "media_type",
    "routed",
    "language",
    "q",
    "as_of",
)
STATS = ("mission", "from", "to")
MISSION = "/admin/missions/kazakhstan-2015"

# Every staff GET page and the query arguments it reads, plus "edit" wherever an admin
# page can edit a row. The inquiry page reads none: it gets arbitrary ones all the same.
PAGES: dict[str, tuple[str, ...]] = {
    "/queue": ("after", *FILTERS),
    "/queue/export.csv": FILTERS,
    "/stats": STATS,
    "/stats/export.csv": STATS,
    "/api/v1/stats": STATS,
    "/admin": (),
    "/admin/missions": (),
    "/admin/missions/new": (),
    MISSION: (),
    f"{MISSION}/contacts": (),
    f"{MISSION}/events": ("edit",),
    f"{MISSION}/routing": ("edit",),
    f"{MISSION}/routing/preview": ("at", "about", "request_type", "topic"),
    "/admin/contacts": ("edit",),
    "/admin/users": ("edit",),
    "/admin/offices": ("edit",),
    "/admin/outbox/": ("status", "before"),
    "/inquiries/KAZ15-0001": ("version", "tab"),
    "/inquiries/new": (),
}

# Text of any kind, numbers of any size (written as people and scripts write them), and
# the values that used to break: beyond 64 bits, signs, exponents, other scripts' digits.
VALUES = st.one_of(
    st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from([2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64]).map(str),
    st.integers(min_value=LARGEST_ID - 2, max_value=2**64 + 2).map(str),
    st.sampled_from(
        ["", "0", "-1", "+1", " 1", "1e309", "NaN", "٣", "²", HUGE, "2015-01-20", "9999-12-31"]
    ),
)


@pytest.fixture
def admin_client(
    client: FlaskClient,
    make_inquiry: Callable[..., Receipt],
    make_user: Callable[..., User],
    login: Callable[[User], FlaskClient],
) -> FlaskClient:
    make_inquiry()
    make_inquiry(subject="A second one")
    return login(make_user(role=Role.ADMIN, contact="leila-duisekova"))


def answer(client: FlaskClient, path: str, query: dict[str, str]) -> int:
    response = client.get(path, query_string=query)
    response.get_data()  # a streamed export is read through, as a browser would
    return response.status_code


def test_every_page_in_the_list_exists(app: Flask, admin_client: FlaskClient) -> None:
    for path in PAGES:
        # The routing preview with nothing to preview says what is missing.
        assert answer(admin_client, path, {}) in {200, 422}, path
    staff = {"desk", "queue", "stats", "admin"}
    listed = {path.replace("KAZ15-0001", "<reference>") for path in PAGES}
    for rule in app.url_map.iter_rules():
        area = rule.endpoint.partition(".")[0]
        if "GET" in (rule.methods or ()) and area in staff:
            assert rule.rule.replace("<slug>", "kazakhstan-2015") in listed, rule.rule


@pytest.mark.parametrize(
    ("path", "name"),
    [("/queue", "after"), ("/admin/outbox/", "before"), ("/admin/contacts", "edit")],
)
@pytest.mark.parametrize("value", [HUGE, str(2**63), str(LARGEST_ID + 1), "-1", "12abc", "٣"])
def test_an_id_that_is_no_id_gets_the_400_page_saying_so(
    admin_client: FlaskClient, path: str, name: str, value: str
) -> None:
    response = admin_client.get(path, query_string={name: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f"“{name}” must be a whole number from 0 to {LARGEST_ID}." in page
    assert "Bad request" in page


@pytest.mark.parametrize(("path", "name"), [("/queue", "after"), ("/admin/outbox/", "before")])
def test_the_largest_id_and_an_empty_one_are_answered(
    admin_client: FlaskClient, path: str, name: str
) -> None:
    assert answer(admin_client, path, {name: str(LARGEST_ID)}) == 200
    assert answer(admin_client, path, {name: ""}) == 200


@pytest.mark.parametrize("path", list(PAGES))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_query_makes_a_staff_page_fail(admin_client: FlaskClient, path: str, data: Any) -> None:
    names = [*PAGES[path], "unknown"]
    query = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    assert answer(admin_client, path, query) < 500, query
