"""What the servers write and send: status tokens kept out of every log, and a Server
header that names neither Werkzeug nor gunicorn (nor their versions).

Tested with the real servers: Werkzeug's (what `flask run`, hence `make run`, uses) in a
thread, and gunicorn with gunicorn.conf.py in a subprocess, as deployed.
"""

from __future__ import annotations

import http.client
import importlib.util
import logging
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from flask import Flask

from tracker import create_app, logs
from tracker.inquiries import status_tokens
from tracker.inquiries.intake import Receipt

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "a-journalists-secret-status-token-0123456789"


def get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def server_headers(response: http.client.HTTPResponse) -> list[str]:
    return [value for name, value in response.getheaders() if name.lower() == "server"]


# --- The redaction itself --------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET /status/{TOKEN}?received=1 HTTP/1.1", "GET /status/[redacted]?received=1 HTTP/1.1"),
        (f'"http://tracker.test/status/{TOKEN}"', '"http://tracker.test/status/[redacted]"'),
        (
            f"/status/{TOKEN}/x and /status/{TOKEN}#top",
            "/status/[redacted]/x and /status/[redacted]#top",
        ),
        ("/missions/kazakhstan-2015", "/missions/kazakhstan-2015"),
    ],
)
def test_a_status_address_loses_its_token_and_nothing_else(line: str, expected: str) -> None:
    assert logs.redact(line) == expected


# --- Werkzeug's server (`make run`) ----------------------------------------------------


@pytest.fixture
def werkzeug_server(app: Flask) -> Iterator[int]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.port
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.mark.real_commits  # the server answers from a thread of its own
def test_werkzeugs_request_log_shows_no_status_token(
    werkzeug_server: int, make_inquiry: Callable[..., Receipt], caplog: pytest.LogCaptureFixture
) -> None:
    token = make_inquiry().status_token
    caplog.set_level(logging.INFO, logger="werkzeug")

    assert get(werkzeug_server, f"/status/{token}").status == 200

    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("GET /status/[redacted] HTTP/1.1" in line for line in lines), lines
    assert token not in caplog.text


def test_werkzeugs_server_names_only_the_site(werkzeug_server: int) -> None:
    for path in ("/", "/static/css/site.css", "/nowhere"):
        assert server_headers(get(werkzeug_server, path)) == ["tracker"]


# --- The app's own log -----------------------------------------------------------------


def app_without_tables(tmp_path: Path, **overrides: Any) -> Flask:
    """The app on a SQLite file with no tables: to SQLite, a database that cannot answer."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "k" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}",
    }
    return create_app({**settings, **overrides})


def test_the_apps_warnings_show_no_status_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The database is unreachable: the warning names the path."""
    app = app_without_tables(tmp_path)
    response = app.test_client().get(f"/status/{TOKEN}")
    assert response.status_code == 503
    assert "database unavailable on /status/[redacted]" in caplog.text
    assert TOKEN not in caplog.text


def test_flasks_exception_log_shows_no_status_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_without_tables(tmp_path, TESTING=False, PROPAGATE_EXCEPTIONS=False)

    def broken(token: str) -> str:
        raise RuntimeError("broken")

    monkeypatch.setattr(status_tokens, "token_hash", broken)
    assert app.test_client().get(f"/status/{TOKEN}").status_code == 500
    assert "Exception on /status/[redacted] [GET]" in caplog.text
    assert TOKEN not in caplog.text


# --- gunicorn --------------------------------------------------------------------------


def gunicorn_conf() -> ModuleType:
    """gunicorn.conf.py as gunicorn reads it (a file, not a module of the package)."""
    pytest.importorskip("gunicorn")
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_gunicorns_access_log_atoms_show_no_status_token() -> None:
    from gunicorn.config import Config

    logger = gunicorn_conf().logger_class(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/status/{TOKEN}?received=1",
        "PATH_INFO": f"/status/{TOKEN}",
        "QUERY_STRING": "received=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://press.example.org/status/{TOKEN}",
        "REMOTE_ADDR": "203.0.113.7",
    }
    request = SimpleNamespace(headers=[("Referer", environ["HTTP_REFERER"])])
    response = SimpleNamespace(
        status="303 SEE OTHER", sent=0, headers=[("Location", f"/status/{TOKEN}?received=1")]
    )

    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=12))

    assert atoms["r"] == "GET /status/[redacted]?received=1 HTTP/1.1"
    assert atoms["U"] == "/status/[redacted]"
    assert atoms["{location}o"] == "/status/[redacted]?received=1"
    assert atoms["f"] == atoms["{referer}i"] == "https://press.example.org/status/[redacted]"
    assert TOKEN not in repr(atoms)
    assert logs.FILTER in logger.error_log.filters


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def gunicorn(tmp_path: Path) -> Iterator[tuple[int, Path, Path]]:
    """gunicorn with gunicorn.conf.py and an access log, on a database without tables."""
    executable = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    if executable is None:
        pytest.skip("gunicorn is not installed (the server extra)")
    port, access, output = free_port(), tmp_path / "access.log", tmp_path / "output.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'none.sqlite'}",
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_ENABLED": "false",
    }
    command = [executable, "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "1"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", str(access)]
    command += ["tracker:create_app()"]
    with output.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_until_answering(process, port, output)
        yield port, access, output
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_until_answering(process: subprocess.Popen[Any], port: int, output: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited:\n{output.read_text()}")
        try:
            if get(port, "/static/css/site.css").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer:\n{output.read_text()}")


def test_gunicorn_names_only_the_site_and_logs_no_status_token(
    gunicorn: tuple[int, Path, Path],
) -> None:
    port, access, output = gunicorn
    # No tables: the status page answers 503, and the app logs a warning with its path.
    answer = get(port, f"/status/{TOKEN}")
    assert answer.status == 503
    assert server_headers(answer) == ["tracker"]
    assert server_headers(get(port, "/")) == ["tracker"]

    deadline = time.monotonic() + 10
    while "/status/" not in access.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert '"GET /status/[redacted] HTTP/1.1" 503' in access.read_text()
    assert "database unavailable on /status/[redacted]" in output.read_text()
    assert TOKEN not in access.read_text() + output.read_text()
