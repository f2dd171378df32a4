"""``reminders run`` and ``digest send``: queued when due, and only once however often run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask.testing import FlaskCliRunner
from sqlalchemy import select

from tracker.choices import ResponseChannel, Role, Status
from tracker.extensions import db
from tracker.inquiries import assignment, follow_ups, responses, status_changes
from tracker.inquiries.intake import Receipt
from tracker.mail import digest, notices, reminders
from tracker.models import Inquiry, OutboxMessage, OutboxStatus, User

MakeInquiry = Callable[..., Receipt]
MakeUser = Callable[..., User]
Freeze = Callable[..., datetime]

RECEIVED = datetime.fromisoformat("2015-01-20T10:00:00+06:00")
DEADLINE = RECEIVED + timedelta(hours=6)


def mail(kind: str) -> list[OutboxMessage]:
    db.session.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    return list(db.session.scalars(statement))


def with_deadline(make_inquiry: MakeInquiry) -> Inquiry:
    return make_inquiry(received_at=RECEIVED.isoformat(), deadline=DEADLINE).inquiry


# --- Deadline reminders ---------------------------------------------------------------


def test_a_deadline_reminder_is_queued_two_hours_before_and_only_once(
    runner: FlaskCliRunner, make_inquiry: MakeInquiry, make_user: MakeUser, set_now: Freeze
) -> None:
    make_user(contact="leila-duisekova", email="leila@ohchr.test", timezone="Asia/Almaty")
    inquiry = with_deadline(make_inquiry)

    set_now(DEADLINE - timedelta(hours=2, minutes=1))
    early = runner.invoke(args=["reminders", "run"])
    set_now(DEADLINE - timedelta(hours=1, minutes=55))
    first = runner.invoke(args=["reminders", "run"])
    second = runner.invoke(args=["reminders", "run"])

    assert "queued 0 deadline reminder(s)" in early.output
    assert first.exit_code == 0, first.output
    assert "queued 1 deadline reminder(s)" in first.output
    assert "queued 0 deadline reminder(s)" in second.output
    [reminder] = mail(notices.DEADLINE_REMINDER)
    assert reminder.to_address == "leila@ohchr.test"
    assert reminder.subject == (
        f"{inquiry.reference}: journalist's deadline at 16:00 UTC+6, no response yet"
    )
    assert "Tue 20 Jan 2015, 16:00 (Asia/Almaty, UTC+6)" in reminder.body_text
    assert f"http://tracker.test/inquiries/{inquiry.reference}" in reminder.body_html
    assert reminder.dedupe_key and inquiry.reference not in reminder.dedupe_key


def test_the_reminder_goes_to_the_assignee_when_there_is_one(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    make_user(contact="leila-duisekova", email="leila@ohchr.test")
    karen = make_user(email="karen@ohchr.test")
    inquiry = with_deadline(make_inquiry)
    assignment.claim(inquiry, karen, RECEIVED)
    db.session.commit()

    reminders.run(DEADLINE - timedelta(hours=1))

    assert [m.to_address for m in mail(notices.DEADLINE_REMINDER)] == ["karen@ohchr.test"]


def test_no_reminder_once_a_response_is_logged_or_the_journalist_is_awaited(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    leila = make_user(contact="leila-duisekova")
    answered = with_deadline(make_inquiry)
    responses.log_response(answered, leila, RECEIVED, channel=ResponseChannel.EMAIL, said="x")
    waiting = with_deadline(make_inquiry)
    assignment.claim(waiting, leila, RECEIVED)
    status_changes.change_status(waiting, leila, RECEIVED, to=Status.IN_PROGRESS)
    status_changes.change_status(waiting, leila, RECEIVED, to=Status.AWAITING_JOURNALIST)
    db.session.commit()

    queued = reminders.run(DEADLINE - timedelta(hours=1))

    assert queued.deadlines == 0


def test_a_new_deadline_gets_its_own_reminder(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    make_user(contact="leila-duisekova")
    inquiry = with_deadline(make_inquiry)
    reminders.run(DEADLINE - timedelta(hours=1))
    inquiry.deadline = DEADLINE + timedelta(hours=3)
    db.session.commit()

    queued = reminders.run(inquiry.deadline - timedelta(hours=1))

    assert queued.deadlines == 1
    assert len(mail(notices.DEADLINE_REMINDER)) == 2


# --- Follow-ups -----------------------------------------------------------------------


def test_a_follow_up_that_falls_due_is_notified_once(
    runner: FlaskCliRunner, make_inquiry: MakeInquiry, make_user: MakeUser, set_now: Freeze
) -> None:
    leila = make_user(contact="leila-duisekova", email="leila@ohchr.test")
    inquiry = make_inquiry(received_at=RECEIVED.isoformat()).inquiry
    due = RECEIVED + timedelta(days=1)
    follow_ups.schedule_follow_up(inquiry, leila, RECEIVED, due_at=due, what="Send the statement")
    db.session.commit()

    set_now(due - timedelta(minutes=1))
    before = runner.invoke(args=["reminders", "run"])
    set_now(due + timedelta(minutes=5))
    first = runner.invoke(args=["reminders", "run"])
    again = runner.invoke(args=["reminders", "run"])

    assert "0 follow-up notice(s)" in before.output
    assert "1 follow-up notice(s)" in first.output
    assert "0 follow-up notice(s)" in again.output
    [notice] = mail(notices.FOLLOW_UP_DUE)
    assert notice.to_address == "leila@ohchr.test"
    assert notice.subject == f"Follow-up due: {inquiry.reference}: Send the statement"
    assert "Send the statement" in notice.body_html


def test_a_follow_up_ticked_off_is_not_notified(
    make_inquiry: MakeInquiry, make_user: MakeUser
) -> None:
    leila = make_user(contact="leila-duisekova")
    inquiry = make_inquiry(received_at=RECEIVED.isoformat()).inquiry
    due = RECEIVED + timedelta(hours=1)
    follow_up = follow_ups.schedule_follow_up(inquiry, leila, RECEIVED, due_at=due, what="Call")
    follow_ups.complete_follow_up(inquiry, leila, RECEIVED, follow_up=follow_up)
    db.session.commit()

    assert reminders.run(due + timedelta(hours=1)).follow_ups == 0


# --- The managers' digest -------------------------------------------------------------


def test_the_digest_is_queued_for_each_manager_once_a_day(
    runner: FlaskCliRunner, make_inquiry: MakeInquiry, make_user: MakeUser, set_now: Freeze
) -> None:
    make_user(role=Role.MANAGER, email="boss@ohchr.test", name="Boss")
    make_user(role=Role.MANAGER, email="deputy@ohchr.test", timezone="Asia/Almaty")
    make_user(email="officer@ohchr.test")
    overdue = make_inquiry(received_at=RECEIVED.isoformat()).inquiry
    make_inquiry(received_at=RECEIVED.isoformat(), deadline=RECEIVED + timedelta(hours=30))

    set_now(RECEIVED + timedelta(hours=12))
    first = runner.invoke(args=["digest", "send"])
    again = runner.invoke(args=["digest", "send"])
    set_now(RECEIVED + timedelta(hours=36))
    next_day = runner.invoke(args=["digest", "send"])

    assert first.exit_code == 0, first.output
    assert "queued 2 digest(s)" in first.output
    assert "queued 0 digest(s)" in again.output
    assert "queued 2 digest(s)" in next_day.output
    boss = mail(notices.DIGEST)[0]
    assert boss.to_address == "boss@ohchr.test"
    assert boss.subject == "Press office digest, Tue 20 Jan 2015: 2 overdue, 2 open"
    assert "received:         2" in boss.body_text
    assert overdue.reference in boss.body_text and overdue.reference in boss.body_html
    assert "Journalists' deadlines in the next 24 hours" in boss.body_text


def test_the_digest_counts_undelivered_mail(make_inquiry: MakeInquiry, make_user: MakeUser) -> None:
    make_user(role=Role.MANAGER)
    make_inquiry()
    ack = mail(notices.ACKNOWLEDGEMENT)[0]
    ack.status = OutboxStatus.FAILED
    db.session.commit()

    facts = digest.figures(RECEIVED + timedelta(hours=1))

    assert facts.undelivered_mail == 1
    assert facts.received == 1 and facts.open == 1 and facts.unassigned == 1


def test_no_manager_no_digest(make_inquiry: MakeInquiry) -> None:
    make_inquiry()

    assert digest.queue_digests(RECEIVED) == 0
