"""Configuration: defaults, then ``instance/config.py``, then environment variables of
the same names, then the mapping given to ``create_app`` (tests). Validated at start-up
so that a bad value stops the application with one line instead of failing later."""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask
from limits import parse_many
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from werkzeug.sansio.utils import host_is_trusted

from tracker import links


class ConfigError(click.ClickException):
    """A setting has a value the application cannot run with.

    A ClickException, so ``flask --app tracker ...`` prints it as one line and exits 1.
    """


DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,
    "PORT": 5000,
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # None = secure unless debugging or testing (see secure_cookies_by_default); `make run`
    # sets both to false, as it serves plain http://127.0.0.1, where a browser would
    # refuse to send a Secure cookie back.
    "SESSION_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=14),
    # A journalist may spend a long time writing; an expired token would lose their text.
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "WTF_CSRF_ENABLED": True,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAIL_SERVER": None,
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,
    "MAIL_USE_SSL": False,
    "MAIL_USERNAME": None,
    "MAIL_DEFAULT_SENDER": "tracker@localhost",
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "tracker",
    # Per client address (tracker/ratelimit.py). Far above a newsroom, even a press
    # centre's Wi-Fi behind one address; far below a script.
    "RATELIMIT_INQUIRY_FORM": "10 per minute; 60 per hour",
    "RATELIMIT_STATUS_PAGE": "120 per minute",
    # Codes sent to /status (besides the lock-out after wrong ones: code_lookup.py).
    "RATELIMIT_STATUS_CODE": "20 per minute; 100 per hour",
    "RATELIMIT_CONTACTS_API": "300 per minute",
    "RATELIMIT_LOGIN": "30 per minute",
    # How many proxies in front set X-Forwarded-For/-Proto; 0 trusts no such header, so a
    # client cannot pick the address its limits are counted under.
    "TRUSTED_PROXIES": 0,
    # The site's address as people reach it, e.g. https://press.example.org: every link in
    # mail and calendars starts with it (tracker/links.py). None: from SERVER_NAME, else
    # http://127.0.0.1:PORT (what `make run` serves).
    "PUBLIC_BASE_URL": None,
    # Host names the site answers to (Flask's own setting; others get 400). None: the host
    # of PUBLIC_BASE_URL, 127.0.0.1 and localhost. Comma-separated in the environment.
    "TRUSTED_HOSTS": None,
}
# No default for the secrets: SECRET_KEY is generated per instance (instance_secret_key),
# MAIL_PASSWORD comes from the deployment. Outside the literal above because bandit's
# hard-coded password check reads a None value there as the string "None".
DEFAULTS.update(dict.fromkeys(("SECRET_KEY", "MAIL_PASSWORD")))

RATE_LIMIT_SETTINGS = (
    "RATELIMIT_INQUIRY_FORM",
    "RATELIMIT_STATUS_PAGE",
    "RATELIMIT_STATUS_CODE",
    "RATELIMIT_CONTACTS_API",
    "RATELIMIT_LOGIN",
)

# Settings whose default is None still need a type to parse the environment with.
NONE_DEFAULT_TYPES: dict[str, type] = {
    "MAX_CONTENT_LENGTH": int,
    "SERVER_NAME": str,
    "PUBLIC_BASE_URL": str,
    "TRUSTED_HOSTS": str,
    "SESSION_COOKIE_SECURE": bool,
    "REMEMBER_COOKIE_SECURE": bool,
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def load_config(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` in the documented order and validate the result."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    apply_environment(app.config, os.environ)
    if overrides:
        app.config.from_mapping(overrides)
    validate(app.config)
    resolve_public_addresses(app)
    secure_cookies_by_default(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_uri(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))


def apply_environment(config: dict[str, Any], environ: Mapping[str, str]) -> None:
    """Override every known setting that is present in the environment, parsed by type."""
    for name in set(config) | set(DEFAULTS):
        if name in environ:
            config[name] = parse_value(name, environ[name], config.get(name))


def parse_value(name: str, raw: str, current: Any) -> Any:
    """Parse an environment string into the type of the setting's current value."""
    kind = NONE_DEFAULT_TYPES.get(name, str) if current is None else type(current)
    text = raw.strip()
    if kind is bool:
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ConfigError(f"{name} must be true or false, got {raw!r}")
    if kind in (int, timedelta):
        try:
            number = int(text)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
        return timedelta(seconds=number) if kind is timedelta else number
    if kind is str:
        return raw
    raise ConfigError(f"{name} cannot be set from the environment; use instance/config.py")


def validate(config: Mapping[str, Any]) -> None:
    """Refuse values the application cannot work with, one line per problem."""
    for name in ("PORT", "MAIL_PORT"):
        value = config.get(name)
        if not isinstance(value, int) or not 0 < value < 65536:
            raise ConfigError(f"{name} must be a port number between 1 and 65535, got {value!r}")
    if config.get("MAIL_USE_TLS") and config.get("MAIL_USE_SSL"):
        raise ConfigError("MAIL_USE_TLS and MAIL_USE_SSL cannot both be true")
    secret = config.get("SECRET_KEY")
    if secret and len(str(secret)) < 16:
        raise ConfigError("SECRET_KEY must be at least 16 characters long")
    storage = str(config.get("RATELIMIT_STORAGE_URI") or "")
    scheme = storage.split("://", 1)[0]
    if scheme not in {"memory", "redis", "rediss"}:
        raise ConfigError(
            f"RATELIMIT_STORAGE_URI must start with memory://, redis:// or rediss://, "
            f"got {storage!r}"
        )
    if scheme != "memory":
        require_extra("redis", "redis", "RATELIMIT_STORAGE_URI names Redis")
    for name in RATE_LIMIT_SETTINGS:
        validate_rate_limit(name, config.get(name))
    proxies = config.get("TRUSTED_PROXIES")
    if not isinstance(proxies, int) or not 0 <= proxies <= 5:
        raise ConfigError(f"TRUSTED_PROXIES must be a number from 0 to 5, got {proxies!r}")
    if config.get("DATABASE_URL"):
        parse_database_url(str(config["DATABASE_URL"]))


def resolve_public_addresses(app: Flask) -> None:
    """Settle PUBLIC_BASE_URL and TRUSTED_HOSTS, both needed before the first request."""
    base, guessed = public_base_url(app.config)
    app.config["PUBLIC_BASE_URL"] = base
    app.extensions[links.GUESSED_KEY] = guessed
    app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config.get("TRUSTED_HOSTS"), base)


def public_base_url(config: Mapping[str, Any]) -> tuple[str, bool]:
    """The base of every absolute link, and whether it is only the local fallback."""
    raw = config.get("PUBLIC_BASE_URL")
    if raw:
        return parse_public_base_url(str(raw), "PUBLIC_BASE_URL"), False
    server = config.get("SERVER_NAME")
    if server:
        scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        root = str(config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return parse_public_base_url(f"{scheme}://{server}{root}", "SERVER_NAME"), False
    return f"http://127.0.0.1:{config['PORT']}", True


def parse_public_base_url(raw: str, name: str) -> str:
    """An http(s) address with a host and no query, fragment or credentials; no final /."""
    text = raw.strip()
    parts = urlsplit(text)
    try:
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        port_ok = False
    if (
        parts.scheme not in {"http", "https"}
        or "@" in parts.netloc
        or not host_is_trusted(parts.netloc)
        or not port_ok
        or "?" in text
        or "#" in text
        or any(char.isspace() for char in text)
    ):
        raise ConfigError(
            f"{name} must give the site's address as http(s)://host[:port][/path], with no "
            f"query or fragment, e.g. https://press.example.org; got {raw!r}"
        )
    return text.rstrip("/")


# A host name (a leading dot also accepts its subdomains) or an IPv4 address, as
# Werkzeug compares them: ASCII (punycode for other scripts), no port.
HOST_NAME = re.compile(r"\.?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


def trusted_hosts(raw: Any, base: str) -> list[str]:
    """The host names the site answers to; the public base's host must be one of them."""
    base_host = urlsplit(base).hostname or ""
    if raw is None:
        return list(dict.fromkeys([base_host, "127.0.0.1", "localhost"]))
    entries = raw.split(",") if isinstance(raw, str) else list(raw)
    hosts = [str(entry).strip() for entry in entries if str(entry).strip()]
    bad = [host for host in hosts if not HOST_NAME.fullmatch(host)]
    if bad or not hosts:
        raise ConfigError(
            "TRUSTED_HOSTS must be host names separated by commas (no ports), e.g. "
            f"'press.example.org,127.0.0.1'; got {raw!r}"
        )
    if not host_is_trusted(base_host, hosts):
        raise ConfigError(
            f"TRUSTED_HOSTS must include {base_host!r}, the host of PUBLIC_BASE_URL, "
            "or the links in mail would lead to an address the site refuses"
        )
    return hosts


def validate_rate_limit(name: str, value: Any) -> None:
    """A limit must parse, e.g. "10 per minute; 60 per hour", or it would fail per request."""
    try:
        parsed = parse_many(value) if isinstance(value, str) else []
    except ValueError:
        parsed = []
    if not parsed:
        raise ConfigError(
            f"{name} must be a rate limit such as '10 per minute; 60 per hour', got {value!r}"
        )


def secure_cookies_by_default(app: Flask) -> None:
    """Unset cookie security means Secure, except when debugging or testing.

    Secure by default, so a deployment that forgets the setting still never sends a
    session cookie over plain http; a deployment without HTTPS finds out at its first
    login, not after a cookie has leaked.
    """
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = not (app.debug or app.testing)


def parse_database_url(raw: str) -> URL:
    """Parse DATABASE_URL, choosing psycopg 3 as the PostgreSQL driver when none is named."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {raw!r}") from None
    backend = url.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        require_extra("psycopg", "postgresql", "DATABASE_URL names PostgreSQL")
        return url.set(drivername="postgresql+psycopg")
    if backend == "sqlite":
        return url
    raise ConfigError(f"DATABASE_URL must be sqlite or postgresql, got {backend!r}")


def require_extra(module: str, extra: str, why: str) -> None:
    """Refuse a setting whose driver is an optional extra that is not installed."""
    if importlib.util.find_spec(module) is None:
        raise ConfigError(f"{why}, but {module} is not installed: pip install -e '.[{extra}]'")


# Seconds to wait for PostgreSQL to accept a connection. Without a limit, a database host
# that stops answering (rather than refusing) holds each request for minutes, until the
# workers are all stuck; with it, the request gets the 503 page at once.
POSTGRESQL_CONNECT_TIMEOUT = 5


def engine_options(app: Flask) -> dict[str, Any]:
    """The engine options, with a connect timeout on PostgreSQL unless one is given."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite"):
        # A file has no connection to lose: the ping before each checkout (a SELECT 1 on
        # every request, a tenth of a bare insert) would find nothing to mend.
        options["pool_pre_ping"] = False
    if str(app.config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("connect_timeout", POSTGRESQL_CONNECT_TIMEOUT)
        options["connect_args"] = connect_args
    return options


def database_uri(app: Flask) -> str:
    """The SQLAlchemy URL: DATABASE_URL, or SQLite in the instance folder."""
    raw = app.config.get("DATABASE_URL")
    if not raw:
        return "sqlite:///" + str(Path(app.instance_path) / "tracker.sqlite")
    return parse_database_url(str(raw)).render_as_string(hide_password=False)


def instance_secret_key(instance: Path) -> str:
    """Read the instance's secret key, generating it on first run (never committed)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    # The folder too: it holds the database and config.py (see tracker.permissions).
    instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Created with owner-only permissions: the key signs every session cookie.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
