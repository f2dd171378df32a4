"""/stats: the managers' figures."""

from __future__ import annotations

from flask import Blueprint, render_template_string
from flask.typing import ResponseReturnValue

from tracker.auth.policy import require_role
from tracker.choices import Role

bp = Blueprint("stats", __name__)


@bp.get("")
@require_role(Role.MANAGER)
def index() -> ResponseReturnValue:
    """Placeholder until the statistics land."""
    return render_template_string(
        '{% extends "base.html" %}{% block content %}<h1>Statistics</h1>{% endblock %}'
    )
