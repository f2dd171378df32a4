"""The queue's text search: what it finds in every tab's count, and what it reads to find it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import (
    String,
    cast,
    delete,
    event,
    func,
    insert,
    literal,
    select,
    text,
    true,
    update,
)
from test_queue import counted_queries, queue_html, received, tab_count

from tracker.choices import Role, Status
from tracker.extensions import db
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, InquiryEvent, User, search_index


def test_search_counts_matches_in_every_status_but_no_hidden_name(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    received(make_inquiry, "2015-01-20T11:00:00+06:00", outlet="Kazinform")
    done = received(make_inquiry, "2015-01-20T09:00:00+06:00", subject="Call back Kazinform")
    done.status, done.closed_at = Status.CLOSED, at_noon
    hidden = received(make_inquiry, "2015-01-20T08:00:00+06:00", name="Dana Kazinformova")
    hidden.status, hidden.closed_at, hidden.sensitive = Status.CLOSED, at_noon, True
    received(make_inquiry, "2015-01-20T10:00:00+06:00", outlet="Kursiv")
    db.session.commit()

    html = queue_html(client, q="kazINF")
    assert tab_count(html, "All open") == 1
    assert tab_count(html, "Closed") == 1, "a sensitive name is not counted for an officer"
    login(make_user(role=Role.MANAGER))
    html = queue_html(client, q="kazINF")
    assert tab_count(html, "All open") == 1
    assert tab_count(html, "Closed") == 2


def test_the_assignee_finds_a_sensitive_journalist_by_name_in_every_status(
    client: FlaskClient,
    officer: User,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    mine = received(make_inquiry, "2015-01-20T08:00:00+06:00", name="Dana Secretova")
    mine.status, mine.closed_at, mine.sensitive = Status.CLOSED, at_noon, True
    mine.assignee = officer
    db.session.commit()

    assert tab_count(queue_html(client, q="secretova"), "Closed") == 1
    login(make_user(name="Another Officer"))
    assert tab_count(queue_html(client, q="secretova"), "Closed") == 0
    assert tab_count(queue_html(client, q=mine.reference), "Closed") == 1


def test_searched_text_never_spans_two_fields(
    client: FlaskClient,
    officer: User,
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    done = received(
        make_inquiry, "2015-01-20T09:00:00+06:00", subject="Call back", name="Dana Abenova"
    )
    done.status, done.closed_at = Status.CLOSED, at_noon
    db.session.commit()

    assert tab_count(queue_html(client, q="back"), "Closed") == 1
    assert tab_count(queue_html(client, q="back\nDana"), "Closed") == 0
    assert tab_count(queue_html(client, q="backDana"), "Closed") == 0
    assert tab_count(queue_html(client, q="back Dana"), "Closed") == 0


@pytest.mark.parametrize(
    ("searched", "asks"),
    [("Haddad", "MATCH"), ("Ha", "LIKE")],  # shorter than a trigram: LIKE, from indexes
)
def test_search_reads_indexes_not_the_whole_table(
    searched: str,
    asks: str,
    app: Flask,
    client: FlaskClient,
    officer: User,
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the query plan checked is SQLite's")
    received(make_inquiry, "2015-01-20T11:00:00+06:00", outlet="Kazinform")
    with counted_queries(app) as statements:
        queue_html(client, q=searched)
    searches = [statement for statement in statements if asks in statement]
    assert searches, f"the search page sent no {asks}"
    # Rows are wide (whole messages): a search must read the narrow search indexes.
    for statement in searches:
        plan = plan_of(statement)
        assert not [line for line in plan if line == "SCAN inquiries"], (statement, plan)


def test_postgresql_searches_through_its_trigram_index(
    app: Flask,
    client: FlaskClient,
    officer: User,
    make_inquiry: Callable[..., Receipt],
) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigram index is PostgreSQL's")
    received(make_inquiry, "2015-01-20T11:00:00+06:00", outlet="Kazinform")
    # Enough other inquiries, with messages as long as real ones, that reading them all
    # costs the planner more than the index.
    message = "Could the Special Rapporteur comment on the visit? " * 30
    copies_of_the_first(
        2000, outlet="Kursiv", name="Aigerim Ospanova", subject="Visit", message=message
    )
    # As autovacuum would: the new rows' trigrams merged from GIN's pending list into
    # the index proper (searches scan that list whole), and the table's statistics.
    db.session.execute(select(func.gin_clean_pending_list(search_index.TRIGRAM_INDEX)))
    db.session.execute(text("ANALYZE inquiries"))
    db.session.commit()
    sent: list[tuple[str, Any]] = []

    def keep(*args: Any) -> None:
        sent.append((args[2], args[3]))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        html = queue_html(client, q="kazinf")
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert tab_count(html, "All open") == 1
    searches = [(statement, values) for statement, values in sent if "ILIKE" in statement]
    assert len(searches) == 3, "the total, the tab counts and the page"
    connection = db.session.connection()
    for statement, values in searches:
        plan = connection.exec_driver_sql("EXPLAIN " + statement, values).scalars().all()
        assert any(search_index.TRIGRAM_INDEX in line for line in plan), "\n".join(plan)


def copies_of_the_first(count: int, **values: str) -> None:
    """``count`` copies of the first inquiry, numbered on from it, with ``values`` changed."""
    table = Inquiry.__table__
    numbers = select(func.generate_series(1, count).label("n")).subquery()
    first = select(table).order_by(table.c.id).limit(1).subquery()
    copied = [c.name for c in table.columns if c.name not in ("id", "search_text")]
    changed = {
        "number": first.c.number + numbers.c.n,
        "reference": first.c.reference + "-" + cast(numbers.c.n, String),
        "status_token_hash": func.lpad(cast(numbers.c.n, String), 64, "0"),
        **{name: literal(value) for name, value in values.items()},
    }
    columns = [changed.get(name, first.c[name]) for name in copied]
    rows = select(*columns).select_from(first.join(numbers, true()))
    db.session.execute(insert(table).from_select(copied, rows))


def plan_of(statement: str) -> list[str]:
    """EXPLAIN QUERY PLAN's lines; every parameter bound to NULL (the plan ignores values)."""
    count = statement.count("?")
    parts = statement.split("?")
    numbered = parts[0] + "".join(f":p{i}{part}" for i, part in enumerate(parts[1:]))
    rows = db.session.execute(
        text("EXPLAIN QUERY PLAN " + numbered), {f"p{i}": None for i in range(count)}
    ).all()
    return [str(row[3]) for row in rows]


def test_the_closed_count_follows_every_change_to_the_searched_fields(
    client: FlaskClient,
    officer: User,
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    # On SQLite the count of every match comes from the search index, kept by triggers.
    done = received(make_inquiry, "2015-01-20T09:00:00+06:00", outlet="Kazinform")
    done.status, done.closed_at = Status.CLOSED, at_noon
    db.session.commit()
    assert tab_count(queue_html(client, q="KAZINF"), "Closed") == 1

    done.outlet = "Vlast.kz"
    db.session.commit()
    assert tab_count(queue_html(client, q="kazinf"), "Closed") == 0
    assert tab_count(queue_html(client, q="vlast"), "Closed") == 1

    db.session.execute(update(Inquiry).values(subject="Брифинг в Алматы"))
    db.session.commit()
    assert tab_count(queue_html(client, q="в Алматы"), "Closed") == 1

    db.session.execute(delete(InquiryEvent))
    db.session.execute(delete(Inquiry))
    db.session.commit()
    assert tab_count(queue_html(client, q="vlast"), "Closed") == 0


def test_a_search_finds_text_with_quotes_and_wildcards_literally(
    client: FlaskClient,
    officer: User,
    at_noon: datetime,
    make_inquiry: Callable[..., Receipt],
) -> None:
    done = received(make_inquiry, "2015-01-20T09:00:00+06:00", subject='The "100%_" answer')
    done.status, done.closed_at = Status.CLOSED, at_noon
    db.session.commit()

    assert tab_count(queue_html(client, q='"100%_"'), "Closed") == 1
    assert tab_count(queue_html(client, q='"100%x"'), "Closed") == 0
    assert tab_count(queue_html(client, q="answer OR nothing"), "Closed") == 0
