"""The mail that inquiries cause: who gets what, in which language, in which transaction.

Nothing is sent here: these tests read the outbox, where every mail is written in the
transaction of the change that causes it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from conftest import journalist_request
from flask import Flask
from sqlalchemy import select

from tracker import links
from tracker.choices import Channel, RequestType, ResponseChannel, Role, Topic
from tracker.extensions import db
from tracker.inquiries import assignment, intake, responses, sensitivity
from tracker.inquiries.intake import Receipt
from tracker.mail import messages, notices, outbox, sealing
from tracker.mail.sealing import CannotUnseal, Sealer
from tracker.models import Inquiry, InquiryEvent, Mission, OutboxMessage, OutboxStatus, User

MakeInquiry = Callable[..., Receipt]
MakeUser = Callable[..., User]
RECEIVED = datetime.fromisoformat("2015-01-20T10:00:00+06:00")


def mail(kind: str | None = None) -> list[OutboxMessage]:
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        statement = statement.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(statement))


# --- The acknowledgement --------------------------------------------------------------


def test_the_acknowledgement_gives_reference_contact_phone_and_status_link(
    app: Flask, make_inquiry: MakeInquiry
) -> None:
    receipt = make_inquiry(language="en")

    [ack] = mail(notices.ACKNOWLEDGEMENT)

    reference = receipt.inquiry.reference
    assert ack.to_address == "aigerim@example.kz"
    assert ack.subject == f"Your inquiry {reference} has been received"
    assert ack.inquiry_id == receipt.inquiry.id
    for body in (ack.body_text, ack.body_html):
        assert reference in body
        assert "Leila Duisekova" in body
        assert "+7 7172 69 65 50 ext. 2293" in body
        assert f"http://tracker.test/status/{sealing.PLACEHOLDER}" in body
        opened = Sealer.from_config(app.config).fill(body, ack.sealed_secret)
        assert f"http://tracker.test/status/{receipt.status_token}" in opened
    assert "calendar" not in ack.body_text  # only for accreditation requests
    assert ack.status is OutboxStatus.PENDING and ack.attempts == 0
    assert ack.next_attempt_at == RECEIVED


def test_the_acknowledgement_is_in_russian_for_a_russian_speaker(
    make_inquiry: MakeInquiry,
) -> None:
    receipt = make_inquiry(language="ru", deadline=RECEIVED + timedelta(hours=5))

    [ack] = mail(notices.ACKNOWLEDGEMENT)

    assert ack.subject == f"Ваш запрос {receipt.inquiry.reference} получен"
    assert "Номер вашего запроса" in ack.body_text
    assert "20 января 2015, 15:00 (Asia/Almaty, UTC+6)" in ack.body_text
    assert '<html lang="ru">' in ack.body_html
    assert "Вам ответит" in ack.body_html


def test_a_language_without_a_translation_gets_english(make_inquiry: MakeInquiry) -> None:
    make_inquiry(language="fr")

    [ack] = mail(notices.ACKNOWLEDGEMENT)

    assert ack.subject.startswith("Your inquiry ")
    assert '<html lang="en">' in ack.body_html


def test_an_accreditation_acknowledgement_links_the_calendar_and_gives_the_conference(
    make_inquiry: MakeInquiry,
) -> None:
    make_inquiry(language="en", request_type=RequestType.ACCREDITATION)

    [ack] = mail(notices.ACKNOWLEDGEMENT)

    link = "http://tracker.test/missions/kazakhstan-2015/events.ics"
    assert link in ack.body_text and f'href="{link}"' in ack.body_html
    assert "End-of-mission press conference: Tue 27 Jan 2015, 11:00 (Asia/Almaty, UTC+6)" in (
        ack.body_text
    )


def test_no_acknowledgement_without_an_email_address(make_inquiry: MakeInquiry) -> None:
    make_inquiry(email=None, phone="+77011234567")

    assert mail(notices.ACKNOWLEDGEMENT) == []


def test_journalists_text_is_escaped_in_the_html_part(make_inquiry: MakeInquiry) -> None:
    make_inquiry(language="en", name="<script>alert(1)</script>")

    [ack] = mail(notices.ACKNOWLEDGEMENT)

    assert "<script>" not in ack.body_html
    assert "&lt;script&gt;" in ack.body_html
    assert "<script>alert(1)</script>" in ack.body_text  # plain text needs no escaping


def test_a_subject_is_one_line_whatever_the_journalist_typed(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    make_user(contact="leila-duisekova", email="leila@ohchr.test")
    make_inquiry(subject="Line one\r\nBcc: victim@example.org")

    [notice] = mail(notices.NEW_INQUIRY)

    assert "\n" not in notice.subject and "\r" not in notice.subject


# --- The new-inquiry notice -----------------------------------------------------------


def test_the_notice_goes_to_the_accounts_linked_to_the_routed_contact(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    make_user(contact="leila-duisekova", email="leila@ohchr.test")
    make_user(role=Role.MANAGER, email="boss@ohchr.test")
    make_user(contact="karen-blanc", email="karen@ohchr.test")

    receipt = make_inquiry()

    [notice] = mail(notices.NEW_INQUIRY)
    assert notice.to_address == "leila@ohchr.test"
    assert notice.subject == f"New inquiry {receipt.inquiry.reference}: Interview request"
    assert "A new inquiry was routed to you." in notice.body_text
    assert f"http://tracker.test/inquiries/{receipt.inquiry.reference}" in notice.body_html


def test_without_a_linked_account_the_managers_get_the_notice(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    make_user(role=Role.MANAGER, email="boss@ohchr.test")
    make_user(role=Role.MANAGER, email="deputy@ohchr.test")
    make_user(role=Role.MANAGER, email="retired@ohchr.test", active=False)
    make_user(email="officer@ohchr.test")

    make_inquiry()

    notices_sent = mail(notices.NEW_INQUIRY)
    assert [n.to_address for n in notices_sent] == ["boss@ohchr.test", "deputy@ohchr.test"]
    assert "no account in the tracker" in notices_sent[0].body_text


def test_the_notice_shows_times_in_the_officers_zone(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    make_user(contact="leila-duisekova", email="leila@ohchr.test", timezone="Asia/Almaty")

    make_inquiry()

    [notice] = mail(notices.NEW_INQUIRY)
    assert "Received: Tue 20 Jan 2015, 10:00 (Asia/Almaty, UTC+6)" in notice.body_text


def test_an_imported_inquiry_queues_no_mail(
    mission: Mission, make_user: MakeUser, make_inquiry: MakeInquiry
) -> None:
    make_user(contact="leila-duisekova")

    make_inquiry(channel=Channel.IMPORT)

    assert mail() == []


def test_the_mail_is_written_in_the_transaction_of_the_inquiry(
    app: Flask, mission: Mission, make_user: MakeUser
) -> None:
    make_user(contact="leila-duisekova")
    intake.receive(mission, journalist_request(), channel=Channel.WEB_FORM, received_at=RECEIVED)
    assert len(mail()) == 2  # in the session, not yet committed
    db.session.rollback()

    assert mail() == []
    # ...and so are the inquiry and its timeline: both, or neither.
    assert db.session.scalars(select(Inquiry)).all() == []
    assert db.session.scalars(select(InquiryEvent)).all() == []


def test_a_call_logged_at_the_desk_is_acknowledged_too(
    make_inquiry: MakeInquiry,
) -> None:
    make_inquiry(channel=Channel.PHONE, topic=Topic.OTHER_EXPERTS)

    [ack] = mail(notices.ACKNOWLEDGEMENT)
    assert "Xabier Celaya" in ack.body_text


# --- A logged response ----------------------------------------------------------------


@pytest.fixture
def officer(make_user: MakeUser) -> User:
    return make_user(name="Leila Duisekova", contact="leila-duisekova", email="leila@ohchr.test")


def test_a_response_by_phone_is_confirmed_to_the_journalist_in_writing(
    make_inquiry: MakeInquiry, officer: User
) -> None:
    inquiry = make_inquiry().inquiry
    answered_at = RECEIVED + timedelta(hours=1)

    responses.log_response(
        inquiry, officer, answered_at, channel=ResponseChannel.PHONE, said="Interview agreed"
    )
    db.session.commit()

    [notice] = mail(notices.RESPONSE)
    assert notice.to_address == "aigerim@example.kz"
    assert notice.subject == f"Ваш запрос {inquiry.reference}: пресс-служба ответила"
    assert "по телефону" in notice.body_text and "по телефону" in notice.body_html
    assert "20 января 2015, 11:00" in notice.body_text
    assert "Interview agreed" not in notice.body_text  # what was said stays on the desk


def test_an_answer_by_email_needs_no_second_mail(make_inquiry: MakeInquiry, officer: User) -> None:
    inquiry = make_inquiry().inquiry

    responses.log_response(inquiry, officer, RECEIVED, channel=ResponseChannel.EMAIL, said="x")

    assert mail(notices.RESPONSE) == []


def test_a_journalist_at_risk_gets_no_mail_about_the_response(
    make_inquiry: MakeInquiry, officer: User
) -> None:
    inquiry = make_inquiry().inquiry
    assignment.claim(inquiry, officer, RECEIVED)
    sensitivity.set_sensitive(inquiry, officer, RECEIVED, sensitive=True)

    responses.log_response(inquiry, officer, RECEIVED, channel=ResponseChannel.PHONE, said="x")

    assert mail(notices.RESPONSE) == []


def test_the_first_response_withdraws_a_queued_deadline_reminder(
    app: Flask, make_inquiry: MakeInquiry, officer: User
) -> None:
    inquiry = make_inquiry().inquiry
    rendered = messages.Rendered("Deadline near", "text", "<p>html</p>")
    outbox.enqueue_once(
        key="deadline:test",
        kind=notices.DEADLINE_REMINDER,
        to="leila@ohchr.test",
        message=rendered,
        now=RECEIVED,
        inquiry_id=inquiry.id,
    )
    db.session.commit()

    responses.log_response(inquiry, officer, RECEIVED, channel=ResponseChannel.EMAIL, said="x")
    db.session.commit()

    [reminder] = mail(notices.DEADLINE_REMINDER)
    assert reminder.status is OutboxStatus.CANCELLED
    assert "a response was logged" in (reminder.last_error or "")


# --- Rendering ------------------------------------------------------------------------


def test_every_message_kind_has_a_text_and_an_html_template(app: Flask) -> None:
    loader_names = set(app.jinja_env.list_templates())
    kinds = [
        notices.ACKNOWLEDGEMENT,
        notices.NEW_INQUIRY,
        notices.RESPONSE,
        notices.DEADLINE_REMINDER,
        notices.FOLLOW_UP_DUE,
        notices.DIGEST,
    ]
    for kind in kinds:
        # One template translated with _() (the journalist's mail), or one per language.
        translated = {f"mail/{kind}.txt", f"mail/{kind}.html"}
        english = {f"mail/{kind}.en.txt", f"mail/{kind}.en.html"}
        assert translated <= loader_names or english <= loader_names, kind


@pytest.mark.parametrize(
    ("preferred", "expected"),
    [("ru", "ru"), ("RU", "ru"), ("en", "en"), ("zh", "en"), (None, "en")],
)
def test_language_for_falls_back_to_english(preferred: str | None, expected: str) -> None:
    assert messages.language_for(preferred) == expected


def test_links_in_mail_from_a_command_use_the_public_address(app: Flask) -> None:
    """No request, and SERVER_NAME gone since start-up: the address settled then holds
    (tests/test_public_links.py has the rest)."""
    app.config["SERVER_NAME"] = None

    link = links.external_url("public.mission", slug="kazakhstan-2015")

    assert link == "http://tracker.test/missions/kazakhstan-2015"


def test_a_sealed_secret_opens_only_with_the_same_secret_key() -> None:
    sealer = Sealer("a-secret-key-of-the-office-0123")
    sealed = sealer.seal("the-status-token")

    assert "the-status-token" not in sealed
    assert sealer.unseal(sealed) == "the-status-token"
    with pytest.raises(CannotUnseal):
        Sealer("another-secret-key-of-the-office").unseal(sealed)
    with pytest.raises(CannotUnseal):
        sealer.unseal(sealed[:-4] + "AAAA")


def test_fill_puts_the_secret_where_the_placeholder_is() -> None:
    sealer = Sealer("a-secret-key-of-the-office-0123")
    body = f"Link: https://x.test/status/{sealing.PLACEHOLDER}\n"

    assert sealer.fill(body, sealer.seal("T0KEN")) == "Link: https://x.test/status/T0KEN\n"
    assert sealer.fill("no link", sealer.seal("T0KEN")) == "no link"
    assert sealer.fill(body, None) == body
