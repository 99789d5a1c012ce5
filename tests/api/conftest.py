"""API tests use `env` / `make_env` from tests/conftest.py: the real app on a private SQLite file."""

from tests.support.app_env import Env

__all__ = ["Env"]
