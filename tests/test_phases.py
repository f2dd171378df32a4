"""The phase rule (DESIGN.md): before / during / after a mission, by its local midnights.

Plain objects, no database: the rule only needs a mission's first and last local day and
its IANA time zone. Offsets come from the tz database, so the same local midnight is a
different UTC instant in 2015 (Kazakhstan on UTC+6) and in 2025 (UTC+5 since March 2024).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from tracker.choices import Phase
from tracker.phases import phase_at, window


@dataclass(frozen=True)
class Days:
    first_day: date
    last_day: date
    timezone: str


# "Mr. Maina Kiai will visit Kazakhstan from 19 to 27 January 2015" (Astana's clocks).
KAZAKHSTAN_2015 = Days(date(2015, 1, 19), date(2015, 1, 27), "Asia/Almaty")
# The same dates ten years later: Kazakhstan has been on UTC+5 since March 2024.
KAZAKHSTAN_2025 = Days(date(2025, 1, 19), date(2025, 1, 27), "Asia/Almaty")
# A summer visit, watched from Geneva while Geneva is on CEST (UTC+2).
KAZAKHSTAN_SUMMER_2015 = Days(date(2015, 7, 1), date(2015, 7, 10), "Asia/Almaty")
# A mission in the Geneva zone itself, starting on the day the clocks go forward.
ZURICH_DST_DAY = Days(date(2015, 3, 29), date(2015, 3, 29), "Europe/Zurich")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def case(instant: str, phase: Phase, label: str) -> object:
    return pytest.param(instant, phase, id=label)


SEED_BOUNDARIES_UTC = [
    case("2015-01-18T17:59:59+00:00", Phase.BEFORE, "utc-last-second-before"),
    case("2015-01-18T18:00:00+00:00", Phase.DURING, "utc-first-instant-during"),
    case("2015-01-18T18:00:01+00:00", Phase.DURING, "utc-one-second-into-during"),
    case("2015-01-27T17:59:59+00:00", Phase.DURING, "utc-last-second-during"),
    case("2015-01-27T18:00:00+00:00", Phase.AFTER, "utc-first-instant-after"),
    case("2015-01-27T18:00:01+00:00", Phase.AFTER, "utc-one-second-into-after"),
]

SEED_BOUNDARIES_ASTANA = [
    case("2015-01-18T23:59:59+06:00", Phase.BEFORE, "astana-eve-of-first-day"),
    case("2015-01-19T00:00:00+06:00", Phase.DURING, "astana-midnight-first-day"),
    case("2015-01-27T23:59:59+06:00", Phase.DURING, "astana-end-of-last-day"),
    case("2015-01-28T00:00:00+06:00", Phase.AFTER, "astana-midnight-after-last-day"),
]

SEED_BOUNDARIES_GENEVA = [
    case("2015-01-18T18:59:59+01:00", Phase.BEFORE, "geneva-last-second-before"),
    case("2015-01-18T19:00:00+01:00", Phase.DURING, "geneva-first-instant-during"),
    case("2015-01-18T19:00:01+01:00", Phase.DURING, "geneva-one-second-into-during"),
    case("2015-01-27T18:59:59+01:00", Phase.DURING, "geneva-last-second-during"),
    case("2015-01-27T19:00:00+01:00", Phase.AFTER, "geneva-first-instant-after"),
    case("2015-01-27T19:00:01+01:00", Phase.AFTER, "geneva-one-second-into-after"),
]


@pytest.mark.parametrize(
    ("instant", "expected"),
    SEED_BOUNDARIES_UTC + SEED_BOUNDARIES_ASTANA + SEED_BOUNDARIES_GENEVA,
)
def test_seed_mission_phase_changes_at_astana_midnights(instant: str, expected: Phase) -> None:
    assert phase_at(KAZAKHSTAN_2015, at(instant)) is expected


def test_seed_mission_window_is_astana_midnights_on_utc_plus_6() -> None:
    bounds = window(KAZAKHSTAN_2015)

    assert bounds.starts_at == datetime(2015, 1, 18, 18, 0, tzinfo=UTC)
    assert bounds.ends_at == datetime(2015, 1, 27, 18, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        pytest.param(datetime(2015, 1, 18, 18, 59, 59), Phase.BEFORE, id="geneva-18h59-before"),
        pytest.param(datetime(2015, 1, 18, 19, 0, 0), Phase.DURING, id="geneva-19h00-during"),
        pytest.param(datetime(2015, 1, 27, 18, 59, 59), Phase.DURING, id="geneva-18h59-during"),
        pytest.param(datetime(2015, 1, 27, 19, 0, 0), Phase.AFTER, id="geneva-19h00-after"),
    ],
)
def test_seed_mission_phase_from_a_geneva_wall_clock(local: datetime, expected: Phase) -> None:
    geneva = local.replace(tzinfo=ZoneInfo("Europe/Zurich"))

    assert phase_at(KAZAKHSTAN_2015, geneva) is expected


def test_kazakhstan_2025_mission_starts_at_19h00_utc_on_utc_plus_5() -> None:
    bounds = window(KAZAKHSTAN_2025)

    assert bounds.starts_at == datetime(2025, 1, 18, 19, 0, tzinfo=UTC)
    assert bounds.ends_at == datetime(2025, 1, 27, 19, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # 18:00Z was midnight in 2015; in 2025 it is only 23:00 in Astana.
        case("2025-01-18T18:00:00+00:00", Phase.BEFORE, "2015-boundary-is-still-before"),
        case("2025-01-18T18:59:59+00:00", Phase.BEFORE, "last-second-before"),
        case("2025-01-18T19:00:00+00:00", Phase.DURING, "first-instant-during"),
        case("2025-01-19T00:00:00+05:00", Phase.DURING, "astana-midnight-first-day"),
        case("2025-01-27T18:00:00+00:00", Phase.DURING, "2015-end-is-still-during"),
        case("2025-01-27T18:59:59+00:00", Phase.DURING, "last-second-during"),
        case("2025-01-27T19:00:00+00:00", Phase.AFTER, "first-instant-after"),
        case("2025-01-27T20:00:00+01:00", Phase.AFTER, "geneva-20h00-after"),
    ],
)
def test_kazakhstan_2025_phases_follow_utc_plus_5(instant: str, expected: Phase) -> None:
    assert phase_at(KAZAKHSTAN_2025, at(instant)) is expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        # Astana midnight of 1 July 2015 is 18:00Z, which is 20:00 in Geneva's summer time.
        case("2015-06-30T19:59:59+02:00", Phase.BEFORE, "geneva-summer-19h59-before"),
        case("2015-06-30T20:00:00+02:00", Phase.DURING, "geneva-summer-20h00-during"),
        case("2015-07-10T19:59:59+02:00", Phase.DURING, "geneva-summer-last-second-during"),
        case("2015-07-10T20:00:00+02:00", Phase.AFTER, "geneva-summer-20h00-after"),
    ],
)
def test_summer_mission_boundaries_seen_from_geneva_summer_time(
    instant: str, expected: Phase
) -> None:
    assert phase_at(KAZAKHSTAN_SUMMER_2015, at(instant)) is expected


def test_summer_mission_boundary_with_the_geneva_zone_is_20h00_local() -> None:
    geneva = ZoneInfo("Europe/Zurich")

    assert phase_at(KAZAKHSTAN_SUMMER_2015, datetime(2015, 6, 30, 20, 0, tzinfo=geneva)) is (
        Phase.DURING
    )
    assert phase_at(KAZAKHSTAN_SUMMER_2015, datetime(2015, 6, 30, 19, 59, 59, tzinfo=geneva)) is (
        Phase.BEFORE
    )


def test_mission_starting_on_dst_day_starts_at_midnight_on_winter_time() -> None:
    # Clocks go forward at 02:00 on 29 March 2015: midnight is still UTC+1 (23:00Z),
    # and the next midnight is already UTC+2 (22:00Z): a 23-hour mission day.
    bounds = window(ZURICH_DST_DAY)

    assert bounds.starts_at == datetime(2015, 3, 28, 23, 0, tzinfo=UTC)
    assert bounds.ends_at == datetime(2015, 3, 29, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        case("2015-03-28T23:59:59+01:00", Phase.BEFORE, "last-second-of-eve"),
        case("2015-03-29T00:00:00+01:00", Phase.DURING, "midnight-on-winter-time"),
        case("2015-03-29T01:59:59+01:00", Phase.DURING, "just-before-clocks-go-forward"),
        case("2015-03-29T03:00:00+02:00", Phase.DURING, "just-after-clocks-go-forward"),
        case("2015-03-29T23:59:59+02:00", Phase.DURING, "last-second-on-summer-time"),
        case("2015-03-30T00:00:00+02:00", Phase.AFTER, "next-midnight-on-summer-time"),
        case("2015-03-29T22:00:00+00:00", Phase.AFTER, "next-midnight-in-utc"),
        case("2015-03-29T21:59:59+00:00", Phase.DURING, "second-before-next-midnight-in-utc"),
    ],
)
def test_mission_starting_on_dst_day_phases(instant: str, expected: Phase) -> None:
    assert phase_at(ZURICH_DST_DAY, at(instant)) is expected


@pytest.mark.parametrize(
    "naive",
    [
        pytest.param(datetime(2015, 1, 20, 10, 0), id="during-if-it-had-an-offset"),
        pytest.param(datetime(2015, 1, 1, 0, 0), id="before-if-it-had-an-offset"),
    ],
)
def test_naive_instant_is_refused(naive: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        phase_at(KAZAKHSTAN_2015, naive)
