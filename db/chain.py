"""The one mechanism for append-only, hash-chained tables (audit log, duty log).

A `chain_heads` row per chain holds the last sequence number and hash. Appending locks that row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite transactions begin IMMEDIATE), so concurrent writers
in several processes still produce one unbroken chain. Triggers reject UPDATE and DELETE on the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from contextlib import closing
from typing import Any, ClassVar, TypeVar

from sqlalchemy import String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.clock import utcnow
from core.hashchain import GENESIS, ChainBreak, link_hash, verify_links
from db.base import Base

__all__ = [
    "ChainHead",
    "ChainedMixin",
    "append_entry",
    "append_only_ddl",
    "head_of",
    "verify_chain",
]


class ChainHead(Base):
    """The last entry of each chain: its number and hash."""

    __tablename__ = "chain_heads"

    chain: Mapped[str] = mapped_column(String(100), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(String(64), default=GENESIS)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ChainedMixin:
    """Columns every chained entry has. Subclasses define `chain_content()` over their own fields."""

    chain: Mapped[str] = mapped_column(String(100), index=True)
    seq: Mapped[int]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]

    chain_fields: ClassVar[tuple[str, ...]] = ()

    def chain_content(self) -> dict[str, Any]:
        """The fields bound into the hash (those named in `chain_fields`, plus chain and time)."""
        content = {name: getattr(self, name) for name in self.chain_fields}
        content["chain"] = self.chain
        content["created_at"] = self.created_at
        return content


E = TypeVar("E", bound=ChainedMixin)


def _lock_head(session: Session, chain: str) -> ChainHead:
    dialect = session.get_bind().dialect.name
    values = {"chain": chain, "seq": 0, "hash": GENESIS, "updated_at": utcnow()}
    if dialect == "postgresql":
        session.execute(pg_insert(ChainHead).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(ChainHead).values(**values).on_conflict_do_nothing())
    stmt = select(ChainHead).where(ChainHead.chain == chain).with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def append_entry(session: Session, entry: E, *, chain: str, now: dt.datetime | None = None) -> E:
    """Number, hash and add `entry` as the next link of `chain`; flushes, never commits."""
    head = _lock_head(session, chain)
    entry.chain = chain
    entry.created_at = now or utcnow()
    entry.seq = head.seq + 1
    entry.prev_hash = head.hash
    entry.hash = link_hash(head.hash, entry.seq, entry.chain_content())
    head.seq, head.hash, head.updated_at = entry.seq, entry.hash, entry.created_at
    session.add(entry)
    session.flush()
    return entry


def head_of(session: Session, chain: str) -> ChainHead | None:
    """Return the chain's head row (None for a chain with no entries)."""
    return session.get(ChainHead, chain)


def _iter_entries(session: Session, model: type[E], chain: str) -> Generator[E]:
    stmt = select(model).where(model.chain == chain).order_by(model.seq).execution_options(yield_per=2000)
    result = session.scalars(stmt)
    try:
        for entry in result:
            yield entry
            session.expunge(entry)
    finally:
        result.close()


def verify_chain(session: Session, model: type[E], chain: str) -> tuple[int, ChainBreak | None]:
    """Verify every entry of `chain` in `model`'s table against the hashes and the chain head."""
    head = head_of(session, chain)
    with closing(_iter_entries(session, model, chain)) as entries:
        return verify_links(
            entries,
            head_seq=head.seq if head else 0,
            head_hash=head.hash if head else GENESIS,
        )


def append_only_ddl(table: str, dialect: str) -> tuple[list[str], list[str]]:
    """SQL that makes `table` reject UPDATE and DELETE (upgrade statements, downgrade statements)."""
    if dialect == "postgresql":
        function = (
            "CREATE OR REPLACE FUNCTION controlroom_append_only() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END; $$ LANGUAGE plpgsql"
        )
        return (
            [
                function,
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION controlroom_append_only()",
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION controlroom_append_only()",
            ],
            [
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            ],
        )
    return (
        [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END",
        ],
        [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"],
    )
