"""What the admin pages share: the actor, the rows they edit, commit-and-redirect."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from tracker import inputs
from tracker.auth.policy import signed_in_user
from tracker.extensions import db
from tracker.models import Mission
from tracker.refusals import Refused

actor = signed_in_user


def mission_or_404(slug: str) -> Mission:
    """The mission with this slug, or a 404 page that names it."""
    mission = db.session.scalar(select(Mission).where(Mission.slug == slug))
    if mission is None:
        abort(404, description=f"There is no mission called {slug!r}.")
    return mission


def row_or_404(model: type[Any], row_id: int | None, **owner: Any) -> Any:
    """The row with this id (and owner, e.g. mission_id), or 404: the page was stale."""
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None or any(getattr(row, name) != value for name, value in owner.items()):
        abort(404, description="This entry no longer exists: someone removed it. Reload the page.")
    return row


def edited(model: type[Any], **owner: Any) -> Any:
    """The row named by ``?edit=ID`` (None without one); a bad or stale id is a 404."""
    if "edit" not in request.args:
        return None
    return row_or_404(model, inputs.query_id("edit"), **owner)


def done(message: str, endpoint: str, **values: Any) -> Response:
    """Commit the change and its audit record, say so, and go back to the page (303)."""
    try:
        db.session.commit()
    except IntegrityError:
        # Two admins saving the same unique value at once: the second is refused whole.
        db.session.rollback()
        abort(409, description="Someone changed this at the same moment. Reload and try again.")
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)


def refuse(form: FlaskForm, refused: Refused, fallback: str) -> None:
    """Undo the half-made change and put the reason next to the field it concerns."""
    db.session.rollback()
    field = form[refused.field or fallback]
    field.errors = [*field.errors, str(refused)]
