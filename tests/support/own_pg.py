"""A migrated PostgreSQL database of a test's own, for tests that commit rows other tests must not see."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import make_url

from db.session import make_engine
from runtime.migrate import upgrade
from tests.conftest import PG_ADMIN_URL, make_settings

__all__ = ["own_pg_url"]


@pytest.fixture
def own_pg_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test's own (dropped after): its committed rows stay private."""
    name = f"cr_fuzz_{uuid.uuid4().hex[:10]}"
    admin = make_url(PG_ADMIN_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(make_settings(url).database)
    upgrade(engine)
    engine.dispose()
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
