"""The pieces of the statistics that need no request: safe CSV cells, zone offsets,
percentile interpolation, the choice of the current mission, durations in words."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from fractions import Fraction

import pytest
from flask import Flask

from tracker import sql
from tracker.csvsafe import csv_rows, safe_cell
from tracker.extensions import db
from tracker.models import Mission
from tracker.stats.percentiles import interpolate
from tracker.stats.scope import current_mission, scope_for
from tracker.stats.views import duration


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+7 7172 69 65 50", "'+7 7172 69 65 50"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("Vlast.kz", "Vlast.kz"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (2700.5, "2700.5"),
        (date(2015, 1, 19), "2015-01-19"),
    ],
)
def test_safe_cell_neutralises_formulas_only_in_text(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_csv_rows_yield_one_quoted_line_each() -> None:
    lines = list(csv_rows([("figure", "group"), ('say "hi", =1', -1), (None, "x\ny")]))
    assert lines == ["figure,group\r\n", '"say ""hi"", =1",-1\r\n', ',"x\ny"\r\n']


def test_offset_changes_find_summer_time_to_the_second() -> None:
    start = datetime(2015, 3, 1, tzinfo=UTC)
    end = datetime(2015, 11, 1, tzinfo=UTC)
    assert sql.offset_changes("Europe/Zurich", start, end) == [
        (start, 3600),
        (datetime(2015, 3, 29, 1, 0, tzinfo=UTC), 7200),
        (datetime(2015, 10, 25, 1, 0, tzinfo=UTC), 3600),
    ]
    assert sql.offset_changes("UTC", start, end) == [(start, 0)]


def test_offset_changes_follow_the_tz_database_not_a_fixed_offset() -> None:
    # Kazakhstan's Almaty moved from UTC+6 to UTC+5 on 1 March 2024 at 00:00 local time.
    start = datetime(2024, 2, 1, tzinfo=UTC)
    changes = sql.offset_changes("Asia/Almaty", start, datetime(2024, 4, 1, tzinfo=UTC))
    assert changes == [(start, 21600), (datetime(2024, 2, 29, 18, 0, tzinfo=UTC), 18000)]


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([600], Fraction(1, 2), 600.0),
        ([600], Fraction(9, 10), 600.0),
        ([61, 62], Fraction(1, 2), 61.5),
        ([10, 20, 30], Fraction(1, 2), 20.0),
        ([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100], Fraction(9, 10), 90.0),
        ([600, 1200, 3600, 14400], Fraction(9, 10), 11160.0),
    ],
)
def test_interpolation_is_the_spreadsheets(
    values: list[int], share: Fraction, expected: float
) -> None:
    assert interpolate(dict(enumerate(values)), len(values), share) == expected


def test_current_mission_is_under_way_else_next_else_latest(app: Flask, mission: Mission) -> None:
    later = Mission(
        slug="chile-2015",
        reference_prefix="CHL15",
        title="Visit to Chile",
        expert_name="Expert",
        expert_title="Special Rapporteur",
        country="Chile",
        first_day=date(2015, 6, 1),
        last_day=date(2015, 6, 10),
        timezone="America/Santiago",
        home_timezone="Europe/Zurich",
        published=True,
    )
    db.session.add(later)
    db.session.commit()
    assert current_mission(datetime(2015, 1, 22, tzinfo=UTC)) is mission
    assert current_mission(datetime(2014, 12, 1, tzinfo=UTC)) is mission
    assert current_mission(datetime(2015, 3, 1, tzinfo=UTC)) is later
    assert current_mission(datetime(2016, 1, 1, tzinfo=UTC)) is later


def test_default_scope_runs_from_announcement_to_today(
    app: Flask, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    # 23:30 UTC on 21 Jan is already 22 Jan in Almaty.
    now = set_now("2015-01-21T23:30:00+00:00")
    scope = scope_for(mission, None, None, now)
    assert (scope.first_day, scope.last_day) == (date(2015, 1, 16), date(2015, 1, 22))
    assert scope.starts_at == datetime(2015, 1, 15, 18, 0, tzinfo=UTC)
    assert scope.ends_at == datetime(2015, 1, 22, 18, 0, tzinfo=UTC)
    everything = scope_for(None, None, None, now)
    assert (everything.first_day, everything.last_day) == (date(2015, 1, 16), date(2015, 1, 21))
    # Before the announcement, the default period is today alone.
    early = scope_for(mission, None, None, set_now("2015-01-10T12:00:00+06:00"))
    assert early.first_day == early.last_day == date(2015, 1, 10)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (None, "–"),
        (20, "under 1 min"),
        (2700, "45 min"),
        (6660, "1 h 51 min"),
        (10800, "3 h 00 min"),
        (200000, "2 d 7 h"),
    ],
)
def test_durations_in_words(seconds: float | None, words: str) -> None:
    assert duration(seconds) == words
