"""Duty-log benchmark: appends per second with 8 concurrent writer processes, and `log verify` time.

    .venv/bin/python -m bench.duty_log [--writers 8] [--each 400] [--verify-entries 100000] [--pg URL]

For PostgreSQL (a throw-away database created on the server given by `--pg`, default
postgresql+psycopg://postgres@127.0.0.1:5432/test; no CONTROLROOM_* variable is read) and for SQLite (a temporary file), each writer process
appends `each` entries to ONE post's duty log, one transaction per entry (the production path:
`shift_logs.duty_log.service.append`, which locks the chain head). Reported: entries per second over the
wall time of the writers, and whether the chain verifies intact with exactly writers x each entries.
On PostgreSQL the run is repeated with `synchronous_commit = off` in the writers, as the baseline that
shows how much of the rate is the WAL flush (fsync) of each commit, since the chain head stays locked
until the commit.
Then a second post's log is filled with `verify-entries` entries (bulk insert, same hashing) and the
time of `verify` over it is measured (what `controlroom log verify` does per log).
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing as mp
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import Engine, event, insert, make_url  # noqa: E402

from config.settings import DatabaseSettings  # noqa: E402
from core.hashchain import GENESIS, link_hash  # noqa: E402
from db.chain import ChainHead  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402
from shift_logs.duty_log import service as duty_log  # noqa: E402
from shift_logs.duty_log.models import DutyEntry, EntryKind, chain_name  # noqa: E402
from shift_logs.roster import service as roster  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _writer(url: str, post_id: int, writer: int, each: int, ready: Any, go: Any, async_commit: bool) -> None:
    engine = make_engine(DatabaseSettings(url=url, pool_size=1))
    if async_commit and engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _no_wait_for_fsync(dbapi_conn: Any, _record: Any) -> None:
            with dbapi_conn.cursor() as cur:
                cur.execute("SET synchronous_commit = off")
            dbapi_conn.commit()

    factory = make_session_factory(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    ready.release()
    go.wait()
    for i in range(each):
        with session_scope(factory) as session:
            duty_log.append(
                session,
                post_id=post_id,
                kind=EntryKind.OBSERVATION,
                text=f"writer {writer} entry {i}: camera 12 shows a person at the north gate",
                author=None,
                now=dt.datetime.now(dt.UTC),
            )
    engine.dispose()


def _new_post(engine: Engine, name: str) -> int:
    with session_scope(make_session_factory(engine)) as session:
        return roster.create_post(session, name=name).id


def bench_appends(
    url: str, engine: Engine, writers: int, each: int, async_commit: bool = False
) -> dict[str, Any]:
    """Run `writers` processes appending `each` entries to one log; return rate and integrity."""
    post_id = _new_post(engine, f"bench-{uuid.uuid4().hex[:6]}")
    ctx = mp.get_context("spawn")
    ready, go = ctx.Semaphore(0), ctx.Event()
    procs = [
        ctx.Process(target=_writer, args=(url, post_id, w, each, ready, go, async_commit))
        for w in range(writers)
    ]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.acquire()
    start = time.perf_counter()
    go.set()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - start
    with session_scope(make_session_factory(engine)) as session:
        report = duty_log.verify(session, post_id=post_id)
    return {
        "appends_per_s": round(writers * each / elapsed),
        "entries": report.checked,
        "expected": writers * each,
        "intact": report.ok,
        "seconds": round(elapsed, 2),
    }


def _fill(engine: Engine, post_id: int, count: int) -> None:
    """Bulk-insert `count` correctly chained entries (same hashing as append) and set the chain head."""
    chain, prev = chain_name(post_id), GENESIS
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with session_scope(make_session_factory(engine)) as session:
        rows: list[dict[str, Any]] = []
        for seq in range(1, count + 1):
            values = {
                "post_id": post_id,
                "shift_id": None,
                "kind": EntryKind.CALL,
                "author_id": None,
                "author": "bench",
                "ref": "",
                "corrects_id": None,
                "chain": chain,
                "text": f"entry {seq}: patrol called to gate {seq % 7}",
                "created_at": t0 + dt.timedelta(seconds=seq),
            }
            digest = link_hash(prev, seq, DutyEntry(**values).chain_content())
            rows.append({**values, "seq": seq, "prev_hash": prev, "hash": digest})
            prev = digest
            if len(rows) == 5000:
                session.execute(insert(DutyEntry), rows)
                rows = []
        if rows:
            session.execute(insert(DutyEntry), rows)
        session.merge(ChainHead(chain=chain, seq=count, hash=prev, updated_at=t0))


def bench_verify(engine: Engine, count: int) -> dict[str, Any]:
    """Time verifying one log of `count` entries."""
    post_id = _new_post(engine, f"verify-{uuid.uuid4().hex[:6]}")
    _fill(engine, post_id, count)
    start = time.perf_counter()
    with session_scope(make_session_factory(engine)) as session:
        report = duty_log.verify(session, post_id=post_id)
    elapsed = time.perf_counter() - start
    return {
        "entries": report.checked,
        "intact": report.ok,
        "seconds": round(elapsed, 2),
        "seconds_per_100k": round(elapsed * 100_000 / max(1, report.checked), 2),
    }


def _pg_database(admin: str) -> tuple[str, str]:
    name = f"cr_bench_{uuid.uuid4().hex[:8]}"
    conninfo = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, make_url(admin).set(database=name).render_as_string(hide_password=False)


def _drop_pg(admin: str, name: str) -> None:
    conninfo = make_url(admin).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(label: str, url: str, args: argparse.Namespace) -> None:
    """Benchmark one database."""
    engine = make_engine(DatabaseSettings(url=url))
    upgrade(engine)
    appends = bench_appends(url, engine, args.writers, args.each)
    print(f"{label:<11} appends: {appends}")
    if engine.dialect.name == "postgresql":
        relaxed = bench_appends(url, engine, args.writers, args.each, async_commit=True)
        print(f"{label:<11} appends with synchronous_commit=off: {relaxed}")
    verify = bench_verify(engine, args.verify_entries)
    print(f"{label:<11} verify:  {verify}")
    engine.dispose()


def main() -> None:
    """Parse the arguments and benchmark PostgreSQL, then SQLite."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--each", type=int, default=400, help="entries per writer")
    parser.add_argument("--verify-entries", type=int, default=100_000)
    parser.add_argument("--pg", default=PG_ADMIN, help="admin URL of the PostgreSQL server")
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args()
    print(
        f"{args.writers} writer processes x {args.each} entries, one transaction each; verify over {args.verify_entries}"
    )
    if not args.skip_pg:
        name, url = _pg_database(args.pg)
        try:
            run("postgresql", url, args)
        finally:
            _drop_pg(args.pg, name)
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/bench.db", args)


if __name__ == "__main__":
    main()
