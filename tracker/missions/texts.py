"""Mission data in the reader's language: translations of a mission's, an event's, an
office's and a contact's texts, with English, the stored columns, as the fallback.

Each row keeps its translations in one JSON column, ``translations``:
``{"ru": {"title": "…", "cities": ["…"]}, "kk": {…}}``, keyed by the column each
replaces. A missing or empty translation shows the English, so a page in Russian never
shows a blank where a translator has not been yet. The mission file writes them as
``[translations.ru]`` tables beside the English (see docs/guide.md, Mission files).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

# The languages a mission's texts may be translated into: the public pages' languages
# other than English (tracker.i18n.LANGUAGES), written here without Flask.
LANGUAGES = ("ru", "kk")
LANGUAGE_NAMES = {"ru": "Russian", "kk": "Kazakh"}

# What may be translated, by stored column, for each kind of row.
MISSION_TEXTS = (
    "title",
    "country",
    "cities",
    "summary",
    "source",
    "expert_name",
    "expert_title",
    "expert_country",
)
EVENT_TEXTS = ("title", "when_text", "venue", "description")
CONTACT_TEXTS = ("name", "unit")
OFFICE_TEXTS = ("name",)

Translations = dict[str, dict[str, Any]]


class Translated(Protocol):
    translations: Translations


def text(row: Translated | None, field: str, language: str) -> Any:
    """``row.field`` in ``language`` if translated, else as stored (English)."""
    if row is None:
        return None
    translated = (row.translations or {}).get(language, {}).get(field)
    return translated if translated else getattr(row, field)


def cleaned(translations: Mapping[str, Mapping[str, Any]], fields: tuple[str, ...]) -> Translations:
    """Only known languages and fields, without empty values: what is stored."""
    kept: Translations = {}
    for language in LANGUAGES:
        texts = {
            name: value
            for name, value in (translations.get(language) or {}).items()
            if name in fields and value not in (None, "", [])
        }
        if texts:
            kept[language] = texts
    return kept
