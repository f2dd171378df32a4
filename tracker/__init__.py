"""tracker: a media contact and inquiry tracker for press offices.

``create_app`` is the application factory: configuration, extensions, blueprints,
error handlers and commands, and nothing else (no schema changes, no data loading).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from tracker.config import load_config
from tracker.extensions import csrf, db, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides every other source (used by tests)."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    load_config(app, config)
    register_extensions(app)
    register_blueprints(app)
    register_rate_limits(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    register_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extensions to this application."""
    from tracker import (
        database,
        i18n,
        inputs,
        models,  # noqa: F401  (models register tables)
        permissions,
        security,
    )
    from tracker.auth import session

    db.init_app(app)
    session.init_app(app)
    security.init_app(app)
    inputs.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    i18n.init_app(app)
    database.configure_sqlite()
    permissions.init_app(app)


def register_blueprints(app: Flask) -> None:
    """One blueprint per area of the product, each defined in its package's ``__init__``."""
    from tracker import admin, api, auth, desk, public, queue, stats

    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(queue.bp, url_prefix="/queue")
    app.register_blueprint(desk.bp, url_prefix="/inquiries")
    app.register_blueprint(stats.bp, url_prefix="/stats")
    app.register_blueprint(admin.bp, url_prefix="/admin")
    app.register_blueprint(api.bp, url_prefix="/api/v1")
    # The API is read-only for now and called by other programs, which carry no CSRF token.
    csrf.exempt(api.bp)


def register_rate_limits(app: Flask) -> None:
    """Per-address limits on the pages a flood would aim at (needs the blueprints)."""
    from tracker import ratelimit

    ratelimit.init_app(app)


def register_error_handlers(app: Flask) -> None:
    """HTML error pages, JSON under /api."""
    from tracker.errors import register

    register(app)


def register_template_helpers(app: Flask) -> None:
    """Filters that format times and phone numbers in templates."""
    from tracker.formatting import register

    register(app)


def register_logging(app: Flask) -> None:
    """Status tokens redacted from the log lines of requests (after every module loaded)."""
    from tracker import logs

    logs.init_app(app)


def register_commands(app: Flask) -> None:
    """Administration commands: ``flask --app tracker <command>``."""
    from tracker.cli import register

    register(app)
