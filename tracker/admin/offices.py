"""/admin/offices: the offices contacts sit in, their working hours and duty phone."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from tracker import audit
from tracker.admin import bp
from tracker.admin.common import actor, done, edited
from tracker.admin.forms.people import WEEKDAYS, OfficeForm
from tracker.extensions import db
from tracker.missions import office_changes
from tracker.models import Contact, Office


@bp.route("/offices", methods=["GET", "POST"])
def offices() -> ResponseReturnValue:
    """Every office; the form adds one, or with ``?edit=ID`` changes that one."""
    office = edited(Office)
    if request.method == "GET":
        form = OfficeForm.for_office(office) if office else OfficeForm(formdata=None)
        return render_offices(form, office)
    form = OfficeForm(office=office)
    if not form.validate():
        return render_offices(form, office, 422)
    if office is None:
        created = office_changes.create_office(actor(), form.name.data, form.values())
        return done(f"Office {created.name} created.", "admin.offices")
    changed = office_changes.update_office(actor(), office, form.values())
    return done("Saved." if changed else "Nothing to change.", "admin.offices", edit=office.id)


def render_offices(
    form: OfficeForm, editing: Office | None, code: int = 200
) -> ResponseReturnValue:
    """The list with each office's hours and contacts, the form, and the chosen one's history."""
    rows = db.session.scalars(select(Office).order_by(Office.name)).all()
    staffed = dict(
        db.session.execute(
            select(Contact.office, func.count()).where(Contact.active).group_by(Contact.office)
        ).all()
    )
    page = render_template(
        "admin/offices.html",
        offices=rows,
        staffed=staffed,
        weekdays=dict(WEEKDAYS),
        form=form,
        editing=editing,
        history=audit.history(editing) if editing else [],
    )
    return page, code
