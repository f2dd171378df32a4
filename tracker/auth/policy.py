"""Who may do what: the one place where roles are checked.

Roles are ranked (``Role.at_least``): a manager can do everything a press officer can, an
admin everything a manager can. Views declare the least role they need with
``@require_role``. Who may see a sensitive inquiry is ``tracker.inquiries.sensitivity``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker.choices import Role
from tracker.models import User

View = TypeVar("View", bound=Callable[..., Any])


def has_role(user: Any, role: Role) -> bool:
    """True when ``user`` is logged in, active, and ranks at least ``role``."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.role.at_least(role))


def signed_in_user() -> User:
    """The logged-in user as a model instance, not Flask-Login's proxy.

    Services take a ``User`` (they compare ids, keep it on rows); views behind
    ``require_role`` call this to hand them one.
    """
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    return user


def unauthenticated() -> ResponseReturnValue:
    """Programs get 401 JSON; people are sent to the login page and brought back."""
    if request.path.startswith("/api/"):
        return jsonify(error="Authentication required: log in or send an API token."), 401
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login", next=target))


def require_role(role: Role) -> Callable[[View], View]:
    """Refuse the view to anyone below ``role``: login page or 401 if anonymous, else 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not getattr(current_user, "is_authenticated", False):
                return unauthenticated()
            if not has_role(current_user, role):
                abort(403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate
