"""``flask --app tracker outbox|reminders|digest ...``: mail commands."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from types import FrameType

import click
from flask import current_app
from flask.cli import AppGroup

from tracker import clock
from tracker.extensions import db
from tracker.mail import digest, outbox, reminders, sender
from tracker.mail.sealing import Sealer
from tracker.mail.smtp import SmtpSettings, SmtpTransport

outbox_cli = AppGroup("outbox", help="Send the mail waiting in the outbox.")
reminders_cli = AppGroup("reminders", help="Queue deadline and follow-up reminders.")
digest_cli = AppGroup("digest", help="The managers' daily digest.")


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep sending until stopped (for a service).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to rest between rounds with --loop.",
)
def send_command(loop: bool, interval: float) -> None:
    """Send the mail that is due, then exit (or go on with --loop)."""
    settings = SmtpSettings.from_config(current_app.config)
    if not settings.server:
        waiting = outbox.waiting()
        click.echo(
            f"MAIL_SERVER is not set: {waiting} mail(s) stay in the outbox "
            "(admins can read them at /admin/outbox)."
        )
        return
    if not loop:
        report(send_round(settings, None), always=True)
        return
    stop = stop_on_signals()
    click.echo(f"Sending through {settings.server}:{settings.port}; stop with Ctrl-C or SIGTERM.")
    sender.run_loop(lambda: send_round(settings, stop), interval=interval, stop=stop, report=report)


def send_round(settings: SmtpSettings, stop: threading.Event | None) -> Counter[str]:
    """One round: send everything that is due (until ``stop``), over one connection."""
    with SmtpTransport(settings) as transport:
        return sender.send_due(
            transport,
            settings.sender,
            lambda: clock.now(),
            sealer=Sealer.from_config(current_app.config),
            stop=stop,
        )


def report(outcomes: Counter[str], always: bool = False) -> None:
    """One line: what a round did, and why it stopped early."""
    if not outcomes and not always:
        return
    line = f"sent {outcomes['sent']}, to retry {outcomes['retry']}, failed {outcomes['failed']}"
    if outcomes[sender.SERVER_UNAVAILABLE]:
        line += "; mail server unavailable, the rest stays queued"
    click.echo(line)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: the current mail is finished, then the loop ends."""
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop


@outbox_cli.command("status")
def status_command() -> None:
    """How many mails are in each state."""
    for state, number in outbox.counts().items():
        click.echo(f"{state.value:10} {number}")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all", "every", is_flag=True, help="Every failed mail.")
def retry_command(ids: tuple[int, ...], every: bool) -> None:
    """Queue failed mail again, with a fresh set of attempts."""
    if not ids and not every:
        raise click.UsageError("give the ids of failed mails, or --all")
    if ids:
        unknown = set(ids) - outbox.failed_ids(ids)
        if unknown:
            raise click.ClickException(f"not failed mail: {', '.join(map(str, sorted(unknown)))}")
    count = outbox.requeue_failed(clock.now(), None if every else ids)
    db.session.commit()
    click.echo(f"{count} failed mail(s) queued again.")


@reminders_cli.command("run")
def reminders_command() -> None:
    """Queue deadline reminders and follow-up notices that are due (idempotent)."""
    queued = reminders.run(clock.now())
    db.session.commit()
    click.echo(
        f"queued {queued.deadlines} deadline reminder(s), {queued.follow_ups} follow-up notice(s)"
    )


@digest_cli.command("send")
def digest_command() -> None:
    """Queue today's digest for each manager (once a day); `outbox send` delivers it."""
    queued = digest.queue_digests(clock.now())
    db.session.commit()
    click.echo(f"queued {queued} digest(s)")
