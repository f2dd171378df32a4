"""After an erasure or a purge: the anonymised rows' old versions out of the database's files.

Anonymising is an UPDATE, and both databases keep a row's old version for a while after
one. A journalist who asked to be erased, perhaps because talking to a UN expert is risky
where they work, expects their name gone from the server's disk, not only from its pages.

SQLite (write-ahead log): the new pages go to the log, and the database file keeps the old
ones until a checkpoint copies the new ones over them. Older frames of the log, back to
the last time it was restarted, hold earlier versions too, the inquiry as it was first
written among them. A TRUNCATE checkpoint copies every page into the database file and
empties the log. ``secure_delete`` (set on every connection, see ``tracker.database``)
has zeroed the cells that the UPDATE freed, so nothing of the old values is left in
either file.

PostgreSQL: the old version is a dead tuple in the table's page (and in every index) until
VACUUM removes it and marks its space for reuse; its bytes go when that space is reused.
Autovacuum would wait for a fifth of the table to change, weeks for a rare erasure, so
the tables an anonymisation touches are vacuumed at once. PostgreSQL's own write-ahead
log and any backups keep what they kept: that is the operator's retention (see
docs/deploy.md).
"""

from __future__ import annotations

from sqlalchemy import Engine

# Every table whose rows ``anonymise`` changes.
TOUCHED = ("inquiries", "inquiry_events", "follow_ups", "outbox_messages")


def wipe_old_versions(engine: Engine) -> bool:
    """Rid the database's files of the old versions of rows just anonymised (committed).

    False when SQLite could not empty its log: another process was still reading an older
    snapshot after the busy timeout. The old frames are then overwritten only as the log
    is reused, and the caller should say so.
    """
    if engine.dialect.name == "sqlite":
        return checkpoint_and_truncate(engine)
    vacuum(engine)
    return True


def checkpoint_and_truncate(engine: Engine) -> bool:
    with engine.connect() as connection:
        row = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    busy = int(row[0])
    return busy == 0


def vacuum(engine: Engine) -> None:
    # VACUUM cannot run inside a transaction block.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in TOUCHED:
            connection.exec_driver_sql(f"VACUUM {table}")
