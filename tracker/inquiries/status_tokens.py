"""Private status tokens: unguessable, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A fresh token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps: a leaked table does not reveal working links.

    Lookups go by this hash, so no comparison ever runs over the secret itself, and none
    needs ``hmac.compare_digest``: the database's index compares the hash of a guess with
    stored hashes, and however much its timing told about how far a stored hash matched,
    that hash is useless without a token that hashes to it (SHA-256 has no known
    preimages). The tokens are 256 random bits from ``secrets``, so guessing is hopeless,
    and the status page is rate-limited besides (tracker/ratelimit.py).
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
