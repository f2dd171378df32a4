"""/admin: missions, contacts, phase assignments, routing rules, users."""

from __future__ import annotations

from flask import Blueprint, render_template_string
from flask.typing import ResponseReturnValue

from tracker.auth.policy import require_role
from tracker.choices import Role

bp = Blueprint("admin", __name__)


@bp.get("")
@require_role(Role.ADMIN)
def index() -> ResponseReturnValue:
    """Placeholder until administration lands."""
    return render_template_string(
        '{% extends "base.html" %}{% block content %}<h1>Administration</h1>{% endblock %}'
    )
