"""The vocabularies as journalists read them, in the page's language.

``tracker.choices`` keeps the English labels the desk reads and stays free of Flask; the
public pages and the form take their words from here instead. The strings are marked
with ``lazy_gettext`` so that ``pybabel extract`` finds them, and are translated when
they are shown, in the language of that request.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache

from babel import Locale, UnknownLocaleError
from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString

from tracker import choices
from tracker.choices import (
    LANGUAGES,
    MediaType,
    Phase,
    RequestType,
    Status,
    Topic,
)

LABELS: dict[StrEnum, LazyString] = {
    Phase.BEFORE: lazy_gettext("Before the mission"),
    Phase.DURING: lazy_gettext("During the mission"),
    Phase.AFTER: lazy_gettext("After the mission"),
    Topic.MISSION: lazy_gettext("This mission"),
    Topic.OTHER_EXPERTS: lazy_gettext("Another UN expert"),
    Topic.GENERAL: lazy_gettext("General question"),
    MediaType.PRINT: lazy_gettext("Print"),
    MediaType.ONLINE: lazy_gettext("Online"),
    MediaType.TV: lazy_gettext("TV"),
    MediaType.RADIO: lazy_gettext("Radio"),
    MediaType.NEWS_AGENCY: lazy_gettext("News agency"),
    MediaType.FREELANCE: lazy_gettext("Freelance"),
    MediaType.OTHER: lazy_gettext("Other"),
    RequestType.INTERVIEW: lazy_gettext("Interview"),
    RequestType.COMMENT: lazy_gettext("Comment"),
    RequestType.INFORMATION: lazy_gettext("Information"),
    RequestType.FILMING: lazy_gettext("Filming"),
    RequestType.ACCREDITATION: lazy_gettext("Accreditation"),
    RequestType.OTHER: lazy_gettext("Other"),
}

# What the status page says: the public meaning, not the desk's workflow.
PUBLIC_STATUS: dict[Status, LazyString] = {
    Status.NEW: lazy_gettext("Received: waiting for a press officer"),
    Status.ASSIGNED: lazy_gettext("A press officer is handling it"),
    Status.IN_PROGRESS: lazy_gettext("A press officer is handling it"),
    Status.AWAITING_SIGN_OFF: lazy_gettext("A press officer is handling it"),
    Status.AWAITING_JOURNALIST: lazy_gettext("Waiting for your reply"),
    Status.ANSWERED: lazy_gettext("Answered"),
    Status.CLOSED: lazy_gettext("Closed"),
    Status.DECLINED: lazy_gettext("Declined"),
    Status.SPAM: lazy_gettext("Closed"),
    Status.DUPLICATE: lazy_gettext("Merged with another of your inquiries"),
    Status.REFERRED: lazy_gettext("Passed on to another office"),
}

# The public timeline entries are stored in English (the desk reads them too); these are
# the ones a journalist can see on the status page, by their stored text.
EVENT_SUMMARIES: dict[str, LazyString] = {
    "Inquiry received (web form)": lazy_gettext("Inquiry received (web form)"),
    "Inquiry received (phone)": lazy_gettext("Inquiry received (phone)"),
    "Inquiry received (email)": lazy_gettext("Inquiry received (email)"),
    "Inquiry received (in person)": lazy_gettext("Inquiry received (in person)"),
    "Inquiry received (import)": lazy_gettext("Inquiry received (import)"),
    "Responded by email": lazy_gettext("Responded by email"),
    "Responded by phone": lazy_gettext("Responded by phone"),
    "Interview given": lazy_gettext("Interview given"),
    "Written statement sent": lazy_gettext("Written statement sent"),
    "Responded in person": lazy_gettext("Responded in person"),
    "Responded (from the imported log)": lazy_gettext("Responded (from the imported log)"),
    "Reopened": lazy_gettext("Reopened"),
}


def label(member: StrEnum) -> str:
    """The member's public label in the page's language (the desk's label if none)."""
    found = LABELS.get(member)
    return str(found) if found is not None else getattr(member, "label", str(member))


def options(vocabulary: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select, in declaration order."""
    return [(member.value, label(member)) for member in vocabulary]


def public_status(status: Status) -> str:
    """What the status page says about ``status``."""
    return str(PUBLIC_STATUS[status])


def event_summary(summary: str) -> str:
    """A public timeline entry in the page's language; unknown text stays as written."""
    found = EVENT_SUMMARIES.get(summary)
    if found is not None:
        return str(found)
    # Status changes are stored with the English public status as their summary.
    status = next((s for s, text in choices.PUBLIC_STATUS.items() if text == summary), None)
    return public_status(status) if status is not None else summary


@cache
def language_options(locale: str) -> list[tuple[str, str]]:
    """The languages a journalist can be answered in, each named in ``locale``."""
    named = []
    for code, english in LANGUAGES:
        try:
            name = Locale.parse(code).get_display_name(locale) or english
        except UnknownLocaleError:  # pragma: no cover - Babel knows all seven
            name = english
        named.append((code, name[:1].upper() + name[1:]))
    return named


# Messages from modules the desk shares (tracker.phones), which raise them in English.
FOREIGN_MESSAGES: dict[str, LazyString] = {
    "This is not a phone number. Write it with its country code, e.g. +41 22 917 9383.": (
        lazy_gettext(
            "This is not a phone number. Write it with its country code, e.g. +41 22 917 9383."
        )
    ),
    "This number does not exist in its country. Check the digits and the country code.": (
        lazy_gettext(
            "This number does not exist in its country. Check the digits and the country code."
        )
    ),
}


def foreign_message(text: str) -> str:
    """``text`` in the page's language when we know it; as written otherwise."""
    found = FOREIGN_MESSAGES.get(text)
    return str(found) if found is not None else text
