"""`flask --app tracker missions load|list`: the seed file holds every fact of the release."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tracker.choices import Phase, RoutingTarget, Topic
from tracker.extensions import db
from tracker.models import Contact, Mission, MissionEvent, PhaseAssignment, RoutingRule

SEED = Path(__file__).resolve().parent.parent / "seed" / "kazakhstan-2015.toml"


def load(runner: FlaskCliRunner, *paths: Path) -> tuple[int, str]:
    result = runner.invoke(args=["missions", "load", *map(str, paths)])
    return result.exit_code, result.output


def loaded_mission() -> Mission:
    return db.session.scalars(select(Mission)).one()


def count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_loading_the_seed_creates_the_mission_with_every_fact(runner: FlaskCliRunner) -> None:
    assert load(runner, SEED) == (0, "kazakhstan-2015: created\n")
    mission = loaded_mission()
    assert mission.expert_name == "Maina Kiai"
    assert "freedom of peaceful assembly and of association" in mission.expert_title
    assert (mission.country, mission.cities) == (
        "Kazakhstan",
        ["Astana", "Almaty", "Aktau/Zhanaozen"],
    )
    assert (mission.first_day, mission.last_day) == (date(2015, 1, 19), date(2015, 1, 27))
    assert (mission.timezone, mission.home_timezone) == ("Asia/Almaty", "Europe/Zurich")
    assert mission.response_target_minutes == 240
    conference, report = mission.events
    # 11:00 in Astana on 27 January 2015, when Kazakhstan was UTC+6.
    assert conference.starts_at == datetime(2015, 1, 27, 5, 0, tzinfo=UTC)
    assert "Bukeykhan Str. 26" in (conference.venue or "")
    assert report.when_text == "June 2015 session of the Human Rights Council"


def test_the_seed_contacts_and_phases_follow_the_press_release(runner: FlaskCliRunner) -> None:
    load(runner, SEED)
    mission = loaded_mission()
    names = {phase: [c.name for c in mission.contacts_for(phase)] for phase in Phase}
    assert names == {
        Phase.BEFORE: ["Thibaut Guillet", "Karen Blanc"],
        Phase.DURING: ["Leila Duisekova"],
        Phase.AFTER: ["Thibaut Guillet", "Karen Blanc"],
    }
    astana = db.session.scalars(select(Contact).where(Contact.key == "leila-duisekova")).one()
    assert astana.phones == ["+77172696550;ext=2293"]
    assert astana.email is None
    media_rule, phase_rule = mission.routing_rules
    assert media_rule.topic is Topic.OTHER_EXPERTS
    assert [c.unit for c in media_rule.contacts] == ["UN Human Rights – Media Unit"]
    assert phase_rule.target is RoutingTarget.PHASE_CONTACTS


def test_loading_twice_changes_nothing(runner: FlaskCliRunner) -> None:
    load(runner, SEED)
    before = [
        (m.id, m.events[0].id, [a.id for a in m.phase_assignments]) for m in [loaded_mission()]
    ]
    db.session.expire_all()
    assert load(runner, SEED) == (0, "kazakhstan-2015: unchanged\n")
    db.session.expire_all()
    after = [
        (m.id, m.events[0].id, [a.id for a in m.phase_assignments]) for m in [loaded_mission()]
    ]
    assert after == before
    assert (count(Contact), count(MissionEvent), count(PhaseAssignment), count(RoutingRule)) == (
        4,
        2,
        5,
        2,
    )


def test_an_edited_file_updates_the_mission_in_place(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    load(runner, SEED)
    edited = tmp_path / "edited.toml"
    text = SEED.read_text().replace("last_day = 2015-01-27", "last_day = 2015-01-28")
    text = text.replace(
        'during = ["leila-duisekova"]', 'during = ["leila-duisekova", "karen-blanc"]'
    )
    edited.write_text(text)
    assert load(runner, edited) == (0, "kazakhstan-2015: updated\n")
    db.session.expire_all()
    mission = loaded_mission()
    assert mission.last_day == date(2015, 1, 28)
    assert [c.name for c in mission.contacts_for(Phase.DURING)] == [
        "Leila Duisekova",
        "Karen Blanc",
    ]
    assert count(Mission) == 1


BAD_FILES = {
    "missing title": (
        lambda t: t.replace('title = "Kazakhstan:', 'heading = "Kazakhstan:', 1),
        "title: Field required",
    ),
    "unknown zone": (
        lambda t: t.replace('timezone = "Asia/Almaty"', 'timezone = "Asia/Astana"'),
        "timezone: unknown IANA time zone 'Asia/Astana'",
    ),
    "bad phone": (lambda t: t.replace("+41 22 917 94 00", "+41 22"), "contacts[1].phones[0]"),
    "days reversed": (
        lambda t: t.replace("first_day = 2015-01-19", "first_day = 2015-02-19"),
        "last_day is earlier than first_day",
    ),
    "unknown contact": (
        lambda t: t.replace('during = ["leila-duisekova"]', 'during = ["nobody"]'),
        "contacts not defined in [[contacts]]: nobody",
    ),
    "not toml": (lambda t: t + "\nthis is = = not toml\n", "not valid TOML"),
    "bad date": (
        lambda t: t.replace("first_day = 2015-01-19", 'first_day = "19 Jan"'),
        "first_day",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_one_line_and_nothing_is_loaded(
    runner: FlaskCliRunner, tmp_path: Path, case: str
) -> None:
    spoil, message = BAD_FILES[case]
    bad = tmp_path / "bad.toml"
    bad.write_text(spoil(SEED.read_text()))
    code, output = load(runner, SEED, bad)
    assert code != 0
    assert output.count("\n") == 1 and output.startswith("Error: ")
    assert message in output
    assert (count(Mission), count(Contact)) == (0, 0)


def test_a_missing_file_is_refused(runner: FlaskCliRunner, tmp_path: Path) -> None:
    code, output = load(runner, tmp_path / "absent.toml")
    assert code != 0
    assert "cannot read" in output


def test_missions_list_shows_each_mission_with_its_phase_now(runner: FlaskCliRunner) -> None:
    empty = runner.invoke(args=["missions", "list"])
    assert "No missions yet" in empty.output
    load(runner, SEED)
    listed = runner.invoke(args=["missions", "list"]).output
    assert listed.startswith("kazakhstan-2015\tKAZ15\t2015-01-19..2015-01-27\tAsia/Almaty\tafter\t")


def test_every_command_has_help(runner: FlaskCliRunner) -> None:
    for command in (
        ["missions", "--help"],
        ["missions", "load", "--help"],
        ["missions", "list", "--help"],
    ):
        result = runner.invoke(args=command)
        assert result.exit_code == 0
        assert "Usage:" in result.output
