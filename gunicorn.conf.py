"""gunicorn's settings for tracker, read from the working directory (or ``--config``).

Only what the command line does not say already: how many workers and where to bind stay
on the command line (see the README's "Deploying on PostgreSQL with gunicorn").
"""

from __future__ import annotations

import gc
from typing import Any

import gunicorn.http.wsgi
from gunicorn.glogging import Logger

from tracker.logs import FILTER, redact_value
from tracker.security import SERVER_HEADER

# Every answer's Server header names the site, not the server software: "gunicorn" tells
# a scanner which server's flaws to try. (Responses read the name from this module-level
# constant when they are made, in the workers forked after this file is read.)
gunicorn.http.wsgi.SERVER = SERVER_HEADER


class RedactingLogger(Logger):
    """gunicorn's logger, with status tokens (the journalists' secrets) left out.

    The access log's atoms hold the request line, path, referrer, the Location of a
    redirect to a receipt and every header: each is redacted to /status/[redacted]. The
    error log ("Error handling request /status/…") goes through tracker's log filter.
    """

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: redact_value(value) for name, value in atoms.items()}

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if FILTER not in self.error_log.filters:
            self.error_log.addFilter(FILTER)


logger_class = RedactingLogger


def post_worker_init(worker: Any) -> None:
    """Once a worker has loaded the app, hide what lives as long as it from the collector.

    Flask, SQLAlchemy, Babel and the app's modules are some hundred thousand objects that
    every full collection would walk again, for nothing: they live as long as the
    worker. Frozen, a collection walks the requests' own objects only, so the requests
    that happen to trigger one no longer pay several milliseconds for it.
    """
    gc.collect()
    gc.freeze()
