"""Private status tokens: unguessable, shown once, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A fresh token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps: a leaked table does not reveal working links.

    Lookups go by this hash, so no comparison ever runs over the secret itself.
    """
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
