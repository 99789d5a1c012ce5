"""API tests use `env` / `make_env` from tests/conftest.py: the real app on a private SQLite file; the footage
tests share `clip`, `fenv` and `recorded` (tests/api/footage_support.py), the live-feed tests `db_url` and `engine`
(tests/api/feed_support.py)."""

from tests.api.feed_support import db_url, engine
from tests.api.footage_support import clip, fenv, recorded
from tests.support.app_env import Env

__all__ = ["Env", "clip", "db_url", "engine", "fenv", "recorded"]
