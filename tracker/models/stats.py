"""The statistics' day rollup: each day's tallies, kept beside the inquiries they count.

A report over a year adds up a few hundred days' tallies instead of grouping every
inquiry of the year. A day is counted once and kept until an inquiry of that day changes:
triggers on ``inquiries`` (so no code path can forget) bump the day's ``version`` in
``stats_days``; a day whose ``cached_version`` differs is counted again the next time a
report needs it (tracker/stats/rollup.py). The triggers know no time zones, so for a
mission they bump the UTC day and the days either side of it: a mission's local day is
always among those three.

Scope 0 is the whole office, whose days are UTC days; any other scope is a mission (its
id), whose days are local days in the mission's zone, as the reports count them.
"""

from __future__ import annotations

import sqlalchemy as sa

from tracker.extensions import Base

OFFICE_SCOPE = 0

stats_days = sa.Table(
    "stats_days",
    Base.metadata,
    sa.Column("scope_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("day", sa.Date, primary_key=True),
    # Bumped by the triggers whenever an inquiry of the day is added, changed or removed.
    sa.Column("version", sa.Integer, nullable=False),
    # The version the tallies below were counted at; NULL: never counted.
    sa.Column("cached_version", sa.Integer),
)

# One row per day and value of a dimension (phase, assignee, contact, request_type,
# media_type, outlet): how many inquiries, how many with a deadline, how many answered
# by it. ``value`` is text ('' for no assignee or contact).
stats_day_tallies = sa.Table(
    "stats_day_tallies",
    Base.metadata,
    sa.Column("scope_id", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("dimension", sa.String(16), nullable=False),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("received", sa.Integer, nullable=False),
    sa.Column("with_deadline", sa.Integer, nullable=False),
    sa.Column("met", sa.Integer, nullable=False),
    # A report sums a scope's days per dimension and value: walked in this order, the
    # groups come out of the index already formed.
    sa.Index(
        "ix_stats_day_tallies_sums",
        "scope_id",
        "dimension",
        "value",
        "day",
        "received",
        "with_deadline",
        "met",
    ),
    # Day first: a dimension's rows are read through the sums index (the day hidden from
    # SQLite's planner there); this one serves the replacement of a run of days.
    sa.Index("ix_stats_day_tallies_day", "day", "scope_id"),
)

# Each scope's count per outlet over all its days, kept in step with the days' outlet
# rows: the top outlets of a period that holds most of a scope's days are these totals
# less the few days outside it, not a sum over every day's outlets (there are nearly as
# many of those as inquiries).
stats_scope_outlets = sa.Table(
    "stats_scope_outlets",
    Base.metadata,
    sa.Column("scope_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("outlet", sa.String(200), primary_key=True),
    sa.Column("received", sa.Integer, nullable=False),
)

# The times to first response of a day's inquiries per phase and assignee, in whole
# milliseconds, packed as 64-bit integers (percentiles.pack): percentiles need every
# value, not a sum, and unpacking is a copy where parsing text was most of the time.
stats_day_durations = sa.Table(
    "stats_day_durations",
    Base.metadata,
    sa.Column("scope_id", sa.Integer, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("phase", sa.String(24), nullable=False),
    sa.Column("assignee_id", sa.Integer),
    sa.Column("durations", sa.LargeBinary, nullable=False),
    sa.Index("ix_stats_day_durations_day", "scope_id", "day"),
)

# The columns a report counts by: a change to any other column leaves the tallies true.
COUNTED_COLUMNS = (
    "received_at",
    "mission_id",
    "phase_at_receipt",
    "assignee_id",
    "routed_contact_id",
    "request_type",
    "media_type",
    "outlet",
    "deadline",
    "first_response_at",
)


# Scope 0 in the SQL below is OFFICE_SCOPE. ROW is NEW or OLD (see _sqlite_bump).
_SQLITE_BUMP = """
    INSERT INTO stats_days (scope_id, day, version) VALUES
        (0, date(ROW.received_at), 1),
        (ROW.mission_id, date(ROW.received_at, '-1 day'), 1),
        (ROW.mission_id, date(ROW.received_at), 1),
        (ROW.mission_id, date(ROW.received_at, '+1 day'), 1)
    ON CONFLICT (scope_id, day) DO UPDATE SET version = stats_days.version + 1;"""


def _sqlite_bump(row: str) -> str:
    """The upsert that marks ``row``'s (NEW or OLD) days as changed, SQLite's spelling."""
    return _SQLITE_BUMP.replace("ROW", row)


_COUNTED = ", ".join(COUNTED_COLUMNS)

SQLITE_TRIGGERS = (
    f"""CREATE TRIGGER IF NOT EXISTS stats_days_inquiry_added AFTER INSERT ON inquiries
    BEGIN {_sqlite_bump("NEW")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS stats_days_inquiry_changed
    AFTER UPDATE OF {_COUNTED} ON inquiries
    BEGIN {_sqlite_bump("OLD")} {_sqlite_bump("NEW")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS stats_days_inquiry_removed AFTER DELETE ON inquiries
    BEGIN {_sqlite_bump("OLD")} END""",
    # A mission's days are local days: a new zone moves every inquiry's day.
    """CREATE TRIGGER IF NOT EXISTS stats_days_mission_zone AFTER UPDATE OF timezone ON missions
    BEGIN UPDATE stats_days SET version = version + 1 WHERE scope_id = NEW.id; END""",
)

POSTGRESQL_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION stats_days_touch(mission integer, received timestamptz)
    RETURNS void LANGUAGE sql AS $$
        INSERT INTO stats_days (scope_id, day, version)
        SELECT t.scope_id, t.day, 1 FROM (VALUES
            (0, (received AT TIME ZONE 'UTC')::date),
            (mission, (received AT TIME ZONE 'UTC')::date - 1),
            (mission, (received AT TIME ZONE 'UTC')::date),
            (mission, (received AT TIME ZONE 'UTC')::date + 1)
        ) AS t(scope_id, day)
        ON CONFLICT (scope_id, day) DO UPDATE SET version = stats_days.version + 1
    $$""",
    """CREATE OR REPLACE FUNCTION stats_days_inquiry_changed() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            PERFORM stats_days_touch(OLD.mission_id, OLD.received_at);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            PERFORM stats_days_touch(NEW.mission_id, NEW.received_at);
        END IF;
        RETURN NULL;
    END $$""",
    f"""CREATE OR REPLACE TRIGGER stats_days_inquiry_changed
    AFTER INSERT OR DELETE OR UPDATE OF {_COUNTED} ON inquiries
    FOR EACH ROW EXECUTE FUNCTION stats_days_inquiry_changed()""",
    """CREATE OR REPLACE FUNCTION stats_days_mission_zone() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE stats_days SET version = version + 1 WHERE scope_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE TRIGGER stats_days_mission_zone AFTER UPDATE OF timezone ON missions
    FOR EACH ROW EXECUTE FUNCTION stats_days_mission_zone()""",
)

SQLITE_DROPS = (
    "DROP TRIGGER IF EXISTS stats_days_inquiry_added",
    "DROP TRIGGER IF EXISTS stats_days_inquiry_changed",
    "DROP TRIGGER IF EXISTS stats_days_inquiry_removed",
    "DROP TRIGGER IF EXISTS stats_days_mission_zone",
)

POSTGRESQL_DROPS = (
    "DROP TRIGGER IF EXISTS stats_days_inquiry_changed ON inquiries",
    "DROP TRIGGER IF EXISTS stats_days_mission_zone ON missions",
    "DROP FUNCTION IF EXISTS stats_days_inquiry_changed()",
    "DROP FUNCTION IF EXISTS stats_days_mission_zone()",
    "DROP FUNCTION IF EXISTS stats_days_touch(integer, timestamptz)",
)


# Marks every day that already holds inquiries as never counted (a new rollup over an
# existing table); days marked already are left alone.
SQLITE_BACKFILL = """
    INSERT INTO stats_days (scope_id, day, version)
    SELECT 0, date(received_at), 1 FROM inquiries
    UNION SELECT mission_id, date(received_at, '-1 day'), 1 FROM inquiries
    UNION SELECT mission_id, date(received_at), 1 FROM inquiries
    -- WHERE: SQLite would read ON CONFLICT as a join's ON without it.
    UNION SELECT mission_id, date(received_at, '+1 day'), 1 FROM inquiries WHERE true
    ON CONFLICT (scope_id, day) DO NOTHING"""

POSTGRESQL_BACKFILL = """
    INSERT INTO stats_days (scope_id, day, version)
    SELECT 0, (received_at AT TIME ZONE 'UTC')::date, 1 FROM inquiries
    UNION SELECT mission_id, (received_at AT TIME ZONE 'UTC')::date + shift, 1
        FROM inquiries CROSS JOIN (VALUES (-1), (0), (1)) AS shifts(shift)
    ON CONFLICT (scope_id, day) DO NOTHING"""


def trigger_statements(dialect: str) -> tuple[str, ...]:
    """The statements that create the triggers on ``dialect`` (sqlite or postgresql),
    then mark the days of any inquiries already there."""
    if dialect == "postgresql":
        return (*POSTGRESQL_TRIGGERS, POSTGRESQL_BACKFILL)
    return (*SQLITE_TRIGGERS, SQLITE_BACKFILL)


def drop_statements(dialect: str) -> tuple[str, ...]:
    return POSTGRESQL_DROPS if dialect == "postgresql" else SQLITE_DROPS


@sa.event.listens_for(Base.metadata, "after_create")
def _create_triggers(_metadata: sa.MetaData, connection: sa.Connection, **_: object) -> None:
    """``create_all`` (tests, the bench) gets the triggers the migration creates."""
    for statement in trigger_statements(connection.dialect.name):
        connection.exec_driver_sql(statement)
