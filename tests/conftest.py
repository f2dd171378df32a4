"""Fixtures: an app on a test database (SQLite, or PostgreSQL with TEST_DATABASE_URL),
a controlled clock, the seed mission, and factories for inquiries.

Every run, and every pytest-xdist worker of a run, makes its own database: a temporary
SQLite file, or a PostgreSQL schema named after the worker (``test_gw0_…``), dropped at the
end. Its tables are made once.

Each test starts from empty tables because whatever it wrote is rolled back, not deleted:
SQLAlchemy's recipe "Joining a Session into an External Transaction (such as for test
suites)". The ``app`` fixture opens one connection and begins a transaction on it; every
session of the app during the test (the test's own, and each request's in its own app
context, see IsolatedClient) is bound to that connection and works in a SAVEPOINT of it
(``join_transaction_mode="create_savepoint"``), so the app's commits and rollbacks behave
as usual, but nothing outlives the test. On PostgreSQL the sequences are restarted before
each test, as TRUNCATE … RESTART IDENTITY did, so ids start at 1. On SQLite the test
connection lets SQLAlchemy emit BEGIN itself (Python 3.11's sqlite3 would not put a
SAVEPOINT inside the transaction); the app's PRAGMAs apply as on any connection.

``@pytest.mark.real_commits`` opts a test out (or the ``real_commits`` fixture, requested by
a fixture that all its tests need it for): its ``app`` is built afresh, its sessions
commit for real, and every table is emptied afterwards (the old way, and much slower).
Use it where another connection must see what the test wrote, or must write itself:
threads or processes with sessions of their own (a session of a transactional test used
from another thread fails, naming the marker), row locks and SKIP LOCKED, and code that
opens its own connection with ``db.engine`` (the privacy wipe's checkpoint and VACUUM,
a "concurrent" writer on a second connection). Tests on a database of their own
(``app_on``: migrations, the e2e live server, SQLite file checks) need no marker.

Applications are built once per distinct ``app_config`` in each worker and reused (create_app
is ~25 ms); one whose settings or routes a test changed is thrown away afterwards, and
one with rate limits on is never reused (its counts live in the app).
"""

from __future__ import annotations

import contextvars
import copy
import os
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_sqlalchemy.session import Session as FlaskSqlalchemySession
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import Connection, Engine, create_engine, event, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from tracker import clock, create_app, i18n
from tracker.choices import Channel, MediaType, RequestType, Role, Topic
from tracker.extensions import db
from tracker.inquiries import intake
from tracker.missions.spec import parse_mission_file
from tracker.missions.sync import apply_spec
from tracker.models import Contact, Mission, User

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "seed" / "kazakhstan-2015.toml"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
SECRET = "test-secret-key-0123456789"
# "gw0", "gw1", … under pytest-xdist; "main" without it.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
# Where a joined app keeps the test's transaction (see JoinedTransaction).
JOINED = "tests.joined_transaction"


def on_postgresql() -> bool:
    return bool(TEST_DATABASE_URL)


class FreshDatabases:
    """Hands out empty databases: SQLite files, or schemas in the PostgreSQL database."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.schemas: list[str] = []

    def new(self) -> str:
        if not TEST_DATABASE_URL:
            return f"sqlite:///{self.tmp / f'{uuid.uuid4().hex}.sqlite'}"
        # The worker in the name: parallel workers (and parallel runs) never clash, and a
        # schema left by a killed run says whose it was.
        schema = f"test_{WORKER}_{uuid.uuid4().hex[:16]}"
        engine = create_engine(TEST_DATABASE_URL)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self.schemas.append(schema)
        url = make_url(TEST_DATABASE_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self.schemas:
            return
        engine = create_engine(TEST_DATABASE_URL or "")
        with engine.begin() as connection:
            for schema in self.schemas:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "real_commits: the app commits for real and the tables are emptied afterwards, "
        "instead of the test's transaction being rolled back (see tests/conftest.py)",
    )


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """Compile the catalogues that ``make`` would have, so a bare ``pytest`` finds them."""
    for source in i18n.stale_catalogues():
        i18n.compile_catalogue(source)


@pytest.fixture(scope="session")
def fresh_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FreshDatabases]:
    databases = FreshDatabases(tmp_path_factory.mktemp("databases"))
    yield databases
    databases.drop_all()


def app_settings(database_url: str, **overrides: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": "tracker.test",
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def database_url(fresh_databases: FreshDatabases) -> str:
    """One database for the session, its tables made from the models."""
    url = fresh_databases.new()
    app = create_app(app_settings(url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    return url


@pytest.fixture
def app_on(fresh_databases: FreshDatabases) -> Callable[..., Flask]:
    """Build an app on a new, empty database (no tables): ``app_on(**overrides)``."""

    def build(**overrides: Any) -> Flask:
        return create_app(app_settings(fresh_databases.new(), **overrides))

    return build


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Per-test overrides; a test module may override this fixture."""
    return {}


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps an app context open for the test body, and Flask would reuse
    it for each request, so ``g`` (where Flask-Login caches the current user) and the
    database session would carry over from one request, and one client, to the next: a
    fresh browser would look signed in. An empty ``contextvars.Context`` holds no app
    context, so each request pushes and tears down its own.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:
            # A streamed body (stream_with_context) holds the request's contexts until it
            # is read through or closed: do both in that request's context, as a server's
            # thread would, or Flask finds itself popping a context from another one.
            response.response = ContextBoundBody(context, response.response)
        return response


class ContextBoundBody:
    """Iterate, and close, a response body inside ``context``."""

    def __init__(self, context: contextvars.Context, body: Any) -> None:
        self.context = context
        self.body = body
        self.iterator = context.run(iter, body)

    def __iter__(self) -> ContextBoundBody:
        return self

    def __next__(self) -> bytes:
        return self.context.run(next, self.iterator)

    def close(self) -> None:
        close = getattr(self.body, "close", None)
        if close is not None:
            self.context.run(close)


class SharedBytecode(BytecodeCache):
    """Compiled templates kept for every app of the run: a new app (an app of its own for
    a real_commits test, one per rate-limited or SMTP test, the e2e servers) would compile
    each template again. All are made by create_app, with the same Jinja settings, and
    Jinja checks each template's source against its entry."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SHARED_BYTECODE = SharedBytecode()


def new_app(database_url: str, **overrides: Any) -> Flask:
    application = create_app(app_settings(database_url, **overrides))
    application.test_client_class = IsolatedClient
    application.jinja_env.bytecode_cache = SHARED_BYTECODE
    return application


class JoinedTransaction:
    """One connection, in a transaction that is rolled back at the end of the test.

    Every session of a joined app (``join``) is bound to this connection: see
    ``sessions_join_the_test_transaction``.
    """

    def __init__(self, engine: Engine) -> None:
        self.thread = threading.get_ident()
        self.connection = engine.connect()
        self.outer = self.connection.begin()
        self.apps: list[Flask] = []

    def join(self, app: Flask) -> None:
        app.extensions[JOINED] = self
        self.apps.append(app)

    def bind(self) -> Connection:
        # One connection cannot serve two threads at once, nor can a thread's commit be
        # seen by the others before it is real.
        if threading.get_ident() != self.thread:
            raise RuntimeError(
                "a session in another thread of a test whose writes are rolled back: "
                "mark the test @pytest.mark.real_commits (see tests/conftest.py)"
            )
        return self.connection

    def restart_sequences(self) -> None:
        """Ids from 1 again (PostgreSQL's sequences are not rolled back, SQLite's are)."""
        if self.connection.dialect.name == "postgresql":
            self.connection.exec_driver_sql(
                "SELECT setval(quote_ident(schemaname) || '.' || quote_ident(sequencename), "
                "start_value, false) FROM pg_sequences WHERE schemaname = current_schema()"
            )

    def close(self) -> None:
        for app in self.apps:
            app.extensions.pop(JOINED, None)
        try:
            if self.outer.is_active:
                self.outer.rollback()
        finally:
            self.connection.close()


@pytest.fixture(scope="session", autouse=True)
def sessions_join_the_test_transaction() -> Iterator[None]:
    """Bind every session of a joined app to the test's connection, in a savepoint.

    Flask-SQLAlchemy's Session.get_bind picks the app's engine and ignores a session's
    ``bind``; this asks the current app for the test's transaction first. Apps that did
    not join one (real_commits, ``app_on``, the bench's own) get their engine as usual.
    """
    original = FlaskSqlalchemySession.get_bind

    def get_bind(
        self: FlaskSqlalchemySession,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: Engine | Connection | None = None,
        **kwargs: Any,
    ) -> Engine | Connection:
        if bind is None and has_app_context():
            joined = current_app.extensions.get(JOINED)
            if joined is not None:
                return joined.bind()  # type: ignore[no-any-return]
        return original(self, mapper=mapper, clause=clause, bind=bind, **kwargs)

    factory = db.session.session_factory
    previous = factory.kw.get("join_transaction_mode", "conservative_savepoint")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FlaskSqlalchemySession, "get_bind", get_bind)
        # Only matters with a Connection as the bind: a commit releases a savepoint.
        factory.configure(join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            factory.configure(join_transaction_mode=previous)


def sqlite_savepoints_inside_the_transaction(engine: Engine) -> None:
    """SQLAlchemy's documented workaround for Python 3.11's sqlite3, for this engine only.

    sqlite3 emits no BEGIN before a SAVEPOINT (nor a SELECT), so the savepoints would not
    be part of the test's transaction and its rollback would keep what they committed.
    SQLAlchemy emits the BEGIN instead. Call before the engine's first connection.
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def no_implicit_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def explicit_begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


class ReusableApp:
    """An app built for the tests, and what it looked like then, to tell if a test changed it."""

    def __init__(self, database_url: str, overrides: dict[str, Any]) -> None:
        self.app = new_app(database_url, **overrides)
        with self.app.app_context():
            sqlite_savepoints_inside_the_transaction(db.engine)
        self.config = copy.deepcopy(dict(self.app.config))
        self.views = dict(self.app.view_functions)
        self.rules = len(list(self.app.url_map.iter_rules()))

    def unchanged(self) -> bool:
        return (
            dict(self.app.config) == self.config
            and self.app.view_functions == self.views
            and len(list(self.app.url_map.iter_rules())) == self.rules
        )

    def dispose(self) -> None:
        with self.app.app_context():
            db.engine.dispose()


class AppCache:
    """Apps on the test database built once per distinct settings, least recent dropped."""

    SIZE = 8

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.apps: OrderedDict[str, ReusableApp] = OrderedDict()

    def take(self, overrides: dict[str, Any]) -> tuple[str | None, ReusableApp]:
        settings = app_settings(self.database_url, **overrides)
        # Rate limits count in the app (memory://): a fresh app, fresh counts.
        key = None if settings["RATELIMIT_ENABLED"] else repr(sorted(overrides.items()))
        reusable = self.apps.pop(key, None) if key else None
        if reusable is None:
            reusable = ReusableApp(self.database_url, overrides)
        else:
            # As for a new app: a test may add routes before its first request. Flask has
            # no public switch for this; the app is not reused if routes were added.
            reusable.app._got_first_request = False
        return key, reusable

    def give_back(self, key: str | None, reusable: ReusableApp) -> None:
        if key is None or not reusable.unchanged():
            reusable.dispose()
            return
        self.apps[key] = reusable
        while len(self.apps) > self.SIZE:
            _, oldest = self.apps.popitem(last=False)
            oldest.dispose()

    def close(self) -> None:
        while self.apps:
            self.apps.popitem()[1].dispose()


@pytest.fixture(scope="session")
def app_cache(database_url: str) -> Iterator[AppCache]:
    cache = AppCache(database_url)
    yield cache
    cache.close()


@pytest.fixture
def real_commits() -> None:
    """The marker's twin, for a fixture all of whose tests need real commits: request it
    from that fixture (``three_inquiries(..., real_commits: None)``)."""


def commits_for_real(request: pytest.FixtureRequest) -> bool:
    marked = request.node.get_closest_marker("real_commits") is not None
    return marked or "real_commits" in request.fixturenames


@pytest.fixture
def app(
    request: pytest.FixtureRequest,
    database_url: str,
    app_config: dict[str, Any],
    app_cache: AppCache,
) -> Iterator[Flask]:
    """The application, inside an app context, on empty tables; see the module's docstring."""
    if commits_for_real(request):
        application = new_app(database_url, **app_config)
        with application.app_context():
            yield application
            db.session.remove()
            empty_tables()
            db.engine.dispose()
        return
    key, reusable = app_cache.take(app_config)
    with reusable.app.app_context():
        transaction = JoinedTransaction(db.engine)
        transaction.join(reusable.app)
        try:
            transaction.restart_sequences()
            yield reusable.app
        finally:
            db.session.remove()
            transaction.close()
    app_cache.give_back(key, reusable)


def empty_tables() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture
def build_app(app: Flask, database_url: str) -> Iterator[Callable[..., Flask]]:
    """More applications (other settings, extra routes): ``build_app(url=None, **overrides)``.

    On the test database (no ``url``) they share the ``app`` fixture's transaction, so
    they see what the test wrote; their engines are closed afterwards.
    """
    joined = app.extensions.get(JOINED)
    built: list[Flask] = []

    def build(url: str | None = None, **overrides: Any) -> Flask:
        application = new_app(url or database_url, **overrides)
        if url is None and joined is not None:
            joined.join(application)
        built.append(application)
        return application

    yield build
    for application in built:
        with application.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def set_now(monkeypatch: pytest.MonkeyPatch) -> Callable[[datetime | str], datetime]:
    """Freeze the application's clock: ``set_now("2015-01-20T10:00:00+06:00")``."""

    def freeze(when: datetime | str) -> datetime:
        instant = datetime.fromisoformat(when) if isinstance(when, str) else when
        assert instant.tzinfo is not None, "give the frozen instant an offset"
        monkeypatch.setattr(clock, "now", lambda: instant.astimezone(UTC))
        return instant

    return freeze


@pytest.fixture
def mission(app: Flask) -> Mission:
    """The Kazakhstan 2015 mission, loaded from the seed file."""
    loaded, _ = apply_spec(parse_mission_file(SEED_FILE))
    db.session.commit()
    return loaded


def journalist_request(**overrides: Any) -> intake.JournalistRequest:
    values: dict[str, Any] = {
        "name": "Aigerim Nurlanovna",
        "outlet": "Vlast.kz",
        "media_type": MediaType.ONLINE,
        "country": "KZ",
        "email": "aigerim@example.kz",
        "phone": None,
        "language": "ru",
        "request_type": RequestType.INTERVIEW,
        "topic": Topic.MISSION,
        "subject": "Interview request",
        "message": "Could the Special Rapporteur give a short interview?",
    }
    values.update(overrides)
    return intake.JournalistRequest(**values)


@pytest.fixture
def make_inquiry(mission: Mission) -> Callable[..., intake.Receipt]:
    """Record an inquiry through the intake service: ``make_inquiry(topic=...)``."""

    def make(
        received_at: datetime | str = "2015-01-20T10:00:00+06:00",
        channel: Channel = Channel.WEB_FORM,
        **overrides: Any,
    ) -> intake.Receipt:
        when = datetime.fromisoformat(received_at) if isinstance(received_at, str) else received_at
        receipt = intake.receive(
            mission, journalist_request(**overrides), channel=channel, received_at=when
        )
        db.session.commit()
        return receipt

    return make


PASSWORD = "correct horse battery staple 42"


@cache
def password_hash() -> str:
    """PASSWORD hashed once a run, not once an account, and at a lower scrypt cost.

    At werkzeug's cost (what tracker.accounts.passwords uses) a hash takes ~0.1 s, and so does
    each check at the login form. A check reads the cost from the stored hash, so the app
    checks this one by the same code, only faster; accounts made by the app itself (admin
    pages, ``users create``) still get the real cost, and unknown addresses are still
    checked against the app's dummy hash. The accounts share the salt: no test is about it.
    """
    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Create an account: ``make_user(role=Role.MANAGER, contact="leila-duisekova")``.

    ``contact`` is a contact key; the password is ``PASSWORD``.
    """
    counter = iter(range(1, 10_000))

    def make(
        role: Role = Role.PRESS_OFFICER,
        name: str | None = None,
        email: str | None = None,
        contact: str | None = None,
        **fields: Any,
    ) -> User:
        number = next(counter)
        user = User(
            email=email or f"officer{number}@ohchr.test",
            name=name or f"Officer {number}",
            role=role,
            password_hash=password_hash(),
            **fields,
        )
        if contact:
            user.contact = db.session.scalars(select(Contact).where(Contact.key == contact)).one()
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client: FlaskClient) -> Callable[[User], FlaskClient]:
    """Sign ``client`` in as a user without going through the login form."""

    def sign_in(user: User, on: FlaskClient | None = None) -> FlaskClient:
        target = on or client
        with target.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return target

    return sign_in


# Fixtures that several modules share.

NOON = "2015-01-20T12:00:00+06:00"


@pytest.fixture
def at_noon(set_now: Callable[[str], datetime], mission: Mission) -> datetime:
    """The clock at noon (UTC+6) on the second day of the visit, the mission loaded."""
    return set_now(NOON)


@pytest.fixture
def officer(
    mission: Mission, make_user: Callable[..., User], login: Callable[..., FlaskClient]
) -> User:
    """Leila Duisekova, press officer (her contact's account), signed in on ``client``."""
    user = make_user(name="Leila Duisekova", contact="leila-duisekova", timezone="Asia/Almaty")
    login(user)
    return user
