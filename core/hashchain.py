"""Hash chains for append-only logs (audit log, duty log): canonical content, link hashes, verification.

Pure: no database. Each entry's hash is SHA-256 over the previous entry's hash, its own sequence number
and the canonical JSON of its content, so a changed, removed, inserted or reordered entry breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["GENESIS", "ChainBreak", "ChainLink", "canonical", "link_hash", "verify_links"]

GENESIS = "0" * 64


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in chained content")
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"cannot put {type(value).__name__} into chained content")


def canonical(content: Mapping[str, Any]) -> bytes:
    """Serialise content the same way every time: sorted keys, no spaces, UTF-8."""
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_encode)
    return text.encode("utf-8")


def link_hash(prev_hash: str, seq: int, content: Mapping[str, Any]) -> str:
    """Return the hex SHA-256 that binds this entry to the one before it."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n%d\n" % seq)
    digest.update(canonical(content))
    return digest.hexdigest()


class ChainLink(Protocol):
    """What verification needs of a stored entry."""

    seq: int
    prev_hash: str
    hash: str

    def chain_content(self) -> dict[str, Any]:
        """The entry's own content, as it was hashed."""
        ...


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place where a chain does not hold, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


def verify_links(
    entries: Iterable[ChainLink], *, head_seq: int | None = None, head_hash: str | None = None
) -> tuple[int, ChainBreak | None]:
    """Check entries in stored order; return how many were checked and the first break, if any."""
    expected_seq, prev = 1, GENESIS
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            what = "missing" if entry.seq > expected_seq else "duplicated or out of order"
            return count, ChainBreak(expected_seq, f"entry {expected_seq} is {what} (found {entry.seq})")
        if entry.prev_hash != prev:
            return count, ChainBreak(
                entry.seq, "does not point at the entry before it (removed or reordered)"
            )
        if link_hash(prev, entry.seq, entry.chain_content()) != entry.hash:
            return count, ChainBreak(entry.seq, "content does not match its hash (altered)")
        prev, expected_seq = entry.hash, expected_seq + 1
    if head_seq is not None and head_seq != expected_seq - 1:
        return count, ChainBreak(expected_seq, f"the chain head records {head_seq} entries, found {count}")
    if head_hash is not None and head_seq == expected_seq - 1 and head_hash != prev:
        return count, ChainBreak(expected_seq - 1, "the last entry does not match the recorded chain head")
    return count, None
