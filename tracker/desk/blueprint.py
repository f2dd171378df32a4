"""The desk's blueprint, shared by the inquiry page (views.py) and call logging (intake.py)."""

from flask import Blueprint

bp = Blueprint("desk", __name__)
