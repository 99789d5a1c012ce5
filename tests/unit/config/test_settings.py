"""Configuration: YAML plus environment, and errors that name the key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.load import load_settings
from core.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "controlroom.example.yaml"


def test_the_example_config_loads() -> None:
    settings = load_settings(EXAMPLE)
    assert settings.cameras[0].name == "gate"
    assert settings.cameras[0].detect.zones[0].name == "driveway"


def test_defaults_put_sqlite_in_the_data_dir() -> None:
    settings = load_settings(None, data_dir=Path("/srv/cr"))
    assert settings.database.url.get_secret_value() == "sqlite:////srv/cr/controlroom.db"


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("site:\n  timezone: UTC\nauth:\n  lockout_attempts: 3\n")
    monkeypatch.setenv("CONTROLROOM_SITE__TIMEZONE", "Asia/Shanghai")
    settings = load_settings(path)
    assert settings.site.timezone == "Asia/Shanghai"
    assert settings.auth.lockout_attempts == 3


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "cameras:\n  - {name: a, url: x}\n  - {name: b, url: y}\n  - {name: c, url: z, detect: {fps: 0}}\n",
            "cameras[2].detect.fps: must be > 0",
        ),
        ("auth:\n  lockout_atempts: 3\n", "auth.lockout_atempts: unknown key"),
        ("site:\n  timezone: Mars/Olympus\n", "site.timezone: unknown time zone"),
        ("database:\n  url: mysql://x\n", "database.url: must start with"),
        ("environment: production\n", "auth.secret_key: must be set"),
        ("auth:\n  idle_minutes: 600\n  session_minutes: 60\n", "idle_minutes must not exceed"),
        ("cameras:\n  - {name: a, url: x}\n  - {name: a, url: y}\n", "duplicate camera name"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, yaml_text: str, message: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml_text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert message in info.value.message


def test_unreadable_and_malformed_files_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_settings(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_settings(bad)
    bad.write_text("- 1\n- 2\n")
    with pytest.raises(ConfigError, match="mapping"):
        load_settings(bad)


def test_the_database_url_is_a_secret_masked_in_repr() -> None:
    settings = load_settings(None, database={"url": "postgresql+psycopg://ops:hunter2@db.local/cr"})
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    assert settings.database.url.get_secret_value().endswith("ops:hunter2@db.local/cr")
