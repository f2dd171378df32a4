"""Error pages: HTML for people, JSON under /api for programs; never a stack trace.

Every error a client can meet has a page in the site's layout with a way back, or under
/api a JSON body ``{"error": "..."}`` with the same words. What went wrong inside goes to
the log, never into the answer.
"""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException, InternalServerError

from tracker import ratelimit
from tracker.extensions import db, login_manager

log = logging.getLogger(__name__)

# Lazy: translated when shown, in the language of the page the error happened on.
MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You are not allowed to do this."),
    404: _l("There is nothing at this address."),
    405: _l("This address does not accept that kind of request."),
    413: _l("What you sent is too large. Shorten the text, then send it again."),
    429: _l("Too many requests from your address."),
    500: _l("Something went wrong on our side. Nothing you sent was half-saved; please try again."),
    503: _l(
        "The service is briefly unavailable. Nothing you sent was saved; please try again "
        "in a minute."
    ),
}

# The page's title: what the tab and a screen reader announce first.
TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Server error"),
    503: _l("Briefly unavailable"),
}

# Seconds a client is asked to wait while the database is unreachable: long enough for a
# restart or a fail-over, short enough that a journalist does not give up.
DATABASE_RETRY_AFTER = 60

# The database cannot be reached or stopped answering: a connection refused or dropped
# (OperationalError, InterfaceError) or no free connection in the pool (TimeoutError).
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(
    code: int, message: str | None = None, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    """The page (or JSON) for ``code``, with ``message`` or the code's own words."""
    text = str(message or MESSAGES.get(code) or gettext("Something went wrong."))
    if wants_json():
        return jsonify(error=text), code, headers or {}
    if code >= 500:
        # The layout asks who is signed in, which reads the database: after a failure the
        # session may be unusable (or the database gone), so the page is drawn as for a
        # visitor rather than failing a second time.
        g._login_user = login_manager.anonymous_user()
    try:
        title = str(TITLES.get(code) or gettext("Error"))
        page = render_template("errors/error.html", code=code, title=title, message=text)
    except Exception:
        log.exception("the error page for %s could not be drawn", code)
        page = f"<!doctype html><title>Error {code}</title><h1>{escape(text)}</h1>"
    return page, code, headers or {}


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    # Werkzeug's own headers (Allow on a 405), without its text/html content type.
    headers = {name: value for name, value in error.get_headers() if name != "Content-Type"}
    if code == 429:
        return too_many_requests(headers)
    # Our own aborts carry a specific description; Werkzeug's generic ones do not.
    custom = error.description if error.description != type(error).description else None
    return render_error(code, custom, headers)


def too_many_requests(headers: dict[str, str]) -> ResponseReturnValue:
    """429 from the rate limits: say how long to wait, in words and in Retry-After."""
    wait = ratelimit.seconds_until_reset()
    headers["Retry-After"] = str(wait)
    message = gettext("Please try again in %(wait)s.", wait=in_words(wait))
    return render_error(429, f"{MESSAGES[429]} {message}", headers)


def in_words(seconds: int) -> str:
    """ "45 seconds", "1 minute", "3 minutes": rounded up, never "0 minutes"."""
    if seconds < 60:
        return ngettext("%(num)d second", "%(num)d seconds", seconds)
    minutes = -(-seconds // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def handle_server_error(_error: InternalServerError) -> ResponseReturnValue:
    # Flask has already logged the exception; the client gets no detail of it.
    return render_error(500)


def handle_database_unavailable(error: Exception) -> ResponseReturnValue:
    """503 while the database is down; the next request starts on a fresh connection."""
    # One line, not a traceback: while the database is down, every request ends here.
    reason = str(error).strip().splitlines()[0] if str(error).strip() else ""
    log.warning("database unavailable on %s: %s %s", request.path, type(error).__name__, reason)
    discard_session()
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
    return render_error(503, headers=headers)


def discard_session() -> None:
    """Roll back and drop this request's session, so nothing half-done survives it.

    The rollback itself may fail when the connection is gone; the connection is then
    invalidated by the pool, and pre-ping replaces it on the next checkout.
    """
    try:
        db.session.rollback()
    except sa_exc.SQLAlchemyError:
        log.info("rollback after a database failure failed too", exc_info=True)
    db.session.remove()


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, handle_database_unavailable)
    # Unhandled exceptions reach this as a 500 (and still propagate when TESTING is on).
    app.register_error_handler(InternalServerError, handle_server_error)
