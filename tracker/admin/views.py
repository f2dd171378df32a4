"""/admin: the administration home, with the latest changes."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from tracker import audit
from tracker.admin import bp
from tracker.extensions import db
from tracker.models import Contact, Mission, User


@bp.get("")
def index() -> ResponseReturnValue:
    """What can be administered, and the latest changes with who made them."""
    counts = {
        "missions": db.session.scalar(select(func.count()).select_from(Mission)),
        "contacts": db.session.scalar(select(func.count()).where(Contact.active)),
        "users": db.session.scalar(select(func.count()).where(User.active)),
    }
    return render_template("admin/index.html", counts=counts, events=audit.recent())
