"""``flask --app tracker demo``: a demo press office for trying the tool after ``make run``.

It makes accounts for the seed's contacts, a manager and an admin; tells the seed
mission's story as it ran in 2015 (``history``); adds a made-up visit under way today
(``current``), so every queue tab and chart has something live; and gives the Geneva and
Astana offices working hours when they have none, so the pages say when they are closed.
The password of the new accounts comes from ``--password``, standard input or a hidden
prompt, and is never printed. Running it again adds nothing that is there already.
Never run it on a real office's database.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import time

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from tracker import clock
from tracker.accounts.cli import read_password
from tracker.demo import current, history
from tracker.demo.people import Team, ensure_people
from tracker.demo.story import Outcome
from tracker.extensions import db
from tracker.missions.lookups import find_mission
from tracker.models import Inquiry, Mission, Office

ACCOUNTS_HELP = (
    "Password for the new demo accounts (default: read from standard input, or asked "
    "twice at a terminal). It is never printed."
)
# Office hours the demo assumes where none are set (the release gives none).
WEEKDAYS, OPENS, CLOSES = [1, 2, 3, 4, 5], time(9), time(18)


@click.command("demo")
@click.option("--password", help=ACCOUNTS_HELP)
@click.option(
    "--inquiries",
    "count",
    default=60,
    show_default=True,
    type=click.IntRange(0, 5000),
    help="Inquiries in the seed mission's story; the visit under way gets half as many.",
)
@with_appcontext
def demo_command(password: str | None, count: int) -> None:
    """Fill a demo press office: accounts, the seed mission's story, a visit under way."""
    seed = find_mission("kazakhstan-2015")
    if seed is None:
        raise click.ClickException(
            "load the seed first: flask --app tracker missions load seed/kazakhstan-2015.toml"
        )
    created = ensure_people(lambda: password or read_password())
    # Made-up inquiries, the same from run to run: nothing here is a secret.
    rng = random.Random(2015)  # nosec B311
    team, now = Team.load(), clock.now()
    lines = [f"account {email}" for email in created]
    lines += office_hours()
    lines.append(seed_story(seed, count, team, rng))
    mission, made = current.visit(now)
    if made:
        told = current.fill(mission, max(count // 2, 16), team, rng, now)
        lines.append(summary(mission, told, "a made-up visit under way today"))
    else:
        lines.append(f"{mission.slug}: there already; nothing added")
    db.session.commit()
    for line in lines:
        click.echo(line)
    if created:
        click.echo("Log in at /login with these addresses and the password you chose.")


def seed_story(seed: Mission, count: int, team: Team, rng: random.Random) -> str:
    """The seed mission's inquiries of 2015, unless it has inquiries already."""
    held = db.session.scalar(select(func.count()).where(Inquiry.mission_id == seed.id))
    if held:
        return f"{seed.slug}: has {held} inquiries already; nothing added"
    told = history.tell(seed, count, team, rng)
    return summary(seed, told, "as it ran, January to July 2015")


def summary(mission: Mission, told: Counter[Outcome], what: str) -> str:
    """ "kazakhstan-2015 (…): 60 inquiries: 40 closed, 5 answered, …"."""
    parts = ", ".join(f"{count} {outcome.value}" for outcome, count in told.most_common())
    return f"{mission.slug} ({what}): {sum(told.values())} inquiries: {parts}"


def office_hours() -> list[str]:
    """Weekday hours for the seed's offices that have a zone but no hours yet."""
    lines = []
    for office in db.session.scalars(select(Office).order_by(Office.name)):
        if office.working_hours is None and office.timezone:
            office.days, office.opens_at, office.closes_at = WEEKDAYS, OPENS, CLOSES
            lines.append(
                f"office {office.name}: Monday to Friday 09:00-18:00 ({office.timezone}), "
                "assumed for the demo (change it in /admin/offices)"
            )
    return lines
