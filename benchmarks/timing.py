"""Timing shared by the benchmark scripts (run as scripts, so this imports as a sibling)."""

from __future__ import annotations

import statistics
import time
from typing import Any


def timed(client: Any, path: str, repeat: int) -> list[float]:
    """Milliseconds for ``repeat`` GETs of ``path``, body read in full (streams included)."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path)
        response.get_data()
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    """The median and the 95th percentile of ``samples``."""
    return statistics.median(samples), statistics.quantiles(samples, n=20)[18]
