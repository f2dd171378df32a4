"""The journalist's private status page, /status/<token>.

It shows what the journalist may know (status in public words, subject, times in the
mission's zone, who answers, the last public update) and nothing of the desk's workings.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tracker.choices import ActorType, Status, Topic
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, InquiryEvent

MakeInquiry = Callable[..., Receipt]

BEFORE = "2015-01-16T12:00:00+06:00"
DURING = "2015-01-20T10:00:00+06:00"


def status_page(client: FlaskClient, token: str) -> str:
    response = client.get(f"/status/{token}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def fact(page: str, term: str) -> str:
    """The text of the ``<dd>`` that follows ``<dt>term</dt>``."""
    found = re.search(rf"<dt>{re.escape(term)}</dt><dd[^>]*>(.*?)</dd>", page, re.S)
    assert found, f"the page does not say {term!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).split())


def add_event(inquiry: Inquiry, at: str, summary: str, *, public: bool) -> None:
    inquiry.events.append(
        InquiryEvent(
            at=datetime.fromisoformat(at),
            actor_type=ActorType.USER,
            kind="note" if not public else "update",
            public=public,
            summary=summary,
        )
    )
    db.session.commit()


def test_status_page_shows_what_the_journalist_may_know(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(received_at=DURING, subject="Interview on the new Criminal Code")
    page = status_page(client, receipt.status_token)
    assert '<h1>Inquiry <span class="reference">KAZ15-0001</span></h1>' in page
    assert "Your inquiry has been received" not in page
    assert fact(page, "Status") == "Received: waiting for a press officer"
    assert fact(page, "Subject") == "Interview on the new Criminal Code"
    assert fact(page, "Received") == "Tue 20 Jan 2015, 10:00 (Asia/Almaty, UTC+6)"
    assert fact(page, "Last update") == (
        "Inquiry received (web form), Tue 20 Jan 2015, 10:00 (Asia/Almaty, UTC+6)"
    )
    assert '<p class="contact-name">Leila Duisekova</p>' in page
    assert '<a href="tel:+7-7172-69-65-50;ext=2293">+7 7172 69 65 50 ext. 2293</a>' in page
    assert "Your deadline" not in page


def test_received_time_is_shown_in_the_missions_zone_after_the_2024_change(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(received_at="2026-07-01T20:30:00+00:00")
    page = status_page(client, receipt.status_token)
    assert fact(page, "Received") == "Thu 2 Jul 2026, 01:30 (Asia/Almaty, UTC+5)"


def test_deadline_is_shown_in_the_zone_the_journalist_gave(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(
        deadline=datetime.fromisoformat("2015-01-20T06:00:00+00:00"), deadline_tz="Europe/Zurich"
    )
    page = status_page(client, receipt.status_token)
    assert fact(page, "Your deadline") == "Tue 20 Jan 2015, 07:00 (Europe/Zurich, UTC+1)"


def test_last_update_is_the_latest_public_event(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(received_at=DURING)
    add_event(
        receipt.inquiry, "2015-01-20T12:00:00+06:00", "Interview offered for tomorrow", public=True
    )
    add_event(
        receipt.inquiry,
        "2015-01-20T13:00:00+06:00",
        "Internal: check the outlet with the Astana office",
        public=False,
    )
    page = status_page(client, receipt.status_token)
    assert fact(page, "Last update") == (
        "Interview offered for tomorrow, Tue 20 Jan 2015, 12:00 (Asia/Almaty, UTC+6)"
    )
    assert "Internal: check the outlet" not in page


@pytest.mark.parametrize(
    ("received_at", "topic", "contact"),
    [
        (DURING, Topic.MISSION, "Leila Duisekova"),
        (BEFORE, Topic.MISSION, "Thibaut Guillet"),
        (DURING, Topic.OTHER_EXPERTS, "Xabier Celaya"),
    ],
)
def test_status_page_never_shows_how_the_desk_routed_it(
    client: FlaskClient, make_inquiry: MakeInquiry, received_at: str, topic: Topic, contact: str
) -> None:
    receipt = make_inquiry(received_at=received_at, topic=topic)
    reason = receipt.inquiry.routing_reason
    assert contact in reason
    page = html.unescape(status_page(client, receipt.status_token))
    assert f'<p class="contact-name">{contact}</p>' in page
    assert reason not in page
    assert reason.split(" → ")[0] not in page
    assert "Routed" not in page
    assert "→" not in page


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Status.IN_PROGRESS, "A press officer is handling it"),
        (Status.AWAITING_SIGN_OFF, "A press officer is handling it"),
        (Status.AWAITING_JOURNALIST, "Waiting for your reply"),
        (Status.ANSWERED, "Answered"),
        (Status.SPAM, "Closed"),
        (Status.DUPLICATE, "Merged with another of your inquiries"),
        (Status.REFERRED, "Passed on to another office"),
    ],
)
def test_status_is_told_in_public_words(
    client: FlaskClient, make_inquiry: MakeInquiry, status: Status, words: str
) -> None:
    receipt = make_inquiry()
    receipt.inquiry.status = status
    db.session.commit()
    page = status_page(client, receipt.status_token)
    assert fact(page, "Status") == words
    assert "spam" not in page.lower()
    assert "sign-off" not in page.lower()


@pytest.mark.parametrize("mangle", [lambda t: "x" * 43, lambda t: t[:-1], lambda t: t.upper()])
def test_unknown_token_is_a_helpful_404_page(
    client: FlaskClient, make_inquiry: MakeInquiry, mangle: Callable[[str], str]
) -> None:
    receipt = make_inquiry()
    response = client.get(f"/status/{mangle(receipt.status_token)}")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "This status link is not known. Check that it was copied whole." in page
    assert "KAZ15-0001" not in page


def test_status_page_keeps_its_address_private(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry()
    for url in (f"/status/{receipt.status_token}", f"/status/{receipt.status_token}?received=1"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response.headers["Cache-Control"]


def test_database_keeps_only_the_hash_of_the_token(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry()
    token = receipt.status_token
    assert len(token) >= 32
    stored = db.session.scalars(select(Inquiry.status_token_hash)).one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    everything = []
    for table in db.metadata.sorted_tables:
        everything.extend(repr(tuple(row)) for row in db.session.execute(select(table)))
    assert everything
    assert not [row for row in everything if token in row]
    # The hash is no key to the page: only the token itself opens it.
    assert client.get(f"/status/{stored}").status_code == 404
    assert client.get(f"/status/{token}").status_code == 200


@pytest.mark.parametrize("status", [Status.ANSWERED, Status.CLOSED, Status.DECLINED])
@pytest.mark.parametrize(
    ("language", "promise"), [("en", "will answer you"), ("ru", "Вам ответит")]
)
def test_a_finished_inquiry_promises_no_answer(
    client: FlaskClient, make_inquiry: MakeInquiry, status: Status, language: str, promise: str
) -> None:
    receipt = make_inquiry(received_at=DURING)
    receipt.inquiry.status = status
    db.session.commit()
    response = client.get(f"/status/{receipt.status_token}", headers={"Accept-Language": language})
    page = response.get_data(as_text=True)
    assert promise not in page
    assert "assign your inquiry" not in page
    # Whom to ask if they need more is still there.
    assert '<p class="contact-name">Leila Duisekova</p>' in page


def test_an_open_inquiry_still_says_who_will_answer(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(received_at=DURING)
    assert "Who will answer you" in status_page(client, receipt.status_token)


def test_answered_is_when_the_first_response_was_given_not_the_status_change(
    client: FlaskClient, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(received_at=DURING)
    inquiry = receipt.inquiry
    inquiry.first_response_at = datetime.fromisoformat("2015-01-20T11:15:00+06:00")
    inquiry.status = Status.ANSWERED
    inquiry.answered_at = datetime.fromisoformat("2015-01-21T09:00:00+06:00")
    db.session.commit()
    page = status_page(client, receipt.status_token)
    assert fact(page, "Answered") == "Tue 20 Jan 2015, 11:15 (Asia/Almaty, UTC+6)"
