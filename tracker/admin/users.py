"""/admin/users: the press office's accounts."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker import audit
from tracker.accounts import staff
from tracker.admin import bp
from tracker.admin.common import actor, done, edited, refuse, row_or_404
from tracker.admin.forms import AccountStateForm
from tracker.admin.forms.people import AccountForm, NewAccountForm
from tracker.extensions import db
from tracker.models import User
from tracker.refusals import Refused


@bp.route("/users", methods=["GET", "POST"])
def users() -> ResponseReturnValue:
    """Every account; the form creates one, or with ``?edit=ID`` changes that one."""
    user = edited(User)
    if request.method == "GET":
        form = AccountForm.for_user(user) if user else NewAccountForm(formdata=None)
        return render_users(form, user)
    if user is None:
        return create()
    form = AccountForm(user=user)
    if form.validate():
        try:
            words = staff.update_user(actor(), user, form.values())
        except Refused as refused:
            refuse(form, refused, "role")
        else:
            message = f"Saved: {'; '.join(words)}." if words else "Nothing to change."
            return done(message, "admin.users", changing=user, edit=user.id)
    return render_users(form, user, 422)


def create() -> ResponseReturnValue:
    """Create an account with a first password."""
    form = NewAccountForm()
    if not form.validate():
        return render_users(form, None, 422)
    created = staff.create_user(actor(), form.email.data, form.password.data, form.values())
    return done(f"Account {created.email} created.", "admin.users")


@bp.post("/users/state")
def user_state() -> ResponseReturnValue:
    """Deactivate an account (its sessions end at once), or reactivate it."""
    form = AccountStateForm()
    if not form.validate():
        return render_users(NewAccountForm(formdata=None), None, 422, form)
    user = row_or_404(User, form.item_id)
    try:
        message = change_state(user, form.action.data)
    except Refused as refused:
        refuse(form, refused, "action")
        return render_users(AccountForm.for_user(user), user, 422, form)
    return done(message, "admin.users", changing=user, edit=user.id)


def change_state(user: User, action: str) -> str:
    """Run the state change; return the message to flash."""
    if action == "reactivate":
        staff.reactivate_user(actor(), user)
        return f"{user.email} can log in again."
    still_open = staff.deactivate_user(actor(), user)
    message = f"{user.email} is deactivated; every session of theirs has ended."
    if still_open:
        message += f" Reassign the {still_open} open inquiries still assigned to them."
    return message


def render_users(
    form: AccountForm,
    editing: User | None,
    code: int = 200,
    state_form: AccountStateForm | None = None,
) -> ResponseReturnValue:
    """The accounts (active first), the form, and the chosen account's state and history."""
    rows = db.session.scalars(select(User).order_by(User.active.desc(), User.email)).all()
    page = render_template(
        "admin/users.html",
        users=rows,
        form=form,
        editing=editing,
        state_form=state_form,
        history=audit.history(editing) if editing else [],
        open_assigned=staff.open_assigned(editing) if editing else 0,
    )
    return page, code
