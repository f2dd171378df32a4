"""Taking in an inquiry: phase, routing, reference, token, clock and timeline, in one go.

Used by the public form now, and by the desk, the import and the API later, so every
channel routes and numbers inquiries the same way. The caller owns the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update

from tracker import phases, routing
from tracker.choices import ActorType, Channel, MediaType, RequestType, Status, Topic
from tracker.extensions import db
from tracker.inquiries import clock, tokens
from tracker.mail import notices
from tracker.missions import queries
from tracker.models import Contact, Inquiry, InquiryEvent, Mission


@dataclass(frozen=True)
class JournalistRequest:
    """What a journalist asks, as validated by a form or an import row."""

    name: str
    outlet: str
    media_type: MediaType
    country: str | None
    email: str | None
    phone: str | None
    language: str
    request_type: RequestType
    topic: Topic
    subject: str
    message: str
    deadline: datetime | None = None
    deadline_tz: str | None = None


@dataclass(frozen=True)
class Receipt:
    """The new inquiry and its status token, which exists in clear only here."""

    inquiry: Inquiry
    status_token: str


def receive(
    mission: Mission,
    request: JournalistRequest,
    *,
    channel: Channel,
    received_at: datetime,
    decision: routing.Decision | None = None,
) -> Receipt:
    """Record a new inquiry, routed by the rules in force at ``received_at``.

    ``decision`` overrides the rules, for an officer who takes the call on themselves: the
    acknowledgement must then name that officer, not whom the rules would have chosen.
    """
    phase = phases.phase_at(mission, received_at)
    decision = decision or route(mission, request, phase)
    number = next_number(mission)
    token = tokens.new_token()
    inquiry = Inquiry(
        mission=mission,
        number=number,
        reference=format_reference(mission.reference_prefix, number),
        status_token_hash=tokens.token_hash(token),
        channel=channel,
        received_at=received_at,
        phase_at_receipt=phase,
        status=Status.NEW,
        routed_contact_id=decision.contact.id if decision.contact else None,
        # The contact itself too (in the session since routing read it): the mails below
        # name it before the inquiry is flushed, when the id alone would load nothing.
        routed_contact=db.session.get(Contact, decision.contact.id) if decision.contact else None,
        routing_reason=decision.reason,
        due_at=clock.due_at(
            received_at, request.deadline, timedelta(minutes=mission.response_target_minutes)
        ),
        **vars(request),
    )
    inquiry.events = opening_events(inquiry, channel, decision)
    db.session.add(inquiry)
    # The acknowledgement carries the token in clear, which exists only here. Queued in
    # this transaction: the inquiry and its mail are committed together or not at all.
    notices.inquiry_received(db.session(), inquiry, token, now=received_at)
    # One flush for the inquiry, its timeline and its mail (each flush costs about a
    # millisecond whatever it writes); callers get an inquiry with its id.
    db.session.flush()
    return Receipt(inquiry, token)


def route(mission: Mission, request: JournalistRequest, phase: phases.Phase) -> routing.Decision:
    rules, phase_contacts = queries.routing_inputs(mission)
    facts = routing.InquiryFacts(request.topic, phase, request.request_type)
    # Only a choice between contacts needs their open inquiries counted (a COUNT over the
    # whole table); a rule naming one contact, the usual case, needs no count at all.
    candidates = routing.candidates(facts, rules, phase_contacts)
    load = queries.open_load({c.id for c in candidates}) if len(candidates) > 1 else {}
    return routing.route(facts, rules, phase_contacts, load)


def next_number(mission: Mission) -> int:
    """Hand out the mission's next reference number.

    One atomic UPDATE ... RETURNING: concurrent submissions each get their own number
    (PostgreSQL locks the mission row until commit, SQLite the whole database).
    """
    statement = (
        update(Mission)
        .where(Mission.id == mission.id)
        .values(last_inquiry_number=Mission.last_inquiry_number + 1)
        .returning(Mission.last_inquiry_number)
        .execution_options(synchronize_session=False)
    )
    number: int = db.session.execute(statement).scalar_one()
    return number


def format_reference(prefix: str, number: int) -> str:
    """ "KAZ15-0042": short enough to read out on the phone, sortable within a mission."""
    return f"{prefix}-{number:04d}"


def opening_events(
    inquiry: Inquiry, channel: Channel, decision: routing.Decision
) -> list[InquiryEvent]:
    received = InquiryEvent(
        at=inquiry.received_at,
        actor_type=ActorType.JOURNALIST,
        kind="received",
        public=True,
        summary=f"Inquiry received ({channel.label.lower()})",
        details={"channel": channel.value, "phase": inquiry.phase_at_receipt.value},
    )
    routed = InquiryEvent(
        at=inquiry.received_at,
        actor_type=ActorType.SYSTEM,
        kind="routed",
        public=False,
        summary=f"Routed: {decision.reason}",
        details={"contact_id": decision.contact.id if decision.contact else None},
    )
    return [received, routed]
