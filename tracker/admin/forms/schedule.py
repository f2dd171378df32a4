"""Who answers: a contact for a phase, a routing rule, and the routing preview."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from wtforms import FieldList, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired
from wtforms.validators import ValidationError as FieldError

from tracker.admin.forms import options, strip
from tracker.choices import Phase, RequestType, RoutingTarget, Topic
from tracker.extensions import db
from tracker.forms import Form
from tracker.missions.schedule_changes import RuleValues
from tracker.models import Contact, Mission, RoutingRule
from tracker.public.forms import parse_local_time

# How many contacts one rule can name; a rule rarely needs more than two.
RULE_CONTACT_SLOTS = 4
TARGETS = [
    (RoutingTarget.CONTACTS.value, "The contacts named below"),
    (RoutingTarget.PHASE_CONTACTS.value, "The contacts of the phase at receipt"),
]


def contact_label(contact: Contact) -> str:
    """ "Xabier Celaya (UN Human Rights – Media Unit)"."""
    where = contact.unit or contact.office
    return f"{contact.name} ({where})" if where else contact.name


def active_contacts() -> dict[str, Contact]:
    """Contacts that may be given new work, by id as the select posts it."""
    query = select(Contact).where(Contact.active).order_by(Contact.name)
    return {str(contact.id): contact for contact in db.session.scalars(query)}


def enum_select(label: str, enum: type[Phase | Topic | RequestType], any_label: str) -> SelectField:
    """A condition: one value of ``enum``, or empty for any."""
    values = ["", *(member.value for member in enum)]
    return SelectField(
        label,
        choices=options(enum.options(), any_label),
        validate_choice=False,
        validators=[AnyOf(values, message="Choose from the list.")],
        default="",
    )


class AssignmentForm(Form):
    """Add a contact at the end of a phase's list."""

    phase = SelectField(
        "Phase",
        choices=options(Phase.options(), "Choose a phase…"),
        validate_choice=False,
        validators=[
            InputRequired("Choose a phase."),
            AnyOf([p.value for p in Phase], message="Choose a phase."),
        ],
    )
    contact = SelectField("Contact", validate_choice=False)

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.contacts = active_contacts()
        pairs = [(key, contact_label(c)) for key, c in self.contacts.items()]
        self.contact.choices = options(pairs, "Choose a contact…")

    def validate_contact(self, field: SelectField) -> None:
        if field.data not in self.contacts:
            raise FieldError("Choose an active contact from the list.")
        if self.phase.data in {p.value for p in Phase}:
            phase = Phase(self.phase.data)
            if any(c.id == self.chosen.id for c in self.mission.contacts_for(phase)):
                raise FieldError(f"{self.chosen.name} already answers {phase.label.lower()}.")

    @property
    def chosen(self) -> Contact:
        """The contact picked (after validation)."""
        return self.contacts[self.contact.data]


class RuleForm(Form):
    """A routing rule: conditions (empty matches anything) and where a match goes."""

    topic = enum_select("Topic", Topic, "Any topic")
    phase = enum_select("Phase at receipt", Phase, "Any phase")
    request_type = enum_select("Request type", RequestType, "Any request")
    target = SelectField(
        "Send a match to",
        choices=options(TARGETS),
        validate_choice=False,
        default=RoutingTarget.CONTACTS.value,
        validators=[AnyOf([value for value, _ in TARGETS], message="Choose where it goes.")],
    )
    contacts = FieldList(
        SelectField("Contact", validate_choice=False),
        min_entries=RULE_CONTACT_SLOTS,
        max_entries=RULE_CONTACT_SLOTS,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = active_contacts()

    def offer(self, keep: list[Contact]) -> None:
        """Offer the active contacts, plus those the rule names already (even if inactive)."""
        self.known.update({str(c.id): c for c in keep})
        pairs = [(key, contact_label(c)) for key, c in self.known.items()]
        for place, entry in enumerate(self.contacts, start=1):
            entry.choices = options(pairs, "—")
            entry.label.text = f"Contact {place}" + (" (first in a tie)" if place == 1 else "")

    @classmethod
    def for_rule(cls, rule: RoutingRule) -> RuleForm:
        """The form filled with a stored rule."""
        form = cls(formdata=None)
        for name in ("topic", "phase", "request_type", "target"):
            value = getattr(rule, name)
            form[name].data = value.value if value else ""
        for entry, contact in zip(form.contacts, rule.contacts, strict=False):
            entry.data = str(contact.id)
        form.offer(rule.contacts)
        return form

    def validate_contacts(self, field: FieldList) -> None:
        chosen = [entry.data for entry in field if entry.data]
        if any(key not in self.known for key in chosen):
            raise FieldError("Choose contacts from the lists.")
        if len(set(chosen)) != len(chosen):
            raise FieldError("Name each contact once.")
        if self.target.data == RoutingTarget.CONTACTS.value and not chosen:
            raise FieldError("Name at least one contact, or send matches to the phase's contacts.")
        if self.target.data == RoutingTarget.PHASE_CONTACTS.value and chosen:
            raise FieldError("A rule that sends to the phase's contacts names no contacts itself.")

    def values(self) -> RuleValues:
        """The validated fields, for the service."""
        return RuleValues(
            topic=Topic(self.topic.data) if self.topic.data else None,
            phase=Phase(self.phase.data) if self.phase.data else None,
            request_type=RequestType(self.request_type.data) if self.request_type.data else None,
            target=RoutingTarget(self.target.data),
            contacts=[self.known[entry.data] for entry in self.contacts if entry.data],
        )


class PreviewForm(Form):
    """An imagined inquiry to route: GET, changes nothing, so no CSRF token."""

    class Meta:
        csrf = False

    at = StringField(
        "Received at (the mission's local time)",
        [InputRequired("Say when the inquiry arrives.")],
        filters=[strip],
        render_kw={"type": "datetime-local"},
    )
    # Named apart from the rule form's fields: both forms are on one page, ids must differ.
    about = SelectField(
        "About",
        choices=options(Topic.options()),
        validate_choice=False,
        default=Topic.MISSION.value,
        validators=[AnyOf([t.value for t in Topic], message="Choose a topic.")],
    )
    request = SelectField(
        "Request type",
        choices=options(RequestType.options()),
        validate_choice=False,
        default=RequestType.INTERVIEW.value,
        validators=[AnyOf([r.value for r in RequestType], message="Choose a request type.")],
    )

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mission = mission
        self.instant: datetime | None = None

    def validate_at(self, field: StringField) -> None:
        try:
            self.instant = parse_local_time(field.data, self.mission.timezone, "the time")
        except ValueError as error:
            raise FieldError(str(error)) from None
