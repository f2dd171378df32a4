"""The journalist's inquiry form: field names are a contract (integrations post to them).

Labels, choices and messages are translated (``lazy_gettext``: resolved when shown, in the
language of the request); the desk's "log a call" form reuses it and reads it in English.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from tracker import phones
from tracker.choices import LANGUAGES, MediaType, RequestType, Topic, country_options, zone_options
from tracker.formatting import page_language
from tracker.forms import Form
from tracker.inputs import NoNul
from tracker.inquiries.intake import JournalistRequest
from tracker.public import labels

DEADLINE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def select_choices(options: list[tuple[str, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in options]


def with_prompt(options: list[tuple[str, str]]) -> list[SelectChoice]:
    """A select's options after an empty "Choose…", in the page's language."""
    return select_choices([("", gettext("Choose…")), *options])


# The selects' options in each page language, built on first use. About 700 options (the
# countries and time zones) made anew for every request cost a fifth of a form POST; Babel's
# names and the compiled catalogues do not change while the process runs. Tuples, because
# every request's form shares them: nothing may append to them.
TRANSLATED_CHOICES: dict[str, dict[str, tuple[SelectChoice, ...]]] = {}


def translated_choices(locale: str) -> dict[str, tuple[SelectChoice, ...]]:
    """The option lists of the form's selects, labelled in ``locale`` (the page's language).

    Built within a request in that language: the lazy labels and "Choose…" are resolved
    here, once, by the request's translations.
    """
    found = TRANSLATED_CHOICES.get(locale)
    if found is None:
        found = {
            "media_type": tuple(with_prompt(labels.options(MediaType))),
            "country": tuple(with_prompt(country_options(locale))),
            "language": tuple(with_prompt(labels.language_options(locale))),
            "request_type": tuple(with_prompt(labels.options(RequestType))),
            "topic": tuple(select_choices(labels.options(Topic))),
            "deadline_tz": tuple(with_prompt(zone_options())),
        }
        TRANSLATED_CHOICES[locale] = found
    return found


def choice(label: Any, options: list[tuple[str, str]], message: Any, **kwargs: Any) -> SelectField:
    """A select whose wrong or missing value gets ``message``, not WTForms' generic text.

    ``options`` fixes the accepted values; the form gives the select its options, labelled
    in the page's language, when it is made (see ``InquiryForm.translate_choices``). None
    here: WTForms would check and copy hundreds of options (countries, time zones) into
    every form, only for them to be replaced at once.
    """
    # A set: every POST looks its values up, and the zones alone are some 400.
    values = frozenset(value for value, _ in options)
    return SelectField(
        label,
        choices=None,
        validate_choice=False,
        validators=[InputRequired(message), AnyOf(values, message=message)],
        **kwargs,
    )


class InquiryForm(Form):
    """A journalist's request for an interview, a comment, information or accreditation."""

    name = StringField(
        _l("Your name"),
        [NoNul(), DataRequired(_l("Tell us your name.")), Length(max=200)],
        filters=[strip],
    )
    outlet = StringField(
        _l("Media outlet"),
        [NoNul(), DataRequired(_l("Name your outlet, or write “freelance”.")), Length(max=200)],
        filters=[strip],
    )
    media_type = choice(_l("Type of media"), MediaType.options(), _l("Choose the type of media."))
    country = choice(_l("Country you report from"), country_options(), _l("Choose your country."))
    email = StringField(_l("Email"), [NoNul(), Optional(), Length(max=254)], filters=[strip])
    phone = StringField(_l("Phone"), [NoNul(), Optional(), Length(max=40)], filters=[strip])
    # The answer's language starts as the page's: a journalist reading Russian writes in it.
    language = choice(
        _l("Language for our answer"), LANGUAGES, _l("Choose a language."), default=page_language
    )
    request_type = choice(
        _l("What do you need?"), RequestType.options(), _l("Choose what you need.")
    )
    topic = RadioField(
        _l("Your inquiry is about"),
        choices=select_choices(Topic.options()),
        default=Topic.MISSION.value,
        validators=[InputRequired(_l("Say what your inquiry is about."))],
    )
    subject = StringField(
        _l("Subject"),
        [NoNul(), DataRequired(_l("Give your inquiry a subject.")), Length(max=200)],
        filters=[strip],
    )
    message = TextAreaField(
        _l("Your message"),
        [NoNul(), DataRequired(_l("Write your question or request.")), Length(max=5000)],
        filters=[strip],
    )
    deadline = StringField(
        _l("Your deadline (optional)"), filters=[strip], render_kw={"type": "datetime-local"}
    )
    deadline_tz = choice(
        _l("Time zone of your deadline"), zone_options(), _l("Choose a time zone.")
    )
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that the press office keeps my details "
            "to answer this inquiry."
        ),
        [InputRequired(_l("Please accept the privacy notice so that we may keep your details."))],
    )
    # A field people never see; robots that fill every field fill this one too.
    website = StringField(_l("Leave this field empty"), filters=[strip])

    def __init__(self, *args: Any, now: datetime, mission_zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.now = now
        self.translate_choices(page_language())
        if not self.deadline_tz.data:
            self.deadline_tz.data = mission_zone
        self.deadline_utc: datetime | None = None
        self.phone_e164: str | None = None
        self.email_normalised: str | None = None

    def translate_choices(self, locale: str) -> None:
        """Option labels in the page's language; the values (the contract) stay the same."""
        for name, options in translated_choices(locale).items():
            self[name].choices = options

    def validate_email(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            checked = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as error:
            # email_validator explains in English only; the sentence around it is translated.
            message = gettext("This email address is not valid: %(reason)s", reason=str(error))
            raise ValidationError(message) from None
        self.email_normalised = checked.normalized

    def validate_phone(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            self.phone_e164 = phones.normalise(field.data, self.country.data or None)
        except phones.InvalidPhoneNumber as error:
            raise ValidationError(labels.foreign_message(str(error))) from None

    def validate_website(self, field: StringField) -> None:
        if field.data:
            # Cleared, so that a person whose browser filled it can simply send again.
            field.data = ""
            raise ValidationError(
                gettext(
                    "A hidden field meant to catch robots was filled in (perhaps by your "
                    "browser). It is now cleared: please send the form again."
                )
            )

    def validate(self, extra_validators: Any = None) -> bool:
        """Field checks, then the rules that involve several fields."""
        valid = super().validate(extra_validators)
        if not self.email.data and not self.phone.data and not self.email.errors:
            message = self.contact_needed()
            self.email.errors = [*self.email.errors, message]
            self.phone.errors = [*self.phone.errors, message]
            valid = False
        return self.check_deadline() and valid

    def contact_needed(self) -> str:
        """What to say when neither an email address nor a phone number was given."""
        return gettext("Give an email address or a phone number, so that we can answer you.")

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


class NotADateTime(ValueError):
    """The text is not a ``datetime-local`` value."""


class SkippedTime(ValueError):
    """The wall time does not exist in the zone (clocks go forward then)."""


class OutOfRange(NotADateTime):
    """A year no inquiry is about (and that near year 1 or 9999 would overflow in UTC)."""


# Years a date typed into a form may have: the rest are typing mistakes.
EARLIEST_YEAR, LATEST_YEAR = 1990, 2100


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
        raise NotADateTime(f"Write {what} as a date and time, e.g. 2015-01-27T11:00.")
    if not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        raise OutOfRange(f"Give {what} a year between {EARLIEST_YEAR} and {LATEST_YEAR}.")
    tzinfo = ZoneInfo(zone)
    instant = local.replace(tzinfo=tzinfo).astimezone(UTC)
    # A wall time skipped when clocks go forward does not survive the round trip.
    if instant.astimezone(tzinfo).replace(tzinfo=None) != local:
        raise SkippedTime(f"This time does not exist in {zone}: the clocks change then.")
    return instant


def parse_deadline(text: str, zone: str, now: datetime) -> datetime:
    """A deadline typed in ``zone``, which must lie in the future (messages translated)."""
    try:
        instant = parse_local_time(text, zone, "the deadline")
    except OutOfRange:
        raise ValueError(
            gettext(
                "Give the deadline a year between %(first)s and %(last)s.",
                first=EARLIEST_YEAR,
                last=LATEST_YEAR,
            )
        ) from None
    except NotADateTime:
        raise ValueError(
            gettext("Write the deadline as a date and time, e.g. 2015-01-27T11:00.")
        ) from None
    except SkippedTime:
        raise ValueError(
            gettext("This time does not exist in %(zone)s: the clocks change then.", zone=zone)
        ) from None
    if instant <= now:
        raise ValueError(gettext("The deadline has already passed; give a time in the future."))
    return instant


class CodeForm(Form):
    """Check an inquiry by the short code given on the phone or in the acknowledgement."""

    code = StringField(
        _l("Your inquiry's code"),
        [NoNul(), DataRequired(_l("Enter the code you were given.")), Length(max=48)],
        filters=[strip],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
