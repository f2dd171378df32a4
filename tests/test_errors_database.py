"""PostgreSQL going away under a running application, and coming back.

The application reaches PostgreSQL through a small TCP relay that the test can cut and
restore, the way a restarted or failed-over database looks from the application: pooled
connections die, new ones are refused, then everything answers again.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from conftest import IsolatedClient, app_settings, on_postgresql
from flask import Flask
from sqlalchemy.engine import make_url

from tracker import create_app
from tracker.extensions import db

API_URL = "/api/v1/missions/kazakhstan-2015/contacts"

pytestmark = pytest.mark.skipif(
    not on_postgresql(), reason="runs on PostgreSQL only (set TEST_DATABASE_URL)"
)


class Relay:
    """Forwards 127.0.0.1:<port> to PostgreSQL until cut; restorable on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None
        self.running = threading.Event()
        self.port = 0

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.settimeout(0.1)
        self.running.set()
        threading.Thread(target=self.accept, args=(self.listener,), daemon=True).start()

    def accept(self, listener: socket.socket) -> None:
        while self.running.is_set():
            try:
                client, _ = listener.accept()
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                continue
            client.settimeout(None)
            server.settimeout(None)
            self.sockets += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=pipe, args=(source, target), daemon=True).start()

    def cut(self) -> None:
        """Stop listening and drop every open connection, as a stopped server does."""
        self.running.clear()
        if self.listener is not None:
            self.listener.close()
        for sock in self.sockets:
            close(sock)
        self.sockets.clear()


def pipe(source: socket.socket, target: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            target.sendall(data)
    except OSError:
        pass
    finally:
        close(source)
        close(target)


def close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def relayed_app(
    database_url: str,
    real_commits: None,  # the relayed app's own connections must see the test's data
) -> Iterator[tuple[Flask, Relay]]:
    url = make_url(database_url)
    relay = Relay((url.host or "127.0.0.1", url.port or 5432))
    relay.start()
    relayed = url.set(host="127.0.0.1", port=relay.port).render_as_string(hide_password=False)
    app = create_app(app_settings(relayed))
    app.test_client_class = IsolatedClient
    yield app, relay
    relay.cut()
    with app.app_context():
        db.engine.dispose()


def test_a_database_outage_gives_503_and_the_app_recovers_without_restart(
    relayed_app: tuple[Flask, Relay], mission: object
) -> None:
    app, relay = relayed_app
    client = app.test_client()
    assert client.get(API_URL).status_code == 200
    assert client.get("/missions/kazakhstan-2015").status_code == 200

    relay.cut()
    down_api = client.get(API_URL)
    assert down_api.status_code == 503 and down_api.headers["Retry-After"] == "60"
    down_page = client.get("/missions/kazakhstan-2015")
    assert down_page.status_code == 503
    assert "briefly unavailable" in down_page.get_data(as_text=True)

    relay.start()
    # The pool's pre-ping drops the dead connections; no restart, no stale session.
    assert client.get(API_URL).status_code == 200
    assert client.get("/missions/kazakhstan-2015").status_code == 200
