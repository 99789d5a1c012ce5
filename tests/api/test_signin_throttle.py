"""The sign-in throttle: per address and per name with exponential back-off, the same answer for unknown
and known names, no hard lock (the last admin signs in from elsewhere), re-authentication failures
counted; on PostgreSQL, concurrent clients cannot slip guesses past the per-address limit."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from access.audit.models import AuditEntry
from access.roles import Role
from access.signin.models import LoginFailure
from access.users.models import User
from core.clock import FixedClock, utcnow
from tests.factories.access import DEFAULT_PASSWORD
from tests.support.app_env import Env
from tests.support.live_server import LiveServer


def _login(client: TestClient | httpx.Client, username: str, password: str = "wrong") -> httpx.Response:
    return client.post("/api/v1/auth/login", json={"username": username, "password": password})


def _shape(response: httpx.Response) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["detail"].split(";")[0]


def test_unknown_and_known_names_get_the_same_answers_and_the_same_back_off(
    make_env: Callable[..., Env],
) -> None:
    env = make_env(auth={"lockout_attempts": 2, "lockout_minutes": 5})
    env.user(username="olga")
    known = [_shape(_login(env.client, "olga")) for _ in range(3)]
    unknown = [_shape(_login(env.client, "nobody-here")) for _ in range(3)]
    assert known == unknown
    assert known[0] == (401, "login_refused", "wrong user name or password")
    assert known[2][:2] == (429, "login_throttled")
    with env.session() as s:  # checked attempts are audited; throttled ones are counted, not chained
        outcomes = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "auth.login")).all()
    assert [d["reason"] for d in outcomes] == ["login_refused"] * 4


def test_the_last_admin_is_never_locked_out_by_someone_elsewhere(make_env: Callable[..., Env]) -> None:
    env = make_env(auth={"lockout_attempts": 3, "lockout_minutes": 60, "address_max_failures": 1000})
    env.user(Role.ADMIN, username="ada")
    attacker = TestClient(env.app, client=("203.0.113.9", 40000))
    for _ in range(20):
        _login(attacker, "ada")
    assert _login(attacker, "ada", DEFAULT_PASSWORD).status_code == 429
    admin_desk = TestClient(env.app, client=("10.0.0.7", 40000))
    assert _login(admin_desk, "ada", DEFAULT_PASSWORD).status_code == 200


def test_per_address_throttle_counts_every_name(make_env: Callable[..., Env]) -> None:
    env = make_env(auth={"address_max_failures": 5, "lockout_attempts": 100})
    env.user(username="olga")
    for i in range(5):
        assert _login(env.client, f"guess{i}").status_code == 401
    refused = _login(env.client, "olga", DEFAULT_PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 60
    elsewhere = TestClient(env.app, client=("10.0.0.8", 40000))
    assert _login(elsewhere, "olga", DEFAULT_PASSWORD).status_code == 200


def test_wrong_passwords_at_re_authentication_count_toward_the_throttle(make_env: Callable[..., Env]) -> None:
    env = make_env(auth={"lockout_attempts": 3, "lockout_minutes": 5})
    env.user(username="olga")
    csrf = {"X-CSRF-Token": env.login("olga")}
    body = {"current_password": "not my password", "new_password": "a brand new password"}
    answers = [
        env.client.post("/api/v1/auth/password", json=body, headers=csrf).status_code for _ in range(8)
    ]
    assert answers[:3] == [401, 401, 401] and set(answers[3:]) == {429}
    right = {**body, "current_password": DEFAULT_PASSWORD}
    assert env.client.post("/api/v1/auth/password", json=right, headers=csrf).status_code == 429
    with env.session() as s:
        assert s.scalar(select(func.count()).select_from(LoginFailure)) == 3


@pytest.mark.postgres
def test_concurrent_guesses_on_postgresql_stop_exactly_at_the_address_limit(
    make_env: Callable[..., Env], pg_url: str, pg_engine: object
) -> None:
    env = make_env(pg_url, auth={"address_max_failures": 10, "lockout_attempts": 100})
    name = f"throttle-{uuid.uuid4().hex[:8]}"  # the PostgreSQL database is shared by the run: removed after
    env.user(username=name)
    with env.session() as s:
        s.execute(delete(LoginFailure))
    try:
        with LiveServer(env.app) as server:

            def guess(i: int) -> int:
                with httpx.Client(base_url=server.url, timeout=30) as http:
                    return _login(http, name if i % 2 else f"nobody{i}").status_code

            with ThreadPoolExecutor(max_workers=12) as pool:
                answers = list(pool.map(guess, range(40)))
        assert sorted(answers) == [401] * 10 + [429] * 30
        with env.session() as s:
            assert s.scalar(select(func.count()).select_from(LoginFailure)) == 10
    finally:
        with env.session() as s:
            s.execute(delete(LoginFailure))
            for user in s.scalars(select(User).where(User.username == name)):
                s.delete(user)


@pytest.mark.postgres
@pytest.mark.parametrize("parallel", [True, False], ids=["concurrent", "back-to-back"])
def test_wrong_passwords_at_re_authentication_over_http_stop_exactly_at_the_limit_on_postgresql(
    make_env: Callable[..., Env], pg_url: str, pg_engine: object, parallel: bool
) -> None:
    env = make_env(pg_url, auth={"lockout_attempts": 3, "lockout_minutes": 5})
    env.app.state.ctx.clock = FixedClock(utcnow())  # the back-off cannot run out during the burst
    name = f"reauth-{uuid.uuid4().hex[:8]}"  # the PostgreSQL database is shared by the run: removed after
    headers = env.token(env.user(username=name))
    body = {"current_password": "not my password", "new_password": "a brand new password"}
    try:
        with LiveServer(env.app) as server:

            def change(_: int) -> int:
                with httpx.Client(base_url=server.url, timeout=30, headers=headers) as http:
                    return http.post("/api/v1/auth/password", json=body).status_code

            if parallel:
                with ThreadPoolExecutor(max_workers=12) as pool:
                    answers = sorted(pool.map(change, range(24)))
            else:  # each answer is read before the next request: the failure must be counted by then
                answers = [change(i) for i in range(8)]
        assert answers == [401] * 3 + [429] * (len(answers) - 3)
        with env.session() as s:
            counted = s.scalar(
                select(func.count()).select_from(LoginFailure).where(LoginFailure.username == name)
            )
        assert counted == 3
    finally:
        with env.session() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.username == name))
            for user in s.scalars(select(User).where(User.username == name)):
                s.delete(user)


@pytest.mark.postgres
def test_on_postgresql_concurrent_guesses_neither_lock_the_last_admin_out_nor_tell_names_apart(
    make_env: Callable[..., Env], pg_url: str, pg_engine: object
) -> None:
    env = make_env(pg_url, auth={"lockout_attempts": 3, "lockout_minutes": 60, "address_max_failures": 1000})
    env.app.state.ctx.clock = FixedClock(utcnow())  # the back-off cannot run out during the burst
    admin, nobody = f"ada-{uuid.uuid4().hex[:8]}", f"nobody-{uuid.uuid4().hex[:8]}"
    env.user(Role.ADMIN, username=admin)  # the only admin of this app's users
    try:

        def burst(name: str, address: str) -> list[tuple[int, str, str]]:
            client = TestClient(env.app, client=(address, 40000))
            with ThreadPoolExecutor(max_workers=8) as pool:
                return sorted(pool.map(lambda _: _shape(_login(client, name)), range(12)))

        known, unknown = burst(admin, "203.0.113.9"), burst(nobody, "203.0.113.10")
        assert known == unknown
        assert [status for status, _, _ in known] == [401] * 3 + [429] * 9
        admin_desk = TestClient(env.app, client=("10.0.0.7", 40000))
        assert _login(admin_desk, admin, DEFAULT_PASSWORD).status_code == 200
    finally:
        with env.session() as s:
            s.execute(delete(LoginFailure).where(LoginFailure.username.in_([admin, nobody])))
            for user in s.scalars(select(User).where(User.username == admin)):
                s.delete(user)
