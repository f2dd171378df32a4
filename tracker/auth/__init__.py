"""Signing in and out of the desk: the login page, sessions, and who may see which page."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from tracker.auth import views  # noqa: E402, F401  (routes on bp)
