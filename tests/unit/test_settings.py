"""Settings: defaults, TOML file, environment priority, clear validation messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import SettingsError, load_settings
from evidence import Limits
from hearing_server.exhibit_store import exhibit_limits


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("HEARING_"):
            monkeypatch.delenv(name)


def test_embedded_defaults() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///var/hearing.db"
    assert settings.recordings_dir == Path("var/recordings")
    assert (settings.host, settings.port) == ("127.0.0.1", 8080)
    assert settings.redis_url is None and settings.ice_servers == []
    assert settings.base_url == "http://localhost:8080" and not settings.secure_cookies


def test_exhibit_limits_default_to_the_evidence_defaults_and_uploads_wait_beside_recordings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert exhibit_limits(load_settings()) == Limits()
    monkeypatch.setenv("HEARING_EXHIBIT_MAX_BYTES", "5000000")
    settings = load_settings(recordings_dir="/srv/court/recordings")
    assert exhibit_limits(settings).max_bytes == 5_000_000
    assert settings.uploads_dir == Path("/srv/court/uploads")


def test_file_then_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "hearing.toml"
    path.write_text(
        'port = 9000\nhost = "0.0.0.0"\n[[ice_servers]]\nurls = ["turn:turn.court.example:3478"]\n'
        'username = "u"\ncredential = "c"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("HEARING_PORT", "9100")
    settings = load_settings(path)
    assert settings.port == 9100  # the environment wins
    assert settings.host == "0.0.0.0"
    assert settings.ice_servers[0].urls == ["turn:turn.court.example:3478"]


def test_config_file_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.toml"
    path.write_text('public_url = "https://court.example/"\n', encoding="utf-8")
    monkeypatch.setenv("HEARING_CONFIG", str(path))
    settings = load_settings()
    assert settings.base_url == "https://court.example" and settings.secure_cookies


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("port = 0", "port"),
        ('database_url = "mysql://x"', "async driver"),
        ('court_timezone = "Mars/Base"', "time zone"),
        ('[[ice_servers]]\nurls = ["http://x"]', "stun:"),
        ('tls_cert = "/nonexistent.pem"\ntls_key = "/nonexistent.key"', "does not exist"),
        ('tls_cert = "/nonexistent.pem"', "together"),
        ("colour = 3", "colour"),
        ("port = [", "not valid TOML"),
    ],
)
def test_bad_configuration_is_explained(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        load_settings(path)


def test_missing_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read config file"):
        load_settings(tmp_path / "absent.toml")
