"""Managers' statistics: the report's SQL aggregates (reporting.py, rollup.py), thin views,
server-rendered SVG charts."""

from flask import Blueprint

bp = Blueprint("stats", __name__)

from tracker.stats import views  # noqa: E402, F401  (routes on bp)
