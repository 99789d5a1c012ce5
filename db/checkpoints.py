"""Signed checkpoints of the hash chains: they prove authorship, not only order.

The chains (`db/chain.py`) are unkeyed SHA-256: someone with write access to the database can drop the
triggers, change an entry and recompute every later hash and the head, and the chain still verifies.
A checkpoint is the head of a chain (number and hash) signed with the site's Ed25519 key, which lives
outside the database (the same key that seals footage exports, `footage.signing_key`). Checkpoints are
made every `chains.checkpoint_every_entries` entries and every `chains.checkpoint_every_minutes`, stored
in `chain_checkpoints`, appended to a file the operator backs up and published as a retained MQTT
message. Verification checks each checkpoint's signature and that the entry it names still has the
signed hash; a rewrite shows as a range of entries that are not the ones that were signed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from config.settings import Settings
from core.hashchain import ChainBreak, canonical
from db.base import Base
from db.chain import ChainedMixin, ChainHead

__all__ = [
    "ChainCheckpoint",
    "SignedHead",
    "append_to_file",
    "key_id",
    "published_heads",
    "read_file",
    "sign_due",
    "site_public_key",
    "verify_checkpoints",
]


class ChainCheckpoint(Base):
    """A signed chain head."""

    __tablename__ = "chain_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[str] = mapped_column(String(100), index=True)
    seq: Mapped[int]
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime]
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))


@dataclass(frozen=True, slots=True)
class SignedHead:
    """A checkpoint as published (file line, MQTT payload) and as read back."""

    chain: str
    seq: int
    hash: str
    signed_at: dt.datetime
    key_id: str
    signature: str

    def body(self) -> bytes:
        """The bytes that are signed."""
        return signed_body(self.chain, self.seq, self.hash, self.signed_at)

    def as_json(self) -> dict[str, Any]:
        """The published form."""
        return {
            "chain": self.chain,
            "seq": self.seq,
            "hash": self.hash,
            "signed_at": self.signed_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            "key_id": self.key_id,
            "signature": self.signature,
        }

    @classmethod
    def of(cls, row: ChainCheckpoint) -> SignedHead:
        """From a stored row."""
        return cls(row.chain, row.seq, row.hash, row.signed_at, row.key_id, row.signature)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SignedHead:
        """From a published record."""
        return cls(
            str(data["chain"]),
            int(data["seq"]),
            str(data["hash"]),
            dt.datetime.fromisoformat(str(data["signed_at"])),
            str(data["key_id"]),
            str(data["signature"]),
        )


def signed_body(chain: str, seq: int, hash_: str, signed_at: dt.datetime) -> bytes:
    """Canonical bytes of a checkpoint."""
    return canonical(
        {"chain": chain, "seq": seq, "hash": hash_, "signed_at": signed_at, "kind": "checkpoint"}
    )


def key_id(key: Ed25519PublicKey) -> str:
    """The key's fingerprint (first 16 hex digits of the SHA-256 of the raw public key)."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _last(session: Session, chain: str) -> ChainCheckpoint | None:
    stmt = select(ChainCheckpoint).where(ChainCheckpoint.chain == chain).order_by(ChainCheckpoint.seq.desc())
    return session.scalars(stmt.limit(1)).first()


def sign_due(
    session: Session,
    *,
    key: Ed25519PrivateKey,
    every_entries: int,
    every: dt.timedelta,
    now: dt.datetime,
    force: bool = False,
) -> list[SignedHead]:
    """Sign the head of every chain that grew by `every_entries` or was last signed `every` ago (all that
    grew, with `force`); store the checkpoints and return them for publishing."""
    made = []
    kid = key_id(key.public_key())
    for head in session.scalars(select(ChainHead).order_by(ChainHead.chain)):
        last = _last(session, head.chain)
        if head.seq == 0 or (last is not None and last.seq >= head.seq):
            continue
        due = force or last is None or head.seq - last.seq >= every_entries or now - last.signed_at >= every
        if not due:
            continue
        signature = base64.b64encode(key.sign(signed_body(head.chain, head.seq, head.hash, now))).decode()
        row = ChainCheckpoint(
            chain=head.chain, seq=head.seq, hash=head.hash, signed_at=now, key_id=kid, signature=signature
        )
        session.add(row)
        made.append(SignedHead.of(row))
    session.flush()
    return made


def append_to_file(path: Path, heads: Iterable[SignedHead]) -> None:
    """Append checkpoints to the operator's file, one JSON line each (only ever appended)."""
    lines = [json.dumps(h.as_json(), sort_keys=True) + "\n" for h in heads]
    if not lines:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(lines)


def read_file(path: Path) -> list[SignedHead]:
    """The checkpoints in a published file (empty when it does not exist)."""
    if not path.exists():
        return []
    return [SignedHead.from_json(json.loads(line)) for line in path.read_text("utf-8").splitlines() if line]


def site_public_key(settings: Settings) -> Ed25519PublicKey | None:
    """The site's public key (from `footage.signing_key`), or None when no key was ever made."""
    path = settings.footage.key_path(settings.data_dir)
    if not path.exists():
        return None
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return private.public_key()


def published_heads(settings: Settings) -> list[SignedHead]:
    """The checkpoints in the operator's file (they survive a database that lost its own)."""
    return read_file(settings.chains.file_path(settings.data_dir))


def _valid(key: Ed25519PublicKey, head: SignedHead) -> bool:
    try:
        key.verify(base64.b64decode(head.signature, validate=True), head.body())
    except (InvalidSignature, ValueError):
        return False
    return True


def verify_checkpoints(
    session: Session,
    model: type[ChainedMixin],
    chain: str,
    *,
    key: Ed25519PublicKey,
    published: Iterable[SignedHead] = (),
) -> tuple[int, ChainBreak | None]:
    """Check every checkpoint of `chain` (stored, and published copies from the file): a valid signature,
    and the entry it names still carries the signed hash. Returns how many were checked and the first
    break, naming the range of entries rewritten since they were signed."""
    stored = [
        SignedHead.of(r)
        for r in session.scalars(select(ChainCheckpoint).where(ChainCheckpoint.chain == chain))
    ]
    heads = {(h.seq, h.hash, h.signature): h for h in [*stored, *(p for p in published if p.chain == chain)]}
    checked, intact_up_to = 0, 0
    for head in sorted(heads.values(), key=lambda h: h.seq):
        checked += 1
        when = head.signed_at.astimezone(dt.UTC).isoformat(timespec="seconds")
        if not _valid(key, head):
            return checked, ChainBreak(
                head.seq, f"the checkpoint signed {when} has an invalid signature (forged)"
            )
        stored_hash = session.scalar(select(model.hash).where(model.chain == chain, model.seq == head.seq))
        if stored_hash is None:
            return checked, ChainBreak(head.seq, f"missing, though the checkpoint signed {when} covers it")
        if stored_hash != head.hash:
            return checked, ChainBreak(
                intact_up_to + 1,
                f"entries {intact_up_to + 1}..{head.seq} were rewritten after the checkpoint signed {when}: "
                f"entry {head.seq} no longer has the signed hash",
            )
        intact_up_to = head.seq
    return checked, None
