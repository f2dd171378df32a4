"""Bad input, generated: Hypothesis drives the public form, the status page, the short-code
check and the API with arbitrary text and unicode, huge values, missing and repeated
fields, wrong types and malformed dates.

What must hold for every input: never a 500; a refused form stores nothing (no inquiry,
no event, no mail) and shows each text the person typed back in its field, with a reason;
an accepted one stores exactly one inquiry, as typed. The examples Hypothesis once found
failing are pinned with ``@example``.
"""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from sqlalchemy import func, select
from test_inquiry_form import FormPage, valid_form

from tracker.choices import Role
from tracker.desk.forms import parse_local
from tracker.extensions import db
from tracker.models import Inquiry, InquiryEvent, Mission, OutboxMessage, User
from tracker.public.forms import parse_local_time

FORM_URL = "/missions/kazakhstan-2015/inquire"
DURING = "2015-01-20T10:00:00+06:00"
# Fields whose typed text the form shows again as it was typed (stripped of spaces).
TEXT_FIELDS = ("name", "outlet", "email", "phone", "subject", "message", "deadline")
# Modest per-test budgets: the suite runs twice in CI (SQLite and PostgreSQL).
FUZZ = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any character a browser can send: everything but lone surrogates, which have no UTF-8
# form (a body carrying their bytes anyway is tested below).
characters = st.characters(exclude_categories=("Cs",))
any_text = st.text(characters, max_size=60)
# Text past the fields' limits without generating every character one by one.
huge_text = st.builds(
    lambda piece, times: piece * times,
    st.text(characters, min_size=1, max_size=3),
    st.integers(100, 3000),
)
markup = st.sampled_from(
    ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&amp;", "=1+1", "'; --"]
)
tricky_dates = st.one_of(
    st.sampled_from(
        [
            "2015-02-30T10:00",
            "2015-01-20T25:00",
            "0001-01-01T00:00",
            "9999-12-31T23:59",
            "2015-03-29T02:30",
            "2016-01-20T10:00",
            "2015-01-20",
            "20150120T1000",
            "now",
        ]
    ),
    st.datetimes().map(lambda moment: moment.strftime("%Y-%m-%dT%H:%M")),
)


def odd_value(name: str) -> st.SearchStrategy[Any]:
    """Something other than the valid value: odd text, missing (None) or repeated (list)."""
    odd = [any_text, huge_text, markup, st.just(""), st.just(" \t\n ")]
    if name == "deadline":
        odd.append(tricky_dates)
    single = st.one_of(*odd)
    both = st.one_of(st.just(valid_form()[name]), single)
    return st.one_of(single, st.just(None), st.lists(both, min_size=2, max_size=3))


FIELDS = [name for name in valid_form() if name != "website"]


@st.composite
def form_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A valid submission with up to four fields made odd, so that both outcomes occur."""
    fields: dict[str, Any] = {name: valid_form()[name] for name in FIELDS}
    for name in draw(st.lists(st.sampled_from(FIELDS), unique=True, max_size=4)):
        fields[name] = draw(odd_value(name))
    return fields


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return tuple(  # type: ignore[return-value]
        db.session.scalar(select(func.count()).select_from(model)) or 0
        for model in (Inquiry, InquiryEvent, OutboxMessage)
    )


def first(value: Any) -> str | None:
    """What WTForms reads from a field sent once, several times, or not at all."""
    if isinstance(value, list):
        return value[0] if value else None
    return value


@pytest.fixture
def during(app: Flask, mission: Mission, set_now: Callable[[str], datetime]) -> Mission:
    set_now(DURING)
    return mission


@FUZZ
@given(fields=form_fields())
@example(fields={**valid_form(), "name": "Aigerim\x00Nurlanovna"}).via("NUL in a text field")
@example(fields={**valid_form(), "message": "a\x00"}).via("NUL at the end")
@example(fields={**valid_form(), "deadline": "0001-01-01T00:00"}).via("year 1")
@example(fields={**valid_form(), "deadline": "9999-12-31T23:59"}).via("year 9999")
@example(fields={**valid_form(), "subject": "x" * 201}).via("one past the limit")
@example(fields={**valid_form(), "email": ["a@example.kz", "b@example.kz"]}).via("repeated")
def test_the_form_never_fails_and_keeps_what_was_typed(
    client: FlaskClient, during: Mission, fields: dict[str, Any]
) -> None:
    sent = {name: value for name, value in fields.items() if value is not None}
    before = counts()
    response = client.post(FORM_URL, data=sent)
    event(f"status {response.status_code}")
    assert response.status_code in (303, 413, 422), response.status_code
    if response.status_code == 303:
        assert counts()[0] == before[0] + 1
        stored = db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc())).first()
        assert stored is not None
        for name in ("name", "outlet", "subject", "message"):
            assert getattr(stored, name) == first(sent[name]).strip(), name
        return
    assert counts() == before, "a refused form stored something"
    if response.status_code == 413:
        return
    page = FormPage(response.get_data(as_text=True))
    assert page.error_ids, "refused without saying why"
    for name in TEXT_FIELDS:
        typed = first(sent.get(name)) or ""
        assert page.values.get(name, "") == typed.strip(), name


def typed_text(limit: int) -> st.SearchStrategy[str]:
    """Text a person could type into a field: any character but NUL, not blank."""
    allowed = st.characters(exclude_categories=("Cs",), exclude_characters="\x00")
    return st.text(allowed, min_size=1, max_size=limit).filter(str.strip)


@FUZZ
@given(
    name=typed_text(200),
    outlet=typed_text(200),
    subject=typed_text(200),
    message=typed_text(400),
)
@example(name="Ержан Қасымов", outlet="Қазақстан", subject="ⅰ\u2028ⅱ", message="\r\n\x0b x")
@example(name="x" * 200, outlet="\U0001f4f0" * 200, subject="<b>", message="&amp;")
def test_any_text_within_the_limits_is_stored_and_shown_as_typed(
    client: FlaskClient, during: Mission, name: str, outlet: str, subject: str, message: str
) -> None:
    typed = {"name": name, "outlet": outlet, "subject": subject, "message": message}
    response = client.post(FORM_URL, data=valid_form(**typed))
    assert response.status_code == 303, FormPage(response.get_data(as_text=True)).texts
    stored = db.session.scalars(select(Inquiry).order_by(Inquiry.id.desc())).first()
    assert stored is not None
    for field, text in typed.items():
        assert getattr(stored, field) == text.strip(), field
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert str(escape(subject.strip())) in receipt


@pytest.mark.parametrize("text", ["0001-01-01T00:00", "9999-12-31T23:59", "1989-12-31T23:59"])
def test_dates_far_off_are_refused_not_overflowed(text: str) -> None:
    """Year 1 in UTC+6 is before year 1 in UTC: converting it used to raise OverflowError."""
    with pytest.raises(ValueError, match="year between 1990 and 2100"):
        parse_local_time(text, "Asia/Almaty", "the deadline")
    with pytest.raises(ValueError, match="year between 1990 and 2100"):
        parse_local(text, "America/Los_Angeles")


@pytest.mark.parametrize("field", ["name", "email", "deadline", "media_type", "consent"])
def test_a_file_instead_of_text_is_refused(
    client: FlaskClient, during: Mission, field: str
) -> None:
    """Flask-WTF hands a file to the field of its name; its validators used to fail (500)."""
    data: dict[str, Any] = valid_form()
    data[field] = (io.BytesIO(b"<script>alert(1)</script>"), "inquiry.txt")
    before = counts()
    response = client.post(FORM_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "takes no files" in response.get_data(as_text=True)
    assert counts() == before


def test_a_body_past_the_limit_is_413_and_stores_nothing(
    client: FlaskClient, during: Mission
) -> None:
    before = counts()
    response = client.post(FORM_URL, data=valid_form(message="x" * 1_100_000))
    assert response.status_code == 413
    assert counts() == before


def test_json_instead_of_a_form_is_refused(client: FlaskClient, during: Mission) -> None:
    """Flask-WTF reads a JSON body as the form: an object where text is expected was a 500."""
    before = counts()
    response = client.post(FORM_URL, json={**valid_form(), "email": {"x": 1}, "name": ["a"]})
    assert response.status_code == 415
    assert "not as JSON" in response.get_data(as_text=True)
    assert counts() == before


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/login", {"email": "manon\x00@ohchr.test", "password": "x"}),
        ("/inquiries/KAZ15-0001/notes", {"text": "call back\x00", "version": "1"}),
    ],
)
def test_a_nul_elsewhere_is_a_400_before_any_lookup(
    client: FlaskClient, during: Mission, url: str, data: dict[str, str]
) -> None:
    """PostgreSQL cannot even compare a NUL: every other form refuses it before a view."""
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_a_body_that_is_not_utf8_is_refused_politely(client: FlaskClient, during: Mission) -> None:
    """Lone surrogates (here as their CESU bytes) and stray bytes cannot reach the database."""
    fields = valid_form(name="")
    body = urlencode(fields).encode() + b"&name=%ED%A0%80%FF%C3"
    before = counts()
    response = client.post(FORM_URL, data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code in (303, 422)
    if response.status_code == 422:
        assert counts() == before
    else:
        stored = db.session.scalars(select(Inquiry)).one()
        assert "\ud800" not in stored.name


@FUZZ
@given(token=st.text(characters, max_size=80), received=any_text)
@example(token="\x00", received="1").via("NUL in the token")
@example(token="a" * 5000, received="").via("a huge token")
def test_unknown_status_links_are_404(
    client: FlaskClient, during: Mission, token: str, received: str
) -> None:
    url = f"/status/{quote(token, safe='')}?{urlencode({'received': received})}"
    response = client.get(url)
    # A NUL is refused before any lookup (PostgreSQL could not even compare it).
    expected = (400,) if "\x00" in token + received else (404, 308)
    assert response.status_code in expected, response.status_code


# Each generated code from an address of its own: the lock-out is tested elsewhere.
CLIENTS = itertools.count(1)


@FUZZ
@given(code=st.one_of(any_text, huge_text, markup))
@example(code="\x00").via("NUL in the code")
@example(code="KAZ15-0001-" + "X" * 40).via("a reference and too much")
def test_any_wrong_code_is_refused_next_to_its_field_never_a_500(
    client: FlaskClient, during: Mission, code: str
) -> None:
    number = next(CLIENTS)
    client.environ_base["REMOTE_ADDR"] = (
        f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
    )
    response = client.post("/status", data={"code": code})
    assert response.status_code == 422, response.status_code
    page = response.get_data(as_text=True)
    assert 'id="code-error"' in page
    if "\x00" not in code and code.strip():
        assert f'value="{escape(code.strip())}"' in page, "what was typed is shown back"


instants = st.one_of(
    any_text,
    markup,
    st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
    st.datetimes().map(datetime.isoformat),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "9999-12-31T23:59:59-12:00",
            "2015-01-19T09:00:00 06:00",
            "2015-01-19T09:00:00+24:00",
            "2015-01-19T09:00:00Z",
        ]
    ),
)


@FUZZ
@given(
    slug=st.one_of(st.just("kazakhstan-2015"), any_text),
    at=st.one_of(st.none(), instants),
    topic=st.one_of(st.none(), st.sampled_from(["mission", "other_experts"]), any_text),
)
@example(slug="\x00", at=None, topic=None).via("NUL in the slug")
@example(slug="kazakhstan-2015", at="0001-01-01T00:00:00+14:00", topic=None).via("year 1")
@example(slug="kazakhstan-2015", at="9999-12-31T23:59:59-12:00", topic=None).via("year 9999")
def test_the_contacts_api_answers_json_whatever_it_is_asked(
    client: FlaskClient, during: Mission, slug: str, at: str | None, topic: str | None
) -> None:
    query = urlencode(
        {key: value for key, value in (("at", at), ("topic", topic)) if value is not None}
    )
    response = client.get(f"/api/v1/missions/{quote(slug, safe='')}/contacts?{query}")
    assert response.status_code in (200, 400, 404, 308), response.status_code
    if response.status_code in (400, 404):
        assert response.is_json and response.get_json()["error"]


@pytest.fixture
def manager(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> FlaskClient:
    return login(make_user(role=Role.MANAGER))


dates = st.one_of(
    any_text,
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["2015-02-30", "0001-01-01", "9999-12-31", "1990-01-01", "2100-12-31"]),
)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["mission", "from", "to"]),
        st.one_of(dates, st.just("kazakhstan-2015"), st.lists(dates, min_size=2, max_size=2)),
    )
)
@example(params={"mission": "\x00"}).via("NUL in the mission")
@example(params={"from": "1990-01-01", "to": "2100-12-31"}).via("the widest period")
def test_the_stats_api_answers_json_whatever_it_is_asked(
    manager: FlaskClient, during: Mission, params: dict[str, Any]
) -> None:
    response = manager.get(f"/api/v1/stats?{urlencode(params, doseq=True)}")
    assert response.status_code in (200, 400, 404), response.status_code
    body = response.get_json()
    assert body is not None
    if response.status_code != 200:
        assert body["error"]
