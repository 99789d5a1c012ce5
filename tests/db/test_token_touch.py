"""Resolving a bearer token notes when it was used (`last_seen_at`, at most once a minute) without waiting for
another request of the same token that is doing the same: waiting held a thread of the server's pool per
request until the first one committed, and with 50 concurrent requests on a few tokens every thread waited
on a request that needed a thread to finish (bench.api_load: the server stopped answering)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import Engine, update

from access import auth
from access.users.models import AuthToken, TokenKind
from config.settings import AuthSettings
from core.clock import utcnow
from db.session import make_session_factory, session_scope
from tests.factories.access import make_api_token, make_user

pytestmark = pytest.mark.postgres


def test_a_second_request_of_the_token_does_not_wait_for_the_first(pg_engine: Engine) -> None:
    factory = make_session_factory(pg_engine)
    with session_scope(factory) as session:
        user = make_user(session, username=f"touch-{utcnow().timestamp()}")
        secret = make_api_token(session, user)
        session.execute(
            update(AuthToken)
            .where(AuthToken.token_hash == auth.hash_token(secret))
            .values(last_seen_at=utcnow() - dt.timedelta(hours=1))
        )
    settings = AuthSettings()
    first = factory()
    try:
        held = auth.resolve_token(first, secret=secret, kind=TokenKind.API, auth=settings, now=utcnow())
        assert held is not None  # the first request touched the token and keeps its transaction open
        answers: list[AuthToken | None] = []

        def second() -> None:
            with session_scope(factory) as session:
                answers.append(
                    auth.resolve_token(
                        session, secret=secret, kind=TokenKind.API, auth=settings, now=utcnow()
                    )
                )

        thread = threading.Thread(target=second, daemon=True)
        thread.start()
        thread.join(30)
        assert not thread.is_alive(), "the second request waited for the first one's row lock"
        assert answers and answers[0] is not None and answers[0].id == held.id
        first.commit()
    finally:
        first.close()
    with session_scope(factory) as session:
        stored = session.get(AuthToken, held.id)
        assert stored is not None and stored.last_seen_at is not None
        assert utcnow() - stored.last_seen_at < dt.timedelta(minutes=5)  # the first one's touch was stored
