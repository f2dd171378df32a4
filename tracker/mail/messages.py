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
from typing import Any

from babel.dates import format_datetime
from babel.support import NullTranslations, Translations
from flask import current_app
from flask_babel import force_locale, get_translations
from jinja2 import Template
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from tracker.formatting import format_instant, in_zone, offset_label
from tracker.i18n import LANGUAGES
from tracker.inquiries.sensitivity import readable

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
    text_template, html_template = templates_for(kind, language)
    with force_locale(language):
        context = {
            "language": language,
            "readable": readable,
            **gettext_callables(get_translations()),
            **context,
        }
        module = text_template.make_module(context)
        subject = " ".join(str(getattr(module, "subject", "")).split())
        text, html = str(module).strip() + "\n", html_template.render(context)
    if not subject:
        raise LookupError(f"{text_template.name} sets no subject")
    # Subjects carry journalists' text; one line, and within the column's 300 characters.
    return Rendered(subject[:300], text, html)


def templates_for(kind: str, language: str) -> tuple[Template, Template]:
    """The text and HTML templates of ``kind`` in ``language``, else in English.

    Which files those are is remembered per application: trying the names of translations
    that do not exist asks the file system again on every mail. Not while templates are
    reloaded on change (debug), when a translation may appear.
    """
    env = current_app.jinja_env
    chosen: dict[tuple[str, str], tuple[str, str]] = current_app.extensions.setdefault(
        "tracker.mail_templates", {}
    )
    names = chosen.get((kind, language))
    if names is None or env.auto_reload:
        tried = [f"mail/{kind}.{language}", f"mail/{kind}", f"mail/{kind}.{FALLBACK}"]
        text = env.select_template([f"{name}.txt" for name in tried])
        html = env.select_template([f"{name}.html" for name in tried])
        names = chosen[(kind, language)] = (str(text.name), str(html.name))
    return env.get_template(names[0]), env.get_template(names[1])


def gettext_callables(translations: Translations | NullTranslations) -> dict[str, Any]:
    """The templates' ``_``, ``gettext`` and ``ngettext``, bound to ``translations``.

    The same functions Flask-Babel installs (Jinja's "newstyle" gettext: escaped, then
    formatted), without asking Flask-Babel for the locale's catalogue at every string:
    a mail has some twenty of them, and each asking cost more than the rest of its line.
    """
    gettext = _make_new_gettext(translations.ugettext)
    # ``_`` is Jinja's alias that looks ``gettext`` up again at every call: the same
    # function, given directly.
    return {
        "_": gettext,
        "gettext": gettext,
        "ngettext": _make_new_ngettext(translations.ungettext),
    }


def when(instant: datetime | None, zone: str, language: str = FALLBACK) -> str:
    """An instant in ``zone`` for a reader of ``language``, with the zone named."""
    if instant is None:
        return ""
    if language == FALLBACK:
        return format_instant(instant, zone, FALLBACK)
    local = in_zone(instant, zone)
    words = format_datetime(local, "d MMMM y, HH:mm", locale=language)
    return f"{words} ({zone}, {offset_label(local)})"


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
