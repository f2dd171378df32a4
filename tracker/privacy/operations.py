"""The privacy runs: purge past retention, export one journalist's data, erase it.

Each run is recorded in ``privacy_runs``, dry runs included; the caller commits (a dry
run commits only its record). Journalists are found by email, case-insensitively, or by
the phone number they gave, for those who called and left no address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import selectinload

from tracker.choices import OPEN_STATUSES
from tracker.extensions import db
from tracker.models import (
    Inquiry,
    Mission,
    OutboxMessage,
    PrivacyRun,
    PrivacyRunKind,
    search_index,
)
from tracker.privacy.anonymise import anonymise
from tracker.privacy.retention import finished_before
from tracker.privacy.serialise import inquiry_record, mail_record

# An inquiry's timeline and follow-ups are read and rewritten with it: one query each for
# the whole batch, not one per inquiry.
WITH_HISTORY = (selectinload(Inquiry.events), selectinload(Inquiry.follow_ups))
# Separates this use of SECRET_KEY from every other one (sessions, CSRF, sealing).
EMAIL_HASH_CONTEXT = b"tracker privacy run email v1"


@dataclass(frozen=True)
class RunResult:
    """What a run did (or, dry, would do): the inquiries' references, and its record."""

    references: list[str]
    run: PrivacyRun


def email_hash(email: str, secret_key: str) -> str:
    """A keyed hash of the address: it matches the same address later, and a copy of the
    database alone does not let anyone test guesses against it."""
    key = hmac.new(secret_key.encode(), EMAIL_HASH_CONTEXT, hashlib.sha256).digest()
    return hmac.new(key, email.strip().casefold().encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Journalist:
    """Whom an export or an erasure is about: the email address they gave, or the phone
    number (in its stored form, see tracker.phones; the same number exactly, extension
    included, since a newsroom's switchboard serves many journalists)."""

    email: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        if (self.email is None) == (self.phone is None):
            raise ValueError("a journalist is named by an email address or a phone number")

    @property
    def label(self) -> str:
        """The address or the number, for the export's heading."""
        return self.email.strip() if self.email is not None else str(self.phone)

    def gave(self) -> ColumnElement[bool]:
        """The inquiries given under this address or number."""
        if self.email is not None:
            return func.lower(Inquiry.email) == self.email.strip().lower()
        return Inquiry.phone == self.phone

    def hashed(self, secret_key: str) -> str:
        """The keyed hash the record keeps (a number is hashed as its ``tel:`` URI)."""
        return email_hash(self.email if self.email is not None else f"tel:{self.phone}", secret_key)


def due_for_purge(now: datetime) -> list[Inquiry]:
    """Finished inquiries not yet anonymised whose retention ended before ``now``: closed
    before the cut-off their mission's rule gives (tracker.privacy.retention)."""
    past = []
    for mission in db.session.scalars(select(Mission)):
        cutoff = finished_before(mission, now)
        if cutoff is not None:
            past.append(and_(Inquiry.mission_id == mission.id, Inquiry.finished_at < cutoff))
    if not past:
        return []
    statement = (
        select(Inquiry)
        .where(
            or_(*past),
            Inquiry.status.not_in(OPEN_STATUSES),
            Inquiry.anonymised_at.is_(None),
        )
        .options(*WITH_HISTORY)
        .order_by(Inquiry.mission_id, Inquiry.number)
    )
    return list(db.session.scalars(statement))


def purge(now: datetime, *, run_by: str, dry_run: bool) -> RunResult:
    """Anonymise every finished inquiry past its retention."""
    found = due_for_purge(now)
    if not dry_run:
        anonymise_all(found, now)
    references = [inquiry.reference for inquiry in found]
    run = record(PrivacyRunKind.PURGE, now, run_by, dry_run, references)
    return RunResult(references, run)


def given_by(journalist: Journalist) -> list[Inquiry]:
    """Every inquiry given under the journalist's address (whatever its case) or number,
    oldest first."""
    statement = (
        select(Inquiry)
        .where(journalist.gave())
        .options(*WITH_HISTORY)
        .order_by(Inquiry.received_at, Inquiry.id)
    )
    return list(db.session.scalars(statement))


def export(
    journalist: Journalist, now: datetime, *, run_by: str, secret_key: str
) -> tuple[dict[str, Any], PrivacyRun]:
    """Everything held about the journalist, as JSON-ready data."""
    inquiries = given_by(journalist)
    data = {
        ("email" if journalist.email is not None else "phone"): journalist.label,
        "exported_at": now.isoformat(),
        "inquiries": [inquiry_record(inquiry, now) for inquiry in inquiries],
        "mails": [mail_record(mail) for mail in mails_to(journalist, inquiries)],
    }
    references = [inquiry.reference for inquiry in inquiries]
    hashed = journalist.hashed(secret_key)
    run = record(PrivacyRunKind.EXPORT, now, run_by, False, references, hashed)
    return data, run


def mails_to(journalist: Journalist, inquiries: list[Inquiry]) -> list[OutboxMessage]:
    """The mails sent to the journalist: all those to their address; named by a phone
    number, those about their inquiries that went to the address each inquiry gave."""
    in_order = (OutboxMessage.created_at, OutboxMessage.id)
    if journalist.email is not None:
        address = journalist.email.strip().lower()
        statement = select(OutboxMessage).where(func.lower(OutboxMessage.to_address) == address)
        return list(db.session.scalars(statement.order_by(*in_order)))
    addresses = {inquiry.id: inquiry.email.lower() for inquiry in inquiries if inquiry.email}
    about_them = select(OutboxMessage).where(OutboxMessage.inquiry_id.in_(addresses))
    return [
        mail
        for mail in db.session.scalars(about_them.order_by(*in_order))
        if mail.to_address.lower() == addresses.get(mail.inquiry_id or 0)
    ]


def erase(
    journalist: Journalist,
    now: datetime,
    *,
    run_by: str,
    secret_key: str,
    dry_run: bool,
) -> RunResult:
    """Anonymise every inquiry of this journalist, open ones too: the journalist asked."""
    found = given_by(journalist)
    if not dry_run:
        anonymise_all(found, now)
    references = [inquiry.reference for inquiry in found]
    hashed = journalist.hashed(secret_key)
    run = record(PrivacyRunKind.ERASE, now, run_by, dry_run, references, hashed)
    return RunResult(references, run)


def anonymise_all(inquiries: list[Inquiry], now: datetime) -> None:
    """Anonymise ``inquiries``, then merge the search index so their old text is gone from
    it. Only when there were some: the merge rewrites the whole index (seconds at a million
    inquiries), which a daily purge with nothing due should not pay."""
    for inquiry in inquiries:
        anonymise(inquiry, now)
    if inquiries:
        search_index.forget_erased()


def record(
    kind: PrivacyRunKind,
    now: datetime,
    run_by: str,
    dry_run: bool,
    references: list[str],
    hashed_email: str | None = None,
) -> PrivacyRun:
    run = PrivacyRun(
        kind=kind,
        at=now,
        run_by=run_by[:200],
        email_hash=hashed_email,
        dry_run=dry_run,
        inquiry_count=len(references),
        details={"references": references},
    )
    db.session.add(run)
    return run


def recent_runs(limit: int = 20) -> list[PrivacyRun]:
    statement = select(PrivacyRun).order_by(PrivacyRun.at.desc(), PrivacyRun.id.desc())
    return list(db.session.scalars(statement.limit(limit)))
