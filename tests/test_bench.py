"""``flask --app tracker bench``: a small run end to end, its JSON, its table, its refusals."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import on_postgresql
from flask.testing import FlaskCliRunner

from tracker.bench.report import NAMES

SMALL = ["bench", "--rows", "300", "--repeat", "2"]


def test_a_small_run_writes_every_figure_to_json_and_the_table(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    out = tmp_path / "bench.json"
    result = runner.invoke(args=[*SMALL, "--json", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"rows", "database", "machine", "results"}
    assert report["rows"] == 300
    assert report["database"].split()[0] in {"sqlite", "postgresql"}
    assert report["machine"]["cores"] >= 1
    assert set(report["results"]) == set(NAMES)
    for name, figure in report["results"].items():
        assert figure["n"] > 0, name
        assert 0 < figure["p50_ms"] <= figure["p95_ms"], name
    # Pages are compared with the bare route, the form POST with the bare insert.
    assert report["results"]["form_post"]["baseline"] == "bare_insert"
    assert report["results"]["stats_page"]["baseline"] == "bare_route"
    for name in NAMES:
        assert f"| {name} |" in result.output
    assert "CSRF on" in result.output


@pytest.mark.skipif(on_postgresql(), reason="on PostgreSQL --keep names a schema")
def test_a_kept_database_is_reused_and_must_hold_the_same_rows(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    keep = tmp_path / "kept.sqlite"
    first = runner.invoke(args=[*SMALL, "--keep", str(keep)])
    assert first.exit_code == 0, first.output
    assert keep.exists()
    again = runner.invoke(args=[*SMALL, "--keep", str(keep)])
    assert again.exit_code == 0, again.output
    assert "reused" in again.output
    other = runner.invoke(args=["bench", "--rows", "500", "--keep", str(keep)])
    assert other.exit_code != 0
    assert "already holds 300 inquiries, not 500" in other.output


def test_bad_row_counts_are_refused_with_a_reason(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bench", "--rows", "0"])
    assert result.exit_code != 0
    assert "--rows" in result.output


@pytest.mark.skipif(on_postgresql(), reason="the form's floor is measured on SQLite")
def test_the_form_floor_times_each_step_from_the_bare_insert_to_the_real_form() -> None:
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "form_floor.py"
    # Each step must answer 303 (a form refused as invalid would stop the run).
    done = subprocess.run(
        [sys.executable, str(script), "--rows", "200", "--repeat", "10"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures = re.findall(r"^\| (\w+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|", done.stdout, re.M)
    assert [name for name, *_ in figures] == [
        "bare_insert",
        "form_validated",
        "form_validated_stored",
        "form_post",
    ]
    assert all(float(p50) > 0 and int(n) == 10 for _, p50, _, n in figures)
    assert "3 × bare_insert is" in done.stdout
