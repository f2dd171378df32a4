"""The bench's table and JSON: each figure beside the baseline it is compared with."""

from __future__ import annotations

import os
import platform
from typing import Any

from benchmarks.bench.runner import Result

# Which floor each figure is compared with: writes with the bare insert, reads with the route.
BASELINE = {
    "mission_page": "bare_route",
    "form_post": "bare_insert",
    "queue_default": "bare_route",
    "queue_search": "bare_route",
    "inquiry_page": "bare_route",
    "stats_page": "bare_route",
    "export_10k": "bare_route",
}
NAMES = [*BASELINE, "bare_route", "bare_insert"]


def machine() -> dict[str, Any]:
    """CPU, cores, memory, Python and the load when the run ended (the cores are shared)."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gb": ram_gb(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gb() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def as_json(rows: int, database: str, results: dict[str, Result]) -> dict[str, Any]:
    """``{"rows", "database", "machine", "results": {name: {p50_ms, p95_ms, n, …}}}``."""
    out: dict[str, Any] = {}
    for name in NAMES:
        result = results[name]
        entry: dict[str, Any] = {
            "p50_ms": round(result.p50, 2),
            "p95_ms": round(result.p95, 2),
            "n": len(result.samples),
        }
        if name in BASELINE:
            base = results[BASELINE[name]]
            entry["baseline"] = BASELINE[name]
            entry["ratio_p50"] = round(result.p50 / base.p50, 1)
            entry["ratio_p95"] = round(result.p95 / base.p95, 1)
        out[name] = entry
    return {"rows": rows, "database": database, "machine": machine(), "results": out}


def table(report: dict[str, Any], notes: list[str]) -> str:
    """The report as a Markdown table, ready for docs/performance.md, with its notes below."""
    head = [
        f"{report['rows']:,} inquiries · {report['database']} · "
        + "{cpu}, {cores} cores, {ram_gb} GB RAM, Python {python}, load {load}".format(
            **report["machine"], load=" ".join(map(str, report["machine"]["load_average"]))
        ),
        "",
        "| figure | p50 ms | p95 ms | n | × baseline (p50 / p95) |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    lines = []
    for name, entry in report["results"].items():
        ratio = (
            f"{entry['ratio_p50']}× / {entry['ratio_p95']}× {entry['baseline']}"
            if "baseline" in entry
            else "baseline"
        )
        lines.append(
            f"| {name} | {entry['p50_ms']:.1f} | {entry['p95_ms']:.1f} | {entry['n']} | {ratio} |"
        )
    return "\n".join([*head, *lines, "", *(f"- {note}" for note in notes)])
