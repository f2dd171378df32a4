"""/admin/missions: a mission's details and its events."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker import audit
from tracker.admin import bp
from tracker.admin.common import actor, done, edited, mission_or_404, refuse, row_or_404
from tracker.admin.forms import MOVES, MoveForm, PublicationForm
from tracker.admin.forms.missions import EventForm, MissionForm
from tracker.extensions import db
from tracker.missions import mission_changes
from tracker.models import Mission, MissionEvent
from tracker.refusals import Refused


@bp.get("/missions")
def missions() -> ResponseReturnValue:
    """Every mission, latest first."""
    rows = db.session.scalars(select(Mission).order_by(Mission.first_day.desc())).all()
    return render_template("admin/missions.html", missions=rows)


@bp.route("/missions/new", methods=["GET", "POST"])
def new_mission() -> ResponseReturnValue:
    """Create a mission; its contacts, events and rules come next."""
    form = MissionForm()
    if form.validate_on_submit():
        created = mission_changes.create_mission(actor(), form.values())
        message = (
            f"Mission {created.slug} created, as a draft. Now add its events, contacts and "
            "rules, then publish it."
        )
        return done(message, "admin.mission", slug=created.slug)
    code = 422 if form.is_submitted() else 200
    return render_template("admin/mission.html", form=form, mission=None), code


@bp.route("/missions/<slug>", methods=["GET", "POST"])
def mission(slug: str) -> ResponseReturnValue:
    """A mission's details, and its history."""
    found = mission_or_404(slug)
    if request.method == "GET":
        return render_mission(found, MissionForm.for_mission(found))
    form = MissionForm(mission=found)
    if form.validate():
        try:
            changed = mission_changes.update_mission(actor(), found, form.values())
        except Refused as refused:
            refuse(form, refused, "slug")
        else:
            message = "Saved." if changed else "Nothing to change."
            return done(message, "admin.mission", changing=found, slug=found.slug)
    return render_mission(found, form, 422)


@bp.post("/missions/<slug>/publication")
def publication(slug: str) -> ResponseReturnValue:
    """Publish a draft, or make a mission a draft again; a refusal says why."""
    found = mission_or_404(slug)
    form = PublicationForm()
    if form.validate():
        try:
            if form.action.data == "publish":
                mission_changes.publish_mission(actor(), found)
                message = f"{found.slug} is published: listed, its page and form are open."
            else:
                mission_changes.unpublish_mission(actor(), found)
                message = f"{found.slug} is a draft again: only staff see it."
        except Refused as refused:
            refuse(form, refused, "action")
        else:
            return done(message, "admin.mission", slug=slug)
    return render_mission(found, MissionForm.for_mission(found), 422, form)


def render_mission(
    found: Mission,
    form: MissionForm,
    code: int = 200,
    publication_form: PublicationForm | None = None,
) -> ResponseReturnValue:
    """The details page, with its publication state and the mission's audit trail."""
    inquiries = mission_changes.inquiry_count(found)
    if inquiries:
        # Shown but not editable: the service would refuse a change anyway.
        form.slug.render_kw = form.reference_prefix.render_kw = {"readonly": True}
    page = render_template(
        "admin/mission.html",
        form=form,
        mission=found,
        inquiries=inquiries,
        history=audit.history(found),
        unstaffed=found.unstaffed_phases(),
        publication_form=publication_form,
    )
    return page, code


@bp.route("/missions/<slug>/events", methods=["GET", "POST"])
def events(slug: str) -> ResponseReturnValue:
    """The mission's events; ``?edit=ID`` puts one in the form."""
    found = mission_or_404(slug)
    event = edited(MissionEvent, mission_id=found.id)
    if request.method == "GET":
        blank = EventForm(formdata=None, mission=found)
        return render_events(found, EventForm.for_event(found, event) if event else blank, event)
    form = EventForm(mission=found, editing=event)
    if not form.validate():
        return render_events(found, form, event, 422)
    if event is None:
        mission_changes.add_event(actor(), found, form.values())
        return done("Event added.", "admin.events", changing=found, slug=slug)
    changed = mission_changes.update_event(actor(), found, event, form.values())
    return done(
        "Event saved." if changed else "Nothing to change.",
        "admin.events",
        changing=found,
        slug=slug,
    )


@bp.post("/missions/<slug>/events/row")
def event_row(slug: str) -> ResponseReturnValue:
    """Move an event up or down the list, or remove it."""
    found = mission_or_404(slug)
    form = MoveForm()
    if not form.validate():
        return render_events(found, EventForm(formdata=None, mission=found), None, 422, form)
    event = row_or_404(MissionEvent, form.item_id, mission_id=found.id)
    if form.action.data == "remove":
        mission_changes.remove_event(actor(), found, event)
        return done(f"Event “{event.title}” removed.", "admin.events", changing=found, slug=slug)
    try:
        place = mission_changes.move_event(actor(), found, event, MOVES[form.action.data])
    except Refused as refused:
        refuse(form, refused, "action")
        return render_events(found, EventForm(formdata=None, mission=found), None, 422, form)
    return done(
        f"“{event.title}” is now number {place}.", "admin.events", changing=found, slug=slug
    )


def render_events(
    found: Mission,
    form: EventForm,
    editing: MissionEvent | None,
    code: int = 200,
    row_form: MoveForm | None = None,
) -> ResponseReturnValue:
    """The events page: the list with its buttons, and the add or edit form."""
    page = render_template(
        "admin/events.html", mission=found, form=form, editing=editing, row_form=row_form
    )
    return page, code
