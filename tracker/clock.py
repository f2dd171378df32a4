"""The one place the application asks for the current time.

Views and commands call ``clock.now()`` (through the module, not an imported name) so a
test can move the whole application through a mission's phases with ``monkeypatch``.
Business rules never call it: they take the instant as an argument.
"""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)
