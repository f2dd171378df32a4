"""The server side of the load and fault scripts: a throw-away database and gunicorn.

Every run gets its own database (a temporary SQLite file, or a new database on the
PostgreSQL server that DATABASE_URL names, dropped afterwards): instance/tracker.sqlite is
never touched.
"""

from __future__ import annotations

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from tracker.config import parse_database_url

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SEED = ROOT / "seed" / "kazakhstan-2015.toml"
MANAGER = "manager@load.example.org"


@contextmanager
def fresh_database(database_url: str | None, label: str) -> Iterator[str]:
    """Yield the URL of a new, empty database; remove it afterwards."""
    if not database_url:
        with tempfile.TemporaryDirectory(prefix=f"tracker-{label}-") as folder:
            yield f"sqlite:///{folder}/{label}.sqlite"
        return
    server = parse_database_url(database_url)
    if server.get_backend_name() != "postgresql":
        raise SystemExit(f"--database-url must name a PostgreSQL server: {database_url}")
    name = f"tracker_load_{label}_{secrets.token_hex(4)}"
    # CREATE/DROP DATABASE cannot run inside a transaction.
    # No pool: the fault script restarts the server, which ends any pooled connection.
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            # FORCE ends connections a killed or stopped worker may have left behind.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def environment(database_url: str) -> dict[str, str]:
    """The app's settings for a load run: its own database and key, no rate limits."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        # A fixed key for the run, so no worker writes instance/secret_key.
        "SECRET_KEY": secrets.token_hex(32),
        # Rate limits would turn a burst from one address into 429s: measured apart.
        "RATELIMIT_ENABLED": "false",
    }


def flask(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    """Run ``flask --app tracker ...``; stop the script with its output if it fails."""
    command = [str(BIN / "flask"), "--app", "tracker", *args]
    done = subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def prepare_tracker(env: dict[str, str]) -> None:
    """Migrate, load the seed mission, and add a manager (who gets new-inquiry notices)."""
    flask(env, "db", "upgrade")
    flask(env, "missions", "load", str(SEED))
    password = secrets.token_urlsafe(24)
    flask(
        env,
        "users",
        "create",
        MANAGER,
        "--role",
        "manager",
        "--name",
        "Load Manager",
        stdin=password,
    )


def prepare_bare(env: dict[str, str]) -> None:
    """Create the bare app's one table."""
    done = subprocess.run(
        [sys.executable, str(HERE / "bare_app.py")], cwd=HERE, env=env, capture_output=True
    )
    if done.returncode != 0:
        raise SystemExit(f"bare_app.py failed:\n{done.stderr.decode()}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Gunicorn:
    """``gunicorn -w N`` on a free port, with its log in a temporary file."""

    def __init__(self, app: str, env: dict[str, str], workers: int = 2, cwd: Path = ROOT) -> None:
        self.port = free_port()
        log, self.log_path = tempfile.mkstemp(prefix="gunicorn-", suffix=".log")
        command = [
            str(BIN / "gunicorn"),
            # The deployed settings (gunicorn.conf.py), for the bare app as for tracker.
            *("--config", str(ROOT / "gunicorn.conf.py")),
            *("--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"),
            *("--log-level", "warning", app),
        ]
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        os.close(log)  # gunicorn holds its own copy

    def wait_ready(self, path: str, status: int = 200, timeout: float = 30.0) -> None:
        """Poll ``path`` until it answers ``status`` (the workers have imported the app)."""
        deadline = time.monotonic() + timeout
        seen = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log_text()}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", path)
                answer = connection.getresponse().status
                if answer == status:
                    return
                seen = f"status {answer}"
            except (OSError, http.client.HTTPException) as error:
                seen = repr(error)
            finally:
                connection.close()
            time.sleep(0.2)
        raise SystemExit(
            f"gunicorn did not answer GET {path} with {status} within {timeout:.0f} s "
            f"(last: {seen}); the end of its log:\n{self.log_text()[-3000:]}"
        )

    def worker_pids(self) -> list[int]:
        """The master's children, i.e. the workers alive now."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def log_text(self) -> str:
        return Path(self.log_path).read_text(errors="replace")

    def stop(self) -> None:
        """SIGTERM (graceful: workers finish their request), then wait; SIGKILL if stuck."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.unlink(self.log_path)


@contextmanager
def serving(
    app: str, env: dict[str, str], ready: tuple[str, int], cwd: Path = ROOT
) -> Iterator[Gunicorn]:
    """Gunicorn running ``app`` until the block ends, once ``ready`` (path, status) answers."""
    server = Gunicorn(app, env, cwd=cwd)
    try:
        server.wait_ready(*ready)
        yield server
    finally:
        server.stop()
