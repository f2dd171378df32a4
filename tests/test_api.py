"""The contract of GET /api/v1/missions/<slug>/contacts (DESIGN.md, "Interfaces").

Other tools rely on it: 200 JSON {mission, at, phase, contacts}; `at` is an ISO 8601
instant with an offset and defaults to now; bad input is a 400 JSON {"error": ...}; an
unknown mission is a 404 JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tracker.models import Mission

URL = "/api/v1/missions/kazakhstan-2015/contacts"

THIBAUT = {
    "name": "Thibaut Guillet",
    "office": "Geneva",
    "phones": ["+41 22 917 93 89"],
    "email": None,
}
KAREN = {
    "name": "Karen Blanc",
    "office": "Geneva",
    "phones": ["+41 22 917 94 00"],
    "email": None,
}
LEILA = {
    "name": "Leila Duisekova",
    "office": "Astana",
    "phones": ["+7 7172 69 65 50 ext. 2293"],
    "email": None,
}
XABIER = {
    "name": "Xabier Celaya",
    "office": "Geneva",
    "phones": ["+41 22 917 93 83"],
    "email": None,
}
CONTRACT_KEYS = {"mission", "at", "phase", "contacts"}
CONTACT_KEYS = {"name", "office", "phones", "email"}


def get_contacts(client: FlaskClient, **params: str) -> TestResponse:
    return client.get(URL, query_string=params)


def contract_view(contact: dict[str, Any]) -> dict[str, Any]:
    """The contact as the contract promises it (extra keys are allowed)."""
    return {key: contact[key] for key in CONTACT_KEYS}


def names(body: dict[str, Any]) -> list[str]:
    return [contact["name"] for contact in body["contacts"]]


def assert_json_error(response: TestResponse, status: int) -> None:
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert isinstance(body["error"], str)
    assert body["error"].strip()


# --- the shape of a good answer -------------------------------------------------------


def test_answer_has_the_contract_keys(client: FlaskClient, mission: Mission) -> None:
    response = get_contacts(client, at="2015-01-20T10:00:00+06:00")

    assert response.status_code == 200
    assert response.is_json
    body = response.get_json()
    assert body.keys() >= CONTRACT_KEYS
    assert body["mission"] == "kazakhstan-2015"
    assert all(contact.keys() >= CONTACT_KEYS for contact in body["contacts"])


def test_astana_contact_has_display_phone_with_extension_and_no_email(
    client: FlaskClient, mission: Mission
) -> None:
    body = get_contacts(client, at="2015-01-20T10:00:00+06:00").get_json()

    assert [contract_view(c) for c in body["contacts"]] == [LEILA]


def test_geneva_contacts_are_listed_in_press_release_order(
    client: FlaskClient, mission: Mission
) -> None:
    body = get_contacts(client, at="2015-01-10T09:00:00+01:00").get_json()

    assert [contract_view(c) for c in body["contacts"]] == [THIBAUT, KAREN]


# --- phase and contacts at an instant -------------------------------------------------


@pytest.mark.parametrize(
    ("at", "phase", "expected"),
    [
        pytest.param(
            "2015-01-16T12:00:00+01:00",
            "before",
            ["Thibaut Guillet", "Karen Blanc"],
            id="day-of-press-release",
        ),
        pytest.param(
            "2015-01-18T23:59:59+06:00",
            "before",
            ["Thibaut Guillet", "Karen Blanc"],
            id="last-second-before-astana-midnight",
        ),
        pytest.param(
            "2015-01-19T00:00:00+06:00",
            "during",
            ["Leila Duisekova"],
            id="astana-midnight-of-first-day",
        ),
        pytest.param(
            "2015-01-27T11:00:00+06:00", "during", ["Leila Duisekova"], id="press-conference"
        ),
        pytest.param(
            "2015-01-27T23:59:59+06:00", "during", ["Leila Duisekova"], id="last-second-of-last-day"
        ),
        pytest.param(
            "2015-01-28T00:00:00+06:00",
            "after",
            ["Thibaut Guillet", "Karen Blanc"],
            id="astana-midnight-after-last-day",
        ),
        pytest.param(
            "2015-06-15T10:00:00+02:00",
            "after",
            ["Thibaut Guillet", "Karen Blanc"],
            id="june-human-rights-council",
        ),
    ],
)
def test_phase_and_contacts_at_an_instant(
    client: FlaskClient, mission: Mission, at: str, phase: str, expected: list[str]
) -> None:
    body = get_contacts(client, at=at).get_json()

    assert body["phase"] == phase
    assert names(body) == expected


@pytest.mark.parametrize(
    ("at", "phase"),
    [
        pytest.param("2015-01-18T18:59:59+01:00", "before", id="geneva-18h59-eve"),
        pytest.param("2015-01-18T19:00:00+01:00", "during", id="geneva-19h00-eve"),
        pytest.param("2015-01-27T18:59:59+01:00", "during", id="geneva-18h59-last-day"),
        pytest.param("2015-01-27T19:00:00+01:00", "after", id="geneva-19h00-last-day"),
    ],
)
def test_boundaries_given_in_geneva_time(
    client: FlaskClient, mission: Mission, at: str, phase: str
) -> None:
    assert get_contacts(client, at=at).get_json()["phase"] == phase


@pytest.mark.parametrize(
    ("at", "phase"),
    [
        pytest.param("2015-01-18T17:59:59Z", "before", id="last-second-before"),
        pytest.param("2015-01-18T18:00:00Z", "during", id="first-instant-during"),
        pytest.param("2015-01-27T17:59:59Z", "during", id="last-second-during"),
        pytest.param("2015-01-27T18:00:00Z", "after", id="first-instant-after"),
    ],
)
def test_z_suffix_is_utc(client: FlaskClient, mission: Mission, at: str, phase: str) -> None:
    response = get_contacts(client, at=at)

    assert response.status_code == 200
    assert response.get_json()["phase"] == phase


@pytest.mark.parametrize(
    "at",
    ["2015-01-16T12:00:00+01:00", "2015-01-20T10:00:00+06:00", "2015-02-01T00:00:00+06:00"],
    ids=["before", "during", "after"],
)
def test_other_experts_topic_is_the_media_unit_in_every_phase(
    client: FlaskClient, mission: Mission, at: str
) -> None:
    body = get_contacts(client, at=at, topic="other_experts").get_json()

    assert [contract_view(c) for c in body["contacts"]] == [XABIER]


def test_mission_topic_is_the_default(client: FlaskClient, mission: Mission) -> None:
    explicit = get_contacts(client, at="2015-01-20T10:00:00+06:00", topic="mission").get_json()
    default = get_contacts(client, at="2015-01-20T10:00:00+06:00").get_json()

    assert names(explicit) == names(default) == ["Leila Duisekova"]


# --- the echoed instant ---------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    [
        "2015-01-20T10:00:00+06:00",
        "2015-01-20T05:00:00+01:00",
        "2015-01-20T04:00:00Z",
        "2015-01-20T04:00:00.250000+00:00",
    ],
    ids=["astana-offset", "geneva-offset", "z-suffix", "fractional-seconds"],
)
def test_response_at_echoes_the_instant(client: FlaskClient, mission: Mission, at: str) -> None:
    body = get_contacts(client, at=at).get_json()

    assert datetime.fromisoformat(body["at"]) == datetime.fromisoformat(at)
    assert datetime.fromisoformat(body["at"]).utcoffset() is not None


# --- `at` omitted: the application clock ----------------------------------------------


@pytest.mark.parametrize(
    ("now", "phase", "expected"),
    [
        pytest.param(
            "2015-01-17T09:00:00+01:00", "before", ["Thibaut Guillet", "Karen Blanc"], id="before"
        ),
        pytest.param("2015-01-22T15:00:00+06:00", "during", ["Leila Duisekova"], id="during"),
        pytest.param(
            "2015-03-01T09:00:00+01:00", "after", ["Thibaut Guillet", "Karen Blanc"], id="after"
        ),
    ],
)
def test_without_at_the_app_clock_decides(
    client: FlaskClient,
    mission: Mission,
    set_now: Callable[[datetime | str], datetime],
    now: str,
    phase: str,
    expected: list[str],
) -> None:
    frozen = set_now(now)

    body = get_contacts(client).get_json()

    assert body["phase"] == phase
    assert names(body) == expected
    assert datetime.fromisoformat(body["at"]) == frozen


# --- the "+" that arrives as a space --------------------------------------------------


def test_unencoded_plus_in_offset_still_works(client: FlaskClient, mission: Mission) -> None:
    # "+" in a raw query string decodes to a space: "2015-01-20T10:00:00 06:00".
    response = client.get(f"{URL}?at=2015-01-20T10:00:00+06:00")

    assert response.status_code == 200
    body = response.get_json()
    assert body["phase"] == "during"
    assert datetime.fromisoformat(body["at"]) == datetime.fromisoformat("2015-01-20T10:00:00+06:00")


def test_unencoded_plus_keeps_the_offset_at_a_boundary(
    client: FlaskClient, mission: Mission
) -> None:
    # 23:30 in Astana is still the eve; read as UTC it would be 05:30 the next day.
    response = client.get(f"{URL}?at=2015-01-18T23:30:00+06:00")

    assert response.status_code == 200
    assert response.get_json()["phase"] == "before"


def test_encoded_plus_in_offset_works(client: FlaskClient, mission: Mission) -> None:
    response = client.get(f"{URL}?at=2015-01-18T23:30:00%2B06:00")

    assert response.status_code == 200
    assert response.get_json()["phase"] == "before"


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "at",
    ["2015-01-20T10:00:00", "2015-01-20", "2015-01-20T10:00"],
    ids=["naive-datetime", "date-only", "naive-minutes"],
)
def test_at_without_offset_is_400_json(client: FlaskClient, mission: Mission, at: str) -> None:
    response = get_contacts(client, at=at)

    assert_json_error(response, 400)
    assert "offset" in response.get_json()["error"]


@pytest.mark.parametrize(
    "at",
    [
        "yesterday",
        "2015-13-01T10:00:00+06:00",
        "2015-01-20T25:00:00+06:00",
        "2015-01-20T10:00:00+25:00",
        "20/01/2015 10:00 +06:00",
        "<script>",
    ],
    ids=["word", "month-13", "hour-25", "offset-25h", "local-format", "markup"],
)
def test_unparseable_at_is_400_json(client: FlaskClient, mission: Mission, at: str) -> None:
    assert_json_error(get_contacts(client, at=at), 400)


@pytest.mark.parametrize("topic", ["other", "OTHER_EXPERTS", "general", "1"])
def test_unknown_topic_is_400_json(client: FlaskClient, mission: Mission, topic: str) -> None:
    response = get_contacts(client, at="2015-01-20T10:00:00+06:00", topic=topic)

    assert_json_error(response, 400)
    assert "topic" in response.get_json()["error"]


def test_unknown_mission_is_404_json(client: FlaskClient, mission: Mission) -> None:
    response = client.get(
        "/api/v1/missions/kazakhstan-2016/contacts",
        query_string={"at": "2015-01-20T10:00:00+06:00"},
    )

    assert_json_error(response, 404)


def test_no_mission_loaded_is_404_json(client: FlaskClient) -> None:
    assert_json_error(get_contacts(client, at="2015-01-20T10:00:00+06:00"), 404)
