"""The journalist's inquiry form: field names are a contract (integrations post to them)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from tracker import phones
from tracker.choices import LANGUAGES, MediaType, RequestType, Topic
from tracker.inquiries.intake import JournalistRequest

DEADLINE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


@cache
def country_options() -> list[tuple[str, str]]:
    """Countries by English name. Babel names them; phonenumbers' regions are the list,
    which leaves out Babel's non-countries ("Europe", "World") and lets us check phones."""
    names = Locale("en").territories
    codes = phones.supported_regions() & set(names)
    return sorted(((code, names[code]) for code in codes), key=lambda option: option[1])


@cache
def zone_options() -> list[tuple[str, str]]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return [(zone, zone.replace("_", " ")) for zone in [*zones, "UTC"]]


def select_choices(options: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options]


def choice(label: str, options: list[tuple[str, str]], message: str, **kwargs: Any) -> SelectField:
    """A select whose wrong or missing value gets ``message``, not WTForms' generic text."""
    values = [value for value, _ in options]
    return SelectField(
        label,
        choices=select_choices([("", "Choose…"), *options]),
        validate_choice=False,
        validators=[InputRequired(message), AnyOf(values, message=message)],
        **kwargs,
    )


class InquiryForm(FlaskForm):
    """A journalist's request for an interview, a comment, information or accreditation."""

    name = StringField(
        "Your name", [DataRequired("Tell us your name."), Length(max=200)], filters=[strip]
    )
    outlet = StringField(
        "Media outlet",
        [DataRequired("Name your outlet, or write “freelance”."), Length(max=200)],
        filters=[strip],
    )
    media_type = choice("Type of media", MediaType.options(), "Choose the type of media.")
    country = choice("Country you report from", country_options(), "Choose your country.")
    email = StringField("Email", [Optional(), Length(max=254)], filters=[strip])
    phone = StringField("Phone", [Optional(), Length(max=40)], filters=[strip])
    language = choice("Language for our answer", LANGUAGES, "Choose a language.", default="en")
    request_type = choice("What do you need?", RequestType.options(), "Choose what you need.")
    topic = RadioField(
        "Your inquiry is about",
        choices=select_choices(Topic.options()),
        default=Topic.MISSION.value,
        validators=[InputRequired("Say what your inquiry is about.")],
    )
    subject = StringField(
        "Subject",
        [DataRequired("Give your inquiry a subject."), Length(max=200)],
        filters=[strip],
    )
    message = TextAreaField(
        "Your message",
        [DataRequired("Write your question or request."), Length(max=5000)],
        filters=[strip],
    )
    deadline = StringField(
        "Your deadline (optional)", filters=[strip], render_kw={"type": "datetime-local"}
    )
    deadline_tz = choice("Time zone of your deadline", zone_options(), "Choose a time zone.")
    consent = BooleanField(
        "I have read the privacy notice and agree that the press office keeps my details "
        "to answer this inquiry.",
        [InputRequired("Please accept the privacy notice so that we may keep your details.")],
    )
    # A field people never see; robots that fill every field fill this one too.
    website = StringField("Leave this field empty", filters=[strip])

    def __init__(self, *args: Any, now: datetime, mission_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        if not self.deadline_tz.data:
            self.deadline_tz.data = mission_zone
        self.deadline_utc: datetime | None = None
        self.phone_e164: str | None = None
        self.email_normalised: str | None = None

    def validate_email(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            checked = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            raise ValidationError(f"This email address is not valid: {error}") from None
        self.email_normalised = checked.normalized

    def validate_phone(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            self.phone_e164 = phones.normalise(field.data, self.country.data or None)
        except phones.InvalidPhoneNumber as error:
            raise ValidationError(str(error)) from None

    def validate_website(self, field: StringField) -> None:
        if field.data:
            # Cleared, so that a person whose browser filled it can simply send again.
            field.data = ""
            raise ValidationError(
                "A hidden field meant to catch robots was filled in (perhaps by your "
                "browser). It is now cleared: please send the form again."
            )

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the rules that involve several fields."""
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data and not self.email.errors:
            message = "Give an email address or a phone number, so that we can answer you."
            self.email.errors = [*self.email.errors, message]
            self.phone.errors = [*self.phone.errors, message]
            valid = False
        return self.check_deadline() and valid

    def check_deadline(self) -> bool:
        if not self.deadline.data or self.deadline_tz.errors:
            return True
        try:
            self.deadline_utc = parse_deadline(self.deadline.data, self.deadline_tz.data, self.now)
        except ValueError as error:
            self.deadline.errors = [*self.deadline.errors, str(error)]
            return False
        return True

    def to_request(self) -> JournalistRequest:
        """The validated values, normalised, for the intake service."""
        return JournalistRequest(
            name=self.name.data,
            outlet=self.outlet.data,
            media_type=MediaType(self.media_type.data),
            country=self.country.data,
            email=self.email_normalised,
            phone=self.phone_e164,
            language=self.language.data,
            request_type=RequestType(self.request_type.data),
            topic=Topic(self.topic.data),
            subject=self.subject.data,
            message=self.message.data,
            deadline=self.deadline_utc,
            deadline_tz=self.deadline_tz.data if self.deadline_utc else None,
        )


def parse_local_time(text: str, zone: str, what: str = "the time") -> datetime:
    """A ``datetime-local`` value ("2015-01-27T11:00") in ``zone`` as a UTC instant."""
    local = None
    for pattern in DEADLINE_FORMATS:
        try:
            local = datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    if local is None:
        raise ValueError(f"Write {what} as a date and time, e.g. 2015-01-27T11:00.")
    tzinfo = ZoneInfo(zone)
    instant = local.replace(tzinfo=tzinfo).astimezone(UTC)
    # A wall time skipped when clocks go forward does not survive the round trip.
    if instant.astimezone(tzinfo).replace(tzinfo=None) != local:
        raise ValueError(f"This time does not exist in {zone}: the clocks change then.")
    return instant


def parse_deadline(text: str, zone: str, now: datetime) -> datetime:
    """A deadline typed in ``zone``, which must lie in the future."""
    instant = parse_local_time(text, zone, "the deadline")
    if instant <= now:
        raise ValueError("The deadline has already passed; give a time in the future.")
    return instant
