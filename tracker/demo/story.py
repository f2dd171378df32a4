"""What the demo's inquiries are made of, and how the office handled each of them.

Every inquiry goes through the same services as the form and the desk (intake, claim,
response, status, referral, follow-up), each step at its own instant, so timelines,
milestones, the response clock and the statistics are as real work would leave them.
Made-up and repeatable: the caller seeds the random generator, nothing here is a secret.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from enum import StrEnum

from tracker.choices import Channel, MediaType, RequestType, ResponseChannel, Status, Topic
from tracker.inquiries import assignment, follow_ups, intake, referral, responses, status_changes
from tracker.models import Contact, Inquiry, Mission, User

JOURNALISTS = [
    ("Aigerim Nurlanovna", "Vlast.kz", MediaType.ONLINE, "KZ", "ru"),
    ("Daniyar Sadykov", "Kazinform", MediaType.NEWS_AGENCY, "KZ", "kk"),
    ("Olga Petrova", "Radio Azattyq", MediaType.RADIO, "KZ", "ru"),
    ("James Whitfield", "Reuters", MediaType.NEWS_AGENCY, "GB", "en"),
    ("Claire Dubois", "Le Temps", MediaType.PRINT, "CH", "fr"),
    ("Marat Akhmetov", "Khabar TV", MediaType.TV, "KZ", "ru"),
    ("Sofia Marin", "freelance", MediaType.FREELANCE, "ES", "es"),
    ("Gulnara Bekova", "Tengrinews", MediaType.ONLINE, "KZ", "kk"),
]
CHANNELS = [Channel.WEB_FORM, Channel.WEB_FORM, Channel.PHONE, Channel.EMAIL]
SUBJECTS = {
    RequestType.INTERVIEW: "Interview with the Special Rapporteur",
    RequestType.COMMENT: "Comment on the new Code on Administrative Offences",
    RequestType.INFORMATION: "Programme of the visit in Almaty",
    RequestType.FILMING: "Filming the meeting with civil society",
    RequestType.ACCREDITATION: "Accreditation to the press conference",
    RequestType.OTHER: "Photo of the expert",
}
OTHER_EXPERT = "Question about the UN expert on human rights defenders"


class Outcome(StrEnum):
    """Where the office's work on an inquiry got to."""

    CLOSED = "closed"
    ANSWERED = "answered"
    REFERRED = "referred"
    DECLINED = "declined"
    FOLLOW_UP = "open with a follow-up"
    AWAITING = "awaiting the journalist"
    IN_HAND = "assigned and not yet answered"
    NEW = "new"


def request(
    rng: random.Random,
    kind: RequestType,
    topic: Topic,
    deadline: datetime | None,
    zone: str,
    subject: str | None = None,
) -> intake.JournalistRequest:
    """A journalist's inquiry of ``kind``; an address at example.org (no real mailbox)."""
    name, outlet, media, country, language = rng.choice(JOURNALISTS)
    subject = subject or (OTHER_EXPERT if topic is Topic.OTHER_EXPERTS else SUBJECTS[kind])
    return intake.JournalistRequest(
        name=name,
        outlet=outlet,
        media_type=media,
        country=country,
        email=f"{name.split()[0].lower()}@example.org",
        phone=None,
        language=language,
        request_type=kind,
        topic=topic,
        subject=subject,
        message=f"Demo inquiry: {subject}.",
        deadline=deadline,
        deadline_tz=zone if deadline else None,
    )


def receive(
    mission: Mission,
    rng: random.Random,
    at: datetime,
    kind: RequestType,
    topic: Topic = Topic.MISSION,
    deadline: datetime | None = None,
    subject: str | None = None,
) -> Inquiry:
    """Take the inquiry in as the form or the desk would, as of ``at``."""
    asked = request(rng, kind, topic, deadline, mission.timezone, subject)
    channel = rng.choice(CHANNELS)
    return intake.receive(mission, asked, channel=channel, received_at=at).inquiry


def handle(
    inquiry: Inquiry,
    officer: User,
    outcome: Outcome,
    *,
    respond_after: timedelta,
    media_unit: Contact,
) -> None:
    """Take the inquiry to ``outcome``: claimed a little after it came in, answered
    ``respond_after`` receipt, closed a day or two later."""
    if outcome is Outcome.NEW:
        return
    start = inquiry.received_at
    assignment.claim(inquiry, officer, start + respond_after / 3)
    if outcome is Outcome.IN_HAND:
        return
    answered = start + respond_after
    if outcome is Outcome.REFERRED:
        note = "About another expert: the Media Unit answers for them."
        referral.refer(inquiry, officer, answered, to=media_unit, note=note)
        return
    said = "Declined: the schedule is full." if outcome is Outcome.DECLINED else "Answered."
    responses.log_response(inquiry, officer, answered, channel=ResponseChannel.PHONE, said=said)
    finish(inquiry, officer, outcome, answered)


def finish(inquiry: Inquiry, officer: User, outcome: Outcome, answered: datetime) -> None:
    """The last steps after the first response."""
    later = answered + timedelta(minutes=20)
    if outcome is Outcome.DECLINED:
        status_changes.change_status(inquiry, officer, later, to=Status.DECLINED)
    elif outcome is Outcome.AWAITING:
        status_changes.change_status(inquiry, officer, later, to=Status.AWAITING_JOURNALIST)
    elif outcome is Outcome.FOLLOW_UP:
        what = "Send the preliminary findings once they are public"
        due = answered + timedelta(days=1)
        follow_ups.schedule_follow_up(inquiry, officer, later, due_at=due, what=what)
    elif outcome in (Outcome.ANSWERED, Outcome.CLOSED):
        status_changes.change_status(inquiry, officer, later, to=Status.ANSWERED)
        if outcome is Outcome.CLOSED:
            closed = later + timedelta(days=1, hours=2)
            status_changes.change_status(inquiry, officer, closed, to=Status.CLOSED)
