"""/admin/outbox: the mail waiting to go out, for admins (and for `make run` without SMTP)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("outbox", __name__)
