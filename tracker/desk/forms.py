"""The forms of the inquiry page.

Each carries, hidden, the version of the inquiry the page showed, so that an action taken
on a stale page is refused instead of overwriting a colleague's change. Only actions that
change what a colleague may be changing too (status, assignee, responses, referral, the
sensitive mark) check it: a note, a follow-up or a tick-off adds to the inquiry and
overwrites nothing, so it never conflicts with a concurrent change (``checks_version``).
Field names are unique across the page's forms, so their HTML ids are too.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, ValidationError

from tracker.choices import ResponseChannel, Status
from tracker.extensions import db
from tracker.forms import Form
from tracker.inquiries import lifecycle
from tracker.models import Contact, Inquiry, User

LOCAL_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S")


def strip(value: Any) -> Any:
    """Filter: surrounding spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


def options(pairs: list[tuple[str, str]], prompt: str = "Choose…") -> list[SelectChoice]:
    """Select choices led by an empty prompt, so that nothing is chosen by accident."""
    return [SelectChoice("", prompt), *(SelectChoice(value, label) for value, label in pairs)]


class ActionForm(Form):
    """An action on one inquiry, taken at the version the page showed."""

    # Whether the action is refused when the inquiry changed since the page was opened.
    checks_version: ClassVar[bool] = True

    version = HiddenField()

    def __init__(
        self, *args: Any, inquiry: Inquiry, viewer: User, now: datetime, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.inquiry = inquiry
        self.viewer = viewer
        self.now = now
        self.prepare()

    @classmethod
    def for_page(cls, inquiry: Inquiry, viewer: User, now: datetime) -> Self:
        """A blank form for the page, stamped with the inquiry's current version."""
        form = cls(formdata=None, inquiry=inquiry, viewer=viewer, now=now)
        form.version.data = str(inquiry.version)
        return form

    def prepare(self) -> None:
        """Set what depends on the inquiry (choices); nothing by default."""

    @property
    def opened_version(self) -> int | None:
        """The version the page showed, if the form carried a readable one."""
        raw = self.version.data or ""
        return int(raw) if raw.isdigit() else None

    def validate_version(self, field: HiddenField) -> None:
        if self.checks_version and self.opened_version is None:
            raise ValidationError("The page lost its version: reload it.")


class ClaimForm(ActionForm):
    """Take the inquiry on oneself."""


class ReopenForm(ActionForm):
    """Reopen a finished inquiry."""


class FollowUpDoneForm(ActionForm):
    """Tick off a follow-up."""

    checks_version = False


class AssignForm(ActionForm):
    assignee = SelectField(
        "Assign to", validate_choice=False, validators=[InputRequired("Choose an officer.")]
    )

    def prepare(self) -> None:
        officers = db.session.scalars(
            select(User).where(User.active.is_(True)).order_by(User.name)
        ).all()
        self.officers = {str(officer.id): officer for officer in officers}
        pairs = [(key, officer.name) for key, officer in self.officers.items()]
        self.assignee.choices = options(pairs, "Choose an officer…")

    def validate_assignee(self, field: SelectField) -> None:
        if field.data not in self.officers:
            raise ValidationError("Choose an officer from the list.")

    @property
    def chosen(self) -> User:
        return self.officers[self.assignee.data]


class StatusForm(ActionForm):
    status = SelectField(
        "New status",
        validate_choice=False,
        validators=[
            InputRequired("Choose the new status."),
            # Any status is accepted here: the lifecycle refuses illegal moves with a reason.
            AnyOf([status.value for status in Status], message="Choose a status from the list."),
        ],
    )
    duplicate_of = StringField(
        "Duplicate of (reference)",
        [Length(max=24)],
        filters=[strip, lambda value: value.upper() if value else value],
    )

    def prepare(self) -> None:
        pairs = [(status.value, status.label) for status in lifecycle.menu(self.inquiry.status)]
        self.status.choices = options(pairs, "Choose a status…")
        self.original: Inquiry | None = None

    def validate_duplicate_of(self, field: StringField) -> None:
        if self.status.data != Status.DUPLICATE.value:
            return
        if not field.data:
            raise ValidationError("Give the reference of the inquiry this one duplicates.")
        self.original = db.session.scalar(
            select(Inquiry).where(func.upper(Inquiry.reference) == field.data)
        )
        if self.original is None:
            raise ValidationError(f"There is no inquiry {field.data}.")

    @property
    def target(self) -> Status:
        return Status(self.status.data)


class NoteForm(ActionForm):
    checks_version = False

    note = TextAreaField(
        "Internal note", [DataRequired("Write the note."), Length(max=5000)], filters=[strip]
    )


class ResponseForm(ActionForm):
    channel = SelectField(
        "How you responded",
        choices=options(ResponseChannel.options()),
        validate_choice=False,
        validators=[
            InputRequired("Choose how you responded."),
            AnyOf([c.value for c in ResponseChannel], message="Choose how you responded."),
        ],
    )
    said = TextAreaField(
        "What was said", [DataRequired("Say what you told the journalist."), Length(max=5000)],
        filters=[strip],
    )  # fmt: skip


class FollowUpForm(ActionForm):
    checks_version = False

    due = StringField(
        "When", [DataRequired("Say when.")], filters=[strip], render_kw={"type": "datetime-local"}
    )
    what = StringField(
        "What to do", [DataRequired("Say what to do."), Length(max=500)], filters=[strip]
    )

    def prepare(self) -> None:
        self.due_at: datetime | None = None

    def validate_due(self, field: StringField) -> None:
        try:
            self.due_at = parse_local(field.data, self.viewer.timezone)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if self.due_at <= self.now:
            raise ValidationError("Choose a time after now.")


class ReferForm(ActionForm):
    contact = SelectField(
        "Refer to", validate_choice=False, validators=[InputRequired("Choose a contact.")]
    )
    reason = TextAreaField(
        "Note for them", [DataRequired("Say why it goes to them."), Length(max=2000)],
        filters=[strip],
    )  # fmt: skip

    def prepare(self) -> None:
        contacts = db.session.scalars(select(Contact).order_by(Contact.name)).all()
        others = [c for c in contacts if c.id != self.inquiry.routed_contact_id]
        self.contacts = {str(contact.id): contact for contact in others}
        pairs = [(key, contact_label(contact)) for key, contact in self.contacts.items()]
        self.contact.choices = options(pairs, "Choose a contact…")

    def validate_contact(self, field: SelectField) -> None:
        if field.data not in self.contacts:
            raise ValidationError("Choose a contact from the list.")

    @property
    def chosen(self) -> Contact:
        return self.contacts[self.contact.data]


class SensitiveForm(ActionForm):
    # The page posts the state it asks for, so a double click cannot flip it back.
    sensitive = HiddenField(validators=[AnyOf(["1", "0"], message="Say on or off.")])

    @classmethod
    def for_page(cls, inquiry: Inquiry, viewer: User, now: datetime) -> Self:
        form = super().for_page(inquiry, viewer, now)
        form.sensitive.data = "0" if inquiry.sensitive else "1"
        return form

    @property
    def wanted(self) -> bool:
        return self.sensitive.data == "1"


def contact_label(contact: Contact) -> str:
    """ "Xabier Celaya (UN Human Rights – Media Unit)"."""
    where = contact.unit or contact.office
    return f"{contact.name} ({where})" if where else contact.name


def parse_local(text: str, zone: str) -> datetime:
    """A ``datetime-local`` value read as wall time in ``zone``, as a UTC instant."""
    for pattern in LOCAL_FORMATS:
        try:
            local = datetime.strptime(text, pattern)
            break
        except ValueError:
            continue
    else:
        raise ValueError("Write a date and time, e.g. 2015-01-27T11:00.")
    # Near year 1 or 9999 the conversion to UTC would overflow; such years are typos.
    if not 1990 <= local.year <= 2100:
        raise ValueError("Give a year between 1990 and 2100.")
    tzinfo = ZoneInfo(zone)
    instant = local.replace(tzinfo=tzinfo).astimezone(UTC)
    # A wall time skipped when clocks go forward does not survive the round trip.
    if instant.astimezone(tzinfo).replace(tzinfo=None) != local:
        raise ValueError(f"This time does not exist in {zone}: the clocks change then.")
    return instant
