"""/admin/missions/<slug>/contacts and /routing: who answers, and the routing preview."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue

from tracker.admin import bp
from tracker.admin.common import actor, done, edited, mission_or_404, refuse, row_or_404
from tracker.admin.forms import MOVES, MoveForm
from tracker.admin.forms.schedule import AssignmentForm, PreviewForm, RuleForm
from tracker.choices import Phase, RequestType, Topic
from tracker.missions import schedule_changes
from tracker.models import Mission, PhaseAssignment, RoutingRule
from tracker.refusals import Refused


@bp.route("/missions/<slug>/contacts", methods=["GET", "POST"])
def assignments(slug: str) -> ResponseReturnValue:
    """The contacts of each phase, in public order; the form adds one at the end."""
    found = mission_or_404(slug)
    form = AssignmentForm(mission=found)
    if not form.validate_on_submit():
        return render_assignments(found, form, 422 if form.is_submitted() else 200)
    phase = Phase(form.phase.data)
    try:
        schedule_changes.add_assignment(actor(), found, phase, form.chosen)
    except Refused as refused:
        refuse(form, refused, "contact")
        return render_assignments(found, form, 422)
    message = f"{form.chosen.name} now answers {phase.label.lower()}."
    return done(message, "admin.assignments", changing=found, slug=slug)


@bp.post("/missions/<slug>/contacts/row")
def assignment_row(slug: str) -> ResponseReturnValue:
    """Move a contact up or down its phase's list, or take it off."""
    found = mission_or_404(slug)
    form = MoveForm()
    if not form.validate():
        return render_assignments(found, AssignmentForm(formdata=None, mission=found), 422, form)
    row = row_or_404(PhaseAssignment, form.item_id, mission_id=found.id)
    name, phase = row.contact.name, row.phase.label.lower()
    if form.action.data == "remove":
        schedule_changes.remove_assignment(actor(), found, row)
        return done(
            f"{name} no longer answers {phase}.", "admin.assignments", changing=found, slug=slug
        )
    try:
        place = schedule_changes.move_assignment(actor(), found, row, MOVES[form.action.data])
    except Refused as refused:
        refuse(form, refused, "action")
        return render_assignments(found, AssignmentForm(formdata=None, mission=found), 422, form)
    return done(
        f"{name} is now number {place} {phase}.", "admin.assignments", changing=found, slug=slug
    )


def render_assignments(
    found: Mission, form: AssignmentForm, code: int = 200, row_form: MoveForm | None = None
) -> ResponseReturnValue:
    """The three phase lists with their buttons, and the add form."""
    lists = {phase: schedule_changes.phase_list(found, phase) for phase in Phase}
    page = render_template(
        "admin/assignments.html", mission=found, lists=lists, form=form, row_form=row_form
    )
    return page, code


@bp.route("/missions/<slug>/routing", methods=["GET", "POST"])
def rules(slug: str) -> ResponseReturnValue:
    """The routing rules in the order they are tried; ``?edit=ID`` puts one in the form."""
    found = mission_or_404(slug)
    rule = edited(RoutingRule, mission_id=found.id)
    if request.method == "GET":
        return render_rules(found, RuleForm.for_rule(rule) if rule else blank_rule_form(), rule)
    form = RuleForm()
    form.offer(rule.contacts if rule else [])
    if not form.validate():
        return render_rules(found, form, rule, 422)
    if rule is None:
        schedule_changes.add_rule(actor(), found, form.values())
        return done("Rule added at the end of the list.", "admin.rules", changing=found, slug=slug)
    changed = schedule_changes.update_rule(actor(), found, rule, form.values())
    return done(
        "Rule saved." if changed else "Nothing to change.", "admin.rules", changing=found, slug=slug
    )


@bp.post("/missions/<slug>/routing/row")
def rule_row(slug: str) -> ResponseReturnValue:
    """Move a rule up (tried earlier) or down, or remove it."""
    found = mission_or_404(slug)
    form = MoveForm()
    if not form.validate():
        return render_rules(found, blank_rule_form(), None, 422, row_form=form)
    rule = row_or_404(RoutingRule, form.item_id, mission_id=found.id)
    if form.action.data == "remove":
        schedule_changes.remove_rule(actor(), found, rule)
        return done("Rule removed.", "admin.rules", changing=found, slug=slug)
    try:
        place = schedule_changes.move_rule(actor(), found, rule, MOVES[form.action.data])
    except Refused as refused:
        refuse(form, refused, "action")
        return render_rules(found, blank_rule_form(), None, 422, row_form=form)
    return done(f"The rule is now number {place}.", "admin.rules", changing=found, slug=slug)


@bp.get("/missions/<slug>/routing/preview")
def preview(slug: str) -> ResponseReturnValue:
    """Where an inquiry received at a local time, about a topic, would go, and why."""
    found = mission_or_404(slug)
    form = PreviewForm(formdata=request.args, mission=found)
    if not form.validate() or form.instant is None:
        return render_rules(found, blank_rule_form(), None, 422, preview_form=form)
    result = schedule_changes.preview_route(
        found, form.instant, Topic(form.about.data), RequestType(form.request.data)
    )
    return render_rules(found, blank_rule_form(), None, preview_form=form, result=result)


def blank_rule_form() -> RuleForm:
    """An empty rule form offering the active contacts."""
    form = RuleForm(formdata=None)
    form.offer([])
    return form


def render_rules(
    found: Mission,
    form: RuleForm,
    editing: RoutingRule | None,
    code: int = 200,
    row_form: MoveForm | None = None,
    preview_form: PreviewForm | None = None,
    result: schedule_changes.Preview | None = None,
) -> ResponseReturnValue:
    """The rules with their buttons, the add or edit form, and the preview."""
    page = render_template(
        "admin/rules.html",
        mission=found,
        form=form,
        editing=editing,
        row_form=row_form,
        preview_form=preview_form or PreviewForm(formdata=None, mission=found),
        result=result,
        describe_rule=schedule_changes.describe_rule,
    )
    return page, code
