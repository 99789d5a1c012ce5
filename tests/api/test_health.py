"""/healthz and /metrics; a database lost while serving gives 503, and service recovers without restart."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import make_url

from access.roles import Role
from tests.support.app_env import Env
from tests.support.own_pg import own_pg_url
from tests.support.tcp_proxy import TcpProxy

__all__ = ["own_pg_url"]  # the fixture, imported for pytest


def test_healthz_and_metrics(make_env: Callable[..., Env]) -> None:
    env = make_env(metrics={"token": "scrape-token-for-prometheus"})
    assert env.client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    metrics = env.client.get("/metrics", headers={"Authorization": "Bearer scrape-token-for-prometheus"})
    assert metrics.status_code == 200
    assert "controlroom_http_requests_total" in metrics.text


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}])
def test_metrics_refuse_callers_without_the_token_outside_the_allow_list(
    make_env: Callable[..., Env], headers: dict[str, str]
) -> None:
    env = make_env(metrics={"token": "scrape-token-for-prometheus"})
    refused = env.client.get("/metrics", headers=headers)
    assert refused.status_code == 403 and "metrics.allow" in refused.json()["detail"]
    assert "controlroom_camera" not in refused.text


def test_metrics_from_an_allowed_address_need_no_token(make_env: Callable[..., Env]) -> None:
    env = make_env(metrics={"allow": ["10.1.0.0/16"]})
    inside = TestClient(env.app, client=("10.1.2.3", 40000))
    outside = TestClient(env.app, client=("10.2.0.1", 40000))
    assert inside.get("/metrics").status_code == 200
    assert outside.get("/metrics").status_code == 403


def test_request_id_is_returned_and_kept_when_given(env: Env) -> None:
    assert len(env.client.get("/healthz").headers["x-request-id"]) == 32
    assert env.client.get("/healthz", headers={"X-Request-ID": "abc-1"}).headers["x-request-id"] == "abc-1"


@pytest.mark.postgres
def test_database_lost_while_serving_gives_503_then_recovers(
    make_env: Callable[..., Env], own_pg_url: str
) -> None:
    url = make_url(own_pg_url)  # a database of its own: the admin it creates is committed
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    try:
        env = make_env(
            url.set(port=proxy.port).render_as_string(hide_password=False), database={"connect_timeout_s": 2}
        )
    except Exception:
        proxy.close()
        raise
    try:
        admin = env.user(Role.ADMIN)
        headers = env.token(admin)
        assert env.client.get("/api/v1/users", headers=headers).status_code == 200
        proxy.cut()
        down = env.client.get("/api/v1/users", headers=headers)
        assert down.status_code == 503
        assert down.json()["code"] == "database_unavailable"
        assert env.client.get("/healthz").status_code == 503
        proxy.restore()
        deadline = time.monotonic() + 10
        while env.client.get("/healthz").status_code != 200:
            assert time.monotonic() < deadline, "no recovery within 10 s"
            time.sleep(0.2)
        assert env.client.get("/api/v1/users", headers=headers).status_code == 200
    finally:
        proxy.close()
