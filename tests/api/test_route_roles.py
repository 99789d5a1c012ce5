"""Every route declares who may call it, and the server enforces it for every role."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount, Route

from access.roles import Role
from api.deps import Allow, Public
from tests.support.app_env import Env
from tests.support.live_server import LiveServer

# Framework pages without a dependency list: the OpenAPI schema and its viewers, and static assets.
FRAMEWORK_PUBLIC = {"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/static"}


def _declared(route: APIRoute) -> tuple[bool, frozenset[Role]]:
    public, roles = False, frozenset[Role]()
    pending = list(route.dependant.dependencies)
    while pending:
        dep = pending.pop()
        if isinstance(dep.call, Public):
            public = True
        elif isinstance(dep.call, Allow):
            roles |= dep.call.roles
        pending.extend(dep.dependencies)
    return public, roles


def _routes(env: Env) -> list[tuple[str, str, APIRoute]]:
    out = []
    for ctx in iter_route_contexts(env.app.routes):
        route = ctx.original_route
        if isinstance(route, APIRoute):
            for method in sorted(route.methods):
                out.append((method, str(ctx.path), route))
        else:
            assert isinstance(route, Route | Mount)
            assert route.path in FRAMEWORK_PUBLIC, f"{route.path} is not an APIRoute and declares no roles"
    return out


def test_every_route_declares_roles_or_public(env: Env) -> None:
    undeclared = []
    for method, path, route in _routes(env):
        public, roles = _declared(route)
        if not public and not roles:
            undeclared.append(f"{method} {path}")
    assert not undeclared, f"routes without Allow(...) or PUBLIC: {undeclared}"


def _fill(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _status(http: httpx.Client, method: str, path: str, headers: dict[str, str]) -> int:
    """The status code only: streaming routes (SSE, MJPEG) never end, so the body is not read."""
    with http.stream(method, path, headers=headers, json={} if method != "GET" else None) as response:
        return response.status_code


@pytest.mark.slow
def test_every_role_is_refused_exactly_where_not_allowed(env: Env) -> None:
    users = {role: env.user(role, username=f"only_{role}") for role in Role}
    tokens = {role: env.token(user) for role, user in users.items()}
    problems = []
    with LiveServer(env.app) as server, httpx.Client(base_url=server.url, timeout=30) as http:
        for method, path, route in _routes(env):
            public, allowed = _declared(route)
            if public:
                continue
            anonymous = _status(http, method, _fill(path), {"accept": "application/json"})
            if anonymous != 401:
                problems.append(f"{method} {path} anonymous -> {anonymous}")
            for role, user in users.items():
                status = _status(http, method, _fill(path), tokens[role])
                if (status == 403) == (role in allowed) or status == 401:
                    problems.append(f"{method} {path} as {role} -> {status}")
                if path.endswith("/logout"):
                    tokens[role] = env.token(user)  # signing out revoked it
    assert not problems, "\n".join(problems)
