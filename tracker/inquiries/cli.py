"""``flask --app tracker inquiries ...``: import a press office's historical log."""

from __future__ import annotations

from flask.cli import AppGroup

inquiries_cli = AppGroup("inquiries", help="Import inquiries from a CSV log.")
