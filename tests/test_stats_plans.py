"""How the statistics read the database: what keeps the whole office's page fast.

A report adds up the day rollup (tracker/stats/rollup.py). Over a wide scope SQLite must
read each dimension's rows from the sums index alone, in its order (no sort of every
row, no detour through the day index among every outlet's rows), and the top outlets
from the scope's totals less the few days outside the period. The figures themselves
are checked in test_stats.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from conftest import on_postgresql
from sqlalchemy import event

from tracker.extensions import db
from tracker.models import Mission
from tracker.stats import reporting, rollup
from tracker.stats.scope import Scope


def plans_of(run: Callable[[], Any]) -> list[str]:
    """SQLite's plan for each SELECT that ``run`` sends, one string per statement."""
    sent: list[tuple[str, Any]] = []

    def record(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        sent.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    connection = db.session.connection().connection.driver_connection
    assert connection is not None
    return [
        " | ".join(row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", params))
        for sql, params in sent
    ]


SQLITE_ONLY = pytest.mark.skipif(
    on_postgresql(), reason="SQLite's planner; PostgreSQL plans by statistics"
)
YEAR = Scope(None, date(2015, 1, 1), date(2015, 12, 31))


@pytest.fixture
def counted(mission: Mission, make_inquiry: Callable[..., Any]) -> None:
    """A few inquiries, their days counted into the rollup."""
    for day in (5, 20, 21):
        make_inquiry(received_at=datetime(2015, 1, day, 10, 0, tzinfo=UTC))
    db.session.commit()
    reporting.build_report(YEAR, datetime(2015, 1, 22, tzinfo=UTC))
    db.session.commit()
    # The next transaction begun now, so that what the tests record is the report's
    # statements alone (in the tests' transaction, beginning one sends a SAVEPOINT).
    db.session.connection()


@SQLITE_ONLY
def test_dimensions_are_summed_from_the_sums_index_in_order(counted: None) -> None:
    for run in (lambda: rollup.cube(YEAR), lambda: rollup.received_by_day(YEAR)):
        (plan,) = plans_of(run)
        assert "USING COVERING INDEX ix_stats_day_tallies_sums" in plan
        assert "ix_stats_day_tallies_day" not in plan
    (cube_plan,) = plans_of(lambda: rollup.cube(YEAR))
    # The groups are formed as the index is walked; nothing is sorted.
    assert "TEMP B-TREE" not in cube_plan


@SQLITE_ONLY
def test_top_outlets_of_most_days_read_the_totals_less_the_days_outside(counted: None) -> None:
    january = Scope(None, date(2015, 1, 2), date(2015, 1, 31))  # all days but none
    plans = plans_of(lambda: rollup.top_outlets(january))
    outlets = plans[-1]
    assert "stats_scope_outlets" in outlets
    # The days outside are two short ranges of the day index, not every outlet row.
    assert "SEARCH stats_day_tallies USING INDEX ix_stats_day_tallies_day (day<?)" in outlets
    assert "ix_stats_day_tallies_sums" not in outlets


def test_a_report_with_nothing_to_count_writes_nothing(counted: None) -> None:
    sent: list[str] = []

    def record(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        sent.append(statement.lstrip().split(None, 1)[0].upper())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        reporting.build_report(YEAR, datetime(2015, 1, 22, tzinfo=UTC))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # No write, so no write lock: managers reading figures never hold up the form.
    assert sent and set(sent) <= {"SELECT", "WITH"}
