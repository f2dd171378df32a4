"""What the administration commands share: one commit, one way to report a refusal.

A command either stores its whole change or nothing, and says why in one line.
"""

from __future__ import annotations

import click
from sqlalchemy.exc import SQLAlchemyError

from tracker.extensions import db
from tracker.refusals import Refused


def commit(what: str = "change") -> None:
    """Commit, or roll back and report the database's refusal in one line."""
    try:
        db.session.commit()
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise click.ClickException(f"the database refused the {what}: {reason}") from None


def refused_in_one_line(refused: Refused) -> click.ClickException:
    """A refusal of the rules, rolled back, as the command's one-line reason."""
    db.session.rollback()
    return click.ClickException(str(refused))
