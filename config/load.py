"""Read the YAML config file and the environment into one `Settings`, or fail with key paths."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.settings import Settings
from core.errors import ConfigError

__all__ = ["CONFIG_ENV", "format_validation_error", "load_settings"]

CONFIG_ENV = "CONTROLROOM_CONFIG"


def format_validation_error(exc: ValidationError, *, prefix: str = "") -> list[str]:
    """Turn a pydantic error into lines like `cameras[2].detect.fps: must be > 0`."""
    lines = []
    for err in exc.errors(include_url=False):
        path = prefix
        for part in err["loc"]:
            if isinstance(part, int):
                path += f"[{part}]"
            else:
                path += f".{part}" if path else str(part)
        message = _plain_message(err)
        lines.append(f"{path}: {message}" if path else message)
    return lines


def _plain_message(err: Any) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "greater_than":
        return f"must be > {ctx['gt']}"
    if kind == "greater_than_equal":
        return f"must be >= {ctx['ge']}"
    if kind == "less_than":
        return f"must be < {ctx['lt']}"
    if kind == "less_than_equal":
        return f"must be <= {ctx['le']}"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling)"
    if kind == "missing":
        return "required"
    message = str(err["msg"])
    return message.removeprefix("Value error, ")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config file ({exc.strerror})") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys")
    return data


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from `path` (or $CONTROLROOM_CONFIG) plus the environment; raise ConfigError."""
    if path is None and os.environ.get(CONFIG_ENV):
        path = Path(os.environ[CONFIG_ENV])
    data = _read_yaml(path) if path is not None else {}
    data.update(overrides)
    try:
        return Settings(**data)
    except ValidationError as exc:
        lines = format_validation_error(exc)
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines), detail=lines) from exc
