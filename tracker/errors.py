"""Error pages: HTML for people, JSON under /api for programs; never a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: "The request could not be understood.",
    403: "You are not allowed to do this.",
    404: "There is nothing at this address.",
    405: "This address does not accept that kind of request.",
    413: "What you sent is too large.",
    429: "Too many requests; please wait a moment and try again.",
    500: "Something went wrong on our side. Nothing you sent was half-saved; please try again.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, message: str | None = None) -> ResponseReturnValue:
    text = message or MESSAGES.get(code, "Something went wrong.")
    if wants_json():
        return jsonify(error=text), code
    return render_template("errors/error.html", code=code, message=text), code


def handle_http_exception(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    # Our own aborts carry a specific description; Werkzeug's generic ones do not.
    custom = error.description if error.description != type(error).description else None
    return render_error(code, custom)


def handle_server_error(_error: InternalServerError) -> ResponseReturnValue:
    # Flask has already logged the exception; the client gets no detail of it.
    return render_error(500)


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    # Unhandled exceptions reach this as a 500 (and still propagate when TESTING is on).
    app.register_error_handler(InternalServerError, handle_server_error)
