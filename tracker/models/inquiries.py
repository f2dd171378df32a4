"""Journalists' inquiries and their timeline."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.choices import (
    OPEN_STATUSES,
    ActorType,
    Channel,
    MediaType,
    Phase,
    RequestType,
    Status,
    Topic,
)
from tracker.extensions import Base
from tracker.models.missions import Contact, Mission
from tracker.models.types import UTCDateTime, enum_type, utcnow
from tracker.models.users import User

# The queue's searched columns joined by a line break: text that holds no line break is
# in one of them exactly when it is in this, so one LIKE per row does the work of four.
# Stored on PostgreSQL; on SQLite, whose ALTER TABLE adds only VIRTUAL columns, migration
# 0009 adds it VIRTUAL, its value kept in ix_inquiries_match (same value either way).
SEARCH_TEXT = "reference || '\n' || subject || '\n' || name || '\n' || outlet"


class Inquiry(Base):
    """One request from a journalist, from receipt to close."""

    __tablename__ = "inquiries"
    __table_args__ = (
        sa.UniqueConstraint("mission_id", "number"),
        sa.Index("ix_inquiries_mission_received", "mission_id", "received_at"),
        sa.Index("ix_inquiries_status_due", "status", "due_at"),
        sa.Index("ix_inquiries_clock_due", "clock_running", "due_at", "received_at"),
        sa.Index("ix_inquiries_assignee_status", "assignee_id", "status"),
        sa.Index("ix_inquiries_routed_status", "routed_contact_id", "status"),
        # The queue reads its tab counts and picks each page's rows in urgency order from
        # this index alone: status first (open rows are a small range of it), then every
        # column the tabs and the order look at (id last, for PostgreSQL's index-only scan).
        sa.Index(
            "ix_inquiries_queue",
            "status",
            "clock_running",
            "due_at",
            "assignee_id",
            "request_type",
            "received_at",
            "mission_id",
            "routed_contact_id",
            "id",
        ),
        # "Follow-ups due" is the one tab that may hold finished inquiries.
        sa.Index("ix_inquiries_assignee_follow_up", "assignee_id", "follow_up_due_at"),
        # The queue's text search (/queue?q=) from an index alone: the queue index's columns,
        # the other filters', and the searched ones, so a search picks its page and counts
        # the open tabs from a range of this index, not from the wide rows (long messages).
        sa.Index(
            "ix_inquiries_search",
            "status",
            "clock_running",
            "due_at",
            "assignee_id",
            "request_type",
            "received_at",
            "mission_id",
            "routed_contact_id",
            "phase_at_receipt",
            "media_type",
            "language",
            "sensitive",
            "reference",
            "name",
            "outlet",
            "subject",
            "id",
        ),
        # ...and the searched text alone, first: counting matches over every row (the
        # "Closed" count) scans this narrow index with one LIKE per row.
        sa.Index("ix_inquiries_match", "search_text", "sensitive", "assignee_id"),
        # The narrowest index (one small column): SQLite counts every inquiry (the queue's
        # "Closed" tab is that total less the open ones) by walking the narrowest index,
        # so the count reads a fifth of the pages and leaves the page cache to the rest.
        sa.Index("ix_inquiries_sensitive", "sensitive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id"))
    number: Mapped[int]
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True)
    # SHA-256 of the private status token: the token itself is only ever shown once.
    status_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # SHA-256 of the short code read out on the phone (tracker.inquiries.short_codes);
    # None for inquiries from before codes. Not unique: two references that differ only
    # by their dashes could, once in a billion, share one (a look-up takes the first).
    short_code_hash: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    phase_at_receipt: Mapped[Phase] = mapped_column(enum_type(Phase))

    name: Mapped[str] = mapped_column(sa.String(200))
    outlet: Mapped[str] = mapped_column(sa.String(200))
    media_type: Mapped[MediaType] = mapped_column(enum_type(MediaType))
    country: Mapped[str | None] = mapped_column(sa.String(2))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    language: Mapped[str] = mapped_column(sa.String(8))

    request_type: Mapped[RequestType] = mapped_column(enum_type(RequestType))
    topic: Mapped[Topic] = mapped_column(enum_type(Topic))
    subject: Mapped[str] = mapped_column(sa.String(200))
    # The searched columns in one string, a line each (see SEARCH_TEXT), kept by the
    # database itself. Never loaded with an inquiry.
    search_text: Mapped[str] = mapped_column(
        sa.Text, sa.Computed(SEARCH_TEXT, persisted=True), deferred=True
    )
    message: Mapped[str] = mapped_column(sa.Text)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The zone the journalist gave the deadline in, to show it back in their terms.
    deadline_tz: Mapped[str | None] = mapped_column(sa.String(64))

    status: Mapped[Status] = mapped_column(enum_type(Status), default=Status.NEW)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    routed_contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contacts.id"))
    routing_reason: Mapped[str] = mapped_column(sa.String(500))
    # The response clock: the earlier of the deadline and the office's target.
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False once a response is logged (the clock stops) or while awaiting the journalist
    # (paused since clock_paused_at); the queue sorts running clocks first.
    clock_running: Mapped[bool] = mapped_column(default=True)
    clock_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    follow_up_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When it last left the open statuses (answered, closed, declined …); None while open.
    # Journalists' details are kept for a while after it (see tracker.privacy.retention).
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inquiries.id"))
    sensitive: Mapped[bool] = mapped_column(default=False)
    # Set when the journalist's personal data was blanked (retention purge or erasure).
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    mission: Mapped[Mission] = relationship()
    routed_contact: Mapped[Contact | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    duplicate_of: Mapped[Inquiry | None] = relationship(remote_side="Inquiry.id")
    events: Mapped[list[InquiryEvent]] = relationship(
        back_populates="inquiry", order_by="InquiryEvent.id", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="inquiry", order_by="FollowUp.due_at", cascade="all, delete-orphan"
    )

    # Optimistic locking: an UPDATE from a stale copy matches no row and is refused.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (read by the mapper only)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def __repr__(self) -> str:
        return f"<Inquiry {self.reference}>"


class InquiryEvent(Base):
    """One line of an inquiry's timeline and audit trail."""

    __tablename__ = "inquiry_events"
    __table_args__ = (sa.Index("ix_inquiry_events_inquiry_at", "inquiry_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("inquiries.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_type: Mapped[ActorType] = mapped_column(enum_type(ActorType))
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    # Public events are the ones the journalist's status page may show.
    public: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(sa.String(500))
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    inquiry: Mapped[Inquiry] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class FollowUp(Base):
    """Something to do about an inquiry later: call back, send the statement."""

    __tablename__ = "follow_ups"
    __table_args__ = (sa.Index("ix_follow_ups_open_due", "done_at", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("inquiries.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    inquiry: Mapped[Inquiry] = relationship(back_populates="follow_ups")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    done_by: Mapped[User | None] = relationship(foreign_keys=[done_by_id])


class CodeLookupThrottle(Base):
    """Wrong short codes per client address (hashed), to lock out guessing.

    Keyed by an HMAC of the address, so the table holds no address. A row is forgotten a
    day after its last wrong code (tracker.inquiries.code_lookup).
    """

    __tablename__ = "code_lookup_throttles"

    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
