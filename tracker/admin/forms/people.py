"""Public contacts and press office accounts."""

from __future__ import annotations

import re
import unicodedata
from datetime import time
from typing import Any

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from tracker import phones
from tracker.accounts import passwords
from tracker.accounts.staff import AccountValues
from tracker.admin.forms import (
    SpecRule,
    TextField,
    Translatable,
    add_translations,
    blank_to_none,
    lines,
    options,
    strip,
)
from tracker.admin.forms.missions import SLUG_RULE
from tracker.admin.forms.schedule import active_contacts, contact_label
from tracker.choices import LANGUAGES, Role, zone_options
from tracker.extensions import db
from tracker.forms import Form
from tracker.missions.contact_changes import ContactValues
from tracker.missions.office_changes import OfficeValues
from tracker.missions.spec import ContactSpec
from tracker.models import Contact, Office, User
from tracker.models.users import HOME_TIMEZONE

ZONES = [value for value, _ in zone_options()]


def sized(size: int) -> Length:
    """At most ``size`` characters, the column's size."""
    return Length(max=size, message=f"At most {size} characters.")


def make_key(name: str) -> str:
    """A contact key from a name: "Leila Duisekova" → "leila-duisekova"."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80]


def normalised_email(text: str) -> str:
    """The address as stored: normalised and lower-cased, like the users commands do."""
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise FieldError(f"This email address is not valid: {error}") from None


class CheckboxesField(SelectMultipleField):
    """Several choices as checkboxes, which need no Ctrl-click."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ContactForm(Form, Translatable):
    """A press officer or unit as the public sees them, with translations."""

    # Checked in validate_key only: left empty, it is made from the name.
    key = StringField("Key", filters=[strip])
    name = StringField(
        "Name", [DataRequired("Give the contact's name."), sized(200)], filters=[strip]
    )
    office = StringField("Office", [Optional(), sized(100)], filters=[strip])
    unit = StringField("Unit", [Optional(), sized(200)], filters=[strip])
    phones = TextAreaField("Phone numbers", filters=[strip], render_kw={"rows": 3})
    email = StringField("Email", [Optional(), sized(254)], filters=[strip])
    languages = CheckboxesField("Interview languages", validate_choice=False)

    def __init__(self, *args: Any, contact: Contact | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.contact = contact
        # Languages a mission file gave that the list lacks are kept, not silently dropped.
        extra = [
            (code, code)
            for code in (contact.languages if contact else [])
            if code not in dict(LANGUAGES)
        ]
        self.languages.choices = options([*LANGUAGES, *extra])
        self.phones_e164: list[str] = []
        self.email_normalised: str | None = None

    @classmethod
    def for_contact(cls, contact: Contact) -> ContactForm:
        """The form filled with a stored contact, numbers in international format."""
        form = cls(formdata=None, obj=contact, contact=contact)
        form.phones.data = "\n".join(phones.display(number) for number in contact.phones)
        form.fill_translations(contact.translations)
        return form

    def validate_key(self, field: StringField) -> None:
        if self.contact is not None:
            return  # fixed once made: mission files and the CLI name contacts by it
        field.data = field.data or make_key(self.name.data or "")
        if not field.data:
            raise FieldError("Give a key, e.g. leila-duisekova.")
        SpecRule(ContactSpec, "key", SLUG_RULE)(self, field)
        if db.session.scalar(select(Contact.id).where(Contact.key == field.data)):
            raise FieldError(f"Another contact has the key {field.data}.")

    def validate_phones(self, field: TextAreaField) -> None:
        numbers = []
        for place, raw in enumerate(lines(field.data), start=1):
            try:
                numbers.append(phones.normalise(raw))
            except phones.InvalidPhoneNumber as error:
                raise FieldError(f"Line {place} ({raw}): {error}") from None
        self.phones_e164 = list(dict.fromkeys(numbers))  # the same number once

    def validate_email(self, field: StringField) -> None:
        if field.data:
            self.email_normalised = normalised_email(field.data)

    def validate_languages(self, field: CheckboxesField) -> None:
        known = {choice.value for choice in field.choices}
        if any(code not in known for code in field.data or []):
            raise FieldError("Choose languages from the list.")

    def values(self) -> ContactValues:
        """The validated fields, for the service."""
        return ContactValues(
            name=self.name.data,
            office=blank_to_none(self.office.data),
            unit=blank_to_none(self.unit.data),
            phones=self.phones_e164,
            email=self.email_normalised,
            languages=list(self.languages.data or []),
            translations=self.translated(self.contact.translations if self.contact else {}),
        )


def role_field() -> SelectField:
    """One of the three roles."""
    return SelectField(
        "Role",
        choices=options(Role.options()),
        validate_choice=False,
        default=Role.PRESS_OFFICER.value,
        validators=[AnyOf([r.value for r in Role], message="Choose a role.")],
    )


class AccountForm(Form):
    """What an admin sets of an account: name, role, public contact, time zone."""

    name = StringField(
        "Name", [DataRequired("Give the person's name."), sized(200)], filters=[strip]
    )
    role = role_field()
    contact = SelectField("Answers as (public contact)", validate_choice=False, default="")
    timezone = SelectField(
        "Reads times in",
        choices=options(zone_options()),
        validate_choice=False,
        default=HOME_TIMEZONE,
        validators=[AnyOf(ZONES, message="Choose a time zone from the list.")],
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.contacts = active_contacts()
        if user is not None and user.contact is not None:
            self.contacts[str(user.contact.id)] = user.contact  # kept even if inactive
        pairs = [(key, contact_label(c)) for key, c in self.contacts.items()]
        self.contact.choices = options(pairs, "None")

    @classmethod
    def for_user(cls, user: User) -> AccountForm:
        """The form filled with a stored account."""
        form = cls(formdata=None, user=user)
        form.name.data, form.role.data, form.timezone.data = (
            user.name,
            user.role.value,
            user.timezone,
        )
        form.contact.data = str(user.contact_id) if user.contact_id else ""
        return form

    def validate_contact(self, field: SelectField) -> None:
        if field.data and field.data not in self.contacts:
            raise FieldError("Choose an active contact from the list, or none.")

    def values(self) -> AccountValues:
        """The validated fields, for the service."""
        return AccountValues(
            name=self.name.data,
            role=Role(self.role.data),
            contact=self.contacts.get(self.contact.data or ""),
            timezone=self.timezone.data,
        )


class NewAccountForm(AccountForm):
    """A new account: its login address and a first password, checked like the CLI's."""

    email = StringField(
        "Email (the login)", [DataRequired("Give the email address."), sized(254)], filters=[strip]
    )
    password = PasswordField("Password", [InputRequired("Choose a password.")])
    confirm = PasswordField("Password again", [InputRequired("Type the password again.")])

    def validate_email(self, field: StringField) -> None:
        field.data = normalised_email(field.data)
        taken = select(User.id).where(func.lower(User.email) == field.data)
        if db.session.scalar(taken) is not None:
            raise FieldError("An account with this address exists already.")

    def validate_password(self, field: PasswordField) -> None:
        problem = passwords.password_problem(
            field.data, [self.email.data or "", self.name.data or ""]
        )
        if problem:
            raise FieldError(problem)

    def validate_confirm(self, field: PasswordField) -> None:
        if field.data != self.password.data:
            raise FieldError("The two passwords differ.")


WEEKDAYS = [
    ("1", "Monday"),
    ("2", "Tuesday"),
    ("3", "Wednesday"),
    ("4", "Thursday"),
    ("5", "Friday"),
    ("6", "Saturday"),
    ("7", "Sunday"),
]


def clock_time(field: StringField) -> time | None:
    """The field's "HH:MM" as a time; an error next to it when unreadable."""
    if not field.data:
        return None
    try:
        return time.fromisoformat(field.data)
    except ValueError:
        raise FieldError("Write the time as HH:MM, e.g. 09:00.") from None


class OfficeForm(Form, Translatable):
    """An office's zone, working hours and duty phone: the mission file's [[offices]]."""

    # Only for a new office: contacts name their office by it, so it is fixed once made.
    name = StringField("Name", [Optional(), sized(100)], filters=[strip])
    timezone = SelectField(
        "Time zone",
        choices=options(zone_options(), "None"),
        validate_choice=False,
        validators=[AnyOf(["", *ZONES], message="Choose a time zone from the list.")],
    )
    days = CheckboxesField("Working days", choices=options(WEEKDAYS), validate_choice=False)
    opens_at = StringField("Opens at (local time)", filters=[strip], render_kw={"type": "time"})
    closes_at = StringField("Closes at (local time)", filters=[strip], render_kw={"type": "time"})
    duty_phone = StringField("Duty phone (out of hours)", [Optional(), sized(40)], filters=[strip])

    def __init__(self, *args: Any, office: Office | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        self.duty_e164: str | None = None

    @classmethod
    def for_office(cls, office: Office) -> OfficeForm:
        """The form filled with a stored office."""
        form = cls(formdata=None, office=office)
        form.timezone.data = office.timezone or ""
        form.days.data = [str(day) for day in office.days]
        form.opens_at.data = f"{office.opens_at:%H:%M}" if office.opens_at else ""
        form.closes_at.data = f"{office.closes_at:%H:%M}" if office.closes_at else ""
        form.duty_phone.data = phones.display(office.duty_phone) if office.duty_phone else ""
        form.fill_translations(office.translations)
        return form

    def validate_name(self, field: StringField) -> None:
        if self.office is not None:
            return
        if not field.data:
            raise FieldError("Name the office, e.g. Astana.")
        if db.session.scalar(select(Office.id).where(Office.name == field.data)):
            raise FieldError(f"There is an office called {field.data} already.")

    def validate_days(self, field: CheckboxesField) -> None:
        if any(day not in dict(WEEKDAYS) for day in field.data or []):
            raise FieldError("Choose days from the list.")

    def validate_opens_at(self, field: StringField) -> None:
        clock_time(field)

    def validate_closes_at(self, field: StringField) -> None:
        closes = clock_time(field)
        try:
            opens = clock_time(self.opens_at)
        except FieldError:
            return  # reported next to the opening time
        hours_given = [bool(self.days.data), opens is not None, closes is not None]
        if any(hours_given) and not all([*hours_given, bool(self.timezone.data)]):
            raise FieldError(
                "Working hours need a time zone, the days and both times; or leave them all empty."
            )
        if opens and closes and closes <= opens:
            raise FieldError("The office must close after it opens, on the same day.")

    def validate_duty_phone(self, field: StringField) -> None:
        if not field.data:
            return
        try:
            self.duty_e164 = phones.normalise(field.data)
        except phones.InvalidPhoneNumber as error:
            raise FieldError(str(error)) from None

    def values(self) -> OfficeValues:
        """The validated fields, for the service."""
        return OfficeValues(
            timezone=self.timezone.data or None,
            days=sorted(int(day) for day in self.days.data or []),
            opens_at=clock_time(self.opens_at),
            closes_at=clock_time(self.closes_at),
            duty_phone=self.duty_e164,
            translations=self.translated(self.office.translations if self.office else {}),
        )


add_translations(ContactForm, {"name": TextField("Name", 200), "unit": TextField("Unit", 200)})
add_translations(OfficeForm, {"name": TextField("Name", 100)})
