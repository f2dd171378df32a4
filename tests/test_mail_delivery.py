"""Delivery through a real SMTP server: aiosmtpd on a free port of 127.0.0.1.

The server is started by a fixture and can be stopped and started again on the same port,
so the tests show what happens to queued mail while the mail server is down.
"""

from __future__ import annotations

import email
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from conftest import on_postgresql
from flask import Flask, current_app
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from tracker.choices import Role
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.mail import outbox, sealing, sender
from tracker.mail.sealing import Sealer
from tracker.mail.smtp import SmtpSettings, SmtpTransport
from tracker.models import OutboxMessage, OutboxStatus, User

DURING = "2015-01-20T10:00:00+06:00"
SENDER = "UN Human Rights press office <press@ohchr.test>"


class Inbox:
    """An aiosmtpd handler that keeps every mail it accepts.

    Recipients at bounce.test are refused for good (550), at later.test for now (450).
    """

    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address.endswith("@bounce.test"):
            return "550 5.1.1 No such mailbox"
        if address.endswith("@later.test"):
            return "450 4.2.1 Mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = email.message_from_bytes(content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.received.append((envelope.mail_from or "", list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """The mails received for ``address``."""
        with self.lock:
            return [mail for _, rcpts, mail in self.received if address in rcpts]


def free_port() -> int:
    """A port nobody listens on now, on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """aiosmtpd in its own thread, which a test can stop and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def app_config(smtp: SmtpServer) -> dict[str, Any]:
    return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp.port, "MAIL_DEFAULT_SENDER": SENDER}


def rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def send(transport: Any, now: datetime) -> Counter[str]:
    """One round of the sender at ``now``, as `outbox send` runs it."""
    sealer = Sealer.from_config(current_app.config)
    return sender.send_due(transport, SENDER, lambda: now, sealer=sealer)


def form(**overrides: str) -> dict[str, str]:
    """A valid submission of the public inquiry form."""
    values = {
        "name": "Aigerim Nurlanovna",
        "outlet": "Vlast.kz",
        "media_type": "online",
        "country": "KZ",
        "email": "aigerim@example.kz",
        "phone": "",
        "language": "en",
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
    return values


def parts(mail: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML parts of a received mail."""
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


# --- The whole way: a journalist submits, the sender runs, the server receives --------


def test_a_submitted_inquiry_delivers_the_acknowledgement_and_the_officers_notice(
    client: Any,
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    mission: Any,
    make_user: Callable[..., User],
    set_now: Callable[[str], datetime],
) -> None:
    set_now(DURING)
    make_user(contact="leila-duisekova", email="leila@ohchr.test", name="Leila Duisekova")
    response = client.post("/missions/kazakhstan-2015/inquire", data=form())
    assert response.status_code == 303

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "sent 2" in result.output
    reference = rows()[0].inquiry.reference
    [ack] = smtp.inbox.to("aigerim@example.kz")
    assert ack["Subject"] == f"Your inquiry {reference} has been received"
    assert "press@ohchr.test" in ack["From"]
    text, html = parts(ack)
    assert reference in text and reference in html
    assert "Leila Duisekova" in text and "+7 7172 69 65 50" in text
    assert "http://tracker.test/status/" in text and "http://tracker.test/status/" in html
    [notice] = smtp.inbox.to("leila@ohchr.test")
    assert notice["Subject"].startswith(f"New inquiry {reference}: ")
    notice_text, notice_html = parts(notice)
    assert f"http://tracker.test/inquiries/{reference}" in notice_text
    assert reference in notice_html
    assert [m.status for m in rows()] == [OutboxStatus.SENT, OutboxStatus.SENT]


def test_the_envelope_names_the_sender_and_only_the_recipient(
    runner: FlaskCliRunner, smtp: SmtpServer, make_inquiry: Callable[..., Receipt]
) -> None:
    make_inquiry()

    runner.invoke(args=["outbox", "send"])

    [(mail_from, rcpts, mail)] = smtp.inbox.received
    assert mail_from == "press@ohchr.test"
    assert rcpts == ["aigerim@example.kz"]
    assert mail["Message-ID"].startswith("<outbox.")


def test_the_status_token_waits_only_sealed_and_is_dropped_once_sent(
    runner: FlaskCliRunner, smtp: SmtpServer, make_inquiry: Callable[..., Receipt]
) -> None:
    receipt = make_inquiry()
    [queued] = rows()
    assert receipt.status_token not in repr(
        [getattr(queued, c.key) for c in OutboxMessage.__table__.columns]
    )
    assert f"/status/{sealing.PLACEHOLDER}" in queued.body_text

    runner.invoke(args=["outbox", "send"])

    [(_, _, ack)] = smtp.inbox.received
    text, html = parts(ack)
    assert f"http://tracker.test/status/{receipt.status_token}" in text
    assert f'href="http://tracker.test/status/{receipt.status_token}"' in html
    assert sealing.PLACEHOLDER not in text + html
    [sent] = rows()
    assert sent.sealed_secret is None


def test_a_token_sealed_under_another_secret_key_fails_with_the_reason(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    make_inquiry()
    app.config["SECRET_KEY"] = "another-secret-key-0123456789"

    outcomes = send(SmtpTransport(SmtpSettings.from_config(app.config)), now)

    assert outcomes == Counter(failed=1)
    [row] = rows()
    assert row.status is OutboxStatus.FAILED
    assert "was SECRET_KEY changed?" in (row.last_error or "")
    assert smtp.inbox.received == []


# --- The mail server is down ------------------------------------------------------------


def test_mail_queued_while_the_server_is_down_arrives_once_when_it_is_back(
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    make_inquiry: Callable[..., Receipt],
    set_now: Callable[[str], datetime],
) -> None:
    now = set_now(DURING)
    smtp.stop()
    receipt = make_inquiry()

    down = runner.invoke(args=["outbox", "send"])

    assert down.exit_code == 0, down.output
    assert "mail server unavailable" in down.output
    [row] = rows()
    assert row.status is OutboxStatus.PENDING
    assert row.attempts == 1
    assert row.last_error and "ConnectionRefusedError" in row.last_error
    assert row.next_attempt_at <= now + timedelta(seconds=30)

    smtp.start()
    too_soon = runner.invoke(args=["outbox", "send"])
    assert "sent 0" in too_soon.output  # the retry is not due yet
    set_now(now + timedelta(seconds=30))
    runner.invoke(args=["outbox", "send"])
    runner.invoke(args=["outbox", "send"])  # and again: nothing is sent twice

    received = smtp.inbox.to("aigerim@example.kz")
    assert len(received) == 1
    assert receipt.inquiry.reference in parts(received[0])[0]
    [row] = rows()
    assert row.status is OutboxStatus.SENT
    assert row.attempts == 2
    assert "ConnectionRefusedError" in (row.last_error or "")  # the history is kept


def test_with_the_server_down_a_round_stops_after_the_first_mail(
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    make_inquiry: Callable[..., Receipt],
    set_now: Callable[[str], datetime],
) -> None:
    set_now(DURING)
    smtp.stop()
    make_inquiry()
    make_inquiry()

    runner.invoke(args=["outbox", "send"])

    assert [row.attempts for row in rows()] == [1, 0]


def test_retries_back_off_then_give_up_keeping_the_last_error(
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    make_inquiry: Callable[..., Receipt],
    set_now: Callable[[str], datetime],
) -> None:
    now = set_now(DURING)
    make_inquiry(email="aigerim@later.test")
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        [row] = rows()
        now = set_now(row.next_attempt_at)
        runner.invoke(args=["outbox", "send"])
        [row] = rows()
        waits.append(row.next_attempt_at - now)

    [row] = rows()
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert row.last_error and "450" in row.last_error
    assert waits[0] <= timedelta(seconds=30)
    assert waits[:-1] == sorted(waits[:-1]) and waits[-2] >= timedelta(hours=12)
    assert smtp.inbox.received == []


def test_a_permanent_refusal_fails_at_once(
    runner: FlaskCliRunner, smtp: SmtpServer, make_inquiry: Callable[..., Receipt]
) -> None:
    make_inquiry(email="nobody@bounce.test")

    result = runner.invoke(args=["outbox", "send"])

    assert "failed 1" in result.output
    [row] = rows()
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 1
    assert "550" in (row.last_error or "")


def test_failed_mail_can_be_queued_again(
    runner: FlaskCliRunner, smtp: SmtpServer, make_inquiry: Callable[..., Receipt]
) -> None:
    make_inquiry(email="nobody@bounce.test")
    runner.invoke(args=["outbox", "send"])
    [row] = rows()

    refused = runner.invoke(args=["outbox", "retry", str(row.id + 100)])
    assert refused.exit_code != 0 and "not failed mail" in refused.output
    result = runner.invoke(args=["outbox", "retry", str(row.id)])

    assert result.exit_code == 0, result.output
    [row] = rows()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


# --- A sender that dies ---------------------------------------------------------------


# Another connection must see the claim.
@pytest.mark.real_commits
def test_a_claim_is_committed_before_the_smtp_call(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    make_inquiry()
    seen: list[tuple[OutboxStatus, int]] = []

    class Watching:
        def send(self, mail: EmailMessage) -> None:
            # What another connection sees at the moment of sending: the attempt is on disk.
            with db.engine.connect() as connection:
                row = connection.execute(select(OutboxMessage.status, OutboxMessage.attempts)).one()
            seen.append((OutboxStatus(row.status), row.attempts))

    send(Watching(), now)

    assert seen == [(OutboxStatus.SENDING, 1)]


def test_a_mail_left_sending_by_a_dead_sender_is_sent_again_with_a_trace(
    app: Flask,
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    make_inquiry: Callable[..., Receipt],
    set_now: Callable[..., datetime],
) -> None:
    now = set_now(DURING)
    make_inquiry()
    claimed = outbox.claim_next(now)  # the sender dies right after this
    assert claimed is not None

    runner.invoke(args=["outbox", "send"])
    assert smtp.inbox.received == []  # still leased to the dead sender
    set_now(now + outbox.LEASE)
    runner.invoke(args=["outbox", "send"])

    assert len(smtp.inbox.received) == 1
    [row] = rows()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    assert row.last_error == outbox.INTERRUPTED


def test_a_mail_whose_last_attempt_was_interrupted_is_failed_not_retried_for_ever(
    app: Flask,
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    make_inquiry: Callable[..., Receipt],
    set_now: Callable[..., datetime],
) -> None:
    now = set_now(DURING)
    make_inquiry()
    [row] = rows()
    row.attempts = outbox.MAX_ATTEMPTS - 1
    db.session.commit()
    assert outbox.claim_next(now) is not None  # the last attempt; it dies

    set_now(now + outbox.LEASE)
    result = runner.invoke(args=["outbox", "send"])

    assert "failed 1" in result.output
    [row] = rows()
    assert (row.status, row.attempts) == (OutboxStatus.FAILED, outbox.MAX_ATTEMPTS)
    assert row.last_error == outbox.INTERRUPTED
    assert smtp.inbox.received == []


def test_every_attempt_carries_the_same_message_id(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    make_inquiry()
    ids: list[str] = []

    class Flaky:
        def send(self, mail: EmailMessage) -> None:
            ids.append(mail["Message-ID"])
            if len(ids) == 1:
                from tracker.mail.smtp import ServerUnavailable

                raise ServerUnavailable("connection reset")

    send(Flaky(), now)
    later = now + timedelta(minutes=1)
    send(Flaky(), later)

    assert len(ids) == 2 and ids[0] == ids[1]


# --- Several senders at once ----------------------------------------------------------


# Senders in threads, each on its own connection.
@pytest.mark.real_commits
def test_concurrent_senders_never_send_a_mail_twice(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    for number in range(12):
        make_inquiry(email=f"journalist{number}@example.kz")
    settings = SmtpSettings.from_config(app.config)
    start = threading.Barrier(3)
    outcomes: list[Counter[str]] = []
    errors: list[BaseException] = []

    def run_sender() -> None:
        with app.app_context():
            try:
                start.wait()
                with SmtpTransport(settings) as transport:
                    outcomes.append(send(transport, now))
            except BaseException as error:  # reported below, not lost in the thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run_sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sum(c["sent"] for c in outcomes) == 12
    addresses = Counter(rcpt for _, rcpts, _ in smtp.inbox.received for rcpt in rcpts)
    assert len(addresses) == 12 and set(addresses.values()) == {1}
    assert {row.status for row in rows()} == {OutboxStatus.SENT}
    assert {row.attempts for row in rows()} == {1}


# A row lock held on another connection, a sender in a thread.
@pytest.mark.real_commits
@pytest.mark.skipif(not on_postgresql(), reason="row locks and SKIP LOCKED: PostgreSQL only")
def test_a_sender_skips_the_mail_another_sender_holds_without_waiting(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    make_inquiry(email="held@example.kz")
    make_inquiry(email="free@example.kz")
    settings = SmtpSettings.from_config(app.config)
    outcomes: list[Counter[str]] = []

    def run_sender() -> None:
        with app.app_context():
            with SmtpTransport(settings) as transport:
                outcomes.append(send(transport, now))
            db.session.remove()

    with db.engine.connect() as other_sender:
        held = select(OutboxMessage.id).where(OutboxMessage.to_address == "held@example.kz")
        other_sender.execute(held.with_for_update())  # locked until this transaction ends
        thread = threading.Thread(target=run_sender)
        thread.start()
        thread.join(timeout=20)
        finished_while_locked = not thread.is_alive()
        other_sender.rollback()
    thread.join(timeout=20)

    assert finished_while_locked, "the sender waited for a row lock instead of skipping it"
    assert outcomes == [Counter(sent=1)]
    assert smtp.inbox.to("held@example.kz") == []
    assert len(smtp.inbox.to("free@example.kz")) == 1


# --- The command and its loop ---------------------------------------------------------


def test_without_mail_server_the_mail_stays_queued_and_the_command_says_so(
    app: Flask, make_inquiry: Callable[..., Receipt]
) -> None:
    app.config["MAIL_SERVER"] = None
    make_inquiry()

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "MAIL_SERVER is not set: 1 mail(s) stay in the outbox" in result.output
    [row] = rows()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


def test_the_loop_sends_until_it_is_stopped(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    make_inquiry()
    settings = SmtpSettings.from_config(app.config)
    stop = threading.Event()
    rounds: list[Counter[str]] = []

    def one_round() -> Counter[str]:
        with SmtpTransport(settings) as transport:
            outcome = send(transport, now)
        rounds.append(outcome)
        if len(rounds) == 3:
            stop.set()
        return outcome

    sender.run_loop(one_round, interval=0.01, stop=stop, report=lambda _: None)

    assert [r["sent"] for r in rounds] == [1, 0, 0]
    assert len(smtp.inbox.received) == 1


def test_a_stop_ends_the_round_after_the_mail_in_hand(
    app: Flask, smtp: SmtpServer, make_inquiry: Callable[..., Receipt], set_now: Any
) -> None:
    now = set_now(DURING)
    for _ in range(3):
        make_inquiry()
    stop = threading.Event()

    class StoppedWhileSending:
        def send(self, mail: EmailMessage) -> None:
            stop.set()  # SIGTERM arrives while this mail is being sent

    sealer = Sealer.from_config(app.config)
    outcomes = sender.send_due(StoppedWhileSending(), SENDER, lambda: now, sealer=sealer, stop=stop)

    assert outcomes == Counter(sent=1)
    assert [row.status for row in rows()] == [
        OutboxStatus.SENT,
        OutboxStatus.PENDING,
        OutboxStatus.PENDING,
    ]


def test_outbox_status_counts_each_state(
    runner: FlaskCliRunner, smtp: SmtpServer, make_inquiry: Callable[..., Receipt]
) -> None:
    make_inquiry()
    make_inquiry(email="nobody@bounce.test")
    runner.invoke(args=["outbox", "send"])

    result = runner.invoke(args=["outbox", "status"])

    assert "sent       1" in result.output
    assert "failed     1" in result.output


def test_no_notice_is_sent_to_a_deactivated_account(
    runner: FlaskCliRunner,
    smtp: SmtpServer,
    make_user: Callable[..., User],
    make_inquiry: Callable[..., Receipt],
) -> None:
    make_user(contact="leila-duisekova", email="gone@ohchr.test", active=False)
    make_user(role=Role.MANAGER, email="boss@ohchr.test")
    make_inquiry()

    runner.invoke(args=["outbox", "send"])

    assert smtp.inbox.to("gone@ohchr.test") == []
    assert len(smtp.inbox.to("boss@ohchr.test")) == 1
