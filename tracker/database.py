"""Database engine settings that the models do not express."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_configured = False


def configure_sqlite() -> None:
    """Make every SQLite connection enforce foreign keys and cope with concurrent workers.

    WAL lets readers proceed while one writer commits; the busy timeout makes a second
    writer wait instead of failing with "database is locked".
    """
    global _configured
    if _configured:
        return
    event.listen(Engine, "connect", _sqlite_pragmas)
    _configured = True


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Zero what a delete or an UPDATE frees, so an erased journalist's old values do not
    # linger in free space (see tracker.privacy.wipe). Debian builds SQLite with it on;
    # other builds (macOS, python.org) do not, so the bench's figures already include it.
    cursor.execute("PRAGMA secure_delete=ON")
    # 32 MiB of page cache per connection, not SQLite's 2 MiB: the queue's open rows
    # alone fill ~2 MiB of its search index at 100,000 inquiries and ~18 MiB at a
    # million, which a 2 MiB cache read again from the OS on every page. A sync worker
    # uses one connection at a time, so this is about 32 MiB per worker in practice.
    cursor.execute("PRAGMA cache_size=-32768")
    cursor.close()
