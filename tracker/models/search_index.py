"""The queue's text search index on SQLite: every inquiry's searched text by trigram.

A search counts its matches in every tab, "Closed" included, so it looked at every
inquiry: one LIKE per row over ix_inquiries_match, a cost that grows with the table. An
FTS5 table with the trigram tokenizer counts the rows holding a piece of text of three
characters or more from its index instead (figures in docs/performance.md). The open
tabs, a tenth of the rows, are still counted and listed with LIKE; so the index must
find exactly what LIKE finds: it holds the searched text lowered by SQLite's own lower()
(ASCII letters only, as LIKE ignores their case and no other's), matched
case-sensitively against the searched text lowered the same way (``folded``).

The text is ``search_text``'s: reference, subject, name and outlet, a line each, so text
without a line break never matches across two fields.

Contentless (``content=''``): it holds no copy of the text, only the index. Triggers keep
it in step with ``inquiries`` whatever writes them (forms, import, bulk UPDATE, purge);
a contentless table forgets a row only when told its old values, which the triggers
have. After an erasure, ``forget_erased`` merges the index so the trigrams of an erased
name are gone from it, not only marked as deleted.

On PostgreSQL, a GIN index of ``search_text``'s trigrams (the pg_trgm extension) lets
ILIKE itself find a piece of text without reading every row: the total, the open tabs
and the page all test ``search_text`` there (see ``create_postgresql``).
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, MetaData, event
from sqlalchemy.exc import DBAPIError

from tracker.extensions import Base, db

TABLE = "inquiry_search"
# PostgreSQL's trigram index on inquiries.search_text.
TRIGRAM_INDEX = "ix_inquiries_trigram"

log = logging.getLogger(__name__)
# Texts shorter than a trigram cannot be looked up in the index (LIKE serves them).
SHORTEST = 3

# The inquiry's search_text (tracker.models.inquiries.SEARCH_TEXT), lowered as LIKE
# compares.
TEXT = "lower({row}.search_text)"


def _values(row: str) -> str:
    return f"{row}.id, {TEXT.format(row=row)}"


# The statements are put together from this module's constants only, never from input
# (hence bandit's B608 waived on them).
_ADD_NEW = f"INSERT INTO {TABLE} (rowid, text) VALUES ({_values('new')});"  # nosec B608
_FORGET_OLD = f"INSERT INTO {TABLE} ({TABLE}, rowid, text) VALUES ('delete', {_values('old')});"  # nosec B608

SQLITE_CREATE_TABLE = (
    f"CREATE VIRTUAL TABLE {TABLE} "
    "USING fts5(text, content='', tokenize='trigram case_sensitive 1')"
)
SQLITE_CREATE_TRIGGERS = (
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_insert AFTER INSERT ON inquiries BEGIN {_ADD_NEW} END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_delete AFTER DELETE ON inquiries "
    f"BEGIN {_FORGET_OLD} END",
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_update "
    "AFTER UPDATE OF reference, subject, name, outlet ON inquiries "
    f"BEGIN {_FORGET_OLD} {_ADD_NEW} END",
)

# Fills a new index with the inquiries already there.
SQLITE_FILL = f"INSERT INTO {TABLE} (rowid, text) SELECT {_values('inquiries')} FROM inquiries"  # nosec B608

# SQLite's lower(): ASCII letters only.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

SQLITE_DROP = (
    f"DROP TRIGGER IF EXISTS {TABLE}_update",
    f"DROP TRIGGER IF EXISTS {TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_insert",
    f"DROP TABLE IF EXISTS {TABLE}",
)


def is_search_index(table_name: str) -> bool:
    """The index's own tables (FTS5 adds shadow tables such as ``inquiry_search_data``)."""
    return table_name == TABLE or table_name.startswith(f"{TABLE}_")


def modelled(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's ``include_name``: the models do not describe the index's tables (SQLite)
    nor the trigram index (PostgreSQL), so schema comparisons (autogenerate, the
    migrations' test) leave them out."""
    if type_ == "index":
        return name != TRIGRAM_INDEX
    return not (type_ == "table" and name is not None and is_search_index(name))


def phrase(text: str) -> str:
    """The FTS5 query that finds ``text`` wherever LIKE '%text%' would: one phrase (found
    wherever it occurs, whatever it holds), lowered as the index is."""
    folded = text.translate(ASCII_LOWER)
    return '"' + folded.replace('"', '""') + '"'


def searchable(text: str) -> bool:
    """Whether the index can answer a search for ``text``: at least a trigram, and on one
    line (a line break would let the text span two fields of a column)."""
    return len(text) >= SHORTEST and "\n" not in text


def create(connection: Connection) -> None:
    """The search index of the connection's database, made if it is not there yet."""
    create_sqlite(connection)
    create_postgresql(connection)


def create_sqlite(connection: Connection) -> None:
    """Create the index and its triggers on SQLite, filled with any inquiries there;
    an index already there is left as it is (its triggers have kept it in step)."""
    if connection.dialect.name != "sqlite":
        return
    if not connection.dialect.has_table(connection, TABLE):
        connection.exec_driver_sql(SQLITE_CREATE_TABLE)
        connection.exec_driver_sql(SQLITE_FILL)
    for statement in SQLITE_CREATE_TRIGGERS:
        connection.exec_driver_sql(statement)


def create_postgresql(connection: Connection) -> None:
    """PostgreSQL: a GIN trigram index on ``search_text``, with pg_trgm if need be.

    The extension lives in one schema of the database, whichever that is (``public``
    when made here), and its operator class is named with that schema, so the index
    works whatever the search path. Where the extension cannot be made (pg_trgm not
    installed, or no right to add it), search still works, reading every row: a
    warning says so, and the migration goes on.
    """
    if connection.dialect.name != "postgresql":
        return
    schema = trigram_schema(connection)
    if schema is None:
        log.warning(
            "pg_trgm could not be added to this database, so the queue's text search "
            "reads every inquiry. As a superuser: CREATE EXTENSION pg_trgm; then "
            "CREATE INDEX %s ON inquiries USING gin (search_text gin_trgm_ops);",
            TRIGRAM_INDEX,
        )
        return
    operators = connection.dialect.identifier_preparer.quote_schema(schema) + ".gin_trgm_ops"
    connection.exec_driver_sql(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} "
        f"ON inquiries USING gin (search_text {operators})"
    )


def trigram_schema(connection: Connection) -> str | None:
    """The schema holding pg_trgm, added to ``public`` if the database has it not yet;
    None when it cannot be added (attempted in a savepoint, so the transaction goes on)."""
    found = (
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    )
    schema = connection.exec_driver_sql(found).scalar()
    if schema is not None:
        return str(schema)
    try:
        with connection.begin_nested():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except DBAPIError as error:
        log.debug("CREATE EXTENSION pg_trgm failed: %s", error)
        # Another connection may have added it meanwhile (both saw none).
    schema = connection.exec_driver_sql(found).scalar()
    return None if schema is None else str(schema)


def forget_erased() -> None:
    """Merge the index, so the trigrams of rows changed or deleted are gone from it."""
    if db.session.get_bind().dialect.name == "sqlite":
        db.session.flush()
        merge = f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"  # nosec B608
        db.session.connection().exec_driver_sql(merge)


@event.listens_for(Base.metadata, "after_create")
def _create_index(_metadata: MetaData, connection: Connection, **_: object) -> None:
    """``create_all`` (tests, the bench) gets what the migration creates."""
    create(connection)
