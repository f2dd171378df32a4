"""How the statistics read the database: what keeps the whole office's page fast.

Over a wide scope SQLite must walk ``ix_inquiries_stats`` and
``ix_inquiries_outlet_received`` in their order (no sort of every inquiry, no wide
rows), and count each day as one range of an index. The figures themselves are checked
in test_stats.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import on_postgresql
from sqlalchemy import event

from tracker.extensions import db
from tracker.models import Mission
from tracker.stats import cube, percentiles, queries, tallies
from tracker.stats.scope import Scope


def test_days_are_bounded_by_local_midnights_across_summer_time() -> None:
    bounds = tallies.day_bounds(date(2026, 3, 28), date(2026, 3, 29), "Europe/Zurich")
    assert [(day, ends - starts) for day, starts, ends in bounds] == [
        (date(2026, 3, 28), timedelta(hours=24)),
        (date(2026, 3, 29), timedelta(hours=23)),
    ]
    assert bounds[1][1] == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


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


@pytest.mark.skipif(on_postgresql(), reason="SQLite's planner; PostgreSQL plans by statistics")
def test_a_wide_scope_walks_the_statistics_indexes_in_order(mission: Mission) -> None:
    where = queries.in_scope(Scope(None, date(2015, 1, 1), date(2015, 12, 31)), table_scan=True)
    for run, index in [
        (lambda: cube.cube(where), "ix_inquiries_stats"),
        (lambda: percentiles.response_times(where), "ix_inquiries_stats"),
        (lambda: tallies.top_outlets(where), "ix_inquiries_outlet_received"),
    ]:
        (plan,) = plans_of(run)
        walk = f"SCAN inquiries USING COVERING INDEX {index}"
        assert walk in plan
        # The inquiries are grouped as they come; only the few groups may be sorted after.
        assert f"{walk} | USE TEMP B-TREE FOR GROUP BY" not in plan


@pytest.mark.skipif(on_postgresql(), reason="SQLite's planner; PostgreSQL plans by statistics")
def test_days_are_counted_as_index_ranges(
    mission: Mission, make_inquiry: Callable[..., Any]
) -> None:
    make_inquiry(received_at=datetime(2015, 1, 20, 10, 0, tzinfo=UTC))
    db.session.commit()
    scope = Scope(None, date(2015, 1, 1), date(2015, 12, 31))
    plans = plans_of(lambda: tallies.received_by_day(scope, queries.in_scope(scope)))
    counting = plans[-1]
    assert "SEARCH inquiries USING COVERING INDEX ix_inquiries_received_at" in counting
    assert "TEMP B-TREE" not in counting
