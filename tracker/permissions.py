"""Files that hold secrets or personal data, readable by their owner only.

The SQLite database holds every journalist's details, and the instance folder the secret
key and ``config.py`` (with the mail password, say). SQLite creates a database with the
process's umask, usually 0644: readable by every account on the machine; and it gives
the database's ``-wal`` and ``-shm`` files the database file's mode. So the database
file is created here, empty and 0600, before SQLite first opens it, and at each start
the database, its ``-wal`` and ``-shm``, and every file in the instance folder lose any
permission beyond their owner's.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

OWNER_ONLY = 0o600


def init_app(app: Flask) -> None:
    """Narrow the instance folder's files; create or narrow the SQLite database's."""
    instance = Path(app.instance_path)
    if instance.is_dir():
        for path in instance.iterdir():
            if path.is_file() and not path.is_symlink():
                narrow(path)
    database = sqlite_file(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if database is None:
        return
    if database.parent == instance:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
    create_private(database)
    for path in (database, *companions(database)):
        narrow(path)


def sqlite_file(uri: str) -> Path | None:
    """The database file of a SQLite URL; None for another database or one in memory."""
    url = make_url(uri)
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:":
        return None
    if name.startswith("file:") or url.query.get("uri"):
        return None  # a URI filename: SQLite opens what it names, with its own options
    return Path(name)


def companions(database: Path) -> list[Path]:
    """The write-ahead log and shared-memory files SQLite keeps beside a database."""
    return [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")]


def create_private(path: Path) -> None:
    """An empty file, owner-only, unless it exists (an empty file is an empty database)."""
    if not path.parent.is_dir():
        return  # SQLite will say that the folder is missing
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))


def narrow(path: Path) -> None:
    """Take away the group's and others' permissions, if the file has any."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            path.chmod(mode & 0o700)
    except FileNotFoundError:
        return
    except PermissionError as error:
        # Another account owns it: the deployment chose its permissions; say so.
        log.warning("could not make %s readable by its owner only: %s", path, error)
