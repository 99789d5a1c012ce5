"""Sign-in throttle cost: a refused sign-in (wrong password) through `attempt_login`, which checks the
sliding windows and counts the failure in the database, against its baseline in the same run: the bare
password check (`verify_password`, argon2), which every attempt pays anyway.

    .venv/bin/python -m bench.signin [--attempts 40] [--failures 5000] [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test]

`--failures` pre-fills `login_failures` (other addresses and names) so the window queries work on a table
of realistic size. On PostgreSQL a fresh database is created on the server and dropped after.
A benchmark, not a test: it prints numbers and never fails on them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import Engine, insert  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from access import auth  # noqa: E402
from access.passwords import hash_password, verify_password  # noqa: E402
from access.roles import Role  # noqa: E402
from access.signin.models import LoginFailure  # noqa: E402
from access.users import service as users  # noqa: E402
from bench.settings import bench_settings  # noqa: E402
from config.settings import AuthSettings  # noqa: E402
from core.clock import SystemClock  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from runtime.migrate import upgrade  # noqa: E402


def _fill(engine: Engine, failures: int) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"username": f"user{i % 500}", "address": f"10.{i % 250}.{i // 250 % 250}.1", "at": now}
        for i in range(failures)
    ]
    with session_scope(make_session_factory(engine)) as s:
        users.create(s, username="olga", password="a long password", roles=(Role.OPERATOR,), now=now)
        if rows:
            s.execute(insert(LoginFailure), rows)


def _run(engine: Engine, attempts: int) -> tuple[float, float]:
    factory = make_session_factory(engine)
    # a generous policy, so every attempt is checked (the throttle's cost, not its refusals)
    policy = AuthSettings(lockout_attempts=100, address_max_failures=100_000)
    stored = hash_password("a long password")
    bare, full = [], []
    for i in range(attempts):
        started = time.perf_counter()
        verify_password(stored, "wrong password")
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        with session_scope(factory) as s:
            attempt = auth.attempt_login(
                s,
                username="olga",
                password="wrong password",
                auth=policy,
                address=f"192.0.2.{i % 200}",
                clock=SystemClock(),
            )
            assert attempt.user is None
        full.append(time.perf_counter() - started)
    return statistics.median(bare), statistics.median(full)


def _report(name: str, engine: Engine, attempts: int, failures: int) -> None:
    upgrade(engine)
    _fill(engine, failures)
    bare, full = _run(engine, attempts)
    print(
        f"{name:<10} password check {bare * 1000:6.1f} ms   refused sign-in (throttle + count) "
        f"{full * 1000:6.1f} ms   ratio {full / bare:4.2f}x   (+{(full - bare) * 1000:.1f} ms)"
    )


def main() -> None:
    """Run on SQLite and, if given, PostgreSQL."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=40)
    parser.add_argument("--failures", type=int, default=5000)
    parser.add_argument("--pg", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = bench_settings(database={"url": f"sqlite:///{Path(tmp) / 'bench.db'}"})
        engine = make_engine(settings.database)
        _report("SQLite", engine, args.attempts, args.failures)
        engine.dispose()
    if args.pg:
        name = f"cr_bench_{uuid.uuid4().hex[:8]}"
        admin = make_url(args.pg).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            engine = make_engine(bench_settings(database={"url": url}).database)
            _report("PostgreSQL", engine, args.attempts, args.failures)
            engine.dispose()
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
