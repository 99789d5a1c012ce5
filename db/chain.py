"""The one mechanism for append-only, hash-chained tables (audit log, duty log).

A `chain_heads` row per chain holds the last sequence number and hash. Appending locks that row until
the transaction ends (`SELECT ... FOR UPDATE`, on PostgreSQL inside the one statement that also numbers,
hashes and stores the entry; SQLite transactions begin IMMEDIATE), so concurrent writers in several
processes still produce one unbroken chain. Triggers reject UPDATE and DELETE on the tables.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Generator
from contextlib import closing
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    Insert,
    LargeBinary,
    String,
    Table,
    bindparam,
    cast,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column

from core.clock import utcnow
from core.hashchain import GENESIS, ChainBreak, canonical, link_hash, verify_links
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


def _lock_head(session: Session, chain: str, now: dt.datetime) -> ChainHead:
    dialect = session.get_bind().dialect.name
    values = {"chain": chain, "seq": 0, "hash": GENESIS, "updated_at": now}
    if dialect == "postgresql":
        session.execute(pg_insert(ChainHead).values(**values).on_conflict_do_nothing())
    else:
        session.execute(sqlite_insert(ChainHead).values(**values).on_conflict_do_nothing())
    stmt = select(ChainHead).where(ChainHead.chain == chain).with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def append_entry(session: Session, entry: E, *, chain: str, now: dt.datetime) -> E:
    """Number, hash and store `entry` as the next link of `chain` (in the caller's transaction; never commits)."""
    entry.chain = chain
    entry.created_at = now
    if session.get_bind().dialect.name == "postgresql":
        return _append_in_one_statement(session, entry, chain)
    head = _lock_head(session, chain, now)
    entry.seq = head.seq + 1
    entry.prev_hash = head.hash
    entry.hash = link_hash(head.hash, entry.seq, entry.chain_content())
    head.seq, head.hash, head.updated_at = entry.seq, entry.hash, entry.created_at
    session.add(entry)
    session.flush()
    return entry


_LINKS = frozenset({"seq", "prev_hash", "hash"})


def _append_in_one_statement(session: Session, entry: E, chain: str) -> E:
    """PostgreSQL: lock the head, number the entry, hash it, store it and move the head in ONE statement.

    The head stays locked from that statement to the commit; on a busy server the time it is held (not
    the disk) bounds the append rate, so nothing else runs in between. The hash is the one
    `core.hashchain.link_hash` computes: SHA-256 over the previous hash, the number and the entry's
    canonical content (made here, before the lock); `verify_chain` checks it in Python like any other."""
    content = canonical(entry.chain_content())
    table = type(entry).__table__  # type: ignore[attr-defined]
    given = inspect(entry).dict  # the attributes set on the entry; the others take their column defaults
    data = {c.key: given[c.key] for c in table.columns if c.key in given and c.key not in _LINKS}
    statement = _one_statement_append(table, tuple(data))
    params = {"p_chain": chain, "p_now": entry.created_at, "p_content": content}
    params |= {f"v_{key}": value for key, value in data.items()}
    row = session.execute(statement, params).one_or_none()
    if row is None:  # the chain's first entry: make its head, then append (a racing writer may make it too)
        values = {"chain": chain, "seq": 0, "hash": GENESIS, "updated_at": entry.created_at}
        session.execute(pg_insert(ChainHead).values(**values).on_conflict_do_nothing())
        row = session.execute(statement, params).one()
    for key, value in row._mapping.items():
        setattr(entry, key, value)
    make_transient_to_detached(entry)
    session.add(entry)
    return entry


@functools.cache
def _one_statement_append(table: Table, keys: tuple[str, ...]) -> Insert:
    """The statement for `table` with these columns given (built once: building it costs more than running
    it); parameters `p_chain`, `p_now`, `p_content` and `v_<column>`."""
    old = (
        select(ChainHead.chain, ChainHead.seq, ChainHead.hash)
        .where(ChainHead.chain == bindparam("p_chain"))
        .with_for_update()
        .cte("old")
    )
    seq = old.c.seq + 1
    linked = func.convert_to(old.c.hash + "\n" + cast(seq, String) + "\n", "UTF8").op("||")(
        bindparam("p_content", type_=LargeBinary)
    )
    moved = (
        update(ChainHead)
        .where(ChainHead.chain == old.c.chain)
        .values(seq=seq, hash=func.encode(func.sha256(linked), "hex"), updated_at=bindparam("p_now"))
        .returning(ChainHead.seq.label("seq"), old.c.hash.label("prev_hash"), ChainHead.hash.label("hash"))
        .cte("moved")
    )
    given = [cast(bindparam(f"v_{key}", type_=table.c[key].type), table.c[key].type) for key in keys]
    rows = select(*given, moved.c.seq, moved.c.prev_hash, moved.c.hash)
    return insert(table).from_select([*keys, "seq", "prev_hash", "hash"], rows).returning(*table.columns)


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
