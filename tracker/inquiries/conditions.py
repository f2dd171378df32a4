"""SQL conditions on an inquiry's state, shared by the queue and the statistics."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_

from tracker.choices import OPEN_STATUSES
from tracker.models import Inquiry

OPEN = Inquiry.status.in_(OPEN_STATUSES)


def overdue(now: datetime) -> ColumnElement[bool]:
    """Open, clock running, and past its due time."""
    return and_(OPEN, Inquiry.clock_running.is_(True), Inquiry.due_at < now)
