"""Public pages: who to contact now, the inquiry form, the journalist's status page."""

from __future__ import annotations

import math
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_login import current_user
from sqlalchemy import select

from tracker import clock, inputs, links, phases
from tracker.choices import Channel, Topic
from tracker.extensions import csrf, db
from tracker.formatting import page_language
from tracker.inquiries import code_lookup, intake, short_codes, status_tokens
from tracker.missions import lookups
from tracker.models import Inquiry, InquiryEvent, Mission
from tracker.privacy import retention
from tracker.public import bp, labels
from tracker.public.calendar import mission_calendar
from tracker.public.forms import CodeForm, InquiryForm

# Phase, topic and request-type labels in the page's language, for the public templates.
bp.add_app_template_global(labels.label, "public_label")


def mission_or_404(slug: str) -> Mission:
    """The mission, if this visitor may see it: a draft is for staff only, and to the
    public it is as unknown as a mission that does not exist."""
    mission = lookups.find_mission(slug)
    if mission is None or not (mission.published or current_user.is_authenticated):
        abort(404, description=gettext("There is no mission called “%(slug)s”.", slug=slug))
    return mission


def open_mission_or_404(slug: str) -> Mission:
    """The mission whose form takes inquiries: a published one."""
    mission = mission_or_404(slug)
    if not mission.published:
        abort(404, description=gettext("This mission's inquiry form is not open yet."))
    return mission


@bp.get("/")
def index() -> ResponseReturnValue:
    """Missions: current first, then upcoming, then past; staff also see the drafts."""
    now = clock.now()
    drafts = lookups.drafts() if current_user.is_authenticated else []
    groups = lookups.missions_by_timing(now)
    return render_template("public/index.html", groups=groups, drafts=drafts, now=now)


@bp.get("/missions/<slug>")
def mission(slug: str) -> ResponseReturnValue:
    """Who to contact now, the whole schedule, the press conference."""
    found = mission_or_404(slug)
    now = clock.now()
    phase = phases.phase_at(found, now)
    contacts_now = lookups.public_contacts(found, phase, Topic.MISSION)
    other_experts = lookups.public_contacts(found, phase, Topic.OTHER_EXPERTS)
    schedule = lookups.schedule(found)
    shown = [*contacts_now, *other_experts, *(c for slot in schedule for c in slot.contacts)]
    # Every office the page names, read once: their names in the page's language, and
    # whether those answering now are outside their office's hours.
    offices = lookups.offices_named([*(c.office for c in shown), found.home_office])
    return render_template(
        "public/mission.html",
        mission=found,
        now=now,
        phase=phase,
        contacts_now=contacts_now,
        other_experts=other_experts,
        offices=offices,
        closed_now=lookups.closed_among(contacts_now, offices, now),
        closed_others=lookups.closed_among(other_experts, offices, now),
        schedule=schedule,
    )


@bp.get("/missions/<slug>/events.ics")
def calendar(slug: str) -> ResponseReturnValue:
    """The mission's days and press conference, for a journalist's calendar."""
    found = mission_or_404(slug)
    body = mission_calendar(
        found,
        now=clock.now(),
        uid_domain=links.public_host(current_app),
        page_url=links.external_url("public.mission", slug=found.slug),
        language=page_language(),
    )
    headers = {"Content-Disposition": f'attachment; filename="{found.slug}.ics"'}
    return Response(body, mimetype="text/calendar", headers=headers)


# The form carries its own CSRF token and reports a stale one next to the text the
# journalist typed, instead of the global 400 page that would lose it.
@bp.route("/missions/<slug>/inquire", methods=["GET", "POST"])
@csrf.exempt
@inputs.checks_own_text
def inquire(slug: str) -> ResponseReturnValue:
    """The public inquiry form; success leads to the receipt."""
    found = open_mission_or_404(slug)
    now = clock.now()
    form = InquiryForm(now=now, mission_zone=found.timezone)
    if request.method == "GET":
        prefill_from_link(form)
    if form.validate_on_submit():
        receipt = intake.receive(
            found, form.to_request(), channel=Channel.WEB_FORM, received_at=now
        )
        db.session.commit()
        return redirect(url_for(".status", token=receipt.status_token, received=1), code=303)
    code = 422 if request.method == "POST" else 200
    # The privacy notice states the rule and the earliest day it gives: the day an
    # inquiry closed today would get, never one already past.
    retention_day = retention.earliest_anonymise_day(found, now)
    page = render_template(
        "public/inquire.html", mission=found, form=form, retention_day=retention_day
    )
    return page, code


def prefill_from_link(form: InquiryForm) -> None:
    """Links such as "ask for accreditation" preselect the request type or topic."""
    for name in ("request_type", "topic"):
        value = request.args.get(name)
        field = form[name]
        if value and value in {option.value for option in field.choices}:
            field.data = value


# The status page is private: out of Referer headers (the token is in its address) and
# out of shared caches.
PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@bp.get("/status/<token>")
def status(token: str) -> ResponseReturnValue:
    """The journalist's private view of their inquiry: only what is public."""
    inquiry = db.session.scalar(
        select(Inquiry).where(Inquiry.status_token_hash == status_tokens.token_hash(token))
    )
    if inquiry is None:
        message = gettext("This status link is not known. Check that it was copied whole.")
        abort(404, description=message)
    just_received = request.args.get("received") == "1"
    page = status_page(
        inquiry,
        just_received=just_received,
        status_url=links.external_url("public.status", token=token),
    )
    return page, 200, PRIVATE


def status_page(inquiry: Inquiry, *, just_received: bool = False, status_url: str = "") -> str:
    """The status page of ``inquiry``, reached by its link or by its code."""
    last_update = db.session.scalar(
        select(InquiryEvent)
        .where(InquiryEvent.inquiry_id == inquiry.id, InquiryEvent.public.is_(True))
        .order_by(InquiryEvent.at.desc(), InquiryEvent.id.desc())
        .limit(1)
    )
    secret = current_app.config["SECRET_KEY"]
    contact = inquiry.routed_contact
    offices = lookups.offices_named([contact.office if contact else None])
    # The receipt says when the office that will answer is closed, and until when.
    closed = []
    if just_received and inquiry.is_open and contact is not None:
        closed = lookups.closed_among([contact], offices, clock.now())
    return render_template(
        "public/status.html",
        offices=offices,
        closed_now=closed,
        inquiry=inquiry,
        mission=inquiry.mission,
        public_status=labels.public_status(inquiry.status),
        last_update_summary=labels.event_summary(last_update.summary) if last_update else "",
        last_update=last_update,
        just_received=just_received,
        status_url=status_url,
        # Shown on the receipt only, for a journalist who gave no email address.
        short_code=(
            short_codes.stored_code(inquiry.reference, inquiry.short_code_hash, secret)
            if just_received
            else None
        ),
    )


# Checked by the form itself, which keeps the code typed and says what was wrong.
@bp.route("/status", methods=["GET", "POST"])
@csrf.exempt
@inputs.checks_own_text
def check_code() -> ResponseReturnValue:
    """Check an inquiry by its short code (read out on the phone, or in the mail).

    The answer to a right code is the status page itself, not a redirect: the database
    has no status token to redirect to (only its hash), and a code in an address would be
    in the browser's history and the server's logs. Wrong codes count towards a lock-out
    of the client's address (tracker.inquiries.code_lookup).
    """
    form = CodeForm()
    if not form.validate_on_submit():
        return code_form(form, 422 if request.method == "POST" else 200)
    client = code_lookup.client_key(request.remote_addr or "", current_app.config["SECRET_KEY"])
    try:
        found = code_lookup.find(form.code.data, client, clock.now())
    except code_lookup.Blocked as blocked:
        return locked_out(form, blocked)
    db.session.commit()  # the failure counted, if it was one
    if found is None:
        message = gettext("No inquiry has this code. Check it, or call the press office.")
        form.code.errors = [*form.code.errors, message]
        return code_form(form, 422)
    return status_page(found), 200, PRIVATE


def code_form(form: CodeForm, code: int, headers: dict[str, str] | None = None) -> Any:
    """The code form again (with what was typed and why it failed)."""
    page = render_template("public/check_code.html", form=form)
    return page, code, {**PRIVATE, **(headers or {})}


def locked_out(form: CodeForm, blocked: code_lookup.Blocked) -> Any:
    """429: too many wrong codes from this address; say how long to wait."""
    minutes = max(1, math.ceil((blocked.until - clock.now()).total_seconds() / 60))
    message = ngettext(
        "Too many wrong codes were typed from your address. Try again in %(num)d minute, "
        "or call the press office.",
        "Too many wrong codes were typed from your address. Try again in %(num)d minutes, "
        "or call the press office.",
        minutes,
    )
    form.code.errors = [*form.code.errors, message]
    return code_form(form, 429, {"Retry-After": str(minutes * 60)})
