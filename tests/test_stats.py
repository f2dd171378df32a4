"""The managers' figures on a known data set: report, page, API and CSV agree with the
values worked out by hand below, on SQLite and on PostgreSQL.

The data set (times in Almaty, UTC+6 in 2015; "now" is Thu 22 Jan 2015, 12:00):

ref  received        phase   outlet     media        request        assignee  first resp.
A    17 Jan 10:00    before  Reuters    news agency  interview      Alice     +30 min
B    18 Jan 23:30    before  Vlast.kz   online       comment        Alice     +2 h
C    19 Jan 00:30    during  Reuters    print        interview      Bob       +1 h
D    20 Jan 09:00    during  =cmd…      online       information    Bob       +10 min
E    21 Jan 08:00    during  Reuters    tv           interview      Alice     +4 h
H    21 Jan 09:00    during  Kazinform  print        comment        Bob       +20 min (awaiting)
I    18 Jan 12:00    before  Le Temps   print        other          Alice     – (in progress)
F    22 Jan 06:00    during  Kazinform  radio        accreditation  –         – (new)
L    22 Jan 09:30    during  Almaty TV  freelance    filming        Alice     – (assigned)
G    22 Jan 11:30    during  Vlast.kz   online       interview      –         – (new)
J    15 Jan 12:00    before  (before the announcement on 16 Jan: outside the default period)

Responses in seconds, sorted: 600 1200 1800 3600 7200 14400 (n = 6)
  median: position 2.5 → 1800 + ½·1800 = 2700;  p90: position 4.5 → 7200 + ½·7200 = 10800
  before (A, B): 1800 7200 → median 4500, p90 at 0.9 → 1800 + 0.9·5400 = 6660
  during (C, D, E, H): 600 1200 3600 14400 → median 2400, p90 at 2.7 → 3600 + 0.7·10800 = 11160
  Alice (A, B, E): 1800 7200 14400 → median 7200, p90 at 1.8 → 7200 + 0.8·7200 = 12960
  Bob (C, D, H): 600 1200 3600 → median 1200, p90 at 1.8 → 1200 + 0.8·2400 = 3120
Deadlines: A met, B missed, D met (exactly at the deadline), F none yet → 2 of 4.
Open: F, G, H, I, L; ages 6 h, 30 min, 27 h, 4 days, 2.5 h → one in each band.
Overdue: F (due 10:00) and I (due 18 Jan 16:00); H is paused, G and L not yet due.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from conftest import journalist_request, on_postgresql
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import or_, select, text, update

from tracker.choices import Channel, MediaType, Phase, RequestType, Role, Status
from tracker.extensions import db
from tracker.inquiries import intake
from tracker.inquiries.intake import Receipt
from tracker.models import Contact, Inquiry, Mission, User, stats_days
from tracker.stats import report_export, reporting, rollup
from tracker.stats.scope import Scope

NOW = "2015-01-22T12:00:00+06:00"
FORMULA_OUTLET = "=cmd|' /C calc'!A0"
HOUR = 3600


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"2015-01-{text}:00+06:00")


ROWS: list[dict[str, Any]] = [
    # ref, received, outlet, media, request, assignee, response after (s), deadline, status
    dict(ref="A", received="17T10:00", outlet="Reuters", media=MediaType.NEWS_AGENCY,
         request=RequestType.INTERVIEW, who="alice", response=1800, deadline="17T12:00",
         status=Status.ANSWERED),
    dict(ref="B", received="18T23:30", outlet="Vlast.kz", media=MediaType.ONLINE,
         request=RequestType.COMMENT, who="alice", response=7200, deadline="19T01:00",
         status=Status.CLOSED),
    dict(ref="C", received="19T00:30", outlet="Reuters", media=MediaType.PRINT,
         request=RequestType.INTERVIEW, who="bob", response=3600, status=Status.ANSWERED),
    dict(ref="D", received="20T09:00", outlet=FORMULA_OUTLET, media=MediaType.ONLINE,
         request=RequestType.INFORMATION, who="bob", response=600, deadline="20T09:10",
         status=Status.ANSWERED),
    dict(ref="E", received="21T08:00", outlet="Reuters", media=MediaType.TV,
         request=RequestType.INTERVIEW, who="alice", response=14400, status=Status.CLOSED),
    dict(ref="H", received="21T09:00", outlet="Kazinform", media=MediaType.PRINT,
         request=RequestType.COMMENT, who="bob", response=1200,
         status=Status.AWAITING_JOURNALIST),
    dict(ref="I", received="18T12:00", outlet="Le Temps", media=MediaType.PRINT,
         request=RequestType.OTHER, who="alice", status=Status.IN_PROGRESS),
    dict(ref="F", received="22T06:00", outlet="Kazinform", media=MediaType.RADIO,
         request=RequestType.ACCREDITATION, deadline="22T20:00", status=Status.NEW),
    dict(ref="L", received="22T09:30", outlet="Almaty TV", media=MediaType.FREELANCE,
         request=RequestType.FILMING, who="alice", status=Status.ASSIGNED),
    dict(ref="G", received="22T11:30", outlet="Vlast.kz", media=MediaType.ONLINE,
         request=RequestType.INTERVIEW, status=Status.NEW),
    dict(ref="J", received="15T12:00", outlet="Reuters", media=MediaType.PRINT,
         request=RequestType.INTERVIEW, status=Status.NEW),
]  # fmt: skip

EXPECTED_JSON: dict[str, Any] = {
    "mission": "kazakhstan-2015",
    "zone": "Asia/Almaty",
    "from": "2015-01-16",
    "to": "2015-01-22",
    "received": 10,
    "received_by_day": {
        "2015-01-17": 1,
        "2015-01-18": 2,
        "2015-01-19": 1,
        "2015-01-20": 1,
        "2015-01-21": 2,
        "2015-01-22": 3,
    },
    "by_phase": {"before": 3, "during": 7, "after": 0},
    "by_request_type": {
        "interview": 4,
        "comment": 2,
        "information": 1,
        "filming": 1,
        "accreditation": 1,
        "other": 1,
    },
    "by_media_type": {
        "print": 3,
        "online": 3,
        "tv": 1,
        "radio": 1,
        "news_agency": 1,
        "freelance": 1,
        "other": 0,
    },
    "top_outlets": [
        {"outlet": "Reuters", "count": 3},
        {"outlet": "Kazinform", "count": 2},
        {"outlet": "Vlast.kz", "count": 2},
        {"outlet": FORMULA_OUTLET, "count": 1},
        {"outlet": "Almaty TV", "count": 1},
        {"outlet": "Le Temps", "count": 1},
    ],
    "by_routed_contact": [
        {"contact": "Leila Duisekova", "count": 7},
        {"contact": "Thibaut Guillet", "count": 3},
    ],
    "by_assignee": [
        {"assignee": "Alice Officer", "count": 5},
        {"assignee": "Bob Officer", "count": 3},
        {"assignee": "Unassigned", "count": 2},
    ],
    "first_response_seconds": {"count": 6, "median": 2700.0, "p90": 10800.0},
    "first_response_seconds_by_phase": {
        "before": {"count": 2, "median": 4500.0, "p90": 6660.0},
        "during": {"count": 4, "median": 2400.0, "p90": 11160.0},
        "after": {"count": 0, "median": None, "p90": None},
    },
    "first_response_seconds_by_assignee": [
        {"assignee": "Alice Officer", "count": 3, "median": 7200.0, "p90": 12960.0},
        {"assignee": "Bob Officer", "count": 3, "median": 1200.0, "p90": 3120.0},
    ],
    "answered_before_deadline": {"count": 2, "of": 4},
    "open": 5,
    "open_by_age": {"under_1h": 1, "1h_to_4h": 1, "4h_to_24h": 1, "1d_to_3d": 1, "over_3d": 1},
    "overdue": 2,
}


def contact_id(key: str) -> int:
    return db.session.scalars(select(Contact.id).where(Contact.key == key)).one()


@pytest.fixture
def known_data(
    set_now: Callable[[str], datetime],
    make_inquiry: Callable[..., Receipt],
    make_user: Callable[..., User],
) -> dict[str, Any]:
    """The data set of the module docstring, with every milestone set explicitly."""
    set_now(NOW)
    users = {
        "alice": make_user(name="Alice Officer"),
        "bob": make_user(name="Bob Officer"),
    }
    made = {}
    for row in ROWS:
        received = at(row["received"])
        deadline = at(row["deadline"]) if "deadline" in row else None
        inquiry = make_inquiry(
            received_at=received,
            outlet=row["outlet"],
            media_type=row["media"],
            request_type=row["request"],
            deadline=deadline,
        ).inquiry
        inquiry.status = row["status"]
        inquiry.assignee_id = users[row["who"]].id if "who" in row else None
        # Routing depends on load; fix it so the per-contact tally is known.
        during = inquiry.phase_at_receipt is Phase.DURING
        inquiry.routed_contact_id = contact_id("leila-duisekova" if during else "thibaut-guillet")
        if "response" in row:
            inquiry.first_response_at = received + timedelta(seconds=row["response"])
        inquiry.clock_running = row["status"] in {Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS}
        if row["status"] is Status.AWAITING_JOURNALIST:
            inquiry.clock_paused_at = inquiry.first_response_at
        made[row["ref"]] = inquiry
    db.session.commit()
    return {"users": users, "inquiries": made}


@pytest.fixture
def manager(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> FlaskClient:
    return login(make_user(role=Role.MANAGER, name="Manon Manager"))


def default_scope(mission: Mission) -> Scope:
    return Scope(mission, date(2015, 1, 16), date(2015, 1, 22))


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def csv_as_json(rows: list[list[str]]) -> dict[str, Any]:
    """Rebuild the API's shape from the CSV lines, to compare the two."""
    body: dict[str, Any] = {}
    for figure, group, value in rows[1:]:
        number: Any = float(value) if "." in value else (int(value) if value.isdigit() else value)
        if value == "" and figure.endswith((".median", ".p90")):
            number = None
        key, _, measure = figure.partition(".")
        if key in ("top_outlets", "by_routed_contact", "by_assignee"):
            name = {"top_outlets": "outlet", "by_routed_contact": "contact"}.get(key, "assignee")
            body.setdefault(key, []).append({name: group, "count": number})
        elif key == "first_response_seconds_by_assignee":
            entries = body.setdefault(key, [])
            if not entries or entries[-1]["assignee"] != group:
                entries.append({"assignee": group})
            entries[-1][measure] = number
        elif measure and group:
            body.setdefault(key, {}).setdefault(group, {})[measure] = number
        elif measure:
            body.setdefault(key, {})[measure] = number
        elif group:
            body.setdefault(key, {})[group] = number
        else:
            body[key] = number
    return body


def test_report_matches_hand_computed_values(app: Flask, known_data: dict[str, Any]) -> None:
    mission = known_data["inquiries"]["A"].mission
    now = datetime.fromisoformat(NOW)
    report = reporting.build_report(default_scope(mission), now)
    assert report.counts.received == 10
    assert report.first_response.median == 2700
    assert report.first_response.p90 == 10800
    assert report.first_response_by_phase[Phase.DURING].p90 == 11160
    assert report.counts.answered_before_deadline == 2
    assert report.counts.with_deadline == 4
    assert report.counts.overdue == 2


def test_api_matches_hand_computed_values(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    response = manager.get("/api/v1/stats?mission=kazakhstan-2015&from=2015-01-16&to=2015-01-22")
    assert response.status_code == 200
    body = response.get_json()
    assert body.pop("now") == "2015-01-22T06:00:00+00:00"
    assert body == EXPECTED_JSON


def test_default_period_is_the_current_mission_from_its_announcement(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    defaults = manager.get("/api/v1/stats?mission=kazakhstan-2015").get_json()
    assert (defaults["from"], defaults["to"]) == ("2015-01-16", "2015-01-22")
    assert defaults["received"] == 10
    page = manager.get("/stats")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="2015-01-16"' in html and 'value="2015-01-22"' in html
    assert '<option selected value="kazakhstan-2015">' in html


def test_csv_agrees_with_the_api(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    query = "mission=kazakhstan-2015&from=2015-01-16&to=2015-01-22"
    response = manager.get(f"/stats/export.csv?{query}")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert (
        "stats-kazakhstan-2015-2015-01-16-to-2015-01-22.csv"
        in (response.headers["Content-Disposition"])
    )
    rows = read_csv(response)
    assert rows[0] == ["figure", "group", "value"]
    # The journalist-typed outlet is neutralised in the file, and only there.
    assert ["top_outlets", "'" + FORMULA_OUTLET, "1"] in rows
    from_csv = csv_as_json(rows)
    from_csv["top_outlets"][3]["outlet"] = FORMULA_OUTLET
    from_csv.pop("now")
    assert from_csv == EXPECTED_JSON


def test_page_shows_the_same_figures(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    response = manager.get("/stats?mission=kazakhstan-2015&from=2015-01-16&to=2015-01-22")
    assert response.status_code == 200
    html = " ".join(response.get_data(as_text=True).split())
    assert "<dt>Received</dt><dd>10</dd>" in html
    assert "median 45 min, 90th percentile 3 h 00 min" in html  # 2700 s and 10800 s
    assert "2 of 4 (50%)" in html
    assert "<dt>Open now</dt><dd>5</dd>" in html
    assert "<dt>Overdue now</dt><dd>2</dd>" in html
    assert "at or before the deadline the journalist gave" in html
    # Per phase and per assignee: before 4500 s / 6660 s, Alice 7200 s / 12960 s.
    assert "<td>2</td> <td>1 h 15 min</td> <td>1 h 51 min</td>" in html
    assert '<th scope="row">Alice Officer</th> <td>3</td> <td>2 h 00 min</td>' in html


def test_charts_are_svg_with_a_title_and_a_table(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    html = manager.get("/stats").get_data(as_text=True)
    # Charts are drawn by the server: the only script is the site-wide enhancement one.
    assert html.count("<script") == 1
    assert '<script src="/static/js/site.js" defer></script>' in html
    svgs = html.count("<svg ")
    assert svgs == 8
    assert html.count('<title id="') == svgs
    assert html.count('<table class="visually-hidden">') == svgs
    assert '<title id="received-title">Inquiries received per day</title>' in html
    # The table alternative of the daily chart: every day of the period, zeros included.
    assert '<th scope="row">Fri 16 Jan 2015</th><td>0</td>' in html
    assert '<th scope="row">Thu 22 Jan 2015</th><td>3</td>' in html
    assert '<th scope="row">Reuters</th><td>3</td>' in html
    assert '<th scope="row">4–24 hours</th><td>1</td>' in html
    # Journalist-typed text is escaped inside the SVG.
    assert "&#39; /C calc&#39;!A0" in html or "&#x27; /C calc" in html


def test_csv_is_streamed(app: Flask, known_data: dict[str, Any], manager: FlaskClient) -> None:
    response = manager.get("/stats/export.csv")
    assert response.is_streamed
    # Line by line, as the generator yields them.
    lines = iter(response.response)
    assert next(lines) == b"figure,group,value\r\n"
    assert next(lines) == b"mission,,kazakhstan-2015\r\n"
    response.close()


def test_local_days_for_a_mission_and_utc_days_for_all(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    # B (23:30) and C (00:30 next day) fall on 18 and 19 Jan in Almaty, both on 18 Jan in UTC.
    mission = manager.get("/api/v1/stats?mission=kazakhstan-2015&from=2015-01-18&to=2015-01-18")
    everyone = manager.get("/api/v1/stats?from=2015-01-18&to=2015-01-18")
    assert mission.get_json()["received"] == 2  # B, I
    assert everyone.get_json()["received"] == 3  # B, C, I
    assert everyone.get_json()["mission"] is None
    assert everyone.get_json()["zone"] == "UTC"


def test_the_header_names_the_zone_once(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    def header(query: str) -> str:
        html = manager.get(f"/stats?{query}").get_data(as_text=True)
        found = re.search(r'<p class="stats-scope">(.*?)</p>', html, re.S)
        assert found, html
        return " ".join(found.group(1).split())

    everyone = header("mission=&from=2015-01-18&to=2015-01-22")
    assert everyone.count("UTC") == 1, everyone
    assert "(days in UTC). “Now” is Thu 22 Jan 2015, 06:00." in everyone
    one = header("mission=kazakhstan-2015&from=2015-01-18&to=2015-01-22")
    assert one.count("Asia/Almaty") == 1, one
    assert "“Now” is Thu 22 Jan 2015, 12:00 (UTC+6)." in one


def test_a_mission_excludes_the_others_and_all_includes_them(
    app: Flask,
    known_data: dict[str, Any],
    manager: FlaskClient,
    make_other_mission: Callable[[], Mission],
) -> None:
    make_other_mission()
    mission = manager.get("/api/v1/stats?mission=kazakhstan-2015&from=2015-01-16&to=2015-01-22")
    everyone = manager.get("/api/v1/stats?from=2015-01-16&to=2015-01-22").get_json()
    assert mission.get_json()["received"] == 10
    assert everyone["received"] == 11
    assert everyone["by_phase"] == {"before": 4, "during": 7, "after": 0}
    page = manager.get("/stats?mission=&from=2015-01-16&to=2015-01-22").get_data(as_text=True)
    assert "<dt>Received</dt><dd>11</dd>" in " ".join(page.split())


def test_days_follow_summer_time(
    app: Flask, mission: Mission, make_inquiry: Callable[..., Receipt], manager: FlaskClient
) -> None:
    mission.timezone = "Europe/Zurich"
    db.session.commit()
    for received in (
        "2015-03-28T23:30:00+01:00",  # Saturday, winter time
        "2015-03-29T23:30:00+02:00",  # Sunday, summer time since 02:00
        "2015-03-30T00:30:00+02:00",  # Monday; still Sunday at a fixed UTC+1
    ):
        make_inquiry(received_at=received)
    body = manager.get("/api/v1/stats?mission=kazakhstan-2015&from=2015-03-28&to=2015-03-30")
    assert body.get_json()["received_by_day"] == {
        "2015-03-28": 1,
        "2015-03-29": 1,
        "2015-03-30": 1,
    }


def test_empty_period_has_no_percentiles(
    app: Flask, mission: Mission, manager: FlaskClient
) -> None:
    body = manager.get("/api/v1/stats?mission=kazakhstan-2015&from=2015-01-16&to=2015-01-22")
    assert body.get_json()["first_response_seconds"] == {"count": 0, "median": None, "p90": None}
    assert body.get_json()["answered_before_deadline"] == {"count": 0, "of": 0}
    page = manager.get("/stats?mission=kazakhstan-2015&from=2015-01-16&to=2015-01-22")
    assert page.status_code == 200
    assert "No responses logged yet." in page.get_data(as_text=True)
    rows = read_csv(manager.get("/stats/export.csv?mission=&from=2015-01-16&to=2015-01-22"))
    assert ["first_response_seconds.median", "", ""] in rows
    assert ["mission", "", "all"] in rows


@pytest.mark.parametrize(
    ("query", "code", "words"),
    [
        ("mission=nowhere", 404, "no mission called 'nowhere'"),
        ("from=2015-13-01", 400, "'from' is not a date"),
        ("to=yesterday", 400, "'to' is not a date"),
        ("from=2015-01-22&to=2015-01-16", 400, "'to' comes before 'from'"),
        ("from=0001-01-01", 400, "between 1990 and 2100"),
    ],
)
def test_api_refuses_bad_filters_with_json(
    app: Flask, mission: Mission, manager: FlaskClient, query: str, code: int, words: str
) -> None:
    response = manager.get(f"/api/v1/stats?{query}")
    assert response.status_code == code
    assert words in response.get_json()["error"]


def test_api_needs_a_manager(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
) -> None:
    anonymous = client.get("/api/v1/stats")
    assert anonymous.status_code == 401
    assert "error" in anonymous.get_json()
    login(make_user(role=Role.PRESS_OFFICER))
    assert client.get("/api/v1/stats").status_code == 403
    assert client.get("/stats/export.csv").status_code == 403


def test_page_reports_bad_filters_next_to_the_fields(
    app: Flask, mission: Mission, manager: FlaskClient
) -> None:
    response = manager.get("/stats?mission=nowhere&from=19.01.2015&to=2015-01-22")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="mission-error"' in html and "There is no mission called" in html
    assert 'id="from-error"' in html and "Enter a day as YYYY-MM-DD" in html
    assert 'value="19.01.2015"' in html  # what was typed stays in the field
    assert "<svg" not in html
    reversed_period = manager.get("/stats?from=2015-01-22&to=2015-01-16")
    assert "The last day comes before the first day." in reversed_period.get_data(as_text=True)
    assert manager.get("/stats/export.csv?from=nonsense").status_code == 400


def test_long_periods_are_charted_per_month(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    html = manager.get("/stats?mission=kazakhstan-2015&from=2014-11-01&to=2015-06-30")
    text = html.get_data(as_text=True)
    assert "Inquiries received per month" in text
    assert '<th scope="row">January 2015</th><td>11</td>' in text
    assert '<th scope="row">December 2014</th><td>0</td>' in text


@pytest.fixture
def make_other_mission(app: Flask, mission: Mission) -> Callable[[], Mission]:
    """A second mission in another zone, with one inquiry on 20 Jan 2015 (UTC)."""

    def make() -> Mission:
        other = Mission(
            slug="chile-2015",
            reference_prefix="CHL15",
            title="Visit to Chile",
            expert_name="Expert",
            expert_title="Special Rapporteur",
            country="Chile",
            first_day=date(2015, 3, 1),
            last_day=date(2015, 3, 10),
            timezone="America/Santiago",
            home_timezone="Europe/Zurich",
            published=True,
        )
        db.session.add(other)
        db.session.flush()
        intake.receive(
            other,
            journalist_request(),
            channel=Channel.EMAIL,
            received_at=datetime.fromisoformat("2015-01-20T10:00:00+00:00"),
        )
        db.session.commit()
        return other

    return make


def figures(scope: Scope) -> dict[str, Any]:
    """The report as the API shapes it, committed as the views commit it."""
    report = report_export.report_json(reporting.build_report(scope, datetime.fromisoformat(NOW)))
    db.session.commit()
    return report


def recounted(scope: Scope) -> dict[str, Any]:
    """The same report with every day counted again from the inquiries themselves."""
    db.session.execute(update(stats_days).values(cached_version=None))
    return figures(scope)


def stale_days(scope_id: int) -> list[date]:
    """The days of WEEK whose counts are out of date."""
    statement = select(stats_days.c.day).where(
        stats_days.c.scope_id == scope_id,
        stats_days.c.day.between(*WEEK),
        or_(
            stats_days.c.cached_version.is_(None),
            stats_days.c.cached_version != stats_days.c.version,
        ),
    )
    return sorted(
        day if isinstance(day, date) else date.fromisoformat(day)
        for day in db.session.scalars(statement)
    )


WEEK = (date(2015, 1, 16), date(2015, 1, 22))


def test_figures_follow_every_change_to_days_already_counted(
    app: Flask, known_data: dict[str, Any]
) -> None:
    made, users = known_data["inquiries"], known_data["users"]
    mission = made["A"].mission
    scopes = [Scope(mission, *WEEK), Scope(None, *WEEK)]
    for scope in scopes:
        assert figures(scope)["received"] == 10
    # Reassigned and answered through the ORM, on days counted a moment ago.
    made["I"].assignee_id = users["bob"].id
    made["I"].first_response_at = at("18T12:30")
    db.session.commit()
    # An outlet corrected by a bulk UPDATE, as the privacy purge writes.
    db.session.execute(update(Inquiry).where(Inquiry.id == made["B"].id).values(outlet="Reuters"))
    db.session.delete(made["L"])
    db.session.commit()
    # Two days: their own outlet rows are added up (the week reads the totals instead).
    two_days = Scope(mission, date(2015, 1, 18), date(2015, 1, 19))
    assert figures(two_days)["top_outlets"] == [
        {"outlet": "Reuters", "count": 2},  # B (corrected), C
        {"outlet": "Le Temps", "count": 1},
    ]
    assert figures(two_days) == recounted(two_days)
    for scope in scopes:
        after = figures(scope)
        assert after["received"] == 9
        assert after["by_assignee"] == [
            {"assignee": "Bob Officer", "count": 4},
            {"assignee": "Alice Officer", "count": 3},
            {"assignee": "Unassigned", "count": 2},
        ]
        assert after["top_outlets"][0] == {"outlet": "Reuters", "count": 4}
        assert after["first_response_seconds"]["count"] == 7
        assert after == recounted(scope)


def test_a_new_inquiry_leaves_the_other_days_counted(
    app: Flask, known_data: dict[str, Any], make_inquiry: Callable[..., Receipt]
) -> None:
    mission = known_data["inquiries"]["A"].mission
    figures(Scope(mission, *WEEK))
    figures(Scope(None, *WEEK))
    assert stale_days(0) == stale_days(mission.id) == []
    make_inquiry(received_at=at("21T15:00"))  # 09:00 UTC
    db.session.commit()
    assert stale_days(0) == [date(2015, 1, 21)]
    # The triggers know no zones: a mission's local day is one of these three.
    assert stale_days(mission.id) == [date(2015, 1, 20), date(2015, 1, 21), date(2015, 1, 22)]
    assert figures(Scope(mission, *WEEK))["received_by_day"]["2015-01-21"] == 3
    assert stale_days(mission.id) == []


def test_a_new_zone_moves_the_missions_days(app: Flask, known_data: dict[str, Any]) -> None:
    mission = known_data["inquiries"]["A"].mission
    scope = Scope(mission, *WEEK)
    assert figures(scope)["received_by_day"]["2015-01-19"] == 1  # C, 00:30 in Almaty
    mission.timezone = "UTC"
    db.session.commit()
    by_day = figures(scope)["received_by_day"]
    assert "2015-01-19" not in by_day  # C is 18:30 UTC on the 18th
    assert by_day["2015-01-18"] == 3


def test_download_link_keeps_the_filters(
    app: Flask, known_data: dict[str, Any], manager: FlaskClient
) -> None:
    everyone = manager.get("/stats?mission=&from=2015-01-16&to=2015-01-22").get_data(as_text=True)
    assert 'href="/stats/export.csv?mission=&amp;from=2015-01-16&amp;to=2015-01-22"' in everyone
    one = manager.get("/stats").get_data(as_text=True)
    assert "/stats/export.csv?mission=kazakhstan-2015&amp;from=2015-01-16&amp;to=2015-01-22" in one


@pytest.mark.skipif(not on_postgresql(), reason="PostgreSQL's planner statistics")
def test_a_first_count_refreshes_postgresqls_statistics(
    app: Flask, known_data: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real first count writes thousands of rows; here a handful stands for them.
    monkeypatch.setattr(rollup, "ANALYZE_AFTER", 1)
    figures(Scope(None, *WEEK))
    analysed = db.session.execute(
        text(
            "SELECT last_analyze FROM pg_stat_user_tables "
            "WHERE relname = 'stats_day_tallies' AND schemaname = current_schema()"
        )
    ).scalar_one()
    assert analysed is not None


def test_the_count_command_counts_every_changed_day_ahead_of_reports(
    app: Flask, known_data: dict[str, Any], runner: Any
) -> None:
    assert stale_days(0) and stale_days(known_data["inquiries"]["A"].mission_id)
    result = runner.invoke(args=["stats", "count"])
    assert result.exit_code == 0, result.output
    assert "(the whole office and 1 mission)" in result.output
    assert result.output.rstrip().endswith("0 left.")
    db.session.expire_all()
    assert stale_days(0) == stale_days(known_data["inquiries"]["A"].mission_id) == []
    # The reports then read what the command counted.
    assert figures(Scope(None, *WEEK))["received"] == 10
