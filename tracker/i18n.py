"""The languages of the public pages: which one a request is answered in, and the switcher.

Journalists in Kazakhstan read Russian and Kazakh and often file from a phone, so the
public pages, the inquiry form and the journalist's mail are translated (catalogues in
``translations/``, compiled by ``make``). The press office's own pages stay in English:
the locale selector answers English outside the public pages, so a Russian cookie never
turns half a desk page Russian.

Which language a public page is in, first match wins:

1. the visitor's explicit choice (the switcher's cookie);
2. the browser's ``Accept-Language``, best match among the translated languages;
3. English.

The status page follows the same rule rather than the language the journalist asked to
be answered in: the receipt right after sending the form stays in the language the form
was read in, and the answer's language may be one we have no pages in (French, Arabic …).
That choice governs the journalist's mail instead (``tracker.mail.messages``).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import (
    Flask,
    Response,
    has_request_context,
    request,
)
from flask_babel import Babel, get_locale

# The languages with a catalogue, each named in itself for the switcher.
LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский", "kk": "Қазақша"}
DEFAULT = "en"
COOKIE = "lang"
COOKIE_AGE = timedelta(days=365)
# Blueprints whose pages are translated; the rest (the desk) are English only.
TRANSLATED_BLUEPRINTS = frozenset({"public"})

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"

babel = Babel()


def chosen_language() -> str | None:
    """The switcher's choice, when the cookie holds a language we have."""
    code = request.cookies.get(COOKIE)
    return code if code in LANGUAGES else None


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module docstring for the order)."""
    if not has_request_context() or not is_translated_page():
        return DEFAULT
    return chosen_language() or request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def is_translated_page() -> bool:
    """Public pages, error pages for unknown addresses, and the switcher itself."""
    return request.blueprint is None or request.blueprint in TRANSLATED_BLUEPRINTS


def current_language() -> str:
    """The language of this page, e.g. for ``<html lang>``."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT


def vary_on_language(response: Response) -> Response:
    """A translated page differs by cookie and browser language: tell shared caches so."""
    if is_translated_page():
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def stale_catalogues() -> list[Path]:
    """The ``.po`` files whose compiled ``.mo`` is missing or older than they are."""
    stale = []
    for source in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po")):
        compiled = source.with_suffix(".mo")
        if not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime:
            stale.append(source)
    return stale


def compile_catalogue(source: Path) -> None:
    """What ``pybabel compile`` does for one ``.po`` (used by the tests' set-up)."""
    with source.open("rb") as po:
        catalogue = read_po(po)
    with source.with_suffix(".mo").open("wb") as mo:
        write_mo(mo, catalogue)


def warn_if_uncompiled(app: Flask) -> None:
    """Say so at start-up when a catalogue is missing or older than its source.

    Without the compiled ``.mo`` files every page silently falls back to English.
    """
    for source in stale_catalogues():
        app.logger.warning(
            "%s is not compiled: run `make translations` (pybabel compile -d translations)",
            source.relative_to(TRANSLATIONS.parent),
        )


def init_app(app: Flask) -> None:
    """Flask-Babel with our selector and the template helpers (the switcher is ``bp``)."""
    babel.init_app(
        app,
        default_locale=DEFAULT,
        default_translation_directories=str(TRANSLATIONS),
        locale_selector=select_locale,
    )
    app.after_request(vary_on_language)
    app.add_template_global(current_language)
    app.add_template_global(is_translated_page)
    # A mapping, not a function: Flask types globals as callables, Jinja takes anything.
    app.jinja_env.globals["languages"] = LANGUAGES
    warn_if_uncompiled(app)
