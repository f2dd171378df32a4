"""``python -m benchmarks.bench`` (``make bench``): a small run end to end, its JSON, its
table, its refusals; and ``python -m benchmarks.form_floor`` (``make bench-form``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import TEST_DATABASE_URL, on_postgresql

from benchmarks.bench.cli import bench_command
from benchmarks.bench.report import NAMES

ROOT = Path(__file__).resolve().parent.parent
SMALL = ["--rows", "300", "--repeat", "2"]


def bench(*args: str) -> Result:
    """The command ``python -m benchmarks.bench`` runs, on TEST_DATABASE_URL's PostgreSQL
    when it is set. Otherwise DATABASE_URL names SQLite, which the bench never opens (it
    builds its own file), so neither the environment nor instance/config.py can send the
    run to a PostgreSQL database."""
    url = TEST_DATABASE_URL or "sqlite://"
    return CliRunner().invoke(bench_command, list(args), env={"DATABASE_URL": url})


def test_a_small_run_writes_every_figure_to_json_and_the_table(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    result = bench(*SMALL, "--json", str(out))
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert set(report) == {"rows", "database", "machine", "results"}
    assert report["rows"] == 300
    assert report["database"].split()[0] == ("postgresql" if on_postgresql() else "sqlite")
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
def test_a_kept_database_is_reused_and_must_hold_the_same_rows(tmp_path: Path) -> None:
    keep = tmp_path / "kept.sqlite"
    first = bench(*SMALL, "--keep", str(keep))
    assert first.exit_code == 0, first.output
    assert keep.exists()
    again = bench(*SMALL, "--keep", str(keep))
    assert again.exit_code == 0, again.output
    assert "reused" in again.output
    other = bench("--rows", "500", "--keep", str(keep))
    assert other.exit_code != 0
    assert "already holds 300 inquiries, not 500" in other.output


def test_bad_row_counts_are_refused_with_a_reason() -> None:
    # Through the module itself, as `make bench` runs it (refused before anything is built).
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench", "--rows", "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Usage: python -m benchmarks.bench" in done.stderr
    assert "--rows" in done.stderr


@pytest.mark.skipif(on_postgresql(), reason="the form's floor is measured on SQLite")
def test_the_form_floor_times_each_step_from_the_bare_insert_to_the_real_form() -> None:
    # Each step must answer 303 (a form refused as invalid would stop the run).
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.form_floor", "--rows", "200", "--repeat", "10"],
        cwd=ROOT,
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
