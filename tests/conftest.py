"""Fixtures every test folder may use: settings, the PostgreSQL test database, migrated databases."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, make_url

from api.app import create_app
from config.load import load_settings
from config.settings import Settings
from db.session import make_engine
from runtime.migrate import upgrade
from tests.support.app_env import Env

PG_ADMIN_URL = os.environ.get("CONTROLROOM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def make_settings(url: str, **overrides: object) -> Settings:
    """Settings for a test: the given database, fast defaults, plain logging."""
    database = {"url": url, **dict(overrides.pop("database", {}))}  # type: ignore[call-overload]
    return load_settings(None, database=database, **overrides)


def _pg_conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run (created in the `test` server, dropped after)."""
    name = f"cr_test_{uuid.uuid4().hex[:10]}"
    admin = _pg_conninfo(PG_ADMIN_URL)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        )
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture(scope="session")
def pg_engine(pg_url: str) -> Iterator[Engine]:
    """The run's PostgreSQL database, migrated to head."""
    engine = make_engine(make_settings(pg_url).database)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; tests copy it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(make_settings(f"sqlite:///{path}").database)
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A private, migrated SQLite database for one test."""
    path = tmp_path / "controlroom.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def make_env(sqlite_url: str) -> Iterator[Callable[..., Env]]:
    """Build the app on the test's database, with optional settings overrides."""
    made: list[Env] = []

    def build(url: str = sqlite_url, **overrides: object) -> Env:
        settings = make_settings(url, **overrides)
        engine = make_engine(settings.database)
        app = create_app(settings, engine=engine)
        env = Env(app=app, client=TestClient(app), engine=engine, settings=settings)
        made.append(env)
        return env

    yield build
    for env in made:
        env.client.close()
        env.engine.dispose()


@pytest.fixture
def env(make_env: Callable[..., Env]) -> Env:
    """The app with default settings."""
    return make_env()
