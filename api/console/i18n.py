"""Console strings in English and Simplified Chinese, and dates in the site's time zone."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from functools import cache
from pathlib import Path
from typing import Any

from core.messages import Message, message_of

__all__ = ["LANGUAGES", "format_datetime", "render_message", "system_text", "translate", "translations"]

LANGUAGES = ("en", "zh")
_DIR = Path(__file__).resolve().parent / "locales"


@cache
def translations(language: str) -> dict[str, str]:
    """All strings of one language: every `locales/<language>/*.json` file (one per domain), merged."""
    if language not in LANGUAGES:
        language = "en"
    data: dict[str, str] = {}
    for path in sorted((_DIR / language).glob("*.json")):
        data.update(json.loads(path.read_text(encoding="utf-8")))
    return data


def translate(language: str, key: str, **params: object) -> str:
    """The string `key` in `language` (English, then the key itself, when missing)."""
    text = translations(language).get(key) or translations("en").get(key) or key
    return text.format(**params) if params else text


def _param(language: str, name: str, value: object, timezone: str) -> object:
    if isinstance(value, Message):
        return render_message(language, value, timezone)
    if name.endswith("_at") and isinstance(value, str):  # a time: ISO in UTC, shown in the site's zone
        try:
            return format_datetime(dt.datetime.fromisoformat(value), timezone)
        except ValueError:
            return value
    if name == "alert_kind" and isinstance(value, str):  # an alert kind, in the reader's words
        return translate(language, f"kind.{value}")
    if name == "roles" and isinstance(
        value, str
    ):  # role names ("operator, shift_leader"), in the reader's words
        return ", ".join(translate(language, f"role.{role.strip()}") for role in value.split(","))
    return value


def render_message(language: str, message: Message, timezone: str = "UTC") -> str:
    """A system-written text in `language`: nested messages first, times (`*_at`) in the site's zone."""
    params = {name: _param(language, name, value, timezone) for name, value in message.params.items()}
    try:
        return translate(language, message.key, **params)
    except (KeyError, IndexError, ValueError):  # a catalogue entry that names a parameter not stored
        return translate("en", message.key)


def system_text(language: str, stored: Any, english: str, timezone: str = "UTC") -> str:
    """What the reader sees of a stored text: its message in `language`, or the English as stored (rows
    written before messages were stored, and people's own words)."""
    message = stored if isinstance(stored, Message) else message_of(stored)
    return english if message is None else render_message(language, message, timezone)


def format_datetime(value: dt.datetime | None, timezone: str, *, seconds: bool = False) -> str:
    """Show an aware UTC time in the site's zone: 2026-11-25 18:04."""
    if value is None:
        return ""
    local = value.astimezone(zoneinfo.ZoneInfo(timezone))
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
