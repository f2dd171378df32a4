"""A report as JSON (for the API) and as CSV records (for the download), under one naming.

The CSV has one line per figure: ``figure, group, value``, where ``figure`` is the JSON
key (with ``.median`` and the like for nested numbers), so the two are easy to compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tracker.stats.percentiles import Percentiles
from tracker.stats.reporting import Report
from tracker.stats.tallies import Tally

CSV_HEADER = ("figure", "group", "value")


def times_json(times: Percentiles) -> dict[str, Any]:
    return {"count": times.count, "median": times.median, "p90": times.p90}


def tallies_json(tallies: list[Tally], name: str) -> list[dict[str, Any]]:
    return [{name: tally.label, "count": tally.count} for tally in tallies]


def report_json(report: Report) -> dict[str, Any]:
    """The API's body: every figure, seconds as numbers, days as ISO dates."""
    counts, scope = report.counts, report.scope
    return {
        "mission": scope.slug,
        "zone": scope.zone,
        "from": scope.first_day.isoformat(),
        "to": scope.last_day.isoformat(),
        "now": report.now.isoformat(),
        "received": counts.received,
        "received_by_day": {day.isoformat(): n for day, n in report.received_by_day},
        "by_phase": {phase.value: n for phase, n in counts.by_phase.items()},
        "by_request_type": {kind.value: n for kind, n in counts.by_request_type.items()},
        "by_media_type": {media.value: n for media, n in counts.by_media_type.items()},
        "top_outlets": tallies_json(report.top_outlets, "outlet"),
        "by_routed_contact": tallies_json(report.by_contact, "contact"),
        "by_assignee": tallies_json(report.by_assignee, "assignee"),
        "first_response_seconds": times_json(report.first_response),
        "first_response_seconds_by_phase": {
            phase.value: times_json(times)
            for phase, times in report.first_response_by_phase.items()
        },
        "first_response_seconds_by_assignee": [
            {"assignee": name, **times_json(times)}
            for name, times in report.first_response_by_assignee
        ],
        "answered_before_deadline": {
            "count": counts.answered_before_deadline,
            "of": counts.with_deadline,
        },
        "open": counts.open,
        "open_by_age": counts.open_by_age,
        "overdue": counts.overdue,
    }


def times_records(figure: str, group: str, times: Percentiles) -> Iterator[tuple[Any, ...]]:
    yield (f"{figure}.count", group, times.count)
    yield (f"{figure}.median", group, times.median)
    yield (f"{figure}.p90", group, times.p90)


def csv_records(report: Report) -> Iterator[tuple[Any, ...]]:
    """The CSV lines, header first; cells are made safe by ``tracker.csvsafe``."""
    body = report_json(report)
    yield CSV_HEADER
    for key in ("mission", "zone", "from", "to", "now", "received"):
        yield (key, "", body[key] if body[key] is not None else "all")
    for key in ("received_by_day", "by_phase", "by_request_type", "by_media_type"):
        for group, count in body[key].items():
            yield (key, group, count)
    for key, name in (("top_outlets", "outlet"), ("by_routed_contact", "contact")):
        for entry in body[key]:
            yield (key, entry[name], entry["count"])
    for entry in body["by_assignee"]:
        yield ("by_assignee", entry["assignee"], entry["count"])
    yield from times_records("first_response_seconds", "", report.first_response)
    for phase, times in report.first_response_by_phase.items():
        yield from times_records("first_response_seconds_by_phase", phase.value, times)
    for name, times in report.first_response_by_assignee:
        yield from times_records("first_response_seconds_by_assignee", name, times)
    yield ("answered_before_deadline.count", "", report.counts.answered_before_deadline)
    yield ("answered_before_deadline.of", "", report.counts.with_deadline)
    yield ("open", "", report.counts.open)
    for band, count in report.counts.open_by_age.items():
        yield ("open_by_age", band, count)
    yield ("overdue", "", report.counts.overdue)
