"""What the admin pages share: the actor, the rows they edit, commit-and-redirect."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tracker import audit, inputs
from tracker.audit import Entity
from tracker.auth.policy import signed_in_user
from tracker.extensions import db
from tracker.formatting import format_instant
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


SAME_MOMENT = "Someone changed this at the same moment. Reload and try again."


def done(message: str, endpoint: str, *, changing: Entity | None = None, **values: Any) -> Response:
    """Commit the change and its audit record, say so, and go back to the page (303).

    ``changing`` is the mission, contact or account the change is about (recorded under),
    to name who got there first when another admin's change wins the race.
    """
    about = audit.entity_key(changing) if changing is not None else None
    try:
        db.session.commit()
    except IntegrityError:
        # Two admins saving the same unique value at once: the second is refused whole.
        db.session.rollback()
        abort(409, description=SAME_MOMENT)
    except StaleDataError:
        conflict(about)
    flash(message, "success")
    return redirect(url_for(endpoint, **values), code=303)


def conflict(about: tuple[str, int] | None) -> NoReturn:
    """409, keeping nothing: the row changed or went between our reading and our writing
    it (another admin deleted it), so the database matched nothing."""
    db.session.rollback()
    abort(409, description=changed_meanwhile(about))


def changed_meanwhile(about: tuple[str, int] | None) -> str:
    """Who changed it while the admin was on the page, and when, from the audit trail."""
    event = audit.last_change(*about) if about else None
    if event is None:
        return SAME_MOMENT
    who = event.actor.name if event.actor else "the command line"
    when = format_instant(event.at, actor().timezone)
    return (
        f"Nothing was saved: while you were on this page, {who} changed it at {when} "
        f"({event.summary}). Reload the page to see it as it is now."
    )


def refuse(form: FlaskForm, refused: Refused, fallback: str) -> None:
    """Undo the half-made change and put the reason next to the field it concerns."""
    db.session.rollback()
    field = form[refused.field or fallback]
    field.errors = [*field.errors, str(refused)]
