"""Security headers on every response, the hosts the site answers to, and the check that
keeps redirects on this site.

The Content-Security-Policy allows scripts, styles and images from this site only, with
nothing inline: markup a journalist manages to slip into a page cannot run. Pages keep
no inline script or style attribute (a test scans the templates) so the policy costs
nothing to keep.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import WSGIRequestHandler

from tracker import links

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Pages with a secret in their address (the status page) set no-referrer themselves.
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# Sent only over HTTPS (RFC 6797 has browsers ignore it over http): a browser that once
# reached the site securely never again tries it in plain http, for a year.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"

# The press office's pages and the API show journalists' personal data and internal
# notes: no browser or proxy cache may keep a copy (a shared computer's back button, a
# disk cache). The public pages may be cached; the status page says no-store itself.
PRIVATE_BLUEPRINTS = frozenset({"desk", "queue", "stats", "admin", "auth", "api"})


def add_security_headers(response: Response) -> Response:
    """Set each header unless the view chose a stricter one."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    # is_secure: the request came over https, or through TRUSTED_PROXIES that say so.
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
    if request.blueprint in PRIVATE_BLUEPRINTS or response.mimetype == "text/csv":
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    # First of the before-request hooks, whatever registers after: nothing else runs for
    # a host the site does not answer to.
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_unknown_host)
    app.after_request(add_security_headers)
    trust_proxies(app)
    name_the_development_server()


# The Server header's value: the site, not the software (and version) serving it.
SERVER_HEADER = "tracker"


def development_server_version(_handler: WSGIRequestHandler) -> str:
    return SERVER_HEADER


def name_the_development_server() -> None:
    """Werkzeug's server (`flask run`, so `make run`) names itself "Werkzeug/3.x
    Python/3.x" in a Server header on every answer, and adds it even when the app sets
    one, so only its request handler can change it. gunicorn is named in gunicorn.conf.py.
    """
    WSGIRequestHandler.version_string = development_server_version  # type: ignore[method-assign,assignment]


def refuse_unknown_host() -> None:
    """A Host header outside TRUSTED_HOSTS gets the 400 page, before any view runs.

    Flask checks the host against TRUSTED_HOSTS when it binds the URL map to the request,
    and on failure keeps the error for dispatch, with no URL map: the 400 page could not
    build a single link and fell back to bare text (with a traceback in the log). Bound to
    the site's own address instead, it is the ordinary error page.
    """
    error = request.routing_exception
    if isinstance(error, SecurityError):
        request_ctx.url_adapter = links.adapter(current_app)
        raise error


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES proxies, take the client's address and scheme from them.

    Rate limits count per client address and cookies depend on https: without this, every
    request behind a proxy would come from the proxy, over http. Only as many hops as
    configured are believed, so a client cannot forge its address with its own header.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    # Browsers drop tabs and newlines and read "\" as "/", so "/\t/evil.example" would
    # become "//evil.example": refuse every control character and backslash outright.
    if any(char < " " or char in "\\\x7f" for char in target):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target
