"""The journalist's inquiry form at /missions/kazakhstan-2015/inquire.

The field names are a contract (integrations post to them). The clock is frozen on
Tuesday 20 January 2015, 10:00 in Astana (04:00 UTC), during the visit, unless a test
moves it, so "a deadline in the future" is predictable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tracker.choices import Phase
from tracker.extensions import db
from tracker.models import Inquiry, Mission

FORM_URL = "/missions/kazakhstan-2015/inquire"
DURING = "2015-01-20T10:00:00+06:00"
RECEIVED_AT = datetime(2015, 1, 20, 4, 0, tzinfo=UTC)

Freeze = Callable[[str], datetime]


def valid_form(**overrides: str | None) -> dict[str, str]:
    """A complete, valid submission; an override of None leaves that field out."""
    values: dict[str, str | None] = {
        "name": "Aigerim Nurlanovna",
        "outlet": "Vlast.kz",
        "media_type": "online",
        "country": "KZ",
        "email": "aigerim@example.kz",
        "phone": "+7 701 123 4567",
        "language": "ru",
        "request_type": "interview",
        "topic": "mission",
        "subject": "Interview on the right to peaceful assembly",
        "message": "Could the Special Rapporteur give us a 10-minute interview in Almaty?",
        "deadline": "",
        "deadline_tz": "Asia/Almaty",
        "consent": "y",
        "website": "",
    }
    values.update(overrides)
    return {name: value for name, value in values.items() if value is not None}


class FormPage(HTMLParser):
    """A rendered form read like a browser: what it would send back, and what it says."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}  # what submitting the page as shown would send
        self.attrs: dict[str, dict[str, str | None]] = {}  # each element's attributes, by id
        self.texts: dict[str, str] = {}  # text of paragraphs that have an id
        self._text_of: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if attrs.get("id"):
            self.attrs[str(attrs["id"])] = attrs
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value") or "", "selected" in attrs))
        elif tag in ("textarea", "p") and (name or attrs.get("id")):
            self._text_of, self._text = f"{tag}:{name or attrs['id']}", []

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            chosen = [value for value, selected in self._options if selected]
            first = [value for value, _ in self._options[:1]]
            self.values[self._select] = (chosen or first or [""])[0]
            self._select = None
        elif tag in ("textarea", "p") and self._text_of and self._text_of.startswith(tag):
            text = "".join(self._text)
            key = self._text_of.split(":", 1)[1]
            if tag == "textarea":
                # Browsers drop the one newline that follows <textarea>.
                self.values[key] = text.removeprefix("\r\n").removeprefix("\n")
            else:
                self.texts[key] = " ".join(text.split())
            self._text_of = None

    def handle_data(self, data: str) -> None:
        if self._text_of:
            self._text.append(data)

    @property
    def error_ids(self) -> set[str]:
        return {key for key in self.texts if key.endswith("-error")}


def inquiry_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry)) or 0


def only_inquiry() -> Inquiry:
    db.session.expire_all()
    return db.session.scalars(select(Inquiry)).one()


def submit(client: FlaskClient, **overrides: str | None) -> TestResponse:
    return client.post(FORM_URL, data=valid_form(**overrides))


def status_location(response: TestResponse) -> str:
    """The receipt's address after a successful POST: /status/<token>?received=1."""
    assert response.status_code == 303, response.get_data(as_text=True)
    location = urlsplit(response.headers["Location"])
    assert location.path.startswith("/status/")
    assert parse_qs(location.query) == {"received": ["1"]}
    return f"{location.path}?{location.query}"


def token_of(location: str) -> str:
    return urlsplit(location).path.removeprefix("/status/")


@pytest.fixture(autouse=True)
def during_the_visit(mission: Mission, set_now: Freeze) -> Mission:
    set_now(DURING)
    return mission


# --- The form as it is offered ---------------------------------------------------------


def test_form_offers_every_contract_field(client: FlaskClient) -> None:
    response = client.get(FORM_URL)
    assert response.status_code == 200
    page = FormPage(response.get_data(as_text=True))
    assert set(valid_form()) - {"consent"} <= set(page.values)
    assert {"consent", "topic-0"} <= set(page.attrs)
    assert page.attrs["deadline"]["type"] == "datetime-local"
    # The deadline's zone defaults to the mission's, the answer's language to English.
    assert page.values["deadline_tz"] == "Asia/Almaty"
    assert page.values["language"] == "en"
    assert page.values["topic"] == "mission"
    assert page.values["request_type"] == ""
    assert page.values["website"] == ""


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?request_type=accreditation", "accreditation"),
        ("?request_type=filming", "filming"),
        ("?request_type=bribe", ""),
        ("", ""),
    ],
)
def test_link_preselects_the_request_type(client: FlaskClient, query: str, expected: str) -> None:
    response = client.get(FORM_URL + query)
    assert response.status_code == 200
    assert FormPage(response.get_data(as_text=True)).values["request_type"] == expected


def test_link_preselects_the_topic(client: FlaskClient) -> None:
    html = client.get(FORM_URL + "?topic=other_experts").get_data(as_text=True)
    assert FormPage(html).values["topic"] == "other_experts"


# --- A valid inquiry -------------------------------------------------------------------


def test_valid_inquiry_leads_to_its_receipt(client: FlaskClient) -> None:
    location = status_location(submit(client))
    token = token_of(location)

    receipt = client.get(location)
    assert receipt.status_code == 200
    html = receipt.get_data(as_text=True)
    assert "Your inquiry has been received" in html
    assert '<strong class="reference">KAZ15-0001</strong>' in html
    assert "Leila Duisekova" in html
    assert '<a href="tel:+7-7172-69-65-50;ext=2293">+7 7172 69 65 50 ext. 2293</a>' in html
    link = f"http://tracker.test/status/{token}"
    assert f'<a href="{link}">{link}</a>' in html


def test_each_inquiry_gets_the_next_reference(client: FlaskClient) -> None:
    first = client.get(status_location(submit(client))).get_data(as_text=True)
    second_location = status_location(submit(client, subject="A second question"))
    second = client.get(second_location).get_data(as_text=True)
    assert "KAZ15-0001" in first
    assert "KAZ15-0002" in second
    assert "KAZ15-0001" not in second
    assert inquiry_count() == 2


def test_valid_inquiry_is_stored_routed_and_timed(client: FlaskClient) -> None:
    location = status_location(
        submit(client, email="  Aigerim@Example.KZ ", phone="8 701 123 4567", name=" Aigerim ")
    )
    inquiry = only_inquiry()
    assert inquiry.reference == "KAZ15-0001"
    assert inquiry.status_token_hash == hashlib.sha256(token_of(location).encode()).hexdigest()
    assert inquiry.name == "Aigerim"
    assert inquiry.outlet == "Vlast.kz"
    assert inquiry.country == "KZ"
    assert inquiry.language == "ru"
    assert inquiry.email == "Aigerim@example.kz"
    assert inquiry.phone == "+77011234567"
    assert inquiry.phase_at_receipt is Phase.DURING
    assert inquiry.received_at == RECEIVED_AT
    assert inquiry.routed_contact is not None
    assert inquiry.routed_contact.name == "Leila Duisekova"
    assert inquiry.routing_reason == "received during the mission → Astana contact: Leila Duisekova"
    # No deadline: due four hours after receipt, the office's target.
    assert inquiry.deadline is None
    assert inquiry.due_at == datetime(2015, 1, 20, 8, 0, tzinfo=UTC)
    assert [(event.kind, event.public) for event in inquiry.events] == [
        ("received", True),
        ("routed", False),
    ]
    assert all(event.at == RECEIVED_AT for event in inquiry.events)


@pytest.mark.parametrize(
    ("deadline", "zone", "deadline_utc", "due_utc"),
    [
        # 12:00 in Astana (UTC+6) comes before the 4-hour target (14:00 there).
        ("2015-01-20T12:00", "Asia/Almaty", "2015-01-20T06:00Z", "2015-01-20T06:00Z"),
        # A deadline tomorrow leaves the 4-hour target in charge.
        ("2015-01-21T09:00", "Asia/Almaty", "2015-01-21T03:00Z", "2015-01-20T08:00Z"),
        # 07:00 in Geneva (UTC+1 in winter) is 12:00 in Astana.
        ("2015-01-20T07:00", "Europe/Zurich", "2015-01-20T06:00Z", "2015-01-20T06:00Z"),
        # Geneva on summer time (UTC+2); seconds are accepted too.
        ("2015-06-01T09:30:00", "Europe/Zurich", "2015-06-01T07:30Z", "2015-01-20T08:00Z"),
    ],
)
def test_deadline_is_stored_as_the_instant_the_journalist_meant(
    client: FlaskClient, deadline: str, zone: str, deadline_utc: str, due_utc: str
) -> None:
    status_location(submit(client, deadline=deadline, deadline_tz=zone))
    inquiry = only_inquiry()
    assert inquiry.deadline == datetime.fromisoformat(deadline_utc)
    assert inquiry.deadline_tz == zone
    assert inquiry.due_at == datetime.fromisoformat(due_utc)


def test_status_page_shows_the_deadline_in_the_journalists_zone(client: FlaskClient) -> None:
    location = status_location(
        submit(client, deadline="2015-01-20T07:00", deadline_tz="Europe/Zurich")
    )
    html = client.get(location).get_data(as_text=True)
    assert "Tue 20 Jan 2015, 07:00 (Europe/Zurich, UTC+1)" in html


@pytest.mark.parametrize(
    ("when", "topic", "contacts"),
    [
        (DURING, "mission", ["Leila Duisekova"] * 3),
        (DURING, "other_experts", ["Xabier Celaya"] * 3),
        ("2015-01-28T09:00:00+06:00", "other_experts", ["Xabier Celaya"] * 3),
        # Before the visit: the Geneva contact with the fewest open inquiries, ties to the
        # one listed first in the press release.
        (
            "2015-01-16T12:00:00+06:00",
            "mission",
            ["Thibaut Guillet", "Karen Blanc", "Thibaut Guillet"],
        ),
        (
            "2015-01-28T09:00:00+06:00",
            "mission",
            ["Thibaut Guillet", "Karen Blanc", "Thibaut Guillet"],
        ),
    ],
)
def test_form_routes_to_the_right_contact(
    client: FlaskClient, set_now: Freeze, when: str, topic: str, contacts: list[str]
) -> None:
    set_now(when)
    routed = []
    for number in range(len(contacts)):
        location = status_location(submit(client, topic=topic, subject=f"Question {number}"))
        inquiry = db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc()).limit(1)).one()
        assert inquiry.routed_contact is not None
        routed.append(inquiry.routed_contact.name)
        assert inquiry.routed_contact.name in client.get(location).get_data(as_text=True)
    assert routed == contacts


def test_before_the_visit_the_reason_explains_the_choice(
    client: FlaskClient, set_now: Freeze
) -> None:
    set_now("2015-01-16T12:00:00+06:00")
    status_location(submit(client))
    inquiry = only_inquiry()
    assert inquiry.phase_at_receipt is Phase.BEFORE
    assert inquiry.routing_reason == (
        "received before the mission → Geneva contact: Thibaut Guillet "
        "(fewest open inquiries of 2 contacts)"
    )


def test_phone_alone_is_enough(client: FlaskClient) -> None:
    status_location(submit(client, email="", phone="022 917 93 89", country="CH"))
    inquiry = only_inquiry()
    assert inquiry.email is None
    assert inquiry.phone == "+41229179389"


def test_email_alone_is_enough(client: FlaskClient) -> None:
    status_location(submit(client, phone=""))
    inquiry = only_inquiry()
    assert inquiry.email == "aigerim@example.kz"
    assert inquiry.phone is None


# --- Refusals: 422, the message next to the field, everything typed kept, nothing stored -


def assert_refused(
    response: TestResponse,
    submitted: dict[str, str],
    fields: tuple[str, ...],
    message: str,
    unkept: tuple[str, ...] = (),
) -> FormPage:
    assert response.status_code == 422
    page = FormPage(response.get_data(as_text=True))
    assert page.error_ids == {f"{field}-error" for field in fields}
    for field in fields:
        assert message in page.texts[f"{field}-error"]
        assert page.attrs[field].get("aria-invalid") == "true"
        described_by = str(page.attrs[field].get("aria-describedby")).split()
        assert f"{field}-error" in described_by
    assert "error-summary" in page.attrs
    kept = {name: value for name, value in submitted.items() if name not in unkept}
    assert {name: page.values.get(name) for name in kept} == kept
    assert inquiry_count() == 0
    return page


# (overrides, fields flagged, message, fields not expected back as typed: an unknown
# option cannot be shown selected, and blank text may come back trimmed)
REFUSALS = [
    pytest.param({"name": ""}, ("name",), "Tell us your name.", (), id="missing-name"),
    pytest.param({"name": None}, ("name",), "Tell us your name.", (), id="no-name-field"),
    pytest.param({"name": "   "}, ("name",), "Tell us your name.", ("name",), id="blank-name"),
    pytest.param({"outlet": ""}, ("outlet",), "Name your outlet", (), id="missing-outlet"),
    pytest.param({"outlet": "  "}, ("outlet",), "Name your outlet", ("outlet",), id="blank-outlet"),
    pytest.param(
        {"email": "", "phone": ""},
        ("email", "phone"),
        "Give an email address or a phone number",
        (),
        id="no-email-no-phone",
    ),
    pytest.param(
        {"email": "aigerim@", "phone": ""},
        ("email",),
        "This email address is not valid",
        (),
        id="bad-email",
    ),
    pytest.param(
        {"email": "aigerim at vlast.kz"},
        ("email",),
        "This email address is not valid",
        (),
        id="email-without-at",
    ),
    pytest.param(
        {"phone": "12345"},
        ("phone",),
        "This number does not exist in its country",
        (),
        id="bad-phone-digits",
    ),
    pytest.param(
        {"phone": "not a phone", "email": ""},
        ("phone",),
        "This is not a phone number",
        (),
        id="bad-phone-text",
    ),
    pytest.param(
        {"media_type": "blog"},
        ("media_type",),
        "Choose the type of media.",
        ("media_type",),
        id="unknown-media-type",
    ),
    pytest.param(
        {"media_type": ""},
        ("media_type",),
        "Choose the type of media.",
        (),
        id="missing-media-type",
    ),
    pytest.param(
        {"country": "XX"}, ("country",), "Choose your country.", ("country",), id="unknown-country"
    ),
    pytest.param(
        {"request_type": ""},
        ("request_type",),
        "Choose what you need.",
        (),
        id="missing-request-type",
    ),
    pytest.param(
        {"consent": None},
        ("consent",),
        "Please accept the privacy notice",
        (),
        id="missing-consent",
    ),
    pytest.param(
        {"subject": ""}, ("subject",), "Give your inquiry a subject.", (), id="missing-subject"
    ),
    pytest.param(
        {"subject": " \t "},
        ("subject",),
        "Give your inquiry a subject.",
        ("subject",),
        id="blank-subject",
    ),
    pytest.param(
        {"subject": "x" * 201},
        ("subject",),
        "longer than 200 characters",
        (),
        id="subject-too-long",
    ),
    pytest.param(
        {"message": "  "},
        ("message",),
        "Write your question or request.",
        ("message",),
        id="blank-message",
    ),
    pytest.param(
        {"message": "x" * 5001},
        ("message",),
        "longer than 5000 characters",
        (),
        id="message-too-long",
    ),
    pytest.param(
        {"deadline": "next Tuesday"},
        ("deadline",),
        "Write the deadline as a date and time",
        (),
        id="malformed-deadline",
    ),
    pytest.param(
        {"deadline": "2015-01-20"},
        ("deadline",),
        "Write the deadline as a date and time",
        (),
        id="deadline-without-time",
    ),
    pytest.param(
        {"deadline": "2015-01-20T09:59"},
        ("deadline",),
        "The deadline has already passed",
        (),
        id="deadline-in-the-past",
    ),
    pytest.param(
        {"deadline": "2015-01-20T10:00"},
        ("deadline",),
        "The deadline has already passed",
        (),
        id="deadline-now",
    ),
    pytest.param(
        {"deadline": "2015-01-20T04:30", "deadline_tz": "Europe/Zurich"},
        ("deadline",),
        "The deadline has already passed",
        (),
        id="deadline-past-in-geneva",
    ),
    # Clocks in Geneva jumped from 02:00 to 03:00 on 29 March 2015.
    pytest.param(
        {"deadline": "2015-03-29T02:30", "deadline_tz": "Europe/Zurich"},
        ("deadline",),
        "This time does not exist in Europe/Zurich",
        (),
        id="deadline-in-the-summer-time-gap",
    ),
    pytest.param(
        {"deadline": "2015-01-21T10:00", "deadline_tz": "Mars/Olympus_Mons"},
        ("deadline_tz",),
        "Choose a time zone.",
        ("deadline_tz",),
        id="unknown-deadline-zone",
    ),
]


@pytest.mark.parametrize(("overrides", "fields", "message", "unkept"), REFUSALS)
def test_bad_input_is_refused_next_to_the_field(
    client: FlaskClient,
    overrides: dict[str, str | None],
    fields: tuple[str, ...],
    message: str,
    unkept: tuple[str, ...],
) -> None:
    submitted = valid_form(**overrides)
    response = client.post(FORM_URL, data=submitted)
    assert_refused(response, submitted, fields, message, unkept)


def test_filled_honeypot_is_refused_and_nothing_is_stored(client: FlaskClient) -> None:
    submitted = valid_form(website="http://cheap-pills.example")
    response = client.post(FORM_URL, data=submitted)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    page = FormPage(html)
    assert "It is now cleared: please send the form again." in html
    assert page.error_ids <= {"website-error"}, "no visible field is blamed"
    kept = {name: value for name, value in submitted.items() if name != "website"}
    assert {name: page.values.get(name) for name in kept} == kept
    assert page.values.get("website") == "", "the trap is cleared so a person can resend"
    assert inquiry_count() == 0


def test_a_refusal_uses_no_reference_number(client: FlaskClient) -> None:
    assert client.post(FORM_URL, data=valid_form(name="")).status_code == 422
    location = status_location(submit(client))
    assert "KAZ15-0001" in client.get(location).get_data(as_text=True)


def test_several_problems_are_reported_together(client: FlaskClient) -> None:
    submitted = valid_form(name="", consent=None, phone="12345")
    response = client.post(FORM_URL, data=submitted)
    assert response.status_code == 422
    page = FormPage(response.get_data(as_text=True))
    assert page.error_ids == {"name-error", "consent-error", "phone-error"}
    assert "Please correct 3 fields" in response.get_data(as_text=True)
    assert inquiry_count() == 0


# --- Markup typed by a journalist is text, never HTML ----------------------------------

MARKUP = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def test_markup_is_escaped_on_the_error_page(client: FlaskClient) -> None:
    submitted = valid_form(name="", subject=MARKUP, message=MARKUP, outlet=MARKUP)
    response = client.post(FORM_URL, data=submitted)
    page = assert_refused(response, submitted, ("name",), "Tell us your name.")
    html = response.get_data(as_text=True)
    assert MARKUP not in html
    assert ESCAPED in html
    assert page.values["subject"] == MARKUP


def test_markup_is_escaped_on_the_status_page(client: FlaskClient) -> None:
    location = status_location(submit(client, subject=MARKUP))
    html = client.get(location).get_data(as_text=True)
    assert MARKUP not in html
    assert f"<dd>{ESCAPED}</dd>" in html
    assert only_inquiry().subject == MARKUP


# --- With CSRF protection on, as in production -----------------------------------------


class TestWithCsrfProtection:
    @pytest.fixture
    def app_config(self) -> dict[str, Any]:
        return {"WTF_CSRF_ENABLED": True}

    def test_post_without_token_keeps_the_text_and_stores_nothing(
        self, client: FlaskClient
    ) -> None:
        submitted = valid_form()
        response = client.post(FORM_URL, data=submitted)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "This form expired or was opened in another session" in html
        page = FormPage(html)
        assert {name: page.values.get(name) for name in submitted} == submitted
        assert page.values.get("csrf_token"), "the page offers a fresh token to send again"
        assert inquiry_count() == 0

    def test_post_with_a_forged_token_is_refused(self, client: FlaskClient) -> None:
        client.get(FORM_URL)
        response = client.post(FORM_URL, data={**valid_form(), "csrf_token": "forged"})
        assert response.status_code == 422
        assert "This form expired" in response.get_data(as_text=True)
        assert inquiry_count() == 0

    def test_post_with_the_token_from_the_form_is_stored(self, client: FlaskClient) -> None:
        page = FormPage(client.get(FORM_URL).get_data(as_text=True))
        token = page.values["csrf_token"]
        assert token
        response = client.post(FORM_URL, data={**valid_form(), "csrf_token": token})
        status_location(response)
        assert inquiry_count() == 1

    def test_resending_the_refused_page_with_its_new_token_succeeds(
        self, client: FlaskClient
    ) -> None:
        refused = client.post(FORM_URL, data=valid_form())
        assert refused.status_code == 422
        resend = FormPage(refused.get_data(as_text=True)).values
        status_location(client.post(FORM_URL, data=resend))
        assert only_inquiry().subject == valid_form()["subject"]
