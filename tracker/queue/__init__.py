"""The triage queue: tabs, filters, urgency order, bulk actions, handover, CSV export."""

from flask import Blueprint

bp = Blueprint("queue", __name__)

from tracker.queue import csv_export, views  # noqa: E402, F401  (routes on bp)
