"""``flask --app tracker outbox|reminders|digest ...``: mail commands."""

from __future__ import annotations

from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="Send the mail waiting in the outbox.")
reminders_cli = AppGroup("reminders", help="Queue deadline and follow-up reminders.")
digest_cli = AppGroup("digest", help="The managers' daily digest.")
