"""Mail as people read it: subject, plain text and HTML, rendered from ``templates/mail/``.

A message kind has ``mail/<kind>.txt`` (which sets ``subject``) and ``mail/<kind>.html``,
written with ``_()`` and rendered with the reader's language forced, whatever the language
of the request that queues it (a Russian page may notify an English-reading officer).
A kind may instead have one file per language, ``mail/<kind>.<language>.txt``; English
is the fallback when a language has no translation. Messages are rendered when they are
queued and stored whole in the outbox, so the sender needs neither the request nor the
inquiry to send them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parseaddr
from functools import cache
from typing import Any

from babel.dates import format_datetime
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale

from tracker.formatting import format_instant, in_zone, offset_label
from tracker.i18n import LANGUAGES

# Languages with a catalogue for the journalist's mail; the rest get English.
TRANSLATED = frozenset(LANGUAGES)
FALLBACK = "en"


@dataclass(frozen=True)
class Rendered:
    """One message, ready for the outbox."""

    subject: str
    text: str
    html: str


def language_for(preferred: str | None) -> str:
    """The language to write in: the person's own when a translation exists."""
    code = (preferred or "").lower()
    return code if code in TRANSLATED else FALLBACK


def render(kind: str, language: str = FALLBACK, **context: Any) -> Rendered:
    """Render ``kind`` in ``language`` (or English) with ``context``."""
    env = current_app.jinja_env
    names = [f"mail/{kind}.{language}", f"mail/{kind}", f"mail/{kind}.{FALLBACK}"]
    text_template = env.select_template([f"{name}.txt" for name in names])
    html_template = env.select_template([f"{name}.html" for name in names])
    context = {"language": language, **context}
    with force_locale(language):
        module = text_template.make_module(context)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        text, html = str(module).strip() + "\n", html_template.render(context)
    if not subject:
        raise LookupError(f"{text_template.name} sets no subject")
    # Subjects carry journalists' text; one line, and within the column's 300 characters.
    return Rendered(subject[:300], text, html)


def when(instant: datetime | None, zone: str, language: str = FALLBACK) -> str:
    """An instant in ``zone`` for a reader of ``language``, with the zone named."""
    if instant is None:
        return ""
    if language == FALLBACK:
        return format_instant(instant, zone, FALLBACK)
    local = in_zone(instant, zone)
    words = format_datetime(local, "d MMMM y, HH:mm", locale=language)
    return f"{words} ({zone}, {offset_label(local)})"


@cache
def warn_no_server_name() -> None:
    """Say it once per process: a command queuing a hundred mails needs one warning."""
    current_app.logger.warning("SERVER_NAME is not set: mail links have no host")


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute address for a mail.

    Within a request the request's host is used; commands (reminders, digest) need
    SERVER_NAME. Without either, the path alone still tells the reader where to go.
    """
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for(endpoint, _external=True, **values)
    warn_no_server_name()
    return current_app.url_map.bind("localhost").build(endpoint, values)


def build_email(
    *, sender: str, to: str, subject: str, text: str, html: str, message_id: str
) -> EmailMessage:
    """A multipart/alternative mail: plain text first, HTML preferred by mail programs."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = to
    email["Subject"] = subject
    # The same Message-ID on every attempt lets receiving systems drop a repeated copy.
    email["Message-ID"] = message_id
    email.set_content(text)
    email.add_alternative(html, subtype="html")
    return email


def message_id_for(outbox_id: int, created_at: datetime, sender: str) -> str:
    """A Message-ID that is the same on every attempt to send one outbox row.

    The creation instant keeps it unique across databases that reuse the same ids.
    """
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<outbox.{outbox_id}.{created_at:%Y%m%d%H%M%S%f}@{domain}>"
