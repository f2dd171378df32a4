"""The language switcher on every page: POST /language remembers the choice in a cookie."""

from __future__ import annotations

from flask import current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue

from tracker.i18n import COOKIE, COOKIE_AGE, LANGUAGES
from tracker.public import bp
from tracker.security import safe_next


@bp.post("/language")
def choose_language() -> ResponseReturnValue:
    """Remember the chosen language for a year and go back to the page it was chosen on."""
    # Checked for its CSRF token like every other form: without one, any site could
    # switch a visitor's language (the switcher's form carries the token on every page).
    code = request.form.get("lang", "")
    back = safe_next(request.form.get("next")) or url_for("public.index")
    response = redirect(back, code=303)
    if code in LANGUAGES:
        response.set_cookie(
            COOKIE,
            code,
            max_age=int(COOKIE_AGE.total_seconds()),
            httponly=True,
            samesite="Lax",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        )
    return response
