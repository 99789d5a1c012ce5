"""The database of the live-feed tests (`test_alert_feed`, `test_camera_feed`): migrated, one per test module, on
SQLite and on PostgreSQL, and committed to for real, since a feed reads on sessions of its own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.session import make_engine
from runtime.migrate import upgrade
from testkit.cluster import fresh_pg_database
from tests.conftest import PG_ADMIN_URL, make_settings

__all__ = ["db_url", "engine"]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database whose commits other connections see (the feed reads on its own sessions)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("feed") / "feed.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    with fresh_pg_database(PG_ADMIN_URL) as url:
        engine = make_engine(make_settings(url).database)
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """The test's engine on the module's database."""
    eng = make_engine(make_settings(db_url).database)
    yield eng
    eng.dispose()
