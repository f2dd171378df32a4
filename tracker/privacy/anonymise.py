"""What anonymising an inquiry means: the journalist's personal data goes, the figures stay.

Blanked: name, email, phone, subject and message (free text a journalist writes about
themselves as often as not), the officers' free text about them (internal notes, logged
responses, referral notes, follow-up notes, in the timeline too), and the mails about the
inquiry (bodies and subjects; the journalist's address; unsent ones are cancelled). Digest
mails to managers quote subjects: those quotes are blanked as well.

Kept, because the statistics are computed from them and they identify nobody on their
own: mission, channel, phase, received/due/response/answered/closed instants, deadline,
request type, topic, media type, country, language, routed contact and reason, assignee,
status, and the timeline's kinds and times.

The outlet is kept too: it names an organisation, not a person, and the "top outlets"
figures group by it. The exception is an outlet that contains the journalist's own name
(a freelancer's byline, "Jane Doe Media"): that one is personal data and is blanked.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from markupsafe import escape
from sqlalchemy import and_, func, or_, select

from tracker.extensions import db
from tracker.mail.notices import DIGEST
from tracker.models import Inquiry, InquiryEvent, OutboxMessage, OutboxStatus

ANONYMISED = "(anonymised)"
# Event kinds whose summary repeats an officer's free text after a fixed prefix.
SUMMARY_PREFIXES = {"follow_up": "Follow-up scheduled", "follow_up_done": "Follow-up done"}
# Event details that hold free text typed about the journalist.
FREE_TEXT_DETAILS = ("text",)
CANCELLED_REASON = "Withdrawn: the journalist's personal data was anonymised."


def anonymise(inquiry: Inquiry, now: datetime) -> None:
    """Blank ``inquiry``'s personal data in place; the caller commits."""
    mails = mails_about(inquiry)
    scrub_digests(inquiry)
    scrub_mails(mails, inquiry.email)
    scrub_events(inquiry.events)
    for follow_up in inquiry.follow_ups:
        follow_up.note = ANONYMISED
    scrub_inquiry(inquiry)
    inquiry.anonymised_at = now


def scrub_inquiry(inquiry: Inquiry) -> None:
    if outlet_names_person(inquiry.outlet, inquiry.name):
        inquiry.outlet = ANONYMISED
    inquiry.name = ANONYMISED
    inquiry.email = None
    inquiry.phone = None
    inquiry.subject = ANONYMISED
    inquiry.message = ""


def outlet_names_person(outlet: str, name: str) -> bool:
    """True when the outlet contains the journalist's name (or the name is the outlet)."""
    outlet_words, name_words = outlet.casefold().split(), name.casefold().split()
    if not name_words:
        return False
    return " ".join(name_words) in " ".join(outlet_words) or outlet_words == name_words[-1:]


def scrub_events(events: Iterable[InquiryEvent]) -> None:
    for event in events:
        if any(key in event.details for key in FREE_TEXT_DETAILS):
            # A new dict, so that the JSON column sees the change.
            event.details = {
                key: (ANONYMISED if key in FREE_TEXT_DETAILS else value)
                for key, value in event.details.items()
            }
        prefix = SUMMARY_PREFIXES.get(event.kind)
        if prefix:
            event.summary = prefix


def mails_about(inquiry: Inquiry) -> list[OutboxMessage]:
    """The mails linked to the inquiry, and those to the journalist's address linked to
    no inquiry. A mail about another of their inquiries (perhaps still open) belongs to
    that one, and waits until it is anonymised."""
    condition = OutboxMessage.inquiry_id == inquiry.id
    if inquiry.email:
        unlinked = and_(
            OutboxMessage.inquiry_id.is_(None),
            func.lower(OutboxMessage.to_address) == inquiry.email.lower(),
        )
        condition = or_(condition, unlinked)
    return list(db.session.scalars(select(OutboxMessage).where(condition)))


def scrub_mails(mails: Iterable[OutboxMessage], journalist_email: str | None) -> None:
    address = (journalist_email or "").casefold()
    for mail in mails:
        if mail.status is not OutboxStatus.SENT:
            mail.status = OutboxStatus.CANCELLED
            mail.last_error = CANCELLED_REASON
        mail.sealed_secret = None
        mail.body_text = ""
        mail.body_html = ""
        mail.subject = f"{mail.inquiry.reference}: {ANONYMISED}" if mail.inquiry else ANONYMISED
        if address and mail.to_address.casefold() == address:
            mail.to_address = ANONYMISED


def scrub_digests(inquiry: Inquiry) -> None:
    """Blank the quotes of the inquiry's subject in the managers' digests that list it."""
    subject = inquiry.subject
    if not subject or subject == ANONYMISED:
        return
    digests = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.kind == DIGEST, OutboxMessage.body_text.contains(inquiry.reference)
        )
    )
    for digest in digests:
        # In the text, only the inquiry's own line; the HTML is blanked wherever the
        # subject appears (another inquiry with the very same subject loses it too).
        digest.body_text = "\n".join(
            row.replace(subject, ANONYMISED) if inquiry.reference in row else row
            for row in digest.body_text.split("\n")
        )
        digest.body_html = digest.body_html.replace(str(escape(subject)), ANONYMISED)
