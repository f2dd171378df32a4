"""Per-address rate limits on the pages a flood would aim at (Flask-Limiter).

The limits are far above what a newsroom does, even many journalists behind one address
(a press centre's Wi-Fi), and far below what a script sends. Each is a setting, so an
office can change it without touching code; ``RATELIMIT_ENABLED=false`` switches them all
off (load tests; the test suite's default).

Counts live in ``RATELIMIT_STORAGE_URI``: ``memory://`` counts per process, which is right
for one worker; several gunicorn workers share ``redis://…`` so that a flood is counted
once, not once per worker. If Redis goes away, each worker falls back to counting in its
own memory and goes back to Redis when it answers again: a Redis outage neither stops the
public form nor lifts the limits.

Each application gets its own ``Limiter`` instead of one unbound in ``extensions``:
Flask-Limiter keeps its storage and its on/off switch on the instance, so one instance
shared by two applications (the tests build many) would count for the last one set up.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import cast

from flask import Flask, current_app
from flask.typing import RouteCallable
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

EXTENSION_KEY = "tracker.limiter"

# Enough for a Redis on another host to answer; a dead one must not hold a request long.
REDIS_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}


@dataclass(frozen=True)
class RouteLimit:
    """The setting holding the limit of one endpoint, and the methods it counts."""

    endpoint: str
    setting: str
    methods: tuple[str, ...] | None = None


ROUTE_LIMITS = (
    # Only sending the form counts: reading it (and reading it again after an error) is free.
    RouteLimit("public.inquire", "RATELIMIT_INQUIRY_FORM", ("POST",)),
    # A status page is one of 2^256 addresses: a flood here is someone guessing tokens.
    RouteLimit("public.status", "RATELIMIT_STATUS_PAGE"),
    # Sending a short code; wrong codes also lock the address out (code_lookup.py).
    RouteLimit("public.check_code", "RATELIMIT_STATUS_CODE", ("POST",)),
    RouteLimit("api.mission_contacts", "RATELIMIT_CONTACTS_API"),
    # Per client address, whatever email address it types: this one stops a single client
    # trying many accounts; tracker.accounts.login_throttle slows one client's attempts at
    # one account, and caps all clients' attempts at it together.
    RouteLimit("auth.login", "RATELIMIT_LOGIN", ("POST",)),
)


def init_app(app: Flask) -> None:
    """Limit the endpoints of ROUTE_LIMITS; call after the blueprints are registered."""
    if not app.config["RATELIMIT_ENABLED"]:
        return
    storage = str(app.config["RATELIMIT_STORAGE_URI"])
    limiter = Limiter(
        get_remote_address,
        storage_uri=storage,
        storage_options=dict(REDIS_OPTIONS) if storage.startswith("redis") else {},
        key_prefix=str(app.config["RATELIMIT_KEY_PREFIX"]),
        strategy="fixed-window",
        in_memory_fallback_enabled=True,
        # Retry-After is set on the 429 page itself (tracker.errors), not on every response.
        headers_enabled=False,
    )
    limiter.init_app(app)
    app.extensions[EXTENSION_KEY] = limiter
    for rule in ROUTE_LIMITS:
        view = app.view_functions[rule.endpoint]
        methods = list(rule.methods) if rule.methods else None
        limited = limiter.limit(str(app.config[rule.setting]), methods=methods)
        # The wrapper returns what the view returns; its inferred type is only wider.
        app.view_functions[rule.endpoint] = cast(RouteCallable, limited(view))


def seconds_until_reset() -> int:
    """How long the client must wait before the limit it broke lets it in again."""
    limiter = current_app.extensions.get(EXTENSION_KEY)
    breached = limiter.current_limit if isinstance(limiter, Limiter) else None
    if breached is None:
        return 60
    return max(1, math.ceil(breached.window.reset_time - time.time()))
