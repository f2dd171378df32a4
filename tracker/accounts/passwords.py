"""Passwords: hashing, checking, and the rule for a password good enough to set. No Flask."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 12
# zxcvbn's scale: 3 is "safely unguessable: moderate protection from offline attacks".
MIN_SCORE = 3
# zxcvbn refuses longer input (its matching grows fast with length); a password strong in
# its first 72 characters is strong.
ZXCVBN_MAX_LENGTH = 72


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` (werkzeug's current default)."""
    return generate_password_hash(password, method="scrypt")


@cache
def dummy_hash() -> str:
    """A hash of a random password, checked when there is no account to check against."""
    return hash_password(secrets.token_hex(16))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``.

    With no hash (no such account, or no password set) a dummy hash is still checked, so
    the answer takes as long as for a real account and timing does not reveal which
    addresses have one.
    """
    if not stored_hash:
        check_password_hash(dummy_hash(), password)
        return False
    return check_password_hash(stored_hash, password)


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` is refused, in one sentence; None when it is good enough.

    ``user_inputs`` (the person's email and name) count as easy to guess.
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters (this password has {len(password)})."
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=list(user_inputs))
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result["feedback"]
    reason = " ".join(part for part in [feedback["warning"], *feedback["suggestions"]] if part)
    return reason or "This password is too easy to guess."
