"""gunicorn's settings for tracker, read from the working directory (or ``--config``).

Only what the command line does not say already: how many workers and where to bind stay
on the command line (see the README's "Deploying on PostgreSQL with gunicorn").
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the app, hide what lives as long as it from the collector.

    Flask, SQLAlchemy, Babel and the app's modules are some hundred thousand objects that
    every full collection would walk again, for nothing: they live as long as the
    worker. Frozen, a collection walks the requests' own objects only, so the requests
    that happen to trigger one no longer pay several milliseconds for it.
    """
    gc.collect()
    gc.freeze()
