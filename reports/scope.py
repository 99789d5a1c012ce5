"""What a report covers: everything, one post (`post:desk-1`) or one camera group (`group:north`)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from reports.errors import BadScope

__all__ = ["ALL", "Scope", "ScopeKind", "parse_scope"]


class ScopeKind(enum.StrEnum):
    """The kinds of scope."""

    ALL = "all"
    POST = "post"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Scope:
    """A scope; `name` is the post's or the camera group's name (empty for all)."""

    kind: ScopeKind
    name: str = ""

    @property
    def text(self) -> str:
        """The scope as written: all, post:NAME, group:NAME."""
        return self.kind.value if self.kind is ScopeKind.ALL else f"{self.kind.value}:{self.name}"


ALL = Scope(ScopeKind.ALL)


def parse_scope(text: str | None) -> Scope:
    """Parse `all`, `post:NAME` or `group:NAME` (the names are checked by the service)."""
    text = (text or "all").strip()
    if text == "all":
        return ALL
    kind, sep, name = text.partition(":")
    if not sep or kind not in (ScopeKind.POST.value, ScopeKind.GROUP.value) or not name.strip():
        raise BadScope(f"unknown scope {text!r} (all, post:NAME or group:NAME)", field="scope")
    if len(name) > 100:
        raise BadScope("the scope's name is too long", field="scope")
    return Scope(ScopeKind(kind), name.strip())
