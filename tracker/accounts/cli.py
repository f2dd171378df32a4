"""``flask --app tracker users ...``: create, list, change and deactivate accounts."""

from __future__ import annotations

import sys
from datetime import datetime

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import AppGroup
from sqlalchemy import select

from tracker import clock
from tracker.accounts import api_tokens, passwords, staff
from tracker.choices import Role
from tracker.commands import commit, refused_in_one_line
from tracker.extensions import db
from tracker.models import ApiToken, Contact, User
from tracker.models.users import HOME_TIMEZONE
from tracker.refusals import Refused

users_cli = AppGroup(
    "users", help="Create, list, change and deactivate press office accounts; API tokens."
)

ROLE_NAMES = ", ".join(role.value for role in Role)
NAME_MAX = 200


@users_cli.command("create")
@click.argument("email")
@click.option("--role", "role_name", required=True, metavar="ROLE", help=f"One of {ROLE_NAMES}.")
@click.option("--name", required=True, help="The person's name, as colleagues see it.")
@click.option(
    "--contact", "contact_key", metavar="KEY", help="Link to this public contact (its key)."
)
def create_command(email: str, role_name: str, name: str, contact_key: str | None) -> None:
    """Create an account with a password read from standard input.

    Pipe the password in (printf '%s' "$PASSWORD" | flask --app tracker users create ...);
    at a terminal it is asked for twice, hidden. It needs at least 12 characters and must
    be hard to guess.
    """
    address = valid_email(email)
    role = parse_role(role_name)
    if staff.find_user(address) is not None:
        raise click.ClickException(f"a user with email {address} already exists")
    contact = find_contact(contact_key) if contact_key else None
    name = valid_name(name)
    password = read_password()
    problem = passwords.password_problem(password, [address, name])
    if problem:
        raise click.ClickException(f"password refused: {problem}")
    values = staff.AccountValues(name=name, role=role, contact=contact, timezone=HOME_TIMEZONE)
    staff.create_user(None, address, password, values)
    commit()
    click.echo(f"Created {address} ({role.label}).")


@users_cli.command("list")
def list_command() -> None:
    """List accounts: email, name, role, state, contact, last login."""
    users = db.session.scalars(select(User).order_by(User.email)).all()
    if not users:
        click.echo(
            "No users yet. Create the first admin: flask --app tracker users create "
            "EMAIL --role admin --name NAME"
        )
    for user in users:
        state = "active" if user.active else "deactivated"
        contact = user.contact.key if user.contact else "-"
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "never"
        click.echo(f"{user.email}\t{user.name}\t{user.role.value}\t{state}\t{contact}\t{last}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role_name", metavar="ROLE")
def set_role_command(email: str, role_name: str) -> None:
    """Give an account another role: press_officer, manager or admin."""
    role = parse_role(role_name)
    user = existing_user(email)
    values = staff.AccountValues(user.name, role, user.contact, user.timezone)
    try:
        staff.update_user(None, user, values)
    except Refused as refused:
        raise refused_in_one_line(refused) from None
    commit()
    click.echo(f"{user.email} is now {role.label}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account: no more logins; its sessions end now."""
    user = existing_user(email)
    try:
        staff.deactivate_user(None, user)
    except Refused as refused:
        raise refused_in_one_line(refused) from None
    commit()
    click.echo(f"Deactivated {user.email}; every session of theirs has ended.")


@users_cli.command("token")
@click.argument("email")
@click.option("--label", default="", help="What the token is for, e.g. the tool that uses it.")
def token_command(email: str, label: str) -> None:
    """Make an API token for an account and print it, this once only.

    The token alone goes to standard output (TOKEN=$(flask --app tracker users token ...));
    the note about it goes to standard error. Send it as "Authorization: Bearer <token>"
    to /api/v1; it can do what the account's role allows.
    """
    user = existing_user(email)
    try:
        record, token = api_tokens.create(user, clock.now(), label)
    except api_tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    commit()
    named = f" ({record.label})" if record.label else ""
    click.echo(
        f"New API token {record.prefix}…{named} for {user.email}. It is shown only this once: "
        "store it now.",
        err=True,
    )
    click.echo(token)


@users_cli.command("tokens")
@click.argument("email")
def tokens_command(email: str) -> None:
    """List an account's API tokens: prefix, label, created, last used, revoked."""
    user = existing_user(email)
    records = api_tokens.tokens_of(user)
    if not records:
        click.echo(f"{user.email} has no API tokens. Make one: flask --app tracker users token")
    for record in records:
        click.echo(token_line(record))


def token_line(record: ApiToken) -> str:
    """One token, tab-separated, times in UTC to the minute."""
    created = minutes(record.created_at)
    used = minutes(record.last_used_at) if record.last_used_at else "never used"
    revoked = f"revoked {minutes(record.revoked_at)}" if record.revoked_at else "active"
    return f"{record.prefix}\t{record.label or '-'}\t{created}\t{used}\t{revoked}"


def minutes(instant: datetime) -> str:
    """ "2015-01-20T04:00+00:00": an instant as the users commands show it."""
    return instant.isoformat(timespec="minutes")


@users_cli.command("revoke-token")
@click.argument("prefix")
def revoke_token_command(prefix: str) -> None:
    """Revoke an API token, named by its prefix (see users tokens): it stops working now."""
    try:
        record = api_tokens.revoke(prefix, clock.now())
    except api_tokens.TokenError as error:
        raise click.ClickException(str(error)) from None
    commit()
    click.echo(f"Revoked token {record.prefix} of {record.user.email}.")


def valid_email(email: str) -> str:
    """The address, normalised and lower-cased, or a one-line refusal."""
    try:
        normalized = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.ClickException(f"invalid email {email!r}: {error}") from None
    # Stored lower-cased so that one person cannot get two accounts by capitals alone.
    return normalized.lower()


def valid_name(name: str) -> str:
    """The name without surrounding spaces; refused when empty or too long."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise click.ClickException(f"--name must be 1 to {NAME_MAX} characters")
    return name


def parse_role(name: str) -> Role:
    """The role called ``name``, or a refusal that lists the roles."""
    try:
        return Role(name.strip().lower())
    except ValueError:
        raise click.ClickException(f"unknown role {name!r}: choose {ROLE_NAMES}") from None


def find_contact(key: str) -> Contact:
    """The contact with this key, or a refusal."""
    contact = db.session.scalars(select(Contact).where(Contact.key == key)).first()
    if contact is None:
        raise click.ClickException(
            f"unknown contact key {key!r}: the keys are in the mission files ([[contacts]] key)"
        )
    return contact


def existing_user(email: str) -> User:
    """The account with this address, or a refusal."""
    user = staff.find_user(email)
    if user is None:
        raise click.ClickException(f"no user with email {email.strip()}")
    return user


def read_password() -> str:
    """The password: piped on standard input, or typed twice, hidden, at a terminal."""
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    text = sys.stdin.read()
    # `echo` ends the line with a newline that is not part of the password.
    password = text.removesuffix("\n").removesuffix("\r")
    if not password:
        raise click.ClickException(
            "no password on standard input: printf '%s' \"$PASSWORD\" | flask --app tracker "
            "users create ..."
        )
    if "\n" in password or "\r" in password:
        raise click.ClickException("the password on standard input must be a single line")
    return password
