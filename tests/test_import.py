"""``flask --app tracker inquiries import FILE --mission SLUG [--dry-run]``: a historical
log comes in routed, numbered and replayed as of each row's own instants, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import func, select

from tracker.choices import Channel, Phase, Status
from tracker.extensions import db
from tracker.inquiries import importer
from tracker.inquiries.intake import Receipt
from tracker.models import Inquiry, Mission, OutboxMessage, User

EXAMPLE = Path(__file__).parent / "fixtures" / "historical-log.csv"
HEADER = ",".join(importer.COLUMNS)
GOOD_ROW = (
    "2015-01-20T10:00:00+06:00,Asel Bekova,Kursiv,print,KZ,asel@example.kz,,ru,interview,"
    "mission,Interview,Could we meet?,,,"
)


def run_import(runner: FlaskCliRunner, path: Path, *options: str) -> Result:
    args = ["inquiries", "import", str(path), "--mission", "kazakhstan-2015", *options]
    return runner.invoke(args=args)


def write_log(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "log.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def error_line(result: Result) -> str:
    """The one line a failed command ended with."""
    assert result.exit_code != 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("Error: ")
    return last


def inquiries() -> list[Inquiry]:
    db.session.expire_all()
    return list(db.session.scalars(select(Inquiry).order_by(Inquiry.number)))


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Inquiry)) or 0


def last_number(mission: Mission) -> int:
    db.session.expire_all()
    return db.session.get_one(Mission, mission.id).last_inquiry_number


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- The example file -----------------------------------------------------------------


def test_the_example_file_imports_routed_and_numbered_by_received_at(
    runner: FlaskCliRunner, mission: Mission
) -> None:
    result = run_import(runner, EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == (
        "Imported 8 inquiries into kazakhstan-2015 as KAZ15-0001 to KAZ15-0008"
        " (before 2, during 4, after 2)."
    )
    rows = inquiries()
    assert [i.reference for i in rows] == [f"KAZ15-{n:04d}" for n in range(1, 9)]
    assert all(i.channel is Channel.IMPORT for i in rows)
    received = [i.received_at for i in rows]
    assert received == sorted(received)
    assert [i.phase_at_receipt for i in rows] == [Phase.BEFORE] * 2 + [Phase.DURING] * 4 + [
        Phase.AFTER
    ] * 2
    routed = {i.subject: i.routed_contact.name for i in rows if i.routed_contact}
    # Another expert → the Media Unit; during the visit → Astana; otherwise Geneva.
    assert routed["Question for the Special Rapporteur on torture"] == "Xabier Celaya"
    assert routed["Interview for the evening news"] == "Leila Duisekova"
    assert routed["Dates and cities of the visit"] in {"Thibaut Guillet", "Karen Blanc"}
    assert rows[0].routing_reason.startswith("received before the mission")


def test_each_row_keeps_its_own_history_as_milestones_and_events(
    runner: FlaskCliRunner, mission: Mission
) -> None:
    assert run_import(runner, EXAMPLE).exit_code == 0
    accreditation = inquiries()[1]
    assert accreditation.name == "Айгерим Нурланқызы"
    assert accreditation.phone == "+77012345678"
    assert accreditation.received_at == at("2015-01-17T09:00:00+06:00")
    assert accreditation.deadline == at("2015-01-26T18:00:00+06:00")
    assert accreditation.due_at == at("2015-01-17T13:00:00+06:00")  # 4 hours' target
    assert accreditation.first_response_at == at("2015-01-17T11:30:00+06:00")
    assert accreditation.closed_at == at("2015-01-19T10:00:00+06:00")
    assert accreditation.status is Status.CLOSED
    assert accreditation.clock_running is False
    # Its last change is its close, so the closed tab sorts it among its contemporaries.
    assert accreditation.updated_at == accreditation.closed_at
    assert accreditation.assignee is None
    events = [(e.kind, e.at) for e in accreditation.events]
    assert events[:4] == [
        ("received", at("2015-01-17T09:00:00+06:00")),
        ("routed", at("2015-01-17T09:00:00+06:00")),
        ("response", at("2015-01-17T11:30:00+06:00")),
        ("status", at("2015-01-19T10:00:00+06:00")),
    ]
    assert events[4][0] == "imported"
    assert accreditation.events[0].summary == "Inquiry received (import)"
    assert accreditation.events[3].details == {"from": "in_progress", "to": "closed"}
    assert accreditation.events[4].summary == "Imported from historical-log.csv, line 3"


def test_rows_without_a_close_stay_open(runner: FlaskCliRunner, mission: Mission) -> None:
    assert run_import(runner, EXAMPLE).exit_code == 0
    by_subject = {i.subject: i for i in inquiries()}
    responded = by_subject["Interview for the evening news"]
    assert responded.status is Status.IN_PROGRESS
    assert responded.clock_running is False  # the first response stopped it
    assert responded.closed_at is None
    untouched = by_subject["When is the final report due?"]
    assert untouched.status is Status.NEW
    assert untouched.clock_running is True
    assert [e.kind for e in untouched.events] == ["received", "routed", "imported"]
    closed_unanswered = by_subject["Press accreditation for 2015"]
    assert closed_unanswered.status is Status.CLOSED
    assert closed_unanswered.first_response_at is None


def test_importing_history_mails_nobody(
    runner: FlaskCliRunner, mission: Mission, make_user: Callable[..., User]
) -> None:
    make_user(contact="leila-duisekova")
    assert run_import(runner, EXAMPLE).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_imported_inquiry_opens_on_the_desk(
    runner: FlaskCliRunner,
    client: FlaskClient,
    mission: Mission,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
) -> None:
    assert run_import(runner, EXAMPLE).exit_code == 0
    login(make_user())
    page = client.get("/inquiries/KAZ15-0004")
    assert page.status_code == 200
    assert "Responded (from the imported log)" in page.get_data(as_text=True)


def test_references_continue_the_missions_sequence(
    runner: FlaskCliRunner, mission: Mission, make_inquiry: Callable[..., Receipt]
) -> None:
    make_inquiry()
    make_inquiry()
    assert run_import(runner, EXAMPLE).exit_code == 0
    assert [i.reference for i in inquiries()][-1] == "KAZ15-0010"
    assert last_number(mission) == 10


# --- Dry run --------------------------------------------------------------------------


def test_a_dry_run_says_what_it_would_do_and_writes_nothing(
    runner: FlaskCliRunner, mission: Mission
) -> None:
    result = run_import(runner, EXAMPLE, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "line 2 → KAZ15-0001\tbefore\tThibaut Guillet\tclosed"
    assert "line 7 → KAZ15-0005\tduring\tXabier Celaya\tclosed" in lines
    assert lines[-1].startswith("Dry run: would import 8 inquiries into kazakhstan-2015")
    assert lines[-1].endswith("Nothing was written.")
    assert count() == 0
    assert last_number(mission) == 0


def test_a_dry_run_reports_bad_rows_like_the_real_run(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    path = write_log(tmp_path, GOOD_ROW.replace("print", "magazine"))
    assert "line 2: media_type: 'magazine'" in error_line(run_import(runner, path, "--dry-run"))


# --- Bad input ------------------------------------------------------------------------


def test_a_bad_row_is_named_by_line_and_nothing_is_written(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    bad = GOOD_ROW.replace("2015-01-20T10:00:00+06:00", "2015-01-20T10:00:00")
    path = write_log(tmp_path, GOOD_ROW, bad, GOOD_ROW.replace("Asel", "Dana"))
    result = run_import(runner, path)
    line = error_line(result)
    assert line.startswith("Error: line 3: received_at: '2015-01-20T10:00:00' has no UTC offset")
    assert line.endswith("(nothing was imported)")
    assert len(result.output.strip().splitlines()) == 1
    assert count() == 0
    assert last_number(mission) == 0


def test_every_bad_row_is_listed_before_the_one_line_reason(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    path = write_log(
        tmp_path,
        GOOD_ROW.replace("asel@example.kz", "not-an-address"),
        GOOD_ROW,
        GOOD_ROW.replace(",ru,", ",de,").replace("Asel Bekova", ""),
    )
    result = run_import(runner, path)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("line 2: email: 'not-an-address' is not a valid address")
    assert (
        lines[1]
        == "line 4: name: is empty; language: 'de' is not one of en, ru, kk, fr, es, ar, zh"
    )
    assert error_line(result) == "Error: 2 problems in log.csv, listed above (nothing was imported)"
    assert count() == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"media_type": "blog"}, "media_type: 'blog' is not one of 'print', 'online'"),
        ({"country": "XX"}, "country: 'XX' is not a two-letter ISO 3166 country code"),
        ({"phone": "12"}, "phone: This number does not exist in its country"),
        ({"email": ""}, "email, phone: give at least one"),
        ({"request_type": ""}, "request_type: '' is not one of"),
        ({"topic": "weather"}, "topic: 'weather' is not one of 'mission', 'other_experts'"),
        ({"subject": "s" * 201}, "subject: is longer than 200 characters"),
        ({"received_at": "yesterday"}, "received_at: 'yesterday' is not an ISO 8601 instant"),
        ({"received_at": ""}, "received_at: is empty"),
        ({"deadline": "2015-01-20T09:00:00+06:00"}, "deadline: is earlier than received_at"),
        ({"closed_at": "2015-01-20T09:59:00+06:00"}, "closed_at: is earlier than received_at"),
        (
            {"first_response_at": "2015-01-20T12:00:00+06:00", "closed_at": "2015-01-20T05:00Z"},
            "closed_at: is earlier than first_response_at",
        ),
        ({"closed_at": "2099-01-01T00:00:00Z"}, "closed_at: is in the future"),
    ],
)
def test_each_cell_is_checked_as_the_web_form_checks_it(
    runner: FlaskCliRunner,
    mission: Mission,
    tmp_path: Path,
    change: dict[str, str],
    reason: str,
) -> None:
    values = dict(zip(importer.COLUMNS, GOOD_ROW.split(","), strict=True))
    values.update(change)
    path = write_log(tmp_path, ",".join(values[column] for column in importer.COLUMNS))
    assert f"Error: line 2: {reason}" in error_line(run_import(runner, path))
    assert count() == 0


def test_cells_are_read_leniently_where_meaning_is_clear(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    row = GOOD_ROW.replace(",print,KZ,", ",News Agency,kz,").replace(",,ru,", ",8 701 234 5678,RU,")
    result = run_import(runner, write_log(tmp_path, row))
    assert result.exit_code == 0, result.output
    [inquiry] = inquiries()
    assert (inquiry.media_type.value, inquiry.country, inquiry.language) == (
        "news_agency",
        "KZ",
        "ru",
    )
    assert inquiry.phone == "+77012345678"  # read with the row's country as the hint


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (HEADER.replace("email", "e-mail"), "(missing email; unknown e-mail)"),
        (HEADER.replace(",phone", ""), "(missing phone)"),
        (HEADER + ",notes", "(unknown notes)"),
        (HEADER.replace("received_at", "name"), "(missing received_at; repeated name)"),
    ],
)
def test_a_wrong_header_is_one_clear_error(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path, header: str, reason: str
) -> None:
    path = write_log(tmp_path, GOOD_ROW, header=header)
    result = run_import(runner, path)
    assert len(result.output.strip().splitlines()) == 1
    line = error_line(result)
    assert line.startswith("Error: line 1: the header's columns are wrong ")
    assert reason in line
    assert "expected: received_at, name, outlet" in line


def test_optional_columns_may_be_left_out_and_a_byte_order_mark_is_fine(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    header = HEADER.removesuffix(",deadline,first_response_at,closed_at")
    row = GOOD_ROW.removesuffix(",,,")
    path = tmp_path / "excel.csv"
    path.write_bytes(f"{header}\r\n{row}\r\n".encode("utf-8-sig"))
    result = run_import(runner, path)
    assert result.exit_code == 0, result.output
    assert count() == 1


def test_line_numbers_count_the_lines_of_multi_line_cells(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    multi = GOOD_ROW.replace("Could we meet?", '"Could we meet?\nIn Almaty, perhaps."')
    path = write_log(tmp_path, multi, "", GOOD_ROW.replace(",print,", ",blog,"))
    assert "Error: line 5: media_type" in error_line(run_import(runner, path))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty: its first line must be the header"),
        (HEADER.encode() + b"\n", "the file has a header but no rows to import"),
        (HEADER.encode() + b"\n" + GOOD_ROW.encode() + b",extra\n", "line 2: 16 cells"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_one_line(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(content)
    assert reason in error_line(run_import(runner, path))


def test_a_missing_file_or_mission_is_refused_in_one_line(
    runner: FlaskCliRunner, mission: Mission, tmp_path: Path
) -> None:
    assert "cannot read" in error_line(run_import(runner, tmp_path / "absent.csv"))
    result = runner.invoke(args=["inquiries", "import", str(EXAMPLE), "--mission", "mars-2040"])
    assert (
        error_line(result) == "Error: no mission 'mars-2040': see flask --app tracker missions list"
    )


def test_a_second_run_of_the_same_file_is_refused(runner: FlaskCliRunner, mission: Mission) -> None:
    assert run_import(runner, EXAMPLE).exit_code == 0
    result = run_import(runner, EXAMPLE)
    assert "line 2: already in kazakhstan-2015 as KAZ15-0001" in result.stderr
    assert "8 problems" in error_line(result)
    assert count() == 8


def test_rows_later_than_now_are_refused(
    runner: FlaskCliRunner, mission: Mission, set_now: Callable[..., Any]
) -> None:
    set_now("2015-01-25T00:00:00+06:00")
    result = run_import(runner, EXAMPLE)
    assert "line 8: received_at: is in the future" in result.stderr
    assert count() == 0


def test_the_command_explains_itself(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["inquiries", "import", "--help"])
    assert result.exit_code == 0
    assert "received_at" in result.output and "--dry-run" in result.output
