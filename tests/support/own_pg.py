"""A migrated PostgreSQL database of a test's own, for tests that commit rows other tests must not see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from db.session import make_engine
from runtime.migrate import upgrade
from testkit.cluster import fresh_pg_database
from tests.conftest import PG_ADMIN_URL, make_settings

__all__ = ["own_pg_url"]


@pytest.fixture
def own_pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own (dropped after): its committed rows stay private."""
    with fresh_pg_database(PG_ADMIN_URL) as url:
        engine = make_engine(make_settings(url).database)
        upgrade(engine)
        engine.dispose()
        yield url
