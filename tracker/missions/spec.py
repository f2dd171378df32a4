"""The mission file format (TOML), validated field by field.

A file holds every fact of a press release: the expert, the days and zones, the events,
the contacts with their numbers, who answers in each phase, and the routing rules. A bad
file is refused with one line that names the field, before anything is written.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    model_validator,
)

from tracker import hours, phones
from tracker.choices import Phase, RequestType, RoutingTarget, Topic


class MissionFileError(ValueError):
    """The file cannot be loaded; the message is one line naming the field."""


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown IANA time zone {name!r}") from None
    return name


def _phone(raw: str) -> str:
    return phones.normalise(raw)


def _days(names: list[str]) -> list[str]:
    return [hours.DAY_NAMES[number - 1] for number in hours.day_numbers(names)]


def _hours(text: str) -> str:
    opens, closes = hours.parse_hours(text)
    return f"{opens:%H:%M}-{closes:%H:%M}"


Zone = Annotated[str, AfterValidator(_zone)]
Phone = Annotated[str, AfterValidator(_phone)]
Key = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$")]
# Lengths match the database columns, so PostgreSQL never refuses what validation let by.
Text = Annotated[str, Field(min_length=1, max_length=300)]
Name = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(min_length=1, max_length=100)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# [translations.ru], [translations.kk]: the languages of the public pages besides English.
Language = Literal["ru", "kk"]


class Texts(Strict):
    """One language's translations of a row's texts; what is left out shows in English.

    ``stored`` maps the file's names to the columns they translate (``when`` is an
    event's ``when_text``, the expert's ``title`` the mission's ``expert_title``).
    """

    stored: ClassVar[dict[str, str]] = {}

    def columns(self) -> dict[str, Any]:
        values = self.model_dump(exclude_none=True)
        return {self.stored.get(name, name): value for name, value in values.items() if value}


class MissionTexts(Texts):
    title: Text | None = None
    country: Short | None = None
    cities: list[Short] | None = None
    summary: str | None = None
    source: str | None = None


class ExpertTexts(Texts):
    stored: ClassVar[dict[str, str]] = {
        "name": "expert_name",
        "title": "expert_title",
        "country": "expert_country",
    }
    name: Name | None = None
    title: Text | None = None
    country: Short | None = None


class EventTexts(Texts):
    stored: ClassVar[dict[str, str]] = {"when": "when_text"}
    title: Text | None = None
    when: Text | None = None
    venue: Text | None = None
    description: str | None = None


class OfficeTexts(Texts):
    name: Short | None = None


class ContactTexts(Texts):
    name: Name | None = None
    unit: Name | None = None


def stored_translations(translations: dict[Language, Texts]) -> dict[str, dict[str, Any]]:
    """``{"ru": {column: text}}`` as the rows keep them, empty languages left out."""
    stored = {language: texts.columns() for language, texts in translations.items()}
    return {language: columns for language, columns in stored.items() if columns}


class ExpertSpec(Strict):
    name: Name
    title: Text
    country: Short | None = None
    translations: dict[Language, ExpertTexts] = {}


class EventSpec(Strict):
    kind: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
    title: Text
    starts_at_local: datetime | None = None
    when: Text | None = None
    venue: Text | None = None
    description: str | None = None
    translations: dict[Language, EventTexts] = {}

    @model_validator(mode="after")
    def dated(self) -> Self:
        if self.starts_at_local is None and not self.when:
            raise ValueError("an event needs starts_at_local or when")
        if self.starts_at_local is not None and self.starts_at_local.tzinfo is not None:
            raise ValueError("starts_at_local is a local time: write it without an offset")
        return self


class OfficeSpec(Strict):
    """An office and its working hours: ``days = ["mon", …]``, ``hours = "09:00-18:00"``."""

    name: Short
    timezone: Zone | None = None
    days: Annotated[list[str], AfterValidator(_days)] = []
    hours: Annotated[str, AfterValidator(_hours)] | None = None
    duty_phone: Phone | None = None
    translations: dict[Language, OfficeTexts] = {}

    @model_validator(mode="after")
    def complete(self) -> Self:
        if (self.days or self.hours) and not (self.days and self.hours and self.timezone):
            raise ValueError("working hours need timezone, days and hours, all three")
        return self

    @property
    def opening_times(self) -> tuple[time | None, time | None]:
        return hours.parse_hours(self.hours) if self.hours else (None, None)


class ContactSpec(Strict):
    key: Key
    name: Name
    office: Short | None = None
    unit: Name | None = None
    phones: list[Phone] = []
    email: EmailStr | None = None
    # The languages the contact gives interviews in, as codes: "en", "ru", "kk" …
    languages: list[str] = []
    translations: dict[Language, ContactTexts] = {}


class PhasesSpec(Strict):
    before: list[Key] = []
    during: list[Key] = []
    after: list[Key] = []

    def by_phase(self) -> dict[Phase, list[str]]:
        return {Phase.BEFORE: self.before, Phase.DURING: self.during, Phase.AFTER: self.after}


class RuleSpec(Strict):
    topic: Topic | None = None
    phase: Phase | None = None
    request_type: RequestType | None = None
    target: RoutingTarget = RoutingTarget.CONTACTS
    contacts: list[Key] = []

    @model_validator(mode="after")
    def has_contacts(self) -> Self:
        if self.target is RoutingTarget.CONTACTS and not self.contacts:
            raise ValueError("a rule with target 'contacts' must name contacts")
        return self


class MissionSpec(Strict):
    slug: Key
    reference_prefix: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]{1,9}$")]
    title: Text
    country: Short
    cities: list[Short] = []
    first_day: date
    last_day: date
    timezone: Zone
    home_timezone: Zone
    home_office: Short = "Geneva"
    announced_on: date | None = None
    # At least one minute: the target is stored in whole minutes.
    response_target_hours: Annotated[float, Field(ge=1 / 60, le=168)] = 4
    # Months journalists' data is kept after the later of the visit's end and the closing.
    retention_months: Annotated[int, Field(ge=1, le=120)] = 24
    summary: str = ""
    source: str | None = None
    # true publishes the mission, false makes it a draft again; left out, a new mission is
    # a draft and a loaded one keeps its state (an admin may have published it).
    published: bool | None = None
    translations: dict[Language, MissionTexts] = {}
    expert: ExpertSpec
    events: list[EventSpec] = []
    offices: list[OfficeSpec] = []
    contacts: list[ContactSpec] = []
    phases: PhasesSpec
    routing: list[RuleSpec] = []

    @model_validator(mode="after")
    def consistent(self) -> Self:
        if self.last_day < self.first_day:
            raise ValueError("last_day is earlier than first_day")
        names = [office.name for office in self.offices]
        if len(set(names)) < len(names):
            raise ValueError("an office is listed twice in [[offices]]")
        known = {contact.key for contact in self.contacts}
        named = [key for keys in self.phases.by_phase().values() for key in keys]
        named += [key for rule in self.routing for key in rule.contacts]
        unknown = sorted(set(named) - known)
        if unknown:
            raise ValueError(f"contacts not defined in [[contacts]]: {', '.join(unknown)}")
        empty = [phase.value for phase, keys in self.phases.by_phase().items() if not keys]
        if self.published and empty:
            raise ValueError(
                "published = true needs a contact for every phase; none in [phases] "
                + ", ".join(empty)
            )
        return self


def parse_mission_file(path: Path) -> MissionSpec:
    """Read and validate a mission file, or raise MissionFileError with one line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise MissionFileError(f"{path}: cannot read: {error.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MissionFileError(f"{path}: not valid TOML: {error}") from None
    try:
        return MissionSpec.model_validate(data)
    except ValidationError as error:
        raise MissionFileError(f"{path}: {first_problem(error)}") from None


def first_problem(error: ValidationError) -> str:
    """ "contacts[2].phones[0]: This is not a phone number ..." from pydantic's report."""
    problem = error.errors()[0]
    where = ""
    for part in problem["loc"]:
        if part == "[key]":
            continue  # a table's key was refused: the key itself names the place
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    message = problem["msg"].removeprefix("Value error, ")
    return f"{where.lstrip('.') or 'file'}: {message}"
