"""The vocabularies of the domain, with the labels people read.

Plain enums and lists with no Flask or database imports: the rules, the forms, the import
and the models all speak these. The value is what is stored and what integrations post.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from zoneinfo import available_timezones

from babel import Locale

from tracker import phones


class Labelled(StrEnum):
    """A string enum whose members carry a human label."""

    @property
    def label(self) -> str:
        return LABELS.get(self, self.value.replace("_", " ").capitalize())

    @classmethod
    def options(cls) -> list[tuple[str, str]]:
        """(value, label) pairs for a select field, in declaration order."""
        return [(member.value, member.label) for member in cls]


class Phase(Labelled):
    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class Topic(Labelled):
    MISSION = "mission"
    OTHER_EXPERTS = "other_experts"
    GENERAL = "general"


class MediaType(Labelled):
    PRINT = "print"
    ONLINE = "online"
    TV = "tv"
    RADIO = "radio"
    NEWS_AGENCY = "news_agency"
    FREELANCE = "freelance"
    OTHER = "other"


class RequestType(Labelled):
    INTERVIEW = "interview"
    COMMENT = "comment"
    INFORMATION = "information"
    FILMING = "filming"
    ACCREDITATION = "accreditation"
    OTHER = "other"


class Channel(Labelled):
    WEB_FORM = "web_form"
    PHONE = "phone"
    EMAIL = "email"
    IN_PERSON = "in_person"
    IMPORT = "import"


class Status(Labelled):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    AWAITING_SIGN_OFF = "awaiting_sign_off"
    AWAITING_JOURNALIST = "awaiting_journalist"
    ANSWERED = "answered"
    CLOSED = "closed"
    DECLINED = "declined"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    REFERRED = "referred"


# An inquiry in one of these still needs something from the press office.
OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.AWAITING_SIGN_OFF,
        Status.AWAITING_JOURNALIST,
    }
)


class ResponseChannel(Labelled):
    """How a press officer answered."""

    EMAIL = "email"
    PHONE = "phone"
    INTERVIEW = "interview"
    WRITTEN_STATEMENT = "written_statement"
    IN_PERSON = "in_person"


class ActorType(Labelled):
    USER = "user"
    JOURNALIST = "journalist"
    SYSTEM = "system"


class Role(Labelled):
    """Ranked: a manager can do everything a press officer can, an admin everything a
    manager can."""

    PRESS_OFFICER = "press_officer"
    MANAGER = "manager"
    ADMIN = "admin"

    def at_least(self, least: Role) -> bool:
        """True when this role ranks as high as ``least`` or higher."""
        return ROLE_RANK[self] >= ROLE_RANK[least]


ROLE_RANK = {Role.PRESS_OFFICER: 1, Role.MANAGER: 2, Role.ADMIN: 3}


class RoutingTarget(Labelled):
    """Where a routing rule sends an inquiry: its own contacts or the phase's."""

    CONTACTS = "contacts"
    PHASE_CONTACTS = "phase_contacts"


LABELS: dict[StrEnum, str] = {
    Phase.BEFORE: "Before the mission",
    Phase.DURING: "During the mission",
    Phase.AFTER: "After the mission",
    Topic.MISSION: "This mission",
    Topic.OTHER_EXPERTS: "Another UN expert",
    Topic.GENERAL: "General question",
    MediaType.TV: "TV",
    Channel.WEB_FORM: "Web form",
    Status.AWAITING_SIGN_OFF: "Awaiting sign-off",
    Role.PRESS_OFFICER: "Press officer",
}

# Languages a journalist can ask to be answered in: the UN's six and Kazakh.
LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"),
    ("ru", "Russian"),
    ("kk", "Kazakh"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("ar", "Arabic"),
    ("zh", "Chinese"),
]

# What the journalist's status page says: the public meaning, not the desk's workflow.
PUBLIC_STATUS: dict[Status, str] = {
    Status.NEW: "Received: waiting for a press officer",
    Status.ASSIGNED: "A press officer is handling it",
    Status.IN_PROGRESS: "A press officer is handling it",
    Status.AWAITING_SIGN_OFF: "A press officer is handling it",
    Status.AWAITING_JOURNALIST: "Waiting for your reply",
    Status.ANSWERED: "Answered",
    Status.CLOSED: "Closed",
    Status.DECLINED: "Declined",
    Status.SPAM: "Closed",
    Status.DUPLICATE: "Merged with another of your inquiries",
    Status.REFERRED: "Passed on to another office",
}


@cache
def country_options(locale: str = "en") -> list[tuple[str, str]]:
    """Countries by name in ``locale``. Babel names them; phonenumbers' regions are the
    list, which leaves out Babel's non-countries ("Europe", "World") and lets us check
    phones. Sorted by code point after case folding: right for English and Russian; the
    Kazakh letters (Ә, Қ, Ң …) come after Я, as no collation library is installed."""
    names = Locale.parse(locale).territories
    codes = phones.supported_regions() & set(names)
    return sorted(((code, names[code]) for code in codes), key=lambda o: o[1].casefold())


@cache
def zone_options() -> list[tuple[str, str]]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [(zone, zone.replace("_", " ")) for zone in [*zones, "UTC"]]
