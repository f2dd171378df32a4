"""Status tokens kept out of the logs.

A journalist's status link is its secret: whoever reads ``/status/<token>`` in a log
reads their inquiry. Every log line that can carry a request's address (Werkzeug's
request log under ``flask run``, Flask's "Exception on /status/…", the app's own
warnings) shows ``/status/[redacted]`` instead. gunicorn's access and error logs do the
same through ``gunicorn.conf.py``, with ``redact`` from here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask

STATUS_PATH = re.compile(r"(/status/)[^/?#\s\"'<>]+")
REDACTED = r"\1[redacted]"


def redact(text: str) -> str:
    """``text`` with the token of every status address replaced."""
    return STATUS_PATH.sub(REDACTED, text) if "/status/" in text else text


def redact_value(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactStatusTokens(logging.Filter):
    """Rewrites a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, Mapping):
            record.args = {key: redact_value(value) for key, value in record.args.items()}
        elif record.args:
            record.args = tuple(redact_value(value) for value in record.args)
        return True


FILTER = RedactStatusTokens()


def init_app(app: Flask) -> None:
    """Put the filter on every logger that can carry a request's address.

    A logger's filters see only the records logged on that logger itself (not those its
    children pass up), so each gets it: Werkzeug's, the app's, and the app's modules'
    (all imported by now). Once per logger, however many apps are made.
    """
    names = ["werkzeug", app.logger.name]
    prefix = f"{app.logger.name}."
    names += [name for name in list(logging.root.manager.loggerDict) if name.startswith(prefix)]
    for name in names:
        logger = logging.getLogger(name)
        if FILTER not in logger.filters:
            logger.addFilter(FILTER)
