"""The record of privacy runs: purges, exports and erasures of journalists' data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tracker.choices import Labelled
from tracker.extensions import Base
from tracker.models.types import UTCDateTime, enum_type, utcnow


class PrivacyRunKind(Labelled):
    PURGE = "purge"
    EXPORT = "export"
    ERASE = "erase"


class PrivacyRun(Base):
    """One run of ``flask privacy …``: what was done, by whom, to how many inquiries.

    Export and erasure name a journalist by email, or by phone number; the record keeps a
    keyed hash of it instead (``email_hash``; a number is hashed as its ``tel:`` URI), so
    the log of an erasure does not itself keep the address that was erased, yet a later
    request for the same address can be matched to it.
    """

    __tablename__ = "privacy_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PrivacyRunKind] = mapped_column(enum_type(PrivacyRunKind))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The command line has no logged-in user: the operating-system user or --by.
    run_by: Mapped[str] = mapped_column(sa.String(200))
    email_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    dry_run: Mapped[bool] = mapped_column(default=False)
    inquiry_count: Mapped[int] = mapped_column(default=0)
    # References of the inquiries touched (not personal data) and the cut-off used.
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
