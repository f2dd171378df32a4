"""``flask --app tracker inquiries ...``: import a press office's historical log."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from tracker import clock
from tracker.choices import Phase
from tracker.commands import commit
from tracker.extensions import db
from tracker.inquiries import importer
from tracker.missions.lookups import find_mission
from tracker.models import Mission

inquiries_cli = AppGroup("inquiries", help="Import inquiries from a CSV log.")


@inquiries_cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--mission", "slug", required=True, metavar="SLUG", help="The mission (its slug).")
@click.option(
    "--dry-run", is_flag=True, help="Check the file and say what it would do; write nothing."
)
def import_command(file: Path, slug: str, dry_run: bool) -> None:
    """Import a historical log (CSV, UTF-8, header first) into a mission, all or nothing.

    Columns: received_at, name, outlet, media_type, country, email, phone, language,
    request_type, topic, subject, message, and optionally deadline, first_response_at,
    closed_at (instants in ISO 8601 with their offset). Each row is routed and numbered as
    of its own received_at; a bad row is reported with its line number and nothing is
    written. tests/fixtures/historical-log.csv is an example.
    """
    mission = existing_mission(slug)
    now = clock.now()
    rows = checked_rows(file, mission)
    try:
        done = importer.write(mission, rows, source=file.name, now=now)
        report = [row_line(item) for item in done]
        summary = summary_line(mission, done)
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = str(getattr(error, "orig", error)).splitlines()[0]
        raise click.ClickException(f"the database refused the import: {reason}") from None
    if dry_run:
        db.session.rollback()
    else:
        commit("import")
    for line in report:
        click.echo(line)
    if dry_run:
        click.echo(f"Dry run: would import {summary}. Nothing was written.")
    else:
        click.echo(f"Imported {summary}.")


def existing_mission(slug: str) -> Mission:
    """The mission with this slug, or a refusal."""
    mission = find_mission(slug.strip())
    if mission is None:
        raise click.ClickException(f"no mission {slug!r}: see flask --app tracker missions list")
    if not mission.published:
        raise click.ClickException(
            f"{mission.slug} is a draft: publish it (admin, or published = true in its "
            "mission file) before importing its inquiries"
        )
    return mission


def checked_rows(file: Path, mission: Mission) -> list[importer.ImportRow]:
    """Every row checked, or a refusal: one line, after listing the rows when several."""
    try:
        rows = importer.read_file(file, clock.now())
        problems = importer.already_imported(mission, rows)
        if problems:
            raise importer.ImportFileError(problems)
    except importer.ImportFileError as error:
        if len(error.problems) == 1:
            raise click.ClickException(f"{error.problems[0]} (nothing was imported)") from None
        for problem in error.problems:
            click.echo(problem, err=True)
        count = len(error.problems)
        raise click.ClickException(
            f"{count} problems in {file.name}, listed above (nothing was imported)"
        ) from None
    return rows


def row_line(item: importer.Imported) -> str:
    """ "line 3 → KAZ15-0007  during  Leila Duisekova  closed"."""
    inquiry = item.inquiry
    contact = inquiry.routed_contact.name if inquiry.routed_contact else "no contact"
    return (
        f"line {item.row.line} → {inquiry.reference}\t{inquiry.phase_at_receipt.value}"
        f"\t{contact}\t{inquiry.status.value}"
    )


def summary_line(mission: Mission, done: list[importer.Imported]) -> str:
    """ "8 inquiries into kazakhstan-2015 as KAZ15-0001 to KAZ15-0008 (before 2, …)"."""
    references = [item.inquiry.reference for item in done]
    counts = Counter(item.inquiry.phase_at_receipt for item in done)
    by_phase = ", ".join(f"{phase.value} {counts[phase]}" for phase in Phase if counts[phase])
    plural = "inquiry" if len(done) == 1 else "inquiries"
    return (
        f"{len(done)} {plural} into {mission.slug} as {references[0]} to {references[-1]}"
        f" ({by_phase})"
    )
