"""``flask --app tracker privacy …``: retention purge, a journalist's copy, erasure."""

from __future__ import annotations

import getpass
import json

import click
from flask import current_app
from flask.cli import AppGroup

from tracker import clock, phones
from tracker.commands import commit
from tracker.extensions import db
from tracker.privacy import operations, wipe

privacy_cli = AppGroup("privacy", help="Journalists' personal data: purge, export, erase.")

BY_HELP = "Who runs this, for the record (default: the operating-system user)."


def operator(by: str | None) -> str:
    """The name recorded for the run: --by, else the OS user (the CLI has no login)."""
    if by and by.strip():
        return by.strip()
    try:
        return f"os:{getpass.getuser()}"
    except (OSError, KeyError):
        return "os:unknown"


PHONE_HELP = (
    "The journalist's phone number, with its country code, instead of EMAIL "
    "(for those who called and left no address)."
)


def checked_email(email: str) -> str:
    email = email.strip()
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise click.ClickException(f"{email!r} is not an email address")
    return email


def journalist(email: str | None, phone: str | None) -> operations.Journalist:
    """Whom the command is about: EMAIL, or --phone NUMBER (one of them)."""
    if (email is None) == (phone is None):
        raise click.UsageError("Name the journalist by EMAIL or by --phone NUMBER (one of them).")
    if email is not None:
        return operations.Journalist(email=checked_email(email))
    try:
        # Stored as the forms store it: E.164, the country code required (no region hint).
        return operations.Journalist(phone=phones.normalise(str(phone)))
    except phones.InvalidPhoneNumber as error:
        raise click.ClickException(f"{phone!r}: {error}") from None


def inquiries(count: int) -> str:
    return f"{count} inquiry" if count == 1 else f"{count} inquiries"


def wipe_old_versions() -> None:
    """Once the anonymisation is committed: its rows' old versions out of the files.

    Also when nothing was anonymised: running the command again is how an operator empties
    a log that was busy the first time."""
    if not wipe.wipe_old_versions(db.engine):
        click.echo(
            "Warning: another process kept the database's write-ahead log busy, so it "
            "still holds old copies of the anonymised rows until it is reused. Run the "
            "command again when the application is quieter to empty it now.",
            err=True,
        )


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be anonymised; change nothing.")
@click.option("--by", metavar="NAME", help=BY_HELP)
def purge_command(dry_run: bool, by: str | None) -> None:
    """Anonymise the closed inquiries whose retention period has ended.

    An inquiry's details are kept until its mission's retention_months (default 24)
    after the later of the end of the visit and the day the inquiry was closed (answered,
    closed, declined …). Open inquiries are never purged. Statistics are unchanged.
    """
    result = operations.purge(clock.now(), run_by=operator(by), dry_run=dry_run)
    # A dry run changed nothing but its own record, which is kept too.
    commit()
    if not dry_run:
        wipe_old_versions()
    for reference in result.references:
        click.echo(reference)
    count = len(result.references)
    if dry_run:
        click.echo(f"Dry run: would anonymise {inquiries(count)}. Nothing was changed.")
    else:
        click.echo(f"Anonymised {inquiries(count)} past their retention period.")


@privacy_cli.command("export")
@click.argument("email", required=False)
@click.option("--phone", metavar="NUMBER", help=PHONE_HELP)
@click.option("--by", metavar="NAME", help=BY_HELP)
def export_command(email: str | None, phone: str | None, by: str | None) -> None:
    """Print as JSON everything held about the journalist with this EMAIL (or --phone)."""
    data, _ = operations.export(
        journalist(email, phone),
        clock.now(),
        run_by=operator(by),
        secret_key=current_app.config["SECRET_KEY"],
    )
    commit()
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@privacy_cli.command("erase")
@click.argument("email", required=False)
@click.option("--phone", metavar="NUMBER", help=PHONE_HELP)
@click.option("--dry-run", is_flag=True, help="Say which inquiries would be anonymised.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--by", metavar="NAME", help=BY_HELP)
def erase_command(
    email: str | None, phone: str | None, dry_run: bool, yes: bool, by: str | None
) -> None:
    """Anonymise every inquiry of the journalist with this EMAIL (or --phone), open ones
    included."""
    who = journalist(email, phone)
    found = [inquiry.reference for inquiry in operations.given_by(who)]
    if found and not dry_run and not yes:
        click.confirm(
            f"Anonymise {inquiries(len(found))} ({', '.join(found)})? This cannot be undone",
            abort=True,
        )
    result = operations.erase(
        who,
        clock.now(),
        run_by=operator(by),
        secret_key=current_app.config["SECRET_KEY"],
        dry_run=dry_run,
    )
    commit()
    if not dry_run:
        wipe_old_versions()
    for reference in result.references:
        click.echo(reference)
    count = len(result.references)
    under = "this address" if who.email is not None else "this number"
    if dry_run:
        click.echo(f"Dry run: would anonymise {inquiries(count)}. Nothing was changed.")
    elif count:
        click.echo(f"Anonymised {inquiries(count)} given under {under}.")
    else:
        click.echo(f"No inquiry gives {under}: nothing to erase (the request is recorded).")


@privacy_cli.command("runs")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
def runs_command(limit: int) -> None:
    """List the latest privacy runs, newest first."""
    for run in operations.recent_runs(limit):
        dry = " (dry run)" if run.dry_run else ""
        click.echo(
            f"{run.at.isoformat(timespec='seconds')}\t{run.kind.value}{dry}\t{run.run_by}"
            f"\t{inquiries(run.inquiry_count)}"
        )
