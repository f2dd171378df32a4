"""Privacy: retention per mission, ``flask privacy purge|export|erase``, the form's notice.

The seed mission's last day is Tue 27 January 2015 (Almaty, UTC+6), so with the default
24 months its retention ends at 00:00 on 28 January 2017 in Almaty.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import SECRET, SEED_FILE, journalist_request, on_postgresql
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, text
from test_admin_missions import SEED, seed_form

from tracker.choices import Channel, ResponseChannel, Role, Status
from tracker.extensions import db
from tracker.inquiries import follow_ups, intake, responses, status_changes
from tracker.inquiries.intake import Receipt
from tracker.missions.spec import MissionSpec, parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import (
    Inquiry,
    Mission,
    OutboxMessage,
    OutboxStatus,
    PrivacyRun,
    PrivacyRunKind,
    User,
)
from tracker.privacy import retention, wipe
from tracker.privacy.anonymise import ANONYMISED, outlet_names_person
from tracker.privacy.operations import email_hash
from tracker.stats import report_export, reporting
from tracker.stats.scope import Scope

DURING = "2015-01-20T10:00:00+06:00"
RETENTION_ENDS = "2017-01-28T00:00:00+06:00"
JUST_BEFORE = "2017-01-27T23:59:00+06:00"
NAME = "Aigerim Nurlanovna"
EMAIL = "aigerim@example.kz"
PHONE = "+77011234567"
NOTE = "{who} prefers a call after 18:00 on the mobile"
SAID = "Told {who} the rapporteur can meet on Friday"
FOLLOW_UP = "Call {who} back about the Friday slot"
SUBJECT = "Interview about Zhanaozen"
MESSAGE = "I am Aigerim from Vlast.kz; call me on +7 701 123 4567."


@pytest.fixture
def officer(make_user: Callable[..., User]) -> User:
    return make_user(name="Olga Officer", contact="leila-duisekova")


def handled(inquiry: Inquiry, officer: User, close: bool = True) -> Inquiry:
    """A note, a logged response, a follow-up (each naming the journalist), then answered
    and (by default) closed."""
    at, who = inquiry.received_at, inquiry.name.split()[0]
    responses.add_note(inquiry, officer, at + timedelta(minutes=5), text=NOTE.format(who=who))
    responses.log_response(
        inquiry,
        officer,
        at + timedelta(minutes=30),
        channel=ResponseChannel.PHONE,
        said=SAID.format(who=who),
    )
    follow_ups.schedule_follow_up(
        inquiry,
        officer,
        at + timedelta(minutes=40),
        due_at=at + timedelta(days=1),
        what=FOLLOW_UP.format(who=who),
    )
    if close:
        status_changes.change_status(inquiry, officer, at + timedelta(hours=2), to=Status.ANSWERED)
        status_changes.change_status(inquiry, officer, at + timedelta(hours=3), to=Status.CLOSED)
    db.session.commit()
    return inquiry


@pytest.fixture
def journalist_inquiries(
    make_inquiry: Callable[..., Receipt], officer: User, set_now: Callable[[str], datetime]
) -> dict[str, Inquiry]:
    """Aigerim's closed inquiry and open one, and another journalist's closed one."""
    set_now(DURING)
    closed = make_inquiry(subject=SUBJECT, message=MESSAGE, phone=PHONE).inquiry
    handled(closed, officer)
    still_open = make_inquiry(
        received_at="2015-01-21T09:00:00+06:00", email="Aigerim@Example.KZ", outlet="Vlast.kz"
    ).inquiry
    handled(still_open, officer, close=False)
    other = make_inquiry(
        received_at="2015-01-22T09:00:00+06:00",
        name="Daniyar Sadykov",
        email="daniyar@example.kz",
        outlet="Kazinform",
    ).inquiry
    handled(other, officer)
    return {"closed": closed, "open": still_open, "other": other}


def fresh(inquiry: Inquiry) -> Inquiry:
    db.session.expire_all()
    found = db.session.get(Inquiry, inquiry.id)
    assert found is not None
    return found


def everything_stored() -> str:
    """Every row of every table as text, to search for what must be gone."""
    dumped = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)).all():
            dumped.append(repr(tuple(row)))
    return "\n".join(dumped)


def runs() -> list[PrivacyRun]:
    db.session.expire_all()
    return list(db.session.scalars(select(PrivacyRun).order_by(PrivacyRun.id)))


# --- Retention ------------------------------------------------------------------------


def test_months_are_added_on_the_calendar() -> None:
    assert retention.add_months(date(2015, 1, 28), 24) == date(2017, 1, 28)
    assert retention.add_months(date(2015, 1, 31), 1) == date(2015, 2, 28)
    assert retention.add_months(date(2015, 11, 30), 3) == date(2016, 2, 29)
    assert retention.add_months(date(2015, 12, 1), 1) == date(2016, 1, 1)


def test_retention_runs_from_the_end_of_the_visit_in_its_zone(app: Flask, mission: Mission) -> None:
    assert mission.retention_months == 24
    assert retention.retention_end_day(mission) == date(2017, 1, 28)
    assert retention.retention_ends_at(mission) == datetime.fromisoformat(RETENTION_ENDS)


def test_a_mission_file_may_set_its_retention(tmp_path: Any) -> None:
    data = parse_mission_file(SEED_FILE).model_dump()
    del data["retention_months"]
    assert MissionSpec.model_validate(data).retention_months == 24  # the default
    data["retention_months"] = 6
    assert MissionSpec.model_validate(data).retention_months == 6
    data["retention_months"] = 0
    with pytest.raises(ValueError, match="retention_months"):
        MissionSpec.model_validate(data)


# --- Purge ----------------------------------------------------------------------------


# The wipe that follows an anonymisation checkpoints (SQLite) or vacuums (PostgreSQL) on
# a connection of its own: here and in each test marked so below.
@pytest.mark.real_commits
def test_purge_anonymises_closed_inquiries_past_retention_only(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
    set_now: Callable[[str], datetime],
) -> None:
    set_now(JUST_BEFORE)
    early = runner.invoke(args=["privacy", "purge", "--by", "dpo"])
    assert early.exit_code == 0, early.output
    assert "Anonymised 0 inquiries" in early.output
    assert fresh(journalist_inquiries["closed"]).anonymised_at is None

    set_now(RETENTION_ENDS)
    result = runner.invoke(args=["privacy", "purge", "--by", "dpo"])
    assert result.exit_code == 0, result.output
    closed, other = journalist_inquiries["closed"], journalist_inquiries["other"]
    assert result.output.splitlines()[:2] == [closed.reference, other.reference]
    assert "Anonymised 2 inquiries" in result.output

    purged = fresh(closed)
    assert purged.anonymised_at == datetime.fromisoformat(RETENTION_ENDS)
    assert (purged.name, purged.email, purged.phone) == (ANONYMISED, None, None)
    assert (purged.subject, purged.message) == (ANONYMISED, "")
    assert purged.outlet == "Vlast.kz"  # an organisation: kept for the figures
    # The open inquiry of the same journalist is still being worked on: untouched.
    kept = fresh(journalist_inquiries["open"])
    assert (kept.name, kept.anonymised_at) == (NAME, None)


@pytest.mark.real_commits
def test_purge_blanks_the_officers_free_text_and_the_mails(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
    set_now: Callable[[str], datetime],
) -> None:
    closed = journalist_inquiries["closed"]
    set_now(RETENTION_ENDS)
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    purged = fresh(closed)
    texts = [event.details.get("text") for event in purged.events if "text" in event.details]
    assert texts and set(texts) == {ANONYMISED}
    assert all("Aigerim" not in event.summary for event in purged.events)
    assert [f.note for f in purged.follow_ups] == [ANONYMISED]
    mails = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.inquiry_id == closed.id)
    ).all()
    assert mails
    for mail in mails:
        assert (mail.body_text, mail.body_html, mail.sealed_secret) == ("", "", None)
        assert mail.to_address != EMAIL
        assert mail.status in (OutboxStatus.SENT, OutboxStatus.CANCELLED)
    # Her open inquiry's mails (to the same address) are its own: untouched.
    still_open = journalist_inquiries["open"]
    open_mails = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.inquiry_id == still_open.id, OutboxMessage.to_address.ilike(EMAIL)
        )
    ).all()
    assert open_mails
    assert all(mail.status is OutboxStatus.PENDING and mail.body_text for mail in open_mails)
    # The statistics columns are as they were.
    assert purged.status is Status.CLOSED
    assert purged.first_response_at == closed.received_at + timedelta(minutes=30)


@pytest.mark.real_commits
def test_purge_leaves_the_statistics_unchanged(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
    set_now: Callable[[str], datetime],
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
) -> None:
    now = set_now(RETENTION_ENDS)
    mission = journalist_inquiries["closed"].mission
    scope = Scope(mission, date(2015, 1, 1), date(2015, 1, 31))
    manager = login(make_user(role=Role.MANAGER))
    query = "/api/v1/stats?mission=kazakhstan-2015&from=2015-01-01&to=2015-01-31"

    def figures() -> tuple[dict[str, Any], dict[str, Any]]:
        db.session.expire_all()
        report = report_export.report_json(reporting.build_report(scope, now))
        db.session.commit()  # as the views do: the days counted, the write lock freed
        return report, manager.get(query).get_json()

    before = figures()
    assert before[0]["received"] == 3
    result = runner.invoke(args=["privacy", "purge"])
    assert "Anonymised 2 inquiries" in result.output
    assert figures() == before


def test_dry_run_reports_and_changes_nothing_but_its_record(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
    set_now: Callable[[str], datetime],
) -> None:
    set_now(RETENTION_ENDS)
    before = everything_stored()
    result = runner.invoke(args=["privacy", "purge", "--dry-run", "--by", "dpo"])
    assert result.exit_code == 0, result.output
    assert journalist_inquiries["closed"].reference in result.output
    assert "Dry run: would anonymise 2 inquiries. Nothing was changed." in result.output
    db.session.expire_all()
    [run] = runs()
    assert (run.kind, run.dry_run, run.inquiry_count, run.run_by) == (
        PrivacyRunKind.PURGE,
        True,
        2,
        "dpo",
    )
    db.session.delete(run)
    db.session.commit()
    assert everything_stored() == before


@pytest.mark.real_commits
def test_every_run_is_recorded_without_the_address(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
    set_now: Callable[[str], datetime],
) -> None:
    set_now(RETENTION_ENDS)
    assert runner.invoke(args=["privacy", "purge"]).exit_code == 0
    assert runner.invoke(args=["privacy", "export", EMAIL, "--by", "dpo"]).exit_code == 0
    assert runner.invoke(args=["privacy", "erase", EMAIL, "--yes", "--by", "dpo"]).exit_code == 0
    recorded = runs()
    assert [run.kind for run in recorded] == [
        PrivacyRunKind.PURGE,
        PrivacyRunKind.EXPORT,
        PrivacyRunKind.ERASE,
    ]
    assert recorded[0].run_by.startswith("os:")
    assert recorded[0].email_hash is None
    # After the purge only her open inquiry still carries her address.
    assert [run.inquiry_count for run in recorded] == [2, 1, 1]
    assert recorded[1].email_hash == recorded[2].email_hash == email_hash(EMAIL, SECRET)
    assert recorded[2].at == datetime.fromisoformat(RETENTION_ENDS).astimezone(UTC)
    listing = runner.invoke(args=["privacy", "runs"])
    assert listing.output.count("\n") == 3 and "erase\tdpo\t1 inquiry" in listing.output
    rows = db.session.execute(text("SELECT * FROM privacy_runs")).all()
    assert "aigerim" not in repr(rows).lower()


# --- Export ---------------------------------------------------------------------------


def test_export_prints_everything_held_about_the_address(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
) -> None:
    result = runner.invoke(args=["privacy", "export", "AIGERIM@example.kz"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    closed, still_open = journalist_inquiries["closed"], journalist_inquiries["open"]
    assert [item["reference"] for item in data["inquiries"]] == [
        closed.reference,
        still_open.reference,
    ]
    first = data["inquiries"][0]
    assert (first["name"], first["email"], first["phone"]) == (NAME, EMAIL, PHONE)
    assert (first["subject"], first["message"]) == (SUBJECT, MESSAGE)
    assert first["status"] == "closed"
    assert first["received_at"] == "2015-01-20T04:00:00+00:00"
    kinds = [event["kind"] for event in first["timeline"]]
    assert kinds[:2] == ["received", "routed"] and "response" in kinds
    assert any(
        event["details"].get("text") == NOTE.format(who="Aigerim") for event in first["timeline"]
    )
    assert first["follow_ups"][0]["note"] == FOLLOW_UP.format(who="Aigerim")
    # The acknowledgements (and the response notice) went to her address, whatever its case.
    assert {mail["to"].lower() for mail in data["mails"]} == {EMAIL}
    assert closed.reference in {mail["inquiry"] for mail in data["mails"]}
    assert "Daniyar" not in result.output and "Olga" not in result.output


def test_export_of_an_unknown_address_is_empty_and_a_bad_one_refused(
    app: Flask, runner: FlaskCliRunner, journalist_inquiries: dict[str, Inquiry]
) -> None:
    result = runner.invoke(args=["privacy", "export", "nobody@example.org"])
    assert result.exit_code == 0
    assert json.loads(result.output)["inquiries"] == []
    refused = runner.invoke(args=["privacy", "export", "not an address"])
    assert refused.exit_code != 0
    assert "is not an email address" in refused.output
    assert [run.kind for run in runs()] == [PrivacyRunKind.EXPORT]


# --- Erase ----------------------------------------------------------------------------


@pytest.mark.real_commits
def test_erase_leaves_nothing_of_the_journalist(
    app: Flask, runner: FlaskCliRunner, journalist_inquiries: dict[str, Inquiry]
) -> None:
    assert NAME in everything_stored() and EMAIL in everything_stored().lower()
    result = runner.invoke(args=["privacy", "erase", "Aigerim@Example.kz", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Anonymised 2 inquiries" in result.output
    stored = everything_stored()
    for personal in (NAME, EMAIL, PHONE, "Aigerim", "Nurlanovna", SUBJECT, MESSAGE):
        assert personal.lower() not in stored.lower(), personal
    # The other journalist keeps their data; the open inquiry stays open.
    assert fresh(journalist_inquiries["other"]).name == "Daniyar Sadykov"
    erased_open = fresh(journalist_inquiries["open"])
    assert erased_open.status is Status.IN_PROGRESS and erased_open.name == ANONYMISED
    unsent = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.inquiry_id == erased_open.id)
    ).all()
    assert unsent and all(mail.status is OutboxStatus.CANCELLED for mail in unsent)


@pytest.mark.real_commits
def test_erase_merges_the_search_index_so_no_trace_of_the_name_stays_in_it(
    app: Flask, runner: FlaskCliRunner, journalist_inquiries: dict[str, Inquiry]
) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the search index is SQLite's")
    # An FTS5 index forgets a row by adding a deletion to a newer segment; the erased
    # name's trigrams stay in the older ones until the segments are merged into one.
    segments = text("SELECT count(DISTINCT segid) FROM inquiry_search_idx")
    assert db.session.scalar(segments) > 1
    result = runner.invoke(args=["privacy", "erase", "aigerim@example.kz", "--yes"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(segments) == 1


def database_files() -> bytes:
    """The bytes of the SQLite database file and of its write-ahead log, as on the disk."""
    path = Path(str(db.engine.url.database))
    return b"".join(
        p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists()
    )


HER_EMAIL = "qoxmail@example.kz"
# A piece of each of her values that appears nowhere else.
HER_TRACES = [b"qoxmarked", b"qoxmail", b"7019998877", b"qoxsubject", b"qoxline"]


@pytest.fixture
def sqlite_file_app(app_on: Callable[..., Flask]) -> Iterator[Flask]:
    """A new SQLite file holding 30 inquiries and then hers, its context open."""
    if on_postgresql():
        pytest.skip("SQLite's files; PostgreSQL is vacuumed instead")
    app = app_on()
    with app.app_context():
        db.create_all()
        mission, _ = apply_spec(parse_mission_file(SEED_FILE))
        at = datetime.fromisoformat(DURING)
        for number in range(30):
            # Others fill the pages around hers, as in a real table.
            other = journalist_request(name=f"Other Journalist {number}", email=f"j{number}@x.kz")
            intake.receive(mission, other, channel=Channel.WEB_FORM, received_at=at)
        hers = journalist_request(
            name="Zhuldyz Qoxmarked",
            email=HER_EMAIL,
            phone="+77019998877",
            subject="Qoxsubject about Zhanaozen",
            message="Call me on the Qoxline after six.",
        )
        intake.receive(mission, hers, channel=Channel.WEB_FORM, received_at=at)
        db.session.commit()
        assert all(trace in database_files().lower() for trace in HER_TRACES)
        yield app
        db.session.remove()
        db.engine.dispose()


def test_erase_leaves_no_old_copy_in_the_database_files(sqlite_file_app: Flask) -> None:
    # The app's pooled connection stays open, as a running server's would, so the
    # write-ahead log is not removed as the last connection closes.
    result = sqlite_file_app.test_cli_runner().invoke(args=["privacy", "erase", HER_EMAIL, "--yes"])

    assert result.exit_code == 0, result.output
    assert "Warning" not in result.output
    on_disk = database_files().lower()
    assert [trace for trace in HER_TRACES if trace in on_disk] == []
    assert b"other journalist 29" in on_disk  # the files read are the live ones


def test_erase_says_when_a_busy_log_still_holds_old_copies(sqlite_file_app: Flask) -> None:
    reader = sqlite3.connect(str(db.engine.url.database), isolation_level=None)
    try:
        # A request in another worker, still reading the snapshot from before the erasure.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM inquiries").fetchone()
        # (waits out the busy timeout, 5 s, for the reader to finish)
        result = sqlite_file_app.test_cli_runner().invoke(
            args=["privacy", "erase", HER_EMAIL, "--yes"]
        )
        assert result.exit_code == 0, result.output
        assert "Anonymised 1 inquiry" in result.output
        assert "Warning: another process kept the database's write-ahead log busy" in result.output
    finally:
        reader.close()
    again = sqlite_file_app.test_cli_runner().invoke(args=["privacy", "erase", HER_EMAIL, "--yes"])
    assert "Warning" not in again.output
    assert [trace for trace in HER_TRACES if trace in database_files().lower()] == []


@pytest.mark.real_commits
def test_erase_vacuums_the_anonymised_rows_old_versions_away(
    app: Flask, runner: FlaskCliRunner, journalist_inquiries: dict[str, Inquiry]
) -> None:
    if not on_postgresql():
        pytest.skip("PostgreSQL's dead row versions; SQLite's files are the test above")
    last_vacuums = text(
        "SELECT relname, last_vacuum FROM pg_stat_user_tables WHERE schemaname = current_schema()"
    )
    db.session.commit()
    before = dict(db.session.execute(last_vacuums).all())
    db.session.commit()
    result = runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.commit()  # a new snapshot of the statistics
    after = dict(db.session.execute(last_vacuums).all())
    for table in wipe.TOUCHED:
        assert after[table] is not None and after[table] != before.get(table), table


def test_erase_asks_before_it_acts(
    app: Flask, runner: FlaskCliRunner, journalist_inquiries: dict[str, Inquiry]
) -> None:
    declined = runner.invoke(args=["privacy", "erase", EMAIL], input="n\n")
    assert declined.exit_code != 0
    assert fresh(journalist_inquiries["closed"]).name == NAME
    assert runs() == []
    dry = runner.invoke(args=["privacy", "erase", EMAIL, "--dry-run"])
    assert "Dry run: would anonymise 2 inquiries" in dry.output
    assert fresh(journalist_inquiries["closed"]).name == NAME


@pytest.mark.real_commits
def test_erasing_an_unknown_address_is_recorded(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["privacy", "erase", "nobody@example.org"])
    assert result.exit_code == 0
    assert "nothing to erase" in result.output
    [run] = runs()
    assert (run.kind, run.inquiry_count) == (PrivacyRunKind.ERASE, 0)


@pytest.mark.real_commits
def test_a_journalist_who_called_is_exported_and_erased_by_phone_number(
    app: Flask,
    runner: FlaskCliRunner,
    journalist_inquiries: dict[str, Inquiry],
    make_inquiry: Callable[..., Receipt],
) -> None:
    called = make_inquiry(
        received_at="2015-01-23T09:00:00+06:00", email=None, phone=PHONE, name="Aigerim N."
    ).inquiry
    switchboard = make_inquiry(
        received_at="2015-01-23T10:00:00+06:00", email=None, phone=f"{PHONE};ext=12"
    ).inquiry

    exported = runner.invoke(args=["privacy", "export", "--phone", "+7 701 123 45 67"])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.output)
    assert data["phone"] == PHONE
    closed = journalist_inquiries["closed"]
    assert [item["reference"] for item in data["inquiries"]] == [
        closed.reference,
        called.reference,
    ]
    # The mails about those inquiries that went to her; none about her other inquiry.
    assert data["mails"] and {mail["inquiry"] for mail in data["mails"]} == {closed.reference}
    assert {mail["to"].lower() for mail in data["mails"]} == {EMAIL}

    erased = runner.invoke(args=["privacy", "erase", "--phone", "+77011234567", "--yes"])
    assert erased.exit_code == 0, erased.output
    assert "Anonymised 2 inquiries given under this number" in erased.output
    assert fresh(called).name == ANONYMISED and fresh(called).phone is None
    assert fresh(closed).name == ANONYMISED
    # Another extension of the same number is somebody else; her emailed inquiry stays.
    assert fresh(switchboard).phone == f"{PHONE};ext=12"
    assert fresh(journalist_inquiries["open"]).name == NAME
    export_run, erase_run = runs()
    assert export_run.email_hash == erase_run.email_hash == email_hash(f"tel:{PHONE}", SECRET)
    assert erase_run.inquiry_count == 2


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "by EMAIL or by --phone NUMBER"),
        ([EMAIL, "--phone", PHONE], "by EMAIL or by --phone NUMBER"),
        (["--phone", "701 123 4567"], "country code"),
        (["--phone", "+7 000"], "does not exist"),
    ],
)
def test_a_journalist_is_named_by_one_valid_address_or_number(
    app: Flask, runner: FlaskCliRunner, arguments: list[str], message: str
) -> None:
    for command in (["export", *arguments], ["erase", *arguments, "--yes"]):
        refused = runner.invoke(args=["privacy", *command])
        assert refused.exit_code != 0
        assert message in refused.output, refused.output
    assert runs() == []


@pytest.mark.real_commits
def test_an_erased_inquiry_still_shows_its_status_page(
    app: Flask, runner: FlaskCliRunner, make_inquiry: Callable[..., Receipt], client: FlaskClient
) -> None:
    receipt = make_inquiry()
    runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    page = client.get(f"/status/{receipt.status_token}")
    assert page.status_code == 200
    assert receipt.inquiry.reference in page.get_data(as_text=True)
    assert NAME not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("outlet", "name", "personal"),
    [
        ("Vlast.kz", "Aigerim Nurlanovna", False),
        ("Aigerim Nurlanovna Media", "Aigerim Nurlanovna", True),
        ("aigerim  nurlanovna", "Aigerim Nurlanovna", True),
        ("Nurlanovna", "Aigerim Nurlanovna", True),
        ("Freelance", "Aigerim Nurlanovna", False),
    ],
)
def test_an_outlet_is_personal_when_it_is_the_journalists_name(
    outlet: str, name: str, personal: bool
) -> None:
    assert outlet_names_person(outlet, name) is personal


# --- The notice on the form -----------------------------------------------------------


def test_the_form_says_what_is_kept_and_until_when(
    app: Flask, client: FlaskClient, mission: Mission, set_now: Callable[[str], datetime]
) -> None:
    set_now(DURING)
    page = client.get("/missions/kazakhstan-2015/inquire").get_data(as_text=True)
    notice = page[page.index('id="privacy-heading"') :]
    notice = " ".join(notice[: notice.index("</section>")].split())
    assert "your name, outlet, contact details and message" in notice
    assert "press officers of the UN Human Rights Office" in notice
    assert "28 January 2017" in notice
    assert "24 months after the later of the visit's end and the day your inquiry is" in notice
    assert "copy" in notice and "erase" in notice


@pytest.mark.real_commits
def test_erasure_blanks_the_subject_quoted_in_managers_digests(
    app: Flask,
    runner: FlaskCliRunner,
    make_inquiry: Callable[..., Receipt],
    make_user: Callable[..., User],
    set_now: Callable[[str], datetime],
) -> None:
    make_user(role=Role.MANAGER, name="Manon Manager")
    mine = make_inquiry(subject=SUBJECT).inquiry
    theirs = make_inquiry(subject="Visit to Zhanaozen", email="daniyar@example.kz").inquiry
    set_now("2015-01-21T09:00:00+06:00")  # both overdue: listed in the digest
    assert "queued 1 digest" in runner.invoke(args=["digest", "send"]).output
    digest = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "digest")).one()
    assert SUBJECT in digest.body_text and SUBJECT in digest.body_html
    runner.invoke(args=["privacy", "erase", EMAIL, "--yes"])
    db.session.expire_all()
    assert SUBJECT not in digest.body_text and SUBJECT not in digest.body_html
    assert mine.reference in digest.body_text and ANONYMISED in digest.body_text
    assert theirs.subject in digest.body_text  # the other journalist's line is untouched


@pytest.mark.parametrize(
    ("typed", "stored", "message"),
    [("6", 6, None), ("", 24, None), ("0", 24, "From 1 to 120 months"), ("two", 24, "whole")],
)
def test_an_admin_sets_the_retention_of_a_mission(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., FlaskClient],
    mission: Mission,
    typed: str,
    stored: int,
    message: str | None,
) -> None:
    login(make_user(role=Role.ADMIN))
    assert f'value="{mission.retention_months}"' in client.get(SEED).get_data(as_text=True)
    response = client.post(SEED, data=seed_form(mission, retention_months=typed))
    assert response.status_code == (303 if message is None else 422)
    if message:
        page = response.get_data(as_text=True)
        assert message in page and f'value="{typed}"' in page
    db.session.expire_all()
    assert mission.retention_months == stored
