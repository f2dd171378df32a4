"""Registers every administration command group with the application."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from tracker.auth.cli import users_cli
    from tracker.demo import demo_command
    from tracker.missions.cli import missions_cli

    app.cli.add_command(missions_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_cli)
