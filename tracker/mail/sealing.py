"""Sealing the secrets a queued mail carries: the journalist's status token and short code.

The database keeps status tokens and short codes only as hashes, so that a leaked table
opens no status page. The acknowledgement must carry them all the same, and it waits in
the outbox until it is sent; so its bodies hold placeholders, and the secrets wait beside
them encrypted (Fernet) with a key derived from SECRET_KEY, which is never in the
database. The sender puts them in place just before sending and drops them once sent.

The sealed text is the token, then a line break and the code (a token alone: a mail
queued before short codes existed).
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
# Stands for the short code in a stored body (never a real code: those have a reference).
CODE_PLACEHOLDER = "sealed-short-code"
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

    def seal(self, secret: str, code: str | None = None) -> str:
        """The secret (and the short code, if any) encrypted and authenticated, as text for
        the database."""
        plain = secret if code is None else f"{secret}\n{code}"
        return self.fernet.encrypt(plain.encode()).decode("ascii")

    def unseal(self, sealed: str) -> str:
        """The secret again; CannotUnseal if it was sealed under another key or altered."""
        try:
            return self.fernet.decrypt(sealed.encode("ascii")).decode()
        except (InvalidToken, ValueError):
            message = "the sealed status link does not open: was SECRET_KEY changed?"
            raise CannotUnseal(message) from None

    def fill(self, body: str, sealed: str | None) -> str:
        """``body`` with the placeholders replaced by the secrets, ready to send or read."""
        if sealed is None or (PLACEHOLDER not in body and CODE_PLACEHOLDER not in body):
            return body
        token, _, code = self.unseal(sealed).partition("\n")
        filled = body.replace(PLACEHOLDER, token)
        return filled.replace(CODE_PLACEHOLDER, code) if code else filled
