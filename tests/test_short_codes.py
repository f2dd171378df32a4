"""Short codes: what a journalist on the phone notes down instead of a 43-character link.

The code is the reference and six characters from an alphabet without look-alikes, read
in any case and with or without dashes; the database keeps only its hash; it opens the
status page at /status, whose answer is the page itself (no token in any address); wrong
codes lock the client's address out.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import SECRET
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.choices import Status
from tracker.extensions import db
from tracker.inquiries import code_lookup, short_codes
from tracker.inquiries.intake import Receipt
from tracker.mail import notices, sealing
from tracker.mail.sealing import Sealer
from tracker.models import CodeLookupThrottle, Inquiry, OutboxMessage, User

MakeInquiry = Callable[..., Receipt]
SetNow = Callable[[datetime | str], datetime]

NOW = "2015-01-20T12:00:00+06:00"
CODE = re.compile(rf"^KAZ15-\d{{4}}-[{short_codes.ALPHABET}]{{6}}$")
JOURNALIST = "203.0.113.10"
NEIGHBOUR = "203.0.113.20"


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def check(client: FlaskClient, code: str) -> Any:
    return client.post("/status", data={"code": code})


# --- The code itself -------------------------------------------------------------------


def test_a_code_is_the_reference_and_six_characters_without_look_alikes() -> None:
    code = short_codes.code_for("KAZ15-0042", SECRET)
    assert CODE.match(code), code
    assert code.startswith("KAZ15-0042-")
    assert not set(code[-6:]) & set("0O1IL")
    assert code == short_codes.code_for("KAZ15-0042", SECRET), "the desk can show it again"
    assert code != short_codes.code_for("KAZ15-0043", SECRET)
    assert code != short_codes.code_for("KAZ15-0042", "another-secret-key-of-the-office")


def test_a_code_is_read_in_any_case_with_or_without_dashes_or_spaces() -> None:
    code = short_codes.code_for("KAZ15-0042", SECRET)
    stored = short_codes.code_hash(code)
    plain = code.replace("-", "")
    for typed in (code.lower(), plain, plain.lower(), f" {code[:5]} {code[6:10]} {code[11:]} "):
        assert short_codes.code_hash(typed) == stored, typed
    # A Cyrillic keyboard's К and А are read as the Latin letters they look like.
    assert short_codes.code_hash("КАZ" + code[3:]) == stored
    assert short_codes.code_hash(code[:-1]) != stored


def test_the_database_keeps_only_the_codes_hash(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry()
    assert CODE.match(receipt.short_code)
    inquiry = receipt.inquiry
    assert (
        inquiry.short_code_hash
        == hashlib.sha256(receipt.short_code.replace("-", "").encode()).hexdigest()
    )
    everything = []
    for table in db.metadata.sorted_tables:
        everything.extend(repr(tuple(row)) for row in db.session.execute(select(table)))
    code_alone = receipt.short_code.rsplit("-", 1)[1]
    assert not [row for row in everything if code_alone in row]


# --- /status: checking an inquiry by its code ----------------------------------------------


def test_the_code_opens_the_status_page_itself_with_no_token_in_sight(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(subject="Interview on the new Criminal Code")
    form = client.get("/status")
    assert form.status_code == 200
    assert 'name="code"' in form.get_data(as_text=True)
    typed = receipt.short_code.replace("-", "").lower()
    response = check(client, typed)
    assert response.status_code == 200, "the page itself, not a redirect"
    assert "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "Interview on the new Criminal Code" in page
    assert receipt.inquiry.reference in page
    assert receipt.status_token not in page
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_code_in_the_address_is_not_read(client: FlaskClient, make_inquiry: MakeInquiry) -> None:
    receipt = make_inquiry()
    page = client.get("/status", query_string={"code": receipt.short_code})
    assert page.status_code == 200
    assert receipt.inquiry.subject not in page.get_data(as_text=True)


def test_a_wrong_code_is_refused_next_to_the_field_keeping_what_was_typed(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry()
    wrong = receipt.short_code[:-1] + ("2" if receipt.short_code[-1] != "2" else "3")
    response = check(client, wrong)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = re.search(r'id="code-error">(.*?)</p>', page, re.S)
    assert error and "No inquiry has this code" in error.group(1)
    assert f'value="{wrong}"' in page
    assert receipt.inquiry.subject not in page
    empty = check(client, "")
    assert empty.status_code == 422
    assert "Enter the code you were given." in empty.get_data(as_text=True)


def test_wrong_codes_lock_the_address_out_for_an_hour_even_for_a_right_code(
    app: Flask, make_inquiry: MakeInquiry, set_now: SetNow
) -> None:
    receipt = make_inquiry()
    set_now(NOW)
    guesser = from_address(app, JOURNALIST)
    reference = receipt.inquiry.reference
    guesses = [f"{reference}-{n:06d}".replace("0", "2") + "X" for n in range(12)]
    answers = [check(guesser, guess).status_code for guess in guesses]
    assert answers == [422] * code_lookup.FREE_FAILURES + [429] * 2
    locked = check(guesser, receipt.short_code)
    assert locked.status_code == 429
    assert 1 <= int(locked.headers["Retry-After"]) <= 3600
    page = locked.get_data(as_text=True)
    assert "Too many wrong codes were typed from your address. Try again in 60 minutes" in page
    assert receipt.inquiry.subject not in page
    # Another address (the journalist's own) is not affected.
    assert check(from_address(app, NEIGHBOUR), receipt.short_code).status_code == 200
    # An hour later the right code works; the count is not cleared by it, so the next
    # wrong code locks the address out again at once.
    set_now(datetime.fromisoformat(NOW) + code_lookup.BLOCK + timedelta(seconds=1))
    assert check(guesser, receipt.short_code).status_code == 200
    assert check(guesser, guesses[0]).status_code == 422
    assert check(guesser, receipt.short_code).status_code == 429
    # A day without wrong codes forgets them, and the table keeps no address.
    set_now(datetime.fromisoformat(NOW) + timedelta(days=2))
    assert check(guesser, guesses[0]).status_code == 422
    keys = db.session.scalars(select(CodeLookupThrottle.key)).all()
    assert len(keys) == 1 and JOURNALIST not in keys[0]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_with_csrf_on_the_code_form_carries_its_token(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry()
    page = client.get("/status").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    refused = check(client, receipt.short_code)
    assert refused.status_code == 422
    assert receipt.inquiry.subject not in refused.get_data(as_text=True)
    sent = client.post("/status", data={"code": receipt.short_code, "csrf_token": token.group(1)})
    assert sent.status_code == 200
    assert receipt.inquiry.subject in sent.get_data(as_text=True)


def test_the_check_is_in_the_pages_language(client: FlaskClient, make_inquiry: MakeInquiry) -> None:
    make_inquiry()
    page = client.get("/status", headers={"Accept-Language": "ru"}).get_data(as_text=True)
    assert "Проверить запрос по коду" in page
    wrong = client.post(
        "/status", data={"code": "KAZ15-0001-222222"}, headers={"Accept-Language": "kk"}
    )
    assert "Мұндай коды бар сұрау жоқ" in wrong.get_data(as_text=True)


def test_the_mission_page_links_to_the_check(client: FlaskClient, mission: Any) -> None:
    page = client.get("/missions/kazakhstan-2015").get_data(as_text=True)
    assert 'href="/status"' in page and "Check an inquiry by its code" in page


# --- Where the code is given ---------------------------------------------------------------


def test_the_web_forms_receipt_gives_the_code(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry()
    page = client.get(f"/status/{receipt.status_token}?received=1").get_data(as_text=True)
    assert receipt.short_code in page
    later = client.get(f"/status/{receipt.status_token}").get_data(as_text=True)
    assert receipt.short_code not in later


def test_the_acknowledgement_carries_the_code_sealed_like_the_token(
    app: Flask, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(language="en")
    [ack] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == notices.ACKNOWLEDGEMENT)
    ).all()
    sealer = Sealer.from_config(app.config)
    for body in (ack.body_text, ack.body_html):
        assert receipt.short_code not in body
        assert sealing.CODE_PLACEHOLDER in body
        opened = sealer.fill(body, ack.sealed_secret)
        assert receipt.short_code in opened
        assert f"http://tracker.test/status/{receipt.status_token}" in opened
        assert "http://tracker.test/status" in opened
        assert sealing.CODE_PLACEHOLDER not in opened


def test_a_mail_sealed_before_codes_still_opens() -> None:
    sealer = Sealer(SECRET)
    body = f"/status/{sealing.PLACEHOLDER}"
    assert sealer.fill(body, sealer.seal("T0KEN")) == "/status/T0KEN"


def test_the_officer_gets_the_code_when_logging_the_call_and_on_the_inquiry_page(
    client: FlaskClient,
    mission: Any,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    set_now: SetNow,
) -> None:
    set_now(NOW)
    login(make_user(name="Leila Duisekova", contact="leila-duisekova", timezone="Asia/Almaty"))
    logged = client.post(
        "/inquiries/new",
        data={
            "mission": str(mission.id),
            "channel": "phone",
            "received_at": "2015-01-20T11:50",
            "name": "Marat Akhmetov",
            "outlet": "Khabar TV",
            "media_type": "tv",
            "country": "KZ",
            "phone": "8 701 123 4567",
            "language": "ru",
            "request_type": "interview",
            "topic": "mission",
            "subject": "Live interview tonight",
            "message": "Could the expert join the 20:00 news?",
            "deadline_tz": "Asia/Almaty",
        },
    )
    assert logged.status_code == 303
    inquiry = db.session.scalars(select(Inquiry)).one()
    code = short_codes.code_for(inquiry.reference, SECRET)
    page = client.get(logged.headers["Location"]).get_data(as_text=True)
    assert f"Code for the journalist to note down: {code}" in page
    # The page shows it again, after the flash has gone.
    again = client.get(logged.headers["Location"]).get_data(as_text=True)
    assert "Code for the journalist to note down" not in again
    assert code in again


def test_only_who_may_see_the_journalist_sees_the_code(
    client: FlaskClient,
    make_inquiry: MakeInquiry,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
) -> None:
    receipt = make_inquiry()
    holder = make_user(name="Leila Duisekova")
    inquiry = receipt.inquiry
    inquiry.sensitive, inquiry.assignee, inquiry.status = True, holder, Status.ASSIGNED
    db.session.commit()
    login(make_user(name="Karen Blanc"))
    page = client.get(f"/inquiries/{inquiry.reference}").get_data(as_text=True)
    assert receipt.short_code not in page
    login(holder)
    assert receipt.short_code in client.get(f"/inquiries/{inquiry.reference}").get_data(
        as_text=True
    )
