"""Every route declares who may call it, and the server enforces it for every role."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount, Route

from access.roles import Role
from api.deps import Allow, Public
from tests.support.app_env import Env

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


@pytest.mark.slow
def test_every_role_is_refused_exactly_where_not_allowed(env: Env) -> None:
    users = {role: env.user(role, username=f"only_{role}") for role in Role}
    problems = []
    for method, path, route in _routes(env):
        public, allowed = _declared(route)
        if public:
            continue
        anonymous = env.client.request(method, _fill(path), headers={"accept": "application/json"})
        if anonymous.status_code != 401:
            problems.append(f"{method} {path} anonymous -> {anonymous.status_code}")
        for role, user in users.items():
            response = env.client.request(method, _fill(path), headers=env.token(user), json={})
            refused = response.status_code == 403
            if refused == (role in allowed) or response.status_code == 401:
                problems.append(f"{method} {path} as {role} -> {response.status_code}")
    assert not problems, "\n".join(problems)
