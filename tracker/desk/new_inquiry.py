"""Logging an inquiry that came by phone, email or in person (``/inquiries/new``).

Routed by the same rules as the web form, unless the officer takes it; the officer then
gets the reference and the journalist's status link to read out or send.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from tracker.models import Mission, User


@dataclass(frozen=True)
class MissionChoice:
    """The missions to choose from, likeliest first, and the one to preselect, if any."""

    options: list[tuple[str, str]]
    preselected: Mission | None
    likeliest: Mission | None


def mission_choice(slug: str | None) -> MissionChoice:
    """Missions under way first, then coming up, then past.

    Preselected only when the page knows: the mission whose page the officer came from
    (``?mission=<slug>``), or the one mission under way. Never "the newest" of several,
    which filed calls under the wrong mission whenever the officer did not notice.
    """
    groups = missions_by_timing(clock.now())
    ordered = [*groups.current, *groups.upcoming, *groups.past]
    options = [(str(m.id), f"{m.reference_prefix} · {m.title}") for m in ordered]
    chosen = next((m for m in ordered if slug and m.slug == slug), None)
    if chosen is None and len(groups.current) == 1:
        chosen = groups.current[0]
    return MissionChoice(options, chosen, ordered[0] if ordered else None)


@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.PRESS_OFFICER)
def new_inquiry() -> ResponseReturnValue:
    """Log a call (or an email, or a visit) as an inquiry in under a minute."""
    officer = signed_in_user()
    missions = mission_choice(request.args.get("mission"))
    # The deadline's zone starts as the mission's, or the likeliest mission's.
    zone_of = missions.preselected or missions.likeliest
    form = LoggedInquiryForm(
        now=clock.now(),
        mission_zone=zone_of.timezone if zone_of else "UTC",
        missions=missions.options,
        officer_zone=officer.timezone,
    )
    if request.method == "GET" and missions.preselected is not None:
        form.mission.data = str(missions.preselected.id)
    if form.validate_on_submit():
        receipt = log(form, officer)
        db.session.commit()
        flash(logged_message(receipt), "success")
        return redirect(url_for("desk.inquiry", reference=receipt.reference), code=303)
    code = 422 if request.method == "POST" else 200
    return render_template("desk/new_inquiry.html", form=form), code


def logged_message(receipt: intake.Receipt) -> str:
    """What the officer reads out: the short code first (easy on the phone), then the link."""
    check_url = links.external_url("public.check_code")
    status_url = links.external_url("public.status", token=receipt.status_token)
    return (
        f"Logged as {receipt.reference}. Code for the journalist to note down: "
        f"{receipt.short_code} (they type it in at {check_url} to see the status). "
        f"Status link for the journalist (give it only to them): {status_url}"
    )


def log(form: LoggedInquiryForm, officer: User) -> intake.Receipt:
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
    return receipt
