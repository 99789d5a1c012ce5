"""System-written texts as a message key with parameters, rendered in the reader's language.

A text the system writes (a duty-log entry, a presence problem, a handover's open item, a camera's health
reason, an alert's title) is stored twice: once in English (the record: the JSON API, exports, the hash
chains) and once as a `Message` (`{"key": ..., "params": {...}}`), which the console renders with the
catalogue (`api/console/locales/<lang>/messages.json`, keys `msg.*`). The English catalogue entry of a key
is the same sentence the domain code writes (tests/unit/test_messages.py holds them together). Parameters
are plain values (names, numbers, references): never a sentence of their own, except a person's free text
(a reason, a category), which stays as it was typed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Message", "Param", "message_of"]

Param = str | int | float


@dataclass(frozen=True, slots=True)
class Message:
    """A catalogue key and its parameters (a nested Message renders first, in the same language)."""

    key: str
    params: Mapping[str, Param | Message] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """The stored form: `{"key": ..., "params": {...}}` (nested messages as the same form)."""
        params = {k: v.as_json() if isinstance(v, Message) else v for k, v in self.params.items()}
        return {"key": self.key, "params": params}


def message_of(data: Any) -> Message | None:
    """The Message stored as `data` (None for nothing stored, or anything not of the stored form)."""
    if not isinstance(data, Mapping) or not isinstance(data.get("key"), str):
        return None
    raw = data.get("params") or {}
    if not isinstance(raw, Mapping):
        return None
    params: dict[str, Param | Message] = {}
    for name, value in raw.items():
        nested = message_of(value) if isinstance(value, Mapping) else None
        params[str(name)] = nested if nested is not None else value
    return Message(data["key"], params)
