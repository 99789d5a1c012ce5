"""A running app with its database, and helpers to make users, tokens and logins against it."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from access.roles import Role
from access.users.models import User
from config.settings import Settings
from db.session import make_session_factory, session_scope
from tests.factories.access import DEFAULT_PASSWORD, make_api_token, make_user


@dataclass
class Env:
    """A running app with its database."""

    app: FastAPI
    client: TestClient
    engine: Engine
    settings: Settings

    def session(self) -> Session:
        """A committed-on-exit session on the app's database (use as a context manager)."""
        return session_scope(make_session_factory(self.engine))  # type: ignore[return-value]

    def user(self, *roles: Role, username: str | None = None, password: str = DEFAULT_PASSWORD) -> User:
        """Create a user (committed)."""
        with self.session() as s:
            return make_user(s, username=username, roles=roles or (Role.OPERATOR,), password=password)

    def token(self, user: User) -> dict[str, str]:
        """Authorization header with a fresh bearer token for `user`, issued at the app clock's time."""
        with self.session() as s:
            secret = make_api_token(s, s.merge(user), now=self.app.state.ctx.clock.now())
        return {"Authorization": f"Bearer {secret}"}

    def login(self, username: str, password: str = DEFAULT_PASSWORD) -> str:
        """Sign in with the session cookie; return the CSRF token."""
        response = self.client.post("/api/v1/auth/login", json={"username": username, "password": password})
        assert response.status_code == 200, response.text
        return str(response.json()["csrf_token"])
