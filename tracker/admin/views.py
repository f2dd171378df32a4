"""/admin: the administration home, and the blueprint with every admin page on it.

The pages live by area (missions.py, schedule.py, contacts.py, users.py), all on the one
blueprint from blueprint.py; importing them here registers their routes.
"""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from tracker.admin import audit
from tracker.admin import contacts as _contacts  # noqa: F401  (routes on bp)
from tracker.admin import missions as _missions  # noqa: F401  (routes on bp)
from tracker.admin import schedule as _schedule  # noqa: F401  (routes on bp)
from tracker.admin import users as _users  # noqa: F401  (routes on bp)
from tracker.admin.blueprint import bp
from tracker.extensions import db
from tracker.models import Contact, Mission, User

__all__ = ["bp"]


@bp.get("")
def index() -> ResponseReturnValue:
    """What can be administered, and the latest changes with who made them."""
    counts = {
        "missions": db.session.scalar(select(func.count()).select_from(Mission)),
        "contacts": db.session.scalar(select(func.count()).where(Contact.active)),
        "users": db.session.scalar(select(func.count()).where(User.active)),
    }
    return render_template("admin/index.html", counts=counts, events=audit.recent())
