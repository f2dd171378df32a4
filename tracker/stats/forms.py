"""The stats filter: mission (or all), from, to. A GET form, so no CSRF: it changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wtforms import DateField, Field, SelectField
from wtforms.validators import Optional, ValidationError

from tracker.forms import Form
from tracker.models import Mission
from tracker.stats.scope import Scope, period_problem, scope_for

ALL_MISSIONS = ""
NOT_A_DAY = "Enter a day as YYYY-MM-DD, for example 2015-01-19."


class StatsForm(Form):
    """Which figures to show; each problem is reported next to its field."""

    class Meta:
        csrf = False

    mission = SelectField("Mission", validators=[Optional()], validate_choice=False)
    # "from" is the query argument's name (a Python keyword, hence the attribute from_).
    from_ = DateField(
        "From (first day)", name="from", validators=[Optional()], invalid_value_message=NOT_A_DAY
    )
    to = DateField("To (last day)", validators=[Optional()], invalid_value_message=NOT_A_DAY)

    def __init__(self, *args: Any, missions: list[Mission], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.missions = {mission.slug: mission for mission in missions}
        self.mission.choices = [(ALL_MISSIONS, "All missions (days in UTC)")] + [
            (m.slug, f"{m.reference_prefix} · {m.country}") for m in missions
        ]

    def validate_mission(self, field: Field) -> None:
        if field.data and field.data not in self.missions:
            raise ValidationError(f"There is no mission called {field.data!r}.")

    def validate_from_(self, field: Field) -> None:
        problem = period_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)

    def validate_to(self, field: Field) -> None:
        problem = period_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)
        if field.data and self.from_.data and field.data < self.from_.data:
            raise ValidationError("The last day comes before the first day.")

    def scope(self, now: datetime) -> Scope:
        """The chosen scope with its defaults, which the form then shows as chosen."""
        scope = scope_for(
            self.missions.get(self.mission.data or ""), self.from_.data, self.to.data, now
        )
        for field, day in ((self.from_, scope.first_day), (self.to, scope.last_day)):
            field.data, field.raw_data = day, None
        return scope

    def problems(self) -> str:
        """All errors in one line, for answers that have no form to show them next to."""
        return " ".join(
            f"{self[name].label.text}: {' '.join(messages)}"
            for name, messages in self.errors.items()
        )
