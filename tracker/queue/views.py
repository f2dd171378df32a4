"""The triage queue: tabs with live counts, filters, urgency order, handover."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker import clock, inputs, phases
from tracker.auth.policy import require_role, signed_in_user
from tracker.choices import Role, Status
from tracker.extensions import db
from tracker.formatting import page_language
from tracker.inquiries import handover, lifecycle, sensitivity
from tracker.inquiries.bulk import assign_all, set_status_all
from tracker.inquiries.sensitivity import identity_visible
from tracker.missions import lookups
from tracker.models import Inquiry, Mission, User
from tracker.queue import bp, listing
from tracker.queue.forms import BulkForm, FilterForm, HandoverForm
from tracker.queue.rows import QueueRow, row_views, sections
from tracker.refusals import Refused

PAGE_SIZE = 50


def filter_form() -> FilterForm:
    missions = db.session.execute(
        select(Mission.id, Mission.reference_prefix, Mission.country, Mission.slug).order_by(
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
        my_contact_id=signed_in_user().contact_id,
        mission_slugs={m.id: m.slug for m in missions},
    )


def log_call_link(form: FilterForm, filters: listing.Filters) -> str | None:
    """With the queue narrowed to one mission: the call form with that mission chosen."""
    slug = form.mission_slugs.get(filters.mission_id or 0)
    return url_for("desk.new_inquiry", mission=slug) if slug else None


def current_viewer() -> listing.Viewer:
    now = clock.now()
    user = signed_in_user()
    # Every date on the page is shown in the viewer's zone: keep it out of ZoneInfo's
    # eviction (see held_zone), which the missions' zones would otherwise cause.
    phases.held_zone(user.timezone)
    return listing.Viewer(user, now, handover.handover_pairs(user, now), paged_as_of(now))


# How far back a "next page" link's instant is honoured: a page left open for a day is
# paged on in today's order.
AS_OF_LIMIT = timedelta(hours=12)


def paged_as_of(now: datetime) -> datetime | None:
    """The first page's instant (``as_of``, seconds since the epoch), when paging on from
    it, so that the urgency groups stay as they were on the pages seen before."""
    seconds = request.args.get("as_of", type=int)
    if seconds is None:
        return None
    try:
        instant = datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return instant if now - AS_OF_LIMIT <= instant <= now else None


def record_sensitive_viewings(rows: Sequence[QueueRow], viewer: listing.Viewer) -> None:
    """A sensitive journalist shown on the page is a viewing, recorded like the inquiry
    page's (once an hour per person and inquiry)."""
    seen = [
        row.id
        for row in rows
        if row.sensitive and identity_visible(viewer.user, row.sensitive, row.assignee_id)
    ]
    if sensitivity.record_identity_views(viewer.user, seen, viewer.now):
        db.session.commit()


def bulk_moves(rows: Sequence[QueueRow]) -> list[tuple[str, str]]:
    """The statuses the bulk menu offers: every move the page's rows allow one of them,
    in the lifecycle's order. The server still checks each inquiry's own move."""
    present = {row.status for row in rows}
    allowed = {target for status in present for target in lifecycle.menu(status)}
    return [(status.value, status.label) for status in Status if status in allowed]


def chosen_tab() -> listing.Tab:
    try:
        return listing.Tab(request.args.get("tab", listing.Tab.NEEDS_ACTION.value))
    except ValueError:
        return listing.Tab.NEEDS_ACTION


@bp.get("")
@require_role(Role.PRESS_OFFICER)
def index() -> ResponseReturnValue:
    """The queue, most urgent first."""
    form = filter_form()
    form.validate()
    filters = form.filters()
    viewer = current_viewer()
    tab = chosen_tab()
    after = inputs.query_id("after")
    page = listing.queue_page(tab, viewer, filters, after=after, size=PAGE_SIZE)
    record_sensitive_viewings(page.rows, viewer)
    views = row_views(
        page.rows,
        viewer.user,
        viewer.now,
        page_language(),
        # One url_for for the page, not one per row: building URLs was a good part of a
        # row's cost.
        url_for("desk.inquiry", reference="REFERENCE"),
        lookups.office_returns(viewer.now),
        viewer.order_now,
    )
    return render_template(
        "queue/index.html",
        form=form,
        tab=tab,
        tabs=list(listing.Tab),
        counts=listing.tab_counts(viewer, filters),
        page=page,
        sections=sections(views, grouped=tab is not listing.Tab.CLOSED),
        # The next page's link keeps this page's order (see listing.Viewer.as_of).
        as_of=int(viewer.order_now.timestamp()),
        now=viewer.now,
        handover_form=HandoverForm(),
        bulk_statuses=bulk_moves(page.rows),
        log_call_url=log_call_link(form, filters),
        args={k: v for k, v in request.args.items() if k not in {"after", "tab", "as_of"} and v},
    )


@bp.post("/handover")
@require_role(Role.PRESS_OFFICER)
def take_over() -> ResponseReturnValue:
    """Take over the ticked handover inquiries (or all of them) in one step."""
    form = HandoverForm()
    if not form.validate_on_submit():
        flash("The form expired; please try again.", "error")
        return redirect(url_for(".index", tab=listing.Tab.HANDOVER.value))
    ticked = None if form.scope.data == "all" else (form.ids.data or [])
    taken, refused = handover.take_over_waiting(signed_in_user(), clock.now(), ticked)
    db.session.commit()
    flash(f"You took over {taken} inquiries.", "success")
    for reason in refused:
        flash(reason, "error")
    return redirect(url_for(".index", tab=listing.Tab.HANDOVER.value))


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
        done, refused = apply_bulk(form, inquiries, viewer.user, viewer.now)
    except Refused as error:
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(f"Updated {done} of {len(inquiries)} inquiries.", "success")
    for reason in refused:
        flash(reason, "error")
    return back


def apply_bulk(
    form: BulkForm, inquiries: Sequence[Inquiry], actor: User, now: datetime
) -> tuple[int, list[str]]:
    """The form's action on every ticked inquiry: how many went through, why others not."""
    if form.action.data == "assign":
        assignee_id = int(form.assignee.data) if (form.assignee.data or "").isdigit() else None
        return assign_all(inquiries, actor, now, assignee_id=assignee_id)
    if form.action.data == "status":
        return set_status_all(inquiries, actor, now, status=form.status.data)
    raise Refused("Choose an action.")
