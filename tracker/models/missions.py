"""Missions, their events, the public contacts, and who answers in each phase."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker import hours
from tracker.choices import Phase, RequestType, RoutingTarget, Topic
from tracker.extensions import Base
from tracker.models.types import UTCDateTime, enum_type, utcnow


class Mission(Base):
    """An official country visit by an independent expert."""

    __tablename__ = "missions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    reference_prefix: Mapped[str] = mapped_column(sa.String(12), unique=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    expert_name: Mapped[str] = mapped_column(sa.String(200))
    expert_title: Mapped[str] = mapped_column(sa.String(300))
    expert_country: Mapped[str | None] = mapped_column(sa.String(100))
    country: Mapped[str] = mapped_column(sa.String(100))
    cities: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    first_day: Mapped[date] = mapped_column(sa.Date)
    last_day: Mapped[date] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(64))
    home_timezone: Mapped[str] = mapped_column(sa.String(64))
    home_office: Mapped[str] = mapped_column(sa.String(100), default="Geneva")
    announced_on: Mapped[date | None] = mapped_column(sa.Date)
    response_target_minutes: Mapped[int] = mapped_column(default=240)
    # Journalists' personal data is anonymised this many months after the later of the
    # visit's end and the inquiry's closing (see tracker.privacy.retention).
    retention_months: Mapped[int] = mapped_column(default=24, server_default="24")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str | None] = mapped_column(sa.Text)
    # Texts in other languages, English being the columns (see tracker.missions.texts).
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )
    # A new mission is a draft: not listed, its pages and contacts answer 404 to the public
    # (staff see them), it takes no inquiries and no handover, until an admin publishes
    # it, which needs a contact for every phase (tracker/missions/mission_changes.py).
    published: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Last reference number handed out; incremented atomically by the intake service.
    last_inquiry_number: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    events: Mapped[list[MissionEvent]] = relationship(
        back_populates="mission", order_by="MissionEvent.position", cascade="all, delete-orphan"
    )
    phase_assignments: Mapped[list[PhaseAssignment]] = relationship(
        back_populates="mission",
        order_by="PhaseAssignment.position",
        cascade="all, delete-orphan",
    )
    routing_rules: Mapped[list[RoutingRule]] = relationship(
        back_populates="mission", order_by="RoutingRule.position", cascade="all, delete-orphan"
    )

    def contacts_for(self, phase: Phase) -> list[Contact]:
        """The active contacts assigned to ``phase``, in their public order."""
        return [a.contact for a in self.phase_assignments if a.phase == phase and a.contact.active]

    def unstaffed_phases(self) -> list[Phase]:
        """The phases no active contact answers: a mission cannot be published with any."""
        return [phase for phase in Phase if not self.contacts_for(phase)]

    def __repr__(self) -> str:
        return f"<Mission {self.slug}>"


class MissionEvent(Base):
    """A dated moment of a mission: the press conference, the final report."""

    __tablename__ = "mission_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(300))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For events known only roughly ("June 2015 session of the Human Rights Council").
    when_text: Mapped[str | None] = mapped_column(sa.String(300))
    venue: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str | None] = mapped_column(sa.Text)
    # Texts in other languages, English being the columns (see tracker.missions.texts).
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )

    mission: Mapped[Mission] = relationship(back_populates="events")


class Office(Base):
    """A press office where contacts sit ("Geneva", "Astana"), and when it answers.

    Contacts name their office by ``name`` (``Contact.office``); every path that writes a
    contact's office makes the office if it is new (tracker/missions/office_changes.py).
    Hours are optional: an office without them is never said to be closed.
    """

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The English name, as contacts and mission files name it; fixed once made.
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    # ISO weekdays it works (Monday 1 … Sunday 7), from opens_at to closes_at, local time.
    days: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    opens_at: Mapped[time | None] = mapped_column(sa.Time)
    closes_at: Mapped[time | None] = mapped_column(sa.Time)
    # Who to call out of hours (E.164, ";ext=" kept), told to journalists then.
    duty_phone: Mapped[str | None] = mapped_column(sa.String(40))
    # Texts in other languages, English being the columns (see tracker.missions.texts).
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )

    @property
    def working_hours(self) -> hours.WorkingHours | None:
        """The office's hours, or None when they are not (fully) set."""
        if not (self.timezone and self.days and self.opens_at and self.closes_at):
            return None
        return hours.WorkingHours(
            self.timezone, frozenset(self.days), self.opens_at, self.closes_at
        )

    def __repr__(self) -> str:
        return f"<Office {self.name}>"


class Contact(Base):
    """A press officer or unit as the public sees them."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A stable handle for mission files and the CLI ("leila-duisekova").
    key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # An Office's name (see Office).
    office: Mapped[str | None] = mapped_column(sa.String(100))
    unit: Mapped[str | None] = mapped_column(sa.String(200))
    # E.164 numbers, with ";ext=NNNN" when the number has an extension.
    phones: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    email: Mapped[str | None] = mapped_column(sa.String(254))
    # The languages the contact gives interviews in (codes: "en", "ru" …).
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # Texts in other languages, English being the columns (see tracker.missions.texts).
    translations: Mapped[dict[str, dict[str, Any]]] = mapped_column(
        sa.JSON, default=dict, server_default=sa.text("'{}'")
    )
    # A contact with inquiries is never deleted (they keep pointing at it): deactivated.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    def __repr__(self) -> str:
        return f"<Contact {self.key}>"


class PhaseAssignment(Base):
    """(mission, phase) → one contact, at a position in the public order."""

    __tablename__ = "phase_assignments"
    __table_args__ = (sa.UniqueConstraint("mission_id", "phase", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id", ondelete="CASCADE"))
    phase: Mapped[Phase] = mapped_column(enum_type(Phase))
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id"))
    position: Mapped[int] = mapped_column(default=0)

    mission: Mapped[Mission] = relationship(back_populates="phase_assignments")
    contact: Mapped[Contact] = relationship(lazy="joined")


class RoutingRule(Base):
    """One routing rule of a mission; conditions left empty match anything."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_id: Mapped[int] = mapped_column(sa.ForeignKey("missions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    topic: Mapped[Topic | None] = mapped_column(enum_type(Topic))
    phase: Mapped[Phase | None] = mapped_column(enum_type(Phase))
    request_type: Mapped[RequestType | None] = mapped_column(enum_type(RequestType))
    target: Mapped[RoutingTarget] = mapped_column(enum_type(RoutingTarget))

    mission: Mapped[Mission] = relationship(back_populates="routing_rules")
    rule_contacts: Mapped[list[RoutingRuleContact]] = relationship(
        order_by="RoutingRuleContact.position", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def contacts(self) -> list[Contact]:
        """The rule's active contacts, in its order (a deactivated one gets no inquiries)."""
        return [link.contact for link in self.rule_contacts if link.contact.active]


class RoutingRuleContact(Base):
    """A contact named by a routing rule, in the rule's order."""

    __tablename__ = "routing_rule_contacts"

    rule_id: Mapped[int] = mapped_column(
        sa.ForeignKey("routing_rules.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contacts.id"))

    contact: Mapped[Contact] = relationship(lazy="joined")
