"""The response clock of DESIGN.md, as pure functions."""

from __future__ import annotations

from datetime import datetime, timedelta


def due_at(received_at: datetime, deadline: datetime | None, target: timedelta) -> datetime:
    """An inquiry is due at the earlier of the journalist's deadline and the target."""
    by_target = received_at + target
    return min(by_target, deadline) if deadline is not None else by_target
