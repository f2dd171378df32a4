"""Logging an inquiry that came by phone, email or in person (``/inquiries/new``).

Routed by the same rules as the web form, unless the officer takes it; the officer then
gets the reference and the journalist's status link to read out or send.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker import clock, links
from tracker.auth.policy import require_role, signed_in_user
from tracker.choices import Channel, Role
from tracker.desk import bp
from tracker.desk.call_forms import LoggedInquiryForm
from tracker.extensions import db
from tracker.inquiries import intake
from tracker.missions.lookups import missions_by_timing
from tracker.models import Inquiry, Mission, User


def mission_options() -> list[tuple[str, str]]:
    """Missions under way first, then coming up, then past: the likeliest on top."""
    groups = missions_by_timing(clock.now())
    ordered = [*groups.current, *groups.upcoming, *groups.past]
    return [(str(m.id), f"{m.reference_prefix} · {m.title}") for m in ordered]


@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.PRESS_OFFICER)
def new_inquiry() -> ResponseReturnValue:
    """Log a call (or an email, or a visit) as an inquiry in under a minute."""
    officer = signed_in_user()
    options = mission_options()
    first_zone = first_mission_zone(options)
    form = LoggedInquiryForm(
        now=clock.now(), mission_zone=first_zone, missions=options, officer_zone=officer.timezone
    )
    if form.validate_on_submit():
        inquiry, token = log(form, officer)
        db.session.commit()
        status_url = links.external_url("public.status", token=token)
        flash(
            f"Logged as {inquiry.reference}. Status link for the journalist "
            f"(give it only to them): {status_url}",
            "success",
        )
        return redirect(url_for("desk.inquiry", reference=inquiry.reference), code=303)
    code = 422 if request.method == "POST" else 200
    return render_template("desk/new_inquiry.html", form=form), code


def first_mission_zone(options: list[tuple[str, str]]) -> str:
    if not options:
        return "UTC"
    mission = db.session.get(Mission, int(options[0][0]))
    return mission.timezone if mission else "UTC"


def log(form: LoggedInquiryForm, officer: User) -> tuple[Inquiry, str]:
    """The call as the form describes it, logged by ``officer``."""
    mission = db.session.scalars(select(Mission).where(Mission.id == int(form.mission.data))).one()
    receipt = intake.log_call(
        mission,
        form.to_request(),
        channel=Channel(form.channel.data),
        received_at=form.received_utc,
        officer=officer,
        now=clock.now(),
        take_it=bool(form.take_it.data),
    )
    return receipt.inquiry, receipt.status_token
