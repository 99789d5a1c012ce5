"""The per-process token cache (`api.token_cache`): a token presented again within a second is not looked up
again, a sign-out or revocation made by this process takes effect at once, and one made by another process
(here: another engine on the same database) within `TTL_S`."""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import Engine, event, update

from access import auth
from access.roles import Role
from access.users.models import AuthToken
from api.token_cache import TTL_S
from core.clock import utcnow
from db.session import make_engine, make_session_factory, session_scope
from tests.conftest import make_settings
from tests.support.app_env import Env


def _token_reads(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def note(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT") and "FROM auth_tokens" in statement:
            seen.append(statement)

    return seen


def test_a_token_presented_again_within_a_second_is_not_looked_up_again(env: Env) -> None:
    headers = env.token(env.user(Role.OPERATOR))
    reads = _token_reads(env.engine)
    for _ in range(5):
        assert env.client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert len(reads) == 1


def test_a_revocation_by_this_process_takes_effect_at_once(env: Env) -> None:
    headers = env.token(env.user(Role.OPERATOR))
    assert env.client.get("/api/v1/auth/me", headers=headers).status_code == 200  # cached now
    secret = headers["Authorization"][7:]
    with env.session() as s:  # the app's engine: a write of this process
        s.execute(
            update(AuthToken)
            .where(AuthToken.token_hash == auth.hash_token(secret))
            .values(revoked_at=utcnow())
        )
    assert env.client.get("/api/v1/auth/me", headers=headers).status_code == 401


def test_a_revocation_by_another_process_takes_effect_within_the_ttl(
    make_env: Callable[..., Env], sqlite_url: str
) -> None:
    env = make_env()
    headers = env.token(env.user(Role.OPERATOR))
    assert env.client.get("/api/v1/auth/me", headers=headers).status_code == 200  # cached now
    other = make_engine(make_settings(sqlite_url).database)  # another process's engine on the same database
    try:
        with session_scope(make_session_factory(other)) as s:
            secret = headers["Authorization"][7:]
            s.execute(
                update(AuthToken)
                .where(AuthToken.token_hash == auth.hash_token(secret))
                .values(revoked_at=utcnow())
            )
        revoked_at = time.monotonic()
        while env.client.get("/api/v1/auth/me", headers=headers).status_code != 401:
            assert time.monotonic() - revoked_at < TTL_S + 0.5, "the revoked token was still taken"
            time.sleep(0.05)
    finally:
        other.dispose()
