"""``flask --app tracker missions ...``: load mission files, list missions."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from tracker import clock, phases
from tracker.commands import commit
from tracker.extensions import db
from tracker.missions.spec import MissionFileError, parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import Mission

missions_cli = AppGroup("missions", help="Create, update and list missions.")


@missions_cli.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def load_command(files: tuple[Path, ...]) -> None:
    """Create or update missions from TOML files (running it twice changes nothing).

    All files are loaded in one transaction: if one is bad, none is loaded.
    """
    try:
        results = [apply_spec(parse_mission_file(path)) for path in files]
    except MissionFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    commit("mission")
    for mission, outcome in results:
        draft = "" if mission.published else " (a draft: publish it to open it to the public)"
        click.echo(f"{mission.slug}: {outcome.value}{draft}")


@missions_cli.command("list")
def list_command() -> None:
    """List missions with their days, zone, phase now and whether they are published."""
    now = clock.now()
    missions = db.session.scalars(select(Mission).order_by(Mission.first_day)).all()
    if not missions:
        click.echo("No missions yet. Load one: flask --app tracker missions load FILE.toml")
    for mission in missions:
        click.echo(
            f"{mission.slug}\t{mission.reference_prefix}\t{mission.first_day}..{mission.last_day}"
            f"\t{mission.timezone}\t{phases.phase_at(mission, now).value}"
            f"\t{'published' if mission.published else 'draft'}\t{mission.title}"
        )
