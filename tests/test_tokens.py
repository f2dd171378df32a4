"""API tokens: made by ``users token``, shown once, stored hashed, accepted as
``Authorization: Bearer …`` on /api/v1 only, and revocable."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

import pytest
from click.testing import Result
from flask import Flask, jsonify
from flask.testing import FlaskClient, FlaskCliRunner
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from werkzeug.test import TestResponse

from tracker.accounts import api_tokens
from tracker.auth.policy import require_role
from tracker.choices import Role
from tracker.extensions import db
from tracker.models import ApiToken, User

NOW = "2015-01-20T10:00:00+06:00"


def users(runner: FlaskCliRunner, *args: str) -> Result:
    return runner.invoke(args=["users", *args])


def error_line(result: Result) -> str:
    """The one line a failed command printed; fails unless it failed with one line."""
    assert result.exit_code != 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: ")
    return lines[0]


def new_token(user: User, label: str = "") -> str:
    """A token for ``user``, committed, in clear."""
    _, token = api_tokens.create(user, datetime.fromisoformat(NOW), label)
    db.session.commit()
    return token


def get_me(client: FlaskClient, token: str, path: str = "/api/v1/me") -> TestResponse:
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def stored(token: str) -> ApiToken:
    """The token's row as the database has it now."""
    db.session.expire_all()
    digest = hashlib.sha256(token.encode()).hexdigest()
    return db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).one()


@pytest.fixture
def ada(make_user: Callable[..., User]) -> User:
    return make_user(role=Role.MANAGER, email="ada@example.org", name="Ada Manager")


# --- The command ----------------------------------------------------------------------


def test_token_is_printed_once_and_stored_only_as_its_hash(
    runner: FlaskCliRunner, ada: User
) -> None:
    result = users(runner, "token", "ada@example.org", "--label", "newsroom dashboard")
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("trk_") and len(token) >= 40
    assert "shown only this once" in result.stderr
    assert token not in result.stderr
    record = stored(token)
    assert record.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert record.prefix == token[: api_tokens.PREFIX_LENGTH]
    assert record.label == "newsroom dashboard"
    assert record.user_id == ada.id
    # Nowhere in the row is the token itself.
    assert token not in {record.token_hash, record.prefix, record.label}


def test_each_token_is_new(runner: FlaskCliRunner, ada: User) -> None:
    first = users(runner, "token", "ada@example.org").stdout.strip()
    second = users(runner, "token", "ada@example.org").stdout.strip()
    assert first != second


def test_tokens_lists_prefix_label_created_last_used_and_revoked(
    runner: FlaskCliRunner, client: FlaskClient, ada: User, set_now: Callable[..., datetime]
) -> None:
    set_now(NOW)
    used = new_token(ada, "dashboard")
    unused = new_token(ada)
    get_me(client, used)
    assert users(runner, "revoke-token", unused[: api_tokens.PREFIX_LENGTH]).exit_code == 0
    lines = users(runner, "tokens", "ada@example.org").output.strip().splitlines()
    assert lines == [
        f"{used[:12]}\tdashboard\t2015-01-20T04:00+00:00\t2015-01-20T04:00+00:00\tactive",
        f"{unused[:12]}\t-\t2015-01-20T04:00+00:00\tnever used\trevoked 2015-01-20T04:00+00:00",
    ]


def test_tokens_of_an_account_without_any_says_how_to_make_one(
    runner: FlaskCliRunner, ada: User
) -> None:
    result = users(runner, "tokens", "ada@example.org")
    assert result.exit_code == 0
    assert "has no API tokens" in result.output


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["token", "bob@example.org"], "no user with email bob@example.org"),
        (["token", "ada@example.org", "--label", "x" * 101], "at most 100 characters"),
        (["tokens", "bob@example.org"], "no user with email bob@example.org"),
        (["revoke-token", "trk_nothing"], "no token with prefix 'trk_nothing'"),
    ],
)
def test_commands_refuse_bad_input_with_one_line(
    runner: FlaskCliRunner, ada: User, args: list[str], reason: str
) -> None:
    assert reason in error_line(users(runner, *args))
    assert db.session.scalars(select(ApiToken)).all() == []


def test_a_deactivated_account_gets_no_token(runner: FlaskCliRunner, ada: User) -> None:
    assert users(runner, "deactivate", "ada@example.org").exit_code == 0
    assert "is deactivated" in error_line(users(runner, "token", "ada@example.org"))


def test_revoking_twice_is_refused(runner: FlaskCliRunner, ada: User) -> None:
    token = new_token(ada)
    first = users(runner, "revoke-token", token[:12])
    assert first.exit_code == 0, first.output
    assert f"Revoked token {token[:12]} of ada@example.org." in first.output
    assert "already revoked" in error_line(users(runner, "revoke-token", token[:12]))


def test_the_whole_token_also_names_it_for_revocation(runner: FlaskCliRunner, ada: User) -> None:
    token = new_token(ada)
    assert users(runner, "revoke-token", token).exit_code == 0
    assert stored(token).revoked_at is not None


@pytest.mark.parametrize("command", ["token", "tokens", "revoke-token"])
def test_every_token_command_explains_itself(runner: FlaskCliRunner, command: str) -> None:
    result = users(runner, command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


# --- Bearer authentication ------------------------------------------------------------


def test_a_token_authenticates_api_requests_without_a_session_cookie(
    client: FlaskClient, ada: User, set_now: Callable[..., datetime]
) -> None:
    set_now(NOW)
    token = new_token(ada)
    response = get_me(client, token)
    assert response.status_code == 200
    assert response.get_json() == {
        "email": "ada@example.org",
        "name": "Ada Manager",
        "role": "manager",
    }
    assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None
    # The next request without the header is anonymous again: nothing was remembered.
    assert client.get("/api/v1/me").status_code == 401


def test_use_is_recorded_at_most_once_a_minute(
    client: FlaskClient, ada: User, set_now: Callable[..., datetime]
) -> None:
    token = new_token(ada)
    assert stored(token).last_used_at is None
    first = set_now("2015-01-20T10:00:00+06:00")
    get_me(client, token)
    assert stored(token).last_used_at == first
    set_now("2015-01-20T10:00:30+06:00")
    get_me(client, token)
    assert stored(token).last_used_at == first
    later = set_now("2015-01-20T10:05:00+06:00")
    get_me(client, token)
    assert stored(token).last_used_at == later


@pytest.mark.parametrize(
    "header",
    [
        "Bearer trk_not-a-token-anyone-was-given",
        "Bearer ",
        "Basic YWRhOnBhc3N3b3Jk",
        "trk_no-scheme",
    ],
)
def test_unknown_or_malformed_credentials_get_401_json(
    client: FlaskClient, ada: User, header: str
) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.is_json and "error" in response.get_json()


def test_a_revoked_token_gets_401_json(
    client: FlaskClient, runner: FlaskCliRunner, ada: User
) -> None:
    token = new_token(ada)
    assert get_me(client, token).status_code == 200
    assert users(runner, "revoke-token", token[:12]).exit_code == 0
    response = get_me(client, token)
    assert response.status_code == 401
    assert response.is_json and "error" in response.get_json()


def test_a_deactivated_users_token_gets_401_json(
    client: FlaskClient, runner: FlaskCliRunner, ada: User
) -> None:
    token = new_token(ada)
    assert users(runner, "deactivate", "ada@example.org").exit_code == 0
    response = get_me(client, token)
    assert response.status_code == 401
    assert response.is_json and "error" in response.get_json()


def test_the_scheme_name_is_case_insensitive(client: FlaskClient, ada: User) -> None:
    token = new_token(ada)
    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_pages_for_people_ignore_tokens(client: FlaskClient, ada: User) -> None:
    token = new_token(ada)
    response = get_me(client, token, path="/queue")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/queue")


def test_a_token_can_do_what_its_users_role_allows_and_no_more(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """Tried on a manager-only /api/v1 route added for the test (the real ones may change)."""

    @require_role(Role.MANAGER)
    def managers_only() -> ResponseReturnValue:
        return jsonify(ok=True)

    app.add_url_rule("/api/v1/test-managers-only", view_func=managers_only)
    officer = new_token(make_user(role=Role.PRESS_OFFICER))
    manager = new_token(make_user(role=Role.MANAGER))
    assert get_me(client, officer).status_code == 200
    assert get_me(client, officer, path="/api/v1/test-managers-only").status_code == 403
    assert get_me(client, manager, path="/api/v1/test-managers-only").status_code == 200
