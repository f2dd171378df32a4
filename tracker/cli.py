"""Registers every administration command group with the application."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from tracker.missions.cli import missions_cli

    app.cli.add_command(missions_cli)
