"""Configuration: environment variables of the settings' own names, validated at start-up."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import create_app
from tracker.config import ConfigError, apply_environment, instance_secret_key

ROOT = Path(__file__).resolve().parent.parent


def base(tmp_path: Path, **overrides: object) -> dict[str, object]:
    return {
        "SECRET_KEY": "k" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}",
        **overrides,
    }


def test_environment_values_are_parsed_by_the_settings_type() -> None:
    config: dict[str, object] = {"MAIL_PORT": 25, "RATELIMIT_ENABLED": True, "MAIL_SERVER": None}
    apply_environment(
        config, {"MAIL_PORT": "2525", "RATELIMIT_ENABLED": "false", "MAIL_SERVER": "smtp.test"}
    )
    assert config == {"MAIL_PORT": 2525, "RATELIMIT_ENABLED": False, "MAIL_SERVER": "smtp.test"}


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("MAIL_PORT", "twenty-five", "MAIL_PORT must be a whole number, got 'twenty-five'"),
        ("RATELIMIT_ENABLED", "perhaps", "RATELIMIT_ENABLED must be true or false"),
        ("MAIL_PORT", "70000", "MAIL_PORT must be a port number"),
        ("PORT", "0", "PORT must be a port number"),
        ("DATABASE_URL", "mysql://db/tracker", "DATABASE_URL must be sqlite or postgresql"),
        ("DATABASE_URL", "not a url", "DATABASE_URL is not a database URL"),
        ("RATELIMIT_STORAGE_URI", "memcached://x", "RATELIMIT_STORAGE_URI must start with"),
    ],
)
def test_a_bad_environment_value_stops_start_up_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    settings = base(tmp_path)
    settings.pop(name, None)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError) as raised:
        create_app(settings)
    assert expected in raised.value.message
    assert "\n" not in raised.value.message


def test_environment_overrides_defaults_and_the_factory_mapping_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.org")
    monkeypatch.setenv("MAIL_USE_TLS", "yes")
    monkeypatch.setenv("MAX_CONTENT_LENGTH", "2048")
    app = create_app(base(tmp_path, MAIL_USE_TLS=False))
    assert app.config["MAIL_SERVER"] == "smtp.example.org"
    assert app.config["MAX_CONTENT_LENGTH"] == 2048
    assert app.config["MAIL_USE_TLS"] is False


def test_both_tls_and_ssl_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot both be true"):
        create_app(base(tmp_path, MAIL_USE_TLS=True, MAIL_USE_SSL=True))


def test_a_plain_postgresql_url_uses_the_psycopg_driver(tmp_path: Path) -> None:
    app = create_app(base(tmp_path, DATABASE_URL="postgresql://postgres@127.0.0.1:5432/test"))
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize(
    ("setting", "module", "extra"),
    [
        ({"DATABASE_URL": "postgresql://db.example/tracker"}, "psycopg", "postgresql"),
        ({"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379"}, "redis", "redis"),
    ],
)
def test_a_setting_whose_optional_extra_is_missing_names_the_extra_to_install(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    setting: dict[str, str],
    module: str,
    extra: str,
) -> None:
    found = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == module else found(name, *a)
    )
    with pytest.raises(
        ConfigError, match=rf"{module} is not installed: pip install -e '\.\[{extra}\]'"
    ):
        create_app(base(tmp_path, **setting))


def test_without_database_url_the_database_lives_in_the_instance_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"SECRET_KEY": "k" * 32})
    expected = ROOT / "instance" / "tracker.sqlite"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{expected}"


def test_the_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    instance = tmp_path / "instance"
    first = instance_secret_key(instance)
    assert len(first) >= 32
    assert instance_secret_key(instance) == first
    mode = stat.S_IMODE((instance / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_the_command_line_prints_a_bad_setting_as_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SECRET_KEY": "k" * 32,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        "MAIL_PORT": "abc",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "tracker", "missions", "list"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.strip() == "Error: MAIL_PORT must be a whole number, got 'abc'"
