"""Logging an inquiry that came by phone, email or in person: the public form's fields,
plus the mission, the channel and when it came in."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, ValidationError

from tracker.choices import Channel
from tracker.public.forms import InquiryForm, parse_local_time

# What an officer can log by hand; web form and import have their own paths.
LOGGED_CHANNELS = [Channel.PHONE, Channel.EMAIL, Channel.IN_PERSON]
# Clocks of phones and laptops drift; a receipt time a little ahead of ours is still "now".
CLOCK_SKEW = timedelta(minutes=5)


class LoggedInquiryForm(InquiryForm):
    """The public form minus consent and honeypot (the officer asks on the phone)."""

    consent = None
    website = None
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
        self.mission.choices = [SelectChoice(value, label) for value, label in missions]
        self.officer_zone = officer_zone
        self.received_utc: datetime | None = None
        if not self.received_at.data:
            local = self.now.astimezone(ZoneInfo(officer_zone))
            self.received_at.data = local.strftime("%Y-%m-%dT%H:%M")

    def validate_mission(self, field: SelectField) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose the mission the inquiry is about.")

    def validate_received_at(self, field: StringField) -> None:
        try:
            instant = parse_local_time(field.data, self.officer_zone, "when it came in")
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if instant > self.now + CLOCK_SKEW:
            raise ValidationError("This is in the future; give the time it came in.")
        self.received_utc = instant
