"""The conversation with the journalist: mail received, files attached, replies waiting for
sign-off, saved replies, and the press office's mailbox addresses.

Mail sent is an ``OutboxMessage`` (tracker/models/outbox.py); mail received is an
``IncomingMail``. Both are entries of the inquiry's timeline. Files (attachments, and the
raw bytes of every mail read from the mailbox) live on disk by content hash
(``tracker.mail.files``); the rows here name them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.choices import Labelled
from tracker.extensions import Base
from tracker.models.types import UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from tracker.models.inquiries import Inquiry
    from tracker.models.missions import Mission
    from tracker.models.outbox import OutboxMessage
    from tracker.models.users import User

# RFC 5322 allows 998 characters a header line; Message-IDs in the wild stay far below.
MESSAGE_ID_LENGTH = 998


class IncomingKind(Labelled):
    """What a mail read from the mailbox turned out to be."""

    REPLY = "reply"  # joined an inquiry's thread
    NEW_INQUIRY = "new_inquiry"  # opened an inquiry (channel email)
    AUTO_REPLY = "auto_reply"  # out-of-office and the like: recorded, never answered
    BOUNCE = "bounce"  # a delivery report about a mail tracker sent


class IncomingMail(Base):
    """One mail read from the press office's mailbox, once.

    The mailbox position (folder, UIDVALIDITY, UID) and the Message-ID are each unique: a
    mail read twice, by a second fetcher or after a crash, is recognised and skipped.
    """

    __tablename__ = "incoming_mails"
    __table_args__ = (
        sa.UniqueConstraint("folder", "uidvalidity", "uid", name="uq_incoming_mails_position"),
        sa.Index("ix_incoming_mails_inquiry", "inquiry_id", "received_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="SET NULL")
    )
    kind: Mapped[IncomingKind] = mapped_column(enum_type(IncomingKind))
    folder: Mapped[str] = mapped_column(sa.String(200))
    uidvalidity: Mapped[int] = mapped_column(sa.BigInteger)
    uid: Mapped[int] = mapped_column(sa.BigInteger)
    message_id: Mapped[str | None] = mapped_column(sa.String(MESSAGE_ID_LENGTH), unique=True)
    in_reply_to: Mapped[str | None] = mapped_column(sa.Text)
    references: Mapped[str | None] = mapped_column(sa.Text)
    from_address: Mapped[str] = mapped_column(sa.String(254))
    from_name: Mapped[str] = mapped_column(sa.String(200), default="")
    to_addresses: Mapped[str] = mapped_column(sa.Text, default="")
    cc_addresses: Mapped[str] = mapped_column(sa.Text, default="")
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    # When the sender's mail program says it was written, and when tracker read it.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The new text, with the quoted history below it folded away into ``quoted``.
    text: Mapped[str] = mapped_column(sa.Text, default="")
    quoted: Mapped[str] = mapped_column(sa.Text, default="")
    # The HTML part, sanitised (nh3): nothing in it runs or loads from outside.
    html: Mapped[str | None] = mapped_column(sa.Text)
    raw_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    # Unread by the desk until someone who may see the inquiry opens it.
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    inquiry: Mapped[Inquiry | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="incoming_mail", order_by="Attachment.id"
    )


class QuarantinedMail(Base):
    """A mail the fetch could not take in (malformed, too big, refused), kept with why."""

    __tablename__ = "quarantined_mails"
    __table_args__ = (
        sa.UniqueConstraint("folder", "uidvalidity", "uid", name="uq_quarantined_mails_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    folder: Mapped[str] = mapped_column(sa.String(200))
    uidvalidity: Mapped[int] = mapped_column(sa.BigInteger)
    uid: Mapped[int] = mapped_column(sa.BigInteger)
    message_id: Mapped[str | None] = mapped_column(sa.String(MESSAGE_ID_LENGTH))
    from_address: Mapped[str] = mapped_column(sa.String(254), default="")
    subject: Mapped[str] = mapped_column(sa.String(300), default="")
    reason: Mapped[str] = mapped_column(sa.String(500))
    raw_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(default=0)
    quarantined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attachment(Base):
    """A file sent or received with a mail about an inquiry, stored by content hash."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="SET NULL"), index=True
    )
    incoming_mail_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("incoming_mails.id", ondelete="CASCADE"), index=True
    )
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), index=True
    )
    reply_draft_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reply_drafts.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    # Judged from the content, never from the name or the sender's say-so.
    content_type: Mapped[str] = mapped_column(sa.String(100))
    filename: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    incoming_mail: Mapped[IncomingMail | None] = relationship(back_populates="attachments")
    outbox_message: Mapped[OutboxMessage | None] = relationship()


class DraftState(Labelled):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a manager's sign-off
    RETURNED = "returned"  # back to its author, with the manager's comment
    SENT = "sent"  # approved (or needing none) and queued in the outbox


class ReplyDraft(Base):
    """A reply written on the inquiry page that waits for a manager's sign-off."""

    __tablename__ = "reply_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    state: Mapped[DraftState] = mapped_column(enum_type(DraftState), default=DraftState.DRAFT)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    cc_addresses: Mapped[str] = mapped_column(sa.Text, default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    reviewer_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship(foreign_keys=[author_user_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_user_id])
    attachments: Mapped[list[Attachment]] = relationship(
        primaryjoin="Attachment.reply_draft_id == ReplyDraft.id", order_by="Attachment.id"
    )


class SavedReply(Base):
    """A reply the office reuses, office-wide or for one mission, in several languages."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("missions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mission: Mapped[Mission | None] = relationship()
    versions: Mapped[list[SavedReplyVersion]] = relationship(
        back_populates="saved_reply",
        cascade="all, delete-orphan",
        order_by="SavedReplyVersion.language",
    )


class SavedReplyVersion(Base):
    """A saved reply in one language; its body may hold placeholders such as {reference}."""

    __tablename__ = "saved_reply_versions"
    __table_args__ = (sa.UniqueConstraint("saved_reply_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_reply_id: Mapped[int] = mapped_column(
        sa.ForeignKey("saved_replies.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(sa.String(8))
    body: Mapped[str] = mapped_column(sa.Text)

    saved_reply: Mapped[SavedReply] = relationship(back_populates="versions")


class MailboxAddress(Base):
    """An address of the press office's mailbox (``press+kaz@…``) that belongs to one
    mission: new mail sent to it opens inquiries of that mission."""

    __tablename__ = "mailbox_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(sa.String(254), unique=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id", ondelete="CASCADE"))

    mission: Mapped[Mission] = relationship()
