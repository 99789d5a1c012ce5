"""The one actor type: who did something, from where. Alerts, audit rows, maintenance history and the
worker's own changes all name their doer with it; the service itself is `SYSTEM` (or `Actor.system(name)`
for a named part of it: the CLI, retention, the rule file), never a bare string."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

__all__ = ["SYSTEM", "Actor"]


class _Person(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, from where: a user (id and name) or the service itself (no id)."""

    id: int | None
    name: str
    client: str = ""
    request_id: str = ""

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The service itself (scheduler, worker, CLI without a user)."""
        return cls(id=None, name=name)

    @classmethod
    def of(cls, user: _Person, *, client: str = "", request_id: str = "") -> Actor:
        """A signed-in user."""
        return cls(id=user.id, name=user.username, client=client, request_id=request_id)


SYSTEM = Actor.system()
