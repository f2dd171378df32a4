"""``flask --app tracker users ...``: accounts made and changed from the command line."""

from __future__ import annotations

from collections.abc import Callable

import click.testing
import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from tracker.extensions import db
from tracker.models import AuditEvent, Mission, User

GOOD = "pale ink harbour seventy 3"


def invoke(runner: FlaskCliRunner, *args: str, password: str | None = GOOD) -> Result:
    """Run ``flask --app tracker users ...`` with ``password`` piped to standard input."""
    return runner.invoke(args=["users", *args], input=password)


def create(
    runner: FlaskCliRunner, email: str = "ada@example.org", password: str | None = GOOD
) -> Result:
    """Create an admin, Ada Admin."""
    args = ["create", email, "--role", "admin", "--name", "Ada Admin"]
    return invoke(runner, *args, password=password)


def error_line(result: Result) -> str:
    """The one line a failed command printed; fails unless it failed with one line."""
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


def can_log_in(app: Flask, email: str, password: str) -> bool:
    response = app.test_client().post("/login", data={"email": email, "password": password})
    return response.status_code == 303


def test_create_reads_the_password_from_standard_input(app: Flask, runner: FlaskCliRunner) -> None:
    result = create(runner)
    assert result.exit_code == 0, result.output
    assert "Created ada@example.org (Admin)." in result.output
    assert GOOD not in result.output
    assert can_log_in(app, "ada@example.org", GOOD)


def test_a_trailing_newline_from_echo_is_not_part_of_the_password(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = invoke(
        runner,
        "create",
        "ada@example.org",
        "--role",
        "admin",
        "--name",
        "Ada",
        password=GOOD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert can_log_in(app, "ada@example.org", GOOD)


def test_at_a_terminal_the_password_is_asked_twice_and_not_echoed(
    app: Flask, runner: FlaskCliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CliRunner's stdin is never a terminal; make it claim to be one.
    monkeypatch.setattr(click.testing._NamedTextIOWrapper, "isatty", lambda self: True)
    result = create(runner, "ada@example.org", password=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert GOOD not in result.output
    assert can_log_in(app, "ada@example.org", GOOD)


def test_the_address_is_stored_lower_cased(runner: FlaskCliRunner) -> None:
    assert create(runner, "Ada.Admin@Example.ORG").exit_code == 0
    assert "ada.admin@example.org\tAda Admin\tadmin\tactive" in invoke(runner, "list").output


def test_create_links_a_contact(runner: FlaskCliRunner, mission: Mission) -> None:
    result = invoke(
        runner,
        "create",
        "leila@example.org",
        "--role",
        "press_officer",
        "--name",
        "Leila Duisekova",
        "--contact",
        "leila-duisekova",
    )
    assert result.exit_code == 0, result.output
    listed = invoke(runner, "list").output
    assert (
        "leila@example.org\tLeila Duisekova\tpress_officer\tactive\tleila-duisekova\tnever"
        in listed
    )


@pytest.mark.parametrize(
    ("args", "password", "reason"),
    [
        (["--role", "boss"], GOOD, "unknown role 'boss': choose press_officer, manager, admin"),
        (["--contact", "nobody"], GOOD, "unknown contact key 'nobody'"),
        ([], "short pass", "Use at least 12 characters (this password has 10)."),
        ([], "password1234", "This is a very common password."),
        ([], "ada@example.org!", "password refused:"),
        ([], "", "no password on standard input"),
        ([], f"{GOOD}\n{GOOD}\n", "must be a single line"),
    ],
)
def test_create_refuses_bad_input_with_one_line(
    runner: FlaskCliRunner, args: list[str], password: str, reason: str
) -> None:
    options = {"--role": "admin", "--name": "Ada Admin"}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    flat = [part for pair in options.items() for part in pair]
    result = invoke(runner, "create", "ada@example.org", *flat, password=password)
    assert reason in error_line(result)
    assert user_count() == 0


@pytest.mark.parametrize("email", ["not-an-address", "ada@@example.org", "ada@localhost"])
def test_create_refuses_an_invalid_email(runner: FlaskCliRunner, email: str) -> None:
    assert f"invalid email {email!r}" in error_line(create(runner, email))
    assert user_count() == 0


def test_create_refuses_a_duplicate_email_whatever_its_case(runner: FlaskCliRunner) -> None:
    assert create(runner, "ada@example.org").exit_code == 0
    line = error_line(create(runner, "ADA@example.org"))
    assert "a user with email ada@example.org already exists" in line
    assert user_count() == 1


def test_list_without_users_says_how_to_start(runner: FlaskCliRunner) -> None:
    result = invoke(runner, "list")
    assert result.exit_code == 0
    assert "users create EMAIL --role admin" in result.output


def test_set_role(app: Flask, runner: FlaskCliRunner) -> None:
    create(runner)
    result = invoke(runner, "set-role", "ada@example.org", "manager")
    assert result.exit_code == 0, result.output
    assert "ada@example.org is now Manager." in result.output
    assert "\tmanager\t" in invoke(runner, "list").output


def test_set_role_refuses_unknown_user_and_role(runner: FlaskCliRunner) -> None:
    create(runner)
    assert "no user with email bob@example.org" in error_line(
        invoke(runner, "set-role", "bob@example.org", "manager")
    )
    assert "unknown role 'chief'" in error_line(
        invoke(runner, "set-role", "ada@example.org", "chief")
    )


def test_deactivate_stops_logins(app: Flask, runner: FlaskCliRunner) -> None:
    create(runner)
    result = invoke(runner, "deactivate", "ada@example.org")
    assert result.exit_code == 0, result.output
    assert "\tdeactivated\t" in invoke(runner, "list").output
    assert not can_log_in(app, "ada@example.org", GOOD)


def test_deactivate_refuses_an_unknown_user(runner: FlaskCliRunner) -> None:
    assert "no user with email bob@example.org" in error_line(
        invoke(runner, "deactivate", "bob@example.org")
    )


def test_the_commands_are_audited_like_the_admin_pages(runner: FlaskCliRunner) -> None:
    """The same services as /admin/users, with the system as the actor."""
    create(runner)
    assert invoke(runner, "set-role", "ada@example.org", "manager").exit_code == 0
    assert invoke(runner, "deactivate", "ada@example.org").exit_code == 0
    trail = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_user_id) for e in trail] == [
        ("created", None),
        ("updated", None),
        ("deactivated", None),
    ]
    assert trail[1].summary == "ada@example.org: role from Admin to Manager"


def test_the_commands_are_refused_what_the_admin_pages_refuse(runner: FlaskCliRunner) -> None:
    create(runner)
    assert invoke(runner, "deactivate", "ada@example.org").exit_code == 0
    again = invoke(runner, "deactivate", "ada@example.org")
    assert error_line(again) == "Error: ada@example.org is already deactivated."


def test_list_shows_the_last_login(
    app: Flask,
    runner: FlaskCliRunner,
    set_now: Callable[..., object],
) -> None:
    create(runner)
    set_now("2015-01-20T10:00:00+06:00")
    assert can_log_in(app, "ada@example.org", GOOD)
    assert "\t2015-01-20T04:00+00:00" in invoke(runner, "list").output


@pytest.mark.parametrize("command", ["create", "list", "set-role", "deactivate"])
def test_every_command_explains_itself(runner: FlaskCliRunner, command: str) -> None:
    result = invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and "Show this message and exit." in result.output
