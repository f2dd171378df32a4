"""/api/v1: read-only JSON for other tools (contracts documented in docs/api.md)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import abort, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from tracker import clock, phases, phones
from tracker.api import bp
from tracker.auth.policy import require_role
from tracker.choices import Role, Topic
from tracker.extensions import db
from tracker.missions import lookups
from tracker.models import Contact
from tracker.stats import report_export, reporting
from tracker.stats.scope import scope_from_args

API_TOPICS = {Topic.MISSION.value, Topic.OTHER_EXPERTS.value}
# "+06:00" arrives as " 06:00" when a client forgets to encode "+" in the query string.
_DECODED_PLUS = re.compile(r"(T[\d:.]+) (\d{2}(?::?\d{2})?)$")


def parse_instant(raw: str) -> datetime:
    """An ISO 8601 instant that must carry its offset; abort 400 otherwise."""
    text = _DECODED_PLUS.sub(r"\1+\2", raw.strip())
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        abort(400, description=f"'at' is not an ISO 8601 instant: {raw!r}")
    if instant.tzinfo is None:
        abort(400, description="'at' needs a UTC offset, e.g. 2015-01-19T09:00:00+06:00")
    return instant


def contact_json(contact: Contact) -> dict[str, object]:
    return {
        "name": contact.name,
        "office": contact.office,
        "unit": contact.unit,
        "phones": [phones.display(number) for number in contact.phones],
        "email": contact.email,
    }


@bp.get("/missions/<slug>/contacts")
def mission_contacts(slug: str) -> ResponseReturnValue:
    """Whom to contact about a mission (or about other experts) at an instant."""
    mission = lookups.find_mission(slug)
    # A draft is for staff (a session or an API token); to others it does not exist.
    if mission is None or not (mission.published or current_user.is_authenticated):
        abort(404, description=f"There is no mission called {slug!r}.")
    raw_at = request.args.get("at")
    at = parse_instant(raw_at) if raw_at else clock.now()
    topic = request.args.get("topic", Topic.MISSION.value)
    if topic not in API_TOPICS:
        abort(400, description="'topic' must be 'mission' or 'other_experts'")
    phase = phases.phase_at(mission, at)
    contacts = lookups.public_contacts(mission, phase, Topic(topic))
    return jsonify(
        mission=mission.slug,
        at=at.isoformat(),
        phase=phase.value,
        topic=topic,
        contacts=[contact_json(contact) for contact in contacts],
    )


@bp.get("/me")
@require_role(Role.PRESS_OFFICER)
def me() -> ResponseReturnValue:
    """Who the session or the API token belongs to: a check for integrations."""
    user = current_user
    return jsonify(email=user.email, name=user.name, role=user.role.value)


@bp.get("/stats")
@require_role(Role.MANAGER)
def stats() -> ResponseReturnValue:
    """The managers' figures: ?mission=<slug>&from=<date>&to=<date> (no mission: all)."""
    now = clock.now()
    scope = scope_from_args(request.args, now)
    report = reporting.build_report(scope, now)
    db.session.commit()  # the days counted into the rollup
    return jsonify(report_export.report_json(report))
