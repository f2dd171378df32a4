"""The queue's filter form (GET, no CSRF: it changes nothing) and its action forms."""

from __future__ import annotations

from typing import Any

from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional, ValidationError

from tracker.choices import LANGUAGES, MediaType, Phase, RequestType, Status
from tracker.forms import Form
from tracker.queue.listing import Filters

ANY = SelectChoice("", "Any")
UNASSIGNED = "none"
ME = "me"


def options(pairs: list[tuple[str, str]]) -> list[SelectChoice]:
    return [ANY, *(SelectChoice(value, label) for value, label in pairs)]


class FilterForm(Form):
    """Narrow the queue; an unknown value is reported next to its field and ignored."""

    class Meta:
        csrf = False

    tab = HiddenField()
    mission = SelectField("Mission", validators=[Optional()])
    phase = SelectField(
        "Phase at receipt", choices=options(Phase.options()), validators=[Optional()]
    )
    status = SelectField("Status", choices=options(Status.options()), validators=[Optional()])
    assignee = SelectField("Assignee", validators=[Optional()])
    request_type = SelectField(
        "Request", choices=options(RequestType.options()), validators=[Optional()]
    )
    media_type = SelectField("Media", choices=options(MediaType.options()), validators=[Optional()])
    routed = SelectField(
        "Routed to", choices=[ANY, SelectChoice(ME, "Me")], validators=[Optional()]
    )
    language = SelectField(
        "Journalist's language", choices=options(LANGUAGES), validators=[Optional()]
    )
    q = StringField("Search", validators=[Optional(), Length(max=100)])

    def __init__(
        self,
        *args: Any,
        missions: list[tuple[str, str]],
        users: list[tuple[str, str]],
        my_contact_id: int | None = None,
        mission_slugs: dict[int, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.my_contact_id = my_contact_id
        self.mission.choices = options(missions)
        # Each mission's slug by id, for links that name a mission by slug.
        self.mission_slugs = mission_slugs or {}
        self.assignee.choices = [
            ANY,
            SelectChoice(UNASSIGNED, "Unassigned"),
            *(SelectChoice(value, label) for value, label in users),
        ]

    def filters(self) -> Filters:
        """The valid choices as Filters; fields with errors count as "any"."""

        def good(name: str) -> str:
            # Optional() passes blank input without the choice check: " " is "any" too.
            field = self[name]
            return "" if field.errors else (field.data or "").strip()

        assignee = good("assignee")
        return Filters(
            mission_id=int(good("mission")) if good("mission") else None,
            phase=Phase(good("phase")) if good("phase") else None,
            status=Status(good("status")) if good("status") else None,
            assignee_id=int(assignee) if assignee.isdigit() else None,
            unassigned=assignee == UNASSIGNED,
            request_type=RequestType(good("request_type")) if good("request_type") else None,
            media_type=MediaType(good("media_type")) if good("media_type") else None,
            routed_contact_id=self.my_contact_id if good("routed") == ME else None,
            language=good("language") or None,
            text=good("q").strip(),
        )

    def validate_routed(self, field: SelectField) -> None:
        if field.data == ME and self.my_contact_id is None:
            raise ValidationError(
                "Your account is not linked to a contact, so nothing is routed to you."
            )


class HandoverForm(Form):
    """Take over the ticked inquiries of the handover tab, or all of them."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)
    scope = HiddenField(default="selected")


class BulkForm(Form):
    """Assign, or change the status of, the ticked inquiries."""

    ids = SelectMultipleField(coerce=int, validate_choice=False)
    action = HiddenField()
    assignee = SelectField("Assign to", validate_choice=False, coerce=str)
    status = SelectField("Set status", choices=options(Status.options()), validate_choice=False)
