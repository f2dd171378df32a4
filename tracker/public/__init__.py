"""The public side: mission pages, the inquiry form, the status page, the language switcher."""

from flask import Blueprint

bp = Blueprint("public", __name__)

from tracker.public import language, views  # noqa: E402, F401  (routes on bp)
