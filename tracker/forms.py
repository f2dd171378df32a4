"""The base of every form: Flask-WTF's, with WTForms' own messages read once per language.

Flask-WTF loads WTForms' message catalogue ("This field is required." and the like in
the page's language) from disk and parses it anew for every request that builds a form,
a good part of the public form's POST, the busiest write there is. The catalogues never
change while the application runs, so each language's is kept.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from babel import support
from flask import current_app, has_request_context
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


@cache
def wtforms_messages(locale: str) -> support.Translations | support.NullTranslations:
    """WTForms' messages in ``locale`` (untranslated where WTForms has no catalogue)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class Form(FlaskForm):
    class Meta(FlaskForm.Meta):
        def get_translations(self, form: FlaskForm) -> Any:
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            if not has_request_context():
                return None  # WTForms' own English, as Flask-WTF gives outside a request
            return wtforms_messages(str(get_locale()))
