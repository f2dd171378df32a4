"""The mail that changes to an inquiry cause, queued in the transaction of the change.

Called by the intake service (acknowledgement, new-inquiry notice) and by the desk's
``log_response`` (the journalist's notice, withdrawing a deadline reminder that stopped
being true). Nothing here commits or sends.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache, partial

from flask import current_app

from tracker import links
from tracker.choices import Channel, RequestType, ResponseChannel
from tracker.mail import messages, outbox, recipients, sealing
from tracker.models import Inquiry, MissionEvent
from tracker.routing import ContactRef

ACKNOWLEDGEMENT = "acknowledgement"
NEW_INQUIRY = "new_inquiry"
RESPONSE = "response_logged"
DEADLINE_REMINDER = "deadline_reminder"
FOLLOW_UP_DUE = "follow_up_due"
DIGEST = "digest"

PRESS_CONFERENCE = "press-conference"


def inquiry_received(
    inquiry: Inquiry,
    status_token: str,
    short_code: str,
    now: datetime,
    contact: ContactRef | None,
) -> None:
    """Acknowledge a new inquiry to its journalist and tell the office about it.

    ``inquiry`` has its id and values (the intake service wrote it with an INSERT of its
    own); ``contact`` is whom it was routed to. The mails are queued with one more INSERT,
    in the caller's transaction.
    """
    # Imported inquiries are the office's history: nobody is to hear about them again.
    if inquiry.channel is Channel.IMPORT:
        return
    # Read as plain rows: the intake has written what the session held (see there).
    officers = recipients.addressees_for_new_inquiry(inquiry.routed_contact_id)
    mails = [acknowledgement(inquiry, status_token, short_code, contact)] if inquiry.email else []
    mails += [new_inquiry_notice(inquiry, officer) for officer in officers]
    outbox.enqueue_all(mails, now=now, inquiry_id=inquiry.id)


def acknowledgement(
    inquiry: Inquiry, status_token: str, short_code: str, contact: ContactRef | None
) -> outbox.Mail:
    """The reference, who answers and their phone, the status link and the short code; in
    their language."""
    mission = inquiry.mission
    language = messages.language_for(inquiry.language)
    accreditation = inquiry.request_type is RequestType.ACCREDITATION
    message = messages.render(
        ACKNOWLEDGEMENT,
        language,
        inquiry=inquiry,
        mission=mission,
        contact=contact,
        # The token itself waits sealed beside the bodies (see tracker.mail.sealing).
        status_url=links.external_url("public.status", token=sealing.PLACEHOLDER),
        short_code=sealing.CODE_PLACEHOLDER,
        check_url=links.external_url("public.check_code"),
        mission_url=links.external_url("public.mission", slug=mission.slug),
        accreditation=accreditation,
        conference=press_conference(mission.events) if accreditation else None,
        calendar_url=links.external_url("public.calendar", slug=mission.slug),
        when=partial(messages.when, zone=mission.timezone, language=language),
    )
    sealed = sealer_for(current_app.config["SECRET_KEY"]).seal(status_token, short_code)
    return outbox.Mail(ACKNOWLEDGEMENT, inquiry.email or "", message, sealed_secret=sealed)


@lru_cache(maxsize=4)
def sealer_for(secret_key: str | bytes) -> sealing.Sealer:
    """The sealer of a SECRET_KEY, its key derived once per process, not once per mail."""
    return sealing.Sealer(secret_key)


def new_inquiry_notice(inquiry: Inquiry, officer: recipients.Addressee) -> outbox.Mail:
    """Tell an officer (or a manager) that an inquiry is waiting for them."""
    message = messages.render(
        NEW_INQUIRY,
        inquiry=inquiry,
        mission=inquiry.mission,
        officer=officer,
        routed_to_them=officer.contact_id == inquiry.routed_contact_id,
        desk_url=links.external_url("desk.inquiry", reference=inquiry.reference),
        when=partial(messages.when, zone=officer.timezone),
    )
    return outbox.Mail(NEW_INQUIRY, officer.email, message)


def response_logged(
    inquiry: Inquiry, channel: ResponseChannel, *, first: bool, now: datetime
) -> None:
    """A response was logged: confirm it to the journalist; drop stale deadline reminders."""
    if first:
        outbox.withdraw(
            inquiry_id=inquiry.id,
            kinds=(DEADLINE_REMINDER,),
            reason="withdrawn: a response was logged",
            now=now,
        )
    if wants_response_notice(inquiry, channel):
        queue_response_notice(inquiry, channel, now)


def wants_response_notice(inquiry: Inquiry, channel: ResponseChannel) -> bool:
    """Whether the journalist gets a written note of a response.

    Not for an answer by email (that mail is the record), and never to a journalist marked
    at risk: mail about their contact with the office could endanger them.
    """
    return bool(inquiry.email) and channel is not ResponseChannel.EMAIL and not inquiry.sensitive


def queue_response_notice(inquiry: Inquiry, channel: ResponseChannel, now: datetime) -> None:
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
    outbox.enqueue(kind=RESPONSE, to=to, message=message, now=now, inquiry=inquiry)


def press_conference(events: list[MissionEvent]) -> MissionEvent | None:
    """The mission's press conference, if it has a time yet."""
    return next((e for e in events if e.kind == PRESS_CONFERENCE and e.starts_at), None)
