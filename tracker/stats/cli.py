"""``flask --app tracker stats count``: count every changed day into the rollup now.

After an upgrade the rollup holds no day yet, and the first report of each scope would
count its days inside a web request: for the whole office at 100,000s of inquiries,
longer than a worker's timeout (figures in docs/performance.md). Run once after
``flask db upgrade`` (or from cron after a big import); it is safe at any time and
counts only the days that changed.
"""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import Mission, stats_days
from tracker.stats import rollup
from tracker.stats.scope import EARLIEST_DAY, LATEST_DAY, Scope

stats_cli = AppGroup("stats", help="The statistics' day rollup.")


@stats_cli.command("count")
def count_command() -> None:
    """Count the changed days of the whole office and of every mission, each committed."""
    started = time.perf_counter()
    before = stale_days()
    missions = list(db.session.scalars(select(Mission).order_by(Mission.id)))
    for mission in [None, *missions]:
        rollup.refresh(Scope(mission, EARLIEST_DAY, LATEST_DAY))
        db.session.commit()
    seconds = time.perf_counter() - started
    scopes = f"the whole office and {len(missions)} mission{'' if len(missions) == 1 else 's'}"
    click.echo(
        f"Counted {before:,} changed days ({scopes}) in {seconds:.1f} s; {stale_days()} left."
    )


def stale_days() -> int:
    statement = select(func.count()).select_from(stats_days).where(rollup.STALE)
    return int(db.session.scalar(statement) or 0)
