"""Flask-Login wiring: how a session id becomes a user, and what anonymous visitors get."""

from __future__ import annotations

from flask import Flask
from flask.typing import ResponseReturnValue

from tracker.auth.policy import has_role, unauthenticated
from tracker.choices import Role
from tracker.extensions import db, login_manager
from tracker.models import User


def load_user(session_id: str) -> User | None:
    """The user behind a session id "<id>:<nonce>", if still active and not signed out."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_nonce != nonce:
        return None
    return user


def on_unauthorized() -> ResponseReturnValue:
    return unauthenticated()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(on_unauthorized)
    # Templates show links by role with the same rule the views enforce.
    app.add_template_global(has_role)
    app.add_template_global(Role)
    # "basic": a session seen from a new address is marked not fresh. Not "strong", which
    # would log out officers whose phones change networks while travelling with the expert.
    login_manager.session_protection = "basic"
