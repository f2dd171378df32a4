"""Server-rendered SVG bar charts: no script, no CDN, and the same figures as a table.

Each chart is a ``Chart``: the SVG (with a ``<title>`` and a ``<desc>`` that name it for
screen readers) and the rows that the template renders as a table alternative.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from markupsafe import Markup, escape

from tracker.choices import Labelled
from tracker.stats.reporting import AGE_BANDS, Report
from tracker.stats.tallies import Tally

Term = TypeVar("Term", bound=Labelled)

# Longer periods are charted per month: 92 bars are about as many as a screen can show.
DAILY_LIMIT = 92
LABEL_CHARS = 24
# Bar charts sit two to a row, so they are drawn narrower: their text then keeps its size.
WIDTH = 640
BARS_WIDTH = 480


@dataclass(frozen=True)
class Chart:
    """An SVG chart and its figures, for the table alternative."""

    id: str
    title: str
    headings: tuple[str, str]
    rows: list[Tally]
    svg: Markup


def number(value: float) -> str:
    return f"{value:,.0f}"


def shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def summary(rows: list[Tally]) -> str:
    """The <desc>: the largest figure and the total, for a listener in a hurry."""
    if not rows or not any(row.count for row in rows):
        return "No inquiries."
    top = max(rows, key=lambda row: row.count)
    total = sum(row.count for row in rows)
    return f"Total {number(total)}; most: {top.label} with {number(top.count)}."


def svg_open(chart_id: str, title: str, rows: list[Tally], width: int, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary(rows))}</desc>'
    )


def bar_rows(rows: list[Tally], label_width: int = 170) -> list[str]:
    """One horizontal bar per row: label, bar scaled to the largest, value."""
    room = BARS_WIDTH - label_width - 60
    largest = max((row.count for row in rows), default=0) or 1
    parts = []
    for index, row in enumerate(rows):
        top = index * 26 + 4
        length = round(room * row.count / largest, 1)
        parts.append(
            f'<text class="chart-label" x="{label_width - 8}" y="{top + 14}"'
            f' text-anchor="end">{escape(shorten(row.label))}</text>'
            f'<rect class="chart-bar" x="{label_width}" y="{top}" width="{length}" height="18">'
            f"<title>{escape(row.label)}: {number(row.count)}</title></rect>"
            f'<text class="chart-value" x="{label_width + length + 6}" y="{top + 14}">'
            f"{number(row.count)}</text>"
        )
    return parts


def bars(chart_id: str, title: str, headings: tuple[str, str], rows: list[Tally]) -> Chart:
    """A horizontal bar chart, one bar per row."""
    height = max(len(rows), 1) * 26 + 8
    body = bar_rows(rows) if rows else ['<text class="chart-label" x="8" y="20">None</text>']
    svg = svg_open(chart_id, title, rows, BARS_WIDTH, height) + "".join(body) + "</svg>"
    # Every text in the SVG went through escape() above; the ids are constants.
    drawing = Markup(svg)  # nosec B704
    return Chart(chart_id, title, headings, rows, drawing)


def axis_labels(count: int) -> set[int]:
    """Which columns get a label under them: about eight, always the first and the last."""
    step = max(1, -(-count // 8))
    return {*range(0, count, step), count - 1}


def column_parts(rows: list[Tally], ticks: list[str], height: int) -> list[str]:
    """Vertical bars over a baseline, a scale on the left, some labels underneath."""
    left, bottom, top = 44, 28, 10
    plot_height, slot = height - bottom - top, (WIDTH - left - 4) / max(len(rows), 1)
    largest = max((row.count for row in rows), default=0) or 1
    baseline = top + plot_height
    parts = [
        f'<line class="chart-axis" x1="{left}" y1="{baseline}" x2="{WIDTH}" y2="{baseline}"/>',
        f'<text class="chart-label" x="{left - 6}" y="{top + 8}" text-anchor="end">'
        f"{number(largest)}</text>",
        f'<text class="chart-label" x="{left - 6}" y="{baseline}" text-anchor="end">0</text>',
    ]
    labelled = axis_labels(len(rows))
    for index, row in enumerate(rows):
        x, bar = left + index * slot, plot_height * row.count / largest
        parts.append(
            f'<rect class="chart-bar" x="{x + slot * 0.1:.1f}" y="{baseline - bar:.1f}"'
            f' width="{slot * 0.8:.1f}" height="{bar:.1f}">'
            f"<title>{escape(row.label)}: {number(row.count)}</title></rect>"
        )
        if index in labelled:
            parts.append(
                f'<text class="chart-label" x="{x + slot / 2:.1f}" y="{height - 8}"'
                f' text-anchor="middle">{escape(ticks[index])}</text>'
            )
    return parts


def columns(
    chart_id: str, title: str, headings: tuple[str, str], rows: list[Tally], ticks: list[str]
) -> Chart:
    """A column chart over time; ``ticks`` are the short labels under the columns."""
    height = 220
    svg = svg_open(chart_id, title, rows, WIDTH, height) + "".join(
        column_parts(rows, ticks, height)
    )
    # Every text in the SVG went through escape() above; the ids are constants.
    drawing = Markup(svg + "</svg>")  # nosec B704
    return Chart(chart_id, title, headings, rows, drawing)


def month_starts(first: date, last: date) -> list[date]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def received_chart(report: Report) -> Chart:
    """Inquiries received per local day, or per month over a long period."""
    scope, per_day = report.scope, dict(report.received_by_day)
    if scope.days <= DAILY_LIMIT:
        days = [scope.first_day + timedelta(days=n) for n in range(scope.days)]
        rows = [Tally(f"{day:%a %-d %b %Y}", per_day.get(day, 0)) for day in days]
        ticks = [f"{day:%-d %b}" for day in days]
        return columns("received", "Inquiries received per day", ("Day", "Received"), rows, ticks)
    per_month: dict[date, int] = {}
    for day, count in report.received_by_day:
        per_month[day.replace(day=1)] = per_month.get(day.replace(day=1), 0) + count
    months = month_starts(scope.first_day, scope.last_day)
    rows = [Tally(f"{month:%B %Y}", per_month.get(month, 0)) for month in months]
    ticks = [f"{month:%b %Y}" for month in months]
    return columns("received", "Inquiries received per month", ("Month", "Received"), rows, ticks)


def labelled(figures: Mapping[Term, int]) -> list[Tally]:
    """Vocabulary counts (phase, request type …) under their human labels."""
    return [Tally(key.label, count) for key, count in figures.items()]


def report_charts(report: Report) -> dict[str, Chart]:
    """Every chart of the stats page, by name."""
    counts = report.counts
    labels = {band.key: band.label for band in AGE_BANDS}
    return {
        "received": received_chart(report),
        "phase": bars(
            "phase", "By phase at receipt", ("Phase", "Inquiries"), labelled(counts.by_phase)
        ),
        "request_type": bars(
            "request-type",
            "By request type",
            ("Request", "Inquiries"),
            labelled(counts.by_request_type),
        ),
        "media_type": bars(
            "media-type", "By media type", ("Media", "Inquiries"), labelled(counts.by_media_type)
        ),
        "outlets": bars("outlets", "Top outlets", ("Outlet", "Inquiries"), report.top_outlets),
        "contacts": bars(
            "contacts", "By routed contact", ("Contact", "Inquiries"), report.by_contact
        ),
        "assignees": bars(
            "assignees", "By assignee", ("Assignee", "Inquiries"), report.by_assignee
        ),
        "backlog": bars(
            "backlog",
            "Open inquiries by age",
            ("Waiting since receipt", "Open"),
            [Tally(labels[key], count) for key, count in counts.open_by_age.items()],
        ),
    }
