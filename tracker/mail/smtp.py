"""Talking to the mail server with smtplib, configured by the usual MAIL_* settings."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType
from typing import Any

# Seconds to wait for the server on each exchange; well inside outbox.LEASE.
TIMEOUT = 60


class ServerUnavailable(Exception):
    """The server cannot be reached or refuses us as a client: no mail will go now."""


class Rejected(Exception):
    """The server refused this one mail; ``permanent`` for a 5xx answer."""

    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send, from the application's MAIL_* settings."""

    server: str | None
    port: int
    use_tls: bool
    use_ssl: bool
    username: str | None
    password: str | None
    sender: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        return cls(
            server=config.get("MAIL_SERVER") or None,
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config.get("MAIL_USE_TLS")),
            use_ssl=bool(config.get("MAIL_USE_SSL")),
            username=config.get("MAIL_USERNAME") or None,
            password=config.get("MAIL_PASSWORD") or None,
            sender=str(config["MAIL_DEFAULT_SENDER"]),
        )


class SmtpTransport:
    """One connection, opened on the first mail and reused for the rest of a round."""

    def __init__(self, settings: SmtpSettings) -> None:
        if not settings.server:
            raise ValueError("MAIL_SERVER is not set")
        self.settings = settings
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, email: EmailMessage) -> None:
        """Hand one mail to the server; raises ServerUnavailable or Rejected."""
        connection = self.connect()
        try:
            refused = connection.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            raise Rejected(describe(error), permanent=all(c >= 500 for c in codes)) from error
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            raise Rejected(describe(error), permanent=error.smtp_code >= 500) from error
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise ServerUnavailable(describe(error)) from error
        if refused:
            # Our mails have one recipient each, so a partial refusal cannot happen; keep
            # the answer if it ever does.
            raise Rejected(f"refused: {refused}", permanent=False)

    def connect(self) -> smtplib.SMTP:
        """The open connection, or a new one: TLS and login as configured."""
        if self.connection is not None:
            return self.connection
        settings = self.settings
        host = settings.server or ""
        try:
            if settings.use_ssl:
                context = ssl.create_default_context()
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    host, settings.port, timeout=TIMEOUT, context=context
                )
            else:
                connection = smtplib.SMTP(host, settings.port, timeout=TIMEOUT)
            self.connection = connection
            if settings.use_tls:
                connection.starttls(context=ssl.create_default_context())
            if settings.username:
                connection.login(settings.username, settings.password or "")
        except (smtplib.SMTPException, OSError) as error:
            self.close()
            raise ServerUnavailable(f"{host}:{settings.port}: {describe(error)}") from error
        return connection

    def close(self) -> None:
        """Say goodbye if the server still listens; forget the connection either way."""
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


def describe(error: BaseException) -> str:
    """An error in one line for last_error: the class and what it says."""
    text = " ".join(str(error).split()) or "no details"
    return f"{type(error).__name__}: {text}"
