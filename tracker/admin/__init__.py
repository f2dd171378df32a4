"""Administration in the browser: missions, contacts, offices, phase assignments, routing
rules, users and the outbox. Every page is on this one blueprint, guarded once for admins."""

from flask import Blueprint
from flask.typing import ResponseReturnValue

from tracker.auth.policy import require_role
from tracker.choices import Role

bp = Blueprint("admin", __name__)


@bp.before_request
@require_role(Role.ADMIN)
def admins_only() -> ResponseReturnValue | None:
    """Every admin page is for admins: guarded once, so a new page cannot forget it."""
    return None


from tracker.admin import (  # noqa: E402, F401
    contacts,
    missions,
    offices,
    outbox,
    schedule,
    users,
    views,
)
