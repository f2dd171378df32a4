"""A year of country visits as rows: missions, contacts, officers, inquiries, timelines.

The shape follows what a press office sees: about three dozen missions of one to two weeks
over thirteen months, most inquiries while the expert is in the country, a press corps in
which a few journalists and outlets write again and again, nine in ten inquiries finished
with response times spread like real ones (most within hours, a long tail of days), and
the open ones mostly recent. Rows go in through Core ``executemany`` in batches, one
transaction per batch, rather than as ORM objects committed one by one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text, update

from tracker import phases
from tracker.choices import (
    ActorType,
    Channel,
    MediaType,
    Phase,
    RequestType,
    Role,
    RoutingTarget,
    Status,
    Topic,
)
from tracker.extensions import db
from tracker.models import (
    Contact,
    Inquiry,
    InquiryEvent,
    Mission,
    PhaseAssignment,
    RoutingRule,
    RoutingRuleContact,
    User,
)

# The routing reason of every built row: what tells them from the ones the form POSTs add.
BUILT = "Bench data: routed by phase at receipt"
# "Now" for the whole run: fixed, so a kept database and a new one mean the same thing.
ANCHOR = datetime(2026, 6, 16, 7, 0, tzinfo=UTC)
BATCH = 5_000
PAST_MISSIONS = 35
# Where the visits go: (country, its time zone). Cycled, with the year in the slug.
COUNTRIES = [
    ("Kazakhstan", "Asia/Almaty"),
    ("Chile", "America/Santiago"),
    ("Kenya", "Africa/Nairobi"),
    ("Viet Nam", "Asia/Ho_Chi_Minh"),
    ("Hungary", "Europe/Budapest"),
    ("Brazil", "America/Sao_Paulo"),
    ("Tunisia", "Africa/Tunis"),
    ("Fiji", "Pacific/Fiji"),
    ("Mexico", "America/Mexico_City"),
    ("Sri Lanka", "Asia/Colombo"),
    ("Georgia", "Asia/Tbilisi"),
    ("Canada", "America/Toronto"),
    ("Nepal", "Asia/Kathmandu"),
    ("Morocco", "Africa/Casablanca"),
    ("Australia", "Australia/Sydney"),
    ("Iceland", "Atlantic/Reykjavik"),
]
FIRST_NAMES = [
    *("Aigerim", "Daniyar", "Maria", "Jean", "Amina", "Li", "Sofia", "Pedro", "Anna", "Omar"),
    *("Fatima", "Ivan", "Chloé", "Kwame", "Yuki", "Priya", "Lucas", "Zeynep", "Mateo", "Nadia"),
]
SURNAMES = [
    *("Nurlanovna", "Seitkali", "Silva", "Dupont", "Okafor", "Wang", "Rossi", "Gonzalez"),
    *("Ivanova", "Haddad", "Mensah", "Tanaka", "Sharma", "Müller", "Kowalski", "Novak"),
    *("Petrov", "Santos", "Kim", "Andersen", "Moreau", "Abdi", "Costa", "Yilmaz"),
]
OUTLET_WORDS = ["Daily", "Times", "Post", "Herald", "Radio", "TV", "News", "Review", "Voice"]
TOPICS = [
    *("detention of protesters", "freedom of association law", "NGO registration"),
    *("labour strike", "media freedom", "election observers", "land rights"),
    *("press conference time", "interview slots", "accreditation rules"),
]
CLOSING = [Status.CLOSED, Status.ANSWERED, Status.DECLINED, Status.SPAM]
CLOSING += [Status.DUPLICATE, Status.REFERRED]
OPENING = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS]
OPENING += [Status.AWAITING_SIGN_OFF, Status.AWAITING_JOURNALIST]
# Cumulative weights, computed once: random.choices would add them up on every call.
CLOSING_WEIGHTS = list(accumulate([70, 12, 5, 4, 4, 5]))
OPENING_WEIGHTS = list(accumulate([35, 20, 25, 8, 12]))
TOPIC_CHOICES, TOPIC_WEIGHTS = list(Topic), list(accumulate([90, 5, 5]))
REQUEST_CHOICES = list(RequestType)
REQUEST_WEIGHTS = list(accumulate([35, 15, 25, 5, 15, 5]))
CHANNEL_CHOICES, CHANNEL_WEIGHTS = list(Channel), list(accumulate([70, 10, 15, 4, 1]))


@dataclass
class Office:
    """The non-inquiry rows the inquiries point at, as plain ids."""

    missions: list[MissionPlan]
    geneva: list[int]
    media_unit: int
    officers: list[int]
    officer_of_contact: dict[int, int]
    manager: User
    officer: User


@dataclass
class MissionPlan:
    """A mission and what drawing an inquiry for it needs."""

    id: int
    slug: str
    prefix: str
    starts_at: datetime
    ends_at: datetime
    local_contact: int
    weight: float
    number: int = 0


@dataclass(frozen=True)
class Journalist:
    name: str
    outlet: str
    media_type: MediaType
    country: str
    email: str
    language: str


def build(rows: int, progress: Callable[[int], None], seed: int = 20260616) -> Office:
    """Fill the (empty) database with ``rows`` inquiries; ``progress(n)`` after each batch."""
    # Made-up but repeatable data for timing, not secrets: a seeded PRNG is the point.
    rng = random.Random(seed)  # nosec B311
    office = make_office(rng)
    draw = InquiryDraw(rng, office, journalists(rng, max(200, rows // 4)))
    for first in range(1, rows + 1, BATCH):
        inquiries, events = draw.batch(first, min(BATCH, rows - first + 1))
        db.session.execute(insert(table(Inquiry)), inquiries)
        db.session.execute(insert(table(InquiryEvent)), events)
        db.session.commit()
        progress(len(inquiries))
    for plan in office.missions:
        db.session.execute(
            update(Mission).where(Mission.id == plan.id).values(last_inquiry_number=plan.number)
        )
    db.session.commit()
    align_sequences()
    return office


def table(model: type[Inquiry | InquiryEvent]) -> Table:
    """The model's table, for Core inserts (no ORM bookkeeping per row)."""
    return cast(Table, model.__table__)


def align_sequences() -> None:
    """PostgreSQL: move the sequence past the ids given, and vacuum as autovacuum would.

    Without statistics and a visibility map, PostgreSQL would plan for an empty table and
    could not answer from the indexes alone, unlike a database that has been in use.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    db.session.execute(
        text("SELECT setval(pg_get_serial_sequence('inquiries', 'id'), MAX(id)) FROM inquiries")
    )
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))


def make_office(rng: random.Random) -> Office:
    """Contacts, missions with their phase contacts and rules, officers and a manager."""
    geneva = [contact(f"geneva-{i}", f"Geneva press officer {i}", "Geneva") for i in range(1, 5)]
    media_unit = contact("media-unit", "UN Human Rights – Media Unit", "Geneva")
    plans = [make_mission(rng, index, geneva, media_unit) for index in range(PAST_MISSIONS + 1)]
    officers = [officer(f"officer{i}", c) for i, c in enumerate([*geneva, media_unit], 1)]
    locals_ = [db.session.get(Contact, plan.local_contact) for plan in plans[-6:]]
    officers += [officer(f"field{i}", c) for i, c in enumerate(locals_, 1)]
    manager = User(email="manager@bench.test", name="Bench manager", role=Role.MANAGER)
    db.session.add(manager)
    db.session.commit()
    return Office(
        missions=plans,
        geneva=[c.id for c in geneva],
        media_unit=media_unit.id,
        officers=[o.id for o in officers],
        officer_of_contact={o.contact_id: o.id for o in officers if o.contact_id},
        manager=manager,
        officer=officers[0],
    )


def contact(key: str, name: str, office: str) -> Contact:
    row = Contact(key=key, name=name, office=office, phones=["+41 22 917 90 00"], languages=[])
    db.session.add(row)
    db.session.flush()
    return row


def officer(handle: str, linked: Contact | None) -> User:
    user = User(email=f"{handle}@bench.test", name=handle.capitalize(), contact=linked)
    db.session.add(user)
    db.session.flush()
    return user


def make_mission(
    rng: random.Random, index: int, geneva: list[Contact], media_unit: Contact
) -> MissionPlan:
    """Mission ``index``: the last of them is under way at ANCHOR, one every 11 days."""
    country, zone = COUNTRIES[index % len(COUNTRIES)]
    first_day = ANCHOR.date() - timedelta(days=4 + (PAST_MISSIONS - index) * 11)
    last_day = first_day + timedelta(days=rng.randint(6, 11))
    slug = f"{country.lower().replace(' ', '-')}-{first_day:%Y-%m}"
    local = contact(f"local-{index}", f"{country} field officer {index}", country)
    mission = Mission(
        slug=slug,
        reference_prefix=f"M{index:02d}{first_day:%y}",
        title=f"Visit to {country} by the Special Rapporteur",
        expert_name=f"Expert {index % 9 + 1}",
        expert_title="Special Rapporteur",
        country=country,
        cities=[country],
        first_day=first_day,
        last_day=last_day,
        timezone=zone,
        home_timezone="Europe/Zurich",
        announced_on=first_day - timedelta(days=21),
        published=True,
    )
    pair = [geneva[index % 4], geneva[(index + 1) % 4]]
    for position, (phase, who) in enumerate(
        [(Phase.BEFORE, c) for c in pair] + [(Phase.DURING, local)] + [(Phase.AFTER, pair[0])]
    ):
        mission.phase_assignments.append(
            PhaseAssignment(phase=phase, contact=who, position=position)
        )
    rule = RoutingRule(topic=Topic.OTHER_EXPERTS, target=RoutingTarget.CONTACTS, position=0)
    rule.rule_contacts.append(RoutingRuleContact(position=0, contact=media_unit))
    mission.routing_rules.append(rule)
    db.session.add(mission)
    db.session.flush()
    window = phases.window(mission)
    weight = math.exp(rng.gauss(0, 0.6))
    prefix = mission.reference_prefix
    return MissionPlan(mission.id, slug, prefix, window.starts_at, window.ends_at, local.id, weight)


def journalists(rng: random.Random, count: int) -> list[Journalist]:
    """The press corps; outlets are shared, a few of them by many journalists."""
    outlets = [outlet_name(rng, i) for i in range(max(50, count // 3))]
    media = list(MediaType)
    people = []
    for number in range(count):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        people.append(
            Journalist(
                name=name,
                outlet=outlets[skewed(rng, len(outlets))],
                media_type=rng.choice(media),
                country=rng.choice(["KZ", "CH", "FR", "GB", "US", "KE", "BR", "DE", "CL", "MX"]),
                email=f"{name.split()[0].lower()}.{number}@press.example",
                language=rng.choice(["en", "fr", "es", "ru"]),
            )
        )
    return people


def outlet_name(rng: random.Random, number: int) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(OUTLET_WORDS)} {number}"


def skewed(rng: random.Random, size: int) -> int:
    """An index into ``size`` items where the first ones come up far more often."""
    return min(size - 1, int(size * rng.random() ** 3))


class InquiryDraw:
    """Draws inquiries (and their timeline rows) one batch at a time."""

    def __init__(self, rng: random.Random, office: Office, press: list[Journalist]) -> None:
        self.rng = rng
        self.office = office
        self.press = press
        self.weights = list(accumulate(plan.weight for plan in office.missions))
        self.response_median_minutes = 110.0

    def batch(self, first_id: int, size: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        inquiries: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        for row_id in range(first_id, first_id + size):
            row = self.inquiry(row_id)
            inquiries.append(row)
            events.extend(timeline(row))
        return inquiries, events

    def received_at(self, plan: MissionPlan) -> datetime:
        """Mostly during the visit; some in the three weeks before, some in the month after."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.2:
            when = plan.starts_at - timedelta(days=21 * rng.random() ** 0.5)
        elif roll < 0.85:
            when = plan.starts_at + (plan.ends_at - plan.starts_at) * rng.random()
        else:
            when = plan.ends_at + timedelta(days=30 * rng.random() ** 2)
        if when >= ANCHOR:  # the current mission: nothing from the future
            when = ANCHOR - timedelta(days=4 * rng.random(), minutes=1)
        return when

    def inquiry(self, row_id: int) -> dict[str, Any]:
        rng = self.rng
        plan = rng.choices(self.office.missions, cum_weights=self.weights)[0]
        plan.number += 1
        received = self.received_at(plan)
        person = self.press[skewed(rng, len(self.press))]
        topic = rng.choices(TOPIC_CHOICES, cum_weights=TOPIC_WEIGHTS)[0]
        phase = phase_of(plan, received)
        routed = self.routed_contact(plan, phase, topic)
        request_type = rng.choices(REQUEST_CHOICES, cum_weights=REQUEST_WEIGHTS)[0]
        deadline = received + timedelta(hours=rng.uniform(1, 72)) if rng.random() < 0.35 else None
        row: dict[str, Any] = {
            "id": row_id,
            "mission_id": plan.id,
            "number": plan.number,
            "reference": f"{plan.prefix}-{plan.number:04d}",
            "status_token_hash": f"{row_id:064x}",
            "channel": rng.choices(CHANNEL_CHOICES, cum_weights=CHANNEL_WEIGHTS)[0],
            "received_at": received,
            "phase_at_receipt": phase,
            "name": person.name,
            "outlet": person.outlet,
            "media_type": person.media_type,
            "country": person.country,
            "email": person.email,
            "phone": None,
            "language": person.language,
            "request_type": request_type,
            "topic": topic,
            "subject": f"{request_type.label}: {rng.choice(TOPICS)}",
            "message": "Could you tell me more about the visit? I am writing a piece for "
            "tomorrow's edition and would welcome a comment.",
            "deadline": deadline,
            "deadline_tz": "UTC" if deadline else None,
            "routed_contact_id": routed,
            "routing_reason": BUILT,
            "due_at": min(received + timedelta(hours=4), deadline or ANCHOR + timedelta(days=999)),
            "sensitive": rng.random() < 0.01,
            "version": 1,
            "created_at": received,
            "duplicate_of_id": None,
        }
        row.update(self.progress(received, routed))
        return row

    def routed_contact(self, plan: MissionPlan, phase: Phase, topic: Topic) -> int:
        if topic is Topic.OTHER_EXPERTS:
            return self.office.media_unit
        if phase is Phase.DURING:
            return plan.local_contact
        return self.office.geneva[plan.id % 4]

    def progress(self, received: datetime, routed: int) -> dict[str, Any]:
        """Status, assignee, milestones and clock: finished unless recent (or forgotten)."""
        rng = self.rng
        age = ANCHOR - received
        finished = rng.random() >= (0.6 if age < timedelta(days=14) else 0.07)
        status = rng.choices(CLOSING, cum_weights=CLOSING_WEIGHTS)[0] if finished else None
        status = status or rng.choices(OPENING, cum_weights=OPENING_WEIGHTS)[0]
        holder = self.office.officer_of_contact.get(routed, rng.choice(self.office.officers))
        assignee = None if status is Status.NEW else holder
        responded = status not in (Status.NEW, Status.ASSIGNED, Status.SPAM, Status.DUPLICATE)
        first = self.response_time(received) if responded else None
        if first is not None and first >= ANCHOR:
            first = None
        closed = None
        if finished:
            closed = min((first or received) + timedelta(hours=rng.uniform(0.5, 48)), ANCHOR)
        answered = first if status in (Status.ANSWERED, Status.CLOSED) else None
        paused = status is Status.AWAITING_JOURNALIST
        follow_up = None
        if not finished and assignee and rng.random() < 0.15:
            follow_up = ANCHOR + timedelta(hours=rng.uniform(-48, 72))
        return {
            "status": status,
            "assignee_id": assignee,
            "first_response_at": first,
            "answered_at": answered,
            "closed_at": closed,
            "clock_running": not finished and first is None and not paused,
            "clock_paused_at": ANCHOR - timedelta(hours=rng.uniform(1, 30)) if paused else None,
            "follow_up_due_at": follow_up,
            "updated_at": closed or first or received,
        }

    def response_time(self, received: datetime) -> datetime:
        """Lognormal: a median under two hours, a tail of several days."""
        minutes = self.response_median_minutes * math.exp(self.rng.gauss(0, 1.1))
        return received + timedelta(minutes=max(minutes, 1.0))


def phase_of(plan: MissionPlan, instant: datetime) -> Phase:
    """phases.phase_at with the mission's window computed once, not per inquiry."""
    if instant < plan.starts_at:
        return Phase.BEFORE
    return Phase.DURING if instant < plan.ends_at else Phase.AFTER


def timeline(row: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The events an inquiry with these milestones would have: receipt, routing, answers."""
    base = {"inquiry_id": row["id"], "actor_user_id": None}
    yield {
        **base,
        "at": row["received_at"],
        "actor_type": ActorType.JOURNALIST,
        "kind": "received",
        "public": True,
        "summary": f"Inquiry received ({row['channel'].label.lower()})",
        "details": {"channel": row["channel"].value},
    }
    yield {
        **base,
        "at": row["received_at"],
        "actor_type": ActorType.SYSTEM,
        "kind": "routed",
        "public": False,
        "summary": "Routed: " + row["routing_reason"],
        "details": {"contact_id": row["routed_contact_id"]},
    }
    actor = {"actor_type": ActorType.USER, "actor_user_id": row["assignee_id"]}
    if row["first_response_at"] is not None:
        yield {
            **base,
            **actor,
            "at": row["first_response_at"],
            "kind": "response",
            "public": True,
            "summary": "Answered by email",
            "details": {"channel": "email", "text": "Sent the statement.", "first": True},
        }
    if row["closed_at"] is not None:
        yield {
            **base,
            **actor,
            "at": row["closed_at"],
            "kind": "status",
            "public": True,
            "summary": f"Status: {row['status'].label}",
            "details": {"to": row["status"].value},
        }


def existing_rows() -> int:
    """How many built inquiries a kept database holds (a run's form POSTs add others)."""
    statement = select(func.count()).where(Inquiry.routing_reason == BUILT)
    return int(db.session.scalar(statement) or 0)
