"""/stats: the managers' figures as a page with charts, and as a streamed CSV."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Response, abort, render_template, request, stream_with_context
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from tracker import clock
from tracker.auth.policy import require_role
from tracker.choices import Role
from tracker.csvsafe import csv_rows
from tracker.extensions import db
from tracker.models import Mission
from tracker.stats import bp, charts, report_export, reporting
from tracker.stats.forms import ALL_MISSIONS, StatsForm
from tracker.stats.scope import Scope, current_mission


def stats_form() -> StatsForm:
    """The filter form from the query string; no ``mission`` at all means the current one."""
    missions = list(db.session.scalars(select(Mission).order_by(Mission.first_day.desc())))
    current = current_mission(clock.now())
    default = current.slug if current else ALL_MISSIONS
    return StatsForm(formdata=request.args, data={"mission": default}, missions=missions)


@bp.app_template_filter("duration")
def duration(seconds: float | None) -> str:
    """ "2 h 05 min", "45 min", "3 d 4 h": a time to first response, to the minute."""
    if seconds is None:
        return "–"
    minutes = round(seconds / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min" if minutes else "under 1 min"


@bp.get("")
@require_role(Role.MANAGER)
def index() -> ResponseReturnValue:
    """The figures for one mission, or the whole office, over a period of days."""
    form = stats_form()
    if not form.validate():
        return render_template("stats/index.html", form=form, report=None), 400
    now = clock.now()
    report = reporting.build_report(form.scope(now), now)
    # Keeps the days the report counted into the rollup, and frees the write lock.
    db.session.commit()
    return render_template(
        "stats/index.html",
        form=form,
        report=report,
        charts=charts.report_charts(report),
        phase_times=[(phase.label, t) for phase, t in report.first_response_by_phase.items()],
        args={"mission": form.mission.data or "", "from": form.from_.data, "to": form.to.data},
    )


def export_name(scope: Scope) -> str:
    return f"stats-{scope.slug or 'all-missions'}-{scope.first_day}-to-{scope.last_day}.csv"


@bp.get("/export.csv")
@require_role(Role.MANAGER)
def export_csv() -> ResponseReturnValue:
    """The same figures as CSV, written while the database answers (streamed)."""
    form = stats_form()
    if not form.validate():
        abort(400, description=form.problems())
    now = clock.now()
    scope = form.scope(now)

    def lines() -> Iterator[str]:
        report = reporting.build_report(scope, now)
        db.session.commit()  # the days counted into the rollup
        yield from csv_rows(report_export.csv_records(report))

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{export_name(scope)}"'},
    )
