"""What every command shares: loading the config, opening the database, failing with one clear line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer
from sqlalchemy import Engine, make_url
from sqlalchemy.orm import Session

from config.load import load_settings
from config.settings import Settings, secret_key_problem
from core.errors import ConfigError, ControlroomError, Unavailable
from db.session import SessionFactory, check_connection, make_engine, make_session_factory, session_scope
from runtime.cli.state import state
from runtime.migrate import current_revisions, head_revisions
from shift_logs.rules.model import load_duty_rules

__all__ = ["EXIT_UNAVAILABLE", "Database", "fail", "load", "open_database", "require_real_secret", "state"]

EXIT_USAGE = 2
EXIT_UNAVAILABLE = 3


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print one line to stderr and exit with `code`."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def load(**overrides: object) -> Settings:
    """Load the settings and check the duty-rule file, or exit 2 with the key paths that are wrong."""
    if state.data_dir is not None:
        overrides.setdefault("data_dir", state.data_dir)
    try:
        settings = load_settings(state.config, **overrides)
        load_duty_rules(settings.duty_rules.file)
    except ConfigError as exc:
        fail(exc.message)
    return settings


def require_real_secret(settings: Settings) -> None:
    """Exit 2 when `auth.secret_key` is the placeholder or too short (everything but the demo needs a real one)."""
    problem = secret_key_problem(settings.auth.secret_key.get_secret_value())
    if problem is not None:
        fail(f"refusing to start: {problem}")


@dataclass
class Database:
    """An opened, reachable database."""

    engine: Engine
    factory: SessionFactory

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction; exits with a clear line on a domain error."""
        try:
            with session_scope(self.factory) as session:
                yield session
        except Unavailable as exc:
            fail(exc.message, EXIT_UNAVAILABLE)
        except ControlroomError as exc:
            fail(exc.message)


POINT_ELSEWHERE = "use another with --data-dir DIR, CONTROLROOM_DATA_DIR or CONTROLROOM_DATABASE__URL"


def _sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def open_database(settings: Settings, *, require_schema: bool = True) -> Database:
    """Connect (exit 3 if unreachable) and check the schema is current (exit 2 if not).

    A command that reads an existing database never creates one: a missing SQLite file is one line naming
    the file and how to point the command elsewhere. On a terminal, the database used is named on stderr.
    """
    url = settings.database.url.get_secret_value()
    shown = make_url(url).render_as_string(hide_password=True)
    sqlite_file = _sqlite_file(url)
    if require_schema and sqlite_file is not None and not sqlite_file.exists():
        fail(
            f"no database at {sqlite_file.resolve()}: run `controlroom db upgrade` to create it, "
            f"or {POINT_ELSEWHERE}"
        )
    if sys.stderr.isatty():
        typer.echo(f"database: {shown} ({POINT_ELSEWHERE})", err=True)
    engine = make_engine(settings.database)
    try:
        check_connection(engine)
    except Unavailable as exc:
        fail(f"{exc.message} (database.url = {shown}; {POINT_ELSEWHERE})", EXIT_UNAVAILABLE)
    if require_schema:
        current, head = current_revisions(engine), head_revisions(engine)
        if current != head:
            have = ", ".join(sorted(current)) or "nothing"
            fail(
                f"the database {shown} is at schema {have}, not {', '.join(sorted(head))}: "
                "run `controlroom db upgrade`"
            )
    return Database(engine=engine, factory=make_session_factory(engine))
