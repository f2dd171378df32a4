"""What the admin forms share: the mission file's own rules, list inputs, row actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from flask_wtf import FlaskForm
from pydantic import BaseModel, TypeAdapter, ValidationError
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length
from wtforms.validators import ValidationError as FieldError

from tracker.forms import Form
from tracker.missions.texts import LANGUAGE_NAMES, LANGUAGES


def strip(value: Any) -> Any:
    """Filter: surrounding spaces are never meant."""
    return value.strip() if isinstance(value, str) else value


def blank_to_none(value: str | None) -> str | None:
    """Optional text: an empty field stores nothing rather than an empty string."""
    return value or None


def lines(text: str | None) -> list[str]:
    """The non-empty lines of a textarea, stripped: one item per line."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def options(pairs: list[tuple[str, str]], prompt: str | None = None) -> list[SelectChoice]:
    """Select choices, led by an empty one when ``prompt`` is given."""
    lead = [SelectChoice("", prompt)] if prompt is not None else []
    return [*lead, *(SelectChoice(value, label) for value, label in pairs)]


class SpecRule:
    """The mission file's rule for one field (``missions/spec.py``), with a message for people.

    The browser then refuses exactly what ``flask missions load`` refuses: one rule, two
    doors. Empty values are left to Optional / DataRequired.
    """

    def __init__(self, model: type[BaseModel], name: str, message: str) -> None:
        info = model.model_fields[name]
        self.adapter: TypeAdapter[Any] = TypeAdapter(
            Annotated.__class_getitem__((info.annotation, *info.metadata))  # type: ignore[attr-defined]
        )
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data in (None, ""):
            return
        try:
            self.adapter.validate_python(field.data)
        except ValidationError:
            raise FieldError(self.message) from None


def parse_day(field: StringField) -> date | None:
    """The field's ``YYYY-MM-DD`` value as a date; an error next to it when unreadable."""
    if not field.data:
        return None
    try:
        return date.fromisoformat(field.data)
    except ValueError:
        raise FieldError("Write a date as YYYY-MM-DD, e.g. 2015-01-19.") from None


MOVES = {"up": -1, "down": 1}


class RowForm(Form):
    """A button form about one row of a list; the buttons post ``action``."""

    item = HiddenField(validators=[InputRequired("The page lost which row this was: reload it.")])

    @property
    def item_id(self) -> int | None:
        """The row's id, if the form carried a readable one."""
        raw = self.item.data or ""
        return int(raw) if raw.isdigit() else None


class MoveForm(RowForm):
    """Move a row of an ordered list up or down, or remove it."""

    action = HiddenField(
        validators=[AnyOf([*MOVES, "remove"], message="Use the buttons: up, down or remove.")]
    )


class ContactStateForm(RowForm):
    """Deactivate, reactivate or delete a contact."""

    action = HiddenField(
        validators=[
            AnyOf(["deactivate", "reactivate", "delete"], message="Use the buttons on the page.")
        ]
    )


class AccountStateForm(RowForm):
    """Deactivate or reactivate an account; accounts are never deleted (timelines name them)."""

    action = HiddenField(
        validators=[AnyOf(["deactivate", "reactivate"], message="Use the buttons on the page.")]
    )


class PublicationForm(Form):
    """Publish a draft mission, or make a mission a draft again."""

    action = HiddenField(
        validators=[AnyOf(["publish", "unpublish"], message="Use the buttons on the page.")]
    )


@dataclass(frozen=True)
class TextField:
    """A translatable text of a row: its label, its column's size, whether it is a list of
    lines (a mission's cities) or long text."""

    label: str
    size: int
    lines: bool = False
    long: bool = False


def add_translations(form: type[Form], texts: dict[str, TextField]) -> None:
    """Give ``form`` an optional field per translatable text and language: ``title_ru``,
    ``title_kk`` …; English is the form's own field, shown where these are empty."""
    for language in LANGUAGES:
        for name, text in texts.items():
            label = f"{text.label} in {LANGUAGE_NAMES[language]}"
            size = Length(max=text.size, message=f"At most {text.size} characters.")
            if text.lines or text.long:
                field: Any = TextAreaField(label, [size], filters=[strip], render_kw={"rows": 3})
            else:
                field = StringField(label, [size], filters=[strip])
            setattr(form, f"{name}_{language}", field)
    form.translated_texts = texts  # type: ignore[attr-defined]


class Translatable:
    """What a form with ``add_translations`` fields does with them."""

    translated_texts: dict[str, TextField]

    def text_field(self, name: str, language: str) -> Any:
        return getattr(self, f"{name}_{language}")

    def fill_translations(self, translations: dict[str, dict[str, Any]]) -> None:
        """Put a row's stored translations into the fields."""
        for language in LANGUAGES:
            stored = translations.get(language, {})
            for name, text in self.translated_texts.items():
                value = stored.get(name)
                if text.lines and isinstance(value, list):
                    value = "\n".join(value)
                self.text_field(name, language).data = value or ""

    def translated(self, stored: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The fields as a row stores them: {"ru": {"title": "…"}}, empty ones left out.

        A field not sent at all (a script written before translations existed) keeps the
        ``stored`` text; one sent empty clears it.
        """
        kept: dict[str, dict[str, Any]] = {}
        for language in LANGUAGES:
            texts: dict[str, Any] = {}
            for name, text in self.translated_texts.items():
                field = self.text_field(name, language)
                if not field.raw_data:
                    value = stored.get(language, {}).get(name)
                else:
                    value = lines(field.data) if text.lines else field.data or ""
                if value:
                    texts[name] = value
            if texts:
                kept[language] = texts
        return kept

    def translation_groups(self) -> list[tuple[str, list[Any]]]:
        """(language name, its fields) for the template, a fieldset each."""
        return [
            (
                LANGUAGE_NAMES[language],
                [self.text_field(name, language) for name in self.translated_texts],
            )
            for language in LANGUAGES
        ]
