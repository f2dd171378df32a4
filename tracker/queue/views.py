"""The triage queue: tabs with live counts, filters, urgency order, handover."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker import clock
from tracker.auth.policy import require_role, signed_in_user
from tracker.choices import Role
from tracker.extensions import db
from tracker.formatting import page_language
from tracker.models import Inquiry, Mission, User
from tracker.queue import bulk_actions, handover, queries
from tracker.queue.blueprint import bp
from tracker.queue.forms import BulkForm, FilterForm, HandoverForm
from tracker.queue.rows import row_views

PAGE_SIZE = 50


def filter_form() -> FilterForm:
    missions = db.session.execute(
        select(Mission.id, Mission.reference_prefix, Mission.country).order_by(
            Mission.first_day.desc()
        )
    ).all()
    users = db.session.execute(
        select(User.id, User.name).where(User.active.is_(True)).order_by(User.name)
    ).all()
    return FilterForm(
        formdata=request.args,
        missions=[(str(m.id), f"{m.reference_prefix} · {m.country}") for m in missions],
        users=[(str(u.id), u.name) for u in users],
    )


def current_viewer() -> queries.Viewer:
    now = clock.now()
    user = signed_in_user()
    # Every date on the page is shown in the viewer's zone: keep it out of ZoneInfo's
    # eviction (see held_zone), which the missions' zones would otherwise cause.
    queries.held_zone(user.timezone)
    return queries.Viewer(user, now, queries.handover_pairs(user, now))


def chosen_tab() -> queries.Tab:
    try:
        return queries.Tab(request.args.get("tab", queries.Tab.NEEDS_ACTION.value))
    except ValueError:
        return queries.Tab.NEEDS_ACTION


@bp.get("")
@require_role(Role.PRESS_OFFICER)
def index() -> ResponseReturnValue:
    """The queue, most urgent first."""
    form = filter_form()
    form.validate()
    filters = form.filters()
    viewer = current_viewer()
    tab = chosen_tab()
    after = request.args.get("after", type=int)
    page = queries.queue_page(tab, viewer, filters, after=after, size=PAGE_SIZE)
    return render_template(
        "queue/index.html",
        form=form,
        tab=tab,
        tabs=list(queries.Tab),
        counts=queries.tab_counts(viewer, filters),
        page=page,
        # One url_for for the page, not one per row: building URLs was a good part of a
        # row's cost.
        rows=row_views(
            page.rows,
            viewer.user,
            viewer.now,
            page_language(),
            url_for("desk.inquiry", reference="REFERENCE"),
        ),
        now=viewer.now,
        handover_form=HandoverForm(),
        args={k: v for k, v in request.args.items() if k not in {"after", "tab"} and v},
    )


@bp.post("/handover")
@require_role(Role.PRESS_OFFICER)
def take_over() -> ResponseReturnValue:
    """Take over the ticked handover inquiries (or all of them) in one step."""
    form = HandoverForm()
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return redirect(url_for(".index", tab=queries.Tab.HANDOVER.value))
    viewer = current_viewer()
    statement = select(Inquiry).where(queries.handover_condition())
    if form.scope.data != "all":
        statement = statement.where(Inquiry.id.in_(form.ids.data or []))
    values = queries.parameters(viewer, queries.Filters())
    inquiries = db.session.scalars(statement, values).all()
    for inquiry in inquiries:
        handover.take_over(inquiry, viewer.user, viewer.now)
    db.session.commit()
    flash(f"You took over {len(inquiries)} inquiries.", "success")
    return redirect(url_for(".index", tab=queries.Tab.HANDOVER.value))


@bp.post("/bulk")
@require_role(Role.PRESS_OFFICER)
def bulk() -> ResponseReturnValue:
    """Assign, or change the status of, several inquiries; each one is checked on its own."""
    form = BulkForm()
    back = redirect(request.referrer or url_for(".index"))
    if not form.validate_on_submit() or not form.ids.data:
        flash("Tick at least one inquiry first.", "error")
        return back
    viewer = current_viewer()
    inquiries = db.session.scalars(select(Inquiry).where(Inquiry.id.in_(form.ids.data))).all()
    try:
        done, refused = bulk_actions.apply(form, inquiries, viewer.user, viewer.now)
    except bulk_actions.BulkError as error:
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(f"Updated {done} of {len(inquiries)} inquiries.", "success")
    for reason in refused:
        flash(reason, "error")
    return back
