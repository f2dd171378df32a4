"""The form POST's floor: how much of it the stack costs before tracker's own work starts.

Run: .venv/bin/python -m benchmarks.form_floor [--rows 100000] [--repeat 300]
(from the repository's root, as `make bench-form` does)

`make bench` compares form_post with a bare Flask-SQLAlchemy insert (a POST with no body,
one row), and the hardening issue's target is "under 3 ×". This times, in one run and on
one SQLite database built as the bench builds it, the steps between the two:

- bare_insert: the bench's floor, one row through Flask-SQLAlchemy, committed;
- form_validated: the same POST as form_post (the form's fields, CSRF on), answered by a
  view on the app itself that builds and validates the inquiry form (InquiryForm, the
  Flask-WTF form the real view uses) and redirects, touching no database;
- form_validated_stored: that, and one row stored and committed, as the bare insert does;
- form_post: the real view (routing, numbering, the inquiry, its timeline and its mails).

Each is shown as a multiple of the bare insert. When form_validated_stored is already at
3 × or more, no saving in tracker's own work can bring form_post under 3 × with this stack.
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable

from flask import Flask, redirect
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from benchmarks.bench import baselines, builder, runner
from benchmarks.bench.baselines import BareRow
from benchmarks.bench.cli import (
    bench_clock,
    bench_config,
    collector_frozen,
    current_mission_slug,
    settle,
)
from tracker import clock, create_app
from tracker.extensions import csrf, db
from tracker.models import Mission
from tracker.public.forms import InquiryForm

VALIDATED = "/floor/validated"
STORED = "/floor/stored"


def add_floor_views(app: Flask, mission_zone: str) -> None:
    """Two stand-ins for the form's view, on the app itself: its Babel, session and CSRF."""

    def valid_form() -> InquiryForm | None:
        form = InquiryForm(now=clock.now(), mission_zone=mission_zone)
        return form if form.validate_on_submit() else None

    def validated() -> ResponseReturnValue:
        if valid_form() is None:
            return "invalid", 422
        return redirect("/", code=303)

    def stored() -> ResponseReturnValue:
        form = valid_form()
        if form is None:
            return "invalid", 422
        # The bare insert's own row, in the app's database.
        db.session.add(BareRow(text=form.name.data, created_at=clock.now()))
        db.session.commit()
        return redirect("/", code=303)

    # Exempt from the global check, as the real view is: the form checks its own token.
    app.add_url_rule(VALIDATED, "floor_validated", csrf.exempt(validated), methods=["POST"])
    app.add_url_rule(STORED, "floor_stored", csrf.exempt(stored), methods=["POST"])


def build(app: Flask, rows: int) -> tuple[str, str]:
    """The bench's data at ``rows`` inquiries; the mission under way's slug and zone."""
    with app.app_context():
        db.create_all()
        BareRow.__table__.create(db.engine)
        builder.build(rows, lambda _: None)
        settle()
        slug = current_mission_slug()
        zone = db.session.scalar(select(Mission.timezone).where(Mission.slug == slug))
    return slug, str(zone)


def times(app: Flask, slug: str, bare_url: str, repeat: int) -> list[runner.Result]:
    figures: list[tuple[str, Callable[[], None]]] = [
        ("form_validated", runner.form_post(app, slug, to=VALIDATED)),
        ("form_validated_stored", runner.form_post(app, slug, to=STORED)),
        ("form_post", runner.form_post(app, slug)),
    ]
    results = [baselines.bare_insert(bare_url, repeat)]
    results += [runner.measure(name, call, repeat) for name, call in figures]
    return results


def print_table(results: list[runner.Result], rows: int) -> None:
    floor = results[0]
    print(f"{rows:,} inquiries · SQLite · the same POST body for every form figure\n")
    print("| figure | p50 ms | p95 ms | n | × bare_insert (p50 / p95) |")
    print("| --- | ---: | ---: | ---: | --- |")
    for result in results:
        ratio = f"{result.p50 / floor.p50:.1f}× / {result.p95 / floor.p95:.1f}×"
        print(
            f"| {result.name} | {result.p50:.2f} | {result.p95:.2f} | {len(result.samples)} "
            f"| {ratio} |"
        )
    stored = results[2]
    print(
        f"\n3 × bare_insert is {3 * floor.p50:.2f} ms at p50; validating the form and storing "
        f"one row take {stored.p50:.2f} ms ({stored.p50 / floor.p50:.1f}×) before tracker's "
        "own work."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="inquiries to build first")
    parser.add_argument("--repeat", type=int, default=300, help="most samples a figure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(bench_config(f"sqlite:///{folder}/floor.sqlite"))
        try:
            with bench_clock():
                slug, zone = build(app, args.rows)
                add_floor_views(app, zone)
                with collector_frozen():
                    results = times(app, slug, f"sqlite:///{folder}/bare.sqlite", args.repeat)
        finally:
            with app.app_context():
                db.engine.dispose()
    print_table(results, args.rows)


if __name__ == "__main__":
    main()
