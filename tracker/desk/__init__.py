"""The press officers' desk: one inquiry, its actions and timeline; logging a call."""

from flask import Blueprint

bp = Blueprint("desk", __name__)

from tracker.desk import new_inquiry, views  # noqa: E402, F401  (routes on bp)
