"""/admin/outbox: the mail waiting to go out, for admins (and for `make run` without SMTP)."""

from __future__ import annotations

from functools import partial

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import inputs
from tracker.admin import bp
from tracker.extensions import db
from tracker.mail import outbox
from tracker.mail.sealing import CannotUnseal, Sealer
from tracker.models import OutboxMessage, OutboxStatus

PAGE_SIZE = 50


@bp.get("/outbox/")
def outbox_page() -> ResponseReturnValue:
    """The outbox, newest first, filtered by status; each mail readable in full."""
    status = parse_status(request.args.get("status"))
    before = inputs.query_id("before")
    statement = (
        select(OutboxMessage)
        .options(selectinload(OutboxMessage.inquiry))
        .order_by(OutboxMessage.id.desc())
        .limit(PAGE_SIZE + 1)
    )
    if status is not None:
        statement = statement.where(OutboxMessage.status == status)
    if before is not None:
        statement = statement.where(OutboxMessage.id < before)
    rows = list(db.session.scalars(statement))
    return render_template(
        "admin/outbox.html",
        messages=rows[:PAGE_SIZE],
        older=rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
        status=status,
        statuses=list(OutboxStatus),
        counts=outbox.counts(),
        mail_server=current_app.config.get("MAIL_SERVER"),
        readable=partial(readable, Sealer.from_config(current_app.config)),
    )


def readable(sealer: Sealer, message: OutboxMessage, body: str) -> str:
    """A body as it will be sent, status link included, for the admin to read or pass on."""
    try:
        return sealer.fill(body, message.sealed_secret)
    except CannotUnseal as error:
        return f"{body}\n\n[{error}]"


def parse_status(raw: str | None) -> OutboxStatus | None:
    """A status from the query string; anything unknown shows every status."""
    try:
        return OutboxStatus(raw) if raw else None
    except ValueError:
        return None
