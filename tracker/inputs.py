"""Input no form here can hold: the NUL character, uploaded files, ids out of range.

PostgreSQL refuses NUL (U+0000) in text, in a query's parameters as much as in a stored
value, so a NUL typed into a form or an address would end in a 500 there (SQLite takes
it, and the two must behave alike). Browsers cannot type one, but scripts and odd
copy-and-paste can. Lone surrogates need nothing here: Werkzeug decodes what is not
UTF-8 with replacement characters, so they never reach a view.

Forms that show a message next to the field use ``NoNul``; every other request carrying
a NUL in its address, query or form is refused with a 400 before any view runs.

No form takes a file or JSON either, but Flask-WTF hands an uploaded file to the field
of the same name, and reads a JSON body as the form (an object or a number where the
validators expect text, and a 500): such requests are refused, 400 for a file and 415
for JSON (only a script can send either to these forms).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask, abort, current_app, request
from wtforms import Field, Form
from wtforms.validators import StopValidation

NUL = "\x00"
NUL_MESSAGE = (
    "This contains an invisible NUL character (often left by copying and pasting), "
    "which cannot be stored. Remove it, or retype the text, and send again."
)
REQUEST_MESSAGE = "The request contains a NUL character, which cannot be stored. Nothing was saved."
FILES_MESSAGE = "This site takes no files: send the form's text fields only. Nothing was saved."
JSON_MESSAGE = "Send the form's fields form-encoded, not as JSON. Nothing was saved."

View = TypeVar("View", bound=Callable[..., Any])


def checks_own_text(view: View) -> View:
    """Mark a view whose form reports NUL next to the field (with ``NoNul``) itself."""
    view.checks_own_text = True  # type: ignore[attr-defined]
    return view


class NoNul:
    """A field validator: refuse a value that holds NUL, with a message the person reads.

    Put first: it stops the field's other checks, which would only add confusing reasons
    (an address "not valid", a phone number "not a number") for the same character.
    """

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and NUL in field.data:
            raise StopValidation(NUL_MESSAGE)


def any_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def refuse_nul() -> None:
    """Before each request: 400 for a NUL where no form will explain it, or for a file;
    415 for JSON."""
    address = [request.path, *request.args.keys(), *request.args.values()]
    if any_nul(address):
        abort(400, description=REQUEST_MESSAGE)
    if request.method in ("GET", "HEAD"):
        return
    if request.files:
        abort(400, description=FILES_MESSAGE)
    if request.is_json:
        abort(415, description=JSON_MESSAGE)
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "checks_own_text", False):
        return
    if any_nul([*request.form.keys(), *(v for vs in request.form.listvalues() for v in vs)]):
        abort(400, description=REQUEST_MESSAGE)


# The largest id a query may name: ids are INTEGER columns, 32-bit signed on PostgreSQL
# (64-bit on SQLite). A larger number reaches the database and fails there (out of range
# on PostgreSQL, OverflowError beyond 64 bits on SQLite): a 500 for a bad address.
LARGEST_ID = 2**31 - 1


def query_id(name: str) -> int | None:
    """The query argument ``name`` as an id (0 to LARGEST_ID); None when absent or empty.

    Anything else is answered with the 400 page, saying what the argument must be.
    """
    raw = request.args.get(name, "")
    if not raw:
        return None
    # isdecimal() alone would take other scripts' digits ("٣"), which int() reads too:
    # ASCII only, and no more digits than LARGEST_ID has before converting.
    if raw.isascii() and raw.isdecimal() and len(raw) <= len(str(LARGEST_ID)):
        number = int(raw)
        if number <= LARGEST_ID:
            return number
    abort(400, description=f"“{name}” must be a whole number from 0 to {LARGEST_ID}.")


def init_app(app: Flask) -> None:
    app.before_request(refuse_nul)
