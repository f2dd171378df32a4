"""This site's absolute addresses, for mail, calendars and links to copy.

Every absolute URL is built here, from ``PUBLIC_BASE_URL`` (see tracker/config.py), never
from the request: a client chooses its ``Host`` header, and a link built from it would
hand a journalist's status token, or an officer's click, to whatever host the client
named. The path is what the URL map builds for the endpoint, below the base's own path.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from werkzeug.routing import MapAdapter

EXTENSION_KEY = "tracker.links"
# Set by tracker.config when PUBLIC_BASE_URL was neither given nor derivable from
# SERVER_NAME, and the base is the address `make run` serves.
GUESSED_KEY = "tracker.links.guessed"


def external_url(endpoint: str, **values: Any) -> str:
    """The absolute address of ``endpoint`` (a full name such as "public.status")."""
    if current_app.extensions.get(GUESSED_KEY):
        warn_guessed_base(current_app.config["PUBLIC_BASE_URL"], quiet=quiet(current_app))
    return adapter(current_app).build(endpoint, values, force_external=True)


def public_host(app: Flask) -> str:
    """The host name of the public base URL, without its port (calendar UIDs use it)."""
    return urlsplit(app.config["PUBLIC_BASE_URL"]).hostname or "localhost"


def adapter(app: Flask) -> MapAdapter:
    """The URL map bound to the public base; kept while the base is unchanged."""
    base = str(app.config["PUBLIC_BASE_URL"])
    cached = app.extensions.get(EXTENSION_KEY)
    if cached is None or cached[0] != base:
        parts = urlsplit(base)
        bound = app.url_map.bind(
            parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
        )
        cached = app.extensions[EXTENSION_KEY] = (base, bound)
    return cached[1]


def quiet(app: Flask) -> bool:
    """No warning in debug and test runs, where the guessed address is the right one."""
    return bool(app.debug or app.testing)


@cache
def warn_guessed_base(base: str, *, quiet: bool) -> None:
    """Say it once per process: a command queuing a hundred mails needs one warning."""
    if not quiet:
        current_app.logger.warning(
            "PUBLIC_BASE_URL is not set: links in mail and calendars point to %s", base
        )
