"""The mail outbox: written in the same transaction as the change that causes the mail,
so a mail server that is down loses nothing; a sender delivers it later."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.choices import Labelled
from tracker.extensions import Base
from tracker.models.inquiries import Inquiry
from tracker.models.types import UTCDateTime, enum_type, utcnow


class OutboxStatus(Labelled):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # Withdrawn before sending because it stopped being true (a reminder after a response).
    CANCELLED = "cancelled"
    # Sent, then a delivery report came back to the press office's mailbox.
    BOUNCED = "bounced"


class OutboxMessage(Base):
    """One mail to send, with its delivery attempts."""

    __tablename__ = "outbox_messages"
    __table_args__ = (sa.Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    # Set for mails that must exist once only (a reminder per inquiry and deadline).
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus), default=OutboxStatus.PENDING
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # A secret the bodies need (the status token of an acknowledgement), encrypted with a
    # key derived from SECRET_KEY; put into the bodies when sending, dropped once sent.
    sealed_secret: Mapped[str | None] = mapped_column(sa.Text)
    # A reply in the journalist's thread: who else reads it, where answers go, and the
    # Message-IDs it answers (the acknowledgement's, the journalist's last mail's).
    cc_addresses: Mapped[str] = mapped_column(sa.Text, default="")
    reply_to: Mapped[str | None] = mapped_column(sa.String(254))
    in_reply_to: Mapped[str | None] = mapped_column(sa.Text)
    references: Mapped[str | None] = mapped_column(sa.Text)
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inquiry: Mapped[Inquiry | None] = relationship()
