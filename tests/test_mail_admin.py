"""/admin/outbox: admins read the mail, which is how `make run` works without a mail server."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tracker.choices import Role
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import OutboxMessage, OutboxStatus, User

MakeUser = Callable[..., User]
Login = Callable[..., FlaskClient]


def test_an_admin_reads_the_queued_mail_when_no_mail_server_is_set(
    client: FlaskClient, make_user: MakeUser, login: Login, make_inquiry: Callable[..., Receipt]
) -> None:
    receipt = make_inquiry(language="en")
    login(make_user(role=Role.ADMIN))

    page = client.get("/admin/outbox/").get_data(as_text=True)

    assert "MAIL_SERVER is not set" in page
    assert f"Your inquiry {receipt.inquiry.reference} has been received" in page
    assert "aigerim@example.kz" in page
    # The text part in full, status link included, so the admin can pass it on by hand.
    assert f"/status/{receipt.status_token}" in page
    # The HTML part is shown in a sandboxed frame, escaped into its srcdoc attribute.
    assert 'sandbox title="HTML part' in page
    assert 'srcdoc="&lt;!doctype html&gt;' in page


def test_the_outbox_filters_by_status(
    client: FlaskClient, make_user: MakeUser, login: Login, make_inquiry: Callable[..., Receipt]
) -> None:
    make_inquiry(language="en")
    make_inquiry(language="en")
    first = db.session.get(OutboxMessage, 1)
    assert first is not None
    first.status = OutboxStatus.FAILED
    first.last_error = "SMTPRecipientsRefused: 550 No such mailbox"
    db.session.commit()
    login(make_user(role=Role.ADMIN))

    failed = client.get("/admin/outbox/?status=failed").get_data(as_text=True)
    unknown = client.get("/admin/outbox/?status=nonsense")

    assert failed.count('<article class="outbox-message"') == 1
    assert "550 No such mailbox" in failed
    assert unknown.status_code == 200
    assert unknown.get_data(as_text=True).count('<article class="outbox-message"') == 2


def test_the_outbox_pages_back_through_older_mail(
    client: FlaskClient, make_user: MakeUser, login: Login, make_inquiry: Callable[..., Receipt]
) -> None:
    for _ in range(51):
        make_inquiry(language="en")
    login(make_user(role=Role.ADMIN))

    newest = client.get("/admin/outbox/").get_data(as_text=True)
    older = client.get("/admin/outbox/?before=2").get_data(as_text=True)

    assert newest.count('<article class="outbox-message"') == 50
    assert "before=2" in newest
    assert older.count('<article class="outbox-message"') == 1


def test_a_manager_cannot_read_the_outbox(
    client: FlaskClient, make_user: MakeUser, login: Login
) -> None:
    login(make_user(role=Role.MANAGER))

    assert client.get("/admin/outbox/").status_code == 403
