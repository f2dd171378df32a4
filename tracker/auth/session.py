"""Flask-Login wiring: how a session id becomes a user, and what anonymous visitors get."""

from __future__ import annotations

from flask import Flask, Request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import SQLAlchemyError

from tracker import clock
from tracker.accounts import api_tokens
from tracker.auth.policy import has_role, unauthenticated
from tracker.choices import Role
from tracker.extensions import db, login_manager
from tracker.models import User

API_PREFIX = "/api/v1/"


def load_user(session_id: str) -> User | None:
    """The user behind a session id "<id>:<nonce>", if still active and not signed out."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def load_user_from_token(request: Request) -> User | None:
    """The user of an ``Authorization: Bearer <token>`` header, on /api/v1 only.

    Pages for people never accept a token, so a leaked token cannot drive the desk. Nothing
    here touches the session, so a token request gets no session cookie.
    """
    if not request.path.startswith(API_PREFIX):
        return None
    scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credential.strip():
        return None
    record = api_tokens.verify(credential.strip())
    if record is None:
        return None
    if api_tokens.record_use(record, clock.now()):
        note_use()
    return record.user


def note_use() -> None:
    """Commit the token's time of use; a failure to note it must not fail the request.

    Safe to commit here: a view asks who the user is (its role check) before it writes
    anything, so this commits the note of use and nothing else.
    """
    try:
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()


def on_unauthorized() -> ResponseReturnValue:
    return unauthenticated()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_token)
    login_manager.unauthorized_handler(on_unauthorized)
    # Templates show links by role with the same rule the views enforce.
    app.add_template_global(has_role)
    app.add_template_global(Role)
    # "basic": a session seen from a new address is marked not fresh. Not "strong", which
    # would log out officers whose phones change networks while travelling with the expert.
    login_manager.session_protection = "basic"
