"""Taking in an inquiry: phase, routing, reference, token, short code, clock and timeline,
in one go.

Used by the public form, the desk's call logging (``log_call``), the import and the demo,
so every channel routes and numbers inquiries the same way. The caller owns the
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, bindparam, insert, update

from tracker import phases, routing
from tracker.choices import ActorType, Channel, MediaType, Phase, RequestType, Status, Topic
from tracker.extensions import Base, db
from tracker.inquiries import assignment, response_clock, short_codes, status_tokens, timeline
from tracker.mail import notices
from tracker.missions import lookups
from tracker.models import Inquiry, InquiryEvent, Mission, User
from tracker.refusals import Refused


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
    """The new inquiry's id and reference, and its status token, which exists in clear
    only here; and its short code, which the desk can work out again (short_codes)."""

    inquiry_id: int
    reference: str
    status_token: str
    short_code: str

    @property
    def inquiry(self) -> Inquiry:
        """The stored inquiry, read when a caller needs more than its id and reference."""
        found = db.session.get(Inquiry, self.inquiry_id)
        if found is None:
            raise LookupError(f"inquiry {self.reference} is not in this transaction")
        return found


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


# The intake writes with plain statements on the tables, built once, run on the session's
# connection (so in its transaction): no ORM objects to flush. The unit of work's flush of
# an inquiry, its timeline and its mail cost several times the statements themselves, on
# the busiest write there is. Column defaults (status, created_at, version…) apply alike.
INSERT_INQUIRY = insert(table_of(Inquiry)).returning(table_of(Inquiry).c.id)
INSERT_EVENTS = insert(table_of(InquiryEvent))
NEXT_NUMBER = (
    update(table_of(Mission))
    .where(table_of(Mission).c.id == bindparam("mission_id"))
    .values(last_inquiry_number=table_of(Mission).c.last_inquiry_number + 1)
    .returning(table_of(Mission).c.last_inquiry_number)
)


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
    # The statements below run on the connection, past the ORM: whatever the caller has
    # pending (a mission just made, say) must be in the database first. Nothing pending,
    # the usual case, costs nothing.
    db.session.flush()
    if not mission.published:
        raise Refused(f"{mission.slug} is a draft: publish it before it takes inquiries.")
    phase = phases.phase_at(mission, received_at)
    decision = decision or route(mission, request, phase)
    number = next_number(mission)
    token = status_tokens.new_token()
    reference = format_reference(mission.reference_prefix, number)
    code = short_codes.code_for(reference, current_app.config["SECRET_KEY"])
    values = {
        "mission_id": mission.id,
        "number": number,
        "reference": reference,
        "status_token_hash": status_tokens.token_hash(token),
        "short_code_hash": short_codes.code_hash(code),
        "channel": channel,
        "received_at": received_at,
        "phase_at_receipt": phase,
        "status": Status.NEW,
        "routed_contact_id": decision.contact.id if decision.contact else None,
        "routing_reason": decision.reason,
        "due_at": response_clock.due_at(
            received_at, request.deadline, timedelta(minutes=mission.response_target_minutes)
        ),
        **vars(request),
    }
    connection = db.session.connection()
    inquiry_id: int = connection.execute(INSERT_INQUIRY, values).scalar_one()
    events = opening_events(inquiry_id, received_at, phase, channel, decision)
    connection.execute(INSERT_EVENTS, events)
    # The mails read the new inquiry as an object: this copy is never added to the session.
    inquiry = Inquiry(id=inquiry_id, **values)
    inquiry.mission = mission
    # The acknowledgement carries the token in clear, which exists only here. Queued in
    # this transaction: the inquiry and its mail are committed together or not at all.
    # It names the contact as routing read it (no second query for the contact).
    notices.inquiry_received(inquiry, token, code, now=received_at, contact=decision.contact)
    return Receipt(inquiry_id, reference, token, code)


def log_call(
    mission: Mission,
    request: JournalistRequest,
    *,
    channel: Channel,
    received_at: datetime | None,
    officer: User,
    now: datetime,
    take_it: bool,
) -> Receipt:
    """An inquiry that came by phone, email or in person, logged by ``officer``.

    Received as of when it came in (``now`` when not given). Routed by the same rules as
    the web form, unless the officer takes it on: then it is routed to their own contact
    and assigned to them.
    """
    taken = None
    if take_it and officer.contact is not None:
        reason = f"taken by {officer.name} when logging the call"
        taken = routing.Decision(lookups.contact_ref(officer.contact), reason)
    receipt = receive(
        mission, request, channel=channel, received_at=received_at or now, decision=taken
    )
    inquiry = receipt.inquiry
    timeline.record(inquiry, "logged", f"Logged by {officer.name}", at=now, actor=officer)
    if take_it:
        assignment.claim(inquiry, officer, now)
    return receipt


def route(mission: Mission, request: JournalistRequest, phase: phases.Phase) -> routing.Decision:
    facts = routing.InquiryFacts(request.topic, phase, request.request_type)
    rules = lookups.rules_of(mission.id)
    # The phase lists are read only for a rule that hands the inquiry to them (the
    # fallback does); a rule naming its own contacts never looks at them.
    phase_contacts = (
        lookups.phase_contacts_of(mission.id) if routing.uses_phase_contacts(facts, rules) else {}
    )
    # Only a choice between contacts needs their open inquiries counted (a COUNT over the
    # whole table); a rule naming one contact, the usual case, needs no count at all.
    candidates = routing.candidates(facts, rules, phase_contacts)
    load = lookups.open_load({c.id for c in candidates}) if len(candidates) > 1 else {}
    return routing.route(facts, rules, phase_contacts, load)


def next_number(mission: Mission) -> int:
    """Hand out the mission's next reference number.

    One atomic UPDATE ... RETURNING: concurrent submissions each get their own number
    (PostgreSQL locks the mission row until commit, SQLite the whole database).
    """
    result = db.session.connection().execute(NEXT_NUMBER, {"mission_id": mission.id})
    number: int = result.scalar_one()
    return number


def format_reference(prefix: str, number: int) -> str:
    """ "KAZ15-0042": short enough to read out on the phone, sortable within a mission."""
    return f"{prefix}-{number:04d}"


def opening_events(
    inquiry_id: int,
    received_at: datetime,
    phase: Phase,
    channel: Channel,
    decision: routing.Decision,
) -> list[dict[str, Any]]:
    """The first two lines of the timeline: received (public), and routed (why)."""
    received = {
        "inquiry_id": inquiry_id,
        "at": received_at,
        "actor_type": ActorType.JOURNALIST,
        "kind": "received",
        "public": True,
        "summary": f"Inquiry received ({channel.label.lower()})",
        "details": {"channel": channel.value, "phase": phase.value},
    }
    routed = {
        "inquiry_id": inquiry_id,
        "at": received_at,
        "actor_type": ActorType.SYSTEM,
        "kind": "routed",
        "public": False,
        "summary": f"Routed: {decision.reason}",
        "details": {"contact_id": decision.contact.id if decision.contact else None},
    }
    return [received, routed]
