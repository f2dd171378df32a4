"""The inquiry page and its actions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("desk", __name__)
