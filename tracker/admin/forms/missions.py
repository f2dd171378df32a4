"""The mission's details and its events."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError

from tracker.admin.forms import (
    SpecRule,
    TextField,
    Translatable,
    add_translations,
    blank_to_none,
    lines,
    options,
    parse_day,
    strip,
)
from tracker.choices import zone_options
from tracker.extensions import db
from tracker.forms import Form
from tracker.missions.mission_changes import EventValues, MissionValues
from tracker.missions.spec import EventSpec, MissionSpec
from tracker.models import Mission, MissionEvent
from tracker.privacy.retention import DEFAULT_RETENTION_MONTHS
from tracker.public.forms import parse_local_time

SLUG_RULE = "Lower-case letters, digits and dashes, starting with a letter or digit (at most 80)."
TARGET_RULE = SpecRule(
    MissionSpec, "response_target_hours", "More than 0 and at most 168 hours (a week)."
)
RETENTION_RULE = SpecRule(MissionSpec, "retention_months", "From 1 to 120 months (ten years).")
# /admin/missions/new is the page that creates missions.
RESERVED_SLUGS = {"new"}


def required(message: str, size: int) -> list[Any]:
    """Validators of a required text of at most ``size`` characters (the column's size)."""
    return [DataRequired(message), Length(max=size, message=f"At most {size} characters.")]


def optional(size: int) -> list[Any]:
    """Validators of an optional text of at most ``size`` characters."""
    return [Optional(), Length(max=size, message=f"At most {size} characters.")]


def zone_field(label: str) -> SelectField:
    """A time zone from the tz database, checked as the mission file checks it."""
    return SelectField(
        label,
        choices=options(zone_options(), "Choose a time zone…"),
        validate_choice=False,
        validators=[
            InputRequired("Choose a time zone."),
            SpecRule(MissionSpec, "timezone", "Choose a time zone from the list."),
        ],
    )


class MissionForm(Form, Translatable):
    """Everything a mission file says about the mission itself, with its translations."""

    slug = StringField(
        "Slug (in its public address)",
        [DataRequired("Give the mission a slug."), SpecRule(MissionSpec, "slug", SLUG_RULE)],
        filters=[strip],
    )
    reference_prefix = StringField(
        "Reference prefix",
        [
            DataRequired("Give the references a prefix."),
            SpecRule(
                MissionSpec,
                "reference_prefix",
                "2 to 10 capital letters or digits, starting with a letter, e.g. KAZ15.",
            ),
        ],
        filters=[strip],
    )
    title = StringField("Title", required("Give the mission a title.", 300), filters=[strip])
    expert_name = StringField("Expert's name", required("Name the expert.", 200), filters=[strip])
    expert_title = StringField(
        "Expert's mandate", required("Give the expert's title.", 300), filters=[strip]
    )
    expert_country = StringField("Expert's country", optional(100), filters=[strip])
    country = StringField("Country visited", required("Name the country.", 100), filters=[strip])
    cities = TextAreaField("Cities", filters=[strip], render_kw={"rows": 3})
    first_day = StringField(
        "First day", [InputRequired("Give the first day.")], render_kw={"type": "date"}
    )
    last_day = StringField(
        "Last day", [InputRequired("Give the last day.")], render_kw={"type": "date"}
    )
    announced_on = StringField("Announced on", render_kw={"type": "date"})
    timezone = zone_field("The mission's time zone")
    home_timezone = zone_field("The home office's time zone")
    home_office = StringField(
        "Home office", required("Name the home office.", 100), filters=[strip], default="Geneva"
    )
    response_target_hours = StringField(
        "Response target (hours)",
        [InputRequired("Give the response target in hours.")],
        filters=[strip],
        default="4",
    )
    retention_months = StringField(
        "Keep journalists' details for (months after the visit)",
        filters=[strip],
        default="24",
    )
    summary = TextAreaField("Summary", [Length(max=5000)], filters=[strip])
    source = StringField("Source", optional(300), filters=[strip])

    def __init__(self, *args: Any, mission: Mission | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mission = mission

    @classmethod
    def for_mission(cls, mission: Mission) -> MissionForm:
        """The form filled with the mission as stored (never mixed with posted data)."""
        form = cls(formdata=None, obj=mission, mission=mission)
        form.cities.data = "\n".join(mission.cities)
        form.response_target_hours.data = f"{mission.response_target_minutes / 60:g}"
        form.retention_months.data = str(mission.retention_months)
        form.fill_translations(mission.translations)
        for day in (form.first_day, form.last_day, form.announced_on):
            day.data = day.data.isoformat() if day.data else ""
        return form

    def validate_slug(self, field: StringField) -> None:
        if field.data in RESERVED_SLUGS:
            raise FieldError(f"“{field.data}” is reserved; choose another slug.")
        self.unique("slug", field.data, "Another mission has this slug.")

    def validate_reference_prefix(self, field: StringField) -> None:
        self.unique("reference_prefix", field.data, "Another mission has this prefix.")

    def unique(self, column: str, value: str, message: str) -> None:
        """Refuse a value another mission already has."""
        query = select(Mission.id).where(getattr(Mission, column) == value)
        if self.mission is not None:
            query = query.where(Mission.id != self.mission.id)
        if db.session.scalar(query) is not None:
            raise FieldError(message)

    def validate_first_day(self, field: StringField) -> None:
        parse_day(field)

    def validate_announced_on(self, field: StringField) -> None:
        parse_day(field)

    def validate_response_target_hours(self, field: StringField) -> None:
        self.target_minutes()

    def target_minutes(self) -> int:
        """The target in whole minutes; the mission file's bounds (over 0, at most a week)."""
        try:
            hours = float(self.response_target_hours.data)
        except ValueError:
            raise FieldError("Write the hours as a number, e.g. 4 or 1.5.") from None
        TARGET_RULE(self, self.response_target_hours)
        if round(hours * 60) < 1:
            raise FieldError("At least one minute.")
        return round(hours * 60)

    def validate_retention_months(self, field: StringField) -> None:
        self.months_kept()

    def months_kept(self) -> int:
        """The retention period in whole months, within the mission file's bounds.

        Left empty (or not sent, by a script written before the field existed), the
        mission keeps its period, and a new one gets the default.
        """
        if not self.retention_months.data:
            return self.mission.retention_months if self.mission else DEFAULT_RETENTION_MONTHS
        try:
            months = int(self.retention_months.data)
        except ValueError:
            raise FieldError("Write a whole number of months, e.g. 24.") from None
        RETENTION_RULE(self, self.retention_months)
        return months

    def validate_last_day(self, field: StringField) -> None:
        last = parse_day(field)
        try:
            first = parse_day(self.first_day)
        except FieldError:
            return  # reported next to the first day
        if first and last and last < first:
            raise FieldError("The last day is earlier than the first day.")

    def values(self) -> MissionValues:
        """The validated fields, typed, for the service."""
        first, last = parse_day(self.first_day), parse_day(self.last_day)
        # Required and validated above; the assert only narrows the type for mypy.
        assert first is not None and last is not None  # nosec B101
        return MissionValues(
            slug=self.slug.data,
            reference_prefix=self.reference_prefix.data,
            title=self.title.data,
            expert_name=self.expert_name.data,
            expert_title=self.expert_title.data,
            expert_country=blank_to_none(self.expert_country.data),
            country=self.country.data,
            cities=lines(self.cities.data),
            first_day=first,
            last_day=last,
            timezone=self.timezone.data,
            home_timezone=self.home_timezone.data,
            home_office=self.home_office.data,
            announced_on=parse_day(self.announced_on),
            response_target_minutes=self.target_minutes(),
            summary=self.summary.data or "",
            source=blank_to_none(self.source.data),
            retention_months=self.months_kept(),
            translations=self.translated(self.mission.translations if self.mission else {}),
        )


class EventForm(Form, Translatable):
    """A dated moment of the mission: a local date-time, or words ("June 2015 session")."""

    kind = StringField(
        "Kind",
        [
            DataRequired("Say what kind of event it is, e.g. press-conference."),
            SpecRule(EventSpec, "kind", SLUG_RULE),
        ],
        filters=[strip],
    )
    title = StringField("Title", required("Give the event a title.", 300), filters=[strip])
    starts_at = StringField(
        "Starts at (local time)", filters=[strip], render_kw={"type": "datetime-local"}
    )
    when_text = StringField(
        "Or when, in words", [Length(max=300, message="At most 300 characters.")], filters=[strip]
    )
    venue = StringField("Venue", optional(300), filters=[strip])
    description = TextAreaField("Description", [Length(max=5000)], filters=[strip])

    def __init__(
        self, *args: Any, mission: Mission, editing: MissionEvent | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.editing = editing
        self.starts_at_local: datetime | None = None

    @classmethod
    def for_event(cls, mission: Mission, event: MissionEvent) -> EventForm:
        """The form filled with a stored event, its start in the mission's local time."""
        form = cls(formdata=None, obj=event, mission=mission)
        form.fill_translations(event.translations)
        if event.starts_at is not None:
            local = event.starts_at.astimezone(ZoneInfo(mission.timezone))
            form.starts_at.data = local.strftime("%Y-%m-%dT%H:%M")
        return form

    def validate_starts_at(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            instant = parse_local_time(field.data, self.mission.timezone, "the start")
        except ValueError as error:
            raise FieldError(str(error)) from None
        local = instant.astimezone(ZoneInfo(self.mission.timezone))
        self.starts_at_local = local.replace(tzinfo=None)

    def validate_when_text(self, field: StringField) -> None:
        # The mission file's rule: an event needs a start or words for when.
        if not field.data and not self.starts_at.data:
            raise FieldError("Give a local start time, or say when in words.")

    def values(self) -> EventValues:
        """The validated fields, for the service."""
        return EventValues(
            kind=self.kind.data,
            title=self.title.data,
            starts_at_local=self.starts_at_local,
            when_text=blank_to_none(self.when_text.data),
            venue=blank_to_none(self.venue.data),
            description=blank_to_none(self.description.data),
            translations=self.translated(self.editing.translations if self.editing else {}),
        )


add_translations(
    MissionForm,
    {
        "title": TextField("Title", 300),
        "country": TextField("Country visited", 100),
        "cities": TextField("Cities (one per line)", 100, lines=True),
        "expert_name": TextField("Expert's name", 200),
        "expert_title": TextField("Expert's mandate", 300),
        "expert_country": TextField("Expert's country", 100),
        "summary": TextField("Summary", 5000, long=True),
        "source": TextField("Source", 300),
    },
)
add_translations(
    EventForm,
    {
        "title": TextField("Title", 300),
        "when_text": TextField("When, in words", 300),
        "venue": TextField("Venue", 300),
        "description": TextField("Description", 5000, long=True),
    },
)
