"""Registers every administration command group with the application."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from tracker.accounts.cli import users_cli
    from tracker.demo import demo_command
    from tracker.inquiries.cli import inquiries_cli
    from tracker.mail.cli import digest_cli, outbox_cli, reminders_cli
    from tracker.missions.cli import missions_cli
    from tracker.privacy.cli import privacy_cli
    from tracker.stats.cli import stats_cli

    app.cli.add_command(missions_cli)
    app.cli.add_command(inquiries_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(digest_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(stats_cli)
