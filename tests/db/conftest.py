"""DB tests run on SQLite and on PostgreSQL; each test in an outer transaction that is rolled back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from db.session import make_engine
from runtime.migrate import upgrade
from tests.conftest import make_settings


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A migrated database of each kind, for the whole run."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_engine")
        return
    path = tmp_path_factory.mktemp("db") / "db.sqlite"
    eng = make_engine(make_settings(f"sqlite:///{path}").database)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    with engine.connect() as conn:
        outer = conn.begin()
        db = Session(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield db
        finally:
            db.close()
            outer.rollback()
