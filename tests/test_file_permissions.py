"""Files with journalists' data or the site's secrets are readable by their owner only:
the SQLite database with its -wal and -shm files, and everything in the instance folder.

SQLite created the database with the umask's mode (0644: readable by every account on
the machine), and its -wal and -shm files with the database's.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import tracker
from tracker import create_app
from tracker.extensions import db


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The umask of most accounts, which leaves new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def settings(database: Path, **overrides: object) -> dict[str, object]:
    return {"TESTING": True, "SECRET_KEY": "k" * 32, "DATABASE_URL": f"sqlite:///{database}"}


def test_a_new_database_and_its_wal_and_shm_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    database = tmp_path / "tracker.sqlite"
    app = create_app(settings(database))
    with app.app_context():
        db.create_all()  # written in WAL mode: the -wal and -shm files exist while open
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM inquiries")
            files = [database, tmp_path / "tracker.sqlite-wal", tmp_path / "tracker.sqlite-shm"]
            modes = {path.name: mode(path) for path in files}
        db.engine.dispose()
    assert modes == dict.fromkeys(modes, 0o600)


def test_files_left_readable_by_others_are_narrowed_at_start_up(tmp_path: Path) -> None:
    database = tmp_path / "tracker.sqlite"
    for name, wide in (("tracker.sqlite", 0o644), ("tracker.sqlite-wal", 0o666)):
        (tmp_path / name).touch()
        (tmp_path / name).chmod(wide)
    (tmp_path / "tracker.sqlite-shm").touch(mode=0o640)
    (tmp_path / "tracker.sqlite-shm").chmod(0o640)

    create_app(settings(database))

    for name in ("tracker.sqlite", "tracker.sqlite-wal", "tracker.sqlite-shm"):
        assert mode(tmp_path / name) == 0o600, name


def test_the_instance_folder_and_its_files_are_the_owners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh instance folder (`make run` on a clone), then one with a config.py that an
    editor saved readable by everyone."""
    monkeypatch.setattr(tracker, "PROJECT_ROOT", tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    instance = tmp_path / "instance"

    create_app({"TESTING": True})
    assert mode(instance) == 0o700
    assert mode(instance / "tracker.sqlite") == 0o600
    assert mode(instance / "secret_key") == 0o600

    (instance / "config.py").write_text('MAIL_DEFAULT_SENDER = "press@ohchr.test"\n')
    (instance / "config.py").chmod(0o644)
    (instance / "tracker.sqlite").chmod(0o664)
    app = create_app({"TESTING": True})
    assert app.config["MAIL_DEFAULT_SENDER"] == "press@ohchr.test"
    assert mode(instance / "config.py") == 0o600
    assert mode(instance / "tracker.sqlite") == 0o600
