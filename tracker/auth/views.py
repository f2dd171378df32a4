"""Login and logout."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from tracker import clock
from tracker.accounts import login_throttle, passwords
from tracker.accounts.staff import find_user
from tracker.auth import bp
from tracker.auth.forms import LoginForm
from tracker.extensions import csrf, db
from tracker.models import User
from tracker.security import safe_next

# One message for an unknown address, a wrong password and a deactivated account.
WRONG = "Email or password is wrong."
TOO_MANY = "Too many failed attempts with this email address"


@dataclass(frozen=True)
class Refusal:
    """Why a login attempt failed, the HTTP status, and the seconds to wait (if blocked)."""

    message: str
    status: int
    retry_after: int | None = None


# The form checks its own CSRF token and reports a stale one next to the typed email,
# instead of the global 400 page that would lose it.
@bp.route("/login", methods=["GET", "POST"])
@csrf.exempt
def login() -> ResponseReturnValue:
    """Sign a member of the press office in, then send them where they were going."""
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("queue.index"))
    form = LoginForm()
    refusal = None
    if form.validate_on_submit():
        outcome = authenticate(form.email.data or "", form.password.data or "", request.remote_addr)
        if isinstance(outcome, User):
            login_user(outcome, remember=bool(form.remember.data))
            return redirect(target or url_for("queue.index"), code=303)
        refusal = outcome
    status = refusal.status if refusal else 422 if request.method == "POST" else 200
    page = render_template("auth/login.html", form=form, refusal=refusal, next=target)
    wait = refusal.retry_after if refusal else None
    return page, status, {"Retry-After": str(wait)} if wait else {}


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """End this session and delete the remember-me cookie."""
    # Cleared before logout_user(), which then marks the remember cookie for deletion.
    session.clear()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for(".login"), code=303)


def authenticate(email: str, password: str, client: str | None) -> User | Refusal:
    """The active account these credentials open, or why not; commits the attempt.

    ``client`` is the client's address: failures slow down that client's attempts at the
    address, not everyone's (see tracker.accounts.login_throttle).
    """
    now = clock.now()
    blocked = login_throttle.blocked_until(email, client, now)
    if blocked is not None:
        # Refused before any password check: guesses made during a block teach nothing.
        return Refusal(f"{TOO_MANY}. {try_again(blocked, now)}", 429, seconds_until(blocked, now))
    user = find_user(email)
    matches = passwords.verify_password(user.password_hash if user else None, password)
    if user is not None and user.active and matches:
        login_throttle.clear(email, client)
        user.last_login_at = now
        db.session.commit()
        return user
    until = login_throttle.record_failure(email, client, now)
    db.session.commit()
    if until is not None:
        message = f"{WRONG} {TOO_MANY}: {try_again(until, now).lower()}"
        return Refusal(message, 429, seconds_until(until, now))
    return Refusal(WRONG, 422)


def seconds_until(until: datetime, now: datetime) -> int:
    """Whole seconds from now to ``until``, rounded up, at least 1 (for Retry-After)."""
    return max(1, math.ceil((until - now).total_seconds()))


def try_again(until: datetime, now: datetime) -> str:
    """When the block ends, in seconds or minutes from now, rounded up."""
    seconds = seconds_until(until, now)
    if seconds < 60:
        return f"Try again in {seconds} second{'s' if seconds != 1 else ''}."
    minutes = math.ceil(seconds / 60)
    return f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."
