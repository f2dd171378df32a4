"""Importing a press office's historical log (CSV) into a mission, all or nothing.

Every row is read and checked before anything is written, and every bad row is reported
("line 7: email: …"). Then each row goes through the intake service as of its own
``received_at``, so its phase, routing and reference are what the web form would have
given it then, and what the row says happened next (first response, close) is replayed
with the row's own instants. The caller commits, or rolls back for a dry run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Self

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import ErrorDetails
from sqlalchemy import select

from tracker import phones
from tracker.choices import (
    LANGUAGES,
    PUBLIC_STATUS,
    Channel,
    MediaType,
    RequestType,
    Status,
    Topic,
    country_options,
)
from tracker.extensions import db
from tracker.inquiries import intake, response_clock, status_changes, timeline
from tracker.models import Inquiry, Mission

COLUMNS = (
    "received_at",
    "name",
    "outlet",
    "media_type",
    "country",
    "email",
    "phone",
    "language",
    "request_type",
    "topic",
    "subject",
    "message",
    "deadline",
    "first_response_at",
    "closed_at",
)
# Columns a log may leave out altogether; the others must be in the header.
OPTIONAL_COLUMNS = frozenset({"deadline", "first_response_at", "closed_at"})
EXAMPLE_INSTANT = "2015-01-20T10:00:00+06:00"


class ImportFileError(ValueError):
    """The file cannot be imported; ``problems`` holds one line per bad row (or the header)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} problems")


# --- One row --------------------------------------------------------------------------


def parse_instant(raw: Any) -> datetime:
    """An ISO 8601 instant that carries its UTC offset, in UTC."""
    text = str(raw).strip()
    if not text:
        raise ValueError("is empty")
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO 8601 instant, e.g. {EXAMPLE_INSTANT}") from None
    if value.utcoffset() is None:
        raise ValueError(f"{text!r} has no UTC offset: write it as e.g. {EXAMPLE_INSTANT}")
    return value.astimezone(UTC)


def parse_optional_instant(raw: Any) -> datetime | None:
    """An instant as parse_instant reads it, or None for an empty cell."""
    return parse_instant(raw) if str(raw or "").strip() else None


def parse_word(raw: Any) -> Any:
    """ "News agency", "NEWS_AGENCY" → "news_agency": spreadsheets vary in case and spaces."""
    return raw.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(raw, str) else raw


def parse_country(raw: Any) -> str | None:
    """A country code the web form offers, upper-cased; None for an empty cell."""
    code = str(raw or "").strip().upper()
    if not code:
        return None
    if code not in {value for value, _ in country_options()}:
        raise ValueError(f"{code!r} is not a two-letter ISO 3166 country code, e.g. KZ")
    return code


def parse_language(raw: Any) -> str:
    """One of the languages the web form offers an answer in."""
    code = str(raw or "").strip().lower()
    codes = [value for value, _ in LANGUAGES]
    if code not in codes:
        raise ValueError(f"{code!r} is not one of {', '.join(codes)}")
    return code


def parse_email(raw: Any) -> str | None:
    """The address normalised as the web form does; None for an empty cell."""
    text = str(raw or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(f"{text!r} is not a valid address: {error}") from None


def parse_optional_text(raw: Any) -> str | None:
    """The text without surrounding spaces; None for an empty cell."""
    text = str(raw or "").strip()
    return text or None


Instant = Annotated[datetime, PlainValidator(parse_instant)]
OptionalInstant = Annotated[datetime | None, PlainValidator(parse_optional_instant)]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class ImportRecord(BaseModel):
    """One row of the log, checked as the web form checks a journalist's input."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    received_at: Instant
    name: Text
    outlet: Text
    media_type: Annotated[MediaType, BeforeValidator(parse_word)]
    country: Annotated[str | None, PlainValidator(parse_country)] = None
    email: Annotated[str | None, PlainValidator(parse_email)] = None
    phone: Annotated[str | None, PlainValidator(parse_optional_text)] = None
    language: Annotated[str, PlainValidator(parse_language)]
    request_type: Annotated[RequestType, BeforeValidator(parse_word)]
    topic: Annotated[Topic, BeforeValidator(parse_word)]
    subject: Text
    message: Annotated[str, Field(min_length=1, max_length=5000)]
    deadline: OptionalInstant = None
    first_response_at: OptionalInstant = None
    closed_at: OptionalInstant = None

    @model_validator(mode="after")
    def consistent(self, info: ValidationInfo) -> Self:
        """Rules across cells: a way to reach the journalist, and instants in order."""
        now: datetime = (info.context or {})["now"]
        problems = [*self.contact_problems(), *self.time_problems(now)]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def contact_problems(self) -> list[str]:
        """The phone read with the row's country as a hint, and a way to answer at all."""
        if self.phone:
            try:
                self.phone = phones.normalise(self.phone, self.country)
            except phones.InvalidPhoneNumber as error:
                return [f"phone: {error}"]
        if not self.email and not self.phone:
            return ["email, phone: give at least one, as the web form asks"]
        return []

    def time_problems(self, now: datetime) -> list[str]:
        """Nothing after ``now``, and nothing before the inquiry came in."""
        problems = [f"{name}: is in the future" for name, at in self.history() if at > now]
        for name, at in [("deadline", self.deadline), *self.history()[1:]]:
            if at is not None and at < self.received_at:
                problems.append(f"{name}: is earlier than received_at")
        if self.first_response_at and self.closed_at and self.closed_at < self.first_response_at:
            problems.append("closed_at: is earlier than first_response_at")
        return problems

    def history(self) -> list[tuple[str, datetime]]:
        """The instants of what happened, in the order they must have happened."""
        pairs = [
            ("received_at", self.received_at),
            ("first_response_at", self.first_response_at),
            ("closed_at", self.closed_at),
        ]
        return [(name, at) for name, at in pairs if at is not None]

    def request(self) -> intake.JournalistRequest:
        """The journalist's request, as the intake service takes it from any channel."""
        fields = self.model_dump(exclude={"received_at", "first_response_at", "closed_at"})
        return intake.JournalistRequest(**fields)


@dataclass(frozen=True)
class ImportRow:
    """A checked row and the line of the file it starts on."""

    line: int
    record: ImportRecord


def describe(problem: ErrorDetails) -> str:
    """ "media_type: 'magazine' is not one of …" from pydantic's report of one cell."""
    column = ".".join(str(part) for part in problem["loc"])
    context = problem.get("ctx", {})
    kind = problem["type"]
    if kind == "string_too_short" or kind == "missing":
        message = "is empty"
    elif kind == "string_too_long":
        message = f"is longer than {context['max_length']} characters"
    elif kind == "enum":
        message = f"{problem['input']!r} is not one of {context['expected']}"
    else:
        message = problem["msg"].removeprefix("Value error, ")
    return f"{column}: {message}" if column else message


# --- The file -------------------------------------------------------------------------


def read_file(path: Path, now: datetime) -> list[ImportRow]:
    """Every row of the CSV file at ``path``, checked, or ImportFileError with every problem."""
    try:
        # utf-8-sig: spreadsheets saving "CSV UTF-8" put a byte-order mark first.
        with path.open(encoding="utf-8-sig", newline="") as lines:
            return parse(lines, now)
    except OSError as error:
        raise ImportFileError([f"cannot read {path}: {error.strerror}"]) from None
    except UnicodeDecodeError:
        raise ImportFileError(
            [f"{path.name} is not UTF-8 text: save it from the spreadsheet as CSV UTF-8"]
        ) from None


def parse(lines: Iterable[str], now: datetime) -> list[ImportRow]:
    """Check the header, then every row; raise with all the problems found."""
    reader = csv.reader(lines)
    try:
        columns = check_header(next(reader, None))
        rows: list[ImportRow] = []
        problems: list[str] = []
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # blank lines, or rows of empty cells left by a spreadsheet
            try:
                rows.append(parse_row(start, columns, cells, now))
            except ImportFileError as error:
                problems.extend(error.problems)
    except csv.Error as error:
        raise ImportFileError([f"line {reader.line_num}: not valid CSV: {error}"]) from None
    if problems:
        raise ImportFileError(problems)
    if not rows:
        raise ImportFileError(["the file has a header but no rows to import"])
    return rows


def check_header(header: list[str] | None) -> list[str]:
    """The column names in file order; one clear refusal when some are missing or unknown."""
    expected = ", ".join(COLUMNS)
    if not header:
        raise ImportFileError([f"the file is empty: its first line must be the header: {expected}"])
    columns = [name.strip().lower() for name in header]
    missing = [name for name in COLUMNS if name not in columns and name not in OPTIONAL_COLUMNS]
    unknown = [name or "(a column without a name)" for name in columns if name not in COLUMNS]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    faults = []
    if missing:
        faults.append(f"missing {', '.join(missing)}")
    if unknown:
        faults.append(f"unknown {', '.join(unknown)}")
    if repeated:
        faults.append(f"repeated {', '.join(repeated)}")
    if faults:
        reason = "; ".join(faults)
        raise ImportFileError(
            [f"line 1: the header's columns are wrong ({reason}); expected: {expected}"]
        )
    return columns


def parse_row(line: int, columns: list[str], cells: list[str], now: datetime) -> ImportRow:
    """One row checked; ImportFileError with "line N: …" naming every bad cell."""
    if len(cells) != len(columns):
        raise ImportFileError(
            [f"line {line}: {len(cells)} cells, but the header has {len(columns)}"]
        )
    try:
        record = ImportRecord.model_validate(
            dict(zip(columns, cells, strict=True)), context={"now": now}
        )
    except ValidationError as error:
        reasons = "; ".join(describe(problem) for problem in error.errors())
        raise ImportFileError([f"line {line}: {reasons}"]) from None
    return ImportRow(line, record)


# --- Against the database -------------------------------------------------------------


def already_imported(mission: Mission, rows: Sequence[ImportRow]) -> list[str]:
    """Rows the mission already holds (same instant, name and subject): a second run."""
    known: dict[tuple[datetime, str, str], str] = {}
    instants = sorted({row.record.received_at for row in rows})
    # In chunks: databases cap the number of parameters in one statement.
    for start in range(0, len(instants), 500):
        found = db.session.execute(
            select(Inquiry.received_at, Inquiry.name, Inquiry.subject, Inquiry.reference).where(
                Inquiry.mission_id == mission.id,
                Inquiry.received_at.in_(instants[start : start + 500]),
            )
        )
        known.update({(at, name, subject): ref for at, name, subject, ref in found})
    problems = []
    for row in rows:
        key = (row.record.received_at, row.record.name, row.record.subject)
        if key in known:
            problems.append(f"line {row.line}: already in {mission.slug} as {known[key]}")
    return problems


@dataclass(frozen=True)
class Imported:
    """Where a row went."""

    row: ImportRow
    inquiry: Inquiry


def write(
    mission: Mission, rows: Sequence[ImportRow], *, source: str, now: datetime
) -> list[Imported]:
    """Receive every row as of its own instant, oldest first, and replay its history.

    Oldest first, so that within the import references follow the order of receipt.
    """
    done = []
    for row in sorted(rows, key=lambda row: (row.record.received_at, row.line)):
        record = row.record
        receipt = intake.receive(
            mission, record.request(), channel=Channel.IMPORT, received_at=record.received_at
        )
        inquiry = receipt.inquiry
        replay(inquiry, record)
        timeline.record(
            inquiry, "imported", f"Imported from {source}, line {row.line}", at=now, line=row.line
        )
        done.append(Imported(row, inquiry))
    db.session.flush()
    return done


def replay(inquiry: Inquiry, record: ImportRecord) -> None:
    """What the row says happened, written as the desk's services write it."""
    if record.first_response_at is not None:
        respond(inquiry, record.first_response_at)
    if record.closed_at is not None:
        close(inquiry, record.closed_at)
    # The closed tab lists the latest change first: that is the row's last event, not
    # the day of the import, or the old log would push every recent inquiry down.
    inquiry.updated_at = record.history()[-1][1]


def respond(inquiry: Inquiry, at: datetime) -> None:
    """The first response: the clock stops, and the inquiry is in progress."""
    inquiry.first_response_at = at
    inquiry.status = Status.IN_PROGRESS
    status_changes.set_clock(inquiry, response_clock.stop(status_changes.clock_state(inquiry)))
    timeline.record(
        inquiry, "response", "Responded (from the imported log)", at=at, public=True, first=True
    )


def close(inquiry: Inquiry, at: datetime) -> None:
    """The close: the closed_at milestone, the clock stopped, and the status event."""
    previous = inquiry.status
    inquiry.status = Status.CLOSED
    inquiry.closed_at = inquiry.finished_at = at
    status_changes.set_clock(inquiry, response_clock.stop(status_changes.clock_state(inquiry)))
    moved: dict[str, Any] = {"from": previous.value, "to": Status.CLOSED.value}
    timeline.record(inquiry, "status", PUBLIC_STATUS[Status.CLOSED], at=at, public=True, **moved)
