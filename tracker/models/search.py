"""The queue's text search index on SQLite: every inquiry's searched text by trigram.

A search counts its matches in every tab, "Closed" included, so it looked at every
inquiry: one LIKE per row over ix_inquiries_match, some 20 ms at 100,000 inquiries and
ten times that at a million. An FTS5 table with the trigram tokenizer counts the rows
holding a piece of text of three characters or more from its index instead (a few
milliseconds). The open tabs, a tenth of the rows, are still counted and listed with
LIKE; so the index must find exactly what LIKE finds: it holds the searched text
lowered by SQLite's own lower() (ASCII letters only, as LIKE ignores their case and no
other's), matched case-sensitively against the searched text lowered the same way
(``folded``).

The text is ``search_text``'s: reference, subject, name and outlet, a line each, so text
without a line break never matches across two fields.

Contentless (``content=''``): it holds no copy of the text, only the index. Triggers keep
it in step with ``inquiries`` whatever writes them (forms, import, bulk UPDATE, purge);
a contentless table forgets a row only when told its old values, which the triggers
have. After an erasure, ``forget_erased`` merges the index so the trigrams of an erased
name are gone from it, not only marked as deleted.

PostgreSQL has no such table: ILIKE over the stored ``search_text`` serves it.
"""

from __future__ import annotations

from sqlalchemy import Connection, MetaData, event
from sqlalchemy.orm import Session

from tracker.extensions import Base

TABLE = "inquiry_search"
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
    """Alembic's ``include_name``: the models do not describe the index's tables, so
    schema comparisons (autogenerate, the migrations' test) leave them out."""
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
    """Create the index and its triggers on SQLite, filled with any inquiries there;
    an index already there is left as it is (its triggers have kept it in step)."""
    if connection.dialect.name != "sqlite":
        return
    if not connection.dialect.has_table(connection, TABLE):
        connection.exec_driver_sql(SQLITE_CREATE_TABLE)
        connection.exec_driver_sql(SQLITE_FILL)
    for statement in SQLITE_CREATE_TRIGGERS:
        connection.exec_driver_sql(statement)


def forget_erased(session: Session) -> None:
    """Merge the index, so the trigrams of rows changed or deleted are gone from it."""
    if session.get_bind().dialect.name == "sqlite":
        session.flush()
        merge = f"INSERT INTO {TABLE} ({TABLE}) VALUES ('optimize')"  # nosec B608
        session.connection().exec_driver_sql(merge)


@event.listens_for(Base.metadata, "after_create")
def _create_index(_metadata: MetaData, connection: Connection, **_: object) -> None:
    """``create_all`` (tests, the bench) gets what the migration creates."""
    create(connection)
