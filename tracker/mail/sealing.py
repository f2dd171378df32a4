"""Sealing the one secret a queued mail carries: the journalist's status token.

The database keeps status tokens only as hashes, so that a leaked table opens no status
page. The acknowledgement must carry the link all the same, and it waits in the outbox
until it is sent; so its bodies hold a placeholder, and the token waits beside them
encrypted (Fernet) with a key derived from SECRET_KEY, which is never in the database.
The sender puts the token in place just before sending and drops it once sent.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Stands for the token in a stored body. URL-safe, so url_for leaves it as it is, and
# never a real token (those are 43 characters long).
PLACEHOLDER = "sealed-status-token"
# Separates this key from every other use of SECRET_KEY (sessions, CSRF).
CONTEXT = b"tracker outbox sealed secret v1"


class CannotUnseal(Exception):
    """The sealed secret does not open with this SECRET_KEY (was it changed?)."""


class Sealer:
    """Encrypts and decrypts with a key derived from the application's SECRET_KEY."""

    def __init__(self, secret_key: str | bytes) -> None:
        raw = secret_key.encode() if isinstance(secret_key, str) else secret_key
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=CONTEXT).derive(raw)
        self.fernet = Fernet(base64.urlsafe_b64encode(derived))

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Sealer:
        return cls(config["SECRET_KEY"])

    def seal(self, secret: str) -> str:
        """The secret encrypted and authenticated, as text for the database."""
        return self.fernet.encrypt(secret.encode()).decode("ascii")

    def unseal(self, sealed: str) -> str:
        """The secret again; CannotUnseal if it was sealed under another key or altered."""
        try:
            return self.fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            message = "the sealed status link does not open: was SECRET_KEY changed?"
            raise CannotUnseal(message) from None

    def fill(self, body: str, sealed: str | None) -> str:
        """``body`` with the placeholder replaced by the secret, ready to send or read."""
        if sealed is None or PLACEHOLDER not in body:
            return body
        return body.replace(PLACEHOLDER, self.unseal(sealed))
