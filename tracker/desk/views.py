"""The inquiry page and its actions: validate, call a service, commit, redirect or render.

Every action posts the version of the inquiry its page showed. For the actions that change
what colleagues change too (``checks_version``), a stale version, or a colleague's commit
landing first, re-renders the page with the newer state and "Changed by X at T since you
opened it." (409), storing nothing. Notes, follow-ups and ticking one off only add to the
inquiry: they are stored whatever changed meanwhile, and bump no version. A refused action
shows its reason next to the field (422); success redirects back to the page (303).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from babel import Locale
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from tracker import clock
from tracker.auth.policy import require_role, signed_in_user
from tracker.choices import LANGUAGES, ResponseChannel, Role, Status
from tracker.desk import bp, forms
from tracker.extensions import db
from tracker.inquiries import (
    assignment,
    follow_ups,
    freshness,
    lifecycle,
    referral,
    response_clock,
    responses,
    sensitivity,
    short_codes,
    status_changes,
    timeline,
)
from tracker.models import FollowUp, Inquiry, InquiryEvent
from tracker.refusals import Refused

Form = TypeVar("Form", bound=forms.ActionForm)

# The page's forms by name; a re-rendered page puts the submitted one in its place.
PAGE_FORMS: dict[str, type[forms.ActionForm]] = {
    "claim": forms.ClaimForm,
    "assign": forms.AssignForm,
    "status": forms.StatusForm,
    "reopen": forms.ReopenForm,
    "note": forms.NoteForm,
    "response": forms.ResponseForm,
    "follow_up": forms.FollowUpForm,
    "follow_up_done": forms.FollowUpDoneForm,
    "refer": forms.ReferForm,
    "sensitive": forms.SensitiveForm,
}

# Where a refusal is shown when the service does not name a field.
REFUSAL_FIELD: dict[type[forms.ActionForm], str] = {
    forms.AssignForm: "assignee",
    forms.StatusForm: "status",
    forms.NoteForm: "note",
    forms.ResponseForm: "said",
    forms.FollowUpForm: "due",
    forms.ReferForm: "contact",
    forms.SensitiveForm: "sensitive",
}


officer = signed_in_user


def inquiry_or_404(reference: str) -> Inquiry:
    """The inquiry with its timeline and follow-ups, by reference in any case."""
    found = db.session.scalar(
        select(Inquiry)
        .where(Inquiry.reference == reference.upper())
        .options(selectinload(Inquiry.events).joinedload(InquiryEvent.actor))
        .options(selectinload(Inquiry.follow_ups))
    )
    if found is None:
        abort(404, description=f"There is no inquiry {reference}.")
    return found


@bp.get("/<reference>")
@require_role(Role.PRESS_OFFICER)
def inquiry(reference: str) -> ResponseReturnValue:
    """Everything about one inquiry, its timeline, and what can be done with it."""
    return render_page(inquiry_or_404(reference))


def render_page(
    found: Inquiry,
    submitted: forms.ActionForm | None = None,
    code: int = 200,
    conflict: str | None = None,
    refused: str | None = None,
    refused_alone: bool = False,
) -> ResponseReturnValue:
    """The inquiry page; ``submitted`` keeps what was typed, stamped with today's version.

    Who may not see a sensitive inquiry's journalist gets none of its free text, and only
    the action they may take (referring it onward): ``refused`` is then shown on its own,
    as the refused form is not on their page.
    """
    viewer, now = officer(), clock.now()
    identity_visible = sensitivity.can_see_identity(viewer, found)
    if (
        found.sensitive
        and identity_visible
        and sensitivity.record_identity_view(found, viewer, now)
    ):
        db.session.commit()
    page_forms = {name: cls.for_page(found, viewer, now) for name, cls in PAGE_FORMS.items()}
    if submitted is not None:
        submitted.version.data = str(found.version)
        page_forms[form_name(submitted)] = submitted
        if refused is None and submitted.errors:
            refused = " ".join(
                str(error) for errors in submitted.errors.values() for error in errors
            )
    page = render_template(
        "desk/inquiry.html",
        inquiry=found,
        forms=page_forms,
        conflict=conflict,
        zone=viewer.timezone,
        now=now,
        identity_visible=identity_visible,
        hidden=sensitivity.HIDDEN,
        refused=refused,
        # Said at the top: no field on the page to say it next to.
        refused_alone=refused_alone or not identity_visible,
        clock_words=response_clock.describe(
            status_changes.clock_state(found), now, found.first_response_at
        ),
        timeline=sorted(found.events, key=lambda event: (event.at, event.id)),
        can_reopen=lifecycle.can_reopen(found.status),
        language=dict(LANGUAGES).get(found.language, found.language),
        country=Locale("en").territories.get(found.country or "", found.country),
        actor_name=timeline.actor_name,
        # Worked out again (only its hash is stored), for those who see the journalist.
        short_code=(
            short_codes.stored_code(
                found.reference, found.short_code_hash, current_app.config["SECRET_KEY"]
            )
            if identity_visible
            else None
        ),
        status_label=lambda value: Status(value).label,
    )
    return page, code


def form_name(form: forms.ActionForm) -> str:
    """The page's name for a submitted form, to put it back in its place."""
    return next(name for name, cls in PAGE_FORMS.items() if isinstance(form, cls))


def perform(
    reference: str, form_class: type[Form], action: Callable[[Inquiry, Form], str]
) -> ResponseReturnValue:
    """Run one action: the skeleton every POST of the page shares."""
    found = inquiry_or_404(reference)
    form = form_class(inquiry=found, viewer=officer(), now=clock.now())
    valid = form.validate_on_submit()
    done = ""
    try:
        # Staleness first: a person fixing a typo on an outdated page must see the news.
        if form.checks_version and form.opened_version is not None:
            freshness.ensure_fresh(found, form.opened_version)
        if valid:
            done = action(found, form)
            db.session.commit()
    except StaleDataError:
        # A colleague's commit landed between our check and our write.
        db.session.rollback()
        return conflict_page(found, form, freshness.stale_error(found))
    except freshness.StaleInquiry as stale:
        db.session.rollback()
        return conflict_page(found, form, stale)
    except Refused as refused:
        db.session.rollback()
        return refusal_page(found, form, refused)
    if not valid:
        return render_page(found, form, 422)
    flash(done, "success")
    return redirect(url_for(".inquiry", reference=found.reference), code=303)


def conflict_page(
    found: Inquiry, form: forms.ActionForm, stale: freshness.StaleInquiry
) -> ResponseReturnValue:
    """The page in its newer state, saying who changed it and when (in the viewer's zone)."""
    return render_page(found, form, 409, conflict=stale.message(officer().timezone))


def refusal_page(found: Inquiry, form: forms.ActionForm, refused: Exception) -> ResponseReturnValue:
    """The page again, with the reason next to the field it concerns."""
    if isinstance(form, forms.FollowUpDoneForm):
        # Nothing typed to keep, and no one field to show it by (one button per
        # follow-up, and the refused one may be gone): the reason stands on its own.
        return render_page(found, None, 422, refused=str(refused), refused_alone=True)
    name = getattr(refused, "field", None) or REFUSAL_FIELD.get(type(form), "version")
    field = form[name]
    field.errors = [*field.errors, str(refused)]
    return render_page(found, form, 422, refused=str(refused))


@bp.post("/<reference>/claim")
@require_role(Role.PRESS_OFFICER)
def claim(reference: str) -> ResponseReturnValue:
    """Take the inquiry on oneself."""

    def act(found: Inquiry, form: forms.ClaimForm) -> str:
        assignment.claim(found, officer(), clock.now())
        return "You have this inquiry now."

    return perform(reference, forms.ClaimForm, act)


@bp.post("/<reference>/assign")
@require_role(Role.PRESS_OFFICER)
def assign(reference: str) -> ResponseReturnValue:
    """Give the inquiry to an officer."""

    def act(found: Inquiry, form: forms.AssignForm) -> str:
        assignment.assign(found, officer(), clock.now(), to=form.chosen)
        return f"Assigned to {form.chosen.name}."

    return perform(reference, forms.AssignForm, act)


@bp.post("/<reference>/status")
@require_role(Role.PRESS_OFFICER)
def status(reference: str) -> ResponseReturnValue:
    """Move the inquiry along its lifecycle."""

    def act(found: Inquiry, form: forms.StatusForm) -> str:
        status_changes.change_status(
            found, officer(), clock.now(), to=form.target, duplicate_of=form.original
        )
        return f"Status changed to “{form.target.label}”."

    return perform(reference, forms.StatusForm, act)


@bp.post("/<reference>/reopen")
@require_role(Role.PRESS_OFFICER)
def reopen(reference: str) -> ResponseReturnValue:
    """Reopen a finished inquiry."""

    def act(found: Inquiry, form: forms.ReopenForm) -> str:
        status_changes.reopen(found, officer(), clock.now())
        return "Reopened."

    return perform(reference, forms.ReopenForm, act)


@bp.post("/<reference>/notes")
@require_role(Role.PRESS_OFFICER)
def add_note(reference: str) -> ResponseReturnValue:
    """Keep an internal note."""

    def act(found: Inquiry, form: forms.NoteForm) -> str:
        responses.add_note(found, officer(), clock.now(), text=form.note.data)
        return "Note added."

    return perform(reference, forms.NoteForm, act)


@bp.post("/<reference>/responses")
@require_role(Role.PRESS_OFFICER)
def log_response(reference: str) -> ResponseReturnValue:
    """Record what the office told the journalist."""

    def act(found: Inquiry, form: forms.ResponseForm) -> str:
        channel = ResponseChannel(form.channel.data)
        responses.log_response(found, officer(), clock.now(), channel=channel, said=form.said.data)
        return "Response logged."

    return perform(reference, forms.ResponseForm, act)


@bp.post("/<reference>/follow-ups")
@require_role(Role.PRESS_OFFICER)
def schedule_follow_up(reference: str) -> ResponseReturnValue:
    """Plan something to do later."""

    def act(found: Inquiry, form: forms.FollowUpForm) -> str:
        # Set by the form's validation; the assert only narrows the type for mypy.
        assert form.due_at is not None  # nosec B101
        follow_ups.schedule_follow_up(
            found, officer(), clock.now(), due_at=form.due_at, what=form.what.data
        )
        return "Follow-up scheduled."

    return perform(reference, forms.FollowUpForm, act)


@bp.post("/<reference>/follow-ups/<int:follow_up_id>/done")
@require_role(Role.PRESS_OFFICER)
def complete_follow_up(reference: str, follow_up_id: int) -> ResponseReturnValue:
    """Tick off a follow-up."""

    def act(found: Inquiry, form: forms.FollowUpDoneForm) -> str:
        follow_up = db.session.get(FollowUp, follow_up_id)
        if follow_up is None or follow_up.inquiry_id != found.id:
            abort(404, description="This follow-up does not exist.")
        follow_ups.complete_follow_up(found, officer(), clock.now(), follow_up=follow_up)
        return "Follow-up ticked off."

    return perform(reference, forms.FollowUpDoneForm, act)


@bp.post("/<reference>/refer")
@require_role(Role.PRESS_OFFICER)
def refer(reference: str) -> ResponseReturnValue:
    """Pass a misdirected inquiry on to another contact."""

    def act(found: Inquiry, form: forms.ReferForm) -> str:
        referral.refer(found, officer(), clock.now(), to=form.chosen, note=form.reason.data)
        return f"Referred to {form.chosen.name}."

    return perform(reference, forms.ReferForm, act)


@bp.post("/<reference>/sensitive")
@require_role(Role.PRESS_OFFICER)
def set_sensitive(reference: str) -> ResponseReturnValue:
    """Mark the journalist as at risk, or lift the mark."""

    def act(found: Inquiry, form: forms.SensitiveForm) -> str:
        sensitivity.set_sensitive(found, officer(), clock.now(), sensitive=form.wanted)
        if form.wanted:
            return "Marked sensitive: the journalist's identity is now hidden from other officers."
        return "Sensitive mark lifted."

    return perform(reference, forms.SensitiveForm, act)
