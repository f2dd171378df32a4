"""The mail that changes to an inquiry cause, queued in the transaction of the change.

Called by the intake service (acknowledgement, new-inquiry notice) and by the desk's
``log_response`` (the journalist's notice, withdrawing a deadline reminder that stopped
being true). Nothing here commits or sends.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from flask import current_app
from sqlalchemy.orm import Session

from tracker.choices import Channel, RequestType, ResponseChannel
from tracker.mail import messages, outbox, recipients, sealing
from tracker.models import Inquiry, MissionEvent, User

ACKNOWLEDGEMENT = "acknowledgement"
NEW_INQUIRY = "new_inquiry"
RESPONSE = "response_logged"
DEADLINE_REMINDER = "deadline_reminder"
FOLLOW_UP_DUE = "follow_up_due"
DIGEST = "digest"

PRESS_CONFERENCE = "press-conference"


def inquiry_received(session: Session, inquiry: Inquiry, status_token: str, now: datetime) -> None:
    """Acknowledge a new inquiry to its journalist and tell the office about it."""
    # Imported inquiries are the office's history: nobody is to hear about them again.
    if inquiry.channel is Channel.IMPORT:
        return
    # Who to tell does not depend on the rows waiting to be written: not flushing them
    # for this query lets the caller write the inquiry and its mails in one flush.
    with session.no_autoflush:
        officers = recipients.for_new_inquiry(session, inquiry)
    if inquiry.email:
        queue_acknowledgement(session, inquiry, status_token, now)
    for officer in officers:
        queue_new_inquiry_notice(session, inquiry, officer, now)


def queue_acknowledgement(
    session: Session, inquiry: Inquiry, status_token: str, now: datetime
) -> None:
    """The reference, who answers and their phone, the status link; in their language."""
    mission = inquiry.mission
    language = messages.language_for(inquiry.language)
    accreditation = inquiry.request_type is RequestType.ACCREDITATION
    message = messages.render(
        ACKNOWLEDGEMENT,
        language,
        inquiry=inquiry,
        mission=mission,
        contact=inquiry.routed_contact,
        # The token itself waits sealed beside the bodies (see tracker.mail.sealing).
        status_url=messages.external_url("public.status", token=sealing.PLACEHOLDER),
        mission_url=messages.external_url("public.mission", slug=mission.slug),
        accreditation=accreditation,
        conference=press_conference(mission.events) if accreditation else None,
        calendar_url=messages.external_url("public.calendar", slug=mission.slug),
        when=partial(messages.when, zone=mission.timezone, language=language),
    )
    outbox.enqueue(
        session,
        kind=ACKNOWLEDGEMENT,
        to=inquiry.email or "",
        message=message,
        now=now,
        inquiry=inquiry,
        sealed_secret=sealing.Sealer.from_config(current_app.config).seal(status_token),
    )


def queue_new_inquiry_notice(
    session: Session, inquiry: Inquiry, officer: User, now: datetime
) -> None:
    """Tell an officer (or a manager) that an inquiry is waiting for them."""
    message = messages.render(
        NEW_INQUIRY,
        inquiry=inquiry,
        mission=inquiry.mission,
        officer=officer,
        routed_to_them=officer.contact_id == inquiry.routed_contact_id,
        desk_url=messages.external_url("desk.inquiry", reference=inquiry.reference),
        when=partial(messages.when, zone=officer.timezone),
    )
    outbox.enqueue(
        session, kind=NEW_INQUIRY, to=officer.email, message=message, now=now, inquiry=inquiry
    )


def response_logged(
    session: Session, inquiry: Inquiry, channel: ResponseChannel, *, first: bool, now: datetime
) -> None:
    """A response was logged: confirm it to the journalist; drop stale deadline reminders."""
    if first:
        outbox.withdraw(
            session,
            inquiry_id=inquiry.id,
            kinds=(DEADLINE_REMINDER,),
            reason="withdrawn: a response was logged",
            now=now,
        )
    if wants_response_notice(inquiry, channel):
        queue_response_notice(session, inquiry, channel, now)


def wants_response_notice(inquiry: Inquiry, channel: ResponseChannel) -> bool:
    """Whether the journalist gets a written note of a response.

    Not for an answer by email (that mail is the record), and never to a journalist marked
    at risk: mail about their contact with the office could endanger them.
    """
    return bool(inquiry.email) and channel is not ResponseChannel.EMAIL and not inquiry.sensitive


def queue_response_notice(
    session: Session, inquiry: Inquiry, channel: ResponseChannel, now: datetime
) -> None:
    """A short written record for the journalist: answered, how, and the reference."""
    mission = inquiry.mission
    language = messages.language_for(inquiry.language)
    message = messages.render(
        RESPONSE,
        language,
        inquiry=inquiry,
        mission=mission,
        channel=channel.value,
        responded_at=now,
        contact=inquiry.routed_contact,
        when=partial(messages.when, zone=mission.timezone, language=language),
    )
    to = inquiry.email or ""
    outbox.enqueue(session, kind=RESPONSE, to=to, message=message, now=now, inquiry=inquiry)


def press_conference(events: list[MissionEvent]) -> MissionEvent | None:
    """The mission's press conference, if it has a time yet."""
    return next((e for e in events if e.kind == PRESS_CONFERENCE and e.starts_at), None)
