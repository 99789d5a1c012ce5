"""Console strings in English and Simplified Chinese, and dates in the site's time zone."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from functools import cache
from pathlib import Path

__all__ = ["LANGUAGES", "format_datetime", "translate", "translations"]

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


def format_datetime(value: dt.datetime | None, timezone: str, *, seconds: bool = False) -> str:
    """Show an aware UTC time in the site's zone: 2026-11-25 18:04."""
    if value is None:
        return ""
    local = value.astimezone(zoneinfo.ZoneInfo(timezone))
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
