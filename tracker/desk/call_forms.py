"""Logging an inquiry that came by phone, email or in person: the public form's fields,
plus the mission, the channel and when it came in.

The public form's fields speak to the journalist ("Your name"); here the officer fills
them in about someone else, in English, so the labels and messages say whose they are.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from tracker.choices import (
    LANGUAGES,
    Channel,
    RequestType,
    Topic,
    country_options,
    zone_options,
)
from tracker.formatting import page_language
from tracker.inputs import NoNul
from tracker.public.forms import InquiryForm, choice, parse_local_time, select_choices, strip

# What an officer can log by hand; web form and import have their own paths.
LOGGED_CHANNELS = [Channel.PHONE, Channel.EMAIL, Channel.IN_PERSON]
# Clocks of phones and laptops drift; a receipt time a little ahead of ours is still "now".
CLOCK_SKEW = timedelta(minutes=5)


class LoggedInquiryForm(InquiryForm):
    """The public form minus consent and honeypot (the officer asks on the phone)."""

    consent = None
    website = None
    # The journalist's details, as the officer notes them down (names are the public form's).
    name = StringField(
        "Journalist's name",
        [NoNul(), DataRequired("Give the journalist's name."), Length(max=200)],
        filters=[strip],
    )
    country = choice(
        "Country they report from", country_options(), "Choose the country they report from."
    )
    language = choice(
        "Language for the answer",
        LANGUAGES,
        "Choose a language for the answer.",
        default=page_language,
    )
    request_type = choice("What they need", RequestType.options(), "Choose what they need.")
    topic = RadioField(
        "The inquiry is about",
        choices=select_choices(Topic.options()),
        default=Topic.MISSION.value,
        validators=[InputRequired("Say what the inquiry is about.")],
    )
    message = TextAreaField(
        "What they ask",
        [NoNul(), DataRequired("Write down what they ask."), Length(max=5000)],
        filters=[strip],
    )
    deadline = StringField(
        "Their deadline (optional)", filters=[strip], render_kw={"type": "datetime-local"}
    )
    deadline_tz = choice("Time zone of their deadline", zone_options(), "Choose a time zone.")
    # No mission is chosen for the officer unless the page knows which (see new_inquiry):
    # with several missions, a preselected one is how a call gets filed under the wrong one.
    mission = SelectField("Mission", validate_choice=False)
    channel = SelectField(
        "Came in by",
        choices=[SelectChoice(c.value, c.label) for c in LOGGED_CHANNELS],
        default=Channel.PHONE.value,
        validate_choice=False,
        validators=[
            InputRequired("Say how it came in."),
            AnyOf([c.value for c in LOGGED_CHANNELS], message="Say how it came in."),
        ],
    )
    received_at = StringField(
        "Received",
        render_kw={"type": "datetime-local"},
        validators=[InputRequired("Say when it came in.")],
    )
    take_it = BooleanField("I am handling it myself (assign it to me)", default=True)

    def __init__(
        self,
        *args: Any,
        missions: list[tuple[str, str]],
        officer_zone: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mission.choices = [
            SelectChoice("", "Choose a mission…"),
            *(SelectChoice(value, label) for value, label in missions),
        ]
        self.officer_zone = officer_zone
        self.received_utc: datetime | None = None
        if not self.received_at.data:
            local = self.now.astimezone(ZoneInfo(officer_zone))
            self.received_at.data = local.strftime("%Y-%m-%dT%H:%M")

    def validate_mission(self, field: SelectField) -> None:
        if not field.data or field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose the mission the inquiry is about.")

    def contact_needed(self) -> str:
        return "Give an email address or a phone number, so that the office can answer them."

    def validate_received_at(self, field: StringField) -> None:
        try:
            instant = parse_local_time(field.data, self.officer_zone, "when it came in")
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if instant > self.now + CLOCK_SKEW:
            raise ValidationError("This is in the future; give the time it came in.")
        self.received_utc = instant
